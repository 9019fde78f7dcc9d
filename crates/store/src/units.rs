//! Police units: the tree, jurisdictions and who is responsible for a place on a day.

use binhyen_domain::UnitKind;
use sqlx::any::AnyRow;
use sqlx::Row;
use time::Date;

use crate::areas::like_pattern;
use crate::{date_text, parse_date, parse_enum, Result, Store, StoreError, Tx};

pub use binhyen_domain::entities::units::{Contact, Unit};

#[derive(Debug, Clone)]
pub struct NewUnit {
    pub code: String,
    pub kind: UnitKind,
    pub name: String,
    pub parent_id: Option<i64>,
    pub contact: Contact,
    pub valid_from: Option<Date>,
    pub valid_to: Option<Date>,
}

const COLUMNS: &str =
    "id, code, kind, name, parent_id, address, phone, email, hours, valid_from, valid_to, successor_id";

fn from_row(row: &AnyRow) -> Result<Unit> {
    Ok(Unit {
        id: row.try_get("id")?,
        code: row.try_get("code")?,
        kind: parse_enum(&row.try_get::<String, _>("kind")?)?,
        name: row.try_get("name")?,
        parent_id: row.try_get("parent_id")?,
        contact: Contact {
            address: row.try_get("address")?,
            phone: row.try_get("phone")?,
            email: row.try_get("email")?,
            hours: row.try_get("hours")?,
        },
        valid_from: parse_date(row.try_get("valid_from")?)?,
        valid_to: parse_date(row.try_get("valid_to")?)?,
        successor_id: row.try_get("successor_id")?,
    })
}

fn all(rows: Vec<AnyRow>) -> Result<Vec<Unit>> {
    rows.iter().map(from_row).collect()
}

pub async fn insert(tx: &mut Tx, unit: &NewUnit, now_ms: i64) -> Result<i64> {
    let c = &unit.contact;
    sqlx::query_scalar(
        "INSERT INTO units (code, kind, name, name_folded, parent_id, address, phone, email, hours, valid_from, \
         valid_to, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
    )
    .bind(&unit.code)
    .bind(unit.kind.as_str())
    .bind(&unit.name)
    .bind(binhyen_text::fold(&unit.name))
    .bind(unit.parent_id)
    .bind(c.address.as_deref())
    .bind(c.phone.as_deref())
    .bind(c.email.as_deref())
    .bind(c.hours.as_deref())
    .bind(unit.valid_from.map(date_text))
    .bind(unit.valid_to.map(date_text))
    .bind(now_ms)
    .fetch_one(tx.conn())
    .await
    .map_err(|e| match &e {
        sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Conflict("unit_code_taken"),
        sqlx::Error::Database(db) if db.is_foreign_key_violation() => StoreError::NotFound,
        _ => e.into(),
    })
}

