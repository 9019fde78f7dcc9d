//! What officers and administrators set for alerting: being on duty, where each person is reached, each
//! unit's SLA, and which units watch another's urgent tips.

use crate::Alerting;
use binhyen_channels::ChannelKind;
use binhyen_domain::tip::Priority;
use binhyen_domain::{Action, Actor, Invalid, PhoneNumber};
use binhyen_store::alerting::{self, ContactChannel};

use crate::audit::AuditEvent;
use crate::Result;

/// Minutes a tip of each priority may wait for acknowledgement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SlaMinutes {
    pub urgent: i64,
    pub high: i64,
    pub normal: i64,
}

impl SlaMinutes {
    pub fn get(&self, p: Priority) -> i64 {
        match p {
            Priority::Urgent => self.urgent,
            Priority::High => self.high,
            Priority::Normal => self.normal,
        }
    }
}

/// A contact channel as a person sets it (the channel as typed: core checks it is one a person is reached on).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactInput {
    pub channel: String,
    pub address: String,
    pub enabled: bool,
}

/// The longest SLA a unit may set: thirty days.
const MAX_SLA_MINUTES: i64 = 30 * 24 * 60;

fn clean_address(kind: ChannelKind, address: &str) -> Result<String> {
    let address = address.trim();
    let ok = match kind {
        ChannelKind::Email => {
            let (local, domain) = address.split_once('@').unwrap_or_default();
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && address.len() <= 254
                && !address.chars().any(|c| c.is_whitespace() || c.is_control() || c == '<' || c == '>')
                && !domain.contains('@')
        }
        ChannelKind::Sms => {
            return Ok(PhoneNumber::parse(address)
                .map_err(|_| Invalid::new("address", "invalid_phone"))?
                .e164()
                .to_owned())
        }
        ChannelKind::Zalo => (1..=64).contains(&address.len()) && address.chars().all(|c| c.is_ascii_alphanumeric()),
        ChannelKind::Webhook => false,
    };
    if ok {
        Ok(address.to_owned())
    } else {
        Err(Invalid::new("address", "invalid_address").into())
    }
}

impl Alerting<'_> {
    /// An officer goes on or off duty. On duty, urgent tips of their unit (and of units it watches) reach them
    /// on their channels.
    pub async fn set_on_duty(&self, actor: &Actor, on: bool) -> Result<()> {
        self.authorize(actor, Action::WorkTips, actor.unit_id).await?;
        let action = if on { "duty.started" } else { "duty.ended" };
        let mut tx = self.store.begin().await?;
        alerting::set_on_duty(&mut tx, actor.account_id, on, self.now_ms()).await?;
        self.audit(&mut tx, AuditEvent::new(action, "account", Some(actor.account_id)).by(Some(actor.account_id)))
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Since when the officer is on duty (Unix ms), if they are.
    pub async fn on_duty_since(&self, account_id: i64) -> Result<Option<i64>> {
        Ok(self.store.on_duty_since(account_id).await?)
    }

    /// The channels this installation can deliver through, besides the app itself.
    pub fn available_channels(&self) -> Vec<ChannelKind> {
        self.alerts.channels.kinds().into_iter().filter(|k| k.reaches_a_person()).collect()
    }

    pub async fn contact_channels(&self, account_id: i64) -> Result<Vec<ContactChannel>> {
        Ok(self.store.contact_channels(account_id).await?)
    }

    /// Replaces where the account is reached. Each channel once; addresses checked per channel; a channel can
    /// be enabled only if this installation has it.
    pub async fn set_contact_channels(&self, account_id: i64, input: &[ContactInput]) -> Result<Vec<ContactChannel>> {
        let mut out: Vec<ContactChannel> = Vec::new();
        for c in input {
            let kind = ChannelKind::parse(&c.channel)
                .filter(|k| k.reaches_a_person())
                .ok_or(Invalid::new("channel", "unknown_value"))?;
            if out.iter().any(|o| o.channel == kind) {
                return Err(Invalid::new("channel", "duplicate").into());
            }
            if c.enabled && !self.available_channels().contains(&kind) {
                return Err(Invalid::new("channel", "channel_unavailable").into());
            }
            let address = clean_address(kind, &c.address)?;
            out.push(ContactChannel { channel: kind, address, enabled: c.enabled });
        }
        self.store.set_contact_channels(account_id, &out).await?;
        Ok(out)
    }

    /// The SLA in force at a unit (its own, inherited or default). Officers of the unit's subtree or above.
    pub async fn sla_policy(&self, actor: &Actor, unit_id: i64) -> Result<SlaMinutes> {
        self.authorize(actor, Action::WorkTips, unit_id).await?;
        Ok(SlaMinutes {
            urgent: self.sla_minutes(unit_id, Priority::Urgent).await?,
            high: self.sla_minutes(unit_id, Priority::High).await?,
            normal: self.sla_minutes(unit_id, Priority::Normal).await?,
        })
    }

    /// Sets a unit's own SLA per priority (None: inherit). Commanders of the unit and above.
    pub async fn set_sla_policy(
        &self,
        actor: &Actor,
        unit_id: i64,
        minutes: [(Priority, Option<i64>); 3],
    ) -> Result<SlaMinutes> {
        self.authorize(actor, Action::EditUnit, unit_id).await?;
        for (p, m) in &minutes {
            if m.is_some_and(|m| !(1..=MAX_SLA_MINUTES).contains(&m)) {
                return Err(Invalid::new(field_of(*p), "out_of_range").into());
            }
        }
        let mut tx = self.store.begin().await?;
        alerting::set_sla_policy(&mut tx, unit_id, &minutes).await?;
        let detail = serde_json::json!(minutes
            .iter()
            .map(|(p, m)| (p.as_str(), *m))
            .collect::<std::collections::BTreeMap<_, _>>());
        let event = AuditEvent::new("unit.sla_changed", "unit", Some(unit_id)).by(Some(actor.account_id));
        self.audit(&mut tx, event.detail(detail)).await?;
        tx.commit().await?;
        self.alerting.sla_cache.invalidate();
        self.sla_policy(actor, unit_id).await
    }

    /// Has `watcher`'s on-duty officers told (or no longer told) of urgent tips in `scope`'s subtree. Both units
    /// must be within the actor's management.
    pub async fn set_urgent_watch(&self, actor: &Actor, watcher: i64, scope: i64, on: bool) -> Result<()> {
        self.authorize(actor, Action::ManageUnits, watcher).await?;
        self.authorize(actor, Action::ManageUnits, scope).await?;
        let detail = serde_json::json!({"scope_unit_id": scope, "on": on});
        let mut tx = self.store.begin().await?;
        alerting::set_urgent_watch(&mut tx, watcher, scope, on).await?;
        self.audit(
            &mut tx,
            AuditEvent::new("unit.urgent_watch", "unit", Some(watcher)).by(Some(actor.account_id)).detail(detail),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

fn field_of(p: Priority) -> &'static str {
    match p {
        Priority::Urgent => "urgent_minutes",
        Priority::High => "high_minutes",
        Priority::Normal => "normal_minutes",
    }
}
