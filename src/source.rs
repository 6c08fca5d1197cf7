//! Inputs: files, folders, JSON Lines, JSON and stdin, read into [`RawInput`]s.
//!
//! Raw text is kept byte for byte (a BOM, CRLF line endings and all); only validity is checked:
//! not empty, not binary, valid UTF-8, under [`MAX_ARTICLE_BYTES`]. Each input that fails is
//! reported as its own [`Error`] naming the file (and line) and the others carry on.
//!
//! Saved web pages (`.html`, `.htm`, `--format html`, a JSON record's `html` field, a text file
//! or stdin that opens as a page) are read as [`DocFormat::Html`]: decoded by their charset
//! ([`crate::html::charset`]), with their bytes kept as given when they are not UTF-8, up to
//! [`MAX_PAGE_BYTES`].
//!
//! Folders are walked recursively in sorted order, skipping hidden entries; `NAME.meta.json`
//! beside `NAME.txt` is that article's sidecar, not an article. Files of other kinds are passed
//! over and counted, so the user is told what was not read. JSON Lines are streamed line by
//! line, so memory does not grow with the file; stdin is JSON Lines when its first non-blank
//! line is a JSON object, else one text article.
//!
//! Metadata that is there but unusable (a sidecar date like `27/08/2024`) does not cost the
//! article: the field is left empty and the input carries a warning naming the file and field.

use std::fs;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use crate::cli::InputFormat;
use crate::error::{Error, Result};
use crate::text::hashing::ContentHash;

/// The largest single article dossier accepts, in bytes (16 MiB). News articles are a few
/// kilobytes; anything this large is a mistake, and refusing it keeps memory bounded.
pub const MAX_ARTICLE_BYTES: u64 = 16 * 1024 * 1024;

/// The largest saved page dossier reads, in bytes (64 MiB): pages carry scripts, styles and
/// inline images around a few kilobytes of article.
pub const MAX_PAGE_BYTES: u64 = 64 * 1024 * 1024;

/// File extensions read when walking a folder.
const ARTICLE_EXTENSIONS: &[&str] = &[
    "txt", "md", "jsonl", "ndjson", "json", "html", "htm", "xhtml", "shtml",
];
/// Extensions of saved web pages.
const HTML_EXTENSIONS: &[&str] = &["html", "htm", "xhtml", "shtml"];
const SIDECAR_SUFFIX: &str = ".meta.json";

/// Metadata that came with an input (sidecar or JSON fields). All optional.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Meta {
    /// Headline.
    pub title: Option<String>,
    /// Where the article was published.
    pub url: Option<String>,
    /// Publication or site name.
    pub outlet: Option<String>,
    /// Publication date: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    pub published: Option<String>,
    /// The record's own `id` (JSON input).
    pub external_id: Option<String>,
}

/// What kind of document an input is: how its text is read into paragraphs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum DocFormat {
    /// Plain text: paragraphs by blank lines, boilerplate by the text classifier.
    #[default]
    Text,
    /// A web page: paragraphs by its elements, boilerplate by the page's structure.
    Html,
}

impl DocFormat {
    /// The name stored in `documents.format`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Text => "text",
            Self::Html => "html",
        }
    }

    /// The format a `documents.format` value names (`text` for anything unknown).
    #[must_use]
    pub fn from_name(name: &str) -> Self {
        if name == "html" {
            Self::Html
        } else {
            Self::Text
        }
    }
}

/// One article as read, before any processing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawInput {
    /// The file as named on the command line (or found in a folder); `-` for stdin.
    pub path: PathBuf,
    /// 1-based line (JSON Lines) or record number (JSON array).
    pub line: Option<u64>,
    /// The text exactly as given; for a page in another charset than UTF-8, its decoding.
    pub raw: String,
    /// Text or a web page.
    pub format: DocFormat,
    /// The bytes exactly as given, when `raw` is a decoding of them (a page not in UTF-8).
    pub bytes: Option<Vec<u8>>,
    /// The charset a page was read in (`UTF-8`, `windows-1251`…); `None` for text.
    pub encoding: Option<&'static str>,
    /// Metadata from the sidecar or the JSON record.
    pub meta: Meta,
    /// What the user should hear about this input although it is read, e.g. a date left out
    /// (each names the file, and the line where there is one).
    pub warnings: Vec<String>,
}

