//! CoNLL 2003 with IOB2 tags: one token per line, the tag in the last column, a blank line
//! between sentences and `-DOCSTART- -X- -X- O` before each document.
//!
//! Export writes CoNLL 2003's four columns (`token POS chunk NE`, with `_` for the two it does
//! not know). Tokens are the Unicode word-boundary pieces of the text that are not white space
//! (a ZWJ family or a flag stays one token) and each line of the text is a sentence (a span
//! across lines keeps its lines in one sentence). One tag
//! per token means nested spans are flattened: [`Nesting`] says whether the outermost or the
//! innermost survive; overlapping spans, spans widened to whole tokens, relations, notes and
//! attributes are reported.
//!
//! Import reads IOB2, IOB1, BIOES/BILOU and bare IO tags, with any number of columns. The text
//! is rebuilt with one space between tokens and a line break between sentences (CoNLL keeps no
//! spacing).

use super::common::{doc_at, quoted, short_quote, span_at, stem, tokens, Builder};
use super::doccano::dropped_extras;
use super::{FormatError, Imported, Nesting, Warning};
use crate::document::{Document, Span};
use crate::offsets::Unit;
use crate::words::count;

/// The header line before each document.
pub const DOCSTART: &str = "-DOCSTART- -X- -X- O";

/// True for a tag in one of the schemes import reads: `O`, or `B-`, `I-`, `E-`, `S-`, `L-`,
/// `U-` and a label.
pub fn is_tag(s: &str) -> bool {
    s == "O" || (s.len() > 2 && matches!(s.get(..2), Some("B-" | "I-" | "E-" | "S-" | "L-" | "U-")))
}

/// The spans that survive flattening, in text order, none overlapping another.
fn flatten<'d>(doc: &'d Document, nesting: Nesting, warnings: &mut Vec<Warning>) -> Vec<&'d Span> {
    let contains = |a: &Span, b: &Span| a.start <= b.start && b.end <= a.end && a.id != b.id;
    // Spans come by start, outer before inner: a span's containers come before it and what it
    // contains after it, so neither needs a scan of every span (which took seconds on a book).
    let spans = doc.spans();
    // The furthest end of the spans up to each one, rising along the list: the first span
    // that reaches a span's end starts no later, so it is its first container (unless it has
    // the very same range), found by binary search rather than a scan of all before it.
    let reach: Vec<usize> = spans
        .iter()
        .scan(0, |furthest, s| {
            *furthest = s.end.max(*furthest);
            Some(*furthest)
        })
        .collect();
    let mut kept: Vec<&Span> = Vec::new();
    for (i, s) in spans.iter().enumerate() {
        let other_range = |o: &&Span| (o.start, o.end) != (s.start, s.end);
        let dropped_by = match nesting {
            Nesting::Outermost => {
                let first = reach[..i].partition_point(|&end| end < s.end);
                spans[first..i]
                    .iter()
                    .find(|o| contains(o, s) && other_range(o))
            }
            Nesting::Innermost => spans[i + 1..]
                .iter()
                .take_while(|o| o.start < s.end)
                .find(|o| contains(s, o) && other_range(o)),
        };
        if let Some(o) = dropped_by {
            let how = match nesting {
                Nesting::Outermost => "inside",
                Nesting::Innermost => "around",
            };
            warnings.push(Warning::new(
                span_at(doc, s),
                format!(
                    "dropped: nested {how} {} {} (CoNLL has one tag per token)",
                    o.label,
                    quoted(&short_quote(doc, o))
                ),
            ));
            continue;
        }
        // Kept spans never overlap and come by start, so their ends rise: only those after
        // the first that ends past this start can overlap it.
        let first_past = kept.partition_point(|k| k.end <= s.start);
        if let Some(o) = kept[first_past..]
            .iter()
            .find(|k| k.start < s.end && s.start < k.end)
        {
            warnings.push(Warning::new(
                span_at(doc, s),
                format!(
                    "dropped: overlaps {} {} (CoNLL has one tag per token)",
                    o.label,
                    quoted(&short_quote(doc, o))
                ),
            ));
            continue;
        }
        kept.push(s);
    }
    kept.sort_by_key(|s| s.start);
    kept
}

