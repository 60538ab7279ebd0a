//! Sync, backup and restore end to end against the stateful fake Upstash.

use std::collections::BTreeMap;
use std::io::Cursor;

use twin_core::sync::MANIFEST_NAMESPACE;
use twin_core::{Chunk, Profile, Secret, Section, chunk_profile, namespace_for};
use twin_testkit::{FAKE_TOKEN, FakeUpstash, StoredVector};
use twin_upstash::backup::{BackupError, BackupRecord, backup, read_backup, restore};
use twin_upstash::sync::{SyncOptions, plan, sync};
use twin_upstash::{UpstashClient, UpstashConfig};

const PROFILE: &str = include_str!("../../../../data/digitaltwin.json");

fn client(fake: &FakeUpstash) -> UpstashClient {
    UpstashClient::new(UpstashConfig::new(fake.url(), Secret::new(FAKE_TOKEN))).unwrap()
}

fn sample_chunks() -> Vec<Chunk> {
    chunk_profile(&Profile::from_json(PROFILE).unwrap())
}

/// `n` distinct chunks; `version` changes every one of them.
fn synthetic(n: usize, version: usize) -> Vec<Chunk> {
    (0..n)
        .map(|i| {
            Chunk::new(
                Section::Faq,
                format!("Question {i}"),
                format!("Answer {i} of version {version}, about topic {}.", i % 17),
                BTreeMap::new(),
            )
        })
        .collect()
}

async fn run(
    client: &UpstashClient,
    chunks: &[Chunk],
    keep: usize,
) -> twin_upstash::sync::SyncReport {
    let options = SyncOptions {
        keep,
        ..SyncOptions::default()
    };
    sync(client, chunks, &options, &mut |_| {}).await.unwrap()
}

#[tokio::test]
async fn first_sync_writes_the_namespace_then_records_it() {
    let fake = FakeUpstash::start().await.unwrap();
    let client = client(&fake);
    let chunks = sample_chunks();
    let report = run(&client, &chunks, 5).await;

    let namespace = namespace_for(&chunks);
    assert_eq!(report.namespace, namespace);
    assert_eq!(report.upserted, chunks.len());
    assert_eq!((report.deleted, report.unchanged), (0, 0));
    // One upsert for every chunk, one manifest record.
    assert_eq!(report.write_requests, 2);
    assert_eq!(fake.write_requests(), 2);
    let mut ids: Vec<String> = chunks.iter().map(|c| c.id.as_str().to_owned()).collect();
    ids.sort();
    assert_eq!(fake.ids(&namespace), ids);
    assert_eq!(fake.ids(MANIFEST_NAMESPACE), vec![namespace.clone()]);

    // Stored as documented: data to embed, metadata for filters and people.
    let chunk = &chunks[0];
    let stored = fake.get(&namespace, chunk.id.as_str()).unwrap();
    let data = stored.data.unwrap();
    assert!(
        data.contains(&chunk.title) && data.contains(&chunk.text),
        "{data}"
    );
    let metadata = stored.metadata.unwrap();
    assert_eq!(metadata["section"], chunk.section.as_str());
    assert_eq!(metadata["title"], chunk.title.as_str());

    // The manifest is written only once the namespace is complete.
    let log = fake.request_log();
    let manifest_at = log
        .iter()
        .position(|r| r == &format!("upsert-data/{MANIFEST_NAMESPACE}"))
        .unwrap();
    let upsert_at = log
        .iter()
        .position(|r| r == &format!("upsert-data/{namespace}"))
        .unwrap();
    assert!(upsert_at < manifest_at, "{log:?}");
}

#[tokio::test]
async fn unchanged_profile_resyncs_with_zero_writes() {
    let fake = FakeUpstash::start().await.unwrap();
    let client = client(&fake);
    let chunks = sample_chunks();
    run(&client, &chunks, 5).await;
    fake.reset_counters();

    let report = run(&client, &chunks, 5).await;
    assert_eq!(report.upserted, 0);
    assert_eq!(report.unchanged, chunks.len());
    assert_eq!(report.write_requests, 0);
    assert_eq!(fake.write_requests(), 0, "{:?}", fake.request_log());
}

