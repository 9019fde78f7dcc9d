//! Appointments: services, weekly hours and closures; bookings with their seat counts, one booking per holder,
//! service and day, state moves and rescheduling; and 200 concurrent bookings of a slot of capacity 5, of
//! which exactly 5 succeed.

use binhyen_domain::appointment::BookingState;
use binhyen_domain::UnitKind;
use binhyen_store::appointments::{self, Hours, NewAppointment, NewService};
use binhyen_store::{Store, StoreError};
use time::macros::date;

use crate::support::*;

const DAY: time::Date = date!(2026 - 12 - 01);
/// 07:30 on `DAY`, Vietnam time.
const SLOT: i64 = 1_796_085_000_000;
const HALF_HOUR: i64 = 30 * 60_000;

fn service(unit_id: i64, name: &str, capacity: i64) -> NewService {
    NewService {
        unit_id,
        name: name.to_owned(),
        description: Some("Mang theo giấy xác nhận thông tin cư trú.".into()),
        slot_minutes: 30,
        capacity,
        cutoff_minutes: 120,
        active: true,
    }
}

fn booking(service_id: i64, unit_id: i64, holder: &str, starts_at_ms: i64, account_id: Option<i64>) -> NewAppointment {
    NewAppointment {
        service_id,
        unit_id,
        day: DAY,
        starts_at_ms,
        ends_at_ms: starts_at_ms + HALF_HOUR,
        account_id,
        holder_key: holder.to_owned(),
        code_hash: format!("hash-of-{holder}-{starts_at_ms}"),
        booked_by_account_id: None,
    }
}

async fn setup(store: &Store, capacity: i64) -> (i64, i64, i64) {
    let unit = put_unit(store, &unit("ca-xa-cu-mgar-2025", UnitKind::CommunePolice, "Công an xã Cư M'gar")).await;
    let citizen = put_account(store, &citizen("+84399000001", "H'Đào Niê")).await;
    let mut tx = store.begin().await.unwrap();
    let id =
        appointments::insert_service(&mut tx, &service(unit, "Cấp lại thẻ căn cước", capacity), NOW).await.unwrap();
    tx.commit().await.unwrap();
    (unit, id, citizen)
}

/// Books in one transaction: a seat, then the booking. None when the slot is full (nothing written).
async fn book(store: &Store, a: &NewAppointment, capacity: i64) -> Result<Option<i64>, StoreError> {
    let mut tx = store.begin().await?;
    if !appointments::take_seat(&mut tx, a.service_id, a.starts_at_ms, capacity).await? {
        return Ok(None);
    }
    let id = appointments::insert(&mut tx, a, NOW).await?;
    tx.commit().await?;
    Ok(Some(id))
}

