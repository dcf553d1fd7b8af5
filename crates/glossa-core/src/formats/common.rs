//! Pieces every format shares: building a document from foreign spans, reading JSON with a
//! path for messages, and the word tokens CoNLL and Prodigy need.

use super::{FormatError, Warning};
use crate::document::{Document, EditError, SpanId};
use crate::label::{Label, LabelSet};
use crate::offsets::{OffsetMarks, TextIndex, Unit};
use serde_json::{Map, Value};
use std::borrow::Cow;
use unicode_segmentation::UnicodeSegmentation;

/// Colours for labels a file brings without any (category10, as the default labels use).
const PALETTE: [&str; 10] = [
    "#1f77b4", "#2ca02c", "#d62728", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
    "#bcbd22", "#17becf",
];

/// An article file's text: UTF-8 (its byte order mark, which is not text, dropped), or UTF-16
/// with a byte order mark, as Windows saves "Unicode" text and Word "Unicode Text". Anything
/// else is refused with the first byte that is not text and what to do about it.
pub fn article_text<'a>(name: &str, bytes: &'a [u8]) -> Result<Cow<'a, str>, FormatError> {
    let utf16 = |rest: &[u8], unit: fn([u8; 2]) -> u16| {
        let units: Vec<u16> = rest
            .chunks(2)
            .map(|pair| match pair {
                [a, b] => Ok(unit([*a, *b])),
                _ => Err(()),
            })
            .collect::<Result<_, _>>()
            .map_err(|()| {
                FormatError::invalid(
                    name,
                    "not UTF-16 text: it ends half way through a character",
                )
            })?;
        String::from_utf16(&units).map(Cow::Owned).map_err(|_| {
            FormatError::invalid(
                name,
                "not UTF-16 text: it has half of a character pair alone",
            )
        })
    };
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        return utf16(rest, u16::from_le_bytes);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        return utf16(rest, u16::from_be_bytes);
    }
    let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    std::str::from_utf8(bytes).map(Cow::Borrowed).map_err(|e| {
        FormatError::invalid(
            name,
            format!(
                "not UTF-8 text (byte {} is not UTF-8; an older encoding such as Windows-1252?). \
                 Save it as UTF-8 and open it again, or paste its text.",
                e.valid_up_to()
            ),
        )
    })
}

/// Reads bytes as UTF-8, naming the first bad byte.
pub(crate) fn utf8<'a>(name: &str, bytes: &'a [u8]) -> Result<&'a str, FormatError> {
    std::str::from_utf8(bytes).map_err(|e| {
        FormatError::invalid(
            name,
            format!("not UTF-8 text (bad byte at {})", e.valid_up_to()),
        )
    })
}

/// Builds one imported document: its labels appear in the order spans first use them.
pub(crate) struct Builder {
    pub doc: Document,
    /// Offset checkpoints of the text, which never changes: built once, not for every span
    /// (indexing a book's text per span made an import of 10,000 spans take a minute).
    marks: OffsetMarks,
}

impl Builder {
    pub fn new(id: &str, title: &str, text: &str, now_ms: i64) -> Self {
        let mut doc = Document::new(id, title, text, now_ms);
        doc.labels = LabelSet { labels: Vec::new() };
        let marks = OffsetMarks::new(&doc.text);
        Builder { doc, marks }
    }

