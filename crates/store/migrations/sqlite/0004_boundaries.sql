-- Official boundaries of areas, imported as GeoJSON by operators who have them. The bounding box finds
-- candidates with plain indexed comparisons on both engines; the exact test runs in Rust.
CREATE TABLE area_boundaries (
    area_id  INTEGER PRIMARY KEY REFERENCES areas(id),
    min_lat  REAL NOT NULL,
    max_lat  REAL NOT NULL,
    min_lon  REAL NOT NULL,
    max_lon  REAL NOT NULL,
    geometry TEXT NOT NULL
);
CREATE INDEX area_boundaries_box ON area_boundaries(min_lat, max_lat, min_lon, max_lon);
