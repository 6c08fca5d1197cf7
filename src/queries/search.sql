-- search: Full-text search of article text, ranked by bm25, with excerpts.
-- :q      text, required   FTS5 query: words, "a phrase", prefix*, AND / OR / NOT, NEAR(a b)
-- :entity entity, optional   only paragraphs naming this entity, by name or alias (any case)
-- :from   date, optional   only articles published on or after (YYYY, YYYY-MM or YYYY-MM-DD)
-- :to     date, optional   only articles published on or before
-- :limit  integer = 20     rows to return
--
-- FTS5 ranks the matching paragraphs by bm25 itself (the plan's `INDEX 32`: it takes over the
-- ORDER BY); their articles are visited in that order, so the inner query stops once it has
-- its rows instead of joining and sorting every (paragraph, article) pair: on 100k generated
-- articles, a word in 63,000 paragraphs went from 228 to 75-108 ms, a filtered phrase from 113
-- to 37-56 ms (examples/query-bench, medians). A second ORDER BY term there would bring that sort back,
-- so the unique tie-breakers are applied by the outer query to the rows kept; where equal
-- scores straddle the limit, the rows kept are the first in FTS5's order. The excerpt is made
-- for the rows returned only.
SELECT article_id, published, title, position, excerpt, score
FROM (
    SELECT a.id AS article_id,
           a.published,
           a.title,
           ap.position,
           (SELECT snippet(paragraphs_fts, 0, '[', ']', '…', 16) FROM paragraphs_fts
            WHERE paragraphs_fts MATCH :q AND rowid = h.paragraph_id) AS excerpt,
           round(h.rank, 3) AS score,
           h.rank
    FROM (SELECT rowid AS paragraph_id, rank FROM paragraphs_fts
          WHERE paragraphs_fts MATCH :q
          ORDER BY rank) h
    JOIN article_paragraphs ap ON ap.paragraph_id = h.paragraph_id AND ap.role = 'content'
    JOIN articles a ON a.id = ap.article_id
    WHERE (:from IS NULL OR substr(a.published, 1, length(:from)) >= :from)
      AND (:to IS NULL OR substr(a.published, 1, length(:to)) <= :to)
      AND (:entity IS NULL OR EXISTS (
            SELECT 1 FROM mentions m
            WHERE m.article_id = ap.article_id AND m.paragraph_id = ap.paragraph_id
              AND m.entity_id IN (
                  SELECT entity_id FROM v_entity_names WHERE name = :entity COLLATE NOCASE)))
    ORDER BY h.rank
    LIMIT :limit)
ORDER BY rank, article_id, position;
