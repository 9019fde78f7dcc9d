//! Vietnamese mobile numbers: typed as 0xxxxxxxxx, +84xxxxxxxxx or 84xxxxxxxxx, with spaces, dots or dashes.

use crate::Invalid;

/// A valid Vietnamese mobile number, held in E.164 form (+84 and nine digits).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PhoneNumber(String);

/// Mobile networks use these first digits after the trunk 0 (03x Viettel, 05x Vietnamobile, 07x MobiFone,
/// 08x VinaPhone and others, 09x all of them). Landlines (02x) cannot receive SMS codes, so they are refused.
const MOBILE_FIRST_DIGITS: [u8; 5] = [b'3', b'5', b'7', b'8', b'9'];

impl PhoneNumber {
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        let invalid = || Invalid::new("phone", "invalid_phone");
        let compact: String = input.chars().filter(|c| !matches!(c, ' ' | '.' | '-' | '(' | ')')).collect();
        let national = if let Some(rest) = compact.strip_prefix("+84") {
            rest
        } else if let Some(rest) = compact.strip_prefix("84").filter(|r| r.len() == 9) {
            rest
        } else if let Some(rest) = compact.strip_prefix('0') {
            rest
        } else {
            return Err(invalid());
        };
        let bytes = national.as_bytes();
        if bytes.len() != 9 || !bytes.iter().all(u8::is_ascii_digit) || !MOBILE_FIRST_DIGITS.contains(&bytes[0]) {
            return Err(invalid());
        }
        Ok(Self(format!("+84{national}")))
    }

    /// "+84912345678"
    pub fn e164(&self) -> &str {
        &self.0
    }

    /// "0912 345 678", as people write it.
    pub fn national(&self) -> String {
        let n = &self.0[3..];
        format!("0{} {} {}", &n[0..3], &n[3..6], &n[6..9])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_common_spellings() {
        for s in ["0912345678", "+84912345678", "84912345678", "0912 345 678", "091.234.5678", "+84 912-345-678"] {
            assert_eq!(PhoneNumber::parse(s).unwrap().e164(), "+84912345678", "{s}");
        }
        assert_eq!(PhoneNumber::parse("0388123456").unwrap().national(), "0388 123 456");
    }

    #[test]
    fn refuses_what_is_not_a_mobile_number() {
        for s in ["", "091234567", "09123456789", "0212345678", "+8591234567", "09a2345678", "+840912345678", "abc"] {
            assert_eq!(PhoneNumber::parse(s), Err(Invalid::new("phone", "invalid_phone")), "{s}");
        }
    }
}
