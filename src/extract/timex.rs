//! Date expressions in a sentence, absolute and relative, resolved to calendar spans.
//!
//! Absolute expressions carry their own year: "Jan. 9, 2019", "9 January 2019", "March 2023",
//! "in 2014", "1965", "1910-45", "from 1910 to 1945", "in the 1990s", "since 2021". Relative ones
//! need an anchor: "January 9th", "this week", "last month", "last November", "yesterday", "on
//! Thursday", "last year", "last summer" and "today" are resolved against the article's
//! publication date, at the precision that date allows ("on Thursday" needs a day, "last
//! November" a month, "last year" a year); "that March" takes its year from the last year the
//! article named, and "the next day" follows the last day-precise date before it. Without an
//! anchor a relative expression gives no date: a wrong date is worse than none.

use std::ops::Range;
use std::sync::LazyLock;

use jiff::ToSpan;
use jiff::civil::{Date, Weekday};
use regex::{Captures, Regex};

use crate::text::dates::{self, PartialDate};
use crate::text::regexes;

/// How precisely a date is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Precision {
    /// A year or a run of years.
    Year,
    /// A month or a run of months.
    Month,
    /// A day or a run of days (a week, a weekend).
    Day,
}

impl Precision {
    /// The name stored in `events.date_precision`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Year => "year",
            Self::Month => "month",
            Self::Day => "day",
        }
    }

    /// Parse a stored name.
    #[must_use]
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "year" => Some(Self::Year),
            "month" => Some(Self::Month),
            "day" => Some(Self::Day),
            _ => None,
        }
    }
}

/// A closed range of calendar days known at a precision: "2014" is 2014-01-01..=2014-12-31 at
/// year precision, "this week" seven days at day precision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DateSpan {
    /// First day.
    pub start: Date,
    /// Last day (inclusive).
    pub end: Date,
    /// How precisely the span is known.
    pub precision: Precision,
}

impl DateSpan {
    /// The whole of `year`.
    #[must_use]
    pub fn year(year: i16) -> Option<Self> {
        Self::years(year, year)
    }

    /// Years `from` to `to`, inclusive.
    #[must_use]
    pub fn years(from: i16, to: i16) -> Option<Self> {
        (from <= to).then_some(())?;
        Some(Self {
            start: Date::new(from, 1, 1).ok()?,
            end: Date::new(to, 12, 31).ok()?,
            precision: Precision::Year,
        })
    }

    /// The whole of a month.
    #[must_use]
    pub fn month(year: i16, month: i8) -> Option<Self> {
        let first = Date::new(year, month, 1).ok()?;
        Some(Self {
            start: first,
            end: first.last_of_month(),
            precision: Precision::Month,
        })
    }

    /// One day.
    #[must_use]
    pub fn day(date: Date) -> Self {
        Self {
            start: date,
            end: date,
            precision: Precision::Day,
        }
    }

    /// A partial date as a span at its own precision.
    #[must_use]
    pub fn of(date: PartialDate) -> Option<Self> {
        let year = i16::try_from(date.year).ok()?;
        match (date.month, date.day) {
            (Some(m), Some(d)) => Some(Self::day(
                Date::new(year, i8::try_from(m).ok()?, i8::try_from(d).ok()?).ok()?,
            )),
            (Some(m), None) => Self::month(year, i8::try_from(m).ok()?),
            _ => Self::year(year),
        }
    }

    /// Parse a date as written in the archive or in gold files: `2019`, `2019-01`,
    /// `2019-01-09`, or two of them joined by `/` for a range.
    #[must_use]
    pub fn parse(text: &str) -> Option<Self> {
        let one = |t: &str| -> Option<Self> {
            let parts: Vec<&str> = t.trim().split('-').collect();
            let year: i16 = parts.first()?.parse().ok()?;
            match parts.as_slice() {
                [_] => Self::year(year),
                [_, m] => Self::month(year, m.parse().ok()?),
                [_, m, d] => Some(Self::day(
                    Date::new(year, m.parse().ok()?, d.parse().ok()?).ok()?,
                )),
                _ => None,
            }
        };
        match text.split_once('/') {
            Some((a, b)) => {
                let (a, b) = (one(a)?, one(b)?);
                (a.start <= b.end).then_some(Self {
                    start: a.start,
                    end: b.end,
                    precision: a.precision.min(b.precision),
                })
            }
            None => one(text),
        }
    }

