//! Posts on a unit's page.

use crate::page::{PostKind, PostState};

#[derive(Debug, Clone, PartialEq)]
pub struct Post {
    pub id: i64,
    pub unit_id: i64,
    pub kind: PostKind,
    pub title: String,
    pub body: String,
    pub body_html: String,
    /// Published with a time to come: scheduled.
    pub state: PostState,
    pub pinned: bool,
    pub published_at_ms: Option<i64>,
    pub author_account_id: i64,
    pub created_at_ms: i64,
    pub updated_at_ms: i64,
}
