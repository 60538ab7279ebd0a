//! Files on disk: finding them, reading them, and cutting them into chunks.

use std::path::{Path, PathBuf};

use twin_core::Chunk;

use crate::chunker::{DocInfo, chunk_sections};
use crate::error::SourceError;
use crate::markdown::{parse_markdown, parse_text};
use crate::pdf::pdf_pages;
use crate::web::Page;

/// Text files over this size are refused: notes are not that large, and a
/// mistaken path (a log file, a dump) should fail loudly, not fill the index.
const MAX_TEXT_BYTES: u64 = 8 * 1024 * 1024;
/// PDFs carry fonts and images, so their limit is larger.
const MAX_PDF_BYTES: u64 = 64 * 1024 * 1024;

/// How a file is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FileKind {
    Markdown,
    Text,
    Pdf,
}

impl FileKind {
    fn of(path: &Path) -> Option<FileKind> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "md" | "markdown" => Some(FileKind::Markdown),
            "txt" | "text" => Some(FileKind::Text),
            "pdf" => Some(FileKind::Pdf),
            _ => None,
        }
    }
}

/// The files a `markdown` or `pdf` source names, sorted by path: the file
/// itself, or every matching file under the folder (hidden entries and
/// symbolic links to folders skipped, so a walk always ends).
pub(crate) fn source_files(
    base_dir: &Path,
    relative: &Path,
    wanted: &[FileKind],
) -> Result<Vec<(PathBuf, FileKind)>, SourceError> {
    let root = base_dir.join(relative);
    let meta = std::fs::metadata(&root).map_err(|e| SourceError::io(&root, e))?;
    if meta.is_file() {
        // A file named explicitly is read even with an unusual extension:
        // as text if it says so, otherwise as the source's main kind.
        let kind = FileKind::of(&root)
            .filter(|k| wanted.contains(k))
            .unwrap_or(wanted[0]);
        return Ok(vec![(relative.to_owned(), kind)]);
    }
    let mut files = Vec::new();
    let mut folders = vec![relative.to_owned()];
    while let Some(folder) = folders.pop() {
        let dir = base_dir.join(&folder);
        let entries = std::fs::read_dir(&dir).map_err(|e| SourceError::io(&dir, e))?;
        for entry in entries {
            let entry = entry.map_err(|e| SourceError::io(&dir, e))?;
            let name = entry.file_name();
            if name.to_string_lossy().starts_with('.') {
                continue;
            }
            let path = folder.join(&name);
            let file_type = entry.file_type().map_err(|e| SourceError::io(&dir, e))?;
            if file_type.is_dir() {
                folders.push(path);
            } else if let Some(kind) = FileKind::of(&path).filter(|k| wanted.contains(k)) {
                let full = base_dir.join(&path);
                // A symbolic link to a file is read; to a folder, skipped.
                if file_type.is_file() || full.is_file() {
                    files.push((path, kind));
                }
            }
        }
    }
    files.sort_by_key(|(path, _)| slash_path(path));
    Ok(files)
}

/// A relative path with `/` separators on every platform, for metadata.
pub(crate) fn slash_path(path: &Path) -> String {
    path.components()
        .filter_map(|c| match c {
            std::path::Component::Normal(part) => Some(part.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// Reads one file and cuts it into chunks.
pub(crate) fn file_chunks(
    base_dir: &Path,
    relative: &Path,
    kind: FileKind,
) -> Result<Vec<Chunk>, SourceError> {
    let full = base_dir.join(relative);
    let source = slash_path(relative);
    let stem = title_from_stem(relative);
    let (limit, kind_name) = match kind {
        FileKind::Markdown => (MAX_TEXT_BYTES, "markdown"),
        FileKind::Text => (MAX_TEXT_BYTES, "text"),
        FileKind::Pdf => (MAX_PDF_BYTES, "pdf"),
    };
    let size = std::fs::metadata(&full)
        .map_err(|e| SourceError::io(&full, e))?
        .len();
    if size > limit {
        return Err(SourceError::TooLarge {
            path: full,
            kind: kind_name,
            limit,
        });
    }
    let bytes = std::fs::read(&full).map_err(|e| SourceError::io(&full, e))?;

    if kind == FileKind::Pdf {
        let mut chunks = Vec::new();
        for (page, section) in pdf_pages(&full, &bytes)? {
            let doc = DocInfo {
                source: &source,
                kind: "pdf",
                title: &stem,
                page: Some(page),
            };
            chunks.extend(chunk_sections(&doc, vec![section]));
        }
        return Ok(chunks);
    }

    let text = decode_text(&full, &bytes);
    Ok(match kind {
        FileKind::Text => {
            let doc = DocInfo {
                source: &source,
                kind: "text",
                title: &stem,
                page: None,
            };
            chunk_sections(&doc, parse_text(&text))
        }
        _ => markdown_chunks(&source, "markdown", &text, &stem),
    })
}

/// Cuts a Markdown document into chunks; untitled chunks take the document's
/// first level-1 heading, or `fallback_title`.
pub(crate) fn markdown_chunks(
    source: &str,
    kind: &str,
    text: &str,
    fallback_title: &str,
) -> Vec<Chunk> {
    let parsed = parse_markdown(text);
    let title = parsed.h1.as_deref().unwrap_or(fallback_title);
    let doc = DocInfo {
        source,
        kind,
        title,
        page: None,
    };
    chunk_sections(&doc, parsed.sections)
}

/// A crawled page's chunks: its Markdown, with the page's URL as the source.
pub(crate) fn page_chunks(page: &Page) -> Vec<Chunk> {
    let title = if page.title.trim().is_empty() {
        page.url.as_str()
    } else {
        page.title.as_str()
    };
    let doc = DocInfo {
        source: &page.url,
        kind: "web",
        title,
        page: None,
    };
    chunk_sections(&doc, parse_markdown(&page.markdown).sections)
}

/// UTF-8 without its byte-order mark; anything else is decoded lossily
/// (with a warning) rather than refused, since notes exported from older
/// tools are sometimes Latin-1 with a stray byte or two.
fn decode_text(path: &Path, bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => text.replace("\r\n", "\n"),
        Err(_) => {
            tracing::warn!(path = %path.display(), "not valid UTF-8; unreadable bytes replaced");
            String::from_utf8_lossy(bytes).replace("\r\n", "\n")
        }
    }
}

/// `talks/rust-conf_2025.md` -> `rust conf 2025`.
fn title_from_stem(path: &Path) -> String {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    stem.replace(['-', '_'], " ").trim().to_owned()
}
