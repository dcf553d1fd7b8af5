//! Every real file in ../shared/interop imports exactly: each span's quote is the text at its
//! offsets in the tool's own unit, checked here by slicing independently of the core.

mod formats_support;

use formats_support::*;
use glossa_core::formats::{self, Format};
use glossa_core::Document;
use serde_json::Value;

fn lines(path: &str) -> Vec<Value> {
    json_lines(&std::fs::read_to_string(interop().join(path)).unwrap())
}

/// Each non-blank line of JSONL, parsed.
fn json_lines(jsonl: &str) -> Vec<Value> {
    jsonl
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// The text at `[start, end)` code points, sliced by `chars()`.
fn by_code_points(text: &str, start: usize, end: usize) -> String {
    text.chars().skip(start).take(end - start).collect()
}

/// The text at `[start, end)` UTF-16 code units.
fn by_utf16(text: &str, start: usize, end: usize) -> String {
    let units: Vec<u16> = text.encode_utf16().collect();
    String::from_utf16(&units[start..end]).unwrap()
}

fn has_span(doc: &Document, label: &str, start_cp: usize, end_cp: usize, quote: &str) -> bool {
    spans(doc)
        .iter()
        .any(|k| k == &(label.to_string(), start_cp, end_cp, quote.to_string()))
}

fn cp_of_utf16(text: &str, u: usize) -> usize {
    let mut n = 0;
    let mut cp = 0;
    for c in text.chars() {
        if n >= u {
            break;
        }
        n += c.len_utf16();
        cp += 1;
    }
    cp
}

#[test]
fn label_studio_named_entity() {
    let path = interop().join("label-studio/named_entity-annotations-1.json");
    let raw: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let got = import_paths(Format::LabelStudio, &[path]);
    let doc = &got.documents[0];
    let text = raw["data"]["text"].as_str().unwrap();
    assert_eq!(doc.text, text);
    let results = raw["annotations"][0]["result"].as_array().unwrap();
    for r in results {
        let v = &r["value"];
        let (s, e) = (
            v["start"].as_u64().unwrap() as usize,
            v["end"].as_u64().unwrap() as usize,
        );
        let quote = v["text"].as_str().unwrap();
        assert_eq!(by_code_points(text, s, e), quote);
        assert!(has_span(doc, v["labels"][0].as_str().unwrap(), s, e, quote));
    }
    assert_eq!(doc.spans().len(), results.len());
    assert!(got.warnings.is_empty(), "{:?}", got.warnings);
}

#[test]
fn doccano_sequence_labelling_counts_utf16() {
    for file in [
        "doccano/sequence_labeling-example.jsonl",
        "doccano/sequence_labeling-example_overlapping.jsonl",
    ] {
        let raw = lines(file);
        let got = import_paths(Format::Doccano, &[interop().join(file)]);
        assert_eq!(got.documents.len(), raw.len());
        for (doc, line) in got.documents.iter().zip(&raw) {
            let text = line["text"].as_str().unwrap();
            assert_eq!(doc.text, text);
            let mut distinct = std::collections::BTreeSet::new();
            for l in line["label"].as_array().unwrap() {
                let (s, e) = (
                    l[0].as_u64().unwrap() as usize,
                    l[1].as_u64().unwrap() as usize,
                );
                let quote = by_utf16(text, s, e);
                let (cs, ce) = (cp_of_utf16(text, s), cp_of_utf16(text, e));
                assert!(
                    has_span(doc, l[2].as_str().unwrap(), cs, ce, &quote),
                    "{file}: {l}"
                );
                distinct.insert((s, e, l[2].to_string()));
            }
            assert_eq!(doc.spans().len(), distinct.len());
        }
    }
    // The overlapping example tags the same range twice: kept once, and said.
    let got = import_paths(
        Format::Doccano,
        &[interop().join("doccano/sequence_labeling-example_overlapping.jsonl")],
    );
    assert_eq!(got.warnings.len(), 1, "{:?}", got.warnings);
    assert!(got.warnings[0].at.starts_with("line 1"));
}

#[test]
fn doccano_relation_extraction() {
    let file = "doccano/relation_extraction-example.jsonl";
    let raw = &lines(file)[0];
    let got = import_paths(Format::Doccano, &[interop().join(file)]);
    let doc = &got.documents[0];
    let text = raw["text"].as_str().unwrap();
    let mut by_id = std::collections::HashMap::new();
    for e in raw["entities"].as_array().unwrap() {
        let (s, en) = (
            e["start_offset"].as_u64().unwrap() as usize,
            e["end_offset"].as_u64().unwrap() as usize,
        );
        let key = (
            e["label"].as_str().unwrap().to_string(),
            cp_of_utf16(text, s),
            cp_of_utf16(text, en),
            by_utf16(text, s, en),
        );
        assert!(spans(doc).contains(&key));
        by_id.insert(e["id"].as_u64().unwrap(), key);
    }
    let mut expect: Vec<_> = raw["relations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["type"].as_str().unwrap().to_string(),
                by_id[&r["from_id"].as_u64().unwrap()].clone(),
                by_id[&r["to_id"].as_u64().unwrap()].clone(),
            )
        })
        .collect();
    expect.sort();
    assert_eq!(relations(doc), expect);
}

