//! Police units and what makes one responsible for a place.

use crate::string_enum;

string_enum!(
    /// What a unit is. Territorial kinds are responsible for the areas of their jurisdiction.
    UnitKind {
        ProvincePolice => "province_police", DistrictPolice => "district_police", CommunePolice => "commune_police",
        Team => "team", MobilePolice => "mobile_police", YouthUnion => "youth_union", Other => "other"
    }
    field = "kind"
);

impl UnitKind {
    /// Units that answer for everything that happens in their jurisdiction (tips are routed to them).
    pub fn is_territorial(self) -> bool {
        matches!(self, UnitKind::ProvincePolice | UnitKind::DistrictPolice | UnitKind::CommunePolice)
    }
}
