//! Output of query results: one sink per format, generic over rows of SQLite values.
//!
//! stdout carries data only. Column names and order come from the SQL; values are written as
//! SQLite gives them. Formats:
//! - `table`: aligned columns for people; on a terminal, fitted to its width (long cells
//!   wrapped, or one record at a time when the columns cannot fit; see `output/table.rs`); piped,
//!   every cell on one line. Buffered, since widths need every row.
//! - `csv`: RFC 4180 with a header. `tsv`: a header; tabs, newlines, carriage returns and
//!   backslashes in values escaped as `\t`, `\n`, `\r`, `\\`.
//! - `json`: one array of objects. `jsonl`: one object per line. Integers and reals are JSON
//!   numbers, NULL is `null`, blobs are lowercase hex strings.
//! - `markdown`: a pipe table (`|` escaped, newlines as `<br>`).
//!
//! An empty result still prints the header (`[]` in JSON; nothing in JSON Lines).

mod table;

use std::io::{self, Write};

use rusqlite::types::Value;

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Aligned columns for people.
    Table,
    /// RFC 4180 CSV with a header.
    Csv,
    /// Tab-separated values with a header, escapes for tabs and newlines.
    Tsv,
    /// One JSON array of objects.
    Json,
    /// One JSON object per line.
    Jsonl,
    /// A Markdown pipe table.
    Markdown,
}

/// Where rows go: one call per row, then `finish`.
pub trait RowSink {
    /// Write one row (values in column order).
    fn row(&mut self, values: &[Value]) -> io::Result<()>;
    /// Write what closes the output (the JSON array's bracket, the buffered table).
    fn finish(self: Box<Self>) -> io::Result<()>;
}

/// A sink for `format` writing to `out`. `terminal_width` is the width to fit a table into, when
/// stdout is a terminal.
pub fn sink<'w>(
    format: Format,
    columns: Vec<String>,
    out: &'w mut dyn Write,
    terminal_width: Option<usize>,
) -> io::Result<Box<dyn RowSink + 'w>> {
    Ok(match format {
        Format::Table => Box::new(table::Table::new(columns, out, terminal_width)),
        Format::Csv => {
            let mut writer = csv::Writer::from_writer(out);
            writer.write_record(&columns).map_err(csv_io)?;
            Box::new(Csv(writer))
        }
        Format::Tsv => {
            let header: Vec<String> = columns.iter().map(|c| escape_tsv(c)).collect();
            writeln!(out, "{}", header.join("\t"))?;
            Box::new(Tsv(out))
        }
        Format::Json => Box::new(Json {
            columns,
            out,
            rows: 0,
        }),
        Format::Jsonl => Box::new(Jsonl { columns, out }),
        Format::Markdown => {
            let header: Vec<String> = columns.iter().map(|c| escape_markdown(c)).collect();
            writeln!(out, "| {} |", header.join(" | "))?;
            writeln!(out, "|{}|", vec![" --- "; columns.len()].join("|"))?;
            Box::new(Markdown(out))
        }
    })
}

/// A value as text: NULL is empty, reals in their shortest exact form, blobs in hex.
#[must_use]
pub fn text(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::Integer(n) => n.to_string(),
        Value::Real(f) => f.to_string(),
        Value::Text(s) => s.clone(),
        Value::Blob(b) => hex(b),
    }
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

fn json(value: &Value) -> serde_json::Value {
    match value {
        Value::Null => serde_json::Value::Null,
        Value::Integer(n) => (*n).into(),
        Value::Real(f) => {
            serde_json::Number::from_f64(*f).map_or(serde_json::Value::Null, Into::into)
        }
        Value::Text(s) => s.clone().into(),
        Value::Blob(b) => hex(b).into(),
    }
}

fn object(columns: &[String], values: &[Value]) -> serde_json::Map<String, serde_json::Value> {
    columns
        .iter()
        .cloned()
        .zip(values.iter().map(json))
        .collect()
}

struct Csv<'w>(csv::Writer<&'w mut dyn Write>);

/// The csv crate's error as the I/O error inside it, so a closed pipe is still recognised.
fn csv_io(error: csv::Error) -> io::Error {
    match error.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => io::Error::other(format!("{other:?}")),
    }
}

impl RowSink for Csv<'_> {
    fn row(&mut self, values: &[Value]) -> io::Result<()> {
        self.0.write_record(values.iter().map(text)).map_err(csv_io)
    }
    fn finish(mut self: Box<Self>) -> io::Result<()> {
        self.0.flush()
    }
}

