-- Appointments at a unit's counter (issue 6): services with their weekly hours, slot length, capacity per slot
-- and cut-off; the days a unit is closed; bookings; and one row per booked slot counting its seats.
--
-- Capacity is enforced by `appointment_slots`: a booking takes a seat with
-- `UPDATE … SET booked = booked + 1 WHERE … AND booked < capacity` inside its transaction and goes on only if
-- a row changed. On PostgreSQL (READ COMMITTED) concurrent bookings of one slot queue on that row's lock and
-- each re-checks `booked < capacity` against the committed count; on SQLite the one writer serialises them.
CREATE TABLE appointment_services (
    id             INTEGER PRIMARY KEY,
    unit_id        INTEGER NOT NULL REFERENCES units(id),
    name           TEXT NOT NULL,
    -- What to bring, fees: shown when booking.
    description    TEXT,
    slot_minutes   INTEGER NOT NULL,
    capacity       INTEGER NOT NULL,
    -- The holder may cancel or move a booking until this many minutes before it starts.
    cutoff_minutes INTEGER NOT NULL,
    active         INTEGER NOT NULL,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    CHECK (slot_minutes > 0 AND capacity > 0 AND cutoff_minutes >= 0)
);
CREATE UNIQUE INDEX appointment_services_name ON appointment_services(unit_id, name);

-- Opening ranges per ISO weekday (1 = Monday), minutes from midnight in Vietnam time, half-open.
CREATE TABLE appointment_hours (
    service_id   INTEGER NOT NULL REFERENCES appointment_services(id),
    weekday      INTEGER NOT NULL,
    start_minute INTEGER NOT NULL,
    end_minute   INTEGER NOT NULL,
    PRIMARY KEY (service_id, weekday, start_minute),
    CHECK (weekday BETWEEN 1 AND 7 AND start_minute >= 0 AND end_minute <= 1440 AND start_minute < end_minute)
);

-- Days a unit is closed (public holidays, …), as ISO text in Vietnam time.
CREATE TABLE appointment_closures (
    id         INTEGER PRIMARY KEY,
    unit_id    INTEGER NOT NULL REFERENCES units(id),
    day        TEXT NOT NULL,
    reason     TEXT NOT NULL,
    created_by INTEGER NOT NULL REFERENCES accounts(id),
    created_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX appointment_closures_day ON appointment_closures(unit_id, day);

-- Seats taken per slot, never above the capacity in force when each was taken (see above).
CREATE TABLE appointment_slots (
    service_id INTEGER NOT NULL REFERENCES appointment_services(id),
    starts_at  INTEGER NOT NULL,
    booked     INTEGER NOT NULL,
    PRIMARY KEY (service_id, starts_at),
    CHECK (booked >= 0)
);

-- A booking. The holder is a signed-in account (`account_id`) or a walk-in whose name and phone an officer wrote
-- down, kept only sealed (`holder_sealed`). `holder_key` names the person for the one-booking-per-service-and-day
-- rule: "account:<id>", or "phone:<keyed tag of the number>". The confirmation code is kept as its SHA-256 (for
-- look-ups) and sealed (to show it to its holder again); neither reveals it from a copy of the database.
CREATE TABLE appointments (
    id                   INTEGER PRIMARY KEY,
    service_id           INTEGER NOT NULL REFERENCES appointment_services(id),
    unit_id              INTEGER NOT NULL REFERENCES units(id),
    day                  TEXT NOT NULL,
    starts_at            INTEGER NOT NULL,
    ends_at              INTEGER NOT NULL,
    state                TEXT NOT NULL,
    account_id           INTEGER REFERENCES accounts(id),
    holder_key           TEXT NOT NULL,
    holder_sealed        TEXT,
    code_hash            TEXT NOT NULL UNIQUE,
    code_sealed          TEXT,
    booked_by_account_id INTEGER REFERENCES accounts(id),
    -- The calendar file's SEQUENCE: one more at every move or cancellation.
    sequence             INTEGER NOT NULL,
    created_at           INTEGER NOT NULL,
    updated_at           INTEGER NOT NULL,
    CHECK (state IN ('booked', 'checked_in', 'no_show', 'cancelled')),
    CHECK (account_id IS NOT NULL OR booked_by_account_id IS NOT NULL),
    CHECK (ends_at > starts_at)
);
CREATE UNIQUE INDEX appointments_one_per_day ON appointments(service_id, day, holder_key) WHERE state = 'booked';
CREATE INDEX appointments_unit_day ON appointments(unit_id, day, starts_at);
CREATE INDEX appointments_account ON appointments(account_id, starts_at);
