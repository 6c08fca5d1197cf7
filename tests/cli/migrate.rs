//! Issue 8: an archive made at the first schema version, with data, is upgraded by the current
//! binary without losing a row, and `reprocess` then brings it to exactly what a fresh archive of
//! the same inputs holds.

use predicates::prelude::*;
use rusqlite::Connection;

use crate::Env;
use crate::reprocess::dump;

mod embedded {
    refinery::embed_migrations!("migrations");
}

/// The tables of schema V1 with their V1 columns, in a stable order.
const V1_TABLES: &[(&str, &str, &str)] = &[
    (
        "imports",
        "id, command, started_at, finished_at, dossier_version, inputs, documents_new, \
         articles_new, paragraphs_new, duplicates, failed",
        "id",
    ),
    ("documents", "id, sha256, raw, bytes, article_id", "id"),
    (
        "sightings",
        "id, document_id, import_id, path, line, external_id, url, outlet, title, published, \
         seen_at",
        "id",
    ),
    (
        "articles",
        "id, sha256, document_id, title, url, outlet, published, published_source, words",
        "id",
    ),
    ("paragraphs", "id, sha256, text, words", "id"),
    (
        "article_paragraphs",
        "article_id, position, paragraph_id, role, rule, line_start, line_end",
        "article_id, position",
    ),
];

fn rows(conn: &Connection, table: &str, columns: &str, order: &str) -> Vec<String> {
    let mut stmt = conn
        .prepare(&format!("SELECT {columns} FROM {table} ORDER BY {order}"))
        .unwrap();
    let n = stmt.column_count();
    stmt.query_map([], |row| {
        (0..n)
            .map(|i| {
                row.get::<_, rusqlite::types::Value>(i)
                    .map(|v| format!("{v:?}"))
            })
            .collect::<Result<Vec<_>, _>>()
            .map(|cells| cells.join(" | "))
    })
    .unwrap()
    .collect::<Result<_, _>>()
    .unwrap()
}

fn v1_rows(conn: &Connection) -> Vec<(String, Vec<String>)> {
    V1_TABLES
        .iter()
        .map(|(table, columns, order)| (table.to_string(), rows(conn, table, columns, order)))
        .collect()
}

/// A connection to `env`'s archive, made with the migrations up to `version` alone.
fn archive_at(env: &Env, version: i32) -> Connection {
    let mut conn = Connection::open(&env.db).unwrap();
    let report = embedded::migrations::runner()
        .set_target(refinery::Target::Version(version))
        .run(&mut conn)
        .unwrap();
    assert_eq!(
        report.applied_migrations().len(),
        usize::try_from(version).unwrap()
    );
    conn
}

/// A query on `env`'s archive of schema `version` fails and names the upgrade, `how`.
fn query_asks_for_upgrade(env: &Env, version: i64, how: &str) {
    env.dossier()
        .args(["query", "stats"])
        .assert()
        .failure()
        .stderr(predicates::str::contains(format!(
            "schema V{version} is older"
        )))
        .stderr(predicates::str::contains(how));
}

/// A fresh archive of the sample articles and the evaluation fixtures.
fn fresh_archive() -> Env {
    let fresh = Env::new();
    fresh
        .dossier()
        .args(["ingest", "seeds/", "tests/fixtures/eval/"])
        .assert()
        .success();
    fresh
}