impl RawInput {
    /// A text input with no metadata (for tests and callers that make their own).
    #[must_use]
    pub fn text(path: impl Into<PathBuf>, raw: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            line: None,
            raw: raw.into(),
            format: DocFormat::Text,
            bytes: None,
            encoding: None,
            meta: Meta::default(),
            warnings: Vec::new(),
        }
    }

    /// The bytes as given: what `documents.sha256` hashes.
    #[must_use]
    pub fn given_bytes(&self) -> &[u8] {
        self.bytes.as_deref().unwrap_or(self.raw.as_bytes())
    }

    /// The SHA-256 of the bytes as given.
    #[must_use]
    pub fn sha(&self) -> ContentHash {
        ContentHash::of(self.given_bytes())
    }
}

/// Something to read articles from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A file, read in the given format.
    File {
        /// The path.
        path: PathBuf,
        /// Text, HTML, JSON Lines or JSON (never `Auto`).
        format: InputFormat,
        /// Whether the format came from the extension (`--format auto`): a text file that is
        /// plainly an HTML page is then read as one.
        guessed: bool,
    },
    /// Standard input.
    Stdin {
        /// Text, JSON Lines, or `Auto` (JSON Lines when the first non-blank line is a JSON
        /// object, else text).
        format: InputFormat,
    },
}

/// What the command-line paths name.
#[derive(Debug, Default)]
pub struct Expanded {
    /// The sources to read, in order; a path that cannot be used is an error in its place.
    pub sources: Vec<Result<Source>>,
    /// What folder walks passed over, one line per folder, e.g. `pages: skipped 3 files …`.
    pub notes: Vec<String>,
}

impl Source {
    /// Size in bytes, when known up front (for the progress bar).
    #[must_use]
    pub fn size(&self) -> Option<u64> {
        match self {
            Self::File { path, .. } => fs::metadata(path).ok().map(|m| m.len()),
            Self::Stdin { .. } => None,
        }
    }
}

/// Turn command-line paths into sources: folders are walked, `-` is stdin. A path that cannot
/// be used yields an error in its place; the rest are still returned.
#[must_use]
pub fn expand(paths: &[PathBuf], format: InputFormat) -> Expanded {
    let mut expanded = Expanded::default();
    let out = &mut expanded.sources;
    for path in paths {
        if path.as_os_str() == "-" {
            out.push(Ok(Source::Stdin { format }));
            continue;
        }
        match fs::metadata(path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                out.push(Err(Error::NotFound { path: path.clone() }));
            }
            Err(e) => out.push(Err(Error::io(path, e))),
            Ok(m) if m.is_dir() => {
                let before = out.len();
                let skipped = walk(path, format, out);
                let skipped = skipped.describe();
                if out.len() == before {
                    out.push(Err(Error::NoArticles {
                        path: path.clone(),
                        skipped,
                    }));
                } else if let Some(skipped) = skipped {
                    expanded
                        .notes
                        .push(format!("{}: skipped {skipped}", path.display()));
                }
            }
            Ok(m) if m.is_file() => out.push(Ok(Source::File {
                path: path.clone(),
                format: resolve_format(path, format),
                guessed: format == InputFormat::Auto,
            })),
            Ok(_) => out.push(Err(Error::NotRegular { path: path.clone() })),
        }
    }
    expanded
}

/// Files a folder walk passed over, counted by extension (lowercase; empty for none).
#[derive(Debug, Default)]
struct Skipped(std::collections::BTreeMap<String, u64>);

impl Skipped {
    fn add(&mut self, path: &Path) {
        let extension = path
            .extension()
            .map(|e| e.to_string_lossy().to_lowercase())
            .unwrap_or_default();
        *self.0.entry(extension).or_default() += 1;
    }

    /// `3 files dossier does not read (2 .pdf, 1 .csv)`, or `None` when nothing was passed over.
    fn describe(&self) -> Option<String> {
        let total: u64 = self.0.values().sum();
        if total == 0 {
            return None;
        }
        let kinds: Vec<String> = self
            .0
            .iter()
            .map(|(extension, n)| match extension.as_str() {
                "" => format!("{n} without an extension"),
                e => format!("{n} .{e}"),
            })
            .collect();
        let files = if total == 1 { "file" } else { "files" };
        Some(format!(
            "{total} {files} dossier does not read ({})",
            kinds.join(", ")
        ))
    }
}

