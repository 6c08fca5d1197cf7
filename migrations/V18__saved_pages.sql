-- dossier schema V18: saved web pages. A public contract; documented in docs/schema.md.
--
-- A document is now plain text or an HTML page, and a page may come in any charset. The raw
-- input is still kept byte for byte:
-- - `documents.raw` is the text as given; for a page whose bytes are not UTF-8 (Windows-1251,
--   EUC-KR, Shift_JIS…), its decoding, and `raw_bytes` then holds the bytes exactly as given;
-- - `documents.sha256` is the SHA-256 of the bytes as given: coalesce(raw_bytes, CAST(raw AS BLOB));
-- - `documents.bytes` is their length.
-- Every document archived before V18 is text, stored as UTF-8: format 'text', no raw_bytes.
--
-- Articles gain what pages say about themselves: the byline, and where each metadata field
-- came from (the sidecar or JSON record, the page's Open Graph or JSON-LD markup, the text).

ALTER TABLE documents ADD COLUMN format TEXT NOT NULL DEFAULT 'text'
    CHECK (format IN ('text', 'html'));          -- how the raw input is read into paragraphs
ALTER TABLE documents ADD COLUMN encoding TEXT;  -- a page's charset (e.g. 'UTF-8', 'windows-1251');
                                                 -- NULL for text, which is always UTF-8
ALTER TABLE documents ADD COLUMN raw_bytes BLOB  -- the bytes as given when raw is their decoding
    CHECK (raw_bytes IS NULL OR format = 'html');

ALTER TABLE articles ADD COLUMN byline TEXT;            -- authors, as a page names them
ALTER TABLE articles ADD COLUMN metadata_sources TEXT   -- JSON object: field -> where it came from,
    CHECK (metadata_sources IS NULL OR json_valid(metadata_sources));
    -- e.g. {"title": "og:title", "published": "json-ld datePublished", "url": "canonical"};
    -- 'metadata' is the sidecar or JSON record, 'text' the article's own text
