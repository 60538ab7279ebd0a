//! GitHub Issues over the REST API (version `2022-11-28`).
//!
//! | what | request |
//! |---|---|
//! | find a gap's issue | `GET /search/issues?q=repo:O/N is:issue is:open "twin-gap:KEY" in:body`, then `GET /repos/O/N/issues?labels=twin-gap&sort=created` |
//! | file a gap | `POST /repos/O/N/issues` `{title, body, labels: ["twin-gap"]}` |
//! | asked again | `POST /repos/O/N/issues/NUMBER/comments` `{body}` |
//! | `twin gaps` | `GET /repos/O/N/issues?state=open&labels=twin-gap&sort=comments&direction=desc` |
//!
//! The search index lags new issues by up to a minute or so, so a search
//! that finds nothing is followed by a look at the most recent open
//! `twin-gap` issues, which the list endpoint serves from the database.
//! Either way a result counts only if its body really holds the marker.
//!
//! Rate limits follow GitHub's documented rules: a 403 or 429 with
//! `x-ratelimit-remaining: 0` waits for `x-ratelimit-reset`, one with
//! `retry-after` waits that long, any other 429 or a 403 that says
//! "rate limit" (a secondary limit) waits a minute.

use std::time::Duration;

use reqwest::header::{ACCEPT, CONTENT_TYPE};
use reqwest::{Method, StatusCode, Url};
use serde::de::{DeserializeOwned, IgnoredAny};
use serde::{Deserialize, Serialize};
use twin_core::Secret;

use crate::TicketError;
use crate::gap::{self, Gap};
use crate::http::{Http, Reply, header_number, reason, retry_after, until_epoch};
use crate::tickets::{GapSummary, Ticket, TicketOptions};

const TRACKER: &str = "GitHub";
/// The label every gap issue carries; GitHub creates it on first use.
pub(crate) const LABEL: &str = "twin-gap";
/// GitHub's advice for a secondary rate limit without `retry-after`.
const SECONDARY_WAIT: Duration = Duration::from_secs(60);

/// `POST /repos/{owner}/{repo}/issues`.
#[derive(Debug, Serialize)]
struct CreateIssue<'a> {
    title: &'a str,
    body: &'a str,
    labels: [&'a str; 1],
}

/// `POST /repos/{owner}/{repo}/issues/{issue_number}/comments`.
#[derive(Debug, Serialize)]
struct CreateComment<'a> {
    body: &'a str,
}

/// The fields of GitHub's issue object that the twin reads.
#[derive(Debug, Deserialize)]
struct Issue {
    number: u64,
    html_url: String,
    title: String,
    #[serde(default)]
    body: Option<String>,
    #[serde(default)]
    comments: u32,
    /// Present when the "issue" is a pull request.
    #[serde(default)]
    pull_request: Option<IgnoredAny>,
}

/// `GET /search/issues`.
#[derive(Debug, Deserialize)]
struct SearchResults {
    items: Vec<Issue>,
}

/// A created comment.
#[derive(Debug, Deserialize)]
struct Comment {
    html_url: String,
}

/// GitHub's error body: `{"message", "documentation_url", "errors"?}`.
#[derive(Debug, Deserialize)]
struct ErrorBody {
    message: String,
    #[serde(default)]
    errors: Vec<ErrorDetail>,
}

#[derive(Debug, Deserialize)]
struct ErrorDetail {
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    code: Option<String>,
}

impl Issue {
    fn has_marker(&self, marker: &str) -> bool {
        self.pull_request.is_none() && self.body.as_deref().is_some_and(|b| b.contains(marker))
    }

    fn ticket(&self) -> Ticket {
        Ticket {
            id: self.number.to_string(),
            url: self.html_url.clone(),
        }
    }
}

/// A client for one repository's issues.
#[derive(Debug, Clone)]
pub(crate) struct GitHub {
    http: Http,
    api: Url,
    repo: String,
}

