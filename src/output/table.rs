//! The `table` format: aligned columns for people, numbers right-aligned.
//!
//! Piped (no terminal width), every cell is written whole on one line. On a terminal the table
//! is fitted to its width, and no line is ever wider than the terminal:
//! - a table that fits is written as it is;
//! - else every column keeps at least its floor (a number's full width; a text's first
//!   [`MIN_WIDTH`] columns; the longest word of its name), the room left is shared out fairly,
//!   and long cells and names wrap onto more lines (rows then have a blank line between them);
//! - a table whose floors alone are wider than the terminal is written one record at a time,
//!   one `name  value` line per column with long values wrapped, as `psql`'s expanded display
//!   does. Nothing is dropped in either layout; only a column name longer than a third of the
//!   terminal is cut, marked `…`.
//!
//! Tabs and other control characters inside values become spaces, so no value moves the cursor.
//! Line breaks become spaces too when piped (one row, one line); on a terminal they are kept, so
//! an article's paragraphs stay apart.

use std::io::{self, Write};

use rusqlite::types::Value;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use super::{RowSink, text};

/// A text column is not made narrower than this to fit a terminal (unless its cells are).
const MIN_WIDTH: usize = 10;
/// Space between columns.
const GAP: &str = "  ";

pub(super) struct Table<'w> {
    columns: Vec<String>,
    rows: Vec<Vec<String>>,
    numeric: Vec<bool>,
    out: &'w mut dyn Write,
    terminal_width: Option<usize>,
}

impl<'w> Table<'w> {
    pub(super) fn new(
        columns: Vec<String>,
        out: &'w mut dyn Write,
        terminal_width: Option<usize>,
    ) -> Self {
        let numeric = vec![true; columns.len()];
        Self {
            columns: columns.into_iter().map(|c| one_line(&c)).collect(),
            rows: Vec::new(),
            numeric,
            out,
            terminal_width,
        }
    }
}

impl RowSink for Table<'_> {
    fn row(&mut self, values: &[Value]) -> io::Result<()> {
        for (numeric, value) in self.numeric.iter_mut().zip(values) {
            *numeric &= matches!(value, Value::Integer(_) | Value::Real(_) | Value::Null);
        }
        let clean = if self.terminal_width.is_some() {
            keep_lines
        } else {
            one_line
        };
        self.rows
            .push(values.iter().map(|v| clean(&text(v))).collect());
        Ok(())
    }

    fn finish(self: Box<Self>) -> io::Result<()> {
        let Table {
            columns,
            rows,
            numeric,
            out,
            terminal_width,
        } = *self;
        let lines = match terminal_width {
            None => grid(&columns, &rows, &numeric, &natural_widths(&columns, &rows)),
            Some(limit) => render(&columns, &rows, &numeric, limit),
        };
        for line in lines {
            writeln!(out, "{line}")?;
        }
        out.flush()
    }
}

/// The lines of a table fitted to `limit` display columns: a grid when its columns fit, unless
/// wrapping makes it longer than the records layout (one narrow column of long sentences reads
/// worse than each record on its own).
fn render(columns: &[String], rows: &[Vec<String>], numeric: &[bool], limit: usize) -> Vec<String> {
    let natural = natural_widths(columns, rows);
    let Some(widths) = fit(&natural, &floors(columns, rows, numeric, &natural), limit) else {
        return records(columns, rows, limit);
    };
    let grid = grid(columns, rows, numeric, &widths);
    if widths == natural {
        return grid;
    }
    let records = records(columns, rows, limit);
    if grid.len() <= records.len() {
        grid
    } else {
        records
    }
}

/// `s` on one line: line breaks, tabs and other control characters become spaces.
fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// `s` with its line breaks kept (CR LF and CR as LF) and other control characters as spaces.
fn keep_lines(s: &str) -> String {
    s.replace("\r\n", "\n")
        .chars()
        .map(|c| match c {
            '\r' => '\n',
            c if c.is_control() && c != '\n' => ' ',
            c => c,
        })
        .collect()
}

/// The display width of a cell's widest line.
fn width_of(cell: &str) -> usize {
    cell.split('\n')
        .map(UnicodeWidthStr::width)
        .max()
        .unwrap_or(0)
}

/// Each column's width with nothing cut: its widest cell or its name.
fn natural_widths(columns: &[String], rows: &[Vec<String>]) -> Vec<usize> {
    let mut widths: Vec<usize> = columns.iter().map(|c| c.width()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(width_of(cell));
        }
    }
    widths
}

