//! glossa-convert end to end: converts, writes brat pairs, and fails with clear messages.

mod formats_support;

use formats_support::*;
use std::process::Command;

fn convert(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_glossa-convert"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn converts_brat_to_glossa_and_back_through_files() {
    let dir = std::env::temp_dir().join(format!("glossa-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let ann = interop().join("brat/060-relation_annotation.ann");
    let json = dir.join("rel.json");
    let (ok, _, err) = convert(&[
        "--from",
        "auto",
        "--to",
        "glossa",
        ann.to_str().unwrap(),
        "-o",
        json.to_str().unwrap(),
    ]);
    assert!(ok, "{err}");
    let out_ann = dir.join("back.ann");
    let (ok, _, err) = convert(&[
        "--from",
        "glossa",
        "--to",
        "brat",
        json.to_str().unwrap(),
        "-o",
        out_ann.to_str().unwrap(),
    ]);
    assert!(ok, "{err}");
    // The text comes back byte for byte and every T line with it.
    assert_eq!(
        std::fs::read(dir.join("back.txt")).unwrap(),
        std::fs::read(interop().join("brat/060-relation_annotation.txt")).unwrap()
    );
    let t = |s: String| {
        let mut v: Vec<String> = s
            .lines()
            .filter(|l| l.starts_with('T'))
            .map(|l| l.split_once('\t').unwrap().1.to_string())
            .collect();
        v.sort();
        v
    };
    assert_eq!(
        t(std::fs::read_to_string(&out_ann).unwrap()),
        t(std::fs::read_to_string(&ann).unwrap())
    );
    // To standard output, with warnings on standard error.
    let (ok, stdout, err) = convert(&["--from", "brat", "--to", "conll", ann.to_str().unwrap()]);
    assert!(ok, "{err}");
    assert!(stdout.starts_with("-DOCSTART-"));
    assert!(err.contains("relations dropped"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn fails_with_a_message_naming_the_place() {
    let dir = std::env::temp_dir().join(format!("glossa-cli-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.jsonl");
    std::fs::write(&bad, "{\"text\": \"ab\", \"label\": [[0, 5, \"X\"]]}\n").unwrap();
    let (ok, _, err) = convert(&["--from", "doccano", "--to", "glossa", bad.to_str().unwrap()]);
    assert!(!ok);
    assert!(
        err.contains("line 1 $.label[0]") && err.contains("past the end"),
        "{err}"
    );
    let (ok, _, err) = convert(&["--from", "nope", "--to", "glossa", "x"]);
    assert!(!ok && err.contains("unknown format \"nope\""), "{err}");
    let (ok, _, err) = convert(&[
        "--from",
        "glossa",
        "--to",
        "w3c",
        dir.join("missing.json").to_str().unwrap(),
    ]);
    assert!(!ok && err.contains("missing.json"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_brat_folder_goes_into_one_zip_and_back() {
    let dir = std::env::temp_dir().join(format!("glossa-cli-zip-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let corpus = dir.join("corpus.zip");
    let (ok, _, err) = convert(&[
        "--from",
        "brat",
        "--to",
        "brat",
        interop().join("brat").to_str().unwrap(),
        "-o",
        corpus.to_str().unwrap(),
        "--quiet",
    ]);
    assert!(ok, "{err}");
    let (ok, stdout, err) =
        convert(&["--from", "auto", "--to", "glossa", corpus.to_str().unwrap()]);
    assert!(ok, "{err}");
    let library: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let docs = library["documents"].as_array().unwrap();
    assert_eq!(docs.len(), 3);
    for d in docs {
        let name = d["title"].as_str().unwrap();
        let txt = std::fs::read_to_string(interop().join(format!("brat/{name}.txt"))).unwrap();
        assert_eq!(d["text"].as_str().unwrap(), txt, "{name}");
        assert!(!d["spans"].as_array().unwrap().is_empty(), "{name}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
