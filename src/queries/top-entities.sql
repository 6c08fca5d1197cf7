-- top-entities: Entities ranked by the number of articles that mention them, then by mentions.
-- :type   person|country|organization|location|agreement|named_event, optional   the entity type
-- :limit  integer = 20       rows to return
SELECT e.name,
       e.type,
       e.country,
       s.articles,
       s.mentions
FROM entity_stats s
JOIN entities e ON e.id = s.entity_id
WHERE :type IS NULL OR e.type = :type
ORDER BY s.articles DESC, s.mentions DESC, e.name, e.id
LIMIT :limit;
