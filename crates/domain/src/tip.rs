//! Tips (tin báo, tố giác): categories, protection levels, priorities, the workflow as a state machine, and
//! the validated values a tipster gives. Every transition rule lives here and is unit-tested.

use crate::{string_enum, Invalid};

string_enum!(
    /// What a tip is about.
    TipCategory {
        Drugs => "drugs", LoanSharking => "loan_sharking", Theft => "theft", Gambling => "gambling",
        FakeNews => "fake_news", Fraud => "fraud", Disorder => "disorder", EpidemicRules => "epidemic_rules",
        Other => "other"
    }
    field = "category"
);

string_enum!(
    /// How the tipster is protected. Chosen by the tipster, never lowered by anyone else.
    Protection { Identified => "identified", Confidential => "confidential", Anonymous => "anonymous" }
    field = "protection"
);

string_enum!(
    Priority { Urgent => "urgent", High => "high", Normal => "normal" }
    field = "priority"
);

string_enum!(
    /// Where a tip stands. `Transferred` waits for the receiving unit like `New`; `Reopened` is worked again
    /// after a resolution.
    TipState {
        New => "new", Acknowledged => "acknowledged", Verifying => "verifying", Dispatched => "dispatched",
        Resolved => "resolved", Transferred => "transferred", Reopened => "reopened"
    }
    field = "state"
);

string_enum!(
    /// What a line of a tip's timeline records. `Message`s are between officers and the tipster (the tipster
    /// sees them); `Note`s stay inside the police; `Escalated` is the SLA telling the unit above;
    /// `UnitReorganised` is the tip's unit ending in a reorganisation, `unit_id` the unit that took it over;
    /// `Support…` are a supporting unit's (`unit_id`) own steps beside the responsible unit.
    TipEventKind {
        Submitted => "submitted", StateChanged => "state_changed", Assigned => "assigned",
        PriorityChanged => "priority_changed", Note => "note", Message => "message",
        UnsealRequested => "unseal_requested", UnsealApproved => "unseal_approved",
        IdentityViewed => "identity_viewed", AttachmentAdded => "attachment_added", Escalated => "escalated",
        UnitReorganised => "unit_reorganised", SupportAcknowledged => "support_acknowledged",
        SupportResolved => "support_resolved"
    }
    field = "kind"
);

string_enum!(
    /// What officers concluded.
    Verdict { Confirmed => "confirmed", Unfounded => "unfounded", Duplicate => "duplicate" }
    field = "verdict"
);

impl TipCategory {
    /// (Vietnamese, English): what people read, in the pages and in the messages sent to them.
    pub fn names(self) -> (&'static str, &'static str) {
        use TipCategory::*;
        match self {
            Drugs => ("Ma tuý", "Drugs"),
            LoanSharking => ("Tín dụng đen / cho vay nặng lãi", "Loan sharking"),
            Theft => ("Trộm cắp tài sản", "Theft"),
            Gambling => ("Đánh bạc", "Gambling"),
            FakeNews => ("Tin giả / thông tin sai sự thật", "Fake news / false information"),
            Fraud => ("Lừa đảo / đa cấp", "Fraud / pyramid schemes"),
            Disorder => ("Tụ tập gây rối / đánh nhau / mang hung khí", "Disorder / fighting / carrying weapons"),
            EpidemicRules => ("Vi phạm phòng chống dịch", "Breaking epidemic rules"),
            Other => ("Khác", "Other"),
        }
    }
}

impl TipState {
    /// (Vietnamese, English), also read as a sentence in a tipster's timeline ("Đã tiếp nhận").
    pub fn names(self) -> (&'static str, &'static str) {
        use TipState::*;
        match self {
            New => ("Mới", "New"),
            Acknowledged => ("Đã tiếp nhận", "Acknowledged"),
            Verifying => ("Đang xác minh", "Being verified"),
            Dispatched => ("Đã cử lực lượng", "Officers sent"),
            Resolved => ("Đã xử lý xong", "Resolved"),
            Transferred => ("Đã chuyển đơn vị có thẩm quyền", "Transferred to the competent unit"),
            Reopened => ("Đã mở lại để xử lý tiếp", "Reopened"),
        }
    }
}

