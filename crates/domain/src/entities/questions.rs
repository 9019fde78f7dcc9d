//! Citizens' questions to a unit, their threads, and officers' canned replies.

use crate::question::QuestionState;

#[derive(Debug, Clone, PartialEq)]
pub struct Question {
    pub id: i64,
    pub unit_id: i64,
    pub asker_account_id: i64,
    pub body: String,
    pub state: QuestionState,
    /// (object key, kind) of the photo sent with it.
    pub attachment: Option<(String, String)>,
    pub created_at_ms: i64,
    pub updated_at_ms: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct QuestionMessage {
    pub id: i64,
    pub from_officer: bool,
    pub author_account_id: i64,
    pub body: String,
    pub at_ms: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CannedReply {
    pub id: i64,
    pub unit_id: i64,
    pub title: String,
    pub body: String,
}
