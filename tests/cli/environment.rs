//! Issue 8: a hostile environment. A database folder on a read-only file system, a full disk
//! (a small tmpfs), a file that cannot be read, and one article over the size limit: each gets
//! one clear line naming the file, the other inputs still get in where they can, and nothing in
//! the archive is lost or corrupted.
//!
//! The file-system cases mount a tmpfs, which needs root (CI runs as root); elsewhere they say
//! so and pass.

use std::path::{Path, PathBuf};
use std::process::Command as StdCommand;

use crate::{Env, repo, table_counts};

/// A tmpfs mounted for one test, unmounted when dropped.
struct Mount {
    dir: PathBuf,
    _parent: tempfile::TempDir,
}

impl Mount {
    fn tmpfs(options: &str) -> Option<Self> {
        let parent = tempfile::tempdir().unwrap();
        let dir = parent.path().join("mnt");
        std::fs::create_dir(&dir).unwrap();
        let mounted = StdCommand::new("mount")
            .args(["-t", "tmpfs", "-o", options, "tmpfs"])
            .arg(&dir)
            .output()
            .is_ok_and(|o| o.status.success());
        if !mounted {
            eprintln!("skipped: cannot mount a tmpfs here (needs root)");
            return None;
        }
        Some(Self {
            dir,
            _parent: parent,
        })
    }

    fn path(&self) -> &Path {
        &self.dir
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = StdCommand::new("umount").arg("-l").arg(&self.dir).status();
    }
}

/// An [`Env`] whose database lives at `db`.
fn env_at(db: PathBuf) -> Env {
    let env = Env::new();
    Env { db, ..env }
}

#[test]
fn database_folder_on_a_read_only_file_system() {
    let Some(mount) = Mount::tmpfs("ro,size=1m") else {
        return;
    };
    let env = env_at(mount.path().join("archive.sqlite"));
    let out = env.dossier().args(["ingest", "seeds/"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(
        stderr,
        format!(
            "error: {}: Read-only file system (os error 30)\n",
            env.db.display()
        )
    );
    assert!(!env.db.exists());
}

#[test]
fn a_full_disk_fails_the_run_and_keeps_what_was_committed() {
    let Some(mount) = Mount::tmpfs("size=2m") else {
        return;
    };
    let env = env_at(mount.path().join("archive.sqlite"));
    env.dossier().args(["ingest", "seeds/"]).assert().success();
    let before = table_counts(&env);
    // Far more text than the file system holds.
    let big = env.file("big.jsonl", crate::crash::corpus(3000));
    let out = env.dossier().arg("ingest").arg(&big).output().unwrap();
    assert_ne!(out.status.code(), Some(0));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with(&format!("error: {}: ", env.db.display())) && stderr.contains("full"),
        "{stderr}"
    );
    // The archive is whole, and holds what the first run committed (plus whatever whole
    // batches the second committed before the disk filled).
    let ok: String = env
        .conn()
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(ok, "ok");
    let after = table_counts(&env);
    for ((table, was), (_, now)) in before.iter().zip(&after) {
        assert!(now >= was, "{table}: {was} → {now}");
    }
    assert_eq!(
        env.count("SELECT count(*) FROM documents WHERE article_id IS NULL"),
        0
    );
    assert_eq!(
        env.count(
            "SELECT count(*) FROM articles a WHERE NOT EXISTS
             (SELECT 1 FROM article_paragraphs ap WHERE ap.article_id = a.id)"
        ),
        0
    );
    // Seed articles are still readable.
    env.dossier()
        .args(["query", "article", "-p", "id=1", "-f", "json"])
        .assert()
        .success();
}

#[test]
fn an_unreadable_file_fails_alone() {
    // /proc/self/mem is a regular file whose read fails (EIO), even for root.
    let env = Env::new();
    env.dossier()
        .args(["ingest", "/proc/self/mem", "tests/fixtures/inputs/wire.txt"])
        .assert()
        .code(1)
        .stderr(
            "error: /proc/self/mem: Input/output error (os error 5)\n\
             ingested 2 inputs: 1 new article, 0 duplicates, 1 failed\n",
        );
    assert_eq!(env.count("SELECT count(*) FROM articles"), 1);
}

/// One line of JSON far over the documented 16 MiB limit for one article is refused with its
/// size; the lines around it get in.
#[test]
fn an_article_over_the_size_limit_is_refused_by_its_line() {
    let env = Env::new();
    let wire = std::fs::read_to_string(repo().join("tests/fixtures/inputs/wire.txt")).unwrap();
    let seed = std::fs::read_to_string(repo().join("seeds/004_66863c9943df5b81.txt")).unwrap();
    let huge = "word ".repeat(4 * 1024 * 1024); // 20 MiB on one line
    let lines = [
        serde_json::json!({ "text": wire }).to_string(),
        serde_json::json!({ "text": huge }).to_string(),
        serde_json::json!({ "text": seed }).to_string(),
    ];
    let input = env.file("big.jsonl", lines.join("\n") + "\n");
    let out = env.dossier().arg("ingest").arg(&input).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    let first = stderr.lines().next().unwrap();
    assert!(
        first.starts_with(&format!("error: {}:2: ", input.display()))
            && first.contains("over the limit of 16777216 bytes"),
        "{stderr}"
    );
    assert!(
        stderr.ends_with("ingested 3 inputs: 2 new articles, 0 duplicates, 1 failed\n"),
        "{stderr}"
    );
    assert_eq!(env.count("SELECT count(*) FROM documents"), 2);
}
