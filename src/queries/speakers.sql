-- speakers: The most-quoted people: their quotes, the articles they are quoted in, and their first quote.
-- :limit  integer = 20     rows to return
--
-- Counted on the quote spans themselves (a quotation is a slice of its paragraph, as the view
-- `quotes` gives it), from the index `quote_spans_speaker_id (speaker_id, article_id)` alone;
-- the sample, the speaker's first quotation in the archive, is the first entry of that index
-- for the speaker, and only its paragraph is read.
WITH top AS (
         SELECT q.speaker_id, e.name AS speaker, count(*) AS quotes,
                count(DISTINCT q.article_id) AS articles
         FROM quote_spans q
         JOIN entities e ON e.id = q.speaker_id
         GROUP BY q.speaker_id
         ORDER BY quotes DESC, articles DESC, speaker, q.speaker_id
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
