//! `dossier eval`: the quality targets, held as regression tests.

use serde_json::Value;

use crate::Env;

fn scores(env: &Env, gold: &str, docs: &str) -> Value {
    let out = env
        .dossier()
        .args(["eval", "--json", "--gold", gold, docs])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[track_caller]
fn at_least(report: &Value, field: &str, want: f64) {
    let got = report["total"][field].as_f64().unwrap();
    assert!(
        got >= want,
        "{field} = {got:.3}, want at least {want}: {report:#}"
    );
}

/// Issue 3's target on the seed gold: boilerplate F1 ≥ 0.95 with content-line recall ≥ 0.98.
#[test]
fn seed_gold_boilerplate_targets() {
    let env = Env::new();
    let report = scores(&env, "tests/fixtures/gold/seeds", "seeds/");
    assert_eq!(report["documents"].as_array().unwrap().len(), 5);
    at_least(&report, "boilerplate_f1", 0.95);
    at_least(&report, "content_recall", 0.98);
}

/// Issue 4's target on the seed gold: entity F1 ≥ 0.92.
#[test]
fn seed_gold_entity_targets() {
    let env = Env::new();
    let report = scores(&env, "tests/fixtures/gold/seeds", "seeds/");
    let entities = &report["entities"];
    let f1 = entities["f1"].as_f64().unwrap();
    let precision = entities["precision"].as_f64().unwrap();
    assert!(f1 >= 0.92, "entity F1 {f1:.3}: {entities:#}");
    assert!(
        precision >= 0.95,
        "entity precision {precision:.3}: {entities:#}"
    );
    // Issue 4's quote target: F1 ≥ 0.8.
    let quotes = &report["quotes"];
    assert!(quotes["f1"].as_f64().unwrap() >= 0.8, "{quotes:#}");
    assert_eq!(quotes["counts"]["gold"].as_u64(), Some(21));
}

/// Issue 5's targets on the seed gold: E1 (date and root code) F1 ≥ 0.6; E2 (and source and
/// target) F1 ≥ 0.45 with precision above recall.
#[test]
fn seed_gold_event_targets() {
    let env = Env::new();
    let report = scores(&env, "tests/fixtures/gold/seeds", "seeds/");
    let (e1, e2) = (&report["events_e1"], &report["events_e2"]);
    assert_eq!(e1["counts"]["gold"].as_u64(), Some(28));
    assert!(e1["f1"].as_f64().unwrap() >= 0.6, "E1 {e1:#}");
    assert!(e2["f1"].as_f64().unwrap() >= 0.45, "E2 {e2:#}");
    assert!(
        e2["precision"].as_f64().unwrap() > e2["recall"].as_f64().unwrap(),
        "E2 {e2:#}"
    );
}

/// Other kinds of noise than the seeds': wire copy, a broadcast transcript, inline captions.
#[test]
fn extra_fixtures_boilerplate_targets() {
    let env = Env::new();
    let report = scores(&env, "tests/fixtures/gold/extra", "tests/fixtures/eval/");
    assert_eq!(report["documents"].as_array().unwrap().len(), 5);
    assert!(
        report["entities"]["f1"].as_f64().unwrap() >= 0.9,
        "{:#}",
        report["entities"]
    );
    at_least(&report, "boilerplate_f1", 0.9);
    at_least(&report, "content_recall", 0.98);
}

#[test]
fn eval_table_and_missing_gold() {
    let env = Env::new();
    env.dossier()
        .args(["eval", "--gold", "tests/fixtures/gold/extra", "tests/fixtures/inputs/wire.txt", "tests/fixtures/eval/wire_dateline.txt"])
        .assert()
        .success()
        .stderr("warning: tests/fixtures/inputs/wire.txt: no gold file tests/fixtures/gold/extra/wire.json; skipped\n")
        .stdout(predicates::str::starts_with("document"));
    assert!(!env.db.exists(), "eval must not touch --db");
}
