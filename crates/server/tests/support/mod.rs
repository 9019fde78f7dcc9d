//! The shared test harness: the real app on port 0 over a copy of a demo database built once per test
//! binary, a manual clock, and HTTP helpers. Each test gets its own database file, so tests run in parallel.

#![allow(dead_code)]

use binhyen_core::demo::Reform;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

pub mod instant;
pub mod sse;

use binhyen_core::alerting::AlertSettings;
use binhyen_core::live::LiveSettings;
use binhyen_core::{Core, KeyRing, ManualClock, OsRandom, Policy, Store};
use binhyen_server::startup;
use serde_json::Value;

/// The demo's shared password and some of its accounts (see `binhyen demo`).
pub const PASSWORD: &str = "binhyen-demo";
pub const PROVINCE_ADMIN: &str = "0388000001";
pub const MOBILE_COMMANDER: &str = "0388000002";
pub const MOBILE_OFFICER: &str = "0388000003";
pub const DISTRICT_COMMANDER: &str = "0388000004";
pub const EA_KPAM_COMMANDER: &str = "0388000005";
pub const EA_KPAM_OFFICER: &str = "0388000006";
pub const TAN_LOI_OFFICER: &str = "0388000007";
pub const CITIZEN_HDAO: &str = "0399000001";
pub const CLUSTER: &str = "0397000001";
/// Commander of Công an xã Cư M'gar (from 01/07/2025), which answers today for the former Ea KPam.
pub const CU_MGAR_COMMANDER: &str = "0388000008";
/// Duty officer of Công an xã Cư M'gar, on duty in the demo.
pub const CU_MGAR_DUTY_OFFICER: &str = "0388000009";

/// Builds the demo database once per test binary, on a thread with its own runtime (each test has its own).
fn template() -> &'static PathBuf {
    static TEMPLATE: OnceLock<PathBuf> = OnceLock::new();
    TEMPLATE.get_or_init(|| build_template(Reform::Recorded))
}

/// The demo with the 2025 reform applied as an operation (`binhyen demo --reform-2025`).
fn reformed_template() -> &'static PathBuf {
    static TEMPLATE: OnceLock<PathBuf> = OnceLock::new();
    TEMPLATE.get_or_init(|| build_template(Reform::Applied))
}

fn build_template(reform: Reform) -> PathBuf {
    std::thread::spawn(move || {
        let name = format!("binhyen-template-{}-{reform:?}", std::process::id());
        let dir = std::env::temp_dir().join(name);
        std::fs::create_dir_all(&dir).expect("template dir");
        let path = dir.join("demo.sqlite");
        let _ = std::fs::remove_file(&path);
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
        rt.block_on(async {
            let store = startup::open_store(&format!("sqlite:{}", path.display())).await.expect("store");
            // The demo is built at the test world's first instant: what it dates "now" is then.
            let core =
                startup::core_at(store.clone(), instant::manual_clock(), Policy::default(), KeyRing::for_tests());
            binhyen_core::demo::build_with(&core, reform).await.expect("demo");
            // The database file alone must be complete: it is copied without its write-ahead log.
            store.checkpoint().await.expect("checkpoint");
            store.close().await;
        });
        path
    })
    .join()
    .expect("template thread")
}

/// Alerting for tests: no channels, and a worker that looks for due jobs often (the clock is moved by hand).
pub fn test_alerts() -> AlertSettings {
    AlertSettings { job_poll: std::time::Duration::from_millis(50), ..AlertSettings::default() }
}

/// What a test app is started with, kept to start it again.
struct Setup {
    policy: Policy,
    alerts: AlertSettings,
    live: LiveSettings,
    clock: Arc<ManualClock>,
}

impl Setup {
    async fn start(&self, path: &std::path::Path, dir: &std::path::Path) -> (Core, Store, startup::Running) {
        let store = startup::open_store(&format!("sqlite:{}", path.display())).await.expect("store");
        let objects = binhyen_media::ObjectStore::open(dir.join("objects")).expect("objects");
        let core = Core::new(store.clone(), self.clock.clone(), Arc::new(OsRandom), self.policy.clone())
            .with_keys(KeyRing::for_tests())
            .with_objects(objects)
            .with_alerts(self.alerts.clone())
            .with_live(self.live.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let running = startup::start(core.clone(), binhyen_web::WebConfig::default(), listener).expect("start");
        (core, store, running)
    }
}

pub struct TestApp {
    pub url: String,
    pub core: Core,
    /// The test's own handle to the app's store, to look at and arrange what is stored (core keeps its own
    /// private).
    pub store: Store,
    pub clock: Arc<ManualClock>,
    /// A client with a cookie store that does not follow redirects (tests look at them).
    pub browser: reqwest::Client,
    pub api: reqwest::Client,
    running: Option<startup::Running>,
    /// The SQLite file behind the app (tests read it raw to prove what is not stored in clear).
    pub db_path: PathBuf,
    setup: Setup,
    _dir: tempfile::TempDir,
}

impl TestApp {
    /// The app over a fresh copy of the demo database.
    pub async fn spawn() -> TestApp {
        Self::spawn_with(Policy::default()).await
    }

