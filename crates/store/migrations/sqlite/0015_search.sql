-- Full-text search (issue 7). `search_docs` holds what a result shows (the original title and text, for snippets)
-- and who may see it; `search_fts` indexes each document's words twice, folded ("trom cho") and exact (lowercase,
-- tone marks placed uniformly: "trộm chó"), so a query matches either way and ranks exact matches higher.
-- The words are computed in Rust (binhyen-text), not by SQLite's tokenizer, which knows neither đ nor tone
-- placement; the tokenizer only splits on the spaces we put between them.
CREATE TABLE search_docs (
    id           INTEGER PRIMARY KEY,
    kind         TEXT NOT NULL,
    ref_id       INTEGER NOT NULL,
    unit_id      INTEGER,
    officer_only INTEGER NOT NULL,
    title        TEXT NOT NULL,
    body         TEXT NOT NULL,
    at_ms        INTEGER NOT NULL,
    UNIQUE (kind, ref_id)
);

-- `*_pairs` hold each two neighbouring folded words as one token ("trom_cho"): Vietnamese words are mostly two
-- syllables, each of them common, and a pair is found in a short list where a phrase of two syllables would read
-- the positions of every document holding either.
CREATE VIRTUAL TABLE search_fts USING fts5(
    title_folded, body_folded, title_exact, body_exact, title_pairs, body_pairs,
    content = '', contentless_delete = 1, tokenize = "unicode61 remove_diacritics 0 tokenchars '_'"
);

-- How many documents hold a token: pairs held by most documents say nothing and cost most to rank by.
CREATE VIRTUAL TABLE search_vocab USING fts5vocab(search_fts, 'row');

-- What changed and must be (re)indexed. Triggers write here in the transaction that changes the source, so no
-- change is missed; the indexer (core::search::index) drains it.
CREATE TABLE search_queue (
    id     INTEGER PRIMARY KEY AUTOINCREMENT,
    kind   TEXT NOT NULL,
    ref_id INTEGER NOT NULL
);

CREATE TRIGGER search_posts_ins AFTER INSERT ON posts BEGIN
    INSERT INTO search_queue (kind, ref_id) VALUES ('post', NEW.id); END;
CREATE TRIGGER search_posts_upd AFTER UPDATE OF unit_id, title, body, state, published_at ON posts BEGIN
    INSERT INTO search_queue (kind, ref_id) VALUES ('post', NEW.id); END;
CREATE TRIGGER search_posts_del AFTER DELETE ON posts BEGIN
    INSERT INTO search_queue (kind, ref_id) VALUES ('post', OLD.id); END;

CREATE TRIGGER search_guides_ins AFTER INSERT ON guides BEGIN
    INSERT INTO search_queue (kind, ref_id) VALUES ('guide', NEW.id); END;
CREATE TRIGGER search_guides_upd AFTER UPDATE ON guides BEGIN
    INSERT INTO search_queue (kind, ref_id) VALUES ('guide', NEW.id); END;
CREATE TRIGGER search_guides_del AFTER DELETE ON guides BEGIN
    INSERT INTO search_queue (kind, ref_id) VALUES ('guide', OLD.id); END;

CREATE TRIGGER search_forms_ins AFTER INSERT ON forms BEGIN
    INSERT INTO search_queue (kind, ref_id) VALUES ('form', NEW.id); END;
CREATE TRIGGER search_forms_upd AFTER UPDATE OF unit_id, code, title ON forms BEGIN
    INSERT INTO search_queue (kind, ref_id) VALUES ('form', NEW.id); END;
CREATE TRIGGER search_forms_del AFTER DELETE ON forms BEGIN
    INSERT INTO search_queue (kind, ref_id) VALUES ('form', OLD.id); END;

CREATE TRIGGER search_units_ins AFTER INSERT ON units BEGIN
    INSERT INTO search_queue (kind, ref_id) VALUES ('unit', NEW.id); END;
CREATE TRIGGER search_units_upd AFTER UPDATE OF code, name, address, valid_to ON units BEGIN
    INSERT INTO search_queue (kind, ref_id) VALUES ('unit', NEW.id); END;
CREATE TRIGGER search_units_del AFTER DELETE ON units BEGIN
    INSERT INTO search_queue (kind, ref_id) VALUES ('unit', OLD.id); END;

CREATE TRIGGER search_areas_ins AFTER INSERT ON areas BEGIN
    INSERT INTO search_queue (kind, ref_id) VALUES ('area', NEW.id); END;
CREATE TRIGGER search_areas_upd AFTER UPDATE OF name, parent_id, valid_to ON areas BEGIN
    INSERT INTO search_queue (kind, ref_id) VALUES ('area', NEW.id); END;
CREATE TRIGGER search_areas_del AFTER DELETE ON areas BEGIN
    INSERT INTO search_queue (kind, ref_id) VALUES ('area', OLD.id); END;

CREATE TRIGGER search_tips_ins AFTER INSERT ON tips BEGIN
    INSERT INTO search_queue (kind, ref_id) VALUES ('tip', NEW.id); END;
CREATE TRIGGER search_tips_upd AFTER UPDATE OF unit_id, description ON tips BEGIN
    INSERT INTO search_queue (kind, ref_id) VALUES ('tip', NEW.id); END;
CREATE TRIGGER search_tips_del AFTER DELETE ON tips BEGIN
    INSERT INTO search_queue (kind, ref_id) VALUES ('tip', OLD.id); END;

CREATE TRIGGER search_questions_ins AFTER INSERT ON questions BEGIN
    INSERT INTO search_queue (kind, ref_id) VALUES ('question', NEW.id); END;
CREATE TRIGGER search_questions_upd AFTER UPDATE OF unit_id, body ON questions BEGIN
    INSERT INTO search_queue (kind, ref_id) VALUES ('question', NEW.id); END;
CREATE TRIGGER search_questions_del AFTER DELETE ON questions BEGIN
    INSERT INTO search_queue (kind, ref_id) VALUES ('question', OLD.id); END;
CREATE TRIGGER search_question_messages_ins AFTER INSERT ON question_messages BEGIN
    INSERT INTO search_queue (kind, ref_id) VALUES ('question', NEW.question_id); END;

-- Everything already there is indexed by the first drain.
INSERT INTO search_queue (kind, ref_id) SELECT 'unit', id FROM units;
INSERT INTO search_queue (kind, ref_id) SELECT 'area', id FROM areas;
INSERT INTO search_queue (kind, ref_id) SELECT 'post', id FROM posts;
INSERT INTO search_queue (kind, ref_id) SELECT 'guide', id FROM guides;
INSERT INTO search_queue (kind, ref_id) SELECT 'form', id FROM forms;
INSERT INTO search_queue (kind, ref_id) SELECT 'question', id FROM questions;
INSERT INTO search_queue (kind, ref_id) SELECT 'tip', id FROM tips;
