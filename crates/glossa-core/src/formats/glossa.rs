//! Glossa JSON, the native export. Every span carries its offsets in code points (the primary
//! `start`/`end`), UTF-16 code units and UTF-8 bytes, with its exact quote and some context,
//! so any consumer can check or re-anchor it.

use crate::document::{Document, Span};
use crate::label::Label;
use crate::offsets::{TextIndex, Unit};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

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
}

/// A whole Glossa JSON file holding one document.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GlossaFile {
    pub format: String,
    pub version: u32,
    pub offset_unit: String,
    pub document: DocumentRecord,
}

/// Why a file could not be written or read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FormatError {
    /// A span's offsets do not slice the text to its quote: a bug, never shipped.
    QuoteMismatch {
        span: u32,
        expected: String,
        found: String,
    },
    /// The input is not what the format says, at a JSON path or line.
    Invalid { at: String, problem: String },
}

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FormatError::QuoteMismatch {
                span,
                expected,
                found,
            } => write!(
                f,
                "span {span}: its offsets give \"{found}\" but its quote is \"{expected}\""
            ),
            FormatError::Invalid { at, problem } => write!(f, "{at}: {problem}"),
        }
    }
}

impl std::error::Error for FormatError {}

/// Describes one span in every unit. Refuses a span whose offsets do not slice to its quote.
fn span_record(doc: &Document, ix: &TextIndex, span: &Span) -> Result<SpanRecord, FormatError> {
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
    // Checked independently of the index: slicing by code points must give the same quote.
    let by_code_points: String = doc.text.chars().skip(cp.0).take(cp.1 - cp.0).collect();
    if by_code_points != quote {
        return Err(FormatError::QuoteMismatch {
            span: span.id.0,
            expected: quote.to_string(),
            found: by_code_points,
        });
    }
    let prefix: String = {
        let before: Vec<char> = doc.text[..span.start].chars().rev().take(CONTEXT).collect();
        before.into_iter().rev().collect()
    };
    let suffix: String = doc.text[span.end..].chars().take(CONTEXT).collect();
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

/// Builds the file for one document.
pub fn export(doc: &Document) -> Result<GlossaFile, FormatError> {
    let ix = doc.index();
    let spans = doc
        .spans()
        .iter()
        .map(|s| span_record(doc, &ix, s))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(GlossaFile {
        format: FORMAT.to_string(),
        version: VERSION,
        offset_unit: OFFSET_UNIT.to_string(),
        document: DocumentRecord {
            id: doc.id.clone(),
            title: doc.title.clone(),
            text: doc.text.clone(),
            created_ms: doc.created_ms,
            modified_ms: doc.modified_ms,
            labels: doc.labels.labels.clone(),
            spans,
        },
    })
}

/// Writes one document as pretty JSON.
pub fn to_json(doc: &Document) -> Result<String, FormatError> {
    let file = export(doc)?;
    Ok(serde_json::to_string_pretty(&file).expect("a GlossaFile always serialises"))
}

/// A file name for a document's export: its title made safe for file systems.
pub fn file_name(title: &str, format: &str, ext: &str) -> String {
    let safe: String = title
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' || c == ' ' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let safe = safe.trim();
    let safe = if safe.is_empty() { "untitled" } else { safe };
    let short: String = safe.chars().take(80).collect();
    format!("{}.{format}.{ext}", short.trim_end())
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
        for s in &file.document.spans {
            let by_cp: String = chars[s.start..s.end].iter().collect();
            let by_u16 = String::from_utf16(&utf16[s.utf16.start..s.utf16.end]).unwrap();
            assert_eq!(by_cp, s.quote);
            assert_eq!(by_u16, s.quote);
            assert_eq!(&text[s.utf8.start..s.utf8.end], s.quote);
            assert!(text.contains(&format!("{}{}{}", s.prefix, s.quote, s.suffix)));
        }
        assert_eq!(file.document.spans[0].quote, "al-Thäni");
        // The family emoji is 5 code points and 8 UTF-16 units, then a space.
        assert_eq!(file.document.spans[0].start, 6);
        assert_eq!(file.document.spans[0].utf16.start, 9);
    }

    #[test]
    fn file_names_are_safe() {
        assert_eq!(
            file_name("Qatar: truce/talks?", "glossa", "json"),
            "Qatar- truce-talks-.glossa.json"
        );
        assert_eq!(file_name("  ", "glossa", "json"), "untitled.glossa.json");
    }
}
