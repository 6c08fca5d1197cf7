//! One module per subcommand: wiring of sources, stages, store and output. Only these modules
//! (and `main`) print.

pub mod eval;
pub mod ingest;
pub mod query;
pub mod reprocess;

use std::path::Path;

use crate::cli::DEFAULT_DB;
use crate::error::{Error, Result};

/// Create the parent folder of the default database (`data/`) on first use. A path the user
/// chose is used as given, so a typo does not silently create folders: a missing folder there
/// is an error.
pub(crate) fn prepare_db_path(db: &Path) -> Result<()> {
    let Some(parent) = db.parent().filter(|p| !p.as_os_str().is_empty()) else {
        return Ok(());
    };
    if db == Path::new(DEFAULT_DB) {
        std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    } else if !parent.is_dir() {
        return Err(Error::NoDatabaseFolder {
            path: db.to_path_buf(),
            folder: parent.to_path_buf(),
        });
    }
    Ok(())
}

/// "1 duplicate", "2 duplicates".
pub(crate) fn plural(n: u64, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// A progress bar of `total` on stderr in the given indicatif template, or a hidden one when
/// `quiet` or when stderr is not a terminal (logs and pipes get the summary line only).
pub(crate) fn progress_bar(total: u64, quiet: bool, template: &str) -> indicatif::ProgressBar {
    use std::io::IsTerminal;
    if quiet || !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::with_draw_target(
        Some(total),
        indicatif::ProgressDrawTarget::stderr(),
    );
    if let Ok(style) = indicatif::ProgressStyle::with_template(template) {
        bar.set_style(style);
    }
    bar
}
