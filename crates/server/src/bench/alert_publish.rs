//! `binhyen bench alert-publish`: a public alert from Công an xã Cư M'gar to its commune, where `--followers`
//! citizens (500,000 by default, `alert_data.rs`) follow its page. Measured: the alert's HTTP answer, the time
//! until a follower's feed shows it (`visible_ms`: it is read at query time, so the first read after the
//! answer), until every notification job is queued (`queued_s`: the fan-out job has committed its batches;
//! target under 10 s) and until every follower's notification is written (`delivered_s`). Meanwhile
//! `--connections` connections read the follower's feed for `--seconds`: their requests/s and latency are the
//! scenario's, and the same load before the alert is the baseline, so `ratio` says what the fan-out costs
//! readers. For comparison, `post_publish_ms` is the answer to an ordinary post on the same page.

use std::time::{Duration, Instant};

use anyhow::Context;
use binhyen_core::accounts::CitizenSignUp;
use binhyen_domain::job::{JobKind, JobState};
use serde_json::json;

use super::alert_data::{self, UNIT};
use super::load::{drive_mix, fetch_json, Request};
use super::{result, BenchArgs, BenchResult, Prepared};

const PASSWORD: &str = "binhyen-bench-password";
/// The demo's commander of Công an xã Cư M'gar, and the demo's shared password.
const COMMANDER: (&str, &str) = ("0388000008", "binhyen-demo");
/// Give up waiting for the jobs after this long.
const PATIENCE: Duration = Duration::from_secs(600);

async fn token(base: &str, phone: &str, password: &str) -> anyhow::Result<String> {
    let body = json!({"phone": phone, "password": password});
    let answer = fetch_json(&Request::post_json(format!("{base}/api/v1/auth/tokens"), &body), 201).await?;
    Ok(answer["token"].as_str().context("no token")?.to_owned())
}

/// Jobs of `kind`: (done, all).
async fn jobs(store: &binhyen_core::Store, kind: JobKind) -> anyhow::Result<(i64, i64)> {
    let states = store.job_states(kind).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    let done = states.iter().filter(|(s, _)| *s == JobState::Done).map(|(_, n)| n).sum();
    Ok((done, states.iter().map(|(_, n)| n).sum()))
}

fn ms(since: Instant) -> f64 {
    (since.elapsed().as_secs_f64() * 100_000.0).round() / 100.0
}

