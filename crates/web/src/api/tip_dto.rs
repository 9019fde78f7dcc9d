//! JSON shapes of tips, for officers and for tipsters.

use binhyen_core::tips::{OfficerTipView, ReporterView, TipsterView};
use binhyen_domain::channel::ChannelKind;
use binhyen_domain::delivery::DeliveryState;
use binhyen_domain::entities::tips::{Attachment, Outcome, Tip, TipEvent};
use binhyen_domain::tip::TipEventKind;
use binhyen_domain::tip::{Priority, Protection, TipCategory, TipState, Verdict};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub(crate) fn rfc3339(ms: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp_nanos(ms as i128 * 1_000_000)
        .ok()
        .and_then(|t| t.format(&time::format_description::well_known::Rfc3339).ok())
        .unwrap_or_default()
}

#[derive(Debug, Serialize, Deserialize, ToSchema, Default, Clone)]
pub struct OutcomeJson {
    pub verdict: Option<Verdict>,
    /// For a duplicate: the tip it repeats.
    pub duplicate_of: Option<i64>,
    #[serde(default)]
    pub arrests: i64,
    #[serde(default)]
    pub vehicles_seized: i64,
    #[serde(default)]
    pub items_seized: i64,
    #[serde(default)]
    pub property_recovered: i64,
    pub note: Option<String>,
}

impl From<Outcome> for OutcomeJson {
    fn from(o: Outcome) -> Self {
        Self {
            verdict: o.verdict,
            duplicate_of: o.duplicate_of,
            arrests: o.arrests,
            vehicles_seized: o.vehicles_seized,
            items_seized: o.items_seized,
            property_recovered: o.property_recovered,
            note: o.note,
        }
    }
}

impl From<OutcomeJson> for Outcome {
    fn from(o: OutcomeJson) -> Self {
        Self {
            verdict: o.verdict,
            duplicate_of: o.duplicate_of,
            arrests: o.arrests,
            vehicles_seized: o.vehicles_seized,
            items_seized: o.items_seized,
            property_recovered: o.property_recovered,
            note: o.note,
        }
    }
}

/// A tip in a list or at the top of its page.
#[derive(Debug, Serialize, ToSchema)]
pub struct TipJson {
    pub id: i64,
    pub category: TipCategory,
    pub description: String,
    pub state: TipState,
    pub priority: Priority,
    pub protection: Protection,
    pub happening_now: bool,
    /// RFC 3339.
    pub occurred_at: Option<String>,
    pub submitted_at: String,
    pub updated_at: String,
    pub unit_id: i64,
    pub area_id: Option<i64>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub address: Option<String>,
    pub assignee_id: Option<i64>,
    pub outcome: Option<OutcomeJson>,
}

