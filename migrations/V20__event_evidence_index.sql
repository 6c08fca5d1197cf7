-- dossier schema V20: an index that finds an event's first mention at once.
-- A public contract; documented in docs/schema.md. Same tables, columns and rows.
--
-- `v_events.evidence` (and `v_timeline`, `timeline`, the report) is the sentence of an event's
-- first mention, `ORDER BY em.id LIMIT 1` among the event's mentions. The index on
-- `(event_id, article_id)` gives them in article order, so SQLite read every mention of the
-- event to find the first: an event a flood of one story tells 92,863 times took the default
-- `timeline` to 103 ms on the 100,000-article `flood` benchmark archive. In this index the
-- first mention is the first entry.
CREATE INDEX event_mention_spans_event_first ON event_mention_spans (event_id, id);
