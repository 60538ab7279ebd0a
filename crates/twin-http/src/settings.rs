//! Settings from the environment, parsed once at start-up.
//!
//! Raw variables become a validated [`Settings`] here and nowhere else; a bad
//! value stops start-up with one line naming the variable and what it must
//! be, e.g. `TWIN_TOP_K: expected a whole number from 1 to 20, got "ten"`.

use std::fmt;

use twin_core::Secret;

/// Every setting the HTTP edge reads.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// `TWIN_TOP_K`: chunks retrieved per question (1..=20, default 5).
    pub top_k: usize,
    /// `TWIN_HISTORY_TURNS`: earlier turns used per question (0..=20, default 6).
    pub history_turns: usize,
    /// `TWIN_LOG_FORMAT`: `json` or `pretty` (default: json on Vercel, pretty elsewhere).
    pub log_format: LogFormat,
    /// `TWIN_CORS_ORIGINS`: `*` or a comma-separated list of origins (default `*`).
    pub cors_origins: CorsOrigins,
    /// `UPSTASH_VECTOR_REST_URL` + `UPSTASH_VECTOR_REST_TOKEN`: retrieval
    /// against Upstash Vector; `None` means the embedded index.
    pub upstash: Option<UpstashSettings>,
    /// `GROQ_API_KEY` (or `GROQ_BASE_URL` alone, for a local server): answers
    /// from an LLM; `None` means the extractive composer.
    pub llm: Option<LlmSettings>,
    /// `TWIN_REINDEX_SECRET`: the shared secret of `POST /api/reindex`
    /// (GitHub webhook secret or bearer token). Unset, the route answers 503.
    pub reindex_secret: Option<Secret>,
    /// `TWIN_KEEP_NAMESPACES`: how many index versions sync keeps (1..=50,
    /// default 5), so that rollbacks find theirs.
    pub keep_namespaces: usize,
    /// `TWIN_METRICS_TOKEN`: when set, `GET /api/metrics` wants it as a
    /// bearer token.
    pub metrics_token: Option<Secret>,
    /// `TWIN_LOG_QUESTIONS=1`: visitors' questions appear in the request
    /// log. Off by default: a question can hold personal data.
    pub log_questions: bool,
    /// `TWIN_CACHE_TTL_SECS` (default 3600) and `TWIN_CACHE_CAPACITY`
    /// (answers, default 1000); either at 0 turns the answer cache off.
    pub cache: CacheSettings,
    /// `TWIN_RATE_LIMIT_PER_MIN`: questions per minute per client address
    /// (default 30, 0 = no limit), with bursts of up to a third of it.
    pub rate_limit_per_min: u32,
    /// `TWIN_MAX_CONCURRENT_LLM`: LLM answers in progress at once across the
    /// process (1..=1000, default 16); beyond it, 429.
    pub max_concurrent_llm: usize,
    /// `TWIN_TRUST_PROXY_HEADERS`: take the client address from
    /// `X-Real-IP` / `X-Forwarded-For` (default on under Vercel, which
    /// overwrites them; off elsewhere, where anyone can send them).
    pub trust_proxy_headers: bool,
    /// `MCP_AUTH_TOKEN`, `TWIN_MCP_ALLOWED_ORIGINS`, `TWIN_MCP_ALLOWED_HOSTS`:
    /// who may use `/api/mcp`.
    pub mcp: McpSettings,
    /// `GITHUB_REPO` + `GITHUB_TOKEN`, or `LINEAR_API_KEY` + `LINEAR_TEAM_ID`:
    /// where unanswered questions and commented down-votes become tickets.
    pub tickets: Option<twin_tickets::TicketConfig>,
}

/// Access to the MCP endpoint.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct McpSettings {
    /// `MCP_AUTH_TOKEN`: when set, MCP clients must send it as a bearer token.
    pub auth_token: Option<Secret>,
    /// `TWIN_MCP_ALLOWED_ORIGINS`: browser origins beyond loopback, comma-separated
    /// (patterns like `https://*.example.dev` allowed).
    pub allowed_origins: Vec<String>,
    /// `TWIN_MCP_ALLOWED_HOSTS`: `Host` values beyond loopback and, on Vercel,
    /// the deployment's own domains (`VERCEL_URL`, `VERCEL_BRANCH_URL`,
    /// `VERCEL_PROJECT_PRODUCTION_URL`); `*` turns the check off.
    pub allowed_hosts: Vec<String>,
}

