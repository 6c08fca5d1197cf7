//! `dossier ingest` on good input: the seeds, JSON Lines, stdin, re-ingest, re-posts.

use std::process::Command as StdCommand;

use dossier::text::hashing::ContentHash;
use predicates::prelude::*;

use crate::{Env, repo, seed_paths, table_counts};

#[test]
fn ingests_the_seeds() {
    let env = Env::new();
    env.dossier()
        .args(["ingest", "seeds/"])
        .assert()
        .success()
        .stderr(env.said(
            "created a new archive at {db}\ningested 5 inputs into {db}: 5 new articles, 0 duplicates, 0 failed\n",
        ))
        .stdout("");
    assert_eq!(env.count("SELECT count(*) FROM articles"), 5);
    assert_eq!(
        env.count("SELECT count(*) FROM documents WHERE article_id IS NULL"),
        0
    );
    assert_eq!(
        env.count("SELECT count(*) FROM articles WHERE title IS NULL"),
        0
    );
    assert_eq!(
        env.count("SELECT count(*) FROM articles WHERE published_source = 'metadata'"),
        5
    );
    assert_eq!(
        env.count("SELECT count(*) FROM pragma_foreign_key_check"),
        0
    );
    let outlet: String = env
        .conn()
        .query_row(
            "SELECT outlet FROM articles WHERE url LIKE '%nationalinterest%'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(outlet, "The National Interest (reposted)");
}

#[test]
fn reingest_adds_only_sightings_and_a_run() {
    let env = Env::new();
    env.dossier().args(["ingest", "seeds/"]).assert().success();
    let before = table_counts(&env);
    env.dossier()
        .args(["ingest", "seeds/"])
        .assert()
        .success()
        .stderr(env.said("ingested 5 inputs into {db}: 0 new articles, 5 duplicates, 0 failed\n"));
    let after = table_counts(&env);
    for ((table, b), (_, a)) in before.iter().zip(&after) {
        let want = match table.as_str() {
            "imports" => b + 1,
            "sightings" => b + 5,
            _ => *b,
        };
        assert_eq!(*a, want, "{table}");
    }
    assert_eq!(env.count("SELECT duplicates FROM imports WHERE id = 2"), 5);
    assert_eq!(
        env.count("SELECT count(*) FROM imports WHERE finished_at IS NULL"),
        0
    );
}

#[test]
fn raw_is_byte_identical_and_hashes_back() {
    let env = Env::new();
    env.dossier().args(["ingest", "seeds/"]).assert().success();
    let files: Vec<Vec<u8>> = seed_paths()
        .iter()
        .map(|p| std::fs::read(p).unwrap())
        .collect();
    let files: Vec<&[u8]> = files.iter().map(Vec::as_slice).collect();
    assert_raw_kept(&env, &files);
}

#[test]
fn crlf_repost_with_other_boilerplate_is_the_same_article() {
    let env = Env::new();
    let seed = std::fs::read_to_string(repo().join("seeds/003_3cde689f60b82d13.txt")).unwrap();
    let repost = format!(
        "Subscribe now\n\nShare this article\n\n{}\n\nRelated stories\n\n© 2019 Another Site. All rights reserved.\n",
        seed.replace('’', "'").replace(['“', '”'], "\"")
    )
    .replace('\n', "\r\n");
    let path = env.file("repost.txt", repost);
    env.dossier()
        .args(["ingest", "seeds/003_3cde689f60b82d13.txt"])
        .assert()
        .success();
    env.dossier()
        .arg("ingest")
        .arg(&path)
        .assert()
        .success()
        .stderr(env.said("ingested 1 input into {db}: 0 new articles, 1 duplicate, 0 failed\n"));
    assert_eq!(env.count("SELECT count(*) FROM documents"), 2);
    assert_eq!(env.count("SELECT count(*) FROM articles"), 1);
    assert_eq!(
        env.count("SELECT count(DISTINCT article_id) FROM documents"),
        1
    );
    // The article keeps the first copy's metadata and line numbers.
    assert_eq!(env.count("SELECT document_id FROM articles"), 1);
}

#[test]
fn every_nonblank_line_belongs_to_exactly_one_paragraph_row() {
    let env = Env::new();
    env.dossier()
        .args(["ingest", "seeds/", "tests/fixtures/inputs/"])
        .assert()
        .success();
    let conn = env.conn();
    let mut docs = conn
        .prepare("SELECT a.id, d.raw FROM articles a JOIN documents d ON d.id = a.document_id")
        .unwrap();
    let docs: Vec<(i64, String)> = docs
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(docs.len(), 6);
    for (article_id, raw) in docs {
        let mut ranges = conn
            .prepare("SELECT line_start, line_end FROM article_paragraphs WHERE article_id = ? ORDER BY position")
            .unwrap();
        let ranges: Vec<(usize, usize)> = ranges
            .query_map([article_id], |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?))
            })
            .unwrap()
            .map(Result::unwrap)
            .map(|(s, e)| (usize::try_from(s).unwrap(), usize::try_from(e).unwrap()))
            .collect();
        let mut owner = vec![0usize; raw.lines().count() + 1];
        for (start, end) in ranges {
            for slot in &mut owner[start..=end] {
                *slot += 1;
            }
        }
        for (i, line) in raw.lines().enumerate() {
            let want = usize::from(!line.trim().is_empty());
            assert_eq!(
                owner[i + 1],
                want,
                "article {article_id} line {}: {line:?}",
                i + 1
            );
        }
    }
}

