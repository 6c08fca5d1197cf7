-- dossier schema V9: `article_paragraphs` as before, with its `role` CHECK written as three
-- comparisons instead of `role IN ('title', 'content', 'boilerplate')`.
-- A public contract; documented in docs/schema.md. Same columns, keys, index and meaning.
--
-- Why: SQLite evaluates `x IN (a, b, c)` over three or more constants by building a temporary
-- table of the constants each time the statement runs, and a CHECK runs at every inserted row:
-- the table's 16 KiB page was allocated, zeroed and freed once per paragraph of every article
-- (about 15% of the ingest writer's instructions). Two constants or `=` comparisons cost nothing
-- of the kind.
--
-- SQLite cannot change a constraint in place, so the table is rebuilt through a copy. The
-- views that read `article_paragraphs` name it, not its definition, and keep working.

CREATE TABLE article_paragraphs_v8 AS SELECT * FROM article_paragraphs;
DROP TABLE article_paragraphs;

CREATE TABLE article_paragraphs (
    article_id    INTEGER NOT NULL REFERENCES articles (id),
    position      INTEGER NOT NULL,  -- 0-based order in the article
    paragraph_id  INTEGER NOT NULL REFERENCES paragraphs (id),
    role          TEXT    NOT NULL
                  CHECK (role = 'title' OR role = 'content' OR role = 'boilerplate'),
    rule          TEXT    NOT NULL,  -- why the classifier chose the role
    line_start    INTEGER NOT NULL,  -- 1-based first line in the document's raw text
    line_end      INTEGER NOT NULL,  -- 1-based last line, inclusive
    PRIMARY KEY (article_id, position)
) WITHOUT ROWID;

INSERT INTO article_paragraphs (article_id, position, paragraph_id, role, rule, line_start, line_end)
SELECT article_id, position, paragraph_id, role, rule, line_start, line_end
FROM article_paragraphs_v8
ORDER BY article_id, position;
DROP TABLE article_paragraphs_v8;

CREATE INDEX article_paragraphs_paragraph_id ON article_paragraphs (paragraph_id, role);