/// The answer cache's bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CacheSettings {
    pub ttl: std::time::Duration,
    pub capacity: u64,
}

impl CacheSettings {
    pub fn enabled(&self) -> bool {
        !self.ttl.is_zero() && self.capacity > 0
    }
}

/// Where Upstash Vector is.
#[derive(Debug, Clone, PartialEq)]
pub struct UpstashSettings {
    pub url: String,
    pub token: Secret,
    /// `TWIN_UPSTASH_MIN_SCORE`: hits scoring below this are dropped
    /// (0.0..=1.0, default 0.0: Upstash's scores depend on the index's
    /// model and fusion, so the floor is opt-in; see the README).
    pub min_score: f32,
}

/// Which OpenAI-compatible chat completions API answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LlmSettings {
    /// `GROQ_BASE_URL` (default `https://api.groq.com/openai/v1`).
    pub base_url: String,
    /// `GROQ_API_KEY`; optional only for a local server.
    pub api_key: Option<Secret>,
    /// `GROQ_MODEL`; `None` means the client's default.
    pub model: Option<String>,
    /// `GROQ_FALLBACK_MODELS`, comma-separated; `None` means the client's
    /// default list, `none` means no fallback.
    pub fallback_models: Option<Vec<String>>,
}

/// The default OpenAI-compatible base URL: Groq's.
pub const GROQ_BASE_URL: &str = "https://api.groq.com/openai/v1";

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    /// One JSON object per line, for log collectors.
    Json,
    /// Human-readable, for a terminal.
    Pretty,
}

/// Which browser origins may call the API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CorsOrigins {
    Any,
    List(Vec<String>),
}

/// A setting that could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{variable}: {message}")]
pub struct SettingsError {
    pub variable: &'static str,
    pub message: String,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            top_k: 5,
            history_turns: 6,
            log_format: LogFormat::Pretty,
            cors_origins: CorsOrigins::Any,
            upstash: None,
            llm: None,
            reindex_secret: None,
            keep_namespaces: 5,
            metrics_token: None,
            log_questions: false,
            cache: CacheSettings {
                ttl: std::time::Duration::from_secs(3600),
                capacity: 1000,
            },
            rate_limit_per_min: 30,
            max_concurrent_llm: 16,
            trust_proxy_headers: false,
            mcp: McpSettings::default(),
            tickets: None,
        }
    }
}