/// How narrow each column may become: numbers are never wrapped, text keeps [`MIN_WIDTH`],
/// and a name keeps its longest word (words of a name are split at `_`).
fn floors(
    columns: &[String],
    rows: &[Vec<String>],
    numeric: &[bool],
    natural: &[usize],
) -> Vec<usize> {
    columns
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let content = if numeric[i] {
                rows.iter().map(|r| width_of(&r[i])).max().unwrap_or(0)
            } else {
                MIN_WIDTH
            };
            let name = name_words(name)
                .map(UnicodeWidthStr::width)
                .max()
                .unwrap_or(0);
            content.max(name).min(natural[i])
        })
        .collect()
}

/// Column widths that fit `limit` with the gaps: the natural widths if they fit, else the
/// floors plus a fair share of the room left; `None` when even the floors do not fit.
fn fit(natural: &[usize], floors: &[usize], limit: usize) -> Option<Vec<usize>> {
    let gaps = GAP.len() * natural.len().saturating_sub(1);
    if natural.iter().sum::<usize>() + gaps <= limit {
        return Some(natural.to_vec());
    }
    let mut widths = floors.to_vec();
    let mut spare = limit.checked_sub(widths.iter().sum::<usize>() + gaps)?;
    // Share the room out evenly among the columns that want more, narrowest want first, until
    // it is gone or every column has its natural width.
    let mut order: Vec<usize> = (0..widths.len()).collect();
    order.sort_by_key(|&i| natural[i]);
    while spare > 0 {
        let wanting: Vec<usize> = order
            .iter()
            .copied()
            .filter(|&i| widths[i] < natural[i])
            .collect();
        if wanting.is_empty() {
            break;
        }
        let each = (spare / wanting.len()).max(1);
        for i in wanting {
            let more = each.min(natural[i] - widths[i]).min(spare);
            widths[i] += more;
            spare -= more;
        }
    }
    Some(widths)
}

/// A grid: names, a rule, then the rows; cells wider than their column wrap onto more lines.
fn grid(
    columns: &[String],
    rows: &[Vec<String>],
    numeric: &[bool],
    widths: &[usize],
) -> Vec<String> {
    let header: Vec<Vec<String>> = columns
        .iter()
        .zip(widths)
        .map(|(name, &width)| wrap_name(name, width))
        .collect();
    let body: Vec<Vec<Vec<String>>> = rows
        .iter()
        .map(|row| {
            row.iter()
                .zip(widths)
                .map(|(cell, &width)| wrap(cell, width))
                .collect()
        })
        .collect();
    let spaced = body.iter().any(|row| row.iter().any(|cell| cell.len() > 1));
    let mut lines = join_cells(&header, widths, numeric);
    lines.push(
        widths
            .iter()
            .map(|w| "-".repeat(*w))
            .collect::<Vec<_>>()
            .join(GAP),
    );
    for (i, row) in body.iter().enumerate() {
        if spaced && i > 0 {
            lines.push(String::new());
        }
        lines.extend(join_cells(row, widths, numeric));
    }
    lines
}

/// The lines of one grid row whose cells are already wrapped to their widths.
fn join_cells(cells: &[Vec<String>], widths: &[usize], numeric: &[bool]) -> Vec<String> {
    let height = cells.iter().map(Vec::len).max().unwrap_or(0).max(1);
    (0..height)
        .map(|k| {
            let mut line = String::new();
            for (i, (cell, &width)) in cells.iter().zip(widths).enumerate() {
                if i > 0 {
                    line.push_str(GAP);
                }
                let part = cell.get(k).map_or("", String::as_str);
                let pad = " ".repeat(width.saturating_sub(part.width()));
                if numeric[i] {
                    line.push_str(&pad);
                    line.push_str(part);
                } else {
                    line.push_str(part);
                    line.push_str(&pad);
                }
            }
            line.trim_end().to_string()
        })
        .collect()
}

/// One record at a time: a `-[ N ]---` line, then one `name  value` line per column, values
/// wrapped to the room left by the names (at most a third of `limit`).
fn records(columns: &[String], rows: &[Vec<String>], limit: usize) -> Vec<String> {
    if rows.is_empty() {
        return vec!["(no rows)".to_string()];
    }
    let widest = columns.iter().map(|c| c.width()).max().unwrap_or(0);
    let label = widest.min(limit / 3).max(1);
    let value = limit.saturating_sub(label + GAP.len()).max(1);
    let mut lines = Vec::new();
    for (n, row) in rows.iter().enumerate() {
        let head = format!("-[ {} ]", n + 1);
        let rule = "-".repeat(limit.saturating_sub(head.width()));
        lines.push(cut(&format!("{head}{rule}"), limit));
        for (name, cell) in columns.iter().zip(row) {
            let name = cut(name, label);
            let pad = " ".repeat(label - name.width());
            let mut parts = wrap(cell, value).into_iter();
            let first = parts.next().unwrap_or_default();
            lines.push(format!("{name}{pad}{GAP}{first}").trim_end().to_string());
            let indent = " ".repeat(label + GAP.len());
            lines.extend(parts.map(|part| format!("{indent}{part}")));
        }
    }
    lines
}

