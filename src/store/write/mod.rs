//! The write path: the run log, and [`Batch`], which groups articles into transactions.
//!
//! The rows of one article are written by table family: `articles` (documents, sightings,
//! articles, paragraphs and their links), `entities` (mentions, quotes, discovered entities,
//! the gazetteer) and `events` (events and the rule that merges what several articles tell).
//!
//! Deduplication is by UNIQUE constraints (`ON CONFLICT (sha256) DO NOTHING`): a lookup may
//! come first where most rows exist already, but the constraint, not the lookup, decides, so
//! two writers can never both insert the same content. Every statement is a `const` beside the
//! function that binds it and runs through `prepare_cached`.
//!
//! [`Batch`] groups articles into transactions. An article is atomic because its batch is: any
//! error rolls the open batch back and ends the run, and a crash or kill loses at most the
//! uncommitted batch, never half an article; re-running the ingest completes it.
//!
//! There is deliberately no savepoint per article. Measured on a 2,000-article corpus, FTS5
//! flushes its pending index at every savepoint (23% of ingest time, plus the merging of the tiny
//! segments that leaves) and SQLite writes a sub-journal (15%); since a database error aborts the
//! run anyway, a savepoint would only roll back less of what is thrown away regardless.

mod articles;
mod entities;
mod events;

use std::sync::Arc;

use articles::{
    KnownParagraphs, LINK_DOCUMENT, PendingReuse, article_for, store_article, write_article,
};
use entities::sync_gazetteer;
use events::sync_cameo;

use rusqlite::{Connection, OptionalExtension, named_params};

use crate::clean::minhash;
use crate::error::Result;
use crate::extract::Resources;
use crate::extract::cameo::Taxonomy;
use crate::pipeline::Prepared;
use crate::source::{Meta, RawInput};
use crate::store::Store;
use crate::store::checkpoint::{self, Checkpointer};
use crate::store::near_duplicates::PendingNearDuplicates;
use crate::store::read::{PendingLineCounts, WriterLineCounts};
use crate::store::summary::Summaries;
use crate::text::hashing::ContentHash;

/// Counters of one run, mirrored into its `imports` row.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Inputs read, failed ones included.
    pub inputs: u64,
    /// Raw inputs never seen before.
    pub documents_new: u64,
    /// Contents never seen before.
    pub articles_new: u64,
    /// Paragraphs never seen before.
    pub paragraphs_new: u64,
    /// Inputs whose content was already archived.
    pub duplicates: u64,
    /// Inputs refused with an error.
    pub failed: u64,
    /// Near-duplicate pairs found.
    pub near_duplicates: u64,
    /// Transactions committed (not stored in `imports`).
    pub commits: u64,
}

/// How a run ended, as `imports.status` records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// It ran to its end.
    Finished,
    /// It was stopped (Ctrl-C) and committed what it had read.
    Interrupted,
}

/// What storing one input did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// A new article, with this many new paragraphs.
    NewArticle {
        /// Paragraphs not stored before.
        paragraphs_new: u64,
    },
    /// A new document whose content is an archived article.
    NewDocument,
    /// A raw input seen before, byte for byte.
    SeenDocument,
}

const INSERT_IMPORT: &str = "
    INSERT INTO imports (command, started_at, dossier_version)
    VALUES (:command, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), :version)";

/// Record the start of a run and return its id. Commits at once, so the run log shows runs that
/// were killed (their `finished_at` stays NULL).
///
/// A plain INSERT run to completion, not `RETURNING id` read with `query_row`: that stops after
/// the first row, and the statement's own commit, which a full disk fails, happens later, in a
/// reset whose error nobody sees. The run then went on with the id of a row never stored.
pub fn begin_import(store: &Store, command: &str) -> Result<i64> {
    store
        .conn()
        .prepare_cached(INSERT_IMPORT)
        .and_then(|mut s| {
            s.execute(named_params! {":command": command, ":version": env!("CARGO_PKG_VERSION")})
        })
        .map(|_| store.conn().last_insert_rowid())
        .map_err(|e| store.error(e))
}

/// Record how a run ended outside any batch: a run whose work was rolled back (an interrupted
/// `reprocess`) ends with no counts.
pub fn end_import(store: &Store, id: i64, ending: Ending) -> Result<()> {
    update_import(store.conn(), id, &Counts::default(), Some(ending)).map_err(|e| store.error(e))
}

const UPDATE_IMPORT: &str = "
    UPDATE imports SET inputs = :inputs, documents_new = :documents_new,
        articles_new = :articles_new, paragraphs_new = :paragraphs_new,
        duplicates = :duplicates, failed = :failed, near_duplicates = :near_duplicates,
        status = coalesce(:status, status),
        finished_at = CASE WHEN :status IS NOT NULL THEN strftime('%Y-%m-%dT%H:%M:%fZ', 'now') END
    WHERE id = :id";

