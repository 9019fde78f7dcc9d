//! Browser tests: the real app driven through a real headless Chromium (chromedriver + fantoccini) on a
//! phone-sized window, the way a citizen or an officer uses it. They need `/usr/bin/chromium` and
//! `/usr/bin/chromedriver` (Debian's `chromium` and `chromium-driver`); `scripts/test.sh` installs them.
//!
//! Run: `cargo test -p binhyen-server --features browser-tests --test browser`
//! A failing test leaves a screenshot and the page source in `test-artifacts/<test-name>.png|.html`.

#![cfg(feature = "browser-tests")]

mod support;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;
use support::TestApp;

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// Everything a step waits for (a page, an element) comes within this, or the test fails with a screenshot.
const STEP: Duration = Duration::from_secs(10);
/// A whole test body; a hang becomes a failure with artefacts rather than a stuck CI run.
const WHOLE_TEST: Duration = Duration::from_secs(60);

/// A chromedriver process on its own free port, killed (with the browser it started) when dropped, so a
/// panicking test leaves no processes behind.
struct Chromedriver {
    child: Child,
    url: String,
    _log_dir: tempfile::TempDir,
}

impl Chromedriver {
    async fn start() -> Chromedriver {
        for (path, what) in [(CHROMIUM, "Chromium"), (CHROMEDRIVER, "chromedriver")] {
            assert!(
                Path::new(path).exists(),
                "{what} is missing ({path}). The browser tests need it: run `bash scripts/test.sh` (the project's \
                 test command, which installs it) or `apt-get install chromium chromium-driver`."
            );
        }
        // Ask the OS for a free port, then hand it to chromedriver; the window in between is harmless locally.
        let port = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("free port").port();
        let log_dir = tempfile::tempdir().expect("tempdir");
        let log = log_dir.path().join("chromedriver.log");
        let mut command = Command::new(CHROMEDRIVER);
        command
            .arg(format!("--port={port}"))
            .arg(format!("--log-path={}", log.display()))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        // Its own process group, so the drop below can take Chromium down with it.
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        let child = command.spawn().unwrap_or_else(|e| panic!("cannot start {CHROMEDRIVER}: {e}"));
        let mut driver = Chromedriver { child, url: format!("http://127.0.0.1:{port}"), _log_dir: log_dir };

        let http = reqwest::Client::new();
        let started = Instant::now();
        loop {
            if let Ok(res) = http.get(format!("{}/status", driver.url)).send().await {
                let body: serde_json::Value = res.json().await.unwrap_or_default();
                if body["value"]["ready"] == json!(true) {
                    return driver;
                }
            }
            let exited = driver.child.try_wait().ok().flatten();
            if exited.is_some() || started.elapsed() > STEP {
                let log = std::fs::read_to_string(&log).unwrap_or_default();
                panic!("chromedriver did not answer on port {port} (exit: {exited:?}); its log:\n{log}");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for Chromedriver {
    fn drop(&mut self) {
        // The group's id is chromedriver's pid; Chromium and its helpers are in it unless they left on purpose.
        let _ = Command::new("kill")
            .args(["-s", "KILL", "--", &format!("-{}", self.child.id())])
            .stderr(Stdio::null())
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts the app and a browser, runs `body`, and on failure saves a screenshot and the page source before
/// panicking: every assertion in a body returns `Err` instead of panicking so that this always happens.
async fn in_browser(name: &str, body: impl AsyncFnOnce(&Browser) -> Result<(), String>) {
    in_browser_with(name, TestApp::spawn(), async move |b: &Browser, _: &TestApp| body(b).await).await;
}

/// `in_browser` with the app started by `app`, which the body also gets (to act beside the browser: send a tip
/// through the API, move the clock).
async fn in_browser_with(
    name: &str,
    app: impl std::future::Future<Output = TestApp>,
    body: impl AsyncFnOnce(&Browser, &TestApp) -> Result<(), String>,
) {
    // The driver first: a machine without a browser fails at once, with what to install.
    let driver = Chromedriver::start().await;
    let app = app.await;
    let profile = tempfile::tempdir().expect("profile dir");
    let mut caps = serde_json::Map::new();
    caps.insert("browserName".into(), json!("chrome"));
    caps.insert("timeouts".into(), json!({"pageLoad": STEP.as_millis() as u64, "script": 5000, "implicit": 0}));
    caps.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": CHROMIUM,
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                // A common Android phone's viewport: the pages are meant for phones first.
                "--window-size=412,915",
                format!("--user-data-dir={}", profile.path().display()),
            ],
            // Chromium will not make a window narrower than 500 px, so the window size alone gives a 500 px
            // viewport; emulating the phone's screen gives the real 412 px one (and phone viewport rules).
            "mobileEmulation": {
                "deviceMetrics": {"width": 412, "height": 915, "pixelRatio": 1.0, "mobile": true, "touch": true},
            },
        }),
    );
    let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&driver.url)
        .await
        .unwrap_or_else(|e| panic!("cannot open a Chromium session through chromedriver: {e}"));
    let browser = Browser { c: client, base: app.url.clone() };

    // Artefacts from an earlier failure of this test would be taken for this run's.
    for ext in ["png", "html"] {
        let _ = std::fs::remove_file(workspace_root().join("test-artifacts").join(format!("{name}.{ext}")));
    }
    let started = Instant::now();
    let outcome = match tokio::time::timeout(WHOLE_TEST, body(&browser, &app)).await {
        Ok(r) => r,
        Err(_) => Err(format!("the test did not finish within {WHOLE_TEST:?}")),
    };
    let failure = match outcome {
        Ok(()) => None,
        Err(e) => Some(format!("{e}\n(at {}; {})", browser.url().await, browser.save_artefacts(name).await)),
    };
    // Closing the session quits Chromium cleanly; the driver's drop is the fallback.
    let _ = browser.c.close().await;
    drop(driver);
    app.stop().await;
    if let Some(f) = failure {
        panic!("{name} failed after {:.1} s: {f}", started.elapsed().as_secs_f64());
    }
}

/// Adds what was being done to a WebDriver error.
trait Step<T> {
    fn step(self, what: impl std::fmt::Display) -> Result<T, String>;
}

impl<T, E: std::fmt::Display> Step<T> for Result<T, E> {
    fn step(self, what: impl std::fmt::Display) -> Result<T, String> {
        self.map_err(|e| format!("{what}: {e}"))
    }
}

/// `Err` with a message unless `ok`: the body's `assert!`.
fn check(ok: bool, what: impl FnOnce() -> String) -> Result<(), String> {
    if ok {
        Ok(())
    } else {
        Err(what())
    }
}

/// The WebDriver client, with steps phrased as a user does them.
struct Browser {
    c: Client,
    base: String,
}

impl Browser {
    async fn open(&self, path: &str) -> Result<(), String> {
        self.c.goto(&format!("{}{path}", self.base)).await.step(format_args!("opening {path}"))
    }

