//! Administrative areas and their successor links.

use binhyen_domain::{AreaLevel, Edition};
use sqlx::any::AnyRow;
use sqlx::Row;
use time::Date;

use crate::{date_text, parse_date, parse_enum, Result, Store, StoreError, Tx};

pub use binhyen_domain::entities::areas::Area;

/// An area to create or update. `name` must already be NFC (the caller normalises).
#[derive(Debug, Clone)]
pub struct NewArea {
    pub edition: Edition,
    pub level: AreaLevel,
    pub code: Option<String>,
    pub kind: String,
    pub name: String,
    pub parent_id: Option<i64>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub valid_from: Option<Date>,
    pub valid_to: Option<Date>,
}

const COLUMNS: &str = "id, edition, level, code, kind, name, parent_id, lat, lon, valid_from, valid_to";

fn from_row(row: &AnyRow) -> Result<Area> {
    Ok(Area {
        id: row.try_get("id")?,
        edition: parse_enum(&row.try_get::<String, _>("edition")?)?,
        level: parse_enum(&row.try_get::<String, _>("level")?)?,
        code: row.try_get("code")?,
        kind: row.try_get("kind")?,
        name: row.try_get("name")?,
        parent_id: row.try_get("parent_id")?,
        lat: row.try_get("lat")?,
        lon: row.try_get("lon")?,
        valid_from: parse_date(row.try_get("valid_from")?)?,
        valid_to: parse_date(row.try_get("valid_to")?)?,
    })
}

fn all(rows: Vec<AnyRow>) -> Result<Vec<Area>> {
    rows.iter().map(from_row).collect()
}

/// Inserts an area, or updates the one with the same edition, level and official code (imports re-run).
pub async fn upsert(tx: &mut Tx, area: &NewArea, now_ms: i64) -> Result<i64> {
    let sql = "INSERT INTO areas (edition, level, code, kind, name, name_folded, parent_id, lat, lon, valid_from, \
               valid_to, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) \
               ON CONFLICT (edition, level, code) DO UPDATE SET kind = excluded.kind, name = excluded.name, \
               name_folded = excluded.name_folded, parent_id = excluded.parent_id, lat = excluded.lat, \
               lon = excluded.lon, valid_from = excluded.valid_from, valid_to = excluded.valid_to RETURNING id";
    // Not a cached prepared statement: sqlx 0.8's `Any` driver binds a NULL `f64` as a PostgreSQL `float4`
    // (sqlx issue #4284), and a statement first prepared with a NULL `lat` then refuses every real
    // coordinate ("incorrect binary data format in bind parameter 8"). Prepared afresh, the types always fit.
    let id = sqlx::query_scalar(sql)
        .persistent(false)
        .bind(area.edition.as_str())
        .bind(area.level.as_str())
        .bind(area.code.as_deref())
        .bind(&area.kind)
        .bind(&area.name)
        .bind(binhyen_text::fold(&area.name))
        .bind(area.parent_id)
        .bind(area.lat)
        .bind(area.lon)
        .bind(area.valid_from.map(date_text))
        .bind(area.valid_to.map(date_text))
        .bind(now_ms)
        .fetch_one(tx.conn())
        .await?;
    Ok(id)
}

pub async fn link_successor(tx: &mut Tx, area_id: i64, successor_id: i64, is_default: bool) -> Result<()> {
    sqlx::query(
        "INSERT INTO area_successors (area_id, successor_id, is_default) VALUES ($1, $2, $3) \
         ON CONFLICT (area_id, successor_id) DO UPDATE SET is_default = excluded.is_default",
    )
    .bind(area_id)
    .bind(successor_id)
    .bind(i64::from(is_default))
    .execute(tx.conn())
    .await?;
    Ok(())
}

