//! Label Studio JSON: an array of tasks, each `{"data": {"text"}, "annotations": [{"result":
//! [...]}]}`. Offsets count code points.
//!
//! Each span is a `labels` result (`from_name: label`, `to_name: text`) whose id is `s<N>`; its
//! note is a per-region `textarea` result and each attribute a per-region `choices` result
//! (`from_name` is the attribute's name), both with the span's id, as Label Studio writes
//! per-region answers; a relation is a `relation` result with `direction: right`.
//!
//! Import reads one task or an array of tasks, every annotation of each (predictions only when
//! a task has no annotation); `labels` with several labels make one span per label; `left`
//! relations are turned round and `bi` ones become two.

use super::common::{
    arr, field, id_text, kind, obj, offset_field, parse_json, show, stem, string, Builder,
};
use super::glossa::DocumentRecord;
use super::{FormatError, Imported, Warning};
use crate::document::{Document, SpanId};
use crate::offsets::Unit;
use serde::Serialize;
use serde_json::{json, Map, Value};
use std::collections::HashMap;

/// The `from_name` of label results, and the name of the labels control in a config.
pub const LABELS: &str = "label";
/// The `to_name` of every result: the Text object's name.
pub const TEXT: &str = "text";
/// The `from_name` of note results.
pub const NOTE: &str = "note";

// The file is written from these records, not built as `serde_json::Value` maps (most of a
// book's export time went to their allocation).

/// A region's value: its place (code points) and what is said of it.
#[derive(Serialize, Clone, Copy)]
struct RegionValue<'a> {
    start: usize,
    end: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    text: Option<RegionText<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    labels: Option<[&'a str; 1]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    choices: Option<[&'a str; 1]>,
}

/// A region's `text`: a label's quote, or a note in a list (Label Studio's textarea answers
/// are lists).
#[derive(Serialize, Clone, Copy)]
#[serde(untagged)]
enum RegionText<'a> {
    Quote(&'a str),
    Note([&'a str; 1]),
}

/// One result: a region (a span's label, its note or an attribute) or a relation.
#[derive(Serialize)]
#[serde(untagged)]
enum ResultOut<'a> {
    Region {
        id: String,
        from_name: &'a str,
        to_name: &'static str,
        #[serde(rename = "type")]
        kind: &'static str,
        origin: &'static str,
        value: RegionValue<'a>,
    },
    Relation {
        from_id: String,
        to_id: String,
        #[serde(rename = "type")]
        kind: &'static str,
        direction: &'static str,
        labels: [&'a str; 1],
    },
}

/// The results for one document, from its record.
fn results(record: &DocumentRecord) -> Vec<ResultOut<'_>> {
    let mut out = Vec::new();
    for s in &record.spans {
        let region = |from_name, kind, value| ResultOut::Region {
            id: format!("s{}", s.id),
            from_name,
            to_name: TEXT,
            kind,
            origin: "manual",
            value,
        };
        let place = RegionValue {
            start: s.start,
            end: s.end,
            text: None,
            labels: None,
            choices: None,
        };
        out.push(region(
            LABELS,
            "labels",
            RegionValue {
                text: Some(RegionText::Quote(&s.quote)),
                labels: Some([&s.label]),
                ..place
            },
        ));
        if let Some(note) = &s.note {
            out.push(region(
                NOTE,
                "textarea",
                RegionValue {
                    text: Some(RegionText::Note([note])),
                    ..place
                },
            ));
        }
        for (k, v) in &s.attributes {
            out.push(region(
                k,
                "choices",
                RegionValue {
                    choices: Some([v]),
                    ..place
                },
            ));
        }
    }
    for r in &record.relations {
        out.push(ResultOut::Relation {
            from_id: format!("s{}", r.from),
            to_id: format!("s{}", r.to),
            kind: "relation",
            direction: "right",
            labels: [&r.kind],
        });
    }
    out
}

/// A task's data: the text under [`TEXT`], the title and Glossa's id.
#[derive(Serialize)]
struct Data<'a> {
    text: &'a str,
    title: &'a str,
    glossa_id: &'a str,
}

#[derive(Serialize)]
struct AnnotationOut<'a> {
    id: usize,
    result: Vec<ResultOut<'a>>,
}

#[derive(Serialize)]
struct Task<'a> {
    id: usize,
    data: Data<'a>,
    annotations: [AnnotationOut<'a>; 1],
}

/// Writes `docs` as tasks, one per document. Label Studio holds everything Glossa has.
pub fn export(docs: &[Document]) -> Result<(String, Vec<Warning>), FormatError> {
    let records = super::glossa::document_records(docs)?;
    let tasks: Vec<Task> = records
        .iter()
        .enumerate()
        .map(|(i, record)| Task {
            id: i + 1,
            data: Data {
                text: &record.text,
                title: &record.title,
                glossa_id: &record.id,
            },
            annotations: [AnnotationOut {
                id: i + 1,
                result: results(record),
            }],
        })
        .collect();
    Ok((
        serde_json::to_string_pretty(&tasks).expect("tasks always serialise"),
        Vec::new(),
    ))
}

