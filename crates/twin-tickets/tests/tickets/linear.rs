//! Linear: the documented GraphQL operations, dedupe, and every failure.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use twin_tickets::{Filed, GapSummary, TicketError};
use wiremock::matchers::{body_string_contains, header, method, path};
use wiremock::{Mock, MockBuilder, MockServer, ResponseTemplate};

use crate::support::{
    API_KEY, QUESTION, Script, TEAM, assert_secret_free, bodies, down_vote, linear, log, marker,
    options, reply, unanswered,
};

/// A mock for one GraphQL operation, matched by its name, with the API key
/// as the bare `Authorization` value Linear documents for API keys.
fn operation(name: &str) -> MockBuilder {
    Mock::given(method("POST"))
        .and(path("/graphql"))
        .and(header("authorization", API_KEY))
        .and(header("content-type", "application/json"))
        .and(body_string_contains(name))
}

async fn requests(server: &MockServer) -> Vec<serde_json::Value> {
    bodies(server, "POST", "/graphql").await
}

#[tokio::test]
async fn a_new_question_becomes_an_issue_in_the_team() {
    let server = MockServer::start().await;
    operation("TwinGapFind")
        .respond_with(reply(200, "linear_issues_empty"))
        .expect(1)
        .mount(&server)
        .await;
    operation("TwinGapCreate")
        .respond_with(reply(200, "linear_issue_create"))
        .expect(1)
        .mount(&server)
        .await;

    let filed = linear(&server, options()).file(unanswered()).await.unwrap();
    assert_eq!(
        filed,
        Filed::Created {
            url: "https://linear.app/acme/issue/ENG-123/twin-could-not-answer-do-you-speak-german"
                .into()
        }
    );
    let sent = requests(&server).await;
    let find = &sent[0];
    assert!(find["query"].as_str().unwrap().contains("issues("));
    assert_eq!(
        find["variables"],
        serde_json::json!({
            "teamId": TEAM,
            "marker": marker(),
            "closed": ["completed", "canceled", "duplicate"],
        })
    );
    let create = &sent[1];
    assert!(
        create["query"]
            .as_str()
            .unwrap()
            .contains("issueCreate(input: $input)")
    );
    let input = &create["variables"]["input"];
    assert_eq!(input["teamId"], TEAM);
    assert_eq!(
        input["title"],
        "Twin could not answer: Do you speak German?"
    );
    let description = input["description"].as_str().unwrap();
    assert!(
        description.contains(&format!("```text\n{QUESTION}\n```")),
        "{description}"
    );
    assert!(
        description.contains(&format!("`{}`", marker())),
        "{description}"
    );
    // Linear's editor has no use for HTML comments; the visible key is enough.
    assert!(!description.contains("<!--"), "{description}");
}

#[tokio::test]
async fn an_open_issue_with_the_marker_gets_a_comment() {
    let server = MockServer::start().await;
    operation("TwinGapFind")
        .respond_with(reply(200, "linear_issues_found"))
        .expect(1)
        .mount(&server)
        .await;
    operation("TwinGapCreate")
        .respond_with(reply(200, "linear_issue_create"))
        .expect(0)
        .mount(&server)
        .await;
    operation("TwinGapComment")
        .respond_with(reply(200, "linear_comment_create"))
        .expect(1)
        .mount(&server)
        .await;

    let filed = linear(&server, options())
        .file(down_vote("Wrong: I asked about German."))
        .await
        .unwrap();
    assert_eq!(
        filed,
        Filed::Commented {
            url: "https://linear.app/acme/issue/ENG-123/twin-could-not-answer-do-you-speak-german#comment-9a0b1c2d".into()
        }
    );
    let comment = &requests(&server).await[1];
    assert_eq!(
        comment["variables"]["input"],
        serde_json::json!({
            "issueId": "2174add1-f7c8-44e3-bbf3-2d60b5ea8bc9",
            "body": "Asked again, and a visitor down-voted the answer:\n\n```text\nWrong: I asked about German.\n```\n",
        })
    );
}

#[tokio::test]
async fn an_authentication_error_never_shows_the_key() {
    for status in [400, 401] {
        let server = MockServer::start().await;
        operation("TwinGapFind")
            .respond_with(reply(status, "linear_authentication_error"))
            .expect(1)
            .mount(&server)
            .await;
        let error = linear(&server, options())
            .file(unanswered())
            .await
            .unwrap_err();
        assert_eq!(
            error,
            TicketError::Auth {
                tracker: "Linear",
                status: Some(status),
                message: "You need to authenticate to access this operation.".into()
            }
        );
        assert_secret_free(&error, API_KEY);
    }
    // A bare 401 without a GraphQL body.
    let server = MockServer::start().await;
    operation("TwinGapFind")
        .respond_with(ResponseTemplate::new(401))
        .mount(&server)
        .await;
    let error = linear(&server, options())
        .file(unanswered())
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            TicketError::Auth {
                status: Some(401),
                ..
            }
        ),
        "{error:?}"
    );
    assert!(!format!("{:?}", linear(&server, options())).contains(API_KEY));
}

