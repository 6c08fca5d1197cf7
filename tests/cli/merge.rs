//! Issue 33: `dossier merge OUT IN...`. Archives collected separately combine into the archive
//! one ingest of all their inputs makes, table by table, up to ids; the inputs are only read.

use std::path::{Path, PathBuf};

use rusqlite::Connection;

use crate::Env;

/// Each table's rows as text, with every id replaced by what it stands for (a hash, a name), in
/// order: equal dumps are equal archives up to ids. Run times and run ids are left out.
fn dump(db: &Path) -> Vec<(String, Vec<String>)> {
    let conn = Connection::open(db).unwrap();
    let tables = [
        ("documents", "SELECT sha256 || '|' || bytes || '|' || format FROM documents"),
        (
            "sightings",
            "SELECT d.sha256 || '|' || s.path || '|' || coalesce(s.line, '') || '|' ||
                    coalesce(s.external_id, '') || '|' || coalesce(s.url, '') || '|' ||
                    coalesce(s.outlet, '') || '|' || coalesce(s.title, '') || '|' ||
                    coalesce(s.published, '')
             FROM sightings s JOIN documents d ON d.id = s.document_id",
        ),
        (
            "articles",
            "SELECT a.sha256 || '|' || d.sha256 || '|' || coalesce(a.title, '') || '|' ||
                    coalesce(a.url, '') || '|' || coalesce(a.outlet, '') || '|' ||
                    coalesce(a.published, '') || '|' || coalesce(a.published_source, '') || '|' ||
                    a.words || '|' || a.content_paragraphs || '|' || a.boilerplate_paragraphs
             FROM articles a JOIN documents d ON d.id = a.document_id",
        ),
        (
            "documents of articles",
            "SELECT d.sha256 || '|' || a.sha256 FROM documents d JOIN articles a ON a.id = d.article_id",
        ),
        ("paragraphs", "SELECT sha256 || '|' || words FROM paragraphs"),
        (
            "article_paragraphs",
            "SELECT a.sha256 || '|' || ap.position || '|' || p.sha256 || '|' || ap.role || '|' ||
                    ap.rule || '|' || ap.line_start || '|' || ap.line_end
             FROM article_paragraphs ap JOIN articles a ON a.id = ap.article_id
             JOIN paragraphs p ON p.id = ap.paragraph_id",
        ),
        (
            "entities",
            "SELECT name || '|' || type || '|' || coalesce(country, '') || '|' || origin FROM entities",
        ),
        (
            "entity_aliases",
            "SELECT e.name || '|' || e.type || '|' || x.alias || '|' || x.is_metonym || '|' || x.origin
             FROM entity_aliases x JOIN entities e ON e.id = x.entity_id",
        ),
        (
            "mentions",
            "SELECT a.sha256 || '|' || p.sha256 || '|' || e.name || '|' || e.type || '|' ||
                    m.char_start || '|' || m.char_end || '|' || m.is_metonym
             FROM mentions m JOIN articles a ON a.id = m.article_id
             JOIN paragraphs p ON p.id = m.paragraph_id JOIN entities e ON e.id = m.entity_id",
        ),
        (
            "quotes",
            "SELECT a.sha256 || '|' || p.sha256 || '|' || e.name || '|' || q.char_start || '|' || q.char_end
             FROM quotes q JOIN articles a ON a.id = q.article_id
             JOIN paragraphs p ON p.id = q.paragraph_id JOIN entities e ON e.id = q.speaker_id",
        ),
        (
            "events",
            "SELECT ev.date_start || '|' || ev.date_end || '|' || ev.code || '|' || s.name || '|' ||
                    coalesce(t.name, '') || '|' || ev.goldstein || '|' || ev.num_mentions || '|' ||
                    ev.num_articles
             FROM events ev JOIN entities s ON s.id = ev.source_id
             LEFT JOIN entities t ON t.id = ev.target_id",
        ),
        (
            "event_mentions",
            "SELECT ev.date_start || '|' || ev.code || '|' || a.sha256 || '|' || p.sha256 || '|' ||
                    em.char_start || '|' || em.char_end || '|' || coalesce(em.rule, '')
             FROM event_mentions em JOIN events ev ON ev.id = em.event_id
             JOIN articles a ON a.id = em.article_id JOIN paragraphs p ON p.id = em.paragraph_id",
        ),
        (
            "near_duplicates",
            "SELECT a.sha256 || '|' || b.sha256 || '|' || round(n.similarity, 6)
             FROM near_duplicates n JOIN articles a ON a.id = n.article_id
             JOIN articles b ON b.id = n.duplicate_of",
        ),
        (
            "entity_stats",
            "SELECT e.name || '|' || e.type || '|' || s.articles || '|' || s.mentions
             FROM entity_stats s JOIN entities e ON e.id = s.entity_id",
        ),
    ];
    tables
        .iter()
        .map(|(name, sql)| {
            let mut rows: Vec<String> = conn
                .prepare(sql)
                .unwrap()
                .query_map([], |r| r.get(0))
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap();
            rows.sort();
            ((*name).to_string(), rows)
        })
        .collect()
}

