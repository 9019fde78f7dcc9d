//! Words shown to people, Vietnamese first. Error codes map to messages here; page text lives in `Text`
//! (`i18n/text.rs`, with one instance per language in `vi.rs` and `en.rs`); names of enum values in `labels.rs`.

mod appointment_errors;
mod en;
mod labels;
mod text;
mod vi;

pub use en::EN;
pub use labels::*;
pub use text::Text;
pub use vi::VI;

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
        // Public alerts, guides, forms and questions.
        "in_past" => ("Thời điểm này đã qua.", "That time has passed."),
        "too_far" => ("Cảnh báo chỉ có hiệu lực tối đa 30 ngày.", "An alert lasts at most 30 days."),
        "outside_jurisdiction" => {
            ("Khu vực này không thuộc địa bàn của đơn vị.", "That area is outside the unit's jurisdiction.")
        }
        "alert_not_found" => ("Không tìm thấy cảnh báo.", "Alert not found."),
        "alert_not_in_force" => ("Cảnh báo này đã hết hiệu lực.", "This alert is no longer in force."),
        "guide_not_found" => ("Không tìm thấy hướng dẫn.", "Guide not found."),
        "form_not_found" => ("Không tìm thấy biểu mẫu.", "Form not found."),
        "invalid_form_code" => (
            "Mã biểu mẫu chỉ gồm chữ, số và dấu gạch ngang (ví dụ CT01).",
            "Form codes are letters, digits and dashes (e.g. CT01).",
        ),
        "version_exists" => ("Biểu mẫu đã có phiên bản này.", "The form already has this version."),
        "question_not_found" => ("Không tìm thấy câu hỏi.", "Question not found."),
        "question_closed" => ("Câu hỏi đã đóng.", "The question is closed."),
        "question_not_answered" => ("Câu hỏi chưa được trả lời.", "The question has not been answered."),
        "too_many_files" => ("Quá nhiều tệp đính kèm.", "Too many files."),
        "photo_already_sent" => ("Câu hỏi đã có ảnh kèm theo.", "The question already has a photo."),
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
        "invalid_utf8" => {
            ("Dữ liệu gửi lên không phải văn bản UTF-8 hợp lệ.", "The request carries text that is not valid UTF-8.")
        }
        "query_required" => ("Nhập từ khoá để tìm kiếm.", "Type something to search for."),
        "query_too_long" => {
            ("Từ khoá tìm kiếm quá dài: tối đa 200 ký tự.", "The search is too long: 200 characters at most.")
        }
        "query_no_words" => {
            ("Từ khoá cần có ít nhất một chữ hoặc một số.", "A search needs at least one letter or digit.")
        }
        "too_many_messages" => (
            "Bạn gửi tin nhắn quá nhanh. Vui lòng chờ một chút rồi gửi tiếp.",
            "You are sending messages too fast. Wait a moment, then send again.",
        ),
        "already_a_tip" => ("Tin nhắn này đã được chuyển thành tin báo.", "This message is already a tip."),
        "message_hidden" => ("Tin nhắn đã bị ẩn.", "The message is hidden."),
        "group_not_found" => ("Không tìm thấy nhóm.", "Group not found."),
        "message_not_found" => ("Không tìm thấy tin nhắn.", "Message not found."),
        "unknown_kind" => ("Loại nội dung tìm kiếm không hợp lệ.", "Unknown kind of content to search."),
        "invalid_date" => ("Ngày không hợp lệ (định dạng YYYY-MM-DD).", "Invalid date (format YYYY-MM-DD)."),
        "unknown_value" => ("Giá trị không được chấp nhận.", "Value not accepted."),
        "method_not_allowed" => ("Phương thức không được hỗ trợ.", "Method not allowed."),
        "tip_not_found" => ("Không tìm thấy tin báo.", "No such tip."),
        "post_not_found" => ("Không tìm thấy bài viết.", "No such post."),
        "not_an_image" => ("Chỉ nhận ảnh JPEG, PNG hoặc WebP.", "Only JPEG, PNG or WebP images."),
        "image_not_found" => ("Không tìm thấy ảnh này.", "No such image."),
        "article_not_found" => ("Không tìm thấy bài gửi này.", "No such article."),
        "article_decided" => ("Bài gửi này đã được xử lý.", "This article has already been decided."),
        "invalid_cursor" => {
            ("Vị trí trang không hợp lệ; hãy tải lại từ đầu.", "Invalid page position; start again from the top.")
        }
        "already_published" => ("Bài viết đã được đăng.", "The post is already published."),
        "post_changed" => (
            "Bài viết vừa được người khác sửa; hãy tải lại rồi sửa tiếp.",
            "Someone else just edited the post; reload and edit again.",
        ),
        "invalid_time" => ("Thời điểm không hợp lệ (định dạng RFC 3339).", "Invalid time (RFC 3339)."),
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
        "invalid_datetime" => ("Thời gian không hợp lệ: chọn ngày và giờ.", "Invalid time: choose a date and a time."),
        "invalid_day" => ("Ngày không hợp lệ: nhập theo dạng dd/mm/yyyy.", "Invalid date: use dd/mm/yyyy."),
        "not_an_officer" => ("Trang này dành cho cán bộ công an.", "This page is for police officers."),
        "invalid_address" => (
            "Địa chỉ không hợp lệ: nhập thư điện tử dạng ten@vidu.vn, hoặc mã người dùng Zalo (chỉ gồm chữ và số).",
            "Invalid address: enter an e-mail such as name@example.vn, or a Zalo user id (letters and digits only).",
        ),
        "channel_unavailable" => (
            "Hệ thống chưa cấu hình kênh này, nên chưa thể bật.",
            "This channel is not configured here, so it cannot be turned on.",
        ),
        "duplicate" => ("Kênh này đã có trong danh sách.", "This channel is already listed."),
        "invalid_last_event_id" => ("Mã sự kiện không hợp lệ.", "Invalid event id."),
        "out_of_range" => ("Giá trị nằm ngoài khoảng cho phép.", "The value is out of range."),
        "job_not_dead" => (
            "Việc này không ở trạng thái hỏng nên không thể thử lại (có thể đã được thử lại rồi).",
            "This job has not failed, so it cannot be retried (it may have been retried already).",
        ),
        "job_not_found" => ("Không tìm thấy việc này trong hàng đợi.", "No such job in the queue."),
        "store_unavailable" => (
            "Hệ thống tạm thời không truy cập được dữ liệu. Vui lòng thử lại.",
            "Storage is unavailable. Please retry.",
        ),
        // Appointments' codes have their own table.
        other => appointment_errors::message(other)
            .unwrap_or(("Đã có lỗi xảy ra. Vui lòng thử lại.", "Something went wrong. Please try again.")),
    };
    match lang {
        Lang::Vi => vi,
        Lang::En => en,
    }
}
