-- dyads: The busiest actor pairs, one direction each: events by quad class, mean Goldstein value, first and last year.
-- :from   date, optional   from this year (YYYY)
-- :to     date, optional   to this year (YYYY)
-- :limit  integer = 20     rows to return
--
-- Sums the per-year rows of v_dyads; the mean is over all the pair's events (goldstein_sum).
SELECT d.source,
       d.target,
       sum(d.events) AS events,
       sum(d.verbal_cooperation) AS verbal_cooperation,
       sum(d.material_cooperation) AS material_cooperation,
       sum(d.verbal_conflict) AS verbal_conflict,
       sum(d.material_conflict) AS material_conflict,
       round(sum(d.goldstein_sum) / sum(d.events), 2) AS goldstein_mean,
       min(d.year) AS first_year,
       max(d.year) AS last_year
FROM v_dyads d
WHERE (:from IS NULL OR d.year >= substr(:from, 1, 4))
  AND (:to IS NULL OR d.year <= substr(:to, 1, 4))
GROUP BY d.source_id, d.target_id
ORDER BY events DESC, d.source, d.target, d.source_id, d.target_id
LIMIT :limit;
