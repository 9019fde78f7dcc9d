//! Importing the official lists of administrative areas (2025 wards, and the pre-reform communes with the 2025
//! ward each went into) from their CSV files, in one transaction.

use std::collections::{BTreeMap, HashMap};

use binhyen_domain::area::REFORM_2025;
use binhyen_domain::{AreaLevel, Edition, Invalid};
use binhyen_store::areas::{self, NewArea};
use binhyen_store::Tx;
use serde::Deserialize;

use crate::{Core, CoreError, Result};

/// What an import wrote, both editions together (a re-run reports the same numbers: rows are upserted).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub provinces: u64,
    pub districts: u64,
    pub communes: u64,
    pub successor_links: u64,
}

/// The 2025 list shipped inside the binary, so `import-areas` and `demo` need no download.
pub fn embedded_wards_2025() -> &'static [u8] {
    include_bytes!("../data/vn_wards_2025.csv")
}

/// The pre-reform → 2025 mapping shipped inside the binary.
pub fn embedded_legacy_mapping() -> &'static [u8] {
    include_bytes!("../data/vn_ward_mapping_legacy_to_2025.csv")
}

#[derive(Deserialize)]
struct WardRow {
    province_code: String,
    province: String,
    ward_code: String,
    ward: String,
    ward_type: String,
    lat: f64,
    lon: f64,
}

#[derive(Deserialize)]
struct MappingRow {
    old_province_code: String,
    old_district_code: String,
    old_ward_code: String,
    old_province: String,
    old_district: String,
    old_ward: String,
    new_ward_code: String,
    #[serde(deserialize_with = "python_bool")]
    is_default_new_ward: bool,
}

/// The files come from a Python tool and spell booleans "True"/"False".
fn python_bool<'de, D: serde::Deserializer<'de>>(d: D) -> std::result::Result<bool, D::Error> {
    let s = String::deserialize(d)?;
    match s.trim().to_ascii_lowercase().as_str() {
        "true" | "1" => Ok(true),
        "false" | "0" | "" => Ok(false),
        _ => Err(serde::de::Error::custom(format!("expected True or False, found {s:?}"))),
    }
}

/// A problem in one of the files, located for the person who supplied it.
struct Malformed {
    file: &'static str,
    line: u64,
    reason: String,
}

impl From<Malformed> for CoreError {
    fn from(m: Malformed) -> Self {
        // `Invalid` carries only static codes, so the location goes to the log, where the operator running
        // the import reads it.
        tracing::error!(file = m.file, line = m.line, reason = %m.reason, "malformed area CSV");
        Invalid::new("csv", "malformed_csv").into()
    }
}

struct Commune {
    name: String,
    kind: &'static str,
    district_code: String,
    /// The 2025 ward that carries on the commune (its people, its unit's followers and open tips).
    default: Option<String>,
    /// Further 2025 wards a split commune went into.
    others: Vec<String>,
    /// Where the commune first appears, to point at it if its default successor is missing.
    line: u64,
}

/// Both files, parsed and cross-checked, before anything touches the database.
#[derive(Default)]
struct Parsed {
    provinces_2025: BTreeMap<String, String>,
    /// The 2025 wards, names normalised.
    wards: Vec<WardRow>,
    ward_index: HashMap<String, usize>,
    legacy_provinces: BTreeMap<String, String>,
    /// District code → (name, legacy province code).
    districts: BTreeMap<String, (String, String)>,
    communes: BTreeMap<String, Commune>,
}

const PROVINCE_KINDS: &[&str] = &["Thành phố", "Tỉnh"];
const DISTRICT_KINDS: &[&str] = &["Quận", "Huyện", "Thị xã", "Thành phố"];
const COMMUNE_KINDS: &[&str] = &["Xã", "Phường", "Thị trấn"];

