//! Full-text search (see migration 0015). Documents are written with their words already computed (exact and
//! folded, by core with binhyen-text); the store lays them out for its engine and queries them.
//!
//! This is the one module where the two engines run different queries, because their full-text engines share no
//! syntax: FTS5's MATCH and bm25() on SQLite (`search_sqlite`), tsvector, tsquery and ts_rank on PostgreSQL
//! (`search_postgres`). Both take the same `SearchQuery` and the conformance suite checks they agree on what
//! matches and on the order that matters (exact before folded, title before text, recent first on ties).

use sqlx::Row;

use crate::{id_list, values_placeholders, Backend, Result, Store, Tx, MAX_BINDS};

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

/// The kinds only officers find.
pub const OFFICER_KINDS: &[&str] = &["tip", "question"];

/// Every kind the index holds, as the triggers name them.
pub fn kinds() -> impl Iterator<Item = &'static str> {
    SOURCE_SQL.iter().map(|(kind, _)| *kind)
}

/// FTS5 columns' weights in bm25(): folded title, folded text, exact title, exact text, title pairs, text pairs.
const SQLITE_WEIGHTS: &str = "3.0, 1.0, 6.0, 2.0, 6.0, 2.0";
/// Matches ranked per query at most: the newest (a phrase of common words can still match tens of thousands).
const RANKED_AT_MOST: i64 = 4000;
/// ts_rank's weights for labels D, C, B, A: folded text, exact text, folded title, exact title.
const POSTGRES_WEIGHTS: &str = "{0.1, 0.3, 0.5, 1.0}";
/// What the query's words in a row add to a PostgreSQL rank (ts_rank of one matched title word is about 0.3–0.6).
const POSTGRES_PHRASE: &str = "0.5";

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

    /// SQLite, in two steps. First the documents holding the query's words side by side (every two neighbours
    /// is one token of the pair columns), ranked by bm25() with exact pairs and titles weighing more, those
    /// whose title holds every word first; a one-word query: the word, folded or exact, ranked alike. Then,
    /// if too few, the documents holding every word anywhere ("chó bị trộm"), newest first.
    ///
    /// Why: bm25() starts by counting, for each term of the MATCH, the documents that hold it, and the
    /// syllables of Vietnamese are few and common ("công", "an", "cho" are in hundreds of thousands of a
    /// million documents): ranking by single syllables cost ~100–300 ms a query, by pairs a few ms — except
    /// pairs nearly every document holds ("công an" in a police system), which are left out of the ranking.
    async fn search_sqlite(&self, q: &SearchQuery) -> Result<Vec<Hit>> {
        let needed = q.offset + q.limit;
        let mut hits = Vec::new();
        if q.words.len() == 1 {
            hits = self.fts5_found(q, &fts5_one_word(q), needed, true).await?;
        } else {
            let common = self.common_pairs(q).await?;
            if let Some(pairs) = fts5_side_by_side(q, &common) {
                // Pairs held by most documents are left out of the MATCH (bm25() would count them): the words
                // are checked here instead. Of the best, those whose title holds every word come first.
                let found = self.fts5_found(q, &pairs, needed * 3, true).await?;
                let (in_title, in_text): (Vec<Hit>, Vec<Hit>) =
                    found.into_iter().filter(|h| holds_every_word(q, h)).partition(|h| title_holds_every_word(q, h));
                add(&mut hits, in_title.into_iter().chain(in_text));
            }
        }
        if (hits.len() as i64) < needed {
            let more = self.fts5_found(q, &fts5_every_word(q), needed, false).await?;
            add(&mut hits, more.into_iter());
        }
        Ok(hits.into_iter().skip(q.offset.max(0) as usize).take(q.limit.max(0) as usize).collect())
    }

    /// The first `needed` visible documents for one FTS5 MATCH: `ranked`, the best by bm25() among the newest
    /// `RANKED_AT_MOST` matches; otherwise the newest.
    async fn fts5_found(&self, q: &SearchQuery, matching: &str, needed: i64, ranked: bool) -> Result<Vec<Hit>> {
        let (score, order) = if ranked {
            (format!("bm25(search_fts, {SQLITE_WEIGHTS})"), "round(f.score, 2), d.at_ms DESC, d.id DESC")
        } else {
            ("0".to_owned(), "f.id DESC")
        };
        let limit = if ranked { RANKED_AT_MOST } else { needed };
        let sql = format!(
            "{VISIBLE_UNITS}, found(id, score) AS ( \
               SELECT search_fts.rowid, {score} FROM search_fts \
               JOIN search_docs d ON d.id = search_fts.rowid \
               WHERE search_fts MATCH $3 AND {FILTER} ORDER BY search_fts.rowid DESC LIMIT {limit}) \
             SELECT d.kind, d.ref_id, d.unit_id, d.title, d.body, d.at_ms, f.score, u.code \
             FROM found f JOIN search_docs d ON d.id = f.id LEFT JOIN units u ON u.id = d.unit_id \
             ORDER BY {order} LIMIT $5",
            FILTER = filter(&q.kinds),
        );
        let rows = sqlx::query(&sql)
            .bind(q.tip_root)
            .bind(q.question_root)
            .bind(matching)
            .bind(q.now_ms)
            .bind(needed)
            .fetch_all(&self.read)
            .await?;
        rows.iter().map(hit).collect()
    }

    async fn search_postgres(&self, q: &SearchQuery) -> Result<Vec<Hit>> {
        let (all, exact, phrase) = tsqueries(q);
        // PostgreSQL orders by an output column only by its bare name, hence the inner select.
        let sql = format!(
            "{VISIBLE_UNITS} SELECT s.kind, s.ref_id, s.unit_id, s.title, s.body, s.at_ms, NULL, u.code FROM ( \
               SELECT d.kind, d.ref_id, d.unit_id, d.title, d.body, d.at_ms, d.id, \
                 ts_rank('{POSTGRES_WEIGHTS}', d.tsv, CAST($3 AS tsquery)) \
                 + 2 * ts_rank('{POSTGRES_WEIGHTS}', d.tsv, CAST($7 AS tsquery)) \
                 + CASE WHEN d.tsv @@ CAST($8 AS tsquery) THEN {POSTGRES_PHRASE} ELSE 0 END AS score \
               FROM search_docs d WHERE d.tsv @@ CAST($3 AS tsquery) AND {FILTER}) s \
             LEFT JOIN units u ON u.id = s.unit_id \
             ORDER BY round(CAST(s.score AS NUMERIC), 3) DESC, s.at_ms DESC, s.id DESC LIMIT $5 OFFSET $6",
            FILTER = filter(&q.kinds),
        );
        let rows = sqlx::query(&sql)
            .bind(q.tip_root)
            .bind(q.question_root)
            .bind(all)
            .bind(q.now_ms)
            .bind(q.limit)
            .bind(q.offset)
            .bind(exact)
            .bind(phrase)
            .fetch_all(&self.read)
            .await?;
        rows.iter().map(hit).collect()
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

/// Adds to `hits` those of `more` not there yet.
fn add(hits: &mut Vec<Hit>, more: impl Iterator<Item = Hit>) {
    for hit in more {
        if !hits.iter().any(|h| h.kind == hit.kind && h.ref_id == hit.ref_id) {
            hits.push(hit);
        }
    }
}

/// Whether a hit's title and text hold every word of the query (folded, or one of its abbreviations' words).
fn holds_every_word(q: &SearchQuery, hit: &Hit) -> bool {
    holds(q, &format!("{} {}", hit.title, hit.body))
}

fn title_holds_every_word(q: &SearchQuery, hit: &Hit) -> bool {
    holds(q, &hit.title)
}

/// Whether `text` holds every word of the query (folded: one pass of `fold`, cheaper than reading words).
fn holds(q: &SearchQuery, text: &str) -> bool {
    let folded = binhyen_text::fold(text);
    let words: std::collections::HashSet<&str> = folded.split(|c: char| !c.is_alphanumeric()).collect();
    q.words.iter().all(|alternatives| alternatives.iter().any(|alt| alt.iter().all(|w| words.contains(w.as_str()))))
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

/// An FTS5 string literal: every word quoted, so quotes, `*`, `NEAR`, `-` or `col:` typed by someone are words.
fn fts5_string(words: &[String]) -> String {
    format!("\"{}\"", words.join(" ").replace('"', "\"\""))
}

/// FTS5's MATCH for what a document must hold: every word, folded, as itself or what it abbreviates.
fn fts5_every_word(q: &SearchQuery) -> String {
    let folded: Vec<String> = q
        .words
        .iter()
        .map(|alternatives| {
            let alts: Vec<String> = alternatives.iter().map(|a| fts5_string(a)).collect();
            format!("({})", alts.join(" OR "))
        })
        .collect();
    format!("{{title_folded body_folded}} : ({})", folded.join(" AND "))
}

/// FTS5's MATCH for a one-word query: the word folded, the exact word adding to the rank without narrowing
/// ("A AND (B OR A)").
fn fts5_one_word(q: &SearchQuery) -> String {
    let every = fts5_every_word(q);
    let exact: Vec<String> = q.exact.iter().map(|w| fts5_string(std::slice::from_ref(w))).collect();
    if exact.is_empty() {
        return every;
    }
    format!("({every}) AND ({{title_exact body_exact}} : ({}) OR {every})", exact.join(" OR "))
}

/// The ways of reading the query: its folded words with each abbreviation as typed or expanded (at most 8).
fn readings(q: &SearchQuery) -> Vec<Vec<&String>> {
    let mut readings: Vec<Vec<&String>> = vec![Vec::new()];
    for alternatives in &q.words {
        let mut next = Vec::new();
        for reading in &readings {
            for alternative in alternatives.iter().take(2) {
                let mut longer = reading.clone();
                longer.extend(alternative);
                next.push(longer);
            }
        }
        next.truncate(8);
        readings = next;
    }
    readings
}

/// The exact pairs of the query that differ from the folded ones ("trộm_chó").
fn exact_pairs(q: &SearchQuery) -> Vec<String> {
    q.exact.windows(2).map(|w| format!("{}_{}", w[0], w[1])).filter(|p| !p.is_ascii()).collect()
}

/// Every pair token of the query (folded for every reading, and exact), once each.
fn query_pairs(q: &SearchQuery) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let folded: Vec<String> =
        readings(q).iter().flat_map(|words| words.windows(2).map(|w| format!("{}_{}", w[0], w[1]))).collect();
    for pair in folded.into_iter().chain(exact_pairs(q)) {
        if !out.contains(&pair) {
            out.push(pair);
        }
    }
    out
}

/// FTS5's MATCH for the query's words side by side: every pair of neighbours (but `common` ones) for one of
/// the ways of reading its abbreviations (at most 8), the exact pairs adding to the rank without narrowing
/// ("A AND (B OR A)"). None when no pair is left.
fn fts5_side_by_side(q: &SearchQuery, common: &[String]) -> Option<String> {
    let clauses: Vec<String> = readings(q)
        .iter()
        .filter_map(|words| {
            let pairs: Vec<String> = words
                .windows(2)
                .map(|w| format!("{}_{}", w[0], w[1]))
                .filter(|p| !common.contains(p))
                .map(|p| fts5_string(&[p]))
                .collect();
            (!pairs.is_empty()).then(|| format!("({{title_pairs body_pairs}} : ({}))", pairs.join(" AND ")))
        })
        .collect();
    if clauses.is_empty() {
        return None;
    }
    let side_by_side = clauses.join(" OR ");
    let exact: Vec<String> =
        exact_pairs(q).into_iter().filter(|p| !common.contains(p)).map(|p| fts5_string(&[p])).collect();
    if exact.is_empty() {
        return Some(side_by_side);
    }
    Some(format!("({side_by_side}) AND ({{title_pairs body_pairs}} : ({}) OR {side_by_side})", exact.join(" OR ")))
}

/// How many documents hold each pair token, remembered for `PAIR_COUNTS_KEPT`: they change slowly, and
/// counting a pair held by most documents reads its whole list.
#[derive(Default)]
pub struct PairCounts {
    counts: std::sync::Mutex<std::collections::HashMap<String, (i64, std::time::Instant)>>,
}

const PAIR_COUNTS_KEPT: std::time::Duration = std::time::Duration::from_secs(600);
/// A pair held by more than this share of the documents is left out of the ranking…
const COMMON_SHARE: f64 = 0.2;
/// …once there are this many (a small index ranks anything fast, and a share of a few documents means nothing).
const COMMON_FROM_DOCS: i64 = 10_000;

impl PairCounts {
    fn get(&self, pair: &str) -> Option<i64> {
        let counts = self.counts.lock().unwrap_or_else(|e| e.into_inner());
        counts.get(pair).filter(|(_, at)| at.elapsed() < PAIR_COUNTS_KEPT).map(|(n, _)| *n)
    }

    fn put(&self, pair: &str, n: i64) {
        let mut counts = self.counts.lock().unwrap_or_else(|e| e.into_inner());
        if counts.len() > 100_000 {
            counts.clear();
        }
        counts.insert(pair.to_owned(), (n, std::time::Instant::now()));
    }
}

impl Store {
    /// The query's pairs held by more than `COMMON_SHARE` of the documents (SQLite).
    async fn common_pairs(&self, q: &SearchQuery) -> Result<Vec<String>> {
        const ALL: &str = "\u{1}all";
        let total = match self.pair_counts.get(ALL) {
            Some(n) => n,
            None => {
                let n: i64 = sqlx::query("SELECT COUNT(*) FROM search_docs").fetch_one(&self.read).await?.try_get(0)?;
                self.pair_counts.put(ALL, n);
                n
            }
        };
        let mut common = Vec::new();
        if total < COMMON_FROM_DOCS {
            return Ok(common);
        }
        for pair in query_pairs(q) {
            let n = match self.pair_counts.get(&pair) {
                Some(n) => n,
                None => {
                    let n: Option<i64> = sqlx::query_scalar("SELECT doc FROM search_vocab WHERE term = $1")
                        .bind(&pair)
                        .fetch_optional(&self.read)
                        .await?;
                    let n = n.unwrap_or(0);
                    self.pair_counts.put(&pair, n);
                    n
                }
            };
            if n as f64 > COMMON_SHARE * total as f64 {
                common.push(pair);
            }
        }
        Ok(common)
    }
}

/// The pair tokens of a text: every two neighbouring words folded, and exact where that differs.
fn pairs(terms: &[Term]) -> String {
    let mut out = String::new();
    for w in terms.windows(2) {
        out.push_str(&w[0].folded);
        out.push('_');
        out.push_str(&w[1].folded);
        out.push(' ');
        if w[0].exact != w[0].folded || w[1].exact != w[1].folded {
            out.push_str(&w[0].exact);
            out.push('_');
            out.push_str(&w[1].exact);
            out.push(' ');
        }
    }
    out
}

/// A tsvector or tsquery lexeme, quoted. Exact words are written with a leading `=` so that they never meet
/// a folded word ("cho" typed plainly is also the folded form of "chợ"): the two columns of FTS5.
fn lexeme(word: &str, exact: bool) -> String {
    let mark = if exact { "=" } else { "" };
    format!("'{mark}{}'", word.replace('\\', "\\\\").replace('\'', "''"))
}

/// PostgreSQL's three queries: every word folded (any alternative; a phrase with <->), every word exact, and the
/// whole query as a folded phrase. The last two only add to the rank (and ts_rank reads <-> as &, so the
/// phrase counts through @@).
fn tsqueries(q: &SearchQuery) -> (String, String, String) {
    let phrase_of = |words: &[String]| words.iter().map(|w| lexeme(w, false)).collect::<Vec<_>>().join(" <-> ");
    let all: Vec<String> = q
        .words
        .iter()
        .map(|alternatives| {
            let alts: Vec<String> = alternatives.iter().map(|a| format!("({})", phrase_of(a))).collect();
            format!("({})", alts.join(" | "))
        })
        .collect();
    let all = all.join(" & ");
    let exact = if q.exact.is_empty() {
        all.clone()
    } else {
        q.exact.iter().map(|w| lexeme(w, true)).collect::<Vec<_>>().join(" & ")
    };
    let first: Vec<String> = q.words.iter().filter_map(|alts| alts.first()).flatten().cloned().collect();
    (all, exact, phrase_of(&first))
}

/// A tsvector literal: exact and folded words at their positions, weighted A exact title, B folded title, C
/// exact text, D folded text; exact words marked with `=`. Positions stop at PostgreSQL's limit (16,383).
fn tsvector(doc: &NewDoc) -> String {
    let mut out = String::new();
    let mut put = |word: &str, exact: bool, at: usize, weight: char| {
        out.push_str(&lexeme(word, exact));
        out.push(':');
        out.push_str(&at.min(16_383).to_string());
        out.push(weight);
        out.push(' ');
    };
    for (i, t) in doc.title_terms.iter().enumerate() {
        put(&t.exact, true, i + 1, 'A');
        put(&t.folded, false, i + 1, 'B');
    }
    let from = doc.title_terms.len() + 2;
    for (i, t) in doc.body_terms.iter().enumerate() {
        put(&t.exact, true, from + i, 'C');
        put(&t.folded, false, from + i, 'D');
    }
    out
}

fn joined(terms: &[Term], form: fn(&Term) -> &str) -> String {
    terms.iter().map(form).collect::<Vec<_>>().join(" ")
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

/// `($1, …, $9)` → `($1, …, CAST($9 AS tsvector))` for every row of a PostgreSQL VALUES list.
fn cast_every_ninth(values: &str) -> String {
    let mut out = String::with_capacity(values.len() + values.len() / 4);
    let mut n = 0;
    for part in values.split(", ") {
        if !out.is_empty() {
            out.push_str(", ");
        }
        n += 1;
        if n % 9 == 0 {
            let (head, tail) = part.split_at(part.find(')').unwrap_or(part.len()));
            out.push_str(&format!("CAST({head} AS tsvector){tail}"));
        } else {
            out.push_str(part);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(ws: &[&[&str]]) -> Vec<Vec<Vec<String>>> {
        ws.iter().map(|alts| alts.iter().map(|a| a.split(' ').map(str::to_owned).collect()).collect()).collect()
    }

    #[test]
    fn fts5_queries_quote_every_word() {
        let q = SearchQuery {
            words: words(&[&["near"], &["x\"y"], &["csgt", "canh sat"]]),
            exact: vec!["near".into(), "x\"y".into(), "csgt".into()],
            ..Default::default()
        };
        assert_eq!(
            fts5_every_word(&q),
            "{title_folded body_folded} : ((\"near\") AND (\"x\"\"y\") AND (\"csgt\" OR \"canh sat\"))"
        );
        // Both readings of "csgt"; no exact pair differs from its folded form.
        assert_eq!(query_pairs(&q), ["near_x\"y", "x\"y_csgt", "x\"y_canh", "canh_sat"]);
        assert_eq!(
            fts5_side_by_side(&q, &["canh_sat".to_owned()]).unwrap(),
            "({title_pairs body_pairs} : (\"near_x\"\"y\" AND \"x\"\"y_csgt\")) OR \
             ({title_pairs body_pairs} : (\"near_x\"\"y\" AND \"x\"\"y_canh\"))"
        );
    }

    #[test]
    fn exact_pairs_and_words_add_to_the_rank() {
        let q = SearchQuery {
            words: words(&[&["trom"], &["cho"]]),
            exact: vec!["trộm".into(), "chó".into()],
            ..Default::default()
        };
        assert_eq!(query_pairs(&q), ["trom_cho", "trộm_chó"]);
        assert_eq!(
            fts5_side_by_side(&q, &[]).unwrap(),
            "(({title_pairs body_pairs} : (\"trom_cho\"))) AND ({title_pairs body_pairs} : (\"trộm_chó\") OR \
             ({title_pairs body_pairs} : (\"trom_cho\")))"
        );
        assert_eq!(fts5_side_by_side(&q, &["trom_cho".into(), "trộm_chó".into()]), None);
        let one = SearchQuery { words: words(&[&["cho"]]), exact: vec!["chó".into()], ..Default::default() };
        assert_eq!(
            fts5_one_word(&one),
            "({title_folded body_folded} : ((\"cho\"))) AND ({title_exact body_exact} : (\"chó\") OR \
             {title_folded body_folded} : ((\"cho\")))"
        );
        let terms = |ws: &[(&str, &str)]| -> Vec<Term> {
            ws.iter().map(|(e, f)| Term { exact: (*e).into(), folded: (*f).into() }).collect()
        };
        assert_eq!(
            pairs(&terms(&[("trộm", "trom"), ("chó", "cho"), ("ban", "ban")])),
            "trom_cho trộm_chó cho_ban chó_ban "
        );
    }

    #[test]
    fn postgres_values_cast_the_vector() {
        assert_eq!(
            cast_every_ninth("($1, $2, $3, $4, $5, $6, $7, $8, $9), ($10, $11, $12, $13, $14, $15, $16, $17, $18)"),
            "($1, $2, $3, $4, $5, $6, $7, $8, CAST($9 AS tsvector)), \
             ($10, $11, $12, $13, $14, $15, $16, $17, CAST($18 AS tsvector))"
        );
    }

    #[test]
    fn tsqueries_use_phrases_for_expansions() {
        let q = SearchQuery { words: words(&[&["csgt", "canh sat"], &["o'"]]), exact: vec![], ..Default::default() };
        let (all, _, phrase) = tsqueries(&q);
        assert_eq!(all, "(('csgt') | ('canh' <-> 'sat')) & (('o'''))");
        assert_eq!(phrase, "'csgt' <-> 'o'''");
    }
}
