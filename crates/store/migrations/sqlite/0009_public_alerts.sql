-- Public alerts: a unit warns everyone in an area (its sub-areas included) until the alert expires. The values
-- are CAP 1.2's. `alert_areas` is the target area's closure, expanded once when the alert is issued (its
-- sub-areas, and the pre-2025 areas that went into them), so that "is this person's home inside?" is one
-- indexed look-up in every feed read and in the fan-out to followers.
CREATE TABLE public_alerts (
    id                INTEGER PRIMARY KEY,
    unit_id           INTEGER NOT NULL REFERENCES units(id),
    area_id           INTEGER NOT NULL REFERENCES areas(id),
    category          TEXT NOT NULL,
    event             TEXT NOT NULL,
    severity          TEXT NOT NULL,
    urgency           TEXT NOT NULL,
    certainty         TEXT NOT NULL,
    headline          TEXT NOT NULL,
    description       TEXT NOT NULL,
    instruction       TEXT,
    sent_at           INTEGER NOT NULL,
    expires_at        INTEGER NOT NULL,
    cancelled_at      INTEGER,
    author_account_id INTEGER NOT NULL REFERENCES accounts(id),
    CHECK (expires_at > sent_at)
);
CREATE INDEX public_alerts_expiry ON public_alerts(expires_at);
CREATE INDEX public_alerts_sent ON public_alerts(sent_at, id);

CREATE TABLE public_alert_areas (
    area_id  INTEGER NOT NULL REFERENCES areas(id),
    alert_id INTEGER NOT NULL REFERENCES public_alerts(id),
    PRIMARY KEY (area_id, alert_id)
);
CREATE INDEX public_alert_areas_alert ON public_alert_areas(alert_id);

-- The fan-out walks a page's followers in account order, in ranges.
DROP INDEX follows_unit;
CREATE INDEX follows_unit ON follows(unit_id, account_id);
