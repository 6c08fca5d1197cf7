-- cooccurrence: Entity pairs named in the same paragraph, or the partners of one entity.
-- :entity  text, optional    an entity's name or alias (any case): list its partners instead of all pairs
-- :limit   integer = 30      rows to return
WITH named AS (
    SELECT DISTINCT article_id, paragraph_id, entity_id, entity FROM v_entity_mentions
)
SELECT a.entity AS entity,
       b.entity AS partner,
       count(*) AS paragraphs,
       count(DISTINCT a.article_id) AS articles
FROM named a
JOIN named b ON b.article_id = a.article_id AND b.paragraph_id = a.paragraph_id
            AND b.entity_id != a.entity_id
WHERE (:entity IS NULL AND a.entity_id < b.entity_id)
   OR a.entity_id IN (
        SELECT entity_id FROM v_entity_names WHERE name = :entity COLLATE NOCASE)
GROUP BY a.entity_id, b.entity_id
ORDER BY paragraphs DESC, articles DESC, a.entity_id, b.entity_id
LIMIT :limit;