/// The kind a name starts with ("Thị Trấn Ea Pốk" → "Thị trấn"), and the name with that prefix spelt the
/// canonical way: the source capitalises a few prefixes differently, and unit names are built from them.
fn split_kind(name: &str, kinds: &[&'static str]) -> Option<(&'static str, String)> {
    kinds.iter().find_map(|&kind| {
        let prefix: String = name.chars().take(kind.chars().count()).collect();
        let rest = &name[prefix.len()..];
        (prefix.to_lowercase() == kind.to_lowercase() && rest.starts_with(' ')).then(|| (kind, format!("{kind}{rest}")))
    })
}

fn is_code(s: &str) -> bool {
    !s.is_empty() && s.len() <= 10 && s.bytes().all(|b| b.is_ascii_digit())
}

fn read_rows<R: std::io::Read, T: serde::de::DeserializeOwned>(
    file: &'static str,
    input: R,
    mut each: impl FnMut(u64, T) -> std::result::Result<(), String>,
) -> std::result::Result<(), Malformed> {
    let mut reader = csv::ReaderBuilder::new().trim(csv::Trim::All).from_reader(input);
    let malformed = |e: csv::Error| {
        let line = e.position().map_or(1, csv::Position::line);
        Malformed { file, line, reason: e.to_string() }
    };
    let headers = reader.headers().map_err(malformed)?.clone();
    let mut record = csv::StringRecord::new();
    let mut seen = 0u64;
    while reader.read_record(&mut record).map_err(malformed)? {
        seen += 1;
        let line = record.position().map_or(0, csv::Position::line);
        let row = record.deserialize(Some(&headers)).map_err(|e| Malformed { file, line, reason: e.to_string() })?;
        each(line, row).map_err(|reason| Malformed { file, line, reason })?;
    }
    if seen == 0 {
        return Err(Malformed { file, line: 1, reason: "no rows".into() });
    }
    Ok(())
}

/// Same code, same name: a second spelling of one area means the file is inconsistent.
fn same(known: &str, name: &str, what: &str, code: &str) -> std::result::Result<(), String> {
    (known == name).then_some(()).ok_or_else(|| format!("{what} {code} is given as both {known:?} and {name:?}"))
}

fn parse(wards_2025: impl std::io::Read, legacy_mapping: impl std::io::Read) -> std::result::Result<Parsed, Malformed> {
    let mut p = Parsed::default();
    read_rows("wards_2025", wards_2025, |_, r: WardRow| {
        if !is_code(&r.province_code) || !is_code(&r.ward_code) {
            return Err(format!("codes must be digits: {:?}, {:?}", r.province_code, r.ward_code));
        }
        let mut r = r;
        for text in [&mut r.province, &mut r.ward, &mut r.ward_type] {
            *text = binhyen_text::normalize(text);
        }
        let province = r.province.clone();
        if province.is_empty() || r.ward.is_empty() || r.ward_type.is_empty() {
            return Err("province, ward and ward_type are required".into());
        }
        if !(-90.0..=90.0).contains(&r.lat) || !(-180.0..=180.0).contains(&r.lon) {
            return Err(format!("coordinates out of range: {}, {}", r.lat, r.lon));
        }
        split_kind(&province, PROVINCE_KINDS).ok_or_else(|| format!("unknown kind of province {province:?}"))?;
        let known = p.provinces_2025.entry(r.province_code.clone()).or_insert_with(|| province.clone());
        same(known, &province, "province", &r.province_code)?;
        if p.ward_index.insert(r.ward_code.clone(), p.wards.len()).is_some() {
            return Err(format!("ward {} appears twice", r.ward_code));
        }
        p.wards.push(r);
        Ok(())
    })?;
    read_rows("legacy_mapping", legacy_mapping, |line, r: MappingRow| {
        for code in [&r.old_province_code, &r.old_district_code, &r.old_ward_code, &r.new_ward_code] {
            if !is_code(code) {
                return Err(format!("codes must be digits: {code:?}"));
            }
        }
        if !p.ward_index.contains_key(&r.new_ward_code) {
            return Err(format!("2025 ward {} is not in the 2025 list", r.new_ward_code));
        }
        let province = binhyen_text::normalize(&r.old_province);
        split_kind(&province, PROVINCE_KINDS).ok_or_else(|| format!("unknown kind of province {province:?}"))?;
        let known = p.legacy_provinces.entry(r.old_province_code.clone()).or_insert_with(|| province.clone());
        same(known, &province, "province", &r.old_province_code)?;
        let (_, district) = split_kind(&binhyen_text::normalize(&r.old_district), DISTRICT_KINDS)
            .ok_or_else(|| format!("unknown kind of district {:?}", r.old_district))?;
        let entry = p
            .districts
            .entry(r.old_district_code.clone())
            .or_insert_with(|| (district.clone(), r.old_province_code.clone()));
        same(&entry.0, &district, "district", &r.old_district_code)?;
        same(&entry.1, &r.old_province_code, "province of district", &r.old_district_code)?;
        let (kind, commune) = split_kind(&binhyen_text::normalize(&r.old_ward), COMMUNE_KINDS)
            .ok_or_else(|| format!("unknown kind of commune {:?}", r.old_ward))?;
        // A split commune has one row per ward it went into; it is one area with several successors.
        let c = p.communes.entry(r.old_ward_code.clone()).or_insert_with(|| Commune {
            name: commune.clone(),
            kind,
            district_code: r.old_district_code.clone(),
            default: None,
            others: Vec::new(),
            line,
        });
        same(&c.name, &commune, "commune", &r.old_ward_code)?;
        same(&c.district_code, &r.old_district_code, "district of commune", &r.old_ward_code)?;
        if c.default.as_ref() == Some(&r.new_ward_code) || c.others.contains(&r.new_ward_code) {
            return Err(format!("commune {} → ward {} appears twice", r.old_ward_code, r.new_ward_code));
        }
        if !r.is_default_new_ward {
            c.others.push(r.new_ward_code);
        } else if c.default.is_some() {
            return Err(format!("commune {} has two default successors", r.old_ward_code));
        } else {
            c.default = Some(r.new_ward_code);
        }
        Ok(())
    })?;
    if let Some((code, c)) = p.communes.iter().find(|(_, c)| c.default.is_none()) {
        let reason = format!("commune {code} has no row with is_default_new_ward = True");
        return Err(Malformed { file: "legacy_mapping", line: c.line, reason });
    }
    Ok(p)
}

/// Where a pre-reform province or district went: the 2025 province most of its communes went into, then the
/// others any of them reached. Ties go to the lower code, so the answer does not depend on row order.
fn regional_successors<'a>(
    p: &'a Parsed,
    region_of: impl Fn(&'a Commune) -> &'a str,
) -> BTreeMap<&'a str, (&'a str, Vec<&'a str>)> {
    let mut counts: BTreeMap<&str, BTreeMap<&str, u64>> = BTreeMap::new();
    for c in p.communes.values() {
        let region = counts.entry(region_of(c)).or_default();
        let wards = c.default.iter().map(|w| (w, 1)).chain(c.others.iter().map(|w| (w, 0)));
        for (ward, weight) in wards {
            *region.entry(&p.wards[p.ward_index[ward]].province_code).or_default() += weight;
        }
    }
    counts
        .into_iter()
        .map(|(region, provinces)| {
            // Most communes first; among equals the lower code, which `max_by` meets as the "greater" one.
            let best = provinces.iter().max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)));
            let default = best.map_or("", |(&code, _)| code);
            (region, (default, provinces.into_keys().filter(|&c| c != default).collect()))
        })
        .collect()
}

