//! Regular expressions over English words.
//!
//! The extractors' patterns match English words, whose letters are ASCII. Written with `\b`,
//! such a pattern asks for a Unicode word boundary, and the regex engine then gives up its lazy
//! DFA on any haystack holding a non-ASCII character: a curly quote, a dash, an accented name,
//! which nearly every news paragraph has. [`ascii_word_boundaries`] makes every `\b` an ASCII one,
//! `(?-u:\b)`, which keeps the fast engines (callgrind, 1,000 generated articles: quote
//! extraction 250M → 157M instructions). Letters around the match may still be any Unicode;
//! only the boundary test reads ASCII word characters. [`built_in`] compiles a pattern written
//! into the program that way.

/// A built-in pattern compiled with ASCII word boundaries ([`ascii_word_boundaries`]).
///
/// # Panics
/// If the pattern does not compile: a bug in a pattern written into the program, which any test
/// that runs it shows.
#[must_use]
pub fn built_in(pattern: &str) -> regex::Regex {
    regex::Regex::new(&ascii_word_boundaries(pattern))
        .unwrap_or_else(|e| panic!("built-in pattern {pattern}: {e}"))
}

/// `pattern` with each word boundary `\b` made ASCII, `(?-u:\b)`. Other escapes, an escaped
/// backslash before a `b` among them, are left as they are.
#[must_use]
pub fn ascii_word_boundaries(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('b') => out.push_str(r"(?-u:\b)"),
            Some(escaped) => {
                out.push('\\');
                out.push(escaped);
            }
            None => out.push('\\'),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_word_boundary_and_only_those() {
        assert_eq!(
            ascii_word_boundaries(r"\bsaid\b|\\b\s\B"),
            r"(?-u:\b)said(?-u:\b)|\\b\s\B"
        );
        assert_eq!(ascii_word_boundaries(r"end\"), r"end\");
    }

    #[test]
    fn ascii_boundaries_still_find_words_beside_unicode_text() {
        let re = regex::Regex::new(&ascii_word_boundaries(r"\bsaid\b")).unwrap();
        assert!(re.is_match("“We will,” Kim said."));
        assert!(re.is_match("said—and"));
        assert!(!re.is_match("unsaid"));
    }
}