/// Write a run's counts, and how it ended once it has.
fn update_import(
    conn: &Connection,
    id: i64,
    c: &Counts,
    ending: Option<Ending>,
) -> rusqlite::Result<()> {
    let status = ending.map(|e| match e {
        Ending::Finished => "finished",
        Ending::Interrupted => "interrupted",
    });
    #[allow(clippy::cast_possible_wrap)] // counts of inputs, far below i64::MAX
    let p = |n: u64| n as i64;
    conn.prepare_cached(UPDATE_IMPORT)?.execute(named_params! {
        ":id": id, ":inputs": p(c.inputs), ":documents_new": p(c.documents_new),
        ":articles_new": p(c.articles_new), ":paragraphs_new": p(c.paragraphs_new),
        ":duplicates": p(c.duplicates), ":failed": p(c.failed), ":status": status,
        ":near_duplicates": p(c.near_duplicates),
    })?;
    Ok(())
}

/// Inputs written per transaction by default (`dossier ingest --batch-size`). Every commit
/// writes each page the batch dirtied, and new paragraphs land all over the paragraph-hash
/// index, so larger batches write the same index pages fewer times. Measured on 100k
/// generated articles: 500 took 156-182 s, 2,000 took 141 s with half the system time. The
/// cost of a crash is re-reading one batch (a re-run skips everything committed), and readers
/// see new articles a batch at a time.
pub const BATCH_SIZE: usize = 2000;

/// A run's open transaction: articles go in through [`Batch::article`]; the counts ride along
/// and are written into the run's `imports` row with every commit.
#[derive(Debug)]
pub struct Batch<'s> {
    store: &'s Store,
    import_id: i64,
    /// The run's counters.
    pub counts: Counts,
    /// Jaccard similarity at or above which a new article is recorded as a near-duplicate.
    pub near_duplicate_threshold: f64,
    /// Inputs per transaction: [`BATCH_SIZE`], or unbounded for a one-transaction rebuild.
    commit_every: usize,
    /// Remove paragraphs no article uses when finishing (after a rebuild).
    prune_paragraphs: bool,
    /// The gazetteer and taxonomy the articles were prepared with.
    resources: &'s Resources,
    /// `entities.id` of each gazetteer entity, filled in the run's first transaction.
    entity_ids: Vec<i64>,
    pending: usize,
    open: bool,
    /// Paragraphs with ids above this were added by the open batch and are not yet in the FTS
    /// index; they are indexed just before the batch commits.
    indexed_up_to: i64,
    /// The open batch's additions to the summary tables, written just before it commits.
    summaries: Summaries,
    /// New articles whose near-duplicates are looked for a few thousand at a time (see
    /// [`PendingNearDuplicates`]), and at the latest just before the batch commits.
    near_duplicates: PendingNearDuplicates,
    /// Ids of paragraphs looked up or stored lately, so that a paragraph many documents repeat
    /// (a site's header or footer line) is not looked up in the archive every time.
    known_paragraphs: KnownParagraphs,
    /// The open batch's additions to `paragraph_reuse`, written just before it commits.
    reuse: PendingReuse,
    /// The open batch's line counts, written to `line_counts` just before it commits, and
    /// shared with the prepare workers (see [`PendingLineCounts`]).
    line_counts: Arc<PendingLineCounts>,
    /// The thread that checkpoints the WAL after each commit, if the run asked for one.
    checkpointer: Option<Checkpointer>,
}

impl<'s> Batch<'s> {
    /// Start collecting writes for the run `import_id`, of articles prepared with `resources`.
    #[must_use]
    pub fn new(store: &'s Store, import_id: i64, resources: &'s Resources) -> Self {
        Self {
            store,
            import_id,
            resources,
            counts: Counts::default(),
            near_duplicate_threshold: minhash::DEFAULT_THRESHOLD,
            commit_every: BATCH_SIZE,
            prune_paragraphs: false,
            entity_ids: Vec::new(),
            pending: 0,
            open: false,
            indexed_up_to: 0,
            summaries: Summaries::default(),
            near_duplicates: PendingNearDuplicates::default(),
            known_paragraphs: KnownParagraphs::default(),
            reuse: PendingReuse::default(),
            line_counts: Arc::default(),
            checkpointer: None,
        }
    }

    /// Checkpoint the WAL on a thread of its own after each commit (see
    /// [`crate::store::checkpoint`]), for a run of many commits: `ingest`. The writer's own
    /// automatic checkpoint stays as a backstop, at a higher mark.
    pub fn checkpoint_in_background(&mut self) -> Result<()> {
        self.conn()
            .execute_batch(&format!(
                "PRAGMA wal_autocheckpoint = {}",
                checkpoint::BACKSTOP_PAGES
            ))
            .map_err(|e| self.store.error(e))?;
        self.checkpointer = Some(Checkpointer::start(self.store.path()));
        Ok(())
    }

    /// Commit every `inputs` inputs (at least one) instead of every [`BATCH_SIZE`].
    pub fn commit_every(&mut self, inputs: usize) {
        self.commit_every = inputs.max(1);
    }

