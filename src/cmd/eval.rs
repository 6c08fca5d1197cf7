//! `dossier eval --gold DIR DOCS...`: score the pipeline against gold annotations
//! ([`crate::eval::archive`]) and print a table, or JSON with `--json`.

use std::io::Write;
use std::process::ExitCode;

use crate::cli::EvalArgs;
use crate::error::{Error, Result};
use crate::eval::archive::{self, MatchScores, Report, Scores};
use crate::eval::pages;
use crate::extract::Resources;

/// Run `dossier eval`.
pub fn run(args: &EvalArgs, resources: &Resources) -> Result<ExitCode> {
    // clap requires one of the two.
    let (Some(gold), None) = (&args.gold, &args.html_truth) else {
        return match &args.html_truth {
            Some(truth) => run_pages(args, truth, resources),
            None => Ok(ExitCode::from(2)),
        };
    };
    let (docs, notes) = archive::load(gold, &args.paths)?;
    for note in &notes {
        crate::cmd::say(note);
    }
    let report = archive::evaluate(&docs, resources, args.explain)?;
    print(&report, args.json, |out| {
        write_table(out, &report).and_then(|()| write_explanations(out, &report))
    })
}

/// Print a report to stdout as JSON or with `table`; a closed pipe is not an error.
fn print(
    report: &impl serde::Serialize,
    json: bool,
    table: impl FnOnce(&mut std::io::StdoutLock<'static>) -> std::io::Result<()>,
) -> Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    let written = if json {
        serde_json::to_writer_pretty(&mut out, report)
            .map_err(std::io::Error::from)
            .and_then(|()| writeln!(out))
    } else {
        table(&mut out)
    };
    match written {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(Error::io("stdout", e)),
        _ => Ok(ExitCode::SUCCESS),
    }
}

/// `dossier eval --html-truth`: the pages' scores, a row each, then `all`.
fn run_pages(args: &EvalArgs, truth: &std::path::Path, resources: &Resources) -> Result<ExitCode> {
    let (report, notes) = pages::evaluate(truth, &args.paths, resources)?;
    for note in &notes {
        crate::cmd::say(note);
    }
    print(&report, args.json, |out| write_pages(out, &report))
}

fn write_pages(out: &mut impl Write, report: &pages::PagesReport) -> std::io::Result<()> {
    let width = report
        .pages
        .iter()
        .map(|p| p.page.len())
        .max()
        .unwrap_or(0)
        .max(5);
    writeln!(
        out,
        "{:<width$}  {:>9}  {:>6}  {:>5}",
        "page", "precision", "recall", "f1"
    )?;
    for p in &report.pages {
        let f1 = if p.precision + p.recall > 0.0 {
            2.0 * p.precision * p.recall / (p.precision + p.recall)
        } else {
            0.0
        };
        writeln!(
            out,
            "{:<width$}  {:>9.3}  {:>6.3}  {:>5.3}",
            p.page, p.precision, p.recall, f1
        )?;
    }
    let s = &report.summary;
    writeln!(
        out,
        "{:<width$}  {:>9.3}  {:>6.3}  {:>5.3}",
        "all", s.precision, s.recall, s.f1
    )?;
    writeln!(
        out,
        "\n{} pages; extraction alone: {:.0} pages per second on one thread, {:.0} on {}",
        s.pages, report.pages_per_second, report.pages_per_second_parallel, report.threads
    )
}

/// A section of the table for entity or quote scores: a row per scored document, then `all`.
/// `--explain` as text: per document with anything to show, each kind of error under a heading.
fn write_explanations(out: &mut impl Write, report: &Report) -> std::io::Result<()> {
    for document in &report.documents {
        let Some(why) = &document.explain else {
            continue;
        };
        let sections = [
            ("boilerplate kept as text", &why.boilerplate_missed),
            ("text labelled boilerplate", &why.boilerplate_spurious),
            ("entities missed", &why.entities_missed),
            ("entities not in the gold", &why.entities_spurious),
            ("quotes missed", &why.quotes_missed),
            ("quotes not in the gold", &why.quotes_spurious),
            ("events missed (date and root)", &why.events_missed),
            ("events not in the gold", &why.events_spurious),
            ("events with other actors", &why.events_wrong_actors),
        ];
        if sections.iter().all(|(_, items)| items.is_empty()) {
            continue;
        }
        writeln!(out, "\n== {}", document.document)?;
        for (heading, items) in sections.iter().filter(|(_, items)| !items.is_empty()) {
            writeln!(out, "{heading} ({}):", items.len())?;
            for item in *items {
                writeln!(out, "  {item}")?;
            }
        }
    }
    Ok(())
}

fn write_matches(
    out: &mut dyn Write,
    width: usize,
    title: &str,
    documents: &[(&str, Option<&MatchScores>)],
    total: Option<&MatchScores>,
) -> std::io::Result<()> {
    let Some(total) = total else { return Ok(()) };
    writeln!(out)?;
    writeln!(
        out,
        "{title:<width$}  {:>6}  {:>9}  {:>6}  {:>5}",
        "gold", "precision", "recall", "f1"
    )?;
    let scored = documents
        .iter()
        .filter_map(|(name, s)| s.map(|s| (*name, s)));
    for (name, s) in scored.chain(std::iter::once(("all", total))) {
        writeln!(
            out,
            "{name:<width$}  {:>6}  {:>9.3}  {:>6.3}  {:>5.3}",
            s.counts.gold, s.precision, s.recall, s.f1
        )?;
    }
    Ok(())
}

fn write_table(out: &mut impl Write, report: &Report) -> std::io::Result<()> {
    let width = report
        .documents
        .iter()
        .map(|d| d.document.len())
        .max()
        .unwrap_or(0)
        .max(8);
    writeln!(
        out,
        "{:<width$}  {:>5}  {:>9}  {:>6}  {:>5}  {:>14}",
        "document", "lines", "precision", "recall", "f1", "content_recall"
    )?;
    let row = |out: &mut dyn Write, name: &str, s: &Scores| {
        writeln!(
            out,
            "{name:<width$}  {:>5}  {:>9.3}  {:>6.3}  {:>5.3}  {:>14.3}",
            s.lines,
            s.boilerplate_precision,
            s.boilerplate_recall,
            s.boilerplate_f1,
            s.content_recall
        )
    };
    for d in &report.documents {
        row(out, &d.document, &d.scores)?;
    }
    row(out, "all", &report.total)?;
    let entities: Vec<(&str, Option<&MatchScores>)> = report
        .documents
        .iter()
        .map(|d| (d.document.as_str(), d.entities.as_ref()))
        .collect();
    write_matches(out, width, "entities", &entities, report.entities.as_ref())?;
    let quotes: Vec<(&str, Option<&MatchScores>)> = report
        .documents
        .iter()
        .map(|d| (d.document.as_str(), d.quotes.as_ref()))
        .collect();
    write_matches(out, width, "quotes", &quotes, report.quotes.as_ref())?;
    let e1: Vec<(&str, Option<&MatchScores>)> = report
        .documents
        .iter()
        .map(|d| (d.document.as_str(), d.events_e1.as_ref()))
        .collect();
    write_matches(out, width, "events E1", &e1, report.events_e1.as_ref())?;
    let e2: Vec<(&str, Option<&MatchScores>)> = report
        .documents
        .iter()
        .map(|d| (d.document.as_str(), d.events_e2.as_ref()))
        .collect();
    write_matches(out, width, "events E2", &e2, report.events_e2.as_ref())?;
    Ok(())
}
