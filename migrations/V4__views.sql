-- dossier schema V4: views for the sqlite3 shell and Datasette.
--
-- The named queries of `dossier query` stand on these where they can, so the shell, Datasette
-- and the command line give the same answers. Plain SQL only: no function that only the dossier
-- binary registers. Documented in docs/schema.md.

-- The article text: content paragraphs of each article, in order.
CREATE VIEW v_article_text AS
SELECT ap.article_id, ap.position, ap.paragraph_id, p.text, p.words
FROM article_paragraphs ap
JOIN paragraphs p ON p.id = ap.paragraph_id
WHERE ap.role = 'content';

-- Paragraphs used as content by more than one article (syndication, re-posts, shared quotes).
CREATE VIEW v_reused_paragraphs AS
SELECT ap.paragraph_id,
       count(DISTINCT ap.article_id) AS articles,
       min(ap.article_id) AS first_article_id,
       p.words,
       p.text
FROM article_paragraphs ap
JOIN paragraphs p ON p.id = ap.paragraph_id
WHERE ap.role = 'content'
GROUP BY ap.paragraph_id
HAVING count(DISTINCT ap.article_id) > 1;

-- Outlets with their article counts and date ranges ('' stands for unknown outlets).
CREATE VIEW v_sources AS
SELECT coalesce(outlet, '') AS outlet,
       count(*) AS articles,
       min(published) AS first_published,
       max(published) AS last_published,
       sum(words) AS words
FROM articles
GROUP BY coalesce(outlet, '');

-- Near-duplicate pairs with both articles' titles and outlets.
CREATE VIEW v_near_duplicates AS
SELECT n.article_id, a.title, a.outlet, n.duplicate_of, e.title AS duplicate_of_title,
       e.outlet AS duplicate_of_outlet, n.similarity
FROM near_duplicates n
JOIN articles a ON a.id = n.article_id
JOIN articles e ON e.id = n.duplicate_of;
