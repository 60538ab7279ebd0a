//! Linear issues over its GraphQL API.
//!
//! | what | operation |
//! |---|---|
//! | find a gap's issue | `issues(filter: {team: {id: {eq}}, description: {contains: "twin-gap:KEY"}, state: {type: {nin: [completed, canceled, duplicate]}}})` |
//! | file a gap | `issueCreate(input: {teamId, title, description})` |
//! | asked again | `commentCreate(input: {issueId, body})` |
//! | `twin gaps` | the same `issues` filter with `comments { nodes { id } }` |
//!
//! Linear answers GraphQL errors in `errors[]` with `extensions.code`
//! (`RATELIMITED`, `AUTHENTICATION_ERROR`...) and `extensions.type`
//! (`ratelimited`, `authentication error`...), with HTTP 200, 400 or the
//! matching 4xx; all of them are read. The description filter is served
//! from Linear's database, so a ticket filed a moment ago is found at once.

use std::time::Duration;

use reqwest::Url;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use twin_core::Secret;

use crate::TicketError;
use crate::gap::{self, Gap};
use crate::http::{Http, Reply, header_number, reason, retry_after, until_epoch};
use crate::tickets::{GapSummary, Ticket, TicketOptions};

const TRACKER: &str = "Linear";
/// How many open gap issues `twin gaps` ranks, and how many comments of
/// each it counts: 100 × 50 stays well under Linear's 10,000-point cap on
/// one query's complexity.
const GAPS_SCANNED: u32 = 100;
const COMMENTS_COUNTED: u32 = 50;

/// Workflow state types that mean the issue is closed.
const CLOSED_STATES: [&str; 3] = ["completed", "canceled", "duplicate"];

const FIND: &str = "query TwinGapFind($teamId: ID!, $marker: String!, $closed: [String!]!) {
  issues(first: 10, filter: {
    team: { id: { eq: $teamId } }
    description: { contains: $marker }
    state: { type: { nin: $closed } }
  }) {
    nodes { id url description }
  }
}";

const CREATE: &str = "mutation TwinGapCreate($input: IssueCreateInput!) {
  issueCreate(input: $input) {
    success
    issue { id url }
  }
}";

const COMMENT: &str = "mutation TwinGapComment($input: CommentCreateInput!) {
  commentCreate(input: $input) {
    success
    comment { id url }
  }
}";

const GAPS: &str = "query TwinGaps($teamId: ID!, $marker: String!, $closed: [String!]!, $first: Int!, $comments: Int!) {
  issues(first: $first, orderBy: updatedAt, filter: {
    team: { id: { eq: $teamId } }
    description: { contains: $marker }
    state: { type: { nin: $closed } }
  }) {
    nodes { url title description comments(first: $comments) { nodes { id } } }
  }
}";

/// A GraphQL request: `{"query", "variables"}`.
#[derive(Debug, Serialize)]
struct Request<'a, V> {
    query: &'a str,
    variables: V,
}

/// A GraphQL response: `data`, `errors`, or both.
#[derive(Debug, Deserialize)]
struct Response<T> {
    data: Option<T>,
    #[serde(default)]
    errors: Vec<GraphQlError>,
}

