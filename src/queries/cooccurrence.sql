-- cooccurrence: Entity pairs named in the same paragraph, or the partners of one entity.
-- :entity  entity, optional    an entity's name or alias (any case): list its partners instead of all pairs
-- :limit   integer = 30      rows to return
WITH chosen AS (SELECT entity_id FROM v_entity_names WHERE name = :entity COLLATE NOCASE),
     pairs AS (
         SELECT entity_id, partner_id, paragraphs, articles FROM entity_pairs
         WHERE :entity IS NULL
         UNION ALL
         SELECT entity_id, partner_id, paragraphs, articles FROM entity_pairs
         WHERE entity_id IN chosen
         UNION ALL
         SELECT partner_id, entity_id, paragraphs, articles FROM entity_pairs
         WHERE partner_id IN chosen)
SELECT a.name AS entity,
       b.name AS partner,
       p.paragraphs,
       p.articles
FROM pairs p
JOIN entities a ON a.id = p.entity_id
JOIN entities b ON b.id = p.partner_id
ORDER BY p.paragraphs DESC, p.articles DESC, p.entity_id, p.partner_id
LIMIT :limit;
