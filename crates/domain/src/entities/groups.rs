//! Sector groups of a unit, their members and messages.

use crate::group::{GroupId, GroupKind, MemberRole, MemberState};

#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub id: GroupId,
    pub unit_id: i64,
    pub kind: GroupKind,
    pub name: String,
    pub description: String,
    pub created_at_ms: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    pub account_id: i64,
    pub display_name: String,
    /// Only when the member chose to share it.
    pub phone: Option<String>,
    pub role: MemberRole,
    pub state: MemberState,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    pub id: i64,
    pub group_id: GroupId,
    pub author_account_id: i64,
    pub author_name: String,
    pub announcement: bool,
    pub body: String,
    pub pinned: bool,
    pub hidden: bool,
    /// The tip an officer made of it.
    pub tip_id: Option<i64>,
    /// (object key, kind: "jpg", "png", "webp", "mp4", "pdf", "docx", "xlsx").
    pub attachment: Option<(String, String)>,
    /// For a household cluster's message: the head of the household speaking, when named.
    pub household: Option<String>,
    pub at_ms: i64,
}
