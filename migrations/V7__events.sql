-- dossier schema V7: dated events coded on CAMEO, where each was read, and views over them.
-- A public contract; documented in docs/schema.md. Plain SQL only (no functions the binary
-- registers), so the sqlite3 shell and Datasette get the same answers.

-- The CAMEO taxonomy (from data/cameo/codes.tsv; filled by the first ingest or reprocess).
CREATE TABLE cameo_codes (
    code        TEXT PRIMARY KEY,  -- '057': text, leading zeros kept
    root_code   TEXT NOT NULL,     -- '05'
    name        TEXT NOT NULL,     -- 'Sign formal agreement'
    quad_class  INTEGER NOT NULL CHECK (quad_class BETWEEN 1 AND 4),
    goldstein   REAL NOT NULL CHECK (goldstein BETWEEN -10 AND 10)
) WITHOUT ROWID;

-- One row per distinct real-world event. Mentions merge when they have the same root code,
-- source and target (either way round for a joint action such as "A and B met"), and dates
-- that agree at the coarser of their precisions.
CREATE TABLE events (
    id              INTEGER PRIMARY KEY,
    date_start      TEXT NOT NULL,   -- ISO day, first day of the span: '2014-01-01' for 2014
    date_end        TEXT NOT NULL,   -- ISO day, last day (inclusive): '2014-12-31' for 2014
    date_precision  TEXT NOT NULL CHECK (date_precision IN ('day', 'month', 'year')),
    code            TEXT NOT NULL,   -- CAMEO code of the first mention: '057'
    root_code       TEXT NOT NULL,   -- its root: '05'
    quad_class      INTEGER NOT NULL CHECK (quad_class BETWEEN 1 AND 4),
    goldstein       REAL NOT NULL,   -- the code's Goldstein value (-10 conflict .. +10 cooperation)
    source_id       INTEGER NOT NULL REFERENCES entities (id),
    target_id       INTEGER REFERENCES entities (id),  -- NULL when no target is named
    num_mentions    INTEGER NOT NULL DEFAULT 1,
    num_articles    INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX events_dyad ON events (source_id, target_id, root_code);
CREATE INDEX events_target_id ON events (target_id);
CREATE INDEX events_date ON events (date_start, date_end);

-- Where each event was read. char_start/char_end are the sentence's 0-based character offsets
-- in paragraphs.text, end exclusive.
CREATE TABLE event_mentions (
    id            INTEGER PRIMARY KEY,
    event_id      INTEGER NOT NULL REFERENCES events (id),
    article_id    INTEGER NOT NULL REFERENCES articles (id),
    paragraph_id  INTEGER NOT NULL REFERENCES paragraphs (id),
    sentence      TEXT    NOT NULL,
    char_start    INTEGER NOT NULL,
    char_end      INTEGER NOT NULL,
    date_text     TEXT    NOT NULL,  -- the date expression as written: 'Last November'
    date_anchor   TEXT    NOT NULL CHECK (date_anchor IN ('absolute', 'published')),
    rule          TEXT    NOT NULL,  -- the pattern that fired (data/cameo/patterns.tsv)
    confidence    REAL    NOT NULL CHECK (confidence BETWEEN 0 AND 1)
);
CREATE INDEX event_mentions_event_id ON event_mentions (event_id);
CREATE INDEX event_mentions_article_id ON event_mentions (article_id);

-- Events with names: the date written at its precision ('2014', '2023-03', '2023-04-26', or a
-- range '2023-04-24/2023-04-30'), the code's name, the actors and their countries, and the
-- first sentence that told it.
CREATE VIEW v_events AS
SELECT ev.id AS event_id,
       CASE ev.date_precision
           WHEN 'year' THEN substr(ev.date_start, 1, 4)
               || CASE WHEN substr(ev.date_end, 1, 4) != substr(ev.date_start, 1, 4)
                       THEN '/' || substr(ev.date_end, 1, 4) ELSE '' END
           WHEN 'month' THEN substr(ev.date_start, 1, 7)
               || CASE WHEN substr(ev.date_end, 1, 7) != substr(ev.date_start, 1, 7)
                       THEN '/' || substr(ev.date_end, 1, 7) ELSE '' END
           ELSE ev.date_start
               || CASE WHEN ev.date_end != ev.date_start THEN '/' || ev.date_end ELSE '' END
       END AS date,
       ev.date_start,
       ev.date_end,
       ev.date_precision,
       ev.code,
       c.name AS code_name,
       ev.root_code,
       r.name AS root_name,
       ev.quad_class,
       ev.goldstein,
       ev.source_id,
       s.name AS source,
       s.country AS source_country,
       ev.target_id,
       t.name AS target,
       t.country AS target_country,
       ev.num_mentions,
       ev.num_articles,
       (SELECT em.sentence FROM event_mentions em WHERE em.event_id = ev.id
        ORDER BY em.id LIMIT 1) AS evidence,
       (SELECT em.article_id FROM event_mentions em WHERE em.event_id = ev.id
        ORDER BY em.id LIMIT 1) AS evidence_article_id
FROM events ev
JOIN entities s ON s.id = ev.source_id
LEFT JOIN entities t ON t.id = ev.target_id
LEFT JOIN cameo_codes c ON c.code = ev.code
LEFT JOIN cameo_codes r ON r.code = ev.root_code;

-- The timeline: events in date order with what an analyst reads first.
CREATE VIEW v_timeline AS
SELECT date,
       date_precision AS precision,
       source,
       code_name,
       target,
       goldstein,
       num_articles,
       evidence,
       event_id,
       code,
       root_code,
       quad_class,
       source_id,
       source_country,
       target_id,
       target_country,
       date_start,
       date_end
FROM v_events;

-- Actor dyads per year (the year an event's date starts in), one direction per row: event
-- counts by quad class and the Goldstein mean. goldstein_sum lets a query combine rows
-- (e.g. a country with its people) into a correct mean.
CREATE VIEW v_dyads AS
SELECT substr(ev.date_start, 1, 4) AS year,
       ev.source_id,
       s.name AS source,
       s.country AS source_country,
       ev.target_id,
       t.name AS target,
       t.country AS target_country,
       count(*) AS events,
       sum(ev.quad_class = 1) AS verbal_cooperation,
       sum(ev.quad_class = 2) AS material_cooperation,
       sum(ev.quad_class = 3) AS verbal_conflict,
       sum(ev.quad_class = 4) AS material_conflict,
       round(avg(ev.goldstein), 2) AS goldstein_mean,
       sum(ev.goldstein) AS goldstein_sum
FROM events ev
JOIN entities s ON s.id = ev.source_id
JOIN entities t ON t.id = ev.target_id
GROUP BY year, ev.source_id, ev.target_id;
