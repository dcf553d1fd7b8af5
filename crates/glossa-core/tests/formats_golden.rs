//! Golden files written by hand from each tool's documentation (tests/golden/doc.*): import
//! gives the document they describe, and export writes them.

mod formats_support;

use formats_support::*;
use glossa_core::formats::{self, ExportOptions, Format};
use glossa_core::{Document, Unit};
use serde_json::Value;

const TEXT: &str = "Emir 😀 said: 100 freed\nin Doha.";

/// The document every golden file describes, built through the core's own API.
fn expected() -> Document {
    let mut d = Document::new("golden", "Golden", TEXT, 1000);
    let at = |q: &str| find(TEXT, q, 0);
    let (a, b) = at("Emir");
    let actor = d.add_span("actor", a, b, Unit::Utf8).unwrap();
    let (a, b) = at("100");
    let figure = d.add_span("figure", a, b, Unit::Utf8).unwrap();
    let (a, b) = at("100 freed\nin Doha");
    let claim = d.add_span("claim", a, b, Unit::Utf8).unwrap();
    d.set_note(claim, Some("unverified")).unwrap();
    d.set_attribute(claim, "verdict", Some("open")).unwrap();
    d.add_relation("about", figure, claim).unwrap();
    d.add_relation("said-by", claim, actor).unwrap();
    d
}

fn read(name: &str) -> String {
    std::fs::read_to_string(golden().join(name)).unwrap()
}

fn export_one(format: Format) -> formats::Exported {
    formats::export(format, &[expected()], &ExportOptions::default()).unwrap()
}

fn json_lines(s: &str) -> Vec<Value> {
    s.lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn json_formats_export_exactly_the_golden_files() {
    for (format, file) in [
        (Format::Glossa, "doc.glossa.json"),
        (Format::W3c, "doc.w3c.jsonld"),
        (Format::LabelStudio, "doc.label-studio.json"),
    ] {
        let out = export_one(format);
        let got: Value = serde_json::from_str(&out.files[0].contents).unwrap();
        let want: Value = serde_json::from_str(&read(file)).unwrap();
        assert_eq!(got, want, "{format}");
        assert!(out.warnings.is_empty());
    }
    let out = export_one(Format::Doccano);
    assert_eq!(
        json_lines(&out.files[0].contents),
        json_lines(&read("doc.doccano.jsonl"))
    );
    // The spaCy golden file leaves out the token list, which is long; the rest must match.
    let out = export_one(Format::Spacy);
    let mut got = json_lines(&out.files[0].contents);
    let tokens = got[0].as_object_mut().unwrap().remove("tokens").unwrap();
    assert_eq!(got, json_lines(&read("doc.spacy.jsonl")));
    let words: Vec<&str> = tokens
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["text"].as_str().unwrap())
        .collect();
    assert_eq!(
        words,
        ["Emir", "😀", "said", ":", "100", "freed", "in", "Doha", "."]
    );
}

#[test]
fn brat_and_conll_export_exactly_the_golden_files() {
    let out = export_one(Format::Brat);
    let names: Vec<_> = out.files.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["Golden.txt", "Golden.ann"]);
    assert_eq!(out.files[0].contents, read("doc.txt"));
    assert_eq!(out.files[1].contents, read("doc.ann"));
    let out = export_one(Format::Conll);
    assert_eq!(out.files[0].contents, read("doc.conll"));
    // The figure inside the claim and everything but spans cannot be kept: each is said.
    let said: Vec<_> = out.warnings.iter().map(|w| w.message.as_str()).collect();
    assert_eq!(said.len(), 4, "{said:?}");
}

#[test]
fn every_golden_file_imports_to_the_document_it_describes() {
    let want = expected();
    let cases: [(Format, &[&str]); 6] = [
        (Format::Glossa, &["doc.glossa.json"]),
        (Format::W3c, &["doc.w3c.jsonld"]),
        (Format::LabelStudio, &["doc.label-studio.json"]),
        (Format::Doccano, &["doc.doccano.jsonl"]),
        (Format::Spacy, &["doc.spacy.jsonl"]),
        (Format::Brat, &["doc.txt", "doc.ann"]),
    ];
    for (format, files) in cases {
        let paths: Vec<_> = files.iter().map(|f| golden().join(f)).collect();
        let got = import_paths(format, &paths);
        let doc = &got.documents[0];
        assert_eq!(doc.text, TEXT, "{format}");
        assert_eq!(spans(doc), spans(&want), "{format}");
        assert_eq!(relations(doc), relations(&want), "{format}");
        if matches!(
            format,
            Format::Glossa | Format::W3c | Format::LabelStudio | Format::Brat
        ) {
            assert_eq!(spans_full(doc), spans_full(&want), "{format}");
        }
    }
    let got = import_paths(Format::Conll, &[golden().join("doc.conll")]);
    let doc = &got.documents[0];
    assert_eq!(doc.text, "Emir 😀 said : 100 freed in Doha .");
    let quotes: Vec<_> = doc
        .spans()
        .iter()
        .map(|s| (s.label.as_str(), doc.quote(s)))
        .collect();
    assert_eq!(quotes, [("actor", "Emir"), ("claim", "100 freed in Doha")]);
}

#[test]
fn w3c_quote_selector_alone_is_found_by_its_context() {
    // Two "100"s: the prefix picks the second. Text given beside, as another tool would.
    let text = "100 left, then 100 freed.";
    let json = r#"{"@context": "http://www.w3.org/ns/anno.jsonld", "id": "http://ex.org/a1",
        "type": "Annotation", "motivation": "tagging",
        "body": {"type": "TextualBody", "purpose": "tagging", "value": "figure"},
        "target": {"source": "http://ex.org/page", "selector":
            {"type": "TextQuoteSelector", "exact": "100", "prefix": "then ", "suffix": " freed"}}}"#;
    let got = formats::import(
        Format::W3c,
        &[
            formats::InputFile {
                name: "a.jsonld",
                contents: json.as_bytes(),
            },
            formats::InputFile {
                name: "page.txt",
                contents: text.as_bytes(),
            },
        ],
        0,
    )
    .unwrap();
    let doc = &got.documents[0];
    assert_eq!(doc.spans()[0].start, text.rfind("100").unwrap());
    // Without the text the error says what to give.
    let err = formats::import(
        Format::W3c,
        &[formats::InputFile {
            name: "a.jsonld",
            contents: json.as_bytes(),
        }],
        0,
    )
    .unwrap_err();
    assert!(err.to_string().contains("--text"), "{err}");
}
