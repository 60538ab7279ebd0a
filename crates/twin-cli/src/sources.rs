//! `twin ingest`: the sources of `twin.toml` into `documents.jsonl`.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Context;
use indicatif::ProgressBar;
use twin_core::write_documents;
use twin_sources::{Config, http_client, ingest as crawl_all, local_chunks};

use crate::{DOCUMENTS_FILE, SOURCES_FILE};

/// Crawls the web sources (unless `offline`), then reads every source and
/// writes `documents.jsonl` beside `twin.toml` in `dir`.
pub async fn ingest(dir: &Path, offline: bool) -> anyhow::Result<()> {
    let config_path = dir.join(SOURCES_FILE);
    let config = Config::load(&config_path)?;
    if config.sources.is_empty() {
        println!(
            "{} declares no sources (see the README's \"More sources\"); nothing to ingest",
            config_path.display()
        );
    }
    if !offline && config.web_sources().next().is_some() {
        let client = http_client().context("cannot build the HTTP client")?;
        let spinner = ProgressBar::new_spinner();
        let reports = crawl_all(&config, dir, &client, |source, url| {
            spinner.set_message(format!("{}: {url}", source.url));
            spinner.tick();
        })
        .await?;
        spinner.finish_and_clear();
        for report in reports {
            println!(
                "crawled {}: {} page(s) -> {}",
                report.url,
                report.pages,
                report.snapshot.display()
            );
        }
    }
    let chunks = local_chunks(&config, dir)?;
    let path = dir.join(DOCUMENTS_FILE);
    std::fs::write(&path, write_documents(&chunks))
        .with_context(|| format!("cannot write {}", path.display()))?;
    let mut by_source: BTreeMap<&str, usize> = BTreeMap::new();
    for chunk in &chunks {
        let source = chunk.metadata.get("source").map_or("?", String::as_str);
        *by_source.entry(source).or_default() += 1;
    }
    for (source, n) in &by_source {
        println!("  {n:>4} chunk(s) from {source}");
    }
    println!("{} chunk(s) -> {}", chunks.len(), path.display());
    Ok(())
}
