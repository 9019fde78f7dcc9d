-- Tips: what was reported, where, by whom (sealed), and everything that happened to it since.
-- Reporter identity never sits here in clear: `reporter_sealed` is AEAD-sealed JSON; `reporter_tag` is a keyed
-- hash that finds a tipster's own confidential tips; anonymous tips keep only a hash of their receipt code.

CREATE TABLE tips (
    id                  INTEGER PRIMARY KEY,
    category            TEXT NOT NULL,
    description         TEXT NOT NULL,
    occurred_at         INTEGER,
    happening_now       INTEGER NOT NULL,
    area_id             INTEGER REFERENCES areas(id),
    lat                 REAL,
    lon                 REAL,
    address             TEXT,
    protection          TEXT NOT NULL,
    reporter_account_id INTEGER REFERENCES accounts(id),
    reporter_tag        TEXT,
    reporter_sealed     TEXT,
    receipt_hash        TEXT UNIQUE,
    filed_by_account_id INTEGER REFERENCES accounts(id),
    unit_id             INTEGER NOT NULL REFERENCES units(id),
    state               TEXT NOT NULL,
    priority            TEXT NOT NULL,
    assignee_id         INTEGER REFERENCES accounts(id),
    verdict             TEXT,
    duplicate_of        INTEGER REFERENCES tips(id),
    arrests             INTEGER,
    vehicles_seized     INTEGER,
    items_seized        INTEGER,
    property_recovered  INTEGER,
    outcome_note        TEXT,
    submitted_at        INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL,
    CHECK (protection <> 'anonymous' OR (reporter_account_id IS NULL AND reporter_sealed IS NULL
                                         AND receipt_hash IS NOT NULL)),
    CHECK (protection <> 'confidential' OR reporter_account_id IS NULL)
);
CREATE INDEX tips_unit_state ON tips(unit_id, state, submitted_at);
CREATE INDEX tips_reporter ON tips(reporter_account_id);
CREATE INDEX tips_reporter_tag ON tips(reporter_tag);
CREATE INDEX tips_submitted ON tips(submitted_at);

-- The timeline: state changes, assignments, transfers, notes (officers only), messages (both ways).
CREATE TABLE tip_events (
    id                 INTEGER PRIMARY KEY,
    tip_id             INTEGER NOT NULL REFERENCES tips(id),
    at                 INTEGER NOT NULL,
    actor_account_id   INTEGER REFERENCES accounts(id),
    from_tipster       INTEGER NOT NULL,
    kind               TEXT NOT NULL,
    from_state         TEXT,
    to_state           TEXT,
    unit_id            INTEGER REFERENCES units(id),
    body               TEXT,
    visible_to_tipster INTEGER NOT NULL
);
CREATE INDEX tip_events_tip ON tip_events(tip_id, id);

CREATE TABLE tip_attachments (
    id         INTEGER PRIMARY KEY,
    tip_id     INTEGER NOT NULL REFERENCES tips(id),
    object_key TEXT NOT NULL,
    kind       TEXT NOT NULL,
    bytes      INTEGER NOT NULL,
    width      INTEGER,
    height     INTEGER,
    created_at INTEGER NOT NULL
);
CREATE INDEX tip_attachments_tip ON tip_attachments(tip_id);
CREATE INDEX tip_attachments_object ON tip_attachments(object_key);

-- Opening a confidential tipster's identity: asked with a reason, approved by a commander, then viewed.
CREATE TABLE unseal_requests (
    id           INTEGER PRIMARY KEY,
    tip_id       INTEGER NOT NULL REFERENCES tips(id),
    requested_by INTEGER NOT NULL REFERENCES accounts(id),
    reason       TEXT NOT NULL,
    requested_at INTEGER NOT NULL,
    approved_by  INTEGER REFERENCES accounts(id),
    approved_at  INTEGER
);
CREATE INDEX unseal_requests_tip ON unseal_requests(tip_id);