    /// An index for converting offsets in the document's text.
    pub fn index(&self) -> TextIndex<'_> {
        self.marks.index(&self.doc.text)
    }

    /// Adds a label unless it is there (its colour and key come in [`Builder::finish`]).
    pub fn label(&mut self, name: &str) {
        if !self.doc.labels.contains(name) {
            self.doc.labels.labels.push(Label::new(name, "", None));
        }
    }

    /// Adds a span `[start, end)` counted in `unit`. When the file gives the quote, it must be
    /// exactly the text at those offsets. An empty span is skipped with a warning; `at` names
    /// the place in the file for messages.
    #[allow(clippy::too_many_arguments)]
    pub fn span(
        &mut self,
        label: &str,
        start: usize,
        end: usize,
        unit: Unit,
        quote: Option<&str>,
        at: &str,
        warnings: &mut Vec<Warning>,
    ) -> Result<Option<SpanId>, FormatError> {
        if label.is_empty() {
            return Err(FormatError::invalid(at, "the label is empty"));
        }
        if start > end {
            return Err(FormatError::invalid(
                at,
                format!("the span starts at {start}, after its end {end}"),
            ));
        }
        let (s, e) = self
            .index()
            .convert_range((start, end), unit, Unit::Utf8)
            .map_err(|e| FormatError::invalid(at, e.to_string()))?;
        let found = self.doc.text[s..e].to_string();
        if let Some(quote) = quote {
            if quote != found.as_str() {
                return Err(FormatError::invalid(
                    at,
                    format!(
                        "the quote is {} but the text at {start}..{end} ({}) is {}",
                        quoted(quote),
                        unit.name(),
                        quoted(&found)
                    ),
                ));
            }
        }
        if s == e {
            warnings.push(Warning::new(
                at,
                format!("skipped an empty span at {start} ({})", unit.name()),
            ));
            return Ok(None);
        }
        self.label(label);
        let before = self.doc.spans().len();
        let id = self
            .doc
            .add_span(label, s, e, Unit::Utf8)
            .map_err(|e| edit(at, e))?;
        if self.doc.spans().len() == before {
            warnings.push(Warning::new(
                at,
                format!(
                    "the same {} span {} appears twice; kept once",
                    quoted(label),
                    quoted(&found)
                ),
            ));
        }
        Ok(Some(id))
    }

    pub fn relation(
        &mut self,
        kind: &str,
        from: SpanId,
        to: SpanId,
        at: &str,
    ) -> Result<(), FormatError> {
        if kind.is_empty() {
            return Err(FormatError::invalid(at, "the relation type is empty"));
        }
        self.doc
            .add_relation(kind, from, to)
            .map(|_| ())
            .map_err(|e| edit(at, e))
    }

    /// The document, its labels given keys and colours. A file that uses any of Glossa's own
    /// labels (actor, figure, claim) gets all three first, with their usual keys and colours,
    /// as a new document has: a round trip through another tool's format then looks and
    /// types as before (labels took them in the order spans first used them: a claim before
    /// a figure took key 2 and green). The others follow in that order, with the keys and
    /// colours left.
    pub fn finish(mut self) -> Document {
        let mut used = std::mem::take(&mut self.doc.labels.labels);
        let defaults = LabelSet::default().labels;
        let mut labels = if defaults
            .iter()
            .any(|d| used.iter().any(|l| l.name == d.name))
        {
            defaults
        } else {
            Vec::new()
        };
        used.retain(|l| !labels.iter().any(|d| d.name == l.name));
        let keys: Vec<char> = ('1'..='9')
            .filter(|k| !labels.iter().any(|d| d.hotkey == Some(*k)))
            .collect();
        let mut keys = keys.into_iter();
        let colors: Vec<&str> = PALETTE
            .into_iter()
            .filter(|c| !labels.iter().any(|d| d.color == *c))
            .collect();
        for (n, label) in used.into_iter().enumerate() {
            labels.push(Label::new(
                &label.name,
                colors[n % colors.len()],
                keys.next(),
            ));
        }
        self.doc.labels.labels = labels;
        self.doc
    }
}

pub(crate) fn edit(at: &str, e: EditError) -> FormatError {
    FormatError::invalid(at, e.to_string())
}

/// What a JSON value is, for messages.
pub(crate) fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Parses JSON, naming the line and column of a syntax error.
pub(crate) fn parse_json(text: &str, at: &str) -> Result<Value, FormatError> {
    serde_json::from_str(text).map_err(|e| {
        FormatError::invalid(
            at,
            format!(
                "not valid JSON ({} at line {} column {})",
                e.classify_str(),
                e.line(),
                e.column()
            ),
        )
    })
}

