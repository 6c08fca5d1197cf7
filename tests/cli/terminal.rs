//! Issue 26: dossier on a real pseudo-terminal, as a person runs it. Every other test pipes the
//! output, so the terminal path (tables fitted to the width, the progress bar, Ctrl-C) runs only
//! here.
//!
//! Each command runs on a pty of a given width (`portable-pty`, the child's session and
//! controlling terminal set up as a shell would). What it prints is read back raw, escape
//! sequences removed, and split at line feeds and carriage returns: no line may be wider than
//! the terminal, nothing may panic, and every character of every value the query gives (read
//! again piped, as JSON) must still be on the screen.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::time::{Duration, Instant};

use portable_pty::{CommandBuilder, PtySize, native_pty_system};
use unicode_width::UnicodeWidthStr;

use crate::query::params;
use crate::{Env, repo};

/// What a command did on the terminal.
pub(crate) struct Screen {
    /// Its exit code.
    pub(crate) code: u32,
    /// Everything it wrote, escape sequences removed.
    pub(crate) text: String,
}

/// A command running on a pty.
pub(crate) struct Session {
    child: Box<dyn portable_pty::Child + Send + Sync>,
    writer: Box<dyn Write + Send>,
    output: std::sync::mpsc::Receiver<Vec<u8>>,
    seen: Vec<u8>,
}

