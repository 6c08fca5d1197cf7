//! The CAMEO event taxonomy and the phrase patterns that map sentences onto it.
//!
//! Both are data: `data/cameo/codes.tsv` (every root and three-digit code with its name, quad
//! class and Goldstein value) and `data/cameo/patterns.tsv` (phrases, each with the code it
//! stands for and a rule name stored with every event it codes). A small pattern language keeps
//! the phrase list readable: see the header of `patterns.tsv`.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::ops::Range;
use std::sync::OnceLock;

use aho_corasick::AhoCorasick;
use regex::Regex;

use crate::text::regexes::ascii_word_boundaries;

/// One CAMEO code.
#[derive(Debug, Clone, PartialEq)]
pub struct Code {
    /// The code as text, leading zeros kept: `"057"`.
    pub code: String,
    /// Its name: "Sign formal agreement".
    pub name: String,
    /// 1 verbal cooperation, 2 material cooperation, 3 verbal conflict, 4 material conflict.
    pub quad_class: u8,
    /// The code's value on the Goldstein scale (−10 conflict … +10 cooperation).
    pub goldstein: f64,
}

impl Code {
    /// The two-digit root: `"05"` for `"057"`.
    #[must_use]
    pub fn root(&self) -> &str {
        &self.code[..2]
    }
}

/// What a pattern tells the coder beyond its code.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[allow(clippy::struct_excessive_bools)]
pub struct Flags {
    /// A nominal phrase ("talks with"): never read as a passive.
    pub noun: bool,
    /// A joint action: in "A and B met" B is the target.
    pub symmetric: bool,
    /// A target must follow the phrase directly.
    pub object: bool,
    /// No event without a target.
    pub target: bool,
    /// A place with a country may stand for the target ("visited Washington"), and a target
    /// may follow "in" or "at".
    pub place: bool,
    /// "brought A and B together": A is the target, and A and B also meet.
    pub pair: bool,
    /// An actor inside the phrase may be its target ("attended a NATO summit"); otherwise one
    /// there only qualifies the object ("withdrew its WTO complaint").
    pub inner: bool,
    /// A statement ("said on Monday"): coded only when nothing else in the sentence is, and
    /// its source may follow it ("…, said the minister on Monday").
    pub say: bool,
    /// The target may be the subject of a that-clause after the phrase ("demanded that
    /// Ruritania withdraw").
    pub that: bool,
}

/// One phrase pattern.
#[derive(Debug)]
pub struct Pattern {
    /// Index into [`Taxonomy::codes`].
    pub code: usize,
    /// The rule name stored with the events it codes.
    pub rule: String,
    /// How the coder reads it.
    pub flags: Flags,
    /// The phrase as a regular expression, anchored at the start of the text it is run on.
    source: String,
    /// It compiled, on first use: most patterns never match a given archive's text, and
    /// compiling all of them would cost every run a tenth of a second.
    regex: OnceLock<Regex>,
}

impl Pattern {
    /// The compiled phrase, which matches only at the start of a text.
    ///
    /// # Panics
    ///
    /// Never for the built-in patterns (a test compiles every one) nor for any phrase
    /// the pattern language makes: escaped words, fixed gaps and alternations.
    fn regex(&self) -> &Regex {
        self.regex.get_or_init(|| {
            Regex::new(&self.source).unwrap_or_else(|e| panic!("pattern {}: {e}", self.rule))
        })
    }
}

/// The codes and patterns.
pub struct Taxonomy {
    /// Every code, in file order (roots before their children).
    pub codes: Vec<Code>,
    by_code: HashMap<String, usize>,
    /// Every pattern, in file order.
    pub patterns: Vec<Pattern>,
    /// The words a pattern can start with, to find which patterns a sentence can match
    /// before running any of their regexes (a `RegexSet` of all of them is ~20× slower).
    triggers: AhoCorasick,
    /// The patterns each trigger word starts.
    triggered: Vec<Vec<usize>>,
}

impl std::fmt::Debug for Taxonomy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Taxonomy({} codes, {} patterns)",
            self.codes.len(),
            self.patterns.len()
        )
    }
}

