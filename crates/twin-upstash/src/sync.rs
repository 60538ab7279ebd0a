//! Carrying out [`twin_core::sync`]'s plans against Upstash: keep the
//! namespace of a profile version complete, record when it was synced, and
//! prune the versions beyond the retention window.
//!
//! The order of writes is what keeps every deployment answering: new chunks
//! are upserted (in batches of at most [`MAX_BATCH`]) before any stale id is
//! deleted, the manifest records the namespace only once it is complete, and
//! pruning never touches the namespace just synced.

use std::time::{SystemTime, UNIX_EPOCH};

use serde::Serialize;
use serde_json::json;
use twin_core::sync::{MANIFEST_NAMESPACE, NAMESPACE_PREFIX, NamespaceRecord, retention};
use twin_core::{Chunk, ChunkId, SyncPlan, namespace_for};

use crate::index::record_for;
use crate::{DataRecord, Delete, Range, UpstashClient, UpstashError};

/// Upstash accepts at most this many vectors per upsert request.
pub const MAX_BATCH: usize = 1_000;
/// Vectors per `range` page when scanning a namespace.
pub(crate) const RANGE_PAGE: u32 = 1_000;

/// How a sync runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncOptions {
    /// Plan and report, write nothing.
    pub dry_run: bool,
    /// How many chunk namespaces (profile versions) to keep, the current one
    /// included.
    pub keep: usize,
    /// Chunks per upsert request, at most [`MAX_BATCH`].
    pub batch: usize,
}

impl Default for SyncOptions {
    fn default() -> SyncOptions {
        SyncOptions {
            dry_run: false,
            keep: 5,
            batch: MAX_BATCH,
        }
    }
}

/// What a sync did (or, for a dry run, would do).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SyncReport {
    pub namespace: String,
    pub dry_run: bool,
    /// Chunks written.
    pub upserted: usize,
    /// Stale ids removed from the namespace.
    pub deleted: usize,
    /// Chunks already present.
    pub unchanged: usize,
    /// Older namespaces removed by retention.
    pub pruned: Vec<String>,
    /// Requests that changed the index; 0 when nothing had to change.
    pub write_requests: usize,
}

/// Progress, reported as a sync goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Progress {
    /// The plan is known: this many chunks to write and ids to delete.
    Planned { upsert: usize, delete: usize },
    /// Another batch is written; `done` chunks so far.
    Upserted { done: usize },
    /// Stale ids are deleted.
    Deleted { count: usize },
    /// An old namespace is removed.
    Pruned { namespace: String },
}

/// Every id in a namespace, paging through `range`.
pub async fn remote_ids(
    client: &UpstashClient,
    namespace: &str,
) -> Result<Vec<ChunkId>, UpstashError> {
    let mut ids = Vec::new();
    client
        .scan(namespace, &Range::new("0", RANGE_PAGE), |page| {
            ids.extend(page.into_iter().map(|v| ChunkId::new(v.id)));
            Ok::<_, UpstashError>(())
        })
        .await?;
    Ok(ids)
}

/// Compares `chunks` with what their namespace holds.
pub async fn plan(client: &UpstashClient, chunks: &[Chunk]) -> Result<SyncPlan, UpstashError> {
    let namespace = namespace_for(chunks);
    let remote = remote_ids(client, &namespace).await?;
    Ok(SyncPlan::new(namespace, chunks, remote))
}