    /// Do the two spans share a day?
    #[must_use]
    pub fn overlaps(&self, other: &Self) -> bool {
        self.start <= other.end && other.start <= self.end
    }

    /// Do the two spans agree once both are widened to `precision` (whole months or years)?
    #[must_use]
    pub fn agrees_at(&self, other: &Self, precision: Precision) -> bool {
        self.widened(precision).overlaps(&other.widened(precision))
    }

    /// The span grown to whole units of `precision`.
    #[must_use]
    pub fn widened(&self, precision: Precision) -> Self {
        match precision {
            Precision::Day => *self,
            Precision::Month => Self {
                start: self.start.first_of_month(),
                end: self.end.last_of_month(),
                precision,
            },
            Precision::Year => Self {
                start: self.start.first_of_year(),
                end: self.end.last_of_year(),
                precision,
            },
        }
    }

    /// The span written at its precision: `2014`, `2023-03`, `2023-04-26`, or a range
    /// `2023-04-24/2023-04-30`.
    #[must_use]
    pub fn display(&self) -> String {
        let at = |d: Date| match self.precision {
            Precision::Year => format!("{:04}", d.year()),
            Precision::Month => format!("{:04}-{:02}", d.year(), d.month()),
            Precision::Day => d.to_string(),
        };
        let (a, b) = (at(self.start), at(self.end));
        if a == b { a } else { format!("{a}/{b}") }
    }
}

/// What a date was resolved against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    /// The expression names its own year.
    Absolute,
    /// Resolved against the article's publication date (also "the next day" after such a
    /// date). "that March" and "the next day" after an absolute date are absolute: their year
    /// comes from the text.
    Published,
}

impl Anchor {
    /// The name stored in `event_mentions.date_anchor`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Absolute => "absolute",
            Self::Published => "published",
        }
    }
}

/// A date expression found in a sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateMention {
    /// Byte range in the sentence.
    pub range: Range<usize>,
    /// The span it stands for.
    pub span: DateSpan,
    /// What it was resolved against.
    pub anchor: Anchor,
}

/// What earlier text and the article's date tell about relative expressions.
#[derive(Debug, Clone, Default)]
pub struct Context {
    /// The article's publication date, at its precision.
    pub published: Option<PartialDate>,
    /// The last year the article named ("that March").
    pub last_year: Option<i16>,
    /// The last day-precise date before this point ("the next day").
    pub last_day: Option<(Date, Anchor)>,
}

impl Context {
    /// A context anchored at a publication date written as ISO at any precision.
    #[must_use]
    pub fn new(published: Option<&str>) -> Self {
        Self {
            published: published.and_then(parse_partial),
            ..Self::default()
        }
    }

    fn published_day(&self) -> Option<Date> {
        let p = self.published?;
        Date::new(
            i16::try_from(p.year).ok()?,
            i8::try_from(p.month?).ok()?,
            i8::try_from(p.day?).ok()?,
        )
        .ok()
    }

    fn published_month(&self) -> Option<(i16, i8)> {
        let p = self.published?;
        Some((i16::try_from(p.year).ok()?, i8::try_from(p.month?).ok()?))
    }

    fn published_year(&self) -> Option<i16> {
        i16::try_from(self.published?.year).ok()
    }

    /// Remember what a sentence's dates tell later sentences.
    fn learn(&mut self, found: &[DateMention]) {
        for d in found {
            if d.anchor == Anchor::Absolute && d.span.precision >= Precision::Year {
                self.last_year = Some(d.span.end.year());
            }
            if d.span.precision == Precision::Day && d.span.start == d.span.end {
                self.last_day = Some((d.span.start, d.anchor));
            }
        }
    }
}

