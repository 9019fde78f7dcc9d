-- Officers' decisions on the triage rules' suggestions: what the rules said and what the officer decided, kept to
-- measure and improve the rules (issue 7). Never the tip's text: that stays in `tips`.
CREATE TABLE triage_decisions (
    id                 INTEGER PRIMARY KEY,
    tip_id             INTEGER NOT NULL REFERENCES tips(id),
    suggested_category TEXT NOT NULL,
    suggested_priority TEXT NOT NULL,
    category           TEXT NOT NULL,
    priority           TEXT NOT NULL,
    decided_by         INTEGER NOT NULL REFERENCES accounts(id),
    decided_at         INTEGER NOT NULL
);
CREATE INDEX triage_decisions_tip ON triage_decisions(tip_id, id);
