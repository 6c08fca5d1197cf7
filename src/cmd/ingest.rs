//! `dossier ingest PATH...`: the sources the paths name, through the ingest engine, with a
//! progress bar, notes and a summary on stderr.

use std::path::Path;
use std::process::ExitCode;

use indicatif::ProgressBar;

use crate::cli::IngestArgs;
use crate::cmd::{Interrupt, Progress, plural, prepare_db_path};
use crate::engine::{self, Ended};
use crate::error::Result;
use crate::extract::Resources;
use crate::source;
use crate::store::write::Counts;
use crate::store::{Store, profile};

/// Run `dossier ingest`.
pub fn run(args: &IngestArgs, db: &Path, quiet: bool, resources: &Resources) -> Result<ExitCode> {
    let mut store = open(db, quiet)?;
    // With DOSSIER_PROFILE_SQL=1: the writer's statements, then each stage thread's times.
    let sql_profile = if profile::requested() {
        Some(store.profile_statements()?)
    } else {
        None
    };
    let thread_times = sql_profile
        .as_ref()
        .map(|_| engine::ingest::ThreadTimes::default());
    let interrupt = Interrupt::install(
        "interrupting: committing the inputs already read (press Ctrl-C again to stop at once)",
        "stopped at once: the batch being written is rolled back; earlier batches are kept",
    );
    let source::Expanded { sources, notes } = source::expand(&args.paths, args.format);
    for note in notes.iter().filter(|_| !quiet) {
        crate::cmd::say(&format!("note: {note}"));
    }
    let progress = Progress(progress_bar(&sources, quiet));
    let options = engine::ingest::Options {
        near_duplicate_threshold: args.near_duplicate_threshold,
        batch_size: args.batch_size,
        cache_mib: args.cache_mib,
    };
    let ended = engine::ingest::run(
        &store,
        db,
        sources,
        options,
        resources,
        &progress,
        interrupt.flag(),
        thread_times.as_ref(),
    )?;
    progress.0.finish_and_clear();
    if let Some(profile) = sql_profile {
        eprint!("{}", profile.report());
    }
    if let Some(times) = thread_times {
        eprint!("{}", times.report());
    }
    let (Ended::Finished(counts) | Ended::Interrupted(counts)) = ended;
    if !quiet {
        crate::cmd::say(&summary(&counts, db));
    }
    if let Ended::Interrupted(counts) = ended {
        crate::cmd::say(&format!(
            "interrupted: {} ({}) committed; run the same command again to finish (what is \
             archived is skipped)",
            plural(counts.commits, "batch"),
            plural(counts.inputs, "input"),
        ));
        return Ok(ExitCode::from(Interrupt::EXIT_CODE));
    }
    Ok(if counts.failed > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// Open (or create) the archive, saying what the user should know: that it is new, or that an
/// upgrade calls for a `reprocess`.
fn open(db: &Path, quiet: bool) -> Result<Store> {
    prepare_db_path(db)?;
    let store = Store::open(db)?;
    if quiet {
        return Ok(store);
    }
    if store.created() {
        // In full, so an archive made from the wrong folder does not go unnoticed.
        let at = std::path::absolute(db).unwrap_or_else(|_| db.to_path_buf());
        crate::cmd::say(&format!("created a new archive at {}", at.display()));
    }
    if let Some(from) = store.upgraded_from()
        && from < crate::store::LAST_EXTRACTION_MIGRATION
        && crate::store::read::document_count(&store)? > 0
    {
        // Migrations add tables; they do not re-read old articles. Say how to fill them.
        crate::cmd::say(&format!(
            "note: {}: upgraded the archive from schema V{from} to V{}; run `dossier reprocess` \
             so articles archived before are read by this version's extractors",
            db.display(),
            crate::store::supported_version()
        ));
    }
    Ok(store)
}

/// `ingested 5 inputs into data/dossier.sqlite: 5 new articles, 0 duplicates, 0 failed`.
fn summary(c: &Counts, db: &Path) -> String {
    format!(
        "ingested {} into {}: {}, {}, {} failed",
        plural(c.inputs, "input"),
        db.display(),
        plural(c.articles_new, "new article"),
        plural(c.duplicates, "duplicate"),
        c.failed
    )
}

fn progress_bar(sources: &[Result<source::Source>], quiet: bool) -> ProgressBar {
    let total: u64 = sources
        .iter()
        .flatten()
        .filter_map(source::Source::size)
        .sum();
    crate::cmd::progress_bar(
        total,
        quiet,
        "{spinner} [{elapsed_precise}] {wide_bar} {bytes}/{total_bytes} ({bytes_per_sec}, eta {eta})",
        "{spinner} {wide_bar} {percent:>3}% eta {eta}",
    )
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
            summary(&c, Path::new("data/dossier.sqlite")),
            "ingested 5 inputs into data/dossier.sqlite: 5 new articles, 0 duplicates, 0 failed"
        );
        let c = Counts {
            inputs: 1,
            duplicates: 1,
            failed: 1,
            ..Counts::default()
        };
        assert_eq!(
            summary(&c, Path::new("a.sqlite")),
            "ingested 1 input into a.sqlite: 0 new articles, 1 duplicate, 1 failed"
        );
    }
}
