//! The W3C export passes every MUST assertion of the W3C Web Annotation test suite (its
//! draft-04 schemas, offline), and the Glossa export passes schema/glossa.schema.json.

mod formats_support;

use formats_support::*;
use glossa_core::formats::{self, ExportOptions, Format};
use serde_json::Value;

fn load(path: &std::path::Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Relative ids ("annotations.json") resolve against this base.
const BASE: &str = "https://w3c-test.invalid/";

#[test]
fn w3c_export_passes_every_must_assertion() {
    let w3c = interop().join("w3c");
    let mut registry = jsonschema::Registry::new();
    for entry in std::fs::read_dir(w3c.join("definitions")).unwrap() {
        let schema = load(&entry.unwrap().path());
        let id = schema["id"].as_str().unwrap().to_string();
        registry = registry
            .add(
                format!("{BASE}{id}"),
                jsonschema::Resource::from_contents(schema),
            )
            .unwrap();
    }
    let registry = registry.prepare().unwrap();
    let musts = load(&w3c.join("annotations/annotationMusts.test"));
    let assertions = musts["assertions"].as_array().unwrap();
    assert_eq!(assertions.len(), 54);

    let out = formats::export(Format::W3c, &[torture()], &ExportOptions::default()).unwrap();
    let collection: Value = serde_json::from_str(&out.files[0].contents).unwrap();
    let items = collection["first"]["items"].as_array().unwrap();
    assert_eq!(
        items.len(),
        torture().spans().len() + torture().relations().len()
    );

    for a in assertions {
        let schema = load(&w3c.join(a.as_str().unwrap()));
        let validator = jsonschema::options()
            .with_draft(jsonschema::Draft::Draft4)
            .with_base_uri(BASE)
            .with_registry(&registry)
            .build(&schema)
            .unwrap_or_else(|e| panic!("{a}: {e}"));
        for item in items {
            let errors: Vec<String> = validator.iter_errors(item).map(|e| e.to_string()).collect();
            assert!(errors.is_empty(), "{a} fails on {}: {errors:?}", item["id"]);
        }
        // The assertions do bite: an annotation without @context or with both body and
        // bodyValue must fail the ones about them.
        if a.as_str().unwrap().contains("annotationContextValidated") {
            let mut bad = items[0].clone();
            bad.as_object_mut().unwrap().remove("@context");
            assert!(!validator.is_valid(&bad));
        }
        if a.as_str().unwrap().contains("notBodyBodyValue") {
            let mut bad = items[0].clone();
            bad["bodyValue"] = Value::from("x");
            assert!(!validator.is_valid(&bad));
        }
    }
}

#[test]
fn glossa_export_matches_its_schema() {
    let schema = load(
        &std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("schema/glossa.schema.json"),
    );
    let validator = jsonschema::validator_for(&schema).unwrap();
    let one = formats::export(Format::Glossa, &[torture()], &ExportOptions::default()).unwrap();
    let library = formats::export(
        Format::Glossa,
        &[torture(), torture()],
        &ExportOptions::default(),
    )
    .unwrap();
    for out in [one, library] {
        let v: Value = serde_json::from_str(&out.files[0].contents).unwrap();
        let errors: Vec<String> = validator.iter_errors(&v).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{errors:?}");
        // The schema is not a pushover: a span without its quote fails.
        let mut bad = v.clone();
        let doc = if bad.get("document").is_some() {
            &mut bad["document"]
        } else {
            &mut bad["documents"][0]
        };
        doc["spans"][0].as_object_mut().unwrap().remove("quote");
        assert!(!validator.is_valid(&bad));
    }
}
