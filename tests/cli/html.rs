//! Issue 30: saved web pages in. A page becomes an article like any other: its furniture
//! labelled, its metadata read, its bytes kept as given in whatever charset it came, and a bad
//! page costs only itself.

use predicates::prelude::*;
use sha2::{Digest, Sha256};

use crate::{Env, repo};

/// A news page as sites build them: navigation, a header, the article with a byline, share
/// links, a figure, the body, related links, a footer; metadata in Open Graph and JSON-LD.
const PAGE: &str = r##"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Ministers agree on fisheries pact | Harbour Post</title>
<meta property="og:title" content="Ministers agree on fisheries pact">
<meta property="og:site_name" content="Harbour Post">
<meta property="article:published_time" content="2024-05-14T09:30:00Z">
<link rel="canonical" href="https://harbourpost.example/world/fisheries-pact">
<script type="application/ld+json">
{"@context": "https://schema.org", "@type": "NewsArticle",
 "headline": "Ministers agree on fisheries pact",
 "author": [{"@type": "Person", "name": "Ines Marlow"}],
 "publisher": {"@type": "Organization", "name": "Harbour Post"}}
</script>
<script>window.dataLayer = [{"page": "article"}];</script>
</head>
<body class="article-page has-sidebar">
<nav class="site-nav"><ul>
<li><a href="/">Home</a></li><li><a href="/world">World</a></li><li><a href="/business">Business</a></li>
</ul></nav>
<main>
<article>
<h1>Ministers agree on fisheries pact</h1>
<div class="byline">By Ines Marlow</div>
<div class="share-links"><a href="#">Share on Facebook</a> <a href="#">Share on X</a></div>
<div class="article-body">
<p>Fisheries ministers from South Korea and Japan agreed on Tuesday to share catch data in the
waters between the two countries, ending a dispute that had kept their fleets in port for a month.</p>
<p>The agreement, reached after two days of talks in Busan, sets joint quotas for squid and
mackerel and creates a hotline between the two coast guards.</p>
<figure><img src="port.jpg" alt=""><figcaption>Boats moored in Busan harbour. Photo: Agency</figcaption></figure>
<h2>Quotas for three years</h2>
<p>Officials said the quotas would be reviewed every year and would run for three years unless
either side withdrew with six months' notice.</p>
<p>Fishing unions in both countries welcomed the deal but said they would watch closely how the
new data rules were enforced at sea.</p>
</div>
<div class="related-stories"><h3>Related</h3><ul>
<li><a href="/a">Coast guards hold first joint drill in the strait</a></li>
<li><a href="/b">Squid prices fall as fleets stay in port for a month</a></li>
</ul></div>
</article>
</main>
<footer><p>© 2024 Harbour Post. All rights reserved.</p></footer>
</body>
</html>
"##;

