-- quotes: Quotations with their speakers, by speaker or by an entity named in the same paragraph.
-- :speaker  text, optional   the speaker's name or an alias (any case): Trump, Donald Trump
-- :entity   text, optional   an entity named in the quote's paragraph, by name or alias (any case)
-- :limit    integer = 50     rows to return
SELECT q.speaker,
       q.published,
       q.article_id,
       q.article_title AS title,
       q.text
FROM v_quotes q
WHERE (:speaker IS NULL OR q.speaker_id IN (
        SELECT entity_id FROM v_entity_names WHERE name = :speaker COLLATE NOCASE))
  AND (:entity IS NULL OR EXISTS (
        SELECT 1 FROM v_entity_mentions m
        WHERE m.article_id = q.article_id AND m.paragraph_id = q.paragraph_id
          AND m.entity_id IN (
              SELECT entity_id FROM v_entity_names WHERE name = :entity COLLATE NOCASE)))
ORDER BY q.published, q.article_id, q.quote_id
LIMIT :limit;