impl Taxonomy {
    /// Parse the two files.
    pub fn parse(codes: &str, patterns: &str) -> Result<Self, String> {
        let mut all = Vec::new();
        for (n, line) in data_lines(codes).skip(1) {
            let f: Vec<&str> = line.split('\t').collect();
            let [code, name, quad, goldstein] = f.as_slice() else {
                return Err(format!("codes.tsv line {n}: expected 4 columns"));
            };
            let valid = (2..=4).contains(&code.len()) && code.chars().all(|c| c.is_ascii_digit());
            if !valid {
                return Err(format!("codes.tsv line {n}: bad code {code:?}"));
            }
            all.push(Code {
                code: (*code).to_string(),
                name: (*name).to_string(),
                quad_class: quad
                    .parse()
                    .ok()
                    .filter(|q| (1..=4).contains(q))
                    .ok_or_else(|| format!("codes.tsv line {n}: bad quad class"))?,
                goldstein: goldstein
                    .parse()
                    .ok()
                    .filter(|g: &f64| (-10.0..=10.0).contains(g))
                    .ok_or_else(|| format!("codes.tsv line {n}: bad Goldstein value"))?,
            });
        }
        let by_code: HashMap<String, usize> = all
            .iter()
            .enumerate()
            .map(|(i, c)| (c.code.clone(), i))
            .collect();
        if let Some(orphan) = all.iter().find(|c| !by_code.contains_key(c.root())) {
            return Err(format!("codes.tsv: {} has no root code", orphan.code));
        }
        let mut compiled = Vec::new();
        let mut phrases: Vec<String> = Vec::new();
        for (n, line) in data_lines(patterns).skip(1) {
            let f: Vec<&str> = line.split('\t').collect();
            let [code, rule, flags, phrase] = f.as_slice() else {
                return Err(format!("patterns.tsv line {n}: expected 4 columns"));
            };
            let code = *by_code
                .get(*code)
                .ok_or_else(|| format!("patterns.tsv line {n}: unknown code {code:?}"))?;
            let flags = parse_flags(flags).map_err(|e| format!("patterns.tsv line {n}: {e}"))?;
            phrases.push((*phrase).to_string());
            compiled.push(Pattern {
                code,
                rule: (*rule).to_string(),
                flags,
                source: compile(phrase),
                regex: OnceLock::new(),
            });
        }
        let mut words: Vec<String> = Vec::new();
        let mut triggered: Vec<Vec<usize>> = Vec::new();
        for (i, phrase) in phrases.iter().enumerate() {
            for word in first_words(phrase) {
                let k = words.iter().position(|w| *w == word).unwrap_or_else(|| {
                    words.push(word);
                    triggered.push(Vec::new());
                    words.len() - 1
                });
                triggered[k].push(i);
            }
        }
        let triggers = AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(&words)
            .map_err(|e| format!("patterns.tsv: {e}"))?;
        Ok(Self {
            codes: all,
            by_code,
            patterns: compiled,
            triggers,
            triggered,
        })
    }

    /// Every match in `text` of every pattern, as (byte range, pattern index), pattern by
    /// pattern, each pattern's matches left to right and not overlapping (as
    /// `Regex::find_iter` gives them).
    ///
    /// A pattern's match begins with one of its first words, so each pattern is tried only
    /// where one of those occurs as a whole word, anchored there, rather than scanned over the
    /// whole text.
    #[must_use]
    pub fn matches(&self, text: &str) -> Vec<(Range<usize>, usize)> {
        let bytes = text.as_bytes();
        // The word characters of the patterns' ASCII `\b`.
        let word_char = |b: Option<u8>| b.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_');
        let mut starts: Vec<(usize, usize)> = Vec::new();
        for m in self.triggers.find_overlapping_iter(text) {
            let before = m.start().checked_sub(1).map(|i| bytes[i]);
            let after = bytes.get(m.end()).copied();
            if !word_char(before) && !word_char(after) {
                starts.extend(
                    self.triggered[m.pattern().as_usize()]
                        .iter()
                        .map(|&i| (i, m.start())),
                );
            }
        }
        starts.sort_unstable();
        starts.dedup();
        let mut out = Vec::new();
        let mut last: Option<(usize, usize)> = None; // (pattern, end of its last match)
        for (i, start) in starts {
            if last.is_some_and(|(p, end)| p == i && start < end) {
                continue; // inside this pattern's previous match
            }
            if let Some(m) = self.patterns[i].regex().find(&text[start..]) {
                let range = start + m.start()..start + m.end();
                last = Some((i, range.end));
                out.push((range, i));
            }
        }
        out
    }

    /// Look a code up by its text.
    #[must_use]
    pub fn code(&self, code: &str) -> Option<&Code> {
        self.by_code.get(code).map(|&i| &self.codes[i])
    }

    /// The index of a code in [`Taxonomy::codes`].
    #[must_use]
    pub fn index_of(&self, code: &str) -> Option<usize> {
        self.by_code.get(code).copied()
    }

