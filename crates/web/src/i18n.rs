//! Words shown to people, Vietnamese first. Error codes map to messages here; page text lives in `Text`.

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Vi,
    En,
}

impl Lang {
    pub fn parse(s: &str) -> Option<Lang> {
        match s {
            "vi" => Some(Lang::Vi),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::Vi => "vi",
            Lang::En => "en",
        }
    }

    pub fn text(self) -> &'static Text {
        match self {
            Lang::Vi => &VI,
            Lang::En => &EN,
        }
    }
}

/// The message for an error code. Unknown codes get a generic message rather than nothing.
pub fn message(lang: Lang, code: &str) -> &'static str {
    let (vi, en) = match code {
        "invalid_phone" => (
            "Số điện thoại không hợp lệ. Nhập số di động Việt Nam, ví dụ 0912 345 678 hoặc +84 912 345 678.",
            "Invalid phone number. Enter a Vietnamese mobile number, e.g. 0912 345 678 or +84 912 345 678.",
        ),
        "phone_taken" => ("Số điện thoại này đã được đăng ký.", "This phone number is already registered."),
        "too_short" => {
            ("Quá ngắn: mật khẩu cần ít nhất 8 ký tự.", "Too short: a password needs at least 8 characters.")
        }
        "too_long" => ("Quá dài.", "Too long."),
        "required" => ("Vui lòng điền thông tin này.", "This field is required."),
        "invalid_characters" => ("Có ký tự không hợp lệ.", "Contains characters that are not allowed."),
        "invalid_credentials" => {
            ("Số điện thoại hoặc mật khẩu không đúng.", "The phone number or password is not correct.")
        }
        "too_many_attempts" => (
            "Bạn đã thử quá nhiều lần. Vui lòng đợi vài phút rồi thử lại.",
            "Too many attempts. Please wait a few minutes and try again.",
        ),
        "no_session" | "second_factor_owed" | "no_totp_pending" => ("Vui lòng đăng nhập.", "Please sign in."),
        "session_expired" => {
            ("Phiên đăng nhập đã hết hạn. Vui lòng đăng nhập lại.", "Your session has expired. Please sign in again.")
        }
        "forbidden" => ("Bạn không có quyền thực hiện thao tác này.", "You are not allowed to do this."),
        "area_not_found" => ("Không tìm thấy địa bàn này.", "No such area."),
        "unit_not_found" => ("Không tìm thấy đơn vị này.", "No such unit."),
        "account_not_found" => ("Không tìm thấy tài khoản.", "No such account."),
        "not_found" => ("Không tìm thấy trang.", "Page not found."),
        "invalid_area_code" => ("Mã địa bàn chỉ gồm chữ số.", "An area code is digits only."),
        "not_a_home_area" => (
            "Hãy chọn xã, phường hoặc thôn, buôn đang còn hiệu lực.",
            "Choose a commune, ward or village that exists today.",
        ),
        "not_a_commune" => ("Thôn, buôn phải thuộc một xã, phường.", "A village must belong to a commune or ward."),
        "area_name_taken" => ("Đã có thôn, buôn trùng tên.", "A village with this name already exists."),
        "unit_code_taken" => ("Mã đơn vị đã được dùng.", "This unit code is taken."),
        "invalid_code" => {
            ("Mã chỉ gồm chữ thường không dấu, số và dấu gạch ngang.", "Use lowercase letters, digits and dashes.")
        }
        "household_count" => ("Một cụm gồm từ 2 đến 10 hộ.", "A cluster has 2 to 10 households."),
        "wrong_code" => ("Mã xác thực không đúng.", "The verification code is wrong."),
        "enrolment_not_started" => ("Chưa bắt đầu đăng ký xác thực hai bước.", "Two-step enrolment has not started."),
        "totp_required" => ("Cần mã xác thực hai bước.", "A two-step verification code is needed."),
        "csrf_failed" => (
            "Biểu mẫu đã hết hạn hoặc không hợp lệ. Vui lòng tải lại trang và thử lại.",
            "The form has expired or is not valid. Reload the page and try again.",
        ),
        "malformed_json" => ("Nội dung JSON không đúng cú pháp.", "The JSON body is malformed."),
        "invalid_field" => ("Giá trị không đúng kiểu.", "A value has the wrong type."),
        "missing_field" => ("Thiếu trường bắt buộc.", "A required field is missing."),
        "unsupported_media_type" => ("Cần Content-Type: application/json.", "Content-Type must be application/json."),
        "body_too_large" => ("Nội dung gửi lên quá lớn.", "The request body is too large."),
        "invalid_query" => ("Tham số truy vấn không hợp lệ.", "Invalid query parameters."),
        "invalid_date" => ("Ngày không hợp lệ (định dạng YYYY-MM-DD).", "Invalid date (format YYYY-MM-DD)."),
        "unknown_value" => ("Giá trị không được chấp nhận.", "Value not accepted."),
        "method_not_allowed" => ("Phương thức không được hỗ trợ.", "Method not allowed."),
        "tip_not_found" => ("Không tìm thấy tin báo.", "No such tip."),
        "receipt_not_found" => (
            "Không tìm thấy tin báo với mã này. Kiểm tra lại mã trên biên nhận.",
            "No tip has this code. Check the code on your receipt.",
        ),
        "illegal_transition" => (
            "Không thể chuyển tin báo sang bước này từ trạng thái hiện tại.",
            "The tip cannot take this step from its current state.",
        ),
        "sign_in_required" => (
            "Muốn gửi tin báo có danh tính hoặc bảo mật, vui lòng đăng nhập; hoặc chọn gửi ẩn danh.",
            "Sign in to send an identified or confidential tip, or choose anonymous.",
        ),
        "place_required" => (
            "Vui lòng cho biết nơi xảy ra: chọn xã, phường hoặc gửi vị trí.",
            "Say where it happened: choose a commune or ward, or send your location.",
        ),
        "no_responsible_unit" => {
            ("Chưa có đơn vị công an phụ trách nơi này.", "No police unit answers for this place yet.")
        }
        "invalid_coordinates" => ("Toạ độ không hợp lệ.", "Invalid coordinates."),
        "outside_vietnam" => ("Vị trí nằm ngoài lãnh thổ Việt Nam.", "The location is outside Vietnam."),
        "in_the_future" => ("Thời gian không được ở tương lai.", "The time cannot be in the future."),
        "not_your_household" => ("Hộ này không thuộc cụm của bạn.", "This household is not in your cluster."),
        "tip_changed" => (
            "Tin báo vừa được người khác cập nhật. Vui lòng tải lại.",
            "Someone else just changed this tip. Please reload.",
        ),
        "not_confidential" => ("Tin báo này không ở chế độ bảo mật.", "This tip is not confidential."),
        "own_request" => ("Không thể tự phê duyệt đề nghị của mình.", "Nobody approves their own request."),
        "already_approved" => ("Đề nghị này đã được phê duyệt.", "This request is already approved."),
        "same_unit" => ("Tin báo đang ở đơn vị này.", "The tip is already with this unit."),
        "unit_not_in_force" => ("Đơn vị này không còn hoạt động.", "This unit is no longer in force."),
        "invalid_count" => ("Số lượng không hợp lệ.", "Invalid count."),
        "same_tip" => ("Tin báo không thể trùng với chính nó.", "A tip cannot duplicate itself."),
        "invalid_receipt" => ("Mã biên nhận không hợp lệ.", "Invalid receipt code."),
        "not_an_officer_of_the_unit" => (
            "Chỉ giao cho cán bộ của đơn vị đang xử lý tin báo.",
            "Assign only to an officer of the unit handling the tip.",
        ),
        "empty" => ("Tệp trống.", "The file is empty."),
        "too_large" => (
            "Tệp quá lớn: ảnh tối đa 10 MB, video tối đa 50 MB.",
            "The file is too large: photos up to 10 MB, videos up to 50 MB.",
        ),
        "unsupported_type" => (
            "Chỉ nhận ảnh JPEG, PNG, WebP và video MP4.",
            "Only JPEG, PNG and WebP photos and MP4 videos are accepted.",
        ),
        "corrupt_file" => ("Tệp bị hỏng hoặc không đọc được.", "The file is damaged or cannot be read."),
        "store_unavailable" => (
            "Hệ thống tạm thời không truy cập được dữ liệu. Vui lòng thử lại.",
            "Storage is unavailable. Please retry.",
        ),
        _ => ("Đã có lỗi xảy ra. Vui lòng thử lại.", "Something went wrong. Please try again."),
    };
    match lang {
        Lang::Vi => vi,
        Lang::En => en,
    }
}

