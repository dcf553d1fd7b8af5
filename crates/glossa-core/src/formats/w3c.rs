//! W3C Web Annotation (JSON-LD): an `AnnotationCollection` whose first `AnnotationPage` holds
//! one `Annotation` per span and one per relation.
//!
//! * A span: `motivation: tagging`, a `TextualBody` with `purpose: tagging` whose value is the
//!   label, a `TextualBody` with `purpose: commenting` for its note, a `TextualBody` with
//!   `purpose: classifying` and `glossa:attribute` for each attribute; its target is the
//!   document with a `TextQuoteSelector` (exact, prefix, suffix) and a `TextPositionSelector`
//!   counted in code points, as the model requires (§4.2.4).
//! * A relation: `motivation: linking`, target the `from` span's annotation, body the `to`
//!   span's annotation plus a tagging `TextualBody` naming the relation type.
//! * Annotations point at their document by IRI (`urn:glossa:document:ID`); the collection
//!   carries each document's text in `glossa:sources`, so the file can be read back alone.
//!
//! Import takes a single Annotation, an array, an AnnotationPage or a collection with embedded
//! pages. A position selector wins; a quote selector alone is found in the text by its exact
//! quote and context. Text comes from `glossa:sources`, or from a text file given alongside.

use super::common::{
    arr, field, iri_part, kind, obj, offset_field, parse_json, quoted, show, stem, str_field,
    string, Builder,
};
use super::glossa::DocumentRecord;
use super::glossa::CONTEXT as CONTEXT_LEN;
use super::{FormatError, Imported, Warning};
use crate::document::{Document, SpanId};
use crate::offsets::{TextIndex, Unit};
use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashMap};

/// The Web Annotation JSON-LD context.
pub const CONTEXT: &str = "http://www.w3.org/ns/anno.jsonld";
/// Glossa's extension key on the collection: each document's IRI, title and text.
pub const SOURCES: &str = "glossa:sources";
/// Glossa's extension key on a classifying body: the attribute's name.
pub const ATTRIBUTE: &str = "glossa:attribute";

/// The IRI annotations use for a document.
pub fn document_iri(doc: &Document) -> String {
    format!("urn:glossa:document:{}", iri_part(&doc.id))
}

// The file is written from these records, not built as `serde_json::Value`s: a book's 10,000
// annotations as maps took most of the export's time in allocation.

/// A `TextualBody`: a span's label (tagging), its note (commenting) or an attribute's value
/// (classifying, with the attribute's name under [`ATTRIBUTE`]).
#[derive(Serialize)]
struct Textual<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    purpose: &'static str,
    value: &'a str,
    #[serde(rename = "glossa:attribute", skip_serializing_if = "Option::is_none")]
    attribute: Option<&'a str>,
}

fn textual<'a>(purpose: &'static str, value: &'a str) -> Textual<'a> {
    Textual {
        kind: "TextualBody",
        purpose,
        value,
        attribute: None,
    }
}

/// One body alone, or several in an array.
#[derive(Serialize)]
#[serde(untagged)]
enum BodiesOut<'a> {
    One(Textual<'a>),
    Many(Vec<Textual<'a>>),
}

#[derive(Serialize)]
struct QuoteSelector<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    exact: &'a str,
    prefix: &'a str,
    suffix: &'a str,
}

#[derive(Serialize)]
struct PositionSelector {
    #[serde(rename = "type")]
    kind: &'static str,
    start: usize,
    end: usize,
}

#[derive(Serialize)]
struct SpanTarget<'a> {
    source: &'a str,
    selector: (QuoteSelector<'a>, PositionSelector),
}

/// An annotation: a span's (bodies, its place in the document) or a relation's (its type and
/// the `to` span's annotation, the `from` span's annotation).
#[derive(Serialize)]
struct Annotation<B, T> {
    #[serde(rename = "@context")]
    context: &'static str,
    id: String,
    #[serde(rename = "type")]
    kind: &'static str,
    motivation: &'static str,
    body: B,
    target: T,
}

