//! How long a tip may wait for acknowledgement: the unit's own policy for its priority, else its nearest
//! ancestor's, else the configured default. Policies are read on every tip submission, so they are kept in
//! memory for a few seconds (like the directory) and dropped at once when this node changes one.

use crate::Alerting;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use binhyen_domain::tip::Priority;
use time::OffsetDateTime;

use crate::units::UnitNode;
use crate::Result;

const TTL: time::Duration = time::Duration::seconds(2);

type Policies = Arc<HashMap<(i64, Priority), i64>>;

#[derive(Default)]
pub(crate) struct SlaCache {
    current: Mutex<Option<(OffsetDateTime, Policies)>>,
}

impl SlaCache {
    pub(crate) fn invalidate(&self) {
        *self.current.lock().unwrap_or_else(|e| e.into_inner()) = None;
    }
}

/// The path from `unit_id` up to its root, the unit first (empty if the unit is not in the forest).
pub(crate) fn ancestry(forest: &[UnitNode], unit_id: i64) -> Vec<i64> {
    fn walk(nodes: &[UnitNode], target: i64, path: &mut Vec<i64>) -> bool {
        for n in nodes {
            path.push(n.unit.id);
            if n.unit.id == target || walk(&n.children, target, path) {
                return true;
            }
            path.pop();
        }
        false
    }
    let mut path = Vec::new();
    walk(forest, unit_id, &mut path);
    path.reverse();
    path
}

impl Alerting<'_> {
    async fn sla_policies(&self) -> Result<Policies> {
        let now = self.clock.now();
        if let Some((at, p)) = self.alerting.sla_cache.current.lock().unwrap_or_else(|e| e.into_inner()).as_ref() {
            if now >= *at && now - *at < TTL {
                return Ok(p.clone());
            }
        }
        let rows = self.store.all_sla_policies().await?;
        let policies: Policies = Arc::new(rows.into_iter().map(|(u, p, m)| ((u, p), m)).collect());
        *self.alerting.sla_cache.current.lock().unwrap_or_else(|e| e.into_inner()) = Some((now, policies.clone()));
        Ok(policies)
    }

    /// Minutes a tip of `priority` at `unit_id` may wait to be acknowledged.
    pub(crate) async fn sla_minutes(&self, unit_id: i64, priority: Priority) -> Result<i64> {
        let policies = self.sla_policies().await?;
        let forest = self.units().directory_snapshot().await?.forest;
        let own = ancestry(&forest, unit_id).into_iter().find_map(|u| policies.get(&(u, priority)).copied());
        Ok(own.unwrap_or_else(|| self.alerts.default_sla.get(priority)))
    }

    /// The unit above `unit_id` in the tree, if any.
    pub(crate) async fn parent_unit(&self, unit_id: i64) -> Result<Option<i64>> {
        let forest = self.units().directory_snapshot().await?.forest;
        Ok(ancestry(&forest, unit_id).get(1).copied())
    }
}
