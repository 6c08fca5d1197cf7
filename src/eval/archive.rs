//! Scoring the pipeline end to end: documents with gold files are ingested into a scratch
//! archive, and what the archive holds for each (its boilerplate lines, entities, quotes and
//! events) is scored against the gold with the pure functions of [`crate::eval`].

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::{
    Gold, GoldEvent, LineCounts, MatchCounts, PredictedEntity, PredictedEvent,
    distinct_gold_events, explain_lines, match_entities, match_events, match_quotes, norm,
    precision_rank, score_lines,
};
use crate::clean::boilerplate::Role;
use crate::cli::InputFormat;
use crate::engine::ingest::ingest_one;
use crate::error::{Error, Result};
use crate::extract::Resources;
use crate::pipeline;
use crate::source::{self, RawInput, Source};
use crate::store::write::{self, Batch};
use crate::store::{Store, read};

/// One document's scores.
#[derive(Debug, Serialize)]
pub struct DocumentScore {
    /// The file name (with `:LINE` for a JSON Lines record).
    pub document: String,
    /// Boilerplate per raw line.
    #[serde(flatten)]
    pub scores: Scores,
    /// Entity scores, where the gold annotates entities.
    pub entities: Option<MatchScores>,
    /// Quote scores, where the gold annotates entities (and so quotes).
    pub quotes: Option<MatchScores>,
    /// Event scores (date and root code), where the gold annotates events.
    pub events_e1: Option<MatchScores>,
    /// Event scores (E1 plus source and target), where the gold annotates events.
    pub events_e2: Option<MatchScores>,
    /// What was missed and what was wrong, with `--explain`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explain: Option<Explanation>,
}

/// One document's errors, for error analysis: each item as a line of text.
#[derive(Debug, Default, Serialize)]
pub struct Explanation {
    /// Gold boilerplate lines kept as article text (`L12: the line`).
    pub boilerplate_missed: Vec<String>,
    /// Article lines labelled boilerplate.
    pub boilerplate_spurious: Vec<String>,
    /// Gold entities not found, with their forms.
    pub entities_missed: Vec<String>,
    /// Entities found that the gold does not have, with their forms.
    pub entities_spurious: Vec<String>,
    /// Gold quotes not found (`speaker: text`).
    pub quotes_missed: Vec<String>,
    /// Quotes found that the gold does not have.
    pub quotes_spurious: Vec<String>,
    /// Gold events no coded event matches by date and root, with the gold's evidence.
    pub events_missed: Vec<String>,
    /// Coded events no gold event matches by date and root, with their sentence.
    pub events_spurious: Vec<String>,
    /// Gold events matched by date and root but not by source and target.
    pub events_wrong_actors: Vec<String>,
}

/// Precision, recall and F1 of entities or quotes, with their counts.
#[derive(Debug, Serialize)]
pub struct MatchScores {
    /// Share of predictions that match gold.
    pub precision: f64,
    /// Share of gold that a prediction matches.
    pub recall: f64,
    /// Harmonic mean of the two.
    pub f1: f64,
    /// The counts behind them.
    pub counts: MatchCounts,
}

impl MatchScores {
    /// One document's scores.
    fn of_document(c: MatchCounts) -> Self {
        Self {
            precision: c.precision(),
            recall: c.recall(),
            f1: c.f1(),
            counts: c,
        }
    }

    /// A whole set's scores, summed as `score.py` sums them.
    fn of_total(c: MatchCounts) -> Self {
        let (precision, recall) = (c.total_precision(), c.total_recall());
        Self {
            precision,
            recall,
            f1: super::f1(precision, recall),
            counts: c,
        }
    }
}

/// The figures printed per document and in total.
#[derive(Debug, Serialize)]
pub struct Scores {
    /// Non-blank raw lines scored.
    pub lines: u64,
    /// Share of lines labelled boilerplate that gold calls boilerplate.
    pub boilerplate_precision: f64,
    /// Share of gold boilerplate lines labelled so.
    pub boilerplate_recall: f64,
    /// Harmonic mean of the two.
    pub boilerplate_f1: f64,
    /// Share of gold article lines kept (title or content).
    pub content_recall: f64,
    /// The counts behind them.
    pub counts: LineCounts,
}