#[derive(Serialize)]
#[serde(untagged)]
enum Item<'a> {
    Span(Annotation<BodiesOut<'a>, SpanTarget<'a>>),
    Relation(Annotation<(Textual<'a>, String), String>),
}

/// The annotations for one document, spans then relations, from its record.
fn annotations<'a>(iri: &'a str, record: &'a DocumentRecord) -> Vec<Item<'a>> {
    let mut items = Vec::with_capacity(record.spans.len() + record.relations.len());
    for s in &record.spans {
        let mut bodies = vec![textual("tagging", &s.label)];
        if let Some(note) = &s.note {
            bodies.push(textual("commenting", note));
        }
        for (k, v) in &s.attributes {
            bodies.push(Textual {
                attribute: Some(k),
                ..textual("classifying", v)
            });
        }
        let body = if bodies.len() == 1 {
            BodiesOut::One(bodies.pop().expect("one body"))
        } else {
            BodiesOut::Many(bodies)
        };
        items.push(Item::Span(Annotation {
            context: CONTEXT,
            id: format!("{iri}#s{}", s.id),
            kind: "Annotation",
            motivation: "tagging",
            body,
            target: SpanTarget {
                source: iri,
                selector: (
                    QuoteSelector {
                        kind: "TextQuoteSelector",
                        exact: &s.quote,
                        prefix: &s.prefix,
                        suffix: &s.suffix,
                    },
                    PositionSelector {
                        kind: "TextPositionSelector",
                        start: s.start,
                        end: s.end,
                    },
                ),
            },
        }));
    }
    for r in &record.relations {
        items.push(Item::Relation(Annotation {
            context: CONTEXT,
            id: format!("{iri}#r{}", r.id),
            kind: "Annotation",
            motivation: "linking",
            body: (textual("tagging", &r.kind), format!("{iri}#s{}", r.to)),
            target: format!("{iri}#s{}", r.from),
        }));
    }
    items
}

/// A document in [`SOURCES`]: its IRI, title and text.
#[derive(Serialize)]
struct SourceOut<'a> {
    id: &'a str,
    title: &'a str,
    text: &'a str,
}

#[derive(Serialize)]
struct Page<'a> {
    id: String,
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(rename = "startIndex")]
    start_index: usize,
    items: Vec<Item<'a>>,
}

#[derive(Serialize)]
struct Collection<'a> {
    #[serde(rename = "@context")]
    context: &'static str,
    id: String,
    #[serde(rename = "type")]
    kind: &'static str,
    label: String,
    total: usize,
    #[serde(rename = "glossa:sources")]
    sources: Vec<SourceOut<'a>>,
    first: Page<'a>,
}

/// Writes `docs` as one collection. W3C holds every span, note, attribute and relation, so
/// nothing is reported dropped (label colours and keys are not span data).
pub fn export(docs: &[Document]) -> Result<(String, Vec<Warning>), FormatError> {
    let iris: Vec<String> = docs.iter().map(document_iri).collect();
    let records = super::glossa::document_records(docs)?;
    let items: Vec<Item> = iris
        .iter()
        .zip(&records)
        .flat_map(|(iri, record)| annotations(iri, record))
        .collect();
    let sources = iris
        .iter()
        .zip(docs)
        .map(|(iri, doc)| SourceOut {
            id: iri,
            title: &doc.title,
            text: &doc.text,
        })
        .collect();
    let (id, label) = match (docs, iris.as_slice()) {
        ([one], [iri]) => (format!("{iri}/annotations"), one.title.clone()),
        _ => (
            "urn:glossa:library".to_string(),
            "Glossa library".to_string(),
        ),
    };
    let collection = Collection {
        context: CONTEXT,
        total: items.len(),
        first: Page {
            id: format!("{id}/page1"),
            kind: "AnnotationPage",
            start_index: 0,
            items,
        },
        id,
        kind: "AnnotationCollection",
        label,
        sources,
    };
    Ok((
        serde_json::to_string_pretty(&collection).expect("a collection always serialises"),
        Vec::new(),
    ))
}

/// True when `v` (a string or an array of strings) is or includes `name`.
fn has(v: Option<&Value>, name: &str) -> bool {
    match v {
        Some(Value::String(s)) => s == name,
        Some(Value::Array(items)) => items.iter().any(|i| i.as_str() == Some(name)),
        _ => false,
    }
}

fn list(v: &Value) -> Vec<&Value> {
    match v {
        Value::Array(items) => items.iter().collect(),
        v => vec![v],
    }
}

/// A document being read: its IRI's builder and the annotations' spans by annotation id.
struct Source {
    builder: Builder,
}

