//! Unit pages, followers and posts, and the feeds read from them.
//!
//! Feeds are keyset-paged: a page of a feed is "the posts before (published_at, id)", newest first, which stays
//! correct while posts are added and costs the same on page 1 and page 1,000.

use sqlx::Row;

use crate::{parse_enum, Result, Store, StoreError, Tx};
use binhyen_domain::page::{PostKind, PostState};

pub use binhyen_domain::entities::pages::Post;

#[derive(Debug, Clone, PartialEq)]
pub struct NewPost {
    pub unit_id: i64,
    pub kind: PostKind,
    pub title: String,
    pub body: String,
    pub body_html: String,
    /// None: a draft.
    pub published_at_ms: Option<i64>,
    pub author_account_id: i64,
}

/// A photo in a post (cleaned of metadata; the bytes live in the attachment store under `object_key`).
#[derive(Debug, Clone, PartialEq)]
pub struct PostImage {
    pub id: i64,
    pub post_id: i64,
    pub object_key: String,
    /// jpg, png or webp.
    pub kind: String,
    pub bytes: i64,
    pub width: Option<i64>,
    pub height: Option<i64>,
}

pub async fn add_image(tx: &mut Tx, image: &PostImage, now_ms: i64) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO page_images (post_id, object_key, kind, bytes, width, height, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(image.post_id)
    .bind(image.object_key.as_str())
    .bind(image.kind.as_str())
    .bind(image.bytes)
    .bind(image.width)
    .bind(image.height)
    .bind(now_ms)
    .fetch_one(tx.conn())
    .await?)
}

/// An approved article's photos become its post's: the same rows (the same ids and objects), now also the post's.
/// Their ids, in the order they were sent.
pub async fn adopt_article_images(tx: &mut Tx, article_id: i64, post_id: i64) -> Result<Vec<i64>> {
    let mut ids: Vec<i64> = sqlx::query_scalar(
        "UPDATE page_images SET post_id = $1 WHERE article_id = $2 AND post_id IS NULL RETURNING id",
    )
    .bind(post_id)
    .bind(article_id)
    .fetch_all(tx.conn())
    .await?;
    // RETURNING promises no order.
    ids.sort_unstable();
    Ok(ids)
}

/// What a unit says of its page, besides its contact.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PageProfile {
    pub description: Option<String>,
    /// (object key, kind: jpg, png or webp).
    pub avatar: Option<(String, String)>,
}

/// Sets a page's description ("" for none), keeping its avatar.
pub async fn set_description(tx: &mut Tx, unit_id: i64, description: &str, now_ms: i64) -> Result<()> {
    sqlx::query(
        "INSERT INTO unit_pages (unit_id, description, updated_at) VALUES ($1, $2, $3) ON CONFLICT (unit_id) \
         DO UPDATE SET description = excluded.description, updated_at = excluded.updated_at",
    )
    .bind(unit_id)
    .bind(description)
    .bind(now_ms)
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// Sets a page's avatar, keeping its description.
pub async fn set_avatar(tx: &mut Tx, unit_id: i64, object_key: &str, kind: &str, now_ms: i64) -> Result<()> {
    sqlx::query(
        "INSERT INTO unit_pages (unit_id, description, avatar_key, avatar_kind, updated_at) \
         VALUES ($1, '', $2, $3, $4) ON CONFLICT (unit_id) DO UPDATE SET avatar_key = excluded.avatar_key, \
         avatar_kind = excluded.avatar_kind, updated_at = excluded.updated_at",
    )
    .bind(unit_id)
    .bind(object_key)
    .bind(kind)
    .bind(now_ms)
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// Where a feed page starts: the posts strictly before this one, newest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FeedCursor {
    pub published_at_ms: i64,
    pub id: i64,
}

const COLUMNS: &str = "p.id, p.unit_id, p.kind, p.title, p.body, p.body_html, p.state, p.pinned, p.published_at, \
                       p.author_account_id, p.created_at, p.updated_at";

fn from_row(r: &sqlx::any::AnyRow) -> Result<Post> {
    Ok(Post {
        id: r.try_get(0)?,
        unit_id: r.try_get(1)?,
        kind: parse_enum(&r.try_get::<String, _>(2)?)?,
        title: r.try_get(3)?,
        body: r.try_get(4)?,
        body_html: r.try_get(5)?,
        state: parse_enum(&r.try_get::<String, _>(6)?)?,
        pinned: r.try_get::<i64, _>(7)? != 0,
        published_at_ms: r.try_get(8)?,
        author_account_id: r.try_get(9)?,
        created_at_ms: r.try_get(10)?,
        updated_at_ms: r.try_get(11)?,
    })
}

pub async fn insert_post(tx: &mut Tx, p: &NewPost, now_ms: i64) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO posts (unit_id, kind, title, body, body_html, state, pinned, published_at, author_account_id, \
         created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, 0, $7, $8, $9, $9) RETURNING id",
    )
    .bind(p.unit_id)
    .bind(p.kind.as_str())
    .bind(p.title.as_str())
    .bind(p.body.as_str())
    .bind(p.body_html.as_str())
    .bind(if p.published_at_ms.is_some() { PostState::Published } else { PostState::Draft }.as_str())
    .bind(p.published_at_ms)
    .bind(p.author_account_id)
    .bind(now_ms)
    .fetch_one(tx.conn())
    .await?)
}

