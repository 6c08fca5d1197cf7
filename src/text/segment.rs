//! Segmentation: raw text into paragraphs that remember their raw line numbers.
//!
//! Scraped plain text keeps one HTML block per line, so each non-blank line is normally its own
//! paragraph. The exception is hard-wrapped prose (wire copy, e-mail, `fmt` output): a run of
//! adjacent lines of similar width whose ends fall mid-sentence is one paragraph.
//!
//! Invariant: every non-blank raw line belongs to exactly one [`Segment`], and segments are in
//! order and do not overlap. Lines end at `\n`, `\r\n` or a lone `\r`; numbers are 1-based.

/// A paragraph as found in the raw text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment<'a> {
    /// The raw lines of the paragraph, without their line endings.
    pub lines: Vec<&'a str>,
    /// 1-based number of the first line.
    pub line_start: usize,
    /// 1-based number of the last line, inclusive.
    pub line_end: usize,
}

impl Segment<'_> {
    /// The paragraph's text: its lines joined with a space (not yet normalized).
    #[must_use]
    pub fn joined(&self) -> String {
        self.lines.join(" ")
    }
}

/// Narrowest line width (in characters) that can be hard-wrapped prose.
const WRAP_MIN_WIDTH: usize = 40;
/// Widest: longer lines are whole paragraphs as scraped.
const WRAP_MAX_WIDTH: usize = 100;
/// Every line but the last of a wrapped block is at least this share of the block's widest line.
const WRAP_MIN_FILL: f64 = 0.6;
/// The widest of the other lines is at least this share of the last line's width.
const WRAP_LAST_SLACK: f64 = 0.9;

/// Split raw text into paragraphs. See the module docs for the rules.
#[must_use]
pub fn segment(raw: &str) -> Vec<Segment<'_>> {
    let mut segments = Vec::new();
    let mut block: Vec<(usize, &str)> = Vec::new();
    for (index, line) in split_lines(raw).enumerate() {
        if line.trim().is_empty() {
            flush(&mut block, &mut segments);
        } else {
            block.push((index + 1, line));
        }
    }
    flush(&mut block, &mut segments);
    segments
}

/// Lines of `raw`, ending at `\n`, `\r\n` or a lone `\r`, without the endings.
pub fn split_lines(raw: &str) -> impl Iterator<Item = &str> {
    let mut rest = Some(raw);
    std::iter::from_fn(move || {
        let text = rest?;
        if let Some(at) = text.find(['\n', '\r']) {
            let skip = if text[at..].starts_with("\r\n") { 2 } else { 1 };
            rest = Some(&text[at + skip..]);
            Some(&text[..at])
        } else {
            rest = None;
            // A final line ending does not start another (empty) line.
            (!text.is_empty()).then_some(text)
        }
    })
}

fn flush<'a>(block: &mut Vec<(usize, &'a str)>, out: &mut Vec<Segment<'a>>) {
    if block.is_empty() {
        return;
    }
    if is_wrapped(block) {
        out.push(Segment {
            lines: block.iter().map(|(_, l)| *l).collect(),
            line_start: block[0].0,
            line_end: block[block.len() - 1].0,
        });
    } else {
        out.extend(block.iter().map(|&(n, l)| Segment {
            lines: vec![l],
            line_start: n,
            line_end: n,
        }));
    }
    block.clear();
}