fn has_extension(path: &Path, extensions: &[&str]) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| extensions.contains(&e.to_ascii_lowercase().as_str()))
}

/// Whether `bytes` are plainly a web page: they open (after a BOM and white space) with an HTML
/// doctype or `<html`.
fn looks_like_html(bytes: &[u8]) -> bool {
    let bytes = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(bytes);
    let start = bytes.trim_ascii_start();
    let head = start[..start.len().min(14)].to_ascii_lowercase();
    head.starts_with(b"<!doctype html") || head.starts_with(b"<html")
}

/// Why decoded text is not an HTML page, if it is not: it holds a NUL character (binary), or no
/// HTML tag at all in its first 64 KiB.
fn not_html(text: &str) -> Option<String> {
    if let Some(offset) = text.find('\0') {
        return Some(format!("binary data: a NUL character at byte {offset}"));
    }
    let mut head = &text[..text.len().min(65_536)];
    while !head.is_char_boundary(head.len()) {
        head = &text[..head.len() - 1];
    }
    let lower = head.to_ascii_lowercase();
    let tagged = lower.match_indices('<').any(|(i, _)| {
        let rest = &lower[i + 1..];
        let name: String = rest
            .trim_start_matches(['/', '!'])
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .collect();
        rest.starts_with("!doctype html")
            || rest.starts_with("!--")
            || crate::html::is_html_tag(&name)
    });
    (!tagged).then(|| "no HTML tags in it".to_string())
}

/// Walk a folder into `out`; returns what it passed over.
fn walk(dir: &Path, format: InputFormat, out: &mut Vec<Result<Source>>) -> Skipped {
    let mut skipped = Skipped::default();
    let walker = walkdir::WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                let path = e.path().unwrap_or(dir).to_path_buf();
                out.push(Err(Error::io(path, e.into())));
                continue;
            }
        };
        let name = entry.file_name().to_string_lossy();
        if !entry.file_type().is_file() || name.ends_with(SIDECAR_SUFFIX) {
            continue;
        }
        if has_extension(Path::new(&*name), ARTICLE_EXTENSIONS) {
            let path = entry.into_path();
            out.push(Ok(Source::File {
                format: resolve_format(&path, format),
                guessed: format == InputFormat::Auto,
                path,
            }));
        } else {
            skipped.add(entry.path());
        }
    }
    skipped
}

fn resolve_format(path: &Path, format: InputFormat) -> InputFormat {
    if format != InputFormat::Auto {
        return format;
    }
    match path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("jsonl" | "ndjson") => InputFormat::Jsonl,
        Some("json") => InputFormat::Json,
        Some(e) if HTML_EXTENSIONS.contains(&e) => InputFormat::Html,
        _ => InputFormat::Text,
    }
}

/// Read every article of one source, handing each (or its error) to `sink`. An error from the
/// sink stops reading and is returned; errors of single inputs go to the sink and do not.
pub fn read(source: &Source, sink: &mut dyn FnMut(Result<RawInput>) -> Result<()>) -> Result<()> {
    match source {
        Source::File {
            path,
            format: InputFormat::Jsonl,
            ..
        } => match fs::File::open(path) {
            Ok(file) => read_jsonl(path, BufReader::new(file), sink),
            Err(e) => sink(Err(Error::io(path, e))),
        },
        Source::File {
            path,
            format: InputFormat::Json,
            ..
        } => match read_file(path) {
            Ok(text) => read_json(path, &text, sink),
            Err(e) => sink(Err(e)),
        },
        Source::File {
            path,
            format: InputFormat::Html,
            ..
        } => sink(read_html_file(path)),
        Source::File { path, guessed, .. } => sink(read_text_file(path, *guessed)),
        Source::Stdin { format } => {
            let path = PathBuf::from("-");
            let mut stdin = std::io::stdin().lock();
            let (format, head) = match format {
                InputFormat::Auto => sniff(&mut stdin).map_err(|e| Error::io(&path, e))?,
                given => (*given, Vec::new()),
            };
            let stdin = std::io::Cursor::new(head).chain(stdin);
            if format == InputFormat::Jsonl {
                return read_jsonl(&path, stdin, sink);
            }
            let mut bytes = Vec::new();
            let limited = stdin.take(MAX_PAGE_BYTES + 1).read_to_end(&mut bytes);
            let result = limited.map_err(|e| Error::io(&path, e)).and_then(|_| {
                if format == InputFormat::Html {
                    check_size(&path, bytes.len() as u64, MAX_PAGE_BYTES)?;
                    return page(&path, None, bytes, Meta::default(), Vec::new());
                }
                check_size(&path, bytes.len() as u64, MAX_ARTICLE_BYTES)?;
                let raw = decode(&path, bytes)?;
                if format == InputFormat::Json {
                    return Err(Error::Record {
                        path: path.clone(),
                        line: 1,
                        message: "JSON from stdin is not supported; use `--format jsonl`".into(),
                    });
                }
                Ok(RawInput::text(path.clone(), raw))
            });
            sink(result)
        }
    }
}

