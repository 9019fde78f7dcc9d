//! `binhyen bench feed`: citizens following 5 pages each read the first page of their home feed
//! (`GET /api/v1/me/feed`, bearer token) on the demo plus a generated data set (`feed_data.rs`: 200 pages,
//! 1,000,000 follows, 100,000 posts by default). The baseline is `/healthz`, driven the same way in the same
//! run. Targets: p99 under 20 ms and at least 30% of the baseline's requests/s.

use std::time::Duration;

use binhyen_core::accounts::CitizenSignUp;
use serde_json::json;

use super::feed_data::{self, FeedData};
use super::load::{drive, drive_mix, fetch_json, Request};
use super::{result, BenchArgs, BenchResult, Prepared};

/// The measured citizens, real accounts signed in over the API; the load cycles through their tokens.
const READERS: usize = 4;
const PASSWORD: &str = "binhyen-bench-password";

pub(super) async fn run(args: &BenchArgs) -> anyhow::Result<BenchResult> {
    let prepared = Prepared::new(args, binhyen_core::Policy::default()).await?;
    let core = &prepared.core;
    let base = prepared.running.url();
    // The app's own clock, so the posts are dated as the server it measures sees time.
    let now_ms = core.now_ms();

    let spec = FeedData::default();
    println!(
        "Generating {} pages, {} follows, {} posts on {}…",
        spec.pages, spec.follows, spec.posts, prepared.backend
    );
    let generated = feed_data::generate(&prepared.store, spec, now_ms).await?;
    println!("  generated in {:.1} s", generated.seconds);

    let mut mix = Vec::with_capacity(READERS);
    for i in 0..READERS {
        let phone = format!("03982000{i:02}");
        let signup = CitizenSignUp {
            phone: phone.clone(),
            password: PASSWORD.to_owned(),
            display_name: format!("Người đọc thử tải {}", i + 1),
            home_area_id: None,
        };
        let id =
            core.accounts().sign_up_citizen(signup).await.map_err(|e| anyhow::anyhow!("signing up a reader: {e}"))?;
        for unit in feed_data::pick_pages(1_000_000 + i as u64, &generated.pages) {
            prepared.store.set_following(id, unit, true, now_ms).await.map_err(|e| anyhow::anyhow!("{e}"))?;
        }
        let token = fetch_json(
            &Request::post_json(format!("{base}/api/v1/auth/tokens"), &json!({"phone": phone, "password": PASSWORD})),
            201,
        )
        .await?;
        let token = token["token"].as_str().ok_or_else(|| anyhow::anyhow!("no token in {token}"))?.to_owned();
        let feed = Request::get(format!("{base}/api/v1/me/feed")).bearer(token).expect(200);
        let first = fetch_json(&feed, 200).await?;
        let posts = first["posts"].as_array().map_or(0, Vec::len);
        anyhow::ensure!(
            posts == 20 && first["next_cursor"].is_string(),
            "reader {i}'s first feed page: {posts} posts, next_cursor {}",
            first["next_cursor"]
        );
        mix.push(feed);
    }

    let seconds = Duration::from_secs(args.seconds);
    println!("Warming up…");
    drive_mix(mix.clone(), Duration::from_secs(1), args.connections).await?;
    println!("Baseline GET /healthz: {} connections for {} s…", args.connections, args.seconds);
    let baseline = drive(&format!("{base}/healthz"), seconds, args.connections).await?;
    println!("  {baseline}");
    println!(
        "Scenario feed GET /api/v1/me/feed ({READERS} citizens following 5 pages each): {} connections for {} s…",
        args.connections, args.seconds
    );
    let measured = drive_mix(mix, seconds, args.connections).await?;
    println!("  {measured}");
    let backend = prepared.backend;
    prepared.finish().await?;

    let mut out = result(args, &measured, &baseline, backend);
    println!("Ratio to baseline: {:.1}% of /healthz requests/s", out.ratio * 100.0);
    out.generate_s = Some((generated.seconds * 10.0).round() / 10.0);
    out.follows = Some(generated.follows);
    out.posts = Some(generated.posts);
    Ok(out)
}
