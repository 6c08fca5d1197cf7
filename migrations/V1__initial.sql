-- dossier schema V1: the archive of raw inputs, articles and paragraphs.

-- dossier's own file marker ("DOSS"): tools and dossier itself recognise the archive by it.
PRAGMA application_id = 1146049363;
--
-- This schema is a public interface: people query it from the sqlite3 shell and Datasette.
-- Every table and column below is documented in docs/schema.md. Never edit this file once
-- released; change the schema with a new V{n}__name.sql migration.
-- Only SQL that SQLite 3.40 understands is used here.

-- One row per `dossier ingest` (or `reprocess`) run: the run log.
CREATE TABLE imports (
    id               INTEGER PRIMARY KEY,
    command          TEXT    NOT NULL DEFAULT 'ingest', -- 'ingest' or 'reprocess'
    started_at       TEXT    NOT NULL,                  -- UTC, ISO 8601 (YYYY-MM-DDTHH:MM:SS.SSSZ)
    finished_at      TEXT,                              -- NULL while running, or if the run was killed
    dossier_version  TEXT    NOT NULL,                  -- version of the binary that ran
    inputs           INTEGER NOT NULL DEFAULT 0,        -- inputs read (files, JSON records, stdin)
    documents_new    INTEGER NOT NULL DEFAULT 0,        -- raw inputs never seen before
    articles_new     INTEGER NOT NULL DEFAULT 0,        -- distinct contents never seen before
    paragraphs_new   INTEGER NOT NULL DEFAULT 0,        -- paragraphs never seen before
    duplicates       INTEGER NOT NULL DEFAULT 0,        -- inputs whose content was already archived
    failed           INTEGER NOT NULL DEFAULT 0         -- inputs refused with an error
);

-- One row per distinct raw input, byte for byte. CAST(raw AS BLOB) hashes back to sha256.
CREATE TABLE documents (
    id          INTEGER PRIMARY KEY,
    sha256      TEXT    NOT NULL UNIQUE CHECK (length(sha256) = 64), -- lowercase hex SHA-256 of raw
    raw         TEXT    NOT NULL,   -- the input exactly as given (for JSON, the record's `text`)
    bytes       INTEGER NOT NULL,   -- length of raw in bytes
    article_id  INTEGER REFERENCES articles (id) -- the article this input's content is
);
CREATE INDEX documents_article_id ON documents (article_id);

-- Every time an input was seen, with the metadata that came with it.
CREATE TABLE sightings (
    id           INTEGER PRIMARY KEY,
    document_id  INTEGER NOT NULL REFERENCES documents (id),
    import_id    INTEGER NOT NULL REFERENCES imports (id),
    path         TEXT    NOT NULL,  -- file path as given on the command line, '-' for stdin
    line         INTEGER,           -- JSON Lines: 1-based line; JSON array: 1-based record; else NULL
    external_id  TEXT,              -- the record's `id` field (JSON input), if any
    url          TEXT,
    outlet       TEXT,
    title        TEXT,
    published    TEXT,              -- YYYY, YYYY-MM or YYYY-MM-DD, as the metadata gave it
    seen_at      TEXT    NOT NULL   -- UTC, ISO 8601
);
CREATE INDEX sightings_document_id ON sightings (document_id);
CREATE INDEX sightings_import_id ON sightings (import_id);

-- One row per distinct content: documents that differ only in boilerplate, line endings,
-- spacing, Unicode form or quote style are one article.
CREATE TABLE articles (
    id                INTEGER PRIMARY KEY,
    sha256            TEXT    NOT NULL UNIQUE CHECK (length(sha256) = 64), -- over normalized content paragraphs
    document_id       INTEGER NOT NULL REFERENCES documents (id), -- first document with this content;
                                                                  -- line numbers refer to its raw text
    title             TEXT,
    url               TEXT,
    outlet            TEXT,
    published         TEXT,     -- YYYY, YYYY-MM or YYYY-MM-DD
    published_source  TEXT CHECK (published_source IN ('metadata', 'text')), -- NULL when unknown
    words             INTEGER NOT NULL  -- words in content paragraphs
);
CREATE INDEX articles_published ON articles (published);
CREATE INDEX articles_outlet ON articles (outlet);

-- Content-addressed paragraphs: a paragraph repeated across articles is stored once.
CREATE TABLE paragraphs (
    id      INTEGER PRIMARY KEY,
    sha256  TEXT    NOT NULL UNIQUE CHECK (length(sha256) = 64), -- over the normalized text
    text    TEXT    NOT NULL,  -- NFKC, whitespace folded; as first seen
    words   INTEGER NOT NULL
);

-- The articles in order. Every non-blank line of the article's document belongs to exactly
-- one row: boilerplate is labelled, never deleted.
CREATE TABLE article_paragraphs (
    article_id    INTEGER NOT NULL REFERENCES articles (id),
    position      INTEGER NOT NULL,  -- 0-based order in the article
    paragraph_id  INTEGER NOT NULL REFERENCES paragraphs (id),
    role          TEXT    NOT NULL CHECK (role IN ('title', 'content', 'boilerplate')),
    rule          TEXT    NOT NULL,  -- why the classifier chose the role
    line_start    INTEGER NOT NULL,  -- 1-based first line in the document's raw text
    line_end      INTEGER NOT NULL,  -- 1-based last line, inclusive
    PRIMARY KEY (article_id, position)
) WITHOUT ROWID;
CREATE INDEX article_paragraphs_paragraph_id ON article_paragraphs (paragraph_id);

-- Full-text index over paragraphs.text (external content). dossier indexes the paragraphs a
-- batch adds with one INSERT ... SELECT before each commit, in the same transaction: an insert
-- trigger would make every paragraph insert a statement savepoint, and FTS5 flushes its pending
-- index at each one (measured: a quarter of ingest time). The triggers below keep deletes and
-- updates in sync. After writing paragraphs by hand, run:
--   INSERT INTO paragraphs_fts (paragraphs_fts) VALUES ('rebuild');
-- Example: SELECT rowid, snippet(paragraphs_fts, 0, '[', ']', '…', 12) FROM paragraphs_fts
--          WHERE paragraphs_fts MATCH 'Kishida' ORDER BY rank;
CREATE VIRTUAL TABLE paragraphs_fts USING fts5 (
    text,
    content = 'paragraphs',
    content_rowid = 'id',
    tokenize = 'porter unicode61 remove_diacritics 2'
);
CREATE TRIGGER paragraphs_ad AFTER DELETE ON paragraphs BEGIN
    INSERT INTO paragraphs_fts (paragraphs_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;
CREATE TRIGGER paragraphs_au AFTER UPDATE ON paragraphs BEGIN
    INSERT INTO paragraphs_fts (paragraphs_fts, rowid, text) VALUES ('delete', old.id, old.text);
    INSERT INTO paragraphs_fts (rowid, text) VALUES (new.id, new.text);
END;