#[test]
fn spacy_and_prodigy_spans_and_relations() {
    for file in [
        "spacy-prodigy/rel_component-annotations-first20.jsonl",
        "spacy-prodigy/fashion_brands_eval-lines85-100.jsonl",
    ] {
        let raw = lines(file);
        let got = import_paths(Format::Spacy, &[interop().join(file)]);
        assert_eq!(got.documents.len(), raw.len());
        assert!(got.warnings.is_empty(), "{:?}", got.warnings);
        for (doc, line) in got.documents.iter().zip(&raw) {
            let text = line["text"].as_str().unwrap();
            assert_eq!(doc.text, text);
            let key = |s: &Value| {
                let (a, b) = (
                    s["start"].as_u64().unwrap() as usize,
                    s["end"].as_u64().unwrap() as usize,
                );
                (
                    s["label"].as_str().unwrap().to_string(),
                    a,
                    b,
                    by_code_points(text, a, b),
                )
            };
            for s in line["spans"].as_array().unwrap() {
                let k = key(s);
                if let Some(t) = s["text"].as_str() {
                    assert_eq!(k.3, t, "{file}");
                }
                assert!(spans(doc).contains(&k), "{file}: {k:?}");
            }
            assert_eq!(doc.spans().len(), line["spans"].as_array().unwrap().len());
            let mut expect: Vec<_> = line["relations"]
                .as_array()
                .map(|rs| {
                    rs.iter()
                        .map(|r| {
                            (
                                r["label"].as_str().unwrap().to_string(),
                                key(&r["head_span"]),
                                key(&r["child_span"]),
                            )
                        })
                        .collect()
                })
                .unwrap_or_default();
            expect.sort();
            expect.dedup();
            assert_eq!(relations(doc), expect, "{file}");
        }
    }
    // Line 92 of the fashion file starts with an emoji: code points, not UTF-16.
    let got = import_paths(
        Format::Spacy,
        &[interop().join("spacy-prodigy/fashion_brands_eval-lines85-100.jsonl")],
    );
    let with_emoji = got
        .documents
        .iter()
        .find(|d| d.text.starts_with('😂'))
        .unwrap();
    assert!(with_emoji
        .spans()
        .iter()
        .all(|s| with_emoji.quote(s) == "Allen Edmonds"));
}

/// A T line of a .ann: id, label, fragments, quote.
type TLine = (String, String, Vec<(usize, usize)>, String);

