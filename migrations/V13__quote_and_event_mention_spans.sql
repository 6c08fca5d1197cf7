-- dossier schema V13: quotes and event mentions stored as spans, as mentions are since V12, and
-- read through views named `quotes` and `event_mentions` with the same columns and rows as the
-- tables they replace. A public contract; documented in docs/schema.md.
--
-- Why: `quotes.text` is the slice of its paragraph that `char_start` and `char_end` name, and
-- `event_mentions.sentence` the slice that its own offsets name; each repeated text that
-- `paragraphs` holds. On the 100k benchmark archive the two tables took 55 MiB, 44 MiB of it
-- those copies. The views compute them with the shell expression the schema documents,
-- `substr(p.text, char_start + 1, char_end - char_start)`. Ids, keys and indexes are as before.

CREATE TABLE quote_spans (
    id            INTEGER PRIMARY KEY,  -- `quotes.id`
    article_id    INTEGER NOT NULL REFERENCES articles (id),
    paragraph_id  INTEGER NOT NULL REFERENCES paragraphs (id),
    speaker_id    INTEGER NOT NULL REFERENCES entities (id),
    char_start    INTEGER NOT NULL,  -- 0-based character offsets of the quoted words in
    char_end      INTEGER NOT NULL   -- paragraphs.text, end exclusive
);

CREATE TABLE event_mention_spans (
    id            INTEGER PRIMARY KEY,  -- `event_mentions.id`
    event_id      INTEGER NOT NULL REFERENCES events (id),
    article_id    INTEGER NOT NULL REFERENCES articles (id),
    paragraph_id  INTEGER NOT NULL REFERENCES paragraphs (id),
    char_start    INTEGER NOT NULL,  -- 0-based character offsets of the sentence in
    char_end      INTEGER NOT NULL,  -- paragraphs.text, end exclusive
    date_text     TEXT    NOT NULL,  -- the date expression as written: 'Last November'
    date_anchor   TEXT    NOT NULL CHECK (date_anchor = 'absolute' OR date_anchor = 'published'),
    rule          TEXT    NOT NULL,  -- the pattern that fired (data/cameo/patterns.tsv)
    confidence    REAL    NOT NULL CHECK (confidence BETWEEN 0 AND 1)
);

-- Every stored text is the slice its offsets name, or the upgrade is rolled back (the CHECK
-- fails unless the count is zero): the views must give back exactly what the tables held.
CREATE TEMP TABLE v13_text_check (mismatches INTEGER NOT NULL CHECK (mismatches = 0));
INSERT INTO v13_text_check
SELECT count(*) FROM quotes q LEFT JOIN paragraphs p ON p.id = q.paragraph_id
WHERE substr(p.text, q.char_start + 1, q.char_end - q.char_start) IS NOT q.text;
INSERT INTO v13_text_check
SELECT count(*) FROM event_mentions em LEFT JOIN paragraphs p ON p.id = em.paragraph_id
WHERE substr(p.text, em.char_start + 1, em.char_end - em.char_start) IS NOT em.sentence;
DROP TABLE v13_text_check;

INSERT INTO quote_spans (id, article_id, paragraph_id, speaker_id, char_start, char_end)
SELECT id, article_id, paragraph_id, speaker_id, char_start, char_end FROM quotes ORDER BY id;
INSERT INTO event_mention_spans (id, event_id, article_id, paragraph_id, char_start, char_end,
                                 date_text, date_anchor, rule, confidence)
SELECT id, event_id, article_id, paragraph_id, char_start, char_end,
       date_text, date_anchor, rule, confidence
FROM event_mentions ORDER BY id;

-- The views that read the two tables (v_quotes, v_events) name them, and read the views of
-- the same names from here on.
DROP TABLE quotes;
DROP TABLE event_mentions;

CREATE INDEX quote_spans_article_id ON quote_spans (article_id);
CREATE INDEX quote_spans_speaker_id ON quote_spans (speaker_id);
CREATE INDEX event_mention_spans_event_id ON event_mention_spans (event_id, article_id);
CREATE INDEX event_mention_spans_article_id ON event_mention_spans (article_id);

CREATE VIEW quotes AS
SELECT q.id,
       q.article_id,
       q.paragraph_id,
       q.speaker_id,
       q.char_start,
       q.char_end,
       (SELECT substr(p.text, q.char_start + 1, q.char_end - q.char_start)
        FROM paragraphs p WHERE p.id = q.paragraph_id) AS text
FROM quote_spans q;

CREATE VIEW event_mentions AS
SELECT em.id,
       em.event_id,
       em.article_id,
       em.paragraph_id,
       (SELECT substr(p.text, em.char_start + 1, em.char_end - em.char_start)
        FROM paragraphs p WHERE p.id = em.paragraph_id) AS sentence,
       em.char_start,
       em.char_end,
       em.date_text,
       em.date_anchor,
       em.rule,
       em.confidence
FROM event_mention_spans em;
