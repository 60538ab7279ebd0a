//! The per-process limits, end to end: what is dropped never reaches the
//! tracker, and is reported as `Throttled`, not as an error.

use std::time::Duration;

use twin_tickets::{Filed, Gap, TicketError, TicketOptions};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{github, log, options, reply, unanswered};

async fn github_that_files_everything(server: &MockServer) {
    Mock::given(method("GET"))
        .and(path("/search/issues"))
        .respond_with(reply(200, "github_search_empty"))
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path("/repos/octocat/Hello-World/issues"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!([])))
        .mount(server)
        .await;
    Mock::given(method("POST"))
        .and(path("/repos/octocat/Hello-World/issues"))
        .respond_with(reply(201, "github_issue"))
        .mount(server)
        .await;
    Mock::given(method("POST"))
        .and(path("/repos/octocat/Hello-World/issues/1347/comments"))
        .respond_with(reply(201, "github_comment"))
        .mount(server)
        .await;
}

#[tokio::test]
async fn new_tickets_stop_at_the_hourly_budget() {
    let server = MockServer::start().await;
    github_that_files_everything(&server).await;
    let tickets = github(
        &server,
        TicketOptions {
            tickets_per_hour: 2,
            ..options()
        },
    );
    for question in ["First?", "Second?"] {
        let filed = tickets
            .file(Gap::unanswered(question).unwrap())
            .await
            .unwrap();
        assert!(matches!(filed, Filed::Created { .. }), "{filed:?}");
    }
    let requests = log(&server).await.len();
    let filed = tickets
        .file(Gap::unanswered("Third?").unwrap())
        .await
        .unwrap();
    assert_eq!(filed, Filed::Throttled);
    assert_eq!(
        log(&server).await.len(),
        requests,
        "a dropped gap asks nothing"
    );
}

#[tokio::test]
async fn one_ticket_is_touched_at_most_once_per_interval() {
    let server = MockServer::start().await;
    github_that_files_everything(&server).await;
    let tickets = github(&server, options());
    assert!(matches!(
        tickets.file(unanswered()).await,
        Ok(Filed::Created { .. })
    ));
    let requests = log(&server).await.len();
    // The default interval is 10 minutes: the repeat is dropped.
    assert_eq!(tickets.file(unanswered()).await.unwrap(), Filed::Throttled);
    assert_eq!(log(&server).await.len(), requests);

    let tickets = github(
        &server,
        TicketOptions {
            comment_interval: Duration::from_millis(200),
            ..options()
        },
    );
    assert!(matches!(
        tickets.file(unanswered()).await,
        Ok(Filed::Created { .. })
    ));
    assert_eq!(tickets.file(unanswered()).await.unwrap(), Filed::Throttled);
    tokio::time::sleep(Duration::from_millis(250)).await;
    assert!(matches!(
        tickets.file(unanswered()).await,
        Ok(Filed::Commented { .. })
    ));
}

#[tokio::test]
async fn the_same_question_racing_on_one_instance_is_filed_once() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/search/issues"))
        .respond_with(reply(200, "github_search_empty").set_delay(Duration::from_millis(200)))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/repos/octocat/Hello-World/issues"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!([])))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/repos/octocat/Hello-World/issues"))
        .respond_with(reply(201, "github_issue"))
        .expect(1)
        .mount(&server)
        .await;
    let tickets = github(&server, options());
    let (a, b) = tokio::join!(tickets.file(unanswered()), tickets.file(unanswered()));
    let mut outcomes = [a.unwrap(), b.unwrap()];
    outcomes.sort_by_key(|f| matches!(f, Filed::Throttled));
    assert!(matches!(outcomes[0], Filed::Created { .. }), "{outcomes:?}");
    assert_eq!(outcomes[1], Filed::Throttled);
}

#[tokio::test]
async fn a_question_without_words_is_refused_before_any_request() {
    let server = MockServer::start().await;
    let gap = Gap::Unanswered {
        question: " ?! ".into(),
    };
    let error = github(&server, options()).file(gap).await.unwrap_err();
    assert!(matches!(error, TicketError::Invalid(_)), "{error:?}");
    assert!(log(&server).await.is_empty());
}
