//! `dossier ingest PATH...`: read inputs, run the pipeline, store the results.
//!
//! Per input: hash the raw bytes; a document already archived only gets a new sighting;
//! otherwise run [`pipeline::prepare`] and store document, article, paragraphs and sighting in
//! the open batch. Bad inputs are reported on stderr as they happen, counted, and skipped; the
//! exit code is 1 if any failed.

use std::path::Path;
use std::process::ExitCode;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::cli::IngestArgs;
use crate::cmd::{plural, prepare_db_path};
use crate::error::{Error, Result};
use crate::hashing::ContentHash;
use crate::pipeline;
use crate::source::{self, RawInput};
use crate::store::Store;
use crate::store::write::{self, Batch, Counts};

/// Run `dossier ingest`.
pub fn run(args: &IngestArgs, db: &Path, quiet: bool) -> Result<ExitCode> {
    prepare_db_path(db)?;
    let store = Store::open(db)?;
    let import_id = write::begin_import(&store, "ingest")?;
    let sources = source::expand(&args.paths, args.format);
    let progress = progress_bar(&sources, quiet);

    let mut batch = Batch::new(&store, import_id);
    for source in &sources {
        let source = match source {
            Ok(source) => source,
            Err(e) => {
                report(&progress, e);
                batch.counts.failed += 1;
                batch.counts.inputs += 1;
                continue;
            }
        };
        let start = progress.position();
        source::read(source, &mut |item| {
            batch.counts.inputs += 1;
            match item {
                Ok(input) => {
                    progress.inc(input.raw.len() as u64);
                    ingest_one(&mut batch, &input)
                }
                Err(e) => {
                    report(&progress, &e);
                    batch.counts.failed += 1;
                    Ok(())
                }
            }
        })?;
        if let Some(len) = source.size() {
            progress.set_position(start + len);
        }
    }
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

/// Store one input: a sighting if its raw bytes are archived, else the whole pipeline.
pub(crate) fn ingest_one(batch: &mut Batch<'_>, input: &RawInput) -> Result<()> {
    let sha = ContentHash::of(input.raw.as_bytes());
    let known = batch.find_document(&sha)?;
    let prepared = known
        .is_none()
        .then(|| pipeline::prepare(&input.raw, &input.meta));
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
