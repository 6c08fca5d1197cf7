//! `dossier datasette-metadata`: Datasette metadata for the archive, as JSON on stdout
//! ([`crate::queries::datasette`]).

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use crate::error::{Error, Result};
use crate::queries::datasette;

/// Run `dossier datasette-metadata`. Datasette names a database after its file without the
/// extension, so that is the name the metadata is keyed by.
pub fn run(db: &Path) -> Result<ExitCode> {
    let database = db.file_stem().map_or_else(
        || "dossier".to_string(),
        |s| s.to_string_lossy().into_owned(),
    );
    let metadata = datasette::metadata(&database);
    let mut out = std::io::stdout().lock();
    let written = serde_json::to_writer_pretty(&mut out, &metadata)
        .map_err(std::io::Error::from)
        .and_then(|()| writeln!(out));
    match written {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(Error::io("stdout", e)),
        _ => Ok(ExitCode::SUCCESS),
    }
}
