-- dossier schema V6: views over entities and quotes for the sqlite3 shell and Datasette.
-- Documented in docs/schema.md. Plain SQL only.

-- Entity mentions in article text: content and titles, boilerplate left out.
CREATE VIEW v_entity_mentions AS
SELECT m.id AS mention_id,
       m.article_id,
       a.title AS article_title,
       a.published,
       m.paragraph_id,
       e.id AS entity_id,
       e.name AS entity,
       e.type,
       e.country,
       m.surface,
       m.is_metonym,
       m.char_start,
       m.char_end
FROM mentions m
JOIN entities e ON e.id = m.entity_id
JOIN articles a ON a.id = m.article_id
WHERE EXISTS (
    SELECT 1 FROM article_paragraphs ap
    WHERE ap.article_id = m.article_id AND ap.paragraph_id = m.paragraph_id
      AND ap.role != 'boilerplate');

-- Quotes with their speakers and articles.
CREATE VIEW v_quotes AS
SELECT q.id AS quote_id,
       q.article_id,
       a.title AS article_title,
       a.published,
       q.paragraph_id,
       e.id AS speaker_id,
       e.name AS speaker,
       e.country AS speaker_country,
       q.text
FROM quotes q
JOIN entities e ON e.id = q.speaker_id
JOIN articles a ON a.id = q.article_id;

-- Every name an entity goes by: its canonical name and its aliases. Look an entity up by any
-- of them: SELECT entity_id FROM v_entity_names WHERE name = 'ROK' COLLATE NOCASE;
CREATE VIEW v_entity_names AS
SELECT id AS entity_id, name FROM entities
UNION
SELECT entity_id, alias FROM entity_aliases;
