//! No importer panics: arbitrary bytes and text, and valid files mutated byte by byte, give a
//! document or an error, never a crash. An error always says where.

mod formats_support;

use formats_support::*;
use glossa_core::formats::{self, Format, FormatError, InputFile};
use proptest::prelude::*;

/// Valid inputs to mutate: the golden files, the interop files and fresh exports.
fn seeds() -> Vec<(Format, String, Vec<u8>)> {
    let mut v = Vec::new();
    for (format, file) in [
        (Format::Glossa, "doc.glossa.json"),
        (Format::W3c, "doc.w3c.jsonld"),
        (Format::LabelStudio, "doc.label-studio.json"),
        (Format::Doccano, "doc.doccano.jsonl"),
        (Format::Spacy, "doc.spacy.jsonl"),
        (Format::Conll, "doc.conll"),
        (Format::Brat, "doc.ann"),
    ] {
        v.push((
            format,
            file.to_string(),
            std::fs::read(golden().join(file)).unwrap(),
        ));
    }
    for (format, file) in [
        (Format::Doccano, "doccano/relation_extraction-example.jsonl"),
        (
            Format::Spacy,
            "spacy-prodigy/rel_component-annotations-first20.jsonl",
        ),
        (
            Format::LabelStudio,
            "label-studio/named_entity-annotations-1.json",
        ),
        (Format::Brat, "brat/100-attribute_annotation.ann"),
    ] {
        v.push((
            format,
            file.to_string(),
            std::fs::read(interop().join(file)).unwrap(),
        ));
    }
    for format in Format::ALL {
        let out = formats::export(format, &[torture()], &Default::default()).unwrap();
        let f = out.files.last().unwrap();
        v.push((format, f.name.clone(), f.contents.clone().into_bytes()));
        if format == Format::Brat {
            // A brat corpus as a zip: mutations reach the archive reader.
            v.push((format, "corpus.zip".into(), out.zip()));
        }
    }
    v
}

/// Imports `bytes` as `format` (brat with the torture text or golden text beside it).
fn try_import(format: Format, name: &str, bytes: &[u8]) -> Result<formats::Imported, FormatError> {
    let txt = if name.starts_with("brat/") {
        std::fs::read(interop().join(name.replace(".ann", ".txt"))).unwrap()
    } else if name == "doc.ann" {
        std::fs::read(golden().join("doc.txt")).unwrap()
    } else {
        TORTURE.as_bytes().to_vec()
    };
    let files = [
        InputFile {
            name: "x.ann",
            contents: bytes,
        },
        InputFile {
            name: "x.txt",
            contents: &txt,
        },
    ];
    let files: &[InputFile] = if format == Format::Brat {
        &files
    } else {
        &files[..1]
    };
    let result = formats::import(format, files, 0);
    if let Err(e) = &result {
        assert!(!e.to_string().trim().is_empty());
    }
    result
}

#[derive(Clone, Debug)]
enum Edit {
    Set(usize, u8),
    Insert(usize, u8),
    Delete(usize),
    Truncate(usize),
    /// Replace a digit with another: offsets move, often into a character.
    Digit(usize, u8),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Edit::Set(i, b)),
        (
            any::<usize>(),
            prop::sample::select(b"{}[]\":,\t\n 0-;#TRAE*9".to_vec())
        )
            .prop_map(|(i, b)| Edit::Insert(i, b)),
        any::<usize>().prop_map(Edit::Delete),
        any::<usize>().prop_map(Edit::Truncate),
        (any::<usize>(), b'0'..=b'9').prop_map(|(i, d)| Edit::Digit(i, d)),
    ]
}

