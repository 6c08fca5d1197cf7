-- dossier schema V3: how many documents each short line appears in, per outlet.
--
-- The corpus-level repetition signal of the boilerplate classifier: a short line that recurs
-- across many documents of one outlet (a site's footer, tagline or widget) is boilerplate.
-- Maintained by `dossier ingest` for every new document and recounted by `dossier reprocess`.
-- Documented in docs/schema.md.
CREATE TABLE line_counts (
    line_key   TEXT    NOT NULL,  -- the line's paragraph hash cut to 16 hex digits: substr(paragraphs.sha256, 1, 16)
    outlet     TEXT    NOT NULL,  -- the document's outlet; '' when unknown (such documents are pooled)
    documents  INTEGER NOT NULL,  -- documents that contain the line
    PRIMARY KEY (line_key, outlet)
) WITHOUT ROWID;
