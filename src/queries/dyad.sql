-- dyad: How a relationship moves: per year and direction, event counts by quad class and the mean Goldstein value.
-- :a     text, required   one actor by name or alias, any case; a country also counts its people and bodies
-- :b     text, required   the other actor, the same way
-- :from  date, optional   from this year (YYYY)
-- :to    date, optional   to this year (YYYY)
WITH a AS (SELECT entity_id FROM v_entity_names WHERE name = :a COLLATE NOCASE),
     b AS (SELECT entity_id FROM v_entity_names WHERE name = :b COLLATE NOCASE),
     a_country AS (SELECT name FROM entities WHERE type = 'country' AND id IN (SELECT entity_id FROM a)),
     b_country AS (SELECT name FROM entities WHERE type = 'country' AND id IN (SELECT entity_id FROM b)),
     names AS (
         SELECT (SELECT name FROM entities WHERE id IN (SELECT entity_id FROM a) ORDER BY id LIMIT 1) AS a_name,
                (SELECT name FROM entities WHERE id IN (SELECT entity_id FROM b) ORDER BY id LIMIT 1) AS b_name),
     directed AS (
         SELECT d.*,
                CASE
                    WHEN (d.source_id IN (SELECT entity_id FROM a) OR d.source_country IN a_country)
                     AND (d.target_id IN (SELECT entity_id FROM b) OR d.target_country IN b_country) THEN 1
                    WHEN (d.source_id IN (SELECT entity_id FROM b) OR d.source_country IN b_country)
                     AND (d.target_id IN (SELECT entity_id FROM a) OR d.target_country IN a_country) THEN 2
                END AS way
         FROM v_dyads d
         WHERE (:from IS NULL OR d.year >= :from) AND (:to IS NULL OR d.year <= :to))
SELECT x.year,
       CASE x.way WHEN 1 THEN n.a_name ELSE n.b_name END AS source,
       CASE x.way WHEN 1 THEN n.b_name ELSE n.a_name END AS target,
       sum(x.events) AS events,
       sum(x.verbal_cooperation) AS verbal_cooperation,
       sum(x.material_cooperation) AS material_cooperation,
       sum(x.verbal_conflict) AS verbal_conflict,
       sum(x.material_conflict) AS material_conflict,
       round(sum(x.goldstein_sum) / sum(x.events), 2) AS goldstein_mean
FROM directed x, names n
WHERE x.way IS NOT NULL
GROUP BY x.year, x.way
ORDER BY x.year, x.way;
