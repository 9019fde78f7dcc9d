//! Turning "tell these people about this tip" into messages: an in-app notification for each person, a
//! delivery for each channel they chose, and one to the webhook when one is configured. The messages say
//! which tip, what kind and where, never what it says or who sent it: they travel through third parties
//! (mail servers, SMS gateways, Zalo).
//!
//! Confidential tipsters are never notified: a notification row, an SMS or an e-mail would tie their account
//! to the tip, which is what their protection seals away. They follow their tips in "Tin báo của tôi"; anonymous
//! tipsters on the receipt page.

use std::collections::{BTreeSet, HashMap};

use binhyen_channels::ChannelKind;
use binhyen_domain::alert::Severity;
use binhyen_domain::delivery::DeliveryState;
use binhyen_domain::time_vn;
use binhyen_domain::tip::Protection;
use binhyen_store::alerting::ContactChannel;
use binhyen_store::deliveries::{self, NewDelivery};
use binhyen_store::notifications::NewNotification;
use binhyen_store::tips::Tip;
use binhyen_store::Tx;

use super::escalation::INTERNAL_ATTEMPTS;
use super::{JobPayload, NotifyReason};
use crate::{Core, Result};

/// One message to several people about one tip (or, without `tip_id`, about something else).
pub(super) struct Message {
    /// Makes every delivery's idempotency key: `<key>:<account>:<channel>`.
    pub(super) key: String,
    pub(super) kind: &'static str,
    pub(super) tip_id: Option<i64>,
    pub(super) title: String,
    pub(super) body: String,
    pub(super) link: String,
    pub(super) data: serde_json::Value,
}

fn when(ms: i64) -> String {
    let at = time::OffsetDateTime::from_unix_timestamp(ms / 1000).unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    time_vn::format_datetime(at)
}

/// Messages about to be queued: read before the transaction that writes them.
pub(crate) struct Outgoing {
    pub(super) message: Message,
    /// Each person told, with the channels they enabled.
    pub(super) people: Vec<(i64, Vec<ContactChannel>)>,
    /// Whether the configured webhook hears of it too.
    pub(super) webhook: bool,
}

impl Outgoing {
    /// How many people it tells.
    pub(crate) fn people(&self) -> usize {
        self.people.len()
    }
}

/// What the jobs of one run look up, read once for all of them: a burst of urgent tips from one commune asks
/// the same questions (who watches, who is on duty, where they are reached) for every tip.
#[derive(Default)]
pub(crate) struct Lookups {
    watchers: Option<Vec<(i64, i64)>>,
    officers: HashMap<(i64, bool), Vec<i64>>,
    channels: HashMap<i64, Vec<ContactChannel>>,
    unit_names: HashMap<i64, String>,
}

impl Core {
    async fn unit_name(&self, memo: &mut Lookups, unit_id: i64) -> Result<String> {
        if let Some(name) = memo.unit_names.get(&unit_id) {
            return Ok(name.clone());
        }
        let name = self.store.unit(unit_id).await?.name;
        memo.unit_names.insert(unit_id, name.clone());
        Ok(name)
    }

