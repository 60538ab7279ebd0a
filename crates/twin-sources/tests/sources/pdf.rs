use std::path::PathBuf;

use twin_sources::{Config, LocalSource, Source, SourceError, local_chunks};

use crate::support::{Scratch, write_pdf};

fn pdf_source(path: &str) -> Config {
    Config {
        sources: vec![Source::Pdf(LocalSource {
            path: PathBuf::from(path),
        })],
    }
}

#[test]
fn pdf_text_comes_out_per_page_in_paragraphs() {
    let scratch = Scratch::new();
    write_pdf(
        &scratch.path.join("docs/resume.pdf"),
        &[
            &[
                &[
                    "I lead the platform team at Acme,",
                    "where we run Rust in production.",
                ],
                &["Before that I built compilers."],
            ],
            &[&["On weekends I sail small boats."]],
        ],
    );
    let chunks = local_chunks(&pdf_source("docs"), &scratch.path).unwrap();
    let found: Vec<(&str, &str)> = chunks
        .iter()
        .map(|c| (c.metadata["page"].as_str(), c.text.as_str()))
        .collect();
    assert_eq!(
        found,
        vec![
            (
                "1",
                "I lead the platform team at Acme, where we run Rust in production.\n\n\
                 Before that I built compilers."
            ),
            ("2", "On weekends I sail small boats."),
        ]
    );
    for chunk in &chunks {
        assert_eq!(chunk.metadata["source"], "docs/resume.pdf");
        assert_eq!(chunk.metadata["kind"], "pdf");
        assert_eq!(chunk.title, "resume");
    }
    assert_ne!(chunks[0].id, chunks[1].id);
}

#[test]
fn an_empty_page_gives_no_chunk() {
    let scratch = Scratch::new();
    write_pdf(
        &scratch.path.join("a.pdf"),
        &[&[], &[&["Only the second page has text."]]],
    );
    let chunks = local_chunks(&pdf_source("a.pdf"), &scratch.path).unwrap();
    assert_eq!(chunks.len(), 1);
    assert_eq!(chunks[0].metadata["page"], "2");
}

#[test]
fn a_broken_pdf_is_an_error_naming_the_file_not_a_panic() {
    let scratch = Scratch::new();
    scratch.write(
        "broken.pdf",
        b"%PDF-1.5\n1 0 obj << /Type /Catalog /Pages 9 0 R >>\ntrailer << /Root 1 0 R >>\n%%EOF\n",
    );
    let err = local_chunks(&pdf_source("broken.pdf"), &scratch.path).unwrap_err();
    assert!(matches!(err, SourceError::Pdf { .. }), "{err:?}");
    assert!(err.to_string().contains("broken.pdf"), "{err}");

    scratch.write("garbage.pdf", b"this is not a PDF at all");
    let err = local_chunks(&pdf_source("garbage.pdf"), &scratch.path).unwrap_err();
    assert!(err.to_string().contains("garbage.pdf"), "{err}");
}
