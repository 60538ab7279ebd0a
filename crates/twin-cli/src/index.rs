//! `twin sync`, `twin backup` and `twin restore`: the Upstash index from the
//! terminal, with progress bars on stderr (hidden when it is not a terminal).

use std::fs::File;
use std::io::{BufReader, BufWriter, Write};
use std::path::Path;
use std::time::Instant;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use twin_core::Chunk;
use twin_upstash::UpstashClient;
use twin_upstash::backup::{self, read_backup};
use twin_upstash::sync::{self as index_sync, MAX_BATCH, Progress, SyncOptions, SyncReport};

pub async fn sync(
    client: &UpstashClient,
    chunks: &[Chunk],
    source: &str,
    options: &SyncOptions,
    json: bool,
) -> anyhow::Result<()> {
    let bar = if json || options.dry_run {
        ProgressBar::hidden()
    } else {
        bar(chunks.len() as u64, "syncing")
    };
    let started = Instant::now();
    let report = index_sync::sync(client, chunks, options, &mut |progress| match progress {
        Progress::Planned { upsert, .. } => {
            bar.set_length(upsert as u64);
        }
        Progress::Upserted { done } => bar.set_position(done as u64),
        Progress::Deleted { count } => bar.set_message(format!("deleted {count} stale")),
        Progress::Pruned { namespace } => bar.set_message(format!("pruned {namespace}")),
    })
    .await
    .context("sync failed")?;
    bar.finish_and_clear();
    let mut out = std::io::stdout().lock();
    if json {
        serde_json::to_writer_pretty(&mut out, &report)?;
        writeln!(out)?;
        return Ok(());
    }
    print_report(&mut out, &report, source, started.elapsed().as_secs_f64())?;
    Ok(())
}

fn print_report(
    out: &mut impl Write,
    report: &SyncReport,
    source: &str,
    seconds: f64,
) -> anyhow::Result<()> {
    let verb = if report.dry_run {
        "would write"
    } else {
        "wrote"
    };
    writeln!(out, "profile {source} -> namespace {}", report.namespace)?;
    writeln!(
        out,
        "  {verb} {} chunk{} in {} request{}, {} already there, {} stale id{} to delete",
        report.upserted,
        plural(report.upserted),
        report.upserted.div_ceil(MAX_BATCH),
        plural(report.upserted.div_ceil(MAX_BATCH)),
        report.unchanged,
        report.deleted,
        plural(report.deleted),
    )?;
    if report.pruned.is_empty() {
        writeln!(out, "  no older versions to prune")?;
    } else {
        let verb = if report.dry_run {
            "would prune"
        } else {
            "pruned"
        };
        writeln!(out, "  {verb} {}", report.pruned.join(", "))?;
    }
    if report.dry_run {
        writeln!(out, "dry run: nothing was written")?;
    } else {
        writeln!(
            out,
            "done in {seconds:.1} s, {} write request{}",
            report.write_requests,
            plural(report.write_requests)
        )?;
    }
    Ok(())
}

pub async fn backup(
    client: &UpstashClient,
    namespaces: Option<Vec<String>>,
    path: &Path,
) -> anyhow::Result<()> {
    // Write next to the target and rename at the end, so an interrupted
    // backup never leaves a file that looks complete.
    let partial = path.with_extension("jsonl.partial");
    let file =
        File::create(&partial).with_context(|| format!("cannot create {}", partial.display()))?;
    let mut out = BufWriter::new(file);
    let bar = spinner("backing up");
    let counts = backup::backup(client, namespaces, &mut out, &mut |n| {
        bar.set_position(n as u64);
    })
    .await;
    bar.finish_and_clear();
    let counts = match counts {
        Ok(counts) => counts,
        Err(error) => {
            let _ = std::fs::remove_file(&partial);
            return Err(error).context("backup failed");
        }
    };
    drop(out);
    std::fs::rename(&partial, path)
        .with_context(|| format!("cannot move the backup to {}", path.display()))?;
    println!(
        "backed up {} vectors from {} namespace{} to {}",
        counts.total(),
        counts.0.len(),
        plural(counts.0.len()),
        path.display()
    );
    for (namespace, n) in &counts.0 {
        println!("  {:<24} {n}", display_namespace(namespace));
    }
    Ok(())
}

pub async fn restore(client: &UpstashClient, path: &Path, batch: usize) -> anyhow::Result<()> {
    let file = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let records = read_backup(BufReader::new(file))
        .with_context(|| format!("{} is not a usable backup", path.display()))?;
    let bar = bar(records.len() as u64, "restoring");
    let report = backup::restore(client, &records, batch, &mut |n| bar.set_position(n as u64))
        .await
        .context("restore failed (run the same command again to resume)")?;
    bar.finish_and_clear();
    println!(
        "restored {} vectors into {} namespace{} ({} written, {} already there), counts verified",
        report.counts.total(),
        report.counts.0.len(),
        plural(report.counts.0.len()),
        report.written,
        report.skipped
    );
    Ok(())
}

fn bar(len: u64, message: &'static str) -> ProgressBar {
    let bar = ProgressBar::new(len);
    if let Ok(style) = ProgressStyle::with_template("{msg:>10} [{bar:30}] {pos}/{len} ({elapsed})")
    {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message(message);
    bar
}

fn spinner(message: &'static str) -> ProgressBar {
    let bar = ProgressBar::new_spinner();
    if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} {pos} vectors ({elapsed})") {
        bar.set_style(style);
    }
    bar.set_message(message);
    bar
}

fn display_namespace(namespace: &str) -> &str {
    if namespace.is_empty() {
        "(default)"
    } else {
        namespace
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
