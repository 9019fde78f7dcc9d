//! Tips, their timeline, attachments and requests to open a sealed identity.

use crate::tip::{Priority, Protection, TipCategory, TipEventKind, TipState, Verdict};

#[derive(Debug, Clone, PartialEq)]
pub struct Tip {
    pub id: i64,
    pub category: TipCategory,
    pub description: String,
    pub occurred_at_ms: Option<i64>,
    pub happening_now: bool,
    pub area_id: Option<i64>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub address: Option<String>,
    pub protection: Protection,
    pub reporter_account_id: Option<i64>,
    pub reporter_tag: Option<String>,
    pub reporter_sealed: Option<String>,
    pub filed_by_account_id: Option<i64>,
    pub unit_id: i64,
    pub state: TipState,
    pub priority: Priority,
    pub assignee_id: Option<i64>,
    pub outcome: Option<Outcome>,
    pub submitted_at_ms: i64,
    pub updated_at_ms: i64,
}

/// What a resolution recorded: a verdict and free counts.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Outcome {
    pub verdict: Option<Verdict>,
    pub duplicate_of: Option<i64>,
    pub arrests: i64,
    pub vehicles_seized: i64,
    pub items_seized: i64,
    pub property_recovered: i64,
    pub note: Option<String>,
}

/// One line of a tip's timeline.
#[derive(Debug, Clone, PartialEq)]
pub struct TipEvent {
    pub id: i64,
    pub tip_id: i64,
    pub at_ms: i64,
    pub actor_account_id: Option<i64>,
    pub from_tipster: bool,
    pub kind: TipEventKind,
    pub from_state: Option<TipState>,
    pub to_state: Option<TipState>,
    pub unit_id: Option<i64>,
    pub body: Option<String>,
    pub visible_to_tipster: bool,
}

/// A unit working a tip beside the responsible one (alerted by its urgent watch): its acknowledgement and,
/// once it is done, its own outcome (the mobile police's arrests on a fight another unit answers for).
#[derive(Debug, Clone, PartialEq)]
pub struct TipSupport {
    pub tip_id: i64,
    pub unit_id: i64,
    pub acknowledged_at_ms: i64,
    pub acknowledged_by: i64,
    pub resolved_at_ms: Option<i64>,
    pub outcome: Option<Outcome>,
}

/// A file attached to a tip, kept as the media crate cleaned it.
#[derive(Debug, Clone, PartialEq)]
pub struct Attachment {
    pub id: i64,
    pub tip_id: i64,
    pub object_key: String,
    pub kind: String,
    pub bytes: i64,
    pub width: Option<i64>,
    pub height: Option<i64>,
}

impl Attachment {
    /// Videos are played, pictures shown. `kind` is the file's format as cleaned (jpg, png, webp, mp4).
    pub fn is_video(&self) -> bool {
        self.kind == "mp4"
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct UnsealRequest {
    pub id: i64,
    pub tip_id: i64,
    pub requested_by: i64,
    pub reason: String,
    pub requested_at_ms: i64,
    pub approved_by: Option<i64>,
    pub approved_at_ms: Option<i64>,
}
