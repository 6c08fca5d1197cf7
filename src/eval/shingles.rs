//! The article-body metric of the Zyte (Scrapinghub) article extraction benchmark, as its
//! `evaluate.py` computes it (`string_shingle_matching`).
//!
//! Both texts are cut into word tokens (runs of Unicode letters, digits and underscores; case
//! kept, everything else dropped) and each becomes a multiset of 4-token shingles (a text of
//! fewer than 4 tokens is one shingle of them all). Shingles in both count as true positives, up
//! to the smaller count; the rest of the extracted ones are false positives and the rest of the
//! truth's false negatives. A page's precision is tp / (tp + fp), its recall tp / (tp + fn). The
//! benchmark's precision is the mean of the pages' precisions over the pages where something was
//! extracted; its recall the mean of the pages' recalls over all pages (nothing extracted:
//! recall 0); F1 their harmonic mean.

use std::collections::HashMap;

use serde::Serialize;

/// Shingle length in tokens.
const SHINGLE: usize = 4;

/// A page's counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct PageScore {
    /// Shingles in both.
    pub tp: usize,
    /// Extracted shingles not in the truth.
    pub fp: usize,
    /// Truth shingles not extracted.
    pub fn_: usize,
    /// Whether anything was extracted.
    pub extracted: bool,
}

impl PageScore {
    /// tp / (tp + fp), or 0.
    #[must_use]
    pub fn precision(&self) -> f64 {
        ratio(self.tp, self.tp + self.fp)
    }

    /// tp / (tp + fn), or 0.
    #[must_use]
    pub fn recall(&self) -> f64 {
        ratio(self.tp, self.tp + self.fn_)
    }
}

#[allow(clippy::cast_precision_loss)]
fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

/// Word tokens: runs of letters, digits and underscores, as Python's `\w` matches them
/// (`evaluate.py` uses it): combining marks (Arabic vowel signs, say) are not word characters
/// there, although Unicode counts many as alphabetic.
fn tokens(text: &str) -> Vec<&str> {
    let word = |c: char| {
        c == '_' || (c.is_alphanumeric() && !unicode_normalization::char::is_combining_mark(c))
    };
    text.split(|c: char| !word(c))
        .filter(|t| !t.is_empty())
        .collect()
}

fn shingles(text: &str) -> HashMap<Vec<&str>, usize> {
    let tokens = tokens(text);
    let mut out = HashMap::new();
    if tokens.len() < SHINGLE {
        if !tokens.is_empty() {
            out.insert(tokens, 1);
        }
        return out;
    }
    for window in tokens.windows(SHINGLE) {
        *out.entry(window.to_vec()).or_insert(0) += 1;
    }
    out
}

/// Score one page's extracted text against its true article body.
#[must_use]
pub fn score(extracted: &str, truth: &str) -> PageScore {
    let got = shingles(extracted);
    let want = shingles(truth);
    let total = |m: &HashMap<Vec<&str>, usize>| m.values().sum::<usize>();
    let tp: usize = got
        .iter()
        .map(|(s, &n)| n.min(want.get(s).copied().unwrap_or(0)))
        .sum();
    PageScore {
        tp,
        fp: total(&got) - tp,
        fn_: total(&want) - tp,
        extracted: !got.is_empty(),
    }
}

/// The benchmark's figures over pages.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Summary {
    /// Pages scored.
    pub pages: usize,
    /// Mean precision over pages where something was extracted.
    pub precision: f64,
    /// Mean recall over all pages.
    pub recall: f64,
    /// Harmonic mean of the two.
    pub f1: f64,
}

/// Summarise page scores as the benchmark does.
#[must_use]
pub fn summarise(pages: &[PageScore]) -> Summary {
    let extracted: Vec<&PageScore> = pages.iter().filter(|p| p.extracted).collect();
    #[allow(clippy::cast_precision_loss)]
    let mean = |sum: f64, n: usize| if n == 0 { 0.0 } else { sum / n as f64 };
    let precision = mean(
        extracted.iter().map(|p| p.precision()).sum(),
        extracted.len(),
    );
    let recall = mean(pages.iter().map(PageScore::recall).sum(), pages.len());
    let f1 = if precision + recall == 0.0 {
        0.0
    } else {
        2.0 * precision * recall / (precision + recall)
    };
    Summary {
        pages: pages.len(),
        precision,
        recall,
        f1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_shared_four_word_shingles() {
        let s = score("one two three four five", "one two three four six");
        assert_eq!((s.tp, s.fp, s.fn_), (1, 1, 1));
        assert!((s.precision() - 0.5).abs() < 1e-9);
        let same = score("Hello, world! It's here.", "Hello world It s here");
        assert_eq!((same.tp, same.fp, same.fn_), (2, 0, 0));
        // A combining mark splits a word, as in Python's regular expressions.
        assert_eq!(tokens("كَتَبَ x_1"), ["ك", "ت", "ب", "x_1"]);
    }

    #[test]
    fn short_texts_are_one_shingle_and_empty_extractions_cost_recall_only() {
        let s = score("a b", "a b");
        assert_eq!((s.tp, s.fp, s.fn_), (1, 0, 0));
        let none = score("", "one two three four");
        assert!(!none.extracted);
        let summary = summarise(&[s, none]);
        assert!((summary.precision - 1.0).abs() < 1e-9);
        assert!((summary.recall - 0.5).abs() < 1e-9);
    }
}
