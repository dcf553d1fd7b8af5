//! Glossa JSON, the native export. Every span carries its offsets in code points (the primary
//! `start`/`end`), UTF-16 code units and UTF-8 bytes, with its exact quote and some context,
//! so any consumer can check or re-anchor it.

use super::common::{
    arr, edit, field, obj, offset_field, parse_json, quoted, show, str_field, string,
};
use super::{Imported, Warning};
use crate::document::{Document, Span, SpanId};
use crate::label::{Label, LabelSet};
use crate::offsets::{TextIndex, Unit};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

pub use super::FormatError;

/// The format name written in every file.
pub const FORMAT: &str = "glossa";
/// The version of the format this code writes.
pub const VERSION: u32 = 1;
/// Said in every file so a reader never has to guess the unit.
pub const OFFSET_UNIT: &str = "start/end count Unicode code points, end exclusive (as W3C Web \
Annotation and Python count); utf16 gives the same range in UTF-16 code units (JavaScript, the \
DOM) and utf8 in UTF-8 bytes";
/// How many code points of context `prefix` and `suffix` hold at most.
pub const CONTEXT: usize = 32;

/// A `[start, end)` pair in one unit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Range {
    pub start: usize,
    pub end: usize,
}

/// One span as written to a file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpanRecord {
    pub id: u32,
    pub label: String,
    /// Code points.
    pub start: usize,
    /// Code points, exclusive.
    pub end: usize,
    pub utf16: Range,
    pub utf8: Range,
    pub quote: String,
    pub prefix: String,
    pub suffix: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub attributes: BTreeMap<String, String>,
}

/// One relation as written to a file: `from` and `to` are span ids in the same document.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RelationRecord {
    pub id: u32,
    pub kind: String,
    pub from: u32,
    pub to: u32,
}

/// One document as written to a file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentRecord {
    pub id: String,
    pub title: String,
    pub text: String,
    pub created_ms: i64,
    pub modified_ms: i64,
    pub labels: Vec<Label>,
    pub spans: Vec<SpanRecord>,
    #[serde(default)]
    pub relations: Vec<RelationRecord>,
}

/// A whole Glossa JSON file: one `document`, or a library of `documents`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GlossaFile {
    pub format: String,
    pub version: u32,
    pub offset_unit: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document: Option<DocumentRecord>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub documents: Option<Vec<DocumentRecord>>,
}

/// Counts the code points before a byte offset by walking the text itself, apart from the
/// text index whose answers it checks. Asked in rising order (spans come by start), the whole
/// export walks the text once; counting from the start for each span took seconds on a book.
struct CodePointsBefore<'a> {
    text: &'a str,
    byte: usize,
    count: usize,
}

impl<'a> CodePointsBefore<'a> {
    /// Counting from the start of `text`.
    fn new(text: &'a str) -> Self {
        CodePointsBefore {
            text,
            byte: 0,
            count: 0,
        }
    }

    /// `byte` must be a character boundary of the text.
    fn at(&mut self, byte: usize) -> usize {
        if byte < self.byte {
            (self.byte, self.count) = (0, 0);
        }
        self.count += self.text[self.byte..byte].chars().count();
        self.byte = byte;
        self.count
    }
}

/// A span's quote, then its start and end in code points and in UTF-16 code units.
type Place<'a> = (&'a str, (usize, usize), (usize, usize));

/// Where a span is, in every unit. Refuses a span whose offsets do not slice to its quote in
/// every unit.
fn span_place<'a>(
    doc: &'a Document,
    ix: &TextIndex,
    span: &Span,
    counted: &mut CodePointsBefore,
) -> Result<Place<'a>, FormatError> {
    let bug = |found: String| FormatError::QuoteMismatch {
        span: span.id.0,
        expected: String::new(),
        found,
    };
    let quote = doc
        .text
        .get(span.start..span.end)
        .ok_or_else(|| bug(format!("bytes {}..{}", span.start, span.end)))?;
    let cp = ix
        .convert_range((span.start, span.end), Unit::Utf8, Unit::CodePoint)
        .map_err(|e| bug(e.to_string()))?;
    let u16 = ix
        .convert_range((span.start, span.end), Unit::Utf8, Unit::Utf16)
        .map_err(|e| bug(e.to_string()))?;
    // Checked independently of the index: the code points before the span and in its quote,
    // counted in the text, must be the index's (then slicing by them gives the quote).
    let start = counted.at(span.start);
    if cp != (start, start + quote.chars().count()) {
        let by_code_points: String = doc.text.chars().skip(cp.0).take(cp.1 - cp.0).collect();
        return Err(FormatError::QuoteMismatch {
            span: span.id.0,
            expected: quote.to_string(),
            found: by_code_points,
        });
    }
    Ok((quote, cp, u16))
}