    async fn officers_to_alert(&self, memo: &mut Lookups, unit_id: i64, commanders: bool) -> Result<Vec<i64>> {
        if let Some(ids) = memo.officers.get(&(unit_id, commanders)) {
            return Ok(ids.clone());
        }
        let ids: Vec<i64> = self.store.officers_to_alert(unit_id, commanders).await?.iter().map(|a| a.id).collect();
        memo.officers.insert((unit_id, commanders), ids.clone());
        Ok(ids)
    }

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
                let forest = self.directory_snapshot().await?.forest;
                let above = super::sla::ancestry(&forest, tip.unit_id);
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
            NotifyReason::Urgent => ("tip_urgent", format!("Tin báo KHẨN #{tip_id}: {category}"), "urgent"),
            NotifyReason::Escalated => {
                ("tip_escalated", format!("Tin báo #{tip_id} quá hạn tiếp nhận, chuyển lên {unit_name}"), "escalated")
            }
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
            kind: "tip_update",
            tip_id: Some(tip_id),
            title,
            body: format!("Cập nhật lúc {}. Mở binhyen để xem chi tiết.", when(event.at_ms)),
            link: format!("{}/my/tips/{tip_id}", self.alerts.public_url),
            data: serde_json::json!({"event": "tip_update", "tip_id": tip_id}),
        };
        Ok(Some(Outgoing { people: self.with_channels(memo, [account_id]).await?, message, webhook: false }))
    }

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
        let severity = alert.severity.parse::<Severity>().map_or("", |s| s.names().0);
        let message = Message {
            key: format!("alert:{alert_id}"),
            kind: "public_alert",
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

    pub(super) async fn with_channels(
        &self,
        memo: &mut Lookups,
        accounts: impl IntoIterator<Item = i64>,
    ) -> Result<Vec<(i64, Vec<ContactChannel>)>> {
        let mut out = Vec::new();
        for account in accounts {
            let channels = match memo.channels.get(&account) {
                Some(c) => c.clone(),
                None => {
                    let c: Vec<_> =
                        self.store.contact_channels(account).await?.into_iter().filter(|c| c.enabled).collect();
                    memo.channels.insert(account, c.clone());
                    c
                }
            };
            out.push((account, channels));
        }
        Ok(out)
    }

    /// Writes, in `tx`, each person's deliveries and the webhook's, and adds their in-app notifications to
    /// `notes` (written together by the caller, one statement for a whole batch of jobs).
    pub(crate) async fn apply_outgoing(
        &self,
        tx: &mut Tx,
        out: &Outgoing,
        notes: &mut Vec<NewNotification>,
    ) -> Result<()> {
        for (account, channels) in &out.people {
            notes.push(self.notification(&out.message, *account));
            self.send_to(tx, &out.message, *account, channels).await?;
        }
        if out.webhook {
            self.queue_delivery(tx, &out.message, None, ChannelKind::Webhook, None).await?;
        }
        Ok(())
    }

    /// Queues, in `tx`, news of `event_id` for the tip's tipster when they are identified.
    pub(crate) async fn tell_tipster(&self, tx: &mut Tx, tip: &Tip, event_id: i64) -> Result<()> {
        if identified_reporter(tip).is_none() {
            return Ok(());
        }
        let job = JobPayload::NotifyTipster { tip_id: tip.id, event_id }.job(self.now_ms(), INTERNAL_ATTEMPTS);
        self.enqueue(tx, &[job]).await
    }

    fn notification(&self, m: &Message, account_id: i64) -> NewNotification {
        NewNotification {
            account_id,
            at_ms: self.now_ms(),
            kind: m.kind.to_owned(),
            tip_id: m.tip_id,
            title: m.title.clone(),
            body: m.body.clone(),
            link: Some(m.link.clone()),
        }
    }

    async fn send_to(&self, tx: &mut Tx, m: &Message, account_id: i64, channels: &[ContactChannel]) -> Result<()> {
        for c in channels {
            self.queue_delivery(tx, m, Some(account_id), c.channel, Some(c.address.clone())).await?;
        }
        Ok(())
    }

    /// A delivery, and the job that sends it; or, when the channel is not configured (any more), a delivery
    /// that is dead at once with the reason, so that nothing a person chose disappears without a trace.
    pub(super) async fn queue_delivery(
        &self,
        tx: &mut Tx,
        m: &Message,
        account_id: Option<i64>,
        kind: ChannelKind,
        address: Option<String>,
    ) -> Result<()> {
        let configured = self.alerts.channels.get(kind).is_some();
        let who = account_id.map_or("unit".to_owned(), |a| a.to_string());
        let delivery = NewDelivery {
            idempotency_key: format!("{}:{who}:{}", m.key, kind.as_str()),
            channel: kind,
            account_id,
            address,
            tip_id: m.tip_id,
            subject: m.title.clone(),
            body: m.body.clone(),
            link: Some(m.link.clone()),
            data: m.data.to_string(),
            state: DeliveryState::initial(configured),
            last_error: (!configured).then(|| "channel_not_configured".to_owned()),
        };
        let Some(id) = deliveries::insert(tx, &delivery, self.now_ms()).await? else { return Ok(()) };
        if configured {
            let job = JobPayload::Deliver { delivery_id: id }.job(self.now_ms(), self.alerts.delivery_attempts);
            self.enqueue(tx, &[job]).await?;
        }
        Ok(())
    }
}

/// The start of `text`, cut at a word, with an ellipsis when cut.
fn excerpt(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        return text.to_owned();
    }
    let cut: String = text.chars().take(max_chars).collect();
    let at_word = cut.rfind(char::is_whitespace).map_or(cut.as_str(), |i| &cut[..i]);
    format!("{}…", at_word.trim_end())
}

fn identified_reporter(tip: &Tip) -> Option<i64> {
    (tip.protection == Protection::Identified).then_some(tip.reporter_account_id).flatten()
}