/// Does this run of adjacent non-blank lines look like one hard-wrapped paragraph?
fn is_wrapped(block: &[(usize, &str)]) -> bool {
    if block.len() < 2 {
        return false;
    }
    let widths: Vec<usize> = block
        .iter()
        .map(|(_, l)| l.trim().chars().count())
        .collect();
    let widest = widths.iter().copied().max().unwrap_or(0);
    if !(WRAP_MIN_WIDTH..=WRAP_MAX_WIDTH).contains(&widest) {
        return false;
    }
    // A line printed twice (a headline and its copy) is two lines, not prose.
    if block.windows(2).any(|w| w[0].1.trim() == w[1].1.trim()) {
        return false;
    }
    let body = &block[..block.len() - 1];
    #[allow(clippy::cast_precision_loss)] // widths are line lengths, far below 2^52
    let filled = widths[..body.len()]
        .iter()
        .all(|&w| w as f64 >= WRAP_MIN_FILL * widest as f64);
    // Wrapping fills every line but the last as far as the width allows, so the last is not
    // much wider than the others ("ATHENS – AFP" above a headline is two lines, not one).
    let widest_body = widths[..body.len()].iter().copied().max().unwrap_or(0);
    #[allow(clippy::cast_precision_loss)]
    let last_fits = widest_body as f64 >= WRAP_LAST_SLACK * widths[body.len()] as f64;
    // Wrapped prose breaks mid-sentence; a list of full sentences or headings does not.
    let open_ends = body.iter().filter(|(_, l)| !ends_sentence(l)).count();
    filled && last_fits && open_ends * 2 >= body.len() && !body.iter().any(|(_, l)| is_list_item(l))
}

fn ends_sentence(line: &str) -> bool {
    line.trim_end()
        .ends_with(['.', '!', '?', ':', '"', '\u{201d}'])
}

fn is_list_item(line: &str) -> bool {
    let t = line.trim_start();
    t.starts_with(['•', '*', '-', '–', '·', '▪'])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ranges(raw: &str) -> Vec<(usize, usize)> {
        segment(raw)
            .iter()
            .map(|s| (s.line_start, s.line_end))
            .collect()
    }

    #[test]
    fn one_line_one_paragraph() {
        assert_eq!(ranges("a\n\nb\nc\n"), vec![(1, 1), (3, 3), (4, 4)]);
        assert_eq!(ranges("a\r\n\r\nb\r\n"), vec![(1, 1), (3, 3)]);
        assert_eq!(ranges("a\rb\r"), vec![(1, 1), (2, 2)]);
        assert_eq!(ranges(""), Vec::<(usize, usize)>::new());
        assert_eq!(ranges("\n \n\t\n"), Vec::<(usize, usize)>::new());
    }

    #[test]
    fn a_dateline_above_a_headline_and_a_doubled_line_are_not_wrapped() {
        let raw = "LIMA – Agence France-Presse\nPeru says it is ready to reopen the border\n\n\
                   Peru says it is ready to reopen the border now\n\
                   Peru says it is ready to reopen the border now\n";
        assert_eq!(ranges(raw), vec![(1, 1), (2, 2), (4, 4), (5, 5)]);
    }

    #[test]
    fn joins_hard_wrapped_prose() {
        let raw = "SEOUL (Reuters) - South Korea and Japan agreed on Thursday to\n\
                   restore a military intelligence pact, officials said, in a\n\
                   sign of warming ties.\n\nNext paragraph here.";
        assert_eq!(ranges(raw), vec![(1, 3), (5, 5)]);
        assert_eq!(segment(raw)[0].lines.len(), 3);
    }

    #[test]
    fn keeps_short_furniture_lines_apart() {
        let raw = "Catch us on:\nWeb: https://example.com | https://example.org/\nTelegram: x\n";
        assert_eq!(ranges(raw), vec![(1, 1), (2, 2), (3, 3)]);
    }

    #[test]
    fn keeps_bullets_apart() {
        let raw = "• Japan and South Korea are at odds over the trade dispute again\n\
                   • Analysts say the United States is unlikely to step in this time\n";
        assert_eq!(ranges(raw), vec![(1, 1), (2, 2)]);
    }

    #[test]
    fn every_nonblank_line_once() {
        let raw = "x\n\ny\nzz\n\n\nlast";
        let segs = segment(raw);
        let covered: usize = segs.iter().map(|s| s.line_end - s.line_start + 1).sum();
        let nonblank = split_lines(raw).filter(|l| !l.trim().is_empty()).count();
        assert_eq!(covered, nonblank);
    }
}
