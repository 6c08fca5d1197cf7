-- dossier schema V12: mentions are stored as spans, clustered by article, and read through the
-- view `mentions`, which has the same name, columns and rows as the table it replaces.
-- A public contract; documented in docs/schema.md.
--
-- Why: `mentions` was the archive's largest table after the raw documents (a quarter of a 100k
-- archive: 3.6 million rows, 234 MiB with its two indexes) and its insert the writer's dearest
-- statement. Two of its parts held nothing of their own:
-- - `surface` is, by definition, `substr(paragraphs.text, char_start + 1, char_end - char_start)`;
--   the view computes it from the paragraph instead of storing a copy;
-- - the rowid table and its index on `(article_id, paragraph_id)` were two B-trees in the same
--   order (an article's mentions are written together, ids rising); one WITHOUT ROWID table
--   keyed by `(article_id, id)` is both.
-- On the 100k benchmark archive this is 234 -> 151 MiB. The index by entity stays.
--
-- `id` is unique: the writer numbers an article's mentions after the highest id of the last
-- article, and articles are only ever appended (a `reprocess` clears every mention first).
-- The view finds `surface` with a subquery, which SQLite runs only where a query reads it:
-- `SELECT count(*) FROM mentions` counts the table's rows and reads no paragraph (a LEFT JOIN
-- was measured and not kept: SQLite did not leave it out of such counts).

CREATE TABLE mention_spans (
    article_id    INTEGER NOT NULL REFERENCES articles (id),
    id            INTEGER NOT NULL,  -- `mentions.id`
    entity_id     INTEGER NOT NULL REFERENCES entities (id),
    paragraph_id  INTEGER NOT NULL REFERENCES paragraphs (id),
    char_start    INTEGER NOT NULL,  -- 0-based character offsets into paragraphs.text,
    char_end      INTEGER NOT NULL,  -- end exclusive
    is_metonym    INTEGER NOT NULL DEFAULT 0 CHECK (is_metonym = 0 OR is_metonym = 1),
    PRIMARY KEY (article_id, id)
) WITHOUT ROWID;

-- Every stored surface is the slice its offsets name, or the upgrade is rolled back (the CHECK
-- fails unless the count is zero): the view must give back exactly what the table held.
CREATE TEMP TABLE v12_surface_check (mismatches INTEGER NOT NULL CHECK (mismatches = 0));
INSERT INTO v12_surface_check
SELECT count(*) FROM mentions m LEFT JOIN paragraphs p ON p.id = m.paragraph_id
WHERE substr(p.text, m.char_start + 1, m.char_end - m.char_start) IS NOT m.surface;
DROP TABLE v12_surface_check;

INSERT INTO mention_spans (article_id, id, entity_id, paragraph_id, char_start, char_end, is_metonym)
SELECT article_id, id, entity_id, paragraph_id, char_start, char_end, is_metonym
FROM mentions
ORDER BY article_id, id;

-- Ids rise in article order, as the writer relies on (see above), or the upgrade is rolled back.
CREATE TEMP TABLE v12_order_check (out_of_order INTEGER NOT NULL CHECK (out_of_order = 0));
INSERT INTO v12_order_check
SELECT count(*) FROM (SELECT id, lag(id) OVER (ORDER BY article_id, id) AS previous FROM mention_spans)
WHERE id <= previous;
DROP TABLE v12_order_check;

DROP TABLE mentions;
CREATE INDEX mention_spans_entity_id ON mention_spans (entity_id, article_id);

CREATE VIEW mentions AS
SELECT m.id,
       m.entity_id,
       m.article_id,
       m.paragraph_id,
       m.char_start,
       m.char_end,
       (SELECT substr(p.text, m.char_start + 1, m.char_end - m.char_start)
        FROM paragraphs p WHERE p.id = m.paragraph_id) AS surface,
       m.is_metonym
FROM mention_spans m;
