//! Issue 33: `dossier export --format parquet`, read back by a real engine. DuckDB answers three
//! analyses from the files alone (the Japan–South Korea dyad per year, the top entities, the
//! events per CAMEO root code), and each answer must equal dossier's own on the same archive.
//!
//! DuckDB is the Python package, from `$DUCKDB_PYTHON` (a Python that imports `duckdb`) or the
//! virtual environment `.ci/run` makes. Where it is missing the DuckDB test says so and passes,
//! except under CI (`CI` set), where it fails: CI must run it.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::{Env, repo};

/// A Python that imports `duckdb`, if there is one.
fn duckdb_python() -> Option<PathBuf> {
    let candidates = [
        std::env::var_os("DUCKDB_PYTHON").map(PathBuf::from),
        Some(repo().join("target/ci-venv/bin/python")),
    ];
    let found = candidates.into_iter().flatten().find(|python| {
        Command::new(python)
            .args(["-c", "import duckdb"])
            .output()
            .is_ok_and(|o| o.status.success())
    });
    if found.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "duckdb is missing under CI; .ci/run installs it"
        );
        eprintln!("skipped: no Python with duckdb (set DUCKDB_PYTHON)");
    }
    found
}

/// Run SQL in DuckDB over the export in `dir` (each table a view named as the table) and return
/// the rows as JSON arrays.
fn duckdb(python: &Path, dir: &Path, sql: &str) -> Vec<Vec<serde_json::Value>> {
    let script = r#"
import json, sys, duckdb
folder, sql = sys.argv[1], sys.argv[2]
con = duckdb.connect()
for table in ["articles", "paragraphs", "article_paragraphs", "entities", "entity_aliases",
              "mentions", "quotes", "events", "event_mentions"]:
    con.execute(f"CREATE VIEW {table} AS SELECT * FROM read_parquet('{folder}/{table}/**/*.parquet', hive_partitioning = false)")
rows = con.execute(sql).fetchall()
print(json.dumps([[float(v) if hasattr(v, "as_integer_ratio") and not isinstance(v, (int, bool)) else v for v in row] for row in rows]))
"#;
    let out = Command::new(python)
        .arg("-c")
        .arg(script)
        .arg(dir)
        .arg(sql)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "duckdb: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// An archive of the seeds, exported; returns the env and the export folder.
fn exported() -> (Env, PathBuf) {
    let env = Env::new();
    env.dossier()
        .args(["--quiet", "ingest", "seeds/"])
        .assert()
        .success();
    let dir = env.dir.path().join("export");
    env.dossier()
        .args(["export", "--format", "parquet"])
        .arg(&dir)
        .assert()
        .success();
    (env, dir)
}

#[test]
fn export_writes_one_folder_per_table_partitioned_by_year() {
    let (env, dir) = exported();
    for table in [
        "articles",
        "paragraphs",
        "article_paragraphs",
        "entities",
        "entity_aliases",
        "mentions",
        "quotes",
        "events",
        "event_mentions",
    ] {
        let folder = dir.join(table);
        assert!(folder.is_dir(), "{table}");
        let files: Vec<PathBuf> = walk(&folder);
        assert!(!files.is_empty(), "{table}");
        for file in &files {
            let bytes = std::fs::read(file).unwrap();
            assert_eq!(&bytes[..4], b"PAR1", "{}", file.display());
            assert_eq!(&bytes[bytes.len() - 4..], b"PAR1", "{}", file.display());
        }
    }
    // One partition per year of the events' start dates.
    let years = env.count("SELECT count(DISTINCT substr(date_start, 1, 4)) FROM events");
    let partitions = crate::entries_starting_with(&dir.join("events"), "year=");
    assert_eq!(i64::try_from(partitions).unwrap(), years);
    assert!(dir.join("paragraphs/part-0.parquet").is_file());
    // No staging folder is left beside the export.
    let leftovers: Vec<String> = std::fs::read_dir(env.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".dossier-export-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn export_refuses_a_folder_that_holds_files_and_leaves_it_alone() {
    let env = Env::new();
    env.dossier()
        .args(["--quiet", "ingest", "seeds/"])
        .assert()
        .success();
    let dir = env.dir.path().join("taken");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("notes.txt"), "mine").unwrap();
    let out = env
        .dossier()
        .args(["export", "--format", "parquet"])
        .arg(&dir)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("taken") && stderr.contains("not an empty folder"),
        "{stderr}"
    );
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
    assert_eq!(
        std::fs::read_to_string(dir.join("notes.txt")).unwrap(),
        "mine"
    );
}

