//! GitHub Issues: the documented requests, dedupe, and every failure.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use twin_tickets::{Filed, GapSummary, TicketError, TicketOptions};
use wiremock::matchers::{body_partial_json, header, method, path, query_param};
use wiremock::{Mock, MockBuilder, MockServer, ResponseTemplate};

use crate::support::{
    QUESTION, REPO, Script, TOKEN, assert_secret_free, bodies, down_vote, fixture, github, key,
    log, marker, options, reply, unanswered,
};

const ISSUES: &str = "/repos/octocat/Hello-World/issues";
const COMMENTS: &str = "/repos/octocat/Hello-World/issues/1347/comments";

/// A mock that only matches GitHub's documented headers and our token.
fn authed(verb: &str, route: &str) -> MockBuilder {
    Mock::given(method(verb))
        .and(path(route))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .and(header("accept", "application/vnd.github+json"))
        .and(header("x-github-api-version", "2022-11-28"))
}

fn search() -> MockBuilder {
    authed("GET", "/search/issues")
}

/// The list endpoint as the dedupe fallback asks it.
fn recent() -> MockBuilder {
    authed("GET", ISSUES)
        .and(query_param("state", "open"))
        .and(query_param("labels", "twin-gap"))
        .and(query_param("sort", "created"))
}

async fn nothing_open(server: &MockServer) {
    search()
        .respond_with(reply(200, "github_search_empty"))
        .mount(server)
        .await;
    recent()
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!([])))
        .mount(server)
        .await;
}

#[tokio::test]
async fn a_new_question_becomes_a_labelled_issue() {
    let server = MockServer::start().await;
    let query = format!("repo:{REPO} is:issue is:open \"{}\" in:body", marker());
    search()
        .and(query_param("q", query.as_str()))
        .and(query_param("advanced_search", "true"))
        .respond_with(reply(200, "github_search_empty"))
        .expect(1)
        .mount(&server)
        .await;
    recent()
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!([])))
        .expect(1)
        .mount(&server)
        .await;
    authed("POST", ISSUES)
        .and(header("content-type", "application/json"))
        .and(body_partial_json(serde_json::json!({
            "title": "Twin could not answer: Do you speak German?",
            "labels": ["twin-gap"],
        })))
        .respond_with(reply(201, "github_issue"))
        .expect(1)
        .mount(&server)
        .await;

    let filed = github(&server, options()).file(unanswered()).await.unwrap();
    assert_eq!(
        filed,
        Filed::Created {
            url: "https://github.com/octocat/Hello-World/issues/1347".into()
        }
    );
    let body = bodies(&server, "POST", ISSUES).await[0]["body"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        body.contains(&format!("```text\n{QUESTION}\n```")),
        "{body}"
    );
    assert!(body.contains("data/digitaltwin.json"), "{body}");
    assert!(body.contains(&format!("`{}`", marker())), "{body}");
    assert!(body.contains(&format!("<!-- {} -->", marker())), "{body}");
}

#[tokio::test]
async fn an_open_issue_found_by_search_gets_a_comment_not_a_twin() {
    let server = MockServer::start().await;
    search()
        .respond_with(reply(200, "github_search_found"))
        .expect(1)
        .mount(&server)
        .await;
    authed("POST", ISSUES)
        .respond_with(reply(201, "github_issue"))
        .expect(0)
        .mount(&server)
        .await;
    authed("POST", COMMENTS)
        .respond_with(reply(201, "github_comment"))
        .expect(1)
        .mount(&server)
        .await;

    // Asked in another wording, with a down-vote's comment.
    let gap =
        twin_tickets::Gap::down_vote("  do you SPEAK german ", "It said nothing about languages.")
            .unwrap();
    let filed = github(&server, options()).file(gap).await.unwrap();
    assert_eq!(
        filed,
        Filed::Commented {
            url: "https://github.com/octocat/Hello-World/issues/1347#issuecomment-1".into()
        }
    );
    assert_eq!(
        bodies(&server, "POST", COMMENTS).await,
        vec![serde_json::json!({
            "body": "Asked again, and a visitor down-voted the answer:\n\n```text\nIt said nothing about languages.\n```\n"
        })]
    );
}

