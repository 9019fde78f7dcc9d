//! The JSON the groups API answers with (requests stay beside their handlers in `groups.rs`).

use binhyen_domain::entities::groups::{Group, Member, Message};
use binhyen_domain::group::{GroupKind, MemberRole, MemberState};
use serde::Serialize;
use utoipa::ToSchema;

use super::tip_dto::rfc3339;

#[derive(Debug, Serialize, ToSchema)]
pub struct GroupJson {
    pub id: i64,
    pub unit_id: i64,
    #[schema(value_type = String)]
    pub kind: GroupKind,
    pub name: String,
    pub description: String,
    pub created_at: String,
}

impl From<Group> for GroupJson {
    fn from(g: Group) -> Self {
        Self {
            id: g.id.0,
            unit_id: g.unit_id,
            kind: g.kind,
            name: g.name,
            description: g.description,
            created_at: rfc3339(g.created_at_ms),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MemberJson {
    pub account_id: i64,
    pub display_name: String,
    /// Only when the member shares it.
    pub phone: Option<String>,
    #[schema(value_type = String)]
    pub role: MemberRole,
    /// invited, requested, active, muted.
    #[schema(value_type = String)]
    pub state: MemberState,
}

impl From<Member> for MemberJson {
    fn from(m: Member) -> Self {
        Self { account_id: m.account_id, display_name: m.display_name, phone: m.phone, role: m.role, state: m.state }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MessageJson {
    pub id: i64,
    pub group_id: i64,
    pub author_id: i64,
    pub author_name: String,
    pub announcement: bool,
    pub body: String,
    pub pinned: bool,
    /// Only moderators see hidden messages, marked so.
    pub hidden: bool,
    /// The tip made of it (shown to the unit's officers only).
    pub tip_id: Option<i64>,
    /// A household cluster's message: the head of the household speaking, when named.
    pub household_name: Option<String>,
    /// "jpg", "png", "webp", "mp4", "pdf", "docx", "xlsx" when it carries a file (`file_url`).
    pub file_kind: Option<String>,
    pub file_url: Option<String>,
    pub at: String,
}

impl From<Message> for MessageJson {
    fn from(m: Message) -> Self {
        Self {
            id: m.id,
            group_id: m.group_id.0,
            author_id: m.author_account_id,
            author_name: m.author_name,
            announcement: m.announcement,
            body: m.body,
            pinned: m.pinned,
            hidden: m.hidden,
            tip_id: m.tip_id,
            household_name: m.household,
            file_url: m.attachment.as_ref().map(|_| format!("/api/v1/group-messages/{}/file", m.id)),
            file_kind: m.attachment.map(|(_, kind)| kind),
            at: rfc3339(m.at_ms),
        }
    }
}