/// Brings the namespace of `chunks` up to date, records it in the manifest
/// and prunes versions beyond `options.keep`.
pub async fn sync(
    client: &UpstashClient,
    chunks: &[Chunk],
    options: &SyncOptions,
    progress: &mut (dyn FnMut(Progress) + Send),
) -> Result<SyncReport, UpstashError> {
    let plan = plan(client, chunks).await?;
    progress(Progress::Planned {
        upsert: plan.upsert.len(),
        delete: plan.delete.len(),
    });
    let manifest = manifest(client).await?;
    let existing: Vec<String> = client
        .list_namespaces()
        .await?
        .into_iter()
        .filter(|ns| ns.starts_with(NAMESPACE_PREFIX) && ns != MANIFEST_NAMESPACE)
        .collect();

    // The namespace just synced becomes the newest version: its stamp is
    // later than every other, even within one millisecond or with a clock
    // a little behind the last syncer's.
    let newest = manifest.iter().map(|r| r.synced_at).max().unwrap_or(0);
    let stamp = unix_millis().max(newest + 1);
    let current_record = manifest.iter().find(|r| r.namespace == plan.namespace);
    let record_current = !plan.is_noop() || current_record.is_none_or(|r| r.synced_at < newest);
    let mut records: Vec<NamespaceRecord> = existing
        .iter()
        .filter(|ns| **ns != plan.namespace)
        .map(|ns| NamespaceRecord {
            namespace: ns.clone(),
            synced_at: manifest
                .iter()
                .find(|r| &r.namespace == ns)
                .map_or(0, |r| r.synced_at),
        })
        .collect();
    records.push(NamespaceRecord {
        namespace: plan.namespace.clone(),
        synced_at: if record_current {
            stamp
        } else {
            current_record.map_or(stamp, |r| r.synced_at)
        },
    });
    let prune = retention(&records, &plan.namespace, options.keep.max(1));
    // Manifest entries whose namespace is gone are pruned along the way.
    let orphans: Vec<String> = manifest
        .iter()
        .filter(|r| !existing.contains(&r.namespace) && r.namespace != plan.namespace)
        .map(|r| r.namespace.clone())
        .collect();

    let mut report = SyncReport {
        namespace: plan.namespace.clone(),
        dry_run: options.dry_run,
        upserted: plan.upsert.len(),
        deleted: plan.delete.len(),
        unchanged: plan.unchanged,
        pruned: prune.clone(),
        write_requests: 0,
    };
    if options.dry_run {
        return Ok(report);
    }

    let mut done = 0;
    for batch in plan.upsert_batches(options.batch.clamp(1, MAX_BATCH)) {
        let records: Vec<DataRecord> = batch.iter().map(record_for).collect();
        client.upsert_data(&plan.namespace, &records).await?;
        report.write_requests += 1;
        done += batch.len();
        progress(Progress::Upserted { done });
    }
    for ids in plan.delete.chunks(MAX_BATCH) {
        let ids = ids.iter().map(|id| id.as_str().to_owned()).collect();
        client.delete(&plan.namespace, &Delete::Ids(ids)).await?;
        report.write_requests += 1;
        progress(Progress::Deleted {
            count: plan.delete.len(),
        });
    }
    if record_current {
        let record = DataRecord {
            id: plan.namespace.clone(),
            data: format!("twin index version {}", plan.namespace),
            metadata: Some(json!({ "synced_at_ms": stamp, "chunks": chunks.len() })),
        };
        client.upsert_data(MANIFEST_NAMESPACE, &[record]).await?;
        report.write_requests += 1;
    }
    for namespace in &prune {
        client.delete_namespace(namespace).await?;
        report.write_requests += 1;
        progress(Progress::Pruned {
            namespace: namespace.clone(),
        });
    }
    let forget: Vec<String> = prune.iter().cloned().chain(orphans).collect();
    if !forget.is_empty() {
        client
            .delete(MANIFEST_NAMESPACE, &Delete::Ids(forget))
            .await?;
        report.write_requests += 1;
    }
    Ok(report)
}

/// The manifest's records; an index never synced has none.
pub async fn manifest(client: &UpstashClient) -> Result<Vec<NamespaceRecord>, UpstashError> {
    let mut records = Vec::new();
    let mut range = Range::new("0", RANGE_PAGE);
    range.include_metadata = true;
    client
        .scan(MANIFEST_NAMESPACE, &range, |page| {
            records.extend(page.into_iter().map(|v| {
                NamespaceRecord {
                    synced_at: v
                        .metadata
                        .as_ref()
                        .and_then(|m| m.get("synced_at_ms"))
                        .and_then(serde_json::Value::as_u64)
                        .unwrap_or(0),
                    namespace: v.id,
                }
            }));
            Ok::<_, UpstashError>(())
        })
        .await?;
    Ok(records)
}

pub(crate) fn unix_millis() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}
