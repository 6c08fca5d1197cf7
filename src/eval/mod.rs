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
pub mod pages;
pub mod shingles;

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

/// A predicted event as the scorer reads it from the archive: the `events` row one of the
/// article's mentions names, with each actor's keys (its name, country and aliases, normalized
/// by [`norm`]).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PredictedEvent {
    /// First and last day of the event's date (`events.date_start`, `date_end`).
    pub span: Option<(jiff::civil::Date, jiff::civil::Date)>,
    /// 0 for a year, 1 a month, 2 a day.
    pub rank: u8,
    /// Two-digit CAMEO root.
    pub root: Option<String>,
    /// The source's keys (`None`: no source).
    pub source: Option<Vec<String>>,
    /// The target's keys (`None`: no target).
    pub target: Option<Vec<String>>,
}

/// A stored date precision's rank, as the scorer counts it.
#[must_use]
pub fn precision_rank(precision: Option<&str>) -> u8 {
    match precision {
        Some("day") => 2,
        Some("month") => 1,
        _ => 0,
    }
}

/// A gold date (`YYYY`, `YYYY-MM`, `YYYY-MM-DD` or a range `A/B`) as first day, last day and
/// rank; `None` when it does not parse.
fn gold_span(date: &str) -> Option<(jiff::civil::Date, jiff::civil::Date, u8)> {
    use jiff::civil::Date;
    if let Some((a, b)) = date.split_once('/') {
        let (a, b) = (gold_span(a)?, gold_span(b)?);
        return Some((a.0, b.1, a.2.min(b.2)));
    }
    let parts: Vec<&str> = date.split('-').collect();
    let year: i16 = parts.first()?.trim().parse().ok()?;
    match parts.len() {
        1 => Some((
            Date::new(year, 1, 1).ok()?,
            Date::new(year, 12, 31).ok()?,
            0,
        )),
        2 => {
            let first = Date::new(year, parts[1].parse().ok()?, 1).ok()?;
            Some((first, first.last_of_month(), 1))
        }
        _ => {
            let day: i8 = parts[2].get(..2).unwrap_or(parts[2]).parse().ok()?;
            let d = Date::new(year, parts[1].parse().ok()?, day).ok()?;
            Some((d, d, 2))
        }
    }
}

/// The gold events as the scorer counts them: one per (date, type, source, target).
#[must_use]
pub fn distinct_gold_events(gold: &[GoldEvent]) -> Vec<&GoldEvent> {
    let mut seen = HashSet::new();
    gold.iter()
        .filter(|g| seen.insert((&g.date, &g.kind, &g.source, &g.target)))
        .collect()
}

/// Score events as `score.py` does: E1 matches the date (the predicted span overlaps the gold
/// one and is at least as precise) and the CAMEO root; E2 also the source and the target, each
/// by a shared key (the gold's name or country against the entity's name, country or aliases);
/// a gold event without a target takes any. One-to-one, greedy in gold order over `gold` as
/// [`distinct_gold_events`] gives it.
#[must_use]
pub fn score_events(
    gold: &[&GoldEvent],
    predicted: &[PredictedEvent],
    taxonomy: &crate::extract::cameo::Taxonomy,
) -> (MatchCounts, MatchCounts) {
    let (e1, e2) = match_events(gold, predicted, taxonomy);
    (e1.counts(), e2.counts())
}

