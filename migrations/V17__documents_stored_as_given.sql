-- dossier schema V17: every document's raw text is stored as given, in the table `documents`.
-- A public contract; documented in docs/schema.md. Same columns and rows as the V14 view.
--
-- Why: V14 stored a new article's first document without its text when its paragraphs gave it
-- back, and the view `documents` rebuilt it from `article_paragraphs` and `paragraphs`. That made
-- the archive's first promise, every raw input kept byte for byte, depend on derived rows that
-- users edit in the shell and `reprocess` deletes and rewrites: `DELETE FROM article_paragraphs`
-- lost three of the five seed inputs. Space comes after losslessness.
--
-- The upgrade copies each rebuilt text into the table while the V14 view can still rebuild it,
-- then checks every document's text against its `sha256` (with `dossier_sha256`, a function
-- dossier registers while it migrates) and refuses, rolling the whole upgrade back, if one does
-- not match or cannot be rebuilt (NOT NULL).
--
-- `document_store` stays as a view with its V14 columns (`raw_tail` now always NULL), for SQL
-- written against V14 to V16. Renaming `document_store` back to `documents` makes SQLite rewrite
-- the foreign keys of `articles` and `sightings` to it, as V14's rename did the other way.

CREATE TEMP TABLE v17_rebuilt AS
SELECT id, raw FROM documents WHERE id IN (SELECT id FROM document_store WHERE raw IS NULL);

DROP VIEW documents;
ALTER TABLE document_store RENAME TO documents;

CREATE TABLE documents_v17 (
    id          INTEGER PRIMARY KEY,
    sha256      TEXT    NOT NULL UNIQUE CHECK (length(sha256) = 64), -- lowercase hex SHA-256 of raw
    raw         TEXT    NOT NULL,   -- the input exactly as given (for JSON, the record's `text`)
    bytes       INTEGER NOT NULL,   -- length of raw in bytes
    article_id  INTEGER REFERENCES articles (id) DEFERRABLE INITIALLY DEFERRED
                                    -- the article this input's content is
);

INSERT INTO documents_v17 (id, sha256, raw, bytes, article_id)
SELECT d.id, d.sha256, coalesce(d.raw, r.raw), d.bytes, d.article_id
FROM documents d LEFT JOIN temp.v17_rebuilt r ON r.id = d.id
ORDER BY d.id;
DROP TABLE temp.v17_rebuilt;

-- Every raw text hashes to its sha256, or the whole upgrade is rolled back.
CREATE TEMP TABLE v17_raw_check (
    mismatched INTEGER NOT NULL
    CONSTRAINT "a stored or rebuilt raw text does not hash to its sha256; upgrade refused"
    CHECK (mismatched = 0)
);
INSERT INTO v17_raw_check
SELECT count(*) FROM documents_v17 WHERE dossier_sha256(raw) IS NOT sha256;
DROP TABLE v17_raw_check;

DROP TABLE documents;
ALTER TABLE documents_v17 RENAME TO documents;
CREATE INDEX documents_article_id ON documents (article_id);

CREATE VIEW document_store AS
SELECT id, sha256, raw, NULL AS raw_tail, bytes, article_id FROM documents;

-- Every foreign key into or out of `documents` still holds, or the upgrade is rolled back.
CREATE TEMP TABLE v17_foreign_key_check (violations INTEGER NOT NULL CHECK (violations = 0));
INSERT INTO v17_foreign_key_check
SELECT count(*) FROM (
    SELECT * FROM pragma_foreign_key_check('documents')
    UNION ALL SELECT * FROM pragma_foreign_key_check('articles')
    UNION ALL SELECT * FROM pragma_foreign_key_check('sightings')
);
DROP TABLE v17_foreign_key_check;