/// Page text. One instance per language; templates read fields.
pub struct Text {
    pub app_name: &'static str,
    pub tagline: &'static str,
    pub home: &'static str,
    pub directory: &'static str,
    pub sign_in: &'static str,
    pub sign_up: &'static str,
    pub sign_out: &'static str,
    pub my_account: &'static str,
    pub phone: &'static str,
    pub password: &'static str,
    pub password_hint: &'static str,
    pub display_name: &'static str,
    pub home_area: &'static str,
    pub home_area_hint: &'static str,
    pub search: &'static str,
    pub search_units_placeholder: &'static str,
    pub no_results: &'static str,
    pub totp_code: &'static str,
    pub totp_title: &'static str,
    pub totp_enrol: &'static str,
    pub totp_enrol_intro: &'static str,
    pub totp_enabled: &'static str,
    pub totp_secret: &'static str,
    pub confirm: &'static str,
    pub continue_: &'static str,
    pub no_account: &'static str,
    pub have_account: &'static str,
    pub unit: &'static str,
    pub role: &'static str,
    pub kind: &'static str,
    pub address: &'static str,
    pub hours: &'static str,
    pub email: &'static str,
    pub parent_unit: &'static str,
    pub sub_units: &'static str,
    pub jurisdiction: &'static str,
    pub successor: &'static str,
    pub valid: &'static str,
    pub valid_until: &'static str,
    pub valid_from: &'static str,
    pub area_code: &'static str,
    pub belongs_to: &'static str,
    pub sub_areas: &'static str,
    pub became: &'static str,
    pub formed_from: &'static str,
    pub units_here: &'static str,
    pub households: &'static str,
    pub member_since: &'static str,
    pub other_language: &'static str,
    pub other_language_code: &'static str,
    pub not_found_title: &'static str,
    pub error_title: &'static str,
    pub back_home: &'static str,
    pub footer: &'static str,
    pub welcome: &'static str,
}

