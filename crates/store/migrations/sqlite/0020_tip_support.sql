-- Supporting units (issue 16): a unit alerted about an urgent tip (its urgent watch) works it beside the
-- responsible unit, without a transfer: its acknowledgement and its own outcome, one row per unit and tip.
CREATE TABLE tip_support (
    tip_id             INTEGER NOT NULL REFERENCES tips(id),
    unit_id            INTEGER NOT NULL REFERENCES units(id),
    acknowledged_at    INTEGER NOT NULL,
    acknowledged_by    INTEGER NOT NULL REFERENCES accounts(id),
    resolved_at        INTEGER,
    arrests            INTEGER,
    vehicles_seized    INTEGER,
    items_seized       INTEGER,
    property_recovered INTEGER,
    note               TEXT,
    PRIMARY KEY (tip_id, unit_id)
);
