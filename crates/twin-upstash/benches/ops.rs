//! Restore and sync against the stateful fake Upstash on loopback.
//!
//! - **Restore**: 10,000 records with 1,024-dimension vectors (the size of
//!   Upstash's BGE-M3 embeddings), metadata and data are written to a backup
//!   by `backup`, then read back and restored into an empty index, the way
//!   `twin restore F.jsonl` does it. Timed from opening the file to the
//!   verified count, three times into a fresh index each time.
//! - **Sync**: 1,000 new chunks, then the same 1,000 again; the figure is the
//!   number of write requests each run sends.
//!
//! Run: `cargo bench -p twin-upstash --bench ops`. Figures are in
//! BENCHMARKS.md.

// A benchmark harness: any failure should stop it loudly.
#![allow(clippy::unwrap_used)]
use std::collections::BTreeMap;
use std::io::{BufReader, Write};
use std::time::{Duration, Instant};

use twin_core::{Chunk, Section};
use twin_testkit::{FAKE_TOKEN, FakeUpstash};
use twin_upstash::backup::{backup, read_backup, restore};
use twin_upstash::sync::{SyncOptions, sync};
use twin_upstash::{UpstashClient, UpstashConfig, Vector};

const RECORDS: usize = 10_000;
const DIMENSIONS: usize = 1_024;
const BATCH: usize = 1_000;

fn client(fake: &FakeUpstash) -> UpstashClient {
    UpstashClient::new(UpstashConfig::new(
        fake.url(),
        twin_core::Secret::new(FAKE_TOKEN),
    ))
    .unwrap()
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(run());
}

async fn run() {
    // A source index holding 10,000 records, backed up to a file.
    let source = FakeUpstash::start().await.unwrap();
    let vectors: Vec<Vector> = (0..RECORDS)
        .map(|i| Vector {
            id: format!("twin-chunk-{i:05}"),
            vector: (0..DIMENSIONS)
                .map(|d| ((i * 31 + d * 7) % 1_000) as f32 / 1_000.0 - 0.5)
                .collect(),
            sparse_vector: None,
            metadata: Some(serde_json::json!({
                "section": "document",
                "title": format!("Passage {i}"),
                "source": "notes/talks.md",
            })),
            data: Some(format!(
                "Passage {i}: I led the migration of the tracking pipeline to Rust, \
                 which cut p99 latency from 800 ms to 90 ms."
            )),
        })
        .collect();
    for batch in vectors.chunks(BATCH) {
        client(&source).upsert("twin-bench", batch).await.unwrap();
    }
    let dir = std::env::temp_dir().join(format!("twin-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("backup.jsonl");
    let started = Instant::now();
    let mut file = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    let counts = backup(
        &client(&source),
        Some(vec!["twin-bench".into()]),
        &mut file,
        &mut |_| {},
    )
    .await
    .unwrap();
    file.flush().unwrap();
    drop(file);
    let backup_time = started.elapsed();
    assert_eq!(counts.total(), RECORDS);
    let size = std::fs::metadata(&path).unwrap().len();

    let mut restores = Vec::new();
    for _ in 0..3 {
        let target = FakeUpstash::start().await.unwrap();
        let started = Instant::now();
        let records = read_backup(BufReader::new(std::fs::File::open(&path).unwrap())).unwrap();
        let report = restore(&client(&target), &records, BATCH, &mut |_| {})
            .await
            .unwrap();
        restores.push(started.elapsed());
        assert_eq!((report.written, report.counts.total()), (RECORDS, RECORDS));
        assert_eq!(report.write_requests, RECORDS / BATCH);
        assert_eq!(target.ids("twin-bench").len(), RECORDS);
    }
    std::fs::remove_dir_all(&dir).unwrap();
    restores.sort();

    // Sync: 1,000 new chunks, then the same again.
    let index = FakeUpstash::start().await.unwrap();
    let chunks: Vec<Chunk> = (0..1_000)
        .map(|i| {
            Chunk::new(
                Section::Document,
                format!("Passage {i}"),
                format!("Passage {i} of my notes."),
                BTreeMap::new(),
            )
        })
        .collect();
    let first = sync(
        &client(&index),
        &chunks,
        &SyncOptions::default(),
        &mut |_| {},
    )
    .await
    .unwrap();
    // One upsert-data for the chunks, one for the namespace's manifest record.
    assert_eq!(index.requests("upsert-data"), 2);
    let again = sync(
        &client(&index),
        &chunks,
        &SyncOptions::default(),
        &mut |_| {},
    )
    .await
    .unwrap();

    let ms = |d: Duration| format!("{:.0}", d.as_secs_f64() * 1e3);
    println!("| measurement | result | target |");
    println!("|---|---|---|");
    println!(
        "| backup of {RECORDS} records ({DIMENSIONS} dims) | {} ms, {:.1} MB | |",
        ms(backup_time),
        size as f64 / 1e6
    );
    println!(
        "| restore of {RECORDS} records, read + upsert + verify (min / median / max of 3) | {} / {} / {} ms, {} upserts | < 10,000 ms |",
        ms(restores[0]),
        ms(restores[1]),
        ms(restores[2]),
        RECORDS / BATCH
    );
    println!(
        "| sync of 1,000 new chunks | {} write requests: 1 upsert of the 1,000 chunks + 1 manifest record | 1 chunk write |",
        first.write_requests
    );
    println!(
        "| re-sync, profile unchanged | {} write requests | 0 |",
        again.write_requests
    );
}