    /// The open batch's line counts, for the prepare workers to add to the committed ones.
    #[must_use]
    pub fn line_counts_ahead(&self) -> Arc<PendingLineCounts> {
        Arc::clone(&self.line_counts)
    }

    /// `line_counts` as this batch sees it: the table and the open batch's counts.
    #[must_use]
    pub fn exact_line_counts(&self) -> WriterLineCounts<'_> {
        WriterLineCounts::new(self.store, &self.line_counts)
    }

    /// The archive this batch writes to.
    #[must_use]
    pub fn store(&self) -> &'s Store {
        self.store
    }

    fn conn(&self) -> &Connection {
        self.store.conn()
    }

    /// Fail if SQLite rolled the open transaction back on its own (it may, on a full disk or
    /// an I/O error, whichever statement met it): without this check the next statements would
    /// each commit on their own, and a batch could be stored in part.
    fn ensure_transaction(&mut self) -> Result<()> {
        if self.open && self.conn().is_autocommit() {
            self.rollback();
            return Err(self.store.error(rusqlite::Error::SqliteFailure(
                rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_ABORT_ROLLBACK),
                Some("SQLite rolled the open batch back after an earlier error".into()),
            )));
        }
        Ok(())
    }

    fn begin(&mut self) -> Result<()> {
        if !self.open {
            self.conn()
                .execute_batch("BEGIN IMMEDIATE")
                .map_err(|e| self.store.error(e))?;
            self.open = true;
            self.indexed_up_to = self
                .conn()
                .query_row("SELECT coalesce(max(id), 0) FROM paragraphs", [], |r| {
                    r.get(0)
                })
                .map_err(|e| self.store.error(e))?;
            if self.entity_ids.is_empty() {
                self.entity_ids = sync_gazetteer(self.conn(), &self.resources.gazetteer)
                    .and_then(|ids| sync_cameo(self.conn(), &self.resources.taxonomy).map(|()| ids))
                    .map_err(|e| self.store.error(e))?;
            }
        }
        Ok(())
    }

    /// Look up a raw input by its hash: `(document_id, article_id)` if archived.
    pub fn find_document(&mut self, sha256: &ContentHash) -> Result<Option<i64>> {
        self.begin()?;
        self.conn()
            .prepare_cached("SELECT id FROM documents WHERE sha256 = ?1")
            .and_then(|mut s| s.query_row([sha256.hex()], |r| r.get(0)).optional())
            .map_err(|e| self.store.error(e))
    }

    /// Store one input: a sighting of a known document, or a new
    /// document with its article. `prepared` is needed only when `document_id` is `None`.
    pub fn article(
        &mut self,
        input: &RawInput,
        document_sha: &ContentHash,
        known_document: Option<i64>,
        prepared: Option<&Prepared>,
    ) -> Result<Outcome> {
        self.begin()?;
        self.ensure_transaction()?;
        let conn = self.store.conn();
        let import_id = self.import_id;
        let outcome = match write_article(
            conn,
            import_id,
            &mut self.context(),
            input,
            document_sha,
            known_document,
            prepared,
        ) {
            Ok(outcome) => outcome,
            Err(e) => {
                // Any database error ends the run: roll the whole open batch back so no part of
                // this article (or of the batch's counts) is ever committed.
                self.rollback();
                return Err(self.store.error(e));
            }
        };
        if let (Some(article), None) = (prepared, known_document) {
            self.count_lines(&input.meta, article);
        }
        self.count(outcome);
        self.pending += 1;
        if self.pending >= self.commit_every {
            self.commit()?;
        } else {
            self.flush_large()?;
        }
        Ok(outcome)
    }

    /// Write the counts and commit the open transaction, if any.
    pub fn commit(&mut self) -> Result<()> {
        self.begin()?;
        self.ensure_transaction()?;
        self.flush_all()?;
        index_new_paragraphs(self.conn(), self.indexed_up_to)
            .and_then(|()| update_import(self.conn(), self.import_id, &self.counts, None))
            .and_then(|()| self.conn().execute_batch("COMMIT"))
            .map_err(|e| self.store.error(e))?;
        self.open = false;
        self.pending = 0;
        self.counts.commits += 1;
        if let Some(checkpointer) = &self.checkpointer {
            checkpointer.committed();
        }
        Ok(())
    }

    /// Write the summary deltas gathered so far into the open transaction.
    fn flush_summaries(&mut self) -> Result<()> {
        self.summaries
            .flush(self.store.conn())
            .map_err(|e| self.store.error(e))
    }

    /// Write the open batch's additions to `paragraph_reuse`.
    fn flush_reuse(&mut self) -> Result<()> {
        self.reuse
            .flush(self.store.conn())
            .map_err(|e| self.store.error(e))
    }

    /// Look for the near-duplicates of the articles waiting for it, and file their buckets.
    fn flush_near_duplicates(&mut self) -> Result<()> {
        let found = self
            .near_duplicates
            .flush(self.store.conn(), self.near_duplicate_threshold)
            .map_err(|e| self.store.error(e))?;
        self.counts.near_duplicates += found;
        Ok(())
    }

    /// Count a new document's short lines (each once) under its outlet, for `line_counts`.
    fn count_lines(&self, meta: &Meta, article: &Prepared) {
        let outlet = meta.outlet.as_deref().unwrap_or("");
        self.line_counts.add(outlet, &line_keys(article));
    }

    /// Write what the open batch has gathered past its bounds, so a one-transaction rebuild
    /// does not hold it all.
    fn flush_large(&mut self) -> Result<()> {
        if self.summaries.is_large() {
            self.flush_summaries()?;
        }
        if self.line_counts.len() > MAX_PENDING_LINES {
            self.flush_line_counts()?;
        }
        if self.near_duplicates.is_large() {
            self.flush_near_duplicates()?;
        }
        if self.reuse.is_large() {
            self.flush_reuse()?;
        }
        Ok(())
    }

    /// Write everything the open batch has gathered, before it commits.
    fn flush_all(&mut self) -> Result<()> {
        self.flush_summaries()?;
        self.flush_line_counts()?;
        self.flush_near_duplicates()?;
        self.flush_reuse()
    }

    /// Add the line counts gathered so far to `line_counts`, in the open transaction.
    ///
    /// They leave the shared counts before the table holds them, so a worker may briefly see
    /// fewer lines than the writer will (it then classifies again, on the writer), never more,
    /// which `pipeline::with_counts` relies on.
    fn flush_line_counts(&mut self) -> Result<()> {
        let counts = self.line_counts.take();
        let conn = self.store.conn();
        let mut upsert = conn
            .prepare_cached(COUNT_LINES)
            .map_err(|e| self.store.error(e))?;
        for (key, outlet, documents) in counts {
            upsert
                .execute(rusqlite::params![
                    crate::store::read::line_key_hex(key),
                    outlet,
                    documents
                ])
                .map_err(|e| self.store.error(e))?;
        }
        Ok(())
    }

    fn count(&mut self, outcome: Outcome) {
        match outcome {
            Outcome::NewArticle { paragraphs_new } => {
                self.counts.documents_new += 1;
                self.counts.articles_new += 1;
                self.counts.paragraphs_new += paragraphs_new;
            }
            Outcome::NewDocument => {
                self.counts.documents_new += 1;
                self.counts.duplicates += 1;
            }
            Outcome::SeenDocument => self.counts.duplicates += 1,
        }
    }

    /// Start a rebuild (`dossier reprocess`): one transaction for the whole run, and every
    /// derived row removed (articles, their paragraph links, near-duplicates and LSH buckets;
    /// documents unlinked). Paragraphs stay: they are content-addressed, so those still used
    /// keep their ids, and [`Batch::finish`] prunes the rest.
    pub fn clear_derived(&mut self) -> Result<()> {
        self.commit_every = usize::MAX;
        self.prune_paragraphs = true;
        // Each statement inside a transaction keeps a journal of the pages it changes, to undo
        // just itself; clearing rewrites whole tables, so in memory (`temp_store = MEMORY`) the
        // journal of `UPDATE documents` alone was the size of every raw document (a 100k
        // archive peaked at 405 MiB). In a temporary file it costs disk, briefly. This must be
        // set outside a transaction, and holds for the rest of this one-command connection.
        self.conn()
            .execute_batch("PRAGMA temp_store = FILE")
            .map_err(|e| self.store.error(e))?;
        self.begin()?;
        let conn = self.conn();
        CHUNKED_CLEAR
            .iter()
            .try_for_each(|(table, key)| delete_all_in_chunks(conn, table, key))
            .and_then(|()| conn.execute_batch(CLEAR_DERIVED))
            .map_err(|e| self.store.error(e))
    }

    /// What writing one article needs from the batch.
    fn context(&mut self) -> ArticleContext<'_> {
        ArticleContext {
            known_paragraphs: &mut self.known_paragraphs,
            reuse: &mut self.reuse,
            near_duplicates: &mut self.near_duplicates,
            entity_ids: &self.entity_ids,
            taxonomy: &self.resources.taxonomy,
            summaries: &mut self.summaries,
        }
    }

    /// Rebuild the article of an archived document from its prepared text (after
    /// [`Batch::clear_derived`]). The document's raw text is never touched.
    pub fn rebuild(
        &mut self,
        document_id: i64,
        meta: &Meta,
        prepared: &Prepared,
    ) -> Result<Outcome> {
        self.begin()?;
        let conn = self.store.conn();
        let mut ctx = self.context();
        let outcome = article_for(conn, prepared).and_then(|target| {
            let outcome = store_article(conn, target, document_id, prepared, &mut ctx)?;
            conn.prepare_cached(LINK_DOCUMENT)?
                .execute(named_params! {":article_id": target.id(), ":id": document_id})?;
            Ok(outcome)
        });
        let outcome = match outcome {
            Ok(outcome) => outcome,
            Err(e) => {
                self.rollback();
                return Err(self.store.error(e));
            }
        };
        self.count_lines(meta, prepared);
        self.count(outcome);
        self.flush_large()?;
        Ok(outcome)
    }

    /// Commit and mark the run finished.
    pub fn finish(self) -> Result<Counts> {
        self.end(Ending::Finished)
    }

    /// Commit what was stored and mark the run interrupted.
    pub fn interrupt(self) -> Result<Counts> {
        self.end(Ending::Interrupted)
    }

    /// Commit the last batch and record how the run ended.
    fn end(mut self, ending: Ending) -> Result<Counts> {
        // The last commit and closing the connection fold in the rest of the WAL.
        self.checkpointer = None;
        self.begin()?;
        self.ensure_transaction()?;
        self.flush_all()?;
        // Between runs every bucket is in `article_lsh`, where users' SQL looks for it; the
        // pending rows of a run killed outright are filed here too.
        PendingNearDuplicates::file_pending(self.store.conn()).map_err(|e| self.store.error(e))?;
        index_new_paragraphs(self.conn(), self.indexed_up_to)
            .and_then(|()| {
                if self.prune_paragraphs {
                    prune_paragraphs(self.conn())
                } else {
                    Ok(())
                }
            })
            .and_then(|()| update_import(self.conn(), self.import_id, &self.counts, Some(ending)))
            .and_then(|()| self.conn().execute_batch("COMMIT"))
            .map_err(|e| self.store.error(e))?;
        self.open = false;
        self.counts.commits += 1;
        // Statistics let the query planner see, for one, that walking articles in date order
        // beats sorting every quote. Best effort: the run is committed, and without statistics
        // queries are slower, not wrong.
        let _ = self.conn().execute_batch(REFRESH_STATISTICS);
        Ok(self.counts)
    }
}