fn escape_tsv(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
    out
}

struct Tsv<'w>(&'w mut dyn Write);

impl RowSink for Tsv<'_> {
    fn row(&mut self, values: &[Value]) -> io::Result<()> {
        let cells: Vec<String> = values.iter().map(|v| escape_tsv(&text(v))).collect();
        writeln!(self.0, "{}", cells.join("\t"))
    }
    fn finish(self: Box<Self>) -> io::Result<()> {
        self.0.flush()
    }
}

struct Json<'w> {
    columns: Vec<String>,
    out: &'w mut dyn Write,
    rows: usize,
}

impl RowSink for Json<'_> {
    fn row(&mut self, values: &[Value]) -> io::Result<()> {
        self.out
            .write_all(if self.rows == 0 { b"[\n  " } else { b",\n  " })?;
        serde_json::to_writer(&mut *self.out, &object(&self.columns, values))?;
        self.rows += 1;
        Ok(())
    }
    fn finish(self: Box<Self>) -> io::Result<()> {
        self.out
            .write_all(if self.rows == 0 { b"[]\n" } else { b"\n]\n" })?;
        self.out.flush()
    }
}

struct Jsonl<'w> {
    columns: Vec<String>,
    out: &'w mut dyn Write,
}

impl RowSink for Jsonl<'_> {
    fn row(&mut self, values: &[Value]) -> io::Result<()> {
        serde_json::to_writer(&mut *self.out, &object(&self.columns, values))?;
        self.out.write_all(b"\n")
    }
    fn finish(self: Box<Self>) -> io::Result<()> {
        self.out.flush()
    }
}

fn escape_markdown(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace("\r\n", "<br>")
        .replace('\n', "<br>")
}

struct Markdown<'w>(&'w mut dyn Write);

impl RowSink for Markdown<'_> {
    fn row(&mut self, values: &[Value]) -> io::Result<()> {
        let cells: Vec<String> = values.iter().map(|v| escape_markdown(&text(v))).collect();
        writeln!(self.0, "| {} |", cells.join(" | "))
    }
    fn finish(self: Box<Self>) -> io::Result<()> {
        self.0.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(format: Format, rows: &[Vec<Value>]) -> String {
        let mut out = Vec::new();
        let mut sink = sink(format, vec!["id".into(), "text".into()], &mut out, None).unwrap();
        for row in rows {
            sink.row(row).unwrap();
        }
        sink.finish().unwrap();
        String::from_utf8(out).unwrap()
    }

    fn rows() -> Vec<Vec<Value>> {
        vec![
            vec![
                Value::Integer(1),
                Value::Text("a, \"quoted\"\ttab\nline | pipe \\ slash".into()),
            ],
            vec![Value::Real(0.5), Value::Null],
        ]
    }

    #[test]
    fn every_format() {
        assert_eq!(
            render(Format::Csv, &rows()),
            "id,text\n1,\"a, \"\"quoted\"\"\ttab\nline | pipe \\ slash\"\n0.5,\n"
        );
        assert_eq!(
            render(Format::Tsv, &rows()),
            "id\ttext\n1\ta, \"quoted\"\\ttab\\nline | pipe \\\\ slash\n0.5\t\n"
        );
        assert_eq!(
            render(Format::Json, &rows()),
            "[\n  {\"id\":1,\"text\":\"a, \\\"quoted\\\"\\ttab\\nline | pipe \\\\ slash\"},\n  {\"id\":0.5,\"text\":null}\n]\n"
        );
        assert_eq!(render(Format::Jsonl, &rows()).lines().count(), 2);
        assert_eq!(
            render(Format::Markdown, &rows()),
            "| id | text |\n| --- | --- |\n| 1 | a, \"quoted\"\ttab<br>line \\| pipe \\\\ slash |\n| 0.5 |  |\n"
        );
    }

    #[test]
    fn empty_results_keep_their_header() {
        assert_eq!(render(Format::Json, &[]), "[]\n");
        assert_eq!(render(Format::Jsonl, &[]), "");
        assert_eq!(render(Format::Csv, &[]), "id,text\n");
        assert_eq!(render(Format::Tsv, &[]), "id\ttext\n");
        assert_eq!(render(Format::Table, &[]), "id  text\n--  ----\n");
    }
}