    async fn url(&self) -> String {
        self.c.current_url().await.map(|u| u.to_string()).unwrap_or_else(|e| format!("unknown URL: {e}"))
    }

    /// The path and query of the current page, e.g. "/units?q=ea+kpam".
    async fn path(&self) -> Result<String, String> {
        let u = self.c.current_url().await.step("reading the URL")?;
        Ok(match u.query() {
            Some(q) => format!("{}?{q}", u.path()),
            None => u.path().to_owned(),
        })
    }

    /// Waits until the browser is at `path` (query aside) with the page loaded, redirects included.
    async fn wait_for_page(&self, path: &str) -> Result<(), String> {
        let started = Instant::now();
        loop {
            let here = self.c.current_url().await.step("reading the URL")?;
            let ready = self.c.execute("return document.readyState", vec![]).await.step("reading readyState")?;
            if here.path() == path && ready == json!("complete") {
                return Ok(());
            }
            if started.elapsed() > STEP {
                return Err(format!("expected to arrive at {path}, still at {here} ({ready}) after {STEP:?}"));
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    async fn find(&self, css: &str) -> Result<Element, String> {
        self.c.wait().at_most(STEP).for_element(Locator::Css(css)).await.step(format_args!("waiting for {css}"))
    }

    async fn is_present(&self, css: &str) -> Result<bool, String> {
        Ok(!self.c.find_all(Locator::Css(css)).await.step(format_args!("looking for {css}"))?.is_empty())
    }

    /// The rendered text of an element, as a person reads it.
    async fn text(&self, css: &str) -> Result<String, String> {
        self.find(css).await?.text().await.step(format_args!("reading the text of {css}"))
    }

    async fn value(&self, css: &str) -> Result<String, String> {
        let v = self.find(css).await?.prop("value").await.step(format_args!("reading the value of {css}"))?;
        Ok(v.unwrap_or_default())
    }

    /// Clears a field and types into it with real key events, then checks the field holds what was typed
    /// (Vietnamese letters included).
    async fn type_into(&self, css: &str, text: &str) -> Result<(), String> {
        let field = self.find(css).await?;
        field.clear().await.step(format_args!("clearing {css}"))?;
        field.send_keys(text).await.step(format_args!("typing into {css}"))?;
        let typed = self.value(css).await?;
        check(typed == text, || format!("typed {text:?} into {css} but it holds {typed:?}"))
    }

    async fn click(&self, css: &str) -> Result<(), String> {
        self.find(css).await?.click().await.step(format_args!("clicking {css}"))
    }

    /// Clicks something that loads a new page (a link, a form's button) and waits until the new page has
    /// loaded: the old document is marked first, so a re-render at the same URL counts as arriving too.
    async fn follow(&self, css: &str) -> Result<(), String> {
        self.c.execute("window.__binhyenOldPage = true", vec![]).await.step("marking the page")?;
        self.click(css).await?;
        let started = Instant::now();
        loop {
            // While the page changes, scripts can fail; that only means "not yet".
            let state = self.c.execute("return [window.__binhyenOldPage === true, document.readyState]", vec![]).await;
            if let Ok(s) = state {
                if s[0] == json!(false) && s[1] == json!("complete") {
                    return Ok(());
                }
            }
            if started.elapsed() > STEP {
                return Err(format!("clicking {css} did not load a new page within {STEP:?}"));
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    async fn expect_text(&self, css: &str, needle: &str) -> Result<(), String> {
        let text = self.text(css).await?;
        check(text.contains(needle), || format!("{css} should show {needle:?}; it shows {text:?}"))
    }

    async fn html_lang(&self) -> Result<String, String> {
        let lang = self.c.execute("return document.documentElement.lang", vec![]).await.step("reading <html lang>")?;
        Ok(lang.as_str().unwrap_or_default().to_owned())
    }

    /// A page meant for phones must not scroll sideways at 412 px.
    async fn fits_the_screen(&self) -> Result<(), String> {
        let widths = self
            .c
            .execute("return [document.documentElement.scrollWidth, window.innerWidth]", vec![])
            .await
            .step("measuring the page")?;
        let (scroll, inner) = (widths[0].as_f64().unwrap_or(0.0), widths[1].as_f64().unwrap_or(0.0));
        let here = self.path().await?;
        check(scroll <= inner, || format!("{here} is {scroll} px wide on a {inner} px screen: it scrolls sideways"))
    }

    /// Writes `test-artifacts/<name>.png` and `.html` at the workspace root; says where (or why not).
    async fn save_artefacts(&self, name: &str) -> String {
        let dir = workspace_root().join("test-artifacts");
        if let Err(e) = std::fs::create_dir_all(&dir) {
            return format!("no artefacts: cannot create {}: {e}", dir.display());
        }
        let png = dir.join(format!("{name}.png"));
        let html = dir.join(format!("{name}.html"));
        let mut notes = Vec::new();
        match self.c.screenshot().await {
            Ok(bytes) => match std::fs::write(&png, bytes) {
                Ok(()) => notes.push(format!("screenshot {}", png.display())),
                Err(e) => notes.push(format!("cannot write {}: {e}", png.display())),
            },
            Err(e) => notes.push(format!("no screenshot: {e}")),
        }
        match self.c.source().await {
            Ok(source) => match std::fs::write(&html, source) {
                Ok(()) => notes.push(format!("page source {}", html.display())),
                Err(e) => notes.push(format!("cannot write {}: {e}", html.display())),
            },
            Err(e) => notes.push(format!("no page source: {e}")),
        }
        notes.join(", ")
    }
}

fn workspace_root() -> PathBuf {
    // crates/server → the workspace.
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    root.canonicalize().unwrap_or(root)
}

/// Signs in through the form, as typed by a person.
async fn sign_in(b: &Browser, phone: &str, password: &str) -> Result<(), String> {
    b.open("/sign-in").await?;
    b.type_into("#phone", phone).await?;
    b.type_into("#password", password).await?;
    b.follow("#submit").await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_officer_signs_in_and_finds_a_unit() {
    in_browser("an_officer_signs_in_and_finds_a_unit", async |b: &Browser| {
        sign_in(b, support::EA_KPAM_COMMANDER, support::PASSWORD).await?;
        // Officers land on the unit directory.
        b.wait_for_page("/units").await?;
        b.find("#nav-account").await?;
        b.expect_text("#unit-tree", "Công an tỉnh Đắk Lắk").await?;
        b.expect_text("#unit-tree", "Công an xã Ea KPam").await?;
        b.fits_the_screen().await?;

        // Search is forgiving about case and diacritics, whichever way the name is typed.
        for typed in ["ea kpam", "Ea Kpam"] {
            b.type_into("#unit-search", typed).await?;
            b.follow("form[role=search] button[type=submit]").await?;
            b.find("#search-results").await?;
            let path = b.path().await?;
            check(path.starts_with("/units?q="), || format!("searching {typed:?} went to {path}"))?;
            b.expect_text("#search-results", "Công an xã Ea KPam").await?;
            let kept = b.value("#unit-search").await?;
            check(kept == typed, || format!("the search box should keep {typed:?}, it holds {kept:?}"))?;
            check(!b.is_present("#unit-tree").await?, || "search results and the tree are both shown".into())?;
        }

        // A result leads to the unit's page.
        b.follow("#search-results a").await?;
        b.find("#unit-name").await?;
        let path = b.path().await?;
        check(path.starts_with("/units/"), || format!("the first result led to {path}"))?;
        b.expect_text("#unit-name", "Công an xã Ea KPam").await?;
        b.fits_the_screen().await
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_up_with_a_bad_phone_number_says_so_in_vietnamese() {
    in_browser("sign_up_with_a_bad_phone_number_says_so_in_vietnamese", async |b: &Browser| {
        b.open("/sign-up").await?;
        b.fits_the_screen().await?;
        b.type_into("#phone", "12345").await?;
        b.type_into("#display_name", "Nguyễn Văn An").await?;
        b.type_into("#password", "mật khẩu dài").await?;
        b.follow("#submit").await?;

        b.find("#phone-error").await?;
        b.wait_for_page("/sign-up").await?;
        b.expect_text("#phone-error", "Số điện thoại không hợp lệ").await?;
        b.expect_text("h1", "Đăng ký").await?;
        // What was typed is kept, except the password, which is never sent back.
        let name = b.value("#display_name").await?;
        check(name == "Nguyễn Văn An", || format!("the typed name should be kept, the field holds {name:?}"))?;
        let phone = b.value("#phone").await?;
        check(phone == "12345", || format!("the typed phone should be kept, the field holds {phone:?}"))?;
        let password = b.value("#password").await?;
        check(password.is_empty(), || "the password came back in the form".into())?;
        check(!b.is_present("#nav-account").await?, || "a failed sign-up signed someone in".into())?;
        b.fits_the_screen().await
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_citizen_signs_up_signs_out_and_signs_back_in() {
    in_browser("a_citizen_signs_up_signs_out_and_signs_back_in", async |b: &Browser| {
        let (phone, name, password) = ("0912 345 678", "Nguyễn Văn An", "mật khẩu dài");
        b.open("/sign-up").await?;
        b.type_into("#phone", phone).await?;
        b.type_into("#display_name", name).await?;
        b.type_into("#password", password).await?;
        // Ea KPam merged into Cư M'gar in 2025: people type the current commune.
        b.type_into("#home_area", "Cư M'gar").await?;
        b.follow("#submit").await?;

        // Several matching areas come back as choices (the password has to be typed again).
        if b.is_present("fieldset.choices").await? {
            b.click("fieldset.choices input[type=radio]").await?;
            b.type_into("#password", password).await?;
            b.follow("#submit").await?;
        }
        b.wait_for_page("/account").await?;
        b.expect_text("#account-name", name).await?;
        b.expect_text("#nav-account", name).await?;
        b.expect_text("main", "Cư M'gar").await?;
        b.fits_the_screen().await?;

        b.follow("#sign-out").await?;
        b.wait_for_page("/").await?;
        b.find("#nav-sign-in").await?;
        check(!b.is_present("#nav-account").await?, || "still signed in after signing out".into())?;
        b.open("/account").await?;
        b.wait_for_page("/sign-in").await?;

        // The new account works with what was typed at sign-up; citizens land on their account.
        sign_in(b, phone, password).await?;
        b.wait_for_page("/account").await?;
        b.expect_text("#account-name", name).await
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn english_is_one_click_away_and_sticks() {
    in_browser("english_is_one_click_away_and_sticks", async |b: &Browser| {
        b.open("/sign-in").await?;
        check(b.html_lang().await? == "vi", || "pages should be in Vietnamese by default".into())?;
        b.expect_text("h1", "Đăng nhập").await?;

        b.follow("a.lang").await?;
        b.wait_for_page("/sign-in").await?;
        b.expect_text("h1", "Sign in").await?;
        b.expect_text("#submit", "Sign in").await?;
        check(b.html_lang().await? == "en", || "<html lang> should say en".into())?;
        b.fits_the_screen().await?;

        // The choice is remembered on the next page, reached without ?lang.
        b.follow("header nav a[href='/units']").await?;
        b.wait_for_page("/units").await?;
        b.expect_text("h1", "Unit directory").await?;
        b.expect_text("#nav-sign-in", "Sign in").await?;
        check(b.html_lang().await? == "en", || "the English choice did not stick".into())?;

        // And switching back works the same way.
        b.follow("a.lang").await?;
        b.wait_for_page("/units").await?;
        b.expect_text("h1", "Danh bạ đơn vị").await?;
        b.open("/sign-in").await?;
        b.expect_text("h1", "Đăng nhập").await
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_anonymous_tip_goes_from_the_form_to_the_officers_page() {
    in_browser("an_anonymous_tip_goes_from_the_form_to_the_officers_page", async |b: &Browser| {
        b.open("/").await?;
        b.follow("#home-send-tip").await?;
        b.wait_for_page("/tips/new").await?;
        b.fits_the_screen().await?;
        b.click("#category option[value=theft]").await?;
        b.type_into("#description", "Có người lạ bắt trộm chó ở buôn Bling, chạy về hướng Ea Tar.").await?;
        b.click("#happening_now").await?;
        b.type_into("#area", "ea kpam").await?;
        b.follow("#submit").await?;
        b.expect_text("#receipt", "Hãy ghi lại mã này").await?;
        b.fits_the_screen().await?;
        let code = b.find("#receipt").await?.attr("data-code").await.step("reading the receipt")?.unwrap_or_default();
        check(code.len() == 19, || format!("a receipt code of 16 symbols in groups of 4, not {code:?}"))?;

        b.follow("#follow-link").await?;
        b.type_into("#receipt", &code.to_lowercase()).await?;
        b.follow("#look-up").await?;
        b.expect_text("#timeline", "Bạn đã gửi tin báo").await?;
        b.expect_text("#tip-state", "Mới").await?;

        sign_in(b, support::CU_MGAR_COMMANDER, support::PASSWORD).await?;
        b.open("/inbox").await?;
        b.expect_text("#inbox li.urgent", "KHẨN").await?;
        b.follow("#inbox li.urgent a").await?;
        b.fits_the_screen().await?;
        b.follow("#step-acknowledge").await?;
        b.expect_text("#tip-state", "Đã tiếp nhận").await
    })
    .await;
}

/// Moves the app's clock to 30/06/2025, noon in Vietnam: the last day Công an xã Ea KPam answered for Ea KPam
/// (the 2025 reform merged the commune into Cư M'gar), so a tip sent for Ea KPam reaches its officers.
fn before_the_2025_reform(app: &TestApp) {
    use binhyen_core::Clock;
    let noon = time::macros::datetime!(2025-06-30 05:00 UTC);
    app.clock.advance(noon - app.clock.now());
}

/// The legacy Xã Ea KPam (code 24280, in force until 01/07/2025).
async fn ea_kpam_area(app: &TestApp) -> Result<i64, String> {
    let areas = app.core.units().areas_by_code("24280").await.map_err(|e| format!("areas of code 24280: {e}"))?;
    areas.into_iter().find(|a| a.valid_to.is_some()).map(|a| a.id).ok_or_else(|| "no legacy Ea KPam".to_owned())
}

/// An anonymous tip happening now (hence urgent) for Ea KPam, sent through the API as the app sends it.
async fn urgent_tip_for_ea_kpam(app: &TestApp) -> Result<i64, String> {
    let body = json!({
        "category": "theft",
        "description": "Hai thanh niên đi xe máy đang bắt trộm chó ở buôn Bling, chạy về hướng Ea Tar.",
        "happening_now": true,
        "area_id": ea_kpam_area(app).await?,
        "protection": "anonymous",
    });
    let (status, sent) = app.post_json("/api/v1/tips", &body, None).await;
    check(status == 201, || format!("sending the tip: {status} {sent}"))?;
    let unit = app.core.units().unit_by_code("ca-xa-ea-kpam").await.map_err(|e| format!("unit ca-xa-ea-kpam: {e}"))?;
    check(sent["priority"] == "urgent" && sent["unit_id"] == unit.id, || {
        format!("an urgent tip for Công an xã Ea KPam was expected: {sent}")
    })?;
    sent["id"].as_i64().ok_or_else(|| format!("no tip id in {sent}"))
}

impl Browser {
    /// Waits until the page's live feed is connected. A node starts following the table of live events when
    /// its first subscriber arrives; the short pause lets it find where the table ends before the test acts.
    async fn wait_for_live_feed(&self) -> Result<(), String> {
        self.find("#live[data-state=open]").await?;
        tokio::time::sleep(Duration::from_millis(300)).await;
        Ok(())
    }

    /// Marks the page, to prove later that it was not reloaded.
    async fn mark_page(&self) -> Result<(), String> {
        self.c.execute("window.__binhyenSamePage = true", vec![]).await.step("marking the page").map(|_| ())
    }

    async fn still_the_same_page(&self) -> Result<(), String> {
        let same = self.c.execute("return window.__binhyenSamePage === true", vec![]).await.step("reading the mark")?;
        check(same == json!(true), || "the page was reloaded; it should have changed in place".into())
    }

    /// Goes on duty from the inbox unless already on (urgent tips reach officers on duty).
    async fn go_on_duty(&self) -> Result<(), String> {
        self.open("/inbox").await?;
        if self.text("#duty-status").await? != "Đang trực" {
            self.follow("#duty-toggle").await?;
            self.wait_for_page("/inbox").await?;
            self.expect_text("#duty-status", "Đang trực").await?;
        }
        Ok(())
    }

    /// Polls `script` (returning `[done, what it saw]`) until done, for up to `STEP`.
    async fn wait_until(&self, what: &str, script: &str) -> Result<(), String> {
        let started = Instant::now();
        loop {
            let seen = self.c.execute(script, vec![]).await.step(format_args!("checking {what}"))?;
            if seen[0] == json!(true) {
                return Ok(());
            }
            if started.elapsed() > STEP {
                return Err(format!("{what}: not within {STEP:?}; last seen {}", seen[1]));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_urgent_tip_appears_in_the_open_inbox_without_reloading() {
    let name = "an_urgent_tip_appears_in_the_open_inbox_without_reloading";
    in_browser_with(name, TestApp::spawn(), async |b: &Browser, app: &TestApp| {
        before_the_2025_reform(app);
        sign_in(b, support::EA_KPAM_OFFICER, support::PASSWORD).await?;
        b.go_on_duty().await?;
        b.wait_for_page("/inbox").await?;
        b.wait_for_live_feed().await?;
        b.mark_page().await?;
        let title = b.c.title().await.step("reading the title")?;
        check(!title.contains("KHẨN"), || format!("no urgent tip yet, but the title says {title:?}"))?;

        let id = urgent_tip_for_ea_kpam(app).await?;
        let row = format!("tip-{id}");
        b.wait_until(
            "the new urgent tip in the list and the title",
            &format!(
                "var row = document.getElementById('{row}');
                 return [row !== null && row.classList.contains('urgent') && document.title.indexOf('(1) KHẨN – ') === 0,
                         [row && row.className, document.title]];"
            ),
        )
        .await?;
        b.still_the_same_page().await?;
        b.expect_text(&format!("#{row}"), "KHẨN").await?;
        b.expect_text(&format!("#{row}"), &format!("Tin báo số {id}")).await?;
        let class = b.find(&format!("#{row}")).await?.attr("class").await.step("reading the row's class")?;
        check(class.is_some_and(|c| c.contains("fresh")), || "the new urgent row should be highlighted".into())?;
        b.expect_text("#live-alert.urgent", "Có tin báo KHẨN mới").await?;
        b.expect_text("#live-alert-link", &format!("Tin báo số {id}")).await?;
        b.fits_the_screen().await?;

        // "Đã xem" takes the alarm down.
        b.click("#live-seen").await?;
        b.wait_until(
            "the title without the alarm",
            "return [document.title.indexOf('KHẨN') < 0 && document.getElementById('live-alert').hidden, document.title];",
        )
        .await?;

        // The tip's page follows its tip: a note written elsewhere appears in the timeline.
        b.open(&format!("/inbox/{id}")).await?;
        b.wait_for_page(&format!("/inbox/{id}")).await?;
        b.expect_text("#tip-heading", "KHẨN").await?;
        b.expect_text("#deliveries", "Chưa có tin nhắn nào").await?;
        b.wait_for_live_feed().await?;
        b.mark_page().await?;
        let commander = app.token(support::EA_KPAM_COMMANDER).await;
        let note = json!({"body": "Đã cử tổ tuần tra đến buôn Bling."});
        let (status, body) = app.post_json(&format!("/api/v1/tips/{id}/notes"), &note, Some(&commander)).await;
        check(status == 201, || format!("the commander's note: {status} {body}"))?;
        b.wait_until(
            "the note in the timeline",
            "var t = document.getElementById('timeline').textContent;
             return [t.indexOf('Đã cử tổ tuần tra đến buôn Bling.') >= 0, t];",
        )
        .await?;
        b.still_the_same_page().await?;

        // Being on duty, the officer was told in the app too.
        let mut told = false;
        let started = Instant::now();
        while !told && started.elapsed() < STEP {
            b.open("/notifications").await?;
            told = b.text("main").await?.contains(&format!("Tin báo KHẨN #{id}"));
            if !told {
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        }
        check(told, || format!("no notification of tip {id} on /notifications"))?;
        b.expect_text("#nav-notifications", "Thông báo").await?;
        b.follow("#mark-all-read").await?;
        b.wait_for_page("/notifications").await?;
        b.expect_text("#unread-count", "0 chưa đọc").await?;
        b.fits_the_screen().await
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_officer_goes_on_and_off_duty_from_the_inbox() {
    in_browser("an_officer_goes_on_and_off_duty_from_the_inbox", async |b: &Browser| {
        // The demo's commander of Ea KPam is not on duty.
        sign_in(b, support::EA_KPAM_COMMANDER, support::PASSWORD).await?;
        b.open("/inbox").await?;
        b.expect_text("#duty-status", "Không trực").await?;
        check(!b.is_present("#duty-since").await?, || "off duty, yet a start time is shown".into())?;
        b.fits_the_screen().await?;

        b.follow("#duty-toggle").await?;
        b.wait_for_page("/inbox").await?;
        b.expect_text("#duty-status", "Đang trực").await?;
        // Since when, as dd/mm/yyyy HH:MM.
        let since = b.text("#duty-since").await?;
        let shape: String = since.chars().map(|c| if c.is_ascii_digit() { 'd' } else { c }).collect();
        check(shape == "từ dd/dd/dddd dd:dd", || {
            format!("#duty-since should read \"từ dd/mm/yyyy HH:MM\": {since:?}")
        })?;

        b.follow("#duty-toggle").await?;
        b.wait_for_page("/inbox").await?;
        b.expect_text("#duty-status", "Không trực").await?;

        // Without channels configured, the account page says notifications stay in the app.
        b.open("/account").await?;
        b.expect_text("#channels-none", "Hệ thống chưa cấu hình kênh gửi tin ngoài ứng dụng").await
    })
    .await;
}

/// An SMS gateway that takes every message (a real one is faked in the channels crate's own tests).
#[derive(Default)]
struct AcceptingSms(std::sync::Mutex<Vec<String>>);

impl binhyen_channels::Channel for AcceptingSms {
    fn kind(&self) -> binhyen_channels::ChannelKind {
        binhyen_channels::ChannelKind::Sms
    }

    fn send<'a>(
        &'a self,
        m: &'a binhyen_channels::OutboundMessage,
    ) -> binhyen_channels::BoxFuture<'a, Result<binhyen_channels::Sent, binhyen_channels::DeliveryError>> {
        Box::pin(async move {
            self.0.lock().unwrap_or_else(|e| e.into_inner()).push(m.idempotency_key.clone());
            Ok(binhyen_channels::Sent { provider_id: Some("sms-1".into()) })
        })
    }
}

/// The app with an SMS channel.
async fn app_with_sms() -> TestApp {
    let mut channels = binhyen_channels::Channels::default();
    channels.set(std::sync::Arc::new(AcceptingSms::default()));
    let alerts =
        binhyen_core::alerting::AlertSettings { channels: std::sync::Arc::new(channels), ..support::test_alerts() };
    TestApp::spawn_alerting(binhyen_core::Policy::default(), alerts, binhyen_core::live::LiveSettings::default()).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_officer_adds_an_sms_number_and_sees_the_message_an_urgent_tip_sent() {
    let name = "an_officer_adds_an_sms_number_and_sees_the_message_an_urgent_tip_sent";
    in_browser_with(name, app_with_sms(), async |b: &Browser, app: &TestApp| {
        before_the_2025_reform(app);
        sign_in(b, support::EA_KPAM_OFFICER, support::PASSWORD).await?;
        b.open("/account").await?;
        b.expect_text("#channel-sms", "Tin nhắn SMS").await?;
        check(!b.is_present("#channel-email").await?, || "e-mail is not configured, yet offered".into())?;
        b.fits_the_screen().await?;

        // A wrong number is refused beside the field, in Vietnamese, with what was typed kept.
        b.type_into("#sms-address", "12345").await?;
        b.click("#sms-enabled").await?;
        b.follow("#sms-save").await?;
        b.expect_text("#sms-address-error", "Số điện thoại không hợp lệ").await?;
        let kept = b.value("#sms-address").await?;
        check(kept == "12345", || format!("the typed number should be kept, the field holds {kept:?}"))?;
        let ticked = b.find("#sms-enabled").await?.prop("checked").await.step("reading the checkbox")?;
        check(ticked.as_deref() == Some("true"), || format!("the ticked box should stay ticked: {ticked:?}"))?;

        b.type_into("#sms-address", "0912 345 678").await?;
        b.follow("#sms-save").await?;
        b.wait_for_page("/account").await?;
        b.expect_text("#sms-saved", "Đã lưu").await?;
        let number = b.value("#sms-address").await?;
        check(number.replace(' ', "") == "0912345678", || format!("the saved number reads {number:?}"))?;

        // On duty, the officer gets an SMS for an urgent tip; its page says it was sent.
        b.go_on_duty().await?;
        let id = urgent_tip_for_ea_kpam(app).await?;
        let started = Instant::now();
        loop {
            b.open(&format!("/inbox/{id}")).await?;
            let text = b.text("#deliveries").await?;
            if text.contains("Tin nhắn SMS") && text.contains("Đã gửi") {
                break;
            }
            if started.elapsed() > STEP {
                return Err(format!("the SMS of tip {id} is not shown as sent; #deliveries reads {text:?}"));
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        b.expect_text("#deliveries", "Y Tuấn Byă").await?;
        b.fits_the_screen().await
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn guides_are_suggested_while_a_question_is_typed() {
    in_browser("guides_are_suggested_while_a_question_is_typed", async |b: &Browser| {
        sign_in(b, support::CITIZEN_HDAO, support::PASSWORD).await?;
        b.open("/units/ca-xa-cu-mgar-2025/ask").await?;
        check(!b.is_present("#guide-suggestions li").await?, || "suggestions before typing".into())?;
        // Typed without tones, as on a phone without a Vietnamese keyboard.
        b.type_into("#question-body", "em bi mat can cuoc thi lam lai the nao").await?;
        b.wait_until(
            "the suggested guides",
            "const li = document.querySelector('#guide-suggestions li a'); \
             return [!!li && !document.getElementById('guide-suggestions').hidden, li ? li.textContent : null];",
        )
        .await?;
        b.expect_text("#guide-suggestions", "Cấp lại thẻ căn cước").await?;
        b.fits_the_screen().await
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_citizen_searches_without_tones_and_finds_the_words_marked() {
    in_browser("a_citizen_searches_without_tones_and_finds_the_words_marked", async |b: &Browser| {
        sign_in(b, support::CITIZEN_HDAO, support::PASSWORD).await?;
        b.follow("#nav-search").await?;
        // Typed without tones, as on a phone without a Vietnamese keyboard.
        b.type_into("#search-q", "trom cho").await?;
        b.follow("#search-submit").await?;
        b.find("#search-results li").await?;
        b.expect_text("#search-results li:first-child .result-title", "Cảnh giác trộm chó ban đêm").await?;
        b.expect_text("#search-results li:first-child .result-title mark", "trộm").await?;
        b.fits_the_screen().await?;
        b.follow("#search-results li:first-child .result-title").await?;
        let path = b.path().await?;
        check(path.starts_with("/units/ca-xa-ea-kpam"), || format!("the result led to {path}"))?;
        // Only letters and punctuation: said so in Vietnamese.
        b.open("/search?q=%3F%21").await?;
        b.expect_text("#search-error", "ít nhất một chữ hoặc một số").await
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_citizen_asks_to_join_a_group_and_writes_in_it() {
    let app = TestApp::spawn();
    in_browser_with("a_citizen_asks_to_join_a_group_and_writes_in_it", app, async |b: &Browser, app: &TestApp| {
        let commander = app.token(support::EA_KPAM_COMMANDER).await;
        let group = json!({"kind": "pawnshop", "name": "Nhóm cầm đồ xã Ea KPam"});
        let (status, group) = app.post_json("/api/v1/units/ca-xa-ea-kpam/groups", &group, Some(&commander)).await;
        check(status == 201, || format!("creating the group: {status} {group}"))?;
        let id = group["id"].as_i64().ok_or("no group id")?;
        sign_in(b, support::CITIZEN_HDAO, support::PASSWORD).await?;
        b.open("/units/ca-xa-ea-kpam").await?;
        b.follow("#unit-groups a").await?;
        b.follow("#group-join").await?;
        b.find("#group-pending").await?;
        let hdao = app.core.accounts().account_by_phone(support::CITIZEN_HDAO).await.map_err(|e| e.to_string())?.id;
        let path = format!("/api/v1/groups/{id}/members/{hdao}");
        let (status, _) = app.post_json(&path, &json!({"change": "approve"}), Some(&commander)).await;
        check(status == 204, || format!("approving: {status}"))?;
        b.open(&format!("/groups/{id}")).await?;
        b.type_into("#group-body", "Có người mang xe không giấy tờ đến cầm.").await?;
        b.follow("#group-send").await?;
        b.expect_text("#group-messages", "Có người mang xe không giấy tờ đến cầm.").await?;
        b.fits_the_screen().await
    })
    .await;
}
