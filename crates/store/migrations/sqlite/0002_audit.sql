-- The audit log: append-only and hash-chained, so an edited, deleted or reordered row is found by
-- `binhyen audit verify`. Written only through store::audit::append, inside the transaction of the change it
-- records (the entry commits or rolls back with it).
--
-- `seq` is assigned by append (last seq + 1, while holding the chain) rather than by an identity column: a
-- PostgreSQL sequence is not transactional, so a rolled-back append would leave a gap, and a gap is how a
-- deleted row shows. The primary key still refuses two entries with the same seq, so a chain can never fork.
--
-- `detail` is JSON describing what changed (ids, states, counts, key ids) and NEVER personal data: no names,
-- phone numbers, addresses, tip text or tipster identity. The log is kept long and read by auditors; what
-- must be secret is sealed in its own table and referred to here by id.
--
-- `hash` is the hex SHA-256 of `prev_hash` and a length-prefixed encoding of every other column (see
-- store/src/audit.rs); `prev_hash` is the previous entry's `hash`, 64 zeros for the first.
--
-- No foreign key on `actor_account_id`: the log outlives what it mentions and must never block a deletion.

CREATE TABLE audit_log (
    seq              INTEGER PRIMARY KEY,
    at               INTEGER NOT NULL,
    actor_account_id INTEGER,
    action           TEXT NOT NULL,
    subject_kind     TEXT NOT NULL,
    subject_id       INTEGER,
    detail           TEXT NOT NULL,
    prev_hash        TEXT NOT NULL,
    hash             TEXT NOT NULL
);
CREATE INDEX audit_log_subject ON audit_log(subject_kind, subject_id);

-- Append-only against mistakes in our own code. Someone with direct access to the database can drop these;
-- the hash chain is what makes that visible afterwards.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