impl GitHub {
    pub fn new(
        token: Secret,
        repo: String,
        api_url: &str,
        options: &TicketOptions,
    ) -> Result<GitHub, TicketError> {
        let api = Url::parse(api_url.trim_end_matches('/'))
            .ok()
            .filter(|u| u.has_host() && !u.cannot_be_a_base())
            .ok_or_else(|| TicketError::Invalid(format!("bad GitHub API URL {api_url:?}")))?;
        let http = Http::new(
            TRACKER,
            token,
            options.timeout,
            options.connect_timeout,
            options.max_retries,
        )?;
        Ok(GitHub { http, api, repo })
    }

    /// The open issue filed for `key`, if any.
    pub async fn find(&self, key: &str) -> Result<Option<Ticket>, TicketError> {
        let marker = gap::marker(key);
        let query = format!("repo:{} is:issue is:open \"{marker}\" in:body", self.repo);
        let url = self.url(
            &["search", "issues"],
            &[
                ("q", query.as_str()),
                // The documented switch to issues advanced search, which
                // becomes the default; harmless once it is.
                ("advanced_search", "true"),
                ("per_page", "10"),
            ],
        );
        let found: SearchResults = self.retrying_get(url).await?;
        if let Some(issue) = found.items.iter().find(|i| i.has_marker(&marker)) {
            return Ok(Some(issue.ticket()));
        }
        self.find_recent(key).await
    }

    /// The issue for `key` among the 100 most recently created open gap
    /// issues: what the search index may not know yet.
    pub async fn find_recent(&self, key: &str) -> Result<Option<Ticket>, TicketError> {
        let marker = gap::marker(key);
        let url = self.issues_url(&[
            ("state", "open"),
            ("labels", LABEL),
            ("sort", "created"),
            ("direction", "desc"),
            ("per_page", "100"),
        ]);
        let issues: Vec<Issue> = self.retrying_get(url).await?;
        Ok(issues
            .iter()
            .find(|i| i.has_marker(&marker))
            .map(Issue::ticket))
    }

    /// Files a new issue. Not retried here: a create that timed out may
    /// have happened, and only a fresh look can tell (see `Tickets`).
    pub async fn create(&self, gap: &Gap, key: &str) -> Result<Ticket, TicketError> {
        let title = gap::title(gap);
        let body = gap::body(gap, key, true);
        let request = CreateIssue {
            title: &title,
            body: &body,
            labels: [LABEL],
        };
        let url = self.repo_url(&["issues"], &[]);
        let issue: Issue = self.send(Method::POST, url, Some(&request)).await?;
        Ok(issue.ticket())
    }

    /// Comments on the issue; returns the comment's URL.
    pub async fn comment(&self, ticket: &Ticket, text: &str) -> Result<String, TicketError> {
        let url = self.repo_url(&["issues", &ticket.id, "comments"], &[]);
        let request = CreateComment { body: text };
        let comment: Comment = self
            .http
            .retrying("comment", || {
                self.send(Method::POST, url.clone(), Some(&request))
            })
            .await?;
        Ok(comment.html_url)
    }

    /// The open gap issues with the most comments, at most 100.
    pub async fn gaps(&self, limit: usize) -> Result<Vec<GapSummary>, TicketError> {
        let per_page = limit.clamp(1, 100).to_string();
        let url = self.issues_url(&[
            ("state", "open"),
            ("labels", LABEL),
            ("sort", "comments"),
            ("direction", "desc"),
            ("per_page", per_page.as_str()),
        ]);
        let issues: Vec<Issue> = self.retrying_get(url).await?;
        Ok(issues
            .into_iter()
            .filter(|i| i.pull_request.is_none())
            .map(|i| GapSummary {
                question: i
                    .body
                    .as_deref()
                    .and_then(gap::question_from_body)
                    .unwrap_or_else(|| gap::question_from_title(&i.title)),
                asked: i.comments.saturating_add(1),
                url: i.html_url,
            })
            .collect())
    }

    fn issues_url(&self, query: &[(&str, &str)]) -> Url {
        self.repo_url(&["issues"], query)
    }

    fn repo_url(&self, tail: &[&str], query: &[(&str, &str)]) -> Url {
        let mut segments = vec!["repos"];
        segments.extend(self.repo.split('/'));
        segments.extend_from_slice(tail);
        self.url(&segments, query)
    }