/// The words of a column name: split after each `_`, so `goldstein_mean` can wrap as
/// `goldstein_` / `mean`.
fn name_words(name: &str) -> impl Iterator<Item = &str> {
    name.split_inclusive('_')
}

/// A column name wrapped to `width`, between its words where it can be.
fn wrap_name(name: &str, width: usize) -> Vec<String> {
    let mut lines = vec![String::new()];
    for word in name_words(name) {
        let last = lines.last_mut().map_or(0, |l| l.width());
        if last > 0 && last + word.width() > width {
            lines.push(String::new());
        }
        if let Some(line) = lines.last_mut() {
            line.push_str(word);
        }
    }
    lines.into_iter().flat_map(|l| wrap(&l, width)).collect()
}

/// `cell` wrapped to lines of at most `width` display columns: at its own line breaks, then
/// between words where it can be and inside a word longer than a line.
fn wrap(cell: &str, width: usize) -> Vec<String> {
    let options = textwrap::Options::new(width)
        .break_words(true)
        .wrap_algorithm(textwrap::WrapAlgorithm::FirstFit);
    cell.split('\n')
        .flat_map(|line| {
            if line.width() <= width {
                return vec![line.to_string()];
            }
            textwrap::wrap(line, &options)
                .into_iter()
                .flat_map(|part| split(&part, width))
                .collect()
        })
        .collect()
}

/// `line` in pieces of at most `width` display columns (at least one character each), for
/// what word wrapping left too wide.
fn split(line: &str, width: usize) -> Vec<String> {
    let mut pieces = vec![String::new()];
    let mut used = 0;
    for c in line.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > width && used > 0 {
            pieces.push(String::new());
            used = 0;
        }
        if let Some(piece) = pieces.last_mut() {
            piece.push(c);
        }
        used += w;
    }
    pieces
}

