//! `dossier export`: the archive's tables as files for other engines.

use std::path::Path;
use std::process::ExitCode;

use crate::cli::{ExportArgs, ExportFormat};
use crate::error::Result;
use crate::store::Store;

/// Run `dossier export`.
#[cfg(feature = "parquet")]
pub fn run(args: &ExportArgs, db: &Path, quiet: bool) -> Result<ExitCode> {
    let started = std::time::Instant::now();
    let store = Store::open_read_only(db)?;
    store.stream()?;
    let interrupt = crate::cmd::Interrupt::install(
        "interrupting: the export is abandoned and nothing is written",
        "stopped at once: the export's unfinished files may be left in a hidden .dossier-export-* folder",
    );
    let summary = match args.format {
        ExportFormat::Parquet => {
            match crate::export::parquet(&store, &args.dir, interrupt.flag()) {
                Err(crate::error::Error::Interrupted) => {
                    crate::cmd::say("interrupted: nothing was written");
                    return Ok(ExitCode::from(crate::cmd::Interrupt::EXIT_CODE));
                }
                other => other?,
            }
        }
    };
    if !quiet {
        let tables: Vec<String> = summary
            .tables
            .iter()
            .map(|(name, files, rows)| {
                format!(
                    "{name} {rows} rows in {}",
                    crate::cmd::plural(*files, "file")
                )
            })
            .collect();
        #[allow(clippy::cast_precision_loss)] // a size in MiB for people
        let mib = summary.bytes as f64 / 1_048_576.0;
        crate::cmd::say(&format!(
            "wrote {} ({mib:.1} MiB) in {:.2} s: {}",
            args.dir.display(),
            started.elapsed().as_secs_f64(),
            tables.join(", ")
        ));
    }
    Ok(ExitCode::SUCCESS)
}

/// Run `dossier export` in a build without the Parquet writer: the archive is checked as for
/// any command, then the error says how to get the writer.
#[cfg(not(feature = "parquet"))]
pub fn run(args: &ExportArgs, db: &Path, _quiet: bool) -> Result<ExitCode> {
    Store::open_read_only(db)?;
    let ExportFormat::Parquet = args.format;
    Err(crate::error::Error::Export {
        table: args.dir.display().to_string(),
        message: "this dossier was built without Parquet support (the `parquet` feature); \
                  build it with `cargo build --release --features parquet`"
            .into(),
    })
}
