-- search: Full-text search of article text, ranked by bm25, with excerpts.
-- :q      text, required   FTS5 query: words, "a phrase", prefix*, AND / OR / NOT, NEAR(a b)
-- :entity text, optional   only paragraphs naming this entity, by name or alias (any case)
-- :from   date, optional   only articles published on or after (YYYY, YYYY-MM or YYYY-MM-DD)
-- :to     date, optional   only articles published on or before
-- :limit  integer = 20     rows to return
SELECT a.id AS article_id,
       a.published,
       a.title,
       ap.position,
       snippet(paragraphs_fts, 0, '[', ']', '…', 16) AS excerpt,
       round(bm25(paragraphs_fts), 3) AS score
FROM paragraphs_fts
JOIN article_paragraphs ap ON ap.paragraph_id = paragraphs_fts.rowid AND ap.role = 'content'
JOIN articles a ON a.id = ap.article_id
WHERE paragraphs_fts MATCH :q
  AND (:from IS NULL OR substr(a.published, 1, length(:from)) >= :from)
  AND (:to IS NULL OR substr(a.published, 1, length(:to)) <= :to)
  AND (:entity IS NULL OR EXISTS (
        SELECT 1 FROM mentions m
        WHERE m.article_id = ap.article_id AND m.paragraph_id = ap.paragraph_id
          AND m.entity_id IN (
              SELECT entity_id FROM v_entity_names WHERE name = :entity COLLATE NOCASE)))
ORDER BY bm25(paragraphs_fts), a.id, ap.position
LIMIT :limit;
