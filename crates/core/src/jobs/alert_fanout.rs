//! The `alert_fanout` job: a public alert's followers cut into ranges of `BATCH` follows, a `notify_followers`
//! job each, so that half a million followers are told by many small jobs rather than one.

use binhyen_store::jobs::NewJob;

use super::JobPayload;
use crate::public_alerts::{ATTEMPTS, BATCH};
use crate::{Core, Result};

impl Core {
    /// The fan-out job's plan: a notification job per range of `BATCH` followers of the page (none once the
    /// alert has ended).
    pub(crate) async fn plan_alert_fanout(&self, alert_id: i64) -> Result<Vec<NewJob>> {
        let alert = self.store.public_alert(alert_id).await?;
        let now = self.now_ms();
        if !alert.active(now) {
            return Ok(Vec::new());
        }
        let mut jobs = Vec::new();
        // Ranges of BATCH follows, whoever lives where: cutting them needs only the page's follows index, and
        // each range's job keeps the followers inside the area (a range may hold fewer, never more).
        let mut after = 0;
        loop {
            let ids = self.store.follower_ids(alert.unit_id, after, BATCH).await?;
            let Some(&last) = ids.last() else { break };
            jobs.push(JobPayload::NotifyFollowers { alert_id, after, until: last }.job(now, ATTEMPTS));
            after = last;
            if (ids.len() as i64) < BATCH {
                break;
            }
        }
        Ok(jobs)
    }
}