impl From<LineCounts> for Scores {
    fn from(c: LineCounts) -> Self {
        Self {
            lines: c.true_positives + c.false_positives + c.false_negatives + c.true_negatives,
            boilerplate_precision: c.precision(),
            boilerplate_recall: c.recall(),
            boilerplate_f1: c.f1(),
            content_recall: c.content_recall(),
            counts: c,
        }
    }
}

/// Every document's scores and the totals (micro-averaged over the documents).
#[derive(Debug, Serialize)]
pub struct Report {
    /// Per document, in input order.
    pub documents: Vec<DocumentScore>,
    /// Boilerplate over every document.
    pub total: Scores,
    /// Entities, over the documents whose gold annotates them.
    pub entities: Option<MatchScores>,
    /// Quotes, likewise.
    pub quotes: Option<MatchScores>,
    /// Events by date and root code, over the documents whose gold annotates events.
    pub events_e1: Option<MatchScores>,
    /// Events also by source and target.
    pub events_e2: Option<MatchScores>,
}

/// A document and its gold annotations.
pub type Annotated = (RawInput, Gold);

/// The documents under `paths` that have a gold file in `gold_dir` (`NAME.json` for
/// `NAME.txt`), each with its gold, and what the user should hear (files passed over, documents
/// without gold).
pub fn load(gold_dir: &Path, paths: &[PathBuf]) -> Result<(Vec<Annotated>, Vec<String>)> {
    let mut docs: Vec<Annotated> = Vec::new();
    let expanded = source::expand(paths, InputFormat::Auto);
    let mut notes: Vec<String> = expanded
        .notes
        .iter()
        .map(|n| format!("note: {n}"))
        .collect();
    for source in expanded.sources {
        let source = source?;
        let Source::File { path, .. } = &source else {
            continue;
        };
        let gold_path = gold_path(gold_dir, path);
        if !gold_path.is_file() {
            notes.push(format!(
                "warning: {}: no gold file {}; skipped",
                path.display(),
                gold_path.display()
            ));
            continue;
        }
        let text = std::fs::read_to_string(&gold_path).map_err(|e| Error::io(&gold_path, e))?;
        let gold: Gold = serde_json::from_str(&text).map_err(|e| Error::json(&gold_path, 0, &e))?;
        source::read(&source, &mut |item| {
            docs.push((item?, gold.clone()));
            Ok(())
        })?;
    }
    Ok((docs, notes))
}

