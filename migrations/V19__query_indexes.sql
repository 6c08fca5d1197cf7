-- dossier schema V19: indexes that let three named queries answer from an index at a million
-- articles. A public contract; documented in docs/schema.md. Same tables, columns and rows.
--
-- Measured on the 1,000,000-article `mixed` benchmark archive (examples/query-bench, medians):
-- `speakers` 805 ms, `near-duplicates` 908 ms and `sources` 712 ms, each reading every row of
-- a large table at random through an index that lacked the columns the query reads.

-- `speakers` counts each speaker's quotes and distinct articles: with the article in the index,
-- the count reads the index alone, in speaker order.
DROP INDEX quote_spans_speaker_id;
CREATE INDEX quote_spans_speaker_id ON quote_spans (speaker_id, article_id);

-- `near-duplicates` lists pairs most similar first: the index is that order, so the query
-- reads its first rows and stops.
CREATE INDEX near_duplicates_similarity
    ON near_duplicates (similarity DESC, article_id, duplicate_of);

-- `v_sources` (and `sources`) groups articles by outlet ('' for none) with their dates and
-- words: this index holds all of it, in group order.
CREATE INDEX articles_sources ON articles (coalesce(outlet, ''), published, words);
