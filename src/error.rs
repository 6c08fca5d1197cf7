//! The one error type for everything a user can cause.
//!
//! Messages are one line, lowercase, without a trailing period, and name the file (and the line
//! where there is one) so a user can find and fix the input. `main` prints them as `error: …`.

use std::path::PathBuf;

/// Result alias used throughout dossier.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong, phrased for the person running dossier.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An input path that does not exist.
    #[error("{}: no such file or directory", .path.display())]
    NotFound {
        /// The path as given.
        path: PathBuf,
    },
    /// A folder that holds no file dossier reads.
    #[error(
        "{}: no articles found (looked for .txt, .md, .html, .htm, .jsonl, .ndjson and .json files{})",
        .path.display(),
        .skipped.as_deref().map(|s| format!("; skipped {s}")).unwrap_or_default()
    )]
    NoArticles {
        /// The folder.
        path: PathBuf,
        /// What the walk passed over, e.g. `3 files dossier does not read (3 .pdf)`.
        skipped: Option<String>,
    },
    /// A file read as an HTML page that is not one.
    #[error(
        "{}: not an HTML page ({}); pass `--format text` to read it as text",
        .path.display(),
        .reason
    )]
    NotHtml {
        /// The file.
        path: PathBuf,
        /// What it looks like instead.
        reason: String,
    },
    /// A page that holds no article to read: no visible text, a frameset, a redirect.
    #[error("{}{}: {}", .path.display(), .line.map(|l| format!(":{l}")).unwrap_or_default(), .message)]
    EmptyPage {
        /// The file.
        path: PathBuf,
        /// The JSON Lines line, if the page came in one.
        line: Option<u64>,
        /// What the page is instead, and what to do.
        message: String,
    },
    /// The run was stopped by Ctrl-C (or SIGTERM) before its end.
    #[error("interrupted")]
    Interrupted,
    /// A path that is neither a regular file nor a folder (a FIFO, socket or device).
    #[error("{}: not a regular file (to read a pipe, pass `-` and use stdin)", .path.display())]
    NotRegular {
        /// The path as given.
        path: PathBuf,
    },
    /// Reading or writing a file failed.
    #[error("{}: {}", .path.display(), .source)]
    Io {
        /// The file.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// An input with no text in it.
    #[error("{}: empty file", .path.display())]
    Empty {
        /// The file.
        path: PathBuf,
    },
    /// An input with only white space in it.
    #[error("{}: file holds only white space", .path.display())]
    Blank {
        /// The file.
        path: PathBuf,
    },
    /// An input that looks binary (it holds NUL bytes).
    #[error("{}: binary file (NUL byte at byte {}); dossier reads UTF-8 text", .path.display(), .offset)]
    Binary {
        /// The file.
        path: PathBuf,
        /// 0-based offset of the first NUL byte.
        offset: usize,
    },
    /// An input that is not valid UTF-8.
    #[error("{}: not valid UTF-8 at byte {}", .path.display(), .offset)]
    InvalidUtf8 {
        /// The file.
        path: PathBuf,
        /// 0-based offset of the first invalid byte.
        offset: usize,
    },
    /// An input larger than one article may be.
    #[error("{}: {} bytes is over the limit of {} bytes for one article", .path.display(), .bytes, .limit)]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// Its size.
        bytes: u64,
        /// The limit.
        limit: u64,
    },
    /// A JSON Lines record (or JSON file) that does not parse.
    #[error("{}:{}: malformed JSON at column {}: {}", .path.display(), .line, .column, .message)]
    Json {
        /// The file.
        path: PathBuf,
        /// 1-based line of the file.
        line: u64,
        /// 1-based column within the line.
        column: u64,
        /// What the parser said, without its own position.
        message: String,
    },
    /// A JSON record that parses but does not describe an article.
    #[error("{}:{}: {}", .path.display(), .line, .message)]
    Record {
        /// The file.
        path: PathBuf,
        /// 1-based line (JSON Lines) or record number (JSON array).
        line: u64,
        /// What is wrong, e.g. "no `text` field".
        message: String,
    },
    /// A `NAME.meta.json` sidecar that cannot be used.
    #[error("{}: bad sidecar: {}", .path.display(), .message)]
    Sidecar {
        /// The sidecar file.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },
    /// The folder meant to hold the database does not exist.
    #[error("{}: folder `{}` does not exist; create it or choose another `--db`", .path.display(), .folder.display())]
    NoDatabaseFolder {
        /// The database path.
        path: PathBuf,
        /// Its missing parent folder.
        folder: PathBuf,
    },
    /// The database file is not an SQLite database at all.
    #[error("{}: not an SQLite database; refusing to touch it (choose another `--db`)", .path.display())]
    NotSqlite {
        /// The database path.
        path: PathBuf,
    },
    /// An archive that cannot be written (a read-only file system, mount or file).
    #[error(
        "{}: cannot write the archive: {}; `query` and `sql` can still read it, or copy it \
         somewhere writable to add to it",
        .path.display(),
        .reason
    )]
    ReadOnlyArchive {
        /// The database path.
        path: PathBuf,
        /// What the system said.
        reason: String,
    },
    /// The database is SQLite but belongs to another program.
    #[error("{}: an SQLite database that is not dossier's (application_id {:#010x}); refusing to touch it", .path.display(), .application_id)]
    NotDossier {
        /// The database path.
        path: PathBuf,
        /// The `PRAGMA application_id` found.
        application_id: u32,
    },
    /// The database was written by a newer dossier.
    #[error("{}: schema V{} is newer than this dossier knows (V{}); upgrade dossier", .path.display(), .found, .supported)]
    SchemaTooNew {
        /// The database path.
        path: PathBuf,
        /// Newest migration applied to the file.
        found: i64,
        /// Newest migration this binary embeds.
        supported: i64,
    },
    /// The archive's schema is older than this binary's, and the command only reads.
    #[error("{}: schema V{} is older than this dossier's (V{}); {}", .path.display(), .found, .supported, upgrade_hint(*.found))]
    SchemaTooOld {
        /// The database path.
        path: PathBuf,
        /// Newest migration applied to the file.
        found: i64,
        /// Newest migration this binary embeds.
        supported: i64,
    },
    /// The database could not be opened or written.
    #[error("{}: {}", .path.display(), .source)]
    Database {
        /// The database path.
        path: PathBuf,
        /// What SQLite said.
        source: rusqlite::Error,
    },
    /// A user gazetteer file (`--gazetteer`) that cannot be used.
    #[error("{}: bad gazetteer: {}", .path.display(), .message)]
    Gazetteer {
        /// The file.
        path: PathBuf,
        /// What is wrong, with the line.
        message: String,
    },
    /// `dossier query` with a name that is not a named query.
    #[error("no query named `{name}` (queries: {known}); see `dossier query --list`")]
    UnknownQuery {
        /// The name given.
        name: String,
        /// The names there are.
        known: String,
    },
    /// A query parameter that is unknown, missing or malformed.
    #[error("query `{query}`: parameter `{name}`: {message}")]
    Param {
        /// The query.
        query: String,
        /// The parameter.
        name: String,
        /// What is wrong.
        message: String,
    },
    /// SQL that SQLite refused, or that failed while running.
    #[error("{context}: {message}")]
    Query {
        /// `query NAME` or `sql`.
        context: String,
        /// What SQLite said, with a hint where there is one.
        message: String,
    },
    /// `dossier sql` given a statement that writes.
    #[error(
        "sql: only statements that read are allowed (SELECT, WITH, read-only PRAGMA); the archive is changed only by `dossier ingest` and `reprocess`"
    )]
    WriteRefused,
    /// The folder `dossier export` was given exists and is not empty.
    #[error("{}: exists and is not an empty folder; choose a new folder for the export", .path.display())]
    ExportTargetExists {
        /// The folder.
        path: PathBuf,
    },
    /// The archive `dossier merge` was to write exists already.
    #[error("{}: exists; `dossier merge` writes a new archive (choose another name)", .path.display())]
    MergeTargetExists {
        /// The path.
        path: PathBuf,
    },
    /// Writing a table's Parquet files failed.
    #[error("export of `{table}`: {message}")]
    Export {
        /// The table or view.
        table: String,
        /// What went wrong.
        message: String,
    },
    /// Applying the embedded migrations failed.
    #[error("{}: migration failed: {}", .path.display(), .source)]
    Migration {
        /// The database path.
        path: PathBuf,
        /// What refinery said.
        source: Box<refinery::Error>,
    },
}

