//! Glossa → X → Glossa keeps every span, and whatever X can hold, on the torture text.

mod formats_support;

use formats_support::*;
use glossa_core::formats::{Format, Nesting};
use glossa_core::Document;

fn second() -> Document {
    let mut d = Document::new("two", "Second", "Plain 😀 text\nwith two lines", 5);
    d.add_span("actor", 6, 10, glossa_core::Unit::Utf8).unwrap();
    d
}

#[test]
fn glossa_keeps_everything() {
    let doc = torture();
    let (out, back) = round_trip(
        Format::Glossa,
        std::slice::from_ref(&doc),
        Nesting::Outermost,
    );
    assert!(out.warnings.is_empty());
    let got = &back.documents[0];
    assert_eq!(spans_full(got), spans_full(&doc));
    assert_eq!(relations(got), relations(&doc));
    assert_eq!(got.labels, doc.labels);
    assert_eq!(
        (
            &got.id,
            &got.title,
            &got.text,
            got.created_ms,
            got.modified_ms
        ),
        (
            &doc.id,
            &doc.title,
            &doc.text,
            doc.created_ms,
            doc.modified_ms
        )
    );
}

#[test]
fn w3c_and_label_studio_keep_spans_notes_attributes_and_relations() {
    let docs = [torture(), second()];
    for format in [Format::W3c, Format::LabelStudio] {
        let (out, back) = round_trip(format, &docs, Nesting::Outermost);
        assert!(out.warnings.is_empty(), "{format}: {:?}", out.warnings);
        assert_eq!(back.documents.len(), 2, "{format}");
        for (got, doc) in back.documents.iter().zip(&docs) {
            assert_eq!(got.text, doc.text, "{format}");
            assert_eq!(got.title, doc.title, "{format}");
            assert_eq!(got.id, doc.id, "{format}");
            assert_eq!(spans_full(got), spans_full(doc), "{format}");
            assert_eq!(relations(got), relations(doc), "{format}");
        }
    }
}

#[test]
fn doccano_and_spacy_keep_spans_and_relations_and_report_notes_and_attributes() {
    let doc = torture();
    for format in [Format::Doccano, Format::Spacy] {
        let (out, back) = round_trip(format, &[doc.clone(), second()], Nesting::Outermost);
        let got = &back.documents[0];
        assert_eq!(got.text, doc.text, "{format}");
        assert_eq!(got.title, doc.title, "{format}");
        assert_eq!(spans(got), spans(&doc), "{format}");
        assert_eq!(relations(got), relations(&doc), "{format}");
        let said: Vec<_> = out.warnings.iter().map(|w| w.message.clone()).collect();
        assert!(
            said.iter().any(|m| m.starts_with("2 notes dropped")),
            "{format}: {said:?}"
        );
        assert!(
            said.iter().any(|m| m.starts_with("2 verdicts dropped")),
            "{format}: {said:?}"
        );
        assert!(
            said.iter().any(|m| m.starts_with("1 attribute dropped")),
            "{format}: {said:?}"
        );
        assert_eq!(spans(&back.documents[1]), spans(&second()), "{format}");
    }
}

#[test]
fn brat_keeps_spans_across_line_breaks_notes_attributes_and_relations() {
    let doc = torture();
    let (out, back) = round_trip(Format::Brat, std::slice::from_ref(&doc), Nesting::Outermost);
    let got = &back.documents[0];
    assert_eq!(got.text, doc.text);
    assert_eq!(spans(got), spans(&doc));
    assert_eq!(relations(got), relations(&doc));
    // A brat note is one line: the line break in the claim's note became a space.
    let flat = |d: &Document| -> Vec<_> {
        spans_full(d)
            .into_iter()
            .map(|(k, n, a)| (k, n.map(|n| n.replace('\n', " ")), a))
            .collect()
    };
    assert_eq!(flat(got), flat(&doc));
    assert_eq!(out.warnings.len(), 1, "{:?}", out.warnings);
    // The span across CRLF CRLF was written as two fragments.
    let ann = &out
        .files
        .iter()
        .find(|f| f.name.ends_with(".ann"))
        .unwrap()
        .contents;
    assert!(
        ann.lines()
            .any(|l| l.contains(';') && l.ends_with("العربية Last")),
        "{ann}"
    );
}

#[test]
fn brat_corpora_travel_as_one_zip() {
    let docs = [torture(), second()];
    let out = glossa_core::formats::export(Format::Brat, &docs, &Default::default()).unwrap();
    assert_eq!(out.files.len(), 4);
    let zip = out.zip();
    let back = glossa_core::formats::import(
        Format::Brat,
        &[glossa_core::formats::InputFile {
            name: "corpus.zip",
            contents: &zip,
        }],
        0,
    )
    .unwrap();
    assert_eq!(back.documents.len(), 2);
    for (got, doc) in back.documents.iter().zip(&docs) {
        assert_eq!(got.text, doc.text);
        assert_eq!(spans(got), spans(doc));
    }
    assert_eq!(
        glossa_core::formats::detect("corpus.zip", &zip),
        Ok(Format::Brat)
    );
}