#[test]
fn duckdb_reads_the_export_and_finds_the_dyad_dossier_finds() {
    let Some(python) = duckdb_python() else {
        return;
    };
    let (env, dir) = exported();
    let counts = duckdb(
        &python,
        &dir,
        "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM paragraphs),
                (SELECT count(*) FROM mentions), (SELECT count(*) FROM quotes),
                (SELECT count(*) FROM events), (SELECT count(*) FROM event_mentions)",
    );
    let want: Vec<serde_json::Value> = [
        "articles",
        "paragraphs",
        "mentions",
        "quotes",
        "events",
        "event_mentions",
    ]
    .iter()
    .map(|t| env.count(&format!("SELECT count(*) FROM {t}")).into())
    .collect();
    assert_eq!(counts[0], want);

    // The dyad trend, as `dossier query dyad` computes it: each side is the entity of that name
    // or alias and, for a country, every entity of that country.
    let dyad = duckdb(
        &python,
        &dir,
        "WITH names AS (SELECT id AS entity_id, name FROM entities
                        UNION SELECT entity_id, alias FROM entity_aliases),
              a AS (SELECT entity_id FROM names WHERE lower(name) = 'japan'),
              b AS (SELECT entity_id FROM names WHERE lower(name) = 'south korea'),
              a_all AS (SELECT entity_id FROM a UNION SELECT id FROM entities WHERE country IN
                        (SELECT name FROM entities WHERE type = 'country' AND id IN (SELECT * FROM a))),
              b_all AS (SELECT entity_id FROM b UNION SELECT id FROM entities WHERE country IN
                        (SELECT name FROM entities WHERE type = 'country' AND id IN (SELECT * FROM b))),
              directed AS (
                SELECT substr(date_start, 1, 4) AS year, 1 AS way, quad_class, goldstein FROM events
                WHERE source_id IN (SELECT * FROM a_all) AND target_id IN (SELECT * FROM b_all)
                UNION ALL
                SELECT substr(date_start, 1, 4), 2, quad_class, goldstein FROM events
                WHERE source_id IN (SELECT * FROM b_all) AND target_id IN (SELECT * FROM a_all)
                  AND NOT (source_id IN (SELECT * FROM a_all) AND target_id IN (SELECT * FROM b_all)))
         SELECT year, way, count(*)::BIGINT, sum((quad_class = 1)::INT)::BIGINT,
                sum((quad_class = 2)::INT)::BIGINT, sum((quad_class = 3)::INT)::BIGINT,
                sum((quad_class = 4)::INT)::BIGINT, round(sum(goldstein) / count(*), 2)
         FROM directed GROUP BY year, way ORDER BY year, way",
    );
    let ours = env.query_rows(&["dyad", "-p", "a=Japan", "-p", "b=South Korea"]);
    assert!(!ours.is_empty(), "the seeds have Japan–South Korea events");
    let ours: Vec<Vec<serde_json::Value>> = ours
        .iter()
        .map(|r| {
            let way = if r["source"] == "Japan" { 1 } else { 2 };
            vec![
                r["year"].clone(),
                way.into(),
                r["events"].clone(),
                r["verbal_cooperation"].clone(),
                r["material_cooperation"].clone(),
                r["verbal_conflict"].clone(),
                r["material_conflict"].clone(),
                as_f64(&r["goldstein_mean"]),
            ]
        })
        .collect();
    let dyad: Vec<Vec<serde_json::Value>> = dyad
        .into_iter()
        .map(|mut row| {
            row[7] = as_f64(&row[7]);
            row
        })
        .collect();
    assert_eq!(dyad, ours);
}

#[test]
fn duckdb_ranks_entities_and_counts_root_codes_as_dossier_does() {
    let Some(python) = duckdb_python() else {
        return;
    };
    let (env, dir) = exported();
    // The top entities: articles and mentions per entity, from the mentions themselves (those
    // outside boilerplate, as `v_entity_mentions` counts them).
    let top = duckdb(
        &python,
        &dir,
        "SELECT e.name, e.type, count(DISTINCT m.article_id), count(*)
         FROM mentions m JOIN entities e ON e.id = m.entity_id
         WHERE EXISTS (SELECT 1 FROM article_paragraphs ap
                       WHERE ap.article_id = m.article_id AND ap.paragraph_id = m.paragraph_id
                         AND ap.role <> 'boilerplate')
         GROUP BY e.id, e.name, e.type
         ORDER BY 3 DESC, 4 DESC, e.name, e.id LIMIT 20",
    );
    let ours: Vec<Vec<serde_json::Value>> = env
        .query_rows(&["top-entities"])
        .iter()
        .map(|r| {
            vec![
                r["name"].clone(),
                r["type"].clone(),
                r["articles"].clone(),
                r["mentions"].clone(),
            ]
        })
        .collect();
    assert_eq!(top, ours);

    // Events per CAMEO root code.
    let roots = duckdb(
        &python,
        &dir,
        "SELECT root_code, count(*) FROM events GROUP BY root_code ORDER BY root_code",
    );
    let out = env
        .dossier()
        .args([
            "sql",
            "SELECT root_code, count(*) AS n FROM events GROUP BY root_code ORDER BY root_code",
            "-f",
            "json",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let ours: Vec<Vec<serde_json::Value>> =
        serde_json::from_slice::<Vec<serde_json::Value>>(&out.stdout)
            .unwrap()
            .iter()
            .map(|r| vec![r["root_code"].clone(), r["n"].clone()])
            .collect();
    assert!(!ours.is_empty());
    assert_eq!(roots, ours);
}

/// A JSON number as a float, so 1 and 1.0 compare equal.
fn as_f64(v: &serde_json::Value) -> serde_json::Value {
    v.as_f64().map_or(serde_json::Value::Null, Into::into)
}

/// Every file under `dir`.
fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}

#[test]
fn a_table_without_rows_is_one_file_with_its_columns() {
    let env = Env::new();
    let note = env.file(
        "note.txt",
        "A quiet note\n\nThe garden was calm and nothing of note happened to anyone in the town.\n",
    );
    env.dossier()
        .args(["--quiet", "ingest"])
        .arg(&note)
        .assert()
        .success();
    assert_eq!(env.count("SELECT count(*) FROM events"), 0);
    let dir = env.dir.path().join("export");
    env.dossier()
        .args(["--quiet", "export", "--format", "parquet"])
        .arg(&dir)
        .assert()
        .success();
    let file = dir.join("events/part-0.parquet");
    let bytes = std::fs::read(&file).unwrap();
    assert_eq!(&bytes[..4], b"PAR1");
    if let Some(python) = duckdb_python() {
        let columns = duckdb(
            &python,
            &dir,
            "SELECT count(*), (SELECT count(*) FROM (DESCRIBE SELECT * FROM events)) FROM events",
        );
        assert_eq!(columns, [[serde_json::json!(0), serde_json::json!(12)]]);
    }
}
