-- Unit pages: what a unit tells the people who follow it. The page's contact (address, hours, phone) is the
-- unit's own; the page adds a description. Posts are read at query time from the pages a person follows (fan-out
-- on read): publishing costs the same whatever the number of followers.

CREATE TABLE unit_pages (
    unit_id     INTEGER PRIMARY KEY REFERENCES units(id),
    description TEXT NOT NULL,
    updated_at  INTEGER NOT NULL
);

CREATE TABLE follows (
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    unit_id    INTEGER NOT NULL REFERENCES units(id),
    created_at INTEGER NOT NULL,
    PRIMARY KEY (account_id, unit_id)
);
CREATE INDEX follows_unit ON follows(unit_id);

-- A post is a draft until published; one published with a time in the future is scheduled (feeds show posts
-- whose time has come). `body` is the Markdown as written; `body_html` is rendered and sanitised once, on save.
CREATE TABLE posts (
    id                INTEGER PRIMARY KEY,
    unit_id           INTEGER NOT NULL REFERENCES units(id),
    kind              TEXT NOT NULL,
    title             TEXT NOT NULL,
    body              TEXT NOT NULL,
    body_html         TEXT NOT NULL,
    state             TEXT NOT NULL,
    pinned            INTEGER NOT NULL,
    published_at      INTEGER,
    author_account_id INTEGER NOT NULL REFERENCES accounts(id),
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL,
    CHECK (state IN ('draft', 'published')),
    CHECK (state <> 'published' OR published_at IS NOT NULL)
);
CREATE INDEX posts_feed ON posts(unit_id, state, published_at, id);

-- Every earlier version of an edited post.
CREATE TABLE post_revisions (
    id                INTEGER PRIMARY KEY,
    post_id           INTEGER NOT NULL REFERENCES posts(id),
    at                INTEGER NOT NULL,
    editor_account_id INTEGER NOT NULL REFERENCES accounts(id),
    title             TEXT NOT NULL,
    body              TEXT NOT NULL
);
CREATE INDEX post_revisions_post ON post_revisions(post_id, id);