    pub async fn spawn_with(policy: Policy) -> TestApp {
        Self::spawn_alerting(policy, test_alerts(), LiveSettings::default()).await
    }

    /// The app over the demo with the 2025 reform applied as an operation.
    pub async fn spawn_reformed() -> TestApp {
        Self::spawn_from(reformed_template(), Policy::default(), test_alerts(), LiveSettings::default()).await
    }

    /// The app with these alerting settings (channels pointing at fakes) and live-event settings.
    pub async fn spawn_alerting(policy: Policy, alerts: AlertSettings, live: LiveSettings) -> TestApp {
        Self::spawn_from(template(), policy, alerts, live).await
    }

    async fn spawn_from(template: &PathBuf, policy: Policy, alerts: AlertSettings, live: LiveSettings) -> TestApp {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("app.sqlite");
        std::fs::copy(template, &path).expect("copy template");
        let clock = instant::manual_clock();
        let setup = Setup { policy, alerts, live, clock: clock.clone() };
        let (core, store, running) = setup.start(&path, dir.path()).await;
        let browser = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        TestApp {
            url: running.url(),
            core,
            store,
            clock,
            browser,
            api: reqwest::Client::new(),
            running: Some(running),
            db_path: path,
            setup,
            _dir: dir,
        }
    }

    /// Stops the app and starts it again on the same database (a new core, a new port): what survives is
    /// what was stored.
    pub async fn restart(&mut self) {
        if let Some(running) = self.running.take() {
            running.stop().await;
        }
        self.store.close().await;
        let (core, store, running) = self.setup.start(&self.db_path, self._dir.path()).await;
        self.url = running.url();
        self.core = core;
        self.store = store;
        self.running = Some(running);
    }

    pub fn at(&self, path: &str) -> String {
        format!("{}{path}", self.url)
    }

    pub async fn get_json(&self, path: &str, token: Option<&str>) -> (u16, Value) {
        let mut req = self.api.get(self.at(path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let res = req.send().await.expect("request");
        let status = res.status().as_u16();
        (status, res.json().await.unwrap_or(Value::Null))
    }

    pub async fn send_json(
        &self,
        method: reqwest::Method,
        path: &str,
        body: &Value,
        token: Option<&str>,
    ) -> (u16, Value) {
        let mut req = self.api.request(method, self.at(path)).json(body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let res = req.send().await.expect("request");
        let status = res.status().as_u16();
        (status, res.json().await.unwrap_or(Value::Null))
    }

    pub async fn post_json(&self, path: &str, body: &Value, token: Option<&str>) -> (u16, Value) {
        self.send_json(reqwest::Method::POST, path, body, token).await
    }

    /// A bearer token for a demo account.
    pub async fn token(&self, phone: &str) -> String {
        let (status, body) = self
            .post_json("/api/v1/auth/tokens", &serde_json::json!({"phone": phone, "password": PASSWORD}), None)
            .await;
        assert_eq!(status, 201, "sign-in of {phone}: {body}");
        body["token"].as_str().expect("token").to_owned()
    }

    /// GETs a page with the cookie client; returns status and HTML.
    pub async fn page(&self, path: &str) -> (u16, String) {
        let res = self.browser.get(self.at(path)).send().await.expect("request");
        (res.status().as_u16(), res.text().await.unwrap_or_default())
    }

    /// The CSRF token of the form on a page (fetching it sets the CSRF cookie).
    pub async fn csrf(&self, path: &str) -> String {
        let (_, html) = self.page(path).await;
        let marker = "name=\"csrf\" value=\"";
        let start = html.find(marker).expect("csrf field") + marker.len();
        html[start..start + 64].to_owned()
    }

    /// POSTs a form with the cookie client; returns status, Location header, and HTML.
    pub async fn form(&self, path: &str, fields: &[(&str, &str)]) -> (u16, Option<String>, String) {
        let res = self.browser.post(self.at(path)).form(fields).send().await.expect("request");
        let status = res.status().as_u16();
        let location = res.headers().get("location").and_then(|v| v.to_str().ok()).map(str::to_owned);
        (status, location, res.text().await.unwrap_or_default())
    }

    /// Signs the cookie client in through the sign-in form.
    pub async fn sign_in_browser(&self, phone: &str) {
        let csrf = self.csrf("/sign-in").await;
        let (status, location, body) =
            self.form("/sign-in", &[("csrf", &csrf), ("phone", phone), ("password", PASSWORD)]).await;
        assert_eq!(status, 303, "sign-in of {phone}: {body}");
        assert!(location.is_some());
    }

    pub async fn stop(mut self) {
        if let Some(r) = self.running.take() {
            r.stop().await;
        }
    }
}
