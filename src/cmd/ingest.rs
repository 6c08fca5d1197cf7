//! `dossier ingest PATH...`: read inputs, run the pipeline, store the results.
//!
//! Two stages on two threads, so both cores work:
//! - the producer reads the inputs in order, hashes each, and runs [`pipeline::prepare`] unless
//!   the document is already archived (it asks its own read-only connection, so re-ingesting a
//!   corpus costs little more than hashing it);
//! - the writer (this thread) stores each item in order, in batched transactions: a sighting for
//!   a known document, else document, article, paragraphs and sighting.
//!
//! A bounded channel between them keeps memory flat whatever the input size. Bad inputs are
//! reported on stderr as they happen, counted and skipped; the exit code is 1 if any failed.

use std::path::Path;
use std::process::ExitCode;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::cli::IngestArgs;
use crate::cmd::{plural, prepare_db_path};
use crate::error::{Error, Result};
use crate::hashing::ContentHash;
use crate::pipeline::{self, Prepared};
use crate::source::{self, RawInput, Source};
use crate::store::write::{self, Batch, Counts};
use crate::store::{Store, read};

/// Items in flight between the stages; enough to keep the writer busy, small enough to stay flat.
const CHANNEL_DEPTH: usize = 64;

/// What the producer hands the writer, in input order.
enum Item {
    /// An input, its raw hash, and the pipeline's result unless the document was archived.
    Input {
        input: RawInput,
        sha: ContentHash,
        prepared: Option<Box<Prepared>>,
    },
    /// An input that could not be read.
    Failed(Error),
    /// A source is done; its size in bytes, if known (for the progress bar).
    SourceDone(Option<u64>),
}

/// Run `dossier ingest`.
pub fn run(args: &IngestArgs, db: &Path, quiet: bool) -> Result<ExitCode> {
    prepare_db_path(db)?;
    let store = Store::open(db)?;
    let import_id = write::begin_import(&store, "ingest")?;
    let sources = source::expand(&args.paths, args.format);
    let progress = progress_bar(&sources, quiet);

    let mut batch = Batch::new(&store, import_id);
    batch.near_duplicate_threshold = args.near_duplicate_threshold;
    let (tx, rx) = sync_channel(CHANNEL_DEPTH);
    let written = std::thread::scope(|scope| {
        let producer = scope.spawn(move || produce(sources, db, &tx));
        let written = write_all(&mut batch, &rx, &progress);
        drop(rx); // if the writer stopped early, the producer's next send fails and it returns
        let producer_result = producer
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        written.and(producer_result)
    });
    written?;
    let counts = batch.finish()?;
    progress.finish_and_clear();
    if !quiet {
        eprintln!("{}", summary(&counts));
    }
    Ok(if counts.failed > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// The producer stage: read, hash, and prepare what the archive does not have yet.
fn produce(sources: Vec<Result<Source>>, db: &Path, tx: &SyncSender<Item>) -> Result<()> {
    let archive = Store::open_read_only(db)?;
    let counts = read::LineCountsTable(&archive);
    for source in sources {
        let source = match source {
            Ok(source) => source,
            Err(e) => {
                if tx.send(Item::Failed(e)).is_err() {
                    return Ok(());
                }
                continue;
            }
        };
        let mut stopped = false;
        source::read(&source, &mut |item| {
            let item = match item {
                Ok(input) => {
                    let sha = ContentHash::of(input.raw.as_bytes());
                    let archived = read::document_exists(&archive, &sha)?;
                    let prepared = (!archived)
                        .then(|| Box::new(pipeline::prepare(&input.raw, &input.meta, &counts)));
                    Item::Input {
                        input,
                        sha,
                        prepared,
                    }
                }
                Err(e) => Item::Failed(e),
            };
            stopped = stopped || tx.send(item).is_err();
            Ok(())
        })?;
        if stopped || tx.send(Item::SourceDone(source.size())).is_err() {
            return Ok(());
        }
    }
    Ok(())
}

/// The writer stage: store every item in order.
fn write_all(batch: &mut Batch<'_>, rx: &Receiver<Item>, progress: &ProgressBar) -> Result<()> {
    let mut done = 0;
    for item in rx {
        match item {
            Item::Input {
                input,
                sha,
                prepared,
            } => {
                batch.counts.inputs += 1;
                progress.inc(input.raw.len() as u64);
                store(batch, &input, &sha, prepared)?;
            }
            Item::Failed(e) => {
                batch.counts.inputs += 1;
                batch.counts.failed += 1;
                report(progress, &e);
            }
            Item::SourceDone(size) => {
                if let Some(size) = size {
                    done += size;
                    progress.set_position(done);
                }
            }
        }
    }
    Ok(())
}

/// Store one input. The writer's own lookup is the authority on whether the document is new
/// (the producer sees only committed batches); if the producer skipped the pipeline for it, the
/// document is archived and only a sighting is needed.
fn store(
    batch: &mut Batch<'_>,
    input: &RawInput,
    sha: &ContentHash,
    prepared: Option<Box<Prepared>>,
) -> Result<()> {
    let known = batch.find_document(sha)?;
    let prepared = match (known, prepared) {
        (None, None) => Some(Box::new(pipeline::prepare(
            &input.raw,
            &input.meta,
            &read::LineCountsTable(batch.store()),
        ))),
        (_, prepared) => prepared,
    };
    batch.article(input, sha, known, prepared.as_deref())?;
    Ok(())
}

/// Store one input: a sighting if its raw bytes are archived, else the whole pipeline.
pub(crate) fn ingest_one(batch: &mut Batch<'_>, input: &RawInput) -> Result<()> {
    let sha = ContentHash::of(input.raw.as_bytes());
    let known = batch.find_document(&sha)?;
    let prepared = known.is_none().then(|| {
        pipeline::prepare(
            &input.raw,
            &input.meta,
            &read::LineCountsTable(batch.store()),
        )
    });
    batch.article(input, &sha, known, prepared.as_ref())?;
    Ok(())
}

/// `ingested 5 inputs: 5 new articles, 0 duplicates, 0 failed`.
fn summary(c: &Counts) -> String {
    format!(
        "ingested {}: {}, {}, {} failed",
        plural(c.inputs, "input"),
        plural(c.articles_new, "new article"),
        plural(c.duplicates, "duplicate"),
        c.failed
    )
}

fn report(progress: &ProgressBar, error: &Error) {
    progress.suspend(|| eprintln!("error: {error}"));
}

fn progress_bar(sources: &[Result<source::Source>], quiet: bool) -> ProgressBar {
    use std::io::IsTerminal;
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let total: u64 = sources
        .iter()
        .flatten()
        .filter_map(source::Source::size)
        .sum();
    let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template(
        "{spinner} [{elapsed_precise}] {wide_bar} {bytes}/{total_bytes} ({bytes_per_sec}, eta {eta})",
    ) {
        bar.set_style(style);
    }
    bar
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_line() {
        let c = Counts {
            inputs: 5,
            articles_new: 5,
            failed: 0,
            ..Counts::default()
        };
        assert_eq!(
            summary(&c),
            "ingested 5 inputs: 5 new articles, 0 duplicates, 0 failed"
        );
        let c = Counts {
            inputs: 1,
            duplicates: 1,
            failed: 1,
            ..Counts::default()
        };
        assert_eq!(
            summary(&c),
            "ingested 1 input: 0 new articles, 1 duplicate, 1 failed"
        );
    }
}
