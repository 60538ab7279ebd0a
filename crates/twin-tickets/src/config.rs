//! [`TicketConfig`]: which tracker gets the tickets, read once from the
//! environment and checked there, so that a typo is one line at start-up
//! rather than a failure on the first visitor's down-vote.
//!
//! | variable | meaning |
//! |---|---|
//! | `GITHUB_REPO` | `owner/name`: file GitHub issues there (needs `GITHUB_TOKEN`) |
//! | `GITHUB_TOKEN` | a token allowed to read and write that repository's issues |
//! | `GITHUB_API_URL` | default `https://api.github.com` (GitHub Enterprise: `https://HOST/api/v3`) |
//! | `LINEAR_API_KEY` | a Linear personal API key (needs `LINEAR_TEAM_ID`) |
//! | `LINEAR_TEAM_ID` | the UUID of the team that gets the issues |
//! | `LINEAR_API_URL` | default `https://api.linear.app/graphql` |
//!
//! `GITHUB_REPO` is what turns GitHub on. `GITHUB_TOKEN` alone is not half a
//! configuration: the GitHub CLI, CI runners and many dev shells export it
//! for their own use, and a twin must not refuse to start because of them.
//! Every other half configuration is an error naming the missing variable,
//! and so is configuring both trackers: the twin files to one place, and
//! picking one silently would leave the other's owner waiting for tickets.

use std::fmt;

use reqwest::Url;
use twin_core::Secret;

/// GitHub's REST API.
pub const DEFAULT_GITHUB_API_URL: &str = "https://api.github.com";
/// Linear's GraphQL endpoint.
pub const DEFAULT_LINEAR_API_URL: &str = "https://api.linear.app/graphql";

/// Where tickets go. `Debug` never shows the token or key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TicketConfig {
    /// GitHub Issues in one repository.
    GitHub {
        /// Sent as `Authorization: Bearer`. A fine-grained token needs
        /// "Issues: read and write" on the repository; labels are only
        /// applied when the token's user has push access.
        token: Secret,
        /// `owner/name`, checked against GitHub's naming rules.
        repo: String,
        /// The REST API root, without a trailing slash.
        api_url: String,
    },
    /// Linear issues in one team.
    Linear {
        /// A personal API key, sent as the bare `Authorization` value as
        /// Linear documents for API keys (OAuth tokens carry `Bearer `).
        api_key: Secret,
        /// The team's UUID.
        team_id: String,
        /// The GraphQL endpoint.
        api_url: String,
    },
}

/// A ticket configuration that cannot work. The message names the
/// variable; it never contains a token or key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// One variable of a pair is set, the other is not.
    #[error("{missing} is not set, but {set} is; set both to file tickets, or neither")]
    Missing {
        missing: &'static str,
        set: &'static str,
    },
    /// A variable is set to something unusable.
    #[error("{variable}: {reason}")]
    Invalid {
        variable: &'static str,
        reason: String,
    },
    /// Both trackers are configured.
    #[error(
        "both GitHub (GITHUB_REPO) and Linear (LINEAR_API_KEY) are configured for tickets; \
         unset one of them"
    )]
    BothTrackers,
}

