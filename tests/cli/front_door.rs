//! Issue 26: what a new user meets first. Inputs dossier does not read are named, not swallowed;
//! stdin is read in the shape it has; a bad date costs the date, not the article; a new archive
//! is announced; a query never answers a mistyped value with an empty table.

use predicates::prelude::*;

use crate::{Env, repo};

fn wire() -> String {
    std::fs::read_to_string(repo().join("tests/fixtures/inputs/wire.txt")).unwrap()
}

const PAGE: &str = "<!DOCTYPE html>\n<html><head><title>Talks</title></head>\n\
                    <body><p>Seoul and Tokyo met.</p></body></html>\n";

#[test]
fn an_html_page_is_read_as_a_page_by_its_extension_or_its_opening() {
    let env = Env::new();
    let page = env.file("page.html", PAGE);
    env.dossier().arg("ingest").arg(&page).assert().success();
    assert_eq!(
        env.count("SELECT count(*) FROM documents WHERE format = 'html' AND encoding = 'UTF-8'"),
        1
    );

    // A page saved under another name is recognised by what it holds.
    let disguised = env.file("page.txt", format!("\u{feff}  {PAGE}"));
    env.dossier()
        .arg("ingest")
        .arg(&disguised)
        .assert()
        .success();
    assert_eq!(
        env.count("SELECT count(*) FROM documents WHERE format = 'html'"),
        2
    );

    // Asked for as text, the markup is archived as text.
    env.dossier()
        .args(["ingest", "--format", "text"])
        .arg(env.file("other.html", PAGE.replace("Talks", "Other talks")))
        .assert()
        .success();
    assert_eq!(
        env.count("SELECT count(*) FROM documents WHERE format = 'text'"),
        1
    );
}

#[test]
fn issue_26_a_folder_walk_says_what_it_passed_over() {
    let env = Env::new();
    let folder = env.dir.path().join("saved");
    std::fs::create_dir(&folder).unwrap();
    std::fs::write(folder.join("a.txt"), wire()).unwrap();
    std::fs::write(folder.join("b.html"), PAGE).unwrap();
    std::fs::write(folder.join("c.HTM"), PAGE.replace("met", "met again")).unwrap();
    std::fs::write(folder.join("d.pdf"), "%PDF-1.4").unwrap();
    std::fs::write(folder.join("README"), "notes").unwrap();
    env.dossier()
        .arg("ingest")
        .arg(&folder)
        .assert()
        .success()
        .stderr(predicate::str::contains(format!(
            "note: {}: skipped 2 files dossier does not read (1 without an extension, 1 .pdf)\n",
            folder.display()
        )));
    assert_eq!(env.count("SELECT count(*) FROM articles"), 3);

    // A folder of files dossier does not read: no articles, and why.
    let other = env.dir.path().join("other");
    std::fs::create_dir(&other).unwrap();
    std::fs::write(other.join("d.pdf"), "%PDF-1.4").unwrap();
    env.dossier()
        .arg("ingest")
        .arg(&other)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(format!(
            "error: {}: no articles found (looked for .txt, .md, .html, .htm, .jsonl, .ndjson and \
             .json files; skipped 1 file dossier does not read (1 .pdf))",
            other.display()
        )));
}

#[test]
fn issue_26_json_lines_on_stdin_are_read_as_records_without_being_told() {
    let env = Env::new();
    let record = |text: &str, title: &str| serde_json::json!({ "text": text, "title": title });
    let lines = format!(
        "\n{}\n{}\n",
        record(&wire(), "Compensation plan"),
        record("Tokyo welcomed the plan on Tuesday.", "Reaction")
    );
    env.dossier()
        .args(["ingest", "-"])
        .write_stdin(lines)
        .assert()
        .success()
        .stderr(predicate::str::ends_with(env.said(
            "ingested 2 inputs into {db}: 2 new articles, 0 duplicates, 0 failed\n",
        )));
    assert_eq!(
        env.count("SELECT count(*) FROM articles WHERE title IN ('Compensation plan', 'Reaction')"),
        2
    );

    // Text that merely opens with a brace is one text article.
    env.dossier()
        .args(["ingest", "-"])
        .write_stdin("{Editor's note} Seoul and Tokyo resumed talks on Monday.\n")
        .assert()
        .success();
    assert_eq!(
        env.count("SELECT count(*) FROM documents WHERE raw LIKE '{Editor''s note}%'"),
        1
    );
}

