//! The messages of appointments' error codes (see `super::message`, which asks here for codes it does not know).

/// (Vietnamese, English), or None for a code that is not an appointment's.
pub(super) fn message(code: &str) -> Option<(&'static str, &'static str)> {
    Some(match code {
        "slot_full" => (
            "Khung giờ này đã đủ người. Hãy chọn một khung giờ còn trống bên dưới.",
            "This slot is full. Choose one of the free slots below.",
        ),
        "already_booked" => (
            "Bạn đã có lịch hẹn làm thủ tục này trong ngày đó; mã xác nhận của lịch hẹn ấy ở bên dưới.",
            "You already have a booking for this service that day; its confirmation code is below.",
        ),
        "slot_in_past" => ("Khung giờ này đã qua.", "This slot has passed."),
        "outside_schedule" => (
            "Không có khung giờ này trong lịch tiếp dân của đơn vị.",
            "This is not a slot of the unit's opening hours.",
        ),
        "unit_closed" => ("Đơn vị nghỉ, không tiếp dân ngày này.", "The unit is closed that day."),
        "too_far_ahead" => ("Chỉ đặt lịch trong vòng 60 ngày tới.", "Book at most 60 days ahead."),
        "service_inactive" => ("Thủ tục này hiện không nhận đặt lịch.", "This service takes no bookings now."),
        "service_not_found" => ("Không tìm thấy thủ tục này.", "No such service."),
        "appointment_not_found" => (
            "Không tìm thấy lịch hẹn. Nếu bạn nhập mã, hãy kiểm tra lại mã xác nhận.",
            "No such booking. If you typed a code, check your confirmation code.",
        ),
        "closure_not_found" => ("Không tìm thấy ngày nghỉ này.", "No such closure."),
        "past_cutoff" => (
            "Đã quá hạn huỷ hoặc đổi lịch trực tuyến. Vui lòng gọi điện cho đơn vị.",
            "It is too late to cancel or move this booking online. Please call the unit.",
        ),
        "appointment_not_active" => {
            ("Lịch hẹn này đã huỷ hoặc đã xong.", "This booking has been cancelled or is over.")
        }
        "appointment_changed" => {
            ("Lịch hẹn vừa được thay đổi. Vui lòng tải lại trang.", "The booking has just changed. Please reload.")
        }
        "same_slot" => ("Lịch hẹn đang ở đúng khung giờ này.", "The booking is in this slot already."),
        "not_today" => ("Chỉ xác nhận có mặt trong ngày hẹn.", "Check people in on the day of their booking only."),
        "too_early" => ("Chưa đến giờ hẹn.", "The slot has not started yet."),
        "service_name_taken" => ("Đơn vị đã có thủ tục trùng tên.", "The unit has a service of that name."),
        "closure_exists" => ("Ngày này đã được đánh dấu nghỉ.", "The unit is already closed that day."),
        "in_past" => ("Thời điểm này đã qua.", "This time has already passed."),
        "invalid_time_of_day" => ("Giờ không hợp lệ (dạng 07:30).", "Invalid time of day (like 07:30)."),
        "invalid_weekday" => ("Thứ trong tuần từ 1 (thứ Hai) đến 7 (Chủ nhật).", "Weekdays run from 1 (Monday) to 7."),
        "invalid_range" => ("Giờ bắt đầu phải trước giờ kết thúc.", "A range must start before it ends."),
        "shorter_than_slot" => ("Khoảng giờ ngắn hơn một khung giờ hẹn.", "A range is shorter than one slot."),
        "overlapping" => ("Các khoảng giờ trong một ngày bị chồng lên nhau.", "Ranges of one day overlap."),
        _ => return None,
    })
}
