//! The JSON shapes of the API. Dates are ISO `YYYY-MM-DD` (validity is half-open: `valid_to` is the first
//! day no longer in force); instants are RFC 3339.

use binhyen_domain::entities::areas::Area;
use binhyen_domain::entities::units::{Contact, Unit};
use binhyen_domain::time_vn::iso;
use binhyen_domain::{AccountKind, AreaLevel, BusinessKind, Edition, PhoneNumber, Role, UnitKind};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Serialize, Deserialize, ToSchema, Default)]
pub struct ContactJson {
    pub address: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub hours: Option<String>,
}

impl From<Contact> for ContactJson {
    fn from(c: Contact) -> Self {
        Self { address: c.address, phone: c.phone, email: c.email, hours: c.hours }
    }
}

impl From<ContactJson> for Contact {
    fn from(c: ContactJson) -> Self {
        Self { address: c.address, phone: c.phone, email: c.email, hours: c.hours }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UnitJson {
    pub id: i64,
    pub code: String,
    pub kind: UnitKind,
    pub name: String,
    pub parent_id: Option<i64>,
    pub contact: ContactJson,
    pub valid_from: Option<String>,
    pub valid_to: Option<String>,
    pub successor_id: Option<i64>,
}

impl From<Unit> for UnitJson {
    fn from(u: Unit) -> Self {
        Self {
            id: u.id,
            code: u.code,
            kind: u.kind,
            name: u.name,
            parent_id: u.parent_id,
            contact: u.contact.into(),
            valid_from: u.valid_from.map(iso),
            valid_to: u.valid_to.map(iso),
            successor_id: u.successor_id,
        }
    }
}

/// A unit in the directory tree.
#[derive(Debug, Serialize, ToSchema)]
pub struct UnitNodeJson {
    pub id: i64,
    pub code: String,
    pub kind: UnitKind,
    pub name: String,
    pub valid_from: Option<String>,
    pub valid_to: Option<String>,
    #[schema(no_recursion)]
    pub children: Vec<UnitNodeJson>,
}

impl From<binhyen_core::units::UnitNode> for UnitNodeJson {
    fn from(n: binhyen_core::units::UnitNode) -> Self {
        Self {
            id: n.unit.id,
            code: n.unit.code,
            kind: n.unit.kind,
            name: n.unit.name,
            valid_from: n.unit.valid_from.map(iso),
            valid_to: n.unit.valid_to.map(iso),
            children: n.children.into_iter().map(Into::into).collect(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DirectoryJson {
    pub units: Vec<UnitNodeJson>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UnitListJson {
    pub units: Vec<UnitJson>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UnitDetailJson {
    pub unit: UnitJson,
    pub parent: Option<UnitJson>,
    pub children: Vec<UnitJson>,
    pub jurisdiction: Vec<AreaJson>,
    pub successor: Option<UnitJson>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AreaJson {
    pub id: i64,
    pub code: Option<String>,
    pub edition: Edition,
    pub level: AreaLevel,
    /// "Xã", "Phường", "Huyện", "Thôn", …
    pub kind: String,
    pub name: String,
    pub parent_id: Option<i64>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub valid_from: Option<String>,
    pub valid_to: Option<String>,
}

impl From<Area> for AreaJson {
    fn from(a: Area) -> Self {
        Self {
            id: a.id,
            code: a.code,
            edition: a.edition,
            level: a.level,
            kind: a.kind,
            name: a.name,
            parent_id: a.parent_id,
            lat: a.lat,
            lon: a.lon,
            valid_from: a.valid_from.map(iso),
            valid_to: a.valid_to.map(iso),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AreaListJson {
    pub areas: Vec<AreaJson>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AreaLinkJson {
    pub area: AreaJson,
    /// The main successor (or predecessor) of a split.
    pub is_default: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AreaDetailJson {
    pub area: AreaJson,
    /// Parents, nearest first.
    pub ancestors: Vec<AreaJson>,
    pub children: Vec<AreaJson>,
    pub successors: Vec<AreaLinkJson>,
    pub predecessors: Vec<AreaLinkJson>,
    pub units: Vec<UnitJson>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ResponsibleUnitJson {
    pub area_id: i64,
    pub date: String,
    /// None when no unit answers for the area that day.
    pub unit: Option<UnitJson>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HouseholdJson {
    pub position: i64,
    pub head_name: String,
    pub address: String,
    pub village_area_id: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AccountJson {
    pub id: i64,
    pub kind: AccountKind,
    /// As people write it: "0912 345 678".
    pub phone: String,
    pub display_name: String,
    pub home_area_id: Option<i64>,
    pub unit_id: Option<i64>,
    pub role: Option<Role>,
    pub business_kind: Option<BusinessKind>,
    pub overseeing_unit_id: Option<i64>,
    pub totp_enabled: bool,
    pub households: Vec<HouseholdJson>,
}

impl AccountJson {
    pub fn new(
        a: binhyen_domain::entities::accounts::Account,
        households: Vec<binhyen_domain::entities::accounts::Household>,
    ) -> Self {
        Self {
            id: a.id,
            kind: a.kind,
            phone: PhoneNumber::parse(&a.phone).map(|p| p.national()).unwrap_or(a.phone),
            display_name: a.display_name,
            home_area_id: a.home_area_id,
            unit_id: a.unit_id,
            role: a.role,
            business_kind: a.business_kind,
            overseeing_unit_id: a.overseeing_unit_id,
            totp_enabled: a.totp_enabled,
            households: households
                .into_iter()
                .map(|h| HouseholdJson {
                    position: h.position,
                    head_name: h.head_name,
                    address: h.address,
                    village_area_id: h.village_area_id,
                })
                .collect(),
        }
    }
}
