//! `dossier export --format parquet DIR`: the tables and views analysts query, as Parquet files
//! for engines built for more rows than SQLite is (DuckDB, Spark, BigQuery).
//!
//! One folder per table, one file per year in tables with a date (`articles` by `published`,
//! `events` by `date_start`), in Hive's layout (`events/year=2019/part-0.parquet`, rows without
//! a year under `year=__HIVE_DEFAULT_PARTITION__`), and one file otherwise
//! (`paragraphs/part-0.parquet`). Column names are the archive's, with types fixed here (the
//! contract `docs/schema.md` documents): SQLite's integers are `INT64`, reals `DOUBLE`, text
//! `UTF8` byte arrays; a column SQLite declares `NOT NULL` is `REQUIRED`.
//!
//! Rows stream from one read-only connection into row groups of at most [`ROW_GROUP_ROWS`]
//! rows, so memory does not grow with the archive. The files are written into a new folder
//! beside `DIR` and renamed to `DIR` once every one is complete: an export that fails leaves
//! nothing behind, and never a half-written file.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use parquet::basic::Compression;
use parquet::column::writer::ColumnWriter;
use parquet::data_type::ByteArray;
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::parser::parse_message_type;
use rusqlite::types::ValueRef;

use crate::error::{Error, Result};
use crate::store::Store;

/// Rows per row group: large enough for DuckDB and Spark to read well, small enough that a
/// group of paragraphs' text stays some tens of megabytes.
pub const ROW_GROUP_ROWS: usize = 100_000;

/// Partition name of rows without a year (Hive's, which Spark reads as NULL).
pub const NO_YEAR: &str = "__HIVE_DEFAULT_PARTITION__";

/// A column's Parquet type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `INT64`.
    Int,
    /// `DOUBLE`.
    Real,
    /// `BYTE_ARRAY (UTF8)`.
    Text,
}

/// One exported column.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    /// The name, the archive's.
    pub name: &'static str,
    /// The Parquet type.
    pub kind: Kind,
    /// Never NULL (`REQUIRED`).
    pub required: bool,
}

const fn col(name: &'static str, kind: Kind, required: bool) -> Column {
    Column {
        name,
        kind,
        required,
    }
}

/// One exported table or view.
#[derive(Debug, Clone, Copy)]
pub struct Table {
    /// The folder's name, the table's or view's.
    pub name: &'static str,
    /// The column holding a date (`YYYY…`) to partition by year, if any; rows are exported in
    /// its order (through its index).
    pub date: Option<&'static str>,
    /// The order of the rows otherwise: the table's key.
    pub key: &'static str,
    /// The columns, in order.
    pub columns: &'static [Column],
}

use Kind::{Int, Real, Text};

