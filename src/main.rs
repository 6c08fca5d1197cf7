//! The `dossier` binary: parse the command line, run, print the one-line error.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = dossier::cli::Cli::parse();
    match dossier::run(&cli) {
        Ok(code) => code,
        Err(err) => {
            dossier::cmd::say(&format!("error: {err}"));
            ExitCode::FAILURE
        }
    }
}
