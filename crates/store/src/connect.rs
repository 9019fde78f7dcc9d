//! Opening a store: the URL picks the engine. SQLite runs in WAL mode with `synchronous=FULL`, so a commit
//! that returned has reached the disk; writes go through one connection (SQLite has one writer anyway, and
//! a single writer connection never meets SQLITE_BUSY between our own transactions).

use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, ConnectOptions, Executor};

use crate::Result;

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A handle to the database: cheap to clone, safe to share.
#[derive(Clone)]
pub struct Store {
    /// Reads (and, on PostgreSQL, everything).
    pub(crate) read: AnyPool,
    /// Writes. On SQLite a pool of one connection; on PostgreSQL the same pool as `read`.
    pub(crate) write: AnyPool,
    backend: Backend,
    /// PostgreSQL: the URL, for the LISTEN connection of live events (never printed: it may hold a password).
    postgres_url: Option<std::sync::Arc<str>>,
    /// How many documents hold each search pair token, remembered a while (see `search::PairCounts`).
    pub(crate) pair_counts: std::sync::Arc<crate::search::PairCounts>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("backend", &self.backend).finish()
    }
}

impl Store {
    /// `sqlite:PATH` (created if missing) or `postgres://…`.
    pub async fn connect(url: &str) -> Result<Self> {
        sqlx::any::install_default_drivers();
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let options = AnyConnectOptions::from_str(url)?.disable_statement_logging();
            let pool = AnyPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(options)
                .await?;
            let postgres_url = Some(url.into());
            return Ok(Self {
                read: pool.clone(),
                write: pool,
                backend: Backend::Postgres,
                postgres_url,
                pair_counts: Default::default(),
            });
        }
        let path = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")).unwrap_or(url);
        let options = AnyConnectOptions::from_str(&format!("sqlite://{path}?mode=rwc"))?.disable_statement_logging();
        // No ping before handing out a connection (sqlx's default): an embedded connection cannot have been
        // dropped by a server, and each ping is one more hand-off to the connection's worker thread, which
        // costs as much as the query itself (see the intake benchmark).
        let write = AnyPoolOptions::new()
            .max_connections(1)
            .test_before_acquire(false)
            .after_connect(sqlite_pragmas)
            .connect_with(options.clone())
            .await?;
        let read = AnyPoolOptions::new()
            .max_connections(8)
            .test_before_acquire(false)
            .after_connect(sqlite_pragmas)
            .connect_with(options)
            .await?;
        Ok(Self { read, write, backend: Backend::Sqlite, postgres_url: None, pair_counts: Default::default() })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub(crate) fn url_for_listener(&self) -> Option<&str> {
        self.postgres_url.as_deref()
    }

    /// Applies the engine's forward-only migrations.
    pub async fn migrate(&self) -> Result<()> {
        let migrator = match self.backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        };
        migrator.run(&self.write).await?;
        Ok(())
    }

    /// Readiness: the store answers a query.
    pub async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.read).await?;
        Ok(())
    }

    /// SQLite: moves everything in the write-ahead log into the database file, so the file alone is a
    /// complete copy (backups, test templates). A no-op on PostgreSQL.
    pub async fn checkpoint(&self) -> Result<()> {
        if self.backend == Backend::Sqlite {
            sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(&self.write).await?;
        }
        Ok(())
    }

    pub async fn close(&self) {
        self.write.close().await;
        self.read.close().await;
    }
}

/// Run on every new SQLite connection: WAL, full fsync on commit, enforced foreign keys, waiting on locks.
fn sqlite_pragmas(
    conn: &mut sqlx::AnyConnection,
    _: sqlx::pool::PoolConnectionMetadata,
) -> futures_core::future::BoxFuture<'_, std::result::Result<(), sqlx::Error>> {
    Box::pin(async move {
        conn.execute(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; \
             PRAGMA busy_timeout = 10000;",
        )
        .await?;
        Ok(())
    })
}

/// A write transaction. Dropped without `commit`, it rolls back: a failed request leaves nothing behind.
pub struct Tx {
    inner: sqlx::Transaction<'static, sqlx::Any>,
    /// Run once the transaction has committed (never on rollback): wake-ups of what reads what it wrote.
    after_commit: Vec<Box<dyn FnOnce() + Send>>,
}

impl Store {
    pub async fn begin(&self) -> Result<Tx> {
        Ok(Tx { inner: self.write.begin().await?, after_commit: Vec::new() })
    }
}

impl Tx {
    pub async fn commit(self) -> Result<()> {
        self.inner.commit().await?;
        for hook in self.after_commit {
            hook();
        }
        Ok(())
    }

    /// Runs `hook` after a successful commit (e.g. waking the node's live-event tail or job worker).
    pub fn after_commit(&mut self, hook: impl FnOnce() + Send + 'static) {
        self.after_commit.push(Box::new(hook));
    }

    pub(crate) fn conn(&mut self) -> &mut sqlx::AnyConnection {
        &mut self.inner
    }
}
