//! Columns that hold sealed (encrypted) values, read and rewritten generically so that key rotation is one
//! loop over a list of columns (`binhyen_core::seal::SEALED_COLUMNS`) rather than code per table. The store
//! never sees a key or a plaintext: it pages through `(id, sealed text)` and swaps one sealed text for another.

use sqlx::Row;

use crate::{Result, Store, StoreError};

/// A text column of sealed values in a table with an integer id. The names are spliced into SQL, so they
/// are `'static` (written in code, never taken from input) and checked to be plain identifiers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ColumnRef {
    pub table: &'static str,
    pub id_column: &'static str,
    pub column: &'static str,
}

/// One value to replace: only if the row still holds `old` (see `replace_sealed`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Replacement {
    pub id: i64,
    pub old: String,
    pub new: String,
}

impl ColumnRef {
    fn checked(&self) -> Result<(&'static str, &'static str, &'static str)> {
        for name in [self.table, self.id_column, self.column] {
            let plain = !name.is_empty()
                && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
                && !name.starts_with(|c: char| c.is_ascii_digit());
            if !plain {
                return Err(StoreError::Corrupt(format!("not a plain SQL identifier: {name:?}")));
            }
        }
        Ok((self.table, self.id_column, self.column))
    }
}

impl Store {
    /// Up to `limit` non-null values of the column with id greater than `after_id`, in id order.
    pub async fn sealed_values(&self, column: ColumnRef, after_id: i64, limit: i64) -> Result<Vec<(i64, String)>> {
        let (table, id, col) = column.checked()?;
        let rows = sqlx::query(&format!(
            "SELECT {id} AS id, {col} AS value FROM {table} WHERE {id} > $1 AND {col} IS NOT NULL \
             ORDER BY {id} LIMIT $2"
        ))
        .bind(after_id)
        .bind(limit)
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(|r| Ok((r.try_get("id")?, r.try_get("value")?))).collect()
    }

    /// Replaces a batch of values in one transaction and returns how many rows changed. Each row is changed
    /// only if it still holds the old value: a row the application rewrote meanwhile (already under the
    /// current key) is left as it is rather than overwritten with an older plaintext.
    pub async fn replace_sealed(&self, column: ColumnRef, batch: &[Replacement]) -> Result<u64> {
        let (table, id, col) = column.checked()?;
        let sql = format!("UPDATE {table} SET {col} = $1 WHERE {id} = $2 AND {col} = $3");
        let mut tx = self.begin().await?;
        let mut changed = 0;
        for r in batch {
            changed += sqlx::query(&sql).bind(&r.new).bind(r.id).bind(&r.old).execute(tx.conn()).await?.rows_affected();
        }
        tx.commit().await?;
        Ok(changed)
    }
}
