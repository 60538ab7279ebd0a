use std::path::PathBuf;

use twin_core::{Chunk, Section};
use twin_sources::{Config, LocalSource, MAX_WORDS, Source, SourceError, local_chunks};

use crate::support::Scratch;

fn markdown_source(path: &str) -> Config {
    Config {
        sources: vec![Source::Markdown(LocalSource {
            path: PathBuf::from(path),
        })],
    }
}

fn words(text: &str) -> usize {
    text.split_whitespace().count()
}

/// `(heading, text)` of each chunk.
fn headings_and_texts(chunks: &[Chunk]) -> Vec<(String, String)> {
    chunks
        .iter()
        .map(|c| {
            (
                c.metadata.get("heading").cloned().unwrap_or_default(),
                c.text.clone(),
            )
        })
        .collect()
}

/// A paragraph of `n` words that reads as one sentence.
fn paragraph(topic: &str, n: usize) -> String {
    let mut words = vec![topic.to_owned()];
    words.extend((1..n).map(|i| format!("w{i}")));
    format!("{}.", words.join(" "))
}

#[test]
fn headings_build_the_heading_path() {
    let scratch = Scratch::new();
    scratch.write(
        "notes/cv.md",
        "---\ntitle: ignored front matter\n---\n\
         # Jane Doe\n\n\
         ## Talks\n\n\
         ### RustConf 2025\n\n\
         I spoke about *async* cancellation at [RustConf](https://rustconf.com).\n\n\
         ```rust\nfn main() {}\n```\n\n\
         ## Writing\n\n\
         I write a newsletter.\n",
    );
    let chunks = local_chunks(&markdown_source("notes"), &scratch.path).unwrap();
    assert_eq!(
        headings_and_texts(&chunks),
        vec![
            (
                "Jane Doe > Talks > RustConf 2025".to_owned(),
                "I spoke about async cancellation at RustConf.\n\n```rust\nfn main() {}\n```"
                    .to_owned()
            ),
            (
                "Jane Doe > Writing".to_owned(),
                "I write a newsletter.".to_owned()
            ),
        ]
    );
    let chunk = &chunks[0];
    assert_eq!(chunk.section, Section::Document);
    assert_eq!(chunk.title, "RustConf 2025");
    assert_eq!(chunk.metadata["source"], "notes/cv.md");
    assert_eq!(chunk.metadata["kind"], "markdown");
    assert!(chunks.iter().all(|c| !c.text.contains("front matter")));
}

#[test]
fn tiny_sections_merge_under_their_common_heading() {
    let scratch = Scratch::new();
    scratch.write(
        "talks.md",
        "# Jane\n\n## Talks\n\nI speak twice a year.\n\n\
         ### RustConf 2025\n\nAbout cancellation.\n\n\
         ### FOSDEM 2024\n\nAbout embedded Rust.\n",
    );
    let chunks = local_chunks(&markdown_source("talks.md"), &scratch.path).unwrap();
    assert_eq!(
        headings_and_texts(&chunks),
        vec![(
            "Jane > Talks".to_owned(),
            "I speak twice a year.\n\nRustConf 2025\n\nAbout cancellation.\n\n\
             FOSDEM 2024\n\nAbout embedded Rust."
                .to_owned()
        )]
    );
    assert_eq!(chunks[0].title, "Talks");
}

#[test]
fn a_document_without_headings_takes_its_title_from_the_file_name() {
    let scratch = Scratch::new();
    scratch.write("notes/open-source_work.md", "I maintain two crates.");
    let chunks = local_chunks(&markdown_source("notes"), &scratch.path).unwrap();
    assert_eq!(chunks[0].title, "open source work");
    assert!(!chunks[0].metadata.contains_key("heading"));
}

#[test]
fn sections_large_enough_stand_alone_with_their_full_path() {
    let scratch = Scratch::new();
    let text = format!(
        "# Jane\n\n## Talks\n\n### RustConf 2025\n\n{}\n\n### FOSDEM 2024\n\n{}\n",
        paragraph("Cancellation", 120),
        paragraph("Embedded", 100)
    );
    scratch.write("talks.md", text);
    let chunks = local_chunks(&markdown_source("talks.md"), &scratch.path).unwrap();
    let headings: Vec<&str> = chunks
        .iter()
        .map(|c| c.metadata["heading"].as_str())
        .collect();
    assert_eq!(
        headings,
        vec!["Jane > Talks > RustConf 2025", "Jane > Talks > FOSDEM 2024"]
    );
    assert_eq!(chunks[0].title, "RustConf 2025");
    assert!(chunks[0].text.starts_with("Cancellation w1"));
}

