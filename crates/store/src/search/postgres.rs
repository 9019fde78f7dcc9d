//! PostgreSQL's side of search: tsvector literals written from the words, tsquery, ts_rank.

use super::{filter, hit, Hit, NewDoc, SearchQuery, VISIBLE_UNITS};
use crate::{Result, Store};

/// ts_rank's weights for labels D, C, B, A: folded text, exact text, folded title, exact title.
const POSTGRES_WEIGHTS: &str = "{0.1, 0.3, 0.5, 1.0}";
/// What the query's words in a row add to a PostgreSQL rank (ts_rank of one matched title word is about 0.3–0.6).
const POSTGRES_PHRASE: &str = "0.5";

impl Store {
    pub(super) async fn search_postgres(&self, q: &SearchQuery) -> Result<Vec<Hit>> {
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
pub(super) fn tsvector(doc: &NewDoc) -> String {
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

/// `($1, …, $9)` → `($1, …, CAST($9 AS tsvector))` for every row of a PostgreSQL VALUES list.
pub(super) fn cast_every_ninth(values: &str) -> String {
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