impl Batch<'_> {
    fn rollback(&mut self) {
        if self.open {
            // Best effort: if ROLLBACK itself fails, SQLite rolls back when the connection closes.
            let _ = self.store.conn().execute_batch("ROLLBACK");
            self.open = false;
            self.summaries.clear();
            self.line_counts.clear();
            self.near_duplicates.clear();
            self.reuse.clear();
            // Paragraphs stored by the rolled-back batch are gone, and their ids with them.
            self.known_paragraphs.clear();
        }
    }
}

impl Drop for Batch<'_> {
    fn drop(&mut self) {
        // An error ended the run early: keep what was committed, drop the partial batch.
        self.rollback();
    }
}

/// The large derived tables, cleared first, a range of rows at a time (see
/// [`delete_all_in_chunks`]), children before their parents: each with the column that leads
/// its key (`mention_spans` has no rowid; its key begins with `article_id`).
const CHUNKED_CLEAR: [(&str, &str); 3] = [
    ("event_mention_spans", "rowid"),
    ("quote_spans", "rowid"),
    ("mention_spans", "article_id"),
];
/// The rest of the derived rows, after [`CHUNKED_CLEAR`].
const CLEAR_DERIVED: &str = "
    DELETE FROM events;
    DELETE FROM entity_stats;
    DELETE FROM entity_pairs;
    DELETE FROM source_stats;
    DELETE FROM speaker_stats;
    DELETE FROM paragraph_reuse;
    UPDATE documents SET article_id = NULL WHERE article_id IS NOT NULL;
    DELETE FROM near_duplicates;
    DELETE FROM article_lsh_pending;
    DELETE FROM article_lsh;
    DELETE FROM article_paragraphs;
    DELETE FROM articles;
    DELETE FROM line_counts;";
