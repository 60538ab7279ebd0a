use std::path::PathBuf;
use std::time::Duration;

use twin_sources::{Config, ConfigError, LocalSource, Source, WebSource};

use crate::support::Scratch;

/// The problems `text` is rejected with, one string each.
fn problems(text: &str) -> Vec<String> {
    match Config::parse(text) {
        Ok(config) => panic!("accepted: {config:?}"),
        Err(problems) => problems.0.iter().map(ToString::to_string).collect(),
    }
}

#[test]
fn a_full_config_parses_with_defaults() {
    let config = Config::parse(
        r#"
        [[sources]]
        kind = "markdown"
        path = "notes"

        [[sources]]
        kind = "pdf"
        path = "./docs/resume.pdf"

        [[sources]]
        kind = "web"
        url = "https://example.com/blog/#top"

        [[sources]]
        kind = "web"
        url = "http://localhost:8080/"
        max_depth = 0
        max_pages = 1000
        delay_ms = 0
        snapshot = "crawls/local.jsonl"
        "#,
    )
    .unwrap();
    assert_eq!(
        config.sources,
        vec![
            Source::Markdown(LocalSource {
                path: PathBuf::from("notes")
            }),
            Source::Pdf(LocalSource {
                path: PathBuf::from("./docs/resume.pdf")
            }),
            Source::Web(WebSource {
                url: "https://example.com/blog/".parse().unwrap(),
                max_depth: 2,
                max_pages: 50,
                delay: Duration::from_millis(500),
                snapshot: PathBuf::from("sources/example.com.jsonl"),
            }),
            Source::Web(WebSource {
                url: "http://localhost:8080/".parse().unwrap(),
                max_depth: 0,
                max_pages: 1000,
                delay: Duration::ZERO,
                snapshot: PathBuf::from("crawls/local.jsonl"),
            }),
        ]
    );
    assert_eq!(config.web_sources().count(), 2);
}

#[test]
fn an_empty_file_and_a_missing_file_are_empty_configs() {
    assert_eq!(Config::parse("").unwrap(), Config::default());
    let scratch = Scratch::new();
    let config = Config::load(&scratch.path.join("twin.toml")).unwrap();
    assert!(config.sources.is_empty());
}

#[test]
fn out_of_range_numbers_name_the_field_and_the_source() {
    let found = problems(
        r#"
        [[sources]]
        kind = "markdown"
        path = "notes"
        [[sources]]
        kind = "pdf"
        path = "cv.pdf"
        [[sources]]
        kind = "web"
        url = "https://example.com/"
        max_pages = 5000
        max_depth = -1
        delay_ms = 600000
        "#,
    );
    assert_eq!(
        found,
        vec![
            "sources[2].max_depth: must be between 0 and 10",
            "sources[2].max_pages: must be between 1 and 1000",
            "sources[2].delay_ms: must be between 0 and 60000",
        ]
    );
}

#[test]
fn every_problem_is_reported_at_once() {
    let found = problems(
        r#"
        [[sources]]
        kind = "html"
        [[sources]]
        kind = "markdown"
        url = "https://example.com/"
        [[sources]]
        path = "x"
        [[sources]]
        kind = "pdf"
        path = "../outside.pdf"
        [[sources]]
        kind = "web"
        path = "site"
        url = "ftp://example.com/"
        [[sources]]
        kind = "web"
        url = "https://user:secret@example.com/"
        [[sources]]
        kind = "web"
        url = "not a url"
        [[sources]]
        kind = "markdown"
        path = "/etc"
        "#,
    );
    assert_eq!(
        found,
        vec![
            r#"sources[0].kind: must be one of "markdown", "pdf", "web", not "html""#,
            r#"sources[1].url: is not allowed for kind "markdown""#,
            r#"sources[1].path: is required for kind "markdown""#,
            r#"sources[2].kind: is required: one of "markdown", "pdf", "web""#,
            "sources[3].path: must be a relative path inside the folder of twin.toml (no leading / and no ..)",
            r#"sources[4].path: is not allowed for kind "web" (the crawl is stored at `snapshot`)"#,
            "sources[4].url: must start with http:// or https://",
            "sources[5].url: must not contain a user name or password",
            "sources[6].url: is not a valid URL (relative URL without a base)",
            "sources[7].path: must be a relative path inside the folder of twin.toml (no leading / and no ..)",
        ]
    );
}

#[test]
fn two_web_sources_cannot_share_a_snapshot() {
    let found = problems(
        r#"
        [[sources]]
        kind = "web"
        url = "https://example.com/blog/"
        [[sources]]
        kind = "web"
        url = "https://example.com/talks/"
        [[sources]]
        kind = "web"
        url = "https://example.org/"
        snapshot = "notes.json"
        "#,
    );
    assert_eq!(
        found,
        vec![
            "sources[2].snapshot: must end in .jsonl (JSON Lines)",
            "sources[1].snapshot: sources/example.com.jsonl is also the snapshot of sources[0]; set a different `snapshot`",
        ]
    );
}

#[test]
fn unknown_fields_and_bad_types_say_where() {
    let found = problems("[[sources]]\nkind = \"web\"\nurl = \"https://e.com/\"\nmax_page = 3\n");
    assert_eq!(found.len(), 1);
    assert!(
        found[0].starts_with("sources[0].max_page: unknown field `max_page`"),
        "{found:?}"
    );
    assert!(found[0].ends_with("(line 4)"), "{found:?}");

    let found =
        problems("[[sources]]\nkind = \"web\"\nurl = \"https://e.com/\"\nmax_pages = \"ten\"\n");
    assert!(
        found[0].starts_with("sources[0].max_pages: invalid type: string \"ten\""),
        "{found:?}"
    );

    let found = problems("[sources\n");
    assert!(found[0].starts_with(".: "), "{found:?}");
    assert!(found[0].contains("(line 1)"), "{found:?}");

    let found = problems("source = []\n");
    assert!(found[0].contains("unknown field `source`"), "{found:?}");
}

#[test]
fn load_names_the_file_in_its_error() {
    let scratch = Scratch::new();
    let path = scratch.write("twin.toml", "[[sources]]\nkind = \"pdf\"\n");
    let err = Config::load(&path).unwrap_err();
    assert!(matches!(err, ConfigError::Invalid { .. }));
    assert_eq!(
        err.to_string(),
        format!(
            "{}: sources[0].path: is required for kind \"pdf\"",
            path.display()
        )
    );
    assert_eq!(err.problems().len(), 1);
}