fn t_lines(ann: &str) -> Vec<TLine> {
    ann.lines()
        .filter(|l| l.starts_with('T'))
        .map(|l| {
            let f: Vec<&str> = l.splitn(3, '\t').collect();
            let (label, offs) = f[1].split_once(' ').unwrap();
            let frags = offs
                .split(';')
                .map(|p| {
                    let (a, b) = p.split_once(' ').unwrap();
                    (a.parse().unwrap(), b.parse().unwrap())
                })
                .collect();
            (f[0].to_string(), label.to_string(), frags, f[2].to_string())
        })
        .collect()
}

#[test]
fn brat_relations_events_attributes_and_notes() {
    for stem in [
        "060-relation_annotation",
        "100-attribute_annotation",
        "110-note_annotation",
    ] {
        let ann_path = interop().join(format!("brat/{stem}.ann"));
        let txt_path = interop().join(format!("brat/{stem}.txt"));
        let text = std::fs::read_to_string(&txt_path).unwrap();
        let ann = std::fs::read_to_string(&ann_path).unwrap();
        let got = import_paths(Format::Brat, &[txt_path, ann_path]);
        let doc = &got.documents[0];
        assert_eq!(doc.text, text);
        let ts = t_lines(&ann);
        for (id, label, frags, quote) in &ts {
            assert_eq!(frags.len(), 1, "{stem} {id}");
            let (s, e) = frags[0];
            assert_eq!(&by_code_points(&text, s, e), quote, "{stem} {id}");
            assert!(has_span(doc, label, s, e, quote), "{stem} {id}");
        }
        assert_eq!(doc.spans().len(), ts.len(), "{stem}");
        // R lines, each event argument and each link in an equivalence chain make a relation.
        let expected: usize = ann
            .lines()
            .map(|l| match l.chars().next() {
                Some('R') => 1,
                Some('E') => l.split_whitespace().count() - 2,
                Some('*') => l.split_whitespace().count() - 3,
                _ => 0,
            })
            .sum();
        assert_eq!(doc.relations().len(), expected, "{stem}");
    }
    // Attributes on an event land on its trigger; a binary attribute is "true".
    let stem = "100-attribute_annotation";
    let got = import_paths(
        Format::Brat,
        &[
            interop().join(format!("brat/{stem}.txt")),
            interop().join(format!("brat/{stem}.ann")),
        ],
    );
    let doc = &got.documents[0];
    let twitted = doc
        .spans()
        .iter()
        .find(|s| doc.quote(s) == "twitted" && s.start < 600)
        .unwrap();
    assert_eq!(twitted.attributes["Confidence"], "Neutral");
    let somebody = doc
        .spans()
        .iter()
        .find(|s| doc.quote(s) == "Somebody")
        .unwrap();
    assert_eq!(somebody.attributes["Individual"], "true");
    // Notes: on a span, on an event's trigger; the one on a relation is reported.
    let stem = "110-note_annotation";
    let got = import_paths(
        Format::Brat,
        &[
            interop().join(format!("brat/{stem}.txt")),
            interop().join(format!("brat/{stem}.ann")),
        ],
    );
    let doc = &got.documents[0];
    let note = |q: &str| {
        doc.spans()
            .iter()
            .find(|s| doc.quote(s) == q)
            .unwrap()
            .note
            .clone()
    };
    assert_eq!(
        note("Discworld").as_deref(),
        Some("Should fictional places be annotated?")
    );
    assert!(note("merged")
        .unwrap()
        .starts_with("Annotate as one merge event"));
    // Each change of shape is said: two events, the note on one, the note on a relation.
    let said: Vec<String> = got
        .warnings
        .iter()
        .map(|w| format!("{}: {}", w.at.rsplit('.').next().unwrap_or(""), w.message))
        .collect();
    let starts = [
        "ann line 7: an event became relations",
        "ann line 8: a note on an event went on its trigger",
        "ann line 12: a note on a relation has no place",
        "ann line 18: an event became relations",
    ];
    assert_eq!(said.len(), starts.len(), "{said:#?}");
    for (w, start) in said.iter().zip(starts) {
        assert!(w.starts_with(start), "{w}");
    }
}

