//! `dossier reprocess`: derived tables rebuilt from the raw documents, idempotently.

use rusqlite::types::ValueRef;

use crate::Env;

/// Every row of every archive table except the run log, as text, in a stable order.
pub(crate) fn dump(env: &Env) -> Vec<String> {
    let conn = env.conn();
    let tables = [
        ("documents", "id"),
        ("sightings", "id"),
        ("articles", "id"),
        ("paragraphs", "id"),
        ("article_paragraphs", "article_id, position"),
        ("near_duplicates", "article_id, duplicate_of"),
        ("article_lsh", "bucket, article_id"),
        ("line_counts", "line_key, outlet"),
        ("entities", "id"),
        ("entity_aliases", "entity_id, alias"),
        ("mentions", "id"),
        ("quotes", "id"),
        ("cameo_codes", "code"),
        ("events", "id"),
        ("event_mentions", "id"),
    ];
    let mut out = Vec::new();
    for (table, order) in tables {
        let mut stmt = conn
            .prepare(&format!("SELECT * FROM {table} ORDER BY {order}"))
            .unwrap();
        let columns = stmt.column_count();
        let mut rows = stmt.query([]).unwrap();
        while let Some(row) = rows.next().unwrap() {
            let cells: Vec<String> = (0..columns)
                .map(|i| match row.get_ref(i).unwrap() {
                    ValueRef::Null => "NULL".to_string(),
                    ValueRef::Integer(n) => n.to_string(),
                    ValueRef::Real(f) => format!("{f:.9}"),
                    ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned(),
                    ValueRef::Blob(b) => format!("{b:?}"),
                })
                .collect();
            out.push(format!("{table}: {}", cells.join(" | ")));
        }
    }
    out
}

fn fts_ok(env: &Env) {
    env.conn()
        .execute(
            "INSERT INTO paragraphs_fts (paragraphs_fts, rank) VALUES ('integrity-check', 1)",
            [],
        )
        .expect("FTS index in sync with paragraphs");
}

#[test]
fn reprocess_rebuilds_the_same_archive_twice() {
    let env = Env::new();
    let seed =
        std::fs::read_to_string(crate::repo().join("seeds/003_3cde689f60b82d13.txt")).unwrap();
    let repost = env.file(
        "repost.txt",
        format!(
            "Share this story\n\n{}",
            seed.replace("much lower", "far lower")
        ),
    );
    env.dossier()
        .args(["ingest", "seeds/", "tests/fixtures/eval/"])
        .arg(&repost)
        .assert()
        .success();
    let ingested = dump(&env);
    assert!(ingested.iter().any(|r| r.starts_with("near_duplicates: ")));

    env.dossier()
        .arg("reprocess")
        .assert()
        .success()
        .stderr("reprocessed 21 documents: 21 articles, 1 near-duplicate\n");
    assert_eq!(
        dump(&env),
        ingested,
        "reprocess with the same pipeline changes nothing"
    );
    fts_ok(&env);

    // Tamper with derived rows; reprocess restores them from the raw documents.
    env.conn()
        .execute_batch("UPDATE article_paragraphs SET role = 'boilerplate', rule = 'tampered' WHERE article_id = 1; DELETE FROM near_duplicates;")
        .unwrap();
    env.dossier().arg("reprocess").assert().success();
    assert_eq!(dump(&env), ingested);
    fts_ok(&env);
    assert_eq!(
        env.count(
            "SELECT count(*) FROM imports WHERE command = 'reprocess' AND finished_at IS NOT NULL"
        ),
        2
    );
}