/// Reads annotations. `text`, when given, is the text of the source the annotations point at
/// (used when the file has no `glossa:sources`).
pub fn import(
    json: &str,
    text: Option<&str>,
    name: &str,
    now_ms: i64,
) -> Result<Imported, FormatError> {
    let root = parse_json(json, "$")?;
    let mut warnings = Vec::new();
    let annotations = collect(&root, &mut warnings)?;

    // The documents: Glossa's own copy of each text, else the text given alongside.
    let mut order: Vec<String> = Vec::new();
    let mut sources: HashMap<String, Source> = HashMap::new();
    if let Some(list) = root.get(SOURCES) {
        for (i, s) in arr(list, &format!("$.{SOURCES}"))?.iter().enumerate() {
            let at = format!("$.{SOURCES}[{i}]");
            let o = obj(s, &at)?;
            let iri = str_field(o, "id", &at)?;
            let title = o.get("title").and_then(Value::as_str).unwrap_or("");
            let body = str_field(o, "text", &at)?;
            let id = iri.strip_prefix("urn:glossa:document:").unwrap_or(iri);
            let id = decode(id);
            order.push(iri.to_string());
            sources.insert(
                iri.to_string(),
                Source {
                    builder: Builder::new(&id, title, body, now_ms),
                },
            );
        }
    }

    // The source the given text stands for, once one annotation has claimed it.
    let mut given_to: Option<String> = None;
    let mut ids: HashMap<String, (String, SpanId)> = HashMap::new();
    let mut links = Vec::new();
    for (at, a) in &annotations {
        let o = obj(a, at)?;
        if !(has(o.get("type"), "Annotation") || has(o.get("@type"), "oa:Annotation")) {
            return Err(FormatError::invalid(
                at.as_str(),
                format!(
                    "is not an Annotation (type is {})",
                    o.get("type").map(show).unwrap_or("missing".into())
                ),
            ));
        }
        if has(o.get("motivation"), "linking") {
            links.push((at, o));
            continue;
        }
        let target_at = format!("{at}.target");
        let targets = list(field(o, "target", at)?);
        let bodies = Bodies::read(o, at)?;
        for (t, target) in targets.iter().enumerate() {
            let t_at = if targets.len() > 1 {
                format!("{target_at}[{t}]")
            } else {
                target_at.clone()
            };
            let (iri, selectors) = match target {
                Value::String(iri) => (iri.as_str(), Vec::new()),
                Value::Object(to) => {
                    let iri = match to.get("source") {
                        Some(s) => s.as_str().or_else(|| s.get("id").and_then(Value::as_str)),
                        None => to.get("id").and_then(Value::as_str),
                    }
                    .ok_or_else(|| FormatError::invalid(t_at.as_str(), "has no source IRI"))?;
                    let sel = to.get("selector").map(list).unwrap_or_default();
                    (iri, sel)
                }
                v => {
                    return Err(FormatError::invalid(
                        t_at.as_str(),
                        format!("expected an IRI or an object, found {}", kind(v)),
                    ))
                }
            };
            if selectors.is_empty() {
                warnings.push(Warning::new(
                    t_at.as_str(),
                    "targets a whole resource, not a stretch of text; skipped",
                ));
                continue;
            }
            if !sources.contains_key(iri) {
                let Some(text) = text else {
                    return Err(FormatError::invalid(
                        t_at.as_str(),
                        format!(
                            "points at {iri}, whose text is not in this file; give the text \
                             file with it (glossa-convert --text FILE)"
                        ),
                    ));
                };
                if let Some(other) = &given_to {
                    return Err(FormatError::invalid(
                        t_at.as_str(),
                        format!(
                            "points at {iri} as well as {other}; one text file stands for one source"
                        ),
                    ));
                }
                given_to = Some(iri.to_string());
                let title = stem(name);
                order.push(iri.to_string());
                sources.insert(
                    iri.to_string(),
                    Source {
                        builder: Builder::new(title, title, text, now_ms),
                    },
                );
            }
            let builder = &mut sources.get_mut(iri).expect("added above").builder;
            let (start, end) = locate(&builder.index(), &selectors, &t_at)?;
            let mut first = None;
            for label in &bodies.labels {
                let id = builder.span(
                    label,
                    start,
                    end,
                    Unit::CodePoint,
                    None,
                    &t_at,
                    &mut warnings,
                )?;
                let Some(id) = id else { continue };
                first.get_or_insert(id);
                if !bodies.notes.is_empty() {
                    builder
                        .doc
                        .set_note(id, Some(&bodies.notes.join("\n\n")))
                        .expect("span exists");
                }
                for (k, v) in &bodies.attributes {
                    builder
                        .doc
                        .set_attribute(id, k, Some(v))
                        .expect("span exists");
                }
            }
            if bodies.labels.is_empty() {
                warnings.push(Warning::new(
                    at.as_str(),
                    "has no tagging body to take a label from; skipped",
                ));
            }
            if let (Some(id), Some(aid)) = (first, o.get("id").and_then(Value::as_str)) {
                ids.insert(aid.to_string(), (iri.to_string(), id));
            }
        }
    }

    for (at, o) in links {
        let kind = Bodies::read(o, at)?
            .labels
            .into_iter()
            .next()
            .unwrap_or_else(|| "link".to_string());
        let iris = |key: &str| -> Vec<String> {
            o.get(key)
                .map(list)
                .unwrap_or_default()
                .into_iter()
                .filter_map(|v| v.as_str().or_else(|| v.get("id").and_then(Value::as_str)))
                .map(str::to_string)
                .collect()
        };
        let from: Vec<_> = iris("target")
            .into_iter()
            .filter_map(|i| ids.get(&i).cloned())
            .collect();
        let to: Vec<_> = iris("body")
            .into_iter()
            .filter_map(|i| ids.get(&i).cloned())
            .collect();
        if from.is_empty() || to.is_empty() {
            warnings.push(Warning::new(
                at.as_str(),
                "links annotations that are not spans in this file; skipped",
            ));
            continue;
        }
        for (fd, f) in &from {
            for (td, t) in &to {
                if fd != td {
                    warnings.push(Warning::new(
                        at.as_str(),
                        "links spans in two documents; skipped",
                    ));
                    continue;
                }
                let b = &mut sources.get_mut(fd).expect("span's source").builder;
                b.relation(&kind, *f, *t, at)?;
            }
        }
    }

    Ok(Imported {
        documents: order
            .into_iter()
            .filter_map(|iri| sources.remove(&iri))
            .map(|s| s.builder.finish())
            .collect(),
        warnings,
    })
}

