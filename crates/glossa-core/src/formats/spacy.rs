//! spaCy / Prodigy JSONL, one document per line: `{"text", "spans": [{start, end, label}],
//! "tokens": [...], "relations": [...], "meta": {...}}`. Offsets count code points (Python
//! string indices); Prodigy's `token_end` is inclusive.
//!
//! Export writes tokens (Unicode word boundaries, white space left out) so Prodigy's
//! relation view can show the file, `token_start`/`token_end` for spans that sit on token
//! boundaries, and Prodigy relations (`head`/`child` are the last token of each span, as
//! Prodigy writes them, with `head_span`/`child_span`). Notes and attributes have no place and
//! are reported. Import also takes spaCy's `ents`.

use super::common::{
    arr, doc_at, id_text, jsonl_lines, kind, obj, offset_field, stem, str_field, string, tokens,
    Builder,
};
use super::doccano::dropped_extras;
use super::{FormatError, Imported, Warning};
use crate::document::{Document, SpanId};
use crate::offsets::Unit;
use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::HashMap;

/// One token as Prodigy writes it.
#[derive(Serialize)]
struct TokenOut<'a> {
    text: &'a str,
    start: usize,
    end: usize,
    id: usize,
    ws: bool,
}

/// A span as Prodigy writes it (in a relation, without its text).
#[derive(Serialize, Clone, Copy)]
struct SpanOut<'a> {
    start: usize,
    end: usize,
    label: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    text: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    token_start: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    token_end: Option<usize>,
}

#[derive(Serialize)]
struct RelationOut<'a> {
    head: usize,
    child: usize,
    head_span: SpanOut<'a>,
    child_span: SpanOut<'a>,
    label: &'a str,
}

#[derive(Serialize)]
struct Meta<'a> {
    title: &'a str,
    id: &'a str,
}

/// One document's line. Written from these records, not built as `serde_json::Value`s: a
/// book's 200,000 tokens as maps took most of the export's time in allocation.
#[derive(Serialize)]
struct LineOut<'a> {
    text: &'a str,
    meta: Meta<'a>,
    tokens: Vec<TokenOut<'a>>,
    spans: Vec<SpanOut<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    relations: Vec<RelationOut<'a>>,
}

/// Writes one line per document.
pub fn export(docs: &[Document]) -> Result<(String, Vec<Warning>), FormatError> {
    let mut warnings = Vec::new();
    let mut out = String::new();
    for doc in docs {
        dropped_extras(doc, "spaCy/Prodigy", &mut warnings);
        let ix = doc.index();
        let cp = |b: usize| {
            ix.convert(b, Unit::Utf8, Unit::CodePoint)
                .map_err(|e| FormatError::invalid(doc_at(doc), e.to_string()))
        };
        // The file's own tokens when the document came from one, so indices match it.
        let toks = match doc.tokens() {
            file_tokens if !file_tokens.is_empty() => file_tokens,
            _ => tokens(&doc.text),
        };
        let mut token_out = Vec::with_capacity(toks.len());
        for (i, &(s, e)) in toks.iter().enumerate() {
            token_out.push(TokenOut {
                text: &doc.text[s..e],
                start: cp(s)?,
                end: cp(e)?,
                id: i,
                ws: doc.text[e..].starts_with(char::is_whitespace),
            });
        }
        // Token indices of a span: exact when it sits on token boundaries, and the last token
        // it touches for relations.
        // Tokens come in text order and never overlap, so starts and ends both rise: found by
        // halving, not by a scan per span (which took seconds on a book).
        let on_tokens = |s: usize, e: usize| {
            let first = toks.binary_search_by_key(&s, |t| t.0).ok()?;
            let last = toks.binary_search_by_key(&e, |t| t.1).ok()?;
            (first <= last).then_some((first, last))
        };
        let last_token = |e: usize| toks.partition_point(|t| t.0 < e).saturating_sub(1);
        let mut spans = Vec::with_capacity(doc.spans().len());
        let mut by_id: HashMap<SpanId, SpanOut> = HashMap::new();
        for s in doc.spans() {
            let on = on_tokens(s.start, s.end);
            let span = SpanOut {
                start: cp(s.start)?,
                end: cp(s.end)?,
                label: &s.label,
                text: Some(doc.quote(s)),
                token_start: on.map(|(first, _)| first),
                token_end: on.map(|(_, last)| last),
            };
            by_id.insert(s.id, SpanOut { text: None, ..span });
            spans.push(span);
        }
        let mut relations = Vec::new();
        for r in doc.relations() {
            let (Some(head), Some(child)) = (doc.span(r.from), doc.span(r.to)) else {
                continue;
            };
            relations.push(RelationOut {
                head: last_token(head.end),
                child: last_token(child.end),
                head_span: by_id[&r.from],
                child_span: by_id[&r.to],
                label: &r.kind,
            });
        }
        let line = LineOut {
            text: &doc.text,
            meta: Meta {
                title: &doc.title,
                id: &doc.id,
            },
            tokens: token_out,
            spans,
            relations,
        };
        out.push_str(&serde_json::to_string(&line).expect("a line always serialises"));
        out.push('\n');
    }
    Ok((out, warnings))
}