/// `cell` cut to `width` display columns, ending in `…` when cut.
fn cut(cell: &str, width: usize) -> String {
    if cell.width() <= width {
        return cell.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in cell.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn render_rows(columns: &[&str], rows: &[Vec<Value>], width: Option<usize>) -> String {
        let mut out = Vec::new();
        let mut table: Box<dyn RowSink> = Box::new(Table::new(
            columns.iter().map(ToString::to_string).collect(),
            &mut out,
            width,
        ));
        for row in rows {
            table.row(row).unwrap();
        }
        table.finish().unwrap();
        String::from_utf8(out).unwrap()
    }

    fn two_rows() -> Vec<Vec<Value>> {
        vec![
            vec![
                Value::Integer(7),
                Value::Text("Seoul–Tokyo relations".into()),
            ],
            vec![Value::Integer(12), Value::Text("한국 and 日本".into())],
        ]
    }

    #[test]
    fn aligns_and_keeps_every_cell_whole_when_piped() {
        assert_eq!(
            render_rows(&["n", "title"], &two_rows(), None),
            " n  title\n--  ---------------------\n 7  Seoul–Tokyo relations\n12  한국 and 日本\n"
        );
    }

    #[test]
    fn wraps_long_cells_to_the_terminal() {
        assert_eq!(
            render_rows(&["n", "title"], &two_rows(), Some(16)),
            " n  title\n--  ------------\n 7  Seoul–Tokyo\n    relations\n\n12  한국 and 日\n    本\n"
        );
    }

    #[test]
    fn names_wrap_at_underscores() {
        let rows = vec![
            vec![
                Value::Integer(2019),
                Value::Real(-1.25),
                Value::Text("a note".into()),
            ],
            vec![Value::Integer(2020), Value::Real(3.5), Value::Null],
        ];
        assert_eq!(
            render_rows(&["year", "goldstein_mean", "why"], &rows, Some(26)),
            "year    goldstein_  why\n              mean\n----  ------------  ------\n\
             2019         -1.25  a note\n2020           3.5\n"
        );
    }

    #[test]
    fn too_many_columns_become_records() {
        let columns = ["date", "source", "code_name", "target", "evidence"];
        let rows = vec![vec![
            Value::Text("2019-07-01".into()),
            Value::Text("Japan".into()),
            Value::Text("Reduce or break relations".into()),
            Value::Text("South Korea".into()),
            Value::Text("Japan tightened exports of three chemicals to South Korea.".into()),
        ]];
        assert_eq!(
            render_rows(&columns, &rows, Some(30)),
            "-[ 1 ]------------------------\n\
             date       2019-07-01\n\
             source     Japan\n\
             code_name  Reduce or break\n           relations\n\
             target     South Korea\n\
             evidence   Japan tightened\n           exports of three\n           chemicals to South\n           Korea.\n"
        );
        assert_eq!(render_rows(&columns, &[], Some(30)), "(no rows)\n");
    }

    #[test]
    fn control_characters_never_reach_the_terminal() {
        let rows = vec![vec![Value::Text("a\nb\tc\u{1b}[2Jd".into())]];
        assert_eq!(
            render_rows(&["x"], &rows, None),
            "x\n----------\na b c [2Jd\n"
        );
    }

    /// A cell from pieces scraped text is made of: words, numbers, wide and zero-width
    /// characters, combining marks, emoji, control characters and long unbroken runs.
    fn cell() -> impl Strategy<Value = Value> {
        let piece = prop_oneof![
            "[a-zA-Z]{1,12}",
            "[0-9]{1,6}",
            Just("한국어".to_string()),
            Just("日本".to_string()),
            Just("e\u{301}".to_string()),
            Just("\u{200b}".to_string()),
            Just("👍🏽".to_string()),
            Just("\n".to_string()),
            Just("\t\u{1b}[31m".to_string()),
            "[a-z]{20,90}",
            Just("_".to_string()),
        ];
        prop_oneof![
            proptest::collection::vec(piece, 0..30).prop_map(|p| Value::Text(p.join(" "))),
            any::<i64>().prop_map(Value::Integer),
            any::<f64>().prop_map(Value::Real),
            Just(Value::Null),
        ]
    }

    fn table() -> impl Strategy<Value = (Vec<String>, Vec<Vec<Value>>)> {
        (1usize..9).prop_flat_map(|n| {
            (
                proptest::collection::vec("[a-z_]{1,24}", n),
                proptest::collection::vec(proptest::collection::vec(cell(), n), 0..6),
            )
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        /// Issue 26: any table at any width from 20 columns on fits the width, and every
        /// character of every cell is still shown (wrapped, never cut).
        #[test]
        fn any_table_fits_any_width((columns, rows) in table(), width in 20usize..220) {
            let names: Vec<&str> = columns.iter().map(String::as_str).collect();
            let shown = render_rows(&names, &rows, Some(width));
            for line in shown.lines() {
                prop_assert!(line.width() <= width, "{} > {width}: {line:?}", line.width());
            }
            let mut left: std::collections::HashMap<char, usize> = std::collections::HashMap::new();
            for c in shown.chars() {
                *left.entry(c).or_default() += 1;
            }
            for value in rows.iter().flatten() {
                for c in one_line(&text(value)).chars().filter(|c| !c.is_whitespace()) {
                    let n = left.entry(c).or_default();
                    prop_assert!(*n > 0, "{c:?} of {value:?} is not shown:\n{shown}");
                    *n -= 1;
                }
            }
        }
    }

    #[test]
    fn a_terminal_keeps_the_line_breaks_of_a_value() {
        let rows = vec![vec![
            Value::Integer(3),
            Value::Text("First paragraph.\r\n\r\nSecond\tone.".into()),
        ]];
        assert_eq!(
            render_rows(&["id", "text"], &rows, Some(30)),
            "id  text\n--  ----------------\n 3  First paragraph.\n\n    Second one.\n"
        );
        assert_eq!(
            render_rows(&["id", "text"], &rows, None),
            "id  text\n--  -------------------------------\n 3  First paragraph.    Second one.\n"
        );
    }

    #[test]
    fn fair_shares_never_exceed_the_limit() {
        assert_eq!(fit(&[4, 40, 40], &[4, 10, 10], 40), Some(vec![4, 16, 16]));
        assert_eq!(fit(&[4, 12, 40], &[4, 10, 10], 40), Some(vec![4, 12, 20]));
        assert_eq!(fit(&[20, 20, 20], &[10, 10, 10], 25), None);
        assert_eq!(fit(&[3, 3], &[3, 3], 8), Some(vec![3, 3]));
    }
}