impl Store {
    pub async fn area(&self, id: i64) -> Result<Area> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM areas WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.read)
            .await?
            .ok_or(StoreError::NotFound)?;
        from_row(&row)
    }

    /// Every area with this official code, across editions and levels, newest edition first.
    pub async fn areas_by_code(&self, code: &str) -> Result<Vec<Area>> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM areas WHERE code = $1 ORDER BY valid_to IS NOT NULL, valid_to DESC, level, id"
        ))
        .bind(code)
        .fetch_all(&self.read)
        .await?;
        all(rows)
    }

    pub async fn area_by_key(&self, edition: Edition, level: AreaLevel, code: &str) -> Result<Area> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM areas WHERE edition = $1 AND level = $2 AND code = $3"))
            .bind(edition.as_str())
            .bind(level.as_str())
            .bind(code)
            .fetch_optional(&self.read)
            .await?
            .ok_or(StoreError::NotFound)?;
        from_row(&row)
    }

    pub async fn area_children(&self, id: i64) -> Result<Vec<Area>> {
        let rows = sqlx::query(&format!("SELECT {COLUMNS} FROM areas WHERE parent_id = $1 ORDER BY name_folded, id"))
            .bind(id)
            .fetch_all(&self.read)
            .await?;
        all(rows)
    }

    /// The area and its parents, the area itself first.
    pub async fn area_ancestors(&self, id: i64) -> Result<Vec<Area>> {
        let mut chain = Vec::new();
        let mut next = Some(id);
        while let Some(id) = next {
            if chain.len() > 8 {
                return Err(StoreError::Corrupt(format!("area {id}: parent chain too deep")));
            }
            let area = self.area(id).await?;
            next = area.parent_id;
            chain.push(area);
        }
        Ok(chain)
    }

    /// The areas this one went into, the default successor first.
    pub async fn area_successors(&self, id: i64) -> Result<Vec<(Area, bool)>> {
        self.area_links("s.successor_id", "s.area_id", id).await
    }

    /// The areas that went into this one.
    pub async fn area_predecessors(&self, id: i64) -> Result<Vec<(Area, bool)>> {
        self.area_links("s.area_id", "s.successor_id", id).await
    }

    async fn area_links(&self, other: &str, this: &str, id: i64) -> Result<Vec<(Area, bool)>> {
        let cols = COLUMNS.split(", ").map(|c| format!("a.{c}")).collect::<Vec<_>>().join(", ");
        let rows = sqlx::query(&format!(
            "SELECT {cols}, s.is_default FROM area_successors s JOIN areas a ON a.id = {other} \
             WHERE {this} = $1 ORDER BY s.is_default DESC, a.name_folded"
        ))
        .bind(id)
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(|r| Ok((from_row(r)?, r.try_get::<i64, _>("is_default")? == 1))).collect()
    }

    /// Areas whose folded name contains the folded query, current ones first.
    pub async fn search_areas(&self, folded_query: &str, limit: i64) -> Result<Vec<Area>> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM areas WHERE name_folded LIKE $1 ESCAPE '\\' \
             ORDER BY valid_to IS NOT NULL, length(name_folded), name_folded LIMIT $2"
        ))
        .bind(like_pattern(folded_query))
        .bind(limit)
        .fetch_all(&self.read)
        .await?;
        all(rows)
    }

    /// Every area of one edition at one level (e.g. the 34 provinces of 2025), by name.
    pub async fn areas_at_level(&self, edition: Edition, level: AreaLevel) -> Result<Vec<Area>> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM areas WHERE edition = $1 AND level = $2 ORDER BY name_folded, id"
        ))
        .bind(edition.as_str())
        .bind(level.as_str())
        .fetch_all(&self.read)
        .await?;
        all(rows)
    }

    pub async fn count_areas(&self) -> Result<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM areas").fetch_one(&self.read).await?)
    }
}

/// `%query%` with LIKE's own wildcards escaped, so a user's `%` or `_` matches itself.
pub(crate) fn like_pattern(folded: &str) -> String {
    let escaped = folded.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    format!("%{escaped}%")
}