impl Settings {
    /// Reads the process environment.
    pub fn from_env() -> Result<Settings, SettingsError> {
        Settings::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads settings through `lookup`, so tests need not touch the process
    /// environment.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Settings, SettingsError> {
        let get = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        let defaults = Settings::default();
        let on_vercel = get("VERCEL").is_some();
        Ok(Settings {
            top_k: match get("TWIN_TOP_K") {
                Some(v) => number("TWIN_TOP_K", &v, 1, 20)?,
                None => defaults.top_k,
            },
            history_turns: match get("TWIN_HISTORY_TURNS") {
                Some(v) => number("TWIN_HISTORY_TURNS", &v, 0, 20)?,
                None => defaults.history_turns,
            },
            log_format: match get("TWIN_LOG_FORMAT").as_deref().map(str::trim) {
                Some("json") => LogFormat::Json,
                Some("pretty") => LogFormat::Pretty,
                Some(other) => {
                    return Err(SettingsError {
                        variable: "TWIN_LOG_FORMAT",
                        message: format!("expected `json` or `pretty`, got {other:?}"),
                    });
                }
                None if on_vercel => LogFormat::Json,
                None => LogFormat::Pretty,
            },
            cors_origins: match get("TWIN_CORS_ORIGINS") {
                Some(v) => cors_origins(&v)?,
                None => defaults.cors_origins,
            },
            upstash: upstash(
                get("UPSTASH_VECTOR_REST_URL"),
                get("UPSTASH_VECTOR_REST_TOKEN"),
                get("TWIN_UPSTASH_MIN_SCORE"),
            )?,
            llm: llm(&get)?,
            reindex_secret: match get("TWIN_REINDEX_SECRET") {
                Some(v) if v.trim().len() < 16 => {
                    return Err(SettingsError {
                        variable: "TWIN_REINDEX_SECRET",
                        message: "must be at least 16 characters (use a random string)".into(),
                    });
                }
                Some(v) => Some(Secret::new(v.trim())),
                None => None,
            },
            keep_namespaces: match get("TWIN_KEEP_NAMESPACES") {
                Some(v) => number("TWIN_KEEP_NAMESPACES", &v, 1, 50)?,
                None => defaults.keep_namespaces,
            },
            metrics_token: match get("TWIN_METRICS_TOKEN") {
                Some(v) if v.trim().len() < 16 => {
                    return Err(SettingsError {
                        variable: "TWIN_METRICS_TOKEN",
                        message: "must be at least 16 characters (use a random string)".into(),
                    });
                }
                Some(v) => Some(Secret::new(v.trim())),
                None => None,
            },
            log_questions: match get("TWIN_LOG_QUESTIONS") {
                Some(v) => flag("TWIN_LOG_QUESTIONS", &v)?,
                None => false,
            },
            cache: CacheSettings {
                ttl: match get("TWIN_CACHE_TTL_SECS") {
                    Some(v) => std::time::Duration::from_secs(number(
                        "TWIN_CACHE_TTL_SECS",
                        &v,
                        0,
                        7 * 86_400,
                    )? as u64),
                    None => defaults.cache.ttl,
                },
                capacity: match get("TWIN_CACHE_CAPACITY") {
                    Some(v) => number("TWIN_CACHE_CAPACITY", &v, 0, 1_000_000)? as u64,
                    None => defaults.cache.capacity,
                },
            },
            rate_limit_per_min: match get("TWIN_RATE_LIMIT_PER_MIN") {
                Some(v) => number("TWIN_RATE_LIMIT_PER_MIN", &v, 0, 100_000)? as u32,
                None => defaults.rate_limit_per_min,
            },
            max_concurrent_llm: match get("TWIN_MAX_CONCURRENT_LLM") {
                Some(v) => number("TWIN_MAX_CONCURRENT_LLM", &v, 1, 1000)?,
                None => defaults.max_concurrent_llm,
            },
            trust_proxy_headers: match get("TWIN_TRUST_PROXY_HEADERS") {
                Some(v) => flag("TWIN_TRUST_PROXY_HEADERS", &v)?,
                None => on_vercel,
            },
            mcp: McpSettings {
                auth_token: match get("MCP_AUTH_TOKEN") {
                    Some(v) if v.trim().len() < 16 => {
                        return Err(SettingsError {
                            variable: "MCP_AUTH_TOKEN",
                            message: "must be at least 16 characters (use a random string)".into(),
                        });
                    }
                    Some(v) => Some(Secret::new(v.trim())),
                    None => None,
                },
                allowed_origins: list(get("TWIN_MCP_ALLOWED_ORIGINS")),
                allowed_hosts: {
                    let mut hosts = list(get("TWIN_MCP_ALLOWED_HOSTS"));
                    for name in [
                        "VERCEL_URL",
                        "VERCEL_BRANCH_URL",
                        "VERCEL_PROJECT_PRODUCTION_URL",
                    ] {
                        hosts.extend(get(name).map(|h| h.trim().to_owned()));
                    }
                    hosts
                },
            },
            tickets: twin_tickets::TicketConfig::from_lookup(get).map_err(|error| {
                use twin_tickets::ConfigError as E;
                SettingsError {
                    variable: match &error {
                        E::Missing { missing, .. } => missing,
                        E::Invalid { variable, .. } => variable,
                        E::BothTrackers => "LINEAR_API_KEY",
                    },
                    message: match &error {
                        E::Invalid { reason, .. } => reason.clone(),
                        other => other.to_string(),
                    },
                }
            })?,
        })
    }
}

