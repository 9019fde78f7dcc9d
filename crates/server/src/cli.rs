//! The command line. Each subcommand is a thin call into startup, core or the bench harness.

use std::io::{BufRead, IsTerminal};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use tokio::net::TcpListener;

use binhyen_core::{Clock, KeyRing, SystemClock};

use crate::config::{Config, Overrides};
use crate::startup::{self, MissingKeys};

#[derive(Parser, Debug)]
#[command(name = "binhyen", version, about = "Bình yên: connecting the police with the people they serve")]
pub struct Cli {
    /// Configuration file (TOML). Default: ./binhyen.toml when it exists.
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Args, Debug, Default, Clone)]
struct Place {
    /// HOST:PORT to listen on (port 0 picks a free one).
    #[arg(long)]
    listen: Option<String>,
    /// Directory for the SQLite database and local files.
    #[arg(long)]
    data_dir: Option<PathBuf>,
    /// `postgres://…` or `sqlite:PATH` (default: SQLite under the data directory).
    #[arg(long)]
    database_url: Option<String>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Serve the web UI and the API.
    Serve(Place),
    /// Apply database migrations and exit.
    Migrate(Place),
    /// Build a fresh demo database (Đắk Lắk, 2020) under the data directory and serve it.
    Demo {
        #[command(flatten)]
        place: Place,
        /// Build the demo and exit without serving.
        #[arg(long)]
        no_serve: bool,
        /// Apply the 2025 reform as the operation it is: district police dissolved on 01/03/2025, communes
        /// merged on 01/07/2025, their followers, open tips, groups and services moved to the successors.
        #[arg(long)]
        reform_2025: bool,
    },
    /// Reorganise units from a plan file (TOML, or CSV `effective_on,action,unit,target`): checked whole before
    /// anything is written; applied at once when its day has come, else by the server at 00:00 of that day.
    Reorganise {
        #[command(flatten)]
        place: Place,
        /// The plan file.
        #[arg(long)]
        plan: PathBuf,
        /// Print what would move, write nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Load administrative areas from the 2025 wards CSV and the legacy→2025 mapping CSV.
    /// Load official commune/ward boundaries from a GeoJSON FeatureCollection; GPS points in tips are then
    /// placed by containment instead of by the nearest commune centre.
    ImportBoundaries {
        #[command(flatten)]
        place: Place,
        /// The GeoJSON file.
        file: PathBuf,
        /// The feature property holding the 2025 ward code.
        #[arg(long, default_value = "code")]
        code_property: String,
    },
    ImportAreas {
        #[command(flatten)]
        place: Place,
        /// Wards CSV (default: the copy built into the binary).
        #[arg(long)]
        wards: Option<PathBuf>,
        /// Legacy→2025 mapping CSV (default: the copy built into the binary).
        #[arg(long)]
        mapping: Option<PathBuf>,
    },
    /// Manage police units (the first, top-level unit of an installation is created here).
    Unit {
        #[command(subcommand)]
        action: UnitAction,
    },
    /// Manage administrator and officer accounts.
    User {
        #[command(subcommand)]
        action: UserAction,
    },
    /// Configuration commands.
    Config {
        #[command(subcommand)]
        action: ConfigAction,
    },
    /// Seal keys: make one, re-seal everything under the current one.
    Keys {
        #[command(subcommand)]
        action: KeysAction,
    },
    /// The audit log.
    Audit {
        #[command(subcommand)]
        action: AuditAction,
    },
    /// Run a benchmark scenario against the app on a temporary database.
    Bench(crate::bench::BenchArgs),
    /// Evaluate the tip triage rules on the labelled sets in the repository and print the reports as JSON, one
    /// per set: `eval` (the set the rules were written against) and `heldout` (written without reading the rules)
    /// — accuracy per category and style, urgent-tip recall and precision, the urgent tips missed.
    TriageEval,
    /// Generate a benchmark's data set into a database (for measuring outside `bench`).
    BenchData {
        #[command(subcommand)]
        action: BenchDataAction,
    },
}

#[derive(Subcommand, Debug)]
enum BenchDataAction {
    /// The `feed` benchmark's pages (under the demo's province police when present), citizens following 5
    /// pages each, and published posts over the last 90 days.
    Feed {
        /// `postgres://…` or `sqlite:PATH` (migrated first; build the demo there first for realistic pages).
        #[arg(long)]
        database_url: String,
        #[arg(long, default_value_t = 200)]
        pages: usize,
        #[arg(long, default_value_t = 1_000_000)]
        follows: usize,
        #[arg(long, default_value_t = 100_000)]
        posts: usize,
    },
    /// The `alert-publish` benchmark's citizens living in Cư M'gar and following its police's page (on the
    /// demo: build it there first).
    AlertFollowers {
        /// `postgres://…` or `sqlite:PATH` (migrated first).
        #[arg(long)]
        database_url: String,
        #[arg(long, default_value_t = 500_000)]
        followers: usize,
    },
}

#[derive(Subcommand, Debug)]
enum KeysAction {
    /// Print a new random key and a suggested id, for the [seal] configuration.
    Generate,
    /// Re-seal every sealed value under the current key, so that older keys can be removed.
    Rotate(Place),
}

#[derive(Subcommand, Debug)]
enum AuditAction {
    /// Recompute the hash chain; fail naming the first broken entry.
    Verify(Place),
}

#[derive(Subcommand, Debug)]
enum UserAction {
    /// Create an officer (any role, administrator included) in a unit.
    Create {
        #[command(flatten)]
        place: Place,
        #[arg(long)]
        phone: String,
        #[arg(long)]
        name: String,
        /// The unit's code, e.g. ca-tinh-dak-lak.
        #[arg(long)]
        unit: String,
        /// officer, commander or administrator.
        #[arg(long)]
        role: String,
        /// Read the password from the first line of standard input (otherwise one is generated and printed).
        #[arg(long)]
        password_stdin: bool,
    },
    /// Set a new password for an account (and end its sessions).
    ResetPassword {
        #[command(flatten)]
        place: Place,
        #[arg(long)]
        phone: String,
        #[arg(long)]
        password_stdin: bool,
    },
}

#[derive(Subcommand, Debug)]
enum UnitAction {
    /// Create a unit: e.g. `--code ca-tinh-dak-lak --kind province_police --name "Công an tỉnh Đắk Lắk" --area 66`.
    Create {
        #[command(flatten)]
        place: Place,
        /// Lowercase ASCII slug.
        #[arg(long)]
        code: String,
        /// province_police, district_police, commune_police, team, mobile_police, youth_union or other.
        #[arg(long)]
        kind: String,
        #[arg(long)]
        name: String,
        /// The parent unit's code; none for a top-level unit.
        #[arg(long)]
        parent: Option<String>,
        /// Official code of an area in the unit's jurisdiction (repeatable); the current edition is preferred.
        #[arg(long = "area")]
        areas: Vec<String>,
    },
}

#[derive(Subcommand, Debug)]
enum ConfigAction {
    /// Load the configuration from every layer, report errors, and print it with secrets hidden.
    Check(Place),
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn load(cli_config: Option<&PathBuf>, place: &Place) -> anyhow::Result<Config> {
    let overrides = Overrides {
        listen: place.listen.clone(),
        data_dir: place.data_dir.clone(),
        database_url: place.database_url.clone(),
    };
    Config::load(cli_config.map(PathBuf::as_path), &overrides).map_err(|e| anyhow::anyhow!("configuration: {e}"))
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let file = cli.config.as_ref();
    match cli.command {
        Command::Serve(place) => {
            let config = load(file, &place)?;
            crate::telemetry::init(&config.log);
            let keys = startup::seal_keys(&config, MissingKeys::Generate)?;
            let store = startup::open_store(config.database_url().expose()).await?;
            serve(config, store, keys).await
        }
        Command::Migrate(place) => {
            let config = load(file, &place)?;
            startup::open_store(config.database_url().expose()).await?;
            println!("Migrations applied to {}", config.database_url().redacted());
            Ok(())
        }
        Command::Demo { place, no_serve, reform_2025 } => {
            let mut config = load(file, &place)?;
            crate::telemetry::init(&config.log);
            let path = config.data_dir.join("demo.sqlite");
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
            }
            config.database_url = Some(crate::config::DatabaseUrl::new(format!("sqlite:{}", path.display())));
            let keys = startup::seal_keys(&config, MissingKeys::Generate)?;
            let store = startup::open_store(config.database_url().expose()).await?;
            // The demo's files (the stolen pump's photo, the forms) go where the server will look for them.
            let core =
                startup::core_for(&config, store.clone(), keys.clone())?.with_objects(startup::open_objects(&config)?);
            let started = std::time::Instant::now();
            let reform = if reform_2025 { binhyen_core::demo::Reform::Applied } else { Default::default() };
            let report = binhyen_core::demo::build_with(&core, reform).await.context("building the demo")?;
            println!("Demo built in {:.1} s: {}", started.elapsed().as_secs_f64(), path.display());
            print_sign_ins(&report);
            if no_serve {
                return Ok(());
            }
            serve(config, store, keys).await
        }
        Command::Reorganise { place, plan, dry_run } => {
            let config = load(file, &place)?;
            let store = startup::open_store(config.database_url().expose()).await?;
            let keys = startup::seal_keys(&config, MissingKeys::Ephemeral)?;
            let core = startup::core_for(&config, store, keys)?;
            let bytes = std::fs::read(&plan).with_context(|| format!("reading {}", plan.display()))?;
            let plans = binhyen_core::reorganise::read_plan_file(&bytes)
                .map_err(|e| anyhow::anyhow!("{}: {e}", plan.display()))?;
            for p in plans {
                let day = binhyen_domain::time_vn::format_date(p.effective_on);
                let fail = |e: binhyen_core::CoreError| anyhow::anyhow!("{day}: {e}");
                // What it moves, as of now; then, unless only asked, the plan recorded (and applied when due).
                let preview = core.units().reorganise(None, p.clone(), true).await.map_err(fail)?;
                let applied = match dry_run {
                    true => false,
                    false => match core.units().reorganise(None, p, false).await.map_err(fail)?.id {
                        Some(id) => core.units().apply_if_due(id).await.map_err(fail)?,
                        None => false,
                    },
                };
                let what = match (dry_run, applied) {
                    (true, _) => "would move",
                    (false, true) => "applied",
                    (false, false) => "scheduled",
                };
                println!("{day}: {what}: {}", serde_json::to_string_pretty(&preview.report)?);
            }
            Ok(())
        }
        Command::ImportAreas { place, wards, mapping } => {
            let config = load(file, &place)?;
            // A malformed file is explained (file, line, reason) in the log.
            crate::telemetry::init(&config.log);
            let store = startup::open_store(config.database_url().expose()).await?;
            let keys = startup::seal_keys(&config, MissingKeys::Ephemeral)?;
            let core = startup::core_for(&config, store, keys)?;
            import_areas(&core, wards, mapping).await
        }
        Command::ImportBoundaries { place, file: geojson, code_property } => {
            let config = load(file, &place)?;
            crate::telemetry::init(&config.log);
            let store = startup::open_store(config.database_url().expose()).await?;
            let keys = startup::seal_keys(&config, MissingKeys::Ephemeral)?;
            let core = startup::core_for(&config, store, keys)?;
            let bytes = std::fs::read(&geojson).with_context(|| format!("reading {}", geojson.display()))?;
            let report =
                core.units().import_boundaries(&bytes, &code_property).await.map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("Imported {} boundaries.", report.imported);
            if !report.unknown_codes.is_empty() {
                println!("No commune/ward in force has these codes: {}", report.unknown_codes.join(", "));
            }
            Ok(())
        }
        Command::User { action } => user(file, action).await,
        Command::Unit { action: UnitAction::Create { place, code, kind, name, parent, areas } } => {
            let config = load(file, &place)?;
            let store = startup::open_store(config.database_url().expose()).await?;
            let keys = startup::seal_keys(&config, MissingKeys::Ephemeral)?;
            let core = startup::core_for(&config, store, keys)?;
            let kind: binhyen_domain::UnitKind =
                kind.parse().map_err(|_| anyhow::anyhow!("--kind: unknown unit kind"))?;
            let parent_id = match parent {
                Some(p) => Some(core.units().unit_by_code(&p).await.map_err(|e| anyhow::anyhow!("--parent: {e}"))?.id),
                None => None,
            };
            let mut area_ids = Vec::new();
            for code in &areas {
                let found =
                    core.units().areas_by_code(code).await.map_err(|e| anyhow::anyhow!("--area {code}: {e}"))?;
                area_ids.extend(found.first().map(|a| a.id));
            }
            let input = binhyen_core::units::NewUnitInput {
                code,
                kind,
                name,
                parent_id,
                contact: Default::default(),
                area_ids,
            };
            let id = core.units().create_unit(None, input).await.map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("Created unit {id}");
            Ok(())
        }
        Command::Config { action: ConfigAction::Check(place) } => {
            let config = load(file, &place)?;
            // Checked here rather than at first use: a bad key should fail the check, not a later start.
            let keys = if config.seal.is_configured() {
                let ring = config.seal.key_ring().context("[seal] configuration")?;
                let ids: Vec<String> = ring
                    .key_ids()
                    .map(|id| if id == ring.current() { format!("{id} (current)") } else { id.to_string() })
                    .collect();
                ids.join(", ")
            } else {
                let file = config.seal_key_file();
                let state = if file.exists() { "exists" } else { "created by the first `serve`" };
                format!("none configured; the key file {} is used ({state})", file.display())
            };
            println!("Configuration is valid. Effective values (secrets hidden):");
            println!("{}", serde_json::to_string_pretty(&config)?);
            config.alerts.validate()?;
            config.channels.validate().map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("database: {}", config.database_url().redacted());
            println!("seal keys: {keys}");
            let on: Vec<&str> = config.channels.kinds().into_iter().map(|k| k.as_str()).collect();
            println!("channels: {}", if on.is_empty() { "none (in-app only)".to_owned() } else { on.join(", ") });
            Ok(())
        }
        Command::Keys { action: KeysAction::Generate } => {
            keys_generate();
            Ok(())
        }
        Command::Keys { action: KeysAction::Rotate(place) } => {
            let config = load(file, &place)?;
            crate::telemetry::init(&config.log);
            let keys = startup::seal_keys(&config, MissingKeys::Refuse)?;
            let store = startup::open_store(config.database_url().expose()).await?;
            keys_rotate(&startup::core_for(&config, store, keys)?).await
        }
        Command::Audit { action: AuditAction::Verify(place) } => {
            let config = load(file, &place)?;
            let store = startup::open_store(config.database_url().expose()).await?;
            // Verifying opens nothing sealed: no key needed.
            let core = startup::core_for(&config, store, KeyRing::ephemeral(&binhyen_core::OsRandom))?;
            let report = core.verify_audit().await.map_err(|e| anyhow::anyhow!("{e}"))?;
            match report.broken {
                None => {
                    println!("chain intact: {} entries (last hash {})", report.intact_entries, report.last_hash);
                    Ok(())
                }
                Some(link) => {
                    anyhow::bail!("audit chain broken: {link} ({} entries before it are intact)", report.intact_entries)
                }
            }
        }
        Command::Bench(args) => crate::bench::run(args).await,
        Command::TriageEval => {
            let reports = binhyen_core::triage::eval::reports().map_err(|e| anyhow::anyhow!("the triage sets: {e}"))?;
            println!("{}", serde_json::to_string_pretty(&reports)?);
            Ok(())
        }
        Command::BenchData { action: BenchDataAction::Feed { database_url, pages, follows, posts } } => {
            let store = startup::open_store(&database_url).await?;
            let spec = crate::bench::feed_data::FeedData { pages, follows, posts };
            let now_ms = (SystemClock.now().unix_timestamp_nanos() / 1_000_000) as i64;
            let done = crate::bench::feed_data::generate(&store, spec, now_ms).await?;
            store.close().await;
            println!(
                "{}",
                serde_json::json!({"pages": done.pages.len(), "accounts": done.accounts, "follows": done.follows,
                    "posts": done.posts, "generate_s": (done.seconds * 10.0).round() / 10.0})
            );
            Ok(())
        }
        Command::BenchData { action: BenchDataAction::AlertFollowers { database_url, followers } } => {
            let store = startup::open_store(&database_url).await?;
            let now_ms = (SystemClock.now().unix_timestamp_nanos() / 1_000_000) as i64;
            let done = crate::bench::alert_data::generate(&store, followers, now_ms).await?;
            store.close().await;
            println!(
                "{}",
                serde_json::json!({"followers": done.count, "area_id": done.area_id,
                    "generate_s": (done.seconds * 10.0).round() / 10.0})
            );
            Ok(())
        }
    }
}

fn keys_generate() {
    let random = binhyen_core::OsRandom;
    let today = binhyen_domain::time_vn::today(SystemClock.now());
    let id = binhyen_core::seal::suggested_key_id(today, &random);
    let key = binhyen_core::seal::SealKey::generate(&random).to_base64();
    println!("id:  {id}");
    println!("key: {key}");
    println!();
    println!("The key is a secret: keep it out of version control, and back it up (what is sealed with it cannot");
    println!("be read without it). To seal with it, add it to the configuration of every node and make it current,");
    println!("keeping the older keys listed until `binhyen keys rotate` has re-sealed everything:");
    println!();
    println!("[seal]\ncurrent = \"{id}\"\n\n[seal.keys]\n{id} = \"{key}\"");
    println!();
    println!("or in the environment: BINHYEN_SEAL__CURRENT={id} BINHYEN_SEAL__KEYS__{}=…", id.as_str().to_uppercase());
}

async fn keys_rotate(core: &binhyen_core::Core) -> anyhow::Result<()> {
    let ring = core.key_ring();
    let report = core.rotate_keys().await.map_err(|e| anyhow::anyhow!("{e}"))?;
    println!(
        "Re-sealed under key {}: {} values rewritten, {} already current, {} rewritten by the application meanwhile.",
        ring.current(),
        report.rewritten,
        report.already_current,
        report.changed_meanwhile
    );
    if binhyen_core::seal::SEALED_COLUMNS.is_empty() {
        println!("(No column holds sealed values yet.)");
    }
    if !report.failures.is_empty() {
        for f in report.failures.iter().take(20) {
            eprintln!("  {}.{} id {}: {}", f.table, f.column, f.id, f.error);
        }
        anyhow::bail!(
            "{} sealed values did not open and were left as they are: keep every key until they are dealt with",
            report.failures.len()
        );
    }
    let old: Vec<String> = ring.key_ids().filter(|id| *id != ring.current()).map(ToString::to_string).collect();
    if !old.is_empty() {
        println!("Every sealed value is under {}; these keys can now be removed: {}", ring.current(), old.join(", "));
    }
    Ok(())
}

async fn serve(config: Config, store: binhyen_core::Store, keys: KeyRing) -> anyhow::Result<()> {
    let core = startup::core_for(&config, store, keys)?.with_objects(startup::open_objects(&config)?);
    let core = startup::with_alerting(core, &config)?;
    let listener = TcpListener::bind(&config.listen).await.with_context(|| format!("binding {}", config.listen))?;
    let running = startup::start(core, config.web(), listener)?;
    println!("binhyen listening on {}", running.url());
    running.until_signal().await
}

fn print_sign_ins(report: &binhyen_core::demo::DemoReport) {
    println!("\nSign in at /sign-in as:");
    for s in &report.sign_ins {
        println!("  {:<55} {:<14} {}", s.who, s.phone_national, s.password);
    }
    println!("\nAn anonymous tip's receipt, for the receipt page (/receipt): {}", report.receipt);
    println!();
}

async fn import_areas(
    core: &binhyen_core::Core,
    wards: Option<PathBuf>,
    mapping: Option<PathBuf>,
) -> anyhow::Result<()> {
    use binhyen_core::import;
    let read = |p: Option<PathBuf>, embedded: &'static [u8]| -> anyhow::Result<Vec<u8>> {
        match p {
            Some(p) => std::fs::read(&p).with_context(|| format!("reading {}", p.display())),
            None => Ok(embedded.to_vec()),
        }
    };
    let wards = read(wards, import::embedded_wards_2025())?;
    let mapping = read(mapping, import::embedded_legacy_mapping())?;
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} rows ({elapsed})")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let progress = |done: u64, total: u64| {
        bar.set_length(total);
        bar.set_position(done);
    };
    let report = import::import_areas(core, wards.as_slice(), mapping.as_slice(), &progress).await?;
    bar.finish();
    println!("{report:?}");
    Ok(())
}