pub static VI: Text = Text {
    app_name: "Bình yên",
    tagline: "Kết nối công an với người dân – Bình yên cho mỗi gia đình",
    home: "Trang chủ",
    directory: "Danh bạ đơn vị",
    sign_in: "Đăng nhập",
    sign_up: "Đăng ký",
    sign_out: "Đăng xuất",
    my_account: "Tài khoản của tôi",
    phone: "Số điện thoại",
    password: "Mật khẩu",
    password_hint: "Ít nhất 8 ký tự.",
    display_name: "Họ và tên",
    home_area: "Nơi ở (xã, phường hoặc thôn, buôn)",
    home_area_hint: "Gõ tên để tìm, ví dụ: ea kpam",
    search: "Tìm kiếm",
    search_units_placeholder: "Tìm đơn vị, ví dụ: ea kpam",
    no_results: "Không có kết quả.",
    totp_code: "Mã xác thực (6 chữ số)",
    totp_title: "Xác thực hai bước",
    totp_enrol: "Bật xác thực hai bước",
    totp_enrol_intro: "Thêm khoá bí mật này vào ứng dụng xác thực trên điện thoại, rồi nhập mã 6 chữ số để xác nhận.",
    totp_enabled: "Xác thực hai bước đang bật.",
    totp_secret: "Khoá bí mật",
    confirm: "Xác nhận",
    continue_: "Tiếp tục",
    no_account: "Chưa có tài khoản?",
    have_account: "Đã có tài khoản?",
    unit: "Đơn vị",
    role: "Chức vụ",
    kind: "Loại",
    address: "Địa chỉ",
    hours: "Giờ làm việc",
    email: "Thư điện tử",
    parent_unit: "Đơn vị cấp trên",
    sub_units: "Đơn vị trực thuộc",
    jurisdiction: "Địa bàn phụ trách",
    successor: "Đơn vị kế nhiệm",
    valid: "Hiệu lực",
    valid_until: "đến trước ngày",
    valid_from: "từ ngày",
    area_code: "Mã",
    belongs_to: "Thuộc",
    sub_areas: "Địa bàn trực thuộc",
    became: "Sáp nhập vào",
    formed_from: "Hình thành từ",
    units_here: "Đơn vị phụ trách",
    households: "Các hộ trong cụm",
    member_since: "Tham gia từ",
    other_language: "English",
    other_language_code: "en",
    not_found_title: "Không tìm thấy",
    error_title: "Có lỗi",
    back_home: "Về trang chủ",
    footer: "Bình yên – phần mềm mã nguồn mở do lực lượng công an tự vận hành.",
    welcome: "Xin chào",
};

pub static EN: Text = Text {
    app_name: "Bình yên",
    tagline: "Connecting the police with the people – peace for every family",
    home: "Home",
    directory: "Unit directory",
    sign_in: "Sign in",
    sign_up: "Sign up",
    sign_out: "Sign out",
    my_account: "My account",
    phone: "Phone number",
    password: "Password",
    password_hint: "At least 8 characters.",
    display_name: "Full name",
    home_area: "Where you live (commune, ward or village)",
    home_area_hint: "Type a name to search, e.g. ea kpam",
    search: "Search",
    search_units_placeholder: "Find a unit, e.g. ea kpam",
    no_results: "No results.",
    totp_code: "Verification code (6 digits)",
    totp_title: "Two-step verification",
    totp_enrol: "Turn on two-step verification",
    totp_enrol_intro: "Add this secret to an authenticator app on your phone, then enter the 6-digit code to confirm.",
    totp_enabled: "Two-step verification is on.",
    totp_secret: "Secret key",
    confirm: "Confirm",
    continue_: "Continue",
    no_account: "No account yet?",
    have_account: "Already have an account?",
    unit: "Unit",
    role: "Role",
    kind: "Kind",
    address: "Address",
    hours: "Opening hours",
    email: "E-mail",
    parent_unit: "Parent unit",
    sub_units: "Units below",
    jurisdiction: "Jurisdiction",
    successor: "Successor unit",
    valid: "Validity",
    valid_until: "until before",
    valid_from: "from",
    area_code: "Code",
    belongs_to: "Part of",
    sub_areas: "Areas within",
    became: "Merged into",
    formed_from: "Formed from",
    units_here: "Responsible units",
    households: "Households in this cluster",
    member_since: "Member since",
    other_language: "Tiếng Việt",
    other_language_code: "vi",
    not_found_title: "Not found",
    error_title: "Something went wrong",
    back_home: "Back to the home page",
    footer: "Bình yên – open-source software that police forces run themselves.",
    welcome: "Hello",
};

/// Names of enum values, for display.
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