impl TicketConfig {
    /// Reads the configuration through `lookup` (normally
    /// `|name| std::env::var(name).ok()`). `Ok(None)` when no tracker is
    /// configured, which is the default: tickets are opt-in. Blank values
    /// count as unset.
    pub fn from_lookup(
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<Option<TicketConfig>, ConfigError> {
        let get = |name: &str| {
            lookup(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let github = match (get("GITHUB_REPO"), get("GITHUB_TOKEN")) {
            (None, _) => None,
            (Some(_), None) => {
                return Err(ConfigError::Missing {
                    missing: "GITHUB_TOKEN",
                    set: "GITHUB_REPO",
                });
            }
            (Some(repo), Some(token)) => Some(TicketConfig::GitHub {
                token: Secret::new(token),
                repo: check_repo(&repo)?,
                api_url: check_url(
                    "GITHUB_API_URL",
                    get("GITHUB_API_URL").as_deref(),
                    DEFAULT_GITHUB_API_URL,
                )?,
            }),
        };
        let linear = match (get("LINEAR_API_KEY"), get("LINEAR_TEAM_ID")) {
            (None, None) => None,
            (Some(_), None) => {
                return Err(ConfigError::Missing {
                    missing: "LINEAR_TEAM_ID",
                    set: "LINEAR_API_KEY",
                });
            }
            (None, Some(_)) => {
                return Err(ConfigError::Missing {
                    missing: "LINEAR_API_KEY",
                    set: "LINEAR_TEAM_ID",
                });
            }
            (Some(key), Some(team)) => Some(TicketConfig::Linear {
                api_key: Secret::new(key),
                team_id: check_team_id(&team)?,
                api_url: check_url(
                    "LINEAR_API_URL",
                    get("LINEAR_API_URL").as_deref(),
                    DEFAULT_LINEAR_API_URL,
                )?,
            }),
        };
        match (github, linear) {
            (Some(_), Some(_)) => Err(ConfigError::BothTrackers),
            (github, linear) => Ok(github.or(linear)),
        }
    }

    /// The tracker's name, for logs and the CLI: `"GitHub"` or `"Linear"`.
    pub fn tracker(&self) -> &'static str {
        match self {
            TicketConfig::GitHub { .. } => "GitHub",
            TicketConfig::Linear { .. } => "Linear",
        }
    }
}

/// Where the tickets go, without any secret: `GitHub issues in owner/name`.
impl fmt::Display for TicketConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TicketConfig::GitHub { repo, .. } => write!(f, "GitHub issues in {repo}"),
            TicketConfig::Linear { team_id, .. } => write!(f, "Linear issues in team {team_id}"),
        }
    }
}

/// `owner/name` as GitHub allows them: an owner of letters, digits and
/// single inner hyphens (at most 39), a name of letters, digits, `.`, `-`
/// and `_` (at most 100, not `.` or `..`).
fn check_repo(repo: &str) -> Result<String, ConfigError> {
    let invalid = |reason: &str| ConfigError::Invalid {
        variable: "GITHUB_REPO",
        reason: format!("{reason} (expected owner/name, e.g. octocat/portfolio)"),
    };
    let Some((owner, name)) = repo.split_once('/') else {
        return Err(invalid("has no `/`"));
    };
    let owner_ok = (1..=39).contains(&owner.len())
        && owner
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !owner.starts_with('-')
        && !owner.ends_with('-')
        && !owner.contains("--");
    if !owner_ok {
        return Err(invalid(
            "the owner is not a GitHub user or organization name",
        ));
    }
    let name_ok = (1..=100).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'))
        && name != "."
        && name != "..";
    if !name_ok {
        return Err(invalid("the name is not a GitHub repository name"));
    }
    Ok(repo.to_owned())
}

/// Linear ids are UUIDs; a team key such as `ENG` is the likely mistake.
fn check_team_id(team: &str) -> Result<String, ConfigError> {
    let groups: Vec<&str> = team.split('-').collect();
    let uuid = groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, len)| g.len() == len && g.bytes().all(|b| b.is_ascii_hexdigit()));
    if uuid {
        Ok(team.to_ascii_lowercase())
    } else {
        Err(ConfigError::Invalid {
            variable: "LINEAR_TEAM_ID",
            reason: "must be the team's UUID (e.g. 9cfb482a-81e3-4154-b5b9-2c805e70a02d), \
                     not its key or name; `query { teams { nodes { id key } } }` lists them"
                .into(),
        })
    }
}

