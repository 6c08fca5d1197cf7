//! dossier turns scraped news articles into an embedded SQLite archive that analysts query
//! with SQL.
//!
//! The map, in the order an input travels:
//! - [`cli`] and [`cmd`] (one module per subcommand, wiring only) at the edge;
//! - [`source`] reads files, folders, JSON Lines and stdin into raw inputs, bytes untouched;
//! - [`pipeline::prepare`] turns one raw input into an article, with no I/O, through [`text`]
//!   (paragraphs, normalisation, hashes), [`clean`] (boilerplate, near-duplicate signatures) and
//!   [`extract`] (entities, quotes, events);
//! - [`engine`] runs it in parallel for `ingest` and `reprocess`, reader → workers → writer;
//! - [`store`] is the only module that talks to SQLite; [`queries`] holds the named queries and
//!   [`output`] writes their rows as tables, CSV or JSON;
//! - [`eval`] scores the pipeline against gold annotations.

pub mod clean;
pub mod cli;
pub mod cmd;
pub mod engine;
pub mod error;
pub mod eval;
#[cfg(feature = "parquet")]
pub mod export;
pub mod extract;
pub mod html;
pub mod output;
pub mod pipeline;
pub mod queries;
pub mod report;
pub mod source;
pub mod store;
pub mod text;

use std::process::ExitCode;

pub use error::{Error, Result};

/// Run a parsed command line. Returns the exit code for a run that completed (1 when some
/// inputs failed); an `Err` is a failure that stopped the run.
pub fn run(cli: &cli::Cli) -> Result<ExitCode> {
    // The reference data, built only for the commands that extract.
    let resources = || extract::Resources::load(cli.gazetteer.as_deref());
    match &cli.command {
        cli::Command::Ingest(args) => cmd::ingest::run(args, &cli.db, cli.quiet, &resources()?),
        cli::Command::Query(args) => cmd::query::run(args, &cli.db),
        cli::Command::Sql(args) => cmd::query::run_ad_hoc(args, &cli.db),
        cli::Command::Reprocess(args) => {
            cmd::reprocess::run(args, &cli.db, cli.quiet, &resources()?)
        }
        cli::Command::Eval(args) => cmd::eval::run(args, &resources()?),
        cli::Command::DatasetteMetadata => cmd::datasette::run(&cli.db),
        cli::Command::Report(args) => cmd::report::run(args, &cli.db, cli.quiet),
        cli::Command::Export(args) => cmd::export::run(args, &cli.db, cli.quiet),
        cli::Command::Merge(args) => cmd::merge::run(args, cli.quiet, &resources()?),
    }
}

/// The allocator of every program built on this crate (dossier, its examples and tests):
/// mimalloc rather than the C library's. Ingest allocates from three threads at once, and glibc's
/// malloc and free were 9% of its CPU samples on long articles (`perf record`, 10,000 `long`
/// articles): its arenas, chunk coalescing and trimming. Built without transparent huge pages
/// (`no_thp`), which otherwise round the arenas' resident memory up to 2 MiB pages. Measured
/// in docs/performance.md ("A fifth pass").
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
