-- speakers: The most-quoted people: their quotes, the articles they are quoted in, and their first quote.
-- :limit  integer = 20     rows to return
--
-- Ranked from the summary `speaker_stats` (V21), which the writer keeps equal to the counts
-- over `quote_spans`; the sample, the speaker's first quotation in the archive, is the first
-- entry of the index `quote_spans_speaker_id (speaker_id, article_id)` for the speaker, and
-- only its paragraph is read.
WITH top AS (
         SELECT s.speaker_id, e.name AS speaker, s.quotes, s.articles
         FROM speaker_stats s
         JOIN entities e ON e.id = s.speaker_id
         ORDER BY s.quotes DESC, s.articles DESC, e.name, s.speaker_id
         LIMIT :limit)
SELECT t.speaker,
       t.quotes,
       t.articles,
       (SELECT substr(p.text, s.char_start + 1, s.char_end - s.char_start)
        FROM quote_spans s JOIN paragraphs p ON p.id = s.paragraph_id
        WHERE s.speaker_id = t.speaker_id
        ORDER BY s.article_id, s.id LIMIT 1) AS sample
FROM top t
ORDER BY t.quotes DESC, t.articles DESC, t.speaker, t.speaker_id;
