//! dossier turns scraped news articles into an embedded SQLite archive that analysts query
//! with SQL.
//!
//! The crate is laid out as thin edges around pure stages:
//! - [`cli`] (clap types) and [`cmd`] (one module per subcommand, wiring only) at the edge;
//! - [`source`] reads inputs into [`source::RawInput`]s, keeping raw bytes untouched;
//! - pure stages with no I/O: [`segment`], [`normalize`], [`boilerplate`], composed by
//!   [`pipeline::prepare`], with hashes from [`hashing`];
//! - [`store`], the only module that talks to SQLite.

pub mod boilerplate;
pub mod cameo;
pub mod cli;
pub mod cmd;
pub mod dates;
pub mod discover;
pub mod entities;
pub mod error;
pub mod eval;
pub mod events;
pub mod hashing;
pub mod minhash;
pub mod normalize;
pub mod output;
pub mod pipeline;
pub mod queries;
pub mod quotes;
pub mod regexes;
pub mod segment;
pub mod sentences;
pub mod source;
pub mod store;
pub mod timex;

use std::process::ExitCode;

pub use error::{Error, Result};

/// Run a parsed command line. Returns the exit code for a run that completed (1 when some
/// inputs failed); an `Err` is a failure that stopped the run.
pub fn run(cli: &cli::Cli) -> Result<ExitCode> {
    if let Some(path) = &cli.gazetteer {
        entities::load_user_gazetteer(path)?;
    }
    match &cli.command {
        cli::Command::Ingest(args) => cmd::ingest::run(args, &cli.db, cli.quiet),
        cli::Command::Query(args) => cmd::query::run(args, &cli.db),
        cli::Command::Sql(args) => cmd::query::run_ad_hoc(args, &cli.db),
        cli::Command::Reprocess(args) => cmd::reprocess::run(args, &cli.db, cli.quiet),
        cli::Command::Eval(args) => cmd::eval::run(args),
    }
}
