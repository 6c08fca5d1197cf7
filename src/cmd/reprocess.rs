//! `dossier reprocess`: rebuild every derived table from the archived raw documents.
//!
//! After the extractors improve, the archive gets the improvement without re-importing: each
//! document's `raw` text and its first sighting's metadata go through the current pipeline
//! again, in document order, in one transaction. A crash or Ctrl-C leaves the archive as it was.
//! Running it twice gives the same archive: articles are rebuilt in the order they were first
//! ingested, so they get the same ids, and paragraphs are content-addressed, so those still used
//! keep theirs (the others are pruned).
//!
//! As in `ingest`, a producer thread reads and prepares while this thread writes.

use std::path::Path;
use std::process::ExitCode;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use foldhash::HashMap;
use indicatif::ProgressBar;

use crate::cli::ReprocessArgs;
use crate::cmd::{Interrupt, plural};
use crate::error::{Error, Result};
use crate::pipeline::{self, LineCounts, Prepared};
use crate::source::Meta;
use crate::store::read::{self, ArchivedDocument};
use crate::store::write::{self, Batch, Counts};
use crate::store::{Store, profile};

/// Documents in flight between the stages.
const CHANNEL_DEPTH: usize = 64;

/// Run `dossier reprocess`.
pub fn run(args: &ReprocessArgs, db: &Path, quiet: bool) -> Result<ExitCode> {
    if !db.exists() {
        return Err(Error::NotFound {
            path: db.to_path_buf(),
        });
    }
    let mut store = Store::open(db)?;
    let sql_profile = if profile::requested() {
        Some(store.profile_statements()?)
    } else {
        None
    };
    if let Some(from) = store.upgraded_from()
        && !quiet
    {
        crate::cmd::say(&format!(
            "{}: upgraded the archive from schema V{from} to V{}",
            db.display(),
            crate::store::supported_version()
        ));
    }
    let interrupt = Interrupt::install(
        "interrupting: rolling the rebuild back (press Ctrl-C again to stop at once)",
        "stopped at once: the rebuild is rolled back when the archive is next opened",
    );
    let total = read::document_count(&store)?;
    let progress = progress_bar(total, quiet);
    let import_id = write::begin_import(&store, "reprocess")?;
    let mut batch = Batch::new(&store, import_id);
    batch.near_duplicate_threshold = args.near_duplicate_threshold;
    batch.clear_derived()?;

    let (tx, rx) = sync_channel(CHANNEL_DEPTH);
    let written = std::thread::scope(|scope| {
        let interrupt = &interrupt;
        let producer = scope.spawn(move || produce(db, &tx, interrupt));
        let written = write_all(&mut batch, &rx, &progress, interrupt);
        drop(rx);
        let producer_result = producer
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        written.and(producer_result)
    });
    if let Err(Error::Interrupted) = written {
        drop(batch); // rolls the whole rebuild back
        progress.finish_and_clear();
        write::end_import(&store, import_id, write::Ending::Interrupted)?;
        crate::cmd::say(&format!(
            "interrupted: the rebuild was rolled back; {} is as it was",
            db.display()
        ));
        return Ok(ExitCode::from(Interrupt::EXIT_CODE));
    }
    written?; // dropping `batch` rolls the whole rebuild back
    let counts = batch.finish()?;
    progress.finish_and_clear();
    if let Some(profile) = sql_profile {
        eprint!("{}", profile.report());
    }
    if !quiet {
        crate::cmd::say(&summary(&counts));
    }
    Ok(ExitCode::SUCCESS)
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
        for key in pipeline::line_keys(&document.raw) {
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
    interrupt: &Interrupt,
) -> Result<()> {
    let archive = Store::open_read_only(db)?;
    archive.stream()?;
    let mut counts = CorpusCounts::default();
    read::each_document(&archive, &mut |document| {
        if interrupt.requested() {
            return Err(Error::Interrupted);
        }
        counts.add(&document);
        Ok(())
    })?;
    let mut stopped = false;
    read::each_document(&archive, &mut |ArchivedDocument { id, raw, meta }| {
        if !stopped {
            let prepared = Box::new(pipeline::prepare(&raw, &meta, &counts));
            stopped = tx.send((id, meta, prepared)).is_err();
        }
        Ok(())
    })
}

fn write_all(
    batch: &mut Batch<'_>,
    rx: &Receiver<(i64, Meta, Box<Prepared>)>,
    progress: &ProgressBar,
    interrupt: &Interrupt,
) -> Result<()> {
    for (document_id, meta, prepared) in rx {
        if interrupt.requested() {
            return Err(Error::Interrupted);
        }
        batch.counts.inputs += 1;
        batch.rebuild(document_id, &meta, &prepared)?;
        progress.inc(1);
    }
    Ok(())
}

/// `reprocessed 5 documents: 5 articles, 0 near-duplicates`.
fn summary(c: &Counts) -> String {
    format!(
        "reprocessed {}: {}, {}",
        plural(c.inputs, "document"),
        plural(c.articles_new, "article"),
        plural(c.near_duplicates, "near-duplicate"),
    )
}

fn progress_bar(total: u64, quiet: bool) -> ProgressBar {
    crate::cmd::progress_bar(
        total,
        quiet,
        "{spinner} [{elapsed_precise}] {wide_bar} {pos}/{len} documents ({per_sec}, eta {eta})",
        "{spinner} {wide_bar} {percent:>3}% eta {eta}",
    )
}