#[tokio::test]
async fn an_issue_the_search_index_has_not_seen_is_found_in_the_recent_list() {
    let server = MockServer::start().await;
    search()
        .respond_with(reply(200, "github_search_empty"))
        .mount(&server)
        .await;
    let listed = fixture("github_search_found")["items"].clone();
    recent()
        .respond_with(ResponseTemplate::new(200).set_body_json(listed))
        .expect(1)
        .mount(&server)
        .await;
    authed("POST", COMMENTS)
        .respond_with(reply(201, "github_comment"))
        .expect(1)
        .mount(&server)
        .await;
    authed("POST", ISSUES)
        .respond_with(reply(201, "github_issue"))
        .expect(0)
        .mount(&server)
        .await;

    let filed = github(&server, options()).file(unanswered()).await.unwrap();
    assert!(matches!(filed, Filed::Commented { .. }), "{filed:?}");
    assert_eq!(
        bodies(&server, "POST", COMMENTS).await,
        vec![serde_json::json!({ "body": "Asked again.\n" })]
    );
}

#[tokio::test]
async fn a_repeat_in_the_same_process_comments_without_searching_again() {
    let server = MockServer::start().await;
    nothing_open(&server).await;
    authed("POST", ISSUES)
        .respond_with(reply(201, "github_issue"))
        .expect(1)
        .mount(&server)
        .await;
    authed("POST", COMMENTS)
        .respond_with(reply(201, "github_comment"))
        .expect(2)
        .mount(&server)
        .await;
    let tickets = github(
        &server,
        TicketOptions {
            comment_interval: Duration::ZERO,
            ..options()
        },
    );
    assert!(matches!(
        tickets.file(unanswered()).await,
        Ok(Filed::Created { .. })
    ));
    assert!(matches!(
        tickets.file(unanswered()).await,
        Ok(Filed::Commented { .. })
    ));
    assert!(matches!(
        tickets.file(down_vote("meh")).await,
        Ok(Filed::Commented { .. })
    ));
    assert_eq!(
        log(&server).await,
        [
            "GET /search/issues",
            "GET /repos/octocat/Hello-World/issues",
            "POST /repos/octocat/Hello-World/issues",
            "POST /repos/octocat/Hello-World/issues/1347/comments",
            "POST /repos/octocat/Hello-World/issues/1347/comments",
        ]
    );
}

#[tokio::test]
async fn bad_credentials_are_an_auth_error_that_never_shows_the_token() {
    let server = MockServer::start().await;
    search()
        .respond_with(reply(401, "github_bad_credentials"))
        .expect(1)
        .mount(&server)
        .await;
    let error = github(&server, options())
        .file(unanswered())
        .await
        .unwrap_err();
    assert_eq!(
        error,
        TicketError::Auth {
            tracker: "GitHub",
            status: Some(401),
            message: "Bad credentials".into()
        }
    );
    assert_secret_free(&error, TOKEN);

    // Even a server that quotes the token back cannot leak it.
    let server = MockServer::start().await;
    search()
        .respond_with(ResponseTemplate::new(401).set_body_json(serde_json::json!({
            "message": format!("token {TOKEN} is revoked"),
        })))
        .mount(&server)
        .await;
    let error = github(&server, options())
        .file(unanswered())
        .await
        .unwrap_err();
    assert_secret_free(&error, TOKEN);
    assert!(
        error.to_string().contains("token [redacted] is revoked"),
        "{error}"
    );
    assert!(!format!("{:?}", github(&server, options())).contains(TOKEN));
}

