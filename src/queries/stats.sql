-- stats: Counts per table, the published date range, duplicates and near-duplicates.
--
-- Sums over articles and quotations come from the summaries `source_stats` and
-- `speaker_stats` (V21), which equal them; the rest are counts of a table's rows, each table
-- counted once (`n` holds the two that two rows use).
WITH n AS MATERIALIZED (
    SELECT (SELECT count(*) FROM sightings) AS sightings, (SELECT count(*) FROM articles) AS articles
)
SELECT item, value FROM (
    SELECT 1 AS k, 'documents' AS item, count(*) AS value FROM documents
    UNION ALL SELECT 2, 'sightings', sightings FROM n
    UNION ALL SELECT 3, 'articles', articles FROM n
    UNION ALL SELECT 4, 'paragraphs', count(*) FROM paragraphs
    UNION ALL SELECT 5, 'content paragraphs', coalesce(sum(content_paragraphs), 0) FROM source_stats
    UNION ALL SELECT 6, 'boilerplate paragraphs', coalesce(sum(boilerplate_paragraphs), 0) FROM source_stats
    UNION ALL SELECT 7, 'duplicate sightings', sightings - articles FROM n
    UNION ALL SELECT 8, 'near-duplicate pairs', count(*) FROM near_duplicates
    UNION ALL SELECT 9, 'reused paragraphs', count(*) FROM paragraph_reuse
    UNION ALL SELECT 10, 'outlets', count(*) FROM source_stats WHERE outlet <> ''
    UNION ALL SELECT 11, 'first published', min(first_published) FROM source_stats
    UNION ALL SELECT 12, 'last published', max(last_published) FROM source_stats
    UNION ALL SELECT 13, 'entities mentioned', count(*) FROM entity_stats
    UNION ALL SELECT 14, 'mentions', coalesce(sum(mentions), 0) FROM entity_stats
    UNION ALL SELECT 15, 'quotes', coalesce(sum(quotes), 0) FROM speaker_stats
    UNION ALL SELECT 16, 'events', count(*) FROM events
    UNION ALL SELECT 17, 'event mentions', count(*) FROM event_mentions
    UNION ALL SELECT 18, 'events told by several articles', count(*) FROM events WHERE num_articles > 1
    UNION ALL SELECT 19, 'imports', count(*) FROM imports
)
ORDER BY k;
