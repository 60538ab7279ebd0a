//! `twin ingest`: sources beyond the profile reach chunks, answers and
//! citations.

use std::path::PathBuf;

use serde_json::Value;

use crate::support::{repo_root, twin};

/// A scratch copy of the sample profile with a `twin.toml` and notes.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("twin-ingest-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("notes")).unwrap();
        std::fs::copy(
            repo_root().join("data/digitaltwin.json"),
            dir.join("digitaltwin.json"),
        )
        .unwrap();
        Scratch(dir)
    }

    fn write(&self, path: &str, text: &str) {
        std::fs::write(self.0.join(path), text).unwrap();
    }

    fn profile(&self) -> String {
        self.0.join("digitaltwin.json").display().to_string()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn ingested_notes_are_chunked_answered_and_cited() {
    let scratch = Scratch::new("notes");
    scratch.write(
        "twin.toml",
        "[[sources]]\nkind = \"markdown\"\npath = \"notes\"\n",
    );
    scratch.write(
        "notes/talks.md",
        "# Talks\n\n## Oxidize Berlin\n\nI gave a talk at Oxidize Berlin about zero-copy \
         parsing of telemetry frames with nom, and how it halved our ingest CPU.\n",
    );

    let output = twin()
        .args(["--profile", &scratch.profile(), "ingest", "--offline"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(stdout.contains("from notes/talks.md"), "{stdout}");
    let documents = std::fs::read_to_string(scratch.0.join("documents.jsonl")).unwrap();
    assert_eq!(documents.lines().count(), 1, "{documents}");

    let output = twin()
        .args(["--profile", &scratch.profile(), "chunks"])
        .output()
        .unwrap();
    let listing = String::from_utf8(output.stdout).unwrap();
    assert!(listing.contains("(1 from documents)"), "{listing}");

    let output = twin()
        .args([
            "--profile",
            &scratch.profile(),
            "ask",
            "--json",
            "Have you spoken at Oxidize Berlin?",
        ])
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let answer: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(answer["covered"], true, "{answer:#}");
    assert!(
        answer["answer"].as_str().unwrap().contains("zero-copy"),
        "{answer:#}"
    );
    let cited = answer["citations"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["source"] == "notes/talks.md" && c["heading"].as_str().is_some());
    assert!(cited, "{answer:#}");
}

#[test]
fn a_bad_twin_toml_is_one_clear_line() {
    let scratch = Scratch::new("bad");
    scratch.write(
        "twin.toml",
        "[[sources]]\nkind = \"web\"\nurl = \"https://example.com\"\nmax_pages = 0\n",
    );
    let output = twin()
        .args(["--profile", &scratch.profile(), "ingest", "--offline"])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("max_pages"), "{stderr}");
}
