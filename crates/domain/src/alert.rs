//! Public alerts: what a unit warns everyone in an area of, in the terms of the Common Alerting Protocol
//! (CAP 1.2), so that the values travel unchanged into the CAP documents other systems read.

use crate::string_enum;

string_enum!(
    /// CAP `category`: the kinds a police force raises.
    AlertCategory { Safety => "Safety", Security => "Security", Rescue => "Rescue", Health => "Health",
        Transport => "Transport", Other => "Other" }
    field = "category"
);

string_enum!(
    /// CAP `severity`.
    Severity { Extreme => "Extreme", Severe => "Severe", Moderate => "Moderate", Minor => "Minor",
        Unknown => "Unknown" }
    field = "severity"
);

string_enum!(
    /// CAP `urgency`: how soon people should act.
    Urgency { Immediate => "Immediate", Expected => "Expected", Future => "Future", Past => "Past",
        Unknown => "Unknown" }
    field = "urgency"
);

string_enum!(
    /// CAP `certainty`.
    Certainty { Observed => "Observed", Likely => "Likely", Possible => "Possible", Unlikely => "Unlikely",
        Unknown => "Unknown" }
    field = "certainty"
);

impl AlertCategory {
    /// (Vietnamese, English).
    pub fn names(self) -> (&'static str, &'static str) {
        match self {
            AlertCategory::Safety => ("An toàn", "Safety"),
            AlertCategory::Security => ("An ninh trật tự", "Security and public order"),
            AlertCategory::Rescue => ("Cứu nạn, cứu hộ", "Rescue"),
            AlertCategory::Health => ("Y tế – dịch bệnh", "Health"),
            AlertCategory::Transport => ("Giao thông", "Transport"),
            AlertCategory::Other => ("Khác", "Other"),
        }
    }
}

impl Severity {
    /// (Vietnamese, English).
    pub fn names(self) -> (&'static str, &'static str) {
        match self {
            Severity::Extreme => ("Đặc biệt nghiêm trọng", "Extreme"),
            Severity::Severe => ("Nghiêm trọng", "Severe"),
            Severity::Moderate => ("Trung bình", "Moderate"),
            Severity::Minor => ("Nhẹ", "Minor"),
            Severity::Unknown => ("Chưa rõ", "Unknown"),
        }
    }

    /// Sort key: the most severe first.
    pub fn rank(self) -> u8 {
        match self {
            Severity::Extreme => 0,
            Severity::Severe => 1,
            Severity::Moderate => 2,
            Severity::Minor => 3,
            Severity::Unknown => 4,
        }
    }
}

impl Urgency {
    /// (Vietnamese, English).
    pub fn names(self) -> (&'static str, &'static str) {
        match self {
            Urgency::Immediate => ("Hành động ngay", "Act now"),
            Urgency::Expected => ("Trong thời gian tới", "Expected soon"),
            Urgency::Future => ("Sắp tới", "In the future"),
            Urgency::Past => ("Đã qua", "Past"),
            Urgency::Unknown => ("Chưa rõ", "Unknown"),
        }
    }
}

impl Certainty {
    /// (Vietnamese, English).
    pub fn names(self) -> (&'static str, &'static str) {
        match self {
            Certainty::Observed => ("Đã xác nhận", "Observed"),
            Certainty::Likely => ("Nhiều khả năng", "Likely"),
            Certainty::Possible => ("Có thể", "Possible"),
            Certainty::Unlikely => ("Ít khả năng", "Unlikely"),
            Certainty::Unknown => ("Chưa rõ", "Unknown"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cap_spellings_round_trip_and_others_are_refused() {
        for s in Severity::ALL {
            assert_eq!(s.as_str().parse::<Severity>().unwrap(), *s);
        }
        assert_eq!("severe".parse::<Severity>().unwrap_err().field, "severity");
        assert!("Soon".parse::<Urgency>().is_err());
        assert!(Severity::Extreme.rank() < Severity::Minor.rank());
    }
}
