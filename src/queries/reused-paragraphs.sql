-- reused-paragraphs: Paragraphs that appear as content in several articles, with the articles.
-- :min    integer = 2      least number of articles
-- :limit  integer = 50     rows to return
SELECT r.paragraph_id,
       r.articles,
       (SELECT group_concat(article_id, ',') FROM (
            SELECT DISTINCT article_id FROM article_paragraphs
            WHERE paragraph_id = r.paragraph_id AND role = 'content' ORDER BY article_id)) AS article_ids,
       r.text
FROM v_reused_paragraphs r
WHERE r.articles >= :min
ORDER BY r.articles DESC, r.paragraph_id
LIMIT :limit;
