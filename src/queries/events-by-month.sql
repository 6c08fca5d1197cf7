-- events-by-month: Events per month by quad class (verbal and material cooperation and conflict), with the mean Goldstein value.
-- :entity entity, optional   an actor (source or target) by name or alias, any case; a country also matches its people and bodies
-- :from   date, optional   events ending on or after (YYYY, YYYY-MM or YYYY-MM-DD)
-- :to     date, optional   events starting on or before
--
-- An event counts in the month its date starts; events dated only to a year have no month and
-- are left out. The filters are timeline's, so the months add up to timeline's rows.
WITH actor AS (
         SELECT entity_id FROM v_entity_names WHERE name = :entity COLLATE NOCASE),
     actor_country AS (
         SELECT name FROM entities WHERE type = 'country' AND id IN (SELECT entity_id FROM actor))
SELECT substr(t.date_start, 1, 7) AS month,
       count(*) AS events,
       sum(t.quad_class = 1) AS verbal_cooperation,
       sum(t.quad_class = 2) AS material_cooperation,
       sum(t.quad_class = 3) AS verbal_conflict,
       sum(t.quad_class = 4) AS material_conflict,
       round(avg(t.goldstein), 2) AS goldstein_mean
FROM v_timeline t
WHERE t.precision <> 'year'
  AND (:entity IS NULL
       OR t.source_id IN (SELECT entity_id FROM actor)
       OR t.target_id IN (SELECT entity_id FROM actor)
       OR t.source_country IN actor_country
       OR t.target_country IN actor_country)
  AND (:from IS NULL OR substr(t.date_end, 1, length(:from)) >= :from)
  AND (:to IS NULL OR substr(t.date_start, 1, length(:to)) <= :to)
GROUP BY month
ORDER BY month;