/// Describes one span in every unit.
fn span_record(
    doc: &Document,
    ix: &TextIndex,
    span: &Span,
    counted: &mut CodePointsBefore,
) -> Result<SpanRecord, FormatError> {
    let (quote, cp, u16) = span_place(doc, ix, span, counted)?;
    // Sliced, not gathered a character at a time: an export has thousands of spans.
    let before = &doc.text[..span.start];
    let from = before
        .char_indices()
        .rev()
        .take(CONTEXT)
        .last()
        .map_or(span.start, |(at, _)| at);
    let after = &doc.text[span.end..];
    let to = after
        .char_indices()
        .nth(CONTEXT)
        .map_or(after.len(), |(at, _)| at);
    let (prefix, suffix) = (before[from..].to_string(), after[..to].to_string());
    Ok(SpanRecord {
        id: span.id.0,
        label: span.label.clone(),
        start: cp.0,
        end: cp.1,
        utf16: Range {
            start: u16.0,
            end: u16.1,
        },
        utf8: Range {
            start: span.start,
            end: span.end,
        },
        quote: quote.to_string(),
        prefix,
        suffix,
        note: span.note.clone(),
        attributes: span.attributes.clone(),
    })
}

/// Refuses a document a span of which does not slice to the same quote in every unit, as
/// [`export`] does, without writing anything: what another format's writer checks first.
pub fn check(doc: &Document) -> Result<(), FormatError> {
    let ix = doc.index();
    let mut counted = CodePointsBefore::new(&doc.text);
    for span in doc.spans() {
        span_place(doc, &ix, span, &mut counted)?;
    }
    Ok(())
}

/// Describes one document, its spans and its relations.
pub fn document_record(doc: &Document) -> Result<DocumentRecord, FormatError> {
    let ix = doc.index();
    let mut counted = CodePointsBefore::new(&doc.text);
    let spans = doc
        .spans()
        .iter()
        .map(|s| span_record(doc, &ix, s, &mut counted))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(DocumentRecord {
        id: doc.id.clone(),
        title: doc.title.clone(),
        text: doc.text.clone(),
        created_ms: doc.created_ms,
        modified_ms: doc.modified_ms,
        labels: doc.labels.labels.clone(),
        spans,
        relations: doc
            .relations()
            .iter()
            .map(|r| RelationRecord {
                id: r.id.0,
                kind: r.kind.clone(),
                from: r.from.0,
                to: r.to.0,
            })
            .collect(),
    })
}

fn header() -> GlossaFile {
    GlossaFile {
        format: FORMAT.to_string(),
        version: VERSION,
        offset_unit: OFFSET_UNIT.to_string(),
        document: None,
        documents: None,
    }
}

/// Builds the file for one document.
pub fn export(doc: &Document) -> Result<GlossaFile, FormatError> {
    Ok(GlossaFile {
        document: Some(document_record(doc)?),
        ..header()
    })
}

/// Describes each of `docs`, as [`document_record`] does; the first refusal stops it.
pub fn document_records(docs: &[Document]) -> Result<Vec<DocumentRecord>, FormatError> {
    docs.iter().map(document_record).collect()
}

/// Builds the file for a library of documents.
pub fn export_library(docs: &[Document]) -> Result<GlossaFile, FormatError> {
    Ok(GlossaFile {
        documents: Some(document_records(docs)?),
        ..header()
    })
}

/// Writes one document as pretty JSON.
pub fn to_json(doc: &Document) -> Result<String, FormatError> {
    let file = export(doc)?;
    Ok(serde_json::to_string_pretty(&file).expect("a GlossaFile always serialises"))
}

/// Writes one document as `{"document": ...}`, or several as `{"documents": [...]}`.
pub fn to_json_library(docs: &[Document]) -> Result<String, FormatError> {
    let file = match docs {
        [one] => export(one)?,
        _ => export_library(docs)?,
    };
    Ok(serde_json::to_string_pretty(&file).expect("a GlossaFile always serialises"))
}

