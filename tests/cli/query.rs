//! `dossier query` and `dossier sql`: golden outputs, formats, safety.

use std::path::Path;
use std::process::Command as StdCommand;

use crate::{Env, repo};

/// Parameters that make each query show something on the seeds.
pub(crate) fn params(name: &str) -> Vec<&'static str> {
    match name {
        "article" => vec!["-p", "id=2"],
        "search" => vec!["-p", "q=Kishida"],
        "dyad" => vec!["-p", "a=Japan", "-p", "b=South Korea"],
        _ => vec![],
    }
}

/// Queries whose output holds run times, so no golden file can hold them.
const UNSTABLE: &[&str] = &["imports"];

fn seeded() -> Env {
    let env = Env::new();
    env.dossier().args(["ingest", "seeds/"]).assert().success();
    env
}

fn query(env: &Env, name: &str, format: &str) -> String {
    let out = env
        .dossier()
        .args(["query", name, "-f", format])
        .args(params(name))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{name}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stderr.is_empty(),
        "{name}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn golden(path: &Path, actual: &str) {
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(path).unwrap_or_else(|_| {
        panic!(
            "{} is missing; run UPDATE_GOLDEN=1 cargo test",
            path.display()
        )
    });
    assert_eq!(
        actual,
        expected,
        "{} differs; if intended, UPDATE_GOLDEN=1 cargo test and review the diff",
        path.display()
    );
}

#[test]
fn golden_outputs_of_every_query() {
    let env = seeded();
    for q in dossier::queries::ALL
        .iter()
        .filter(|q| !UNSTABLE.contains(&q.name))
    {
        for (format, ext) in [("table", "stdout"), ("json", "json")] {
            let path = repo().join(format!("tests/golden/query/{}.{ext}", q.name));
            golden(&path, &query(&env, q.name, format));
        }
    }
}

#[test]
fn every_format_parses() {
    let env = seeded();
    for q in dossier::queries::ALL {
        let json: serde_json::Value = serde_json::from_str(&query(&env, q.name, "json")).unwrap();
        let rows = json.as_array().unwrap();
        let jsonl = query(&env, q.name, "jsonl");
        assert_eq!(jsonl.lines().count(), rows.len(), "{}", q.name);
        for line in jsonl.lines() {
            serde_json::from_str::<serde_json::Value>(line).unwrap();
        }
        let csv_text = query(&env, q.name, "csv");
        let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
        let header: Vec<String> = reader
            .headers()
            .unwrap()
            .iter()
            .map(str::to_string)
            .collect();
        let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        assert_eq!(records.len(), rows.len(), "{}", q.name);
        if let Some(first) = rows.first() {
            let keys: Vec<&String> = first.as_object().unwrap().keys().collect();
            assert_eq!(
                keys,
                header.iter().collect::<Vec<_>>(),
                "{}: JSON keys in column order",
                q.name
            );
        }
        let tsv = query(&env, q.name, "tsv");
        assert_eq!(tsv.lines().count(), rows.len() + 1, "{}", q.name);
        let markdown = query(&env, q.name, "markdown");
        assert_eq!(markdown.lines().count(), rows.len() + 2, "{}", q.name);
    }
}

#[test]
fn list_and_sql() {
    let env = seeded();
    let list = env
        .dossier()
        .args(["query", "--list", "-f", "csv"])
        .output()
        .unwrap();
    let text = String::from_utf8(list.stdout).unwrap();
    assert_eq!(text.lines().count(), dossier::queries::ALL.len() + 1);
    assert!(text.contains("search,"));
    let sql = env
        .dossier()
        .args(["query", "search", "--sql"])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8(sql.stdout).unwrap(),
        dossier::queries::find("search").unwrap().sql
    );
}