pub async fn services_hours_and_closures_round_trip(store: Store) {
    let (unit, id, citizen) = setup(&store, 3).await;
    let s = store.appointment_service(id).await.unwrap();
    assert_eq!(
        (s.name.as_str(), s.slot_minutes, s.capacity, s.cutoff_minutes, s.active),
        ("Cấp lại thẻ căn cước", 30, 3, 120, true)
    );
    let mut tx = store.begin().await.unwrap();
    let again = appointments::insert_service(&mut tx, &service(unit, "Cấp lại thẻ căn cước", 3), NOW).await;
    assert!(matches!(again, Err(StoreError::Conflict("service_name_taken"))), "{again:?}");
    drop(tx);
    let mut tx = store.begin().await.unwrap();
    let other = appointments::insert_service(&mut tx, &service(unit, "Đăng ký thường trú", 2), NOW).await.unwrap();
    appointments::update_service(
        &mut tx,
        other,
        &NewService { active: false, capacity: 4, ..service(unit, "Đăng ký tạm trú", 4) },
        NOW + 1,
    )
    .await
    .unwrap();
    let hours = |w, s, e| Hours { weekday: w, start_minute: s, end_minute: e };
    appointments::set_hours(&mut tx, id, &[hours(1, 450, 690), hours(1, 810, 1020), hours(2, 450, 690)]).await.unwrap();
    tx.commit().await.unwrap();
    let names: Vec<_> =
        store.appointment_services(unit).await.unwrap().into_iter().map(|s| (s.name, s.active)).collect();
    assert_eq!(names, [("Cấp lại thẻ căn cước".to_owned(), true), ("Đăng ký tạm trú".to_owned(), false)]);
    assert_eq!(store.appointment_hours(id).await.unwrap().len(), 3);
    let mut tx = store.begin().await.unwrap();
    appointments::set_hours(&mut tx, id, &[hours(3, 480, 600)]).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(store.appointment_hours(id).await.unwrap(), [hours(3, 480, 600)], "replaced, not added");

    let mut tx = store.begin().await.unwrap();
    let closed = appointments::insert_closure(&mut tx, unit, date!(2027 - 01 - 01), "Tết Dương lịch", citizen, NOW)
        .await
        .unwrap();
    appointments::insert_closure(&mut tx, unit, date!(2026 - 12 - 22), "Ngày thành lập QĐND", citizen, NOW)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let mut tx = store.begin().await.unwrap();
    let twice = appointments::insert_closure(&mut tx, unit, date!(2027 - 01 - 01), "Nghỉ", citizen, NOW).await;
    assert!(matches!(twice, Err(StoreError::Conflict("closure_exists"))), "{twice:?}");
    drop(tx);
    let days: Vec<_> = store
        .appointment_closures(unit, DAY, date!(2027 - 12 - 31))
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.day)
        .collect();
    assert_eq!(days, [date!(2026 - 12 - 22), date!(2027 - 01 - 01)], "by day");
    assert!(store.appointment_closures(unit, DAY, date!(2026 - 12 - 21)).await.unwrap().is_empty());
    assert_eq!(store.appointment_closure(closed).await.unwrap().reason, "Tết Dương lịch");
    let mut tx = store.begin().await.unwrap();
    assert!(appointments::delete_closure(&mut tx, closed).await.unwrap());
    assert!(!appointments::delete_closure(&mut tx, closed).await.unwrap());
    tx.commit().await.unwrap();
    assert!(matches!(store.appointment_closure(closed).await, Err(StoreError::NotFound)));
}

