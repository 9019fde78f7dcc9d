//! 200 concurrent bookings of a slot of capacity 5 through the whole booking use case (seat, booking, sealed
//! values, reminder job, audit entry in one transaction) on PostgreSQL: exactly 5 succeed, the others are told
//! the slot is full with the next free slots, and nothing fails. Needs PostgreSQL (`--features postgres-tests`,
//! `TEST_POSTGRES_URL`); fails, never skips, when it cannot be reached.

#![cfg(feature = "postgres-tests")]

use binhyen_core::appointments::{BookOutcome, Holder, HoursInput, ServiceInput};
use binhyen_core::{KeyRing, Policy};
use binhyen_domain::appointment::instant_ms;
use binhyen_server::startup;
use binhyen_store::scratch::ScratchDatabase;

#[path = "support/instant.rs"]
mod instant;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_concurrent_bookings_on_postgresql() {
    // Test support, not configuration: which server the test runs on, as scripts/test.sh and CI say.
    #[allow(clippy::disallowed_methods)]
    let server =
        std::env::var("TEST_POSTGRES_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned());
    let db = ScratchDatabase::create(&server)
        .await
        .unwrap_or_else(|e| panic!("PostgreSQL at {server} is needed (see scripts/test.sh): {e}"));
    let store = startup::open_store(db.url()).await.expect("migrate");
    let core = startup::core_at(store.clone(), instant::manual_clock(), Policy::default(), KeyRing::for_tests());
    binhyen_core::demo::build(&core).await.expect("demo on PostgreSQL");

    let unit = core.units().unit_by_code("ca-xa-cu-mgar-2025").await.unwrap();
    let actor = |phone: &str| {
        let core = core.clone();
        let phone = phone.to_owned();
        async move {
            let a = core.accounts().account_by_phone(&phone).await.unwrap();
            binhyen_domain::Actor { account_id: a.id, unit_id: a.unit_id.unwrap(), role: a.role.unwrap() }
        }
    };
    let commander = actor("0388000008").await;
    let input = ServiceInput {
        name: "Xác nhận thông tin cư trú".into(),
        description: None,
        slot_minutes: 30,
        capacity: 5,
        cutoff_minutes: 60,
        active: true,
    };
    let service = core.appointments().create_service(&commander, unit.id, input).await.unwrap().service.id;
    let every_day: Vec<HoursInput> =
        (1..=7).map(|weekday| HoursInput { weekday, start: "07:00".into(), end: "17:00".into() }).collect();
    core.appointments().set_service_hours(&commander, service, &every_day).await.unwrap();
    let mut day = core.today().next_day().unwrap();
    while !core.appointments().unit_closures(unit.id, day, day).await.unwrap().is_empty() {
        day = day.next_day().unwrap();
    }
    let slot = instant_ms(day, 8 * 60);

    let officer = actor("0388000009").await;
    let started = std::time::Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..200 {
        let core = core.clone();
        tasks.spawn(async move {
            let holder =
                Holder::WalkIn { officer, name: format!("Người dân {i}"), phone: format!("0912000{i:03}") };
            core.appointments().book_appointment(holder, service, slot).await
        });
    }
    let (mut booked, mut full) = (0, 0);
    while let Some(done) = tasks.join_next().await {
        match done.unwrap().unwrap_or_else(|e| panic!("a booking failed rather than being told 'full': {e}")) {
            BookOutcome::Booked(_) => booked += 1,
            BookOutcome::SlotFull { next_free } => {
                assert_eq!(next_free.first().map(|s| s.starts_at_ms), Some(slot + 30 * 60_000));
                full += 1;
            }
            BookOutcome::AlreadyBooked(_) => panic!("every walk-in has a number of their own"),
        }
    }
    println!("200 concurrent bookings on PostgreSQL: {:?}", started.elapsed());
    assert_eq!((booked, full), (5, 195));
    let seats = core.appointments().service_slots(service, day).await.unwrap();
    assert_eq!(seats.slots.iter().find(|s| s.starts_at_ms == slot).map(|s| s.free), Some(0));
    let list = core.appointments().appointment_day(&officer, unit.id, day).await.unwrap();
    let ours = list.services.iter().find(|s| s.service.service.id == service).unwrap();
    assert_eq!(ours.entries.len(), 5);
    store.close().await;
    db.drop_database().await.unwrap();
}
