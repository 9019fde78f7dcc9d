//! Names of enum values, for display.

use super::Lang;

pub fn unit_kind(lang: Lang, kind: binhyen_domain::UnitKind) -> &'static str {
    use binhyen_domain::UnitKind::*;
    match (lang, kind) {
        (Lang::Vi, ProvincePolice) => "Công an cấp tỉnh",
        (Lang::Vi, DistrictPolice) => "Công an cấp huyện",
        (Lang::Vi, CommunePolice) => "Công an cấp xã",
        (Lang::Vi, Team) => "Đội nghiệp vụ",
        (Lang::Vi, MobilePolice) => "Cảnh sát cơ động",
        (Lang::Vi, YouthUnion) => "Đoàn thanh niên",
        (Lang::Vi, Other) => "Khác",
        (Lang::En, ProvincePolice) => "Provincial police",
        (Lang::En, DistrictPolice) => "District police",
        (Lang::En, CommunePolice) => "Commune/ward police",
        (Lang::En, Team) => "Team",
        (Lang::En, MobilePolice) => "Mobile police",
        (Lang::En, YouthUnion) => "Youth union",
        (Lang::En, Other) => "Other",
    }
}

pub fn role(lang: Lang, role: binhyen_domain::Role) -> &'static str {
    use binhyen_domain::Role::*;
    match (lang, role) {
        (Lang::Vi, Officer) => "Cán bộ",
        (Lang::Vi, Commander) => "Chỉ huy",
        (Lang::Vi, Administrator) => "Quản trị viên",
        (Lang::En, Officer) => "Officer",
        (Lang::En, Commander) => "Commander",
        (Lang::En, Administrator) => "Administrator",
    }
}

pub fn account_kind(lang: Lang, kind: binhyen_domain::AccountKind) -> &'static str {
    use binhyen_domain::AccountKind::*;
    match (lang, kind) {
        (Lang::Vi, Citizen) => "Người dân",
        (Lang::Vi, Officer) => "Cán bộ công an",
        (Lang::Vi, Business) => "Cơ sở kinh doanh, tổ chức",
        (Lang::Vi, Cluster) => "Cụm hộ gia đình",
        (Lang::En, Citizen) => "Citizen",
        (Lang::En, Officer) => "Police officer",
        (Lang::En, Business) => "Business or institution",
        (Lang::En, Cluster) => "Household cluster",
    }
}

/// Picks the phrase of the language.
fn pick(lang: Lang, (vi, en): (&'static str, &'static str)) -> &'static str {
    match lang {
        Lang::Vi => vi,
        Lang::En => en,
    }
}

pub fn tip_category(lang: Lang, c: binhyen_domain::tip::TipCategory) -> &'static str {
    pick(lang, c.names())
}

/// A state, also read as a sentence in a tipster's timeline ("Đã tiếp nhận").
pub fn tip_state(lang: Lang, s: binhyen_domain::tip::TipState) -> &'static str {
    pick(lang, s.names())
}

pub fn priority(lang: Lang, p: binhyen_domain::tip::Priority) -> &'static str {
    use binhyen_domain::tip::Priority::*;
    pick(
        lang,
        match p {
            Urgent => ("Khẩn", "Urgent"),
            High => ("Cao", "High"),
            Normal => ("Bình thường", "Normal"),
        },
    )
}

pub fn protection(lang: Lang, p: binhyen_domain::tip::Protection) -> &'static str {
    use binhyen_domain::tip::Protection::*;
    pick(
        lang,
        match p {
            Identified => ("Công khai danh tính", "Identified"),
            Confidential => ("Bảo mật danh tính", "Confidential"),
            Anonymous => ("Ẩn danh", "Anonymous"),
        },
    )
}

/// One line under each protection choice of the tip form.
pub fn protection_hint(lang: Lang, p: binhyen_domain::tip::Protection) -> &'static str {
    use binhyen_domain::tip::Protection::*;
    pick(
        lang,
        match p {
            Identified => (
                "Công an biết bạn là ai và có thể liên hệ lại với bạn.",
                "The police know who you are and may contact you.",
            ),
            Confidential => (
                "Danh tính được niêm phong, chỉ mở khi chỉ huy phê duyệt; bạn sẽ được báo.",
                "Your identity is sealed and opened only with a commander's approval; you are told.",
            ),
            Anonymous => (
                "Không lưu gì về bạn; bạn nhận một mã biên nhận để theo dõi.",
                "Nothing about you is kept; you get a receipt code to follow the tip.",
            ),
        },
    )
}

pub fn verdict(lang: Lang, v: binhyen_domain::tip::Verdict) -> &'static str {
    use binhyen_domain::tip::Verdict::*;
    pick(
        lang,
        match v {
            Confirmed => ("Đúng sự thật", "Confirmed"),
            Unfounded => ("Không có cơ sở", "Unfounded"),
            Duplicate => ("Trùng tin báo khác", "Duplicate"),
        },
    )
}

