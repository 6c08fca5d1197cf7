//! `dossier report`: gather the named queries' rows, render the page, write it whole.

use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use crate::cli::ReportArgs;
use crate::error::{Error, Result};
use crate::report::{self, Options};
use crate::store::Store;

/// Run `dossier report`.
pub fn run(args: &ReportArgs, db: &Path, quiet: bool) -> Result<ExitCode> {
    let started = Instant::now();
    let mut a = None;
    let mut b = None;
    for param in &args.params {
        match param.split_once('=') {
            Some(("a", v)) => a = Some(v.to_string()),
            Some(("b", v)) => b = Some(v.to_string()),
            _ => {
                return Err(Error::Param {
                    query: "report".into(),
                    name: param.clone(),
                    message: "expected a=NAME or b=NAME (the dyad to follow)".into(),
                });
            }
        }
    }
    let pair = match (a, b) {
        (Some(a), Some(b)) => Some((a, b)),
        (None, None) => None,
        _ => {
            return Err(Error::Param {
                query: "report".into(),
                name: "a".into(),
                message: "give both sides of the dyad: -p a=NAME -p b=NAME".into(),
            });
        }
    };
    let store = Store::open_read_only(db)?;
    let options = Options {
        from: args.from.clone(),
        to: args.to.clone(),
        entities: args.entity.clone(),
        pair,
        archive: db.display().to_string(),
    };
    let data = report::gather(&store, &options)?;
    let page = report::render(&data, &options);
    // Written beside the target and renamed over it: a reader never sees half a report.
    let partial = args.output.with_extension("html.partial");
    std::fs::write(&partial, page.as_bytes()).map_err(|e| Error::io(&partial, e))?;
    std::fs::rename(&partial, &args.output).map_err(|e| Error::io(&args.output, e))?;
    if !quiet {
        crate::cmd::say(&format!(
            "wrote {} ({} KiB) in {:.2} s",
            args.output.display(),
            page.len().div_ceil(1024),
            started.elapsed().as_secs_f64()
        ));
    }
    Ok(ExitCode::SUCCESS)
}