/// Writes rows and reports progress as it goes.
struct Writer<'a> {
    tx: &'a mut Tx,
    now_ms: i64,
    done: u64,
    total: u64,
    progress: &'a (dyn Fn(u64, u64) + Sync),
}

impl Writer<'_> {
    async fn area(&mut self, area: NewArea) -> Result<i64> {
        let id = areas::upsert(self.tx, &area, self.now_ms).await?;
        self.tick();
        Ok(id)
    }

    async fn link(&mut self, area_id: i64, successor_id: i64, is_default: bool) -> Result<()> {
        areas::link_successor(self.tx, area_id, successor_id, is_default).await?;
        self.tick();
        Ok(())
    }

    fn tick(&mut self) {
        self.done += 1;
        (self.progress)(self.done, self.total);
    }
}

fn new_area(
    edition: Edition,
    level: AreaLevel,
    code: &str,
    kind: &str,
    name: &str,
    parent_id: Option<i64>,
    at: Option<(f64, f64)>,
) -> NewArea {
    // The official lists describe the two sides of 1 July 2025: the 2025 list from that day on, the
    // pre-reform list until the day before (validity is half-open).
    let (valid_from, valid_to) = match edition {
        Edition::Current2025 => (Some(REFORM_2025), None),
        Edition::Legacy | Edition::Local => (None, Some(REFORM_2025)),
    };
    NewArea {
        edition,
        level,
        code: Some(code.to_owned()),
        kind: kind.to_owned(),
        name: name.to_owned(),
        parent_id,
        lat: at.map(|(lat, _)| lat),
        lon: at.map(|(_, lon)| lon),
        valid_from,
        valid_to,
    }
}