#[test]
fn empty_results_print_a_header_or_an_empty_array() {
    let env = seeded();
    let run = |format: &str| {
        let out = env
            .dossier()
            .args(["query", "search", "-p", "q=zzzzzz", "-f", format])
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    assert_eq!(run("json"), "[]\n");
    assert_eq!(run("jsonl"), "");
    assert_eq!(
        run("csv"),
        "article_id,published,title,position,excerpt,score\n"
    );
}

#[test]
fn writes_are_refused_and_parameters_are_data() {
    let env = seeded();
    for statement in [
        "DELETE FROM articles",
        "DROP TABLE articles",
        "INSERT INTO imports (started_at, dossier_version) VALUES ('x', 'y')",
        "PRAGMA user_version = 3",
    ] {
        env.dossier().args(["sql", statement]).assert().code(1).stderr(
            "error: sql: only statements that read are allowed (SELECT, WITH, read-only PRAGMA); the archive is changed only by `dossier ingest` and `reprocess`\n",
        );
    }
    env.dossier()
        .args(["sql", "SELECT 1; DELETE FROM articles"])
        .assert()
        .code(1);
    // A value that looks like SQL is only ever bound: it is searched for, and finds nothing.
    env.dossier()
        .args([
            "query",
            "search",
            "-f",
            "json",
            "-p",
            "q=\"'); DROP TABLE articles; --\"",
        ])
        .assert()
        .success()
        .stdout("[]\n");
    assert_eq!(env.count("SELECT count(*) FROM articles"), 5);
}

#[test]
fn clear_errors_for_bad_queries() {
    let env = seeded();
    env.dossier()
        .args(["query", "search"])
        .assert()
        .code(1)
        .stderr("error: query `search`: parameter `q`: required; pass it with `-p NAME=VALUE`\n");
    env.dossier()
        .args(["query", "search", "-p", "q=Kishida AND"])
        .assert()
        .code(1)
        .stderr("error: query `search`: fts5: syntax error near \"\"; in a search, put phrases and punctuation in double quotes, e.g. -p q='\"South Korea\"'\n");
    let missing = Env::new();
    let db = missing.db.display().to_string();
    missing
        .dossier()
        .args(["query", "stats"])
        .assert()
        .code(1)
        .stderr(format!("error: {db}: no such file or directory\n"));
    assert!(!missing.db.exists(), "a query never creates an archive");
}

#[test]
fn a_closed_pipe_ends_output_quietly() {
    let env = seeded();
    let bin = env!("CARGO_BIN_EXE_dossier");
    let script = format!(
        "set -o pipefail; '{bin}' --db '{}' sql \"WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 300000) SELECT x FROM c\" -f csv | head -n 2",
        env.db.display()
    );
    let out = StdCommand::new("bash")
        .args(["-c", &script])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8(out.stdout).unwrap(), "x\n1\n");
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success());
}

