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

    /// Make the file system read-only, as a CD or a read-only share is.
    fn remount_read_only(&self) {
        let status = StdCommand::new("mount")
            .args(["-o", "remount,ro"])
            .arg(&self.dir)
            .status()
            .unwrap();
        assert!(status.success());
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
    let Some(mount) = Mount::tmpfs("size=4m") else {
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
        .stderr(env.said(
            "created a new archive at {db}\n\
             error: /proc/self/mem: Input/output error (os error 5)\n\
             ingested 2 inputs into {db}: 1 new article, 0 duplicates, 1 failed\n",
        ));
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
    let first = stderr.lines().nth(1).unwrap();
    assert!(
        first.starts_with(&format!("error: {}:2: ", input.display()))
            && first.contains("over the limit of 16777216 bytes"),
        "{stderr}"
    );
    assert!(
        stderr.ends_with(
            &env.said("ingested 3 inputs into {db}: 2 new articles, 0 duplicates, 1 failed\n")
        ),
        "{stderr}"
    );
    assert_eq!(env.count("SELECT count(*) FROM documents"), 2);
}

/// Issue 26: an archive on read-only media (a CD, a read-only share) answers every query and
/// `sql` as it does elsewhere, and `ingest` says plainly that it cannot write there.
#[test]
fn issue_26_an_archive_on_read_only_media_is_read_not_written() {
    let Some(mount) = Mount::tmpfs("size=20m") else {
        return;
    };
    let env = env_at(mount.path().join("archive.sqlite"));
    env.dossier().args(["ingest", "seeds/"]).assert().success();
    let writable = Env::new();
    std::fs::copy(&env.db, &writable.db).unwrap();
    mount.remount_read_only();
    let mut commands: Vec<Vec<String>> = dossier::queries::ALL
        .iter()
        .map(|q| {
            let mut args = vec![
                "query".to_string(),
                q.name.to_string(),
                "-f".into(),
                "json".into(),
            ];
            args.extend(crate::query::params(q.name).iter().map(ToString::to_string));
            args
        })
        .collect();
    commands.push(vec!["sql".into(), "SELECT id, title FROM articles".into()]);
    for args in &commands {
        let read_only = env.dossier().args(args).output().unwrap();
        let elsewhere = writable.dossier().args(args).output().unwrap();
        assert!(
            read_only.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&read_only.stderr)
        );
        assert!(read_only.stderr.is_empty(), "{args:?}");
        if args[1] != "imports" {
            assert_eq!(read_only.stdout, elsewhere.stdout, "{args:?}");
        }
    }
    env.dossier()
        .args(["ingest", "tests/fixtures/inputs/wire.txt"])
        .assert()
        .code(1)
        .stderr(format!(
            "error: {}: cannot write the archive: Read-only file system (os error 30); `query` \
             and `sql` can still read it, or copy it somewhere writable to add to it\n",
            env.db.display()
        ));
}

/// Issue 26: an archive copied to read-only media with its write-ahead log still beside it
/// (copied while a program had it open) is read, and the user is told its last commits are
/// not shown.
#[test]
fn issue_26_a_log_left_beside_a_read_only_archive_is_named() {
    let (Some(live), Some(copy)) = (Mount::tmpfs("size=20m"), Mount::tmpfs("size=20m")) else {
        return;
    };
    let env = env_at(live.path().join("archive.sqlite"));
    env.dossier().args(["ingest", "seeds/"]).assert().success();
    // A program holds the archive open with a commit still in its log.
    let holder = env.conn();
    holder
        .execute_batch(
            "PRAGMA wal_autocheckpoint = 0;
             INSERT INTO imports (command, started_at, dossier_version)
             VALUES ('ingest', '2026-01-01T00:00:00.000Z', 'test');",
        )
        .unwrap();
    let copied = env_at(copy.path().join("archive.sqlite"));
    for suffix in ["", "-wal"] {
        let name = |db: &Path| PathBuf::from(format!("{}{suffix}", db.display()));
        std::fs::copy(name(&env.db), name(&copied.db)).unwrap();
    }
    drop(holder);
    copy.remount_read_only();
    let out = copied
        .dossier()
        .args(["sql", "SELECT count(*) AS runs FROM imports", "-f", "csv"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(String::from_utf8(out.stdout).unwrap(), "runs\n1\n");
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.starts_with(&format!(
            "note: {}: the archive is on read-only media and its write-ahead log",
            copied.db.display()
        )) && stderr.contains("its last commits are not shown"),
        "{stderr}"
    );
}