pub async fn add_jurisdiction(tx: &mut Tx, unit_id: i64, area_id: i64) -> Result<()> {
    sqlx::query("INSERT INTO unit_areas (unit_id, area_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
        .bind(unit_id)
        .bind(area_id)
        .execute(tx.conn())
        .await?;
    Ok(())
}

pub async fn set_successor(tx: &mut Tx, unit_id: i64, successor_id: i64) -> Result<()> {
    sqlx::query("UPDATE units SET successor_id = $1 WHERE id = $2")
        .bind(successor_id)
        .bind(unit_id)
        .execute(tx.conn())
        .await?;
    Ok(())
}

impl Store {
    pub async fn unit(&self, id: i64) -> Result<Unit> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM units WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.read)
            .await?
            .ok_or(StoreError::NotFound)?;
        from_row(&row)
    }

    pub async fn unit_by_code(&self, code: &str) -> Result<Unit> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM units WHERE code = $1"))
            .bind(code)
            .fetch_optional(&self.read)
            .await?
            .ok_or(StoreError::NotFound)?;
        from_row(&row)
    }

    /// Every unit, ordered so that a tree can be built in one pass over names.
    pub async fn all_units(&self) -> Result<Vec<Unit>> {
        all(sqlx::query(&format!("SELECT {COLUMNS} FROM units ORDER BY name_folded, id")).fetch_all(&self.read).await?)
    }

    /// Units whose folded name contains the folded query.
    pub async fn search_units(&self, folded_query: &str, limit: i64) -> Result<Vec<Unit>> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM units WHERE name_folded LIKE $1 ESCAPE '\\' ORDER BY length(name_folded), \
             name_folded LIMIT $2"
        ))
        .bind(like_pattern(folded_query))
        .bind(limit)
        .fetch_all(&self.read)
        .await?;
        all(rows)
    }

    /// The unit and its parents, the unit itself first.
    pub async fn unit_ancestors(&self, id: i64) -> Result<Vec<i64>> {
        let ids: Vec<i64> = sqlx::query_scalar(
            "WITH RECURSIVE chain(id, parent_id, depth) AS ( \
               SELECT id, parent_id, 0 FROM units WHERE id = $1 \
               UNION ALL SELECT u.id, u.parent_id, c.depth + 1 FROM units u JOIN chain c ON u.id = c.parent_id \
               WHERE c.depth < 16) \
             SELECT id FROM chain ORDER BY depth",
        )
        .bind(id)
        .fetch_all(&self.read)
        .await?;
        if ids.is_empty() {
            return Err(StoreError::NotFound);
        }
        Ok(ids)
    }

    /// The areas a unit answers for.
    pub async fn unit_jurisdiction(&self, unit_id: i64) -> Result<Vec<crate::areas::Area>> {
        let ids: Vec<i64> = sqlx::query_scalar(
            "SELECT ua.area_id FROM unit_areas ua JOIN areas a ON a.id = ua.area_id WHERE ua.unit_id = $1 \
             ORDER BY a.name_folded",
        )
        .bind(unit_id)
        .fetch_all(&self.read)
        .await?;
        let mut areas = Vec::with_capacity(ids.len());
        for id in ids {
            areas.push(self.area(id).await?);
        }
        Ok(areas)
    }

    /// Units with jurisdiction over exactly this area (any kind, any date).
    pub async fn units_for_area(&self, area_id: i64) -> Result<Vec<Unit>> {
        let cols = COLUMNS.split(", ").map(|c| format!("u.{c}")).collect::<Vec<_>>().join(", ");
        all(sqlx::query(&format!(
            "SELECT {cols} FROM units u JOIN unit_areas ua ON ua.unit_id = u.id WHERE ua.area_id = $1 \
             ORDER BY u.name_folded"
        ))
        .bind(area_id)
        .fetch_all(&self.read)
        .await?)
    }

    /// The territorial unit in force on `day` whose jurisdiction covers the area, most specific first: the
    /// area's own unit, else its parent area's, and so on up to the province.
    pub async fn responsible_unit(&self, area_id: i64, day: Date) -> Result<Option<Unit>> {
        let cols = COLUMNS.split(", ").map(|c| format!("u.{c}")).collect::<Vec<_>>().join(", ");
        let row = sqlx::query(&format!(
            "WITH RECURSIVE chain(id, depth) AS ( \
               SELECT CAST($1 AS BIGINT), 0 \
               UNION ALL SELECT a.parent_id, c.depth + 1 FROM areas a JOIN chain c ON a.id = c.id \
               WHERE a.parent_id IS NOT NULL AND c.depth < 8) \
             SELECT {cols} FROM chain c JOIN unit_areas ua ON ua.area_id = c.id JOIN units u ON u.id = ua.unit_id \
             WHERE u.kind IN ('commune_police', 'district_police', 'province_police') \
               AND (u.valid_from IS NULL OR u.valid_from <= $2) AND (u.valid_to IS NULL OR u.valid_to > $2) \
             ORDER BY c.depth, u.id LIMIT 1"
        ))
        .bind(area_id)
        .bind(date_text(day))
        .fetch_optional(&self.read)
        .await?;
        row.as_ref().map(from_row).transpose()
    }

    pub async fn update_unit_contact(&self, id: i64, contact: &Contact) -> Result<()> {
        let done = sqlx::query("UPDATE units SET address = $1, phone = $2, email = $3, hours = $4 WHERE id = $5")
            .bind(contact.address.as_deref())
            .bind(contact.phone.as_deref())
            .bind(contact.email.as_deref())
            .bind(contact.hours.as_deref())
            .bind(id)
            .execute(&self.write)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }
}
