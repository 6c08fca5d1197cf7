//! The `table` format: aligned columns, numbers right-aligned, fitted to a terminal's width.

use std::io::{self, Write};

use rusqlite::types::Value;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use super::{RowSink, text};

/// No column is cut narrower than this to fit a terminal.
const MIN_WIDTH: usize = 8;
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
            columns,
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
        // One line per row: line breaks inside a value become spaces.
        self.rows.push(
            values
                .iter()
                .map(|v| text(v).replace(['\n', '\r', '\t'], " "))
                .collect(),
        );
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
        let mut widths: Vec<usize> = columns.iter().map(|c| c.width()).collect();
        for row in &rows {
            for (w, cell) in widths.iter_mut().zip(row) {
                *w = (*w).max(cell.width());
            }
        }
        if let Some(limit) = terminal_width {
            fit(&mut widths, limit);
        }
        let line = |cells: &[String]| -> String {
            let mut line = String::new();
            for (i, (cell, &width)) in cells.iter().zip(&widths).enumerate() {
                if i > 0 {
                    line.push_str(GAP);
                }
                let cell = cut(cell, width);
                let pad = " ".repeat(width - cell.width());
                if numeric[i] {
                    line.push_str(&pad);
                    line.push_str(&cell);
                } else {
                    line.push_str(&cell);
                    if i + 1 < cells.len() {
                        line.push_str(&pad);
                    }
                }
            }
            line.trim_end().to_string()
        };
        writeln!(out, "{}", line(&columns))?;
        let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
        writeln!(out, "{}", rule.join(GAP))?;
        for row in &rows {
            writeln!(out, "{}", line(row))?;
        }
        out.flush()
    }
}

/// Narrow the widest columns until the table fits `limit` (never below [`MIN_WIDTH`]).
fn fit(widths: &mut [usize], limit: usize) {
    let total = |w: &[usize]| w.iter().sum::<usize>() + GAP.len() * w.len().saturating_sub(1);
    while total(widths) > limit {
        let Some((i, &widest)) = widths.iter().enumerate().max_by_key(|(_, w)| **w) else {
            return;
        };
        if widest <= MIN_WIDTH {
            return;
        }
        widths[i] = (widest - (total(widths) - limit)).max(MIN_WIDTH);
    }
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
    use super::*;

    fn render(rows: &[Vec<Value>], width: Option<usize>) -> String {
        let mut out = Vec::new();
        let mut table: Box<dyn RowSink> = Box::new(Table::new(
            vec!["n".into(), "title".into()],
            &mut out,
            width,
        ));
        for row in rows {
            table.row(row).unwrap();
        }
        table.finish().unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn aligns_and_fits() {
        let rows = vec![
            vec![
                Value::Integer(7),
                Value::Text("Seoul–Tokyo relations".into()),
            ],
            vec![Value::Integer(12), Value::Text("한국 and 日本".into())],
        ];
        assert_eq!(
            render(&rows, None),
            " n  title\n--  ---------------------\n 7  Seoul–Tokyo relations\n12  한국 and 日本\n"
        );
        assert_eq!(
            render(&rows, Some(14)),
            " n  title\n--  ----------\n 7  Seoul–Tok…\n12  한국 and …\n"
        );
    }
}
