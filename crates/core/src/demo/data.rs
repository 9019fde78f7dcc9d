//! The people, villages and contact details of the demo. Everyone is fictional except H'Đào Niê of buôn Bling,
//! whom the 2020 article quotes; phone numbers follow an obviously made-up pattern (…000 0xx).

use binhyen_domain::{AreaKind, BusinessKind, Role};

/// Legacy commune codes the stories happen in.
pub(super) const EA_KPAM: &str = "24280";
pub(super) const TAN_LOI: &str = "24136";

/// Villages (thôn, buôn, tổ dân phố): name, kind, legacy commune.
pub(super) const VILLAGES: &[(&str, AreaKind, &str)] = &[
    ("Buôn Bling", AreaKind::Buon, EA_KPAM),
    ("Thôn 8", AreaKind::Thon, EA_KPAM),
    ("Thôn 1", AreaKind::Thon, EA_KPAM),
    ("Thôn 3", AreaKind::Thon, EA_KPAM),
    ("Tổ dân phố 5", AreaKind::ToDanPho, TAN_LOI),
    ("Tổ dân phố 8", AreaKind::ToDanPho, TAN_LOI),
];

const HOURS: &str = "07:30–11:30, 13:30–17:00, thứ Hai – thứ Sáu";

/// How to reach the units people deal with most: unit code, address, desk phone, e-mail.
pub(super) const CONTACTS: &[(&str, &str, &str, &str)] = &[
    (
        "ca-tinh-dak-lak",
        "Đường Lê Duẩn, phường Buôn Ma Thuột, tỉnh Đắk Lắk",
        "0262 3000 100",
        "ca-tinh@binhyen.example",
    ),
    ("pcsd-dak-lak", "Đường Nguyễn Chí Thanh, phường Tân An, tỉnh Đắk Lắk", "0262 3000 113", "pcsd@binhyen.example"),
    (
        "ca-huyen-cu-mgar",
        "Thị trấn Quảng Phú, huyện Cư M'gar, tỉnh Đắk Lắk",
        "0262 3000 200",
        "ca-cumgar@binhyen.example",
    ),
    ("ca-tp-buon-ma-thuot", "Đường Phan Bội Châu, thành phố Buôn Ma Thuột", "0262 3000 300", "ca-bmt@binhyen.example"),
    (
        "ca-xa-ea-kpam",
        "Trung tâm xã Ea KPam, huyện Cư M'gar, tỉnh Đắk Lắk",
        "0262 3000 210",
        "ca-eakpam@binhyen.example",
    ),
    (
        "ca-phuong-tan-loi",
        "Đường Hà Huy Tập, phường Tân Lợi, thành phố Buôn Ma Thuột",
        "0262 3000 310",
        "ca-tanloi@binhyen.example",
    ),
    ("ca-xa-cu-mgar-2025", "Trung tâm xã Cư M'gar, tỉnh Đắk Lắk", "0262 3000 410", "ca-xa-cumgar@binhyen.example"),
    (
        "ca-phuong-buon-ma-thuot-2025",
        "Đường Lê Duẩn, phường Buôn Ma Thuột, tỉnh Đắk Lắk",
        "0262 3000 420",
        "ca-p-bmt@binhyen.example",
    ),
];

pub(super) fn hours() -> Option<String> {
    Some(HOURS.to_owned())
}

pub(super) struct Officer {
    pub who: &'static str,
    pub phone: &'static str,
    pub name: &'static str,
    pub unit: &'static str,
    pub role: Role,
}