fn password_from(stdin: bool) -> anyhow::Result<(String, bool)> {
    if stdin {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        return Ok((line.trim_end_matches(['\r', '\n']).to_owned(), false));
    }
    if std::io::stdin().is_terminal() {
        eprintln!("(no --password-stdin: generating a password)");
    }
    let mut bytes = [0u8; 12];
    rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut bytes);
    let generated = bytes.iter().map(|b| char::from(b"abcdefghjkmnpqrstuvwxyz23456789"[(*b % 31) as usize])).collect();
    Ok((generated, true))
}

async fn user(file: Option<&PathBuf>, action: UserAction) -> anyhow::Result<()> {
    match action {
        UserAction::Create { place, phone, name, unit, role, password_stdin } => {
            let config = load(file, &place)?;
            let store = startup::open_store(config.database_url().expose()).await?;
            let keys = startup::seal_keys(&config, MissingKeys::Ephemeral)?;
            let core = startup::core_for(&config, store, keys)?;
            let role: binhyen_domain::Role =
                role.parse().map_err(|_| anyhow::anyhow!("--role: officer, commander or administrator"))?;
            let unit = core.units().unit_by_code(&unit).await.map_err(|e| anyhow::anyhow!("--unit: {e}"))?;
            let (password, generated) = password_from(password_stdin)?;
            let input = binhyen_core::accounts::NewOfficer {
                phone,
                password: password.clone(),
                display_name: name,
                unit_id: unit.id,
                role,
            };
            let id = core.accounts().create_officer(None, input).await.map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("Created {} (account {id}) in {}", role.as_str(), unit.name);
            if generated {
                println!("Password: {password}");
            }
            Ok(())
        }
        UserAction::ResetPassword { place, phone, password_stdin } => {
            let config = load(file, &place)?;
            let store = startup::open_store(config.database_url().expose()).await?;
            let keys = startup::seal_keys(&config, MissingKeys::Ephemeral)?;
            let core = startup::core_for(&config, store, keys)?;
            let account =
                core.accounts().account_by_phone(&phone).await.map_err(|e| anyhow::anyhow!("--phone: {e}"))?;
            let (password, generated) = password_from(password_stdin)?;
            core.accounts().reset_password(None, account.id, &password).await.map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("Password changed; every session of the account was ended.");
            if generated {
                println!("Password: {password}");
            }
            Ok(())
        }
    }
}