/// Reads a Glossa JSON file, one document or a library, checking it as the schema in
/// `schema/glossa.schema.json` says and more: every span's three ranges must be the same
/// place and slice to its quote, and its prefix and suffix must be the text around it.
/// Span and relation ids are renumbered; relations follow their spans.
pub fn import(json: &str) -> Result<Imported, FormatError> {
    let root = parse_json(json, "$")?;
    let top = obj(&root, "$")?;
    let format = str_field(top, "format", "$")?;
    if format != FORMAT {
        return Err(FormatError::invalid(
            "$.format",
            format!("is {format:?}, not \"{FORMAT}\""),
        ));
    }
    let version = field(top, "version", "$")?;
    match version.as_u64() {
        Some(v) if v == u64::from(VERSION) => {}
        Some(v) if v > u64::from(VERSION) => {
            return Err(FormatError::invalid(
                "$.version",
                format!("version {v} is newer than this Glossa reads ({VERSION})"),
            ))
        }
        _ => {
            return Err(FormatError::invalid(
                "$.version",
                format!("expected {VERSION}, found {}", show(version)),
            ))
        }
    }
    let mut warnings = Vec::new();
    let documents = match (top.get("document"), top.get("documents")) {
        (Some(d), None) => vec![import_document(d, "$.document", &mut warnings)?],
        (None, Some(list)) => arr(list, "$.documents")?
            .iter()
            .enumerate()
            .map(|(i, d)| import_document(d, &format!("$.documents[{i}]"), &mut warnings))
            .collect::<Result<_, _>>()?,
        (Some(_), Some(_)) => {
            return Err(FormatError::invalid(
                "$",
                "has both \"document\" and \"documents\"; a file holds one or the other",
            ))
        }
        (None, None) => {
            return Err(FormatError::invalid(
                "$",
                "missing required field \"document\" (or \"documents\" for a library)",
            ))
        }
    };
    Ok(Imported {
        documents,
        warnings,
    })
}

