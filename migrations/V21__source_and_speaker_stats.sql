-- dossier schema V21: two summary tables that ingest keeps current, per outlet and per speaker,
-- so `sources`, `speakers` and `stats` answer without reading every article or quotation.
-- A public contract; documented in docs/schema.md. Like the summaries of V8, each equals a
-- GROUP BY over the detail tables (the statements that fill them below are those GROUP BYs),
-- is written in the same transaction as the rows it counts, and is rebuilt by
-- `dossier reprocess`.
--
-- Measured on the 1,000,000-article `mixed` benchmark archive (examples/query-bench, medians):
-- `stats` 439 ms (the sums of paragraph counts read every article), `speakers` 280 ms (a
-- count of distinct articles over 2.4 million quotations) and `sources` 235 ms (every article
-- grouped by outlet).

-- Per outlet ('' for articles without one): its articles, their words and paragraph counts,
-- and the range of their publication dates.
CREATE TABLE source_stats (
    outlet                  TEXT    PRIMARY KEY,
    articles                INTEGER NOT NULL,
    words                   INTEGER NOT NULL,
    content_paragraphs      INTEGER NOT NULL,
    boilerplate_paragraphs  INTEGER NOT NULL,
    first_published         TEXT,
    last_published          TEXT
) WITHOUT ROWID;

INSERT INTO source_stats (outlet, articles, words, content_paragraphs, boilerplate_paragraphs,
                          first_published, last_published)
SELECT coalesce(outlet, ''), count(*), coalesce(sum(words), 0),
       coalesce(sum(content_paragraphs), 0), coalesce(sum(boilerplate_paragraphs), 0),
       min(published), max(published)
FROM articles
GROUP BY coalesce(outlet, '');

-- The view keeps its name, columns and rows, and now reads the summary.
DROP VIEW v_sources;
CREATE VIEW v_sources AS
SELECT outlet, articles, first_published, last_published, words
FROM source_stats;

-- Per quoted person: the quotations attributed to them and the articles those are in.
CREATE TABLE speaker_stats (
    speaker_id  INTEGER PRIMARY KEY REFERENCES entities (id),
    quotes      INTEGER NOT NULL,
    articles    INTEGER NOT NULL
);
CREATE INDEX speaker_stats_rank ON speaker_stats (quotes, articles);

INSERT INTO speaker_stats (speaker_id, quotes, articles)
SELECT speaker_id, count(*), count(DISTINCT article_id)
FROM quote_spans
GROUP BY speaker_id;
