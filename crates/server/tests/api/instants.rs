//! The instants test worlds start at (issue 14): `scripts/test.sh` knows each of them, and a test app's clock
//! stands at the chosen one until a test moves it.

use binhyen_core::{Clock, TEST_INSTANTS};

use crate::support::*;

#[test]
fn the_test_script_runs_every_instant_and_no_other() {
    let script = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../scripts/test.sh")).unwrap();
    let line = script.lines().find(|l| l.starts_with("instants=(")).expect("the list of instants in scripts/test.sh");
    let listed: Vec<&str> = line.trim_start_matches("instants=(").trim_end_matches(')').split(' ').collect();
    let known: Vec<&str> = TEST_INSTANTS.iter().map(|i| i.name).collect();
    assert_eq!(listed, known);
}

#[tokio::test]
async fn a_test_world_starts_at_the_chosen_instant_and_moves_only_when_told() {
    let app = TestApp::spawn().await;
    let start = instant::chosen().at;
    assert_eq!(app.clock.now(), start);
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    assert_eq!(app.core.clock.now(), start, "the app's clock is the test's");
    app.clock.advance(time::Duration::hours(2));
    assert_eq!(app.core.clock.now(), start + time::Duration::hours(2));
}
