//! `dossier report`: one self-contained HTML file of charts and tables over an archive.
//!
//! Every number comes from the named queries (`src/queries/*.sql`), run with the parameters the
//! command line would give them, so the report and `dossier query` always agree:
//! `stats` and `sources` (overview), `events-by-month` (events over time), `dyads` (the busiest
//! pairs, and the default pair), `dyad` (the pair's trend), `top-entities` (per type),
//! `timeline` (capped), `speakers` (most quoted), `near-duplicates` and `reused-paragraphs`.
//! Charts are inline SVG drawn with plotters ([`charts`]); there is no script, no style sheet
//! and no image from elsewhere, so the file reads offline.

pub mod charts;
mod html;

use rusqlite::types::Value;

use crate::error::{Error, Result};
use crate::queries;
use crate::store::Store;

/// At most this many timeline rows are written; a note says how many were left out.
pub const TIMELINE_CAP: usize = 1000;

/// What the report covers.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Events ending on or after (`YYYY`, `YYYY-MM` or `YYYY-MM-DD`).
    pub from: Option<String>,
    /// Events starting on or before.
    pub to: Option<String>,
    /// Only events these entities take part in (one chart and timeline each).
    pub entities: Vec<String>,
    /// The dyad to follow: `a` and `b`, else the busiest pair.
    pub pair: Option<(String, String)>,
    /// The archive's path, shown in the header.
    pub archive: String,
}

/// Rows of one named query: column names and values.
#[derive(Debug, Clone, Default)]
pub struct Rows {
    /// Column names.
    pub columns: Vec<String>,
    /// Values, one vector per row.
    pub rows: Vec<Vec<Value>>,
}

impl Rows {
    /// The value of `column` in row `i`.
    #[must_use]
    pub fn get(&self, i: usize, column: &str) -> &Value {
        static NULL: Value = Value::Null;
        self.columns
            .iter()
            .position(|c| c == column)
            .and_then(|c| self.rows.get(i).and_then(|r| r.get(c)))
            .unwrap_or(&NULL)
    }

    /// `column` of row `i` as text ("" for NULL).
    #[must_use]
    pub fn text(&self, i: usize, column: &str) -> String {
        match self.get(i, column) {
            Value::Text(t) => t.clone(),
            Value::Integer(n) => n.to_string(),
            Value::Real(r) => format!("{r}"),
            Value::Null | Value::Blob(_) => String::new(),
        }
    }

    /// `column` of row `i` as a number (0 for NULL or text).
    #[must_use]
    pub fn number(&self, i: usize, column: &str) -> f64 {
        #[allow(clippy::cast_precision_loss)]
        match self.get(i, column) {
            Value::Integer(n) => *n as f64,
            Value::Real(r) => *r,
            _ => 0.0,
        }
    }

    /// Number of rows.
    #[must_use]
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether there are none.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }
}

/// Run the named query `name` with `params` (`name=value`, as `-p` takes them), checked as
/// `dossier query` checks them.
pub fn run(store: &Store, name: &str, params: &[String]) -> Result<Rows> {
    let query = queries::find(name)?;
    let bound = query.check(store, query.bind(params)?)?;
    select(store, query.sql, &bound, name)
}

/// How many rows the named query gives with `params` and no row limit.
fn count(store: &Store, name: &str, params: &[String]) -> Result<usize> {
    let query = queries::find(name)?;
    let mut bound = query.check(store, query.bind(params)?)?;
    for (param, value) in &mut bound {
        if param == ":limit" {
            *value = Value::Integer(-1);
        }
    }
    let sql = format!(
        "SELECT count(*) FROM ({})",
        query.sql.trim().trim_end_matches(';')
    );
    let rows = select(store, &sql, &bound, name)?;
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    Ok(rows.number(0, "count(*)") as usize)
}

fn select(store: &Store, sql: &str, bound: &[(String, Value)], name: &str) -> Result<Rows> {
    let failed = |e: rusqlite::Error| Error::Query {
        context: format!("report, query `{name}`"),
        message: e.to_string(),
    };
    let conn = store.conn();
    let mut stmt = conn.prepare(sql).map_err(failed)?;
    let named: Vec<(&str, &dyn rusqlite::ToSql)> = bound
        .iter()
        .map(|(n, v)| (n.as_str(), v as &dyn rusqlite::ToSql))
        .collect();
    let columns: Vec<String> = stmt.column_names().map(str::to_string).collect();
    let width = columns.len();
    let rows = stmt
        .query_map(named.as_slice(), |row| {
            (0..width).map(|i| row.get::<_, Value>(i)).collect()
        })
        .map_err(failed)?
        .collect::<rusqlite::Result<Vec<Vec<Value>>>>()
        .map_err(failed)?;
    Ok(Rows { columns, rows })
}