pub async fn bookings_take_seats_once_per_holder_and_move(store: Store) {
    let (unit, service_id, citizen) = setup(&store, 2).await;
    let mine = booking(service_id, unit, &format!("account:{citizen}"), SLOT, Some(citizen));
    let id = book(&store, &mine, 2).await.unwrap().unwrap();
    let mut tx = store.begin().await.unwrap();
    appointments::set_sealed(&mut tx, id, None, "v1.k.sealed-code").await.unwrap();
    tx.commit().await.unwrap();

    // The same holder, service and day: refused, whatever the slot, and the seat it took is given back.
    let again = book(
        &store,
        &NewAppointment {
            code_hash: "other".into(),
            ..booking(service_id, unit, &mine.holder_key, SLOT + HALF_HOUR, Some(citizen))
        },
        2,
    )
    .await;
    assert!(matches!(again, Err(StoreError::Conflict("already_booked"))), "{again:?}");
    assert_eq!(store.seats_taken(service_id, SLOT, SLOT + 2 * HALF_HOUR).await.unwrap(), [(SLOT, 1)], "rolled back");

    let walk_in = NewAppointment {
        account_id: None,
        booked_by_account_id: Some(citizen),
        ..booking(service_id, unit, "phone:tag", SLOT, None)
    };
    let other = book(&store, &walk_in, 2).await.unwrap().unwrap();
    assert_eq!(book(&store, &booking(service_id, unit, "phone:third", SLOT, None), 2).await.unwrap(), None, "full");
    assert_eq!(store.seats_taken(service_id, SLOT, SLOT + 1).await.unwrap(), [(SLOT, 2)]);

    let a = store.appointment(id).await.unwrap();
    assert_eq!(
        (a.state, a.day, a.sequence, a.code_sealed.as_deref()),
        (BookingState::Booked, DAY, 0, Some("v1.k.sealed-code"))
    );
    assert_eq!(store.appointment_by_code(&mine.code_hash).await.unwrap().map(|a| a.id), Some(id));
    assert_eq!(store.appointment_by_code("nothing").await.unwrap(), None);
    let keys = ["phone:none".to_owned(), mine.holder_key.clone()];
    assert_eq!(store.active_appointment(service_id, DAY, &keys).await.unwrap().map(|a| a.id), Some(id));
    assert_eq!(ids(&store.appointments_of_account(citizen, 10).await.unwrap(), |a| a.id), [id]);

    let list = store.appointments_on(unit, DAY).await.unwrap();
    assert_eq!(ids(&list, |e| e.appointment.id), [id, other]);
    assert_eq!(
        (list[0].account_name.as_deref(), list[0].account_phone.as_deref()),
        (Some("H'Đào Niê"), Some("+84399000001"))
    );
    assert_eq!((list[1].account_name.as_deref(), list[1].appointment.booked_by_account_id), (None, Some(citizen)));
    assert_eq!(store.booked_count_on(unit, DAY).await.unwrap(), 2);

    // Moving: only from where it is, and the seats follow (the caller gives one back and takes the other).
    let later = SLOT + 2 * HALF_HOUR;
    let mut tx = store.begin().await.unwrap();
    assert!(appointments::take_seat(&mut tx, service_id, later, 2).await.unwrap());
    appointments::release_seat(&mut tx, service_id, SLOT).await.unwrap();
    assert!(appointments::reschedule(&mut tx, id, SLOT, DAY, later, later + HALF_HOUR, NOW + 1).await.unwrap());
    assert!(
        !appointments::reschedule(&mut tx, id, SLOT, DAY, later, later + HALF_HOUR, NOW + 1).await.unwrap(),
        "moved already"
    );
    tx.commit().await.unwrap();
    assert_eq!(store.seats_taken(service_id, SLOT, later + 1).await.unwrap(), [(SLOT, 1), (later, 1)]);
    let a = store.appointment(id).await.unwrap();
    assert_eq!((a.starts_at_ms, a.ends_at_ms, a.sequence), (later, later + HALF_HOUR, 1));

    // States move only from the state read; a cancellation is a new version of the calendar entry.
    let mut tx = store.begin().await.unwrap();
    assert!(appointments::set_state(&mut tx, other, BookingState::Booked, BookingState::CheckedIn, NOW + 2)
        .await
        .unwrap());
    assert!(!appointments::set_state(&mut tx, other, BookingState::Booked, BookingState::NoShow, NOW + 2)
        .await
        .unwrap());
    assert!(!appointments::cancel(&mut tx, id, SLOT, NOW + 2).await.unwrap(), "not where it was read: moved since");
    assert!(appointments::cancel(&mut tx, id, later, NOW + 2).await.unwrap());
    appointments::release_seat(&mut tx, service_id, later).await.unwrap();
    appointments::release_seat(&mut tx, service_id, later).await.unwrap();
    tx.commit().await.unwrap();
    let (a, b) = (store.appointment(id).await.unwrap(), store.appointment(other).await.unwrap());
    assert_eq!((a.state, a.sequence, b.state, b.sequence), (BookingState::Cancelled, 2, BookingState::CheckedIn, 0));
    assert_eq!(store.seats_taken(service_id, later, later + 1).await.unwrap(), [(later, 0)], "never below zero");
    assert_eq!(store.active_appointment(service_id, DAY, &keys).await.unwrap(), None);
    // Once cancelled, the holder may book that day again.
    assert!(book(&store, &NewAppointment { code_hash: "new".into(), ..mine.clone() }, 2).await.unwrap().is_some());
}

/// 200 bookings of one slot of capacity 5, each in its own transaction, all at once: exactly 5 succeed.
pub async fn concurrent_bookings_never_exceed_capacity(store: Store) {
    const CAPACITY: i64 = 5;
    let (unit, service_id, officer) = setup(&store, CAPACITY).await;
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..200 {
        let store = store.clone();
        tasks.spawn(async move {
            let a = booking(service_id, unit, &format!("phone:{i}"), SLOT, None);
            let mut tx = store.begin().await?;
            if !appointments::take_seat(&mut tx, service_id, SLOT, CAPACITY).await? {
                return Ok::<_, StoreError>(false);
            }
            // Hold the seat across an await point so the transactions really interleave.
            tokio::task::yield_now().await;
            appointments::insert(&mut tx, &NewAppointment { booked_by_account_id: Some(officer), ..a }, NOW)
                .await
                .map(|_| ())?;
            tx.commit().await?;
            Ok(true)
        });
    }
    let mut booked = 0;
    while let Some(joined) = tasks.join_next().await {
        if joined.unwrap().unwrap_or_else(|e| panic!("a booking failed with an error rather than 'full': {e}")) {
            booked += 1;
        }
    }
    assert_eq!(booked, CAPACITY);
    assert_eq!(store.seats_taken(service_id, SLOT, SLOT + 1).await.unwrap(), [(SLOT, CAPACITY)]);
    assert_eq!(store.appointments_on(unit, DAY).await.unwrap().len() as i64, CAPACITY);
}
