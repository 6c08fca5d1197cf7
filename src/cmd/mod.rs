//! One module per subcommand: wiring of sources, stages, store and output. Only these modules
//! (and `main`) print.

pub mod datasette;
pub mod eval;
pub mod export;
pub mod ingest;
pub mod merge;
pub mod query;
pub mod report;
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

/// "1 duplicate", "2 duplicates", "2 batches".
pub(crate) fn plural(n: u64, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else if ["s", "x", "z", "ch", "sh"]
        .iter()
        .any(|end| word.ends_with(end))
    {
        format!("{n} {word}es")
    } else {
        format!("{n} {word}s")
    }
}

/// Write one message to stderr: on a terminal, wrapped to its width (later lines indented two
/// spaces) so no line runs past the edge; elsewhere whole on one line, for logs and scripts.
pub fn say(message: &str) {
    let lines = match stderr_width() {
        Some(width) => textwrap::wrap(
            message,
            textwrap::Options::new(width.max(20))
                .subsequent_indent("  ")
                .wrap_algorithm(textwrap::WrapAlgorithm::FirstFit),
        )
        .join("\n"),
        None => message.to_string(),
    };
    eprintln!("{lines}");
}

/// The width of the terminal stderr is, if it is one.
fn stderr_width() -> Option<usize> {
    use std::io::IsTerminal;
    if !std::io::stderr().is_terminal() {
        return None;
    }
    terminal_size::terminal_size_of(std::io::stderr()).map(|(w, _)| usize::from(w.0))
}

/// The engines' [`Report`](crate::engine::Report) on a terminal: a progress bar, with errors
/// and warnings printed above it as they come.
pub(crate) struct Progress(pub(crate) indicatif::ProgressBar);

impl crate::engine::Report for Progress {
    fn advanced(&self, amount: u64) {
        self.0.inc(amount);
    }

    fn reached(&self, bytes: u64) {
        self.0.set_position(bytes);
    }

    fn failed(&self, error: &crate::Error) {
        self.0.suspend(|| say(&format!("error: {error}")));
    }

    fn warning(&self, warning: &str) {
        self.0.suspend(|| say(&format!("warning: {warning}")));
    }
}

/// Terminals narrower than this get the compact progress bar.
const FULL_BAR_WIDTH: usize = 80;

/// A progress bar of `total` on stderr in an indicatif template (`full` on terminals of 80
/// columns or more, else `compact`), or a hidden one when `quiet` or when stderr is not a
/// terminal (logs and pipes get the summary line only).
pub(crate) fn progress_bar(
    total: u64,
    quiet: bool,
    full: &str,
    compact: &str,
) -> indicatif::ProgressBar {
    let Some(width) = stderr_width().filter(|_| !quiet) else {
        return indicatif::ProgressBar::hidden();
    };
    let bar = indicatif::ProgressBar::with_draw_target(
        Some(total),
        indicatif::ProgressDrawTarget::stderr(),
    );
    let template = if width >= FULL_BAR_WIDTH {
        full
    } else {
        compact
    };
    if let Ok(style) = indicatif::ProgressStyle::with_template(template) {
        bar.set_style(style);
    }
    bar
}

/// Ctrl-C (or SIGTERM) during a run that writes. The first asks the run to stop reading and
/// end cleanly, keeping or rolling back what it must; a second ends the process at once, which
/// SQLite makes safe: the transaction being written is rolled back when the archive is next
/// opened, and committed ones are kept.
#[derive(Debug, Clone, Default)]
pub(crate) struct Interrupt(std::sync::Arc<std::sync::atomic::AtomicBool>);

impl Interrupt {
    /// Exit code of a run stopped by Ctrl-C, as shells report it (128 + SIGINT).
    pub(crate) const EXIT_CODE: u8 = 130;

    /// Catch Ctrl-C and SIGTERM for the rest of the process. `first` is said when the first
    /// arrives and `second` before the process ends on the next.
    pub(crate) fn install(first: &'static str, second: &'static str) -> Self {
        let interrupt = Self::default();
        let flag = std::sync::Arc::clone(&interrupt.0);
        // Fails only if a handler is set already (a second command in one process, as in
        // tests): the run then simply cannot be interrupted cleanly.
        let _ = ctrlc::set_handler(move || {
            if flag.swap(true, std::sync::atomic::Ordering::SeqCst) {
                say(second);
                std::process::exit(i32::from(Self::EXIT_CODE));
            }
            say(first);
        });
        interrupt
    }

    /// The flag the engines watch: set once Ctrl-C was pressed.
    pub(crate) fn flag(&self) -> &std::sync::atomic::AtomicBool {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::plural;

    #[test]
    fn plurals_of_the_words_messages_count() {
        assert_eq!(plural(1, "batch"), "1 batch");
        assert_eq!(plural(2, "batch"), "2 batches");
        assert_eq!(plural(0, "new article"), "0 new articles");
        assert_eq!(plural(3, "input"), "3 inputs");
    }
}