#[test]
fn issue_26_a_date_that_is_not_one_costs_the_date_not_the_article() {
    let env = Env::new();
    let text = env.file("story.txt", wire());
    let sidecar = env.file(
        "story.meta.json",
        r#"{"title": "Compensation plan", "published": "27/08/2024"}"#,
    );
    env.dossier()
        .arg("ingest")
        .arg(&text)
        .assert()
        .success()
        .stderr(predicate::str::contains(format!(
            "warning: {}: `published`: expected YYYY, YYYY-MM or YYYY-MM-DD, got \"27/08/2024\"; \
             the article is archived without a publication date\n",
            sidecar.display()
        )));
    let (title, published): (String, Option<String>) = env
        .conn()
        .query_row("SELECT title, published FROM articles", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!(title, "Compensation plan");
    assert_eq!(published, None);

    // The same in a JSON Lines record, named by its line.
    let records = env.file(
        "feed.jsonl",
        format!(
            "{}\n",
            serde_json::json!({ "text": "Tokyo welcomed the plan.", "published": "2024-13-01" })
        ),
    );
    env.dossier()
        .arg("ingest")
        .arg(&records)
        .assert()
        .success()
        .stderr(predicate::str::contains(format!(
            "warning: {}:1: `published`",
            records.display()
        )));
}

#[test]
fn issue_26_runs_say_how_they_ended() {
    let env = Env::new();
    env.dossier().args(["ingest", "seeds/"]).assert().success();
    env.dossier().arg("reprocess").assert().success();
    let out = env
        .dossier()
        .args(["query", "imports", "-f", "csv"])
        .output()
        .unwrap();
    let csv = String::from_utf8(out.stdout).unwrap();
    let statuses: Vec<&str> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(2).unwrap())
        .collect();
    assert_eq!(statuses, ["finished", "finished"], "{csv}");
}

#[track_caller]
fn query_fails(env: &Env, args: &[&str], stderr: &str) {
    env.dossier()
        .arg("query")
        .args(args)
        .assert()
        .code(1)
        .stdout("")
        .stderr(format!("{stderr}\n"));
}

#[test]
fn issue_26_a_mistyped_value_is_named_not_answered_with_an_empty_table() {
    let env = Env::new();
    env.dossier().args(["ingest", "seeds/"]).assert().success();
    query_fails(
        &env,
        &["article", "-p", "id=999"],
        "error: query `article`: parameter `id`: no article with id 999 (its ids run from 1 to 5)",
    );
    query_fails(
        &env,
        &["dyad", "-p", "a=Japan", "-p", "b=Atlantis"],
        "error: query `dyad`: parameter `b`: no entity named `Atlantis` in the archive (closest: \
         Atlantic, Atlantico, Atlantida)",
    );
    query_fails(
        &env,
        &["timeline", "-p", "entity=Kishda"],
        "error: query `timeline`: parameter `entity`: no entity named `Kishda` in the archive \
         (closest: Kishida, Fumio Kishida, Kishiwada)",
    );
    query_fails(
        &env,
        &["top-entities", "-p", "type=persn"],
        "error: query `top-entities`: parameter `type`: expected one of person, country, \
         organization, location, agreement, named_event, got \"persn\" (did you mean `person`?)",
    );
    query_fails(
        &env,
        &["quotes", "-p", "speaker=Zyxwvut"],
        "error: query `quotes`: parameter `speaker`: no entity named `Zyxwvut` in the archive \
         (no name comes close; `dossier query top-entities` lists the entities)",
    );
    let ambiguous = env
        .dossier()
        .args(["query", "quotes", "-p", "speaker=Kim"])
        .output()
        .unwrap();
    assert_eq!(ambiguous.status.code(), Some(1));
    assert!(
        String::from_utf8(ambiguous.stderr)
            .unwrap()
            .contains("parameter `speaker`: `Kim` names "),
    );
    // Right values in any case still answer.
    env.dossier()
        .args(["query", "top-entities", "-p", "type=Person"])
        .assert()
        .success();
}

/// The README's example: a speaker by family name, as a person types it.
#[test]
fn issue_26_a_family_name_finds_the_one_person_it_names() {
    let env = Env::new();
    env.dossier().args(["ingest", "seeds/"]).assert().success();
    let by = |speaker: &str| -> String {
        let out = env
            .dossier()
            .args(["query", "quotes", "-f", "csv", "-p"])
            .arg(format!("speaker={speaker}"))
            .output()
            .unwrap();
        assert!(out.status.success(), "{speaker}");
        String::from_utf8(out.stdout).unwrap()
    };
    let surname = by("Glosserman");
    assert!(surname.lines().count() > 2, "{surname}");
    assert_eq!(surname, by("Brad Glosserman"));
    assert_eq!(surname, by("glosserman"));
}

#[test]
fn issue_26_help_tells_the_truth() {
    let env = Env::new();
    env.dossier()
        .args(["ingest", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains(".ndjson"));
    for command in ["query", "sql"] {
        env.dossier()
            .args([command, "--help"])
            .assert()
            .success()
            .stdout(predicate::str::contains("created if missing").not())
            .stdout(predicate::str::contains("`ingest` creates the archive"));
    }
}
