//! `dossier merge`: the raw inputs of another archive brought into this one.
//!
//! What a run of `ingest` keeps as given is copied: the run log (`imports`), the raw inputs
//! (`documents`, one per distinct SHA-256, as one ingest would have kept them) and every
//! sighting, pointed at the copied runs and inputs. Everything else is derived from those, and
//! the merge makes it by the rebuild engine (`reprocess`) once every archive is in: articles and
//! paragraphs deduplicated by their hashes, entities unified by name and type, events merged by
//! the one rule that merges them across articles.

use std::path::Path;

use crate::error::Result;
use crate::store::Store;

/// What one archive brought.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Copied {
    /// Runs of its log.
    pub imports: u64,
    /// Raw inputs this archive did not hold yet.
    pub documents_new: u64,
    /// Raw inputs it held already (the same bytes collected on both machines).
    pub documents_known: u64,
    /// Sightings.
    pub sightings: u64,
}

/// Copy the run log, raw inputs and sightings of the archive at `input` (schema current, opened
/// read-only through `ATTACH`) into `out`, in one transaction.
///
/// # Errors
/// On a database error; nothing of `input` is then copied.
pub fn copy_inputs(out: &Store, input: &Path) -> Result<Copied> {
    let conn = out.conn();
    let err = |e| out.error(e);
    let uri = format!(
        "file:{}?mode=ro",
        input
            .to_string_lossy()
            .replace('%', "%25")
            .replace('?', "%3f")
            .replace('#', "%23")
    );
    conn.execute("ATTACH DATABASE ?1 AS src", [&uri])
        .map_err(err)?;
    let copied = copy_attached(conn).map_err(err);
    let detached = conn.execute_batch("DETACH DATABASE src").map_err(err);
    let copied = copied?;
    detached?;
    Ok(copied)
}

fn copy_attached(conn: &rusqlite::Connection) -> rusqlite::Result<Copied> {
    let tx = conn.unchecked_transaction()?;
    // Runs are matched by what they were (command, start time to the millisecond, version):
    // an archive given twice, or one already merged into another input, brings no run twice.
    tx.execute_batch(
        "CREATE TEMP TABLE IF NOT EXISTS merge_runs (old INTEGER PRIMARY KEY, new INTEGER NOT NULL);
         DELETE FROM temp.merge_runs;",
    )?;
    tx.execute(
        "INSERT INTO temp.merge_runs (old, new)
         SELECT s.id, m.id FROM src.imports s
         JOIN main.imports m ON m.command = s.command AND m.started_at = s.started_at
                            AND m.dossier_version = s.dossier_version",
        [],
    )?;
    let offset: i64 = tx.query_row("SELECT coalesce(max(id), 0) FROM main.imports", [], |r| {
        r.get(0)
    })?;
    let imports = tx.execute(
        "INSERT INTO main.imports (id, command, started_at, finished_at, dossier_version, inputs,
             documents_new, articles_new, paragraphs_new, duplicates, failed, near_duplicates, status)
         SELECT id + ?1, command, started_at, finished_at, dossier_version, inputs,
             documents_new, articles_new, paragraphs_new, duplicates, failed, near_duplicates, status
         FROM src.imports WHERE id NOT IN (SELECT old FROM temp.merge_runs) ORDER BY id",
        [offset],
    )?;
    tx.execute(
        "INSERT INTO temp.merge_runs (old, new)
         SELECT id, id + ?1 FROM src.imports WHERE id NOT IN (SELECT old FROM temp.merge_runs)",
        [offset],
    )?;
    let before: i64 = tx.query_row("SELECT count(*) FROM main.documents", [], |r| r.get(0))?;
    // New raw inputs in the order the other archive took them in; `article_id` is set by the
    // rebuild that follows.
    tx.execute(
        "INSERT INTO main.documents (sha256, raw, bytes, format, encoding, raw_bytes)
         SELECT d.sha256, d.raw, d.bytes, d.format, d.encoding, d.raw_bytes
         FROM src.documents d
         WHERE NOT EXISTS (SELECT 1 FROM main.documents m WHERE m.sha256 = d.sha256)
         ORDER BY d.id",
        [],
    )?;
    let after: i64 = tx.query_row("SELECT count(*) FROM main.documents", [], |r| r.get(0))?;
    let total: i64 = tx.query_row("SELECT count(*) FROM src.documents", [], |r| r.get(0))?;
    // A sighting already here (the same input, run, place and time) is not copied again.
    let sightings = tx.execute(
        "INSERT INTO main.sightings (document_id, import_id, path, line, external_id, url, outlet,
             title, published, seen_at)
         SELECT m.id, r.new, s.path, s.line, s.external_id, s.url, s.outlet, s.title,
             s.published, s.seen_at
         FROM src.sightings s
         JOIN src.documents d ON d.id = s.document_id
         JOIN main.documents m ON m.sha256 = d.sha256
         JOIN temp.merge_runs r ON r.old = s.import_id
         WHERE NOT EXISTS (
             SELECT 1 FROM main.sightings x
             WHERE x.document_id = m.id AND x.import_id = r.new AND x.path = s.path
               AND x.line IS s.line AND x.seen_at = s.seen_at)
         ORDER BY s.id",
        [],
    )?;
    tx.commit()?;
    let new = u64::try_from(after - before).unwrap_or(0);
    Ok(Copied {
        imports: imports as u64,
        documents_new: new,
        documents_known: u64::try_from(total).unwrap_or(0).saturating_sub(new),
        sightings: sightings as u64,
    })
}