/// Paragraphs no article uses any more (an improved segmenter splits text differently) are
/// pruned, a few directly and many through temporary indexes on the columns that refer to
/// paragraphs, which leave no trace in the schema.
#[test]
fn reprocess_prunes_paragraphs_no_article_uses() {
    let env = Env::new();
    env.dossier().args(["ingest", "seeds/"]).assert().success();
    let ingested = dump(&env);
    let schema = || {
        env.conn()
            .prepare("SELECT type, name FROM sqlite_schema ORDER BY name")
            .unwrap()
            .query_map([], |r| {
                Ok(format!(
                    "{} {}",
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?
                ))
            })
            .unwrap()
            .collect::<rusqlite::Result<Vec<_>>>()
            .unwrap()
    };
    let tables = schema();
    for unused in [3, 40] {
        // As an earlier segmentation would have left them: stored and full-text indexed.
        env.conn()
            .execute_batch(&format!(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {unused})
                 INSERT INTO paragraphs (sha256, text, words)
                 SELECT printf('%064x', i), 'An old paragraph about Seoul, number ' || i, 6 FROM n;
                 INSERT INTO paragraphs_fts (rowid, text)
                 SELECT id, text FROM paragraphs WHERE text LIKE 'An old paragraph%';"
            ))
            .unwrap();
        env.dossier().arg("reprocess").assert().success();
        assert_eq!(
            env.count("SELECT count(*) FROM paragraphs WHERE text LIKE 'An old paragraph%'"),
            0,
            "{unused} unused paragraphs pruned"
        );
        assert_eq!(dump(&env), ingested);
        assert_eq!(schema(), tables, "no temporary index left behind");
        fts_ok(&env);
        assert_eq!(
            env.count("SELECT count(*) FROM pragma_foreign_key_check"),
            0
        );
    }
}

#[test]
fn reprocess_needs_an_archive() {
    let env = Env::new();
    let db = env.db.display().to_string();
    env.dossier()
        .arg("reprocess")
        .assert()
        .code(1)
        .stderr(format!("error: {db}: no such file or directory\n"));
    assert!(!env.db.exists());
}

/// An article of outlet "Example Daily" carrying the site's tagline.
fn tagged_article(n: usize) -> String {
    let text = format!(
        "Story number {n} on the regional talks\n\n\
         Officials from the {n} delegations met on Monday in the capital to discuss trade, security and the \
         long dispute over wartime labour, according to a statement released after meeting number {n}.\n\n\
         The talks, the {n}th of their kind, ended without agreement but both sides said they would meet again.\n\n\
         Example Daily, independent news from Asia since 1998"
    );
    serde_json::json!({ "text": text, "outlet": "Example Daily" }).to_string()
}

fn tagline_rules(env: &Env) -> Vec<String> {
    let conn = env.conn();
    let mut stmt = conn
        .prepare(
            "SELECT ap.rule FROM article_paragraphs ap JOIN paragraphs p ON p.id = ap.paragraph_id
             WHERE p.text LIKE 'Example Daily, independent%' ORDER BY ap.article_id",
        )
        .unwrap();
    stmt.query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[test]
fn a_sites_repeated_line_is_learned_incrementally_and_applied_by_reprocess() {
    let env = Env::new();
    let first: Vec<String> = (1..=3).map(tagged_article).collect();
    let later: Vec<String> = (4..=5).map(tagged_article).collect();
    let first = env.file("first.jsonl", first.join("\n"));
    let later = env.file("later.jsonl", later.join("\n"));
    env.dossier().arg("ingest").arg(&first).assert().success();
    env.dossier().arg("ingest").arg(&later).assert().success();
    let rules = tagline_rules(&env);
    assert_eq!(rules.len(), 5);
    assert!(
        rules[..3].iter().all(|r| r != "repeated-across-documents"),
        "{rules:?}"
    );
    assert!(
        rules[3..].iter().all(|r| r == "repeated-across-documents"),
        "{rules:?}"
    );
    assert_eq!(env.count("SELECT documents FROM line_counts WHERE outlet = 'Example Daily' ORDER BY documents DESC LIMIT 1"), 5);

    // Reprocess counts over the whole archive, so the first three learn from the later two.
    env.dossier().arg("reprocess").assert().success();
    assert!(
        tagline_rules(&env)
            .iter()
            .all(|r| r == "repeated-across-documents")
    );
    assert_eq!(env.count("SELECT documents FROM line_counts WHERE outlet = 'Example Daily' ORDER BY documents DESC LIMIT 1"), 5);
    let after_first = crate::reprocess::dump(&env);
    env.dossier().arg("reprocess").assert().success();
    assert_eq!(
        crate::reprocess::dump(&env),
        after_first,
        "reprocess is idempotent"
    );
}