/// Ingest `docs` into a scratch archive through the normal pipeline (the user's archive is not
/// touched) and score each against its gold; with `explain`, each document also lists what was
/// missed and what was predicted wrongly.
pub fn evaluate(docs: &[Annotated], resources: &Resources, explain: bool) -> Result<Report> {
    let scratch = tempfile::tempdir().map_err(|e| Error::io(std::env::temp_dir(), e))?;
    let store = Store::open(&scratch.path().join("eval.sqlite"))?;
    let mut batch = Batch::new(&store, write::begin_import(&store, "ingest")?, resources);
    for (input, _) in docs {
        ingest_one(&mut batch, input, resources)?;
    }
    batch.finish()?;

    let mut total = LineCounts::default();
    let mut entity_total = MatchCounts::default();
    let mut quote_total = MatchCounts::default();
    let mut e1_total = MatchCounts::default();
    let mut e2_total = MatchCounts::default();
    let mut documents = Vec::new();
    for (input, gold) in docs {
        let mut why = Explanation::default();
        // The article the document's content is, as `score.py` finds it (ingest archived them all).
        let article = read::article_of(&store, &input.sha())?.ok_or_else(|| Error::Record {
            path: input.path.clone(),
            line: input.line.unwrap_or(0),
            message: "not archived by the scoring ingest".into(),
        })?;
        let predicted = predicted_boilerplate(&store, input, resources)?;
        let counts = score_lines(&input.raw, &predicted, gold);
        total.add(&counts);
        (why.boilerplate_missed, why.boilerplate_spurious) =
            explain_lines(&input.raw, &predicted, gold);
        // Every kind is scored for every document, as `score.py` does: a gold file without
        // entities or events makes whatever was found count against precision.
        let predicted = predicted_entities(&store, article)?;
        let matching = match_entities(&gold.entities, &predicted);
        (why.entities_missed, why.entities_spurious) = matching.explain(
            &gold.entities,
            &predicted,
            |g| describe_forms(&g.name, &g.aliases_in_text),
            |p| describe_forms(&p.name, &p.surfaces),
        );
        let entities = matching.counts();
        let predicted = predicted_quotes(&store, article)?;
        let matching = match_quotes(&gold.quotes, &predicted);
        (why.quotes_missed, why.quotes_spurious) = matching.explain(
            &gold.quotes,
            &predicted,
            |g| format!("{}: {}", g.speaker, g.text),
            |(speaker, text)| format!("{speaker}: {text}"),
        );
        let quotes = matching.counts();
        let events = distinct_gold_events(gold.events.as_deref().unwrap_or_default());
        let predicted = predicted_events(&store, article)?;
        let coded: Vec<PredictedEvent> = predicted.iter().map(|(e, _)| e.clone()).collect();
        let (e1, e2) = match_events(&events, &coded, &resources.taxonomy);
        (why.events_missed, why.events_spurious) = e1.explain(
            &events,
            &predicted,
            |g| describe_gold_event(g),
            |(_, shown)| shown.clone(),
        );
        why.events_wrong_actors = events
            .iter()
            .zip(e1.found.iter().zip(&e2.found))
            .filter(|(_, (at_e1, at_e2))| **at_e1 && !**at_e2)
            .map(|(g, _)| describe_gold_event(g))
            .collect();
        let (e1, e2) = (e1.counts(), e2.counts());
        for (total, counts) in [
            (&mut entity_total, entities),
            (&mut quote_total, quotes),
            (&mut e1_total, e1),
            (&mut e2_total, e2),
        ] {
            total.add(&counts);
        }
        documents.push(DocumentScore {
            document: name(input),
            scores: counts.into(),
            entities: Some(MatchScores::of_document(entities)),
            quotes: Some(MatchScores::of_document(quotes)),
            events_e1: Some(MatchScores::of_document(e1)),
            events_e2: Some(MatchScores::of_document(e2)),
            explain: explain.then_some(why),
        });
    }
    Ok(Report {
        documents,
        total: total.into(),
        entities: Some(MatchScores::of_total(entity_total)),
        quotes: Some(MatchScores::of_total(quote_total)),
        events_e1: Some(MatchScores::of_total(e1_total)),
        events_e2: Some(MatchScores::of_total(e2_total)),
    })
}

/// `name (form, form)`: an entity with the forms it was matched by.
fn describe_forms(name: &str, forms: &[String]) -> String {
    let others: Vec<&str> = forms
        .iter()
        .map(String::as_str)
        .filter(|f| *f != name)
        .collect();
    if others.is_empty() {
        name.to_string()
    } else {
        format!("{name} ({})", others.join(", "))
    }
}

/// `2019-07 REDUCE RELATIONS Japan -> South Korea: the sentence`.
fn describe_gold_event(g: &GoldEvent) -> String {
    format!(
        "{} {} {} -> {}: {}",
        g.date,
        g.kind,
        g.source.as_deref().unwrap_or("?"),
        g.target.as_deref().unwrap_or("-"),
        g.evidence
    )
}

fn gold_path(gold_dir: &std::path::Path, document: &std::path::Path) -> PathBuf {
    let stem = document.file_stem().unwrap_or_default().to_string_lossy();
    gold_dir.join(format!("{stem}.json"))
}

fn name(input: &RawInput) -> String {
    let file = input
        .path
        .file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .into_owned();
    match input.line {
        Some(line) => format!("{file}:{line}"),
        None => file,
    }
}

