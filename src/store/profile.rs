//! Where a writing command's SQLite time goes, statement by statement.
//!
//! Set `DOSSIER_PROFILE_SQL=1` and `dossier ingest` or `dossier reprocess` prints, when it ends,
//! every statement its writer ran with how often and for how long, slowest first. SQLite times
//! each statement from its first step to its reset (`sqlite3_trace_v2` with
//! `SQLITE_TRACE_PROFILE`), so a statement's figure includes the B-tree work, foreign-key checks
//! and cache spills it caused. Statements that SQLite runs inside another (FTS5's shadow tables)
//! are counted on their own lines as well, so the lines can add up to more than the total.
//!
//! SQLite reads its clock in milliseconds, so one short statement shows as 0 or 1 ms; over
//! thousands of runs the sum still estimates the time spent (each run is as likely to straddle a
//! tick as its length makes it), so trust the lines with many runs.
//!
//! The hook costs a callback and a map lookup per statement, about 10% of an ingest: use its
//! figures to compare statements with each other, and `bench/run.sh` for the wall time.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use rusqlite::trace::{TraceEvent, TraceEventCodes};

use super::Store;
use crate::error::Result;

/// The environment variable that turns the profile on.
pub const ENV: &str = "DOSSIER_PROFILE_SQL";

/// Runs and time of one statement.
#[derive(Debug, Default, Clone, Copy)]
struct Tally {
    runs: u64,
    time: Duration,
}

/// Statement timings collected from one connection since [`Store::profile_statements`].
#[derive(Debug, Clone, Default)]
pub struct StatementProfile {
    tallies: Arc<Mutex<HashMap<String, Tally>>>,
}

/// Whether the user asked for a profile ([`ENV`] set to anything but empty or `0`).
#[must_use]
pub fn requested() -> bool {
    std::env::var_os(ENV).is_some_and(|v| !v.is_empty() && v != "0")
}

impl Store {
    /// Time every statement this connection runs from now on.
    pub fn profile_statements(&mut self) -> Result<StatementProfile> {
        let profile = StatementProfile::default();
        let tallies = Arc::clone(&profile.tallies);
        let record = move |event: TraceEvent<'_>| {
            if let TraceEvent::Profile(stmt, time) = event {
                let sql = stmt.sql();
                let mut tallies = tallies.lock().unwrap_or_else(PoisonError::into_inner);
                // The same statement text arrives on every run: look it up before allocating.
                let tally = match tallies.get_mut(sql.as_ref()) {
                    Some(tally) => tally,
                    None => tallies.entry(sql.into_owned()).or_default(),
                };
                tally.runs += 1;
                tally.time += time;
            }
        };
        self.conn
            .trace_v2(TraceEventCodes::SQLITE_TRACE_PROFILE, Some(record))
            .map_err(|e| self.error(e))?;
        Ok(profile)
    }
}

impl StatementProfile {
    /// A table of the statements, slowest in total first: seconds, share of the total, runs,
    /// microseconds per run, and the statement on one line (cut at 100 characters).
    #[must_use]
    pub fn report(&self) -> String {
        let tallies = self.tallies.lock().unwrap_or_else(PoisonError::into_inner);
        let mut rows: Vec<(&String, &Tally)> = tallies.iter().collect();
        rows.sort_by(|a, b| b.1.time.cmp(&a.1.time).then_with(|| a.0.cmp(b.0)));
        let total: Duration = rows.iter().map(|(_, t)| t.time).sum();
        let mut out = format!(
            "SQL profile: {} statements, {:.3} s in SQLite\n{:>9} {:>6} {:>10} {:>9}  statement\n",
            rows.len(),
            total.as_secs_f64(),
            "seconds",
            "share",
            "runs",
            "µs/run"
        );
        for (sql, tally) in rows {
            let share = if total.is_zero() {
                0.0
            } else {
                100.0 * tally.time.as_secs_f64() / total.as_secs_f64()
            };
            let runs = u32::try_from(tally.runs).unwrap_or(u32::MAX);
            let per_run = tally
                .time
                .checked_div(runs)
                .unwrap_or_default()
                .as_secs_f64()
                * 1e6;
            let one_line: String = sql.split_whitespace().collect::<Vec<_>>().join(" ");
            let cut: String = one_line.chars().take(100).collect();
            let _ = writeln!(
                out,
                "{:>9.3} {:>5.1}% {:>10} {:>9.1}  {cut}",
                tally.time.as_secs_f64(),
                share,
                tally.runs,
                per_run
            );
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_are_counted_and_ranked_by_their_time() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("a.sqlite")).unwrap();
        let profile = store.profile_statements().unwrap();
        for n in 0..3 {
            store
                .conn()
                .prepare_cached("SELECT ?1 + 1")
                .unwrap()
                .query_row([n], |r| r.get::<_, i64>(0))
                .unwrap();
        }
        store
            .conn()
            .execute_batch("WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 200000) SELECT count(*) FROM c")
            .unwrap();
        let report = profile.report();
        let lines: Vec<&str> = report.lines().collect();
        assert!(
            lines[0].starts_with("SQL profile: 2 statements"),
            "{report}"
        );
        assert!(
            lines[2].contains("WITH RECURSIVE c(n)"),
            "slowest first: {report}"
        );
        let select = lines[3];
        assert!(select.ends_with("SELECT ?1 + 1"), "{report}");
        assert_eq!(select.split_whitespace().nth(2), Some("3"), "{report}");
    }
}
