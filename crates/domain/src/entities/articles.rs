//! Articles citizens send to a unit's page.

use crate::page::ArticleState;

#[derive(Debug, Clone, PartialEq)]
pub struct Article {
    pub id: i64,
    pub unit_id: i64,
    pub author_account_id: i64,
    pub title: String,
    pub body: String,
    /// Whether the published post names its author.
    pub credit: bool,
    pub state: ArticleState,
    pub reason: Option<String>,
    pub post_id: Option<i64>,
    pub created_at_ms: i64,
    pub updated_at_ms: i64,
}
