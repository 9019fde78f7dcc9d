//! The search benchmark's baseline, never part of the schema: plain FTS5 with `unicode61 remove_diacritics 2`
//! over the original text, ranked by bm25() — what one would build without doing anything for Vietnamese.
//! SQLite only (the benchmark keeps it in a file of its own whatever engine it measures).

use sqlx::Row;

use crate::{values_placeholders, Result, Store, Tx};

impl Store {
    /// Creates the baseline's table in this (SQLite) database.
    pub async fn create_search_baseline(&self) -> Result<()> {
        sqlx::query(
            "CREATE VIRTUAL TABLE IF NOT EXISTS baseline_fts USING fts5(title, body, \
             tokenize = 'unicode61 remove_diacritics 2')",
        )
        .execute(&self.write)
        .await?;
        Ok(())
    }

    /// The ids of the best `limit` rows for the words typed, each quoted (so that typing is never syntax) and all
    /// required, as FTS5 reads a plain list of words.
    pub async fn search_baseline(&self, typed: &str, limit: i64) -> Result<Vec<i64>> {
        let words: Vec<String> = typed
            .split(|c: char| !c.is_alphanumeric() && !unicode_mark(c))
            .filter(|w| !w.is_empty())
            .map(|w| format!("\"{w}\""))
            .collect();
        if words.is_empty() {
            return Ok(Vec::new());
        }
        let rows = sqlx::query("SELECT rowid FROM baseline_fts WHERE baseline_fts MATCH $1 ORDER BY rank LIMIT $2")
            .bind(words.join(" "))
            .bind(limit)
            .fetch_all(&self.read)
            .await?;
        rows.iter().map(|r| Ok(r.try_get(0)?)).collect()
    }
}

/// Combining marks belong to the word they follow (text typed decomposed).
fn unicode_mark(c: char) -> bool {
    ('\u{0300}'..='\u{036F}').contains(&c)
}

/// Adds rows (id, title, body) to the baseline.
pub async fn insert_baseline(tx: &mut Tx, rows: &[(i64, &str, &str)]) -> Result<()> {
    for chunk in rows.chunks(1000) {
        let sql =
            format!("INSERT INTO baseline_fts (rowid, title, body) VALUES {}", values_placeholders(tx, chunk.len(), 3));
        let mut query = sqlx::query(&sql);
        for (id, title, body) in chunk {
            query = query.bind(*id).bind(*title).bind(*body);
        }
        query.execute(tx.conn()).await?;
    }
    Ok(())
}