#[tokio::test]
async fn a_forbidden_token_is_an_auth_error() {
    let server = MockServer::start().await;
    search()
        .respond_with(ResponseTemplate::new(403).set_body_json(serde_json::json!({
            "message": "Resource not accessible by personal access token",
            "documentation_url": "https://docs.github.com/rest/search/search#search-issues-and-pull-requests",
            "status": "403"
        })))
        .mount(&server)
        .await;
    let error = github(&server, options())
        .file(unanswered())
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            TicketError::Auth {
                status: Some(403),
                ..
            }
        ),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_secondary_rate_limit_is_reported_once_then_everything_waits() {
    let server = MockServer::start().await;
    nothing_open(&server).await;
    authed("POST", ISSUES)
        .respond_with(reply(403, "github_secondary_rate_limit").insert_header("retry-after", "30"))
        .expect(1)
        .mount(&server)
        .await;
    let tickets = github(&server, options());
    let error = tickets.file(unanswered()).await.unwrap_err();
    assert!(
        matches!(
            error,
            TicketError::RateLimited { tracker: "GitHub", retry_after: Some(d), .. } if d == Duration::from_secs(30)
        ),
        "{error:?}"
    );
    assert!(
        error.to_string().contains("secondary rate limit"),
        "{error}"
    );
    // Until the wait is over, nothing reaches GitHub.
    let before = log(&server).await.len();
    let other = twin_tickets::Gap::unanswered("Are you married?").unwrap();
    assert_eq!(tickets.file(other).await.unwrap(), Filed::Throttled);
    assert_eq!(log(&server).await.len(), before);
}

#[tokio::test]
async fn a_secondary_rate_limit_without_retry_after_waits_a_minute() {
    let server = MockServer::start().await;
    search()
        .respond_with(reply(403, "github_secondary_rate_limit"))
        .mount(&server)
        .await;
    let error = github(&server, options())
        .file(unanswered())
        .await
        .unwrap_err();
    assert_eq!(error.retry_after(), Some(Duration::from_secs(60)));
}

#[tokio::test]
async fn an_exhausted_primary_limit_waits_for_its_reset() {
    let server = MockServer::start().await;
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    search()
        .respond_with(
            reply(403, "github_primary_rate_limit")
                .insert_header("x-ratelimit-limit", "5000")
                .insert_header("x-ratelimit-remaining", "0")
                .insert_header("x-ratelimit-used", "5000")
                .insert_header("x-ratelimit-reset", (now + 120).to_string().as_str())
                .insert_header("x-ratelimit-resource", "search"),
        )
        .expect(1)
        .mount(&server)
        .await;
    let error = github(&server, options())
        .file(unanswered())
        .await
        .unwrap_err();
    let wait = error.retry_after().unwrap();
    assert!(
        wait > Duration::from_secs(110) && wait <= Duration::from_secs(120),
        "{wait:?}"
    );
    assert!(!error.is_transient());
}

#[tokio::test]
async fn a_server_error_is_retried_then_succeeds() {
    let server = MockServer::start().await;
    search()
        .respond_with(Script::new(vec![
            ResponseTemplate::new(502).set_body_string("<html>Bad Gateway</html>"),
            ResponseTemplate::new(503),
            reply(200, "github_search_found"),
        ]))
        .expect(3)
        .mount(&server)
        .await;
    authed("POST", COMMENTS)
        .respond_with(Script::new(vec![
            ResponseTemplate::new(500),
            reply(201, "github_comment"),
        ]))
        .expect(2)
        .mount(&server)
        .await;
    let filed = github(&server, options()).file(unanswered()).await.unwrap();
    assert!(matches!(filed, Filed::Commented { .. }), "{filed:?}");
}

#[tokio::test]
async fn retries_are_bounded() {
    let server = MockServer::start().await;
    search()
        .respond_with(ResponseTemplate::new(500))
        .expect(2)
        .mount(&server)
        .await;
    let tickets = github(
        &server,
        TicketOptions {
            max_retries: 1,
            ..options()
        },
    );
    let error = tickets.file(unanswered()).await.unwrap_err();
    assert_eq!(
        error,
        TicketError::Transient {
            tracker: "GitHub",
            status: Some(500),
            message: "Internal Server Error".into()
        }
    );
}