/// An ISO date at any precision (`2019`, `2019-01`, `2019-01-09`) as a partial date.
fn parse_partial(text: &str) -> Option<PartialDate> {
    let mut parts = text.trim().get(..10.min(text.trim().len()))?.split('-');
    let year = parts.next()?.parse().ok()?;
    let month = parts.next().and_then(|m| m.parse().ok());
    let day = month.and(parts.next().and_then(|d| d.parse().ok()));
    Some(PartialDate { year, month, day })
}

const MONTH: &str = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)";
const WEEKDAY: &str = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)";

/// Relative and year expressions; full dates come from [`dates::find_date`] first.
static EXPRESSIONS: LazyLock<Regex> = LazyLock::new(|| {
    let pattern = format!(
        r"(?ix)
        \b(?P<yrange>(?P<ya>1[89]\d\d|20\d\d)\s*[-–]\s*(?P<yb>\d{{2}}|1[89]\d\d|20\d\d))
        | \bfrom\s+(?P<yfrom>1[89]\d\d|20\d\d)\s+(?:to|until|till)\s+(?P<yto>1[89]\d\d|20\d\d)\b
        | \bbetween\s+(?P<ybet>1[89]\d\d|20\d\d)\s+and\s+(?P<yand>1[89]\d\d|20\d\d)\b
        | \b(?:in\s+)?the\s+(?P<decade>1[89]\d0|20\d0)s\b
        | \bsince\s+(?P<since>1[89]\d\d|20\d\d)\b
        | \b(?P<mday>{MONTH})\.?\s+(?P<mdd>\d{{1,2}})(?:st|nd|rd|th)?\b
        | \b(?P<ddm>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<ddmm>{MONTH})\b
        | \b(?P<mrel>last|this|that|next|in|early|late|earlier\s+in|in\s+early|in\s+late|by)\s+(?P<mname>{MONTH})\b
        | \b(?P<unit_rel>last|this|next|past|earlier\s+this|later\s+this)\s+(?P<unit>week(?:end)?|month|year|spring|summer|autumn|fall|winter)\b
        | \b(?P<day_word>today|yesterday|tomorrow|tonight)\b
        | \b(?:(?:on|last|this|next|late|early)\s+)?(?P<wday>{WEEKDAY})\b
        | \bthe\s+(?P<next_day>next|following|previous)\s+day\b
        | \b(?P<day_before>a\s+day\s+(?:later|earlier|before))\b
        | \b(?P<year>1[89]\d\d|20\d\d)\b(?P<year_after>\s*(?:%|per\s*cent|percent|\s+(?:people|persons|troops|soldiers|workers|tons|tonnes|times|cases|votes|members|students|dollars|won|yen|km|miles|units)\b))?"
    );
    regexes::built_in(&pattern)
});

/// Find the date expressions in one sentence, in order, and update `ctx` with what they
/// tell later sentences.
#[must_use]
pub fn find(sentence: &str, ctx: &mut Context) -> Vec<DateMention> {
    let mut out: Vec<DateMention> = Vec::new();
    // Full dates with a year ("Jan. 9, 2019", "March 2023") first.
    let mut taken: Vec<Range<usize>> = Vec::new();
    let mut from = 0;
    while let Some((date, range)) = dates::find_date(&sentence[from..]) {
        let range = from + range.start..from + range.end;
        if let Some(span) = DateSpan::of(date) {
            out.push(DateMention {
                range: range.clone(),
                span,
                anchor: Anchor::Absolute,
            });
        }
        taken.push(range.clone());
        from = range.end;
    }
    for caps in EXPRESSIONS.captures_iter(sentence) {
        let whole = caps.get(0).map_or(0..0, |m| m.range());
        if taken
            .iter()
            .any(|t| t.start < whole.end && whole.start < t.end)
        {
            continue;
        }
        let future = has_future_cue(sentence, &whole);
        if let Some((span, anchor)) = resolve(&caps, sentence, ctx, &out, future) {
            out.push(DateMention {
                range: whole,
                span,
                anchor,
            });
        }
    }
    out.sort_by_key(|d| d.range.start);
    ctx.learn(&out);
    out
}