/// Replaces a post's text (keeping the old one as a revision by `editor`) and, with Some, its publication time.
/// Sets the text of a post written in the same transaction (no revision: nobody has read the first one).
pub async fn set_body(tx: &mut Tx, id: i64, body: &str, body_html: &str) -> Result<()> {
    sqlx::query("UPDATE posts SET body = $1, body_html = $2 WHERE id = $3")
        .bind(body)
        .bind(body_html)
        .bind(id)
        .execute(tx.conn())
        .await?;
    Ok(())
}

pub async fn edit_post(
    tx: &mut Tx,
    old: &Post,
    editor: i64,
    title: &str,
    body: &str,
    body_html: &str,
    now_ms: i64,
) -> Result<()> {
    sqlx::query("INSERT INTO post_revisions (post_id, at, editor_account_id, title, body) VALUES ($1, $2, $3, $4, $5)")
        .bind(old.id)
        .bind(now_ms)
        .bind(editor)
        .bind(old.title.as_str())
        .bind(old.body.as_str())
        .execute(tx.conn())
        .await?;
    let done = sqlx::query(
        "UPDATE posts SET title = $1, body = $2, body_html = $3, updated_at = $4 WHERE id = $5 AND updated_at = $6",
    )
    .bind(title)
    .bind(body)
    .bind(body_html)
    .bind(now_ms)
    .bind(old.id)
    .bind(old.updated_at_ms)
    .execute(tx.conn())
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::Conflict("post_changed"));
    }
    Ok(())
}

pub async fn publish_post(tx: &mut Tx, id: i64, at_ms: i64, now_ms: i64) -> Result<()> {
    sqlx::query("UPDATE posts SET state = 'published', published_at = $1, updated_at = $2 WHERE id = $3")
        .bind(at_ms)
        .bind(now_ms)
        .bind(id)
        .execute(tx.conn())
        .await?;
    Ok(())
}

pub async fn set_pinned(tx: &mut Tx, id: i64, pinned: bool, now_ms: i64) -> Result<()> {
    sqlx::query("UPDATE posts SET pinned = $1, updated_at = $2 WHERE id = $3")
        .bind(i64::from(pinned))
        .bind(now_ms)
        .bind(id)
        .execute(tx.conn())
        .await?;
    Ok(())
}

impl Store {
    /// One image of a post.
    pub async fn post_image(&self, post_id: i64, image_id: i64) -> Result<PostImage> {
        let row = sqlx::query(
            "SELECT id, post_id, object_key, kind, bytes, width, height FROM page_images WHERE id = $1 AND post_id = $2",
        )
        .bind(image_id)
        .bind(post_id)
        .fetch_optional(&self.read)
        .await?
        .ok_or(StoreError::NotFound)?;
        Ok(PostImage {
            id: row.try_get(0)?,
            post_id: row.try_get(1)?,
            object_key: row.try_get(2)?,
            kind: row.try_get(3)?,
            bytes: row.try_get(4)?,
            width: row.try_get(5)?,
            height: row.try_get(6)?,
        })
    }

    /// A page's description (None when the unit has not written one) and avatar (object key and kind).
    pub async fn page_profile(&self, unit_id: i64) -> Result<PageProfile> {
        let row = sqlx::query("SELECT description, avatar_key, avatar_kind FROM unit_pages WHERE unit_id = $1")
            .bind(unit_id)
            .fetch_optional(&self.read)
            .await?;
        let Some(row) = row else { return Ok(PageProfile::default()) };
        let description: String = row.try_get(0)?;
        let avatar = match (row.try_get::<Option<String>, _>(1)?, row.try_get::<Option<String>, _>(2)?) {
            (Some(key), Some(kind)) => Some((key, kind)),
            _ => None,
        };
        Ok(PageProfile { description: Some(description).filter(|d| !d.is_empty()), avatar })
    }

    /// Follows (true) or unfollows (false); returns whether anything changed (following twice changes nothing).
    pub async fn set_following(&self, account_id: i64, unit_id: i64, follow: bool, now_ms: i64) -> Result<bool> {
        let done = if follow {
            sqlx::query(
                "INSERT INTO follows (account_id, unit_id, created_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (account_id, unit_id) DO NOTHING",
            )
            .bind(account_id)
            .bind(unit_id)
            .bind(now_ms)
            .execute(&self.write)
            .await?
        } else {
            sqlx::query("DELETE FROM follows WHERE account_id = $1 AND unit_id = $2")
                .bind(account_id)
                .bind(unit_id)
                .execute(&self.write)
                .await?
        };
        Ok(done.rows_affected() == 1)
    }

