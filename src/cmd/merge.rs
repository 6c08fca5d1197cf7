//! `dossier merge OUT IN...`: one archive from archives collected separately.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::cli::MergeArgs;
use crate::cmd::{Interrupt, plural};
use crate::engine::{self, Ended, Silent};
use crate::error::{Error, Result};
use crate::extract::Resources;
use crate::store::Store;
use crate::store::merge::{self, Copied};

/// Run `dossier merge`.
pub fn run(args: &MergeArgs, quiet: bool, resources: &Resources) -> Result<ExitCode> {
    if args.out.exists() {
        return Err(Error::MergeTargetExists {
            path: args.out.clone(),
        });
    }
    for input in &args.inputs {
        let size = std::fs::metadata(input).map_err(|_| Error::NotFound {
            path: input.clone(),
        })?;
        // SQLite reads an empty file as an empty database: refused here, not merged as nothing.
        if size.len() == 0 {
            return Err(Error::Empty {
                path: input.clone(),
            });
        }
    }
    let parent = match args.out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if !parent.is_dir() {
        return Err(Error::NotFound { path: parent });
    }
    // Built beside the target and renamed to it once complete: a failed or interrupted merge
    // leaves nothing behind, and the inputs are only ever read.
    let staging = tempfile::Builder::new()
        .prefix(".dossier-merge-")
        .tempdir_in(&parent)
        .map_err(|e| Error::io(&parent, e))?;
    let staged = staging.path().join("merged.sqlite");
    let interrupt = Interrupt::install(
        "interrupting: the merge is abandoned and nothing is written",
        "stopped at once: the merge's unfinished copy may be left in a hidden .dossier-merge-* folder",
    );
    let store = Store::open(&staged)?;
    let mut total = Copied::default();
    for (n, input) in args.inputs.iter().enumerate() {
        if interrupt.flag().load(std::sync::atomic::Ordering::SeqCst) {
            crate::cmd::say("interrupted: nothing was written");
            return Ok(ExitCode::from(Interrupt::EXIT_CODE));
        }
        let readable = current_schema(input, staging.path(), n)?;
        let copied = merge::copy_inputs(&store, &readable)?;
        total.imports += copied.imports;
        total.documents_new += copied.documents_new;
        total.documents_known += copied.documents_known;
        total.sightings += copied.sightings;
    }
    let ended = engine::reprocess::run(
        &store,
        &staged,
        "merge",
        args.near_duplicate_threshold,
        resources,
        &Silent,
        interrupt.flag(),
    )?;
    let counts = match ended {
        Ended::Finished(counts) => counts,
        Ended::Interrupted(_) => {
            crate::cmd::say("interrupted: nothing was written");
            return Ok(ExitCode::from(Interrupt::EXIT_CODE));
        }
    };
    // The whole archive in its one file before it is moved: leaving WAL mode checkpoints the
    // log into the file and removes it, or fails, and then nothing is moved. (Opened again,
    // dossier sets WAL mode back.)
    let mode: String = store
        .conn()
        .query_row("PRAGMA journal_mode = DELETE", [], |r| r.get(0))
        .map_err(|e| store.error(e))?;
    drop(store);
    let wal = staged.with_extension("sqlite-wal");
    if !mode.eq_ignore_ascii_case("delete") || wal.exists() {
        return Err(Error::io(
            &staged,
            std::io::Error::other("could not fold the write-ahead log into the archive"),
        ));
    }
    // A link, not a rename: it fails rather than replace an OUT made meanwhile.
    std::fs::hard_link(&staged, &args.out).map_err(|e| Error::io(&args.out, e))?;
    if !quiet {
        crate::cmd::say(&format!(
            "merged {} into {}: {} ({} also in an earlier archive), {}, {}, {}",
            plural(args.inputs.len() as u64, "archive"),
            args.out.display(),
            plural(total.documents_new + total.documents_known, "raw input"),
            total.documents_known,
            plural(total.sightings, "sighting"),
            plural(counts.articles_new, "article"),
            plural(counts.near_duplicates, "near-duplicate"),
        ));
    }
    Ok(ExitCode::SUCCESS)
}

/// `input` if its schema is this dossier's; an upgraded copy in `scratch` if it is older (the
/// input itself is never written); an error if it is newer or not a dossier archive.
fn current_schema(input: &Path, scratch: &Path, n: usize) -> Result<PathBuf> {
    match Store::open_read_only(input) {
        Ok(_) => Ok(input.to_path_buf()),
        Err(Error::SchemaTooOld { .. }) => {
            let copy = scratch.join(format!("upgraded-{n}.sqlite"));
            let conn = rusqlite::Connection::open_with_flags(
                input,
                rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
            )
            .map_err(|e| Error::Database {
                path: input.to_path_buf(),
                source: e,
            })?;
            conn.execute("VACUUM INTO ?1", [copy.to_string_lossy()])
                .map_err(|e| Error::Database {
                    path: input.to_path_buf(),
                    source: e,
                })?;
            drop(Store::open(&copy)?); // migrates the copy
            Ok(copy)
        }
        Err(e) => Err(e),
    }
}