/// [`score_events`]'s matching, item by item: E1, then E2.
#[must_use]
pub fn match_events(
    gold: &[&GoldEvent],
    predicted: &[PredictedEvent],
    taxonomy: &crate::extract::cameo::Taxonomy,
) -> (Matching, Matching) {
    let keys = |name: Option<&String>, country: Option<&String>| -> HashSet<String> {
        [name, country]
            .into_iter()
            .map(|s| norm(s.map_or("", String::as_str)))
            .filter(|k| !k.is_empty())
            .collect()
    };
    let golds: Vec<_> = gold
        .iter()
        .map(|g| {
            (
                gold_span(&g.date),
                taxonomy.root_named(&g.kind).map(|c| c.code.clone()),
                keys(g.source.as_ref(), g.source_country.as_ref()),
                g.target
                    .as_ref()
                    .map(|_| keys(g.target.as_ref(), g.target_country.as_ref())),
            )
        })
        .collect();
    let date_ok =
        |p: &PredictedEvent, span: Option<(jiff::civil::Date, jiff::civil::Date, u8)>| match (
            span, p.span,
        ) {
            (Some((gs, ge, rank)), Some((ps, pe))) => ps <= ge && pe >= gs && p.rank >= rank,
            _ => false,
        };
    let actor_ok = |p: Option<&Vec<String>>, g: Option<&HashSet<String>>| match g {
        None => true,
        Some(g) => p.is_some_and(|p| p.iter().any(|k| g.contains(k))),
    };
    let when = |i: usize, p: &PredictedEvent| {
        let (span, root, ..) = &golds[i];
        date_ok(p, *span) && root.is_some() && p.root.as_ref() == root.as_ref()
    };
    let who = |i: usize, p: &PredictedEvent| {
        let (_, _, source, target) = &golds[i];
        actor_ok(p.source.as_ref(), Some(source)) && actor_ok(p.target.as_ref(), target.as_ref())
    };
    let count = |ok: &dyn Fn(usize, &PredictedEvent) -> bool| {
        let mut matching = Matching::new(gold.len(), predicted.len());
        for g in 0..gold.len() {
            if let Some(i) =
                (0..predicted.len()).find(|&i| !matching.correct[i] && ok(g, &predicted[i]))
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

/// Score predicted `(speaker name, text)` quotes (see [`match_quotes`]).
#[must_use]
pub fn score_quotes(gold: &[GoldQuote], predicted: &[(String, String)]) -> MatchCounts {
    match_quotes(gold, predicted).counts()
}

/// [`score_quotes`]'s matching, item by item, as `score.py` does it: a gold quote is found by
/// the first unused prediction whose text contains the gold text's first 25 normalized
/// characters and whose speaker's name equals the gold speaker's or contains it, or is
/// contained in it (both normalized by [`norm`]).
#[must_use]
pub fn match_quotes(gold: &[GoldQuote], predicted: &[(String, String)]) -> Matching {
    let mut matching = Matching::new(gold.len(), predicted.len());
    let predicted: Vec<(String, String)> = predicted
        .iter()
        .map(|(speaker, text)| (norm(speaker), norm(text)))
        .collect();
    for (g, quote) in gold.iter().enumerate() {
        let speaker = norm(&quote.speaker);
        let text: String = norm(&quote.text).chars().take(25).collect();
        let hit = predicted.iter().enumerate().position(|(i, (s, t))| {
            !matching.correct[i]
                && !text.is_empty()
                && t.contains(&text)
                && !s.is_empty()
                && (*s == speaker || speaker.contains(s.as_str()) || s.contains(&speaker))
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

    /// Share of predictions that are right, for one document as `score.py` counts it: with no
    /// prediction, 1 when there was nothing to find, else 0.
    #[must_use]
    pub fn precision(&self) -> f64 {
        if self.predicted == 0 {
            return if self.gold == 0 { 1.0 } else { 0.0 };
        }
        ratio(self.correct, self.predicted)
    }

    /// Share of gold items found, for one document: 1 when there was nothing to find.
    #[must_use]
    pub fn recall(&self) -> f64 {
        ratio(self.found, self.gold)
    }

    /// Harmonic mean of precision and recall.
    #[must_use]
    pub fn f1(&self) -> f64 {
        f1(self.precision(), self.recall())
    }

    /// Precision over a whole set, as `score.py` sums it: 0 with no prediction at all.
    #[must_use]
    pub fn total_precision(&self) -> f64 {
        if self.predicted == 0 {
            0.0
        } else {
            ratio(self.correct, self.predicted)
        }
    }

    /// Recall over a whole set: 0 with nothing to find at all.
    #[must_use]
    pub fn total_recall(&self) -> f64 {
        if self.gold == 0 {
            0.0
        } else {
            ratio(self.found, self.gold)
        }
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

/// A name or text as the scorer compares it (`score.py`'s `norm`): compatibility-decomposed,
/// combining marks dropped, lowercased, a leading "the", "mr", "mrs", "ms" or "dr" and a trailing
/// "'s" removed, then only ASCII letters and digits kept.
#[must_use]
pub fn norm(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    use unicode_normalization::char::canonical_combining_class;
    static TITLE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"^(the|mr|mrs|ms|dr)\.?\s+").unwrap_or_else(|e| panic!("{e}"))
    });
    let folded: String = s
        .nfkd()
        .filter(|c| canonical_combining_class(*c) == 0)
        .collect::<String>()
        .to_lowercase();
    let folded = TITLE.replace(&folded, "");
    let folded = folded
        .strip_suffix("'s")
        .or_else(|| folded.strip_suffix("’s"))
        .unwrap_or(&folded);
    folded
        .chars()
        .filter(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        .collect()
}

/// Score predicted entities against gold ones, as `score.py` does: a gold entity is found when a
/// predicted entity's name or one of its surfaces equals the gold name or one of its surface
/// forms, normalized by [`norm`]; a predicted entity is correct the same way.
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
                .map(|s| norm(s))
                .collect()
        })
        .collect();
    let predicted_forms: Vec<HashSet<String>> = predicted
        .iter()
        .map(|p| {
            std::iter::once(&p.name)
                .chain(&p.surfaces)
                .map(|s| norm(s))
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

    /// The scorer's normalization, as `score.py` writes it: accents off, a leading title and
    /// a trailing possessive dropped, only ASCII letters and digits kept.
    #[test]
    fn names_are_normalized_as_the_reference_scorer_does() {
        for (raw, want) in [
            ("Recep Tayyip Erdoğan", "receptayyiperdogan"),
            ("Mr. Barnier", "barnier"),
            ("the Kremlin", "kremlin"),
            ("Dr Ada Quill", "adaquill"),
            ("Japan's", "japan"),
            ("Japan’s", "japan"),
            ("Thereza", "thereza"),
            ("서울", ""),
            ("İzmir", "izmir"),
            ("ﬁnance", "finance"),
        ] {
            assert_eq!(norm(raw), want, "{raw:?}");
        }
    }

    /// A quote is found by a prediction whose text holds the gold's first 25 normalized
    /// characters and whose speaker's name holds, or is held in, the gold speaker's.
    #[test]
    fn quotes_match_by_speaker_containment_and_the_gold_texts_start() {
        let gold = [GoldQuote {
            speaker: "Hassan Rouhani".into(),
            text: "If negotiations fail, the Islamic Republic will".into(),
        }];
        let said = |speaker: &str, text: &str| vec![(speaker.to_string(), text.to_string())];
        let full = "He said: if negotiations fail, the Islamic Republic will enrich uranium.";
        assert_eq!(
            match_quotes(&gold, &said("Rouhani", full)).counts().found,
            1
        );
        assert_eq!(
            match_quotes(&gold, &said("Hassan Rohani", full))
                .counts()
                .found,
            0
        );
        assert_eq!(
            match_quotes(&gold, &said("Rouhani", "If negotiations fail, they"))
                .counts()
                .found,
            0,
            "the prediction must hold the gold's first 25 characters"
        );
    }
}
