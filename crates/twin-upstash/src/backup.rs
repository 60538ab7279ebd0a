//! Backups of an index as JSON Lines, and restores from them.
//!
//! A backup is one header line, one line per vector and one footer line:
//!
//! ```text
//! {"kind":"twin-backup","format":1,"created_at":1795000000,"dimension":1024,"similarity_function":"COSINE"}
//! {"namespace":"twin-3f2a9c04d1b7","id":"experience-…","vector":[…],"metadata":{…},"data":"…"}
//! {"kind":"twin-backup-end","counts":{"twin-3f2a9c04d1b7":64,"twin-manifest":1}}
//! ```
//!
//! The footer's counts let a restore refuse a truncated file before writing
//! anything. A restore upserts what the target lacks, namespace by
//! namespace, in batches, then checks the counts: run it again after an
//! interruption and it picks up where it stopped.

use std::collections::{BTreeMap, HashSet};
use std::io::{BufRead, Write};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::sync::{MAX_BATCH, RANGE_PAGE, remote_ids, unix_millis};
use crate::{DataRecord, Range, UpstashClient, UpstashError, Vector};

/// The backup format this build writes and reads.
pub const FORMAT: u32 = 1;
const HEADER_KIND: &str = "twin-backup";
const FOOTER_KIND: &str = "twin-backup-end";

/// Why a backup or restore failed.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error(transparent)]
    Upstash(#[from] UpstashError),
    #[error("cannot write the backup: {0}")]
    Write(std::io::Error),
    #[error("cannot read the backup: {0}")]
    Read(std::io::Error),
    /// The file is not a complete backup in a format this build reads.
    #[error("line {line}: {message}")]
    Format { line: usize, message: String },
    /// The target holds fewer vectors than the backup after restoring.
    #[error("namespace {namespace:?} holds {found} of the {expected} vectors restored into it")]
    Verify {
        namespace: String,
        expected: usize,
        found: usize,
    },
}

#[derive(Debug, Serialize, Deserialize)]
struct Header {
    kind: String,
    format: u32,
    created_at: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    dimension: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    similarity_function: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
struct Footer {
    kind: String,
    counts: BTreeMap<String, usize>,
}

/// One vector as a backup line holds it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BackupRecord {
    pub namespace: String,
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vector: Option<Vec<f32>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<String>,
}

/// Vectors per namespace in a backup or restore.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Counts(pub BTreeMap<String, usize>);

impl Counts {
    pub fn total(&self) -> usize {
        self.0.values().sum()
    }
}

/// What a restore did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RestoreReport {
    /// Vectors per namespace in the backup, all verified present afterwards.
    pub counts: Counts,
    /// Vectors written by this run.
    pub written: usize,
    /// Vectors already present (an earlier, interrupted run wrote them).
    pub skipped: usize,
    pub write_requests: usize,
}

/// Writes every vector of `namespaces` (all of the index's when `None`)
/// to `out`, with vectors, metadata and data. `progress` gets the running
/// total.
pub async fn backup(
    client: &UpstashClient,
    namespaces: Option<Vec<String>>,
    out: &mut (dyn Write + Send),
    progress: &mut (dyn FnMut(usize) + Send),
) -> Result<Counts, BackupError> {
    let info = client.info().await?;
    let namespaces = match namespaces {
        Some(list) => list,
        None => client.list_namespaces().await?,
    };
    let header = Header {
        kind: HEADER_KIND.into(),
        format: FORMAT,
        created_at: unix_millis() / 1_000,
        dimension: Some(u64::from(info.dimension)),
        similarity_function: Some(info.similarity_function.clone()),
    };
    write_line(out, &header)?;
    let mut counts = Counts::default();
    let mut total = 0;
    let mut range = Range::new("0", RANGE_PAGE);
    range.include_vectors = true;
    range.include_metadata = true;
    range.include_data = true;
    for namespace in namespaces {
        let mut count = 0;
        client
            .scan(&namespace, &range, |page| {
                for vector in page {
                    write_line(
                        out,
                        &BackupRecord {
                            namespace: namespace.clone(),
                            id: vector.id,
                            vector: vector.vector,
                            metadata: vector.metadata,
                            data: vector.data,
                        },
                    )?;
                    count += 1;
                    total += 1;
                }
                progress(total);
                Ok::<_, BackupError>(())
            })
            .await?;
        counts.0.insert(namespace, count);
    }
    write_line(
        out,
        &Footer {
            kind: FOOTER_KIND.into(),
            counts: counts.0.clone(),
        },
    )?;
    out.flush().map_err(BackupError::Write)?;
    Ok(counts)
}