/// A file's tokens (`start`/`end` in code points) as byte ranges of the document's text.
fn file_tokens(
    doc: &Document,
    list: &[Value],
    at: &str,
) -> Result<Vec<(usize, usize)>, FormatError> {
    let ix = doc.index();
    list.iter()
        .enumerate()
        .map(|(i, t)| {
            let t_at = format!("{at}[{i}]");
            let to = obj(t, &t_at)?;
            let range = (
                offset_field(to, "start", &t_at)?,
                offset_field(to, "end", &t_at)?,
            );
            ix.convert_range(range, Unit::CodePoint, Unit::Utf8)
                .map_err(|e| FormatError::invalid(t_at, e.to_string()))
        })
        .collect()
}

/// Reads JSONL; blank lines are skipped. Errors name the line.
pub fn import(jsonl: &str, name: &str, now_ms: i64) -> Result<Imported, FormatError> {
    let mut warnings = Vec::new();
    let mut documents = Vec::new();
    for line in jsonl_lines(jsonl) {
        let (n, at, v) = line?;
        let o = obj(&v, &at)?;
        let path = |p: &str| format!("line {n} $.{p}");
        let text = str_field(o, "text", &at)?;
        let meta = o.get("meta").and_then(Value::as_object);
        let meta_str = |k: &str| meta.and_then(|m| m.get(k)).and_then(id_text);
        let title = meta_str("title").unwrap_or_else(|| format!("{} {n}", stem(name)));
        let id = meta_str("id").unwrap_or_else(|| format!("{}-{n}", stem(name)));
        if let Some(answer) = o.get("answer").and_then(Value::as_str) {
            if answer != "accept" {
                warnings.push(Warning::new(
                    at.as_str(),
                    format!("was answered {answer:?} in Prodigy; imported all the same"),
                ));
            }
        }
        let mut b = Builder::new(&id, &title, text, now_ms);
        // Spans by code point range and label, and by last token, for relations.
        let mut by_range: HashMap<(usize, usize, String), SpanId> = HashMap::new();
        let mut by_token: HashMap<usize, SpanId> = HashMap::new();
        for key in ["spans", "ents"] {
            let Some(list) = o.get(key) else { continue };
            for (j, s) in arr(list, &path(key))?.iter().enumerate() {
                let at = path(&format!("{key}[{j}]"));
                let so = obj(s, &at)?;
                let start = offset_field(so, "start", &at)?;
                let end = offset_field(so, "end", &at)?;
                let label = str_field(so, "label", &at)?;
                let quote = match so.get("text") {
                    Some(t) => Some(string(t, &format!("{at}.text"))?),
                    None => None,
                };
                if let Some(id) = b.span(
                    label,
                    start,
                    end,
                    Unit::CodePoint,
                    quote,
                    &at,
                    &mut warnings,
                )? {
                    by_range.insert((start, end, label.to_string()), id);
                    if let Some(t) = so.get("token_end").and_then(Value::as_u64) {
                        by_token.insert(t as usize, id);
                    }
                }
            }
        }
        if let Some(list) = o.get("relations") {
            for (j, r) in arr(list, &path("relations"))?.iter().enumerate() {
                let at = path(&format!("relations[{j}]"));
                let ro = obj(r, &at)?;
                let kind = str_field(ro, "label", &at)?;
                let end = |span_key: &str,
                           token_key: &str|
                 -> Result<Option<SpanId>, FormatError> {
                    if let Some(s) = ro.get(span_key) {
                        let s_at = format!("{at}.{span_key}");
                        let so: &Map<String, Value> = obj(s, &s_at)?;
                        let key = (
                            offset_field(so, "start", &s_at)?,
                            offset_field(so, "end", &s_at)?,
                            str_field(so, "label", &s_at)?.to_string(),
                        );
                        return Ok(by_range.get(&key).copied());
                    }
                    match ro.get(token_key) {
                        Some(t) => Ok(t
                            .as_u64()
                            .and_then(|t| by_token.get(&(t as usize)).copied())),
                        None => Err(FormatError::invalid(
                            at.as_str(),
                            format!("missing required field \"{span_key}\" (or \"{token_key}\")"),
                        )),
                    }
                };
                match (end("head_span", "head")?, end("child_span", "child")?) {
                    (Some(h), Some(c)) => b.relation(kind, h, c, &at)?,
                    _ => warnings.push(Warning::new(
                        at,
                        "links a span that is not in \"spans\"; skipped",
                    )),
                }
            }
        }
        if let Some(cats) = o.get("cats").or_else(|| o.get("accept")) {
            if !matches!(cats, Value::Null) {
                warnings.push(Warning::new(
                    at.as_str(),
                    format!("text categories ({}) are not spans; skipped", kind(cats)),
                ));
            }
        }
        let mut doc = b.finish();
        // Tokens serve the export only: ones that do not fit are said, not fatal.
        if let Some(list) = o.get("tokens") {
            let at = path("tokens");
            match arr(list, &at).and_then(|l| file_tokens(&doc, l, &at)) {
                Ok(tokens) if doc.set_tokens(&tokens) => {}
                Ok(_) => warnings.push(Warning::new(
                    at,
                    "the tokens are not in text order, or overlap; an export makes its own",
                )),
                Err(e) => warnings.push(Warning::new(
                    at,
                    format!("{e}; an export makes its own tokens"),
                )),
            }
        }
        documents.push(doc);
    }
    Ok(Imported {
        documents,
        warnings,
    })
}
