//! Official boundaries, imported from GeoJSON, and placing a point in the area that contains it. Without
//! boundaries, tips fall back to the nearest commune centre (tips/submit.rs).

use crate::Units;
use binhyen_domain::{AreaLevel, Edition, Invalid};
use binhyen_store::boundaries::{self, Boundary};
use serde_json::Value;

use crate::{CoreError, Result};

/// Rings of [lon, lat] pairs: the outer ring first, then holes.
type Polygon = Vec<Vec<(f64, f64)>>;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BoundaryReport {
    pub imported: u64,
    /// Codes in the file that name no commune/ward in force.
    pub unknown_codes: Vec<String>,
}

fn malformed(feature: usize, why: &str) -> CoreError {
    tracing::error!(feature, why, "GeoJSON refused");
    Invalid::new("geojson", "malformed_geojson").into()
}

fn parse_ring(v: &Value) -> Option<Vec<(f64, f64)>> {
    let ring: Option<Vec<(f64, f64)>> =
        v.as_array()?.iter().map(|p| Some((p.get(0)?.as_f64()?, p.get(1)?.as_f64()?))).collect();
    ring.filter(|r| r.len() >= 4 && r.iter().all(|(x, y)| x.is_finite() && y.is_finite()))
}

fn parse_polygon(v: &Value) -> Option<Polygon> {
    let rings: Option<Polygon> = v.as_array()?.iter().map(parse_ring).collect();
    rings.filter(|r| !r.is_empty())
}

/// The polygons of a GeoJSON Polygon or MultiPolygon geometry.
fn parse_geometry(geometry: &Value) -> Option<Vec<Polygon>> {
    let coordinates = geometry.get("coordinates")?;
    match geometry.get("type")?.as_str()? {
        "Polygon" => Some(vec![parse_polygon(coordinates)?]),
        "MultiPolygon" => coordinates.as_array()?.iter().map(parse_polygon).collect(),
        _ => None,
    }
}

/// Even-odd ray casting: inside the outer ring and in no hole.
fn ring_contains(ring: &[(f64, f64)], lon: f64, lat: f64) -> bool {
    let mut inside = false;
    let mut j = ring.len() - 1;
    for i in 0..ring.len() {
        let (xi, yi) = ring[i];
        let (xj, yj) = ring[j];
        if (yi > lat) != (yj > lat) && lon < (xj - xi) * (lat - yi) / (yj - yi) + xi {
            inside = !inside;
        }
        j = i;
    }
    inside
}

fn contains(polygons: &[Polygon], lon: f64, lat: f64) -> bool {
    polygons
        .iter()
        .any(|rings| ring_contains(&rings[0], lon, lat) && !rings[1..].iter().any(|h| ring_contains(h, lon, lat)))
}

impl Units<'_> {
    /// Loads commune/ward boundaries from a GeoJSON FeatureCollection whose features carry the 2025 ward code
    /// in `code_property`. All or nothing: a malformed feature refuses the file.
    pub async fn import_boundaries(&self, geojson: &[u8], code_property: &str) -> Result<BoundaryReport> {
        let doc: Value = serde_json::from_slice(geojson).map_err(|e| malformed(0, &e.to_string()))?;
        let features = doc.get("features").and_then(Value::as_array).ok_or_else(|| malformed(0, "no features"))?;
        let mut report = BoundaryReport::default();
        let mut tx = self.store.begin().await?;
        for (i, feature) in features.iter().enumerate() {
            let code = match feature.get("properties").and_then(|p| p.get(code_property)) {
                Some(Value::String(s)) => s.trim().to_owned(),
                Some(Value::Number(n)) => format!("{n:0>5}"),
                _ => return Err(malformed(i, "no code property")),
            };
            let geometry = feature.get("geometry").ok_or_else(|| malformed(i, "no geometry"))?;
            let polygons =
                parse_geometry(geometry).ok_or_else(|| malformed(i, "not a valid Polygon or MultiPolygon"))?;
            let area = match self.store.area_by_key(Edition::Current2025, AreaLevel::Commune, &code).await {
                Ok(a) => a,
                Err(binhyen_store::StoreError::NotFound) => {
                    report.unknown_codes.push(code);
                    continue;
                }
                Err(e) => return Err(e.into()),
            };
            let points = polygons.iter().flat_map(|p| p[0].iter());
            let (mut min_lon, mut min_lat, mut max_lon, mut max_lat) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
            for &(x, y) in points {
                (min_lon, max_lon, min_lat, max_lat) = (min_lon.min(x), max_lon.max(x), min_lat.min(y), max_lat.max(y));
            }
            let boundary =
                Boundary { area_id: area.id, min_lat, max_lat, min_lon, max_lon, geometry: geometry.to_string() };
            boundaries::upsert(&mut tx, &boundary).await?;
            report.imported += 1;
        }
        tx.commit().await?;
        Ok(report)
    }

    /// The area in force whose imported boundary contains the point, if boundaries were imported.
    pub async fn area_containing(&self, lat: f64, lon: f64) -> Result<Option<i64>> {
        for candidate in self.store.boundaries_around(lat, lon).await? {
            let geometry: Value =
                serde_json::from_str(&candidate.geometry).map_err(|e| CoreError::Internal(e.to_string()))?;
            if parse_geometry(&geometry).is_some_and(|polygons| contains(&polygons, lon, lat)) {
                return Ok(Some(candidate.area_id));
            }
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holes_and_multipolygons() {
        let square = |x0: f64, y0: f64, s: f64| vec![(x0, y0), (x0 + s, y0), (x0 + s, y0 + s), (x0, y0 + s), (x0, y0)];
        let with_hole = vec![square(0.0, 0.0, 10.0), square(4.0, 4.0, 2.0)];
        let polygons = vec![with_hole, vec![square(20.0, 20.0, 1.0)]];
        assert!(contains(&polygons, 1.0, 1.0));
        assert!(!contains(&polygons, 5.0, 5.0), "in the hole");
        assert!(contains(&polygons, 20.5, 20.5), "second polygon");
        assert!(!contains(&polygons, 15.0, 15.0));
        let geometry = serde_json::json!({"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]});
        assert!(parse_geometry(&geometry).is_some());
        assert!(parse_geometry(&serde_json::json!({"type": "Point", "coordinates": [0, 0]})).is_none());
        assert!(parse_geometry(&serde_json::json!({"type": "Polygon", "coordinates": [[[0, 0], [1, 0]]]})).is_none());
    }
}