/// Statistics for the query planner, refreshed where they have gone stale, at the end of a run.
/// `PRAGMA optimize` with every table checked (0x10000), analysing (0x02) each table that has
/// an index without statistics or has grown or shrunk tenfold since it was last analysed, with
/// a sampling limit (0x10). A plain `ANALYZE`, even with `analysis_limit`, counts every row of
/// every table and index, which reads the whole archive: 3 to 7 s at the end of any run into a
/// million-article archive, ten articles or a million. Analysing at tenfold steps reads the
/// archive about once more over its life, and the sizes the planner compares stay in
/// proportion, since the tables grow together.
const REFRESH_STATISTICS: &str = "PRAGMA optimize(0x10012)";

/// Rows deleted per statement by [`delete_all_in_chunks`].
const DELETE_CHUNK: i64 = 65_536;

/// Delete every row of `table`, about [`DELETE_CHUNK`] rows at a time, in the order of `key`,
/// the column that leads its key (its rowid, or the first column of a WITHOUT ROWID table's
/// primary key; a chunk ends with every row of its last key value). With foreign keys on,
/// SQLite cannot just drop a table's pages: it first gathers the key of every row it will
/// delete, in memory, then deletes them one by one. For mentions that memory grew with the
/// archive (`reprocess` of 200k generated articles peaked at 446 MiB while clearing).
fn delete_all_in_chunks(conn: &Connection, table: &str, key: &str) -> rusqlite::Result<()> {
    let mut cut = conn.prepare(&format!(
        "SELECT {key} FROM {table} ORDER BY {key} LIMIT 1 OFFSET {}",
        DELETE_CHUNK - 1
    ))?;
    let mut delete_to = conn.prepare(&format!("DELETE FROM {table} WHERE {key} <= ?1"))?;
    while let Some(last) = cut.query_row([], |r| r.get::<_, i64>(0)).optional()? {
        delete_to.execute([last])?;
    }
    conn.execute(&format!("DELETE FROM {table}"), [])?; // fewer than a chunk left
    Ok(())
}

