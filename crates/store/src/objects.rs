//! The columns that name files in the object store. The sweep deletes stored objects none of them names, so a
//! table that keeps files must be listed here; a test reads the schema and fails on a column it does not know.

use crate::{Result, Store};

/// (table, column) of every column that names an object, NULL where the row has none.
pub const OBJECT_COLUMNS: [(&str, &str); 6] = [
    ("tip_attachments", "object_key"),
    ("page_images", "object_key"),
    ("unit_pages", "avatar_key"),
    ("form_versions", "object_key"),
    ("questions", "attachment_key"),
    ("group_messages", "attachment_key"),
];

impl Store {
    /// Every object key some row names (the sweep deletes stored objects not in this list).
    pub async fn referenced_objects(&self) -> Result<Vec<String>> {
        let union = OBJECT_COLUMNS
            .iter()
            .map(|(table, column)| format!("SELECT {column} FROM {table} WHERE {column} IS NOT NULL"))
            .collect::<Vec<_>>()
            .join(" UNION ");
        Ok(sqlx::query_scalar(&union).fetch_all(&self.read).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Column names that, anywhere in the schema, name an object.
    const OBJECT_COLUMN_NAMES: [&str; 3] = ["object_key", "avatar_key", "attachment_key"];

    /// A table added with a column that names objects, and not listed, would have its files swept away.
    #[tokio::test]
    async fn every_column_that_names_an_object_is_listed() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::connect(&format!("sqlite:{}", dir.path().join("t.db").display())).await.unwrap();
        store.migrate().await.unwrap();
        let found: Vec<(String, String)> = sqlx::query_as(
            "SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p \
             WHERE m.type = 'table' ORDER BY m.name, p.name",
        )
        .fetch_all(&store.read)
        .await
        .unwrap();
        let mut naming: Vec<(String, String)> =
            found.into_iter().filter(|(_, column)| OBJECT_COLUMN_NAMES.contains(&column.as_str())).collect();
        naming.sort();
        let mut listed: Vec<(String, String)> =
            OBJECT_COLUMNS.iter().map(|(t, c)| ((*t).to_owned(), (*c).to_owned())).collect();
        listed.sort();
        assert_eq!(naming, listed);
        assert!(store.referenced_objects().await.unwrap().is_empty());
    }
}
