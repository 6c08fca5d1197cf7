//! Command-line types (clap derive). The doc comments are the `--help` text.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::output::Format;

/// Default database path, relative to the working directory.
pub const DEFAULT_DB: &str = "data/dossier.sqlite";

/// dossier: turn scraped news articles into a deduplicated, queryable SQLite archive.
///
/// Example: dossier ingest seeds/ && sqlite3 data/dossier.sqlite 'SELECT title FROM articles'
#[derive(Debug, Parser)]
#[command(name = "dossier", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    /// The archive to use. The default is relative to the current folder (the project's `data/`
    /// folder when run from the project); `ingest` creates the archive, and says so, if it is
    /// missing; the other commands need it to exist.
    #[arg(long, global = true, env = "DOSSIER_DB", value_name = "PATH", default_value = DEFAULT_DB)]
    pub db: PathBuf,

    /// Extra gazetteer rows (TSV: type, name, country, years, aliases) for ingest, reprocess and
    /// eval; see data/gazetteer/ for the columns.
    #[arg(long, global = true, env = "DOSSIER_GAZETTEER", value_name = "FILE")]
    pub gazetteer: Option<PathBuf>,

    /// Print no progress bar, no summary and no notes (errors and warnings are still printed).
    #[arg(short, long, global = true)]
    pub quiet: bool,

    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Read articles into the archive. Example: dossier ingest seeds/ more/story.txt
    Ingest(IngestArgs),
    /// Run a named analytical query. Example: dossier query search -p q=Kishida -f csv
    Query(QueryArgs),
    /// Run read-only SQL on the archive. Example: dossier sql "SELECT title FROM articles" -f json
    Sql(SqlArgs),
    /// Rebuild every derived table from the archived raw documents, in one transaction, so an
    /// improved pipeline reaches the whole archive. Example: dossier reprocess
    Reprocess(ReprocessArgs),
    /// Score the pipeline against gold annotations, in a temporary archive (`--db` is not
    /// touched). Example: dossier eval --gold tests/fixtures/gold/seeds seeds/
    Eval(EvalArgs),
    /// Print Datasette metadata (JSON) for the archive: every named query as a canned query,
    /// full-text search on paragraphs, table titles. Example: dossier datasette-metadata >
    /// meta.json && datasette serve data/dossier.sqlite --metadata meta.json
    DatasetteMetadata,
    /// Write one self-contained HTML report (charts and tables, no network needed) of the
    /// archive. Example: dossier report -o report.html --from 2019 --entity Japan
    Report(ReportArgs),
    /// Write the archive's tables as Parquet files for DuckDB, Spark or BigQuery: one folder
    /// per table, by year where the table has a date. Example: dossier export --format parquet
    /// export/
    Export(ExportArgs),
    /// Combine archives built separately into a new one, as if one ingest had read all their
    /// inputs: raw inputs, sightings and runs kept, everything else derived again. Example:
    /// dossier merge team.sqlite laptop-a.sqlite laptop-b.sqlite
    Merge(MergeArgs),
}

/// Arguments of `dossier merge`.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The new archive to write (it must not exist).
    #[arg(value_name = "OUT")]
    pub out: PathBuf,

    /// The archives to combine, in order; they are only read (an older schema is upgraded in
    /// a copy).
    #[arg(value_name = "IN", required = true)]
    pub inputs: Vec<PathBuf>,

    /// Record two articles as near-duplicates when the Jaccard similarity of their 5-word
    /// shingles is at least this (0 to 1).
    #[arg(long, value_name = "SIMILARITY", default_value_t = crate::clean::minhash::DEFAULT_THRESHOLD, value_parser = similarity)]
    pub near_duplicate_threshold: f64,
}

/// Formats `dossier export` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    /// Apache Parquet, Snappy-compressed, in Hive's year partitions.
    Parquet,
}

/// Arguments of `dossier export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The file format.
    #[arg(long, value_enum, default_value_t = ExportFormat::Parquet)]
    pub format: ExportFormat,

    /// A new (or empty) folder to write into; it appears only once the export is complete.
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
}

/// Arguments of `dossier report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The file to write.
    #[arg(short, long, value_name = "FILE", default_value = "report.html")]
    pub output: PathBuf,

    /// Events (chart, dyad, timeline) from this date: YYYY, YYYY-MM or YYYY-MM-DD.
    #[arg(long, value_name = "DATE")]
    pub from: Option<String>,

    /// Events up to this date.
    #[arg(long, value_name = "DATE")]
    pub to: Option<String>,

    /// Events involving this entity (name or alias); repeatable, one chart and timeline each.
    #[arg(long, value_name = "NAME")]
    pub entity: Vec<String>,

    /// The dyad to follow: `-p a=Japan -p b="South Korea"` (default: the busiest pair).
    #[arg(short = 'p', long = "param", value_name = "a=X|b=Y")]
    pub params: Vec<String>,
}

/// Arguments of `dossier query`.
#[derive(Debug, Args)]
pub struct QueryArgs {
    /// The query to run (see `--list`).
    #[arg(value_name = "NAME", required_unless_present = "list")]
    pub name: Option<String>,

    /// Bind a parameter, e.g. `-p from=2019-07`; repeatable.
    #[arg(short = 'p', long = "param", value_name = "NAME=VALUE")]
    pub params: Vec<String>,

    /// Output format.
    #[arg(short, long, value_enum, default_value_t = Format::Table)]
    pub format: Format,

