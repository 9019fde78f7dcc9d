//! SQLite's side of search: FTS5 MATCH expressions, ranking by pairs of neighbouring words, and the counts
//! of pairs most documents hold (see `search_sqlite`).

use sqlx::Row;

use super::{filter, hit, Hit, SearchQuery, Term, VISIBLE_UNITS};
use crate::{Result, Store};

/// FTS5 columns' weights in bm25(): folded title, folded text, exact title, exact text, title pairs, text pairs.
const SQLITE_WEIGHTS: &str = "3.0, 1.0, 6.0, 2.0, 6.0, 2.0";
/// Matches ranked per query at most: the newest (a phrase of common words can still match tens of thousands).
const RANKED_AT_MOST: i64 = 4000;

impl Store {
    /// SQLite, in two steps. First the documents holding the query's words side by side (every two neighbours
    /// is one token of the pair columns), ranked by bm25() with exact pairs and titles weighing more, those
    /// whose title holds every word first; a one-word query: the word, folded or exact, ranked alike. Then,
    /// if too few, the documents holding every word anywhere ("chó bị trộm"), newest first.
    ///
    /// Why: bm25() starts by counting, for each term of the MATCH, the documents that hold it, and the
    /// syllables of Vietnamese are few and common ("công", "an", "cho" are in hundreds of thousands of a
    /// million documents): ranking by single syllables cost ~100–300 ms a query, by pairs a few ms — except
    /// pairs nearly every document holds ("công an" in a police system), which are left out of the ranking.
    pub(super) async fn search_sqlite(&self, q: &SearchQuery) -> Result<Vec<Hit>> {
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
    pub(super) async fn fts5_found(
        &self,
        q: &SearchQuery,
        matching: &str,
        needed: i64,
        ranked: bool,
    ) -> Result<Vec<Hit>> {
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
    pub(super) async fn common_pairs(&self, q: &SearchQuery) -> Result<Vec<String>> {
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
pub(super) fn pairs(terms: &[Term]) -> String {
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

pub(super) fn joined(terms: &[Term], form: fn(&Term) -> &str) -> String {
    terms.iter().map(form).collect::<Vec<_>>().join(" ")
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
}