    /// The code an intended action takes: "will meet" expresses intent to meet (036), "plans
    /// to impose sanctions" threatens them (131), "vowed to strike" threatens force (138).
    /// `decided` says an announced decision governs it ("announced that it will withdraw"):
    /// then a reduction of relations is coded as done. `None`: no event (an intended
    /// criticism or investigation is only talk).
    #[must_use]
    pub fn intended(&self, code: usize, decided: bool) -> Option<usize> {
        let own = &self.codes[code];
        let to = match own.root() {
            "03" | "13" | "15" => return Some(code),
            "04" if own.code == "045" => "039",
            "04" => "036",
            "05" => "032",
            "06" => "031",
            "07" => "033",
            "08" => "035",
            "16" if decided => return Some(code),
            "16" => "131",
            "17" => "137",
            "18" | "19" | "20" => "138",
            _ => return None,
        };
        self.index_of(to)
    }

    /// The root code whose name is `name`, ignoring case ("CONSULT" → "04").
    #[must_use]
    pub fn root_named(&self, name: &str) -> Option<&Code> {
        self.codes
            .iter()
            .find(|c| c.code.len() == 2 && c.name.eq_ignore_ascii_case(name.trim()))
    }
}

/// Non-blank, non-comment lines with their 1-based line numbers.
fn data_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim_end_matches('\r')))
        .filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#'))
}

fn parse_flags(text: &str) -> Result<Flags, String> {
    let mut flags = Flags::default();
    for flag in text.split(',').map(str::trim).filter(|f| *f != "-") {
        match flag {
            "noun" => flags.noun = true,
            "sym" => flags.symmetric = true,
            "object" => flags.object = true,
            "target" => flags.target = true,
            "place" => flags.place = true,
            "pair" => flags.pair = true,
            "inner" => flags.inner = true,
            "say" => flags.say = true,
            "that" => flags.that = true,
            other => return Err(format!("unknown flag {other:?}")),
        }
    }
    Ok(flags)
}

/// The words a phrase can begin with: the alternatives of its first word, and of the words
/// after it while they are optional.
fn first_words(phrase: &str) -> Vec<String> {
    let mut out = Vec::new();
    for token in phrase.split_whitespace() {
        let (word, optional) = match token.strip_suffix('?') {
            Some(w) => (w, true),
            None => (token, false),
        };
        out.extend(word.split('|').map(str::to_ascii_lowercase));
        if !optional {
            break;
        }
    }
    out
}

/// Turn a phrase pattern into a regular expression (case-insensitive, whole words) that
/// matches at the start of its text only. Run on the rest of a text from a word that follows a
/// non-word character, its leading `\b` reads as it would in the whole text.
fn compile(phrase: &str) -> String {
    let mut out = String::from(r"^(?i)\b");
    let mut need_space = false;
    for token in phrase.split_whitespace() {
        let gap = match token {
            "*" => Some(3),
            "**" => Some(12),
            _ => token.strip_prefix('*').and_then(|n| n.parse::<u8>().ok()),
        };
        if let Some(most) = gap {
            if need_space {
                out.push_str(r"\s+");
            }
            let _ = write!(out, r"(?:[^\s,]+,?\s+){{0,{most}}}?");
            need_space = false;
            continue;
        }
        let (word, optional) = match token.strip_suffix('?') {
            Some(w) => (w, true),
            None => (token, false),
        };
        let alternatives: Vec<String> = word.split('|').map(regex::escape).collect();
        let group = format!("(?:{})", alternatives.join("|"));
        match (optional, need_space) {
            (true, true) => {
                let _ = write!(out, r"(?:\s+{group})?");
            }
            (true, false) => {
                let _ = write!(out, r"(?:{group}\s+)?");
            }
            (false, true) => {
                let _ = write!(out, r"\s+{group}");
            }
            (false, false) => out.push_str(&group),
        }
        need_space = !optional || need_space;
    }
    out.push_str(r"\b");
    ascii_word_boundaries(&out)
}

