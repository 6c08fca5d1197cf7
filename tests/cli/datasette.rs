//! Issue 26: the archive in real Datasette, as people open it. A seeds archive is served on
//! 127.0.0.1 and read over HTTP: Datasette must find the full-text index of `paragraphs`, so its
//! search box (`?_search=`) returns only the matching paragraphs.
//!
//! Datasette comes from `$DATASETTE` or the `PATH` (`.ci/run` installs it in a virtual
//! environment). Where it is missing the test says so and passes, except under CI (`CI` set),
//! where it fails: CI must run it.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::Env;

/// The `datasette` program, if there is one.
fn datasette() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("DATASETTE") {
        return Some(PathBuf::from(path));
    }
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join("datasette"))
        .find(|p| p.is_file())
}

/// The `datasette` program; without it, `None` after saying the test is skipped, or a failure
/// under CI, which must run it.
fn datasette_or_skip() -> Option<PathBuf> {
    let program = datasette();
    if program.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "datasette is missing under CI; .ci/run installs it"
        );
        eprintln!("skipped: datasette is not installed (set DATASETTE or put it on PATH)");
    }
    program
}

/// A Datasette server on a loopback port, stopped when dropped.
struct Server {
    child: Child,
    port: u16,
}

impl Server {
    fn start(program: &PathBuf, archive: &std::path::Path) -> Self {
        Self::start_with(program, archive, &[])
    }

    fn start_with(
        program: &PathBuf,
        archive: &std::path::Path,
        extra: &[&std::ffi::OsStr],
    ) -> Self {
        // A free port: the OS picks one for a listener we close again at once.
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(program)
            .arg("serve")
            .arg(archive)
            .args(["--host", "127.0.0.1", "--port", &port.to_string()])
            .args(extra)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let server = Self { child, port };
        let deadline = Instant::now() + Duration::from_mins(1);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "datasette did not start");
            std::thread::sleep(Duration::from_millis(100));
        }
        server
    }

    /// GET `path`: the status code and the body.
    fn get(&self, path: &str) -> (u16, String) {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .unwrap();
        write!(
            stream,
            "GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut response = Vec::new();
        stream.read_to_end(&mut response).unwrap();
        let response = String::from_utf8(response).unwrap();
        let (head, body) = response.split_once("\r\n\r\n").unwrap();
        let status = head.split_whitespace().nth(1).unwrap().parse().unwrap();
        (status, body.to_string())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn issue_26_datasette_searches_paragraphs_with_the_archive_index() {
    let Some(program) = datasette_or_skip() else {
        return;
    };
    let env = Env::new();
    env.dossier().args(["ingest", "seeds/"]).assert().success();
    let server = Server::start(&program, &env.db);

    // The table page offers the search box only when Datasette found the index.
    let (status, page) = server.get("/test/paragraphs");
    assert_eq!(status, 200);
    assert!(page.contains("name=\"_search\""), "no search box:\n{page}");

    let (status, body) = server.get("/test/paragraphs.json?_search=Kishida&_shape=array&_size=max");
    assert_eq!(status, 200, "{body}");
    let rows: Vec<serde_json::Value> = serde_json::from_str(&body).unwrap();
    let want =
        env.count("SELECT count(*) FROM paragraphs_fts WHERE paragraphs_fts MATCH 'Kishida'");
    assert!(want > 0);
    assert_eq!(rows.len(), usize::try_from(want).unwrap(), "{body}");
    for row in &rows {
        let text = row["text"].as_str().unwrap();
        assert!(
            text.contains("Kishida"),
            "a row that does not match: {text}"
        );
    }

    // Every table and view of the archive opens.
    let (status, tables) = server.get("/test.json");
    assert_eq!(status, 200, "{tables}");
    for view in ["v_timeline", "v_entity_names", "documents", "mentions"] {
        let (status, body) = server.get(&format!("/test/{view}.json?_size=1"));
        assert_eq!(status, 200, "{view}: {body}");
    }
}

/// Numbers as f64, so Datasette's `1.0` and dossier's `1.0` or `1` compare equal.
fn numbers_as_floats(value: serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match value {
        Value::Number(n) => n
            .as_f64()
            .and_then(serde_json::Number::from_f64)
            .map_or(Value::Null, Value::Number),
        Value::Array(items) => Value::Array(items.into_iter().map(numbers_as_floats).collect()),
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (k, numbers_as_floats(v)))
                .collect(),
        ),
        other => other,
    }
}

#[test]
fn issue_31_every_canned_query_returns_what_dossier_query_returns() {
    let Some(program) = datasette_or_skip() else {
        return;
    };
    let env = Env::new();
    env.dossier().args(["ingest", "seeds/"]).assert().success();
    let out = env.dossier().arg("datasette-metadata").output().unwrap();
    assert!(out.status.success());
    let metadata = env.file("meta.json", &out.stdout);
    let server = Server::start_with(
        &program,
        &env.db,
        &["--metadata".as_ref(), metadata.as_os_str()],
    );

    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let queries = meta["databases"]["test"]["queries"].as_object().unwrap();
    assert_eq!(queries.len(), dossier::queries::ALL.len());
    // Parameters for the queries that need some; the rest run on their defaults.
    let given: &[(&str, &[(&str, &str)])] = &[
        ("article", &[("id", "2")]),
        ("dyad", &[("a", "Japan"), ("b", "South Korea")]),
        ("search", &[("q", "Kishida")]),
        ("timeline", &[("entity", "Japan"), ("limit", "20")]),
        ("quotes", &[("speaker", "Yoon Suk Yeol")]),
    ];
    for name in queries.keys() {
        let params = given
            .iter()
            .find(|(n, _)| n == name)
            .map_or(&[][..], |(_, p)| *p);
        let mut cmd = env.dossier();
        cmd.args(["query", name, "-f", "json"]);
        for (k, v) in params {
            cmd.args(["-p", &format!("{k}={v}")]);
        }
        let out = cmd.output().unwrap();
        assert!(
            out.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let want: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let query = params.iter().fold(String::new(), |mut q, (k, v)| {
            q.push('&');
            q.push_str(k);
            q.push('=');
            q.push_str(&v.replace(' ', "+"));
            q
        });
        let (status, body) =
            server.get(&format!("/test/{name}.json?_shape=array&_size=max{query}"));
        assert_eq!(status, 200, "{name}: {body}");
        let got: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert!(
            !want.as_array().unwrap().is_empty()
                || name == "near-duplicates"
                || name == "reused-paragraphs",
            "{name}: a comparison of empty tables proves little"
        );
        assert_eq!(
            numbers_as_floats(got),
            numbers_as_floats(want),
            "{name}: Datasette and dossier query differ"
        );
    }
}
