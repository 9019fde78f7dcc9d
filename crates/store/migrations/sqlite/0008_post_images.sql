-- Photos in posts: cleaned of metadata, kept in the attachment store under their hash, and placed in the text
-- by the author (Markdown `![](url)`), so feeds need no join to show them.
CREATE TABLE post_images (
    id         INTEGER PRIMARY KEY,
    post_id    INTEGER NOT NULL REFERENCES posts(id),
    object_key TEXT NOT NULL,
    kind       TEXT NOT NULL,
    bytes      INTEGER NOT NULL,
    width      INTEGER,
    height     INTEGER,
    created_at INTEGER NOT NULL
);
CREATE INDEX post_images_post ON post_images(post_id, id);
CREATE INDEX post_images_object ON post_images(object_key);
