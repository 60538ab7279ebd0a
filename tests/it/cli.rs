//! The `twin` subcommands and their errors.

use crate::support::{TempFile, run, twin};

fn stdout(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn validate_accepts_the_sample_profile() {
    let out = run(&["validate"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).starts_with("ok: data/digitaltwin.json is valid ("));
}

#[test]
fn validate_lists_every_problem_with_its_path() {
    let sample =
        std::fs::read_to_string(crate::support::repo_root().join("data/digitaltwin.json")).unwrap();
    let mut doc: serde_json::Value = serde_json::from_str(&sample).unwrap();
    doc["person"]["contact"]["email"] = "nobody".into();
    doc["experience"][0]["start"] = "last spring".into();
    let file = TempFile::new("bad.json", &doc.to_string());
    let out = run(&["validate", file.path()]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("has 2 problems"), "{err}");
    assert!(
        err.contains("  person.contact.email: must be an email address"),
        "{err}"
    );
    assert!(
        err.contains("  experience[0].start: must be a month"),
        "{err}"
    );
}

#[test]
fn a_missing_or_broken_profile_is_one_clear_line() {
    let out = run(&["--profile", "/nonexistent/profile.json", "chunks"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out).lines().collect::<Vec<_>>(),
        vec![
            "error: cannot read /nonexistent/profile.json: No such file or directory (os error 2)"
        ]
    );

    let file = TempFile::new("broken.json", "{ \"person\": 3 }");
    let out = run(&["--profile", file.path(), "ask", "hi"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("is not a valid profile"), "{err}");
    assert!(err.contains("person: invalid type"), "{err}");
}

#[test]
fn bad_settings_name_the_variable() {
    let out = twin()
        .args(["serve", "--port", "0"])
        .env("TWIN_TOP_K", "lots")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out).trim(),
        r#"error: TWIN_TOP_K: expected a whole number from 1 to 20, got "lots""#
    );
}

#[test]
fn chunks_lists_ids_sections_and_titles() {
    let out = run(&["chunks"]);
    assert!(out.status.success());
    let text = stdout(&out);
    assert!(text.lines().any(|l| l.starts_with("summary-")), "{text}");
    assert!(text.lines().any(|l| l.starts_with("faq-")));
    assert!(text.trim_end().ends_with(&format!(
        "chunks (0 from documents), profile version {}",
        text.trim_end().rsplit(' ').next().unwrap()
    )));

    let out = run(&["chunks", "--json"]);
    let chunks: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert!(chunks.len() > 30);
    assert!(
        chunks
            .iter()
            .all(|c| c["id"].is_string() && c["text"].is_string())
    );
}

#[test]
fn ask_streams_an_answer_with_sources() {
    let out = run(&["ask", "Where are you based?"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("Lisbon"), "{text}");
    assert!(text.contains("Sources:\n  [1]"), "{text}");

    let out = run(&["ask", "--json", "What is the capital of Australia?"]);
    let body: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(body["covered"], false);

    let out = run(&["ask", "   "]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stderr(&out).trim(), "error: the question is empty");
}

#[test]
fn eval_reports_and_enforces_thresholds() {
    let out = run(&["eval", "data/eval/questions.json", "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let hit5 = report["overall"]["hit_at_5"]["rate"].as_f64().unwrap();
    assert!(hit5 >= 0.9, "{hit5}");

    // An impossible threshold fails with a line naming it.
    let out = run(&["eval", "data/eval/questions.json", "--min-hit5", "1.0"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("below threshold"));

    let out = run(&["eval", "data/eval/questions.json", "--min-hit5", "2"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("between 0 and 1"));
    let out = run(&["eval", "Cargo.toml"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a valid question set"));
}

#[test]
fn gaps_lists_uncovered_questions_from_logs_or_says_what_is_missing() {
    let out = run(&[
        "gaps",
        "--from-log",
        "crates/twin-tickets/tests/data/request_log.jsonl",
        "--json",
    ]);
    assert!(out.status.success(), "{out:?}");
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert!(!rows.is_empty());
    let counts: Vec<u64> = rows.iter().map(|r| r["asked"].as_u64().unwrap()).collect();
    assert!(
        counts.windows(2).all(|w| w[0] >= w[1]),
        "most asked first: {counts:?}"
    );

    let out = run(&["gaps"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no ticket tracker is configured"));
    let out = run(&["gaps", "--from-log", "/nonexistent.jsonl"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read"));
}
