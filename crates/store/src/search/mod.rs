//! Full-text search (see migration 0015). Documents are written with their words already computed (exact and
//! folded, by core with binhyen-text); the store lays them out for its engine and queries them.
//!
//! This is the one module where the two engines run different queries, because their full-text engines share no
//! syntax: FTS5's MATCH and bm25() on SQLite (`search_sqlite`), tsvector, tsquery and ts_rank on PostgreSQL
//! (`search_postgres`). Both take the same `SearchQuery` and the conformance suite checks they agree on what
//! matches and on the order that matters (exact before folded, title before text, recent first on ties).

use sqlx::Row;

use crate::{Backend, Result, Store};

/// One word of a document or a query: its exact form and its folded form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    pub exact: String,
    pub folded: String,
}

/// A document as written to the index.
#[derive(Debug, Clone, PartialEq)]
pub struct NewDoc {
    pub kind: &'static str,
    pub ref_id: i64,
    /// The owning unit (the page, the guide's unit, the tip's unit); none for areas.
    pub unit_id: Option<i64>,
    /// Tips and questions: only officers who may work them find them.
    pub officer_only: bool,
    pub title: String,
    pub body: String,
    /// When it was published or sent: recency breaks ties, and a post scheduled for later is not found before.
    pub at_ms: i64,
    pub title_terms: Vec<Term>,
    pub body_terms: Vec<Term>,
}

/// Something to reindex, as queued by the triggers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Queued {
    pub id: i64,
    pub kind: String,
    pub ref_id: i64,
}

/// What a source row says a document is; `hidden` when it must not be found (a draft post).
#[derive(Debug, Clone, PartialEq)]
pub struct Source {
    pub ref_id: i64,
    pub unit_id: Option<i64>,
    pub title: String,
    pub body: String,
    pub at_ms: i64,
    pub hidden: bool,
}

/// A query, in words. Every word must be found (folded, or as one of its alternatives); the exact words and the
/// whole phrase only raise the rank.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SearchQuery {
    /// Per query word, its alternatives; an alternative is one or more folded words in a row ("csgt" or
    /// "canh sat giao thong").
    pub words: Vec<Vec<Vec<String>>>,
    /// The query's words in their exact form.
    pub exact: Vec<String>,
    /// Kinds to search; empty for all.
    pub kinds: Vec<&'static str>,
    /// Officer-only documents of these subtrees are searched too (the roots core found the actor may work).
    pub tip_root: Option<i64>,
    pub question_root: Option<i64>,
    pub now_ms: i64,
    pub limit: i64,
    pub offset: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub kind: String,
    pub ref_id: i64,
    pub unit_id: Option<i64>,
    /// The owning unit's code, for links.
    pub unit_code: Option<String>,
    pub title: String,
    pub body: String,
    pub at_ms: i64,
}

/// The kinds only officers find.
pub const OFFICER_KINDS: &[&str] = &["tip", "question"];

mod fts5;
mod index;
mod postgres;

pub use fts5::PairCounts;
pub use index::{dequeue, hold_indexer, insert_docs, kinds, question_answers, queued, replace_docs, sources};

impl Store {
    /// The documents matching `q`, best first.
    pub async fn search(&self, q: &SearchQuery) -> Result<Vec<Hit>> {
        if q.words.is_empty() {
            return Ok(Vec::new());
        }
        match self.backend() {
            Backend::Sqlite => self.search_sqlite(q).await,
            Backend::Postgres => self.search_postgres(q).await,
        }
    }

    /// How many documents the index holds (for the benchmark and the administrators' view).
    pub async fn search_doc_count(&self) -> Result<i64> {
        Ok(sqlx::query("SELECT COUNT(*) FROM search_docs").fetch_one(&self.read).await?.try_get(0)?)
    }

    /// How many changes wait to be indexed.
    pub async fn search_queue_len(&self) -> Result<i64> {
        Ok(sqlx::query("SELECT COUNT(*) FROM search_queue").fetch_one(&self.read).await?.try_get(0)?)
    }
}

/// The subtrees whose officer-only documents the actor may find ($1 tips, $2 questions; NULL for none).
const VISIBLE_UNITS: &str = "WITH RECURSIVE \
    tip_units(id, depth) AS (SELECT CAST($1 AS BIGINT), 0 UNION ALL \
      SELECT u.id, t.depth + 1 FROM units u JOIN tip_units t ON u.parent_id = t.id WHERE t.depth < 16), \
    question_units(id, depth) AS (SELECT CAST($2 AS BIGINT), 0 UNION ALL \
      SELECT u.id, t.depth + 1 FROM units u JOIN question_units t ON u.parent_id = t.id WHERE t.depth < 16)";

/// Published by now, of the kinds asked for, and public or within the actor's subtrees ($4 is now).
fn filter(kinds: &[&'static str]) -> String {
    let kinds = if kinds.is_empty() {
        String::new()
    } else {
        // Kind names are the module's own constants, never input.
        let list: Vec<String> = kinds.iter().map(|k| format!("'{k}'")).collect();
        format!(" AND d.kind IN ({})", list.join(", "))
    };
    format!(
        "d.at_ms <= $4{kinds} AND (d.officer_only = 0 \
         OR (d.kind = 'tip' AND d.unit_id IN (SELECT id FROM tip_units)) \
         OR (d.kind = 'question' AND d.unit_id IN (SELECT id FROM question_units)))"
    )
}

fn hit(r: &sqlx::any::AnyRow) -> Result<Hit> {
    Ok(Hit {
        kind: r.try_get(0)?,
        ref_id: r.try_get(1)?,
        unit_id: r.try_get(2)?,
        title: r.try_get(3)?,
        body: r.try_get(4)?,
        at_ms: r.try_get(5)?,
        unit_code: r.try_get(7)?,
    })
}