/// Words in the date's clause that put a weekday ahead of the publication date rather than
/// behind it ("talks will open on Monday", but not "On Sunday, France announced it will …").
fn has_future_cue(sentence: &str, date: &std::ops::Range<usize>) -> bool {
    static FUTURE: LazyLock<Regex> = LazyLock::new(|| {
        regexes::built_in(
            r"(?i)\b(?:will|shall|is\s+to|are\s+to|is\s+set\s+to|are\s+set\s+to|due\s+to|scheduled|expected|plans?\s+to|next)\b",
        )
    });
    static BREAK: LazyLock<Regex> =
        LazyLock::new(|| regexes::built_in(r"(?i)[,;:]|\s[—–]\s|\bthat\b"));
    let start = BREAK
        .find_iter(&sentence[..date.start])
        .last()
        .map_or(0, |m| m.end());
    let end = BREAK
        .find(&sentence[date.end..])
        .map_or(sentence.len(), |m| date.end + m.start());
    FUTURE.is_match(&sentence[start..end])
}

fn month_number(name: &str) -> Option<i8> {
    let lower = name.to_ascii_lowercase();
    dates::MONTHS
        .iter()
        .position(|m| lower.starts_with(&m[..3].to_ascii_lowercase()))
        .and_then(|i| i8::try_from(i + 1).ok())
}

fn weekday_of(name: &str) -> Option<Weekday> {
    let lower = name.to_ascii_lowercase();
    let all = [
        ("mon", Weekday::Monday),
        ("tue", Weekday::Tuesday),
        ("wed", Weekday::Wednesday),
        ("thu", Weekday::Thursday),
        ("fri", Weekday::Friday),
        ("sat", Weekday::Saturday),
        ("sun", Weekday::Sunday),
    ];
    all.iter()
        .find(|(p, _)| lower.starts_with(p))
        .map(|&(_, w)| w)
}

fn int<T: std::str::FromStr>(caps: &Captures<'_>, name: &str) -> Option<T> {
    caps.name(name)?.as_str().parse().ok()
}

/// The year a month named without one falls in: the latest such month not after the
/// publication month ("last November" in April 2023 is November 2022).
fn month_year(month: i8, rel: &str, ctx: &Context) -> Option<(i16, Anchor)> {
    let rel = rel.to_ascii_lowercase();
    if rel == "that" {
        return ctx.last_year.map(|y| (y, Anchor::Absolute));
    }
    let (year, published_month) = ctx.published_month()?;
    let year = match rel.as_str() {
        "next" => {
            if month > published_month {
                year
            } else {
                year + 1
            }
        }
        "last" => {
            if month < published_month {
                year
            } else {
                year - 1
            }
        }
        _ => {
            if month <= published_month {
                year
            } else {
                year - 1
            }
        }
    };
    Some((year, Anchor::Published))
}