#[derive(Debug, Deserialize)]
struct GraphQlError {
    message: String,
    #[serde(default)]
    extensions: Option<Extensions>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Extensions {
    #[serde(default)]
    code: Option<String>,
    #[serde(default, rename = "type")]
    kind: Option<String>,
    #[serde(default)]
    user_presentable_message: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct FindVariables<'a> {
    team_id: &'a str,
    marker: &'a str,
    closed: [&'a str; 3],
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct GapsVariables<'a> {
    team_id: &'a str,
    marker: &'a str,
    closed: [&'a str; 3],
    first: u32,
    comments: u32,
}

/// `IssueCreateInput`, the fields the twin sets.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct IssueCreateInput<'a> {
    team_id: &'a str,
    title: &'a str,
    description: &'a str,
}

/// `CommentCreateInput`, the fields the twin sets.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct CommentCreateInput<'a> {
    issue_id: &'a str,
    body: &'a str,
}

#[derive(Debug, Serialize)]
struct Input<T> {
    input: T,
}

#[derive(Debug, Deserialize)]
struct IssuesData {
    issues: Connection<IssueNode>,
}

#[derive(Debug, Deserialize)]
struct Connection<T> {
    nodes: Vec<T>,
}

#[derive(Debug, Deserialize)]
struct IssueNode {
    id: String,
    url: String,
    #[serde(default)]
    description: Option<String>,
}

#[derive(Debug, Deserialize)]
struct GapNode {
    url: String,
    title: String,
    #[serde(default)]
    description: Option<String>,
    comments: Connection<IgnoredNode>,
}

#[derive(Debug, Deserialize)]
struct IgnoredNode {}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct IssueCreateData {
    issue_create: Payload<CreatedIssue>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct CommentCreateData {
    comment_create: Payload<CreatedComment>,
}

/// `IssuePayload` / `CommentPayload`: `success` and the entity.
#[derive(Debug, Deserialize)]
struct Payload<T> {
    success: bool,
    #[serde(flatten)]
    entity: T,
}

#[derive(Debug, Deserialize)]
struct CreatedIssue {
    issue: Option<Created>,
}

#[derive(Debug, Deserialize)]
struct CreatedComment {
    comment: Option<Created>,
}

#[derive(Debug, Deserialize)]
struct Created {
    id: String,
    url: String,
}

/// A client for one team's issues.
#[derive(Debug, Clone)]
pub(crate) struct Linear {
    http: Http,
    url: Url,
    team_id: String,
}

impl Linear {
    pub fn new(
        api_key: Secret,
        team_id: String,
        api_url: &str,
        options: &TicketOptions,
    ) -> Result<Linear, TicketError> {
        let url = Url::parse(api_url)
            .ok()
            .filter(Url::has_host)
            .ok_or_else(|| TicketError::Invalid(format!("bad Linear API URL {api_url:?}")))?;
        let http = Http::new(
            TRACKER,
            api_key,
            options.timeout,
            options.connect_timeout,
            options.max_retries,
        )?;
        Ok(Linear { http, url, team_id })
    }

    /// The open issue filed for `key`, if any.
    pub async fn find(&self, key: &str) -> Result<Option<Ticket>, TicketError> {
        let marker = gap::marker(key);
        let variables = FindVariables {
            team_id: &self.team_id,
            marker: &marker,
            closed: CLOSED_STATES,
        };
        let data: IssuesData = self
            .http
            .retrying("find", || self.graphql(FIND, &variables))
            .await?;
        Ok(data
            .issues
            .nodes
            .into_iter()
            .find(|i| {
                i.description
                    .as_deref()
                    .is_some_and(|d| d.contains(&marker))
            })
            .map(|i| Ticket {
                id: i.id,
                url: i.url,
            }))
    }

    /// Files a new issue. Not retried here, see `GitHub::create`.
    pub async fn create(&self, gap: &Gap, key: &str) -> Result<Ticket, TicketError> {
        let title = gap::title(gap);
        let description = gap::body(gap, key, false);
        let variables = Input {
            input: IssueCreateInput {
                team_id: &self.team_id,
                title: &title,
                description: &description,
            },
        };
        let data: IssueCreateData = self.graphql(CREATE, &variables).await?;
        match data.issue_create {
            Payload {
                success: true,
                entity: CreatedIssue { issue: Some(issue) },
            } => Ok(Ticket {
                id: issue.id,
                url: issue.url,
            }),
            _ => Err(self.unsuccessful("issueCreate")),
        }
    }

    /// Comments on the issue; returns the comment's URL.
    pub async fn comment(&self, ticket: &Ticket, text: &str) -> Result<String, TicketError> {
        let variables = Input {
            input: CommentCreateInput {
                issue_id: &ticket.id,
                body: text,
            },
        };
        let data: CommentCreateData = self
            .http
            .retrying("comment", || self.graphql(COMMENT, &variables))
            .await?;
        match data.comment_create {
            Payload {
                success: true,
                entity:
                    CreatedComment {
                        comment: Some(comment),
                    },
            } => Ok(comment.url),
            _ => Err(self.unsuccessful("commentCreate")),
        }
    }

    /// The open gap issues with the most comments, among the 100 most
    /// recently updated (a comment updates an issue).
    pub async fn gaps(&self, limit: usize) -> Result<Vec<GapSummary>, TicketError> {
        let variables = GapsVariables {
            team_id: &self.team_id,
            marker: "twin-gap:",
            closed: CLOSED_STATES,
            first: GAPS_SCANNED,
            comments: COMMENTS_COUNTED,
        };
        let data: GapsData = self
            .http
            .retrying("gaps", || self.graphql(GAPS, &variables))
            .await?;
        let mut gaps: Vec<GapSummary> = data
            .issues
            .nodes
            .into_iter()
            .map(|i| GapSummary {
                question: i
                    .description
                    .as_deref()
                    .and_then(gap::question_from_body)
                    .unwrap_or_else(|| gap::question_from_title(&i.title)),
                asked: u32::try_from(i.comments.nodes.len())
                    .unwrap_or(u32::MAX)
                    .saturating_add(1),
                url: i.url,
            })
            .collect();
        gaps.sort_by_key(|g| std::cmp::Reverse(g.asked));
        gaps.truncate(limit);
        Ok(gaps)
    }

