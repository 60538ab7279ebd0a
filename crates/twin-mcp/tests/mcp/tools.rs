//! The tools on the sample profile: real content, every revision's result
//! shape, every kind of error.

use serde_json::{Value, json};
use twin_core::{EmbeddedIndex, ExtractiveComposer};
use twin_mcp::{Mcp, Revision};

use crate::support::*;

async fn call(
    mcp: &Mcp<impl twin_core::VectorIndex, impl twin_core::ChatModel>,
    name: &str,
    arguments: Value,
    version: &str,
) -> Value {
    let params = json!({ "name": name, "arguments": arguments });
    let message = if version == MODERN {
        modern(1, "tools/call", params)
    } else {
        request(1, "tools/call", params)
    };
    ask(mcp, message, Some(revision(version))).await
}

fn all_versions() -> [&'static str; 4] {
    ["2025-03-26", "2025-06-18", "2025-11-25", MODERN]
}

#[tokio::test]
async fn search_profile_finds_a_skill_in_the_profile() {
    let mcp = mcp();
    for version in all_versions() {
        let response = call(
            &mcp,
            "search_profile",
            json!({ "query": "Kubernetes" }),
            version,
        )
        .await;
        let result = result(&response);
        assert_eq!(result["isError"], false);
        let output = tool_text(result);
        let results = output["results"].as_array().unwrap();
        assert!(!results.is_empty());
        assert!(results.len() <= 5);
        assert!(
            results[0]["text"].as_str().unwrap().contains("Kubernetes"),
            "{}",
            results[0]
        );
        for hit in results {
            assert!(hit["section"].is_string());
            assert!(hit["title"].is_string());
            assert!(hit["id"].is_string());
            let score = hit["score"].as_f64().unwrap();
            assert!((0.0..=1.0).contains(&score));
        }
        // Structured content exists from 2025-06-18 and repeats the text.
        if version == "2025-03-26" {
            assert!(result.get("structuredContent").is_none());
        } else {
            assert_eq!(result["structuredContent"], output);
        }
        if version == MODERN {
            assert_eq!(result["resultType"], "complete");
            assert!(result.get("ttlMs").is_none(), "tools/call is not cacheable");
        }
    }
}

#[tokio::test]
async fn search_profile_honours_top_k_and_finds_nothing_off_topic() {
    let mcp = mcp();
    let response = call(
        &mcp,
        "search_profile",
        json!({ "query": "Rust and Go backend", "top_k": 1 }),
        MODERN,
    )
    .await;
    assert_eq!(
        tool_text(result(&response))["results"]
            .as_array()
            .unwrap()
            .len(),
        1
    );

    let response = call(
        &mcp,
        "search_profile",
        json!({ "query": "what is the meaning of life?" }),
        MODERN,
    )
    .await;
    let result = result(&response);
    assert_eq!(result["isError"], false);
    assert_eq!(tool_text(result)["results"], json!([]));
}

#[tokio::test]
async fn ask_twin_answers_with_citations() {
    let mcp = mcp();
    for version in all_versions() {
        let response = call(
            &mcp,
            "ask_twin",
            json!({ "question": "What do you do at Fernwave Payments?" }),
            version,
        )
        .await;
        let result = result(&response);
        assert_eq!(result["isError"], false);
        let output = tool_text(result);
        let answer = output["answer"].as_str().unwrap();
        assert!(answer.contains("Fernwave"), "{answer}");
        assert_eq!(output["covered"], true);
        assert_eq!(output["mode"], "extractive");
        let cited = output["cited"].as_array().unwrap();
        assert!(!cited.is_empty());
        let first = cited[0].as_u64().unwrap();
        assert!(answer.contains(&format!("[{first}]")), "{answer}");
        let citation = &output["citations"][usize::try_from(first).unwrap() - 1];
        assert_eq!(citation["n"], first);
        assert!(citation["title"].is_string());
        assert!(citation["section"].is_string());
        assert!(citation["score"].is_number());
    }
}

#[tokio::test]
async fn ask_twin_says_when_the_profile_does_not_cover_a_question() {
    let mcp = mcp();
    let response = call(
        &mcp,
        "ask_twin",
        json!({ "question": "What is the meaning of life?" }),
        MODERN,
    )
    .await;
    let output = tool_text(result(&response));
    assert_eq!(output["covered"], false);
    assert_eq!(output["cited"], json!([]));
    assert_eq!(output["citations"], json!([]));
    // The refusal names how to reach the owner.
    assert!(
        output["answer"]
            .as_str()
            .unwrap()
            .contains("nadia.kowalski@example.dev")
    );
}

