//! Area boundaries (GeoJSON geometry text plus a bounding box for finding candidates).

use sqlx::Row;

use crate::{Result, Store, Tx};

#[derive(Debug, Clone, PartialEq)]
pub struct Boundary {
    pub area_id: i64,
    pub min_lat: f64,
    pub max_lat: f64,
    pub min_lon: f64,
    pub max_lon: f64,
    /// A GeoJSON Polygon or MultiPolygon, as imported.
    pub geometry: String,
}

pub async fn upsert(tx: &mut Tx, b: &Boundary) -> Result<()> {
    sqlx::query(
        "INSERT INTO area_boundaries (area_id, min_lat, max_lat, min_lon, max_lon, geometry) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (area_id) DO UPDATE SET min_lat = excluded.min_lat, \
         max_lat = excluded.max_lat, min_lon = excluded.min_lon, max_lon = excluded.max_lon, geometry = excluded.geometry",
    )
    .bind(b.area_id)
    .bind(b.min_lat)
    .bind(b.max_lat)
    .bind(b.min_lon)
    .bind(b.max_lon)
    .bind(&b.geometry)
    .execute(tx.conn())
    .await?;
    Ok(())
}

impl Store {
    /// Boundaries of areas in force whose bounding box holds the point.
    pub async fn boundaries_around(&self, lat: f64, lon: f64) -> Result<Vec<Boundary>> {
        let rows = sqlx::query(
            "SELECT b.area_id, b.min_lat, b.max_lat, b.min_lon, b.max_lon, b.geometry FROM area_boundaries b \
             JOIN areas a ON a.id = b.area_id WHERE a.valid_to IS NULL \
             AND b.min_lat <= $1 AND b.max_lat >= $1 AND b.min_lon <= $2 AND b.max_lon >= $2",
        )
        .bind(lat)
        .bind(lon)
        .fetch_all(&self.read)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(Boundary {
                    area_id: r.try_get("area_id")?,
                    min_lat: r.try_get("min_lat")?,
                    max_lat: r.try_get("max_lat")?,
                    min_lon: r.try_get("min_lon")?,
                    max_lon: r.try_get("max_lon")?,
                    geometry: r.try_get("geometry")?,
                })
            })
            .collect()
    }

    pub async fn count_boundaries(&self) -> Result<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM area_boundaries").fetch_one(&self.read).await?)
    }
}