/// What is exported: the tables and views of `docs/schema.md` that analyses join.
pub const TABLES: &[Table] = &[
    Table {
        name: "articles",
        key: "id",
        date: Some("published"),
        columns: &[
            col("id", Int, true),
            col("sha256", Text, true),
            col("document_id", Int, true),
            col("title", Text, false),
            col("url", Text, false),
            col("outlet", Text, false),
            col("published", Text, false),
            col("published_source", Text, false),
            col("words", Int, true),
            col("content_paragraphs", Int, true),
            col("boilerplate_paragraphs", Int, true),
            col("byline", Text, false),
            col("metadata_sources", Text, false),
        ],
    },
    Table {
        name: "paragraphs",
        key: "id",
        date: None,
        columns: &[
            col("id", Int, true),
            col("sha256", Text, true),
            col("text", Text, true),
            col("words", Int, true),
        ],
    },
    Table {
        name: "article_paragraphs",
        key: "article_id, position",
        date: None,
        columns: &[
            col("article_id", Int, true),
            col("position", Int, true),
            col("paragraph_id", Int, true),
            col("role", Text, true),
            col("rule", Text, true),
            col("line_start", Int, true),
            col("line_end", Int, true),
        ],
    },
    Table {
        name: "entities",
        key: "id",
        date: None,
        columns: &[
            col("id", Int, true),
            col("name", Text, true),
            col("type", Text, true),
            col("country", Text, false),
            col("origin", Text, true),
        ],
    },
    Table {
        name: "entity_aliases",
        key: "entity_id, alias",
        date: None,
        columns: &[
            col("entity_id", Int, true),
            col("alias", Text, true),
            col("is_metonym", Int, true),
            col("origin", Text, true),
        ],
    },
    Table {
        name: "mentions",
        key: "id",
        date: None,
        columns: &[
            col("id", Int, true),
            col("entity_id", Int, true),
            col("article_id", Int, true),
            col("paragraph_id", Int, true),
            col("char_start", Int, true),
            col("char_end", Int, true),
            col("surface", Text, true),
            col("is_metonym", Int, true),
        ],
    },
    Table {
        name: "quotes",
        key: "id",
        date: None,
        columns: &[
            col("id", Int, true),
            col("article_id", Int, true),
            col("paragraph_id", Int, true),
            col("speaker_id", Int, true),
            col("char_start", Int, true),
            col("char_end", Int, true),
            col("text", Text, true),
        ],
    },
    Table {
        name: "events",
        key: "id",
        date: Some("date_start"),
        columns: &[
            col("id", Int, true),
            col("date_start", Text, true),
            col("date_end", Text, true),
            col("date_precision", Text, true),
            col("code", Text, true),
            col("root_code", Text, true),
            col("quad_class", Int, true),
            col("goldstein", Real, true),
            col("source_id", Int, true),
            col("target_id", Int, false),
            col("num_mentions", Int, true),
            col("num_articles", Int, true),
        ],
    },
    Table {
        name: "event_mentions",
        key: "id",
        date: None,
        columns: &[
            col("id", Int, true),
            col("event_id", Int, true),
            col("article_id", Int, true),
            col("paragraph_id", Int, true),
            col("sentence", Text, true),
            col("char_start", Int, true),
            col("char_end", Int, true),
            col("date_text", Text, false),
            col("date_anchor", Text, false),
            col("rule", Text, false),
            col("confidence", Real, false),
        ],
    },
];

impl Table {
    /// The Parquet schema, as a message type.
    #[must_use]
    pub fn message_type(&self) -> String {
        let fields: Vec<String> = self
            .columns
            .iter()
            .map(|c| {
                let repetition = if c.required { "REQUIRED" } else { "OPTIONAL" };
                let kind = match c.kind {
                    Int => "INT64",
                    Real => "DOUBLE",
                    Text => "BYTE_ARRAY",
                };
                let logical = if c.kind == Text { " (UTF8)" } else { "" };
                format!("{repetition} {kind} {}{logical};", c.name)
            })
            .collect();
        format!("message {} {{ {} }}", self.name, fields.join(" "))
    }

    /// The rows in export order: by date (through the column's index) where partitioned, by
    /// the table's key otherwise.
    fn select(&self) -> String {
        let columns: Vec<&str> = self.columns.iter().map(|c| c.name).collect();
        let order = self.date.unwrap_or(self.key);
        format!(
            "SELECT {} FROM {} ORDER BY {order}",
            columns.join(", "),
            self.name
        )
    }
}

