-- timeline: Events in date order: who did what to whom and when, with a sentence that told it.
-- :entity entity, optional   an actor (source or target) by name or alias, any case; a country also matches its people and bodies
-- :from   date, optional   events ending on or after (YYYY, YYYY-MM or YYYY-MM-DD)
-- :to     date, optional   events starting on or before
-- :root   text, optional   CAMEO root code: 03 intent to cooperate, 04 consult, 16 reduce relations …
-- :limit  integer = 100    rows to return
WITH actor AS (
         SELECT entity_id FROM v_entity_names WHERE name = :entity COLLATE NOCASE),
     actor_country AS (
         SELECT name FROM entities WHERE type = 'country' AND id IN (SELECT entity_id FROM actor))
SELECT t.date,
       t.precision,
       t.source,
       t.code,
       t.code_name,
       t.target,
       t.goldstein,
       t.num_articles,
       t.evidence,
       t.event_id
FROM v_timeline t
WHERE (:entity IS NULL
       OR t.source_id IN (SELECT entity_id FROM actor)
       OR t.target_id IN (SELECT entity_id FROM actor)
       OR t.source_country IN actor_country
       OR t.target_country IN actor_country)
  AND (:from IS NULL OR substr(t.date_end, 1, length(:from)) >= :from)
  AND (:to IS NULL OR substr(t.date_start, 1, length(:to)) <= :to)
  AND (:root IS NULL OR t.root_code = substr('0' || :root, -2))
ORDER BY t.date_start, t.date_end, t.event_id
LIMIT :limit;