/// Undoes [`iri_part`].
fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let hex = |b: u8| (b as char).to_digit(16);
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The annotations in a file, each with its JSON path.
fn collect(root: &Value, warnings: &mut Vec<Warning>) -> Result<Vec<(String, Value)>, FormatError> {
    let mut out = Vec::new();
    let page = |v: &Value, at: &str, out: &mut Vec<(String, Value)>| -> Result<(), FormatError> {
        let o = obj(v, at)?;
        let items = field(o, "items", at)?;
        for (i, a) in arr(items, &format!("{at}.items"))?.iter().enumerate() {
            out.push((format!("{at}.items[{i}]"), a.clone()));
        }
        Ok(())
    };
    match root {
        Value::Array(items) => {
            for (i, a) in items.iter().enumerate() {
                out.push((format!("$[{i}]"), a.clone()));
            }
        }
        Value::Object(o) if has(o.get("type"), "AnnotationCollection") => {
            let mut at = "$.first".to_string();
            let mut next = o.get("first");
            let mut seen = 0;
            while let Some(p) = next {
                if p.is_string() {
                    warnings.push(Warning::new(
                        at.as_str(),
                        format!(
                            "page {} is not in this file; only embedded pages are read",
                            show(p)
                        ),
                    ));
                    break;
                }
                page(p, &at, &mut out)?;
                seen += 1;
                next = p.get("next");
                at = format!("{at}.next");
                if seen > 10_000 {
                    break;
                }
            }
        }
        Value::Object(o) if has(o.get("type"), "AnnotationPage") => page(root, "$", &mut out)?,
        Value::Object(_) => out.push(("$".to_string(), root.clone())),
        v => {
            return Err(FormatError::invalid(
                "$",
                format!(
                    "expected an annotation, a page or a collection, found {}",
                    kind(v)
                ),
            ))
        }
    }
    Ok(out)
}

/// What an annotation's bodies say: its labels, notes and attributes.
#[derive(Default)]
struct Bodies {
    labels: Vec<String>,
    notes: Vec<String>,
    attributes: BTreeMap<String, String>,
}