/// Read stdin up to and including its first non-blank line, and say how to read it: JSON Lines
/// when that line is a JSON object, a page when it opens one, else text. Returns the bytes read, to be read again.
fn sniff(stdin: &mut impl BufRead) -> std::io::Result<(InputFormat, Vec<u8>)> {
    let mut head = Vec::new();
    loop {
        let start = head.len();
        let n = stdin
            .by_ref()
            .take(MAX_ARTICLE_BYTES + 1)
            .read_until(b'\n', &mut head)?;
        let line = &head[start..];
        if n == 0 {
            return Ok((InputFormat::Text, head));
        }
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let line = line.strip_prefix("\u{feff}".as_bytes()).unwrap_or(line);
        let object = line.trim_ascii_start().starts_with(b"{")
            && serde_json::from_slice::<Value>(line).is_ok_and(|v| v.is_object());
        let format = if object {
            InputFormat::Jsonl
        } else if looks_like_html(line) {
            InputFormat::Html
        } else {
            InputFormat::Text
        };
        return Ok((format, head));
    }
}

/// A text file and its sidecar. With `guessed`, a file that is plainly an HTML page is read as
/// one.
fn read_text_file(path: &Path, guessed: bool) -> Result<RawInput> {
    let size = fs::metadata(path).map_err(|e| Error::io(path, e))?.len();
    let limit = if guessed {
        MAX_PAGE_BYTES
    } else {
        MAX_ARTICLE_BYTES
    };
    check_size(path, size, limit)?;
    let bytes = fs::read(path).map_err(|e| Error::io(path, e))?;
    let mut warnings = Vec::new();
    if guessed && looks_like_html(&bytes) {
        let meta = read_sidecar(path, &mut warnings)?;
        return page(path, None, bytes, meta, warnings);
    }
    check_size(path, size, MAX_ARTICLE_BYTES)?;
    let raw = decode(path, bytes)?;
    let meta = read_sidecar(path, &mut warnings)?;
    Ok(RawInput {
        meta,
        warnings,
        ..RawInput::text(path, raw)
    })
}

/// A saved page and its sidecar.
fn read_html_file(path: &Path) -> Result<RawInput> {
    let size = fs::metadata(path).map_err(|e| Error::io(path, e))?.len();
    check_size(path, size, MAX_PAGE_BYTES)?;
    let bytes = fs::read(path).map_err(|e| Error::io(path, e))?;
    let mut warnings = Vec::new();
    let meta = read_sidecar(path, &mut warnings)?;
    page(path, None, bytes, meta, warnings)
}

/// A page's bytes as an input: decoded by their charset, kept as given when that is not UTF-8.
/// Bytes invalid in the charset are read as U+FFFD, with a warning.
fn page(
    path: &Path,
    line: Option<u64>,
    bytes: Vec<u8>,
    meta: Meta,
    mut warnings: Vec<String>,
) -> Result<RawInput> {
    if bytes.trim_ascii().is_empty() {
        return Err(Error::Empty {
            path: path.to_path_buf(),
        });
    }
    let decoded = crate::html::charset::decode(&bytes);
    let encoding = decoded.encoding.name();
    if let Some(reason) = not_html(&decoded.text) {
        return Err(Error::NotHtml {
            path: path.to_path_buf(),
            reason,
        });
    }
    if decoded.malformed {
        let at = line.map(|l| format!(":{l}")).unwrap_or_default();
        warnings.push(format!(
            "{}{at}: bytes that are not valid {encoding} were read as U+FFFD",
            path.display()
        ));
    }
    let (raw, bytes) = match decoded.text {
        std::borrow::Cow::Borrowed(_) => {
            // Valid UTF-8 as given: the text is the bytes.
            let raw = String::from_utf8(bytes).map_err(|e| Error::InvalidUtf8 {
                path: path.to_path_buf(),
                offset: e.utf8_error().valid_up_to(),
            })?;
            (raw, None)
        }
        std::borrow::Cow::Owned(text) => (text, Some(bytes)),
    };
    Ok(RawInput {
        line,
        format: DocFormat::Html,
        bytes,
        encoding: Some(encoding),
        meta,
        warnings,
        ..RawInput::text(path, raw)
    })
}

