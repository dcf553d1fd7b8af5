//! Shared by the formats_* tests: the torture document and ways to compare documents.
#![allow(dead_code)]

use glossa_core::formats::{self, Format, InputFile, Nesting};
use glossa_core::{Document, Unit};
use std::path::PathBuf;

/// Emoji, a ZWJ family, a flag, skin tone, combining marks, CJK, Arabic, CRLF, NBSP and a tab.
pub const TORTURE: &str = "Sheikh Mohammed 👨‍👩‍👧 said: «Qatar 🇶🇦 freed 100 hostages»\r\n\
Cafe\u{301} e\u{301}te\u{301} 中文字 العربية\r\n\r\nLast\u{a0}line\t👍🏽 end.";

/// The byte range of the `nth` occurrence of `needle`.
pub fn find(text: &str, needle: &str, nth: usize) -> (usize, usize) {
    let at = text
        .match_indices(needle)
        .nth(nth)
        .unwrap_or_else(|| panic!("{needle:?} #{nth} not in the text"))
        .0;
    (at, at + needle.len())
}

/// The torture text tagged everywhere it is hard to be exact: nested, crossing line breaks,
/// inside grapheme clusters' neighbours, with notes, attributes and relations.
pub fn torture() -> Document {
    let mut d = Document::new("torture-1", "Torture: «test» ✓", TORTURE, 1_700_000_000_000);
    let tag = |d: &mut Document, label: &str, needle: &str| {
        let (s, e) = find(TORTURE, needle, 0);
        d.add_span(label, s, e, Unit::Utf8).unwrap()
    };
    let actor = tag(&mut d, "actor", "Sheikh Mohammed");
    let family = tag(&mut d, "figure", "👨‍👩‍👧");
    let claim = tag(&mut d, "claim", "Qatar 🇶🇦 freed 100 hostages");
    let qatar = tag(&mut d, "actor", "Qatar");
    tag(&mut d, "figure", "🇶🇦");
    let hundred = tag(&mut d, "figure", "100");
    tag(&mut d, "claim", "e\u{301}te\u{301}");
    tag(&mut d, "actor", "中文字");
    tag(&mut d, "actor", "العربية");
    let across = tag(&mut d, "claim", "العربية\r\n\r\nLast");
    tag(&mut d, "figure", "👍🏽");
    d.set_note(claim, Some("check the source\nand the date"))
        .unwrap();
    d.set_note(actor, Some("Emir's envoy")).unwrap();
    d.set_attribute(claim, "verdict", Some("misleading"))
        .unwrap();
    d.set_attribute(claim, "checked", Some("true")).unwrap();
    d.set_attribute(across, "verdict", Some("true-ish"))
        .unwrap();
    d.add_relation("said-by", claim, actor).unwrap();
    d.add_relation("about", hundred, claim).unwrap();
    d.add_relation("about", family, qatar).unwrap();
    d
}

/// A span as a format-independent fact: label, code point range, quote.
pub type SpanKey = (String, usize, usize, String);

pub fn span_key(doc: &Document, s: &glossa_core::Span) -> SpanKey {
    let chars_before = doc.text[..s.start].chars().count();
    let len = doc.text[s.start..s.end].chars().count();
    (
        s.label.clone(),
        chars_before,
        chars_before + len,
        doc.text[s.start..s.end].to_string(),
    )
}

pub fn spans(doc: &Document) -> Vec<SpanKey> {
    let mut v: Vec<_> = doc.spans().iter().map(|s| span_key(doc, s)).collect();
    v.sort();
    v
}

/// A span with its note and attributes.
pub type FullSpan = (SpanKey, Option<String>, Vec<(String, String)>);

/// Spans with their notes and attributes.
pub fn spans_full(doc: &Document) -> Vec<FullSpan> {
    let mut v: Vec<_> = doc
        .spans()
        .iter()
        .map(|s| {
            (
                span_key(doc, s),
                s.note.clone(),
                s.attributes
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect(),
            )
        })
        .collect();
    v.sort();
    v
}

/// Relations by what they link.
pub fn relations(doc: &Document) -> Vec<(String, SpanKey, SpanKey)> {
    let mut v: Vec<_> = doc
        .relations()
        .iter()
        .map(|r| {
            (
                r.kind.clone(),
                span_key(doc, doc.span(r.from).unwrap()),
                span_key(doc, doc.span(r.to).unwrap()),
            )
        })
        .collect();
    v.sort();
    v
}

/// `../../../shared/interop` from the crate: ../shared beside the repository.
pub fn interop() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/interop")
}

pub fn golden() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

/// Imports files from disk in `format`.
pub fn import_paths(format: Format, paths: &[PathBuf]) -> formats::Imported {
    let data: Vec<(String, Vec<u8>)> = paths
        .iter()
        .map(|p| {
            (
                p.display().to_string(),
                std::fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display())),
            )
        })
        .collect();
    let files: Vec<InputFile> = data
        .iter()
        .map(|(name, contents)| InputFile { name, contents })
        .collect();
    formats::import(format, &files, 0)
        .unwrap_or_else(|e| panic!("importing {paths:?} as {format}: {e}"))
}

/// Exports then imports through `format`.
pub fn round_trip(
    format: Format,
    docs: &[Document],
    nesting: Nesting,
) -> (formats::Exported, formats::Imported) {
    let out = formats::export(format, docs, &formats::ExportOptions { nesting })
        .unwrap_or_else(|e| panic!("export to {format}: {e}"));
    let files: Vec<InputFile> = out
        .files
        .iter()
        .map(formats::OutputFile::as_input)
        .collect();
    let back = formats::import(format, &files, 0)
        .unwrap_or_else(|e| panic!("import from {format}: {e}\n{}", out.files[0].contents));
    (out.clone(), back)
}
