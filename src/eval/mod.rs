//! Scoring against gold annotations (the format of `tests/fixtures/gold/*/*.json`).
//!
//! Pure: gold and predictions in, counts and scores out. [`archive`] makes the predictions
//! (through a scratch archive); the `eval` subcommand prints them.
//!
//! Boilerplate is scored per raw line: a non-blank line is predicted boilerplate when the
//! paragraph holding it has role `boilerplate`, and is gold boilerplate when its number is in
//! `boilerplate_line_numbers`. Title lines count as not boilerplate. Content recall is the share
//! of gold non-boilerplate lines that were kept (title or content).

pub mod archive;

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use crate::text::segment::split_lines;

/// One gold file. Fields this version does not score are ignored.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Gold {
    /// 1-based numbers of the raw lines that are boilerplate.
    #[serde(default)]
    pub boilerplate_line_numbers: Vec<usize>,
    /// The entities the document names (empty: not annotated, not scored).
    #[serde(default)]
    pub entities: Vec<GoldEntity>,
    /// The attributed quotes (scored where entities are annotated).
    #[serde(default)]
    pub quotes: Vec<GoldQuote>,
    /// The dated events (absent: not annotated, not scored).
    #[serde(default)]
    pub events: Option<Vec<GoldEvent>>,
}

/// A gold event.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct GoldEvent {
    /// `2019`, `2019-01`, `2019-01-09` or a range `a/b`.
    pub date: String,
    /// The CAMEO root's name, e.g. "REDUCE RELATIONS".
    #[serde(rename = "type")]
    pub kind: String,
    /// The acting entity's name.
    pub source: Option<String>,
    /// The entity acted on.
    pub target: Option<String>,
    /// The source's country.
    pub source_country: Option<String>,
    /// The target's country.
    pub target_country: Option<String>,
    /// Other actors acting with the source.
    #[serde(default)]
    pub co_sources: Vec<String>,
    /// Other actors acted on with the target.
    #[serde(default)]
    pub co_targets: Vec<String>,
    /// The sentence that tells it (shown by `--explain`, not scored).
    #[serde(default)]
    pub evidence: String,
}

/// An actor of a predicted event: its name and its country's name.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PredictedActor {
    /// `entities.name`.
    pub name: String,
    /// The country's name (itself for a country).
    pub country: Option<String>,
}

/// A predicted event, as scored.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PredictedEvent {
    /// When.
    pub date: crate::extract::timex::DateSpan,
    /// Two-digit CAMEO root.
    pub root: String,
    /// Who acted.
    pub source: PredictedActor,
    /// On whom.
    pub target: Option<PredictedActor>,
}

/// Score events: E1 matches the root code and the date (the predicted span overlaps the gold one
/// and is at the gold's precision or finer); E2 also the source and the target, each by the
/// entity (or a gold co-actor) or by its country. A gold event without a target matches only a
/// prediction without one. One-to-one, greedy in document order.
#[must_use]
pub fn score_events(
    gold: &[GoldEvent],
    predicted: &[PredictedEvent],
    taxonomy: &crate::extract::cameo::Taxonomy,
) -> (MatchCounts, MatchCounts) {
    let (e1, e2) = match_events(gold, predicted, taxonomy);
    (e1.counts(), e2.counts())
}