#[test]
fn seed_boilerplate_is_labelled_not_deleted() {
    let env = Env::new();
    env.dossier().args(["ingest", "seeds/"]).assert().success();
    // Seed 002's comment form and weather widget are kept, labelled boilerplate.
    let roles: Vec<(String, String)> = env
        .conn()
        .prepare(
            "SELECT p.text, ap.role FROM article_paragraphs ap JOIN paragraphs p ON p.id = ap.paragraph_id
             JOIN articles a ON a.id = ap.article_id WHERE a.published = '2023-04-24' ORDER BY ap.position",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let role_of = |text: &str| {
        roles
            .iter()
            .find(|(t, _)| t == text)
            .map(|(_, r)| r.as_str())
    };
    assert_eq!(role_of("17.4 C"), Some("boilerplate"));
    assert_eq!(role_of("Please enter your comment!"), Some("boilerplate"));
    assert_eq!(
        role_of("Why détente in Japan and South Korea is crucial to Biden’s Asian ambitions"),
        Some("title")
    );
    assert!(roles.iter().filter(|(_, r)| r == "content").count() > 20);
}

/// The seeds as JSON Lines, in `order` (indexes into the sorted seeds; repeats are copies).
fn seeds_as_json_lines(order: &[usize]) -> String {
    let seeds = seed_paths();
    let mut lines = String::new();
    for &i in order {
        let text = std::fs::read_to_string(&seeds[i]).unwrap();
        lines.push_str(&serde_json::json!({ "text": text }).to_string());
        lines.push('\n');
    }
    lines
}

#[test]
fn copies_within_one_run_are_stored_as_sightings_of_the_first() {
    // Each seed once, then the same with copies next to each other and further on (workers
    // skip preparing a copy whose first another worker has taken up): the same archive but
    // for the sightings.
    let once = Env::new();
    let path = once.file("once.jsonl", seeds_as_json_lines(&[0, 1, 2, 3, 4]));
    once.dossier()
        .args(["--quiet", "ingest"])
        .arg(&path)
        .assert()
        .success();
    let copies = Env::new();
    let order = [0, 0, 1, 0, 1, 1, 2, 3, 2, 4, 4, 4, 3, 0];
    let path = copies.file("copies.jsonl", seeds_as_json_lines(&order));
    copies
        .dossier()
        .args(["ingest"])
        .arg(&path)
        .assert()
        .success()
        .stderr(copies.said(
            "created a new archive at {db}\ningested 14 inputs into {db}: 5 new articles, 9 duplicates, 0 failed\n",
        ));
    let without_sightings = |env: &Env| -> Vec<String> {
        crate::reprocess::dump(env)
            .into_iter()
            .filter(|row| !row.starts_with("sightings: "))
            .collect()
    };
    assert_eq!(without_sightings(&copies), without_sightings(&once));
    assert_eq!(copies.count("SELECT count(*) FROM sightings"), 14);
    assert_eq!(
        copies.count("SELECT count(*) FROM sightings GROUP BY document_id ORDER BY 1 DESC LIMIT 1"),
        4,
        "the first seed was read four times"
    );
}

