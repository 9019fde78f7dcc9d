//! Procedure guides and the forms library (see migration 0011). Guides are searched by their folded text; forms
//! keep every version, the newest offered, and count downloads.

use sqlx::Row;

use crate::{Result, Store, StoreError, Tx};

pub use binhyen_domain::entities::guides::{Form, FormVersion, Guide, GuideText};

const GUIDE_COLUMNS: &str = "id, unit_id, title, summary, documents, fee, processing_time, place, form_codes, \
                             source_question_id, updated_at, search_folded";

fn guide(r: &sqlx::any::AnyRow) -> Result<Guide> {
    Ok(Guide {
        id: r.try_get(0)?,
        unit_id: r.try_get(1)?,
        text: GuideText {
            title: r.try_get(2)?,
            summary: r.try_get(3)?,
            documents: r.try_get(4)?,
            fee: r.try_get(5)?,
            processing_time: r.try_get(6)?,
            place: r.try_get(7)?,
            form_codes: r.try_get(8)?,
        },
        source_question_id: r.try_get(9)?,
        updated_at_ms: r.try_get(10)?,
    })
}

/// A guide with its folded text, for ranking.
#[derive(Debug, Clone, PartialEq)]
pub struct Searchable {
    pub guide: Guide,
    pub folded: String,
}

pub async fn insert_guide(
    tx: &mut Tx,
    unit_id: i64,
    text: &GuideText,
    folded: &str,
    source_question_id: Option<i64>,
    author: i64,
    now_ms: i64,
) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO guides (unit_id, title, summary, documents, fee, processing_time, place, form_codes, \
         search_folded, source_question_id, author_account_id, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) RETURNING id",
    )
    .bind(unit_id)
    .bind(text.title.as_str())
    .bind(text.summary.as_str())
    .bind(text.documents.as_str())
    .bind(text.fee.as_str())
    .bind(text.processing_time.as_str())
    .bind(text.place.as_str())
    .bind(text.form_codes.as_str())
    .bind(folded)
    .bind(source_question_id)
    .bind(author)
    .bind(now_ms)
    .fetch_one(tx.conn())
    .await?)
}

pub async fn update_guide(tx: &mut Tx, id: i64, text: &GuideText, folded: &str, now_ms: i64) -> Result<()> {
    let done = sqlx::query(
        "UPDATE guides SET title = $1, summary = $2, documents = $3, fee = $4, processing_time = $5, place = $6, \
         form_codes = $7, search_folded = $8, updated_at = $9 WHERE id = $10",
    )
    .bind(text.title.as_str())
    .bind(text.summary.as_str())
    .bind(text.documents.as_str())
    .bind(text.fee.as_str())
    .bind(text.processing_time.as_str())
    .bind(text.place.as_str())
    .bind(text.form_codes.as_str())
    .bind(folded)
    .bind(now_ms)
    .bind(id)
    .execute(tx.conn())
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// A form's row (created on its first upload; the title follows the newest upload); returns its id.
pub async fn upsert_form(tx: &mut Tx, unit_id: i64, code: &str, title: &str, now_ms: i64) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO forms (unit_id, code, title, created_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (unit_id, code) DO UPDATE SET title = excluded.title RETURNING id",
    )
    .bind(unit_id)
    .bind(code)
    .bind(title)
    .bind(now_ms)
    .fetch_one(tx.conn())
    .await?)
}

/// Adds a version; `Conflict("version_exists")` when the form has one of that name already.
pub async fn add_form_version(tx: &mut Tx, form_id: i64, v: &FormVersion, by: i64, now_ms: i64) -> Result<i64> {
    let id = sqlx::query_scalar(
        "INSERT INTO form_versions (form_id, version, object_key, kind, bytes, uploaded_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (form_id, version) DO NOTHING RETURNING id",
    )
    .bind(form_id)
    .bind(v.version.as_str())
    .bind(v.object_key.as_str())
    .bind(v.kind.as_str())
    .bind(v.bytes)
    .bind(by)
    .bind(now_ms)
    .fetch_optional(tx.conn())
    .await?;
    id.ok_or(StoreError::Conflict("version_exists"))
}

