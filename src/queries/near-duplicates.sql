-- near-duplicates: Near-duplicate article pairs with their similarity, most similar first.
-- :min    real = 0         least similarity (0 to 1)
-- :limit  integer = 100    rows to return
--
-- Ordered by the exact similarity (shown rounded), so the index `near_duplicates_similarity`
-- gives the rows in order and the query stops at :limit.
SELECT n.article_id, n.title, n.duplicate_of, n.duplicate_of_title,
       round(n.similarity, 4) AS similarity
FROM v_near_duplicates n
WHERE n.similarity >= :min
ORDER BY n.similarity DESC, n.article_id, n.duplicate_of
LIMIT :limit;
