-- The text primary keys of 0001 (sessions.token_hash, settings.key, sign_in_failures.key) were declared without
-- NOT NULL. PostgreSQL makes every primary key column NOT NULL; SQLite does not (a documented quirk kept for
-- compatibility: only an INTEGER PRIMARY KEY is never NULL), so these accepted a NULL key here only. SQLite
-- cannot add NOT NULL to a column, so each table is rebuilt as 0001 meant it, with its rows and index. Nothing
-- references these tables. A row with a NULL key is left behind: no query can reach it (`key = $1` is never
-- true of NULL), and copying it would make this migration fail.
CREATE TABLE sessions_rebuilt (
    token_hash TEXT NOT NULL PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    kind       TEXT NOT NULL,
    stage      TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
INSERT INTO sessions_rebuilt (token_hash, account_id, kind, stage, created_at, expires_at)
    SELECT token_hash, account_id, kind, stage, created_at, expires_at FROM sessions WHERE token_hash IS NOT NULL;
DROP TABLE sessions;
ALTER TABLE sessions_rebuilt RENAME TO sessions;
CREATE INDEX sessions_account ON sessions(account_id);

CREATE TABLE settings_rebuilt (
    key   TEXT NOT NULL PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT INTO settings_rebuilt (key, value) SELECT key, value FROM settings WHERE key IS NOT NULL;
DROP TABLE settings;
ALTER TABLE settings_rebuilt RENAME TO settings;

CREATE TABLE sign_in_failures_rebuilt (
    key          TEXT NOT NULL PRIMARY KEY,
    failures     INTEGER NOT NULL,
    first_at     INTEGER NOT NULL,
    locked_until INTEGER NOT NULL
);
INSERT INTO sign_in_failures_rebuilt (key, failures, first_at, locked_until)
    SELECT key, failures, first_at, locked_until FROM sign_in_failures WHERE key IS NOT NULL;
DROP TABLE sign_in_failures;
ALTER TABLE sign_in_failures_rebuilt RENAME TO sign_in_failures;
