-- dossier schema V5: entities, their aliases, and where articles mention them.
-- A public contract; documented in docs/schema.md.

-- People, countries, organisations, places, agreements and named events.
CREATE TABLE entities (
    id       INTEGER PRIMARY KEY,
    name     TEXT NOT NULL,  -- canonical name: "South Korea", "Yoon Suk Yeol", "World Trade Organization"
    type     TEXT NOT NULL CHECK (type IN ('person', 'country', 'organization', 'location', 'agreement', 'named_event')),
    country  TEXT,           -- canonical name of the country a person or organisation belongs to; NULL for international bodies
    origin   TEXT NOT NULL CHECK (origin IN ('gazetteer', 'discovered')),
    UNIQUE (type, name)
);

-- The names an entity goes by. A metonym is a place standing for a government ("Seoul" for
-- South Korea, "the White House" for the United States).
CREATE TABLE entity_aliases (
    entity_id   INTEGER NOT NULL REFERENCES entities (id),
    alias       TEXT    NOT NULL,
    is_metonym  INTEGER NOT NULL DEFAULT 0 CHECK (is_metonym IN (0, 1)),
    origin      TEXT    NOT NULL CHECK (origin IN ('gazetteer', 'discovered')),
    PRIMARY KEY (entity_id, alias)
) WITHOUT ROWID;
CREATE INDEX entity_aliases_alias ON entity_aliases (alias);

-- Every place an article's paragraph names an entity. Offsets are 0-based character offsets
-- into paragraphs.text, end exclusive:
--   substr(p.text, m.char_start + 1, m.char_end - m.char_start) = m.surface
CREATE TABLE mentions (
    id            INTEGER PRIMARY KEY,
    entity_id     INTEGER NOT NULL REFERENCES entities (id),
    article_id    INTEGER NOT NULL REFERENCES articles (id),
    paragraph_id  INTEGER NOT NULL REFERENCES paragraphs (id),
    char_start    INTEGER NOT NULL,
    char_end      INTEGER NOT NULL,
    surface       TEXT    NOT NULL,  -- the text as written
    is_metonym    INTEGER NOT NULL DEFAULT 0 CHECK (is_metonym IN (0, 1))
);
CREATE INDEX mentions_entity_id ON mentions (entity_id, article_id);
CREATE INDEX mentions_article_id ON mentions (article_id, paragraph_id);
CREATE INDEX mentions_paragraph_id ON mentions (paragraph_id);

-- Quotations attributed to a named speaker (filled by the quote extractor).
CREATE TABLE quotes (
    id            INTEGER PRIMARY KEY,
    article_id    INTEGER NOT NULL REFERENCES articles (id),
    paragraph_id  INTEGER NOT NULL REFERENCES paragraphs (id),
    speaker_id    INTEGER NOT NULL REFERENCES entities (id),
    char_start    INTEGER NOT NULL,  -- 0-based character offsets into paragraphs.text, end exclusive
    char_end      INTEGER NOT NULL,
    text          TEXT    NOT NULL   -- the quoted words, without the quotation marks
);
CREATE INDEX quotes_article_id ON quotes (article_id);
CREATE INDEX quotes_speaker_id ON quotes (speaker_id);