#[test]
fn a_v1_archive_is_upgraded_without_losing_a_row() {
    // What the inputs give in a fresh archive, rebuilt once as the upgraded one will be.
    let fresh = fresh_archive();
    fresh.dossier().arg("reprocess").assert().success();
    let want: Vec<String> = dump(&fresh)
        .into_iter()
        .filter(|row| !row.starts_with("sightings: "))
        .collect();

    // A V1 archive holding the same documents, articles and paragraphs, made with the V1
    // migration alone and filled through V1's columns.
    let old = Env::new();
    {
        let conn = archive_at(&old, 1);
        // documents and articles refer to each other: check the keys once all are in.
        conn.execute_batch("PRAGMA foreign_keys = OFF").unwrap();
        conn.execute("ATTACH ?1 AS fresh", [fresh.db.to_str().unwrap()])
            .unwrap();
        for (table, columns, _) in V1_TABLES {
            conn.execute(
                &format!("INSERT INTO {table} ({columns}) SELECT {columns} FROM fresh.{table}"),
                [],
            )
            .unwrap();
        }
        conn.execute_batch(
            "INSERT INTO paragraphs_fts (paragraphs_fts) VALUES ('rebuild'); DETACH fresh;",
        )
        .unwrap();
        let broken: i64 = conn
            .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(broken, 0);
    }
    let before = v1_rows(&old.conn());
    assert!(before.iter().all(|(_, rows)| !rows.is_empty()));

    // Queries read only: they ask for the upgrade instead of failing on a missing view.
    query_asks_for_upgrade(&old, 1, "dossier reprocess");

    // An ingest of inputs already archived upgrades it, says how to fill the new tables, and
    // keeps every V1 row (it only adds its own run and sightings).
    old.dossier()
        .args(["ingest", "seeds/"])
        .assert()
        .success()
        .stderr(predicates::str::contains(
            "upgraded the archive from schema V1",
        ));
    assert_eq!(
        old.count("SELECT max(version) FROM refinery_schema_history"),
        dossier::store::supported_version()
    );
    let conn = old.conn();
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    for ((table, was), (_, now)) in before.iter().zip(v1_rows(&conn)) {
        match table.as_str() {
            "imports" | "sightings" => {
                assert_eq!(&now[..was.len()], &was[..], "{table}: old rows changed");
                assert!(now.len() > was.len(), "{table}: the ingest left no row");
            }
            _ => assert_eq!(&now, was, "{table} changed in the upgrade"),
        }
    }
    drop(conn);

    // Reprocess reads the old articles with this version's extractors: the archive is then what
    // a fresh one holds.
    old.dossier().arg("reprocess").assert().success();
    let got: Vec<String> = dump(&old)
        .into_iter()
        .filter(|row| !row.starts_with("sightings: "))
        .collect();
    assert_eq!(got.len(), want.len());
    assert!(got == want, "the upgraded archive differs from a fresh one");
}

#[test]
fn an_archive_from_after_the_extraction_tables_is_upgraded_by_any_ingest() {
    // Schema V10: every extracted table exists; later migrations change no extracted data.
    let old = Env::new();
    drop(archive_at(&old, 10));
    // A query says how to upgrade it: an ingest will do, no re-read is needed.
    query_asks_for_upgrade(&old, 10, "any `dossier ingest`");
    // And an ingest does, without asking for a reprocess.
    old.dossier()
        .args(["ingest", "seeds/"])
        .assert()
        .success()
        .stderr(predicates::str::contains("reprocess").not());
    old.dossier().args(["query", "stats"]).assert().success();
}

/// A V11 archive made from `fresh`'s rows: every table copied, `mentions` still a table with
/// its stored surfaces.
fn v11_copy_of(fresh: &Env) -> Env {
    let old = Env::new();
    let conn = archive_at(&old, 11);
    conn.execute_batch("PRAGMA foreign_keys = OFF").unwrap();
    conn.execute("ATTACH ?1 AS fresh", [fresh.db.to_str().unwrap()])
        .unwrap();
    let tables: Vec<String> = conn
        .prepare(
            "SELECT name FROM main.sqlite_schema WHERE type = 'table' AND sql NOT LIKE '%VIRTUAL%'
               AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'paragraphs_fts%'
               AND name NOT LIKE 'refinery_%' AND name != 'mentions'",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    for table in tables {
        conn.execute(&format!("DELETE FROM main.{table}"), [])
            .unwrap();
        // The old table's columns: later schemas may have added some (V15: imports.status).
        let columns: Vec<String> = conn
            .prepare(&format!(
                "SELECT name FROM pragma_table_info('{table}', 'main')"
            ))
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        let columns = columns.join(", ");
        conn.execute(
            &format!("INSERT INTO main.{table} ({columns}) SELECT {columns} FROM fresh.{table}"),
            [],
        )
        .unwrap();
    }
    conn.execute_batch(
        "INSERT INTO main.mentions SELECT * FROM fresh.mentions ORDER BY id;
         INSERT INTO paragraphs_fts (paragraphs_fts) VALUES ('rebuild'); DETACH fresh;",
    )
    .unwrap();
    drop(conn);
    old
}

fn mention_rows(env: &Env) -> Vec<String> {
    rows(&env.conn(), "mentions", "*", "id")
}

/// Every row of the three tables that V12 and V13 turned into views of the same names, and of
/// the views that read them.
fn span_rows(env: &Env) -> Vec<(String, Vec<String>)> {
    [
        "mentions",
        "quotes",
        "event_mentions",
        "v_quotes",
        "v_events",
    ]
    .map(|t| (t.to_string(), rows(&env.conn(), t, "*", "1, 2")))
    .to_vec()
}