#[test]
fn files_of_unknown_format_are_detected_and_read_together() {
    use glossa_core::formats::{export, import_any, InputFile};
    let docs = [torture(), second()];
    let input = |f: &glossa_core::formats::OutputFile| (f.name.clone(), f.contents.clone());
    // Two Label Studio files picked at once: two imports, one result.
    let one = export(Format::LabelStudio, &docs[..1], &Default::default()).unwrap();
    let two = export(Format::LabelStudio, &docs[1..], &Default::default()).unwrap();
    let files = [
        input(&one.files[0]),
        ("second.json".into(), two.files[0].contents.clone()),
    ];
    let given: Vec<InputFile> = files
        .iter()
        .map(|(name, c)| InputFile {
            name,
            contents: c.as_bytes(),
        })
        .collect();
    let (format, got) = import_any(&given, 0).unwrap();
    assert_eq!(format, Format::LabelStudio);
    assert_eq!(got.documents.len(), 2);
    for (g, d) in got.documents.iter().zip(&docs) {
        assert_eq!((g.text.as_str(), spans(g)), (d.text.as_str(), spans(d)));
    }
    // brat pairs, .txt files among them.
    let brat = export(Format::Brat, &docs, &Default::default()).unwrap();
    let given: Vec<InputFile> = brat
        .files
        .iter()
        .map(glossa_core::formats::OutputFile::as_input)
        .collect();
    let (format, got) = import_any(&given, 0).unwrap();
    assert_eq!((format, got.documents.len()), (Format::Brat, 2));
    // Two formats at once: refused, naming the file.
    let mixed = [
        given[1],
        InputFile {
            name: "second.json",
            contents: files[1].1.as_bytes(),
        },
    ];
    let e = import_any(&mixed, 0).unwrap_err().to_string();
    assert!(
        e.starts_with("second.json: this is Label Studio JSON"),
        "{e}"
    );
    // Only text: nothing to import.
    assert!(import_any(&[given[0]], 0).is_err());
}

#[test]
fn conll_keeps_the_flattened_spans_token_for_token() {
    let doc = torture();
    for nesting in [Nesting::Outermost, Nesting::Innermost] {
        let (out, back) = round_trip(Format::Conll, std::slice::from_ref(&doc), nesting);
        let got = &back.documents[0];
        // CoNLL keeps every character but white space, in order; spacing is rebuilt.
        let words = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
        assert_eq!(words(&got.text), words(&doc.text));
        assert_ne!(got.text, doc.text);
        let contains = |a: &glossa_core::Span, b: &glossa_core::Span| {
            a.start <= b.start && b.end <= a.end && (a.start, a.end) != (b.start, b.end)
        };
        let expect: Vec<_> = doc
            .spans()
            .iter()
            .filter(|s| match nesting {
                Nesting::Outermost => !doc.spans().iter().any(|o| contains(o, s)),
                Nesting::Innermost => !doc.spans().iter().any(|o| contains(s, o)),
            })
            .map(|s| (s.label.clone(), words(doc.quote(s))))
            .collect();
        let mut got_spans: Vec<_> = got
            .spans()
            .iter()
            .map(|s| (s.label.clone(), words(got.quote(s))))
            .collect();
        let mut expect = expect;
        expect.sort();
        got_spans.sort();
        assert_eq!(got_spans, expect, "{nesting:?}");
        let dropped = doc.spans().len() - expect.len();
        let said: Vec<_> = out
            .warnings
            .iter()
            .filter(|w| w.message.starts_with("dropped: nested"))
            .collect();
        assert_eq!(said.len(), dropped, "{nesting:?}: {:?}", out.warnings);
        assert!(out
            .warnings
            .iter()
            .any(|w| w.message == "3 relations dropped: CoNLL has no relations"));
    }
}

#[test]
fn every_format_gives_glossas_labels_their_keys_and_colours_whatever_comes_first() {
    // A claim first, then a label of the user's own, then a figure and an actor: the labels
    // took keys and colours in that order (a claim on key 1, green), so a round trip changed
    // what each key tags.
    let text = "Hamas said 100 captives were freed, the source said.";
    let mut doc = Document::new("keys", "Keys", text, 5);
    let at = |quote: &str| text.find(quote).unwrap();
    for (label, quote) in [
        ("claim", "100 captives were freed"),
        ("source", "the source"),
        ("figure", "100 captives"),
        ("actor", "Hamas"),
    ] {
        if !doc.labels.contains(label) {
            doc.labels
                .labels
                .push(glossa_core::Label::new(label, "#000000", None));
        }
        let start = at(quote);
        doc.add_span(label, start, start + quote.len(), glossa_core::Unit::Utf8)
            .unwrap();
    }
    let defaults = glossa_core::LabelSet::default().labels;
    // Glossa JSON keeps the labels as they are (glossa_keeps_everything).
    for format in Format::ALL.into_iter().filter(|f| *f != Format::Glossa) {
        let (_, back) = round_trip(format, std::slice::from_ref(&doc), Nesting::Outermost);
        let labels = &back.documents[0].labels.labels;
        assert_eq!(labels[..3], defaults[..], "{format}");
        let source = &labels[3];
        assert_eq!(
            (source.name.as_str(), source.hotkey),
            ("source", Some('4')),
            "{format}"
        );
        assert!(
            !defaults.iter().any(|d| d.color == source.color),
            "{format}: {}",
            source.color
        );
    }
}
