-- Foundation: administrative areas, police units, accounts, sessions, settings, sign-in throttling.
-- Dates are ISO text (YYYY-MM-DD, half-open validity); instants are Unix milliseconds; flags are 0/1 integers.

CREATE TABLE areas (
    id          INTEGER PRIMARY KEY,
    edition     TEXT NOT NULL,
    level       TEXT NOT NULL,
    code        TEXT,
    kind        TEXT NOT NULL,
    name        TEXT NOT NULL,
    name_folded TEXT NOT NULL,
    parent_id   INTEGER REFERENCES areas(id),
    lat         REAL,
    lon         REAL,
    valid_from  TEXT,
    valid_to    TEXT,
    created_at  INTEGER NOT NULL
);
CREATE UNIQUE INDEX areas_edition_level_code ON areas(edition, level, code);
CREATE INDEX areas_parent ON areas(parent_id);
CREATE INDEX areas_code ON areas(code);
CREATE INDEX areas_name_folded ON areas(name_folded);

CREATE TABLE area_successors (
    area_id      INTEGER NOT NULL REFERENCES areas(id),
    successor_id INTEGER NOT NULL REFERENCES areas(id),
    is_default   INTEGER NOT NULL,
    PRIMARY KEY (area_id, successor_id)
);

CREATE TABLE units (
    id           INTEGER PRIMARY KEY,
    code         TEXT NOT NULL UNIQUE,
    kind         TEXT NOT NULL,
    name         TEXT NOT NULL,
    name_folded  TEXT NOT NULL,
    parent_id    INTEGER REFERENCES units(id),
    address      TEXT,
    phone        TEXT,
    email        TEXT,
    hours        TEXT,
    valid_from   TEXT,
    valid_to     TEXT,
    successor_id INTEGER REFERENCES units(id),
    created_at   INTEGER NOT NULL
);
CREATE INDEX units_parent ON units(parent_id);

CREATE TABLE unit_areas (
    unit_id INTEGER NOT NULL REFERENCES units(id),
    area_id INTEGER NOT NULL REFERENCES areas(id),
    PRIMARY KEY (unit_id, area_id)
);
CREATE INDEX unit_areas_area ON unit_areas(area_id);

CREATE TABLE accounts (
    id                 INTEGER PRIMARY KEY,
    kind               TEXT NOT NULL,
    phone              TEXT NOT NULL UNIQUE,
    display_name       TEXT NOT NULL,
    password_hash      TEXT NOT NULL,
    home_area_id       INTEGER REFERENCES areas(id),
    unit_id            INTEGER REFERENCES units(id),
    role               TEXT,
    business_kind      TEXT,
    overseeing_unit_id INTEGER REFERENCES units(id),
    totp_secret        TEXT,
    totp_enabled       INTEGER NOT NULL DEFAULT 0,
    created_at         INTEGER NOT NULL,
    CHECK (kind <> 'officer' OR (unit_id IS NOT NULL AND role IS NOT NULL)),
    CHECK (kind <> 'business' OR (business_kind IS NOT NULL AND overseeing_unit_id IS NOT NULL))
);
CREATE INDEX accounts_unit ON accounts(unit_id);

CREATE TABLE households (
    id              INTEGER PRIMARY KEY,
    cluster_id      INTEGER NOT NULL REFERENCES accounts(id),
    position        INTEGER NOT NULL,
    head_name       TEXT NOT NULL,
    address         TEXT NOT NULL,
    village_area_id INTEGER REFERENCES areas(id),
    UNIQUE (cluster_id, position)
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    kind       TEXT NOT NULL,
    stage      TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_account ON sessions(account_id);

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE sign_in_failures (
    key          TEXT PRIMARY KEY,
    failures     INTEGER NOT NULL,
    first_at     INTEGER NOT NULL,
    locked_until INTEGER NOT NULL
);
