//! `binhyen demo`: a freshly migrated store filled with Đắk Lắk as the 2020 article describes it (Cư M'Gar
//! district, Buôn Ma Thuột city, their commune police, the mobile police), the units that took over on
//! 1 July 2025, villages, accounts of every kind to sign in as, the article's tips (`tips.rs`), its commune
//! page's posts (`pages.rs`), guides, forms and H'Đào Niê's question (`guides.rs`).

mod appointments;
mod data;
mod guides;
mod pages;
mod tips;

use std::collections::hash_map::Entry;
use std::collections::HashMap;

use binhyen_domain::area::{DISTRICT_POLICE_DISSOLVED, REFORM_2025};
use binhyen_domain::reorganisation::{Change, Plan};
use binhyen_domain::{AccountKind, AreaLevel, DisplayName, Edition, PhoneNumber, UnitKind};
use binhyen_store::accounts::{self, Household, NewAccount};
use binhyen_store::areas::{self, Area, NewArea};
use binhyen_store::units::{self, Contact, NewUnit};
use binhyen_store::Tx;
use time::Date;

use crate::import::{embedded_legacy_mapping, embedded_wards_2025, import_areas};
use crate::{Core, CoreError, Result};

/// The one password of every demo account; `binhyen demo` prints it next to each phone number.
pub const DEMO_PASSWORD: &str = "binhyen-demo";

const PROVINCE_POLICE: &str = "ca-tinh-dak-lak";

#[derive(Debug, Clone)]
pub struct DemoSignIn {
    /// Role and unit, or kind of user, e.g. "Quản trị viên – Công an tỉnh Đắk Lắk".
    pub who: String,
    /// "0388 000 001", as typed on the sign-in form.
    pub phone_national: String,
    pub password: String,
}

#[derive(Debug, Clone)]
pub struct DemoReport {
    pub sign_ins: Vec<DemoSignIn>,
    /// Units created.
    pub units: u64,
    /// Areas in the store afterwards (official lists and villages).
    pub areas: u64,
    /// Accounts created.
    pub accounts: u64,
    /// The receipt code of the demo's anonymous tip, to try the receipt page with.
    pub receipt: String,
}

/// A legacy commune and the 2025 wards it went into, the default first.
struct Commune {
    area: Area,
    successors: Vec<Area>,
}

/// The imported areas the demo hangs its units on, read before the demo's own transaction opens.
struct Places {
    legacy_province: Area,
    province_2025: Area,
    /// Cư M'gar (648) and Buôn Ma Thuột (643) with their communes.
    districts: Vec<(Area, Vec<Commune>)>,
}

async fn read_places(core: &Core) -> Result<Places> {
    let s = &core.store;
    let mut districts = Vec::new();
    for code in ["648", "643"] {
        let district = s.area_by_key(Edition::Legacy, AreaLevel::District, code).await?;
        let mut communes = Vec::new();
        for area in s.area_children(district.id).await? {
            let successors = s.area_successors(area.id).await?.into_iter().map(|(a, _)| a).collect();
            communes.push(Commune { area, successors });
        }
        districts.push((district, communes));
    }
    Ok(Places {
        legacy_province: s.area_by_key(Edition::Legacy, AreaLevel::Province, "66").await?,
        province_2025: s.area_by_key(Edition::Current2025, AreaLevel::Province, "66").await?,
        districts,
    })
}

/// "Xã Ea KPam" → "ea-kpam" under "ca-xa-": ASCII, lower case, words joined by hyphens, apostrophes dropped.
fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in binhyen_text::fold(name).chars().filter(|c| !matches!(c, '\'' | '’')) {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_owned()
}

/// "Xã Ea KPam" → "Công an xã Ea KPam": inside a name the kind of place is written in lower case.
fn police_name(area: &Area) -> String {
    let kinds = [area.kind.as_str(), "Xã", "Phường", "Thị trấn", "Đặc khu"];
    match kinds.iter().find_map(|k| area.name.strip_prefix(k).map(|rest| (k, rest))) {
        Some((kind, rest)) => format!("Công an {}{rest}", kind.to_lowercase()),
        None => format!("Công an {}", area.name),
    }
}

