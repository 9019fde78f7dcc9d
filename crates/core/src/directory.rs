//! A short-lived in-memory copy of the unit tree. The directory is read on nearly every visit and changes a
//! few times a year, so reading it from the store each time is waste. A write through this node's core
//! invalidates the copy at once; writes by other nodes (PostgreSQL deployments) or by the command line are
//! seen within `TTL`, which is the staleness a directory can afford.

use std::sync::{Arc, Mutex};

use time::{Duration, OffsetDateTime};

use crate::units::UnitNode;

const TTL: Duration = Duration::seconds(2);

/// The whole tree as loaded at one moment, and a number that changes whenever a new copy is loaded.
#[derive(Debug, Clone)]
pub struct DirectorySnapshot {
    pub generation: u64,
    pub forest: Arc<Vec<UnitNode>>,
}

impl DirectorySnapshot {
    /// Every unit of the tree, parents before their children.
    pub fn units(&self) -> Vec<&binhyen_domain::entities::units::Unit> {
        fn walk<'a>(nodes: &'a [UnitNode], out: &mut Vec<&'a binhyen_domain::entities::units::Unit>) {
            for n in nodes {
                out.push(&n.unit);
                walk(&n.children, out);
            }
        }
        let mut out = Vec::new();
        walk(&self.forest, &mut out);
        out
    }
}

#[derive(Default)]
pub(crate) struct DirectoryCache {
    state: Mutex<CacheState>,
}

#[derive(Default)]
struct CacheState {
    current: Option<(OffsetDateTime, DirectorySnapshot)>,
    generation: u64,
}

impl DirectoryCache {
    pub(crate) fn fresh(&self, now: OffsetDateTime) -> Option<DirectorySnapshot> {
        let state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        match &state.current {
            Some((loaded_at, snapshot)) if now - *loaded_at < TTL && now >= *loaded_at => Some(snapshot.clone()),
            _ => None,
        }
    }

    pub(crate) fn store(&self, now: OffsetDateTime, forest: Vec<UnitNode>) -> DirectorySnapshot {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.generation += 1;
        let snapshot = DirectorySnapshot { generation: state.generation, forest: Arc::new(forest) };
        state.current = Some((now, snapshot.clone()));
        snapshot
    }

    pub(crate) fn invalidate(&self) {
        self.state.lock().unwrap_or_else(|e| e.into_inner()).current = None;
    }
}
