//! Administrative areas: levels, kinds and the editions of the official lists they come from.

use crate::string_enum;

string_enum!(
    /// Where an area sits in the hierarchy. Districts exist only before the 2025 reform.
    AreaLevel { Province => "province", District => "district", Commune => "commune", Village => "village" }
    field = "level"
);

string_enum!(
    /// Which list an area comes from: the 2025 official list, the pre-reform list, or created locally
    /// (villages: thôn, buôn, tổ dân phố). Codes are unique only within an edition and level.
    Edition { Current2025 => "2025", Legacy => "legacy", Local => "local" }
    field = "edition"
);

string_enum!(
    /// A village-level kind, chosen by the administrator who creates it.
    AreaKind { Thon => "Thôn", Buon => "Buôn", ToDanPho => "Tổ dân phố", Ap => "Ấp", Ban => "Bản" }
    field = "kind"
);

/// The day the 2025 reorganisation took effect: districts dissolved, communes merged.
pub const REFORM_2025: time::Date = time::macros::date!(2025 - 07 - 01);
/// District-level police units were dissolved before the administrative reform itself.
pub const DISTRICT_POLICE_DISSOLVED: time::Date = time::macros::date!(2025 - 03 - 01);

/// Half-open validity: from `from` (inclusive, or since ever) until `to` (exclusive, or for ever).
pub fn valid_on(from: Option<time::Date>, to: Option<time::Date>, day: time::Date) -> bool {
    from.is_none_or(|f| f <= day) && to.is_none_or(|t| day < t)
}
