use twin_sources::{
    Config, Page, SourceError, http_client, ingest, local_chunks, pages_to_chunks, read_snapshot,
    write_snapshot,
};

use crate::support::{Scratch, Site, page};

fn sample_pages() -> Vec<Page> {
    vec![
        Page {
            url: "https://example.com/b".to_owned(),
            title: "B \"quoted\"".to_owned(),
            markdown: "# B\n\nLine with ünïcode and a tab\there.".to_owned(),
        },
        Page {
            url: "https://example.com/a".to_owned(),
            title: String::new(),
            markdown: "Plain.".to_owned(),
        },
    ]
}

#[test]
fn a_snapshot_round_trips_sorted_and_byte_stable() {
    let scratch = Scratch::new();
    let path = scratch.path.join("sources/example.com.jsonl");
    let pages = sample_pages();
    write_snapshot(&path, &pages).unwrap();
    let bytes = std::fs::read_to_string(&path).unwrap();
    assert_eq!(bytes.lines().count(), 2);
    assert!(bytes.ends_with('\n'));
    assert!(bytes.starts_with("{\"url\":\"https://example.com/a\",\"title\":\"\",\"markdown\":"));

    let read = read_snapshot(&path).unwrap();
    let mut sorted = pages.clone();
    sorted.sort_by(|a, b| a.url.cmp(&b.url));
    assert_eq!(read, sorted);

    // Writing the same pages in another order gives the same bytes.
    let mut reversed = pages;
    reversed.reverse();
    write_snapshot(&path, &reversed).unwrap();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), bytes);
    assert!(!scratch.path.join("sources/example.com.jsonl.tmp").exists());
}

#[test]
fn a_corrupt_snapshot_names_the_file_and_line() {
    let scratch = Scratch::new();
    let path = scratch.write(
        "sources/x.jsonl",
        "{\"url\":\"https://e.com/\",\"title\":\"\",\"markdown\":\"ok\"}\n\n{\"url\": 3}\n",
    );
    let err = read_snapshot(&path).unwrap_err();
    assert!(
        matches!(err, SourceError::Snapshot { line: 3, .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("x.jsonl, line 3"), "{err}");
}

#[test]
fn pages_become_chunks_with_the_url_as_source() {
    let chunks = pages_to_chunks(&sample_pages());
    assert_eq!(chunks.len(), 2);
    let b = &chunks[0];
    assert_eq!(b.metadata["source"], "https://example.com/b");
    assert_eq!(b.metadata["kind"], "web");
    assert_eq!(b.metadata["heading"], "B");
    assert_eq!(b.text, "Line with ünïcode and a tab here.");
    // A page without a title or heading is titled by its URL.
    assert_eq!(chunks[1].title, "https://example.com/a");
}

#[tokio::test]
async fn ingest_writes_snapshots_that_local_chunks_reads() {
    let site = Site::start().await;
    site.html("/", page("Home", "I write about Rust.", &["/talks"]))
        .html("/talks", page("Talks", "I spoke at RustConf.", &[]));
    let scratch = Scratch::new();
    scratch.write("notes/a.md", "# Notes\n\nA note.");
    let config = Config::parse(&format!(
        "[[sources]]\nkind = \"markdown\"\npath = \"notes\"\n\
         [[sources]]\nkind = \"web\"\nurl = \"{}\"\ndelay_ms = 0\nsnapshot = \"sources/site.jsonl\"\n",
        site.url("/")
    ))
    .unwrap();

    let mut fetched = Vec::new();
    let reports = ingest(&config, &scratch.path, &http_client().unwrap(), |_, url| {
        fetched.push(url.path().to_owned())
    })
    .await
    .unwrap();
    assert_eq!(fetched, vec!["/", "/talks"]);
    assert_eq!(reports.len(), 1);
    assert_eq!(reports[0].pages, 2);
    assert_eq!(reports[0].snapshot, scratch.path.join("sources/site.jsonl"));

    let chunks = local_chunks(&config, &scratch.path).unwrap();
    let sources: Vec<&str> = chunks
        .iter()
        .map(|c| c.metadata["source"].as_str())
        .collect();
    let home = site.url("/").to_string();
    let talks = site.url("/talks").to_string();
    assert_eq!(sources, vec!["notes/a.md", home.as_str(), talks.as_str()]);
    assert!(chunks[2].text.contains("I spoke at RustConf."));

    // A second ingest of the unchanged site writes the same bytes.
    let before = std::fs::read(scratch.path.join("sources/site.jsonl")).unwrap();
    ingest(&config, &scratch.path, &http_client().unwrap(), |_, _| {})
        .await
        .unwrap();
    let after = std::fs::read(scratch.path.join("sources/site.jsonl")).unwrap();
    assert_eq!(before, after);
}

#[tokio::test]
async fn a_failed_ingest_keeps_the_old_snapshot() {
    let site = Site::start().await;
    site.raw("/robots.txt", 500, "text/plain", "oops");
    let scratch = Scratch::new();
    let line = "{\"url\":\"https://e.com/\",\"title\":\"\",\"markdown\":\"old\"}\n";
    let old = scratch.write("sources/site.jsonl", line);
    let config = Config::parse(&format!(
        "[[sources]]\nkind = \"web\"\nurl = \"{}\"\nsnapshot = \"sources/site.jsonl\"\n",
        site.url("/")
    ))
    .unwrap();
    let err = ingest(&config, &scratch.path, &http_client().unwrap(), |_, _| {})
        .await
        .unwrap_err();
    assert!(err.is_transient());
    assert_eq!(std::fs::read_to_string(old).unwrap(), line);
}