/// The two halves of the test corpus (one article in both, as two collectors may both save).
fn halves() -> (Vec<&'static str>, Vec<&'static str>) {
    let a = vec![
        "seeds/000_eb7c7dcc405d1360.txt",
        "seeds/001_05349aeaac386fd4.txt",
        "seeds/002_c8283d8010635bc2.txt",
        "tests/fixtures/eval/eu_china_tariffs.txt",
        "tests/fixtures/eval/india_pakistan_strikes.txt",
    ];
    let b = vec![
        "seeds/002_c8283d8010635bc2.txt",
        "seeds/003_3cde689f60b82d13.txt",
        "seeds/004_66863c9943df5b81.txt",
        "tests/fixtures/eval/guyana_venezuela_navy.txt",
        "tests/fixtures/eval/bangladesh_teesta_talks.txt",
    ];
    (a, b)
}

/// `dossier merge OUT IN...`, which must succeed; what it said.
fn merge_ok(env: &Env, out: &Path, inputs: &[&Path]) -> String {
    let run = env
        .dossier()
        .arg("merge")
        .arg(out)
        .args(inputs)
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&run.stderr).into_owned();
    assert!(run.status.success(), "{said}");
    said
}

/// One integer from SQL on the archive at `db`.
fn count(db: &Path, sql: &str) -> i64 {
    Connection::open(db)
        .unwrap()
        .query_row(sql, [], |r| r.get(0))
        .unwrap()
}

fn ingest(env: &Env, db: &Path, files: &[&str]) {
    env.dossier()
        .env("DOSSIER_DB", db)
        .args(["--quiet", "ingest"])
        .args(files)
        .assert()
        .success();
}

/// The two halves, each ingested into an archive of its own: `a.sqlite` and `b.sqlite`.
fn half_archives(env: &Env) -> (PathBuf, PathBuf) {
    let (a, b) = halves();
    let (db_a, db_b) = (
        env.dir.path().join("a.sqlite"),
        env.dir.path().join("b.sqlite"),
    );
    ingest(env, &db_a, &a);
    ingest(env, &db_b, &b);
    (db_a, db_b)
}

#[test]
fn a_merge_equals_one_ingest_of_all_the_inputs() {
    let env = Env::new();
    let (a, b) = halves();
    let (db_a, db_b) = half_archives(&env);
    let before = (std::fs::read(&db_a).unwrap(), std::fs::read(&db_b).unwrap());

    let merged = env.dir.path().join("merged.sqlite");
    let said = merge_ok(&env, &merged, &[&db_a, &db_b]);
    assert!(said.contains("merged 2 archives"), "{said}");

    let one = env.dir.path().join("one.sqlite");
    let all: Vec<&str> = a.iter().chain(&b).copied().collect();
    ingest(&env, &one, &all);
    let (merged_dump, one_dump) = (dump(&merged), dump(&one));
    for ((table, got), (_, want)) in merged_dump.iter().zip(&one_dump) {
        assert!(
            !want.is_empty() || table == "near_duplicates",
            "{table} is empty"
        );
        assert_eq!(got, want, "{table}");
    }
    // In general (an outlet's repeated lines counted over the whole archive) a merge is what
    // `reprocess` makes of that one archive; here both are the same.
    env.dossier()
        .env("DOSSIER_DB", &one)
        .args(["--quiet", "reprocess"])
        .assert()
        .success();
    assert_eq!(dump(&merged), dump(&one));
    // The inputs were only read.
    assert_eq!(std::fs::read(&db_a).unwrap(), before.0);
    assert_eq!(std::fs::read(&db_b).unwrap(), before.1);
    // Runs and sightings are kept: both archives' runs and the merge's own.
    let conn = Connection::open(&merged).unwrap();
    let runs: Vec<String> = conn
        .prepare("SELECT command FROM imports ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    assert_eq!(runs, ["ingest", "ingest", "merge"]);
    assert_eq!(
        count(&merged, "SELECT count(*) FROM sightings"),
        10,
        "the shared article was seen twice"
    );
    // No staging folder is left beside the result.
    assert_eq!(
        crate::entries_starting_with(env.dir.path(), ".dossier-merge-"),
        0
    );
}

#[test]
fn merge_refuses_an_existing_target_a_missing_input_and_a_newer_schema() {
    let env = Env::new();
    let db_a = env.dir.path().join("a.sqlite");
    ingest(&env, &db_a, &["seeds/000_eb7c7dcc405d1360.txt"]);
    let merge = |out: &PathBuf, inputs: &[&PathBuf]| {
        env.dossier()
            .arg("merge")
            .arg(out)
            .args(inputs)
            .output()
            .unwrap()
    };
    let existing = env.dir.path().join("existing.sqlite");
    std::fs::write(&existing, "keep me").unwrap();
    let out = merge(&existing, &[&db_a]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("existing.sqlite: exists"));
    assert_eq!(std::fs::read_to_string(&existing).unwrap(), "keep me");

    let target = env.dir.path().join("new.sqlite");
    let missing = env.dir.path().join("missing.sqlite");
    let out = merge(&target, &[&db_a, &missing]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("missing.sqlite"));
    assert!(!target.exists());

    let newer = env.dir.path().join("newer.sqlite");
    std::fs::copy(&db_a, &newer).unwrap();
    Connection::open(&newer)
        .unwrap()
        .execute(
            "INSERT INTO refinery_schema_history (version, name, applied_on, checksum)
             VALUES (999, 'future', '2030-01-01', '0')",
            [],
        )
        .unwrap();
    let out = merge(&target, &[&db_a, &newer]);
    assert_eq!(out.status.code(), Some(1));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("newer"), "{said}");
    assert!(!target.exists());
    let leftovers = crate::entries_starting_with(env.dir.path(), ".dossier-merge-");
    assert_eq!(leftovers, 0);
}

