//! Group commit through the API: many tips submitted at once are committed together, and every submitter
//! gets its own tip, stored as sent, with its timeline and audit entry.

use std::collections::BTreeSet;

use binhyen_core::seal::TIPS_REPORTER;
use binhyen_core::Policy;
use serde_json::json;

use crate::support::{TestApp, CITIZEN_HDAO};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_concurrent_tips_all_land_with_distinct_ids() {
    // All from 127.0.0.1: lift the anonymous flood limit.
    let app = TestApp::spawn_with(Policy { anonymous_tips_per_10_min: 1_000, ..Policy::default() }).await;
    let area =
        app.core.units().areas_by_code("24280").await.unwrap().into_iter().find(|a| a.valid_to.is_none()).unwrap().id;
    let citizen = app.token(CITIZEN_HDAO).await;
    let tips_before = app.store.count_tips().await.unwrap();
    let audit_before = app.store.count_audit_entries().await.unwrap();
    let stats_before = app.core.tips().intake_stats();

    let mut sent = Vec::new();
    for i in 0..200 {
        // Anonymous, identified and confidential (sealed with the tip's id), mixed.
        let (protection, token) = match i % 3 {
            0 => ("anonymous", None),
            1 => ("identified", Some(citizen.clone())),
            _ => ("confidential", Some(citizen.clone())),
        };
        let description = format!("Tin báo đồng thời số {i}: có người lạ đi xe máy bắt trộm chó.");
        let body = json!({"category": "theft", "description": description, "area_id": area, "protection": protection});
        let api = app.api.clone();
        let url = app.at("/api/v1/tips");
        sent.push(tokio::spawn(async move {
            let mut request = api.post(url).json(&body);
            if let Some(t) = token {
                request = request.bearer_auth(t);
            }
            let response = request.send().await.unwrap();
            let status = response.status().as_u16();
            let answer: serde_json::Value = response.json().await.unwrap();
            (status, answer, description, protection)
        }));
    }
    let mut ids = BTreeSet::new();
    for task in sent {
        let (status, answer, description, protection) = task.await.unwrap();
        assert_eq!(status, 201, "{answer}");
        let id = answer["id"].as_i64().unwrap();
        assert!(ids.insert(id), "id {id} answered twice");
        let tip = app.store.tip(id).await.unwrap();
        assert_eq!((tip.description.as_str(), tip.protection.as_str()), (description.as_str(), protection));
        assert_eq!(answer["state"], "new");
        assert_eq!(answer["receipt"].is_string(), protection == "anonymous");
        let events = app.store.tip_events(id).await.unwrap();
        assert_eq!(events.iter().map(|e| e.kind.as_str()).collect::<Vec<_>>(), vec!["submitted"]);
    }
    assert_eq!(app.store.count_tips().await.unwrap(), tips_before + 200);
    assert_eq!(app.store.count_audit_entries().await.unwrap(), audit_before + 200);
    assert_eq!(app.core.verify_audit().await.unwrap().broken, None);
    let stats = app.core.tips().intake_stats();
    let (batches, tips) = (stats.batches - stats_before.batches, stats.tips - stats_before.tips);
    assert_eq!(tips, 200);
    assert!(batches < tips, "tips arriving together are committed together ({batches} transactions)");

    // Each reporter was sealed with its own tip's id as associated data, by the writer, once the id was known.
    let tips_sealed = {
        let mut n = 0;
        for id in &ids {
            let tip = app.store.tip(*id).await.unwrap();
            if let Some(sealed) = tip.reporter_sealed {
                app.core.open_for(&TIPS_REPORTER, *id, &sealed).expect("opens with its own tip's id");
                assert!(app.core.open_for(&TIPS_REPORTER, *id + 1, &sealed).is_err(), "and with no other");
                n += 1;
            }
        }
        n
    };
    assert_eq!(tips_sealed, 133, "identified and confidential tips, not anonymous ones");
    app.stop().await;
}
