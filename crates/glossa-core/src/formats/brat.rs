//! brat standoff: each document is a `.txt` (the text, byte for byte) and an `.ann` beside it.
//! Offsets count code points of the text.
//!
//! * `T1<TAB>Label start end<TAB>quote` is a span. A span that crosses a line break is
//!   written as fragments `s1 e1;s2 e2` around the break, as brat itself writes one, with the
//!   fragments' text joined by a space as the quote.
//! * `R1<TAB>Type Arg1:T1 Arg2:T2` is a relation, `A1<TAB>Name T1 Value` an attribute (a
//!   value of `true` is written as brat's binary form `A1<TAB>Name T1`),
//!   `#1<TAB>AnnotatorNotes T1<TAB>note` a note.
//!
//! Import, beyond those: a discontinuous span whose gaps are only white space (what brat writes
//! for a span across lines) becomes one span from its first start to its last end, exactly
//! what was tagged; other gaps make one span per fragment, with a warning. An event
//! `E1<TAB>Type:T5 Role:T2 Role2:E2` becomes relations named by role from its trigger span to
//! each argument (an event argument stands for its trigger); `*<TAB>Alias T3 T4 T5` becomes a
//! chain of relations T3→T4→T5; attributes and notes on events go to the trigger span; notes
//! and attributes on relations, and normalisations, have no place and are reported.

use super::common::{doc_at, one_line, quoted, span_at, stem, utf8, Builder};
use super::{FormatError, Imported, InputFile, OutputFile, Warning};
use crate::document::{Document, SpanId};
use crate::offsets::Unit;
use std::collections::{BTreeMap, HashMap};

/// brat's type and attribute names are single tokens: white space becomes `_`.
fn token(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_whitespace() { '_' } else { c })
        .collect()
}

/// Writes one document's `.ann`.
pub fn ann(doc: &Document, warnings: &mut Vec<Warning>) -> Result<String, FormatError> {
    let ix = doc.index();
    let cp = |b: usize| {
        ix.convert(b, Unit::Utf8, Unit::CodePoint)
            .map_err(|e| FormatError::invalid(doc_at(doc), e.to_string()))
    };
    let mut out = String::new();
    let mut t_ids: HashMap<SpanId, usize> = HashMap::new();
    let (mut a, mut notes) = (0, 0);
    let renamed = |what: &str, from: &str, warnings: &mut Vec<Warning>| {
        let to = token(from);
        if to != from {
            warnings.push(Warning::new(
                doc_at(doc),
                format!("{what} {from:?} written as {to:?}: brat names cannot hold spaces"),
            ));
        }
        to
    };
    for span in doc.spans() {
        // Fragments: the runs of the span between line breaks.
        let mut frags = Vec::new();
        let mut start = None;
        for (i, c) in doc.text[span.start..span.end].char_indices() {
            let at = span.start + i;
            if c == '\n' || c == '\r' {
                if let Some(s) = start.take() {
                    frags.push((s, at));
                }
            } else if start.is_none() {
                start = Some(at);
            }
        }
        if let Some(s) = start {
            frags.push((s, span.end));
        }
        if frags.is_empty() {
            warnings.push(Warning::new(
                span_at(doc, span),
                "covers only line breaks, which brat cannot show; dropped",
            ));
            continue;
        }
        let t = t_ids.len() + 1;
        t_ids.insert(span.id, t);
        let offsets = frags
            .iter()
            .map(|&(s, e)| Ok(format!("{} {}", cp(s)?, cp(e)?)))
            .collect::<Result<Vec<_>, FormatError>>()?
            .join(";");
        let quote = frags
            .iter()
            .map(|&(s, e)| &doc.text[s..e])
            .collect::<Vec<_>>()
            .join(" ");
        let label = renamed("label", &span.label, warnings);
        out += &format!("T{t}\t{label} {offsets}\t{quote}\n");
        for (k, v) in &span.attributes {
            a += 1;
            let k = renamed("attribute", k, warnings);
            if v == "true" {
                out += &format!("A{a}\t{k} T{t}\n");
            } else {
                let v = renamed("attribute value", v, warnings);
                out += &format!("A{a}\t{k} T{t} {v}\n");
            }
        }
        if let Some(note) = &span.note {
            notes += 1;
            let flat = one_line(note);
            if &flat != note {
                warnings.push(Warning::new(
                    span_at(doc, span),
                    "the note's line breaks became spaces (a brat note is one line)",
                ));
            }
            out += &format!("#{notes}\tAnnotatorNotes T{t}\t{flat}\n");
        }
    }
    for (r, rel) in doc.relations().iter().enumerate() {
        let (Some(f), Some(t)) = (t_ids.get(&rel.from), t_ids.get(&rel.to)) else {
            warnings.push(Warning::new(
                doc_at(doc),
                format!("relation {} links a dropped span; dropped", rel.kind),
            ));
            continue;
        };
        let kind = renamed("relation type", &rel.kind, warnings);
        out += &format!("R{}\t{kind} Arg1:T{f} Arg2:T{t}\t\n", r + 1);
    }
    Ok(out)
}