/// [`score_events`]'s matching, item by item: E1, then E2.
#[must_use]
pub fn match_events(
    gold: &[GoldEvent],
    predicted: &[PredictedEvent],
    taxonomy: &crate::extract::cameo::Taxonomy,
) -> (Matching, Matching) {
    let when = |g: &GoldEvent, p: &PredictedEvent| {
        let root = taxonomy.root_named(&g.kind).map(|c| c.code.as_str());
        let Some(span) = crate::extract::timex::DateSpan::parse(&g.date) else {
            return false;
        };
        root == Some(p.root.as_str())
            && p.date.precision >= span.precision
            && p.date.overlaps(&span)
    };
    let actor =
        |name: Option<&String>, country: Option<&String>, co: &[String], p: &PredictedActor| {
            let folded = fold(&p.name);
            name.is_some_and(|n| fold(n) == folded)
                || co.iter().any(|c| fold(c) == folded)
                || country.is_some_and(|c| p.country.as_ref().is_some_and(|pc| fold(pc) == fold(c)))
        };
    let who = |g: &GoldEvent, p: &PredictedEvent| {
        let source = actor(
            g.source.as_ref(),
            g.source_country.as_ref(),
            &g.co_sources,
            &p.source,
        );
        let target = match (&g.target, &p.target) {
            (None, None) => true,
            (Some(_), Some(t)) => actor(
                g.target.as_ref(),
                g.target_country.as_ref(),
                &g.co_targets,
                t,
            ),
            _ => false,
        };
        source && target
    };
    let count = |ok: &dyn Fn(&GoldEvent, &PredictedEvent) -> bool| {
        let mut matching = Matching::new(gold.len(), predicted.len());
        for (g, gold_event) in gold.iter().enumerate() {
            if let Some(i) = (0..predicted.len())
                .find(|&i| !matching.correct[i] && ok(gold_event, &predicted[i]))
            {
                matching.correct[i] = true;
                matching.found[g] = true;
            }
        }
        matching
    };
    let e1 = count(&when);
    let e2 = count(&|g, p| when(g, p) && who(g, p));
    (e1, e2)
}

/// A gold quote: its speaker's name and the start of its text.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct GoldQuote {
    /// The speaker's canonical name.
    pub speaker: String,
    /// The quote's first characters.
    pub text: String,
}

/// Score predicted `(speaker name, text)` quotes: a pair matches when the speakers' names fold
/// alike and one text begins with the other, folded (gold texts are cut at 60 characters).
#[must_use]
pub fn score_quotes(gold: &[GoldQuote], predicted: &[(String, String)]) -> MatchCounts {
    match_quotes(gold, predicted).counts()
}

/// [`score_quotes`]'s matching, item by item.
#[must_use]
pub fn match_quotes(gold: &[GoldQuote], predicted: &[(String, String)]) -> Matching {
    let mut matching = Matching::new(gold.len(), predicted.len());
    for (g, quote) in gold.iter().enumerate() {
        let (speaker, text) = (fold(&quote.speaker), fold(&quote.text));
        let hit = predicted.iter().enumerate().position(|(i, (s, t))| {
            let t = fold(t);
            !matching.correct[i]
                && fold(s) == speaker
                && !t.is_empty()
                && (t.starts_with(&text) || text.starts_with(&t))
        });
        if let Some(i) = hit {
            matching.correct[i] = true;
            matching.found[g] = true;
        }
    }
    matching
}

/// A gold entity: its name and the forms the text names it by.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct GoldEntity {
    /// Canonical name.
    pub name: String,
    /// Surface forms in the text.
    #[serde(default)]
    pub aliases_in_text: Vec<String>,
}

/// A predicted entity: its name and the surfaces of its mentions outside boilerplate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PredictedEntity {
    /// `entities.name`.
    pub name: String,
    /// Distinct mention surfaces.
    pub surfaces: Vec<String>,
}

/// Counts for scoring predictions against gold items (entities, quotes): how many gold items
/// were found, and how many predictions were right. For one-to-one matching the two are equal.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct MatchCounts {
    /// Gold items.
    pub gold: u64,
    /// Gold items found.
    pub found: u64,
    /// Predicted items.
    pub predicted: u64,
    /// Predicted items that match a gold one.
    pub correct: u64,
}

impl MatchCounts {
    /// Add another document's counts.
    pub fn add(&mut self, other: &Self) {
        self.gold += other.gold;
        self.found += other.found;
        self.predicted += other.predicted;
        self.correct += other.correct;
    }

    /// Share of predictions that are right.
    #[must_use]
    pub fn precision(&self) -> f64 {
        ratio(self.correct, self.predicted)
    }

    /// Share of gold items found.
    #[must_use]
    pub fn recall(&self) -> f64 {
        ratio(self.found, self.gold)
    }

    /// Harmonic mean of precision and recall.
    #[must_use]
    pub fn f1(&self) -> f64 {
        f1(self.precision(), self.recall())
    }
}

/// Which gold items a scorer found and which predictions it counted right, item by item (for
/// `--explain`); [`Matching::counts`] gives the scores.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Matching {
    /// For each gold item, whether a prediction matched it.
    pub found: Vec<bool>,
    /// For each prediction, whether it matched a gold item.
    pub correct: Vec<bool>,
}

