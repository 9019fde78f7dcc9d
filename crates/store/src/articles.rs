//! Articles citizens submit to a unit's page, and what officers decided.

use sqlx::Row;

use crate::{parse_enum, Result, Store, StoreError, Tx};
use binhyen_domain::page::ArticleState;

pub use binhyen_domain::entities::articles::Article;

const COLUMNS: &str =
    "id, unit_id, author_account_id, title, body, credit, state, reason, post_id, created_at, updated_at";

fn from_row(r: &sqlx::any::AnyRow) -> Result<Article> {
    Ok(Article {
        id: r.try_get(0)?,
        unit_id: r.try_get(1)?,
        author_account_id: r.try_get(2)?,
        title: r.try_get(3)?,
        body: r.try_get(4)?,
        credit: r.try_get::<i64, _>(5)? != 0,
        state: parse_enum(&r.try_get::<String, _>(6)?)?,
        reason: r.try_get(7)?,
        post_id: r.try_get(8)?,
        created_at_ms: r.try_get(9)?,
        updated_at_ms: r.try_get(10)?,
    })
}

#[allow(clippy::too_many_arguments)]
pub async fn insert(
    tx: &mut Tx,
    unit_id: i64,
    author: i64,
    title: &str,
    body: &str,
    credit: bool,
    now_ms: i64,
) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO articles (unit_id, author_account_id, title, body, credit, state, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, 'submitted', $6, $6) RETURNING id",
    )
    .bind(unit_id)
    .bind(author)
    .bind(title)
    .bind(body)
    .bind(i64::from(credit))
    .bind(now_ms)
    .fetch_one(tx.conn())
    .await?)
}

/// Decides a submitted article: approved with its post, or rejected with a reason. `Conflict("article_decided")`
/// if it was decided meanwhile.
pub async fn decide(
    tx: &mut Tx,
    id: i64,
    by: i64,
    post_id: Option<i64>,
    reason: Option<&str>,
    now_ms: i64,
) -> Result<()> {
    let done = sqlx::query(
        "UPDATE articles SET state = $1, post_id = $2, reason = $3, decided_by = $4, updated_at = $5 \
         WHERE id = $6 AND state = 'submitted'",
    )
    .bind(if post_id.is_some() { ArticleState::Approved } else { ArticleState::Rejected }.as_str())
    .bind(post_id)
    .bind(reason)
    .bind(by)
    .bind(now_ms)
    .bind(id)
    .execute(tx.conn())
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::Conflict("article_decided"));
    }
    Ok(())
}

impl Store {
    pub async fn article(&self, id: i64) -> Result<Article> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM articles WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.read)
            .await?
            .ok_or(StoreError::NotFound)?;
        from_row(&row)
    }

    /// A page's articles in one state, oldest first (the queue officers work through).
    pub async fn articles_of_unit(&self, unit_id: i64, state: ArticleState) -> Result<Vec<Article>> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM articles WHERE unit_id = $1 AND state = $2 ORDER BY id LIMIT 200"
        ))
        .bind(unit_id)
        .bind(state.as_str())
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(from_row).collect()
    }

    /// An author's own articles, newest first.
    pub async fn articles_of_author(&self, account_id: i64) -> Result<Vec<Article>> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM articles WHERE author_account_id = $1 ORDER BY id DESC LIMIT 200"
        ))
        .bind(account_id)
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(from_row).collect()
    }
}

/// A photo sent with an article (cleaned of metadata; the bytes live in the attachment store).
#[derive(Debug, Clone, PartialEq)]
pub struct ArticleImage {
    pub id: i64,
    pub article_id: i64,
    pub object_key: String,
    /// jpg, png or webp.
    pub kind: String,
    pub bytes: i64,
    pub width: Option<i64>,
    pub height: Option<i64>,
}

pub async fn add_image(tx: &mut Tx, image: &ArticleImage, now_ms: i64) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO page_images (article_id, object_key, kind, bytes, width, height, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(image.article_id)
    .bind(image.object_key.as_str())
    .bind(image.kind.as_str())
    .bind(image.bytes)
    .bind(image.width)
    .bind(image.height)
    .bind(now_ms)
    .fetch_one(tx.conn())
    .await?)
}

impl Store {
    /// An article's photos, in the order they were sent.
    pub async fn article_images(&self, article_id: i64) -> Result<Vec<ArticleImage>> {
        let rows = sqlx::query(
            "SELECT id, article_id, object_key, kind, bytes, width, height FROM page_images \
             WHERE article_id = $1 ORDER BY id",
        )
        .bind(article_id)
        .fetch_all(&self.read)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(ArticleImage {
                    id: r.try_get(0)?,
                    article_id: r.try_get(1)?,
                    object_key: r.try_get(2)?,
                    kind: r.try_get(3)?,
                    bytes: r.try_get(4)?,
                    width: r.try_get(5)?,
                    height: r.try_get(6)?,
                })
            })
            .collect()
    }
}
