-- Live events, durable jobs, outbound deliveries, in-app notifications, duty and alerting policy.

-- What officers' consoles receive live (Server-Sent Events), kept for the replay window. `id` is the SSE event
-- id; rows are appended last in their transaction (after the audit chain's lock on PostgreSQL), so ids are in
-- commit order and a client resuming after id N misses nothing. Payloads carry ids, states and categories only.
-- AUTOINCREMENT: old rows are pruned, and an id must never be handed out again once the table has emptied.
CREATE TABLE live_events (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    at           INTEGER NOT NULL,
    kind         TEXT NOT NULL,
    unit_id      INTEGER,
    subject_kind TEXT NOT NULL,
    subject_id   INTEGER,
    priority     TEXT,
    payload      TEXT NOT NULL
);
CREATE INDEX live_events_at ON live_events(at);

-- Durable jobs: timers (SLA checks) and work that must happen once a transaction has committed (notifications,
-- deliveries). A job is claimed with a lease; one whose lease ran out (its node died) is claimed again.
CREATE TABLE jobs (
    id           INTEGER PRIMARY KEY,
    kind         TEXT NOT NULL,
    payload      TEXT NOT NULL,
    dedupe_key   TEXT UNIQUE,
    state        TEXT NOT NULL DEFAULT 'queued',
    run_at       INTEGER NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL,
    last_error   TEXT,
    locked_by    TEXT,
    locked_until INTEGER,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    CHECK (state IN ('queued', 'running', 'done', 'dead'))
);
CREATE INDEX jobs_due ON jobs(state, run_at);

-- One message to one recipient on one channel. `idempotency_key` travels with it, so a receiver that sees it
-- twice (a retry after a lost answer) can tell.
CREATE TABLE deliveries (
    id              INTEGER PRIMARY KEY,
    idempotency_key TEXT NOT NULL UNIQUE,
    channel         TEXT NOT NULL,
    account_id      INTEGER REFERENCES accounts(id),
    address         TEXT,
    tip_id          INTEGER REFERENCES tips(id),
    subject         TEXT NOT NULL,
    body            TEXT NOT NULL,
    link            TEXT,
    data            TEXT NOT NULL,
    state           TEXT NOT NULL,
    attempts        INTEGER NOT NULL,
    last_error      TEXT,
    provider_id     TEXT,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    CHECK (state IN ('queued', 'sent', 'retrying', 'dead'))
);
CREATE INDEX deliveries_tip ON deliveries(tip_id);

-- The in-app inbox of every account.
CREATE TABLE notifications (
    id         INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    at         INTEGER NOT NULL,
    kind       TEXT NOT NULL,
    tip_id     INTEGER REFERENCES tips(id),
    title      TEXT NOT NULL,
    body       TEXT NOT NULL,
    link       TEXT,
    read_at    INTEGER
);
CREATE INDEX notifications_account ON notifications(account_id, id);

-- Where an account wants to be reached besides the app: e-mail, SMS, Zalo.
CREATE TABLE contact_channels (
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    channel    TEXT NOT NULL,
    address    TEXT NOT NULL,
    enabled    INTEGER NOT NULL,
    PRIMARY KEY (account_id, channel)
);

-- Officers on duty now (a row per officer, since when).
CREATE TABLE duty (
    account_id INTEGER PRIMARY KEY REFERENCES accounts(id),
    since      INTEGER NOT NULL
);

-- How long a unit's tips of a priority may wait to be acknowledged; a unit without its own inherits its
-- nearest ancestor's, and the defaults apply above that.
CREATE TABLE sla_policies (
    unit_id  INTEGER NOT NULL REFERENCES units(id),
    priority TEXT NOT NULL,
    minutes  INTEGER NOT NULL,
    PRIMARY KEY (unit_id, priority)
);

-- Units whose on-duty officers are told of every urgent tip in another unit's subtree (e.g. the province's
-- mobile police watch the whole province).
CREATE TABLE urgent_watchers (
    unit_id       INTEGER NOT NULL REFERENCES units(id),
    scope_unit_id INTEGER NOT NULL REFERENCES units(id),
    PRIMARY KEY (unit_id, scope_unit_id)
);