impl Matching {
    fn new(gold: usize, predicted: usize) -> Self {
        Self {
            found: vec![false; gold],
            correct: vec![false; predicted],
        }
    }

    /// The gold items not found and the predictions not right, each described.
    pub fn explain<G, P>(
        &self,
        gold: &[G],
        predicted: &[P],
        gold_text: impl Fn(&G) -> String,
        predicted_text: impl Fn(&P) -> String,
    ) -> (Vec<String>, Vec<String>) {
        let missed = gold
            .iter()
            .zip(&self.found)
            .filter(|(_, found)| !**found)
            .map(|(g, _)| gold_text(g))
            .collect();
        let spurious = predicted
            .iter()
            .zip(&self.correct)
            .filter(|(_, correct)| !**correct)
            .map(|(p, _)| predicted_text(p))
            .collect();
        (missed, spurious)
    }

    /// The counts the scores are made of.
    #[must_use]
    pub fn counts(&self) -> MatchCounts {
        let yes = |v: &[bool]| v.iter().filter(|&&b| b).count() as u64;
        MatchCounts {
            gold: self.found.len() as u64,
            found: yes(&self.found),
            predicted: self.correct.len() as u64,
            correct: yes(&self.correct),
        }
    }
}

/// Case and punctuation folded: lowercase letters and digits only.
fn fold(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Score predicted entities against gold ones: a gold entity is found when a predicted entity's
/// name or one of its surfaces equals the gold name or one of its surface forms, folded; a
/// predicted entity is correct the same way.
#[must_use]
pub fn score_entities(gold: &[GoldEntity], predicted: &[PredictedEntity]) -> MatchCounts {
    match_entities(gold, predicted).counts()
}

/// [`score_entities`]'s matching, item by item.
#[must_use]
pub fn match_entities(gold: &[GoldEntity], predicted: &[PredictedEntity]) -> Matching {
    let gold_forms: Vec<HashSet<String>> = gold
        .iter()
        .map(|g| {
            std::iter::once(&g.name)
                .chain(&g.aliases_in_text)
                .map(|s| fold(s))
                .collect()
        })
        .collect();
    let predicted_forms: Vec<HashSet<String>> = predicted
        .iter()
        .map(|p| {
            std::iter::once(&p.name)
                .chain(&p.surfaces)
                .map(|s| fold(s))
                .collect()
        })
        .collect();
    let matches = |a: &HashSet<String>, b: &HashSet<String>| !a.is_disjoint(b);
    Matching {
        found: gold_forms
            .iter()
            .map(|g| predicted_forms.iter().any(|p| matches(g, p)))
            .collect(),
        correct: predicted_forms
            .iter()
            .map(|p| gold_forms.iter().any(|g| matches(g, p)))
            .collect(),
    }
}

/// Confusion counts for line-level boilerplate detection (boilerplate is the positive class).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct LineCounts {
    /// Boilerplate lines labelled boilerplate.
    pub true_positives: u64,
    /// Content lines labelled boilerplate (article text lost).
    pub false_positives: u64,
    /// Boilerplate lines kept as content.
    pub false_negatives: u64,
    /// Content lines kept as content.
    pub true_negatives: u64,
}

impl LineCounts {
    /// Add another document's counts.
    pub fn add(&mut self, other: &Self) {
        self.true_positives += other.true_positives;
        self.false_positives += other.false_positives;
        self.false_negatives += other.false_negatives;
        self.true_negatives += other.true_negatives;
    }

    /// Share of predicted boilerplate lines that are gold boilerplate (1 when none predicted).
    #[must_use]
    pub fn precision(&self) -> f64 {
        ratio(
            self.true_positives,
            self.true_positives + self.false_positives,
        )
    }

    /// Share of gold boilerplate lines found (1 when there are none).
    #[must_use]
    pub fn recall(&self) -> f64 {
        ratio(
            self.true_positives,
            self.true_positives + self.false_negatives,
        )
    }

    /// Harmonic mean of precision and recall.
    #[must_use]
    pub fn f1(&self) -> f64 {
        f1(self.precision(), self.recall())
    }

    /// Share of gold content lines kept as content.
    #[must_use]
    pub fn content_recall(&self) -> f64 {
        ratio(
            self.true_negatives,
            self.true_negatives + self.false_positives,
        )
    }
}

