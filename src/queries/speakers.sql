-- speakers: The most-quoted people: their quotes, the articles they are quoted in, and their longest quote.
-- :limit  integer = 20     rows to return
SELECT q.speaker,
       count(*) AS quotes,
       count(DISTINCT q.article_id) AS articles,
       (SELECT s.text FROM v_quotes s WHERE s.speaker_id = q.speaker_id
        ORDER BY length(s.text) DESC, s.quote_id LIMIT 1) AS sample
FROM v_quotes q
GROUP BY q.speaker_id
ORDER BY quotes DESC, articles DESC, q.speaker, q.speaker_id
LIMIT :limit;