impl Bodies {
    fn read(o: &Map<String, Value>, at: &str) -> Result<Bodies, FormatError> {
        let tagging = has(o.get("motivation"), "tagging")
            || has(o.get("motivation"), "classifying")
            || has(o.get("motivation"), "linking");
        let mut b = Bodies::default();
        let mut classes = Vec::new();
        let mut plain = Vec::new();
        if let Some(v) = o.get("bodyValue") {
            plain.push(string(v, &format!("{at}.bodyValue"))?.to_string());
        }
        if let Some(body) = o.get("body") {
            for (i, body) in list(body).into_iter().enumerate() {
                let Value::Object(bo) = body else { continue };
                let Some(value) = bo.get("value") else {
                    continue;
                };
                let value = string(value, &format!("{at}.body[{i}].value"))?.to_string();
                let purpose = bo.get("purpose");
                if let Some(key) = bo.get(ATTRIBUTE).and_then(Value::as_str) {
                    b.attributes.insert(key.to_string(), value);
                } else if has(purpose, "tagging") {
                    b.labels.push(value);
                } else if has(purpose, "classifying") {
                    classes.push(value);
                } else if has(purpose, "commenting") || has(purpose, "describing") {
                    b.notes.push(value);
                } else {
                    plain.push(value);
                }
            }
        }
        // Without a tagging body, a classifying one names the label; failing that, a plain
        // body does when the motivation is tagging.
        if b.labels.is_empty() && !classes.is_empty() {
            b.labels.append(&mut classes);
        }
        if b.labels.is_empty() && tagging {
            b.labels.append(&mut plain);
        }
        for c in classes {
            b.attributes.entry("class".to_string()).or_insert(c);
        }
        b.notes.extend(plain);
        Ok(b)
    }
}

/// Finds the code point range a target's selectors name, in the text `ix` indexes (built once
/// per document: collecting the text's characters per annotation took half a minute on a book).
fn locate(ix: &TextIndex, selectors: &[&Value], at: &str) -> Result<(usize, usize), FormatError> {
    let text = ix.text();
    let mut position = None;
    let mut quote = None;
    for (i, s) in selectors.iter().enumerate() {
        let s_at = if selectors.len() > 1 {
            format!("{at}.selector[{i}]")
        } else {
            format!("{at}.selector")
        };
        let so = obj(s, &s_at)?;
        if has(so.get("type"), "TextPositionSelector") {
            position = Some((
                offset_field(so, "start", &s_at)?,
                offset_field(so, "end", &s_at)?,
                s_at,
            ));
        } else if has(so.get("type"), "TextQuoteSelector") {
            let exact = str_field(so, "exact", &s_at)?;
            let prefix = so.get("prefix").and_then(Value::as_str).unwrap_or("");
            let suffix = so.get("suffix").and_then(Value::as_str).unwrap_or("");
            quote = Some((exact, prefix, suffix, s_at));
        }
    }
    match (position, quote) {
        (Some((start, end, s_at)), quote) => {
            let code_points = ix.len(Unit::CodePoint);
            if start > end || end > code_points {
                return Err(FormatError::invalid(
                    format!("{s_at}.end"),
                    format!("{start}..{end} is outside the text ({code_points} code points)"),
                ));
            }
            if let Some((exact, _, _, q_at)) = quote {
                let byte = |cp: usize| {
                    ix.convert(cp, Unit::CodePoint, Unit::Utf8)
                        .expect("a code point offset within the text")
                };
                let found = &text[byte(start)..byte(end)];
                if found != exact {
                    return Err(FormatError::invalid(
                        format!("{q_at}.exact"),
                        format!(
                            "is {} but the text at code points {start}..{end} is {}",
                            quoted(exact),
                            quoted(found)
                        ),
                    ));
                }
            }
            Ok((start, end))
        }
        (None, Some((exact, prefix, suffix, q_at))) => find_quote(ix, exact, prefix, suffix)
            .ok_or_else(|| {
                FormatError::invalid(
                    format!("{q_at}.exact"),
                    format!("{} is not in the text", quoted(exact)),
                )
            }),
        (None, None) => Err(FormatError::invalid(
            at,
            "has no TextPositionSelector or TextQuoteSelector",
        )),
    }
}

/// The code point range of `exact` in `text`, preferring the occurrence whose surroundings
/// match `prefix` and `suffix` best.
fn find_quote(ix: &TextIndex, exact: &str, prefix: &str, suffix: &str) -> Option<(usize, usize)> {
    let text = ix.text();
    if exact.is_empty() {
        return None;
    }
    let score = |at: usize| {
        let before = &text[..at];
        let after = &text[at + exact.len()..];
        let p = before
            .chars()
            .rev()
            .zip(prefix.chars().rev())
            .take_while(|(a, b)| a == b)
            .count();
        let s = after
            .chars()
            .zip(suffix.chars())
            .take_while(|(a, b)| a == b)
            .count();
        p.min(CONTEXT_LEN * 4) + s.min(CONTEXT_LEN * 4)
    };
    let best = text
        .match_indices(exact)
        .map(|(at, _)| at)
        .max_by_key(|&at| (score(at), std::cmp::Reverse(at)))?;
    let start = ix.convert(best, Unit::Utf8, Unit::CodePoint).ok()?;
    Some((start, start + exact.chars().count()))
}