#[tokio::test]
async fn a_thousand_new_chunks_take_one_write_request() {
    let fake = FakeUpstash::start().await.unwrap();
    let client = client(&fake);
    let chunks = synthetic(1_000, 1);
    let report = run(&client, &chunks, 5).await;
    assert_eq!(report.upserted, 1_000);
    assert_eq!(fake.requests("upsert-data"), 2, "chunks + manifest");
    assert_eq!(fake.ids(&report.namespace).len(), 1_000);

    // 1,001 chunks need two requests.
    let other = FakeUpstash::start().await.unwrap();
    let report = run(&self::client(&other), &synthetic(1_001, 1), 5).await;
    assert_eq!(report.write_requests, 3);
}

#[tokio::test]
async fn dry_run_plans_and_writes_nothing() {
    let fake = FakeUpstash::start().await.unwrap();
    let client = client(&fake);
    let chunks = sample_chunks();
    let options = SyncOptions {
        dry_run: true,
        ..SyncOptions::default()
    };
    let report = sync(&client, &chunks, &options, &mut |_| {}).await.unwrap();
    assert!(report.dry_run);
    assert_eq!(report.upserted, chunks.len());
    assert_eq!(report.write_requests, 0);
    assert_eq!(fake.write_requests(), 0);
}

#[tokio::test]
async fn stale_ids_are_deleted_after_the_new_chunks_are_written() {
    let fake = FakeUpstash::start().await.unwrap();
    let client = client(&fake);
    let chunks = sample_chunks();
    let namespace = namespace_for(&chunks);
    // Half the namespace written, plus an id the profile does not have.
    let half: Vec<StoredVector> = chunks[..10]
        .iter()
        .map(|c| StoredVector {
            id: c.id.as_str().to_owned(),
            vector: None,
            metadata: None,
            data: Some(c.text.clone()),
        })
        .collect();
    fake.insert(&namespace, half);
    fake.insert(
        &namespace,
        [StoredVector {
            id: "faq-stale".into(),
            vector: None,
            metadata: None,
            data: Some("stale".into()),
        }],
    );

    let planned = plan(&client, &chunks).await.unwrap();
    assert_eq!(planned.upsert.len(), chunks.len() - 10);
    assert_eq!(planned.delete.len(), 1);

    let report = run(&client, &chunks, 5).await;
    assert_eq!(
        (report.upserted, report.deleted, report.unchanged),
        (chunks.len() - 10, 1, 10)
    );
    assert_eq!(fake.ids(&namespace).len(), chunks.len());
    let log = fake.request_log();
    let upsert = log
        .iter()
        .position(|r| r.starts_with("upsert-data/twin-") && !r.ends_with("manifest"));
    let delete = log.iter().position(|r| r == &format!("delete/{namespace}"));
    assert!(upsert.unwrap() < delete.unwrap(), "{log:?}");
}

#[tokio::test]
async fn retention_keeps_the_last_versions_and_rollbacks_find_theirs() {
    let fake = FakeUpstash::start().await.unwrap();
    let client = client(&fake);
    let versions: Vec<Vec<Chunk>> = (0..7).map(|v| synthetic(20, v)).collect();
    let mut reports = Vec::new();
    for chunks in &versions {
        reports.push(run(&client, chunks, 5).await);
    }
    let namespaces: Vec<String> = versions.iter().map(|c| namespace_for(c)).collect();
    let live: Vec<String> = fake
        .namespaces()
        .into_iter()
        .filter(|ns| ns.starts_with("twin-") && ns != MANIFEST_NAMESPACE)
        .collect();
    assert_eq!(live.len(), 5, "{live:?}");
    for kept in &namespaces[2..] {
        assert!(live.contains(kept), "{kept} pruned too early");
    }
    assert_eq!(reports[5].pruned, vec![namespaces[0].clone()]);
    assert_eq!(reports[6].pruned, vec![namespaces[1].clone()]);
    assert_eq!(fake.ids(MANIFEST_NAMESPACE).len(), 5);

    // Roll back to version 3: its namespace is intact, the sync writes only
    // its new timestamp, and it is now the newest.
    fake.reset_counters();
    let rollback = run(&client, &versions[3], 5).await;
    assert_eq!(rollback.upserted, 0);
    assert_eq!(rollback.write_requests, 1);
    // Another version later prunes the oldest, not the rolled-back one.
    let next = run(&client, &synthetic(20, 99), 5).await;
    assert_eq!(next.pruned, vec![namespaces[2].clone()]);
    assert!(fake.namespaces().contains(&namespaces[3]));
}

