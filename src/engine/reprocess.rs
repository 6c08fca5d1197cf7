//! The rebuild engine: every derived table made again from the archived raw documents.
//!
//! Each document's `raw` text and its first sighting's metadata go through the current pipeline
//! again, in document order, in one transaction: a crash or a stop leaves the archive as it
//! was. Running it twice gives the same archive: articles are rebuilt in the order they were
//! first ingested, so they get the same ids, and paragraphs are content-addressed, so those
//! still used keep theirs (the others are pruned). Raw texts are read, never written.
//!
//! A producer thread reads and prepares while the calling thread writes.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use foldhash::HashMap;

use super::{Ended, Report};
use crate::error::{Error, Result};
use crate::extract::Resources;
use crate::pipeline::{self, LineCounts, Prepared};
use crate::source::Meta;
use crate::store::Store;
use crate::store::read::{self, ArchivedDocument};
use crate::store::write::{self, Batch, Counts};

/// Documents in flight between the stages.
const CHANNEL_DEPTH: usize = 64;

/// Rebuild the archive at `db` (open as `store`) as one run of the run log, recorded as
/// `command` (`reprocess`, or `merge` for the archive a merge assembled). When `stop` is set,
/// the rebuild is rolled back and the run marked interrupted.
pub fn run(
    store: &Store,
    db: &Path,
    command: &str,
    near_duplicate_threshold: f64,
    resources: &Resources,
    report: &dyn Report,
    stop: &AtomicBool,
) -> Result<Ended> {
    let import_id = write::begin_import(store, command)?;
    let mut batch = Batch::new(store, import_id, resources);
    batch.near_duplicate_threshold = near_duplicate_threshold;
    batch.clear_derived()?;
    let (tx, rx) = sync_channel(CHANNEL_DEPTH);
    let written = std::thread::scope(|scope| {
        let producer = scope.spawn(move || produce(db, &tx, resources, stop));
        let written = write_all(&mut batch, &rx, report, stop);
        drop(rx);
        let producer_result = producer
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        written.and(producer_result)
    });
    match written {
        Err(Error::Interrupted) => {
            drop(batch); // rolls the whole rebuild back
            write::end_import(store, import_id, write::Ending::Interrupted)?;
            Ok(Ended::Interrupted(Counts::default()))
        }
        // Dropping `batch` rolls the whole rebuild back.
        Err(e) => Err(e),
        Ok(()) => Ok(Ended::Finished(batch.finish()?)),
    }
}

/// Line counts over the whole archive, held in memory for a rebuild, so the corpus-level
/// repetition signal sees every document, earlier and later, whatever order they came in.
/// Memory: one entry per distinct short line per outlet.
#[derive(Debug, Default)]
struct CorpusCounts(HashMap<String, HashMap<i64, u32>>);

impl CorpusCounts {
    fn add(&mut self, document: &ArchivedDocument) {
        let outlet = document.meta.outlet.clone().unwrap_or_default();
        let lines = self.0.entry(outlet).or_default();
        for key in pipeline::line_keys(&document.raw, document.format) {
            *lines.entry(key).or_default() += 1;
        }
    }
}

impl LineCounts for CorpusCounts {
    /// Asked only about a document's own lines, so its own occurrence is taken off.
    fn documents_with(&self, line_key: i64, outlet: &str) -> u32 {
        self.0
            .get(outlet)
            .and_then(|lines| lines.get(&line_key))
            .map_or(0, |n| n.saturating_sub(1))
    }
}

/// The producer: count lines over the archive, then prepare every document in order.
fn produce(
    db: &Path,
    tx: &SyncSender<(i64, Meta, Box<Prepared>)>,
    resources: &Resources,
    stop: &AtomicBool,
) -> Result<()> {
    let archive = Store::open_read_only(db)?;
    archive.stream()?;
    let mut counts = CorpusCounts::default();
    read::each_document(&archive, &mut |document| {
        if stop.load(Ordering::SeqCst) {
            return Err(Error::Interrupted);
        }
        counts.add(&document);
        Ok(())
    })?;
    let mut stopped = false;
    read::each_document(&archive, &mut |document| {
        let ArchivedDocument {
            id,
            raw,
            format,
            meta,
        } = document;
        if !stopped {
            let prepared = Box::new(pipeline::prepare(&raw, format, &meta, &counts, resources));
            stopped = tx.send((id, meta, prepared)).is_err();
        }
        Ok(())
    })
}

fn write_all(
    batch: &mut Batch<'_>,
    rx: &Receiver<(i64, Meta, Box<Prepared>)>,
    report: &dyn Report,
    stop: &AtomicBool,
) -> Result<()> {
    for (document_id, meta, prepared) in rx {
        if stop.load(Ordering::SeqCst) {
            return Err(Error::Interrupted);
        }
        batch.counts.inputs += 1;
        batch.rebuild(document_id, &meta, &prepared)?;
        report.advanced(1);
    }
    Ok(())
}
