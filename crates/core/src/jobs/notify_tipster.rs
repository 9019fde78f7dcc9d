//! The `notify_tipster` job: an identified tipster told of an event on their tip's timeline (a new state, an
//! officer's message). Confidential and anonymous tipsters are never told this way (see `outgoing.rs`).

use binhyen_domain::notification::NotificationKind;
use binhyen_store::tips::Tip;
use binhyen_store::Tx;

use super::outgoing::{identified_reporter, when, Lookups, Message, Outgoing};
use super::{JobPayload, INTERNAL_ATTEMPTS};
use crate::{Core, Result};

impl Core {
    /// Queues, in `tx`, news of `event_id` for the tip's tipster when they are identified.
    pub(crate) async fn tell_tipster(&self, tx: &mut Tx, tip: &Tip, event_id: i64) -> Result<()> {
        if identified_reporter(tip).is_none() {
            return Ok(());
        }
        let job = JobPayload::NotifyTipster { tip_id: tip.id, event_id }.job(self.now_ms(), INTERNAL_ATTEMPTS);
        self.jobs().enqueue(tx, &[job]).await
    }

    /// What an identified tipster is told of an event on their tip's timeline (None: nobody to tell).
    pub(crate) async fn plan_tipster(
        &self,
        memo: &mut Lookups,
        tip_id: i64,
        event_id: i64,
    ) -> Result<Option<Outgoing>> {
        let tip = self.store.tip(tip_id).await?;
        let Some(account_id) = identified_reporter(&tip) else { return Ok(None) };
        let Some(event) = self.store.tip_events(tip_id).await?.into_iter().find(|e| e.id == event_id) else {
            return Ok(None);
        };
        let title = match (event.kind.as_str(), event.to_state) {
            ("state_changed", Some(state)) => format!("Tin báo #{tip_id} của bạn: {}", state.names().0),
            _ => format!("Cán bộ đã nhắn về tin báo #{tip_id} của bạn"),
        };
        let message = Message {
            key: format!("tip:{tip_id}:tipster:{event_id}"),
            kind: NotificationKind::TipUpdate,
            tip_id: Some(tip_id),
            title,
            body: format!("Cập nhật lúc {}. Mở binhyen để xem chi tiết.", when(event.at_ms)),
            link: format!("{}/my/tips/{tip_id}", self.alerts.public_url),
            data: serde_json::json!({"event": "tip_update", "tip_id": tip_id}),
        };
        Ok(Some(Outgoing { people: self.with_channels(memo, [account_id]).await?, message, webhook: false }))
    }
}