fn import_document(
    v: &Value,
    at: &str,
    warnings: &mut Vec<Warning>,
) -> Result<Document, FormatError> {
    let o = obj(v, at)?;
    let id = str_field(o, "id", at)?;
    let title = str_field(o, "title", at)?;
    let text = str_field(o, "text", at)?;
    let time = |key: &str| -> Result<i64, FormatError> {
        match o.get(key) {
            None => Ok(0),
            Some(t) => t.as_i64().ok_or_else(|| {
                FormatError::invalid(
                    format!("{at}.{key}"),
                    format!("expected whole milliseconds, found {}", show(t)),
                )
            }),
        }
    };
    let mut doc = Document::new(id, title, text, time("created_ms")?);
    doc.modified_ms = time("modified_ms")?;

    let labels_at = format!("{at}.labels");
    let mut labels = Vec::new();
    for (i, l) in arr(field(o, "labels", at)?, &labels_at)?.iter().enumerate() {
        let at = format!("{labels_at}[{i}]");
        let lo = obj(l, &at)?;
        let name = str_field(lo, "name", &at)?;
        if name.is_empty() {
            return Err(FormatError::invalid(format!("{at}.name"), "is empty"));
        }
        if labels.iter().any(|l: &Label| l.name == name) {
            return Err(FormatError::invalid(
                format!("{at}.name"),
                format!("the label {name:?} is listed twice"),
            ));
        }
        let color = str_field(lo, "color", &at)?;
        let hotkey = match lo.get("hotkey") {
            None | Some(Value::Null) => None,
            Some(k) => {
                let k = string(k, &format!("{at}.hotkey"))?;
                let mut chars = k.chars();
                match (chars.next(), chars.next()) {
                    (Some(c), None) => Some(c),
                    _ => {
                        return Err(FormatError::invalid(
                            format!("{at}.hotkey"),
                            format!("expected one character or null, found {k:?}"),
                        ))
                    }
                }
            }
        };
        labels.push(Label::new(name, color, hotkey));
    }
    doc.labels = LabelSet { labels };

    let ix = TextIndex::new(text);
    let spans_at = format!("{at}.spans");
    let mut ids: BTreeMap<u64, SpanId> = BTreeMap::new();
    for (i, sv) in arr(field(o, "spans", at)?, &spans_at)?.iter().enumerate() {
        let at = format!("{spans_at}[{i}]");
        let so = obj(sv, &at)?;
        let file_id = field(so, "id", &at)?;
        let file_id = file_id.as_u64().ok_or_else(|| {
            FormatError::invalid(
                format!("{at}.id"),
                format!("expected a whole number, found {}", show(file_id)),
            )
        })?;
        if ids.contains_key(&file_id) {
            return Err(FormatError::invalid(
                format!("{at}.id"),
                format!("span id {file_id} is used twice"),
            ));
        }
        let label = str_field(so, "label", &at)?;
        if !doc.labels.contains(label) {
            return Err(FormatError::invalid(
                format!("{at}.label"),
                format!("{label:?} is not in this document's labels"),
            ));
        }
        let quote = str_field(so, "quote", &at)?;
        let range = |key: &str| -> Result<(usize, usize), FormatError> {
            let r_at = format!("{at}.{key}");
            let r = obj(field(so, key, &at)?, &r_at)?;
            Ok((
                offset_field(r, "start", &r_at)?,
                offset_field(r, "end", &r_at)?,
            ))
        };
        let cp = (
            offset_field(so, "start", &at)?,
            offset_field(so, "end", &at)?,
        );
        let utf16 = range("utf16")?;
        let utf8 = range("utf8")?;
        if cp.0 >= cp.1 {
            return Err(FormatError::invalid(
                format!("{at}.end"),
                format!("end {} is not after start {}", cp.1, cp.0),
            ));
        }
        // The code point range is primary; the other two must name the same place.
        let bytes = ix
            .convert_range(cp, Unit::CodePoint, Unit::Utf8)
            .map_err(|e| FormatError::invalid(format!("{at}.start"), e.to_string()))?;
        for (key, unit, given) in [("utf16", Unit::Utf16, utf16), ("utf8", Unit::Utf8, utf8)] {
            let want = ix
                .convert_range(cp, Unit::CodePoint, unit)
                .expect("a valid code point range converts to every unit");
            if want != given {
                return Err(FormatError::invalid(
                    format!("{at}.{key}"),
                    format!(
                        "is {}..{} but code points {}..{} are {}..{} in {}",
                        given.0,
                        given.1,
                        cp.0,
                        cp.1,
                        want.0,
                        want.1,
                        unit.name()
                    ),
                ));
            }
        }
        let found = &text[bytes.0..bytes.1];
        if found != quote {
            return Err(FormatError::invalid(
                format!("{at}.quote"),
                format!(
                    "is {} but the text at code points {}..{} is {}",
                    quoted(quote),
                    cp.0,
                    cp.1,
                    quoted(found)
                ),
            ));
        }
        for (key, context, before) in [
            ("prefix", &text[..bytes.0], true),
            ("suffix", &text[bytes.1..], false),
        ] {
            let Some(given) = so.get(key) else { continue };
            let given = string(given, &format!("{at}.{key}"))?;
            let n = given.chars().count();
            let fits = if before {
                context.ends_with(given)
            } else {
                context.starts_with(given)
            };
            if n > CONTEXT || !fits {
                return Err(FormatError::invalid(
                    format!("{at}.{key}"),
                    format!(
                        "{} is not the (at most {CONTEXT} code points of) text {} the span",
                        quoted(given),
                        if before { "before" } else { "after" }
                    ),
                ));
            }
        }
        let before = doc.spans().len();
        let id = doc
            .add_span(label, bytes.0, bytes.1, Unit::Utf8)
            .map_err(|e| edit(&at, e))?;
        if doc.spans().len() == before {
            warnings.push(Warning::new(
                at.clone(),
                format!(
                    "repeats another {label:?} span on {}; merged with it",
                    quoted(quote)
                ),
            ));
        }
        ids.insert(file_id, id);
        match so.get("note") {
            None | Some(Value::Null) => {}
            Some(n) => {
                let n = string(n, &format!("{at}.note"))?;
                doc.set_note(id, Some(n)).map_err(|e| edit(&at, e))?;
            }
        }
        if let Some(attrs) = so.get("attributes") {
            let a_at = format!("{at}.attributes");
            for (k, v) in obj(attrs, &a_at)? {
                let v = string(v, &format!("{a_at}.{k}"))?;
                doc.set_attribute(id, k, Some(v))
                    .map_err(|e| edit(&at, e))?;
            }
        }
    }

    if let Some(rels) = o.get("relations") {
        let rels_at = format!("{at}.relations");
        for (i, rv) in arr(rels, &rels_at)?.iter().enumerate() {
            let at = format!("{rels_at}[{i}]");
            let ro = obj(rv, &at)?;
            offset_field(ro, "id", &at)?;
            let kind = str_field(ro, "kind", &at)?;
            if kind.is_empty() {
                return Err(FormatError::invalid(format!("{at}.kind"), "is empty"));
            }
            let end = |key: &str| -> Result<SpanId, FormatError> {
                let v = field(ro, key, &at)?;
                v.as_u64()
                    .and_then(|n| ids.get(&n).copied())
                    .ok_or_else(|| {
                        FormatError::invalid(
                            format!("{at}.{key}"),
                            format!("{} is not the id of a span in this document", show(v)),
                        )
                    })
            };
            let (from, to) = (end("from")?, end("to")?);
            doc.add_relation(kind, from, to).map_err(|e| edit(&at, e))?;
        }
    }
    Ok(doc)
}