/// The button of a workflow step.
pub fn transition(lang: Lang, t: binhyen_domain::tip::Transition) -> &'static str {
    use binhyen_domain::tip::Transition::*;
    pick(
        lang,
        match t {
            Acknowledge => ("Tiếp nhận", "Acknowledge"),
            Verify => ("Xác minh", "Verify"),
            Dispatch => ("Cử lực lượng", "Dispatch"),
            Resolve => ("Kết thúc xử lý", "Resolve"),
            Transfer => ("Chuyển đơn vị", "Transfer"),
            Reopen => ("Mở lại", "Reopen"),
        },
    )
}

/// A channel of delivery.
pub fn channel_name(lang: Lang, channel: binhyen_domain::channel::ChannelKind) -> &'static str {
    use binhyen_domain::channel::ChannelKind::*;
    pick(
        lang,
        match channel {
            Email => ("Thư điện tử", "E-mail"),
            Sms => ("Tin nhắn SMS", "SMS"),
            Zalo => ("Zalo", "Zalo"),
            Webhook => ("Hệ thống nhận tin (webhook)", "Webhook"),
        },
    )
}

/// What to type for a channel: the label of its address field. The webhook's address is the installation's,
/// never typed by a person; it has the generic label.
pub fn channel_address(lang: Lang, channel: binhyen_domain::channel::ChannelKind) -> &'static str {
    use binhyen_domain::channel::ChannelKind::*;
    pick(
        lang,
        match channel {
            Email => ("Địa chỉ thư điện tử", "E-mail address"),
            Sms => ("Số điện thoại di động", "Mobile phone number"),
            Zalo => ("Mã người dùng Zalo (user id)", "Zalo user id"),
            Webhook => ("Địa chỉ", "Address"),
        },
    )
}

/// Where one outbound message stands.
pub fn delivery_state(lang: Lang, state: binhyen_domain::delivery::DeliveryState) -> &'static str {
    use binhyen_domain::delivery::DeliveryState::*;
    pick(
        lang,
        match state {
            Queued => ("Đang chờ gửi", "Waiting to be sent"),
            Sent => ("Đã gửi", "Sent"),
            Retrying => ("Đang thử lại", "Retrying"),
            Dead => ("Không gửi được", "Could not be sent"),
        },
    )
}

/// What a job of the durable queue does.
pub fn job_kind(lang: Lang, kind: binhyen_domain::job::JobKind) -> &'static str {
    use binhyen_domain::job::JobKind::*;
    pick(
        lang,
        match kind {
            SlaCheck => ("Hẹn giờ SLA", "SLA timer"),
            NotifyOfficers => ("Báo cán bộ", "Tell officers"),
            NotifyTipster => ("Báo người gửi tin", "Tell the tipster"),
            Deliver => ("Gửi tin nhắn", "Send a message"),
            AlertFanout => ("Chia đợt báo cảnh báo", "Split an alert's followers"),
            NotifyFollowers => ("Báo người theo dõi trang", "Tell page followers"),
            AppointmentReminder => ("Nhắc lịch hẹn", "Appointment reminder"),
            Reorganise => ("Sắp xếp lại đơn vị", "Reorganise units"),
        },
    )
}

/// Where a job of the durable queue stands.
pub fn job_state(lang: Lang, state: binhyen_domain::job::JobState) -> &'static str {
    use binhyen_domain::job::JobState::*;
    pick(
        lang,
        match state {
            Queued => ("Đang chờ", "Waiting"),
            Running => ("Đang chạy", "Running"),
            Done => ("Xong", "Done"),
            Dead => ("Hỏng", "Failed"),
        },
    )
}

/// A post's kind as stored ("warning"); one the domain does not know shows as news.
pub fn post_kind(lang: Lang, kind: binhyen_domain::page::PostKind) -> &'static str {
    pick(lang, kind.names())
}

/// An alert's CAP values as people read them.
pub fn alert_severity(lang: Lang, value: binhyen_domain::alert::Severity) -> &'static str {
    pick(lang, value.names())
}

pub fn alert_urgency(lang: Lang, value: binhyen_domain::alert::Urgency) -> &'static str {
    pick(lang, value.names())
}

pub fn alert_certainty(lang: Lang, value: binhyen_domain::alert::Certainty) -> &'static str {
    pick(lang, value.names())
}

pub fn alert_category(lang: Lang, value: binhyen_domain::alert::AlertCategory) -> &'static str {
    pick(lang, value.names())
}

#[cfg(test)]
mod tests {
    use super::*;
    use binhyen_domain::job::JobKind;

    /// Administrators read the job queue by these words: no two kinds may share them.
    #[test]
    fn every_job_kind_has_words_of_its_own() {
        for lang in [Lang::Vi, Lang::En] {
            let mut words: Vec<&str> = JobKind::ALL.iter().map(|k| job_kind(lang, *k)).collect();
            words.sort_unstable();
            words.dedup();
            assert_eq!(words.len(), JobKind::ALL.len(), "{words:?}");
        }
    }
}
