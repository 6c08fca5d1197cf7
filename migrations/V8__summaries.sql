-- dossier schema V8: summary tables that ingest keeps current, so the ranking queries answer in
-- milliseconds on archives of hundreds of thousands of articles; indexes for the event merge.
-- A public contract; documented in docs/schema.md. Each summary equals a GROUP BY over the
-- detail tables (the statements that fill them below are those GROUP BYs), and is rebuilt by
-- `dossier reprocess`.

-- Per entity: the articles that name it in a title or content paragraph, and those mentions.
-- The same counts as `SELECT entity_id, count(DISTINCT article_id), count(*) FROM
-- v_entity_mentions GROUP BY entity_id`.
CREATE TABLE entity_stats (
    entity_id  INTEGER PRIMARY KEY REFERENCES entities (id),
    articles   INTEGER NOT NULL,
    mentions   INTEGER NOT NULL
);
CREATE INDEX entity_stats_rank ON entity_stats (articles, mentions);

INSERT INTO entity_stats (entity_id, articles, mentions)
SELECT entity_id, count(DISTINCT article_id), count(*)
FROM v_entity_mentions
GROUP BY entity_id;

-- Entity pairs named in the same paragraph of an article (title or content), each pair once
-- with entity_id < partner_id: `paragraphs` counts (article, paragraph) places where both are
-- named, `articles` the articles with at least one.
CREATE TABLE entity_pairs (
    entity_id   INTEGER NOT NULL REFERENCES entities (id),
    partner_id  INTEGER NOT NULL REFERENCES entities (id),
    paragraphs  INTEGER NOT NULL,
    articles    INTEGER NOT NULL,
    PRIMARY KEY (entity_id, partner_id),
    CHECK (entity_id < partner_id)
) WITHOUT ROWID;
CREATE INDEX entity_pairs_partner_id ON entity_pairs (partner_id, entity_id);
CREATE INDEX entity_pairs_rank ON entity_pairs (paragraphs, articles);

INSERT INTO entity_pairs (entity_id, partner_id, paragraphs, articles)
WITH named AS (SELECT DISTINCT article_id, paragraph_id, entity_id FROM v_entity_mentions)
SELECT a.entity_id, b.entity_id, count(*), count(DISTINCT a.article_id)
FROM named a
JOIN named b ON b.article_id = a.article_id AND b.paragraph_id = a.paragraph_id
            AND b.entity_id > a.entity_id
GROUP BY a.entity_id, b.entity_id;

-- Paragraphs that are content in two or more articles (syndication, re-posts), with the
-- number of those articles: `SELECT paragraph_id, count(DISTINCT article_id) FROM
-- article_paragraphs WHERE role = 'content' GROUP BY paragraph_id HAVING count(*) > 1`.
CREATE TABLE paragraph_reuse (
    paragraph_id  INTEGER PRIMARY KEY REFERENCES paragraphs (id),
    articles      INTEGER NOT NULL CHECK (articles > 1)
);
CREATE INDEX paragraph_reuse_articles ON paragraph_reuse (articles);

-- Finding whether a paragraph is content elsewhere is one index probe.
DROP INDEX article_paragraphs_paragraph_id;
CREATE INDEX article_paragraphs_paragraph_id ON article_paragraphs (paragraph_id, role);

INSERT INTO paragraph_reuse (paragraph_id, articles)
SELECT paragraph_id, count(DISTINCT article_id)
FROM article_paragraphs
WHERE role = 'content'
GROUP BY paragraph_id
HAVING count(DISTINCT article_id) > 1;

-- Same columns as before, now read from paragraph_reuse.
DROP VIEW v_reused_paragraphs;
CREATE VIEW v_reused_paragraphs AS
SELECT r.paragraph_id,
       r.articles,
       (SELECT min(ap.article_id) FROM article_paragraphs ap
        WHERE ap.paragraph_id = r.paragraph_id AND ap.role = 'content') AS first_article_id,
       p.words,
       p.text
FROM paragraph_reuse r
JOIN paragraphs p ON p.id = r.paragraph_id;

-- Per article: how many of its paragraphs are content and how many boilerplate (titles are
-- the rest), so archive-wide counts need not read every link.
ALTER TABLE articles ADD COLUMN content_paragraphs INTEGER NOT NULL DEFAULT 0;
ALTER TABLE articles ADD COLUMN boilerplate_paragraphs INTEGER NOT NULL DEFAULT 0;
UPDATE articles SET
    content_paragraphs = (SELECT count(*) FROM article_paragraphs ap
                          WHERE ap.article_id = articles.id AND ap.role = 'content'),
    boilerplate_paragraphs = (SELECT count(*) FROM article_paragraphs ap
                              WHERE ap.article_id = articles.id AND ap.role = 'boilerplate');

-- The event merge looks up the events of one source, target and root code around a date:
-- short events (within two calendar years) by their start date, long ones ("1910-45", "the
-- 1990s") by their length in years. Both indexes cover the dates, so no table row is read.
-- (Not a partial index: SQLite re-prepares a statement whose bound values decide whether a
-- partial index applies, every time they change.)
DROP INDEX events_dyad;
CREATE INDEX events_dyad
    ON events (source_id, target_id, root_code, date_start, date_end, date_precision);
CREATE INDEX events_long ON events (source_id, target_id, root_code,
    (substr(date_end, 1, 4) - substr(date_start, 1, 4)), date_start, date_end, date_precision);
-- Counting an event's articles is one probe per mention.
DROP INDEX event_mentions_event_id;
CREATE INDEX event_mentions_event_id ON event_mentions (event_id, article_id);