#[tokio::test]
async fn ratelimited_waits_for_the_request_budget_and_stops_filing() {
    let server = MockServer::start().await;
    let reset_ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis()
        + 90_000;
    operation("TwinGapFind")
        .respond_with(
            reply(400, "linear_ratelimited")
                .insert_header("x-ratelimit-requests-limit", "1500")
                .insert_header("x-ratelimit-requests-remaining", "0")
                .insert_header("x-ratelimit-requests-reset", reset_ms.to_string().as_str()),
        )
        .expect(1)
        .mount(&server)
        .await;
    let tickets = linear(&server, options());
    let error = tickets.file(unanswered()).await.unwrap_err();
    let wait = error.retry_after().unwrap();
    assert!(
        wait > Duration::from_secs(80) && wait <= Duration::from_secs(90),
        "{wait:?}"
    );
    assert!(matches!(
        error,
        TicketError::RateLimited {
            tracker: "Linear",
            ..
        }
    ));
    assert_eq!(tickets.file(unanswered()).await.unwrap(), Filed::Throttled);
    assert_eq!(log(&server).await.len(), 1);
}

#[tokio::test]
async fn an_http_429_with_retry_after_is_a_rate_limit() {
    let server = MockServer::start().await;
    operation("TwinGapFind")
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "12"))
        .mount(&server)
        .await;
    let error = linear(&server, options())
        .file(unanswered())
        .await
        .unwrap_err();
    assert_eq!(error.retry_after(), Some(Duration::from_secs(12)));
}

#[tokio::test]
async fn a_server_error_is_retried_then_succeeds() {
    let server = MockServer::start().await;
    operation("TwinGapFind")
        .respond_with(Script::new(vec![
            ResponseTemplate::new(503),
            reply(200, "linear_issues_empty"),
        ]))
        .expect(2)
        .mount(&server)
        .await;
    operation("TwinGapCreate")
        .respond_with(reply(200, "linear_issue_create"))
        .expect(1)
        .mount(&server)
        .await;
    let filed = linear(&server, options()).file(unanswered()).await.unwrap();
    assert!(matches!(filed, Filed::Created { .. }), "{filed:?}");
}

#[tokio::test]
async fn a_create_that_failed_is_found_before_it_is_tried_again() {
    let server = MockServer::start().await;
    operation("TwinGapFind")
        .respond_with(Script::new(vec![
            reply(200, "linear_issues_empty"),
            reply(200, "linear_issues_found"),
        ]))
        .expect(2)
        .mount(&server)
        .await;
    operation("TwinGapCreate")
        .respond_with(ResponseTemplate::new(502))
        .expect(1)
        .mount(&server)
        .await;
    let filed = linear(&server, options()).file(unanswered()).await.unwrap();
    assert_eq!(
        filed,
        Filed::Created {
            url: "https://linear.app/acme/issue/ENG-123/twin-could-not-answer-do-you-speak-german"
                .into()
        }
    );
}

#[tokio::test]
async fn malformed_bodies_and_graphql_errors_are_told_apart() {
    let server = MockServer::start().await;
    operation("TwinGapFind")
        .respond_with(ResponseTemplate::new(200).set_body_string("{\"data\": {\"issues\": [}"))
        .mount(&server)
        .await;
    let error = linear(&server, options())
        .file(unanswered())
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            TicketError::Malformed {
                tracker: "Linear",
                ..
            }
        ),
        "{error:?}"
    );

    let server = MockServer::start().await;
    operation("TwinGapFind")
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"data": null})))
        .mount(&server)
        .await;
    let error = linear(&server, options())
        .file(unanswered())
        .await
        .unwrap_err();
    assert!(matches!(error, TicketError::Malformed { .. }), "{error:?}");

    let server = MockServer::start().await;
    operation("TwinGapFind")
        .respond_with(reply(200, "linear_issues_empty"))
        .mount(&server)
        .await;
    operation("TwinGapCreate")
        .respond_with(reply(400, "linear_invalid_input"))
        .expect(1)
        .mount(&server)
        .await;
    let error = linear(&server, options())
        .file(unanswered())
        .await
        .unwrap_err();
    assert_eq!(
        error,
        TicketError::Rejected {
            tracker: "Linear",
            status: Some(400),
            message: "teamId must be a UUID.".into()
        }
    );
}

#[tokio::test]
async fn gaps_are_ranked_by_comments() {
    let server = MockServer::start().await;
    operation("TwinGaps")
        .respond_with(reply(200, "linear_gaps"))
        .expect(1)
        .mount(&server)
        .await;
    let gaps = linear(&server, options()).gaps(2).await.unwrap();
    assert_eq!(
        gaps,
        vec![
            GapSummary {
                question: QUESTION.into(),
                asked: 3,
                url: "https://linear.app/acme/issue/ENG-123/twin-could-not-answer-do-you-speak-german".into(),
            },
            GapSummary {
                question: "Are you married?".into(),
                asked: 2,
                url: "https://linear.app/acme/issue/ENG-125/twin-could-not-answer-are-you-married".into(),
            },
        ]
    );
    let sent = &requests(&server).await[0];
    assert_eq!(sent["variables"]["marker"], "twin-gap:");
    assert_eq!(sent["variables"]["teamId"], TEAM);
}
