//! Administrative areas (provinces, districts, communes, villages) of either edition.

use time::Date;

use crate::{AreaLevel, Edition};

#[derive(Debug, Clone, PartialEq)]
pub struct Area {
    pub id: i64,
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
