//! The crate's one error type.

use std::path::PathBuf;

/// Why a source could not be read, crawled or stored. Every message names
/// the file or URL it is about.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    /// A file or folder could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// A file is over the size this crate reads.
    #[error("{}: larger than the {} MiB limit for {kind} sources", path.display(), limit / (1024 * 1024))]
    TooLarge {
        path: PathBuf,
        kind: &'static str,
        limit: u64,
    },
    /// A PDF could not be parsed or its text could not be extracted.
    #[error("{}: cannot extract the text: {message}", path.display())]
    Pdf { path: PathBuf, message: String },
    /// A snapshot line is not a page in the format this build reads.
    #[error("{}, line {line}: {message}", path.display())]
    Snapshot {
        path: PathBuf,
        line: usize,
        message: String,
    },
    /// The site could not be reached, timed out, answered 5xx or 429, or its
    /// robots.txt was unreachable (which RFC 9309 says means "crawl
    /// nothing"). A later `twin ingest` may succeed.
    #[error("cannot crawl {url}: {reason}")]
    Unreachable { url: String, reason: String },
    /// The site answered, but not with a page this crawler may keep: a 4xx
    /// for the start page, something other than HTML, a redirect to another
    /// origin, a body over the size cap, or robots.txt disallows it. Trying
    /// again will not help until the site or `twin.toml` changes.
    #[error("cannot crawl {url}: {reason}")]
    Rejected { url: String, reason: String },
}

impl SourceError {
    /// Whether the same call may succeed later without any change here.
    pub fn is_transient(&self) -> bool {
        matches!(self, SourceError::Unreachable { .. })
    }

    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> SourceError {
        SourceError::Io {
            path: path.into(),
            source,
        }
    }
}
