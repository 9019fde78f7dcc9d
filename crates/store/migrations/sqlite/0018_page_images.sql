-- Photos on a unit's page, whether sent with a citizen's article or added to a post: one table where there were
-- two copies of one (post_images, article_images). An approved article's photos become its post's by setting
-- post_id on the same rows: the same ids, the same objects, nothing copied.
CREATE TABLE page_images (
    id         INTEGER PRIMARY KEY,
    post_id    INTEGER REFERENCES posts(id),
    article_id INTEGER REFERENCES articles(id),
    object_key TEXT NOT NULL,
    kind       TEXT NOT NULL,
    bytes      INTEGER NOT NULL,
    width      INTEGER,
    height     INTEGER,
    created_at INTEGER NOT NULL,
    CHECK (post_id IS NOT NULL OR article_id IS NOT NULL)
);
-- Posts' photos keep their ids: posts' texts link to them by id.
INSERT INTO page_images (id, post_id, article_id, object_key, kind, bytes, width, height, created_at)
    SELECT id, post_id, NULL, object_key, kind, bytes, width, height, created_at FROM post_images;
-- Articles' photos are only linked from pages built at each request, so they may take new ids. (The photos of
-- articles approved before this migration were copied into post_images then; both rows stay, as they were.)
INSERT INTO page_images (post_id, article_id, object_key, kind, bytes, width, height, created_at)
    SELECT NULL, article_id, object_key, kind, bytes, width, height, created_at FROM article_images ORDER BY id;
DROP TABLE post_images;
DROP TABLE article_images;
CREATE INDEX page_images_post ON page_images(post_id, id);
CREATE INDEX page_images_article ON page_images(article_id, id);
CREATE INDEX page_images_object ON page_images(object_key);
