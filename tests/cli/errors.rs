//! Bad input and refused databases: one clear line naming the file (and line), the other
//! inputs still ingested, exit 1, and nothing half-written.

use rusqlite::Connection;

use crate::{Env, table_counts};

#[track_caller]
fn fails_with(env: &Env, args: &[&str], stderr: &str) {
    env.dossier()
        .args(args)
        .assert()
        .code(1)
        .stdout("")
        .stderr(env.said(stderr));
}

#[test]
fn missing_path() {
    let env = Env::new();
    fails_with(
        &env,
        &[
            "ingest",
            "no/such/file.txt",
            "tests/fixtures/inputs/wire.txt",
        ],
        "created a new archive at {db}\n\
         error: no/such/file.txt: no such file or directory\n\
         ingested 2 inputs into {db}: 1 new article, 0 duplicates, 1 failed\n",
    );
    assert_eq!(env.count("SELECT count(*) FROM articles"), 1);
}

#[test]
fn folder_without_articles() {
    let env = Env::new();
    fails_with(
        &env,
        &["ingest", "tests/fixtures/no-articles"],
        "created a new archive at {db}\n\
         error: tests/fixtures/no-articles: no articles found (looked for .txt, .md, .html, .htm, .jsonl, .ndjson and .json files; skipped 1 file dossier does not read (1 .csv))\n\
         ingested 1 input into {db}: 0 new articles, 0 duplicates, 1 failed\n",
    );
}

#[test]
fn empty_blank_binary_and_invalid_utf8_files() {
    let env = Env::new();
    fails_with(
        &env,
        &[
            "ingest",
            "tests/fixtures/bad/empty.txt",
            "tests/fixtures/bad/blank.txt",
            "tests/fixtures/bad/binary.txt",
            "tests/fixtures/bad/latin1.txt",
            "tests/fixtures/inputs/wire.txt",
        ],
        "created a new archive at {db}\n\
         error: tests/fixtures/bad/empty.txt: empty file\n\
         error: tests/fixtures/bad/blank.txt: file holds only white space\n\
         error: tests/fixtures/bad/binary.txt: binary file (NUL byte at byte 4); dossier reads UTF-8 text\n\
         error: tests/fixtures/bad/latin1.txt: not valid UTF-8 at byte 3\n\
         ingested 5 inputs into {db}: 1 new article, 0 duplicates, 4 failed\n",
    );
    assert_eq!(env.count("SELECT count(*) FROM articles"), 1);
    assert_eq!(env.count("SELECT failed FROM imports"), 4);
}

#[test]
fn malformed_json_lines_name_the_line() {
    let env = Env::new();
    fails_with(
        &env,
        &["ingest", "tests/fixtures/bad/records.jsonl"],
        "created a new archive at {db}\n\
         error: tests/fixtures/bad/records.jsonl:2: malformed JSON at column 30: EOF while parsing a string\n\
         error: tests/fixtures/bad/records.jsonl:3: no `text` (or `html`) field\n\
         ingested 4 inputs into {db}: 2 new articles, 0 duplicates, 2 failed\n",
    );
    assert_eq!(
        env.count("SELECT count(*) FROM sightings WHERE line IN (1, 4)"),
        2
    );
}

#[test]
fn bad_sidecar_fails_its_article() {
    let env = Env::new();
    fails_with(
        &env,
        &["ingest", "tests/fixtures/bad/bad-sidecar.txt"],
        "created a new archive at {db}\n\
         error: tests/fixtures/bad/bad-sidecar.meta.json: bad sidecar: `published` must be a string, not a number\n\
         ingested 1 input into {db}: 0 new articles, 0 duplicates, 1 failed\n",
    );
    assert_eq!(env.count("SELECT count(*) FROM documents"), 0);
}

#[test]
fn refuses_a_file_that_is_not_sqlite_and_leaves_it_alone() {
    let env = Env::new();
    let bytes = b"name,value\nnot,a database\n".repeat(100);
    std::fs::write(&env.db, &bytes).unwrap();
    let db = env.db.display().to_string();
    env.dossier()
        .args(["ingest", "seeds/"])
        .assert()
        .code(1)
        .stderr(format!(
            "error: {db}: not an SQLite database; refusing to touch it (choose another `--db`)\n"
        ));
    assert_eq!(std::fs::read(&env.db).unwrap(), bytes);
    assert!(!env.dir.path().join("test.sqlite-wal").exists());
}

#[test]
fn refuses_another_programs_database() {
    let env = Env::new();
    Connection::open(&env.db)
        .unwrap()
        .execute_batch("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('mine');")
        .unwrap();
    let before = std::fs::read(&env.db).unwrap();
    let db = env.db.display().to_string();
    env.dossier().args(["ingest", "seeds/"]).assert().code(1).stderr(format!(
        "error: {db}: an SQLite database that is not dossier's (application_id 0x00000000); refusing to touch it\n"
    ));
    assert_eq!(std::fs::read(&env.db).unwrap(), before);
}

#[test]
fn refuses_a_newer_schema_untouched() {
    let env = Env::new();
    env.dossier()
        .args(["ingest", "tests/fixtures/inputs/wire.txt"])
        .assert()
        .success();
    env.conn()
        .execute(
            "INSERT INTO refinery_schema_history (version, name, applied_on, checksum) VALUES (9999, 'from_the_future', '2030-01-01T00:00:00Z', '1')",
            [],
        )
        .unwrap();
    let before = table_counts(&env);
    let db = env.db.display().to_string();
    let supported = dossier::store::supported_version();
    env.dossier().args(["ingest", "seeds/"]).assert().code(1).stderr(format!(
        "error: {db}: schema V9999 is newer than this dossier knows (V{supported}); upgrade dossier\n"
    ));
    assert_eq!(table_counts(&env), before);
}

#[test]
fn usage_errors_exit_2() {
    let env = Env::new();
    env.dossier().arg("ingest").assert().code(2);
    env.dossier()
        .args(["ingest", "--format", "xml", "seeds/"])
        .assert()
        .code(2);
}

#[test]
fn database_in_a_missing_folder() {
    let env = Env::new();
    let db = env.dir.path().join("nope/archive.sqlite");
    let shown = db.display().to_string();
    let folder = env.dir.path().join("nope").display().to_string();
    env.dossier()
        .arg("--db")
        .arg(&db)
        .args(["ingest", "seeds/"])
        .assert()
        .code(1)
        .stderr(format!(
            "error: {shown}: folder `{folder}` does not exist; create it or choose another `--db`\n"
        ));
    assert!(!db.exists());
}

#[cfg(unix)]
#[test]
fn a_fifo_is_refused_not_waited_on() {
    let env = Env::new();
    let fifo = env.dir.path().join("pipe.txt");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("skipped: mkfifo unavailable");
        return;
    }
    let shown = fifo.display().to_string();
    env.dossier()
        .arg("ingest")
        .arg(&fifo)
        .assert()
        .code(1)
        .stderr(env.said(&format!(
            "created a new archive at {{db}}\n\
             error: {shown}: not a regular file (to read a pipe, pass `-` and use stdin)\n\
             ingested 1 input into {{db}}: 0 new articles, 0 duplicates, 1 failed\n"
        )));
}