fn check_url(
    variable: &'static str,
    value: Option<&str>,
    default: &str,
) -> Result<String, ConfigError> {
    let url = value.unwrap_or(default).trim_end_matches('/');
    let ok = Url::parse(url)
        .ok()
        .is_some_and(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some());
    if ok {
        Ok(url.to_owned())
    } else {
        Err(ConfigError::Invalid {
            variable,
            reason: format!("must be an http(s) URL, like {default}"),
        })
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn read(vars: &[(&str, &str)]) -> Result<Option<TicketConfig>, ConfigError> {
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        TicketConfig::from_lookup(|name| vars.get(name).cloned())
    }

    const TEAM: &str = "9cfb482a-81e3-4154-b5b9-2c805e70a02d";

    #[test]
    fn nothing_set_means_no_tickets() {
        assert!(matches!(read(&[]), Ok(None)));
        assert!(matches!(read(&[("GITHUB_REPO", "  ")]), Ok(None)));
    }

    #[test]
    fn a_github_token_alone_is_ambient_not_half_a_config() {
        assert!(matches!(read(&[("GITHUB_TOKEN", "ghp_x")]), Ok(None)));
    }

    #[test]
    fn github_is_read_with_its_default_url() {
        let Ok(Some(TicketConfig::GitHub {
            token,
            repo,
            api_url,
        })) = read(&[
            ("GITHUB_REPO", " octo-cat/my.site_2 "),
            ("GITHUB_TOKEN", "ghp_x"),
        ])
        else {
            panic!("not read")
        };
        assert_eq!(token.expose(), "ghp_x");
        assert_eq!(repo, "octo-cat/my.site_2");
        assert_eq!(api_url, "https://api.github.com");
        let Ok(Some(config)) = read(&[
            ("GITHUB_REPO", "o/n"),
            ("GITHUB_TOKEN", "t"),
            ("GITHUB_API_URL", "https://ghe.example.com/api/v3/"),
        ]) else {
            panic!("not read")
        };
        assert!(matches!(config, TicketConfig::GitHub { ref api_url, .. }
            if api_url == "https://ghe.example.com/api/v3"));
        assert_eq!(config.to_string(), "GitHub issues in o/n");
    }

    #[test]
    fn linear_is_read_with_its_default_url() {
        let Ok(Some(config)) = read(&[("LINEAR_API_KEY", "lin_api_x"), ("LINEAR_TEAM_ID", TEAM)])
        else {
            panic!("not read")
        };
        let TicketConfig::Linear {
            ref api_key,
            ref team_id,
            ref api_url,
        } = config
        else {
            panic!("not Linear")
        };
        assert_eq!(api_key.expose(), "lin_api_x");
        assert_eq!(team_id, TEAM);
        assert_eq!(api_url, "https://api.linear.app/graphql");
        assert_eq!(config.tracker(), "Linear");
    }

    #[test]
    fn half_a_config_names_the_missing_variable() {
        let check = |vars: &[(&str, &str)], missing: &str| {
            let error = read(vars).map(|_| ()).unwrap_err();
            assert!(
                error
                    .to_string()
                    .starts_with(&format!("{missing} is not set")),
                "{error}"
            );
        };
        check(&[("GITHUB_REPO", "o/n")], "GITHUB_TOKEN");
        check(&[("LINEAR_API_KEY", "k")], "LINEAR_TEAM_ID");
        check(&[("LINEAR_TEAM_ID", TEAM)], "LINEAR_API_KEY");
    }

    #[test]
    fn both_trackers_are_refused() {
        let vars = [
            ("GITHUB_REPO", "o/n"),
            ("GITHUB_TOKEN", "t"),
            ("LINEAR_API_KEY", "k"),
            ("LINEAR_TEAM_ID", TEAM),
        ];
        assert_eq!(read(&vars).map(|_| ()), Err(ConfigError::BothTrackers));
    }

    #[test]
    fn bad_values_name_their_variable_and_never_the_secret() {
        for repo in [
            "octocat",
            "/n",
            "o/",
            "-o/n",
            "o--o/n",
            "o/..",
            "o/n/x",
            "o/n b",
            "https://github.com/o/n",
        ] {
            let error = read(&[("GITHUB_REPO", repo), ("GITHUB_TOKEN", "sekrit")])
                .map(|_| ())
                .unwrap_err();
            let text = error.to_string();
            assert!(text.starts_with("GITHUB_REPO: "), "{repo}: {text}");
            assert!(!text.contains("sekrit"));
        }
        for team in [
            "ENG",
            "9cfb482a81e34154b5b92c805e70a02d",
            "9cfb482a-81e3-4154-b5b9-2c805e70a0zz",
        ] {
            let error = read(&[("LINEAR_API_KEY", "sekrit"), ("LINEAR_TEAM_ID", team)])
                .map(|_| ())
                .unwrap_err();
            assert!(error.to_string().starts_with("LINEAR_TEAM_ID: "), "{team}");
        }
        let error = read(&[
            ("GITHUB_REPO", "o/n"),
            ("GITHUB_TOKEN", "t"),
            ("GITHUB_API_URL", "api.github.com"),
        ])
        .map(|_| ())
        .unwrap_err();
        assert!(error.to_string().starts_with("GITHUB_API_URL: "));
    }

    #[test]
    fn debug_hides_the_secrets() {
        let Ok(Some(config)) = read(&[("GITHUB_REPO", "o/n"), ("GITHUB_TOKEN", "ghp_sekrit")])
        else {
            panic!("not read")
        };
        assert!(!format!("{config:?}").contains("ghp_sekrit"));
    }
}
