//! Public alerts: a unit warns everyone in an area (its sub-areas included) until the alert expires. An alert
//! is at the top of the feed of everyone whose home is inside its area as soon as it is committed (read at
//! query time, like posts), and is delivered to the followers of the unit's page who live there: issuing it
//! queues one fan-out job, which cuts those followers into ranges of `BATCH` accounts and queues a job per
//! range; each of those writes its followers' notifications (and queues their Zalo/SMS/e-mail deliveries).
//! Everything goes through the durable job queue, so a restart loses nobody.

use crate::PublicAlerts;
use std::collections::BTreeSet;

use binhyen_domain::alert::{AlertCategory, Certainty, Severity, Urgency};
use binhyen_domain::{Action, Actor, Invalid};
use binhyen_store::areas::Area;
use binhyen_store::public_alerts::{self, NewPublicAlert, PublicAlert};
use binhyen_store::units::Unit;
use binhyen_store::StoreError;

use crate::audit::AuditEvent;
use crate::jobs::JobPayload;
use crate::{CoreError, Result};

/// Followers per notification job.
pub(crate) const BATCH: i64 = 1000;
/// The longest an alert may stay in force: longer warnings are posts.
const MAX_DAYS: i64 = 30;
/// Attempts of the alert's own jobs (internal work, no outside party).
pub(crate) const ATTEMPTS: i64 = 10;

#[derive(Debug, Clone)]
pub struct AlertInput {
    pub area_id: i64,
    pub category: AlertCategory,
    pub event: String,
    pub severity: Severity,
    pub urgency: Urgency,
    pub certainty: Certainty,
    pub headline: String,
    pub description: String,
    pub instruction: Option<String>,
    pub expires_at_ms: i64,
}

/// An alert with what readers need around it: the unit that issued it and where it applies.
#[derive(Debug, Clone)]
pub struct AlertView {
    pub alert: PublicAlert,
    pub unit: Unit,
    /// The target area, then the areas above it.
    pub area: Vec<Area>,
}

fn alert_not_found(e: StoreError) -> CoreError {
    match e {
        StoreError::NotFound => CoreError::not_found("alert"),
        other => other.into(),
    }
}

/// Most severe first, then newest.
fn by_severity(mut alerts: Vec<PublicAlert>) -> Vec<PublicAlert> {
    let rank = |a: &PublicAlert| a.severity.rank();
    alerts.sort_by(|a, b| rank(a).cmp(&rank(b)).then(b.sent_at_ms.cmp(&a.sent_at_ms)).then(b.id.cmp(&a.id)));
    alerts
}