fn resolve(
    caps: &Captures<'_>,
    sentence: &str,
    ctx: &Context,
    earlier: &[DateMention],
    future: bool,
) -> Option<(DateSpan, Anchor)> {
    let abs = |span: Option<DateSpan>| span.map(|s| (s, Anchor::Absolute));
    if caps.name("yrange").is_some() {
        let a: i16 = int(caps, "ya")?;
        let b_text = caps.name("yb")?.as_str();
        let b: i16 = if b_text.len() == 2 {
            a - a % 100 + b_text.parse::<i16>().ok()?
        } else {
            b_text.parse().ok()?
        };
        return abs(DateSpan::years(a, b));
    }
    if caps.name("yfrom").is_some() {
        return abs(DateSpan::years(int(caps, "yfrom")?, int(caps, "yto")?));
    }
    if caps.name("ybet").is_some() {
        return abs(DateSpan::years(int(caps, "ybet")?, int(caps, "yand")?));
    }
    if caps.name("decade").is_some() {
        let d: i16 = int(caps, "decade")?;
        return abs(DateSpan::years(d, d + 9));
    }
    if caps.name("since").is_some() {
        let y: i16 = int(caps, "since")?;
        let end = ctx.published_year().filter(|&p| p >= y).unwrap_or(y);
        return abs(DateSpan::years(y, end));
    }
    if let Some(m) = caps.name("mday").or_else(|| caps.name("ddmm")) {
        let month = month_number(m.as_str())?;
        let day: i8 = int(caps, "mdd").or_else(|| int(caps, "ddm"))?;
        let (year, anchor) = month_year(month, "in", ctx)
            .or_else(|| ctx.published_year().map(|y| (y, Anchor::Published)))?;
        return Some((DateSpan::day(Date::new(year, month, day).ok()?), anchor));
    }
    if let Some(m) = caps.name("mname") {
        // "may" is also a verb: only a capitalised May is the month.
        if m.as_str().eq_ignore_ascii_case("may") && m.as_str() != "May" {
            return None;
        }
        let month = month_number(m.as_str())?;
        let rel = caps.name("mrel")?.as_str();
        let rel = rel.split_whitespace().next().unwrap_or(rel);
        let rel = match rel.to_ascii_lowercase().as_str() {
            "last" | "that" | "next" => rel.to_ascii_lowercase(),
            _ => "in".to_string(),
        };
        let (year, anchor) = month_year(month, &rel, ctx)?;
        return Some((DateSpan::month(year, month)?, anchor));
    }
    if let Some(unit) = caps.name("unit") {
        let rel = caps.name("unit_rel")?.as_str().to_ascii_lowercase();
        return unit_span(&unit.as_str().to_ascii_lowercase(), &rel, ctx)
            .map(|s| (s, Anchor::Published));
    }
    if let Some(w) = caps.name("day_word") {
        let today = ctx.published_day()?;
        let day = match w.as_str().to_ascii_lowercase().as_str() {
            "yesterday" => today.yesterday().ok()?,
            "tomorrow" => today.tomorrow().ok()?,
            _ => today,
        };
        return Some((DateSpan::day(day), Anchor::Published));
    }
    if let Some(w) = caps.name("wday") {
        let lead = caps.get(0)?.as_str().to_ascii_lowercase();
        return weekday(w.as_str(), &lead, sentence, ctx, future)
            .map(|d| (DateSpan::day(d), Anchor::Published));
    }
    if let Some(which) = caps.name("next_day").or_else(|| caps.name("day_before")) {
        return next_day(which.as_str(), earlier, ctx).map(|(d, a)| (DateSpan::day(d), a));
    }
    if caps.name("year").is_some() {
        if caps
            .name("year_after")
            .is_some_and(|m| !m.as_str().is_empty())
        {
            return None;
        }
        return abs(DateSpan::year(int(caps, "year")?));
    }
    None
}

/// "on Wednesday": in the publication week when the sentence says "this week"; ahead of the
/// publication date when it looks forward ("will", "next"); else the latest one before it (for
/// "last Friday", strictly before it).
fn weekday(name: &str, lead: &str, sentence: &str, ctx: &Context, future: bool) -> Option<Date> {
    let today = ctx.published_day()?;
    let want = weekday_of(name)?;
    let this_week = lead.starts_with("this") || sentence.to_ascii_lowercase().contains("this week");
    let day = if this_week {
        let monday = today
            .checked_sub(i64::from(today.weekday().to_monday_zero_offset()).days())
            .ok()?;
        monday
            .checked_add(i64::from(want.to_monday_zero_offset()).days())
            .ok()?
    } else if lead.starts_with("next") || future {
        let ahead =
            (want.to_monday_zero_offset() - today.weekday().to_monday_zero_offset()).rem_euclid(7);
        today.checked_add(i64::from(ahead).days()).ok()?
    } else {
        let mut back =
            (today.weekday().to_monday_zero_offset() - want.to_monday_zero_offset()).rem_euclid(7);
        // "last Friday" written on a Friday is a week ago.
        if back == 0 && lead.starts_with("last") {
            back = 7;
        }
        today.checked_sub(i64::from(back).days()).ok()?
    };
    Some(day)
}

