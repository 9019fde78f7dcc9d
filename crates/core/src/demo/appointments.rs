//! Appointments as in the article, where H'Đào Niê of buôn Bling lost her ID card and booked a time instead of
//! going to the police twice. Công an xã Ea KPam stopped on 1 July 2025 and bookings are refused at units no
//! longer in force, so the schedule is at Công an xã Cư M'gar (from 01/07/2025), which answers for the former
//! Ea KPam today: "Cấp lại thẻ căn cước", Monday to Friday 07:30–11:30 and 13:30–17:00 in 30-minute slots of 3
//! people, closed on the next public holiday, and her booking at 08:00 on the next working day. Written
//! through the use cases (by the unit's commander, and by her), so the demo's data passes their checks.

use binhyen_domain::appointment::{instant_ms, reminder_at_ms, weekday};
use binhyen_domain::Actor;
use time::{Date, Month};

use crate::appointments::{BookOutcome, Holder, HoursInput, ServiceInput};
use crate::{Core, CoreError, Result};

const UNIT: &str = "ca-xa-cu-mgar-2025";
const COMMANDER: &str = "0388 000 008";
const HDAO: &str = "0399 000 001";

/// Vietnam's public holidays on fixed solar dates (Tết and the Hùng Kings' day follow the lunar calendar).
const HOLIDAYS: &[(Month, u8, &str)] = &[
    (Month::January, 1, "Nghỉ Tết Dương lịch"),
    (Month::April, 30, "Nghỉ lễ Ngày Giải phóng miền Nam, thống nhất đất nước"),
    (Month::May, 1, "Nghỉ lễ Ngày Quốc tế Lao động"),
    (Month::September, 2, "Nghỉ lễ Quốc khánh"),
];

/// The first fixed public holiday after `today`.
fn next_holiday(today: Date) -> Option<(Date, &'static str)> {
    (today.year()..=today.year() + 1)
        .flat_map(|y| {
            HOLIDAYS.iter().filter_map(move |(m, d, why)| Some((Date::from_calendar_date(y, *m, *d).ok()?, *why)))
        })
        .find(|(day, _)| *day > today)
}

pub(super) async fn build(core: &Core) -> Result<()> {
    let unit = core.units().unit_by_code(UNIT).await?;
    let commander = core.accounts().account_by_phone(COMMANDER).await?;
    let role = commander.role.ok_or_else(|| CoreError::Internal("demo commander without a role".into()))?;
    let actor = Actor { account_id: commander.id, unit_id: unit.id, role };
    let input = ServiceInput {
        name: "Cấp lại thẻ căn cước".into(),
        description: Some(
            "Mang theo: giấy tờ chứng minh nơi cư trú (nếu có) và số định danh cá nhân; cán bộ chụp ảnh, lấy vân \
             tay tại chỗ. Lệ phí cấp lại: 70.000 đồng. Trả thẻ trong 7 ngày làm việc, tại trụ sở hoặc qua bưu điện."
                .into(),
        ),
        slot_minutes: 30,
        capacity: 3,
        cutoff_minutes: 120,
        active: true,
    };
    let service = core.appointments().create_service(&actor, unit.id, input).await?.service;
    let hours: Vec<HoursInput> = (1..=5)
        .flat_map(|weekday| {
            [("07:30", "11:30"), ("13:30", "17:00")].map(|(start, end)| HoursInput {
                weekday,
                start: start.into(),
                end: end.into(),
            })
        })
        .collect();
    core.appointments().set_service_hours(&actor, service.id, &hours).await?;
    let today = core.today();
    let (holiday, reason) = next_holiday(today).ok_or_else(|| CoreError::Internal("no holiday ahead".into()))?;
    core.appointments().add_closure(&actor, unit.id, holiday, reason).await?;

    // The next working day whose reminder (18:00 the day before) is still two hours or more away: the demo shows
    // it queued rather than sent the moment it starts.
    let soon = core.now_ms() + 2 * 3_600_000;
    let mut day = today;
    loop {
        day = day.next_day().ok_or_else(|| CoreError::Internal("calendar".into()))?;
        if weekday(day) <= 5 && day != holiday && reminder_at_ms(day) >= soon {
            break;
        }
    }
    let hdao = core.accounts().account_by_phone(HDAO).await?;
    match core.appointments().book_appointment(Holder::Account(hdao), service.id, instant_ms(day, 8 * 60)).await? {
        BookOutcome::Booked(_) => Ok(()),
        _ => Err(CoreError::Internal("the demo booking was refused".into())),
    }
}
