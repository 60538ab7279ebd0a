//! Documents: chunks from sources beyond the profile (Markdown notes, PDFs,
//! crawled pages), kept as JSON Lines in `documents.jsonl` beside the
//! profile.
//!
//! `twin ingest` writes the file from the sources `twin.toml` declares; it
//! is git-tracked and compiled into every function with the profile, so a
//! deployment's documents, like its profile, roll back with it. Reading
//! checks that every chunk's id is the hash of its content, which catches a
//! hand edit that would otherwise defeat `twin sync`'s plan.

use crate::chunk::Chunk;

/// Why `documents.jsonl` could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("documents.jsonl line {line}: {message}")]
pub struct DocumentsError {
    pub line: usize,
    pub message: String,
}

/// Parses the file's text; blank lines are skipped.
pub fn read_documents(text: &str) -> Result<Vec<Chunk>, DocumentsError> {
    let mut chunks = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let error = |message: String| DocumentsError {
            line: i + 1,
            message,
        };
        let chunk: Chunk = serde_json::from_str(line).map_err(|e| error(e.to_string()))?;
        let expected = Chunk::new(
            chunk.section,
            chunk.title.clone(),
            chunk.text.clone(),
            chunk.metadata.clone(),
        )
        .id;
        if chunk.id != expected {
            return Err(error(format!(
                "id {} does not match the chunk's content (expected {expected}); \
                 run `twin ingest` instead of editing the file",
                chunk.id
            )));
        }
        chunks.push(chunk);
    }
    Ok(chunks)
}

/// The file's text for `chunks`, one chunk per line, in the order given.
pub fn write_documents(chunks: &[Chunk]) -> String {
    let mut out = String::new();
    for chunk in chunks {
        // A Chunk is strings and a string map: it always serializes.
        if let Ok(line) = serde_json::to_string(chunk) {
            out.push_str(&line);
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::chunk::Section;

    fn chunk(text: &str) -> Chunk {
        Chunk::new(
            Section::Document,
            "Talks",
            text,
            BTreeMap::from([("source".to_owned(), "notes/talks.md".to_owned())]),
        )
    }

    #[test]
    fn documents_round_trip() {
        let chunks = vec![chunk("I spoke at RustConf."), chunk("I wrote a book.")];
        let text = write_documents(&chunks);
        assert_eq!(text.lines().count(), 2);
        assert_eq!(read_documents(&text).unwrap(), chunks);
        assert_eq!(read_documents("\n\n").unwrap(), Vec::new());
    }

    #[test]
    fn a_hand_edit_is_caught() {
        let text = write_documents(&[chunk("I spoke at RustConf.")]);
        let edited = text.replace("RustConf", "RustConf and WWDC");
        let error = read_documents(&edited).unwrap_err();
        assert_eq!(error.line, 1);
        assert!(error.message.contains("twin ingest"), "{error}");
        let error = read_documents("{\"id\": 3}\n").unwrap_err();
        assert_eq!(error.line, 1);
    }
}