#[tokio::test]
async fn a_create_that_failed_is_looked_up_before_it_is_tried_again() {
    // The first create answers 502 but went through: the fresh look finds
    // it, and no second issue is filed.
    let server = MockServer::start().await;
    search()
        .respond_with(reply(200, "github_search_empty"))
        .mount(&server)
        .await;
    let listed = fixture("github_search_found")["items"].clone();
    recent()
        .respond_with(Script::new(vec![
            ResponseTemplate::new(200).set_body_json(serde_json::json!([])),
            ResponseTemplate::new(200).set_body_json(listed),
        ]))
        .expect(2)
        .mount(&server)
        .await;
    authed("POST", ISSUES)
        .respond_with(ResponseTemplate::new(502))
        .expect(1)
        .mount(&server)
        .await;
    let filed = github(&server, options()).file(unanswered()).await.unwrap();
    assert_eq!(
        filed,
        Filed::Created {
            url: "https://github.com/octocat/Hello-World/issues/1347".into()
        }
    );

    // When the look finds nothing, the create is tried again.
    let server = MockServer::start().await;
    nothing_open(&server).await;
    authed("POST", ISSUES)
        .respond_with(Script::new(vec![
            ResponseTemplate::new(503),
            reply(201, "github_issue"),
        ]))
        .expect(2)
        .mount(&server)
        .await;
    let filed = github(&server, options()).file(unanswered()).await.unwrap();
    assert!(matches!(filed, Filed::Created { .. }), "{filed:?}");
}

#[tokio::test]
async fn a_body_that_is_not_the_documented_json_is_malformed() {
    let server = MockServer::start().await;
    search()
        .respond_with(
            ResponseTemplate::new(200).set_body_string("{\"total_count\": 1, \"items\": [{\"num"),
        )
        .expect(1)
        .mount(&server)
        .await;
    let error = github(&server, options())
        .file(unanswered())
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            TicketError::Malformed {
                tracker: "GitHub",
                ..
            }
        ),
        "{error:?}"
    );
    assert!(!error.is_transient());
}

#[tokio::test]
async fn a_repository_that_cannot_be_searched_is_rejected_with_githubs_reason() {
    let server = MockServer::start().await;
    search()
        .respond_with(reply(422, "github_validation_failed"))
        .mount(&server)
        .await;
    let error = github(&server, options())
        .file(unanswered())
        .await
        .unwrap_err();
    let TicketError::Rejected {
        status: Some(422),
        message,
        ..
    } = error
    else {
        panic!("{error:?}")
    };
    assert!(
        message
            .starts_with("Validation Failed: The listed users and repositories cannot be searched"),
        "{message}"
    );
}

#[tokio::test]
async fn gaps_are_the_open_labelled_issues_most_commented_first() {
    let server = MockServer::start().await;
    authed("GET", ISSUES)
        .and(query_param("state", "open"))
        .and(query_param("labels", "twin-gap"))
        .and(query_param("sort", "comments"))
        .and(query_param("direction", "desc"))
        .and(query_param("per_page", "10"))
        .respond_with(reply(200, "github_issues_gaps"))
        .expect(1)
        .mount(&server)
        .await;
    let gaps = github(&server, options()).gaps(10).await.unwrap();
    assert_eq!(
        gaps,
        vec![
            GapSummary {
                question: QUESTION.into(),
                asked: 6,
                url: "https://github.com/octocat/Hello-World/issues/7".into(),
            },
            GapSummary {
                question: "What is your notice period?".into(),
                asked: 1,
                url: "https://github.com/octocat/Hello-World/issues/8".into(),
            },
        ]
    );
    assert_eq!(github(&server, options()).gaps(0).await.unwrap(), vec![]);
    assert_eq!(key().len(), 12);
}