/// The data of one report, every part from its named query.
#[derive(Debug, Default)]
pub struct Data {
    /// `stats`.
    pub stats: Rows,
    /// `sources`.
    pub sources: Rows,
    /// `events-by-month`, per entity filter (one with no entity when none was given).
    pub months: Vec<(Option<String>, Rows)>,
    /// The pair followed, and `dyad` for it.
    pub dyad: Option<((String, String), Rows)>,
    /// `dyads`.
    pub dyads: Rows,
    /// `top-entities` per type.
    pub top: Vec<(&'static str, Rows)>,
    /// `timeline` per entity filter (capped), with the number of rows without the cap.
    pub timelines: Vec<(Option<String>, Rows, usize)>,
    /// The URL of the first article telling each timeline event.
    pub urls: std::collections::HashMap<i64, String>,
    /// `speakers`.
    pub speakers: Rows,
    /// `near-duplicates`.
    pub near_duplicates: Rows,
    /// `reused-paragraphs`.
    pub reused: Rows,
}

/// Entity types shown among the top entities.
const TYPES: &[&str] = &["country", "person", "organization", "location"];

/// Gather the report's data from the archive.
pub fn gather(store: &Store, options: &Options) -> Result<Data> {
    let mut dates: Vec<String> = Vec::new();
    if let Some(from) = &options.from {
        dates.push(format!("from={from}"));
    }
    if let Some(to) = &options.to {
        dates.push(format!("to={to}"));
    }
    // `dyad` and `dyads` take years.
    let years: Vec<String> = dates
        .iter()
        .filter_map(|d| d.split_once('='))
        .map(|(k, v)| format!("{k}={}", v.get(..4).unwrap_or(v)))
        .collect();
    let filters: Vec<Option<String>> = if options.entities.is_empty() {
        vec![None]
    } else {
        options.entities.iter().cloned().map(Some).collect()
    };
    let with = |base: &[String], entity: &Option<String>| {
        let mut p = base.to_vec();
        if let Some(e) = entity {
            p.push(format!("entity={e}"));
        }
        p
    };
    let mut data = Data {
        stats: run(store, "stats", &[])?,
        sources: run(store, "sources", &[])?,
        dyads: run(
            store,
            "dyads",
            &[&years[..], &["limit=15".to_string()]].concat(),
        )?,
        speakers: run(store, "speakers", &["limit=15".into()])?,
        near_duplicates: run(store, "near-duplicates", &["limit=30".into()])?,
        reused: run(store, "reused-paragraphs", &["limit=20".into()])?,
        ..Data::default()
    };
    for entity in &filters {
        data.months.push((
            entity.clone(),
            run(store, "events-by-month", &with(&dates, entity))?,
        ));
        let mut params = with(&dates, entity);
        let total = count(store, "timeline", &params)?;
        params.push(format!("limit={TIMELINE_CAP}"));
        data.timelines
            .push((entity.clone(), run(store, "timeline", &params)?, total));
    }
    for t in TYPES {
        data.top.push((
            t,
            run(
                store,
                "top-entities",
                &[format!("type={t}"), "limit=10".into()],
            )?,
        ));
    }
    let pair = match &options.pair {
        Some(pair) => Some(pair.clone()),
        None => (!data.dyads.is_empty())
            .then(|| (data.dyads.text(0, "source"), data.dyads.text(0, "target"))),
    };
    if let Some((a, b)) = pair {
        let rows = run(
            store,
            "dyad",
            &[&years[..], &[format!("a={a}"), format!("b={b}")]].concat(),
        )?;
        data.dyad = Some(((a, b), rows));
    }
    data.urls = event_urls(store, &data.timelines)?;
    Ok(data)
}

/// The URL of the first article that tells each event of the timelines.
fn event_urls(
    store: &Store,
    timelines: &[(Option<String>, Rows, usize)],
) -> Result<std::collections::HashMap<i64, String>> {
    const URL: &str = "
        SELECT a.url FROM event_mentions m JOIN articles a ON a.id = m.article_id
        WHERE m.event_id = ?1 AND a.url IS NOT NULL ORDER BY a.id LIMIT 1";
    let mut urls = std::collections::HashMap::new();
    let mut stmt = store
        .conn()
        .prepare_cached(URL)
        .map_err(|e| store.error(e))?;
    for (_, rows, _) in timelines {
        for i in 0..rows.len() {
            #[allow(clippy::cast_possible_truncation)]
            let id = rows.number(i, "event_id") as i64;
            if urls.contains_key(&id) {
                continue;
            }
            let url: Option<String> = stmt
                .query_row([id], |r| r.get(0))
                .map_or(Ok(None), |u| Ok::<_, rusqlite::Error>(Some(u)))
                .map_err(|e| store.error(e))?;
            if let Some(url) = url {
                urls.insert(id, url);
            }
        }
    }
    Ok(urls)
}

/// The report as one HTML document.
#[must_use]
pub fn render(data: &Data, options: &Options) -> String {
    html::page(data, options)
}