/// Paragraphs no article uses any more (after a rebuild).
const UNUSED_PARAGRAPHS: &str =
    "NOT EXISTS (SELECT 1 FROM article_paragraphs ap WHERE ap.paragraph_id = paragraphs.id)";
/// Every column that refers to `paragraphs`, as (table, column).
const PARAGRAPH_REFERENCES: &str = "
    SELECT m.name, f.\"from\" FROM sqlite_schema m, pragma_foreign_key_list(m.name) f
    WHERE m.type = 'table' AND f.\"table\" = 'paragraphs'
    ORDER BY m.name";
/// Above this many unused paragraphs, [`prune_paragraphs`] indexes the referring columns first.
const PRUNE_INDEX_AT: i64 = 16;
/// The writer's page cache while [`prune_paragraphs`] builds its indexes, in KiB.
const PRUNE_CACHE_KIB: u32 = 32_768;

/// Delete the paragraphs no article uses any more; the delete trigger takes each out of the
/// full-text index too.
///
/// With foreign keys on, SQLite looks, for every deleted paragraph, for rows still referring to
/// it. A referring column without an index (`mentions.paragraph_id` since V10; `quotes` and
/// `event_mentions` never had one) means a full scan of its table per deleted paragraph, and
/// after a change of segmentation thousands may go. So past [`PRUNE_INDEX_AT`] of them, each
/// such column gets an index for the prune's duration, inside the rebuild's transaction (one
/// sort instead of a scan per paragraph), dropped before the commit.
fn prune_paragraphs(conn: &Connection) -> rusqlite::Result<()> {
    // Counted only as far as the decision needs: the delete below finds them all anyway.
    let unused: i64 = conn.query_row(
        &format!(
            "SELECT count(*) FROM (SELECT 1 FROM paragraphs WHERE {UNUSED_PARAGRAPHS} LIMIT {})",
            PRUNE_INDEX_AT + 1
        ),
        [],
        |r| r.get(0),
    )?;
    if unused == 0 {
        return Ok(());
    }
    let index_first = unused > PRUNE_INDEX_AT;
    let mut temporary = Vec::new();
    if index_first {
        // SQLite sorts an index's keys in memory up to the page cache's size before it spills
        // to temporary files: with the writer's full 256 MiB cache beside it, indexing the
        // mentions of a 100k archive took peak RSS from 320 to 431 MiB, growing with the
        // archive. A smaller cache for the prune's duration bounds both.
        super::set_cache_kib(conn, PRUNE_CACHE_KIB)?;
        let references = conn
            .prepare(PARAGRAPH_REFERENCES)?
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        for (table, column) in references {
            if !is_indexed(conn, &table, &column)? {
                let index = format!("prune_{table}_{column}");
                conn.execute_batch(&format!(
                    "CREATE INDEX \"{index}\" ON \"{table}\" (\"{column}\")"
                ))?;
                temporary.push(index);
            }
        }
    }
    conn.execute(
        &format!("DELETE FROM paragraphs WHERE {UNUSED_PARAGRAPHS}"),
        [],
    )?;
    for index in temporary {
        conn.execute_batch(&format!("DROP INDEX \"{index}\""))?;
    }
    if index_first {
        super::set_cache_kib(conn, super::WRITER_CACHE_KIB)?;
    }
    Ok(())
}

/// Whether `column` leads an index of `table` (a WITHOUT ROWID table's primary key included) or
/// is its rowid, so that a foreign-key check finds the rows that refer to a parent by seeking.
/// Not a query plan: once `ANALYZE` has run, SQLite may plan a lookup by the second column of
/// an index as a skip-scan, which is no cheaper, per deleted row, than a scan.
const LEADS_AN_INDEX: &str = "
    SELECT EXISTS (SELECT 1 FROM pragma_index_list(?1) il, pragma_index_info(il.name) ii
                   WHERE ii.seqno = 0 AND ii.name = ?2)
        OR EXISTS (SELECT 1 FROM pragma_table_info(?1)
                   WHERE name = ?2 AND pk = 1 AND lower(type) = 'integer'
                     AND (SELECT count(*) FROM pragma_table_info(?1) WHERE pk > 0) = 1)";

fn is_indexed(conn: &Connection, table: &str, column: &str) -> rusqlite::Result<bool> {
    conn.query_row(LEADS_AN_INDEX, [table, column], |r| r.get(0))
}

const COUNT_LINES: &str = "
    INSERT INTO line_counts (line_key, outlet, documents) VALUES (?1, ?2, ?3)
    ON CONFLICT (line_key, outlet) DO UPDATE SET documents = documents + excluded.documents";
