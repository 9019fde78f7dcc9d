//! The `notify_officers` job: an urgent tip told to the on-duty officers of its unit and of the units that watch
//! urgent tips above it, or an escalated one to the commanders and on-duty officers of the unit it rose to.

use binhyen_domain::notification::NotificationKind;
use std::collections::BTreeSet;

use binhyen_channels::ChannelKind;

use super::outgoing::{when, Lookups, Message, Outgoing};
use super::NotifyReason;
use crate::{Core, Result};

impl Core {
    /// Who hears of an urgent or escalated tip, and what they are told.
    pub(crate) async fn plan_officers(
        &self,
        memo: &mut Lookups,
        tip_id: i64,
        reason: NotifyReason,
        unit_id: i64,
    ) -> Result<Outgoing> {
        let tip = self.store.tip(tip_id).await?;
        let mut people: BTreeSet<i64> = BTreeSet::new();
        match reason {
            NotifyReason::Urgent => {
                let mut units = vec![tip.unit_id];
                let forest = self.units().directory_snapshot().await?.forest;
                let above = crate::alerting::ancestry(&forest, tip.unit_id);
                if memo.watchers.is_none() {
                    memo.watchers = Some(self.store.urgent_watchers().await?);
                }
                for (watcher, scope) in memo.watchers.iter().flatten() {
                    if above.contains(scope) && !units.contains(watcher) {
                        units.push(*watcher);
                    }
                }
                for u in units {
                    people.extend(self.officers_to_alert(memo, u, false).await?);
                }
            }
            NotifyReason::Escalated => people.extend(self.officers_to_alert(memo, unit_id, true).await?),
        }
        let unit_name = self.unit_name(memo, unit_id).await?;
        let receiving = self.unit_name(memo, tip.unit_id).await?;
        let (category, _) = tip.category.names();
        let (kind, title, key) = match reason {
            NotifyReason::Urgent => {
                (NotificationKind::TipUrgent, format!("Tin báo KHẨN #{tip_id}: {category}"), "urgent")
            }
            NotifyReason::Escalated => (
                NotificationKind::TipEscalated,
                format!("Tin báo #{tip_id} quá hạn tiếp nhận, chuyển lên {unit_name}"),
                "escalated",
            ),
        };
        let message = Message {
            key: format!("tip:{tip_id}:{key}:{unit_id}"),
            kind,
            tip_id: Some(tip_id),
            body: format!(
                "{category}. Đơn vị tiếp nhận: {receiving}. Gửi lúc {}. Mở binhyen để tiếp nhận và xử lý.",
                when(tip.submitted_at_ms)
            ),
            title,
            link: format!("{}/inbox/{tip_id}", self.alerts.public_url),
            data: serde_json::json!({
                "event": kind, "tip_id": tip_id, "unit_id": tip.unit_id, "notified_unit_id": unit_id,
                "category": tip.category.as_str(), "priority": tip.priority.as_str(), "state": tip.state.as_str(),
            }),
        };
        let webhook = self.alerts.channels.get(ChannelKind::Webhook).is_some();
        Ok(Outgoing { people: self.with_channels(memo, people).await?, message, webhook })
    }
}
