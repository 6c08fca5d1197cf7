-- search: Full-text search of article text, ranked by bm25, with excerpts.
-- :q      text, required   FTS5 query: words, "a phrase", prefix*, AND / OR / NOT, NEAR(a b)
-- :entity text, optional   only paragraphs naming this entity, by name or alias (any case)
-- :from   date, optional   only articles published on or after (YYYY, YYYY-MM or YYYY-MM-DD)
-- :to     date, optional   only articles published on or before
-- :limit  integer = 20     rows to return
--
-- Paragraphs are ranked first (FTS5 sorts its matches by bm25 itself); the articles that carry
-- them are then visited in that order, so the query stops once it has :limit rows instead of
-- sorting every (paragraph, article) pair. The excerpt is made for the rows returned only.
WITH hits AS MATERIALIZED (
    SELECT rowid AS paragraph_id, rank FROM paragraphs_fts
    WHERE paragraphs_fts MATCH :q
    ORDER BY rank)
SELECT a.id AS article_id,
       a.published,
       a.title,
       ap.position,
       (SELECT snippet(paragraphs_fts, 0, '[', ']', '…', 16) FROM paragraphs_fts
        WHERE paragraphs_fts MATCH :q AND rowid = h.paragraph_id) AS excerpt,
       round(h.rank, 3) AS score
FROM hits h
JOIN article_paragraphs ap ON ap.paragraph_id = h.paragraph_id AND ap.role = 'content'
JOIN articles a ON a.id = ap.article_id
WHERE (:from IS NULL OR substr(a.published, 1, length(:from)) >= :from)
  AND (:to IS NULL OR substr(a.published, 1, length(:to)) <= :to)
  AND (:entity IS NULL OR EXISTS (
        SELECT 1 FROM mentions m
        WHERE m.article_id = ap.article_id AND m.paragraph_id = ap.paragraph_id
          AND m.entity_id IN (
              SELECT entity_id FROM v_entity_names WHERE name = :entity COLLATE NOCASE)))
ORDER BY h.rank, a.id, ap.position
LIMIT :limit;