/// Inputs larger than what ingest lets be in flight at once (4 MiB, so that memory stays flat)
/// travel through the stages alone, among small ones that go many at a time: every input is
/// stored, whole, in input order.
#[test]
fn inputs_larger_than_the_in_flight_budget_are_stored_in_order() {
    let env = Env::new();
    // A long transcript: 1,200 distinct paragraphs of 4 KB, 4.6 MiB.
    let transcript = |speaker: &str| -> String {
        use std::fmt::Write as _;
        let words = "and went on at length about the budget ".repeat(100);
        (0..1_200).fold(String::new(), |mut text, i| {
            let _ = write!(text, "{speaker} answered question {i} {words}\n\n");
            text
        })
    };
    let seeds = seeds_as_json_lines(&[0, 1, 2, 3, 4]);
    let seeds: Vec<&str> = seeds.lines().collect();
    let (first, second) = (transcript("The minister"), transcript("The envoy"));
    assert!(first.len() > 4 << 20 && second.len() > 4 << 20);
    let big = |text: &str| serde_json::json!({ "text": text }).to_string();
    let lines = [
        seeds[0].to_string(),
        big(&first),
        seeds[1].to_string(),
        seeds[2].to_string(),
        big(&second),
        seeds[3].to_string(),
        seeds[4].to_string(),
    ];
    let path = env.file("mixed-sizes.jsonl", lines.join("\n") + "\n");
    env.dossier()
        .args(["ingest", "--batch-size", "2"])
        .arg(&path)
        .assert()
        .success()
        .stderr(env.said(
            "created a new archive at {db}\ningested 7 inputs into {db}: 7 new articles, 0 duplicates, 0 failed\n",
        ));
    let conn = env.conn();
    let stored: Vec<(i64, i64)> = conn
        .prepare(
            "SELECT s.line, d.bytes FROM documents d JOIN sightings s ON s.document_id = d.id
             ORDER BY d.article_id",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        stored.iter().map(|&(line, _)| line).collect::<Vec<_>>(),
        [1, 2, 3, 4, 5, 6, 7],
        "articles are numbered in input order"
    );
    assert_eq!(stored[1].1, i64::try_from(first.len()).unwrap());
    assert_eq!(stored[4].1, i64::try_from(second.len()).unwrap());
}

#[test]
fn json_lines_and_stdin() {
    let env = Env::new();
    let jsonl = concat!(
        r#"{"text": "The foreign ministers of Japan and South Korea met in Tokyo on Friday and agreed to hold regular talks, the two governments said in a joint statement.", "title": "Ministers meet", "outlet": "Wire", "published": "2023-03-17T08:00:00Z", "url": "https://example.com/1", "id": 1}"#,
        "\n\n",
        r#"{"text": "The foreign ministers of Japan and South Korea met in Tokyo on Friday and agreed to hold regular talks, the two governments said in a joint statement.", "url": "https://example.org/mirror"}"#,
        "\n"
    );
    env.dossier()
        .args(["ingest", "--format", "jsonl", "-"])
        .write_stdin(jsonl)
        .assert()
        .success()
        .stderr(env.said(
            "created a new archive at {db}\ningested 2 inputs into {db}: 1 new article, 1 duplicate, 0 failed\n",
        ));
    assert_eq!(
        env.count("SELECT count(*) FROM sightings WHERE path = '-' AND line IN (1, 3)"),
        2
    );
    let published: String = env
        .conn()
        .query_row("SELECT published FROM articles", [], |r| r.get(0))
        .unwrap();
    assert_eq!(published, "2023-03-17");
    env.dossier()
        .args(["ingest", "-"])
        .write_stdin(
            "A plain text article read from standard input, about talks between Seoul and Tokyo.\n",
        )
        .assert()
        .success()
        .stderr(env.said("ingested 1 input into {db}: 1 new article, 0 duplicates, 0 failed\n"));
}

#[test]
fn sidecar_metadata_and_wrapped_wire_copy() {
    let env = Env::new();
    env.dossier()
        .args(["ingest", "tests/fixtures/inputs/wire.txt"])
        .assert()
        .success();
    let (title, outlet, published, url): (String, String, String, String) = env
        .conn()
        .query_row(
            "SELECT title, outlet, published, url FROM articles",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap();
    assert_eq!(title, "South Korea unveils forced labour compensation plan");
    assert_eq!(
        (outlet.as_str(), published.as_str()),
        ("Example Wire", "2023-03-06")
    );
    assert_eq!(url, "https://example.com/wire/1");
    // The hard-wrapped lede (3 raw lines) is one content paragraph; the footer is boilerplate.
    assert_eq!(env.count("SELECT count(*) FROM article_paragraphs WHERE line_start = 3 AND line_end = 5 AND role = 'content'"), 1);
    assert_eq!(
        env.count("SELECT count(*) FROM article_paragraphs WHERE role = 'boilerplate'"),
        4
    );
}

#[test]
fn system_sqlite3_reads_the_tables_and_fts() {
    let env = Env::new();
    env.dossier().args(["ingest", "seeds/"]).assert().success();
    let Ok(out) = StdCommand::new("sqlite3")
        .arg(&env.db)
        .arg("SELECT count(*) FROM articles; SELECT count(*) FROM paragraphs_fts WHERE paragraphs_fts MATCH 'Kishida'; PRAGMA integrity_check;")
        .output()
    else {
        assert!(std::env::var_os("CI").is_none(), "sqlite3 is not installed; .ci/run installs it");
        eprintln!("skipped: no sqlite3 binary on PATH");
        return;
    };
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines[0], "5");
    assert!(lines[1].parse::<i64>().unwrap() >= 3, "{stdout}");
    assert_eq!(lines[2], "ok");
}

