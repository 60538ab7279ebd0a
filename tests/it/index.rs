//! `twin sync`, `twin backup` and `twin restore` against the fake Upstash.

use std::process::Output;

use twin_testkit::{FAKE_TOKEN, FakeUpstash};

use crate::support::{TempFile, twin};

fn run_with(fake: &FakeUpstash, args: &[&str]) -> Output {
    twin()
        .env("UPSTASH_VECTOR_REST_URL", fake.url())
        .env("UPSTASH_VECTOR_REST_TOKEN", FAKE_TOKEN)
        .args(args)
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn chunk_count() -> u64 {
    let out = twin().args(["chunks", "--json"]).output().unwrap();
    let chunks: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    chunks.as_array().unwrap().len() as u64
}

#[test]
fn index_commands_need_upstash() {
    let out = twin().args(["sync"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("UPSTASH_VECTOR_REST_URL"), "{err}");
}

// The fake serves from this runtime's worker threads while the test thread
// waits on the `twin` process.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_backup_and_restore_from_the_command_line() {
    let fake = FakeUpstash::start().await.unwrap();
    let chunks = chunk_count();

    let out = run_with(&fake, &["sync", "--dry-run", "--json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let plan: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(plan["dry_run"], true);
    assert_eq!(plan["upserted"], chunks);
    assert_eq!(fake.write_requests(), 0);

    let out = run_with(&fake, &["sync"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let report = text(&out.stdout);
    assert!(
        report.contains(&format!("wrote {chunks} chunks in 1 request")),
        "{report}"
    );
    assert!(report.contains("2 write requests"), "{report}");

    let out = run_with(&fake, &["sync", "--json"]);
    let again: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(again["write_requests"], 0);
    assert_eq!(again["unchanged"], chunks);

    let file = TempFile::new("backup.jsonl", "");
    let out = run_with(&fake, &["backup", "--out", file.path()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).starts_with(&format!("backed up {} vectors", chunks + 1)));

    let target = FakeUpstash::start().await.unwrap();
    let out = run_with(&target, &["restore", file.path()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("counts verified"),
        "{}",
        text(&out.stdout)
    );
    assert_eq!(target.namespaces(), fake.namespaces());

    // A damaged file is refused before anything is written.
    let backup = std::fs::read_to_string(&file.0).unwrap();
    let cut: String = backup.lines().take(3).map(|l| format!("{l}\n")).collect();
    let damaged = TempFile::new("damaged.jsonl", &cut);
    let empty = FakeUpstash::start().await.unwrap();
    let out = run_with(&empty, &["restore", damaged.path()]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("truncated"), "{err}");
    assert_eq!(empty.write_requests(), 0);
}
