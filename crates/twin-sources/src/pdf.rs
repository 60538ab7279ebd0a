//! PDF text, page by page.
//!
//! Extraction uses `pdf-extract` rather than `lopdf` alone. Both are MIT and
//! maintained; `pdf-extract` is built on `lopdf` and adds what text needs:
//! it decodes simple, Type 1, CFF, TrueType and CID fonts with their
//! encodings and `ToUnicode` maps, and places glyphs by their positions, so
//! it puts spaces between words that a PDF spaces by moving the pen and line
//! breaks where lines end. `lopdf::Document::extract_text` only concatenates
//! the strings of `Tj`/`TJ` operators: words run together whenever a
//! producer positions them (as LaTeX and most word processors do), and it
//! knows fewer font encodings. The price is that `pdf-extract` still panics
//! on some malformed files, so extraction runs under `catch_unwind` and a
//! panic becomes a [`SourceError::Pdf`] naming the file, and each page is
//! extracted on its own so one bad page loses only itself.
//!
//! A page's text becomes paragraphs at blank lines (`pdf-extract` leaves one
//! where the gap between lines is larger than usual); the lines of a
//! paragraph are joined, and a line ending in a hyphen is joined without a
//! space but keeps its hyphen, because "well-known" broken at its hyphen
//! cannot be told from a word hyphenated by the typesetter.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

use pdf_extract::{Document, OutputError, PlainTextOutput, output_doc_page};

use crate::chunker::{Block, DocSection};
use crate::error::SourceError;
use crate::markdown::join_wrapped;

/// The paragraphs of each page that has text, with its 1-based number.
pub(crate) fn pdf_pages(path: &Path, bytes: &[u8]) -> Result<Vec<(u32, DocSection)>, SourceError> {
    let pages =
        catch_unwind(AssertUnwindSafe(|| extract_pages(path, bytes))).map_err(|panic| {
            let message = panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "the PDF reader failed".to_owned());
            SourceError::Pdf {
                path: path.to_owned(),
                message: format!("unsupported or malformed PDF ({message})"),
            }
        })??;
    Ok(pages
        .into_iter()
        .filter_map(|(number, text)| {
            let blocks: Vec<Block> = paragraphs(&text)
                .into_iter()
                .map(Block::paragraph)
                .collect();
            (!blocks.is_empty()).then(|| {
                (
                    number,
                    DocSection {
                        path: Vec::new(),
                        blocks,
                    },
                )
            })
        })
        .collect())
}

fn extract_pages(path: &Path, bytes: &[u8]) -> Result<Vec<(u32, String)>, SourceError> {
    let pdf_error = |message: String| SourceError::Pdf {
        path: path.to_owned(),
        message,
    };
    let mut doc = Document::load_mem(bytes).map_err(|e| pdf_error(e.to_string()))?;
    if doc.is_encrypted() {
        // Most "encrypted" PDFs only restrict editing and open with the
        // empty user password; others cannot be read without it.
        doc.decrypt("")
            .map_err(|e| pdf_error(format!("encrypted and needs a password ({e})")))?;
    }
    let mut pages = Vec::new();
    for number in doc.get_pages().into_keys() {
        let mut text = String::new();
        let result: Result<(), OutputError> =
            output_doc_page(&doc, &mut PlainTextOutput::new(&mut text), number);
        match result {
            Ok(()) => pages.push((number, text)),
            Err(err) => tracing::warn!(
                path = %path.display(),
                page = number,
                error = %err,
                "skipping a PDF page whose text cannot be extracted"
            ),
        }
    }
    Ok(pages)
}

/// Splits extracted page text into paragraphs at blank lines.
fn paragraphs(text: &str) -> Vec<String> {
    let text = replace_ligatures(text);
    let mut out = Vec::new();
    let mut lines: Vec<&str> = Vec::new();
    for line in text.lines().chain(std::iter::once("")) {
        if line.trim().is_empty() {
            if !lines.is_empty() {
                let paragraph = join_hyphenated(&lines);
                if !paragraph.is_empty() {
                    out.push(paragraph);
                }
                lines.clear();
            }
        } else {
            lines.push(line);
        }
    }
    out
}

/// Joins lines like plain text, except that a line ending in a hyphen runs
/// into the next one.
fn join_hyphenated(lines: &[&str]) -> String {
    let mut runs: Vec<String> = Vec::new();
    let mut pending = String::new();
    for line in lines {
        let line = line.trim();
        pending.push_str(line);
        let hyphenated =
            line.ends_with('-') && line.chars().rev().nth(1).is_some_and(char::is_alphabetic);
        if !hyphenated {
            runs.push(std::mem::take(&mut pending));
        }
    }
    if !pending.is_empty() {
        runs.push(pending);
    }
    let refs: Vec<&str> = runs.iter().map(String::as_str).collect();
    join_wrapped(&refs)
}

/// Typographic ligatures that fonts map to one code point.
fn replace_ligatures(text: &str) -> String {
    text.replace('\u{fb00}', "ff")
        .replace('\u{fb01}', "fi")
        .replace('\u{fb02}', "fl")
        .replace('\u{fb03}', "ffi")
        .replace('\u{fb04}', "ffl")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_split_at_blank_lines_and_join_hyphenation() {
        let text = "First line of a para-\ngraph goes on\nhere.\n\n\nSecond \u{fb01}ne one.\n";
        assert_eq!(
            paragraphs(text),
            vec![
                "First line of a para-graph goes on here.",
                "Second fine one."
            ]
        );
    }
}
