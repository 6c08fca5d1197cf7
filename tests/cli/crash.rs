//! Issue 8: kill -9 an ingest at several moments; the archive stays whole and a re-run ends at
//! exactly the counts of a clean ingest.

use std::process::{Command as StdCommand, Stdio};
use std::time::Duration;

use crate::{Env, seed_paths};

/// JSON Lines of `n` distinct articles built from the seeds' paragraphs.
pub(crate) fn corpus(n: usize) -> String {
    let seeds: Vec<String> = seed_paths()
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    let mut out = String::new();
    for i in 0..n {
        let text = format!(
            "Report number {i} on the talks\n\n{}\n\nFiled at {:02}:{:02} GMT as item {i} of the series.",
            seeds[i % seeds.len()],
            i / 60 % 24,
            i % 60
        );
        out.push_str(
            &serde_json::json!({ "text": text, "outlet": format!("Outlet {}", i % 7) }).to_string(),
        );
        out.push('\n');
    }
    out
}

/// Counts that a finished ingest of the corpus must reach, whatever happened before.
pub(crate) fn totals(env: &Env) -> Vec<i64> {
    [
        "documents",
        "articles",
        "paragraphs",
        "article_paragraphs",
        "mentions",
        "quotes",
        "near_duplicates",
        "article_lsh",
        // Empty once a run ends: a killed run's pending buckets are filed by the re-run.
        "article_lsh_pending",
        "events",
        "event_mentions",
    ]
    .iter()
    .map(|t| env.count(&format!("SELECT count(*) FROM {t}")))
    .chain(
        // The summaries count each article once, so a re-run must not count one twice.
        [
            "SELECT sum(articles) + sum(mentions) FROM entity_stats",
            "SELECT sum(paragraphs) + sum(articles) FROM entity_pairs",
            "SELECT sum(articles) FROM paragraph_reuse",
            "SELECT sum(num_mentions) + sum(num_articles) FROM events",
        ]
        .iter()
        .map(|sql| env.count(sql)),
    )
    .collect()
}

fn check_whole(env: &Env) {
    let conn = env.conn();
    let ok: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(ok, "ok");
    assert_eq!(
        env.count("SELECT count(*) FROM pragma_foreign_key_check"),
        0
    );
    // Every document has its article, every article its paragraphs, every paragraph its FTS row.
    assert_eq!(
        env.count("SELECT count(*) FROM documents WHERE article_id IS NULL"),
        0
    );
    assert_eq!(
        env.count("SELECT count(*) FROM articles a WHERE NOT EXISTS (SELECT 1 FROM article_paragraphs ap WHERE ap.article_id = a.id)"),
        0
    );
    conn.execute(
        "INSERT INTO paragraphs_fts (paragraphs_fts, rank) VALUES ('integrity-check', 1)",
        [],
    )
    .expect("FTS index in step with paragraphs");
    assert_eq!(env.count("SELECT count(*) FROM sightings s WHERE NOT EXISTS (SELECT 1 FROM documents d WHERE d.id = s.document_id)"), 0);
    // Every event was read somewhere.
    assert_eq!(
        env.count("SELECT count(*) FROM events ev WHERE NOT EXISTS (SELECT 1 FROM event_mentions em WHERE em.event_id = ev.id)"),
        0
    );
}

/// Poll (readers work during an ingest) until some documents are committed, or the run ends.
fn wait_for_a_commit(env: &Env, child: &mut std::process::Child) {
    let deadline = std::time::Instant::now() + Duration::from_mins(2);
    while std::time::Instant::now() < deadline {
        if child.try_wait().unwrap().is_some() {
            return;
        }
        let committed = rusqlite::Connection::open(&env.db)
            .and_then(|c| c.query_row("SELECT count(*) FROM documents", [], |r| r.get::<_, i64>(0)))
            .unwrap_or(0);
        if committed > 0 {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[cfg(unix)]
#[test]
fn killed_ingests_leave_a_whole_archive_and_rerun_to_the_clean_counts() {
    let clean = Env::new();
    let input = clean.file("corpus.jsonl", corpus(1200));
    clean.dossier().arg("ingest").arg(&input).assert().success();
    let want = totals(&clean);

    let mut partial = 0;
    // Kill once a first batch is committed, then at later moments into the run.
    for delay_ms in [0, 400, 1500] {
        let env = Env::new();
        let mut child = StdCommand::new(env!("CARGO_BIN_EXE_dossier"))
            .arg("--db")
            .arg(&env.db)
            .arg("ingest")
            .args(["--batch-size", "400"]) // three commits in a run
            .arg(&input)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        wait_for_a_commit(&env, &mut child);
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = child.kill(); // SIGKILL: no chance to clean up
        let _ = child.wait();
        if env.db.exists() {
            check_whole(&env);
            let documents = env.count("SELECT count(*) FROM documents");
            if documents > 0 && documents < want[0] {
                partial += 1; // killed after some batches committed, before the end
            }
        }
        env.dossier().arg("ingest").arg(&input).assert().success();
        check_whole(&env);
        assert_eq!(totals(&env), want, "after a kill at {delay_ms} ms");
    }
    assert!(
        partial > 0,
        "no kill landed mid-ingest; the test proved nothing"
    );
}

/// A dump without the times inputs were seen, to compare two archives built at other times.
fn comparable(dump: Vec<String>) -> Vec<String> {
    dump.into_iter()
        .map(|row| match row.strip_prefix("sightings: ") {
            Some(rest) => rest
                .rsplit_once(" | ")
                .map_or(row.clone(), |(r, _)| r.to_string()),
            None => row,
        })
        .collect()
}

/// `reprocess` is one transaction: killed at any moment it leaves the archive exactly as it was,
/// and run again it ends where a clean reprocess ends.
#[cfg(unix)]
#[test]
fn a_killed_reprocess_leaves_the_archive_as_it_was() {
    let clean = Env::new();
    let input = clean.file("corpus.jsonl", corpus(300));
    clean.dossier().arg("ingest").arg(&input).assert().success();
    clean.dossier().arg("reprocess").assert().success();
    let want = comparable(crate::reprocess::dump(&clean));

    let mut mid_run = 0;
    for delay_ms in [150, 600, 1500] {
        let env = Env::new();
        env.dossier().arg("ingest").arg(&input).assert().success();
        let before = crate::reprocess::dump(&env);
        let mut child = StdCommand::new(env!("CARGO_BIN_EXE_dossier"))
            .arg("--db")
            .arg(&env.db)
            .arg("reprocess")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        if child.try_wait().unwrap().is_none() {
            mid_run += 1;
        }
        let _ = child.kill();
        let _ = child.wait();
        check_whole(&env);
        let after = crate::reprocess::dump(&env);
        if after != before {
            // Only a reprocess that had finished before the kill may have changed anything.
            assert_eq!(
                comparable(after),
                want,
                "a kill at {delay_ms} ms left a partial rebuild"
            );
        }
        env.dossier().arg("reprocess").assert().success();
        check_whole(&env);
        let got = comparable(crate::reprocess::dump(&env));
        let first_difference = got.iter().zip(&want).position(|(a, b)| a != b);
        assert!(
            got.len() == want.len() && first_difference.is_none(),
            "after a kill at {delay_ms} ms: {} rows, want {}; first difference: {:?}",
            got.len(),
            want.len(),
            first_difference.map(|i| (&got[i], &want[i]))
        );
    }
    assert!(
        mid_run > 0,
        "no kill landed mid-reprocess; the test proved nothing"
    );
}