    fn unsuccessful(&self, operation: &str) -> TicketError {
        TicketError::Rejected {
            tracker: TRACKER,
            status: None,
            message: format!("{operation} reported no success"),
        }
    }

    async fn graphql<V: Serialize, T: DeserializeOwned>(
        &self,
        query: &str,
        variables: &V,
    ) -> Result<T, TicketError> {
        let body = serde_json::to_vec(&Request { query, variables })
            .map_err(|e| TicketError::Invalid(format!("cannot encode the request: {e}")))?;
        let request = self
            .http
            .client
            .post(self.url.clone())
            // A personal API key goes bare; an OAuth token brings its own
            // `Bearer ` prefix, which this passes through unchanged.
            .header(AUTHORIZATION, self.http.secret.expose())
            .header(CONTENT_TYPE, "application/json")
            .body(body);
        let reply = self.http.execute(request).await?;
        self.read(&reply)
    }

    fn read<T: DeserializeOwned>(&self, reply: &Reply) -> Result<T, TicketError> {
        let status = reply.status;
        if status.is_server_error() {
            return Err(self.http.server_error(status));
        }
        let parsed = serde_json::from_slice::<Response<T>>(&reply.body);
        match parsed {
            Ok(response) if !response.errors.is_empty() => {
                Err(self.graphql_error(reply, &response.errors[0]))
            }
            Ok(Response {
                data: Some(data), ..
            }) if status.is_success() => Ok(data),
            Ok(_) if status.is_success() => Err(self.http.malformed("no data and no errors")),
            Err(error) if status.is_success() => Err(self.http.malformed(error)),
            // An error status without GraphQL errors to explain it.
            _ => Err(self.status_error(reply, reason(status))),
        }
    }

    fn graphql_error(&self, reply: &Reply, error: &GraphQlError) -> TicketError {
        let extensions = error.extensions.as_ref();
        let message = extensions
            .and_then(|e| e.user_presentable_message.as_deref())
            .filter(|m| !m.trim().is_empty())
            .unwrap_or(&error.message);
        let message = self.http.message(message);
        // "RATELIMITED", "AUTHENTICATION_ERROR", "authentication error"...
        let kinds: Vec<String> = extensions
            .into_iter()
            .flat_map(|e| [e.code.as_deref(), e.kind.as_deref()])
            .flatten()
            .map(|k| k.to_ascii_lowercase().replace('_', " "))
            .collect();
        let is = |kind: &str| kinds.iter().any(|k| k == kind);
        let status = (!reply.status.is_success()).then_some(reply.status.as_u16());
        if is("ratelimited") {
            TicketError::RateLimited {
                tracker: TRACKER,
                retry_after: Some(self.wait(reply)),
                message,
            }
        } else if is("authentication error") || is("forbidden") {
            TicketError::Auth {
                tracker: TRACKER,
                status,
                message,
            }
        } else if is("internal error") || is("lock timeout") || is("network error") {
            TicketError::Transient {
                tracker: TRACKER,
                status,
                message,
            }
        } else {
            self.status_error(reply, message)
        }
    }

    fn status_error(&self, reply: &Reply, message: String) -> TicketError {
        let message = self.http.message(&message);
        match reply.status.as_u16() {
            429 => TicketError::RateLimited {
                tracker: TRACKER,
                retry_after: Some(self.wait(reply)),
                message,
            },
            code @ (401 | 403) => TicketError::Auth {
                tracker: TRACKER,
                status: Some(code),
                message,
            },
            code => TicketError::Rejected {
                tracker: TRACKER,
                status: (code != 200).then_some(code),
                message,
            },
        }
    }

    /// `retry-after`, else the request budget's reset
    /// (`x-ratelimit-requests-reset`, a Unix time), else a minute.
    fn wait(&self, reply: &Reply) -> Duration {
        retry_after(&reply.headers)
            .or_else(|| {
                header_number(&reply.headers, "x-ratelimit-requests-reset").map(until_epoch)
            })
            .unwrap_or(Duration::from_secs(60))
    }
}

#[derive(Debug, Deserialize)]
struct GapsData {
    issues: Connection<GapNode>,
}
