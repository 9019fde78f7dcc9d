//! Posts on a unit's page.

#[derive(Debug, Clone, PartialEq)]
pub struct Post {
    pub id: i64,
    pub unit_id: i64,
    pub kind: String,
    pub title: String,
    pub body: String,
    pub body_html: String,
    /// draft or published (published with a time to come: scheduled).
    pub state: String,
    pub pinned: bool,
    pub published_at_ms: Option<i64>,
    pub author_account_id: i64,
    pub created_at_ms: i64,
    pub updated_at_ms: i64,
}
