-- dossier schema V15: the run log says how each run ended.
-- A public contract; documented in docs/schema.md.
--
-- `imports.status` is 'running' while a run goes on, 'finished' when it ran to its end, and
-- 'interrupted' when it was stopped by Ctrl-C (or SIGTERM) and committed what it had read
-- before stopping: `finished_at` is then when it stopped, and the counts cover what was
-- committed. A run killed outright (kill -9, a power cut) cannot write anything more: it stays
-- 'running' with `finished_at` NULL, as such runs did before.

ALTER TABLE imports ADD COLUMN status TEXT NOT NULL DEFAULT 'running'
    CHECK (status IN ('running', 'finished', 'interrupted'));

UPDATE imports SET status = 'finished' WHERE finished_at IS NOT NULL;
