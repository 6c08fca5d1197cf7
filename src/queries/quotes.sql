-- quotes: Quotations with their speakers, by speaker or by an entity named in the same paragraph.
-- :speaker  entity, optional   the speaker's name, an alias or a family name (any case): Trump, Donald Trump
-- :entity   entity, optional   an entity named in the quote's paragraph, by name or alias (any case)
-- :limit    integer = 50     rows to return
WITH speakers AS (SELECT entity_id FROM v_entity_names WHERE name = :speaker COLLATE NOCASE),
     named AS (SELECT entity_id FROM v_entity_names WHERE name = :entity COLLATE NOCASE)
SELECT e.name AS speaker,
       a.published,
       q.article_id,
       a.title,
       q.text
FROM articles a
JOIN quotes q ON q.article_id = a.id
JOIN entities e ON e.id = q.speaker_id
WHERE (:speaker IS NULL OR q.speaker_id IN speakers)
  AND (:entity IS NULL OR EXISTS (
        SELECT 1 FROM mentions m
        WHERE m.article_id = q.article_id AND m.paragraph_id = q.paragraph_id
          AND m.entity_id IN named))
ORDER BY a.published, a.id, q.id
LIMIT :limit;