#[test]
fn v12_and_v13_keep_every_mention_quote_and_event_mention_of_a_v11_archive() {
    let fresh = fresh_archive();
    let want = mention_rows(&fresh);
    assert!(want.len() > 300);
    let spans = span_rows(&fresh);
    assert!(spans.iter().all(|(_, rows)| rows.len() > 10), "{spans:?}");
    let old = v11_copy_of(&fresh);
    assert_eq!(span_rows(&old), spans, "the V11 copy");

    // Any ingest upgrades it; the three are then views with the same rows, texts included.
    old.dossier().args(["ingest", "seeds/"]).assert().success();
    assert_eq!(span_rows(&old), spans);
    let conn = old.conn();
    let kinds: String = conn
        .query_row(
            "SELECT group_concat(type) FROM sqlite_schema
             WHERE name IN ('mentions', 'quotes', 'event_mentions')",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(kinds, "view,view,view");
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    drop(conn);
    // A new article's mentions are numbered after the upgraded ones.
    let new = old.file(
        "new.txt",
        "Seoul and Tokyo agreed on Monday to resume talks.\n\n\
         Japan and South Korea will meet again in Washington next month, officials said.\n",
    );
    old.dossier().arg("ingest").arg(&new).assert().success();
    let conn = old.conn();
    let (rows, ids, first_new): (i64, i64, i64) = conn
        .query_row(
            "SELECT count(*), count(DISTINCT id),
                    (SELECT min(id) FROM mentions WHERE article_id = (SELECT max(id) FROM articles))
             FROM mentions",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert!(rows > i64::try_from(want.len()).unwrap());
    assert_eq!(ids, rows);
    let last_old: i64 = conn
        .query_row(
            "SELECT max(id) FROM mentions WHERE article_id < (SELECT max(id) FROM articles)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(first_new, last_old + 1);
}

/// A stored text that is not the slice its offsets name would be lost by the views: the
/// upgrade refuses, names the archive, and leaves it at V11, its rows untouched.
#[test]
fn v12_and_v13_refuse_a_text_its_offsets_do_not_name() {
    let fresh = Env::new();
    fresh
        .dossier()
        .args(["ingest", "seeds/"])
        .assert()
        .success();
    for (table, column) in [
        ("mentions", "surface"),
        ("quotes", "text"),
        ("event_mentions", "sentence"),
    ] {
        let old = v11_copy_of(&fresh);
        old.conn()
            .execute(
                &format!(
                    "UPDATE {table} SET {column} = 'Nowhere' WHERE id = (SELECT min(id) FROM {table})"
                ),
                [],
            )
            .unwrap();
        let before = span_rows(&old);
        old.dossier()
            .args(["ingest", "seeds/"])
            .assert()
            .failure()
            .stderr(predicates::str::contains(old.db.to_str().unwrap()));
        let version = old.count("SELECT max(version) FROM refinery_schema_history");
        assert_eq!(version, 11, "{table}");
        assert_eq!(span_rows(&old), before, "{table}");
    }
}

/// Issue 26: V15 says how each earlier run ended (finished or not), and V16 declares the
/// full-text index the way Datasette recognises, keeping what it finds.
#[test]
fn issue_26_v15_and_v16_keep_the_run_log_and_the_search_of_a_v14_archive() {
    let old = Env::new();
    let conn = archive_at(&old, 14);
    conn.execute_batch(
        "INSERT INTO imports (command, started_at, finished_at, dossier_version)
         VALUES ('ingest', '2025-01-01T00:00:00.000Z', '2025-01-01T00:01:00.000Z', '0.1.0'),
                ('ingest', '2025-01-02T00:00:00.000Z', NULL, '0.1.0');
         INSERT INTO paragraphs (sha256, text, words)
         VALUES (printf('%064d', 1), 'Kishida and Yoon met in Seoul.', 6),
                (printf('%064d', 2), 'Trade talks resumed.', 3);
         INSERT INTO paragraphs_fts (paragraphs_fts) VALUES ('rebuild');",
    )
    .unwrap();
    drop(conn);
    old.dossier()
        .args(["ingest", "tests/fixtures/inputs/wire.txt"])
        .assert()
        .success();
    let statuses: Vec<String> = old
        .conn()
        .prepare("SELECT status FROM imports ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    assert_eq!(statuses, ["finished", "running", "finished"]);
    let declared: String = old
        .conn()
        .query_row(
            "SELECT sql FROM sqlite_schema WHERE name = 'paragraphs_fts'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(declared.contains(r#"content="paragraphs""#), "{declared}");
    assert_eq!(
        old.count("SELECT rowid FROM paragraphs_fts WHERE paragraphs_fts MATCH 'kishida'"),
        1
    );
    assert!(
        old.count("SELECT count(*) FROM paragraphs_fts WHERE paragraphs_fts MATCH 'foundation'")
            > 0
    );
}

/// A V14 archive with one article whose first document is stored rebuilt from its paragraphs
/// (`raw` NULL), and a later copy stored with its text. `rebuilt_sha` is the hash recorded for
/// the rebuilt one. Returns the two raw texts.
fn v14_with_a_rebuilt_document(old: &Env, rebuilt_sha: Option<&str>) -> (String, String) {
    let first = "Seoul and Tokyo met on Monday.\n\nTalks went on into the night.\n".to_string();
    let copy = format!("Share this story\n\n{first}");
    let hash = |text: &str| dossier::text::hashing::ContentHash::of(text.as_bytes()).hex();
    let conn = archive_at(old, 14);
    conn.execute_batch("PRAGMA foreign_keys = OFF").unwrap();
    conn.execute(
        "INSERT INTO document_store (id, sha256, raw, raw_tail, bytes, article_id)
         VALUES (1, ?1, NULL, char(10), ?2, 1), (2, ?3, ?4, NULL, ?5, 1)",
        rusqlite::params![
            rebuilt_sha.map_or_else(|| hash(&first), str::to_string),
            i64::try_from(first.len()).unwrap(),
            hash(&copy),
            copy,
            i64::try_from(copy.len()).unwrap()
        ],
    )
    .unwrap();
    conn.execute_batch(&format!(
        "INSERT INTO articles (id, sha256, document_id, words) VALUES (1, '{}', 1, 11);
         INSERT INTO paragraphs (id, sha256, text, words) VALUES
             (1, printf('%064d', 1), 'Seoul and Tokyo met on Monday.', 6),
             (2, printf('%064d', 2), 'Talks went on into the night.', 6);
         INSERT INTO article_paragraphs
             (article_id, position, paragraph_id, role, rule, line_start, line_end)
         VALUES (1, 0, 1, 'content', 'prose', 1, 1), (1, 1, 2, 'content', 'prose', 3, 3);",
        "a".repeat(64)
    ))
    .unwrap();
    assert_eq!(
        conn.query_row("SELECT raw FROM documents WHERE id = 1", [], |r| r
            .get::<_, String>(0))
            .unwrap(),
        first,
        "the V14 view rebuilds it"
    );
    (first, copy)
}

/// Issue 27: V17 stores the texts V14 rebuilt, checked against their hashes: `documents` is a
/// table again, every raw text is there as given, and deleting the derived rows no longer
/// touches them.
#[test]
fn issue_27_v17_stores_every_raw_text_of_a_v14_archive() {
    let old = Env::new();
    let (first, copy) = v14_with_a_rebuilt_document(&old, None);
    old.dossier()
        .args(["ingest", "tests/fixtures/inputs/wire.txt"])
        .assert()
        .success();
    let kind: String = old
        .conn()
        .query_row(
            "SELECT type FROM sqlite_schema WHERE name = 'documents'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(kind, "table");
    old.conn()
        .execute_batch(
            "PRAGMA foreign_keys = OFF; DELETE FROM article_paragraphs; DELETE FROM paragraphs",
        )
        .unwrap();
    let raw = |id: i64| -> String {
        old.conn()
            .query_row("SELECT raw FROM documents WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .unwrap()
    };
    assert_eq!((raw(1), raw(2)), (first, copy));
    // The V14 name still reads, for SQL written against it.
    assert_eq!(
        old.count("SELECT count(*) FROM document_store WHERE raw IS NOT NULL AND raw_tail IS NULL"),
        3
    );
}

/// Issue 27: a rebuilt text that does not hash to its recorded `sha256` makes V17 refuse; the
/// archive is left at V14, untouched.
#[test]
fn issue_27_v17_refuses_a_rebuilt_text_that_does_not_match_its_hash() {
    let old = Env::new();
    v14_with_a_rebuilt_document(&old, Some(&"0".repeat(64)));
    old.dossier()
        .args(["ingest", "tests/fixtures/inputs/wire.txt"])
        .assert()
        .failure()
        .stderr(predicates::str::contains(old.db.to_str().unwrap()))
        .stderr(predicates::str::contains(
            "a stored or rebuilt raw text does not hash to its sha256; upgrade refused",
        ));
    assert_eq!(
        old.count("SELECT max(version) FROM refinery_schema_history"),
        14
    );
    assert_eq!(
        old.count("SELECT count(*) FROM document_store WHERE raw IS NULL"),
        1
    );
    assert_eq!(old.count("SELECT count(*) FROM imports"), 0);
}
