-- top-entities: Entities ranked by the number of articles that mention them, then by mentions.
-- :type   text, optional     person | country | organization | location | agreement | named_event
-- :limit  integer = 20       rows to return
SELECT entity AS name,
       type,
       country,
       count(DISTINCT article_id) AS articles,
       count(*) AS mentions
FROM v_entity_mentions
WHERE :type IS NULL OR type = :type
GROUP BY entity_id
ORDER BY articles DESC, mentions DESC, name, entity_id
LIMIT :limit;