/// Writes each document as `NAME.txt` and `NAME.ann`, names made from titles and unique.
pub fn export(docs: &[Document]) -> Result<(Vec<OutputFile>, Vec<Warning>), FormatError> {
    let mut warnings = Vec::new();
    let mut files = Vec::new();
    let mut used: HashMap<String, usize> = HashMap::new();
    for doc in docs {
        let base = super::glossa::file_name(&doc.title, "brat", "ann");
        let base = base.trim_end_matches(".brat.ann").to_string();
        let n = used.entry(base.clone()).or_insert(0);
        *n += 1;
        let name = if *n == 1 { base } else { format!("{base}-{n}") };
        let ann = ann(doc, &mut warnings)?;
        files.push(OutputFile {
            name: format!("{name}.txt"),
            contents: doc.text.clone(),
        });
        files.push(OutputFile {
            name: format!("{name}.ann"),
            contents: ann,
        });
    }
    Ok((files, warnings))
}

/// Reads every `.ann` among `files` with the `.txt` of the same name.
pub fn import_files(files: &[InputFile], now_ms: i64) -> Result<Imported, FormatError> {
    let mut out = Imported {
        documents: Vec::new(),
        warnings: Vec::new(),
    };
    for f in files.iter().filter(|f| f.name.ends_with(".ann")) {
        let base = &f.name[..f.name.len() - 4];
        let txt = files
            .iter()
            .find(|t| t.name == format!("{base}.txt"))
            .ok_or_else(|| FormatError::invalid(f.name, format!("needs {base}.txt beside it")))?;
        let one = import(
            utf8(txt.name, txt.contents)?,
            utf8(f.name, f.contents)?,
            f.name,
            now_ms,
        )?;
        out.documents.extend(one.documents);
        out.warnings.extend(one.warnings);
    }
    if out.documents.is_empty() {
        return Err(FormatError::invalid(
            "",
            "no .ann file among the files given",
        ));
    }
    Ok(out)
}

/// A text-bound annotation as read.
struct TextBound {
    spans: Vec<SpanId>,
}