/// What an export wrote: per table, its files and rows.
#[derive(Debug, Default)]
pub struct Summary {
    /// `(table, files, rows)` in export order.
    pub tables: Vec<(&'static str, u64, u64)>,
    /// Bytes of all the files.
    pub bytes: u64,
}

/// Export every table of [`TABLES`] from `conn` into the new folder `dir`.
///
/// # Errors
/// If `dir` exists and is not an empty folder, if its parent folder is missing, on a database
/// or write error, or when `stop` is set between two tables ([`Error::Interrupted`]); `dir` is
/// then left as it was.
pub fn parquet(store: &Store, dir: &Path, stop: &std::sync::atomic::AtomicBool) -> Result<Summary> {
    if dir.exists() {
        let empty = std::fs::read_dir(dir)
            .map_err(|e| Error::io(dir, e))?
            .next()
            .is_none();
        if !dir.is_dir() || !empty {
            return Err(Error::ExportTargetExists {
                path: dir.to_path_buf(),
            });
        }
    }
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let staging = tempfile::Builder::new()
        .prefix(".dossier-export-")
        .tempdir_in(&parent)
        .map_err(|e| Error::io(&parent, e))?;
    let mut summary = Summary::default();
    // One read transaction: every table from the same snapshot, though an ingest commits
    // meanwhile.
    let conn = store.conn();
    conn.execute_batch("BEGIN").map_err(|e| store.error(e))?;
    for table in TABLES {
        if stop.load(std::sync::atomic::Ordering::SeqCst) {
            return Err(Error::Interrupted);
        }
        let (files, rows, bytes) = export_table(store, table, &staging.path().join(table.name))?;
        summary.tables.push((table.name, files, rows));
        summary.bytes += bytes;
    }
    conn.execute_batch("COMMIT").map_err(|e| store.error(e))?;
    if dir.exists() {
        std::fs::remove_dir(dir).map_err(|e| Error::io(dir, e))?;
    }
    let staged = staging.keep();
    std::fs::rename(&staged, dir).map_err(|e| {
        let _ = std::fs::remove_dir_all(&staged);
        Error::io(dir, e)
    })?;
    Ok(summary)
}

/// The partition a date falls in: its year, or [`NO_YEAR`].
fn year_of(date: Option<&[u8]>) -> String {
    match date {
        Some(d) if d.len() >= 4 && d[..4].iter().all(u8::is_ascii_digit) => {
            String::from_utf8_lossy(&d[..4]).into_owned()
        }
        _ => NO_YEAR.to_string(),
    }
}

/// Write one table's files under `folder`; returns files, rows and bytes written.
fn export_table(store: &Store, table: &Table, folder: &Path) -> Result<(u64, u64, u64)> {
    let failed = |message: String| Error::Export {
        table: table.name.to_string(),
        message,
    };
    std::fs::create_dir_all(folder).map_err(|e| Error::io(folder, e))?;
    let schema =
        Arc::new(parse_message_type(&table.message_type()).map_err(|e| failed(e.to_string()))?);
    let properties = Arc::new(
        WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .set_created_by(format!("dossier {}", env!("CARGO_PKG_VERSION")))
            .build(),
    );
    let date_column = table
        .date
        .and_then(|d| table.columns.iter().position(|c| c.name == d));
    let db = |e| store.error(e);
    let mut stmt = store.conn().prepare(&table.select()).map_err(db)?;
    let mut rows = stmt.query([]).map_err(db)?;
    let mut open: Option<(PathBuf, String, SerializedFileWriter<File>)> = None;
    let mut buffer = RowGroup::new(table.columns);
    let (mut files, mut total, mut bytes) = (0u64, 0u64, 0u64);
    let mut parts: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let fail = |e: parquet::errors::ParquetError| failed(e.to_string());
    loop {
        let row = rows.next().map_err(db)?;
        let partition = match (row, date_column) {
            (Some(r), Some(i)) => Some(year_of(match r.get_ref(i).map_err(db)? {
                ValueRef::Text(t) => Some(t),
                _ => None,
            })),
            (Some(_), None) => Some(String::new()),
            (None, _) => None,
        };
        // A new partition, or the end: flush what is buffered and close the open file.
        let switch = match (&open, &partition) {
            (Some((_, current, _)), Some(next)) => current != next,
            (Some(_), None) => true,
            (None, _) => false,
        };
        if (switch || buffer.rows >= ROW_GROUP_ROWS)
            && let Some((_, _, writer)) = open.as_mut()
        {
            buffer.write(writer).map_err(fail)?;
        }
        if switch && let Some((path, _, writer)) = open.take() {
            writer.close().map_err(fail)?;
            bytes += std::fs::metadata(&path)
                .map_err(|e| Error::io(&path, e))?
                .len();
        }
        let (Some(row), Some(partition)) = (row, partition) else {
            break;
        };
        if open.is_none() {
            let folder = if table.date.is_some() {
                folder.join(format!("year={partition}"))
            } else {
                folder.to_path_buf()
            };
            std::fs::create_dir_all(&folder).map_err(|e| Error::io(&folder, e))?;
            // Rows come in date order, so a partition is one run of rows; should one come back
            // (a date out of its year's order), it gets a file of its own, never an overwrite.
            let part = parts.entry(partition.clone()).or_insert(0);
            let path = folder.join(format!("part-{part}.parquet"));
            *part += 1;
            let file = File::create(&path).map_err(|e| Error::io(&path, e))?;
            let writer =
                SerializedFileWriter::new(file, Arc::clone(&schema), Arc::clone(&properties))
                    .map_err(fail)?;
            open = Some((path, partition, writer));
            files += 1;
        }
        buffer.push(row).map_err(failed)?;
        total += 1;
    }
    if files == 0 {
        // An empty table is still one file, with the schema, so readers find its columns.
        let path = folder.join("part-0.parquet");
        let file = File::create(&path).map_err(|e| Error::io(&path, e))?;
        SerializedFileWriter::new(file, schema, properties)
            .and_then(SerializedFileWriter::close)
            .map_err(fail)?;
        files = 1;
        bytes += std::fs::metadata(&path)
            .map_err(|e| Error::io(&path, e))?
            .len();
    }
    Ok((files, total, bytes))
}

/// One column's buffered values: the values present, and a definition level per row for an
/// optional column (1 present, 0 NULL).
enum Values {
    Int(Vec<i64>),
    Real(Vec<f64>),
    Text(Vec<ByteArray>),
}

/// Rows gathered for the next row group, column by column.
struct RowGroup {
    columns: &'static [Column],
    values: Vec<Values>,
    levels: Vec<Vec<i16>>,
    rows: usize,
}

impl RowGroup {
    fn new(columns: &'static [Column]) -> Self {
        RowGroup {
            columns,
            values: columns
                .iter()
                .map(|c| match c.kind {
                    Int => Values::Int(Vec::new()),
                    Real => Values::Real(Vec::new()),
                    Text => Values::Text(Vec::new()),
                })
                .collect(),
            levels: vec![Vec::new(); columns.len()],
            rows: 0,
        }
    }