impl Error {
    /// Is this a write to a closed pipe (`dossier query … | head`)? Such an end is not an error.
    #[must_use]
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, Self::Io { source, .. } if source.kind() == std::io::ErrorKind::BrokenPipe)
    }
    /// A JSON parse error at `line` of `path` (`line_offset` is added to the parser's own line,
    /// which counts from the start of the text it was given).
    pub fn json(path: impl Into<PathBuf>, line_offset: u64, source: &serde_json::Error) -> Self {
        let text = source.to_string();
        let message = text
            .rsplit_once(" at line ")
            .map_or(text.as_str(), |(m, _)| m)
            .to_string();
        Self::Json {
            path: path.into(),
            line: line_offset + source.line() as u64,
            column: source.column() as u64,
            message,
        }
    }

    /// Wrap an I/O error with the path it happened on.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Self::Io {
            path: path.into(),
            source,
        }
    }
}

/// How to upgrade an archive of schema `found`. Any writing command migrates it; before V8
/// ([`crate::store::LAST_EXTRACTION_MIGRATION`]) its articles also need reading again by the
/// extractors of the tables added since, which only `reprocess` does. Later migrations change
/// no extracted data, so an ingest (of new files or ones already archived) is enough, and
/// much faster than re-reading the whole archive.
fn upgrade_hint(found: i64) -> &'static str {
    if found < crate::store::LAST_EXTRACTION_MIGRATION {
        "run `dossier reprocess` to upgrade it and read its articles again"
    } else {
        "any `dossier ingest` (even of files already archived) upgrades it; so does `dossier reprocess`"
    }
}