/// Writes every document, each after a `-DOCSTART-` line.
pub fn export(docs: &[Document], nesting: Nesting) -> Result<(String, Vec<Warning>), FormatError> {
    let mut warnings = Vec::new();
    let mut out = String::new();
    for doc in docs {
        dropped_extras(doc, "CoNLL", &mut warnings);
        if !doc.relations().is_empty() {
            warnings.push(Warning::new(
                doc_at(doc),
                format!(
                    "{} dropped: CoNLL has no relations",
                    count(doc.relations().len(), "relation")
                ),
            ));
        }
        let toks = tokens(&doc.text);
        let mut tags: Vec<Option<String>> = vec![None; toks.len()];
        for s in flatten(doc, nesting, &mut warnings) {
            let label: String = s
                .label
                .chars()
                .map(|c| if c.is_whitespace() { '_' } else { c })
                .collect();
            if label != s.label {
                warnings.push(Warning::new(
                    span_at(doc, s),
                    format!("label written as {label:?}: a tag cannot hold spaces"),
                ));
            }
            // The tokens it touches, a run found by halving (tokens rise and never overlap).
            let covered: Vec<usize> = (toks.partition_point(|t| t.1 <= s.start)
                ..toks.partition_point(|t| t.0 < s.end))
                .collect();
            let (Some(&first), Some(&last)) = (covered.first(), covered.last()) else {
                warnings.push(Warning::new(span_at(doc, s), "dropped: covers no token"));
                continue;
            };
            if covered.iter().any(|&i| tags[i].is_some()) {
                warnings.push(Warning::new(
                    span_at(doc, s),
                    "dropped: shares a token with another span",
                ));
                continue;
            }
            if toks[first].0 != s.start || toks[last].1 != s.end {
                warnings.push(Warning::new(span_at(doc, s), "widened to whole tokens"));
            }
            for (k, &i) in covered.iter().enumerate() {
                tags[i] = Some(format!("{}-{label}", if k == 0 { "B" } else { "I" }));
            }
        }
        out += DOCSTART;
        out += "\n\n";
        let mut prev_end = 0;
        for (i, &(s, e)) in toks.iter().enumerate() {
            // A line break between two tokens ends the sentence, unless a span goes on across
            // it (a blank line would end the span).
            let inside = tags[i].as_deref().is_some_and(|t| t.starts_with("I-"));
            if i > 0 && !inside && doc.text[prev_end..s].contains('\n') {
                out.push('\n');
            }
            let tag = tags[i].as_deref().unwrap_or("O");
            out += &format!("{} _ _ {tag}\n", &doc.text[s..e]);
            prev_end = e;
        }
        if !toks.is_empty() {
            out.push('\n');
        }
    }
    Ok((out, warnings))
}

/// A span being read: its label, byte start and the line it began on.
type Open = Option<(String, usize, usize)>;
/// Spans read: label, byte start, byte end, line.
type Spans = Vec<(String, usize, usize, usize)>;

fn close(open: &mut Open, spans: &mut Spans, end: usize) {
    if let Some((label, s, line)) = open.take() {
        spans.push((label, s, end, line));
    }
}

