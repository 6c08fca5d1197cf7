-- article: One article: title, date, URL, its content text in order, and its entities.
-- :id     article, required   the article's id (as `search` and `quotes` list them)
SELECT a.id, a.title, a.published, a.published_source, a.outlet, a.url, a.words,
       (SELECT group_concat(text, char(10) || char(10)) FROM (
            SELECT text FROM v_article_text WHERE article_id = a.id ORDER BY position)) AS text,
       (SELECT group_concat(entity, '; ') FROM (
            SELECT entity FROM v_entity_mentions WHERE article_id = a.id
            GROUP BY entity_id ORDER BY count(*) DESC, entity)) AS entities
FROM articles a
WHERE a.id = :id;
