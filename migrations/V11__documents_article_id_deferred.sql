-- dossier schema V11: `documents` as before, with its `article_id` foreign key checked when the
-- transaction commits (DEFERRABLE INITIALLY DEFERRED) instead of at every statement.
-- A public contract; documented in docs/schema.md. Same columns, rows, index and meaning.
--
-- Why: an article names its first document (`articles.document_id`) and a document names its
-- article (`documents.article_id`). With both checked at once, ingest had to write the document
-- without its article, then the article, then go back and set the document's `article_id`; and
-- SQLite rewrites a whole row to change one column, here the raw input with it: 16 to 22 us per
-- article, 4% of the writer's time in SQLite. Checked at commit, the document is written once,
-- already naming the article that follows it in the same transaction. A commit that would leave
-- a document naming a missing article still fails and is rolled back, as before.
--
-- SQLite cannot change a constraint in place, so the table is rebuilt through a copy. dossier
-- runs its migrations with foreign-key enforcement off (dropping a table that other rows name
-- would otherwise fail), so the end of this file checks the three tables it touches itself.
-- No view or trigger reads `documents`.

CREATE TABLE documents_v11 (
    id          INTEGER PRIMARY KEY,
    sha256      TEXT    NOT NULL UNIQUE CHECK (length(sha256) = 64), -- lowercase hex SHA-256 of raw
    raw         TEXT    NOT NULL,   -- the input exactly as given (for JSON, the record's `text`)
    bytes       INTEGER NOT NULL,   -- length of raw in bytes
    article_id  INTEGER REFERENCES articles (id) DEFERRABLE INITIALLY DEFERRED
                                    -- the article this input's content is
);

INSERT INTO documents_v11 (id, sha256, raw, bytes, article_id)
SELECT id, sha256, raw, bytes, article_id FROM documents ORDER BY id;
DROP TABLE documents;
ALTER TABLE documents_v11 RENAME TO documents;

CREATE INDEX documents_article_id ON documents (article_id);

-- Every foreign key into or out of `documents` still holds, or the whole upgrade is rolled back:
-- the CHECK fails unless the count is zero.
CREATE TEMP TABLE v11_foreign_key_check (violations INTEGER NOT NULL CHECK (violations = 0));
INSERT INTO v11_foreign_key_check
SELECT count(*) FROM (
    SELECT * FROM pragma_foreign_key_check('documents')
    UNION ALL SELECT * FROM pragma_foreign_key_check('articles')
    UNION ALL SELECT * FROM pragma_foreign_key_check('sightings')
);
DROP TABLE v11_foreign_key_check;