/// Reads CoNLL. Errors name the line.
pub fn import(conll: &str, name: &str, now_ms: i64) -> Result<Imported, FormatError> {
    let mut warnings = Vec::new();
    let mut documents = Vec::new();
    let mut text = String::new();
    let mut spans: Spans = Vec::new();
    let mut open: Open = None;
    let mut sentence_open = false;
    // End of the token before this one: where a span closed by this line ends.
    let mut prev_end = 0;
    let at = |n: usize| format!("{name} line {n}");

    let finish = |text: &mut String,
                  spans: &mut Spans,
                  warnings: &mut Vec<Warning>,
                  documents: &mut Vec<Document>|
     -> Result<(), FormatError> {
        if text.is_empty() {
            return Ok(());
        }
        let n = documents.len() + 1;
        let title = format!("{} {n}", stem(name));
        let mut b = Builder::new(&format!("{}-{n}", stem(name)), &title, text, now_ms);
        for (label, s, e, line) in spans.drain(..) {
            b.span(&label, s, e, Unit::Utf8, None, &at(line), warnings)?;
        }
        documents.push(b.finish());
        text.clear();
        Ok(())
    };

    for (i, line) in conll.lines().enumerate() {
        let n = i + 1;
        let cols: Vec<&str> = line.split_whitespace().collect();
        if cols.first() == Some(&"-DOCSTART-") {
            close(&mut open, &mut spans, prev_end);
            finish(&mut text, &mut spans, &mut warnings, &mut documents)?;
            sentence_open = false;
            prev_end = 0;
            continue;
        }
        if cols.is_empty() {
            close(&mut open, &mut spans, prev_end);
            sentence_open = false;
            continue;
        }
        let [tok, .., tag] = cols.as_slice() else {
            return Err(FormatError::invalid(
                at(n),
                format!("expected a token and a tag, found only {:?}", cols[0]),
            ));
        };
        let (scheme, label) = match tag.split_once('-') {
            _ if *tag == "O" => ("O", ""),
            Some((p, l)) if matches!(p, "B" | "I" | "E" | "S" | "L" | "U") && !l.is_empty() => {
                (p, l)
            }
            Some((p, "")) => {
                return Err(FormatError::invalid(
                    at(n),
                    format!("the tag {tag:?} has no label after {p}-"),
                ))
            }
            // A bare label: the IO scheme.
            _ => ("I", *tag),
        };
        if !text.is_empty() {
            text.push(if sentence_open { ' ' } else { '\n' });
        }
        sentence_open = true;
        let start = text.len();
        text.push_str(tok);
        let end = text.len();
        let continues = matches!(&open, Some((l, _, _)) if l == label);
        match scheme {
            "O" => close(&mut open, &mut spans, prev_end),
            "I" | "E" | "L" if continues => {}
            _ => {
                close(&mut open, &mut spans, prev_end);
                open = Some((label.to_string(), start, n));
            }
        }
        if matches!(scheme, "E" | "L" | "S" | "U") {
            close(&mut open, &mut spans, end);
        }
        prev_end = end;
    }
    close(&mut open, &mut spans, prev_end);
    finish(&mut text, &mut spans, &mut warnings, &mut documents)?;
    if documents.is_empty() {
        return Err(FormatError::invalid(name, "no tokens"));
    }
    Ok(Imported {
        documents,
        warnings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::SpanId;
    use proptest::prelude::*;

    /// What flattening keeps and says, found the slow way: every span against every other.
    fn flatten_by_scan(doc: &Document, nesting: Nesting) -> (Vec<SpanId>, Vec<String>) {
        let contains = |a: &Span, b: &Span| {
            a.start <= b.start && b.end <= a.end && (a.start, a.end) != (b.start, b.end)
        };
        let spans = doc.spans();
        let mut kept: Vec<&Span> = Vec::new();
        let mut said = Vec::new();
        for (i, s) in spans.iter().enumerate() {
            let dropped_by = match nesting {
                Nesting::Outermost => spans[..i].iter().find(|o| contains(o, s)),
                Nesting::Innermost => spans[i + 1..].iter().find(|o| contains(s, o)),
            };
            if let Some(o) = dropped_by {
                said.push(format!("{} in {}", s.id, o.id));
            } else if let Some(o) = kept.iter().find(|k| k.start < s.end && s.start < k.end) {
                said.push(format!("{} over {}", s.id, o.id));
            } else {
                kept.push(s);
            }
        }
        (kept.iter().map(|s| s.id).collect(), said)
    }

    proptest! {
        #[test]
        fn flattening_drops_what_a_scan_of_every_span_drops(
            raw in prop::collection::vec((0..200usize, 1..200usize, 0..3usize), 0..40),
            inner in any::<bool>(),
        ) {
            let mut doc = Document::new("d", "t", &"word ".repeat(40), 0);
            for (start, len, label) in raw {
                let end = (start + len).min(200);
                if start < end {
                    doc.add_span(["actor", "figure", "claim"][label], start, end, Unit::Utf8).unwrap();
                }
            }
            let nesting = if inner { Nesting::Innermost } else { Nesting::Outermost };
            let mut warnings = Vec::new();
            let kept: Vec<SpanId> = flatten(&doc, nesting, &mut warnings).iter().map(|s| s.id).collect();
            let (want_kept, want_said) = flatten_by_scan(&doc, nesting);
            prop_assert_eq!(kept, want_kept);
            // Each warning names the span it dropped and the one that dropped it, by quote.
            let said: Vec<String> = warnings.iter().map(|w| w.message.clone()).collect();
            let by_id = |id: &str| -> &Span { doc.spans().iter().find(|s| s.id.to_string() == id).unwrap() };
            let want: Vec<String> = want_said
                .iter()
                .map(|w| {
                    let (_, rest) = w.split_once(' ').unwrap();
                    let (how, other) = rest.split_once(' ').unwrap();
                    let o = by_id(other);
                    match how {
                        "in" => format!(
                            "dropped: nested {} {} {} (CoNLL has one tag per token)",
                            if inner { "around" } else { "inside" },
                            o.label,
                            quoted(&short_quote(&doc, o))
                        ),
                        _ => format!("dropped: overlaps {} {} (CoNLL has one tag per token)", o.label, quoted(&short_quote(&doc, o))),
                    }
                })
                .collect();
            // However long the span that dropped another, a message names it in a line.
            prop_assert!(said.iter().all(|m| m.chars().count() < 120), "{:?}", said);
            prop_assert_eq!(said, want);
        }
    }
}
