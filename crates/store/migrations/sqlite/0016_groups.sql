-- Sector groups (issue 8): groups owned by a unit (pawnshops, school security, religious dignitaries, cafés,
-- guesthouses, villages, custom), their members and messages. Members see one another by display name; a
-- member's phone is shown only when they chose to share it. Hidden messages stay (for the audit), unseen.
CREATE TABLE sector_groups (
    id          INTEGER PRIMARY KEY,
    unit_id     INTEGER NOT NULL REFERENCES units(id),
    kind        TEXT NOT NULL,
    name        TEXT NOT NULL,
    description TEXT NOT NULL,
    created_by  INTEGER NOT NULL REFERENCES accounts(id),
    created_at  INTEGER NOT NULL,
    CHECK (kind IN ('pawnshop', 'school_security', 'religious', 'cafe', 'lodging', 'village', 'custom'))
);
CREATE INDEX sector_groups_unit ON sector_groups(unit_id, id);

CREATE TABLE group_members (
    group_id    INTEGER NOT NULL REFERENCES sector_groups(id),
    account_id  INTEGER NOT NULL REFERENCES accounts(id),
    role        TEXT NOT NULL,
    state       TEXT NOT NULL,
    share_phone INTEGER NOT NULL DEFAULT 0,
    updated_at  INTEGER NOT NULL,
    PRIMARY KEY (group_id, account_id),
    CHECK (role IN ('owner', 'moderator', 'member')),
    CHECK (state IN ('invited', 'requested', 'active', 'muted', 'removed'))
);
CREATE INDEX group_members_account ON group_members(account_id, state);

CREATE TABLE group_messages (
    id                INTEGER PRIMARY KEY,
    group_id          INTEGER NOT NULL REFERENCES sector_groups(id),
    author_account_id INTEGER NOT NULL REFERENCES accounts(id),
    announcement      INTEGER NOT NULL DEFAULT 0,
    body              TEXT NOT NULL,
    pinned            INTEGER NOT NULL DEFAULT 0,
    hidden_by         INTEGER REFERENCES accounts(id),
    hidden_at         INTEGER,
    tip_id            INTEGER REFERENCES tips(id),
    -- A household cluster's message may name the household speaking.
    household_id      INTEGER REFERENCES households(id),
    -- A photo (cleaned of metadata) or a document (PDF, DOCX, XLSX) in the attachment store, and its kind.
    attachment_key    TEXT,
    attachment_kind   TEXT,
    at                INTEGER NOT NULL
);
CREATE INDEX group_messages_group ON group_messages(group_id, id);
-- The tip an officer made of a message, and back.
CREATE INDEX group_messages_tip ON group_messages(tip_id);

CREATE TABLE group_reports (
    id          INTEGER PRIMARY KEY,
    message_id  INTEGER NOT NULL REFERENCES group_messages(id),
    reporter_id INTEGER NOT NULL REFERENCES accounts(id),
    reason      TEXT NOT NULL,
    at          INTEGER NOT NULL,
    UNIQUE (message_id, reporter_id)
);
