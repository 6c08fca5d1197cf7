-- imports: The run log: every ingest and reprocess, newest first.
-- :limit  integer = 50     rows to return
SELECT id, command, status, started_at, finished_at, dossier_version, inputs, documents_new,
       articles_new, paragraphs_new, duplicates, near_duplicates, failed
FROM imports
ORDER BY id DESC
LIMIT :limit;
