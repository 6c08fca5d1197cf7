//! Events end to end: coded on ingest, merged across articles, consistent with their mentions
//! and the CAMEO table, rebuilt by reprocess.

use crate::Env;

fn seeded() -> Env {
    let env = Env::new();
    env.dossier()
        .args(["ingest", "seeds/", "tests/fixtures/eval/"])
        .assert()
        .success();
    env
}

/// Issue 5's merge example: Park and Abe's first meeting in 2014 is told by seeds 001 and 003
/// and is one event.
#[test]
fn the_same_event_told_by_two_articles_is_one_row() {
    let env = seeded();
    let (mentions, articles, date, precision): (i64, i64, String, String) = env
        .conn()
        .query_row(
            "SELECT ev.num_mentions, ev.num_articles, ev.date_start, ev.date_precision
             FROM events ev
             JOIN entities s ON s.id = ev.source_id JOIN entities t ON t.id = ev.target_id
             WHERE ev.root_code = '04'
               AND 'Park Geun-hye' IN (s.name, t.name) AND 'Shinzo Abe' IN (s.name, t.name)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap();
    assert_eq!((mentions, articles), (2, 2));
    assert!(date.starts_with("2014"), "{date} {precision}");
}

#[test]
fn events_agree_with_their_mentions_and_the_cameo_table() {
    let env = seeded();
    assert!(env.count("SELECT count(*) FROM events") >= 15);
    let broken = [
        // Counts are what the mentions say.
        "SELECT count(*) FROM events ev WHERE num_mentions !=
             (SELECT count(*) FROM event_mentions WHERE event_id = ev.id)
          OR num_articles != (SELECT count(DISTINCT article_id) FROM event_mentions WHERE event_id = ev.id)",
        // Code, root, quad class and Goldstein value come from the CAMEO table.
        "SELECT count(*) FROM events ev LEFT JOIN cameo_codes c ON c.code = ev.code
         WHERE c.code IS NULL OR c.root_code != ev.root_code OR c.quad_class != ev.quad_class
            OR c.goldstein != ev.goldstein",
        // Dates are ISO days in order, precisions and anchors from the documented sets.
        "SELECT count(*) FROM events WHERE date(date_start) IS NOT date_start
            OR date(date_end) IS NOT date_end OR date_end < date_start",
        "SELECT count(*) FROM event_mentions WHERE date_anchor NOT IN ('absolute', 'published')",
        // The stored paragraph and offsets name the sentence (the view `event_mentions` slices
        // it from them): a whole, trimmed sentence inside the paragraph, holding the date text.
        "SELECT count(*) FROM event_mentions em JOIN paragraphs p ON p.id = em.paragraph_id
         WHERE em.char_start >= em.char_end OR em.char_end > length(p.text)
            OR trim(em.sentence) != em.sentence OR instr(em.sentence, em.date_text) = 0",
        // An event's source and target differ.
        "SELECT count(*) FROM events WHERE source_id = target_id",
    ];
    for sql in broken {
        assert_eq!(env.count(sql), 0, "{sql}");
    }
    // A relative date was resolved against the article's publication date.
    assert!(
        env.count(
            "SELECT count(*) FROM event_mentions WHERE date_anchor = 'published'
             AND date_text = 'Last November'"
        ) >= 1
    );
}

#[test]
fn re_ingest_adds_no_events_and_views_answer() {
    let env = seeded();
    let before = env.count("SELECT count(*) FROM event_mentions");
    env.dossier()
        .args(["ingest", "seeds/", "tests/fixtures/eval/"])
        .assert()
        .success();
    assert_eq!(env.count("SELECT count(*) FROM event_mentions"), before);
    assert_eq!(
        env.count("SELECT count(*) FROM v_timeline"),
        env.count("SELECT count(*) FROM events")
    );
    assert_eq!(
        env.count("SELECT sum(events) FROM v_dyads"),
        env.count("SELECT count(*) FROM events WHERE target_id IS NOT NULL")
    );
}