pub(super) const OFFICERS: &[Officer] = &[
    Officer {
        who: "Quản trị viên – Công an tỉnh Đắk Lắk",
        phone: "0388 000 001",
        name: "Trần Quốc Huy",
        unit: "ca-tinh-dak-lak",
        role: Role::Administrator,
    },
    Officer {
        who: "Chỉ huy – Phòng Cảnh sát cơ động",
        phone: "0388 000 002",
        name: "Phạm Văn Cường",
        unit: "pcsd-dak-lak",
        role: Role::Commander,
    },
    Officer {
        who: "Cán bộ trực ban – Phòng Cảnh sát cơ động",
        phone: "0388 000 003",
        name: "Đỗ Minh Khang",
        unit: "pcsd-dak-lak",
        role: Role::Officer,
    },
    Officer {
        who: "Chỉ huy – Công an huyện Cư M'Gar (đến 01/03/2025)",
        phone: "0388 000 004",
        name: "Lê Thanh Sơn",
        unit: "ca-huyen-cu-mgar",
        role: Role::Commander,
    },
    Officer {
        who: "Chỉ huy – Công an xã Ea KPam",
        phone: "0388 000 005",
        name: "Nguyễn Hữu Lâm",
        unit: "ca-xa-ea-kpam",
        role: Role::Commander,
    },
    Officer {
        who: "Cán bộ – Công an xã Ea KPam",
        phone: "0388 000 006",
        name: "Y Tuấn Byă",
        unit: "ca-xa-ea-kpam",
        role: Role::Officer,
    },
    Officer {
        who: "Cán bộ – Công an phường Tân Lợi",
        phone: "0388 000 007",
        name: "Hoàng Thị Mai",
        unit: "ca-phuong-tan-loi",
        role: Role::Officer,
    },
    Officer {
        who: "Chỉ huy – Công an xã Cư M'gar (từ 01/07/2025)",
        phone: "0388 000 008",
        name: "Vũ Đức Thắng",
        unit: "ca-xa-cu-mgar-2025",
        role: Role::Commander,
    },
    Officer {
        who: "Cán bộ trực ban – Công an xã Cư M'gar (từ 01/07/2025)",
        phone: "0388 000 009",
        name: "H'Linh Mlô",
        unit: "ca-xa-cu-mgar-2025",
        role: Role::Officer,
    },
];

/// Officers on duty when the demo starts: the duty officers of the mobile police and of Công an xã Cư M'gar
/// (which answers for the former Ea KPam today).
pub(super) const ON_DUTY: &[&str] = &["0388 000 003", "0388 000 009"];

/// Citizens: who, phone, name, home village.
pub(super) const CITIZENS: &[(&str, &str, &str, &str)] = &[
    ("Người dân – H'Đào Niê, buôn Bling", "0399 000 001", "H'Đào Niê", "Buôn Bling"),
    ("Người dân – thôn 8, xã Ea KPam", "0399 000 002", "Nguyễn Thị Hạnh", "Thôn 8"),
    ("Người dân – phường Tân Lợi", "0399 000 003", "Lê Quốc Bảo", "Tổ dân phố 5"),
];

/// Businesses in watched sectors: who, phone, name, sector, overseeing unit, home village.
pub(super) const BUSINESSES: &[(&str, &str, &str, BusinessKind, &str, &str)] = &[
    (
        "Cơ sở cầm đồ – Tiệm cầm đồ Minh Phát",
        "0377 000 001",
        "Tiệm cầm đồ Minh Phát",
        BusinessKind::Pawnshop,
        "ca-xa-ea-kpam",
        "Thôn 1",
    ),
    (
        "Nhà nghỉ – Nhà nghỉ Hoa Sen",
        "0377 000 002",
        "Nhà nghỉ Hoa Sen",
        BusinessKind::Guesthouse,
        "ca-phuong-tan-loi",
        "Tổ dân phố 8",
    ),
];

pub(super) const CLUSTER: (&str, &str, &str) =
    ("Cụm hộ – Cụm 7 hộ buôn Bling (đại diện: Y Khoa Niê)", "0397 000 001", "Cụm 7 hộ buôn Bling");

/// The households of the cluster, its representative first: head of household, house number in buôn Bling.
pub(super) const HOUSEHOLDS: &[(&str, u32)] = &[
    ("Y Khoa Niê", 3),
    ("H'Ngơn Êban", 7),
    ("Y Bhiết Mlô", 12),
    ("H'Lan Ayŭn", 15),
    ("Y Sơn Byă", 21),
    ("H'Juê Niê Kdăm", 24),
    ("Y Tlam Knul", 30),
];