    /// Add one row; an error names the column whose value does not fit its type.
    fn push(&mut self, row: &rusqlite::Row<'_>) -> std::result::Result<(), String> {
        for (i, column) in self.columns.iter().enumerate() {
            let value = row.get_ref(i).map_err(|e| e.to_string())?;
            let present = !matches!(value, ValueRef::Null);
            if !present && column.required {
                return Err(format!("NULL in required column {}", column.name));
            }
            if !column.required {
                self.levels[i].push(i16::from(present));
            }
            if !present {
                continue;
            }
            let wrong = || format!("column {}: a {:?} value", column.name, value.data_type());
            match (&mut self.values[i], value) {
                (Values::Int(v), ValueRef::Integer(n)) => v.push(n),
                (Values::Real(v), ValueRef::Real(x)) => v.push(x),
                #[allow(clippy::cast_precision_loss)] // a REAL column holding a whole number
                (Values::Real(v), ValueRef::Integer(n)) => v.push(n as f64),
                (Values::Text(v), ValueRef::Text(t)) => v.push(ByteArray::from(t.to_vec())),
                _ => return Err(wrong()),
            }
        }
        self.rows += 1;
        Ok(())
    }

    /// Write the buffered rows as one row group and empty the buffer.
    fn write(&mut self, writer: &mut SerializedFileWriter<File>) -> parquet::errors::Result<()> {
        if self.rows == 0 {
            return Ok(());
        }
        let mut group = writer.next_row_group()?;
        let mut i = 0;
        while let Some(mut column) = group.next_column()? {
            let levels = (!self.columns[i].required).then_some(self.levels[i].as_slice());
            match (column.untyped(), &self.values[i]) {
                (ColumnWriter::Int64ColumnWriter(w), Values::Int(v)) => {
                    w.write_batch(v, levels, None)?;
                }
                (ColumnWriter::DoubleColumnWriter(w), Values::Real(v)) => {
                    w.write_batch(v, levels, None)?;
                }
                (ColumnWriter::ByteArrayColumnWriter(w), Values::Text(v)) => {
                    w.write_batch(v, levels, None)?;
                }
                _ => {
                    return Err(parquet::errors::ParquetError::General(format!(
                        "column {} does not match its schema",
                        self.columns[i].name
                    )));
                }
            }
            column.close()?;
            i += 1;
        }
        group.close()?;
        *self = RowGroup::new(self.columns);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_schema_parses_and_years_partition() {
        for table in TABLES {
            parse_message_type(&table.message_type()).unwrap();
            if let Some(date) = table.date {
                assert!(table.columns.iter().any(|c| c.name == date));
            }
        }
        assert_eq!(year_of(Some(b"2019-05-01")), "2019");
        assert_eq!(year_of(Some(b"1910")), "1910");
        assert_eq!(year_of(Some(b"May 2019")), NO_YEAR);
        assert_eq!(year_of(None), NO_YEAR);
    }
}
