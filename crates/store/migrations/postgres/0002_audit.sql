-- The audit log: append-only and hash-chained, so an edited, deleted or reordered row is found by
-- `binhyen audit verify`. Written only through store::audit::append, inside the transaction of the change it
-- records (the entry commits or rolls back with it).
--
-- `seq` is assigned by append (last seq + 1, under a transaction-level advisory lock) rather than by an
-- identity column: a sequence is not transactional, so a rolled-back append would leave a gap, and a gap is
-- how a deleted row shows. The primary key still refuses two entries with the same seq, so a chain can never
-- fork.
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
    seq              BIGINT PRIMARY KEY,
    at               BIGINT NOT NULL,
    actor_account_id BIGINT,
    action           TEXT NOT NULL,
    subject_kind     TEXT NOT NULL,
    subject_id       BIGINT,
    detail           TEXT NOT NULL,
    prev_hash        TEXT NOT NULL,
    hash             TEXT NOT NULL
);
CREATE INDEX audit_log_subject ON audit_log(subject_kind, subject_id);

-- Append-only against mistakes in our own code. Someone with direct access to the database can drop this;
-- the hash chain is what makes that visible afterwards.
CREATE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();
