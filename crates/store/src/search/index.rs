//! Writing the index: the queue the triggers fill, the sources read as they are now, documents replaced.

use sqlx::Row;

use super::fts5::{joined, pairs};
use super::postgres::{cast_every_ninth, tsvector};
use super::{NewDoc, Queued, Source};
use crate::{id_list, values_placeholders, Result, Tx, MAX_BINDS};

/// Sources read per kind and statement.
const SOURCE_SQL: &[(&str, &str)] = &[
    (
        "post",
        "SELECT id, unit_id, title, body, COALESCE(published_at, updated_at), \
         CASE WHEN state = 'published' THEN 0 ELSE 1 END FROM posts WHERE id IN",
    ),
    (
        "guide",
        "SELECT id, unit_id, title, summary || ' ' || documents || ' ' || place || ' ' || fee, updated_at, 0 \
         FROM guides WHERE id IN",
    ),
    ("form", "SELECT id, unit_id, code || ' ' || title, '', created_at, 0 FROM forms WHERE id IN"),
    (
        "unit",
        "SELECT id, id, name, COALESCE(address, '') || ' ' || code, created_at, \
         0 FROM units WHERE id IN",
    ),
    (
        "area",
        "SELECT a.id, NULL, a.name, a.kind || COALESCE(', ' || p.name, '') || COALESCE(', ' || g.name, ''), \
         a.created_at, 0 FROM areas a LEFT JOIN areas p ON p.id = a.parent_id LEFT JOIN areas g ON g.id = p.parent_id \
         WHERE a.id IN",
    ),
    ("tip", "SELECT id, unit_id, '', description, submitted_at, 0 FROM tips WHERE id IN"),
    ("question", "SELECT id, unit_id, '', body, created_at, 0 FROM questions WHERE id IN"),
];

/// Every kind the index holds, as the triggers name them.
pub fn kinds() -> impl Iterator<Item = &'static str> {
    SOURCE_SQL.iter().map(|(kind, _)| *kind)
}

/// Reads the changes waiting to be indexed, oldest first.
pub async fn queued(tx: &mut Tx, limit: i64) -> Result<Vec<Queued>> {
    let rows = sqlx::query("SELECT id, kind, ref_id FROM search_queue ORDER BY id LIMIT $1")
        .bind(limit)
        .fetch_all(tx.conn())
        .await?;
    rows.iter().map(|r| Ok(Queued { id: r.try_get(0)?, kind: r.try_get(1)?, ref_id: r.try_get(2)? })).collect()
}

pub async fn dequeue(tx: &mut Tx, ids: &[i64]) -> Result<()> {
    for chunk in ids.chunks(1000) {
        sqlx::query(&format!("DELETE FROM search_queue WHERE id IN ({})", id_list(chunk.iter().copied())))
            .execute(tx.conn())
            .await?;
    }
    Ok(())
}

/// Whether this transaction may index now. On PostgreSQL one node at a time indexes (a transaction-level
/// advisory lock; another node that finds it held skips its turn), so that a node that read a source before a
/// change cannot overwrite the document another node wrote after it. On SQLite the single writer does that.
pub async fn hold_indexer(tx: &mut Tx) -> Result<bool> {
    if tx.conn().backend_name() != "PostgreSQL" {
        return Ok(true);
    }
    // An arbitrary constant naming the lock: "search" in ASCII.
    let held: bool =
        sqlx::query("SELECT pg_try_advisory_xact_lock(115101097114099104)").fetch_one(tx.conn()).await?.try_get(0)?;
    Ok(held)
}

/// The sources of `ids` of `kind`, as they are now (missing ones are gone).
pub async fn sources(tx: &mut Tx, kind: &str, ids: &[i64]) -> Result<Vec<Source>> {
    let Some((_, sql)) = SOURCE_SQL.iter().find(|(k, _)| *k == kind) else {
        return Ok(Vec::new());
    };
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(1000) {
        let rows = sqlx::query(&format!("{sql} ({})", id_list(chunk.iter().copied()))).fetch_all(tx.conn()).await?;
        for r in &rows {
            let hidden: i64 = r.try_get(5)?;
            out.push(Source {
                ref_id: r.try_get(0)?,
                unit_id: r.try_get(1)?,
                title: r.try_get(2)?,
                body: r.try_get(3)?,
                at_ms: r.try_get(4)?,
                hidden: hidden != 0,
            });
        }
    }
    Ok(out)
}