#[test]
fn system_sqlite3_runs_every_view() {
    let env = seeded();
    let views: Vec<String> = env
        .conn()
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'view' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert!(views.len() >= 4, "{views:?}");
    for view in views {
        let Ok(out) = StdCommand::new("sqlite3")
            .arg(&env.db)
            .arg(format!("SELECT count(*) FROM {view};"))
            .output()
        else {
            assert!(
                std::env::var_os("CI").is_none(),
                "sqlite3 is not installed; .ci/run installs it"
            );
            eprintln!("skipped: no sqlite3 binary on PATH");
            return;
        };
        assert!(
            out.status.success(),
            "{view}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// docs/queries.md is the scripts' contract: it must name every query and every output key.
#[test]
fn docs_describe_every_query_and_column() {
    let doc = std::fs::read_to_string(repo().join("docs/queries.md")).unwrap();
    let env = seeded();
    let conn = env.conn();
    for q in dossier::queries::ALL {
        let section = format!("## {}\n", q.name);
        let start = doc
            .find(&section)
            .unwrap_or_else(|| panic!("docs/queries.md lacks `{section}`"));
        let end = doc[start + section.len()..]
            .find("\n## ")
            .map_or(doc.len(), |i| start + section.len() + i);
        let body = &doc[start..end];
        let stmt = conn.prepare(q.sql).unwrap();
        for column in stmt.column_names() {
            assert!(
                body.contains(&format!("`{column}`")),
                "docs/queries.md, {}: column `{column}` undocumented",
                q.name
            );
        }
        for p in q.params() {
            assert!(
                body.contains(&format!("`{}`", p.name)),
                "docs/queries.md, {}: parameter `{}` undocumented",
                q.name,
                p.name
            );
        }
    }
}

#[test]
fn search_filters_by_entity_alias_and_date() {
    let env = seeded();
    let run = |params: &[&str]| -> Vec<serde_json::Value> {
        let out = env
            .dossier()
            .args(["query", "search", "-f", "json"])
            .args(params)
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
    };
    let all = run(&["-p", "q=alliances"]);
    let with_trump = run(&["-p", "q=alliances", "-p", "entity=trump"]);
    assert!(
        !with_trump.is_empty() && with_trump.len() < all.len(),
        "{} of {}",
        with_trump.len(),
        all.len()
    );
    assert!(
        with_trump
            .iter()
            .all(|r| r["excerpt"].as_str().unwrap().contains("Trump"))
    );
    let dated = run(&["-p", "q=alliances", "-p", "from=2019-07", "-p", "to=2019"]);
    assert!(
        dated.iter().all(|r| r["published"] == "2019-07"),
        "{dated:?}"
    );
}

/// The timeline's filters, and the dyad's two directions, give what the views give.
#[test]
fn timeline_filters_and_dyad_directions_agree_with_the_views() {
    let env = seeded();
    let all = env.query_rows(&["timeline"]);
    assert_eq!(
        i64::try_from(all.len()).unwrap(),
        env.count("SELECT count(*) FROM v_timeline")
    );
    // By entity (a country matches its people too), by root code, by date.
    let japan = env.query_rows(&["timeline", "-p", "entity=Tokyo"]);
    assert_eq!(
        i64::try_from(japan.len()).unwrap(),
        env.count(
            "SELECT count(*) FROM v_timeline WHERE 'Japan' IN (source_country, target_country)"
        )
    );
    assert!(japan.len() < all.len() && !japan.is_empty());
    let consult = env.query_rows(&["timeline", "-p", "root=4"]);
    assert!(!consult.is_empty());
    assert!(
        consult
            .iter()
            .all(|r| r["code"].as_str().unwrap().starts_with("04"))
    );
    let recent = env.query_rows(&["timeline", "-p", "from=2020", "-p", "to=2023-04"]);
    assert!(!recent.is_empty());
    for r in &recent {
        let date = r["date"].as_str().unwrap();
        assert!(date >= "2020" && &date[..4] <= "2023", "{date}");
    }
    // Both directions of the Japan–South Korea dyad, summing to the view's events.
    let dyad = env.query_rows(&["dyad", "-p", "a=japan", "-p", "b=ROK"]);
    let sources: std::collections::HashSet<&str> =
        dyad.iter().map(|r| r["source"].as_str().unwrap()).collect();
    assert_eq!(sources.len(), 2, "{dyad:?}");
    let total: i64 = dyad.iter().map(|r| r["events"].as_i64().unwrap()).sum();
    assert_eq!(
        total,
        env.count(
            "SELECT coalesce(sum(events), 0) FROM v_dyads
             WHERE source_country IN ('Japan', 'South Korea')
               AND target_country IN ('Japan', 'South Korea') AND source_country != target_country"
        )
    );
    for r in &dyad {
        let quads: i64 = [
            "verbal_cooperation",
            "material_cooperation",
            "verbal_conflict",
            "material_conflict",
        ]
        .iter()
        .map(|k| r[*k].as_i64().unwrap())
        .sum();
        assert_eq!(quads, r["events"].as_i64().unwrap());
    }
}
