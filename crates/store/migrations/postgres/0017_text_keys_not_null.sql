-- The text primary keys of 0001 (sessions.token_hash, settings.key, sign_in_failures.key) must never be NULL.
-- PostgreSQL already refuses NULL in any primary key column, so this only says so in the same words as the
-- SQLite twin, which has to rebuild those tables (SQLite lets a non-INTEGER primary key hold NULL). On a column
-- that is already NOT NULL, SET NOT NULL changes nothing and reads no rows.
ALTER TABLE sessions ALTER COLUMN token_hash SET NOT NULL;
ALTER TABLE settings ALTER COLUMN key SET NOT NULL;
ALTER TABLE sign_in_failures ALTER COLUMN key SET NOT NULL;