/// Reads a whole backup, refusing a truncated or foreign file before
/// anything is written.
pub fn read_backup(input: impl BufRead) -> Result<Vec<BackupRecord>, BackupError> {
    let mut lines = input.lines().enumerate();
    let format_error = |line: usize, message: String| BackupError::Format {
        line: line + 1,
        message,
    };
    let (n, first) = lines
        .next()
        .ok_or_else(|| format_error(0, "the file is empty".into()))?;
    let header: Header = serde_json::from_str(&first.map_err(BackupError::Read)?)
        .map_err(|e| format_error(n, format!("not a twin backup header: {e}")))?;
    if header.kind != HEADER_KIND {
        return Err(format_error(
            n,
            format!("not a twin backup (kind {:?})", header.kind),
        ));
    }
    if header.format != FORMAT {
        return Err(format_error(
            n,
            format!(
                "backup format {} is not supported (this build reads {FORMAT})",
                header.format
            ),
        ));
    }
    let mut records = Vec::new();
    let mut footer = None;
    for (n, line) in lines {
        let line = line.map_err(BackupError::Read)?;
        if line.trim().is_empty() {
            continue;
        }
        if footer.is_some() {
            return Err(format_error(n, "data after the end marker".into()));
        }
        if line.contains(FOOTER_KIND)
            && let Ok(end) = serde_json::from_str::<Footer>(&line)
        {
            footer = Some(end);
            continue;
        }
        let record: BackupRecord = serde_json::from_str(&line)
            .map_err(|e| format_error(n, format!("not a backup record: {e}")))?;
        if record.vector.is_none() && record.data.is_none() {
            return Err(format_error(
                n,
                format!("record {:?} has neither vector nor data", record.id),
            ));
        }
        records.push(record);
    }
    let footer = footer.ok_or_else(|| BackupError::Format {
        line: records.len() + 2,
        message: "the end marker is missing: the backup is truncated".into(),
    })?;
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for record in &records {
        *counts.entry(record.namespace.clone()).or_default() += 1;
    }
    if counts != footer.counts.into_iter().filter(|(_, n)| *n > 0).collect() {
        return Err(BackupError::Format {
            line: records.len() + 2,
            message: "the record counts do not match the end marker: the backup is damaged".into(),
        });
    }
    Ok(records)
}

/// Restores `records` into the index: per namespace, upserts the ids the
/// target lacks in batches of at most `batch`, then verifies the count.
/// Records with a vector are upserted as vectors (no re-embedding); records
/// with only data are embedded again by the index.
pub async fn restore(
    client: &UpstashClient,
    records: &[BackupRecord],
    batch: usize,
    progress: &mut (dyn FnMut(usize) + Send),
) -> Result<RestoreReport, BackupError> {
    let batch = batch.clamp(1, MAX_BATCH);
    let mut by_namespace: BTreeMap<&str, Vec<&BackupRecord>> = BTreeMap::new();
    for record in records {
        by_namespace
            .entry(&record.namespace)
            .or_default()
            .push(record);
    }
    let mut report = RestoreReport::default();
    let mut done = 0;
    for (namespace, records) in by_namespace {
        let present: HashSet<String> = remote_ids(client, namespace)
            .await?
            .into_iter()
            .map(|id| id.as_str().to_owned())
            .collect();
        let missing: Vec<&BackupRecord> = records
            .iter()
            .copied()
            .filter(|r| !present.contains(&r.id))
            .collect();
        report.skipped += records.len() - missing.len();
        done += records.len() - missing.len();
        progress(done);
        let (vectors, data): (Vec<&BackupRecord>, Vec<&BackupRecord>) =
            missing.into_iter().partition(|r| r.vector.is_some());
        for group in vectors.chunks(batch) {
            let vectors: Vec<Vector> = group
                .iter()
                .map(|r| Vector {
                    id: r.id.clone(),
                    vector: r.vector.clone().unwrap_or_default(),
                    sparse_vector: None,
                    metadata: r.metadata.clone(),
                    data: r.data.clone(),
                })
                .collect();
            client.upsert(namespace, &vectors).await?;
            report.write_requests += 1;
            report.written += group.len();
            done += group.len();
            progress(done);
        }
        for group in data.chunks(batch) {
            let records: Vec<DataRecord> = group
                .iter()
                .map(|r| DataRecord {
                    id: r.id.clone(),
                    data: r.data.clone().unwrap_or_default(),
                    metadata: r.metadata.clone(),
                })
                .collect();
            client.upsert_data(namespace, &records).await?;
            report.write_requests += 1;
            report.written += group.len();
            done += group.len();
            progress(done);
        }
        let expected: HashSet<&str> = records.iter().map(|r| r.id.as_str()).collect();
        let found = remote_ids(client, namespace)
            .await?
            .iter()
            .filter(|id| expected.contains(id.as_str()))
            .count();
        if found < expected.len() {
            return Err(BackupError::Verify {
                namespace: namespace.to_owned(),
                expected: expected.len(),
                found,
            });
        }
        report.counts.0.insert(namespace.to_owned(), records.len());
    }
    Ok(report)
}

fn write_line(out: &mut (dyn Write + Send), value: &impl Serialize) -> Result<(), BackupError> {
    serde_json::to_writer(&mut *out, value)
        .map_err(|e| BackupError::Write(std::io::Error::other(e)))?;
    out.write_all(b"\n").map_err(BackupError::Write)
}