impl From<Tip> for TipJson {
    fn from(t: Tip) -> Self {
        Self {
            id: t.id,
            category: t.category,
            description: t.description,
            state: t.state,
            priority: t.priority,
            protection: t.protection,
            happening_now: t.happening_now,
            occurred_at: t.occurred_at_ms.map(rfc3339),
            submitted_at: rfc3339(t.submitted_at_ms),
            updated_at: rfc3339(t.updated_at_ms),
            unit_id: t.unit_id,
            area_id: t.area_id,
            lat: t.lat,
            lon: t.lon,
            address: t.address,
            assignee_id: t.assignee_id,
            outcome: t.outcome.map(Into::into),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TipListJson {
    pub tips: Vec<TipJson>,
    pub page: i64,
    pub per_page: i64,
}

/// One line of a timeline.
#[derive(Debug, Serialize, ToSchema)]
pub struct TipEventJson {
    pub id: i64,
    pub at: String,
    pub kind: TipEventKind,
    pub from_tipster: bool,
    pub actor_account_id: Option<i64>,
    pub from_state: Option<TipState>,
    pub to_state: Option<TipState>,
    pub unit_id: Option<i64>,
    pub body: Option<String>,
}

impl From<TipEvent> for TipEventJson {
    fn from(e: TipEvent) -> Self {
        Self {
            id: e.id,
            at: rfc3339(e.at_ms),
            kind: e.kind,
            from_tipster: e.from_tipster,
            actor_account_id: e.actor_account_id,
            from_state: e.from_state,
            to_state: e.to_state,
            unit_id: e.unit_id,
            body: e.body,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AttachmentJson {
    pub id: i64,
    /// jpeg, png, webp or mp4.
    pub kind: String,
    pub bytes: i64,
    pub width: Option<i64>,
    pub height: Option<i64>,
}

impl From<Attachment> for AttachmentJson {
    fn from(a: Attachment) -> Self {
        Self { id: a.id, kind: a.kind, bytes: a.bytes, width: a.width, height: a.height }
    }
}

/// Who sent a tip, as far as this officer may know.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReporterJson {
    /// anonymous, known or sealed.
    pub status: String,
    pub account_id: Option<i64>,
    pub name: Option<String>,
    pub phone: Option<String>,
    pub household_id: Option<i64>,
}

impl From<ReporterView> for ReporterJson {
    fn from(r: ReporterView) -> Self {
        let none = |status: &str| Self {
            status: status.to_owned(),
            account_id: None,
            name: None,
            phone: None,
            household_id: None,
        };
        match r {
            ReporterView::Anonymous => none("anonymous"),
            ReporterView::Sealed => none("sealed"),
            ReporterView::Known { account_id, name, phone, household_id } => Self {
                status: "known".to_owned(),
                account_id,
                name,
                phone: phone.map(|p| binhyen_domain::PhoneNumber::parse(&p).map(|n| n.national()).unwrap_or(p)),
                household_id,
            },
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UnsealRequestJson {
    pub id: i64,
    pub requested_by: i64,
    pub reason: String,
    pub requested_at: String,
    pub approved_by: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OfficerTipJson {
    pub tip: TipJson,
    /// What the triage rules suggest from the description, with the words that led there: advice for the
    /// officer, who decides.
    pub triage: TriageJson,
    pub reporter: ReporterJson,
    pub events: Vec<TipEventJson>,
    pub attachments: Vec<AttachmentJson>,
    pub unseal_requests: Vec<UnsealRequestJson>,
    pub deliveries: Vec<DeliveryJson>,
    /// Units working it beside the responsible one.
    pub support: Vec<TipSupportJson>,
    /// What the caller may do with this tip (the same rules refuse them if they try anyway).
    pub can: TipAbilitiesJson,
}

/// A supporting unit: when it acknowledged and, once done, its own outcome.
#[derive(Debug, Serialize, ToSchema)]
pub struct TipSupportJson {
    pub unit_id: i64,
    pub acknowledged_at: String,
    pub acknowledged_by: i64,
    pub resolved_at: Option<String>,
    pub outcome: Option<OutcomeJson>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TipAbilitiesJson {
    /// Actions open from the tip's state: acknowledge, verify, dispatch, resolve, transfer, reopen.
    pub transitions: Vec<String>,
    /// Ids of the unseal requests the caller may approve.
    pub approve_unseal: Vec<i64>,
    /// The caller's own request to see the identity was approved (`GET …/identity`).
    pub view_identity: bool,
    /// Codes of the units it may be transferred to.
    pub transfer_to: Vec<String>,
    /// Ids of the officers it may be assigned to.
    pub assign_to: Vec<i64>,
    /// The caller's unit supports it (alerted by its urgent watch) and may acknowledge it (`POST …/support`).
    pub support_acknowledge: bool,
    /// The caller's supporting unit may record its own outcome.
    pub support_resolve: bool,
}

impl From<binhyen_core::tips::TipAbilities> for TipAbilitiesJson {
    fn from(c: binhyen_core::tips::TipAbilities) -> Self {
        Self {
            transitions: c.transitions.iter().map(|t| t.as_str().to_owned()).collect(),
            approve_unseal: c.approve_unseal,
            view_identity: c.view_identity,
            transfer_to: c.transfer_to.into_iter().map(|u| u.code).collect(),
            assign_to: c.assign_to.into_iter().map(|a| a.id).collect(),
            support_acknowledge: c.support_acknowledge,
            support_resolve: c.support_resolve,
        }
    }
}

/// A message the tip caused, and where it stands. The address is not shown: the channel and the account say
/// who it was for.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryJson {
    pub id: i64,
    /// email, sms, webhook, zalo.
    #[schema(value_type = String)]
    pub channel: ChannelKind,
    pub account_id: Option<i64>,
    pub subject: String,
    /// queued, sent, retrying, dead.
    #[schema(value_type = String)]
    pub state: DeliveryState,
    pub attempts: i64,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
    pub updated_at: String,
}

impl From<binhyen_domain::entities::deliveries::Delivery> for DeliveryJson {
    fn from(d: binhyen_domain::entities::deliveries::Delivery) -> Self {
        Self {
            id: d.id,
            channel: d.channel,
            account_id: d.account_id,
            subject: d.subject,
            state: d.state,
            attempts: d.attempts,
            last_error: d.last_error,
            updated_at: rfc3339(d.updated_at_ms),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TriageJson {
    pub category: TipCategory,
    pub priority: Priority,
    /// The cues found, as written in the rules ("mã tấu", "đang").
    pub because: Vec<String>,
}

impl From<binhyen_core::triage::Suggestion> for TriageJson {
    fn from(s: binhyen_core::triage::Suggestion) -> Self {
        Self {
            category: s.category,
            priority: s.priority,
            because: s.because.iter().map(|w| (*w).to_owned()).collect(),
        }
    }
}

impl From<OfficerTipView> for OfficerTipJson {
    fn from(v: OfficerTipView) -> Self {
        Self {
            triage: binhyen_core::triage::suggest(&v.tip.description).into(),
            tip: v.tip.into(),
            reporter: v.reporter.into(),
            events: v.events.into_iter().map(Into::into).collect(),
            deliveries: v.deliveries.into_iter().map(Into::into).collect(),
            attachments: v.attachments.into_iter().map(Into::into).collect(),
            can: v.can.into(),
            support: v
                .support
                .into_iter()
                .map(|s| TipSupportJson {
                    unit_id: s.unit_id,
                    acknowledged_at: rfc3339(s.acknowledged_at_ms),
                    acknowledged_by: s.acknowledged_by,
                    resolved_at: s.resolved_at_ms.map(rfc3339),
                    outcome: s.outcome.map(Into::into),
                })
                .collect(),
            unseal_requests: v
                .unseal_requests
                .into_iter()
                .map(|r| UnsealRequestJson {
                    id: r.id,
                    requested_by: r.requested_by,
                    reason: r.reason,
                    requested_at: rfc3339(r.requested_at_ms),
                    approved_by: r.approved_by,
                })
                .collect(),
        }
    }
}

/// A tip as its tipster sees it: no internal notes, no officers' names, no reasons.
#[derive(Debug, Serialize, ToSchema)]
pub struct TipsterTipJson {
    pub id: i64,
    pub category: TipCategory,
    pub description: String,
    pub state: TipState,
    pub protection: Protection,
    pub submitted_at: String,
    pub events: Vec<TipEventJson>,
}

impl From<TipsterView> for TipsterTipJson {
    fn from(v: TipsterView) -> Self {
        Self {
            id: v.tip.id,
            category: v.tip.category,
            description: v.tip.description,
            state: v.tip.state,
            protection: v.tip.protection,
            submitted_at: rfc3339(v.tip.submitted_at_ms),
            events: v.events.into_iter().map(Into::into).collect(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TipsterListJson {
    pub tips: Vec<TipsterTipJson>,
}