/// Writes the demo inside one transaction, remembering what it made by code and name.
struct Builder {
    tx: Tx,
    now_ms: i64,
    units: HashMap<String, i64>,
    villages: HashMap<&'static str, i64>,
    sign_ins: Vec<DemoSignIn>,
    accounts: u64,
    hash: String,
}

impl Builder {
    async fn unit(
        &mut self,
        code: &str,
        kind: UnitKind,
        name: &str,
        parent: Option<&str>,
        valid: (Option<Date>, Option<Date>),
        areas: &[i64],
    ) -> Result<i64> {
        let contact = match data::CONTACTS.iter().find(|c| c.0 == code) {
            Some(&(_, address, phone, email)) => Contact {
                address: Some(address.into()),
                phone: Some(phone.into()),
                email: Some(email.into()),
                hours: data::hours(),
            },
            None => Contact::default(),
        };
        let unit = NewUnit {
            code: code.to_owned(),
            kind,
            name: binhyen_text::normalize(name),
            parent_id: parent.map(|p| self.units[p]),
            contact,
            valid_from: valid.0,
            valid_to: valid.1,
        };
        let id = units::insert(&mut self.tx, &unit, self.now_ms).await?;
        for &area in areas {
            units::add_jurisdiction(&mut self.tx, id, area).await?;
        }
        self.units.insert(code.to_owned(), id);
        Ok(id)
    }

    /// Inserts an account with the shared demo password and records how to sign in as it.
    async fn account(&mut self, who: &str, phone: &str, name: &str, fill: impl FnOnce(&mut NewAccount)) -> Result<i64> {
        let phone = PhoneNumber::parse(phone)?;
        let name = DisplayName::parse(name)?.into_inner();
        let mut account = NewAccount::new(AccountKind::Citizen, phone.e164().to_owned(), name, self.hash.clone());
        fill(&mut account);
        let id = accounts::insert(&mut self.tx, &account, self.now_ms).await?;
        self.accounts += 1;
        self.sign_ins.push(DemoSignIn {
            who: who.to_owned(),
            phone_national: phone.national(),
            password: DEMO_PASSWORD.to_owned(),
        });
        Ok(id)
    }
}

/// Builds the demo on a freshly migrated store. Refuses (`Conflict "store_not_empty"`) once accounts or units
/// exist, so it can never mix demo people into real data.
/// How the demo tells the 2025 reform.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Reform {
    /// The tree records it (old units end, successors named) and nothing moved: the 2020 work stays where
    /// it was done, as the other tests expect.
    #[default]
    Recorded,
    /// The reform applied as the operation it is (`binhyen demo --reform-2025`): the district police dissolved
    /// on 01/03/2025 and the communes merged on 01/07/2025 by the official mapping, moving followers, open
    /// tips, groups, services and questions to the successors.
    Applied,
}

pub async fn build(core: &Core) -> Result<DemoReport> {
    build_with(core, Reform::Recorded).await
}

pub async fn build_with(core: &Core, reform: Reform) -> Result<DemoReport> {
    let s = &core.store;
    if !s.all_units().await?.is_empty() || s.count_accounts().await? > 0 {
        return Err(CoreError::Conflict { code: "store_not_empty", field: None });
    }
    // The areas go in first, in their own transaction: they are official data, right to keep even if the
    // demo after them failed, and reading them back is simpler than threading ids through the import.
    import_areas(core, embedded_wards_2025(), embedded_legacy_mapping(), &|_, _| {}).await?;
    let places = read_places(core).await?;
    // Argon2id is slow by design (tens of milliseconds, far more in a debug build). The demo accounts share
    // one published password, so one hash for all of them gives nothing away that the printout does not.
    let hash = core.hash_password(DEMO_PASSWORD).await?;

    let mut b = Builder {
        tx: s.begin().await?,
        now_ms: core.now_ms(),
        units: HashMap::new(),
        villages: HashMap::new(),
        sign_ins: Vec::new(),
        accounts: 0,
        hash,
    };
    let plans = build_units(&mut b, &places, reform).await?;
    build_villages(&mut b, &places).await?;
    build_accounts(&mut b).await?;
    let Builder { tx, units, sign_ins, accounts, .. } = b;
    tx.commit().await?;
    core.units().units_changed();
    // As in the article: the mobile police hear of every urgent tip in the province; duty officers are on.
    s.set_urgent_watch(units["pcsd-dak-lak"], units["ca-tinh-dak-lak"], true).await?;
    for phone in data::ON_DUTY {
        let e164 = PhoneNumber::parse(phone)?.e164().to_owned();
        let officer = s.account_by_phone(&e164).await?.ok_or(CoreError::Internal("demo officer".into()))?;
        s.set_on_duty(officer.id, true, core.now_ms()).await?;
    }
    let receipt = tips::build(core).await?;
    pages::build(core).await?;
    guides::build(core).await?;
    appointments::build(core).await?;
    // Everything is searchable from the first page served, not after the worker's first turn.
    core.search().index_search().await?;
    // Planned and applied as an administrator would: each plan checked whole, then the job at its day (past).
    for plan in plans {
        if let Some(id) = core.units().reorganise(None, plan, false).await?.id {
            core.units().apply_if_due(id).await?;
        }
    }
    Ok(DemoReport { sign_ins, units: units.len() as u64, areas: s.count_areas().await? as u64, accounts, receipt })
}