/// Reads one document: `text` is the `.txt`, `ann` the `.ann` named `name`.
pub fn import(text: &str, ann: &str, name: &str, now_ms: i64) -> Result<Imported, FormatError> {
    let title = stem(name);
    let mut b = Builder::new(title, title, text, now_ms);
    let mut warnings = Vec::new();
    let mut tb: BTreeMap<String, TextBound> = BTreeMap::new();
    let mut later = Vec::new();
    let at = |n: usize| format!("{name} line {n}");

    // Text-bound annotations first: everything else points at them.
    for (i, line) in ann.lines().enumerate() {
        let n = i + 1;
        if line.trim().is_empty() {
            continue;
        }
        let (id, rest) = line.split_once('\t').ok_or_else(|| {
            FormatError::invalid(at(n), "expected an id, a tab and the annotation")
        })?;
        if !id.starts_with('T') {
            later.push((n, id, rest));
            continue;
        }
        let (head, quote) = match rest.split_once('\t') {
            Some((h, q)) => (h, Some(q)),
            None => (rest, None),
        };
        let (label, offsets) = head
            .split_once(' ')
            .ok_or_else(|| FormatError::invalid(at(n), "expected \"Label start end\""))?;
        let mut frags = Vec::new();
        for frag in offsets.split(';') {
            let mut parts = frag.split_whitespace();
            let (Some(s), Some(e), None) = (parts.next(), parts.next(), parts.next()) else {
                return Err(FormatError::invalid(
                    at(n),
                    format!("expected \"start end\" offsets, found {frag:?}"),
                ));
            };
            let num = |v: &str| {
                v.parse::<usize>().map_err(|_| {
                    FormatError::invalid(at(n), format!("offset {v:?} is not a whole number"))
                })
            };
            frags.push((num(s)?, num(e)?));
        }
        // The quote check, on brat's own terms: fragment texts joined by a space.
        let ix = b.index();
        let mut pieces = Vec::new();
        for &(s, e) in &frags {
            let (bs, be) = ix
                .convert_range((s, e), Unit::CodePoint, Unit::Utf8)
                .map_err(|err| FormatError::invalid(at(n), err.to_string()))?;
            if bs > be {
                return Err(FormatError::invalid(
                    at(n),
                    format!("the fragment {s} {e} ends before it starts"),
                ));
            }
            pieces.push((bs, be));
        }
        let joined = pieces
            .iter()
            .map(|&(s, e)| &text[s..e])
            .collect::<Vec<_>>()
            .join(" ");
        if let Some(q) = quote {
            // White space may differ: a quote column cannot hold a line break, and converters
            // write the one inside a span as a space (the offsets say where the span is).
            let words = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
            if q != joined && words(q) != words(&joined) {
                return Err(FormatError::invalid(
                    at(n),
                    format!(
                        "the quote is {} but the text at {offsets} is {}",
                        quoted(q),
                        quoted(&joined)
                    ),
                ));
            }
        }
        let gaps_blank = pieces
            .windows(2)
            .all(|w| w[0].1 <= w[1].0 && text[w[0].1..w[1].0].chars().all(char::is_whitespace));
        let ranges: Vec<(usize, usize)> = if gaps_blank {
            vec![(frags[0].0, frags[frags.len() - 1].1)]
        } else {
            warnings.push(Warning::new(
                at(n),
                format!(
                    "{id} has {} separate fragments; imported as one span each",
                    frags.len()
                ),
            ));
            frags.clone()
        };
        let mut spans = Vec::new();
        for (s, e) in ranges {
            if let Some(span) = b.span(label, s, e, Unit::CodePoint, None, &at(n), &mut warnings)? {
                spans.push(span);
            }
        }
        tb.insert(id.to_string(), TextBound { spans });
    }

    // Events stand for their trigger.
    let mut triggers: HashMap<&str, &str> = HashMap::new();
    for &(n, id, rest) in &later {
        if id.starts_with('E') {
            let first = rest.split_whitespace().next().unwrap_or("");
            let (_, trigger) = first.split_once(':').ok_or_else(|| {
                FormatError::invalid(at(n), "expected \"Type:Trigger Role:Arg ...\"")
            })?;
            triggers.insert(id, trigger);
        }
    }
    let spans_of = |target: &str, n: usize| -> Result<Vec<SpanId>, FormatError> {
        let mut t = target;
        for _ in 0..=triggers.len() {
            match triggers.get(t) {
                Some(trigger) => t = trigger,
                None => break,
            }
        }
        tb.get(t).map(|x| x.spans.clone()).ok_or_else(|| {
            FormatError::invalid(
                at(n),
                format!("{target} is not a text annotation in this file"),
            )
        })
    };
    let mut notes: HashMap<SpanId, Vec<String>> = HashMap::new();
    for &(n, id, rest) in &later {
        let first = id.chars().next().unwrap_or(' ');
        let mut words = rest.split_whitespace();
        match first {
            'R' => {
                let kind = words.next().unwrap_or("");
                let mut args = words.filter_map(|w| w.split_once(':')).map(|(_, a)| a);
                let (Some(a1), Some(a2)) = (args.next(), args.next()) else {
                    return Err(FormatError::invalid(
                        at(n),
                        "expected \"Type Arg1:T1 Arg2:T2\"",
                    ));
                };
                for f in spans_of(a1, n)? {
                    for t in spans_of(a2, n)? {
                        b.relation(kind, f, t, &at(n))?;
                    }
                }
            }
            'E' => {
                warnings.push(Warning::new(
                    at(n),
                    "an event became relations from its trigger to each argument, named by \
                     their roles (Glossa has no events)",
                ));
                let trigger = words.next().and_then(|w| w.split_once(':')).map(|(_, t)| t);
                let from = spans_of(trigger.unwrap_or(""), n)?;
                for arg in words {
                    let (role, target) = arg.split_once(':').ok_or_else(|| {
                        FormatError::invalid(at(n), format!("expected \"Role:Arg\", found {arg:?}"))
                    })?;
                    for &f in &from {
                        for t in spans_of(target, n)? {
                            b.relation(role, f, t, &at(n))?;
                        }
                    }
                }
            }
            '*' => {
                let kind = words.next().unwrap_or("");
                let members: Vec<&str> = words.collect();
                warnings.push(Warning::new(
                    at(n),
                    format!(
                        "an equivalence of {} spans became {} {kind} relations, each to the next \
                         (Glossa has no equivalences)",
                        members.len(),
                        members.len().saturating_sub(1)
                    ),
                ));
                for pair in members.windows(2) {
                    for f in spans_of(pair[0], n)? {
                        for t in spans_of(pair[1], n)? {
                            b.relation(kind, f, t, &at(n))?;
                        }
                    }
                }
            }
            'A' | 'M' => {
                let (Some(key), Some(target)) = (words.next(), words.next()) else {
                    return Err(FormatError::invalid(
                        at(n),
                        "expected \"Name Target [Value]\"",
                    ));
                };
                let value = words.next().unwrap_or("true");
                if target.starts_with('R') {
                    warnings.push(Warning::new(
                        at(n),
                        "an attribute of a relation has no place in Glossa; skipped",
                    ));
                    continue;
                }
                if target.starts_with('E') {
                    warnings.push(Warning::new(
                        at(n),
                        "an attribute of an event went on its trigger's span",
                    ));
                }
                for s in spans_of(target, n)? {
                    b.doc
                        .set_attribute(s, key, Some(value))
                        .expect("span exists");
                }
            }
            '#' => {
                let (head, note) = rest.split_once('\t').unwrap_or((rest, ""));
                let target = head.split_whitespace().nth(1).ok_or_else(|| {
                    FormatError::invalid(at(n), "expected \"AnnotatorNotes Target<TAB>note\"")
                })?;
                if target.starts_with('R') || target.starts_with('*') {
                    warnings.push(Warning::new(
                        at(n),
                        "a note on a relation has no place in Glossa; skipped",
                    ));
                    continue;
                }
                if target.starts_with('E') {
                    warnings.push(Warning::new(
                        at(n),
                        "a note on an event went on its trigger's span",
                    ));
                }
                for s in spans_of(target, n)? {
                    notes.entry(s).or_default().push(note.to_string());
                }
            }
            'N' => warnings.push(Warning::new(
                at(n),
                "a normalisation (link to a database) has no place in Glossa; skipped",
            )),
            _ => {
                return Err(FormatError::invalid(
                    at(n),
                    format!("{id:?} is not a brat annotation id (T, R, E, A, M, N, # or *)"),
                ))
            }
        }
    }
    for (s, list) in notes {
        b.doc
            .set_note(s, Some(&list.join("\n")))
            .expect("span exists");
    }
    Ok(Imported {
        documents: vec![b.finish()],
        warnings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_quote_may_write_a_line_break_inside_its_span_as_a_space() {
        let text = "Kyiv said\r\nCafe\u{301} was shut.";
        // Code points 5..16: "said\r\nCafé" (the é is two code points).
        let ann = "T1\tclaim 5 16\tsaid Cafe\u{301}\n";
        let got = import(text, ann, "u", 0).unwrap();
        let d = &got.documents[0];
        assert_eq!(d.quote(&d.spans()[0]), "said\r\nCafe\u{301}");
        // Other words are still refused, quoted as they read.
        let err = import(text, "T1\tclaim 5 16\tsays Cafe\u{301}\n", "u", 0).unwrap_err();
        assert!(
            err.to_string().ends_with(
                "the quote is “says Cafe\u{301}” but the text at 5 16 is “said↵Cafe\u{301}”"
            ),
            "{err}"
        );
    }

    #[test]
    fn events_equivalences_and_what_is_on_them_are_said_as_they_change() {
        let text = "Hamas freed 100 captives, the group said.";
        let ann = "T1\tactor 0 5\tHamas\nT2\tEvent 6 11\tfreed\nT3\tfigure 12 24\t100 captives\n\
                   T4\tactor 26 35\tthe group\nE1\tEvent:T2 Agent:T1 Theme:T3\n\
                   A1\tConfidence E1 High\n#1\tAnnotatorNotes E1\tcheck\n*\tAlias T1 T4\n";
        let got = import(text, ann, "u", 0).unwrap();
        let said: Vec<&str> = got.warnings.iter().map(|w| w.message.as_str()).collect();
        assert_eq!(said.len(), 4, "{said:?}");
        assert!(said[0].starts_with("an event became relations"));
        assert!(said[1].starts_with("an attribute of an event went on its trigger"));
        assert!(said[2].starts_with("a note on an event went on its trigger"));
        assert!(said[3].starts_with("an equivalence of 2 spans became 1 Alias relations"));
        assert_eq!(got.documents[0].relations().len(), 3);
    }
}
