//! The snapshot of a crawl: JSON Lines, one page per line, sorted by URL.
//!
//! The file is committed next to `twin.toml`, so it must diff well and be
//! byte-for-byte the same for the same pages: no timestamps, fields in a
//! fixed order (`url`, `title`, `markdown`), pages sorted by URL, one
//! trailing newline. It is written to a temporary file and renamed over the
//! old one, so an interrupted `twin ingest` leaves the previous snapshot.

use std::io::Write;
use std::path::Path;

use super::Page;
use crate::error::SourceError;

/// Writes pages as a snapshot (sorted by URL, duplicates dropped), creating
/// the folder if needed.
pub fn write_snapshot(path: &Path, pages: &[Page]) -> Result<(), SourceError> {
    let mut sorted: Vec<&Page> = pages.iter().collect();
    sorted.sort_by(|a, b| a.url.cmp(&b.url));
    sorted.dedup_by(|a, b| a.url == b.url);
    let mut out = Vec::new();
    for page in sorted {
        // A struct of three strings always serializes.
        let line = serde_json::to_string(page).map_err(|e| SourceError::Snapshot {
            path: path.to_owned(),
            line: 0,
            message: e.to_string(),
        })?;
        out.extend_from_slice(line.as_bytes());
        out.push(b'\n');
    }
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| SourceError::io(parent, e))?;
    }
    let mut tmp_name = path.as_os_str().to_owned();
    tmp_name.push(".tmp");
    let tmp = Path::new(&tmp_name);
    let write = || -> std::io::Result<()> {
        let mut file = std::fs::File::create(tmp)?;
        file.write_all(&out)?;
        file.sync_all()?;
        std::fs::rename(tmp, path)
    };
    write().map_err(|e| {
        let _ = std::fs::remove_file(tmp);
        SourceError::io(path, e)
    })
}

/// Reads a snapshot; pages come back sorted by URL whatever the file's order.
pub fn read_snapshot(path: &Path) -> Result<Vec<Page>, SourceError> {
    let text = std::fs::read_to_string(path).map_err(|e| SourceError::io(path, e))?;
    let mut pages = Vec::new();
    for (index, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let page: Page = serde_json::from_str(line).map_err(|e| SourceError::Snapshot {
            path: path.to_owned(),
            line: index + 1,
            message: e.to_string(),
        })?;
        pages.push(page);
    }
    pages.sort_by(|a, b| a.url.cmp(&b.url));
    Ok(pages)
}
