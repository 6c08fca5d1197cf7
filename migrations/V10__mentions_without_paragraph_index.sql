-- dossier schema V10: `mentions` without its index on `paragraph_id` alone.
-- A public contract; documented in docs/schema.md. Same tables, columns and rows.
--
-- Why: nothing reads mentions by paragraph alone. Queries and views reach a paragraph's
-- mentions through its article, `mentions_article_id (article_id, paragraph_id)`. The index
-- served only SQLite's foreign-key check when a paragraph is deleted, which `reprocess` alone
-- does, and it was the dearest of the table's three: a paragraph shared with earlier articles
-- has an old id, so its mentions were filed at random places across the whole index. Copying
-- the 3.6 million mentions of a 100,000-article archive into the table with and without it took
-- 9.7 s and 5.4 s. `reprocess` builds a temporary index for its prune instead (see
-- src/store/write.rs, `prune_paragraphs`).

DROP INDEX mentions_paragraph_id;