/// Both Upstash variables or neither: half a configuration is a mistake
/// worth stopping for, not a reason to fall back silently.
fn upstash(
    url: Option<String>,
    token: Option<String>,
    min_score: Option<String>,
) -> Result<Option<UpstashSettings>, SettingsError> {
    match (url, token) {
        (None, None) => Ok(None),
        (Some(_), None) => Err(SettingsError {
            variable: "UPSTASH_VECTOR_REST_TOKEN",
            message: "is required when UPSTASH_VECTOR_REST_URL is set (copy it from the index's REST API panel)"
                .into(),
        }),
        (None, Some(_)) => Err(SettingsError {
            variable: "UPSTASH_VECTOR_REST_URL",
            message: "is required when UPSTASH_VECTOR_REST_TOKEN is set (copy it from the index's REST API panel)"
                .into(),
        }),
        (Some(url), Some(token)) => Ok(Some(UpstashSettings {
            url: http_url("UPSTASH_VECTOR_REST_URL", &url)?,
            token: Secret::new(token.trim()),
            min_score: match min_score {
                Some(v) => score("TWIN_UPSTASH_MIN_SCORE", &v)?,
                None => 0.0,
            },
        })),
    }
}

fn llm(get: &impl Fn(&str) -> Option<String>) -> Result<Option<LlmSettings>, SettingsError> {
    let api_key = get("GROQ_API_KEY").map(|k| Secret::new(k.trim()));
    let base_url = get("GROQ_BASE_URL")
        .map(|url| http_url("GROQ_BASE_URL", &url))
        .transpose()?;
    let model = get("GROQ_MODEL").map(|m| m.trim().to_owned());
    let fallback_models = get("GROQ_FALLBACK_MODELS").map(|v| {
        if v.trim().eq_ignore_ascii_case("none") {
            return Vec::new();
        }
        v.split(',')
            .map(str::trim)
            .filter(|m| !m.is_empty())
            .map(str::to_owned)
            .collect()
    });
    if api_key.is_none() && base_url.is_none() {
        if model.is_some() {
            return Err(SettingsError {
                variable: "GROQ_API_KEY",
                message:
                    "is required when GROQ_MODEL is set (or set GROQ_BASE_URL for a local server)"
                        .into(),
            });
        }
        return Ok(None);
    }
    let base_url = base_url.unwrap_or_else(|| GROQ_BASE_URL.to_owned());
    if api_key.is_none() && base_url == GROQ_BASE_URL {
        return Err(SettingsError {
            variable: "GROQ_API_KEY",
            message: "is required for Groq's API (only a local server may go without one)".into(),
        });
    }
    Ok(Some(LlmSettings {
        base_url,
        api_key,
        model,
        fallback_models,
    }))
}

/// An `http(s)://host[/path]` URL with no trailing slash.
fn http_url(variable: &'static str, value: &str) -> Result<String, SettingsError> {
    let value = value.trim().trim_end_matches('/');
    let host = value
        .strip_prefix("https://")
        .or_else(|| value.strip_prefix("http://"))
        .unwrap_or("");
    if host.is_empty() || host.starts_with('/') || value.contains(char::is_whitespace) {
        return Err(SettingsError {
            variable,
            message: format!("expected a URL like https://example.com, got {value:?}"),
        });
    }
    Ok(value.to_owned())
}

fn score(variable: &'static str, value: &str) -> Result<f32, SettingsError> {
    value
        .trim()
        .parse::<f32>()
        .ok()
        .filter(|n| (0.0..=1.0).contains(n))
        .ok_or_else(|| SettingsError {
            variable,
            message: format!("expected a number from 0.0 to 1.0, got {value:?}"),
        })
}

/// A comma-separated list, blanks dropped.
fn list(value: Option<String>) -> Vec<String> {
    value
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
        .collect()
}

fn flag(variable: &'static str, value: &str) -> Result<bool, SettingsError> {
    match value.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" => Ok(false),
        _ => Err(SettingsError {
            variable,
            message: format!("expected 1 or 0 (true or false), got {value:?}"),
        }),
    }
}

fn number(
    variable: &'static str,
    value: &str,
    min: usize,
    max: usize,
) -> Result<usize, SettingsError> {
    value
        .trim()
        .parse::<usize>()
        .ok()
        .filter(|n| (min..=max).contains(n))
        .ok_or_else(|| SettingsError {
            variable,
            message: format!("expected a whole number from {min} to {max}, got {value:?}"),
        })
}