/// The lines of a JSONL file that are not blank, each parsed: its number, the name messages
/// give it ("line 3") and its value. A line that is not JSON is refused, naming it.
pub(crate) fn jsonl_lines(
    jsonl: &str,
) -> impl Iterator<Item = Result<(usize, String, Value), FormatError>> + '_ {
    jsonl
        .lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(i, line)| {
            let at = format!("line {}", i + 1);
            let value = parse_json(line, &at)?;
            Ok((i + 1, at, value))
        })
}

trait Classify {
    fn classify_str(&self) -> &'static str;
}

impl Classify for serde_json::Error {
    fn classify_str(&self) -> &'static str {
        match self.classify() {
            serde_json::error::Category::Io => "read error",
            serde_json::error::Category::Syntax => "syntax error",
            serde_json::error::Category::Data => "unexpected data",
            serde_json::error::Category::Eof => "unexpected end",
        }
    }
}

/// Typed access to JSON with the path in every message.
pub(crate) fn obj<'v>(v: &'v Value, at: &str) -> Result<&'v Map<String, Value>, FormatError> {
    v.as_object()
        .ok_or_else(|| FormatError::invalid(at, format!("expected an object, found {}", kind(v))))
}

pub(crate) fn arr<'v>(v: &'v Value, at: &str) -> Result<&'v Vec<Value>, FormatError> {
    v.as_array()
        .ok_or_else(|| FormatError::invalid(at, format!("expected an array, found {}", kind(v))))
}

pub(crate) fn field<'v>(
    o: &'v Map<String, Value>,
    key: &str,
    at: &str,
) -> Result<&'v Value, FormatError> {
    o.get(key)
        .ok_or_else(|| FormatError::invalid(at, format!("missing required field \"{key}\"")))
}

pub(crate) fn string<'v>(v: &'v Value, at: &str) -> Result<&'v str, FormatError> {
    v.as_str()
        .ok_or_else(|| FormatError::invalid(at, format!("expected a string, found {}", kind(v))))
}

pub(crate) fn offset(v: &Value, at: &str) -> Result<usize, FormatError> {
    v.as_u64()
        .and_then(|n| usize::try_from(n).ok())
        .ok_or_else(|| {
            FormatError::invalid(
                at,
                format!("expected a whole number 0 or more, found {}", show(v)),
            )
        })
}

/// A short rendering of a value for messages.
pub(crate) fn show(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 40 {
        format!("{}…", s.chars().take(40).collect::<String>())
    } else {
        s
    }
}

pub(crate) fn str_field<'v>(
    o: &'v Map<String, Value>,
    key: &str,
    at: &str,
) -> Result<&'v str, FormatError> {
    string(field(o, key, at)?, &format!("{at}.{key}"))
}

pub(crate) fn offset_field(
    o: &Map<String, Value>,
    key: &str,
    at: &str,
) -> Result<usize, FormatError> {
    offset(field(o, key, at)?, &format!("{at}.{key}"))
}

/// A string or a number as text (ids come as either).
pub(crate) fn id_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The file name without folders or extension, for titles and ids.
pub(crate) fn stem(name: &str) -> &str {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    match base.rfind('.') {
        Some(dot) if dot > 0 => &base[..dot],
        _ => base,
    }
}

/// Percent-encodes everything but unreserved characters, so any id makes a valid IRI part.
pub(crate) fn iri_part(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Words for formats that count tokens: the Unicode word-boundary pieces that are not white
/// space, as byte ranges. A ZWJ family, a flag or a letter with combining marks stays whole.
pub(crate) fn tokens(text: &str) -> Vec<(usize, usize)> {
    text.split_word_bound_indices()
        .filter(|(_, w)| !w.chars().all(char::is_whitespace))
        .map(|(at, w)| (at, at + w.len()))
        .collect()
}

/// `text` with each line break and tab made a space, for formats whose lines cannot hold them.
pub(crate) fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| {
            if matches!(c, '\n' | '\r' | '\t') {
                ' '
            } else {
                c
            }
        })
        .collect()
}

