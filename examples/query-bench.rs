//! The benchmark's query half: every named query's latency on an archive, and its query plan.
//!
//! ```sh
//! cargo run --release --example query-bench -- bench/out/dossier-100000.sqlite [RUNS]
//! ```
//!
//! Each case (a named query with its parameters, as `dossier query NAME -p ...` would bind
//! them) runs RUNS times (default 7) on one read-only connection, reading every row and column
//! the way the output layer does; the median and the slowest run are printed in a Markdown table
//! with the row count, and with the full-table scans in its plan (`EXPLAIN QUERY PLAN` lines that
//! say `SCAN` over a table without an index), so a missing index shows.

use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use dossier::queries;
use dossier::store::Store;
use rusqlite::types::Value;

/// The cases: every named query with its defaults, and the filtered forms analysts use.
const CASES: &[(&str, &[&str])] = &[
    ("article", &["id=1"]),
    ("article", &["id=50000"]),
    ("cooccurrence", &[]),
    ("cooccurrence", &["entity=Japan"]),
    ("dyad", &["a=Japan", "b=South Korea"]),
    (
        "dyad",
        &["a=United States", "b=China", "from=2015", "to=2020"],
    ),
    ("dyads", &[]),
    ("events-by-month", &[]),
    ("imports", &[]),
    ("near-duplicates", &[]),
    ("quotes", &[]),
    ("quotes", &["speaker=Trump"]),
    ("quotes", &["entity=Japan"]),
    ("reused-paragraphs", &[]),
    ("search", &["q=alliance"]),
    (
        "search",
        &["q=\"forced labor\"", "entity=Japan", "from=2019"],
    ),
    ("sources", &[]),
    ("speakers", &[]),
    ("stats", &[]),
    ("timeline", &[]),
    ("timeline", &["entity=South Korea", "from=2019", "to=2023"]),
    ("timeline", &["root=16"]),
    ("top-entities", &[]),
    ("top-entities", &["type=person"]),
];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let db = PathBuf::from(args.next().ok_or("usage: query-bench DB [RUNS]")?);
    let runs: usize = args.next().map_or(Ok(7), |r| r.parse())?;
    let store = Store::open_read_only(&db)?;
    let conn = store.conn();
    let mut out = std::io::stdout().lock();

    writeln!(
        out,
        "| query | parameters | rows | median ms | slowest ms | full scans in the plan |"
    )?;
    writeln!(out, "| --- | --- | ---: | ---: | ---: | --- |")?;
    for (name, given) in CASES {
        let query = queries::find(name)?;
        let given: Vec<String> = given.iter().map(ToString::to_string).collect();
        let params = query.bind(&given)?;
        let bound: Vec<(&str, &dyn rusqlite::ToSql)> = params
            .iter()
            .map(|(n, v)| (n.as_str(), v as &dyn rusqlite::ToSql))
            .collect();
        let mut stmt = conn.prepare(query.sql)?;
        let mut times = Vec::with_capacity(runs);
        let mut count = 0;
        for _ in 0..runs {
            let started = Instant::now();
            let columns = stmt.column_count();
            let mut rows = stmt.query(bound.as_slice())?;
            count = 0;
            while let Some(row) = rows.next()? {
                for i in 0..columns {
                    let _: Value = row.get(i)?;
                }
                count += 1;
            }
            times.push(started.elapsed().as_secs_f64() * 1e3);
        }
        times.sort_by(f64::total_cmp);
        let scans = full_scans(conn, query.sql, &bound)?;
        writeln!(
            out,
            "| {name} | {} | {count} | {:.1} | {:.1} | {} |",
            if given.is_empty() {
                "(defaults)".to_string()
            } else {
                given.join(" ")
            },
            times[times.len() / 2],
            times[times.len() - 1],
            if scans.is_empty() {
                "none".to_string()
            } else {
                scans.join("; ")
            }
        )?;
    }
    Ok(())
}

/// The plan's scans without an index: `SCAN x` where `x` is a table, an alias or a CTE's
/// result (the reader tells which; a scan through an index is left out).
fn full_scans(
    conn: &rusqlite::Connection,
    sql: &str,
    bound: &[(&str, &dyn rusqlite::ToSql)],
) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}"))?;
    let details: Vec<String> = stmt
        .query_map(bound, |r| r.get::<_, String>(3))?
        .collect::<rusqlite::Result<_>>()?;
    let mut scans: Vec<String> = details
        .into_iter()
        .filter(|d| d.starts_with("SCAN ") && !d.contains(" INDEX") && !d.contains("VIRTUAL"))
        .collect();
    scans.sort();
    scans.dedup();
    Ok(scans)
}
