//! Issue 8: readers keep answering while an ingest runs, and two ingests started at once on
//! the same archive both finish with the right totals (a busy timeout, never "database is
//! locked").

use std::process::{Command as StdCommand, Stdio};
use std::time::{Duration, Instant};

use crate::Env;
use crate::crash::corpus;

fn spawn_ingest(env: &Env, input: &std::path::Path) -> std::process::Child {
    StdCommand::new(env!("CARGO_BIN_EXE_dossier"))
        .arg("--db")
        .arg(&env.db)
        .arg("ingest")
        // Small batches: readers see commits during the run, and two runs interleave.
        .args(["--batch-size", "200"])
        .arg(input)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

#[test]
fn queries_and_the_sqlite3_shell_answer_during_an_ingest() {
    let env = Env::new();
    env.dossier().args(["ingest", "seeds/"]).assert().success();
    let input = env.file("corpus.jsonl", corpus(1200));
    let mut child = spawn_ingest(&env, &input);
    let has_shell = StdCommand::new("sqlite3").arg("-version").output().is_ok();
    let (mut queries, mut shell) = (0, 0);
    let deadline = Instant::now() + Duration::from_mins(5);
    while child.try_wait().unwrap().is_none() && Instant::now() < deadline {
        let out = env
            .dossier()
            .args(["query", "stats", "-f", "json"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "query during ingest: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        queries += 1;
        if has_shell {
            // As docs/schema.md advises: the ingest's last connection locks the file for a
            // moment when it closes (SQLite folds the WAL back in), and a shell that opens it
            // just then fails at once unless it waits.
            let out = StdCommand::new("sqlite3")
                .args(["-cmd", ".timeout 5000"])
                .arg(&env.db)
                .arg("SELECT count(*) FROM articles; SELECT count(*) FROM v_timeline;")
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "sqlite3 during ingest: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            shell += 1;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(queries >= 2, "only {queries} queries ran during the ingest");
    if has_shell {
        assert!(
            shell >= 2,
            "only {shell} sqlite3 reads ran during the ingest"
        );
    }
}

#[test]
fn two_ingests_at_once_both_finish_with_the_right_totals() {
    let all = corpus(1000);
    let lines: Vec<&str> = all.lines().collect();
    let (first, second) = lines.split_at(lines.len() / 2);
    // The reference: the same two files ingested one after the other.
    let clean = Env::new();
    let a = clean.file("a.jsonl", first.join("\n") + "\n");
    let b = clean.file("b.jsonl", second.join("\n") + "\n");
    clean.dossier().arg("ingest").arg(&a).assert().success();
    clean.dossier().arg("ingest").arg(&b).assert().success();

    let env = Env::new();
    let a = env.file("a.jsonl", first.join("\n") + "\n");
    let b = env.file("b.jsonl", second.join("\n") + "\n");
    let mut one = spawn_ingest(&env, &a);
    let mut two = spawn_ingest(&env, &b);
    for child in [&mut one, &mut two] {
        let status = child.wait().unwrap();
        let mut stderr = String::new();
        std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut stderr).unwrap();
        assert!(status.success(), "{stderr}");
        assert!(!stderr.contains("locked"), "{stderr}");
    }
    for table in ["documents", "sightings", "articles"] {
        let sql = format!("SELECT count(*) FROM {table}");
        assert_eq!(env.count(&sql), clean.count(&sql), "{table}");
    }
    assert_eq!(
        env.count("SELECT count(*) FROM documents WHERE article_id IS NULL"),
        0
    );
    assert_eq!(
        env.count("SELECT count(*) FROM imports WHERE finished_at IS NOT NULL"),
        2
    );
    let ok: String = env
        .conn()
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(ok, "ok");
}