/// The answers of questions, to index with them.
pub async fn question_answers(tx: &mut Tx, ids: &[i64]) -> Result<Vec<(i64, String)>> {
    let mut out = Vec::new();
    for chunk in ids.chunks(1000) {
        let sql = format!(
            "SELECT question_id, body FROM question_messages WHERE question_id IN ({}) ORDER BY id",
            id_list(chunk.iter().copied())
        );
        for r in &sqlx::query(&sql).fetch_all(tx.conn()).await? {
            out.push((r.try_get(0)?, r.try_get(1)?));
        }
    }
    Ok(out)
}

/// Replaces the documents of `ref_ids` of `kind` with `docs` (those still to be found; the others are removed).
pub async fn replace_docs(tx: &mut Tx, kind: &str, ref_ids: &[i64], docs: &[NewDoc]) -> Result<()> {
    let sqlite = tx.conn().backend_name() != "PostgreSQL";
    for chunk in ref_ids.chunks(1000) {
        let list = id_list(chunk.iter().copied());
        let sql = format!("SELECT id FROM search_docs WHERE kind = $1 AND ref_id IN ({list})");
        let old: Vec<i64> = sqlx::query_scalar(&sql).bind(kind).fetch_all(tx.conn()).await?;
        if old.is_empty() {
            continue;
        }
        if sqlite {
            sqlx::query(&format!("DELETE FROM search_fts WHERE rowid IN ({})", id_list(old.iter().copied())))
                .execute(tx.conn())
                .await?;
        }
        sqlx::query(&format!("DELETE FROM search_docs WHERE id IN ({})", id_list(old))).execute(tx.conn()).await?;
    }
    insert_docs(tx, docs).await
}

/// Writes new documents (none of them indexed yet) with ids after the largest there.
pub async fn insert_docs(tx: &mut Tx, docs: &[NewDoc]) -> Result<()> {
    if docs.is_empty() {
        return Ok(());
    }
    let sqlite = tx.conn().backend_name() != "PostgreSQL";
    let next: i64 =
        sqlx::query("SELECT COALESCE(MAX(id), 0) + 1 FROM search_docs").fetch_one(tx.conn()).await?.try_get(0)?;
    let per_row = if sqlite { 8 } else { 9 };
    let mut id = next;
    for chunk in docs.chunks((MAX_BINDS / per_row).min(500)) {
        let values = values_placeholders(tx, chunk.len(), per_row);
        let sql = if sqlite {
            format!(
                "INSERT INTO search_docs (id, kind, ref_id, unit_id, officer_only, title, body, at_ms) VALUES {values}"
            )
        } else {
            // The ninth value of each row is its tsvector, cast from text.
            let values = cast_every_ninth(&values);
            format!(
                "INSERT INTO search_docs (id, kind, ref_id, unit_id, officer_only, title, body, at_ms, tsv) VALUES {values}"
            )
        };
        let mut query = sqlx::query(&sql);
        for (i, d) in chunk.iter().enumerate() {
            query = query
                .bind(id + i as i64)
                .bind(d.kind)
                .bind(d.ref_id)
                .bind(d.unit_id)
                .bind(i64::from(d.officer_only))
                .bind(d.title.as_str())
                .bind(d.body.as_str())
                .bind(d.at_ms);
            if !sqlite {
                query = query.bind(tsvector(d));
            }
        }
        query.execute(tx.conn()).await?;
        if sqlite {
            let values = values_placeholders(tx, chunk.len(), 7);
            let sql = format!(
                "INSERT INTO search_fts (rowid, title_folded, body_folded, title_exact, body_exact, title_pairs, \
                 body_pairs) VALUES {values}"
            );
            let mut query = sqlx::query(&sql);
            for (i, d) in chunk.iter().enumerate() {
                query = query
                    .bind(id + i as i64)
                    .bind(joined(&d.title_terms, |t| &t.folded))
                    .bind(joined(&d.body_terms, |t| &t.folded))
                    .bind(joined(&d.title_terms, |t| &t.exact))
                    .bind(joined(&d.body_terms, |t| &t.exact))
                    .bind(pairs(&d.title_terms))
                    .bind(pairs(&d.body_terms));
            }
            query.execute(tx.conn()).await?;
        }
        id += chunk.len() as i64;
    }
    Ok(())
}