impl Taxonomy {
    /// The built-in taxonomy (`data/cameo/`).
    ///
    /// # Panics
    ///
    /// Never in a released binary: the tests parse the same compiled-in files.
    #[must_use]
    pub fn built_in() -> Self {
        // The built-in files are checked by the tests below, so this parse cannot fail in a
        // released binary.
        Self::parse(
            include_str!("../../data/cameo/codes.tsv"),
            include_str!("../../data/cameo/patterns.tsv"),
        )
        .unwrap_or_else(|e| panic!("CAMEO data: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_data_parses_and_matches_the_published_values() {
        let t = Taxonomy::built_in();
        assert!(t.codes.len() > 160);
        // Patterns compile on first use; every built-in one must.
        for p in &t.patterns {
            assert!(Regex::new(&p.source).is_ok(), "{}", p.rule);
        }
        assert!(t.patterns.len() > 70);
        for (code, goldstein, quad) in [
            ("01", 0.0, 1),
            ("02", 3.0, 1),
            ("03", 4.0, 1),
            ("04", 1.0, 1),
            ("05", 3.5, 1),
            ("057", 8.0, 1),
            ("06", 6.0, 2),
            ("07", 7.0, 2),
            ("08", 5.0, 2),
            ("09", -2.0, 3),
            ("10", -5.0, 3),
            ("11", -2.0, 3),
            ("12", -4.0, 3),
            ("13", -6.0, 3),
            ("14", -6.5, 4),
            ("15", -7.2, 4),
            ("16", -4.0, 4),
            ("163", -8.0, 4),
            ("17", -7.0, 4),
            ("172", -5.0, 4),
            ("18", -9.0, 4),
            ("19", -10.0, 4),
            ("20", -10.0, 4),
        ] {
            let c = t.code(code).unwrap();
            assert!((c.goldstein - goldstein).abs() < 1e-9, "{code}");
            assert_eq!(c.quad_class, quad, "{code}");
        }
        assert_eq!(t.root_named("REDUCE RELATIONS").unwrap().code, "16");
    }

    /// A taxonomy of one code and the given phrases, all coded 010.
    fn taxonomy_of(phrases: &[&str]) -> Taxonomy {
        let codes =
            "code\tname\tquad_class\tgoldstein\n01\tStatement\t1\t0.0\n010\tStatement\t1\t0.0\n";
        let mut patterns = String::from("code\trule\tflags\tpattern\n");
        for (i, phrase) in phrases.iter().enumerate() {
            let _ = writeln!(patterns, "010\tp{i}\t-\t{phrase}");
        }
        Taxonomy::parse(codes, &patterns).unwrap()
    }

    /// The first match of `phrase` in `text`.
    #[track_caller]
    fn matches(phrase: &str, text: &str) -> Option<String> {
        let found = taxonomy_of(&[phrase]).matches(text);
        found.first().map(|(r, _)| text[r.clone()].to_string())
    }

    /// Each pattern's matches, tried only at its first words, are those a scan of the whole
    /// text finds: left to right, none inside another, none inside a longer word.
    #[test]
    fn matches_are_those_of_a_scan_of_the_whole_text() {
        let phrases = [
            "met with?",
            "talks? with",
            "agreed|agree to? * deal",
            "imposed * sanctions",
        ];
        let t = taxonomy_of(&phrases);
        let text = "Ann met with Bo, who met Cy; talks with Dee and more talks, \
                    then_met unmet _met agreed to a deal, agreed to agree to the deal. \
                    They imposed sanctions imposed new sanctions (MET again).";
        let mut want = Vec::new();
        for (i, phrase) in phrases.iter().enumerate() {
            let whole = Regex::new(&compile(phrase)[1..]).unwrap();
            want.extend(whole.find_iter(text).map(|m| (m.range(), i)));
        }
        let mut got = t.matches(text);
        got.sort_by_key(|(r, i)| (*i, r.start));
        want.sort_by_key(|(r, i)| (*i, r.start));
        assert_eq!(got, want);
        assert_eq!(got.len(), 9, "{got:?}");
    }

    #[test]
    fn pattern_language() {
        assert_eq!(
            matches(
                "imposed * restrictions|curbs",
                "Japan imposed new export curbs on"
            ),
            Some("imposed new export curbs".into())
        );
        assert_eq!(
            matches("agree|agreed to|on?", "they agreed to lift"),
            Some("agreed to".into())
        );
        assert_eq!(
            matches("agree|agreed to|on?", "they agreed."),
            Some("agreed".into())
        );
        assert_eq!(matches("met with?", "Abe met Park"), Some("met".into()));
        assert_eq!(matches("met", "Abe metered"), None);
        assert_eq!(
            matches(
                "brought ** together",
                "Obama brought President Park Geun-hye and Prime Minister Shinzo Abe together"
            ),
            Some("brought President Park Geun-hye and Prime Minister Shinzo Abe together".into())
        );
        assert_eq!(
            matches("broke off? ties", "They broke ties"),
            Some("broke ties".into())
        );
    }
}