/// Distinct lines the open batch may count before they are written (a `reprocess` is one
/// batch): a few MiB.
const MAX_PENDING_LINES: usize = 65_536;

/// A document's distinct short lines.
fn line_keys(article: &Prepared) -> Vec<i64> {
    let mut keys: Vec<i64> = article
        .paragraphs
        .iter()
        .filter_map(|p| p.line_key)
        .collect();
    keys.sort_unstable();
    keys.dedup();
    keys
}

const INDEX_PARAGRAPHS: &str = "
    INSERT INTO paragraphs_fts (rowid, text) SELECT id, text FROM paragraphs WHERE id > ?1";

/// Add the paragraphs written since the batch began to the full-text index: one statement per
/// batch (see the migration for why not a trigger).
fn index_new_paragraphs(conn: &Connection, after: i64) -> rusqlite::Result<()> {
    conn.prepare_cached(INDEX_PARAGRAPHS)?.execute([after])?;
    Ok(())
}

/// What writing an article needs besides the article.
struct ArticleContext<'a> {
    /// Ids of paragraphs this run has looked up or stored.
    known_paragraphs: &'a mut KnownParagraphs,
    /// The batch's additions to `paragraph_reuse`.
    reuse: &'a mut PendingReuse,
    /// New articles waiting for their near-duplicate check.
    near_duplicates: &'a mut PendingNearDuplicates,
    /// `entities.id` of each gazetteer entity, by index.
    entity_ids: &'a [i64],
    /// The CAMEO codes events name by index.
    taxonomy: &'a Taxonomy,
    /// The batch's additions to the summary tables.
    summaries: &'a mut Summaries,
}

/// Run an `INSERT ... ON CONFLICT DO NOTHING` and return the new row's id, or `None` if the row
/// existed. Not `RETURNING id`: SQLite runs a RETURNING statement as one that may write several
/// rows, so inside a transaction each one opened a statement journal and copied every page it
/// was about to change (16 KiB apiece) into it, in case it had to undo itself.
fn inserted_id(
    conn: &Connection,
    insert: &mut rusqlite::Statement<'_>,
    params: impl rusqlite::Params,
) -> rusqlite::Result<Option<i64>> {
    Ok((insert.execute(params)? == 1).then(|| conn.last_insert_rowid()))
}

