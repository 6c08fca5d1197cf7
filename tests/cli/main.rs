//! Integration tests: the real `dossier` binary, each test in its own temporary database.

// Test helpers panic on a broken test environment; that is their job.
#![allow(clippy::unwrap_used)]

mod concurrency;
mod crash;
mod datasette;
mod environment;
mod errors;
mod eval;
mod events;
#[cfg(feature = "parquet")]
mod export;
mod front_door;
mod html;
mod ingest;
mod merge;
mod migrate;
mod query;
mod report;
mod reprocess;
mod summaries;
mod terminal;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use rusqlite::Connection;
use tempfile::TempDir;

/// A scratch folder with a database path in it.
pub(crate) struct Env {
    pub(crate) dir: TempDir,
    pub(crate) db: PathBuf,
}

impl Env {
    pub(crate) fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("test.sqlite");
        Self { dir, db }
    }

    /// `dossier` run from the repository root (so fixture paths are relative) on this database.
    pub(crate) fn dossier(&self) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_dossier"));
        cmd.current_dir(repo())
            .env("DOSSIER_DB", &self.db)
            .env_remove("RUST_LOG")
            .env_remove("DOSSIER_PROFILE_SQL");
        cmd
    }

    pub(crate) fn conn(&self) -> Connection {
        Connection::open(&self.db).unwrap()
    }

    /// A single integer from SQL.
    pub(crate) fn count(&self, sql: &str) -> i64 {
        self.conn().query_row(sql, [], |r| r.get(0)).unwrap()
    }

    /// The rows `dossier query ARGS -f json` prints, which must succeed.
    pub(crate) fn query_rows(&self, args: &[&str]) -> Vec<serde_json::Value> {
        let out = self
            .dossier()
            .arg("query")
            .args(args)
            .args(["-f", "json"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice::<serde_json::Value>(&out.stdout)
            .unwrap()
            .as_array()
            .unwrap()
            .clone()
    }

    /// `text` with `{db}` replaced by this archive's path: what dossier says about it.
    pub(crate) fn said(&self, text: &str) -> String {
        text.replace("{db}", &self.db.display().to_string())
    }

    /// Write a file in the scratch folder and return its path.
    pub(crate) fn file(&self, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }
}

/// The entries of `dir` whose names begin with `prefix`.
pub(crate) fn entries_starting_with(dir: &Path, prefix: &str) -> usize {
    std::fs::read_dir(dir)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .starts_with(prefix)
        })
        .count()
}

pub(crate) fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The sample articles' text files in `seeds/`, in name order.
pub(crate) fn seed_paths() -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(repo().join("seeds"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    paths.sort();
    paths
}

/// Row counts of every table, to show a run changed nothing.
pub(crate) fn table_counts(env: &Env) -> Vec<(String, i64)> {
    [
        "imports",
        "documents",
        "sightings",
        "articles",
        "paragraphs",
        "article_paragraphs",
    ]
    .iter()
    .map(|t| {
        (
            (*t).to_string(),
            env.count(&format!("SELECT count(*) FROM {t}")),
        )
    })
    .collect()
}
