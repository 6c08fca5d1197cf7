-- near-duplicates: Near-duplicate article pairs with their similarity, most similar first.
-- :min    real = 0         least similarity (0 to 1)
-- :limit  integer = 100    rows to return
SELECT article_id, title, duplicate_of, duplicate_of_title, round(similarity, 4) AS similarity
FROM v_near_duplicates
WHERE similarity >= :min
ORDER BY similarity DESC, article_id, duplicate_of
LIMIT :limit;