/// A labelling config for the exported tasks: the labels with their colours, a note box and
/// relation types, so a Label Studio project shows them as Glossa did.
pub fn config(docs: &[Document]) -> String {
    let esc = |s: &str| {
        s.replace('&', "&amp;")
            .replace('"', "&quot;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    };
    let mut labels: Vec<(String, String)> = Vec::new();
    let mut kinds: Vec<String> = Vec::new();
    for doc in docs {
        for l in doc.labels.iter() {
            if !labels.iter().any(|(n, _)| n == &l.name) {
                labels.push((l.name.clone(), l.color.clone()));
            }
        }
        for r in doc.relations() {
            if !kinds.contains(&r.kind) {
                kinds.push(r.kind.clone());
            }
        }
    }
    let mut xml = format!("<View>\n  <Labels name=\"{LABELS}\" toName=\"{TEXT}\">\n");
    for (name, color) in labels {
        xml += &format!(
            "    <Label value=\"{}\" background=\"{}\"/>\n",
            esc(&name),
            esc(&color)
        );
    }
    xml += &format!("  </Labels>\n  <Text name=\"{TEXT}\" value=\"${TEXT}\"/>\n  <Relations>\n");
    for k in kinds {
        xml += &format!("    <Relation value=\"{}\"/>\n", esc(&k));
    }
    xml += &format!(
        "  </Relations>\n  <TextArea name=\"{NOTE}\" toName=\"{TEXT}\" perRegion=\"true\"/>\n</View>\n"
    );
    xml
}

/// Reads one task or an array of tasks.
pub fn import(json: &str, name: &str, now_ms: i64) -> Result<Imported, FormatError> {
    let root = parse_json(json, "$")?;
    let mut warnings = Vec::new();
    let tasks: Vec<(String, &Value)> = match &root {
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, t)| (format!("$[{i}]"), t))
            .collect(),
        Value::Object(_) => vec![("$".to_string(), &root)],
        v => {
            return Err(FormatError::invalid(
                "$",
                format!("expected a task or an array of tasks, found {}", kind(v)),
            ))
        }
    };
    let documents = tasks
        .iter()
        .enumerate()
        .map(|(n, (at, t))| task(t, at, n, name, now_ms, &mut warnings))
        .collect::<Result<_, _>>()?;
    Ok(Imported {
        documents,
        warnings,
    })
}

