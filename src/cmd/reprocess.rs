//! `dossier reprocess`: the rebuild engine on the archive, with a progress bar and a summary on
//! stderr. See [`engine::reprocess`] for what a rebuild does.

use std::path::Path;
use std::process::ExitCode;

use indicatif::ProgressBar;

use crate::cli::ReprocessArgs;
use crate::cmd::{Interrupt, Progress, plural};
use crate::engine::{self, Ended};
use crate::error::{Error, Result};
use crate::extract::Resources;
use crate::store::write::Counts;
use crate::store::{Store, profile, read};

/// Run `dossier reprocess`.
pub fn run(
    args: &ReprocessArgs,
    db: &Path,
    quiet: bool,
    resources: &Resources,
) -> Result<ExitCode> {
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
    let progress = Progress(progress_bar(read::document_count(&store)?, quiet));
    let ended = engine::reprocess::run(
        &store,
        db,
        "reprocess",
        args.near_duplicate_threshold,
        resources,
        &progress,
        interrupt.flag(),
    )?;
    progress.0.finish_and_clear();
    let counts = match ended {
        Ended::Finished(counts) => counts,
        Ended::Interrupted(_) => {
            crate::cmd::say(&format!(
                "interrupted: the rebuild was rolled back; {} is as it was",
                db.display()
            ));
            return Ok(ExitCode::from(Interrupt::EXIT_CODE));
        }
    };
    if let Some(profile) = sql_profile {
        eprint!("{}", profile.report());
    }
    if !quiet {
        crate::cmd::say(&summary(&counts));
    }
    Ok(ExitCode::SUCCESS)
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