/// The units, and the reform's plans when it is to be applied as an operation (else recorded in the tree).
async fn build_units(b: &mut Builder, places: &Places, reform: Reform) -> Result<Vec<Plan>> {
    use UnitKind::*;
    let always = (None, None);
    let applied = reform == Reform::Applied;
    let until_dissolved = if applied { always } else { (None, Some(DISTRICT_POLICE_DISSOLVED)) };
    let until_reform = if applied { always } else { (None, Some(REFORM_2025)) };
    let province_areas = [places.legacy_province.id, places.province_2025.id];
    b.unit(PROVINCE_POLICE, ProvincePolice, "Công an tỉnh Đắk Lắk", None, always, &province_areas).await?;
    b.unit("pcsd-dak-lak", MobilePolice, "Phòng Cảnh sát cơ động", Some(PROVINCE_POLICE), always, &[]).await?;

    let district_units =
        [("ca-huyen-cu-mgar", "Công an huyện Cư M'Gar"), ("ca-tp-buon-ma-thuot", "Công an thành phố Buôn Ma Thuột")];
    // 2025 ward id → the code of its police unit, filled as successor wards are met.
    let mut unit_of_ward: HashMap<i64, String> = HashMap::new();
    // Units that end before the reform, with the 2025 ward their commune went into (none for district units).
    let mut old_units: Vec<(String, Option<i64>)> = Vec::new();
    for ((district, communes), (code, name)) in places.districts.iter().zip(district_units) {
        let parent = Some(PROVINCE_POLICE);
        b.unit(code, DistrictPolice, name, parent, until_dissolved, &[district.id]).await?;
        if code == "ca-huyen-cu-mgar" {
            // The article's Cư M'Gar pages: three teams and the youth union besides the district's own.
            let teams = [
                ("doi-qlhc-cu-mgar", Team, "Đội Quản lý hành chính về trật tự xã hội"),
                ("doi-cshs-cu-mgar", Team, "Đội Cảnh sát hình sự"),
                ("doi-csmt-cu-mgar", Team, "Đội Cảnh sát điều tra tội phạm về ma túy"),
                ("doan-tn-ca-cu-mgar", YouthUnion, "Đoàn Thanh niên Công an huyện Cư M'Gar"),
            ];
            for (team_code, kind, team_name) in teams {
                b.unit(team_code, kind, team_name, Some(code), until_dissolved, &[]).await?;
                old_units.push((team_code.to_owned(), None));
            }
        }
        old_units.push((code.to_owned(), None));
        for c in communes {
            let commune_code = format!("ca-{}", slug(&c.area.name));
            b.unit(&commune_code, CommunePolice, &police_name(&c.area), Some(code), until_reform, &[c.area.id]).await?;
            for ward in &c.successors {
                if let Entry::Vacant(slot) = unit_of_ward.entry(ward.id) {
                    // Codes of 2025 units carry the year: "Xã Cư M'gar" existed before the reform too.
                    let ward_code = format!("ca-{}-2025", slug(&ward.name));
                    let valid = (Some(REFORM_2025), None);
                    b.unit(&ward_code, CommunePolice, &police_name(ward), Some(PROVINCE_POLICE), valid, &[ward.id])
                        .await?;
                    slot.insert(ward_code);
                }
            }
            old_units.push((commune_code, c.successors.first().map(|w| w.id)));
        }
    }
    // Old links keep working: a commune unit redirects to the unit of the ward its commune went into; the
    // dissolved district units, their teams and youth union, to the provincial police that took over their work.
    let province_id = b.units[PROVINCE_POLICE];
    let mut dissolved = Vec::new();
    let mut merged = Vec::new();
    for (code, ward_id) in old_units {
        let ward_unit = ward_id.and_then(|w| unit_of_ward.get(&w));
        if applied {
            match ward_unit {
                Some(into) => merged.push(Change::Merge { unit: code, into: into.clone() }),
                None => dissolved.push(Change::Dissolve { unit: code, successor: PROVINCE_POLICE.to_owned() }),
            }
        } else {
            let successor = ward_unit.map_or(province_id, |c| b.units[c]);
            units::set_successor(&mut b.tx, b.units[&code], successor).await?;
        }
    }
    Ok([(DISTRICT_POLICE_DISSOLVED, dissolved), (REFORM_2025, merged)]
        .into_iter()
        .filter(|(_, changes)| !changes.is_empty())
        .map(|(effective_on, changes)| Plan { effective_on, changes })
        .collect())
}

