//! doccano JSONL, one document per line. doccano counts **UTF-16 code units** (its editor uses
//! JavaScript string offsets), so an emoji is two.
//!
//! Sequence labelling: `{"text", "label": [[start, end, "LABEL"], ...]}`. Relation extraction:
//! `{"text", "entities": [{id, start_offset, end_offset, label}], "relations": [{id, from_id,
//! to_id, type}]}`. Export writes the relation shape when any document has relations (a
//! doccano project has one shape), the sequence shape otherwise. Notes and attributes have no
//! place and are reported; the title goes in `title`, which doccano keeps as metadata.

use super::common::{
    arr, doc_at, field, id_text, jsonl_lines, kind, obj, offset, offset_field, stem, str_field,
    string, Builder,
};
use super::{FormatError, Imported, Warning};
use crate::document::{Document, SpanId};
use crate::offsets::Unit;
use crate::words::count;
use serde_json::{json, Value};
use std::collections::HashMap;

/// Reports the notes, verdicts and other attributes a format with no place for them leaves
/// out (a verdict is named as the user knows it, not as the attribute it is stored as).
pub(crate) fn dropped_extras(doc: &Document, format: &str, warnings: &mut Vec<Warning>) {
    let notes = doc.spans().iter().filter(|s| s.note.is_some()).count();
    let (mut verdicts, mut attrs) = (0, 0);
    for (key, _) in doc.spans().iter().flat_map(|s| &s.attributes) {
        *if key == "verdict" {
            &mut verdicts
        } else {
            &mut attrs
        } += 1;
    }
    for (n, what) in [(notes, "note"), (verdicts, "verdict"), (attrs, "attribute")] {
        if n > 0 {
            warnings.push(Warning::new(
                doc_at(doc),
                format!("{} dropped: {format} has no {what}s", count(n, what)),
            ));
        }
    }
}

/// Writes one line per document.
pub fn export(docs: &[Document]) -> Result<(String, Vec<Warning>), FormatError> {
    let relations = docs.iter().any(|d| !d.relations().is_empty());
    let mut warnings = Vec::new();
    let mut out = String::new();
    for doc in docs {
        dropped_extras(doc, "doccano", &mut warnings);
        let ix = doc.index();
        let mut spans = Vec::new();
        for s in doc.spans() {
            let (start, end) = ix
                .convert_range((s.start, s.end), Unit::Utf8, Unit::Utf16)
                .map_err(|e| FormatError::invalid(doc_at(doc), e.to_string()))?;
            spans.push((s.id, start, end, &s.label));
        }
        let line = if relations {
            json!({
                "text": doc.text,
                "title": doc.title,
                "entities": spans.iter().map(|(id, s, e, l)| json!({
                    "id": id.0, "label": l, "start_offset": s, "end_offset": e,
                })).collect::<Vec<_>>(),
                "relations": doc.relations().iter().map(|r| json!({
                    "id": r.id.0, "from_id": r.from.0, "to_id": r.to.0, "type": r.kind,
                })).collect::<Vec<_>>(),
            })
        } else {
            json!({
                "text": doc.text,
                "title": doc.title,
                "label": spans.iter().map(|(_, s, e, l)| json!([s, e, l])).collect::<Vec<_>>(),
            })
        };
        out.push_str(&line.to_string());
        out.push('\n');
    }
    Ok((out, warnings))
}

/// Reads JSONL in either shape; blank lines are skipped. Errors name the line.
pub fn import(jsonl: &str, name: &str, now_ms: i64) -> Result<Imported, FormatError> {
    let mut warnings = Vec::new();
    let mut documents = Vec::new();
    for line in jsonl_lines(jsonl) {
        let (n, at, v) = line?;
        let o = obj(&v, &at)?;
        let path = |p: &str| format!("line {n} $.{p}");
        let text = match (o.get("text"), o.get("data")) {
            (Some(t), _) => string(t, &path("text"))?,
            (None, Some(t)) => string(t, &path("data"))?,
            (None, None) => {
                return Err(FormatError::invalid(at, "missing required field \"text\""))
            }
        };
        let title = match o.get("title").and_then(Value::as_str) {
            Some(t) => t.to_string(),
            None => format!("{} {n}", stem(name)),
        };
        let id = match o.get("id").and_then(id_text) {
            Some(id) => format!("{}-{id}", stem(name)),
            None => format!("{}-{n}", stem(name)),
        };
        let mut b = Builder::new(&id, &title, text, now_ms);
        if let Some(labels) = o.get("label").or_else(|| o.get("labels")) {
            let key = if o.contains_key("label") {
                "label"
            } else {
                "labels"
            };
            for (j, item) in arr(labels, &path(key))?.iter().enumerate() {
                let at = path(&format!("{key}[{j}]"));
                match item {
                    Value::String(class) => warnings.push(Warning::new(
                        at,
                        format!("{class:?} labels the whole text, not a span; skipped"),
                    )),
                    Value::Array(triple) if triple.len() == 3 => {
                        let start = offset(&triple[0], &format!("{at}[0]"))?;
                        let end = offset(&triple[1], &format!("{at}[1]"))?;
                        let label = string(&triple[2], &format!("{at}[2]"))?;
                        b.span(label, start, end, Unit::Utf16, None, &at, &mut warnings)?;
                    }
                    v => {
                        return Err(FormatError::invalid(
                            at,
                            format!("expected [start, end, \"label\"], found {}", kind(v)),
                        ))
                    }
                }
            }
        }
        let mut ids: HashMap<String, SpanId> = HashMap::new();
        if let Some(entities) = o.get("entities") {
            for (j, e) in arr(entities, &path("entities"))?.iter().enumerate() {
                let at = path(&format!("entities[{j}]"));
                let eo = obj(e, &at)?;
                let start = offset_field(eo, "start_offset", &at)?;
                let end = offset_field(eo, "end_offset", &at)?;
                let label = str_field(eo, "label", &at)?;
                let span = b.span(label, start, end, Unit::Utf16, None, &at, &mut warnings)?;
                if let (Some(span), Some(id)) = (span, eo.get("id").and_then(id_text)) {
                    ids.insert(id, span);
                }
            }
        }
        if let Some(relations) = o.get("relations") {
            for (j, r) in arr(relations, &path("relations"))?.iter().enumerate() {
                let at = path(&format!("relations[{j}]"));
                let ro = obj(r, &at)?;
                let kind = str_field(ro, "type", &at)?;
                let end = |key: &str| -> Result<SpanId, FormatError> {
                    let v = field(ro, key, &at)?;
                    id_text(v)
                        .and_then(|id| ids.get(&id).copied())
                        .ok_or_else(|| {
                            FormatError::invalid(
                                format!("{at}.{key}"),
                                format!("{v} is not the id of an entity on this line"),
                            )
                        })
                };
                let (from, to) = (end("from_id")?, end("to_id")?);
                b.relation(kind, from, to, &at)?;
            }
        }
        documents.push(b.finish());
    }
    Ok(Imported {
        documents,
        warnings,
    })
}
