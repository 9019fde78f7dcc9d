//! Throwaway PostgreSQL databases, for runs that must not touch real data (`binhyen bench --database-url`):
//! created under a random name on a server, dropped afterwards.

use sqlx::{Connection, Executor};

use crate::{Result, StoreError};

/// A database of its own on a PostgreSQL server; `drop_database` removes it.
#[derive(Debug)]
pub struct ScratchDatabase {
    server_url: String,
    name: String,
    url: String,
}

impl ScratchDatabase {
    /// Creates `binhyen_scratch_<random hex>` on the server `server_url` points at (any database of it; the
    /// user must be allowed to CREATE DATABASE).
    pub async fn create(server_url: &str) -> Result<Self> {
        sqlx::any::install_default_drivers();
        if !(server_url.starts_with("postgres://") || server_url.starts_with("postgresql://")) {
            return Err(StoreError::Corrupt("a scratch database needs a postgres:// URL".into()));
        }
        // Random, so that parallel runs never meet; only [a-z0-9_], so it needs no quoting.
        let name = format!("binhyen_scratch_{:016x}", rand::random::<u64>());
        let mut admin = sqlx::AnyConnection::connect(server_url).await?;
        admin.execute(format!("CREATE DATABASE {name}").as_str()).await?;
        let _ = admin.close().await;
        let url = with_database(server_url, &name);
        Ok(Self { server_url: server_url.to_owned(), name, url })
    }

    /// The URL of the new database (credentials included, as given: do not print it).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Drops the database, closing whatever connections to it are left.
    pub async fn drop_database(self) -> Result<()> {
        let mut admin = sqlx::AnyConnection::connect(&self.server_url).await?;
        admin.execute(format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name).as_str()).await?;
        let _ = admin.close().await;
        Ok(())
    }
}

/// The server URL with its database replaced, keeping any query parameters (sslmode and the like).
fn with_database(server_url: &str, database: &str) -> String {
    let (scheme, rest) = server_url.split_once("://").unwrap_or(("postgres", server_url));
    let (authority, tail) = rest.split_at(rest.find(['/', '?']).unwrap_or(rest.len()));
    let query = tail.find('?').map_or("", |i| &tail[i..]);
    format!("{scheme}://{authority}/{database}{query}")
}

#[cfg(test)]
mod tests {
    #[test]
    fn replaces_only_the_database() {
        use super::with_database;
        assert_eq!(with_database("postgres://u@h:5432/postgres", "x"), "postgres://u@h:5432/x");
        assert_eq!(with_database("postgres://u@h", "x"), "postgres://u@h/x");
        assert_eq!(with_database("postgresql://h/db?sslmode=disable", "x"), "postgresql://h/x?sslmode=disable");
    }
}
