-- search: Full-text search of article text, ranked by bm25, with excerpts.
-- :q      text, required   FTS5 query: words, "a phrase", prefix*, AND / OR / NOT, NEAR(a b)
-- :entity entity, optional   only paragraphs naming this entity, by name or alias (any case)
-- :from   date, optional   only articles published on or after (YYYY, YYYY-MM or YYYY-MM-DD)
-- :to     date, optional   only articles published on or before
-- :limit  integer = 20     rows to return
--
-- Every matching paragraph must be scored; what costs is what comes after. FTS5's own
-- `ORDER BY rank` sorts every match, so the best (limit + 1000) are picked by a bounded sort
-- of bm25 scores instead (`best`), and only they are joined to their articles and filtered,
-- in score order, stopping at `limit` rows (`found`). On 100k generated `long` articles, a
-- word in 184,000 paragraphs went from 135 to 89 ms (medians on one archive). Every match
-- outside `best` scores no better than all of them, so when `found` has its `limit` rows, or
-- `best` holds every match, they are the answer. Otherwise the query walks every match in
-- FTS5's ranking, as before, stopping at `limit` rows; that walk's LIMIT is 0 when it is not
-- needed, which SQLite checks before the walk starts. An entity named no more than once per
-- 16 paragraphs of the archive (`entity_stats` against the last paragraph id) is rare: the
-- best matches seldom name it, so its paragraphs are listed first (`in_rare`) and only the
-- matches among them are scored: a common word with an entity named 3,242 times went from
-- 1.5 s to 0.17 s at a million articles, with one named 2,020 times from 0.9 s to 23 ms at
-- 100k. Where equal scores straddle a cut, the rows kept are the first in the order of that
-- cut. The unique tie-breakers are applied to the rows kept, and the excerpt is made for the
-- rows returned only.
WITH named AS MATERIALIZED (
    SELECT entity_id FROM v_entity_names WHERE name = :entity COLLATE NOCASE),
rare AS MATERIALIZED (
    SELECT :entity IS NOT NULL
       AND (SELECT coalesce(sum(mentions), 0) FROM entity_stats WHERE entity_id IN named)
           <= (SELECT coalesce(max(id), 0) FROM paragraphs) / 16 AS yes),
-- The paragraphs a rare entity is named in, when it is one.
in_rare AS MATERIALIZED (
    SELECT paragraph_id FROM mention_spans
    WHERE entity_id IN named AND (SELECT yes FROM rare)),
best AS MATERIALIZED (
    SELECT rowid AS paragraph_id, bm25(paragraphs_fts) AS rank
    FROM paragraphs_fts
    WHERE paragraphs_fts MATCH :q
      AND (NOT (SELECT yes FROM rare) OR rowid IN in_rare)
    ORDER BY rank
    LIMIT :limit + 1000),
-- Content paragraphs of the articles the filters keep, by paragraph: inlined where it is used.
eligible AS NOT MATERIALIZED (
    SELECT ap.paragraph_id, a.id AS article_id, a.published, a.title, ap.position
    FROM article_paragraphs ap
    JOIN articles a ON a.id = ap.article_id
    WHERE ap.role = 'content'
      AND (:from IS NULL OR substr(a.published, 1, length(:from)) >= :from)
      AND (:to IS NULL OR substr(a.published, 1, length(:to)) <= :to)
      AND (:entity IS NULL OR EXISTS (
            SELECT 1 FROM mention_spans m
            WHERE m.article_id = ap.article_id AND m.paragraph_id = ap.paragraph_id
              AND m.entity_id IN named))),
found AS MATERIALIZED (
    SELECT e.article_id, e.published, e.title, e.position, h.paragraph_id, h.rank
    FROM best h
    JOIN eligible e ON e.paragraph_id = h.paragraph_id
    ORDER BY h.rank
    LIMIT :limit),
enough AS MATERIALIZED (
    SELECT (SELECT count(*) FROM found) >= :limit
        OR (SELECT count(*) FROM best) < :limit + 1000 AS yes)
SELECT article_id, published, title, position,
       (SELECT snippet(paragraphs_fts, 0, '[', ']', '…', 16) FROM paragraphs_fts
        WHERE paragraphs_fts MATCH :q AND rowid = paragraph_id) AS excerpt,
       round(rank, 3) AS score
FROM (
    SELECT article_id, published, title, position, paragraph_id, rank FROM found
    WHERE (SELECT yes FROM enough)
    UNION ALL
    SELECT * FROM (
        SELECT e.article_id, e.published, e.title, e.position, h.paragraph_id, h.rank
        FROM (SELECT rowid AS paragraph_id, rank FROM paragraphs_fts
              WHERE paragraphs_fts MATCH :q
                AND (NOT (SELECT yes FROM rare) OR rowid IN in_rare)
              ORDER BY rank) h
        JOIN eligible e ON e.paragraph_id = h.paragraph_id
        ORDER BY h.rank
        LIMIT (SELECT CASE WHEN yes THEN 0 ELSE :limit END FROM enough)))
ORDER BY rank, article_id, position;