    /// Print the query's SQL instead of running it, to adapt it in the sqlite3 shell.
    #[arg(long, conflicts_with = "list")]
    pub sql: bool,

    /// List the queries with their descriptions and parameters.
    #[arg(long)]
    pub list: bool,
}

/// Arguments of `dossier sql`.
#[derive(Debug, Args)]
pub struct SqlArgs {
    /// One SQL statement that reads (SELECT, WITH, a read-only PRAGMA).
    #[arg(value_name = "SQL")]
    pub statement: String,

    /// Output format.
    #[arg(short, long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// Arguments of `dossier reprocess`.
#[derive(Debug, Args)]
pub struct ReprocessArgs {
    /// Record two articles as near-duplicates when the Jaccard similarity of their 5-word
    /// shingles is at least this (0 to 1).
    #[arg(long, value_name = "SIMILARITY", default_value_t = crate::clean::minhash::DEFAULT_THRESHOLD, value_parser = similarity)]
    pub near_duplicate_threshold: f64,
}

/// Arguments of `dossier eval`.
#[derive(Debug, Args)]
pub struct EvalArgs {
    /// Folder of gold files: `NAME.json` for each document `NAME.txt`.
    #[arg(long, value_name = "DIR", required_unless_present = "html_truth")]
    pub gold: Option<PathBuf>,

    /// Score saved pages' article text instead: a JSON file mapping each page's id (its file
    /// name without `.html`) to `{"articleBody": …}`, scored with the shingle metric of the Zyte
    /// article extraction benchmark. Example: dossier eval --html-truth truth.json pages/
    #[arg(long, value_name = "FILE", conflicts_with_all = ["gold", "explain"])]
    pub html_truth: Option<PathBuf>,

    /// Print the scores as JSON instead of a table.
    #[arg(long)]
    pub json: bool,

    /// After the scores, list per document what was missed and what was found wrongly:
    /// boilerplate lines, entities, quotes and events (with their sentences). With `--json`, an
    /// `explain` object per document.
    #[arg(long)]
    pub explain: bool,

    /// Documents to score: files or folders (documents without a gold file are skipped).
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
}

/// Arguments of `dossier ingest`.
#[derive(Debug, Args)]
pub struct IngestArgs {
    /// Files, folders (walked recursively: .txt, .md, .jsonl, .ndjson, .json) or `-` for stdin
    /// (JSON Lines when its first line is a JSON object, else one text article).
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// How to read the inputs; `auto` goes by file extension and looks at stdin's first line.
    #[arg(long, value_enum, default_value_t = InputFormat::Auto)]
    pub format: InputFormat,

    /// Record two articles as near-duplicates when the Jaccard similarity of their 5-word
    /// shingles is at least this (0 to 1).
    #[arg(long, value_name = "SIMILARITY", default_value_t = crate::clean::minhash::DEFAULT_THRESHOLD, value_parser = similarity)]
    pub near_duplicate_threshold: f64,

    /// Inputs written per transaction. Larger is faster; smaller shows new articles to readers
    /// sooner and loses less work to a crash (a re-run skips what was committed).
    #[arg(long, value_name = "N", default_value_t = crate::store::write::BATCH_SIZE, value_parser = batch_size)]
    pub batch_size: usize,

    /// Memory for the writer's page cache, in MiB. More is faster on a large archive, whose
    /// hash-keyed indexes outgrow the default (at a million articles, 1536 took 15 minutes
    /// instead of 20); the run's peak memory grows by about the difference.
    #[arg(long, value_name = "MIB", default_value_t = crate::store::WRITER_CACHE_MIB, value_parser = cache_mib)]
    pub cache_mib: u32,
}

/// Parse a page cache size in MiB: a whole number from 1 to 1,048,576 (1 TiB).
fn cache_mib(value: &str) -> Result<u32, String> {
    match value.parse::<u32>() {
        Ok(0) => Err("must be at least 1".to_string()),
        Ok(n) if n > 1 << 20 => Err("must be at most 1048576 (1 TiB)".to_string()),
        Ok(n) => Ok(n),
        Err(e) => Err(format!("{e}")),
    }
}

/// Parse a batch size: a whole number of at least 1.
fn batch_size(value: &str) -> Result<usize, String> {
    match value.parse::<usize>() {
        Ok(0) => Err("must be at least 1".to_string()),
        Ok(n) => Ok(n),
        Err(e) => Err(format!("{e}")),
    }
}

/// Parse a similarity between 0 and 1.
fn similarity(value: &str) -> Result<f64, String> {
    let v: f64 = value.parse().map_err(|e| format!("{e}"))?;
    if (0.0..=1.0).contains(&v) {
        Ok(v)
    } else {
        Err(format!("{v} is not between 0 and 1"))
    }
}

/// Input formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InputFormat {
    /// By extension: .html/.htm as pages, .jsonl/.ndjson as JSON Lines, .json as JSON,
    /// anything else as text (a text file that opens as a page is read as one); stdin by its
    /// first line.
    Auto,
    /// One article per file, plain UTF-8 text (a saved page's markup too, if you insist).
    Text,
    /// One saved web page per file, in any charset it declares or that can be detected.
    Html,
    /// One JSON object per line: {"text": …, "title", "url", "outlet", "published", "id"}.
    Jsonl,
    /// One JSON object, or an array of them, per file.
    Json,
}
