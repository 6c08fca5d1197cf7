-- dossier schema V2: near-duplicate articles.
--
-- A re-post with other boilerplate and a few edited words is a different article (its content
-- hash differs) but a near-duplicate of the first. Documented in docs/schema.md.

-- LSH buckets of each article's MinHash signature (128 permutations over 5-word shingles of its
-- content, cut into 16 bands of 8; each band hashed to one 64-bit value). Articles sharing a
-- bucket are near-duplicate candidates; the primary key keeps that lookup indexed.
CREATE TABLE article_lsh (
    bucket      INTEGER NOT NULL,  -- 64-bit hash of one band (the band number is hashed in)
    article_id  INTEGER NOT NULL REFERENCES articles (id),
    PRIMARY KEY (bucket, article_id)
) WITHOUT ROWID;

-- Pairs of articles whose content is nearly the same.
CREATE TABLE near_duplicates (
    article_id    INTEGER NOT NULL REFERENCES articles (id),  -- the later article
    duplicate_of  INTEGER NOT NULL REFERENCES articles (id),  -- the earlier one
    similarity    REAL    NOT NULL,  -- exact Jaccard similarity of their 5-word shingle sets
    PRIMARY KEY (article_id, duplicate_of),
    CHECK (duplicate_of < article_id)
) WITHOUT ROWID;
CREATE INDEX near_duplicates_duplicate_of ON near_duplicates (duplicate_of);

-- The run log counts the near-duplicate pairs each run found.
ALTER TABLE imports ADD COLUMN near_duplicates INTEGER NOT NULL DEFAULT 0;