fn cors_origins(value: &str) -> Result<CorsOrigins, SettingsError> {
    if value.trim() == "*" {
        return Ok(CorsOrigins::Any);
    }
    let mut list = Vec::new();
    for origin in value.split(',').map(str::trim).filter(|o| !o.is_empty()) {
        let scheme_ok = origin.starts_with("https://") || origin.starts_with("http://");
        let host = origin.split("://").nth(1).unwrap_or("");
        if !scheme_ok || host.is_empty() || host.contains('/') {
            return Err(SettingsError {
                variable: "TWIN_CORS_ORIGINS",
                message: format!(
                    "expected `*` or origins like https://example.com (scheme and host, no path), got {origin:?}"
                ),
            });
        }
        list.push(origin.to_owned());
    }
    Ok(CorsOrigins::List(list))
}

impl fmt::Display for LogFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            LogFormat::Json => "json",
            LogFormat::Pretty => "pretty",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(vars: &[(&str, &str)]) -> Result<Settings, SettingsError> {
        Settings::from_lookup(|name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        })
    }

    #[test]
    fn defaults_without_variables() {
        assert_eq!(parse(&[]).unwrap(), Settings::default());
        assert_eq!(
            parse(&[("VERCEL", "1")]).unwrap().log_format,
            LogFormat::Json
        );
    }

    #[test]
    fn reads_valid_values() {
        let s = parse(&[
            ("TWIN_TOP_K", "8"),
            ("TWIN_HISTORY_TURNS", "0"),
            ("TWIN_LOG_FORMAT", "json"),
            (
                "TWIN_CORS_ORIGINS",
                "https://a.example, http://localhost:8080",
            ),
        ])
        .unwrap();
        assert_eq!(s.top_k, 8);
        assert_eq!(s.history_turns, 0);
        assert_eq!(s.log_format, LogFormat::Json);
        assert_eq!(
            s.cors_origins,
            CorsOrigins::List(vec![
                "https://a.example".into(),
                "http://localhost:8080".into()
            ])
        );
    }

    #[test]
    fn operations_settings() {
        let s = parse(&[
            ("TWIN_METRICS_TOKEN", "metrics-token-0123456789"),
            ("TWIN_LOG_QUESTIONS", "1"),
            ("TWIN_CACHE_TTL_SECS", "60"),
            ("TWIN_CACHE_CAPACITY", "0"),
            ("TWIN_RATE_LIMIT_PER_MIN", "120"),
            ("TWIN_MAX_CONCURRENT_LLM", "4"),
            ("TWIN_TRUST_PROXY_HEADERS", "true"),
        ])
        .unwrap();
        assert_eq!(
            s.metrics_token.as_ref().map(Secret::expose),
            Some("metrics-token-0123456789")
        );
        assert!(!format!("{s:?}").contains("metrics-token-0123456789"));
        assert!(s.log_questions);
        assert_eq!(s.cache.ttl, std::time::Duration::from_secs(60));
        assert!(!s.cache.enabled(), "capacity 0 turns the cache off");
        assert!(Settings::default().cache.enabled());
        assert_eq!(s.rate_limit_per_min, 120);
        assert_eq!(s.max_concurrent_llm, 4);
        assert!(s.trust_proxy_headers);
        // Proxy headers are trusted by default only under Vercel.
        assert!(!parse(&[]).unwrap().trust_proxy_headers);
        assert!(parse(&[("VERCEL", "1")]).unwrap().trust_proxy_headers);
        assert!(
            !parse(&[("VERCEL", "1"), ("TWIN_TRUST_PROXY_HEADERS", "0")])
                .unwrap()
                .trust_proxy_headers
        );
        assert_eq!(
            parse(&[("TWIN_LOG_QUESTIONS", "maybe")])
                .unwrap_err()
                .to_string(),
            r#"TWIN_LOG_QUESTIONS: expected 1 or 0 (true or false), got "maybe""#
        );
        assert_eq!(
            parse(&[("TWIN_METRICS_TOKEN", "short")])
                .unwrap_err()
                .variable,
            "TWIN_METRICS_TOKEN"
        );
    }

    #[test]
    fn backends_follow_what_is_configured() {
        let s = parse(&[
            (
                "UPSTASH_VECTOR_REST_URL",
                "https://x-eu1-vector.upstash.io/",
            ),
            ("UPSTASH_VECTOR_REST_TOKEN", "s3cr3t-token"),
            ("GROQ_API_KEY", "gsk_s3cr3t"),
            ("GROQ_FALLBACK_MODELS", "a, b,,"),
        ])
        .unwrap();
        let upstash = s.upstash.as_ref().unwrap();
        assert_eq!(upstash.url, "https://x-eu1-vector.upstash.io");
        assert_eq!(upstash.token.expose(), "s3cr3t-token");
        assert_eq!(upstash.min_score, 0.0);
        let llm = s.llm.as_ref().unwrap();
        assert_eq!(llm.base_url, GROQ_BASE_URL);
        assert_eq!(llm.model, None);
        assert_eq!(llm.fallback_models, Some(vec!["a".into(), "b".into()]));
        let debug = format!("{s:?}");
        assert!(!debug.contains("s3cr3t"), "{debug}");

        // A local OpenAI-compatible server needs no key.
        let s = parse(&[("GROQ_BASE_URL", "http://localhost:11434/v1")]).unwrap();
        assert_eq!(s.llm.unwrap().api_key, None);
        assert_eq!(parse(&[]).unwrap().llm, None);
    }

    #[test]
    fn bad_values_name_the_variable() {
        let check = |vars: &[(&str, &str)], expect: &str| {
            let err = parse(vars).unwrap_err().to_string();
            assert_eq!(err, expect);
        };
        check(
            &[("TWIN_TOP_K", "ten")],
            r#"TWIN_TOP_K: expected a whole number from 1 to 20, got "ten""#,
        );
        check(
            &[("TWIN_TOP_K", "0")],
            r#"TWIN_TOP_K: expected a whole number from 1 to 20, got "0""#,
        );
        check(
            &[("TWIN_HISTORY_TURNS", "21")],
            r#"TWIN_HISTORY_TURNS: expected a whole number from 0 to 20, got "21""#,
        );
        check(
            &[("TWIN_LOG_FORMAT", "xml")],
            r#"TWIN_LOG_FORMAT: expected `json` or `pretty`, got "xml""#,
        );
        check(
            &[("UPSTASH_VECTOR_REST_URL", "https://x.upstash.io")],
            "UPSTASH_VECTOR_REST_TOKEN: is required when UPSTASH_VECTOR_REST_URL is set (copy it from the index's REST API panel)",
        );
        check(
            &[("UPSTASH_VECTOR_REST_TOKEN", "t0ken")],
            "UPSTASH_VECTOR_REST_URL: is required when UPSTASH_VECTOR_REST_TOKEN is set (copy it from the index's REST API panel)",
        );
        check(
            &[
                ("UPSTASH_VECTOR_REST_URL", "x.upstash.io"),
                ("UPSTASH_VECTOR_REST_TOKEN", "t0ken"),
            ],
            r#"UPSTASH_VECTOR_REST_URL: expected a URL like https://example.com, got "x.upstash.io""#,
        );
        check(
            &[("GROQ_MODEL", "llama-3.3-70b-versatile")],
            "GROQ_API_KEY: is required when GROQ_MODEL is set (or set GROQ_BASE_URL for a local server)",
        );
        check(
            &[("TWIN_REINDEX_SECRET", "short")],
            "TWIN_REINDEX_SECRET: must be at least 16 characters (use a random string)",
        );
        check(
            &[
                ("UPSTASH_VECTOR_REST_URL", "https://x.upstash.io"),
                ("UPSTASH_VECTOR_REST_TOKEN", "t0ken"),
                ("TWIN_UPSTASH_MIN_SCORE", "80"),
            ],
            r#"TWIN_UPSTASH_MIN_SCORE: expected a number from 0.0 to 1.0, got "80""#,
        );
        check(
            &[("TWIN_KEEP_NAMESPACES", "0")],
            r#"TWIN_KEEP_NAMESPACES: expected a whole number from 1 to 50, got "0""#,
        );
        check(
            &[("TWIN_CORS_ORIGINS", "example.com")],
            r#"TWIN_CORS_ORIGINS: expected `*` or origins like https://example.com (scheme and host, no path), got "example.com""#,
        );
    }
}