impl Session {
    /// Start `dossier ARGS` on a `cols`-wide terminal, on `env`'s archive, from the repository.
    pub(crate) fn start(env: &Env, args: &[&str], cols: u16) -> Self {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows: 50,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_dossier"));
        cmd.args(args);
        cmd.cwd(repo());
        cmd.env("DOSSIER_DB", &env.db);
        cmd.env("TERM", "xterm-256color");
        cmd.env_remove("DOSSIER_PROFILE_SQL");
        let child = pair.slave.spawn_command(cmd).unwrap();
        drop(pair.slave); // the master reads EOF once the child's side is closed
        let mut reader = pair.master.try_clone_reader().unwrap();
        let writer = pair.master.take_writer().unwrap();
        let (tx, output) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            // Keep the master open as long as the reader runs.
            let _master = pair.master;
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 || tx.send(buf[..n].to_vec()).is_err() {
                    break;
                }
            }
        });
        Self {
            child,
            writer,
            output,
            seen: Vec::new(),
        }
    }

    /// Read what the command wrote until `done` holds for it (escapes removed), for at most a
    /// minute.
    pub(crate) fn wait_for(&mut self, done: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_mins(1);
        loop {
            let text = strip_escapes(&String::from_utf8_lossy(&self.seen));
            if done(&text) {
                return text;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            assert!(!left.is_zero(), "timed out; the screen so far:\n{text}");
            match self
                .output
                .recv_timeout(left.min(Duration::from_millis(100)))
            {
                Ok(bytes) => self.seen.extend(bytes),
                Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {}
                Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
                    panic!("the command ended first; the screen:\n{text}")
                }
            }
        }
    }

    /// Type `keys` at the terminal.
    pub(crate) fn type_keys(&mut self, keys: &[u8]) {
        self.writer.write_all(keys).unwrap();
        self.writer.flush().unwrap();
    }

    /// Wait (at most a minute) for the command to end, reading everything it wrote.
    pub(crate) fn finish(mut self) -> Screen {
        let deadline = Instant::now() + Duration::from_mins(1);
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            if Instant::now() > deadline {
                self.child.kill().unwrap();
                panic!(
                    "still running after a minute:\n{}",
                    String::from_utf8_lossy(&self.seen)
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        while let Ok(bytes) = self.output.recv_timeout(Duration::from_secs(5)) {
            self.seen.extend(bytes);
        }
        Screen {
            code: status.exit_code(),
            text: strip_escapes(&String::from_utf8_lossy(&self.seen)),
        }
    }
}

/// Run `dossier ARGS` to the end on a `cols`-wide terminal.
pub(crate) fn on_terminal(env: &Env, args: &[&str], cols: u16) -> Screen {
    Session::start(env, args, cols).finish()
}

/// `text` without terminal escape sequences (CSI, OSC and two-byte escapes).
fn strip_escapes(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\u{1b}' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('[') => {
                // Parameters and intermediates, then one final byte in @..~. Anything but a
                // colour (`m`) moves the cursor or clears: it starts a line as far as widths go.
                for c in chars.by_ref() {
                    if ('@'..='~').contains(&c) {
                        if c != 'm' {
                            out.push('\r');
                        }
                        break;
                    }
                }
            }
            Some(']') => {
                // Up to BEL or ESC \.
                while let Some(c) = chars.next() {
                    if c == '\u{7}' || (c == '\u{1b}' && chars.next_if_eq(&'\\').is_some()) {
                        break;
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// `screen` with every run of white space (line breaks of wrapped messages included) made one
/// space, to find a message whatever the width wrapped it at.
fn flat(screen: &str) -> String {
    screen.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Every line of `screen`, split where the terminal would start one.
fn lines(screen: &str) -> impl Iterator<Item = &str> {
    screen.split(['\n', '\r'])
}

/// Assert no line of `screen` is wider than `cols` and nothing panicked.
#[track_caller]
fn assert_fits(what: &str, screen: &Screen, cols: u16) {
    assert!(
        !screen.text.contains("panicked"),
        "{what} at {cols}:\n{}",
        screen.text
    );
    for line in lines(&screen.text) {
        assert!(
            line.width() <= usize::from(cols),
            "{what} at {cols}: a line of {} columns:\n{line}\n\nthe whole screen:\n{}",
            line.width(),
            screen.text
        );
    }
}

/// Assert every non-blank character of every value in `rows` (JSON objects) is on the screen.
#[track_caller]
fn assert_nothing_lost(what: &str, screen: &Screen, cols: u16, rows: &serde_json::Value) {
    let mut left: HashMap<char, usize> = HashMap::new();
    for c in screen.text.chars() {
        *left.entry(c).or_default() += 1;
    }
    for row in rows.as_array().unwrap() {
        for (column, value) in row.as_object().unwrap() {
            let value = match value {
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Null => String::new(),
                // As the table writes a real: 8.0 is `8`.
                serde_json::Value::Number(n) if !n.is_i64() => n.as_f64().unwrap().to_string(),
                other => other.to_string(),
            };
            for c in value
                .chars()
                .filter(|c| !c.is_whitespace() && !c.is_control())
            {
                let n = left.entry(c).or_default();
                assert!(
                    *n > 0,
                    "{what} at {cols}: {c:?} of column `{column}` ({value:?}) is not on the \
                     screen:\n{}",
                    screen.text
                );
                *n -= 1;
            }
        }
    }
}

const WIDTHS: [u16; 5] = [40, 60, 80, 120, 200];

/// Every named query, `--list` and `sql` print tables that fit 40 to 200 columns, keep every
/// value, and exit 0.
#[test]
fn issue_26_tables_fit_every_terminal_width() {
    let env = Env::new();
    env.dossier().args(["ingest", "seeds/"]).assert().success();
    let mut commands: Vec<Vec<String>> = dossier::queries::ALL
        .iter()
        .map(|q| {
            let mut args = vec!["query".to_string(), q.name.to_string()];
            args.extend(params(q.name).iter().map(ToString::to_string));
            args
        })
        .collect();
    commands.push(vec!["query".into(), "--list".into()]);
    commands.push(vec!["sql".into(), "SELECT * FROM articles".into()]);
    for args in &commands {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let what = args.join(" ");
        let mut piped: Vec<&str> = args.clone();
        piped.extend(["-f", "json"]);
        let out = env.dossier().args(&piped).output().unwrap();
        assert!(out.status.success(), "{what}");
        let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        for cols in WIDTHS {
            let screen = on_terminal(&env, &args, cols);
            assert_eq!(screen.code, 0, "{what} at {cols}:\n{}", screen.text);
            assert_fits(&what, &screen, cols);
            assert_nothing_lost(&what, &screen, cols, &rows);
        }
    }
}

/// `ingest` on a terminal: the progress bar and the summary fit every width.
#[test]
fn issue_26_ingest_fits_every_terminal_width() {
    for cols in WIDTHS {
        let env = Env::new();
        let corpus = env.file("corpus.jsonl", crate::crash::corpus(600));
        let corpus = corpus.to_str().unwrap();
        let screen = on_terminal(&env, &["ingest", corpus], cols);
        assert_eq!(screen.code, 0, "at {cols}:\n{}", screen.text);
        assert_fits("ingest", &screen, cols);
        assert!(
            screen.text.contains("ingested 600 inputs"),
            "at {cols}:\n{}",
            screen.text
        );
    }
}

/// `export` and `merge` on a terminal: their summaries fit every width.
#[test]
fn issue_33_export_and_merge_fit_every_terminal_width() {
    let env = Env::new();
    env.dossier().args(["ingest", "seeds/"]).assert().success();
    for cols in WIDTHS {
        let mut runs: Vec<(&str, Vec<String>)> = Vec::new();
        let merged = env.dir.path().join(format!("merged-{cols}.sqlite"));
        runs.push((
            "merged 1 archive",
            vec![
                "merge".into(),
                merged.to_string_lossy().into_owned(),
                env.db.to_string_lossy().into_owned(),
            ],
        ));
        if cfg!(feature = "parquet") {
            let dir = env.dir.path().join(format!("export-{cols}"));
            runs.push((
                "wrote",
                vec![
                    "export".into(),
                    "--format".into(),
                    "parquet".into(),
                    dir.to_string_lossy().into_owned(),
                ],
            ));
        }
        for (said, args) in &runs {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let screen = on_terminal(&env, &args, cols);
            assert_eq!(screen.code, 0, "{} at {cols}:\n{}", args[0], screen.text);
            assert_fits(args[0], &screen, cols);
            assert!(
                flat(&screen.text).contains(said),
                "at {cols}:\n{}",
                screen.text
            );
        }
    }
}

/// Ctrl-C typed at the terminal during an ingest: the run stops reading, commits what it read,
/// says so, exits 130 and marks its run `interrupted`; the same command again finishes the job
/// and the archive ends as one uninterrupted run makes it.
#[test]
fn issue_26_ctrl_c_commits_what_was_read_and_says_so() {
    let env = Env::new();
    let corpus = env.file("corpus.jsonl", crate::crash::corpus(8_000));
    let corpus = corpus.to_str().unwrap();
    let mut session = Session::start(&env, &["ingest", "--batch-size", "200", corpus], 100);
    // Once the bar shows progress, some batches are committed and many inputs are left.
    session.wait_for(|screen| screen.contains("/s, eta"));
    session.type_keys(b"\x03");
    let screen = session.finish();
    assert_eq!(screen.code, 130, "{}", screen.text);
    assert!(
        flat(&screen.text).contains("interrupting: committing the inputs already read"),
        "{}",
        screen.text
    );
    let (status, finished, inputs): (String, Option<String>, i64) = env
        .conn()
        .query_row(
            "SELECT status, finished_at, inputs FROM imports ORDER BY id DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(status, "interrupted");
    assert!(finished.is_some());
    assert!(0 < inputs && inputs < 8_000, "{inputs}");
    let said = format!(" ({inputs} inputs) committed; run the same command again to finish");
    assert!(
        flat(&screen.text).contains("batches (") || flat(&screen.text).contains("1 batch ("),
        "{}",
        screen.text
    );
    assert!(
        flat(&screen.text).contains(&said),
        "{said}\n{}",
        screen.text
    );
    assert_eq!(
        env.count("SELECT count(*) FROM sightings"),
        inputs,
        "every input read was committed"
    );

    env.dossier().args(["ingest", corpus]).assert().success();
    let whole = Env::new();
    whole.dossier().args(["ingest", corpus]).assert().success();
    assert_eq!(crate::crash::totals(&env), crate::crash::totals(&whole));
}

/// Ctrl-C typed during a `reprocess`: the rebuild is rolled back and said to be, the run is
/// marked `interrupted`, and every table is as it was.
#[test]
fn issue_26_ctrl_c_rolls_a_reprocess_back_and_says_so() {
    let env = Env::new();
    let corpus = env.file("corpus.jsonl", crate::crash::corpus(8_000));
    env.dossier()
        .args(["--quiet", "ingest"])
        .arg(&corpus)
        .assert()
        .success();
    let before = crate::reprocess::dump(&env);
    let mut session = Session::start(&env, &["reprocess"], 100);
    session.wait_for(|screen| screen.contains(" documents ("));
    session.type_keys(b"\x03");
    let screen = session.finish();
    assert_eq!(screen.code, 130, "{}", screen.text);
    assert!(
        flat(&screen.text).contains(&format!(
            "interrupted: the rebuild was rolled back; {} is as it was",
            env.db.display()
        )),
        "{}",
        screen.text
    );
    let status: String = env
        .conn()
        .query_row(
            "SELECT status FROM imports ORDER BY id DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(status, "interrupted");
    assert_eq!(crate::reprocess::dump(&env), before);
}