#[test]
fn a_page_becomes_an_article_with_its_furniture_labelled_and_its_metadata() {
    let env = Env::new();
    let page = env.file("pact.html", PAGE);
    env.dossier().arg("ingest").arg(&page).assert().success();

    let conn = env.conn();
    let (title, published, url, outlet, byline, sources): (
        String,
        String,
        String,
        String,
        String,
        String,
    ) = conn
        .query_row(
            "SELECT title, published, url, outlet, byline, metadata_sources FROM articles",
            [],
            |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                ))
            },
        )
        .unwrap();
    assert_eq!(title, "Ministers agree on fisheries pact");
    assert_eq!(published, "2024-05-14");
    assert_eq!(url, "https://harbourpost.example/world/fisheries-pact");
    assert_eq!(outlet, "Harbour Post");
    assert_eq!(byline, "Ines Marlow");
    let sources: serde_json::Value = serde_json::from_str(&sources).unwrap();
    assert_eq!(sources["title"], "og:title");
    assert_eq!(sources["published"], "article:published_time");
    assert_eq!(sources["byline"], "json-ld author");

    let paragraphs = |role: &str| -> Vec<String> {
        let mut stmt = conn
            .prepare(
                "SELECT p.text FROM article_paragraphs ap JOIN paragraphs p ON p.id = ap.paragraph_id
                 WHERE ap.role = ?1 ORDER BY ap.position",
            )
            .unwrap();
        stmt.query_map([role], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    };
    let content = paragraphs("content");
    assert_eq!(content.len(), 5, "{content:#?}");
    assert!(content[0].starts_with("Fisheries ministers from South Korea"));
    assert_eq!(content[2], "Quotas for three years");
    assert_eq!(paragraphs("title"), ["Ministers agree on fisheries pact"]);
    let furniture = paragraphs("boilerplate").join("\n");
    for piece in [
        "Home",
        "By Ines Marlow",
        "Share on Facebook",
        "Boats moored",
        "Coast guards hold",
        "All rights reserved",
    ] {
        assert!(
            furniture.contains(piece),
            "{piece} not labelled boilerplate: {furniture}"
        );
    }
    assert!(!furniture.contains("dataLayer"), "scripts are not text");

    // Line numbers point into the page as saved.
    let (start, end): (i64, i64) = conn
        .query_row(
            "SELECT line_start, line_end FROM article_paragraphs WHERE role = 'content' ORDER BY position",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let lines: Vec<&str> = PAGE.lines().collect();
    assert!(lines[usize::try_from(start).unwrap() - 1].contains("Fisheries ministers"));
    assert!(lines[usize::try_from(end).unwrap() - 1].contains("kept their fleets"));

    // The readers see the page's article as they see text: entities, search.
    assert!(env.count("SELECT count(*) FROM mentions m JOIN entities e ON e.id = m.entity_id WHERE e.name = 'South Korea'") > 0);
    env.dossier()
        .args(["query", "search", "-p", "q=mackerel", "-f", "csv"])
        .assert()
        .success()
        .stdout(predicate::str::contains("squid and"));

    // The raw page is kept byte for byte and hashes to its sha256.
    let (raw, sha, format): (String, String, String) = conn
        .query_row("SELECT raw, sha256, format FROM documents", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .unwrap();
    assert_eq!(raw, PAGE);
    assert_eq!(sha, hex(&Sha256::digest(PAGE.as_bytes())));
    assert_eq!(format, "html");
}

fn hex(bytes: &[u8]) -> String {
    hex::encode(bytes)
}

fn legacy_page(charset: &str, title: &str, body: &str) -> String {
    format!(
        "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset={charset}\">\
         <title>{title}</title></head><body><h1>{title}</h1>\n<p>{body}</p>\n<p>{body} {body}</p>\n</body></html>\n"
    )
}

#[test]
fn pages_in_legacy_charsets_are_decoded_and_kept_byte_for_byte() {
    let env = Env::new();
    let pages = [
        (
            "ru.html",
            encoding_rs::WINDOWS_1251,
            "windows-1251",
            "Министры договорились о рыболовстве",
            "Министры рыболовства двух стран договорились во вторник делиться данными об улове и создать горячую линию.",
        ),
        (
            "ko.html",
            encoding_rs::EUC_KR,
            "EUC-KR",
            "한일 어업 협정 타결",
            "한국과 일본의 수산 장관들은 화요일 부산에서 이틀간의 협상 끝에 어획 자료를 공유하기로 합의했다고 밝혔다.",
        ),
        (
            "ja.html",
            encoding_rs::SHIFT_JIS,
            "Shift_JIS",
            "日韓が漁業協定で合意",
            "日本と韓国の水産相は火曜日、釜山での二日間の協議の末、漁獲データを共有することで合意したと発表した。",
        ),
    ];
    let mut paths = Vec::new();
    for (name, encoding, label, title, body) in pages {
        let page = legacy_page(label, title, body);
        let (bytes, _, unmappable) = encoding.encode(&page);
        assert!(!unmappable);
        paths.push((
            env.file(name, &*bytes),
            bytes.into_owned(),
            encoding.name(),
            body,
        ));
    }
    let mut cmd = env.dossier();
    cmd.arg("ingest");
    for (path, ..) in &paths {
        cmd.arg(path);
    }
    cmd.assert().success();

    let conn = env.conn();
    for (path, bytes, encoding, body) in &paths {
        let (raw_bytes, raw, sha, stored_encoding, size): (Vec<u8>, String, String, String, i64) =
            conn.query_row(
                "SELECT d.raw_bytes, d.raw, d.sha256, d.encoding, d.bytes FROM documents d
                 JOIN sightings s ON s.document_id = d.id WHERE s.path = ?1",
                [path.to_string_lossy()],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
            )
            .unwrap();
        assert_eq!(
            &raw_bytes,
            bytes,
            "{}: stored byte for byte",
            path.display()
        );
        assert_eq!(sha, hex(&Sha256::digest(bytes)));
        assert_eq!(stored_encoding, *encoding);
        assert_eq!(usize::try_from(size).unwrap(), bytes.len());
        assert!(raw.contains(body), "{}: decoded", path.display());
        let content: i64 = conn
            .query_row(
                "SELECT count(*) FROM article_paragraphs ap JOIN paragraphs p ON p.id = ap.paragraph_id
                 JOIN documents d ON d.article_id = ap.article_id
                 WHERE d.sha256 = ?1 AND ap.role = 'content' AND p.text LIKE '%' || ?2 || '%'",
                [sha.as_str(), *body],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(
            content,
            2,
            "{}: both paragraphs are content",
            path.display()
        );
    }
    // The schema says which documents are decodings: coalesce(raw_bytes, raw) hashes to sha256.
    assert_eq!(
        env.count("SELECT count(*) FROM documents WHERE raw_bytes IS NOT NULL AND format = 'html'"),
        3
    );
}

#[test]
fn the_same_article_as_text_and_as_a_page_is_one_article() {
    let env = Env::new();
    let body = [
        "Fisheries ministers from South Korea and Japan agreed on Tuesday to share catch data in the waters between the two countries.",
        "The agreement, reached after two days of talks in Busan, sets joint quotas for squid and mackerel and creates a hotline.",
        "Fishing unions in both countries welcomed the deal but said they would watch closely how the new rules were enforced.",
    ];
    let text = format!(
        "Ministers agree on fisheries pact\n\n{}\n",
        body.join("\n\n")
    );
    let page = format!(
        "<!doctype html><html><head><title>Ministers agree on fisheries pact</title></head><body>\
         <nav><a href='/'>Home</a> <a href='/world'>World</a></nav><article><h1>Ministers agree on fisheries pact</h1>\n{}\n\
         </article><footer>© Harbour Post</footer></body></html>",
        body.iter()
            .map(|p| format!("<p>{p}</p>"))
            .collect::<Vec<_>>()
            .join("\n")
    );
    let text_path = env.file("pact.txt", &text);
    let page_path = env.file("pact.html", &page);
    env.dossier()
        .arg("ingest")
        .arg(&text_path)
        .arg(&page_path)
        .assert()
        .success();
    assert_eq!(env.count("SELECT count(*) FROM documents"), 2);
    assert_eq!(env.count("SELECT count(*) FROM articles"), 1);
    assert_eq!(env.count("SELECT count(DISTINCT format) FROM documents"), 2);
}

#[test]
fn an_edited_text_copy_of_a_page_is_its_near_duplicate() {
    let env = Env::new();
    let page = env.file("pact.html", PAGE);
    // The article's text as another site re-posted it, one sentence edited.
    let text = "Ministers agree on fisheries pact\n\n\
        Fisheries ministers from South Korea and Japan agreed on Tuesday to share catch data in the \
        waters between the two countries, ending a dispute that had kept their fleets in port for a month.\n\n\
        The agreement, reached after two days of talks in Busan, sets joint quotas for squid and \
        mackerel and creates a hotline between the two coast guards.\n\n\
        Quotas for three years\n\n\
        Officials said the quotas would be reviewed every year and would run for three years unless \
        either side withdrew with six months' notice.\n\n\
        Fishing unions in both countries welcomed the deal but said they would watch how the rules \
        were enforced.\n";
    let copy = env.file("repost.txt", text);
    env.dossier()
        .arg("ingest")
        .arg(&page)
        .arg(&copy)
        .assert()
        .success();
    assert_eq!(env.count("SELECT count(*) FROM articles"), 2);
    assert_eq!(
        env.count(
            "SELECT count(*) FROM near_duplicates n
             JOIN documents a ON a.article_id = n.article_id AND a.format = 'text'
             JOIN documents b ON b.article_id = n.duplicate_of AND b.format = 'html'"
        ),
        1
    );
}

#[test]
fn json_lines_records_may_carry_a_page_and_their_fields_win() {
    let env = Env::new();
    let records = [
        serde_json::json!({"html": PAGE, "title": "Given title", "published": "2024-05-15", "id": "p1"}),
        serde_json::json!({"html": "just words", "id": "p2"}),
        serde_json::json!({"html": PAGE, "text": "both", "id": "p3"}),
    ];
    let lines: Vec<String> = records.iter().map(ToString::to_string).collect();
    let file = env.file("pages.jsonl", lines.join("\n") + "\n");
    env.dossier()
        .arg("ingest")
        .arg(&file)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(format!(
            "error: {}:2: `html` is not an HTML page (no HTML tags in it)",
            file.display()
        )))
        .stderr(predicate::str::contains(format!(
            "error: {}:3: both `text` and `html`; give one",
            file.display()
        )));
    let (title, published, source, outlet): (String, String, String, String) = env
        .conn()
        .query_row(
            "SELECT title, published, metadata_sources ->> 'published', outlet FROM articles",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap();
    assert_eq!(
        (title.as_str(), published.as_str()),
        ("Given title", "2024-05-15")
    );
    assert_eq!(source, "metadata");
    assert_eq!(
        outlet, "Harbour Post",
        "what the record lacks comes from the page"
    );
}

#[test]
fn a_page_on_stdin_is_read_as_a_page() {
    let env = Env::new();
    env.dossier()
        .args(["ingest", "-"])
        .write_stdin(PAGE)
        .assert()
        .success();
    assert_eq!(
        env.count("SELECT count(*) FROM documents WHERE format = 'html'"),
        1
    );
    assert_eq!(
        env.count("SELECT count(*) FROM article_paragraphs WHERE role = 'content'"),
        5
    );
}

/// A good page and nine bad ones, each a kind of trouble a scraper's folder holds.
fn write_bad_pages(dir: &std::path::Path) {
    std::fs::create_dir(dir).unwrap();
    let write = |name: &str, bytes: &[u8]| std::fs::write(dir.join(name), bytes).unwrap();
    write("a-good.html", PAGE.as_bytes());
    write(
        "b-not-html.html",
        b"Just a note I saved with the wrong name.\nNothing more.\n",
    );
    write("c-binary.html", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\x01\0");
    write(
        "d-empty-body.html",
        b"<!doctype html><html><head><title>Nothing</title></head><body>\n</body></html>",
    );
    write(
        "e-frameset.html",
        b"<html><head><title>Frames</title></head><frameset cols='20%,80%'><frame src='menu.html'><frame src='story.html'></frameset></html>",
    );
    write(
        "f-redirect.html",
        b"<html><head><meta http-equiv=\"refresh\" content=\"0; url=https://harbourpost.example/pact\"></head><body></body></html>",
    );
    let depth = 100_000;
    let nested = format!(
        "<!doctype html><html><body>{}<p>Deep inside one hundred thousand boxes, the article text still reads as prose, sentence after sentence.</p>{}</body></html>",
        "<div>".repeat(depth),
        "</div>".repeat(depth)
    );
    write("g-nested.html", nested.as_bytes());
    write(
        "h-unclosed-script.html",
        b"<!doctype html><html><body><p>The talks ended on Friday with a short statement from both delegations, and no date was set for the next round.</p>\n<script>var story = \"never closed <p>hidden</p>",
    );
    let mut invalid = b"<html><head><meta charset=\"shift_jis\"></head><body><p>".to_vec();
    let (japanese, _, _) = encoding_rs::SHIFT_JIS
        .encode("日本と韓国の水産相は火曜日、漁獲データを共有することで合意したと発表した。");
    invalid.extend_from_slice(&japanese);
    invalid.extend_from_slice(b"\x85\xff</p></body></html>");
    write("i-invalid-bytes.html", &invalid);
    // 20 MB: a page that inlines its images, around a short article.
    let mut big = String::from("<!doctype html><html><head><style>");
    big.push_str(&".x{background:url(data:image/png;base64,AAAA)}\n".repeat(450_000));
    big.push_str("</style></head><body><p>The port reopened on Monday after a week of repairs, officials said, and the first ferries left on time.</p></body></html>");
    assert!(big.len() > 20_000_000);
    write("j-big.html", big.as_bytes());
}

#[test]
fn bad_pages_get_a_clear_error_or_are_read_and_labelled_and_the_rest_go_in() {
    let env = Env::new();
    let dir = env.dir.path().join("pages");
    write_bad_pages(&dir);
    let out = env.dossier().arg("ingest").arg(&dir).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    let path = |name: &str| dir.join(name).display().to_string();
    for expected in [
        format!(
            "error: {}: not an HTML page (no HTML tags in it); pass `--format text` to read it as text",
            path("b-not-html.html")
        ),
        format!(
            "error: {}: not an HTML page (binary data",
            path("c-binary.html")
        ),
        format!(
            "error: {}: the page has no visible text (an empty body)",
            path("d-empty-body.html")
        ),
        format!(
            "error: {}: a frameset page: its text is in the pages it frames (menu.html, story.html); read those instead",
            path("e-frameset.html")
        ),
        format!(
            "error: {}: a redirect to https://harbourpost.example/pact with no text of its own; read that page instead",
            path("f-redirect.html")
        ),
        format!(
            "warning: {}: bytes that are not valid Shift_JIS were read as U+FFFD",
            path("i-invalid-bytes.html")
        ),
        "10 inputs".to_string(),
        "5 failed".to_string(),
    ] {
        assert!(
            stderr.contains(&expected),
            "missing {expected:?} in\n{stderr}"
        );
    }
    assert_eq!(
        stderr.lines().filter(|l| l.starts_with("error: ")).count(),
        5,
        "{stderr}"
    );
    // Nothing half-written: every document has its article, and every article its paragraphs.
    assert_eq!(env.count("SELECT count(*) FROM documents"), 5);
    assert_eq!(
        env.count(
            "SELECT count(*) FROM documents WHERE article_id NOT IN (SELECT id FROM articles)"
        ),
        0
    );
    assert_eq!(env.count("SELECT count(*) FROM articles WHERE id NOT IN (SELECT article_id FROM article_paragraphs)"), 0);
    let content = |like: &str| {
        env.count(&format!(
            "SELECT count(*) FROM article_paragraphs ap JOIN paragraphs p ON p.id = ap.paragraph_id
             WHERE ap.role = 'content' AND p.text LIKE '{like}'"
        ))
    };
    assert_eq!(content("Deep inside one hundred thousand boxes%"), 1);
    assert_eq!(content("The talks ended on Friday%"), 1);
    assert_eq!(
        content("%hidden%"),
        0,
        "an unclosed script hides the rest, as in a browser"
    );
    assert_eq!(content("日本と韓国の水産相は%"), 1);
    assert_eq!(content("The port reopened on Monday%"), 1);
}

#[test]
fn reprocess_rebuilds_pages_as_ingest_made_them() {
    let env = Env::new();
    env.dossier()
        .arg("ingest")
        .arg(env.file("pact.html", PAGE))
        .assert()
        .success();
    let snapshot = |env: &Env| -> Vec<(String, String, i64, i64)> {
        let conn = env.conn();
        let mut stmt = conn
            .prepare(
                "SELECT ap.role, ap.rule, ap.line_start, ap.line_end FROM article_paragraphs ap
                 ORDER BY ap.article_id, ap.position",
            )
            .unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    };
    let before = snapshot(&env);
    env.dossier().arg("reprocess").assert().success();
    assert_eq!(snapshot(&env), before);
    assert_eq!(
        env.count("SELECT count(*) FROM articles WHERE byline = 'Ines Marlow'"),
        1
    );
}

#[test]
fn eval_scores_pages_against_their_article_bodies() {
    let fixtures = repo().join("tests/fixtures/html");
    let env = Env::new();
    let out = env
        .dossier()
        .args(["eval", "--json", "--html-truth"])
        .arg(fixtures.join("truth.json"))
        .arg(fixtures.join("pages"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let pages = report["pages"].as_array().unwrap();
    assert_eq!(pages.len(), 8);
    let f1 = report["summary"]["f1"].as_f64().unwrap();
    assert!(f1 >= 0.9, "F1 {f1} on our own pages: {report:#}");
    for page in pages {
        assert!(page["recall"].as_f64().unwrap() >= 0.8, "{page}");
    }
}
