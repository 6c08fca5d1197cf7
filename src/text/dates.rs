//! Dates written in English news text, at the precision the text gives.
//!
//! [`parse_date`] reads one absolute date expression ("July 1, 2019", "1 Jul. 2019",
//! "2019-07-01", "March 2023"); [`publication_date`] finds an article's publication date in its
//! top lines, only where a publication keyword introduces it ("Published Jul 1, 2019",
//! "Posted: Saturday, May 6, 2023"). A bare date is not taken: sites print today's date in their
//! headers, and a wrong date is worse than none. "Updated" dates are later than publication, so
//! they are not taken either.

use std::fmt;
use std::sync::LazyLock;

use regex::Regex;

/// A calendar date known to a year, a month or a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct PartialDate {
    /// Year, e.g. 2019.
    pub year: u16,
    /// Month 1–12, if known.
    pub month: Option<u8>,
    /// Day of the month, if known (only with a month).
    pub day: Option<u8>,
}

impl fmt::Display for PartialDate {
    /// ISO 8601 at the known precision: `2019`, `2019-07` or `2019-07-01`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}", self.year)?;
        if let Some(m) = self.month {
            write!(f, "-{m:02}")?;
            if let Some(d) = self.day {
                write!(f, "-{d:02}")?;
            }
        }
        Ok(())
    }
}

/// English month names, January first.
pub const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

const MONTH: &str = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?";
const WEEKDAY: &str =
    r"(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?\.?,?\s+)?";

static DATE: LazyLock<Regex> = LazyLock::new(|| {
    let pattern = format!(
        r"(?ix)
        (?P<iso>(?P<iy>\d{{4}})-(?P<im>\d{{2}})-(?P<id>\d{{2}}))
        | {WEEKDAY}(?P<m1>{MONTH})\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y1>\d{{4}})
        | {WEEKDAY}(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m2>{MONTH}),?\s+(?P<y2>\d{{4}})
        | (?P<m3>{MONTH})\s+(?P<y3>\d{{4}})"
    );
    Regex::new(&pattern).unwrap_or_else(|e| panic!("date pattern: {e}"))
});

static PUBLISHED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^(?:first\s+)?(?:published|posted|date|dated|released)\s*(?:on|at)?\s*[:|-]?\s*",
    )
    .unwrap_or_else(|e| panic!("published pattern: {e}"))
});

/// Month number of an English month name or abbreviation.
fn month_number(name: &str) -> Option<u8> {
    let lower = name.trim_end_matches('.').to_ascii_lowercase();
    let months = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    months
        .iter()
        .position(|m| lower.starts_with(m))
        .and_then(|i| u8::try_from(i + 1).ok())
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        _ => 31,
    }
}

fn build(year: &str, month: Option<u8>, day: Option<&str>) -> Option<PartialDate> {
    let year: u16 = year.parse().ok().filter(|y| (1000..=2999).contains(y))?;
    let month = month.filter(|m| (1..=12).contains(m));
    let day = match (month, day) {
        (Some(m), Some(d)) => Some(
            d.parse::<u8>()
                .ok()
                .filter(|d| *d >= 1 && *d <= days_in_month(year, m))?,
        ),
        _ => None,
    };
    Some(PartialDate { year, month, day })
}

/// The first absolute date in `text`, with the byte range it spans.
#[must_use]
pub fn find_date(text: &str) -> Option<(PartialDate, std::ops::Range<usize>)> {
    DATE.captures_iter(text).find_map(|c| {
        let whole = c.get(0)?;
        let date = if c.name("iso").is_some() {
            build(&c["iy"], c["im"].parse().ok(), Some(&c["id"]))
        } else if let Some(y) = c.name("y1") {
            build(y.as_str(), month_number(&c["m1"]), Some(&c["d1"]))
        } else if let Some(y) = c.name("y2") {
            build(y.as_str(), month_number(&c["m2"]), Some(&c["d2"]))
        } else {
            build(&c["y3"], month_number(&c["m3"]), None)
        }?;
        Some((date, whole.range()))
    })
}

/// Parse a text that is one date expression (leading and trailing words allowed).
#[must_use]
pub fn parse_date(text: &str) -> Option<PartialDate> {
    find_date(text).map(|(d, _)| d)
}

/// How many paragraphs from the top a publication line may be.
const TOP_PARAGRAPHS: usize = 12;

/// The publication date stated near the top of an article: the first of its first paragraphs
/// that starts with a publication keyword followed by a date.
#[must_use]
pub fn publication_date<'a>(paragraphs: impl IntoIterator<Item = &'a str>) -> Option<PartialDate> {
    paragraphs.into_iter().take(TOP_PARAGRAPHS).find_map(|p| {
        let keyword = PUBLISHED.find(p)?;
        let rest = &p[keyword.end()..];
        let (date, range) = find_date(rest)?;
        // The date must follow the keyword directly (a weekday or time may come first).
        (range.start <= 16).then_some(date)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn date(text: &str, want: Option<&str>) {
        assert_eq!(
            parse_date(text).map(|d| d.to_string()).as_deref(),
            want,
            "{text:?}"
        );
    }

    #[test]
    fn absolute_dates() {
        date("July 1, 2019", Some("2019-07-01"));
        date("Jul. 1, 2019", Some("2019-07-01"));
        date("Sept 30 2019", Some("2019-09-30"));
        date("1 July 2019", Some("2019-07-01"));
        date("the 9th of January 2019", Some("2019-01-09"));
        date("Sunday, September 24, 2023", Some("2023-09-24"));
        date("2019-07-01T10:00:00Z", Some("2019-07-01"));
        date("in March 2023", Some("2023-03"));
        date("February 30, 2019", None);
        date("no date here", None);
        date("2019", None);
    }

    #[track_caller]
    fn published(lines: &[&str], want: Option<&str>) {
        let got = publication_date(lines.iter().copied()).map(|d| d.to_string());
        assert_eq!(got.as_deref(), want, "{lines:?}");
    }

    #[test]
    fn publication_lines() {
        published(&["Title", "Published Jul 1, 2019"], Some("2019-07-01"));
        published(&["Posted: Saturday, May 6, 2023"], Some("2023-05-06"));
        published(
            &["First published on 3 March 2020, 10:02"],
            Some("2020-03-03"),
        );
        published(&["Published: 2021-11-02 09:30 KST"], Some("2021-11-02"));
        // A site's current-date widget and an update time are not publication dates.
        published(&["17.4 C", "New York", "Sunday, September 24, 2023"], None);
        published(&["Updated 3:12 AM GMT+9, March 22, 2023"], None);
        // A keyword far from any date is not a dateline.
        published(
            &["Published by the ministry of foreign affairs in its annual report of March 2019"],
            None,
        );
    }
}
