-- Full-text search (issue 7). `search_docs` holds what a result shows (the original title and text, for snippets),
-- who may see it, and `tsv`: each document's words twice, folded ("trom cho") and exact (lowercase, tone marks
-- placed uniformly: "trộm chó", written "=trộm" so an exact word never meets a folded one), weighted A exact
-- title, B folded title, C exact text, D folded text. The vector is written by the store from words computed in
-- Rust (binhyen-text), never by to_tsvector, whose parser depends on the server's locale and knows neither đ
-- nor tone placement.
CREATE TABLE search_docs (
    id           BIGINT PRIMARY KEY,
    kind         TEXT NOT NULL,
    ref_id       BIGINT NOT NULL,
    unit_id      BIGINT,
    officer_only INTEGER NOT NULL,
    title        TEXT NOT NULL,
    body         TEXT NOT NULL,
    at_ms        BIGINT NOT NULL,
    tsv          TSVECTOR NOT NULL,
    UNIQUE (kind, ref_id)
);
CREATE INDEX search_docs_tsv ON search_docs USING GIN (tsv);

-- What changed and must be (re)indexed. Triggers write here in the transaction that changes the source, so no
-- change is missed; the indexer (core::search::index) drains it.
CREATE TABLE search_queue (
    id     BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind   TEXT NOT NULL,
    ref_id BIGINT NOT NULL
);

CREATE FUNCTION search_enqueue() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        INSERT INTO search_queue (kind, ref_id) VALUES (TG_ARGV[0], OLD.id);
    ELSE
        INSERT INTO search_queue (kind, ref_id) VALUES (TG_ARGV[0], NEW.id);
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION search_enqueue_question_message() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO search_queue (kind, ref_id) VALUES ('question', NEW.question_id);
    RETURN NULL;
END $$;

CREATE TRIGGER search_posts AFTER INSERT OR DELETE OR UPDATE OF unit_id, title, body, state, published_at ON posts
    FOR EACH ROW EXECUTE FUNCTION search_enqueue('post');
CREATE TRIGGER search_guides AFTER INSERT OR DELETE OR UPDATE ON guides
    FOR EACH ROW EXECUTE FUNCTION search_enqueue('guide');
CREATE TRIGGER search_forms AFTER INSERT OR DELETE OR UPDATE OF unit_id, code, title ON forms
    FOR EACH ROW EXECUTE FUNCTION search_enqueue('form');
CREATE TRIGGER search_units AFTER INSERT OR DELETE OR UPDATE OF code, name, address, valid_to ON units
    FOR EACH ROW EXECUTE FUNCTION search_enqueue('unit');
CREATE TRIGGER search_areas AFTER INSERT OR DELETE OR UPDATE OF name, parent_id, valid_to ON areas
    FOR EACH ROW EXECUTE FUNCTION search_enqueue('area');
CREATE TRIGGER search_tips AFTER INSERT OR DELETE OR UPDATE OF unit_id, description ON tips
    FOR EACH ROW EXECUTE FUNCTION search_enqueue('tip');
CREATE TRIGGER search_questions AFTER INSERT OR DELETE OR UPDATE OF unit_id, body ON questions
    FOR EACH ROW EXECUTE FUNCTION search_enqueue('question');
CREATE TRIGGER search_question_messages AFTER INSERT ON question_messages
    FOR EACH ROW EXECUTE FUNCTION search_enqueue_question_message();

-- Everything already there is indexed by the first drain.
INSERT INTO search_queue (kind, ref_id) SELECT 'unit', id FROM units;
INSERT INTO search_queue (kind, ref_id) SELECT 'area', id FROM areas;
INSERT INTO search_queue (kind, ref_id) SELECT 'post', id FROM posts;
INSERT INTO search_queue (kind, ref_id) SELECT 'guide', id FROM guides;
INSERT INTO search_queue (kind, ref_id) SELECT 'form', id FROM forms;
INSERT INTO search_queue (kind, ref_id) SELECT 'question', id FROM questions;
INSERT INTO search_queue (kind, ref_id) SELECT 'tip', id FROM tips;
