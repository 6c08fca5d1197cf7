//! The summary tables the writer keeps current (migration V8) always equal the GROUP BYs that
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

/// Rows of one summary that differ from its definition (either way), and the table's size.
fn check(env: &Env, when: &str) {
    for (name, definition, stored) in SUMMARIES {
        let differ = env.count(&format!(
            "SELECT count(*) FROM (SELECT * FROM ({definition}) EXCEPT SELECT * FROM ({stored})
             UNION ALL SELECT * FROM ({stored}) EXCEPT SELECT * FROM ({definition}))"
        ));
        assert_eq!(differ, 0, "{when}: {name} differs from its definition");
        let rows = env.count(&format!("SELECT count(*) FROM ({stored})"));
        assert!(
            rows > 0,
            "{when}: {name} is empty, so the check shows nothing"
        );
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