    /// `{api}/{segments...}?{query}`, each segment percent-encoded.
    fn url(&self, segments: &[&str], query: &[(&str, &str)]) -> Url {
        let mut url = self.api.clone();
        // `new` checked that the base can have path segments.
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty().extend(segments);
        }
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query);
        }
        url
    }

    async fn retrying_get<T: DeserializeOwned>(&self, url: Url) -> Result<T, TicketError> {
        self.http
            .retrying("read", || {
                self.send::<(), T>(Method::GET, url.clone(), None)
            })
            .await
    }

    async fn send<B: Serialize, T: DeserializeOwned>(
        &self,
        method: Method,
        url: Url,
        body: Option<&B>,
    ) -> Result<T, TicketError> {
        let mut request = self
            .http
            .client
            .request(method, url)
            .bearer_auth(self.http.secret.expose())
            .header(ACCEPT, "application/vnd.github+json")
            .header("X-GitHub-Api-Version", "2022-11-28");
        if let Some(body) = body {
            let bytes = serde_json::to_vec(body)
                .map_err(|e| TicketError::Invalid(format!("cannot encode the request: {e}")))?;
            request = request.header(CONTENT_TYPE, "application/json").body(bytes);
        }
        let reply = self.http.execute(request).await?;
        if reply.status.is_success() {
            serde_json::from_slice(&reply.body).map_err(|e| self.http.malformed(e))
        } else {
            Err(self.error(&reply))
        }
    }

    fn error(&self, reply: &Reply) -> TicketError {
        let status = reply.status;
        if status.is_server_error() {
            return self.http.server_error(status);
        }
        let message = serde_json::from_slice::<ErrorBody>(&reply.body)
            .ok()
            .filter(|b| !b.message.trim().is_empty())
            .map(|b| {
                let details: Vec<String> = b
                    .errors
                    .iter()
                    .filter_map(|e| e.message.clone().or_else(|| e.code.clone()))
                    .collect();
                if details.is_empty() {
                    b.message
                } else {
                    format!("{}: {}", b.message, details.join("; "))
                }
            })
            .unwrap_or_else(|| reason(status));
        let message = self.http.message(&message);
        let code = status.as_u16();
        if matches!(
            status,
            StatusCode::FORBIDDEN | StatusCode::TOO_MANY_REQUESTS
        ) {
            let exhausted = header_number(&reply.headers, "x-ratelimit-remaining") == Some(0);
            let wait = retry_after(&reply.headers).or_else(|| {
                exhausted
                    .then(|| header_number(&reply.headers, "x-ratelimit-reset").map(until_epoch))
                    .flatten()
            });
            let secondary = message.to_ascii_lowercase().contains("rate limit");
            if code == 429 || exhausted || wait.is_some() || secondary {
                return TicketError::RateLimited {
                    tracker: TRACKER,
                    retry_after: Some(wait.unwrap_or(SECONDARY_WAIT)),
                    message,
                };
            }
        }
        match code {
            401 | 403 => TicketError::Auth {
                tracker: TRACKER,
                status: Some(code),
                message,
            },
            _ => TicketError::Rejected {
                tracker: TRACKER,
                status: Some(code),
                message,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(api: &str) -> GitHub {
        match GitHub::new(
            Secret::new("t"),
            "octo-cat/site".into(),
            api,
            &TicketOptions::default(),
        ) {
            Ok(client) => client,
            Err(error) => panic!("{error}"),
        }
    }

    #[test]
    fn urls_are_built_segment_by_segment() {
        let github = client("https://ghe.example.com/api/v3/");
        assert_eq!(
            github.repo_url(&["issues", "12", "comments"], &[]).as_str(),
            "https://ghe.example.com/api/v3/repos/octo-cat/site/issues/12/comments"
        );
        let url = github.url(
            &["search", "issues"],
            &[("q", "repo:o/n \"twin-gap:ab\" in:body")],
        );
        assert_eq!(
            url.as_str(),
            "https://ghe.example.com/api/v3/search/issues?q=repo%3Ao%2Fn+%22twin-gap%3Aab%22+in%3Abody"
        );
    }
}