#[tokio::test]
async fn get_profile_section_returns_the_section_as_json() {
    let mcp = mcp();
    let profile: Value = serde_json::from_str(PROFILE).unwrap();
    let section = |name: &'static str| {
        let mcp = mcp.clone();
        async move {
            let response = call(
                &mcp,
                "get_profile_section",
                json!({ "section": name }),
                MODERN,
            )
            .await;
            let output = tool_text(result(&response));
            assert_eq!(output["section"], name);
            output["content"].clone()
        }
    };
    assert_eq!(section("skills").await, profile["skills"]);
    assert_eq!(section("experience").await, profile["experience"]);
    assert_eq!(section("faq").await, profile["faqs"]);
    assert_eq!(section("goals").await, profile["career_goals"]);
    assert_eq!(section("summary").await["name"], "Nadia Kowalski");
    assert_eq!(
        section("contact").await["contact"]["email"],
        "nadia.kowalski@example.dev"
    );
    let achievements = section("achievement").await;
    assert_eq!(achievements[0]["company"], "Fernwave Payments");
    assert!(achievements[0]["result"].is_string());
    for name in twin_core::Section::ALL {
        let content = section(name.as_str()).await;
        let empty = content.as_array().is_some_and(Vec::is_empty)
            || content.as_object().is_some_and(|o| o.is_empty());
        assert!(!empty, "{name} is empty");
    }
}

#[tokio::test]
async fn invalid_arguments_are_a_protocol_error_until_2025_11_25() {
    let mcp = mcp();
    let cases = [
        (
            "search_profile",
            json!({ "query": "rust", "top_k": 11 }),
            "top_k: must be between 1 and 10",
        ),
        (
            "search_profile",
            json!({ "query": "rust", "top_k": 0 }),
            "top_k: must be between 1 and 10",
        ),
        ("search_profile", json!({}), "query: is required"),
        (
            "ask_twin",
            json!({ "question": "" }),
            "question: must not be empty",
        ),
        (
            "ask_twin",
            json!({ "question": "x".repeat(2_001) }),
            "question: has 2001 characters; the limit is 2000",
        ),
        (
            "get_profile_section",
            json!({ "section": "hobbies" }),
            "section: must be one of summary, contact, experience, achievement, skills, \
             project, education, certifications, goals, interests, faq",
        ),
    ];
    for (tool, arguments, expect) in cases {
        for version in ["2025-03-26", "2025-06-18"] {
            let response = call(&mcp, tool, arguments.clone(), version).await;
            assert_eq!(error(&response), (-32602, expect.to_owned()), "{version}");
        }
        // SEP-1303: from 2025-11-25 the model sees the problem as a result.
        for version in ["2025-11-25", MODERN] {
            let response = call(&mcp, tool, arguments.clone(), version).await;
            let result = result(&response);
            assert_eq!(result["isError"], true, "{version}");
            assert_eq!(result["content"][0]["text"], expect, "{version}");
            assert!(result.get("structuredContent").is_none());
        }
    }
}

#[tokio::test]
async fn malformed_calls_are_protocol_errors_in_every_revision() {
    let mcp = mcp();
    for version in all_versions() {
        let response = call(&mcp, "delete_everything", json!({}), version).await;
        assert_eq!(
            error(&response),
            (-32602, "Unknown tool: delete_everything".to_owned())
        );

        let params = json!({ "name": "ask_twin", "arguments": "What do you do?" });
        let message = if version == MODERN {
            modern(2, "tools/call", params)
        } else {
            request(2, "tools/call", params)
        };
        let response = ask(&mcp, message, Some(revision(version))).await;
        assert_eq!(
            error(&response),
            (-32602, "arguments: must be an object".to_owned())
        );

        let response = ask(
            &mcp,
            request(3, "tools/call", json!({ "arguments": {} })),
            Some(Revision::V2025_03_26),
        )
        .await;
        assert_eq!(
            error(&response),
            (-32602, "name: must be a string".to_owned())
        );
    }
}

#[tokio::test]
async fn run_time_failures_are_tool_errors_without_internals() {
    let failing = mcp_over(FailingIndex, ExtractiveComposer::new(&profile()));
    for (tool, arguments) in [
        ("search_profile", json!({ "query": "Kubernetes" })),
        ("ask_twin", json!({ "question": "What do you do?" })),
    ] {
        for version in all_versions() {
            let response = call(&failing, tool, arguments.clone(), version).await;
            let result = result(&response);
            assert_eq!(result["isError"], true);
            let text = result["content"][0]["text"].as_str().unwrap();
            assert_eq!(
                text,
                "The twin's memory is unreachable right now; please try again shortly."
            );
            assert!(!response.to_string().contains("secret-index"));
        }
    }

    let profile = profile();
    let index = EmbeddedIndex::new(
        twin_core::chunk_profile(&profile),
        twin_core::IndexConfig::default(),
    );
    let broken = mcp_over(index, BrokenModel);
    let response = call(
        &broken,
        "ask_twin",
        json!({ "question": "What do you do at Fernwave Payments?" }),
        MODERN,
    )
    .await;
    let result = result(&response);
    assert_eq!(result["isError"], true);
    assert_eq!(
        result["content"][0]["text"],
        "The answer was cut off; please ask again."
    );
}