/// "the next day", "the previous day", "a day later": a day from the last day-precise date
/// before it, in this sentence or an earlier one; it keeps that date's anchor.
fn next_day(text: &str, earlier: &[DateMention], ctx: &Context) -> Option<(Date, Anchor)> {
    let (before, anchor) = earlier
        .iter()
        .rev()
        .find(|d| d.span.precision == Precision::Day && d.span.start == d.span.end)
        .map(|d| (d.span.start, d.anchor))
        .or(ctx.last_day)?;
    let text = text.to_ascii_lowercase();
    let day = if text.contains("previous") || text.contains("earlier") || text.contains("before") {
        before.yesterday().ok()?
    } else {
        before.tomorrow().ok()?
    };
    Some((day, anchor))
}

/// "this week", "last month", "next year", "last summer" against the publication date.
fn unit_span(unit: &str, rel: &str, ctx: &Context) -> Option<DateSpan> {
    let offset: i64 = match rel {
        "last" | "past" => -1,
        "next" => 1,
        _ => 0,
    };
    match unit {
        "week" | "weekend" => {
            let today = ctx.published_day()?;
            let monday = today
                .checked_sub(i64::from(today.weekday().to_monday_zero_offset()).days())
                .ok()?
                .checked_add((7 * offset).days())
                .ok()?;
            let (start, end) = if unit == "week" {
                (monday, monday.checked_add(6.days()).ok()?)
            } else {
                (
                    monday.checked_add(5.days()).ok()?,
                    monday.checked_add(6.days()).ok()?,
                )
            };
            Some(DateSpan {
                start,
                end,
                precision: Precision::Day,
            })
        }
        "month" => {
            let (year, month) = ctx.published_month()?;
            let first = Date::new(year, month, 1)
                .ok()?
                .checked_add(offset.months())
                .ok()?;
            DateSpan::month(first.year(), first.month())
        }
        "year" => DateSpan::year(ctx.published_year()? + i16::try_from(offset).ok()?),
        season => {
            let (year, month) = ctx.published_month()?;
            let (first, last) = match season {
                "spring" => (3, 5),
                "summer" => (6, 8),
                "autumn" | "fall" => (9, 11),
                _ => (12, 2),
            };
            // "this summer" is the one in the publication year; "last summer" the latest one
            // over by publication; "next summer" the one after this one.
            let over_this_year = if first == 12 { false } else { month > last };
            let year = match offset {
                -1 if over_this_year => year,
                -1 => year - 1,
                1 => year + 1,
                _ => year,
            };
            let start = Date::new(year, first, 1).ok()?;
            let end_year = if first == 12 { year + 1 } else { year };
            let end = Date::new(end_year, last, 1).ok()?.last_of_month();
            Some(DateSpan {
                start,
                end,
                precision: Precision::Month,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn dates_in(sentence: &str, published: Option<&str>) -> Vec<String> {
        let mut ctx = Context::new(published);
        find(sentence, &mut ctx)
            .into_iter()
            .map(|d| format!("{}:{}", d.span.display(), d.anchor.as_str()))
            .collect()
    }

    #[track_caller]
    fn one(sentence: &str, published: Option<&str>, want: &str) {
        assert_eq!(
            dates_in(sentence, published),
            vec![want.to_string()],
            "{sentence}"
        );
    }

    #[test]
    fn absolute_expressions() {
        one(
            "It happened on Jan. 9, 2019, in Seoul.",
            None,
            "2019-01-09:absolute",
        );
        one(
            "It happened on 9 January 2019.",
            None,
            "2019-01-09:absolute",
        );
        one("Talks resumed in March 2023.", None, "2023-03:absolute");
        one("The two signed a pact in 2014.", None, "2014:absolute");
        one("Ties were normalised in 1965.", None, "1965:absolute");
        one("Japan ruled Korea in 1910-45.", None, "1910/1945:absolute");
        one(
            "Japan ruled Korea from 1910 to 1945.",
            None,
            "1910/1945:absolute",
        );
        one("Trade grew in the 1990s.", None, "1990/1999:absolute");
        one(
            "It has been in force since 2021.",
            Some("2023-04-24"),
            "2021/2023:absolute",
        );
        assert!(dates_in("More than 2000 people marched.", None).is_empty());
        assert!(dates_in("Turnout was 2019 percent.", None).is_empty());
    }

    #[test]
    fn relative_expressions_resolve_against_the_publication_date() {
        let monday = Some("2023-04-24");
        one(
            "On January 9th, a court ruled.",
            Some("2019-01"),
            "2019-01-09:published",
        );
        one(
            "This week, the two met.",
            monday,
            "2023-04-24/2023-04-30:published",
        );
        one("Last month, they agreed.", monday, "2023-03:published");
        one("Last November, leaders met.", monday, "2022-11:published");
        one(
            "In March, the two began talks.",
            monday,
            "2023-03:published",
        );
        one("Officials met yesterday.", monday, "2023-04-23:published");
        one("Officials met on Thursday.", monday, "2023-04-20:published");
        one(
            "The leader will speak on Thursday.",
            monday,
            "2023-04-27:published",
        );
        one(
            "Last year, Washington proposed it.",
            monday,
            "2022:published",
        );
        one(
            "They attended a summit last summer.",
            monday,
            "2022-06/2022-08:published",
        );
        one(
            "He is in Tokyo this weekend.",
            Some("2025-08-23"),
            "2025-08-23/2025-08-24:published",
        );
        one(
            "He spoke today.",
            Some("2025-08-23"),
            "2025-08-23:published",
        );
        assert_eq!(
            dates_in(
                "He visits this week for a dinner on Wednesday and speaks the next day.",
                monday
            ),
            [
                "2023-04-24/2023-04-30:published",
                "2023-04-26:published",
                "2023-04-27:published"
            ]
        );
    }

    #[test]
    fn relative_expressions_without_an_anchor_give_nothing() {
        assert!(dates_in("Last month, they agreed.", None).is_empty());
        assert!(dates_in("Officials met on Thursday.", Some("2023-04")).is_empty());
        assert!(dates_in("Last November, leaders met.", Some("2023")).is_empty());
        assert!(dates_in("They may meet.", Some("2023-04-24")).is_empty());
    }

    #[test]
    fn that_month_takes_the_last_year_named() {
        let mut ctx = Context::new(None);
        let _ = find("The two leaders first met in 2014.", &mut ctx);
        let found = find("At the summit that March, they talked.", &mut ctx);
        assert_eq!(found[0].span.display(), "2014-03");
        assert_eq!(found[0].anchor, Anchor::Absolute);
    }

    #[test]
    fn spans_compare_at_a_precision() {
        let year = DateSpan::parse("2014").unwrap();
        let march = DateSpan::parse("2014-03").unwrap();
        let july = DateSpan::parse("2014-07").unwrap();
        assert!(year.agrees_at(&march, Precision::Year));
        assert!(!march.agrees_at(&july, Precision::Month));
        assert!(march.agrees_at(&july, Precision::Year));
        let range = DateSpan::parse("2025-08-23/2025-08-24").unwrap();
        assert_eq!(range.display(), "2025-08-23/2025-08-24");
        assert_eq!(range.precision, Precision::Day);
    }
}