/// Text from a file or a document as a message quotes it: in quotation marks, as it reads,
/// with a line break shown as ↵ and a tab as ⇥ (not Rust's escapes: `Cafe\u{301}`, `\r\n`).
pub(crate) fn quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 6);
    out.push('“');
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' if chars.peek() == Some(&'\n') => {}
            '\r' | '\n' => out.push('↵'),
            '\t' => out.push('⇥'),
            c if c.is_control() => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out.push('”');
    out
}

/// Document ids and titles in warnings.
pub(crate) fn doc_at(doc: &Document) -> String {
    if doc.title.is_empty() {
        format!("document {}", doc.id)
    } else {
        format!("\"{}\"", doc.title)
    }
}

/// A span in warnings: its label and quote.
pub(crate) fn span_at(doc: &Document, span: &crate::document::Span) -> String {
    format!(
        "{} span {} {}",
        doc_at(doc),
        span.label,
        quoted(&short_quote(doc, span))
    )
}

/// A span's quote as a message shows it: its first 30 characters, with "…" when cut. A claim
/// can be a whole chapter, and a message per dropped span must not carry a copy of it.
pub(crate) fn short_quote(doc: &Document, span: &crate::document::Span) -> String {
    let quote = doc.quote(span);
    match quote.char_indices().nth(30) {
        Some((cut, _)) => format!("{}…", &quote[..cut]),
        None => quote.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::offsets::Unit;

    #[test]
    fn an_article_file_is_utf8_or_utf16_with_its_mark_and_nothing_else() {
        let text = "Qatar’s 👩🏽‍⚖️ said 🇶🇦 e\u{301}\r\nقال 東京";
        let read = |bytes: &[u8]| article_text("a.txt", bytes).map(|t| t.into_owned());
        assert_eq!(read(text.as_bytes()).unwrap(), text);
        assert_eq!(
            read(&[b"\xEF\xBB\xBF", text.as_bytes()].concat()).unwrap(),
            text
        );
        let le: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        let be: Vec<u8> = [0xFE, 0xFF]
            .into_iter()
            .chain(text.encode_utf16().flat_map(u16::to_be_bytes))
            .collect();
        assert_eq!(read(&le).unwrap(), text);
        assert_eq!(read(&be).unwrap(), text);
        // Half a character at the end, a lone surrogate, an older encoding: refused, saying why.
        assert!(read(&le[..le.len() - 1])
            .unwrap_err()
            .to_string()
            .contains("half way"));
        assert!(read(&[0xFF, 0xFE, 0x3D, 0xD8])
            .unwrap_err()
            .to_string()
            .contains("alone"));
        let e = read(b"caf\xE9 au lait").unwrap_err().to_string();
        assert!(
            e.starts_with("a.txt: not UTF-8 text (byte 3 is not UTF-8"),
            "{e}"
        );
        assert!(e.contains("Save it as UTF-8"), "{e}");
    }

    #[test]
    fn a_message_quotes_thirty_characters_and_says_when_it_cut() {
        let text =
            "José Álvarez said 😀 that 👨\u{200d}👩\u{200d}👧 中文 were many, many, many more";
        let mut doc = Document::new("d", "t", text, 0);
        let whole = doc.add_span("claim", 0, text.len(), Unit::Utf8).unwrap();
        let name = doc
            .add_span("actor", 0, "José Álvarez".len(), Unit::Utf8)
            .unwrap();
        let cut = short_quote(&doc, doc.span(whole).unwrap());
        assert_eq!(
            cut,
            format!("{}…", text.chars().take(30).collect::<String>())
        );
        assert_eq!(short_quote(&doc, doc.span(name).unwrap()), "José Álvarez");
        assert_eq!(
            span_at(&doc, doc.span(name).unwrap()),
            "\"t\" span actor “José Álvarez”"
        );
    }

    #[test]
    fn messages_quote_text_as_it_reads() {
        assert_eq!(
            quoted("Cafe\u{301}\r\nZoë\tok\u{7}"),
            "“Cafe\u{301}↵Zoë⇥ok\u{fffd}”"
        );
        assert_eq!(quoted("a\rb\nc"), "“a↵b↵c”");
    }
}
