-- Supporting units (issue 16): a unit alerted about an urgent tip (its urgent watch) works it beside the
-- responsible unit, without a transfer: its acknowledgement and its own outcome, one row per unit and tip.
CREATE TABLE tip_support (
    tip_id             BIGINT NOT NULL REFERENCES tips(id),
    unit_id            BIGINT NOT NULL REFERENCES units(id),
    acknowledged_at    BIGINT NOT NULL,
    acknowledged_by    BIGINT NOT NULL REFERENCES accounts(id),
    resolved_at        BIGINT,
    arrests            BIGINT,
    vehicles_seized    BIGINT,
    items_seized       BIGINT,
    property_recovered BIGINT,
    note               TEXT,
    PRIMARY KEY (tip_id, unit_id)
);