async fn build_villages(b: &mut Builder, places: &Places) -> Result<()> {
    let communes: HashMap<&str, &Area> = places
        .districts
        .iter()
        .flat_map(|(_, communes)| communes.iter().filter_map(|c| Some((c.area.code.as_deref()?, &c.area))))
        .collect();
    for &(name, kind, commune_code) in data::VILLAGES {
        let commune = communes.get(commune_code).ok_or(CoreError::not_found("area"))?;
        let village = NewArea {
            edition: Edition::Local,
            level: AreaLevel::Village,
            code: None,
            kind: kind.as_str().to_owned(),
            name: binhyen_text::normalize(name),
            parent_id: Some(commune.id),
            // Close enough for a map pin until an administrator places the village.
            lat: commune.lat,
            lon: commune.lon,
            // Villages outlive the reform; only the commune above them changed.
            valid_from: None,
            valid_to: None,
        };
        let id = areas::upsert(&mut b.tx, &village, b.now_ms).await?;
        b.villages.insert(name, id);
    }
    Ok(())
}

async fn build_accounts(b: &mut Builder) -> Result<()> {
    for o in data::OFFICERS {
        let unit = b.units[o.unit];
        b.account(o.who, o.phone, o.name, |a| {
            a.kind = AccountKind::Officer;
            a.unit_id = Some(unit);
            a.role = Some(o.role);
        })
        .await?;
    }
    for &(who, phone, name, village) in data::CITIZENS {
        let home = b.villages[village];
        b.account(who, phone, name, |a| a.home_area_id = Some(home)).await?;
    }
    for &(who, phone, name, kind, overseer, village) in data::BUSINESSES {
        let (home, overseer) = (b.villages[village], b.units[overseer]);
        b.account(who, phone, name, |a| {
            a.kind = AccountKind::Business;
            a.business_kind = Some(kind);
            a.overseeing_unit_id = Some(overseer);
            a.home_area_id = Some(home);
        })
        .await?;
    }
    let (who, phone, name) = data::CLUSTER;
    let bling = b.villages["Buôn Bling"];
    let cluster = b
        .account(who, phone, name, |a| {
            a.kind = AccountKind::Cluster;
            a.home_area_id = Some(bling);
        })
        .await?;
    for (position, &(head, house)) in (1..).zip(data::HOUSEHOLDS) {
        let household = Household {
            id: 0,
            position,
            head_name: DisplayName::parse(head)?.into_inner(),
            address: format!("Nhà số {house}, buôn Bling, xã Ea KPam, huyện Cư M'gar, tỉnh Đắk Lắk"),
            village_area_id: Some(bling),
        };
        accounts::add_household(&mut b.tx, cluster, position, &household).await?;
    }
    Ok(())
}