fn kind_of(name: &str, kinds: &[&'static str]) -> &'static str {
    // Parsing already refused names without a known prefix.
    split_kind(name, kinds).map_or("", |(kind, _)| kind)
}

/// Imports both editions and the links between them in one transaction: a failure leaves nothing written, and
/// a re-run updates the same rows (areas are keyed by edition, level and code).
pub async fn import_areas(
    core: &Core,
    wards_2025: impl std::io::Read,
    legacy_mapping: impl std::io::Read,
    progress: &(dyn Fn(u64, u64) + Sync),
) -> Result<ImportReport> {
    let p = parse(wards_2025, legacy_mapping)?;
    let province_links = regional_successors(&p, |c| p.districts[&c.district_code].1.as_str());
    let district_links = regional_successors(&p, |c| c.district_code.as_str());
    let links = |m: &BTreeMap<_, (_, Vec<_>)>| m.values().map(|(_, others)| 1 + others.len() as u64).sum::<u64>();
    let commune_links: u64 = p.communes.values().map(|c| 1 + c.others.len() as u64).sum();
    let report = ImportReport {
        provinces: (p.provinces_2025.len() + p.legacy_provinces.len()) as u64,
        districts: p.districts.len() as u64,
        communes: (p.wards.len() + p.communes.len()) as u64,
        successor_links: commune_links + links(&province_links) + links(&district_links),
    };
    let total = report.provinces + report.districts + report.communes + report.successor_links;

    let mut tx = core.store.begin().await?;
    let mut w = Writer { tx: &mut tx, now_ms: core.now_ms(), done: 0, total, progress };
    let (current, legacy) = (Edition::Current2025, Edition::Legacy);
    let (province, district, commune) = (AreaLevel::Province, AreaLevel::District, AreaLevel::Commune);

    let mut provinces_2025 = HashMap::new();
    for (code, name) in &p.provinces_2025 {
        let id = w.area(new_area(current, province, code, kind_of(name, PROVINCE_KINDS), name, None, None)).await?;
        provinces_2025.insert(code.as_str(), id);
    }
    let mut wards = HashMap::new();
    for ward in &p.wards {
        let parent = Some(provinces_2025[ward.province_code.as_str()]);
        let at = Some((ward.lat, ward.lon));
        let id = w.area(new_area(current, commune, &ward.ward_code, &ward.ward_type, &ward.ward, parent, at)).await?;
        wards.insert(ward.ward_code.as_str(), id);
    }
    let mut legacy_provinces = HashMap::new();
    for (code, name) in &p.legacy_provinces {
        let id = w.area(new_area(legacy, province, code, kind_of(name, PROVINCE_KINDS), name, None, None)).await?;
        legacy_provinces.insert(code.as_str(), id);
    }
    let mut districts = HashMap::new();
    for (code, (name, province_code)) in &p.districts {
        let parent = Some(legacy_provinces[province_code.as_str()]);
        let kind = kind_of(name, DISTRICT_KINDS);
        districts.insert(code.as_str(), w.area(new_area(legacy, district, code, kind, name, parent, None)).await?);
    }
    for (code, c) in &p.communes {
        let default = c.default.as_deref().unwrap_or_default();
        // The file gives no centre for old communes; the ward that carries them on is the nearest stand-in.
        let ward = &p.wards[p.ward_index[default]];
        let (parent, at) = (Some(districts[c.district_code.as_str()]), Some((ward.lat, ward.lon)));
        let id = w.area(new_area(legacy, commune, code, c.kind, &c.name, parent, at)).await?;
        w.link(id, wards[default], true).await?;
        for other in &c.others {
            w.link(id, wards[other.as_str()], false).await?;
        }
    }
    for (ids, regions) in [(&legacy_provinces, &province_links), (&districts, &district_links)] {
        for (region, (default, others)) in regions {
            w.link(ids[region], provinces_2025[default], true).await?;
            for other in others {
                w.link(ids[region], provinces_2025[other], false).await?;
            }
        }
    }
    tx.commit().await?;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(wards: &str, mapping: &str) -> (&'static str, u64, String) {
        let m = parse(wards.as_bytes(), mapping.as_bytes()).err().expect("malformed");
        (m.file, m.line, m.reason)
    }

    #[test]
    fn problems_name_the_file_and_line() {
        let wards = "province_code,province,ward_code,ward,ward_type,lat,lon\n66,Tỉnh Đắk Lắk,24280,Xã Cư M'gar,Xã,12.9,108.1\n";
        let head =
            "old_province_code,old_district_code,old_ward_code,old_province,old_district,old_ward,new_province_code,\
                    new_ward_code,new_province,new_ward,kind,is_default_new_ward\n";
        let row = "66,648,24280,Tỉnh Đắk Lắk,Huyện Cư M'gar,Xã Ea KPam,66,24280,Tỉnh Đắk Lắk,Xã Cư M'gar,merged";
        assert!(parse(wards.as_bytes(), format!("{head}{row},True\n").as_bytes()).is_ok());
        let (file, line, reason) = problem(&wards.replace("12.9", "north"), "");
        assert_eq!((file, line), ("wards_2025", 2), "{reason}");
        let (file, line, reason) = problem(wards, &format!("{head}{row},True\n{row},Maybe\n"));
        assert_eq!((file, line), ("legacy_mapping", 3), "{reason}");
        assert!(reason.contains("Maybe"), "{reason}");
        let (_, line, reason) = problem(wards, &format!("{head}{row},False\n"));
        assert_eq!(line, 2);
        assert!(reason.contains("no row with is_default_new_ward"), "{reason}");
        let (_, line, reason) = problem(wards, &format!("{head}{},True\n", row.replace("Xã Ea", "Làng Ea")));
        assert_eq!(line, 2);
        assert!(reason.contains("unknown kind of commune"), "{reason}");
    }

    #[test]
    fn kinds_come_from_name_prefixes() {
        assert_eq!(split_kind("Thị Trấn Ea Pốk", COMMUNE_KINDS), Some(("Thị trấn", "Thị trấn Ea Pốk".into())));
        assert_eq!(split_kind("Thành phố Buôn Ma Thuột", DISTRICT_KINDS).unwrap().0, "Thành phố");
        assert_eq!(split_kind("Xãhội", COMMUNE_KINDS), None);
    }
}