impl Store {
    pub async fn guide(&self, id: i64) -> Result<Guide> {
        let row = sqlx::query(&format!("SELECT {GUIDE_COLUMNS} FROM guides WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.read)
            .await?
            .ok_or(StoreError::NotFound)?;
        guide(&row)
    }

    /// The guides of these units, newest first.
    pub async fn guides_of_units(&self, unit_ids: &[i64]) -> Result<Vec<Guide>> {
        if unit_ids.is_empty() {
            return Ok(Vec::new());
        }
        let ids = crate::id_list(unit_ids.iter().copied());
        let rows = sqlx::query(&format!(
            "SELECT {GUIDE_COLUMNS} FROM guides WHERE unit_id IN ({ids}) ORDER BY updated_at DESC, id DESC"
        ))
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(guide).collect()
    }

    /// Guides whose folded text contains any of `tokens` (already folded), with that text, for ranking.
    pub async fn guides_matching(&self, tokens: &[String], limit: i64) -> Result<Vec<Searchable>> {
        if tokens.is_empty() {
            return Ok(Vec::new());
        }
        let clauses: Vec<String> = (0..tokens.len()).map(|i| format!("search_folded LIKE ${}", i + 2)).collect();
        let sql = format!("SELECT {GUIDE_COLUMNS} FROM guides WHERE {} ORDER BY id LIMIT $1", clauses.join(" OR "));
        let mut q = sqlx::query(&sql).bind(limit);
        for t in tokens {
            // Folded tokens are letters and digits only: no LIKE wildcard can be in them.
            q = q.bind(format!("%{t}%"));
        }
        let rows = q.fetch_all(&self.read).await?;
        rows.iter().map(|r| Ok(Searchable { guide: guide(r)?, folded: r.try_get(11)? })).collect()
    }

    /// The versions of these forms, each form's newest first: one query for a whole list of forms.
    async fn versions(&self, form_ids: &[i64]) -> Result<Vec<(i64, FormVersion)>> {
        if form_ids.is_empty() {
            return Ok(Vec::new());
        }
        let rows = sqlx::query(&format!(
            "SELECT form_id, id, version, object_key, kind, bytes, created_at FROM form_versions \
             WHERE form_id IN ({}) ORDER BY form_id, id DESC",
            crate::id_list(form_ids.iter().copied())
        ))
        .fetch_all(&self.read)
        .await?;
        rows.iter()
            .map(|r| {
                let version = FormVersion {
                    id: r.try_get(1)?,
                    version: r.try_get(2)?,
                    object_key: r.try_get(3)?,
                    kind: r.try_get(4)?,
                    bytes: r.try_get(5)?,
                    created_at_ms: r.try_get(6)?,
                };
                Ok((r.try_get(0)?, version))
            })
            .collect()
    }

    /// Forms from their rows, with their versions.
    async fn forms_with_versions(&self, rows: &[sqlx::any::AnyRow]) -> Result<Vec<Form>> {
        let mut forms = rows.iter().map(Self::form_row).collect::<Result<Vec<_>>>()?;
        let ids: Vec<i64> = forms.iter().map(|f| f.id).collect();
        for (form_id, version) in self.versions(&ids).await? {
            if let Some(form) = forms.iter_mut().find(|f| f.id == form_id) {
                form.versions.push(version);
            }
        }
        Ok(forms)
    }

    fn form_row(r: &sqlx::any::AnyRow) -> Result<Form> {
        Ok(Form {
            id: r.try_get(0)?,
            unit_id: r.try_get(1)?,
            code: r.try_get(2)?,
            title: r.try_get(3)?,
            downloads: r.try_get(4)?,
            versions: Vec::new(),
        })
    }

    /// A unit's form by code, with its versions.
    pub async fn form(&self, unit_id: i64, code: &str) -> Result<Form> {
        let row = sqlx::query("SELECT id, unit_id, code, title, downloads FROM forms WHERE unit_id = $1 AND code = $2")
            .bind(unit_id)
            .bind(code)
            .fetch_optional(&self.read)
            .await?
            .ok_or(StoreError::NotFound)?;
        let mut forms = self.forms_with_versions(std::slice::from_ref(&row)).await?;
        forms.pop().ok_or(StoreError::NotFound)
    }

    /// The forms of these units, by code, with their versions.
    pub async fn forms_of_units(&self, unit_ids: &[i64]) -> Result<Vec<Form>> {
        if unit_ids.is_empty() {
            return Ok(Vec::new());
        }
        let rows = sqlx::query(&format!(
            "SELECT id, unit_id, code, title, downloads FROM forms WHERE unit_id IN ({}) ORDER BY code, unit_id",
            crate::id_list(unit_ids.iter().copied())
        ))
        .fetch_all(&self.read)
        .await?;
        self.forms_with_versions(&rows).await
    }

    /// Counts one download.
    pub async fn count_download(&self, form_id: i64) -> Result<()> {
        sqlx::query("UPDATE forms SET downloads = downloads + 1 WHERE id = $1")
            .bind(form_id)
            .execute(&self.write)
            .await?;
        Ok(())
    }
}
