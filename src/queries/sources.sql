-- sources: Outlets with their article counts and date ranges ('' for unknown outlets).
SELECT outlet, articles, first_published, last_published, words
FROM v_sources
ORDER BY articles DESC, outlet;