#[test]
fn default_database_lives_in_data() {
    let env = Env::new();
    let work = env.dir.path().join("work");
    std::fs::create_dir(&work).unwrap();
    std::fs::copy(
        repo().join("seeds/004_66863c9943df5b81.txt"),
        work.join("a.txt"),
    )
    .unwrap();
    env.dossier()
        .current_dir(&work)
        .env_remove("DOSSIER_DB")
        .args(["ingest", "a.txt"])
        .assert()
        .success()
        .stderr(predicate::str::starts_with(format!(
            "created a new archive at {}\ningested 1 input into data/dossier.sqlite: ",
            work.join("data/dossier.sqlite").display()
        )));
    assert!(work.join("data/dossier.sqlite").is_file());
}

#[test]
fn mentions_slice_to_their_surface_and_name_gazetteer_entities() {
    let env = Env::new();
    env.dossier()
        .args(["ingest", "seeds/", "tests/fixtures/eval/"])
        .assert()
        .success();
    assert!(env.count("SELECT count(*) FROM mentions") > 300);
    // `surface` is the slice of its paragraph that the offsets name (the view `mentions`
    // computes it so): the stored paragraph and offsets must name a whole word or words.
    assert_eq!(
        env.count(
            "SELECT count(*) FROM mentions m JOIN paragraphs p ON p.id = m.paragraph_id
             WHERE m.char_start >= m.char_end OR m.char_end > length(p.text)
                OR trim(m.surface) != m.surface
                OR substr(p.text, m.char_end + 1, 1) GLOB '[a-z]'
                OR substr(p.text, m.char_start, 1) GLOB '[A-Za-z]'"
        ),
        0
    );
    // Ids are unique and rise in article order, as the writer numbers them (schema V12).
    assert_eq!(
        env.count(
            "SELECT count(*) FROM (SELECT id, lag(id) OVER (ORDER BY article_id, id) AS previous
                                   FROM mention_spans) WHERE id <= previous"
        ),
        0
    );
    let metonym: (String, String, i64) = env
        .conn()
        .query_row(
            "SELECT m.surface, e.name, m.is_metonym FROM mentions m JOIN entities e ON e.id = m.entity_id
             WHERE m.surface = 'Seoul' AND m.is_metonym = 1 LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(metonym, ("Seoul".into(), "South Korea".into(), 1));
    assert_eq!(
        env.count("SELECT count(*) FROM entities WHERE type = 'country'"),
        env.count("SELECT count(DISTINCT name) FROM entities WHERE type = 'country'")
    );
    assert_eq!(env.count("SELECT count(*) FROM entities e JOIN mentions m ON m.entity_id = e.id WHERE e.name = 'Japanese'"), 0);
}

