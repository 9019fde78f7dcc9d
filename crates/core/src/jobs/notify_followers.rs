//! The `notify_followers` job: one range of a public alert's followers who live inside its area, told while the
//! alert is in force.

use binhyen_domain::notification::NotificationKind;
use std::collections::HashMap;

use binhyen_store::alerting::ContactChannel;

use super::outgoing::{excerpt, when, Lookups, Message, Outgoing};
use crate::{Core, Result};

impl Core {
    /// What the followers of an alert's page with account ids in (`after`, `until`] who live inside its area
    /// are told (None once the alert has ended: it is no longer news).
    pub(crate) async fn plan_followers(
        &self,
        memo: &mut Lookups,
        alert_id: i64,
        after: i64,
        until: i64,
    ) -> Result<Option<Outgoing>> {
        let alert = self.store.public_alert(alert_id).await?;
        if !alert.active(self.now_ms()) {
            return Ok(None);
        }
        let followers = self.store.alert_followers(&alert, after, until, i64::MAX).await?;
        let mut channels: HashMap<i64, Vec<ContactChannel>> = HashMap::new();
        if let (Some(first), Some(last)) = (followers.first(), followers.last()) {
            for (account, channel) in self.store.enabled_channels_between(*first, *last).await? {
                channels.entry(account).or_default().push(channel);
            }
        }
        let unit_name = self.unit_name(memo, alert.unit_id).await?;
        let severity = alert.severity.names().0;
        let message = Message {
            key: format!("alert:{alert_id}"),
            kind: NotificationKind::PublicAlert,
            tip_id: None,
            title: format!("CẢNH BÁO ({severity}): {}", alert.headline),
            body: format!(
                "{unit_name}: {} Hiệu lực đến {}.",
                excerpt(&alert.description, 280),
                when(alert.expires_at_ms)
            ),
            link: format!("{}/alerts/{alert_id}", self.alerts.public_url),
            data: serde_json::json!({
                "event": "public_alert", "alert_id": alert_id, "unit_id": alert.unit_id, "area_id": alert.area_id,
                "severity": alert.severity, "urgency": alert.urgency, "certainty": alert.certainty,
            }),
        };
        let people = followers.into_iter().map(|a| (a, channels.remove(&a).unwrap_or_default())).collect();
        Ok(Some(Outgoing { message, people, webhook: false }))
    }
}