/// A file name for a document's export: its title made safe for file systems.
/// The format's name is left out where it is the extension (`title.conll`, not
/// `title.conll.conll`).
pub fn file_name(title: &str, format: &str, ext: &str) -> String {
    let mut safe = String::new();
    for c in title.chars() {
        let c = if c.is_alphanumeric() || c == '-' || c == '_' || c == ' ' {
            c
        } else {
            '-'
        };
        // One dash for a run a file name cannot hold ("Q&A: …", a title of emoji).
        if !(c == '-' && safe.ends_with('-')) {
            safe.push(c);
        }
    }
    let safe = safe.trim_matches([' ', '-']);
    let safe = if safe.chars().any(char::is_alphanumeric) {
        safe
    } else {
        "untitled"
    };
    let short: String = safe.chars().take(80).collect();
    let short = short.trim_end_matches([' ', '-']);
    if format == ext {
        format!("{short}.{ext}")
    } else {
        format!("{short}.{format}.{ext}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_unit_slices_to_the_quote() {
        let text = "👨‍👩‍👧 al-Thäni said \"100 hostages\"\r\nمرحبا 🇶🇦";
        let mut doc = Document::new("d", "Talks", text, 5);
        let start = text.find("al-").unwrap();
        let end = start + "al-Thäni".len();
        doc.add_span("actor", start, end, Unit::Utf8).unwrap();
        let s = text.find("100").unwrap();
        doc.add_span("figure", s, s + 3, Unit::Utf8).unwrap();
        let ar = text.find("مرحبا").unwrap();
        doc.add_span("claim", ar, text.len(), Unit::Utf8).unwrap();

        let file: GlossaFile = serde_json::from_str(&to_json(&doc).unwrap()).unwrap();
        assert_eq!(file.format, "glossa");
        assert_eq!(file.version, 1);
        let utf16: Vec<u16> = text.encode_utf16().collect();
        let chars: Vec<char> = text.chars().collect();
        let record = file.document.unwrap();
        for s in &record.spans {
            let by_cp: String = chars[s.start..s.end].iter().collect();
            let by_u16 = String::from_utf16(&utf16[s.utf16.start..s.utf16.end]).unwrap();
            assert_eq!(by_cp, s.quote);
            assert_eq!(by_u16, s.quote);
            assert_eq!(&text[s.utf8.start..s.utf8.end], s.quote);
            assert!(text.contains(&format!("{}{}{}", s.prefix, s.quote, s.suffix)));
        }
        assert_eq!(record.spans[0].quote, "al-Thäni");
        // The family emoji is 5 code points and 8 UTF-16 units, then a space.
        assert_eq!(record.spans[0].start, 6);
        assert_eq!(record.spans[0].utf16.start, 9);
    }

    #[test]
    fn check_refuses_what_export_refuses() {
        let mut doc = Document::new("d", "T", "José said 🇶🇦 talks", 5);
        doc.add_span("actor", 0, 5, Unit::Utf8).unwrap();
        assert!(check(&doc).is_ok());
        // A stored span can only go wrong in storage: one that cuts "é" (bytes 3..5) or the
        // flag's first code point (bytes 11..15) in two.
        for (start, end) in [(4, 10), (0, 13)] {
            let mut json = serde_json::to_value(&doc).unwrap();
            json["spans"][0]["start"] = start.into();
            json["spans"][0]["end"] = end.into();
            let broken: Document = serde_json::from_value(json).unwrap();
            assert!(matches!(
                check(&broken),
                Err(FormatError::QuoteMismatch { span: 1, .. })
            ));
            assert!(export(&broken).is_err());
            // Every other format's writer refuses it too.
            for format in super::super::Format::ALL {
                let written = super::super::export(
                    format,
                    std::slice::from_ref(&broken),
                    &Default::default(),
                );
                assert!(matches!(
                    written,
                    Err(FormatError::QuoteMismatch { span: 1, .. })
                ));
            }
        }
    }

    #[test]
    fn file_names_are_safe() {
        assert_eq!(
            file_name("Qatar: truce/talks?", "glossa", "json"),
            "Qatar- truce-talks.glossa.json"
        );
        assert_eq!(file_name("  ", "glossa", "json"), "untitled.glossa.json");
        assert_eq!(
            file_name("😂👍🏽🇶🇦👨‍👩‍👧", "glossa", "json"),
            "untitled.glossa.json"
        );
        assert_eq!(
            file_name("🇶🇦 Israel-Hamas talks", "glossa", "json"),
            "Israel-Hamas talks.glossa.json"
        );
        assert_eq!(file_name("Talks", "conll", "conll"), "Talks.conll");
    }
}