/// Line numbers labelled boilerplate: from the archive when this document's own lines were
/// recorded there, else from the pipeline run on this document (a copy of an earlier article).
fn predicted_boilerplate(
    store: &Store,
    input: &RawInput,
    resources: &Resources,
) -> Result<HashSet<usize>> {
    let ranges = match read::boilerplate_lines(store, &input.sha())? {
        Some(ranges) => ranges,
        None => prepare(store, input, resources)
            .paragraphs
            .iter()
            .filter(|p| p.role == Role::Boilerplate)
            .map(|p| (p.line_start, p.line_end))
            .collect(),
    };
    Ok(ranges.into_iter().flat_map(|(s, e)| s..=e).collect())
}

/// The pipeline run on one document, with the archive's line counts.
fn prepare(store: &Store, input: &RawInput, resources: &Resources) -> pipeline::Prepared {
    pipeline::prepare(
        &input.raw,
        input.format,
        &input.meta,
        &read::LineCountsTable(store),
        resources,
    )
}

/// Quotes as `(speaker name, text)`, as the archive holds them for `article`.
fn predicted_quotes(store: &Store, article: i64) -> Result<Vec<(String, String)>> {
    Ok(read::article_quotes(store, article)?
        .into_iter()
        .map(|(speaker, text)| (speaker.unwrap_or_default(), text))
        .collect())
}

/// The distinct events `article`'s mentions name, as the archive dates them (across articles),
/// each with a description for `--explain`: `score.py`'s predictions.
fn predicted_events(store: &Store, article: i64) -> Result<Vec<(PredictedEvent, String)>> {
    let actor = |id: Option<i64>| -> Result<(Option<Vec<String>>, String)> {
        let Some(id) = id else {
            return Ok((None, "-".to_string()));
        };
        Ok(match read::entity_names_of(store, id)? {
            Some((name, names)) => (Some(names.iter().map(|n| norm(n)).collect()), name),
            None => (Some(Vec::new()), "?".to_string()),
        })
    };
    let date = |d: Option<&str>| {
        d.and_then(|d| d.get(..10).unwrap_or(d).parse::<jiff::civil::Date>().ok())
    };
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for e in read::article_events(store, article)? {
        let key = (
            e.date_start.clone(),
            e.date_end.clone(),
            e.precision.clone(),
            e.root.clone(),
            e.source,
            e.target,
        );
        if !seen.insert(key) {
            continue;
        }
        let start = date(e.date_start.as_deref());
        let end = match &e.date_end {
            Some(end) => date(Some(end)),
            None => start,
        };
        let (source, source_name) = actor(e.source)?;
        let (target, target_name) = actor(e.target)?;
        let root = e.root.as_ref().map(|r| format!("{r:0>2}"));
        let shown = format!(
            "{}..{} {} {source_name} -> {target_name} [{}]: {}",
            e.date_start.as_deref().unwrap_or("?"),
            e.date_end.as_deref().unwrap_or("?"),
            e.code,
            e.rule,
            e.sentence
        );
        out.push((
            PredictedEvent {
                span: start.zip(end),
                rank: precision_rank(e.precision.as_deref()),
                root,
                source,
                target,
            },
            shown,
        ));
    }
    Ok(out)
}

/// The entities named outside boilerplate in `article`, one per entity with its surfaces.
fn predicted_entities(store: &Store, article: i64) -> Result<Vec<PredictedEntity>> {
    let mut ids: Vec<i64> = Vec::new();
    let mut entities: Vec<PredictedEntity> = Vec::new();
    for (id, name, surface) in read::article_entities(store, article)? {
        let i = match ids.iter().position(|&known| known == id) {
            Some(i) => i,
            None => {
                ids.push(id);
                entities.push(PredictedEntity {
                    name,
                    surfaces: Vec::new(),
                });
                ids.len() - 1
            }
        };
        if !entities[i].surfaces.contains(&surface) {
            entities[i].surfaces.push(surface);
        }
    }
    Ok(entities)
}
