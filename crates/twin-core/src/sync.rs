//! Keeping a remote index in step with the profile, as pure plans: what to
//! write, what to delete and which namespaces to keep. The client crates
//! carry the plans out.
//!
//! Each set of chunks lives in its own namespace, named after a hash of the
//! chunks' ids ([`namespace_for`]). A chunk id names its content, so the
//! namespace names the exact index a build of the twin expects: a deployment
//! queries the namespace of the profile it bundles, and a rollback in the
//! Vercel dashboard brings back a build that queries its own, older
//! namespace, with no step in between. Syncing writes the new namespace and
//! keeps the last few ([`retention`]) so that recent rollbacks find theirs
//! intact.

use std::collections::{BTreeSet, HashSet};

use sha2::{Digest, Sha256};

use crate::chunk::{Chunk, ChunkId};
use crate::profile::hex_prefix;

/// Every namespace the twin writes starts with this, so pruning never
/// touches namespaces that belong to something else.
pub const NAMESPACE_PREFIX: &str = "twin-";

/// The namespace recording when each chunk namespace was synced, which is
/// what retention orders by (namespace names are hashes, not dates).
pub const MANIFEST_NAMESPACE: &str = "twin-manifest";

/// The namespace for a set of chunks: `twin-` and 12 hex digits of the
/// SHA-256 of their sorted ids. Same chunks, same namespace, whatever their
/// order; any edit to any chunk, a new one or a removed one gives another.
pub fn namespace_for(chunks: &[Chunk]) -> String {
    let ids: BTreeSet<&str> = chunks.iter().map(|c| c.id.as_str()).collect();
    let mut hasher = Sha256::new();
    for id in ids {
        hasher.update(id.as_bytes());
        hasher.update(b"\n");
    }
    format!("{NAMESPACE_PREFIX}{}", hex_prefix(&hasher.finalize(), 12))
}

/// What one sync does to one namespace.
#[derive(Debug, Clone, PartialEq)]
pub struct SyncPlan {
    pub namespace: String,
    /// Chunks the namespace lacks, in profile order.
    pub upsert: Vec<Chunk>,
    /// Ids the namespace holds that the profile no longer has, sorted.
    pub delete: Vec<ChunkId>,
    /// Chunks already there.
    pub unchanged: usize,
}

impl SyncPlan {
    /// Compares the local chunks with the ids the namespace holds.
    ///
    /// Ids are content hashes, so an id present remotely is a chunk whose
    /// content is already there: only missing ids are written, and a profile
    /// that did not change plans no writes at all.
    pub fn new(
        namespace: impl Into<String>,
        local: &[Chunk],
        remote: impl IntoIterator<Item = ChunkId>,
    ) -> SyncPlan {
        let remote: HashSet<ChunkId> = remote.into_iter().collect();
        let local_ids: HashSet<&ChunkId> = local.iter().map(|c| &c.id).collect();
        let mut seen = HashSet::new();
        let mut upsert = Vec::new();
        let mut unchanged = 0;
        for chunk in local {
            if !seen.insert(&chunk.id) {
                continue;
            }
            if remote.contains(&chunk.id) {
                unchanged += 1;
            } else {
                upsert.push(chunk.clone());
            }
        }
        let mut delete: Vec<ChunkId> = remote
            .into_iter()
            .filter(|id| !local_ids.contains(id))
            .collect();
        delete.sort();
        SyncPlan {
            namespace: namespace.into(),
            upsert,
            delete,
            unchanged,
        }
    }

    /// True when the namespace already matches the profile.
    pub fn is_noop(&self) -> bool {
        self.upsert.is_empty() && self.delete.is_empty()
    }

    /// The upserts in batches of at most `max` chunks. Writing every batch
    /// before deleting anything is what keeps the namespace whole mid-sync:
    /// at every moment it holds at least every chunk of one of the two
    /// versions.
    pub fn upsert_batches(&self, max: usize) -> std::slice::Chunks<'_, Chunk> {
        self.upsert.chunks(max.max(1))
    }
}

/// A chunk namespace as the manifest records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamespaceRecord {
    pub namespace: String,
    /// Unix milliseconds of its last sync; 0 when the manifest has no record.
    pub synced_at: u64,
}

