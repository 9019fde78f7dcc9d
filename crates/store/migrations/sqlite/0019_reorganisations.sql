-- Reorganisations of the unit tree (issue 16): a plan of changes (merge, dissolve, rename, re-parent) that takes
-- effect at 00:00 of its day, applied by a durable job. `plan` is the changes as JSON (domain::reorganisation);
-- `report` what applying moved (counts and the officers to reassign, ids only).
CREATE TABLE reorganisations (
    id           INTEGER PRIMARY KEY,
    effective_on TEXT NOT NULL,
    plan         TEXT NOT NULL,
    state        TEXT NOT NULL,
    report       TEXT,
    created_by   INTEGER REFERENCES accounts(id),
    created_at   INTEGER NOT NULL,
    applied_at   INTEGER,
    CHECK (state IN ('scheduled', 'applied'))
);
CREATE INDEX reorganisations_day ON reorganisations(effective_on, id);