#[tokio::test]
async fn sync_rides_out_a_transient_failure() {
    let fake = FakeUpstash::start().await.unwrap();
    let client = client(&fake);
    fake.fail_next(&[503]);
    let report = run(&client, &sample_chunks(), 5).await;
    assert_eq!(fake.ids(&report.namespace).len(), report.upserted);
}

#[tokio::test]
async fn backup_and_restore_round_trip() {
    let source = FakeUpstash::start().await.unwrap();
    let chunks = sample_chunks();
    run(&client(&source), &chunks, 5).await;

    let mut file = Vec::new();
    let counts = backup(&client(&source), None, &mut file, &mut |_| {})
        .await
        .unwrap();
    let namespace = namespace_for(&chunks);
    assert_eq!(counts.0.get(&namespace), Some(&chunks.len()));
    assert_eq!(counts.0.get(MANIFEST_NAMESPACE), Some(&1));

    let records = read_backup(Cursor::new(&file)).unwrap();
    assert_eq!(records.len(), chunks.len() + 1);
    assert!(
        records
            .iter()
            .all(|r| r.vector.is_some() && r.data.is_some())
    );

    let target = FakeUpstash::start().await.unwrap();
    let report = restore(&client(&target), &records, 1_000, &mut |_| {})
        .await
        .unwrap();
    assert_eq!(report.written, chunks.len() + 1);
    assert_eq!(report.skipped, 0);
    assert_eq!(target.ids(&namespace), source.ids(&namespace));
    let id = chunks[3].id.as_str();
    assert_eq!(target.get(&namespace, id), source.get(&namespace, id));
    // Restored as vectors: nothing is embedded again.
    assert_eq!(target.requests("upsert-data"), 0);
}

#[tokio::test]
async fn restore_of_ten_thousand_vectors_batches_and_resumes() {
    let target = FakeUpstash::start().await.unwrap();
    let client = client(&target);
    let records: Vec<BackupRecord> = (0..10_000)
        .map(|i| BackupRecord {
            namespace: "twin-restore".into(),
            id: format!("chunk-{i:05}"),
            vector: Some(vec![(i % 7) as f32, 1.0, 0.5, (i % 3) as f32]),
            metadata: Some(serde_json::json!({ "n": i })),
            data: Some(format!("chunk number {i}")),
        })
        .collect();

    // The fourth batch is refused (a 4xx is never retried): the restore
    // stops with an error and keeps what it wrote.
    target.fail_on("upsert", 3, 400);
    let error = restore(&client, &records, 1_000, &mut |_| {})
        .await
        .unwrap_err();
    assert!(matches!(error, BackupError::Upstash(_)), "{error:?}");
    assert_eq!(target.ids("twin-restore").len(), 3_000);

    // Run again: only the missing 7,000 are written, in 7 requests.
    target.reset_counters();
    let mut last = 0;
    let report = restore(&client, &records, 1_000, &mut |n| last = n)
        .await
        .unwrap();
    assert_eq!((report.written, report.skipped), (7_000, 3_000));
    assert_eq!(target.requests("upsert"), 7);
    assert_eq!(report.counts.total(), 10_000);
    assert_eq!(last, 10_000);
    assert_eq!(target.ids("twin-restore").len(), 10_000);
}

#[tokio::test]
async fn restore_refuses_a_truncated_backup_before_writing() {
    let source = FakeUpstash::start().await.unwrap();
    run(&client(&source), &sample_chunks(), 5).await;
    let mut file = Vec::new();
    backup(&client(&source), None, &mut file, &mut |_| {})
        .await
        .unwrap();
    let text = String::from_utf8(file).unwrap();
    let cut: String = text.lines().take(10).map(|l| format!("{l}\n")).collect();
    match read_backup(Cursor::new(cut)) {
        Err(BackupError::Format { message, .. }) => {
            assert!(message.contains("truncated"), "{message}")
        }
        other => panic!("expected a format error, got {other:?}"),
    }
    match read_backup(Cursor::new(
        "{\"kind\":\"something-else\",\"format\":1,\"created_at\":0}\n",
    )) {
        Err(BackupError::Format { line: 1, message }) => {
            assert!(message.contains("not a twin backup"), "{message}")
        }
        other => panic!("expected a format error, got {other:?}"),
    }
}