fn read_file(path: &Path) -> Result<String> {
    let size = fs::metadata(path).map_err(|e| Error::io(path, e))?.len();
    check_size(path, size, MAX_ARTICLE_BYTES)?;
    let bytes = fs::read(path).map_err(|e| Error::io(path, e))?;
    decode(path, bytes)
}

fn check_size(path: &Path, bytes: u64, limit: u64) -> Result<()> {
    if bytes > limit {
        return Err(Error::TooLarge {
            path: path.to_path_buf(),
            bytes,
            limit,
        });
    }
    Ok(())
}

/// Check raw bytes are usable text and return them as a `String`, unchanged.
pub fn decode(path: &Path, bytes: Vec<u8>) -> Result<String> {
    if bytes.is_empty() {
        return Err(Error::Empty {
            path: path.to_path_buf(),
        });
    }
    if let Some(offset) = bytes.iter().position(|&b| b == 0) {
        return Err(Error::Binary {
            path: path.to_path_buf(),
            offset,
        });
    }
    let text = String::from_utf8(bytes).map_err(|e| Error::InvalidUtf8 {
        path: path.to_path_buf(),
        offset: e.utf8_error().valid_up_to(),
    })?;
    if text.chars().all(|c| c.is_whitespace() || c == '\u{feff}') {
        return Err(Error::Blank {
            path: path.to_path_buf(),
        });
    }
    Ok(text)
}

/// `NAME.meta.json` beside `NAME.txt`, if there is one. Fields that are there but unusable
/// are left out with a warning.
fn read_sidecar(path: &Path, warnings: &mut Vec<String>) -> Result<Meta> {
    let Some(stem) = path.file_stem() else {
        return Ok(Meta::default());
    };
    let mut name = stem.to_os_string();
    name.push(SIDECAR_SUFFIX);
    let sidecar = path.with_file_name(name);
    let text = match fs::read_to_string(&sidecar) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Meta::default()),
        Err(e) => {
            return Err(Error::Sidecar {
                path: sidecar,
                message: e.to_string(),
            });
        }
    };
    let bad = |message: String| Error::Sidecar {
        path: sidecar.clone(),
        message,
    };
    let value: Value =
        serde_json::from_str(&text).map_err(|e| bad(format!("malformed JSON: {e}")))?;
    let Value::Object(fields) = value else {
        return Err(bad("expected a JSON object".into()));
    };
    let mut unusable = Vec::new();
    let meta = meta_from_fields(&fields, &mut unusable).map_err(bad)?;
    warnings.extend(
        unusable
            .into_iter()
            .map(|w| format!("{}: {w}", sidecar.display())),
    );
    Ok(meta)
}

fn read_jsonl(
    path: &Path,
    mut reader: impl BufRead,
    sink: &mut dyn FnMut(Result<RawInput>) -> Result<()>,
) -> Result<()> {
    let mut buf = Vec::new();
    let mut line_no = 0u64;
    let mut records = 0u64;
    loop {
        buf.clear();
        let n = reader
            .read_until(b'\n', &mut buf)
            .map_err(|e| Error::io(path, e))?;
        if n == 0 {
            break;
        }
        line_no += 1;
        if buf.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        records += 1;
        sink(parse_jsonl_line(path, line_no, &buf))?;
    }
    if records == 0 {
        sink(Err(Error::Empty {
            path: path.to_path_buf(),
        }))?;
    }
    Ok(())
}

fn parse_jsonl_line(path: &Path, line: u64, bytes: &[u8]) -> Result<RawInput> {
    let record_error = |message: String| Error::Record {
        path: path.to_path_buf(),
        line,
        message,
    };
    if bytes.len() as u64 > MAX_ARTICLE_BYTES {
        return Err(record_error(format!(
            "{} bytes is over the limit of {MAX_ARTICLE_BYTES} bytes for one article",
            bytes.len()
        )));
    }
    let text = std::str::from_utf8(bytes).map_err(|e| {
        record_error(format!(
            "not valid UTF-8 at byte {} of the line",
            e.valid_up_to()
        ))
    })?;
    let text = text
        .strip_prefix('\u{feff}')
        .unwrap_or(text)
        .trim_end_matches(['\n', '\r']);
    let value: Value = serde_json::from_str(text).map_err(|e| Error::json(path, line - 1, &e))?;
    record(path, line, value)
}