/// SQLite integers are `i64`; sizes and positions here are far below its range.
fn int(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::articles::*;
    use super::entities::*;
    use super::events::*;
    use super::*;

    /// `EXPLAIN`'s opcodes for `sql`.
    fn opcodes(conn: &Connection, sql: &str) -> Vec<String> {
        let mut explain = conn.prepare(&format!("EXPLAIN {sql}")).unwrap();
        let mut rows = explain.raw_query(); // parameters left unbound: EXPLAIN does not run it
        let mut ops = Vec::new();
        while let Some(row) = rows.next().unwrap() {
            ops.push(row.get(1).unwrap());
        }
        ops
    }

    #[test]
    fn chunked_delete_removes_every_row() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE t (id INTEGER PRIMARY KEY, x)")
            .unwrap();
        // Several chunks' worth, with gaps, at both ends of the rowid range.
        let mut insert = conn
            .prepare("INSERT INTO t (id, x) VALUES (?1, 0)")
            .unwrap();
        for id in (1..=2 * DELETE_CHUNK + 10).chain([-5, i64::MAX - 1, i64::MAX]) {
            insert.execute([id]).unwrap();
        }
        delete_all_in_chunks(&conn, "t", "rowid").unwrap();
        let left: i64 = conn
            .query_row("SELECT count(*) FROM t", [], |r| r.get(0))
            .unwrap();
        assert_eq!(left, 0);
        delete_all_in_chunks(&conn, "t", "rowid").unwrap(); // an empty table is fine
    }

    /// A WITHOUT ROWID table is cut by the first column of its key, whose values repeat (an
    /// article's mentions), also across the chunks' edges.
    #[test]
    fn chunked_delete_by_a_leading_key_column() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "CREATE TABLE t (a INTEGER, id INTEGER, PRIMARY KEY (a, id)) WITHOUT ROWID",
        )
        .unwrap();
        let mut insert = conn.prepare("INSERT INTO t VALUES (?1, ?2)").unwrap();
        for id in 0..2 * DELETE_CHUNK + 10 {
            insert.execute([id / 7, id]).unwrap();
        }
        delete_all_in_chunks(&conn, "t", "a").unwrap();
        let left: i64 = conn
            .query_row("SELECT count(*) FROM t", [], |r| r.get(0))
            .unwrap();
        assert_eq!(left, 0);
    }

    /// The prune sees every column that refers to paragraphs and which of them lack an index:
    /// the ones it indexes for its duration.
    #[test]
    fn prune_finds_the_unindexed_references_to_paragraphs() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("a.sqlite")).unwrap();
        let conn = store.conn();
        let references = || -> Vec<(String, bool)> {
            conn.prepare(PARAGRAPH_REFERENCES)
                .unwrap()
                .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
                .unwrap()
                .map(|r| {
                    let (table, column) = r.unwrap();
                    let indexed = is_indexed(conn, &table, &column).unwrap();
                    (format!("{table}.{column}"), indexed)
                })
                .collect()
        };
        let expect = [
            ("article_paragraphs.paragraph_id", true),
            ("event_mention_spans.paragraph_id", false),
            ("mention_spans.paragraph_id", false),
            ("paragraph_reuse.paragraph_id", true), // its rowid
            ("quote_spans.paragraph_id", false),
        ]
        .map(|(c, i)| (c.to_string(), i))
        .to_vec();
        assert_eq!(references(), expect);
    }

    /// An index's second column is not an index for the prune, even where SQLite's plan is a
    /// `SEARCH`: with the statistics of a 100k archive (42 mentions per article), SQLite planned
    /// a lookup of V11's `mentions` by paragraph as a skip-scan of `(article_id, paragraph_id)`,
    /// no cheaper per deleted paragraph than a scan.
    #[test]
    fn a_skip_scan_is_not_an_index() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "CREATE TABLE t (id INTEGER PRIMARY KEY, a INTEGER, b INTEGER);
             CREATE INDEX t_a_b ON t (a, b);
             ANALYZE;
             INSERT INTO sqlite_stat1 VALUES ('t', 't_a_b', '3627158 42 5');
             ANALYZE sqlite_schema;",
        )
        .unwrap();
        let plan: String = conn
            .query_row("EXPLAIN QUERY PLAN SELECT 1 FROM t WHERE b = 0", [], |r| {
                r.get(3)
            })
            .unwrap();
        assert!(plan.starts_with("SEARCH"), "{plan}");
        assert!(!is_indexed(&conn, "t", "b").unwrap());
        assert!(is_indexed(&conn, "t", "a").unwrap());
        assert!(is_indexed(&conn, "t", "id").unwrap());
    }

    /// The statements that run once per paragraph, mention, bucket or article build no temporary
    /// table: SQLite opens one for `x IN (three or more values)`, `DISTINCT` or a sort, at every
    /// run, and that cost the writer about 15% of its instructions (migration V9). Left out: the
    /// inserts of a new event or discovered entity, rarer, whose tables' CHECKs (`events.
    /// date_precision`, `entities.type`) still use `IN`; those tables are the parents of many
    /// foreign keys, and rebuilding a parent needs foreign keys off, which a migration (one
    /// transaction) cannot switch.
    #[test]
    fn per_row_statements_open_no_temporary_table() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("a.sqlite")).unwrap();
        let per_row = [
            INSERT_DOCUMENT,
            INSERT_ARTICLE,
            LINK_DOCUMENT,
            SELECT_PARAGRAPH,
            INSERT_PARAGRAPH,
            INSERT_ARTICLE_PARAGRAPH,
            INSERT_SIGHTING,
            ADD_REUSE,
            INSERT_REUSE,
            NEXT_MENTION_ID,
            INSERT_MENTION,
            INSERT_QUOTE,
            INSERT_EVENT_MENTION,
            COUNT_EVENT,
            SELECT_ENTITY,
            COUNT_LINES,
            crate::store::near_duplicates::SELECT_FIRST_CANDIDATES,
            crate::store::near_duplicates::SELECT_LATEST_FILED,
            crate::store::near_duplicates::SELECT_LATEST_PENDING,
            crate::store::near_duplicates::INSERT_PENDING_BUCKET,
            // Not per row, but it must walk the pending table in its key order, not sort it.
            crate::store::near_duplicates::FILE_PENDING_RANGE,
        ];
        for sql in per_row {
            let ops = opcodes(store.conn(), sql);
            assert!(
                !ops.iter()
                    .any(|op| matches!(op.as_str(), "OpenEphemeral" | "SorterOpen")),
                "{sql} opens a temporary table: {ops:?}"
            );
        }
    }

    /// Each statement that looks for the event a mention joins reads a range of one covering
    /// index: events of one calendar year by start date within a year, of two within two years,
    /// longer ones by length. A plan that scanned all of a busy dyad's events cost ingest more
    /// than any other lookup on a large archive.
    #[test]
    fn event_lookups_read_a_range_of_the_length_index() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("a.sqlite")).unwrap();
        for (sql, range) in [
            (
                SELECT_ONE_YEAR_EVENTS,
                "<expr>=? AND date_start>? AND date_start<?",
            ),
            (
                SELECT_TWO_YEAR_EVENTS,
                "<expr>=? AND date_start>? AND date_start<?",
            ),
            (SELECT_LONG_EVENTS, "<expr>>?"),
        ] {
            let mut explain = store
                .conn()
                .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
                .unwrap();
            let mut rows = explain.raw_query(); // parameters left unbound, as in `opcodes`
            let plan: String = rows.next().unwrap().unwrap().get(3).unwrap();
            assert!(
                plan.contains("COVERING INDEX events_long") && plan.contains(range),
                "{plan}"
            );
        }
    }
}