#[test]
fn a_long_section_splits_at_paragraphs_into_similar_pieces() {
    let scratch = Scratch::new();
    let paragraphs: Vec<String> = (0..7).map(|i| paragraph(&format!("P{i}"), 70)).collect();
    scratch.write(
        "long.md",
        format!("## History\n\n{}\n", paragraphs.join("\n\n")),
    );
    let chunks = local_chunks(&markdown_source("long.md"), &scratch.path).unwrap();
    // 490 words need three chunks; the most even split is 210 + 140 + 140.
    let sizes: Vec<usize> = chunks.iter().map(|c| words(&c.text)).collect();
    assert_eq!(sizes, vec![210, 140, 140]);
    for chunk in &chunks {
        assert!(words(&chunk.text) <= MAX_WORDS);
        assert_eq!(chunk.metadata["heading"], "History");
        // Every paragraph is whole in exactly one chunk.
        for part in chunk.text.split("\n\n") {
            assert!(paragraphs.contains(&part.to_owned()), "{part}");
        }
    }
    let total: usize = chunks.iter().map(|c| c.text.split("\n\n").count()).sum();
    assert_eq!(total, 7);
}

#[test]
fn a_long_list_splits_between_items() {
    let scratch = Scratch::new();
    let items: Vec<String> = (0..40)
        .map(|i| format!("- Item {i} has a few words in it"))
        .collect();
    scratch.write("list.md", format!("# Uses\n\n{}\n", items.join("\n")));
    let chunks = local_chunks(&markdown_source("list.md"), &scratch.path).unwrap();
    assert_eq!(chunks.len(), 2);
    for chunk in &chunks {
        assert!(
            chunk.text.lines().all(|l| l.starts_with("- Item ")),
            "{}",
            chunk.text
        );
    }
}

#[test]
fn text_files_are_paragraphs_without_headings() {
    let scratch = Scratch::new();
    scratch.write(
        "notes/about-me.txt",
        "I grew up by the sea\nand still sail.\n\nI bake bread on Sundays.\n",
    );
    let chunks = local_chunks(&markdown_source("notes"), &scratch.path).unwrap();
    assert_eq!(chunks.len(), 1);
    assert_eq!(
        chunks[0].text,
        "I grew up by the sea and still sail.\n\nI bake bread on Sundays."
    );
    assert_eq!(chunks[0].title, "about me");
    assert_eq!(chunks[0].metadata["kind"], "text");
    assert!(!chunks[0].metadata.contains_key("heading"));
}

#[test]
fn folders_are_read_recursively_in_path_order_skipping_hidden_and_other_files() {
    let scratch = Scratch::new();
    scratch.write("notes/b.md", "Bravo notes.");
    scratch.write("notes/a/z.md", "Alpha zulu notes.");
    scratch.write("notes/c.txt", "Charlie notes.");
    scratch.write("notes/.hidden/x.md", "Hidden.");
    scratch.write("notes/.draft.md", "Draft.");
    scratch.write("notes/image.png", "not text");
    let chunks = local_chunks(&markdown_source("notes"), &scratch.path).unwrap();
    let sources: Vec<&str> = chunks
        .iter()
        .map(|c| c.metadata["source"].as_str())
        .collect();
    assert_eq!(sources, vec!["notes/a/z.md", "notes/b.md", "notes/c.txt"]);
}

#[test]
fn the_same_input_gives_the_same_chunks_and_an_edit_changes_only_its_chunk() {
    let scratch = Scratch::new();
    scratch.write(
        "notes/one.md",
        format!("# One\n\n{}", paragraph("First", 90)),
    );
    scratch.write(
        "notes/two.md",
        format!("# Two\n\n{}", paragraph("Second", 90)),
    );
    let config = markdown_source("notes");
    let first = local_chunks(&config, &scratch.path).unwrap();
    let again = local_chunks(&config, &scratch.path).unwrap();
    assert_eq!(first, again);

    scratch.write(
        "notes/two.md",
        format!("# Two\n\n{}", paragraph("Changed", 90)),
    );
    let edited = local_chunks(&config, &scratch.path).unwrap();
    assert_eq!(first[0].id, edited[0].id);
    assert_ne!(first[1].id, edited[1].id);
}

#[test]
fn a_file_declared_twice_gives_its_chunks_once() {
    let scratch = Scratch::new();
    scratch.write("notes/one.md", "Only once.");
    let mut config = markdown_source("notes");
    config.sources.push(Source::Markdown(LocalSource {
        path: PathBuf::from("notes/one.md"),
    }));
    assert_eq!(local_chunks(&config, &scratch.path).unwrap().len(), 1);
}

#[test]
fn a_missing_path_is_an_error_naming_it() {
    let scratch = Scratch::new();
    let err = local_chunks(&markdown_source("nowhere"), &scratch.path).unwrap_err();
    assert!(matches!(err, SourceError::Io { .. }));
    assert!(err.to_string().contains("nowhere"), "{err}");
}

#[test]
fn a_web_source_without_a_snapshot_gives_no_chunks() {
    let scratch = Scratch::new();
    let config =
        Config::parse("[[sources]]\nkind = \"web\"\nurl = \"https://example.com/\"\n").unwrap();
    assert!(local_chunks(&config, &scratch.path).unwrap().is_empty());
}