    pub async fn follower_count(&self, unit_id: i64) -> Result<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM follows WHERE unit_id = $1")
            .bind(unit_id)
            .fetch_one(&self.read)
            .await?)
    }

    /// The units an account follows.
    pub async fn followed_units(&self, account_id: i64) -> Result<Vec<i64>> {
        Ok(sqlx::query_scalar("SELECT unit_id FROM follows WHERE account_id = $1 ORDER BY unit_id")
            .bind(account_id)
            .fetch_all(&self.read)
            .await?)
    }

    pub async fn post(&self, id: i64) -> Result<Post> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM posts p WHERE p.id = $1"))
            .bind(id)
            .fetch_optional(&self.read)
            .await?
            .ok_or(StoreError::NotFound)?;
        from_row(&row)
    }

    /// Earlier versions of a post, oldest first: (at, editor, title, body).
    pub async fn post_revisions(&self, post_id: i64) -> Result<Vec<(i64, i64, String, String)>> {
        let rows =
            sqlx::query("SELECT at, editor_account_id, title, body FROM post_revisions WHERE post_id = $1 ORDER BY id")
                .bind(post_id)
                .fetch_all(&self.read)
                .await?;
        rows.iter().map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?, r.try_get(3)?))).collect()
    }

    /// A page's posts visible at `now_ms`, newest first, before `cursor`.
    pub async fn page_feed(
        &self,
        unit_id: i64,
        now_ms: i64,
        cursor: Option<FeedCursor>,
        limit: i64,
    ) -> Result<Vec<Post>> {
        self.feed("posts p WHERE p.unit_id = $1", unit_id, now_ms, cursor, limit).await
    }

    /// Posts of the pages `account_id` follows, visible at `now_ms`, newest first, before `cursor`.
    pub async fn home_feed(
        &self,
        account_id: i64,
        now_ms: i64,
        cursor: Option<FeedCursor>,
        limit: i64,
    ) -> Result<Vec<Post>> {
        let from = "follows f JOIN posts p ON p.unit_id = f.unit_id WHERE f.account_id = $1";
        self.feed(from, account_id, now_ms, cursor, limit).await
    }

    /// Published posts from `from_where` (which binds `$1` to `key`) visible at `now_ms`, newest first, strictly
    /// before `cursor`: the keyset page shared by every feed.
    async fn feed(
        &self,
        from_where: &str,
        key: i64,
        now_ms: i64,
        cursor: Option<FeedCursor>,
        limit: i64,
    ) -> Result<Vec<Post>> {
        let c = cursor.unwrap_or(FeedCursor { published_at_ms: i64::MAX, id: i64::MAX });
        // The page's ids are chosen from the index alone, then only those rows are read: sorting thousands of
        // whole posts (their HTML included) to keep twenty cost four times as much (measured by the `feed` bench).
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM posts p WHERE p.id IN (SELECT p.id FROM {from_where} AND p.state = 'published' \
             AND p.published_at <= $2 AND (p.published_at < $3 OR (p.published_at = $3 AND p.id < $4)) \
             ORDER BY p.published_at DESC, p.id DESC LIMIT $5) ORDER BY p.published_at DESC, p.id DESC"
        ))
        .bind(key)
        .bind(now_ms)
        .bind(c.published_at_ms)
        .bind(c.id)
        .bind(limit)
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(from_row).collect()
    }

    /// A page's pinned posts visible at `now_ms`, newest first.
    pub async fn pinned_posts(&self, unit_id: i64, now_ms: i64) -> Result<Vec<Post>> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM posts p WHERE p.unit_id = $1 AND p.pinned = 1 AND p.state = 'published' \
             AND p.published_at <= $2 ORDER BY p.published_at DESC, p.id DESC"
        ))
        .bind(unit_id)
        .bind(now_ms)
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(from_row).collect()
    }
}

impl Store {
    /// Refreshes the planner's statistics after a bulk load (`ANALYZE` on both engines): without them
    /// PostgreSQL planned the home feed as a scan of every post.
    pub async fn analyze(&self) -> Result<()> {
        sqlx::query("ANALYZE").execute(&self.write).await?;
        Ok(())
    }
}

/// Many follows at once, `(account_id, unit_id)`, in multi-row statements (for generated data sets: the `feed`
/// benchmark's million). Following twice changes nothing, as with `Store::set_following`.
pub async fn insert_follows_many(tx: &mut Tx, follows: &[(i64, i64)], now_ms: i64) -> Result<()> {
    const PER_ROW: usize = 3;
    for chunk in follows.chunks(crate::MAX_BINDS / PER_ROW) {
        let sql = format!(
            "INSERT INTO follows (account_id, unit_id, created_at) VALUES {} \
             ON CONFLICT (account_id, unit_id) DO NOTHING",
            crate::values_placeholders(tx, chunk.len(), PER_ROW)
        );
        let mut query = sqlx::query(&sql);
        for &(account_id, unit_id) in chunk {
            query = query.bind(account_id).bind(unit_id).bind(now_ms);
        }
        // Not cached: the text differs with the batch's size.
        query.persistent(false).execute(tx.conn()).await?;
    }
    Ok(())
}
