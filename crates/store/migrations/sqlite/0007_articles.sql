-- Articles citizens submit to a page. Officers edit, approve (the article becomes a post, crediting its author
-- unless they asked not to be named) or reject it with a reason the author reads.
CREATE TABLE articles (
    id                INTEGER PRIMARY KEY,
    unit_id           INTEGER NOT NULL REFERENCES units(id),
    author_account_id INTEGER NOT NULL REFERENCES accounts(id),
    title             TEXT NOT NULL,
    body              TEXT NOT NULL,
    credit            INTEGER NOT NULL,
    state             TEXT NOT NULL,
    reason            TEXT,
    post_id           INTEGER REFERENCES posts(id),
    decided_by        INTEGER REFERENCES accounts(id),
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL,
    CHECK (state IN ('submitted', 'approved', 'rejected')),
    CHECK (state <> 'approved' OR post_id IS NOT NULL),
    CHECK (state <> 'rejected' OR reason IS NOT NULL)
);
CREATE INDEX articles_unit ON articles(unit_id, state, id);
CREATE INDEX articles_author ON articles(author_account_id, id);