fn apply(bytes: &mut Vec<u8>, e: &Edit) {
    if bytes.is_empty() {
        return;
    }
    let n = bytes.len();
    match *e {
        Edit::Set(i, b) => bytes[i % n] = b,
        Edit::Insert(i, b) => bytes.insert(i % (n + 1), b),
        Edit::Delete(i) => {
            bytes.remove(i % n);
        }
        Edit::Truncate(i) => bytes.truncate(i % n),
        Edit::Digit(i, d) => {
            let digits: Vec<usize> = (0..n).filter(|&k| bytes[k].is_ascii_digit()).collect();
            if !digits.is_empty() {
                bytes[digits[i % digits.len()]] = d;
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn mutated_valid_files_never_panic(seed in any::<prop::sample::Index>(), edits in prop::collection::vec(edit(), 1..6)) {
        let seeds = seeds();
        let (format, name, bytes) = &seeds[seed.index(seeds.len())];
        let mut bytes = bytes.clone();
        for e in &edits {
            apply(&mut bytes, e);
        }
        let _ = formats::detect(name, &bytes);
        if let Ok(got) = try_import(*format, name, &bytes) {
            // Whatever is accepted is exact: every span slices its own text.
            for d in &got.documents {
                for s in d.spans() {
                    prop_assert!(d.text.get(s.start..s.end).is_some());
                }
                prop_assert!(formats::export(Format::Glossa, std::slice::from_ref(d), &Default::default()).is_ok());
                // And whole, as every edit leaves a document: the page opens it as it is.
                let mut read_back = d.clone();
                prop_assert_eq!(read_back.repair(), Vec::<String>::new());
            }
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let _ = formats::detect("x", &bytes);
        for format in Format::ALL {
            let _ = try_import(format, "x", &bytes);
        }
    }

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,200}", json_ish in "[\\[\\]{}\",:0-9a-z\\t\\n -]{0,200}") {
        for format in Format::ALL {
            let _ = try_import(format, "x", text.as_bytes());
            let _ = try_import(format, "x", json_ish.as_bytes());
        }
    }
}

#[test]
fn bad_input_errors_name_the_place() {
    let cases: [(Format, &str, &str); 8] = [
        (Format::Doccano, "{\"text\": \"ab\"}\n{\"text\": \"ab\", \"label\": [[0, 9, \"X\"]]}", "line 2 $.label[0]"),
        (Format::Spacy, "{\"text\": \"a😀\", \"spans\": [{\"start\": 0, \"end\": 2, \"label\": \"X\", \"text\": \"a\"}]}", "line 1 $.spans[0]"),
        (Format::LabelStudio, "[{\"data\": {\"text\": \"abc\"}, \"annotations\": [{\"result\": [{\"type\": \"labels\", \"value\": {\"start\": 0, \"end\": \"2\", \"labels\": [\"X\"]}}]}]}]", "$[0].annotations[0].result[0].value.end"),
        (Format::Conll, "a B-X\nb\n", "x.ann line 2"),
        (Format::Glossa, "{\"format\": \"glossa\", \"version\": 2, \"document\": {}}", "$.version"),
        (Format::Glossa, "{\"format\": \"glossa\", \"version\": 1, \"document\": {\"id\": \"d\", \"title\": \"t\", \"text\": \"x😀y\", \"labels\": [{\"name\": \"a\", \"color\": \"#000\"}], \"spans\": [{\"id\": 1, \"label\": \"a\", \"start\": 1, \"end\": 2, \"utf16\": {\"start\": 1, \"end\": 2}, \"utf8\": {\"start\": 1, \"end\": 5}, \"quote\": \"😀\"}]}}", "$.document.spans[0].utf16"),
        (Format::Glossa, "{\"format\": \"glossa\", \"version\": 1, \"document\": {\"id\": \"d\", \"title\": \"t\", \"text\": \"xy\", \"labels\": [{\"name\": \"a\", \"color\": \"#000\"}], \"spans\": [{\"id\": 1, \"label\": \"a\", \"start\": 0, \"end\": 1, \"utf16\": {\"start\": 0, \"end\": 1}, \"utf8\": {\"start\": 0, \"end\": 1}, \"quote\": \"y\"}]}}", "$.document.spans[0].quote"),
        (Format::W3c, "{\"type\": \"Annotation\", \"target\": {\"source\": \"urn:x\", \"selector\": {\"type\": \"TextPositionSelector\", \"start\": 0, \"end\": 99}}}", "$.target"),
    ];
    for (format, input, at) in cases {
        let err = try_import(format, "x", input.as_bytes()).unwrap_err();
        assert!(err.to_string().starts_with(at), "{format}: {err}");
    }
}