/// What an officer does to a tip's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transition {
    Acknowledge,
    Verify,
    Dispatch,
    Resolve,
    Transfer,
    Reopen,
}

impl Transition {
    pub const ALL: [Transition; 6] = [
        Transition::Acknowledge,
        Transition::Verify,
        Transition::Dispatch,
        Transition::Resolve,
        Transition::Transfer,
        Transition::Reopen,
    ];

    pub fn parse(s: &str) -> Result<Self, Invalid> {
        Ok(match s {
            "acknowledge" => Transition::Acknowledge,
            "verify" => Transition::Verify,
            "dispatch" => Transition::Dispatch,
            "resolve" => Transition::Resolve,
            "transfer" => Transition::Transfer,
            "reopen" => Transition::Reopen,
            _ => return Err(Invalid::new("action", "unknown_value")),
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Transition::Acknowledge => "acknowledge",
            Transition::Verify => "verify",
            Transition::Dispatch => "dispatch",
            Transition::Resolve => "resolve",
            Transition::Transfer => "transfer",
            Transition::Reopen => "reopen",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a tip that is {from} cannot be {action:?}d")]
pub struct IllegalTransition {
    pub from: TipState,
    pub action: Transition,
}

impl TipState {
    /// Open tips are still being worked.
    pub fn is_open(self) -> bool {
        self != TipState::Resolved
    }

    /// The state after `action`, or why not. Resolving is possible from every open state (a tip may prove
    /// unfounded at once); transferring only before dispatch (a dispatched patrol belongs to its unit).
    pub fn next(self, action: Transition) -> Result<TipState, IllegalTransition> {
        use TipState::*;
        use Transition as T;
        let to = match (self, action) {
            (New | Transferred, T::Acknowledge) => Acknowledged,
            (Acknowledged | Reopened | Dispatched, T::Verify) => Verifying,
            (Acknowledged | Verifying | Reopened, T::Dispatch) => Dispatched,
            (New | Transferred | Acknowledged | Verifying | Dispatched | Reopened, T::Resolve) => Resolved,
            (New | Transferred | Acknowledged | Verifying | Reopened, T::Transfer) => Transferred,
            (Resolved, T::Reopen) => Reopened,
            _ => return Err(IllegalTransition { from: self, action }),
        };
        Ok(to)
    }
}

/// The priority a new tip starts with: something happening now is urgent until an officer says otherwise.
pub fn initial_priority(happening_now: bool) -> Priority {
    if happening_now {
        Priority::Urgent
    } else {
        Priority::Normal
    }
}

/// The protection a sender may ask for: keeping an identity safe needs one to keep, so a sender who is not
/// signed in can only be anonymous.
pub fn check_protection(asked: Protection, signed_in: bool) -> Result<Protection, Invalid> {
    match (asked, signed_in) {
        (Protection::Anonymous, _) | (Protection::Identified | Protection::Confidential, true) => Ok(asked),
        (Protection::Identified | Protection::Confidential, false) => {
            Err(Invalid::new("protection", "sign_in_required"))
        }
    }
}

/// A tip's text: NFC, 1–5,000 characters.
pub fn parse_description(input: &str) -> Result<String, Invalid> {
    let text = binhyen_text::normalize_multiline(input);
    if text.is_empty() {
        return Err(Invalid::new("description", "required"));
    }
    if text.chars().count() > 5000 {
        return Err(Invalid::new("description", "too_long"));
    }
    Ok(text)
}

/// A point the tipster's phone gave. Vietnam's mainland and islands lie within this box; anything outside it,
/// NaN or out of range is refused.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GeoPoint {
    lat: f64,
    lon: f64,
}

impl GeoPoint {
    pub fn parse(lat: f64, lon: f64) -> Result<Self, Invalid> {
        if !lat.is_finite() || !lon.is_finite() || !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
            return Err(Invalid::new("location", "invalid_coordinates"));
        }
        if !(8.0..=23.5).contains(&lat) || !(102.0..=117.5).contains(&lon) {
            return Err(Invalid::new("location", "outside_vietnam"));
        }
        Ok(Self { lat, lon })
    }

    pub fn lat(self) -> f64 {
        self.lat
    }

    pub fn lon(self) -> f64 {
        self.lon
    }

    /// Great-circle distance in kilometres.
    pub fn distance_km(self, lat: f64, lon: f64) -> f64 {
        let (p1, p2) = (self.lat.to_radians(), lat.to_radians());
        let dp = p2 - p1;
        let dl = (lon - self.lon).to_radians();
        let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
        6371.0 * 2.0 * a.sqrt().asin()
    }
}

/// The alphabet of receipt codes: digits and capitals without I, L, O and U, which are misheard or misread.
pub const RECEIPT_ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// A receipt code as the tipster types it back: case, spaces and dashes do not matter; I/L read as 1, O as 0.
pub fn normalize_receipt(input: &str) -> Result<String, Invalid> {
    let mut out = String::with_capacity(16);
    for c in input.chars().filter(|c| !matches!(c, ' ' | '-' | '.')) {
        let c = match c.to_ascii_uppercase() {
            'I' | 'L' => '1',
            'O' => '0',
            other => other,
        };
        if !RECEIPT_ALPHABET.contains(&(c as u8)) || !c.is_ascii() {
            return Err(Invalid::new("receipt", "invalid_receipt"));
        }
        out.push(c);
    }
    if out.len() != 16 {
        return Err(Invalid::new("receipt", "invalid_receipt"));
    }
    Ok(out)
}

/// "7KQ2-M9XD-4HFA-2WBR": 16 symbols of 5 bits (80 bits), in groups of 4 to read aloud.
pub fn format_receipt(random: &[u8; 16]) -> String {
    let symbols: Vec<char> = random.iter().map(|b| RECEIPT_ALPHABET[(b & 31) as usize] as char).collect();
    symbols.chunks(4).map(|c| c.iter().collect::<String>()).collect::<Vec<_>>().join("-")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_signed_in_sender_may_ask_for_more_than_anonymity() {
        for p in [Protection::Anonymous, Protection::Identified, Protection::Confidential] {
            assert_eq!(check_protection(p, true), Ok(p));
        }
        assert_eq!(check_protection(Protection::Anonymous, false), Ok(Protection::Anonymous));
        for p in [Protection::Identified, Protection::Confidential] {
            assert_eq!(check_protection(p, false), Err(Invalid::new("protection", "sign_in_required")));
        }
    }
    use TipState::*;
    use Transition as T;

    /// Every (state, action) pair, written out: a change of workflow must change this table.
    #[test]
    fn every_transition() {
        let table: &[(TipState, Transition, Option<TipState>)] = &[
            (New, T::Acknowledge, Some(Acknowledged)),
            (New, T::Verify, None),
            (New, T::Dispatch, None),
            (New, T::Resolve, Some(Resolved)),
            (New, T::Transfer, Some(Transferred)),
            (New, T::Reopen, None),
            (Transferred, T::Acknowledge, Some(Acknowledged)),
            (Transferred, T::Verify, None),
            (Transferred, T::Dispatch, None),
            (Transferred, T::Resolve, Some(Resolved)),
            (Transferred, T::Transfer, Some(Transferred)),
            (Transferred, T::Reopen, None),
            (Acknowledged, T::Acknowledge, None),
            (Acknowledged, T::Verify, Some(Verifying)),
            (Acknowledged, T::Dispatch, Some(Dispatched)),
            (Acknowledged, T::Resolve, Some(Resolved)),
            (Acknowledged, T::Transfer, Some(Transferred)),
            (Acknowledged, T::Reopen, None),
            (Verifying, T::Acknowledge, None),
            (Verifying, T::Verify, None),
            (Verifying, T::Dispatch, Some(Dispatched)),
            (Verifying, T::Resolve, Some(Resolved)),
            (Verifying, T::Transfer, Some(Transferred)),
            (Verifying, T::Reopen, None),
            (Dispatched, T::Acknowledge, None),
            (Dispatched, T::Verify, Some(Verifying)),
            (Dispatched, T::Dispatch, None),
            (Dispatched, T::Resolve, Some(Resolved)),
            (Dispatched, T::Transfer, None),
            (Dispatched, T::Reopen, None),
            (Resolved, T::Acknowledge, None),
            (Resolved, T::Verify, None),
            (Resolved, T::Dispatch, None),
            (Resolved, T::Resolve, None),
            (Resolved, T::Transfer, None),
            (Resolved, T::Reopen, Some(Reopened)),
            (Reopened, T::Acknowledge, None),
            (Reopened, T::Verify, Some(Verifying)),
            (Reopened, T::Dispatch, Some(Dispatched)),
            (Reopened, T::Resolve, Some(Resolved)),
            (Reopened, T::Transfer, Some(Transferred)),
            (Reopened, T::Reopen, None),
        ];
        assert_eq!(table.len(), TipState::ALL.len() * Transition::ALL.len());
        for (from, action, to) in table {
            assert_eq!(from.next(*action).ok(), *to, "{from:?} {action:?}");
        }
    }

    #[test]
    fn happening_now_is_urgent() {
        assert_eq!(initial_priority(true), Priority::Urgent);
        assert_eq!(initial_priority(false), Priority::Normal);
    }

    #[test]
    fn descriptions_are_bounded() {
        assert_eq!(parse_description("  \n ").unwrap_err().code, "required");
        assert_eq!(parse_description(&"a".repeat(5001)).unwrap_err().code, "too_long");
        assert_eq!(parse_description(" Có  trộm chó\n\n\n ở thôn 8 ").unwrap(), "Có trộm chó\n\nở thôn 8");
    }

    #[test]
    fn points_must_be_in_vietnam() {
        assert!(GeoPoint::parse(12.68, 108.05).is_ok());
        assert_eq!(GeoPoint::parse(f64::NAN, 108.0).unwrap_err().code, "invalid_coordinates");
        assert_eq!(GeoPoint::parse(95.0, 108.0).unwrap_err().code, "invalid_coordinates");
        assert_eq!(GeoPoint::parse(48.85, 2.35).unwrap_err().code, "outside_vietnam");
        let bmt = GeoPoint::parse(12.6667, 108.05).unwrap();
        assert!((bmt.distance_km(12.6667, 108.05)).abs() < 1e-9);
        assert!((bmt.distance_km(10.7769, 106.7009) - 258.0).abs() < 15.0, "Buôn Ma Thuột – Sài Gòn");
    }

    #[test]
    fn receipts_read_aloud_and_back() {
        let code = format_receipt(&[7u8; 16]);
        assert_eq!(code.len(), 19);
        assert_eq!(code.matches('-').count(), 3);
        assert_eq!(normalize_receipt(&code.to_lowercase()).unwrap(), code.replace('-', ""));
        assert_eq!(normalize_receipt("7kq2 m9xd 4hfa 2wbr").unwrap(), "7KQ2M9XD4HFA2WBR");
        assert_eq!(normalize_receipt("OIL0-0000-0000-0000").unwrap(), "0110000000000000");
        assert!(normalize_receipt("7KQ2-M9XD").is_err());
        assert!(normalize_receipt("7KQ2-M9XD-4HFA-2WB!").is_err());
    }
}
