//! Scratch databases: one fresh, migrated database per test, removed when the test passes and kept (with its
//! location printed) when it fails, so the rows a failing case left behind can be inspected.

use std::future::Future;

use binhyen_store::Store;

/// A migrated, empty database that belongs to one test.
pub struct Scratch {
    pub url: String,
    place: Place,
}

enum Place {
    /// Dropping the directory deletes the database file with it.
    Sqlite(tempfile::TempDir),
    #[cfg(feature = "postgres-tests")]
    Postgres { server_url: String, name: String },
}

impl Scratch {
    /// A new SQLite file in a temporary directory of its own.
    pub async fn sqlite() -> Self {
        let dir = tempfile::TempDir::new().expect("create a temporary directory");
        let url = format!("sqlite:{}", dir.path().join("binhyen.sqlite").display());
        migrate(&url).await;
        Self { url, place: Place::Sqlite(dir) }
    }

    /// A new database `binhyen_t_<random hex>` on the server named by `TEST_POSTGRES_URL`. A server that
    /// cannot be reached fails the test: skipping would let a PostgreSQL-only bug pass unnoticed.
    #[cfg(feature = "postgres-tests")]
    pub async fn postgres() -> Self {
        use sqlx::{Connection, Executor};

        // Test support, not configuration: which server the suite runs on, as scripts/test.sh and CI say.
        #[allow(clippy::disallowed_methods)]
        let server_url = std::env::var("TEST_POSTGRES_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned());
        let mut admin = sqlx::PgConnection::connect(&server_url).await.unwrap_or_else(|e| {
            panic!(
                "cannot reach PostgreSQL at {server_url}: {e}\n\
                 The postgres-tests feature runs the conformance suite on a real server. Start it with \
                 `pg_ctlcluster --skip-systemctl-redirect 15 main start`, or set TEST_POSTGRES_URL to a server \
                 where this user may CREATE DATABASE."
            )
        });
        // Random, not derived from the test name: parallel runs of the same test must not collide.
        let name = format!("binhyen_t_{:016x}", rand::random::<u64>());
        admin
            .execute(format!("CREATE DATABASE {name}").as_str())
            .await
            .unwrap_or_else(|e| panic!("CREATE DATABASE {name} on {server_url}: {e}"));
        let _ = admin.close().await;
        let url = with_database(&server_url, &name);
        migrate(&url).await;
        Self { url, place: Place::Postgres { server_url, name } }
    }

    /// Runs a case on a store opened on this database.
    pub async fn run_with_store<F, Fut>(self, case: F)
    where
        F: FnOnce(Store) -> Fut,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let store = Store::connect(&self.url).await.expect("open the scratch store");
        // Spawned so that a failing case comes back as a value: the store is closed and the database dealt
        // with before the panic continues. It also checks that the store's futures are `Send`, which the
        // web server needs.
        let outcome = tokio::spawn(case(store.clone())).await;
        store.close().await;
        self.finish(outcome).await;
    }

    /// Runs a case that opens (and reopens) the store itself from the URL.
    pub async fn run_with_url<F, Fut>(self, case: F)
    where
        F: FnOnce(String) -> Fut,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let outcome = tokio::spawn(case(self.url.clone())).await;
        self.finish(outcome).await;
    }

    async fn finish(self, outcome: Result<(), tokio::task::JoinError>) {
        match outcome {
            Ok(()) => self.remove().await,
            Err(e) => {
                eprintln!("conformance: database kept for inspection: {}", self.keep());
                match e.try_into_panic() {
                    Ok(panic) => std::panic::resume_unwind(panic),
                    Err(e) => panic!("case did not finish: {e}"),
                }
            }
        }
    }

    async fn remove(self) {
        match self.place {
            Place::Sqlite(dir) => dir.close().expect("remove the scratch directory"),
            #[cfg(feature = "postgres-tests")]
            Place::Postgres { server_url, name } => {
                use sqlx::{Connection, Executor};

                let mut admin = sqlx::PgConnection::connect(&server_url).await.expect("reconnect to drop the database");
                // FORCE: a pool connection still closing must not make the drop fail.
                admin
                    .execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str())
                    .await
                    .unwrap_or_else(|e| panic!("DROP DATABASE {name}: {e}"));
                let _ = admin.close().await;
            }
        }
    }

    /// Leaves the database in place and says where it is.
    fn keep(self) -> String {
        match self.place {
            Place::Sqlite(dir) => dir.keep().join("binhyen.sqlite").display().to_string(),
            #[cfg(feature = "postgres-tests")]
            Place::Postgres { .. } => self.url,
        }
    }
}

async fn migrate(url: &str) {
    let store = Store::connect(url).await.unwrap_or_else(|e| panic!("open {url}: {e}"));
    store.migrate().await.unwrap_or_else(|e| panic!("migrate {url}: {e}"));
    store.close().await;
}

/// The server URL with its database replaced, keeping any query parameters (sslmode and the like).
#[cfg(feature = "postgres-tests")]
fn with_database(server_url: &str, database: &str) -> String {
    let (scheme, rest) = server_url.split_once("://").expect("TEST_POSTGRES_URL must look like postgres://host/db");
    let (authority, tail) = rest.split_at(rest.find(['/', '?']).unwrap_or(rest.len()));
    let query = tail.find('?').map_or("", |i| &tail[i..]);
    format!("{scheme}://{authority}/{database}{query}")
}
