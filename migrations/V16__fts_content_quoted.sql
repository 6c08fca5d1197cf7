-- dossier schema V16: the full-text index `paragraphs_fts` declared so that Datasette finds it.
-- A public contract; documented in docs/schema.md. Same columns, tokenizer, rows and triggers.
--
-- Datasette (0.65) links a table to its full-text index only when the index's SQL reads
-- content="paragraphs" with double quotes and no spaces; V1 wrote content = 'paragraphs', so
-- Datasette offered no search box on `paragraphs`. SQLite cannot change a virtual table's
-- arguments in place: the index is dropped, declared again and rebuilt from `paragraphs`. The
-- triggers of V1 name the index, not its declaration, and keep working.

DROP TABLE paragraphs_fts;
CREATE VIRTUAL TABLE paragraphs_fts USING fts5 (
    text,
    content="paragraphs",
    content_rowid="id",
    tokenize = 'porter unicode61 remove_diacritics 2'
);
INSERT INTO paragraphs_fts (paragraphs_fts) VALUES ('rebuild');