fn task(
    v: &Value,
    at: &str,
    n: usize,
    name: &str,
    now_ms: i64,
    warnings: &mut Vec<Warning>,
) -> Result<Document, FormatError> {
    let o = obj(v, at)?;
    let data_at = format!("{at}.data");
    let data = obj(field(o, "data", at)?, &data_at)?;
    let text = match data.get(TEXT) {
        Some(t) => string(t, &format!("{data_at}.{TEXT}"))?,
        None => {
            let (key, t) = data
                .iter()
                .find(|(_, v)| v.is_string())
                .ok_or_else(|| FormatError::invalid(data_at.as_str(), "has no text"))?;
            warnings.push(Warning::new(
                data_at.as_str(),
                format!("has no \"text\"; took the text from \"{key}\""),
            ));
            t.as_str().expect("a string")
        }
    };
    let task_id = o
        .get("id")
        .and_then(id_text)
        .unwrap_or_else(|| (n + 1).to_string());
    let title = match data.get("title").and_then(Value::as_str) {
        Some(t) => t.to_string(),
        None => format!("{} task {task_id}", stem(name)),
    };
    let id = data
        .get("glossa_id")
        .and_then(Value::as_str)
        .map(str::to_string)
        .unwrap_or_else(|| format!("{}-{task_id}", stem(name)));
    let mut b = Builder::new(&id, &title, text, now_ms);

    // Annotations, else predictions.
    let mut lists = Vec::new();
    for key in ["annotations", "completions", "predictions"] {
        if key == "predictions" && !lists.is_empty() {
            break;
        }
        let Some(list) = o.get(key) else { continue };
        let list_at = format!("{at}.{key}");
        for (j, a) in arr(list, &list_at)?.iter().enumerate() {
            let a_at = format!("{list_at}[{j}]");
            let ao = obj(a, &a_at)?;
            if ao.get("was_cancelled").and_then(Value::as_bool) == Some(true) {
                warnings.push(Warning::new(
                    a_at.as_str(),
                    "was cancelled (skipped); not imported",
                ));
                continue;
            }
            if key == "predictions" {
                warnings.push(Warning::new(
                    a_at.as_str(),
                    "is a prediction; imported as spans",
                ));
            }
            let r_at = format!("{a_at}.result");
            lists.push((r_at.clone(), arr(field(ao, "result", &a_at)?, &r_at)?));
        }
    }
    if lists.len() > 1 {
        warnings.push(Warning::new(
            at,
            format!(
                "has {} annotations; their spans are merged into one document",
                lists.len()
            ),
        ));
    }

    // Regions first, so per-region answers and relations can find them.
    let mut regions: HashMap<String, Vec<SpanId>> = HashMap::new();
    for (r_at, list) in &lists {
        for (k, r) in list.iter().enumerate() {
            let at = format!("{r_at}[{k}]");
            let ro = obj(r, &at)?;
            if ro.get("type").and_then(Value::as_str) != Some("labels") {
                continue;
            }
            let v_at = format!("{at}.value");
            let value = obj(field(ro, "value", &at)?, &v_at)?;
            let start = offset_field(value, "start", &v_at)?;
            let end = offset_field(value, "end", &v_at)?;
            let quote = match value.get("text") {
                Some(t) => Some(string(t, &format!("{v_at}.text"))?),
                None => None,
            };
            let l_at = format!("{v_at}.labels");
            for (li, label) in arr(field(value, "labels", &v_at)?, &l_at)?
                .iter()
                .enumerate()
            {
                let label = string(label, &format!("{l_at}[{li}]"))?;
                let id = b.span(label, start, end, Unit::CodePoint, quote, &at, warnings)?;
                if let (Some(id), Some(rid)) = (id, ro.get("id").and_then(id_text)) {
                    regions.entry(rid).or_default().push(id);
                }
            }
        }
    }
    for (r_at, list) in &lists {
        for (k, r) in list.iter().enumerate() {
            let at = format!("{r_at}[{k}]");
            let ro = obj(r, &at)?;
            let ty = ro.get("type").and_then(Value::as_str).unwrap_or("");
            let region = ro
                .get("id")
                .and_then(id_text)
                .and_then(|id| regions.get(&id));
            match ty {
                "labels" => {}
                "relation" => relation(&mut b, ro, &at, &regions, warnings)?,
                "textarea" | "choices" => {
                    let Some(spans) = region else {
                        warnings.push(Warning::new(
                            at.as_str(),
                            format!("a {ty} answer about the whole task, not a span; skipped"),
                        ));
                        continue;
                    };
                    let v_at = format!("{at}.value");
                    let value = obj(field(ro, "value", &at)?, &v_at)?;
                    let key = if ty == "textarea" { "text" } else { "choices" };
                    let items = strings(field(value, key, &v_at)?, &format!("{v_at}.{key}"))?;
                    for &id in spans {
                        if ty == "textarea" {
                            b.doc
                                .set_note(id, Some(&items.join("\n")))
                                .expect("span exists");
                        } else {
                            let from = ro
                                .get("from_name")
                                .and_then(Value::as_str)
                                .unwrap_or("choice");
                            b.doc
                                .set_attribute(id, from, Some(&items.join(", ")))
                                .expect("span exists");
                        }
                    }
                }
                other => warnings.push(Warning::new(
                    at.as_str(),
                    format!(
                        "a {} result is not a text span; skipped",
                        show(&json!(other))
                    ),
                )),
            }
        }
    }
    Ok(b.finish())
}

/// A string or an array of strings.
fn strings(v: &Value, at: &str) -> Result<Vec<String>, FormatError> {
    match v {
        Value::String(s) => Ok(vec![s.clone()]),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, s)| string(s, &format!("{at}[{i}]")).map(str::to_string))
            .collect(),
        v => Err(FormatError::invalid(
            at,
            format!("expected text, found {}", kind(v)),
        )),
    }
}

fn relation(
    b: &mut Builder,
    ro: &Map<String, Value>,
    at: &str,
    regions: &HashMap<String, Vec<SpanId>>,
    warnings: &mut Vec<Warning>,
) -> Result<(), FormatError> {
    let end = |key: &str| -> Result<Option<&Vec<SpanId>>, FormatError> {
        let id = field(ro, key, at)?;
        let id = id_text(id).ok_or_else(|| {
            FormatError::invalid(
                format!("{at}.{key}"),
                format!("expected an id, found {}", kind(id)),
            )
        })?;
        Ok(regions.get(&id))
    };
    let (Some(from), Some(to)) = (end("from_id")?, end("to_id")?) else {
        warnings.push(Warning::new(
            at,
            "links a region that is not a span here; skipped",
        ));
        return Ok(());
    };
    let kinds = match ro.get("labels") {
        Some(l) => strings(l, &format!("{at}.labels"))?,
        None => Vec::new(),
    };
    let kinds = if kinds.is_empty() {
        vec!["relation".to_string()]
    } else {
        kinds
    };
    let direction = ro
        .get("direction")
        .and_then(Value::as_str)
        .unwrap_or("right");
    for kind in &kinds {
        for &f in from {
            for &t in to {
                match direction {
                    "left" => b.relation(kind, t, f, at)?,
                    "bi" => {
                        b.relation(kind, f, t, at)?;
                        b.relation(kind, t, f, at)?;
                    }
                    _ => b.relation(kind, f, t, at)?,
                }
            }
        }
    }
    Ok(())
}