mod embedded {
    refinery::embed_migrations!("migrations");
}

#[test]
fn an_older_archive_is_merged_through_an_upgraded_copy() {
    let env = Env::new();
    // An archive at schema V13 (documents still a plain table), holding one raw input and its
    // run; the merge upgrades a copy through V14 to today's.
    let old = env.dir.path().join("old.sqlite");
    let mut conn = Connection::open(&old).unwrap();
    embedded::migrations::runner()
        .set_target(refinery::Target::Version(13))
        .run(&mut conn)
        .unwrap();
    let text =
        std::fs::read_to_string(crate::repo().join("seeds/003_3cde689f60b82d13.txt")).unwrap();
    let sha = {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(text.as_bytes()))
    };
    conn.execute_batch(
        "INSERT INTO imports (id, command, started_at, finished_at, dossier_version, inputs)
         VALUES (1, 'ingest', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:01.000Z', '0.1.0', 1)",
    )
    .unwrap();
    conn.execute(
        "INSERT INTO documents (id, sha256, raw, bytes) VALUES (1, ?1, ?2, ?3)",
        rusqlite::params![sha, text, i64::try_from(text.len()).unwrap()],
    )
    .unwrap();
    conn.execute_batch(
        "INSERT INTO sightings (document_id, import_id, path, seen_at)
         VALUES (1, 1, 'seeds/003_3cde689f60b82d13.txt', '2026-01-01T00:00:00.500Z')",
    )
    .unwrap();
    drop(conn);
    let before = std::fs::read(&old).unwrap();

    let db_a = env.dir.path().join("a.sqlite");
    ingest(&env, &db_a, &["seeds/000_eb7c7dcc405d1360.txt"]);
    let merged = env.dir.path().join("merged.sqlite");
    merge_ok(&env, &merged, &[&db_a, &old]);
    assert_eq!(
        std::fs::read(&old).unwrap(),
        before,
        "the old archive is not written"
    );
    assert_eq!(
        count(&merged, "SELECT count(*) FROM articles"),
        2,
        "the old archive's input is an article of the merge"
    );
    assert!(count(&merged, "SELECT count(*) FROM mentions") > 0);
}

#[test]
fn an_archive_given_twice_or_merged_already_brings_no_run_or_sighting_twice() {
    let env = Env::new();
    let (db_a, db_b) = half_archives(&env);
    let team = env.dir.path().join("team.sqlite");
    merge_ok(&env, &team, &[&db_a, &db_a]);
    assert_eq!(
        count(
            &team,
            "SELECT count(*) FROM imports WHERE command = 'ingest'"
        ),
        1
    );
    assert_eq!(count(&team, "SELECT count(*) FROM sightings"), 5);
    // The team archive (holding a) merged again with a and b: a's run and sightings once.
    let again = env.dir.path().join("again.sqlite");
    merge_ok(&env, &again, &[&team, &db_a, &db_b]);
    assert_eq!(
        count(
            &again,
            "SELECT count(*) FROM imports WHERE command = 'ingest'"
        ),
        2
    );
    assert_eq!(count(&again, "SELECT count(*) FROM sightings"), 10);
    assert_eq!(dump(&again)[2], dump(&team_of(&env, &db_a, &db_b))[2]);

    // An empty file is no archive to merge.
    let empty = env.file("empty.sqlite", "");
    let out = env
        .dossier()
        .arg("merge")
        .args([&env.dir.path().join("x.sqlite"), &db_a, &empty])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("empty"));
}

/// A merge of `a` and `b` alone.
fn team_of(env: &Env, a: &Path, b: &Path) -> PathBuf {
    let out = env.dir.path().join("a-and-b.sqlite");
    merge_ok(env, &out, &[a, b]);
    out
}