#[test]
fn published_date_from_a_dateline_but_not_from_a_date_widget() {
    let env = Env::new();
    env.dossier()
        .args(["ingest", "tests/fixtures/eval/captions_inline.txt"])
        .assert()
        .success();
    let (published, source): (String, String) = env
        .conn()
        .query_row(
            "SELECT published, published_source FROM articles",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(
        (published.as_str(), source.as_str()),
        ("2023-05-06", "text")
    );

    // Seed 002 without its sidecar: its header shows the site's current date, not the article's.
    let seed = std::fs::read(repo().join("seeds/002_c8283d8010635bc2.txt")).unwrap();
    let path = env.file("no-sidecar.txt", seed);
    env.dossier().arg("ingest").arg(&path).assert().success();
    assert_eq!(
        env.count(
            "SELECT count(*) FROM articles WHERE published IS NULL AND published_source IS NULL"
        ),
        1
    );
}

#[test]
fn edited_repost_is_a_near_duplicate_but_related_articles_are_not() {
    let env = Env::new();
    env.dossier().args(["ingest", "seeds/"]).assert().success();
    // Seeds 001 and 003 share quotes about the same dispute, but they are different articles.
    assert_eq!(env.count("SELECT count(*) FROM near_duplicates"), 0);

    let seed = std::fs::read_to_string(repo().join("seeds/003_3cde689f60b82d13.txt")).unwrap();
    let repost = format!(
        "Share this story\n\n{}\n\nMore from our partners\n",
        seed.replace("much lower than before", "far lower than before")
            .replace("bitterly at odds", "deeply at odds")
    );
    let path = env.file("repost.txt", repost);
    env.dossier().arg("ingest").arg(&path).assert().success();
    let (article, of, similarity): (i64, i64, f64) = env
        .conn()
        .query_row(
            "SELECT article_id, duplicate_of, similarity FROM near_duplicates",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(
        (article, of),
        (6, 4),
        "the re-post (article 6) duplicates seed 003 (article 4)"
    );
    assert!((0.8..1.0).contains(&similarity), "{similarity}");
    assert_eq!(
        env.count("SELECT near_duplicates FROM imports WHERE id = 2"),
        1
    );

    // A stricter threshold leaves the pair out.
    let strict = Env::new();
    strict
        .dossier()
        .args(["ingest", "seeds/003_3cde689f60b82d13.txt"])
        .assert()
        .success();
    strict
        .dossier()
        .args(["ingest", "--near-duplicate-threshold", "0.99"])
        .arg(&path)
        .assert()
        .success();
    assert_eq!(strict.count("SELECT count(*) FROM near_duplicates"), 0);
}

#[test]
fn a_user_gazetteer_extends_the_built_in_one() {
    let env = Env::new();
    let text = env.file(
        "roe.txt",
        "Officials met in Sejong on Monday to discuss trade with Japan, and the talks were long.\n\n\
         “We will keep talking to Tokyo until there is a deal,” said Jane Roe, a vice minister.\n",
    );
    env.dossier()
        .args([
            "--gazetteer",
            "tests/fixtures/inputs/gazetteer-extra.tsv",
            "ingest",
        ])
        .arg(&text)
        .assert()
        .success();
    let origin: String = env
        .conn()
        .query_row(
            "SELECT origin FROM entities WHERE name = 'Jane Roe' AND type = 'person'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(origin, "gazetteer");
    assert_eq!(
        env.count("SELECT count(*) FROM mentions WHERE surface = 'Sejong'"),
        1
    );
    assert_eq!(env.count("SELECT count(*) FROM quotes q JOIN entities e ON e.id = q.speaker_id WHERE e.name = 'Jane Roe'"), 1);

    env.dossier()
        .args(["--gazetteer", "tests/fixtures/bad/gazetteer.tsv", "ingest"])
        .arg(&text)
        .assert()
        .code(1)
        .stderr("error: tests/fixtures/bad/gazetteer.tsv: bad gazetteer: line 2: unknown type \"planet\" (person, country, organization, location, agreement, named_event)\n");
}

/// The writer's cache is a number of MiB within bounds; a run with a small one stores what a
/// run with the default stores.
#[test]
fn cache_mib_is_checked_and_any_size_gives_the_same_archive() {
    for (bad, says) in [
        ("0", "must be at least 1"),
        ("1048577", "must be at most 1048576"),
        ("lots", "invalid digit"),
    ] {
        let env = Env::new();
        env.dossier()
            .args(["ingest", "--cache-mib", bad, "seeds/"])
            .assert()
            .failure()
            .stderr(predicate::str::contains("--cache-mib").and(predicate::str::contains(says)));
        assert!(!env.db.exists(), "{bad}: nothing is written");
    }
    let small = Env::new();
    small
        .dossier()
        .args(["ingest", "--cache-mib", "1", "seeds/"])
        .assert()
        .success();
    let default = Env::new();
    default
        .dossier()
        .args(["ingest", "seeds/"])
        .assert()
        .success();
    assert_same_counts(
        &small,
        &default,
        &["mentions", "events", "quotes", "article_lsh"],
    );
    assert_eq!(small.count("SELECT count(*) FROM articles"), 5);
}

#[test]
fn batch_size_is_a_positive_number_and_any_size_gives_the_same_archive() {
    let env = Env::new();
    env.dossier()
        .args(["ingest", "--batch-size", "0", "seeds/"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("must be at least 1"));
    assert!(!env.db.exists() || env.count("SELECT count(*) FROM articles") == 0);

    // One article per transaction ends where the default does.
    let one = Env::new();
    one.dossier()
        .args([
            "ingest",
            "--batch-size",
            "1",
            "seeds/",
            "tests/fixtures/eval",
        ])
        .assert()
        .success();
    let all = Env::new();
    all.dossier()
        .args(["ingest", "seeds/", "tests/fixtures/eval"])
        .assert()
        .success();
    assert_same_counts(
        &one,
        &all,
        &[
            "mentions",
            "events",
            "event_mentions",
            "quotes",
            "near_duplicates",
        ],
    );
}

/// Two archives hold as many rows in the core tables ([`table_counts`]) and in `tables`.
fn assert_same_counts(a: &Env, b: &Env, tables: &[&str]) {
    assert_eq!(table_counts(a), table_counts(b));
    for table in tables {
        let sql = format!("SELECT count(*) FROM {table}");
        assert_eq!(a.count(&sql), b.count(&sql), "{table}");
    }
}

#[test]
fn sql_profile_lists_the_writers_statements_when_asked_for() {
    let env = Env::new();
    let out = env
        .dossier()
        .env("DOSSIER_PROFILE_SQL", "1")
        .args(["--quiet", "ingest", "seeds/"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.starts_with("SQL profile: "), "{stderr}");
    let mention_runs: u64 = stderr
        .lines()
        .find(|l| l.contains("  INSERT INTO mention_spans (article_id, id, entity_id,"))
        .and_then(|l| l.split_whitespace().nth(2))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no mentions line: {stderr}"));
    assert_eq!(
        i64::try_from(mention_runs).unwrap(),
        env.count("SELECT count(*) FROM mentions")
    );
    // Then each stage's thread, with its time on a core and waiting for one (Linux).
    if cfg!(target_os = "linux") {
        let threads = stderr
            .split_once("\nThreads:")
            .unwrap_or_else(|| panic!("no thread times: {stderr}"))
            .1;
        let names: Vec<&str> = threads
            .lines()
            .skip(1)
            .filter_map(|l| l.split_whitespace().next())
            .collect();
        let workers = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
        let mut want = vec!["reader"];
        want.extend(std::iter::repeat_n("worker", workers));
        want.push("writer");
        assert_eq!(names, want, "{threads}");
    }

    // Off by default, and with 0.
    let quiet = Env::new();
    quiet
        .dossier()
        .env("DOSSIER_PROFILE_SQL", "0")
        .args(["--quiet", "ingest", "seeds/"])
        .assert()
        .success()
        .stderr(predicate::str::is_empty());
}

/// Every document's `raw` (the view, since schema V14) hashes to its `sha256` and has `bytes`
/// bytes, and the documents are `inputs`, in any order.
fn assert_raw_kept(env: &Env, inputs: &[&[u8]]) {
    let conn = env.conn();
    let mut stmt = conn
        .prepare("SELECT sha256, CAST(raw AS BLOB), bytes FROM documents ORDER BY id")
        .unwrap();
    let rows: Vec<(String, Vec<u8>, i64)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    for (sha, raw, bytes) in &rows {
        assert_eq!(
            &ContentHash::of(raw).hex(),
            sha,
            "{}",
            String::from_utf8_lossy(raw)
        );
        assert_eq!(usize::try_from(*bytes).unwrap(), raw.len());
    }
    let mut stored: Vec<&[u8]> = rows.iter().map(|r| r.1.as_slice()).collect();
    let mut inputs = inputs.to_vec();
    stored.sort_unstable();
    inputs.sort_unstable();
    assert_eq!(stored, inputs);
}

/// Whatever the input's shape, `documents.raw` is the input byte for byte, after ingest and after
/// `reprocess`, in dossier and in the `sqlite3` shell. (Schemas V14 to V16 stored tidy inputs
/// rebuilt from their paragraphs; these shapes were the hard cases then.)
#[test]
fn raw_text_comes_back_whatever_its_shape() {
    let para = |n: usize| {
        format!(
            "The {n}th paragraph says that Japan and South Korea met in Seoul on a Tuesday to \
             talk about trade, history and the alliance with the United States."
        )
    };
    let body = |from: usize| (from..from + 3).map(para).collect::<Vec<_>>();
    let inputs: Vec<(String, Vec<u8>)> = vec![
        (
            "plain".into(),
            format!("Title one\n\n{}\n", body(0).join("\n\n")).into(),
        ),
        ("no-final-newline".into(), body(10).join("\n\n").into()),
        (
            "blank-lines-around".into(),
            format!("\n\n\nTitle\n\n\n{}\n\n\n", body(20).join("\n\n\n\n")).into(),
        ),
        ("crlf".into(), body(30).join("\r\n\r\n").into()),
        (
            "trailing-spaces".into(),
            format!("{} \n\n{}\t\n", para(40), body(41).join("\n\n")).into(),
        ),
        (
            "wrapped-lines".into(),
            format!(
                "{}\n\n{}\ncontinued on a second line.\n",
                para(50),
                para(51)
            )
            .into(),
        ),
        (
            "spaces-between".into(),
            format!("{}\n   \n{}\n", para(60), para(61)).into(),
        ),
        (
            "nfkc".into(),
            format!("{}\n\nThe ﬁrst ﬁnal talks ended at ５ o'clock.\n", para(70)).into(),
        ),
        (
            "curly".into(),
            format!("{}\n\nJapan’s “plan” — an old one.\n", para(80)).into(),
        ),
        // The same paragraph key with straight marks: stored once, with the curly spelling, so
        // this document must keep its own raw text.
        (
            "straight".into(),
            format!("{}\n\nJapan's \"plan\" - an old one.\n", para(90)).into(),
        ),
        (
            "leading-spaces".into(),
            format!("  {}\n\n{}\n", para(100), para(101)).into(),
        ),
    ];
    let env = Env::new();
    let paths: Vec<_> = inputs
        .iter()
        .map(|(name, bytes)| env.file(&format!("{name}.txt"), bytes))
        .collect();
    env.dossier().arg("ingest").args(&paths).assert().success();
    let want: Vec<&[u8]> = inputs.iter().map(|(_, b)| b.as_slice()).collect();
    assert_raw_kept(&env, &want);
    env.dossier().arg("reprocess").assert().success();
    assert_raw_kept(&env, &want);
    // The sqlite3 shell gives the same bytes.
    if StdCommand::new("sqlite3").arg("-version").output().is_ok() {
        for (id, bytes) in (1..).zip(&want) {
            let out = StdCommand::new("sqlite3")
                .arg(&env.db)
                .arg(format!("SELECT hex(raw) FROM documents WHERE id = {id}"))
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            let shell = String::from_utf8(out.stdout).unwrap();
            assert_eq!(
                shell.trim(),
                hex::encode_upper(bytes),
                "document {id} in sqlite3"
            );
        }
    }
}

/// Issue 27: raw inputs depend on nothing derived. In a copy of an archive, every derived row is
/// deleted, as a user might in the shell (and as `reprocess` does before rebuilding): every
/// document's raw text still hashes to its `sha256`, and a `reprocess` brings the archive back.
#[test]
fn issue_27_raw_inputs_survive_the_loss_of_every_derived_row() {
    let env = Env::new();
    env.dossier()
        .args(["ingest", "seeds/", "tests/fixtures/eval/"])
        .assert()
        .success();
    let want: Vec<Vec<u8>> = env
        .conn()
        .prepare("SELECT CAST(raw AS BLOB) FROM documents ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    let before = crate::reprocess::dump(&env);
    env.conn()
        .execute_batch(
            "PRAGMA foreign_keys = OFF;
             DELETE FROM event_mention_spans; DELETE FROM events; DELETE FROM quote_spans;
             DELETE FROM mention_spans; DELETE FROM entity_stats; DELETE FROM entity_pairs;
             DELETE FROM paragraph_reuse; DELETE FROM near_duplicates; DELETE FROM article_lsh;
             DELETE FROM article_paragraphs; DELETE FROM paragraphs; DELETE FROM line_counts;
             DELETE FROM articles; UPDATE documents SET article_id = NULL;",
        )
        .unwrap();
    let refs: Vec<&[u8]> = want.iter().map(Vec::as_slice).collect();
    assert_raw_kept(&env, &refs);
    env.dossier().arg("reprocess").assert().success();
    assert_raw_kept(&env, &refs);
    assert_eq!(crate::reprocess::dump(&env), before);
}

/// Issue 32: a wire story one outlet re-posts many times with small edits. Its prose is the
/// story's, however often the outlet repeats it: never `repeated-across-documents`; the
/// outlet's short credit line under every copy is.
#[test]
fn a_syndicated_storys_prose_stays_content_however_often_it_is_reposted() {
    let env = Env::new();
    let story = [
        "Floodwaters rose across the delta on Tuesday after three days of heavy rain, officials said.",
        "Rescue teams moved hundreds of families to schools on higher ground overnight.",
        "The weather service expects more rain before the weekend and warned of landslides.",
        "Farmers said the water had already covered most of the rice planted this season.",
    ];
    let records: Vec<String> = (1..=30)
        .map(|n| {
            let text = format!(
                "Delta floods force evacuations\n\n{}\n\nThe count of evacuees stood at {} by noon, update {n}.\n\nRiver Wire Delta Bureau\n",
                story.join("\n\n"),
                1000 + n * 37
            );
            serde_json::json!({"text": text, "outlet": "River Wire", "id": n}).to_string()
        })
        .collect();
    let feed = env.file("flood.jsonl", records.join("\n") + "\n");
    env.dossier().arg("ingest").arg(&feed).assert().success();
    assert_eq!(env.count("SELECT count(*) FROM articles"), 30);
    let repeated_prose = env.count(
        "SELECT count(*) FROM article_paragraphs ap JOIN paragraphs p ON p.id = ap.paragraph_id
         WHERE ap.rule = 'repeated-across-documents' AND p.text LIKE '%.'",
    );
    assert_eq!(
        repeated_prose, 0,
        "the story's sentences are content in every copy"
    );
    let story_content = env.count(
        "SELECT count(*) FROM article_paragraphs ap JOIN paragraphs p ON p.id = ap.paragraph_id
         WHERE ap.role = 'content' AND p.text LIKE 'Floodwaters rose%'",
    );
    assert_eq!(story_content, 30);
    let credit = env.count(
        "SELECT count(*) FROM article_paragraphs ap JOIN paragraphs p ON p.id = ap.paragraph_id
         WHERE ap.rule = 'repeated-across-documents' AND p.text = 'River Wire Delta Bureau'",
    );
    assert!(
        credit > 20,
        "the outlet's bureau line is its furniture ({credit} of 30)"
    );
}

/// Issue 32: a story re-posted 300 times, each copy with one word of one paragraph edited and
/// a new running count, in batches of 50. Every later copy is linked, nearly all to the
/// original, none to more than eight earlier copies; the repeated headline is each copy's
/// title, not the outlet's furniture; and the writer's work stays linear in the copies: it reads
/// each archived copy's text at most once to verify it (not once per later copy that meets it),
/// which `DOSSIER_PROFILE_SQL` counts. No timing: counts do not drift with the machine.
#[test]
fn a_flood_of_300_copies_is_linked_to_its_original_in_linear_work() {
    let env = Env::new();
    let story = [
        "Engineers closed the northern bridge on Friday after inspectors found cracks in two of its supports.",
        "Traffic was sent along the coast road, which added about forty minutes to the morning commute.",
        "The transport ministry said repairs would take at least three weeks and cost more than expected.",
        "Shop owners near the bridge said trade had fallen by half since the closure began.",
        "A temporary ferry service for pedestrians will start on Monday, the city council announced.",
        "Inspectors will examine the other four bridges of the same design before the end of the month.",
        "The bridge, opened in 1968, carries about thirty thousand vehicles on an ordinary weekday.",
        "Its last full inspection, two years ago, had found only minor wear on the deck and railings.",
        "Opposition councillors asked why the cracks had not been noticed during that inspection.",
        "The ministry promised to publish the engineers' report once the repairs had been planned.",
    ];
    let edits = ["quickly", "partly", "again", "formally", "reportedly"];
    let copies: i64 = 300;
    let records: Vec<String> = (0..300_usize)
        .map(|n| {
            let mut body: Vec<String> = story.iter().map(ToString::to_string).collect();
            if n > 0 {
                let p = n % body.len();
                let mut words: Vec<&str> = body[p].split(' ').collect();
                let w = 1 + n % (words.len() - 2);
                words[w] = edits[n % edits.len()];
                body[p] = words.join(" ");
            }
            body.push(format!(
                "Update {n}: the ferry has carried {} passengers so far.",
                100 + n * 7
            ));
            let text = format!(
                "Bridge closed after cracks found\n\n{}\n",
                body.join("\n\n")
            );
            serde_json::json!({"text": text, "outlet": "Harbour Wire", "id": n}).to_string()
        })
        .collect();
    let feed = env.file("flood.jsonl", records.join("\n") + "\n");
    let out = env
        .dossier()
        .env("DOSSIER_PROFILE_SQL", "1")
        .args(["--quiet", "ingest", "--batch-size", "50"])
        .arg(&feed)
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(env.count("SELECT count(*) FROM articles"), copies);
    let original = env.count("SELECT min(id) FROM articles");
    let unlinked = env.count(&format!(
        "SELECT count(*) FROM articles a WHERE a.id > {original}
         AND NOT EXISTS (SELECT 1 FROM near_duplicates n WHERE n.article_id = a.id)"
    ));
    assert_eq!(unlinked, 0, "every later copy is linked");
    // LSH finds a pair with a probability: a copy that shares no bucket with the original is
    // linked to the copies it does share one with.
    let to_original = env.count(&format!(
        "SELECT count(*) FROM near_duplicates WHERE duplicate_of = {original}"
    ));
    assert!(
        to_original >= copies - 1 - 6,
        "{to_original} copies linked to the original"
    );
    let most_links = env.count(
        "SELECT max(n) FROM (SELECT count(*) AS n FROM near_duplicates GROUP BY article_id)",
    );
    assert!((1..=8).contains(&most_links), "{most_links}");
    let titles = env.count("SELECT count(*) FROM article_paragraphs WHERE role = 'title'");
    assert!(titles >= copies - 10, "{titles} headlines kept as titles");
    let stderr = String::from_utf8(out.stderr).unwrap();
    let content_reads: i64 = stderr
        .lines()
        .find(|l| l.contains("SELECT p.text FROM article_paragraphs ap JOIN paragraphs p"))
        .and_then(|l| l.split_whitespace().nth(2))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    assert!(
        content_reads < copies,
        "{content_reads} reads of archived copies' text for {copies} copies"
    );
}
