//! Turning "tell these people about this tip" into messages: an in-app notification for each person, a
//! delivery for each channel they chose, and one to the webhook when one is configured. The messages say
//! which tip, what kind and where, never what it says or who sent it: they travel through third parties
//! (mail servers, SMS gateways, Zalo).
//!
//! Confidential tipsters are never notified: a notification row, an SMS or an e-mail would tie their account
//! to the tip, which is what their protection seals away. They follow their tips in "Tin báo của tôi"; anonymous
//! tipsters on the receipt page.

use binhyen_domain::notification::NotificationKind;
use std::collections::HashMap;

use binhyen_channels::ChannelKind;
use binhyen_domain::delivery::DeliveryState;
use binhyen_domain::time_vn;
use binhyen_domain::tip::Protection;
use binhyen_store::alerting::ContactChannel;
use binhyen_store::deliveries::{self, NewDelivery};
use binhyen_store::notifications::NewNotification;
use binhyen_store::tips::Tip;
use binhyen_store::Tx;

use super::JobPayload;
use crate::{Core, Result};

/// One message to several people about one tip (or, without `tip_id`, about something else).
pub(super) struct Message {
    /// Makes every delivery's idempotency key: `<key>:<account>:<channel>`.
    pub(super) key: String,
    pub(super) kind: NotificationKind,
    pub(super) tip_id: Option<i64>,
    pub(super) title: String,
    pub(super) body: String,
    pub(super) link: String,
    pub(super) data: serde_json::Value,
}

pub(super) fn when(ms: i64) -> String {
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
    pub(super) watchers: Option<Vec<(i64, i64)>>,
    officers: HashMap<(i64, bool), Vec<i64>>,
    channels: HashMap<i64, Vec<ContactChannel>>,
    unit_names: HashMap<i64, String>,
}

impl Core {
    pub(super) async fn unit_name(&self, memo: &mut Lookups, unit_id: i64) -> Result<String> {
        if let Some(name) = memo.unit_names.get(&unit_id) {
            return Ok(name.clone());
        }
        let name = self.store.unit(unit_id).await?.name;
        memo.unit_names.insert(unit_id, name.clone());
        Ok(name)
    }

    pub(super) async fn officers_to_alert(
        &self,
        memo: &mut Lookups,
        unit_id: i64,
        commanders: bool,
    ) -> Result<Vec<i64>> {
        if let Some(ids) = memo.officers.get(&(unit_id, commanders)) {
            return Ok(ids.clone());
        }
        let ids: Vec<i64> = self.store.officers_to_alert(unit_id, commanders).await?.iter().map(|a| a.id).collect();
        memo.officers.insert((unit_id, commanders), ids.clone());
        Ok(ids)
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

    fn notification(&self, m: &Message, account_id: i64) -> NewNotification {
        NewNotification {
            account_id,
            at_ms: self.now_ms(),
            kind: m.kind,
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
            self.jobs().enqueue(tx, &[job]).await?;
        }
        Ok(())
    }
}

/// The start of `text`, cut at a word, with an ellipsis when cut.
pub(super) fn excerpt(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        return text.to_owned();
    }
    let cut: String = text.chars().take(max_chars).collect();
    let at_word = cut.rfind(char::is_whitespace).map_or(cut.as_str(), |i| &cut[..i]);
    format!("{}…", at_word.trim_end())
}

pub(super) fn identified_reporter(tip: &Tip) -> Option<i64> {
    (tip.protection == Protection::Identified).then_some(tip.reporter_account_id).flatten()
}
