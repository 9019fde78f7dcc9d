-- Photos a citizen sends with an article, cleaned like every upload; when the article is approved they become the
-- post's photos (the same objects) and are placed at the end of its text.
CREATE TABLE article_images (
    id         INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id),
    object_key TEXT NOT NULL,
    kind       TEXT NOT NULL,
    bytes      INTEGER NOT NULL,
    width      INTEGER,
    height     INTEGER,
    created_at INTEGER NOT NULL
);
CREATE INDEX article_images_article ON article_images(article_id, id);
