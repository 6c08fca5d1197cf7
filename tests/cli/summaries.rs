//! The summary tables the writer keeps current (migrations V8 and V21) always equal the GROUP BYs that
//! define them: across batches and runs, with duplicates and re-used paragraphs, and after
//! `reprocess`. Event counts likewise equal their mentions.

use crate::Env;
use crate::crash::corpus;

/// Each summary table's definition over the detail tables, and the table itself, in the same
/// column order: (name, definition, stored).
const SUMMARIES: &[(&str, &str, &str)] = &[
    (
        "entity_stats",
        "SELECT entity_id, count(DISTINCT article_id), count(*) FROM v_entity_mentions
         GROUP BY entity_id",
        "SELECT entity_id, articles, mentions FROM entity_stats",
    ),
    (
        "entity_pairs",
        "WITH named AS (SELECT DISTINCT article_id, paragraph_id, entity_id FROM v_entity_mentions)
         SELECT a.entity_id, b.entity_id, count(*), count(DISTINCT a.article_id)
         FROM named a JOIN named b ON b.article_id = a.article_id
             AND b.paragraph_id = a.paragraph_id AND b.entity_id > a.entity_id
         GROUP BY a.entity_id, b.entity_id",
        "SELECT entity_id, partner_id, paragraphs, articles FROM entity_pairs",
    ),
    (
        "paragraph_reuse",
        "SELECT paragraph_id, count(DISTINCT article_id) FROM article_paragraphs
         WHERE role = 'content' GROUP BY paragraph_id HAVING count(DISTINCT article_id) > 1",
        "SELECT paragraph_id, articles FROM paragraph_reuse",
    ),
    (
        "source_stats",
        "SELECT coalesce(outlet, ''), count(*), sum(words), sum(content_paragraphs),
                sum(boilerplate_paragraphs), min(published), max(published)
         FROM articles GROUP BY coalesce(outlet, '')",
        "SELECT outlet, articles, words, content_paragraphs, boilerplate_paragraphs,
                first_published, last_published FROM source_stats",
    ),
    (
        "speaker_stats",
        "SELECT speaker_id, count(*), count(DISTINCT article_id) FROM quote_spans
         GROUP BY speaker_id",
        "SELECT speaker_id, quotes, articles FROM speaker_stats",
    ),
    (
        "articles' paragraph counts",
        "SELECT article_id, sum(role = 'content'), sum(role = 'boilerplate')
         FROM article_paragraphs GROUP BY article_id",
        "SELECT id, content_paragraphs, boilerplate_paragraphs FROM articles",
    ),
    (
        "event counts",
        "SELECT event_id, count(*), count(DISTINCT article_id) FROM event_mentions
         GROUP BY event_id",
        "SELECT id, num_mentions, num_articles FROM events",
    ),
];

/// Every summary equals its definition, and is not empty.
fn check(env: &Env, when: &str) {
    check_equal(env, when);
    for (name, _, stored) in SUMMARIES {
        let rows = env.count(&format!("SELECT count(*) FROM ({stored})"));
        assert!(
            rows > 0,
            "{when}: {name} is empty, so the check shows nothing"
        );
    }
}

/// No row of a summary differs from its definition (either way).
fn check_equal(env: &Env, when: &str) {
    for (name, definition, stored) in SUMMARIES {
        let differ = env.count(&format!(
            "SELECT count(*) FROM (SELECT * FROM ({definition}) EXCEPT SELECT * FROM ({stored})
             UNION ALL SELECT * FROM ({stored}) EXCEPT SELECT * FROM ({definition}))"
        ));
        assert_eq!(differ, 0, "{when}: {name} differs from its definition");
    }
}

#[test]
fn summaries_equal_their_definitions_across_runs_and_reprocess() {
    let env = Env::new();
    // 1,200 articles share the seeds' paragraphs (re-use), in three batches; a second run
    // adds the same corpus again (duplicates only) and the eval fixtures (other shapes).
    let input = env.file("corpus.jsonl", corpus(1200));
    env.dossier()
        .args(["ingest", "--batch-size", "400"])
        .arg(&input)
        .assert()
        .success();
    check(&env, "after the first run");
    assert!(env.count("SELECT max(articles) FROM paragraph_reuse") > 2);

    env.dossier()
        .args(["ingest", "--batch-size", "400"])
        .arg(&input)
        .args(["seeds", "tests/fixtures/eval"])
        .assert()
        .success();
    check(&env, "after a second run");

    env.dossier().arg("reprocess").assert().success();
    check(&env, "after reprocess");
}

#[test]
fn an_article_that_gains_its_outlet_and_date_moves_between_outlets() {
    let env = Env::new();
    let body = "Harbour talks resume\n\nNegotiators from the two port cities met again on \
                Tuesday to settle the dispute over fishing rights in the shared bay.\n\n\
                \"We are closer than we have been in years,\" said Mara Vell, the chief \
                negotiator for the northern city.\n";
    // First a bare copy (no outlet, no date), with an article of an outlet beside it.
    let bare = env.file("bare.txt", body);
    let other = serde_json::json!({
        "text": "Rail strike ends\n\nTrain drivers returned to work after a week-long strike over pay.",
        "outlet": "The Coastal Post", "published": "2024-03-02",
    });
    let other = env.file("other.jsonl", format!("{other}\n"));
    env.dossier()
        .arg("ingest")
        .arg(&bare)
        .arg(&other)
        .assert()
        .success();
    check_equal(&env, "before the copy with metadata");
    assert_eq!(
        env.count("SELECT articles FROM source_stats WHERE outlet = ''"),
        1
    );

    // Then the same text from an outlet, dated, in other bytes (the same bytes would be the same
    // document, its metadata a sighting's): the archived article takes both.
    let dated = serde_json::json!({
        "text": body.replace('\n', "\r\n"), "outlet": "The Coastal Post", "published": "2024-02-10",
    });
    let dated = env.file("dated.jsonl", format!("{dated}\n"));
    env.dossier().arg("ingest").arg(&dated).assert().success();
    assert_eq!(
        env.count("SELECT count(*) FROM articles"),
        2,
        "the copy is not a new article"
    );
    check_equal(&env, "after the copy with metadata");
    assert_eq!(
        env.count("SELECT count(*) FROM source_stats WHERE outlet = ''"),
        0
    );
    assert_eq!(
        env.count(
            "SELECT articles FROM source_stats
             WHERE outlet = 'The Coastal Post' AND first_published = '2024-02-10'"
        ),
        2
    );
}
