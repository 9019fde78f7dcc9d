-- Procedure guides, the forms library and questions (issue 6). A guide belongs to a unit; the province police's
-- guides apply province-wide. `search_folded` is the folded text searched (title, summary, documents), so that
-- "mat can cuoc" finds "mất căn cước".
CREATE TABLE guides (
    id                 INTEGER PRIMARY KEY,
    unit_id            INTEGER NOT NULL REFERENCES units(id),
    title              TEXT NOT NULL,
    summary            TEXT NOT NULL,
    documents          TEXT NOT NULL,
    fee                TEXT NOT NULL,
    processing_time    TEXT NOT NULL,
    place              TEXT NOT NULL,
    form_codes         TEXT NOT NULL,
    search_folded      TEXT NOT NULL,
    source_question_id INTEGER,
    author_account_id  INTEGER NOT NULL REFERENCES accounts(id),
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL
);
CREATE INDEX guides_unit ON guides(unit_id, id);

-- A form (its code, e.g. CT01, unique per unit) and its versions; the newest version is the one offered.
CREATE TABLE forms (
    id         INTEGER PRIMARY KEY,
    unit_id    INTEGER NOT NULL REFERENCES units(id),
    code       TEXT NOT NULL,
    title      TEXT NOT NULL,
    downloads  INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    UNIQUE (unit_id, code)
);

CREATE TABLE form_versions (
    id          INTEGER PRIMARY KEY,
    form_id     INTEGER NOT NULL REFERENCES forms(id),
    version     TEXT NOT NULL,
    object_key  TEXT NOT NULL,
    kind        TEXT NOT NULL,
    bytes       INTEGER NOT NULL,
    uploaded_by INTEGER NOT NULL REFERENCES accounts(id),
    created_at  INTEGER NOT NULL,
    UNIQUE (form_id, version)
);
CREATE INDEX form_versions_object ON form_versions(object_key);

-- A question to a unit, its thread, and the unit's canned replies.
CREATE TABLE questions (
    id                 INTEGER PRIMARY KEY,
    unit_id            INTEGER NOT NULL REFERENCES units(id),
    asker_account_id   INTEGER NOT NULL REFERENCES accounts(id),
    body               TEXT NOT NULL,
    state              TEXT NOT NULL,
    attachment_key     TEXT,
    attachment_kind    TEXT,
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL,
    CHECK (state IN ('open', 'answered', 'closed'))
);
CREATE INDEX questions_unit ON questions(unit_id, state, id);
CREATE INDEX questions_asker ON questions(asker_account_id, id);

CREATE TABLE question_messages (
    id                INTEGER PRIMARY KEY,
    question_id       INTEGER NOT NULL REFERENCES questions(id),
    from_officer      INTEGER NOT NULL,
    author_account_id INTEGER NOT NULL REFERENCES accounts(id),
    body              TEXT NOT NULL,
    at                INTEGER NOT NULL
);
CREATE INDEX question_messages_question ON question_messages(question_id, id);

CREATE TABLE canned_replies (
    id         INTEGER PRIMARY KEY,
    unit_id    INTEGER NOT NULL REFERENCES units(id),
    title      TEXT NOT NULL,
    body       TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX canned_replies_unit ON canned_replies(unit_id, id);