pub(super) async fn run(args: &BenchArgs) -> anyhow::Result<BenchResult> {
    let prepared = Prepared::new(args, binhyen_core::Policy::default()).await?;
    let core = &prepared.core;
    let base = prepared.running.url();
    // The app's own clock, so the data is dated as the server it measures sees time.
    let now_ms = core.now_ms();

    println!("Generating {} followers of {UNIT} living in its commune on {}…", args.followers, prepared.backend);
    let data = alert_data::generate(&prepared.store, args.followers, now_ms).await?;
    println!("  generated in {:.1} s", data.seconds);

    // The reader: a real follower living inside, signed in over the API.
    let signup = CitizenSignUp {
        phone: "0398300000".to_owned(),
        password: PASSWORD.to_owned(),
        display_name: "Người đọc thử tải".to_owned(),
        home_area_id: Some(data.homes[data.homes.len() - 1]),
    };
    let reader =
        core.accounts().sign_up_citizen(signup).await.map_err(|e| anyhow::anyhow!("signing up the reader: {e}"))?;
    core.pages().set_following(reader, data.unit_id, true).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    let feed = Request::get(format!("{base}/api/v1/me/feed")).bearer(token(&base, "0398300000", PASSWORD).await?);
    let commander = token(&base, COMMANDER.0, COMMANDER.1).await?;
    let seconds = Duration::from_secs(args.seconds);

    println!("Warming up…");
    drive_mix(vec![feed.clone()], Duration::from_secs(1), args.connections).await?;
    println!("Baseline: the follower's feed, {} connections for {} s…", args.connections, args.seconds);
    let baseline = drive_mix(vec![feed.clone()], seconds, args.connections).await?;
    println!("  {baseline}");

    let post = json!({"kind": "warning", "title": "Cảnh giác lừa đảo qua mạng",
        "body": "Không chuyển tiền cho người lạ, dù họ xưng là công an."});
    let started = Instant::now();
    let posts = Request::post_json(format!("{base}/api/v1/pages/{UNIT}/posts"), &post).bearer(commander.clone());
    fetch_json(&posts, 201).await?;
    let post_publish_ms = ms(started);

    let expires =
        (core.clock.now() + time::Duration::hours(12)).format(&time::format_description::well_known::Rfc3339)?;
    let alert = json!({
        "area_id": data.area_id, "category": "Security", "event": "Trộm cắp gia súc",
        "severity": "Severe", "urgency": "Immediate", "certainty": "Observed",
        "headline": "Cảnh báo trộm bò ban đêm tại các buôn của xã Cư M'gar",
        "description": "Đêm qua đã xảy ra 3 vụ trộm bò. Bà con khóa chuồng, thắp đèn và báo ngay khi thấy xe lạ.",
        "expires_at": expires,
    });
    println!("Scenario: the alert to {} followers, while the feed is read ({} s)…", data.count + 1, args.seconds);
    let load = tokio::spawn(drive_mix(vec![feed.clone()], seconds, args.connections));
    let started = Instant::now();
    let issue = Request::post_json(format!("{base}/api/v1/pages/{UNIT}/alerts"), &alert).bearer(commander);
    let issued = fetch_json(&issue, 201).await?;
    let publish_ms = ms(started);
    let id = issued["id"].as_i64().context("no alert id")?;
    let first = fetch_json(&feed, 200).await?;
    let visible_ms = ms(started);
    anyhow::ensure!(first["alerts"][0]["id"] == id, "the first feed read after the answer lacks the alert: {first}");

    let (mut queued_s, mut batches) = (None, 0);
    let delivered_s = loop {
        anyhow::ensure!(started.elapsed() < PATIENCE, "the alert's jobs did not finish in {PATIENCE:?}");
        if queued_s.is_none() && jobs(&prepared.store, JobKind::AlertFanout).await?.0 == 1 {
            queued_s = Some(started.elapsed().as_secs_f64());
            batches = jobs(&prepared.store, JobKind::NotifyFollowers).await?.1;
            println!("  every notification job queued: {batches} batches in {:.2} s", queued_s.unwrap_or_default());
        }
        if queued_s.is_some() && jobs(&prepared.store, JobKind::NotifyFollowers).await?.0 == batches {
            break started.elapsed().as_secs_f64();
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    println!("  every follower's notification written in {delivered_s:.2} s");
    let measured = load.await.context("the feed load")??;
    println!("  feed during the fan-out: {measured}");
    let backend = prepared.backend;
    prepared.finish().await?;

    let mut out = result(args, &measured, &baseline, backend);
    out.baseline = Some("the same feed reads before the alert".into());
    out.followers = Some(data.count + 1);
    out.publish_ms = Some(publish_ms);
    out.post_publish_ms = Some(post_publish_ms);
    out.visible_ms = Some(visible_ms);
    out.queued_s = queued_s.map(|s| (s * 100.0).round() / 100.0);
    out.delivered_s = Some((delivered_s * 100.0).round() / 100.0);
    out.jobs = Some(batches as usize);
    println!(
        "Answer {publish_ms} ms (a post: {post_publish_ms} ms), in the feed after {visible_ms} ms, jobs queued after \
         {:.2} s (target 10 s), notifications written after {delivered_s:.2} s; feed {:.0}% of its rate before",
        queued_s.unwrap_or_default(),
        out.ratio * 100.0
    );
    Ok(out)
}
