//! Sources beyond the profile: Markdown and text notes, PDFs and websites,
//! declared in `twin.toml` and cut into [`Chunk`]s of
//! [`Section::Document`](twin_core::Section::Document).
//!
//! Two entry points split the work the way deployments need it:
//!
//! * [`ingest`] (run by `twin ingest`) crawls every web source and writes
//!   its snapshot, a JSON Lines file meant to be committed.
//! * [`local_chunks`] reads everything from disk: the Markdown, text and PDF
//!   files, and the web sources' snapshots. It opens no socket, so the same
//!   commit always gives the same chunks, and rolling a deployment back
//!   rolls the crawled pages back with it.
//!
//! Every chunk carries `source` (the file's path relative to the base
//! directory, with `/`, or the page's canonical URL), `kind` (`markdown`,
//! `text`, `pdf` or `web`), `heading` (the heading path such as
//! `Talks > RustConf 2025`, absent when the text has no heading above it)
//! and, for PDFs, `page` (1-based). How text is cut into chunks is described
//! in the `chunker` module: about 80 to 250 words, whole paragraphs, small
//! sections merged under their heading.

mod chunker;
mod config;
mod error;
mod local;
mod markdown;
mod pdf;
mod web;

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use twin_core::Chunk;

pub use chunker::{MAX_WORDS, MIN_WORDS};
pub use config::{
    Config, ConfigError, DEFAULT_DELAY_MS, DEFAULT_MAX_DEPTH, DEFAULT_MAX_PAGES, LocalSource,
    Problem, Problems, Source, WebSource,
};
pub use error::SourceError;
pub use reqwest::Url;
pub use web::{
    AGENT_TOKEN, MAX_BODY_BYTES, Page, REQUEST_TIMEOUT, USER_AGENT_VALUE, crawl, http_client,
    read_snapshot, write_snapshot,
};

use local::{FileKind, file_chunks, page_chunks, source_files};

/// The chunks of every source in `config`, read from disk under `base_dir`
/// (the folder of `twin.toml`): sources in declaration order, files sorted
/// by path, snapshot pages sorted by URL. A chunk identical to an earlier one
/// (the same file declared twice) is kept once.
///
/// A web source whose snapshot does not exist yet gives no chunks and a
/// warning: it is declared but `twin ingest` has not run. Any other problem
/// (a missing file, an unreadable PDF, a corrupt snapshot) is an error
/// naming the file.
pub fn local_chunks(config: &Config, base_dir: &Path) -> Result<Vec<Chunk>, SourceError> {
    let mut chunks = Vec::new();
    for source in &config.sources {
        match source {
            Source::Markdown(local) => {
                for (file, kind) in
                    source_files(base_dir, &local.path, &[FileKind::Markdown, FileKind::Text])?
                {
                    chunks.extend(file_chunks(base_dir, &file, kind)?);
                }
            }
            Source::Pdf(local) => {
                for (file, kind) in source_files(base_dir, &local.path, &[FileKind::Pdf])? {
                    chunks.extend(file_chunks(base_dir, &file, kind)?);
                }
            }
            Source::Web(web) => {
                let path = base_dir.join(&web.snapshot);
                if !path.exists() {
                    tracing::warn!(
                        url = %web.url,
                        snapshot = %path.display(),
                        "no snapshot yet for this web source; run `twin ingest` to crawl it"
                    );
                    continue;
                }
                for page in read_snapshot(&path)? {
                    chunks.extend(page_chunks(&page));
                }
            }
        }
    }
    let mut ids = HashSet::new();
    chunks.retain(|chunk| ids.insert(chunk.id.clone()));
    Ok(chunks)
}

/// The chunks of crawled pages, as [`local_chunks`] makes them from a
/// snapshot: each page's Markdown with its URL as `source`.
pub fn pages_to_chunks(pages: &[Page]) -> Vec<Chunk> {
    pages.iter().flat_map(page_chunks).collect()
}

/// What [`ingest`] did for one web source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IngestReport {
    /// The start URL.
    pub url: Url,
    /// Where the snapshot was written (under the base directory).
    pub snapshot: PathBuf,
    /// How many pages it holds.
    pub pages: usize,
}

/// Crawls every web source in `config` in declaration order and writes each
/// snapshot under `base_dir`. `progress` is called with the source and each
/// URL about to be fetched.
///
/// Stops at the first source that fails; the snapshots written before it
/// stay, and the failed source's old snapshot is left as it was. Use
/// [`http_client`] for `client` so that redirects stay within each site.
pub async fn ingest(
    config: &Config,
    base_dir: &Path,
    client: &reqwest::Client,
    mut progress: impl FnMut(&WebSource, &Url),
) -> Result<Vec<IngestReport>, SourceError> {
    let mut reports = Vec::new();
    for source in config.web_sources() {
        let pages = crawl(source, client, |url| progress(source, url)).await?;
        let snapshot = base_dir.join(&source.snapshot);
        write_snapshot(&snapshot, &pages)?;
        tracing::info!(url = %source.url, pages = pages.len(), snapshot = %snapshot.display(), "crawled");
        reports.push(IngestReport {
            url: source.url.clone(),
            snapshot,
            pages: pages.len(),
        });
    }
    Ok(reports)
}