/// The twin namespaces to delete so that only the `keep` most recently
/// synced remain. `current` is always kept, whatever its record says, and so
/// is anything not named with [`NAMESPACE_PREFIX`] and the manifest itself.
/// Namespaces with no record count as the oldest.
pub fn retention(namespaces: &[NamespaceRecord], current: &str, keep: usize) -> Vec<String> {
    let mut ours: Vec<&NamespaceRecord> = namespaces
        .iter()
        .filter(|n| n.namespace.starts_with(NAMESPACE_PREFIX))
        .filter(|n| n.namespace != MANIFEST_NAMESPACE)
        .collect();
    // Newest first; ties broken by name so the outcome is deterministic.
    ours.sort_by(|a, b| {
        b.synced_at
            .cmp(&a.synced_at)
            .then_with(|| a.namespace.cmp(&b.namespace))
    });
    let mut kept = usize::from(ours.iter().any(|n| n.namespace == current));
    let mut delete = Vec::new();
    for record in ours {
        if record.namespace == current {
            continue;
        }
        if kept < keep.max(1) {
            kept += 1;
        } else {
            delete.push(record.namespace.clone());
        }
    }
    delete
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::chunk::Section;

    fn chunk(text: &str) -> Chunk {
        Chunk::new(Section::Faq, "Q", text, BTreeMap::new())
    }

    #[test]
    fn namespace_names_the_set_of_chunks() {
        let (a, b) = (chunk("a"), chunk("b"));
        let ns = namespace_for(&[a.clone(), b.clone()]);
        assert!(ns.starts_with("twin-"));
        assert_eq!(ns.len(), "twin-".len() + 12);
        assert_eq!(ns, namespace_for(&[b.clone(), a.clone()]));
        assert_ne!(ns, namespace_for(std::slice::from_ref(&a)));
        assert_ne!(ns, namespace_for(&[a, chunk("b!")]));
    }

    #[test]
    fn plan_writes_only_what_is_missing_and_deletes_what_is_gone() {
        let (a, b, c) = (chunk("a"), chunk("b"), chunk("c"));
        let stale = chunk("old").id;
        let plan = SyncPlan::new(
            "twin-x",
            &[a.clone(), b.clone(), c.clone()],
            [a.id.clone(), stale.clone()],
        );
        assert_eq!(plan.upsert, vec![b, c]);
        assert_eq!(plan.delete, vec![stale]);
        assert_eq!(plan.unchanged, 1);
        assert!(!plan.is_noop());
    }

    #[test]
    fn an_unchanged_profile_plans_nothing() {
        let chunks = [chunk("a"), chunk("b")];
        let plan = SyncPlan::new("twin-x", &chunks, chunks.iter().map(|c| c.id.clone()));
        assert!(plan.is_noop());
        assert_eq!(plan.unchanged, 2);
        assert_eq!(plan.upsert_batches(1000).count(), 0);
    }

    #[test]
    fn upserts_come_in_bounded_batches() {
        let chunks: Vec<Chunk> = (0..2_500).map(|i| chunk(&i.to_string())).collect();
        let plan = SyncPlan::new("twin-x", &chunks, []);
        let sizes: Vec<usize> = plan.upsert_batches(1_000).map(<[Chunk]>::len).collect();
        assert_eq!(sizes, [1_000, 1_000, 500]);
        let plan = SyncPlan::new("twin-x", &chunks[..1_000], []);
        assert_eq!(plan.upsert_batches(1_000).count(), 1);
    }

    #[test]
    fn duplicate_local_chunks_are_written_once() {
        let a = chunk("a");
        let plan = SyncPlan::new("twin-x", &[a.clone(), a.clone()], []);
        assert_eq!(plan.upsert, vec![a]);
    }

    fn record(namespace: &str, synced_at: u64) -> NamespaceRecord {
        NamespaceRecord {
            namespace: namespace.into(),
            synced_at,
        }
    }

    #[test]
    fn retention_keeps_the_newest_and_always_the_current() {
        let namespaces = [
            record("twin-a", 1),
            record("twin-b", 2),
            record("twin-c", 3),
            record("twin-d", 4),
            record("twin-manifest", 0),
            record("", 0),
            record("someone-else", 0),
            record("twin-unknown", 0),
        ];
        assert_eq!(
            retention(&namespaces, "twin-d", 2),
            ["twin-b", "twin-a", "twin-unknown"]
        );
        // An old build syncing again (a rollback) keeps its namespace and the
        // newest others.
        assert_eq!(
            retention(&namespaces, "twin-a", 2),
            ["twin-c", "twin-b", "twin-unknown"]
        );
        assert!(retention(&namespaces, "twin-d", 10).is_empty());
        // Keeping zero still keeps the current namespace.
        assert_eq!(retention(&namespaces, "twin-d", 0).len(), 4);
    }
}
