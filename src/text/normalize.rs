//! Text normalization, in two strengths.
//!
//! - [`display`]: what the archive stores and shows: Unicode NFKC, zero-width characters and the
//!   byte-order mark removed, every run of white space (line breaks included) folded to one space,
//!   trimmed. Typographic quotes and dashes are kept as written.
//! - [`key`]: what hashes compare: the display form with typographic quotes, apostrophes and dashes
//!   unified to ASCII, so copies that differ only in quote or dash style hash alike.
//!
//! Both are pure and total: any `&str` in, a `String` out, never an error.

use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfkc_quick};

/// Normalize text for storage and display: NFKC, invisible characters dropped, white space folded.
#[must_use]
pub fn display(text: &str) -> String {
    // Nearly all text is NFKC already; the quick check skips the decompose-recompose pass.
    if is_nfkc_quick(text.chars()) == IsNormalized::Yes {
        fold(text.chars(), text.len())
    } else {
        fold(text.nfkc(), text.len())
    }
}

/// Drop invisible characters and fold white space.
fn fold(chars: impl Iterator<Item = char>, capacity: usize) -> String {
    let mut out = String::with_capacity(capacity);
    let mut pending_space = false;
    for c in chars {
        if is_invisible(c) {
            continue;
        }
        if c.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.push(c);
    }
    out
}

/// Normalize display text further for hashing: quotes, apostrophes and dashes unified.
#[must_use]
pub fn key(display: &str) -> String {
    // Most characters stay as they are: copy the runs between the ones that change.
    let mut out = String::with_capacity(display.len());
    let mut copied = 0;
    for (i, c) in display.char_indices() {
        let unified = unify_punctuation(c);
        if unified != c {
            out.push_str(&display[copied..i]);
            out.push(unified);
            copied = i + c.len_utf8();
        }
    }
    out.push_str(&display[copied..]);
    out
}

/// Characters that carry no visible text: the BOM, zero-width spaces and joiners, soft hyphen.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{feff}' | '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{2060}' | '\u{00ad}'
    )
}

fn unify_punctuation(c: char) -> char {
    match c {
        '\u{2018}' | '\u{2019}' | '\u{201a}' | '\u{201b}' | '\u{2032}' | '\u{02bc}' | '`'
        | '\u{b4}' => '\'',
        '\u{201c}' | '\u{201d}' | '\u{201e}' | '\u{201f}' | '\u{2033}' | '\u{ab}' | '\u{bb}' => '"',
        '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2015}'
        | '\u{2212}' => '-',
        other => other,
    }
}

/// Count words: white-space separated tokens that contain a letter or digit.
#[must_use]
pub fn word_count(text: &str) -> usize {
    text.split_whitespace().filter(|t| is_word(t)).count()
}

/// Whether a white-space separated token is a word: it contains a letter or digit.
#[must_use]
pub fn is_word(token: &str) -> bool {
    token.chars().any(char::is_alphanumeric)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn case(input: &str, want_display: &str, want_key: &str) {
        let d = display(input);
        assert_eq!(d, want_display, "display({input:?})");
        assert_eq!(key(&d), want_key, "key({input:?})");
    }

    #[test]
    fn folds_and_unifies() {
        case("  a  b\r\n c ", "a b c", "a b c");
        case("\u{feff}Hello", "Hello", "Hello");
        case("“quoted” — it’s", "“quoted” — it’s", "\"quoted\" - it's");
        case("ﬁne\u{a0}day", "fine day", "fine day");
        case("Ｗｉｄｅ", "Wide", "Wide");
        case("zero\u{200b}width", "zerowidth", "zerowidth");
        case("", "", "");
        case(" \t\n ", "", "");
    }

    #[test]
    fn counts_words() {
        assert_eq!(word_count("Hello, world — 2023 !"), 3);
        assert_eq!(word_count(""), 0);
    }
}
