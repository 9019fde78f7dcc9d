//! Questions (hỏi đáp) to a unit, their threads, and each unit's canned replies (see migration 0011).

use binhyen_domain::question::QuestionState;
use sqlx::Row;

use crate::{parse_enum, Result, Store, StoreError, Tx};

pub use binhyen_domain::entities::questions::{CannedReply, Question, QuestionMessage};

const COLUMNS: &str =
    "id, unit_id, asker_account_id, body, state, attachment_key, attachment_kind, created_at, updated_at";

fn question(r: &sqlx::any::AnyRow) -> Result<Question> {
    let attachment = match (r.try_get::<Option<String>, _>(5)?, r.try_get::<Option<String>, _>(6)?) {
        (Some(key), Some(kind)) => Some((key, kind)),
        _ => None,
    };
    Ok(Question {
        id: r.try_get(0)?,
        unit_id: r.try_get(1)?,
        asker_account_id: r.try_get(2)?,
        body: r.try_get(3)?,
        state: parse_enum(&r.try_get::<String, _>(4)?)?,
        attachment,
        created_at_ms: r.try_get(7)?,
        updated_at_ms: r.try_get(8)?,
    })
}

pub async fn insert(
    tx: &mut Tx,
    unit_id: i64,
    asker: i64,
    body: &str,
    attachment: Option<(&str, &str)>,
    now_ms: i64,
) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO questions (unit_id, asker_account_id, body, state, attachment_key, attachment_kind, \
         created_at, updated_at) VALUES ($1, $2, $3, 'open', $4, $5, $6, $6) RETURNING id",
    )
    .bind(unit_id)
    .bind(asker)
    .bind(body)
    .bind(attachment.map(|a| a.0))
    .bind(attachment.map(|a| a.1))
    .bind(now_ms)
    .fetch_one(tx.conn())
    .await?)
}

pub async fn add_message(
    tx: &mut Tx,
    question_id: i64,
    from_officer: bool,
    author: i64,
    body: &str,
    now_ms: i64,
) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO question_messages (question_id, from_officer, author_account_id, body, at) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(question_id)
    .bind(i64::from(from_officer))
    .bind(author)
    .bind(body)
    .bind(now_ms)
    .fetch_one(tx.conn())
    .await?)
}

/// Moves a question from `from` to `to`; `Conflict("question_changed")` if it was no longer in `from`.
pub async fn set_state(tx: &mut Tx, id: i64, from: QuestionState, to: QuestionState, now_ms: i64) -> Result<()> {
    let done = sqlx::query("UPDATE questions SET state = $1, updated_at = $2 WHERE id = $3 AND state = $4")
        .bind(to.as_str())
        .bind(now_ms)
        .bind(id)
        .bind(from.as_str())
        .execute(tx.conn())
        .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::Conflict("question_changed"));
    }
    Ok(())
}

/// Attaches a photo to a question that has none; false when it already had one.
pub async fn set_attachment(tx: &mut Tx, id: i64, key: &str, kind: &str) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE questions SET attachment_key = $1, attachment_kind = $2 WHERE id = $3 AND attachment_key IS NULL",
    )
    .bind(key)
    .bind(kind)
    .bind(id)
    .execute(tx.conn())
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn insert_canned(tx: &mut Tx, unit_id: i64, title: &str, body: &str, now_ms: i64) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO canned_replies (unit_id, title, body, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(unit_id)
    .bind(title)
    .bind(body)
    .bind(now_ms)
    .fetch_one(tx.conn())
    .await?)
}

impl Store {
    pub async fn question(&self, id: i64) -> Result<Question> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM questions WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.read)
            .await?
            .ok_or(StoreError::NotFound)?;
        question(&row)
    }

    pub async fn question_messages(&self, question_id: i64) -> Result<Vec<QuestionMessage>> {
        let rows = sqlx::query(
            "SELECT id, from_officer, author_account_id, body, at FROM question_messages WHERE question_id = $1 \
             ORDER BY id",
        )
        .bind(question_id)
        .fetch_all(&self.read)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(QuestionMessage {
                    id: r.try_get(0)?,
                    from_officer: r.try_get::<i64, _>(1)? != 0,
                    author_account_id: r.try_get(2)?,
                    body: r.try_get(3)?,
                    at_ms: r.try_get(4)?,
                })
            })
            .collect()
    }

    /// A unit's questions in a state (all states when None), newest first.
    pub async fn unit_questions(&self, unit_id: i64, state: Option<QuestionState>) -> Result<Vec<Question>> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM questions WHERE unit_id = $1 AND ($2 IS NULL OR state = $2) ORDER BY id DESC \
             LIMIT 200"
        ))
        .bind(unit_id)
        .bind(state.map(QuestionState::as_str))
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(question).collect()
    }

    /// An account's questions, newest first.
    pub async fn questions_of(&self, account_id: i64) -> Result<Vec<Question>> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM questions WHERE asker_account_id = $1 ORDER BY id DESC LIMIT 200"
        ))
        .bind(account_id)
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(question).collect()
    }

    pub async fn canned_replies(&self, unit_id: i64) -> Result<Vec<CannedReply>> {
        let rows =
            sqlx::query("SELECT id, unit_id, title, body FROM canned_replies WHERE unit_id = $1 ORDER BY title, id")
                .bind(unit_id)
                .fetch_all(&self.read)
                .await?;
        rows.iter()
            .map(|r| {
                Ok(CannedReply { id: r.try_get(0)?, unit_id: r.try_get(1)?, title: r.try_get(2)?, body: r.try_get(3)? })
            })
            .collect()
    }
}
