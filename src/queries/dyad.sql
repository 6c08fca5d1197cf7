-- dyad: How a relationship moves: per year and direction, event counts by quad class and the mean Goldstein value.
-- :a     entity, required   one actor by name or alias, any case; a country also counts its people and bodies
-- :b     entity, required   the other actor, the same way
-- :from  date, optional   from this year (YYYY)
-- :to    date, optional   to this year (YYYY)
--
-- The same numbers as summing the rows of v_dyads whose source and target stand for the two
-- actors; read from events directly, so only the actors' events are visited (index events_dyad).
WITH a AS (SELECT entity_id FROM v_entity_names WHERE name = :a COLLATE NOCASE),
     b AS (SELECT entity_id FROM v_entity_names WHERE name = :b COLLATE NOCASE),
     -- Each actor with, for a country, every entity of that country.
     a_all AS (
         SELECT entity_id FROM a
         UNION SELECT id FROM entities
         WHERE country IN (SELECT name FROM entities WHERE type = 'country' AND id IN a)),
     b_all AS (
         SELECT entity_id FROM b
         UNION SELECT id FROM entities
         WHERE country IN (SELECT name FROM entities WHERE type = 'country' AND id IN b)),
     names AS (
         SELECT (SELECT name FROM entities WHERE id IN a ORDER BY id LIMIT 1) AS a_name,
                (SELECT name FROM entities WHERE id IN b ORDER BY id LIMIT 1) AS b_name),
     directed AS (
         SELECT substr(ev.date_start, 1, 4) AS year, 1 AS way, ev.quad_class, ev.goldstein
         FROM events ev
         WHERE ev.source_id IN a_all AND ev.target_id IN b_all
         UNION ALL
         SELECT substr(ev.date_start, 1, 4), 2, ev.quad_class, ev.goldstein
         FROM events ev
         WHERE ev.source_id IN b_all AND ev.target_id IN a_all
           AND NOT (ev.source_id IN a_all AND ev.target_id IN b_all))
SELECT x.year,
       CASE x.way WHEN 1 THEN n.a_name ELSE n.b_name END AS source,
       CASE x.way WHEN 1 THEN n.b_name ELSE n.a_name END AS target,
       count(*) AS events,
       sum(x.quad_class = 1) AS verbal_cooperation,
       sum(x.quad_class = 2) AS material_cooperation,
       sum(x.quad_class = 3) AS verbal_conflict,
       sum(x.quad_class = 4) AS material_conflict,
       round(sum(x.goldstein) / count(*), 2) AS goldstein_mean
FROM directed x, names n
WHERE (:from IS NULL OR x.year >= :from) AND (:to IS NULL OR x.year <= :to)
GROUP BY x.year, x.way
ORDER BY x.year, x.way;