#[test]
fn doccano_conll() {
    let path = interop().join("doccano/sequence_labeling-example.conll");
    let raw = std::fs::read_to_string(&path).unwrap();
    let got = import_paths(Format::Conll, &[path]);
    let doc = &got.documents[0];
    // Tokens in order, one space between, a line break between sentences.
    let sentences: Vec<String> = raw
        .split("\n\n")
        .filter(|s| !s.trim().is_empty())
        .map(|s| {
            s.lines()
                .map(|l| l.split('\t').next().unwrap())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    assert_eq!(doc.text, sentences.join("\n"));
    let quotes: Vec<_> = doc
        .spans()
        .iter()
        .map(|s| (s.label.as_str(), doc.quote(s)))
        .collect();
    assert_eq!(quotes, [("LOC", "JAPAN"), ("PER", "Nadim Ladki")]);
}

#[test]
fn detection_names_every_interop_file() {
    let cases = [
        (
            "label-studio/named_entity-annotations-1.json",
            Format::LabelStudio,
        ),
        ("doccano/relation_extraction-example.jsonl", Format::Doccano),
        ("doccano/sequence_labeling-example.jsonl", Format::Doccano),
        (
            "doccano/sequence_labeling-example_overlapping.jsonl",
            Format::Doccano,
        ),
        ("doccano/sequence_labeling-example.conll", Format::Conll),
        (
            "spacy-prodigy/rel_component-annotations-first20.jsonl",
            Format::Spacy,
        ),
        (
            "spacy-prodigy/fashion_brands_eval-lines85-100.jsonl",
            Format::Spacy,
        ),
        ("brat/060-relation_annotation.ann", Format::Brat),
    ];
    for (file, want) in cases {
        let bytes = std::fs::read(interop().join(file)).unwrap();
        // By content alone too, except brat whose .ann needs its name.
        assert_eq!(formats::detect(file, &bytes), Ok(want), "{file}");
        if want != Format::Brat {
            assert_eq!(
                formats::detect("upload", &bytes),
                Ok(want),
                "{file} by content"
            );
        }
    }
    assert!(formats::detect("x.bin", b"\x00\x01 nothing").is_err());
    // Broken JSON is said as such, with where it breaks, not as a format it cannot tell.
    let said = |bytes: &[u8]| formats::detect("cut.json", bytes).unwrap_err().to_string();
    let cut = said(br#"{"format":"glossa", "version":1, "document": {"#);
    assert!(
        cut.contains("is not valid JSON (EOF while parsing an object at line 1 column 46)"),
        "{cut}"
    );
    let pretty = said(b"{\n  \"format\": \"glossa\",\n  \"document\": {\n    \"id\": \"a\",\n");
    assert!(pretty.contains("at line 5 column 0"), "{pretty}");
    // JSON lines with a comma missing in the first: said in that line.
    let lines = said(b"{\"text\": \"a\" \"label\": []}\n{\"text\": \"b\"}\n");
    assert!(
        lines.contains("expected `,` or `}` at line 1 column 14"),
        "{lines}"
    );
    assert!(said(br#"{"hello": 1}"#).contains("cannot tell the format"));
    // The W3C folder holds schemas, not annotations: detect on the golden collection.
    let w3c = std::fs::read(golden().join("doc.w3c.jsonld")).unwrap();
    assert_eq!(formats::detect("upload", &w3c), Ok(Format::W3c));
}

#[test]
fn a_json_file_of_many_megabytes_is_detected_by_its_whole_first_object() {
    // A book-length Glossa export: its first object ends megabytes in.
    let text = "Qatar said 40 hostages 🇶🇦 would be freed.\r\n".repeat(40_000);
    let mut doc = Document::new("big", "Big", &text, 0);
    for i in 0..2_000 {
        let at = i * 49;
        doc.add_span("actor", at, at + 5, glossa_core::Unit::Utf8)
            .unwrap();
    }
    let json = formats::glossa::to_json(&doc).unwrap();
    assert!(json.len() > 2 << 20, "{}", json.len());
    assert_eq!(
        formats::detect("upload", json.as_bytes()),
        Ok(Format::Glossa)
    );
    let bom = format!("\u{feff}{json}");
    assert_eq!(
        formats::detect("upload", bom.as_bytes()),
        Ok(Format::Glossa)
    );
    // Label Studio's tasks array, long too: only the first task decides.
    let tasks = format!(
        "[{{\"data\": {{\"text\": \"{}\"}}}}, {{\"anything\": 1}}]",
        "a".repeat(3 << 20)
    );
    assert_eq!(
        formats::detect("upload", tasks.as_bytes()),
        Ok(Format::LabelStudio)
    );
    // Cut short, it is not a JSON value: no guess.
    assert!(formats::detect("upload", &json.as_bytes()[..json.len() / 2]).is_err());
}

#[test]
fn documents_from_one_file_are_made_in_its_order() {
    // A library listed or exported by creation keeps a dataset's lines in order.
    let jsonl = "{\"text\": \"first\", \"label\": []}\n{\"text\": \"second\", \"label\": []}\n\
                 {\"text\": \"third\", \"label\": []}\n";
    let file = formats::InputFile {
        name: "d.jsonl",
        contents: jsonl.as_bytes(),
    };
    let got = formats::import(Format::Doccano, &[file], 1_000).unwrap();
    let made: Vec<(&str, i64)> = got
        .documents
        .iter()
        .map(|d| (d.text.as_str(), d.created_ms))
        .collect();
    assert_eq!(
        made,
        [("first", 1_000), ("second", 1_001), ("third", 1_002)]
    );
}

#[test]
fn a_spacy_file_exported_again_keeps_its_tokens_and_token_indices() {
    for file in [
        "spacy-prodigy/rel_component-annotations-first20.jsonl",
        "spacy-prodigy/fashion_brands_eval-lines85-100.jsonl",
    ] {
        let raw = lines(file);
        let got = import_paths(Format::Spacy, &[interop().join(file)]);
        let out = formats::export(Format::Spacy, &got.documents, &Default::default()).unwrap();
        let again = json_lines(&out.files[0].contents);
        assert_eq!(again.len(), raw.len());
        for (line, (new, old)) in again.iter().zip(&raw).enumerate() {
            let tokens = |v: &Value| -> Vec<(Value, Value, Value)> {
                v["tokens"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|t| (t["text"].clone(), t["start"].clone(), t["end"].clone()))
                    .collect()
            };
            assert_eq!(tokens(new), tokens(old), "{file} line {line}");
            // Spans in text order, each with the file's token indices.
            let token_range = |v: &Value| -> Vec<(Value, Value, Value, Value)> {
                let mut spans: Vec<_> = v["spans"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|s| {
                        let f = |k: &str| s[k].clone();
                        (f("start"), f("end"), f("token_start"), f("token_end"))
                    })
                    .collect();
                spans.sort_by_key(|s| (s.0.as_u64(), s.1.as_u64()));
                spans
            };
            assert_eq!(token_range(new), token_range(old), "{file} line {line}");
            let heads = |v: &Value| -> Vec<(Value, Value)> {
                let mut r: Vec<_> = v["relations"]
                    .as_array()
                    .map(|rs| {
                        rs.iter()
                            .map(|r| (r["head"].clone(), r["child"].clone()))
                            .collect()
                    })
                    .unwrap_or_default();
                r.sort_by_key(|r| (r.0.as_u64(), r.1.as_u64()));
                r.dedup();
                r
            };
            assert_eq!(heads(new), heads(old), "{file} line {line}");
        }
    }
}