/// Harmonic mean of a precision and a recall (0 when both are).
fn f1(precision: f64, recall: f64) -> f64 {
    if precision + recall == 0.0 {
        0.0
    } else {
        2.0 * precision * recall / (precision + recall)
    }
}

#[allow(clippy::cast_precision_loss)] // line counts are far below 2^52
fn ratio(num: u64, den: u64) -> f64 {
    if den == 0 {
        1.0
    } else {
        num as f64 / den as f64
    }
}

/// Score one document: `raw` is its text, `predicted` the numbers of the lines labelled
/// boilerplate, `gold` the gold annotation.
#[must_use]
pub fn score_lines<S: std::hash::BuildHasher>(
    raw: &str,
    predicted: &HashSet<usize, S>,
    gold: &Gold,
) -> LineCounts {
    let gold: HashSet<usize> = gold.boilerplate_line_numbers.iter().copied().collect();
    let mut counts = LineCounts::default();
    for (index, line) in split_lines(raw).enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let n = index + 1;
        match (predicted.contains(&n), gold.contains(&n)) {
            (true, true) => counts.true_positives += 1,
            (true, false) => counts.false_positives += 1,
            (false, true) => counts.false_negatives += 1,
            (false, false) => counts.true_negatives += 1,
        }
    }
    counts
}

/// The lines [`score_lines`] counts against a document, as `L12: the line`: gold boilerplate
/// kept as article text (missed), and article lines labelled boilerplate (spurious).
#[must_use]
pub fn explain_lines<S: std::hash::BuildHasher>(
    raw: &str,
    predicted: &HashSet<usize, S>,
    gold: &Gold,
) -> (Vec<String>, Vec<String>) {
    let gold: HashSet<usize> = gold.boilerplate_line_numbers.iter().copied().collect();
    let (mut missed, mut spurious) = (Vec::new(), Vec::new());
    for (index, line) in split_lines(raw).enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let n = index + 1;
        let shown = format!("L{n}: {}", line.trim_end());
        match (predicted.contains(&n), gold.contains(&n)) {
            (false, true) => missed.push(shown),
            (true, false) => spurious.push(shown),
            _ => {}
        }
    }
    (missed, spurious)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_scores() {
        let raw = "ad\n\ntitle\nbody one\nbody two\n\nfooter\n";
        let gold = Gold {
            boilerplate_line_numbers: vec![1, 7],
            ..Gold::default()
        };
        let predicted: HashSet<usize> = [1, 5].into_iter().collect();
        let c = score_lines(raw, &predicted, &gold);
        assert_eq!(
            c,
            LineCounts {
                true_positives: 1,
                false_positives: 1,
                false_negatives: 1,
                true_negatives: 2
            }
        );
        assert!((c.precision() - 0.5).abs() < 1e-9);
        assert!((c.recall() - 0.5).abs() < 1e-9);
        assert!((c.f1() - 0.5).abs() < 1e-9);
        assert!((c.content_recall() - 2.0 / 3.0).abs() < 1e-9);
    }

    #[test]
    fn entity_scoring_folds_case_and_punctuation() {
        let gold = vec![
            GoldEntity {
                name: "South Korea".into(),
                aliases_in_text: vec!["Seoul".into()],
            },
            GoldEntity {
                name: "Centre for Rule Making Strategies".into(),
                aliases_in_text: vec![],
            },
            GoldEntity {
                name: "Moon Jae-in".into(),
                aliases_in_text: vec!["Moon".into()],
            },
        ];
        let predicted = vec![
            PredictedEntity {
                name: "South Korea".into(),
                surfaces: vec!["Seoul".into()],
            },
            PredictedEntity {
                name: "Centre for Rulemaking Strategies".into(),
                surfaces: vec![],
            },
            PredictedEntity {
                name: "Fumio Kishida".into(),
                surfaces: vec!["Kishida".into()],
            },
        ];
        let c = score_entities(&gold, &predicted);
        assert_eq!(
            c,
            MatchCounts {
                gold: 3,
                found: 2,
                predicted: 3,
                correct: 2
            }
        );
    }

    #[test]
    fn empty_cases_are_perfect_not_nan() {
        let c = score_lines("a\nb\n", &HashSet::new(), &Gold::default());
        assert!((c.f1() - 1.0).abs() < 1e-9);
        assert!((c.content_recall() - 1.0).abs() < 1e-9);
    }
}
