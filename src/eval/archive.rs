//! Scoring the pipeline end to end: documents with gold files are ingested into a scratch
//! archive, and what the archive holds for each (its boilerplate lines, entities, quotes and
//! events) is scored against the gold with the pure functions of [`crate::eval`].

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::{
    Gold, GoldEvent, LineCounts, MatchCounts, PredictedActor, PredictedEntity, PredictedEvent,
    explain_lines, match_entities, match_events, match_quotes, score_lines,
};
use crate::clean::boilerplate::Role;
use crate::cli::InputFormat;
use crate::engine::ingest::ingest_one;
use crate::error::{Error, Result};
use crate::extract::Resources;
use crate::extract::entities::EntityRef;
use crate::pipeline;
use crate::source::{self, RawInput, Source};
use crate::store::write::{self, Batch};
use crate::store::{Store, read};
use crate::text::hashing::ContentHash;

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

impl From<MatchCounts> for MatchScores {
    fn from(c: MatchCounts) -> Self {
        Self {
            precision: c.precision(),
            recall: c.recall(),
            f1: c.f1(),
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
    let mut entity_total: Option<MatchCounts> = None;
    let mut quote_total: Option<MatchCounts> = None;
    let mut e1_total: Option<MatchCounts> = None;
    let mut e2_total: Option<MatchCounts> = None;
    let mut documents = Vec::new();
    for (input, gold) in docs {
        let mut why = Explanation::default();
        let predicted = predicted_boilerplate(&store, input, resources)?;
        let counts = score_lines(&input.raw, &predicted, gold);
        total.add(&counts);
        (why.boilerplate_missed, why.boilerplate_spurious) =
            explain_lines(&input.raw, &predicted, gold);
        let (entities, quotes) = if gold.entities.is_empty() {
            (None, None)
        } else {
            let predicted = predicted_entities(&store, input, resources)?;
            let matching = match_entities(&gold.entities, &predicted);
            (why.entities_missed, why.entities_spurious) = matching.explain(
                &gold.entities,
                &predicted,
                |g| describe_forms(&g.name, &g.aliases_in_text),
                |p| describe_forms(&p.name, &p.surfaces),
            );
            let counts = matching.counts();
            entity_total
                .get_or_insert_with(MatchCounts::default)
                .add(&counts);
            let predicted = predicted_quotes(&store, input, resources)?;
            let matching = match_quotes(&gold.quotes, &predicted);
            (why.quotes_missed, why.quotes_spurious) = matching.explain(
                &gold.quotes,
                &predicted,
                |g| format!("{}: {}", g.speaker, g.text),
                |(speaker, text)| format!("{speaker}: {text}"),
            );
            let quotes = matching.counts();
            quote_total
                .get_or_insert_with(MatchCounts::default)
                .add(&quotes);
            (Some(counts.into()), Some(quotes.into()))
        };
        let (events_e1, events_e2) = match &gold.events {
            Some(events) => {
                let predicted = predicted_events(&store, input, resources);
                let coded: Vec<PredictedEvent> = predicted.iter().map(|(e, _)| e.clone()).collect();
                let (e1, e2) = match_events(events, &coded, &resources.taxonomy);
                (why.events_missed, why.events_spurious) =
                    e1.explain(events, &predicted, describe_gold_event, describe_event);
                why.events_wrong_actors = events
                    .iter()
                    .zip(e1.found.iter().zip(&e2.found))
                    .filter(|(_, (at_e1, at_e2))| **at_e1 && !**at_e2)
                    .map(|(g, _)| describe_gold_event(g))
                    .collect();
                let (e1, e2) = (e1.counts(), e2.counts());
                e1_total.get_or_insert_with(MatchCounts::default).add(&e1);
                e2_total.get_or_insert_with(MatchCounts::default).add(&e2);
                (Some(e1.into()), Some(e2.into()))
            }
            None => (None, None),
        };
        documents.push(DocumentScore {
            document: name(input),
            scores: counts.into(),
            entities,
            quotes,
            events_e1,
            events_e2,
            explain: explain.then_some(why),
        });
    }
    Ok(Report {
        documents,
        total: total.into(),
        entities: entity_total.map(Into::into),
        quotes: quote_total.map(Into::into),
        events_e1: e1_total.map(Into::into),
        events_e2: e2_total.map(Into::into),
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

/// `2019-07 16 Japan -> South Korea: the sentence` for a coded event.
fn describe_event((e, sentence): &(PredictedEvent, String)) -> String {
    format!(
        "{} {} {} -> {}: {sentence}",
        e.date.display(),
        e.root,
        e.source.name,
        e.target.as_ref().map_or("-", |t| t.name.as_str()),
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
    let ranges = match read::boilerplate_lines(store, &ContentHash::of(input.raw.as_bytes()))? {
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
        &input.meta,
        &read::LineCountsTable(store),
        resources,
    )
}

/// An entity's name: the gazetteer's, or the one discovery gave it in this document.
fn name_of(prepared: &pipeline::Prepared, resources: &Resources, entity: EntityRef) -> String {
    match entity {
        EntityRef::Gazetteer(e) => resources.gazetteer.entities[e].name.clone(),
        EntityRef::Discovered(d) => prepared.discovered[d].name.clone(),
    }
}

/// Quotes with their speakers' names: from the archive when this document's own paragraphs
/// were recorded there, else from the pipeline run on this document.
fn predicted_quotes(
    store: &Store,
    input: &RawInput,
    resources: &Resources,
) -> Result<Vec<(String, String)>> {
    if let Some(quotes) = read::document_quotes(store, &ContentHash::of(input.raw.as_bytes()))? {
        return Ok(quotes);
    }
    let prepared = prepare(store, input, resources);
    Ok(prepared
        .quotes
        .iter()
        .map(|q| {
            let name = name_of(&prepared, resources, q.speaker);
            (name, q.text.clone())
        })
        .collect())
}

/// The events the pipeline codes in this document, one per (root, source, target, date) as
/// PETRARCH's one-a-story filter keeps them, each with the first sentence that told it.
fn predicted_events(
    store: &Store,
    input: &RawInput,
    resources: &Resources,
) -> Vec<(PredictedEvent, String)> {
    let prepared = prepare(store, input, resources);
    let gazetteer = &resources.gazetteer;
    let taxonomy = &resources.taxonomy;
    let actor = |e: EntityRef| match e {
        EntityRef::Gazetteer(i) => PredictedActor {
            name: gazetteer.entities[i].name.clone(),
            country: gazetteer
                .country_of(i)
                .map(|c| gazetteer.entities[c].name.clone()),
        },
        EntityRef::Discovered(d) => PredictedActor {
            name: prepared.discovered[d].name.clone(),
            country: None,
        },
    };
    let mut out: Vec<(PredictedEvent, String)> = Vec::new();
    for e in &prepared.events {
        let event = PredictedEvent {
            date: e.date,
            root: taxonomy.codes[e.code].root().to_string(),
            source: actor(e.source),
            target: e.target.map(actor),
        };
        if !out.iter().any(|(seen, _)| *seen == event) {
            out.push((event, e.sentence_text.clone()));
        }
    }
    out
}

/// Entities named outside boilerplate: from the archive when this document's own paragraphs were
/// recorded there, else from the pipeline run on this document.
fn predicted_entities(
    store: &Store,
    input: &RawInput,
    resources: &Resources,
) -> Result<Vec<PredictedEntity>> {
    let pairs = match read::document_entities(store, &ContentHash::of(input.raw.as_bytes()))? {
        Some(pairs) => pairs,
        None => {
            let prepared = prepare(store, input, resources);
            prepared
                .mentions
                .iter()
                .filter(|m| prepared.paragraphs[m.paragraph].role != Role::Boilerplate)
                .map(|m| {
                    let name = name_of(&prepared, resources, m.entity);
                    (name, m.surface.clone())
                })
                .collect()
        }
    };
    let mut entities: Vec<PredictedEntity> = Vec::new();
    for (name, surface) in pairs {
        match entities.iter_mut().find(|e| e.name == name) {
            Some(e) => {
                if !e.surfaces.contains(&surface) {
                    e.surfaces.push(surface);
                }
            }
            None => entities.push(PredictedEntity {
                name,
                surfaces: vec![surface],
            }),
        }
    }
    Ok(entities)
}
