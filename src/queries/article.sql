-- article: One article: title, date, URL and its content text in order.
-- :id     integer, required   the article's id
SELECT a.id, a.title, a.published, a.published_source, a.outlet, a.url, a.words,
       (SELECT group_concat(text, char(10) || char(10)) FROM (
            SELECT text FROM v_article_text WHERE article_id = a.id ORDER BY position)) AS text
FROM articles a
WHERE a.id = :id;
