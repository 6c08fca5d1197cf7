-- dossier schema V14: a document whose raw text its article's paragraphs give back exactly is
-- stored without that copy, and `documents` is a view with the same name, columns and rows as
-- the table it replaces: `documents.raw` is still every input byte for byte.
-- A public contract; documented in docs/schema.md.
--
-- Why: the raw inputs were the largest part of an archive (264 MiB of the 100k benchmark
-- archive, the size of the input itself), and most of their text is already in `paragraphs`:
-- an article's first document is its paragraphs, one a line, with blank lines between them.
-- When that holds exactly, `document_store.raw` is NULL and `raw_tail` holds the newlines after
-- the last paragraph; the view puts the text back together from `article_paragraphs` (each
-- paragraph's text after as many newlines as its first line is below the previous paragraph's
-- last). Anything else keeps its raw text as before: a later copy of an article, and every
-- document with a line the paragraphs do not give back exactly (a paragraph over several lines,
-- spaces at a line's end, tabs, CR LF line ends, text that normalization changes, a paragraph
-- first stored with other quotation marks). The writer decides, by rebuilding the text as the
-- view does; `documents.sha256` is the SHA-256 of the raw text the view gives.
--
-- The upgrade keeps every stored raw text as it is (raw_tail NULL): documents archived before
-- V14 take the shorter form at the next `dossier reprocess`, and `VACUUM` returns the space.
--
-- `document_store` is the table that `articles.document_id` and `sightings.document_id` name
-- from here on: renaming `documents` first makes SQLite rewrite their foreign keys to it.

ALTER TABLE documents RENAME TO document_store;

CREATE TABLE document_store_v14 (
    id          INTEGER PRIMARY KEY,
    sha256      TEXT    NOT NULL UNIQUE CHECK (length(sha256) = 64), -- lowercase hex SHA-256 of raw
    raw         TEXT,               -- the input exactly as given; NULL when rebuilt (see above)
    raw_tail    TEXT                -- NULL, or the newlines after the last paragraph when rebuilt
                CHECK (raw_tail IS NULL OR ltrim(raw_tail, char(10)) = ''),
    bytes       INTEGER NOT NULL,   -- length of raw in bytes
    article_id  INTEGER REFERENCES articles (id) DEFERRABLE INITIALLY DEFERRED,
                                    -- the article this input's content is
    CHECK ((raw IS NULL) = (raw_tail IS NOT NULL))
);

INSERT INTO document_store_v14 (id, sha256, raw, raw_tail, bytes, article_id)
SELECT id, sha256, raw, NULL, bytes, article_id FROM document_store ORDER BY id;
DROP TABLE document_store;
ALTER TABLE document_store_v14 RENAME TO document_store;

CREATE INDEX document_store_article_id ON document_store (article_id);

-- The text is rebuilt with plain SQL that old sqlite3 shells read too (no window function, no
-- aggregate ORDER BY): positions run 0, 1, 2... in an article, so the previous paragraph is one
-- key lookup away, and the ordered subquery is not merged into the aggregate, so group_concat
-- meets the paragraphs in position order.
CREATE VIEW documents AS
SELECT d.id,
       d.sha256,
       coalesce(d.raw, (
           SELECT group_concat(piece, '') FROM (
               SELECT replace(printf('%*s', ap.line_start - coalesce(
                          (SELECT previous.line_end FROM article_paragraphs previous
                           WHERE previous.article_id = ap.article_id
                             AND previous.position = ap.position - 1), 1), ''), ' ', char(10))
                      || p.text AS piece
               FROM article_paragraphs ap
               JOIN paragraphs p ON p.id = ap.paragraph_id
               WHERE ap.article_id = d.article_id
               ORDER BY ap.position)
       ) || d.raw_tail) AS raw,
       d.bytes,
       d.article_id
FROM document_store d;

-- Every foreign key into or out of `document_store` still holds, or the whole upgrade is rolled
-- back: the CHECK fails unless the count is zero.
CREATE TEMP TABLE v14_foreign_key_check (violations INTEGER NOT NULL CHECK (violations = 0));
INSERT INTO v14_foreign_key_check
SELECT count(*) FROM (
    SELECT * FROM pragma_foreign_key_check('document_store')
    UNION ALL SELECT * FROM pragma_foreign_key_check('articles')
    UNION ALL SELECT * FROM pragma_foreign_key_check('sightings')
);
DROP TABLE v14_foreign_key_check;
