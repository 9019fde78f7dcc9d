//! Accounts: who signs in, in which capacity, and the validated values they give.

use crate::{string_enum, Invalid};

string_enum!(
    /// The capacity an account acts in.
    AccountKind { Citizen => "citizen", Officer => "officer", Business => "business", Cluster => "cluster" }
    field = "kind"
);

string_enum!(
    /// An officer's role within their unit. Ordered by power: each role may do what the one before it may.
    Role { Officer => "officer", Commander => "commander", Administrator => "administrator" }
    field = "role"
);

string_enum!(
    /// Sectors the police oversee (the law asks pawnshops and guesthouses to keep registers).
    BusinessKind {
        Pawnshop => "pawnshop", Guesthouse => "guesthouse", Cafe => "cafe", School => "school",
        ReligiousOrganisation => "religious_organisation", Other => "other"
    }
    field = "business_kind"
);

impl Role {
    pub fn rank(self) -> u8 {
        match self {
            Role::Officer => 1,
            Role::Commander => 2,
            Role::Administrator => 3,
        }
    }
}

/// A name shown to others: NFC, 1–80 characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisplayName(String);

impl DisplayName {
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        let name = binhyen_text::normalize(input);
        if name.is_empty() {
            return Err(Invalid::new("display_name", "required"));
        }
        if name.chars().count() > 80 {
            return Err(Invalid::new("display_name", "too_long"));
        }
        if name.chars().any(char::is_control) {
            return Err(Invalid::new("display_name", "invalid_characters"));
        }
        Ok(Self(name))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

/// A new password: 8–128 characters. Never logged, never printed: `Debug` hides it.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    pub const MIN_CHARS: usize = 8;
    pub const MAX_CHARS: usize = 128;

    pub fn parse(input: &str) -> Result<Self, Invalid> {
        let n = input.chars().count();
        if n < Self::MIN_CHARS {
            return Err(Invalid::new("password", "too_short"));
        }
        if n > Self::MAX_CHARS {
            return Err(Invalid::new("password", "too_long"));
        }
        Ok(Self(input.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_are_normalised_and_bounded() {
        assert_eq!(DisplayName::parse("  H'Đào   Niê ").unwrap().as_str(), "H'Đào Niê");
        assert_eq!(DisplayName::parse("   ").unwrap_err().code, "required");
        assert_eq!(DisplayName::parse(&"a".repeat(81)).unwrap_err().code, "too_long");
    }

    #[test]
    fn passwords_are_bounded_and_hidden() {
        assert_eq!(Password::parse("short").unwrap_err().code, "too_short");
        assert!(format!("{:?}", Password::parse("mật khẩu dài").unwrap()).contains("redacted"));
    }

    #[test]
    fn enums_round_trip() {
        for r in Role::ALL {
            assert_eq!(r.as_str().parse::<Role>().unwrap(), *r);
        }
        assert!("chief".parse::<Role>().is_err());
    }
}