impl PublicAlerts<'_> {
    /// Issues an alert from a unit (its commanders, and those of the units above it) to an area inside the
    /// unit's jurisdiction.
    pub async fn issue_alert(&self, actor: &Actor, unit_id: i64, input: AlertInput) -> Result<PublicAlert> {
        self.authorize(actor, Action::EditUnit, unit_id).await?;
        let now = self.now_ms();
        let event = crate::tips::required_text(Some(&input.event), "event", 120)?;
        let headline = crate::tips::required_text(Some(&input.headline), "headline", 160)?;
        let description = crate::tips::required_text(Some(&input.description), "description", 4000)?;
        let instruction = match input.instruction.as_deref().map(str::trim) {
            Some(text) if !text.is_empty() => Some(crate::tips::required_text(Some(text), "instruction", 2000)?),
            _ => None,
        };
        if input.expires_at_ms <= now {
            return Err(Invalid::new("expires_at", "in_past").into());
        }
        if input.expires_at_ms > now + MAX_DAYS * 86_400_000 {
            return Err(Invalid::new("expires_at", "too_far").into());
        }
        self.store.area(input.area_id).await.map_err(|e| match e {
            StoreError::NotFound => CoreError::not_found_field("area", "area_id"),
            other => other.into(),
        })?;
        if !self.area_in_jurisdiction(unit_id, input.area_id).await? {
            return Err(Invalid::new("area_id", "outside_jurisdiction").into());
        }
        let new = NewPublicAlert {
            unit_id,
            area_id: input.area_id,
            category: input.category,
            event,
            severity: input.severity,
            urgency: input.urgency,
            certainty: input.certainty,
            headline,
            description,
            instruction,
            sent_at_ms: now,
            expires_at_ms: input.expires_at_ms,
            author_account_id: actor.account_id,
        };
        let mut tx = self.store.begin().await?;
        let (id, areas) = public_alerts::insert(&mut tx, &new).await?;
        self.jobs().enqueue(&mut tx, &[JobPayload::AlertFanout { alert_id: id }.job(now, ATTEMPTS)]).await?;
        let detail = serde_json::json!({"unit_id": unit_id, "area_id": new.area_id, "areas_covered": areas});
        self.audit(
            &mut tx,
            AuditEvent::new("alert.issued", "alert", Some(id)).by(Some(actor.account_id)).detail(detail),
        )
        .await?;
        tx.commit().await?;
        Ok(self.store.public_alert(id).await?)
    }

    /// Ends an alert before its expiry: it leaves every feed, and batches not yet delivered are not sent.
    pub async fn cancel_alert(&self, actor: &Actor, alert_id: i64) -> Result<PublicAlert> {
        let alert = self.store.public_alert(alert_id).await.map_err(alert_not_found)?;
        self.authorize(actor, Action::EditUnit, alert.unit_id).await?;
        let mut tx = self.store.begin().await?;
        if !public_alerts::cancel(&mut tx, alert_id, self.now_ms()).await? {
            return Err(CoreError::Conflict { code: "alert_not_in_force", field: None });
        }
        self.audit(&mut tx, AuditEvent::new("alert.cancelled", "alert", Some(alert_id)).by(Some(actor.account_id)))
            .await?;
        tx.commit().await?;
        Ok(self.store.public_alert(alert_id).await?)
    }

    /// Any alert, in force or not: alerts are public.
    pub async fn public_alert(&self, alert_id: i64) -> Result<PublicAlert> {
        self.store.public_alert(alert_id).await.map_err(alert_not_found)
    }

    /// The alert with its unit and area.
    pub async fn alert_view(&self, alert: PublicAlert) -> Result<AlertView> {
        let unit = self.store.unit(alert.unit_id).await?;
        let area = self.store.area_ancestors(alert.area_id).await?;
        Ok(AlertView { alert, unit, area })
    }

    /// The alerts in force over the account's home, most severe first.
    pub async fn alerts_for(&self, account_id: i64) -> Result<Vec<PublicAlert>> {
        Ok(by_severity(self.store.alerts_over_home(account_id, self.now_ms()).await?))
    }

    /// The alerts in force: everywhere, or over one area (with the areas around it), most severe first.
    pub async fn alerts_in_force(&self, area_id: Option<i64>) -> Result<Vec<PublicAlert>> {
        let alerts = match area_id {
            Some(area) => {
                self.store.area(area).await.map_err(|_| CoreError::not_found_field("area", "area_id"))?;
                self.store.alerts_over_area(area, self.now_ms()).await?
            }
            None => self.store.active_alerts(self.now_ms(), 500).await?,
        };
        Ok(by_severity(alerts))
    }

    /// A unit's alerts, newest first: the ones in force and the recent past.
    pub async fn unit_alerts(&self, unit_id: i64) -> Result<Vec<PublicAlert>> {
        self.store.unit(unit_id).await.map_err(|_| CoreError::not_found("unit"))?;
        Ok(self.store.unit_alerts(unit_id, 50).await?)
    }

    /// Whether `area_id` lies inside the areas `unit_id` answers for (a unit without areas of its own, such as
    /// a specialised team, answers for those of the nearest unit above it that has some).
    async fn area_in_jurisdiction(&self, unit_id: i64, area_id: i64) -> Result<bool> {
        let forest = self.units().directory_snapshot().await?.forest;
        let mut own = Vec::new();
        for unit in crate::alerting::ancestry(&forest, unit_id) {
            own = self.store.unit_jurisdiction(unit).await?;
            if !own.is_empty() {
                break;
            }
        }
        let above = self.areas_around(area_id).await?;
        Ok(own.iter().any(|a| above.contains(&a.id)))
    }

    /// The area, the areas above it, and (for a pre-2025 area) those of the area it went into.
    async fn areas_around(&self, area_id: i64) -> Result<BTreeSet<i64>> {
        let mut out = BTreeSet::new();
        let mut pending = vec![area_id];
        while let Some(next) = pending.pop() {
            for area in self.store.area_ancestors(next).await? {
                if out.insert(area.id) {
                    if let Some((successor, true)) = self.store.area_successors(area.id).await?.into_iter().next() {
                        pending.push(successor.id);
                    }
                }
            }
        }
        Ok(out)
    }
}