fn read_json(
    path: &Path,
    text: &str,
    sink: &mut dyn FnMut(Result<RawInput>) -> Result<()>,
) -> Result<()> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let value: Value = match serde_json::from_str(text) {
        Ok(value) => value,
        Err(e) => return sink(Err(Error::json(path, 0, &e))),
    };
    match value {
        Value::Array(items) => {
            if items.is_empty() {
                return sink(Err(Error::Empty {
                    path: path.to_path_buf(),
                }));
            }
            for (i, item) in items.into_iter().enumerate() {
                sink(record(path, i as u64 + 1, item))?;
            }
            Ok(())
        }
        other => sink(record(path, 1, other)),
    }
}

/// One JSON article record: `{"text": required, "title", "url", "outlet", "published", "id"}`.
fn record(path: &Path, line: u64, value: Value) -> Result<RawInput> {
    let record_error = |message: String| Error::Record {
        path: path.to_path_buf(),
        line,
        message,
    };
    let Value::Object(mut fields) = value else {
        return Err(record_error(
            "expected a JSON object with a `text` field".into(),
        ));
    };
    let html = match fields.remove("html") {
        Some(Value::String(html)) => Some(html),
        None | Some(Value::Null) => None,
        Some(_) => return Err(record_error("`html` must be a string".into())),
    };
    let raw = match (fields.remove("text"), html) {
        (Some(Value::String(_)), Some(_)) => {
            return Err(record_error(
                "both `text` and `html`; give one (the page, or its text)".into(),
            ));
        }
        (None | Some(Value::Null), Some(html)) => {
            let mut unusable = Vec::new();
            let meta = meta_from_fields(&fields, &mut unusable).map_err(record_error)?;
            let warnings = unusable
                .into_iter()
                .map(|w| format!("{}:{line}: {w}", path.display()))
                .collect();
            return page(path, Some(line), html.into_bytes(), meta, warnings).map_err(
                |e| match e {
                    Error::Empty { .. } => record_error("`html` is empty".into()),
                    Error::NotHtml { reason, .. } => {
                        record_error(format!("`html` is not an HTML page ({reason})"))
                    }
                    other => other,
                },
            );
        }
        (Some(Value::String(text)), None) => text,
        (None | Some(Value::Null), None) => {
            return Err(record_error("no `text` (or `html`) field".into()));
        }
        (Some(_), _) => return Err(record_error("`text` must be a string".into())),
    };
    if raw.chars().all(|c| c.is_whitespace() || c == '\u{feff}') {
        return Err(record_error("`text` is empty".into()));
    }
    if raw.contains('\0') {
        return Err(record_error(
            "`text` holds a NUL character; dossier reads text".into(),
        ));
    }
    let mut unusable = Vec::new();
    let meta = meta_from_fields(&fields, &mut unusable).map_err(record_error)?;
    Ok(RawInput {
        line: Some(line),
        meta,
        warnings: unusable
            .into_iter()
            .map(|w| format!("{}:{line}: {w}", path.display()))
            .collect(),
        ..RawInput::text(path, raw)
    })
}

/// The metadata fields of a sidecar or record. A field of the wrong JSON type is an error; a
/// `published` string that is not a date is left out, with a note in `unusable`.
fn meta_from_fields(
    fields: &Map<String, Value>,
    unusable: &mut Vec<String>,
) -> std::result::Result<Meta, String> {
    let string = |name: &str| -> std::result::Result<Option<String>, String> {
        match fields.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.trim().to_string())),
            Some(other) => Err(format!(
                "`{name}` must be a string, not {}",
                json_type(other)
            )),
        }
    };
    let external_id = match fields.get("id") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        Some(other) => {
            return Err(format!(
                "`id` must be a string or number, not {}",
                json_type(other)
            ));
        }
    };
    let published = string("published")?.and_then(|p| match parse_published(&p) {
        Ok(date) => Some(date),
        Err(e) => {
            unusable.push(format!(
                "`published`: {e}; the article is archived without a publication date"
            ));
            None
        }
    });
    Ok(Meta {
        title: string("title")?,
        url: string("url")?,
        outlet: string("outlet")?,
        published,
        external_id,
    })
}

fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Validate a publication date and return it as `YYYY`, `YYYY-MM` or `YYYY-MM-DD`. A full
/// timestamp (`2019-07-01T09:30:00Z`) is cut to its date.
pub fn parse_published(value: &str) -> std::result::Result<String, String> {
    let value = value.trim();
    let date = value.split(['T', ' ']).next().unwrap_or(value);
    let parts: Vec<&str> = date.split('-').collect();
    let expected = || format!("expected YYYY, YYYY-MM or YYYY-MM-DD, got {value:?}");
    let number = |s: &str, width: usize| -> Option<u32> {
        (s.len() == width && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    let year = parts
        .first()
        .and_then(|y| number(y, 4))
        .ok_or_else(expected)?;
    if parts.len() > 3 || year < 1000 {
        return Err(expected());
    }
    let month = match parts.get(1) {
        None => return Ok(format!("{year:04}")),
        Some(m) => number(m, 2)
            .filter(|m| (1..=12).contains(m))
            .ok_or_else(expected)?,
    };
    let day = match parts.get(2) {
        None => return Ok(format!("{year:04}-{month:02}")),
        Some(d) => number(d, 2).ok_or_else(expected)?,
    };
    if day == 0 || day > days_in_month(year, month) {
        return Err(format!("{value:?} is not a day of the calendar"));
    }
    Ok(format!("{year:04}-{month:02}-{day:02}"))
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn date(input: &str, want: Result<&str, ()>) {
        assert_eq!(
            parse_published(input).map_err(|_| ()),
            want.map(str::to_string),
            "{input:?}"
        );
    }

    #[test]
    fn published_dates() {
        date("2019", Ok("2019"));
        date("2019-07", Ok("2019-07"));
        date("2019-07-01", Ok("2019-07-01"));
        date(" 2019-07-01T09:30:00Z ", Ok("2019-07-01"));
        date("2020-02-29", Ok("2020-02-29"));
        date("2019-02-29", Err(()));
        date("2019-13", Err(()));
        date("19-07-01", Err(()));
        date("July 2019", Err(()));
        date("2019-7-1", Err(()));
        date("", Err(()));
    }

    #[test]
    fn decode_checks() {
        let p = Path::new("x.txt");
        assert!(matches!(decode(p, vec![]), Err(Error::Empty { .. })));
        assert!(matches!(
            decode(p, b" \n\t".to_vec()),
            Err(Error::Blank { .. })
        ));
        assert!(matches!(
            decode(p, b"ab\0c".to_vec()),
            Err(Error::Binary { offset: 2, .. })
        ));
        assert!(matches!(
            decode(p, b"ok \xff".to_vec()),
            Err(Error::InvalidUtf8 { offset: 3, .. })
        ));
        assert_eq!(
            decode(p, "\u{feff}héllo\r\n".as_bytes().to_vec()).unwrap(),
            "\u{feff}héllo\r\n"
        );
    }

    #[test]
    fn jsonl_records() {
        let p = Path::new("a.jsonl");
        let ok = parse_jsonl_line(
            p,
            3,
            br#"{"text":"Hi there","title":"T","published":"2019-01","id":7,"extra":1}"#,
        )
        .unwrap();
        assert_eq!(ok.line, Some(3));
        assert_eq!(ok.meta.external_id.as_deref(), Some("7"));
        assert_eq!(ok.meta.published.as_deref(), Some("2019-01"));
        let err = |b: &[u8]| parse_jsonl_line(p, 2, b).unwrap_err().to_string();
        assert_eq!(
            err(b"{not json"),
            "a.jsonl:2: malformed JSON at column 2: key must be a string"
        );
        assert_eq!(
            err(br#"{"title":"x"}"#),
            "a.jsonl:2: no `text` (or `html`) field"
        );
        assert_eq!(err(br#"{"text":5}"#), "a.jsonl:2: `text` must be a string");
        assert_eq!(
            err(br#"{"text":"x","url":["a"]}"#),
            "a.jsonl:2: `url` must be a string, not an array"
        );
        assert_eq!(
            err(b"[1]"),
            "a.jsonl:2: expected a JSON object with a `text` field"
        );
    }
}
