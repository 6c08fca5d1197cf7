-- dossier schema V22: new LSH buckets wait in a small table and are filed into `article_lsh`
-- in key order, many batches at a time. A public contract; documented in docs/schema.md.
--
-- `article_lsh` is keyed by bucket, a 64-bit hash, so each batch of new articles puts its
-- rows (16 per article) on pages all over the table. Past half a million articles a batch of
-- 2,000 touched most of the table's leaves, and each touched page was written to the WAL and
-- back to the file at every commit: at a million articles that was over half of the pages a
-- batch wrote, more than the writer's page cache holds. Ingesting 40,000 `mixed` articles into
-- a 700,000-article archive took 56-61 s filing buckets every batch and 47-49 s not filing
-- them at all.
--
-- Now a batch files its buckets here, where they fit in the cache, and ingest moves them into
-- `article_lsh` when some 500,000 have gathered and when a run ends (finished or
-- interrupted): one pass over `article_lsh` in key order for many batches. Near-duplicate
-- lookups read both tables, so candidates are the same as with one table. Between runs this
-- table is empty, unless a run was killed outright (kill -9, a power cut): its rows wait here,
-- still found, until the next run ends.
CREATE TABLE article_lsh_pending (
    bucket      INTEGER NOT NULL,  -- as in article_lsh
    article_id  INTEGER NOT NULL REFERENCES articles (id),
    PRIMARY KEY (bucket, article_id)
) WITHOUT ROWID;
