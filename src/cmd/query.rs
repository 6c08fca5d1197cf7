//! `dossier query NAME` and `dossier sql "SELECT …"`: read-only SQL, rows to stdout in the
//! chosen format. The archive is opened read-only (`PRAGMA query_only`), so neither can write.

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

use rusqlite::types::Value;

use crate::cli::{QueryArgs, SqlArgs};
use crate::error::{Error, Result};
use crate::output::{self, Format};
use crate::queries;
use crate::store::Store;

/// Run `dossier query`.
pub fn run(args: &QueryArgs, db: &Path) -> Result<ExitCode> {
    if args.list {
        return list(args.format);
    }
    let Some(name) = &args.name else {
        return Err(Error::UnknownQuery {
            name: String::new(),
            known: known(),
        });
    };
    let query = queries::find(name)?;
    if args.sql {
        let mut out = std::io::stdout().lock();
        return finish(
            out.write_all(query.sql.as_bytes())
                .and_then(|()| out.flush()),
        );
    }
    let params = query.bind(&args.params)?;
    let store = open(db)?;
    let params = query.check(&store, params)?;
    run_sql(
        &store,
        query.sql,
        &params,
        args.format,
        &format!("query `{}`", query.name),
    )
}

/// Run `dossier sql`.
pub fn run_ad_hoc(args: &SqlArgs, db: &Path) -> Result<ExitCode> {
    let store = open(db)?;
    run_sql(&store, &args.statement, &[], args.format, "sql")
}

/// Open the archive to read, saying what the user should know about how it was opened.
fn open(db: &Path) -> Result<Store> {
    let store = Store::open_read_only(db)?;
    if let Some(note) = store.note() {
        crate::cmd::say(&format!("note: {note}"));
    }
    Ok(store)
}

fn known() -> String {
    queries::ALL
        .iter()
        .map(|q| q.name)
        .collect::<Vec<_>>()
        .join(", ")
}

/// `--list`: name, description and parameters of every query, in any format.
fn list(format: Format) -> Result<ExitCode> {
    let rows: Vec<Vec<Value>> = queries::ALL
        .iter()
        .map(|q| {
            let params: Vec<String> = q.params().iter().map(queries::Param::summary).collect();
            vec![
                Value::Text(q.name.into()),
                Value::Text(q.description().into()),
                Value::Text(params.join(", ")),
            ]
        })
        .collect();
    let columns = vec!["name".into(), "description".into(), "parameters".into()];
    let mut out = std::io::stdout().lock();
    let written = output::sink(format, columns, &mut out, terminal_width()).and_then(|mut sink| {
        rows.iter().try_for_each(|r| sink.row(r))?;
        sink.finish()
    });
    finish(written)
}

/// Prepare, bind and run one statement, streaming its rows to stdout.
fn run_sql(
    store: &Store,
    sql: &str,
    params: &[(String, Value)],
    format: Format,
    context: &str,
) -> Result<ExitCode> {
    let failed = |e: rusqlite::Error| Error::Query {
        context: context.to_string(),
        message: explain(&e),
    };
    let mut stmt = store.conn().prepare(sql).map_err(failed)?;
    if !stmt.readonly() {
        return Err(Error::WriteRefused);
    }
    let named: Vec<(&str, &dyn rusqlite::ToSql)> = params
        .iter()
        .map(|(n, v)| (n.as_str(), v as &dyn rusqlite::ToSql))
        .collect();
    let columns: Vec<String> = stmt.column_names().map(str::to_string).collect();
    let width = columns.len();
    let mut rows = stmt.query(named.as_slice()).map_err(failed)?;
    let mut out = std::io::stdout().lock();
    let mut sink = match output::sink(format, columns, &mut out, terminal_width()) {
        Ok(sink) => sink,
        Err(e) => return finish(Err(e)),
    };
    loop {
        let row = match rows.next() {
            Ok(Some(row)) => row,
            Ok(None) => break,
            Err(e) => return Err(failed(e)),
        };
        let values: Vec<Value> = (0..width)
            .map(|i| row.get(i))
            .collect::<rusqlite::Result<_>>()
            .map_err(failed)?;
        if let Err(e) = sink.row(&values) {
            return finish(Err(e));
        }
    }
    finish(sink.finish())
}

/// SQLite's message, with a hint for full-text syntax errors.
fn explain(error: &rusqlite::Error) -> String {
    let message = match error {
        rusqlite::Error::SqliteFailure(_, Some(m)) => m.clone(),
        other => other.to_string(),
    };
    if message.starts_with("fts5: syntax error") {
        format!(
            "{message}; in a search, put phrases and punctuation in double quotes, e.g. -p q='\"South Korea\"'"
        )
    } else {
        message
    }
}

/// The terminal's width when stdout is one (tables are fitted to it), else `None`.
fn terminal_width() -> Option<usize> {
    if !std::io::stdout().is_terminal() {
        return None;
    }
    terminal_size::terminal_size().map(|(w, _)| usize::from(w.0))
}

/// A closed pipe (`| head`) ends the output quietly; other write errors are errors.
fn finish(written: std::io::Result<()>) -> Result<ExitCode> {
    match written {
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(ExitCode::SUCCESS),
        Err(e) => Err(Error::io("stdout", e)),
    }
}
