//! In-browser tests of the library's storage: round trips, migrations from a stored older
//! fixture, a full storage, unreadable values, other documents' `storage` events, the edit
//! lease between tabs, and the journal of edits since a document was written whole.
//! Run with `CHROMEDRIVER=/usr/bin/chromedriver cargo test -p glossa --target wasm32-unknown-unknown`.
#![cfg(target_arch = "wasm32")]

use glossa::browser::storage::{self, Change, MigrateError, StorageProblem};
use glossa::browser::tabs::{self, Holder};
use glossa_core::{Document, Edit, History, Journal, Unit};
use serde_json::{json, Value};
use wasm_bindgen::{closure::Closure, JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// localStorage as the first Glossa left it: index v1, documents v1, `glossa.current` v0.
const FIXTURE_V1: &str = include_str!("fixtures/storage-v1.json");
/// A history of schema 1 for `dv1a` in that fixture: edits tagged inside (`{"op": …}`).
const HISTORY_V1: &str = include_str!("fixtures/history-v1.json");

fn local() -> web_sys::Storage {
    web_sys::window().unwrap().local_storage().unwrap().unwrap()
}

fn get(key: &str) -> Option<String> {
    local().get_item(key).unwrap()
}

fn sample(id: &str, title: &str) -> Document {
    let text = "Hamas said 100 captives 😀 were freed.\r\nمرحبا Qatar";
    let mut doc = Document::new(id, title, text, 1_700_000_000_000);
    let at = |q: &str| text.find(q).unwrap();
    doc.add_span("actor", 0, 5, Unit::Utf8).unwrap();
    doc.add_span("figure", at("100"), at("100") + 12, Unit::Utf8)
        .unwrap();
    doc.add_span("actor", at("Qatar"), at("Qatar") + 5, Unit::Utf8)
        .unwrap();
    doc
}

#[wasm_bindgen_test]
fn a_document_and_its_index_line_round_trip() {
    local().clear().unwrap();
    let doc = sample("rt", "Round trip");
    storage::save_document(&doc).unwrap();
    assert_eq!(storage::load_document("rt").unwrap().unwrap(), doc);

    let index = storage::load_index().unwrap();
    assert_eq!(index.len(), 1);
    let e = &index[0];
    assert_eq!(
        (e.id.as_str(), e.title.as_str(), e.spans),
        ("rt", "Round trip", 3)
    );
    assert_eq!(e.labels.get("actor"), Some(&2));
    assert_eq!(e.labels.get("figure"), Some(&1));
    assert_eq!(e.labels.get("claim"), None);
    assert_eq!(e.text_chars, doc.text.chars().count());
    let stored = get("glossa.doc.rt").unwrap();
    assert_eq!(e.stored_units, stored.encode_utf16().count());
    // Every stored value carries its schema.
    let v: Value = serde_json::from_str(&stored).unwrap();
    assert_eq!(v["schema"], json!(storage::DOC_SCHEMA));
    let v: Value = serde_json::from_str(&get("glossa.index").unwrap()).unwrap();
    assert_eq!(v["schema"], json!(storage::INDEX_SCHEMA));
    storage::set_current_document_id(Some("rt")).unwrap();
    let v: Value = serde_json::from_str(&get("glossa.current").unwrap()).unwrap();
    assert_eq!(v, json!({"schema": 1, "id": "rt"}));
    assert_eq!(storage::current_document_id().as_deref(), Some("rt"));

    // Usage counts every key and value.
    let expected: usize = (0..local().length().unwrap())
        .map(|i| {
            let k = local().key(i).unwrap().unwrap();
            k.encode_utf16().count() + get(&k).unwrap().encode_utf16().count()
        })
        .sum();
    assert_eq!(storage::usage(), expected);
    assert!(expected > stored.len());
}

#[wasm_bindgen_test]
fn a_mostly_latin_document_is_stored_in_latin_1_and_reads_back_the_same() {
    local().clear().unwrap();
    // Curly quotes, a dash, an emoji and CRLF in an English paragraph: written narrow.
    let text = "The minister said on Tuesday that the talks in Doha had made \u{2018}real \
        progress\u{2019} \u{2014} and that 100 captives could be freed within weeks, \
        though officials in Cairo and Paris were more cautious. \u{1F64F}\r\nZo\u{eb} M\u{fc}ller agreed.";
    assert!(glossa_core::stored_json::narrow_pays(text).is_some());
    let mut doc = Document::new("nl", "\u{2018}Latin\u{2019}", text, 1_700_000_000_000);
    doc.add_span("actor", 4, 12, Unit::Utf8).unwrap();
    storage::save_document(&doc).unwrap();
    let stored = get("glossa.doc.nl").unwrap();
    assert!(stored.chars().all(|c| c as u32 <= 0xFF), "{stored}");
    assert!(stored.contains("\\u2018real") && stored.contains("Zo\u{eb}"));
    assert_eq!(storage::load_document("nl").unwrap().unwrap(), doc);
    let line = storage::load_index().unwrap().remove(0);
    assert_eq!(line.stored_units, stored.encode_utf16().count());

    // A Chinese text would grow by far more than a quarter: kept as it is.
    let mut wide = Document::new(
        "wd",
        "\u{674e}\u{660e}",
        &"\u{674e}\u{660e}\u{8bf4}\u{ff0c}\u{4f1a}\u{8c08}\u{53d6}\u{5f97}\u{4e86}\u{8fdb}\u{5c55}\u{3002}".repeat(20),
        1_700_000_000_000,
    );
    wide.add_span("actor", 0, 6, Unit::Utf8).unwrap();
    assert!(glossa_core::stored_json::narrow_pays(&wide.text).is_none());
    storage::save_document(&wide).unwrap();
    let stored = get("glossa.doc.wd").unwrap();
    assert!(stored.contains("\u{674e}\u{660e}\u{8bf4}") && !stored.contains("\\u"));
    assert_eq!(storage::load_document("wd").unwrap().unwrap(), wide);
}

#[wasm_bindgen_test]
fn a_deleted_document_comes_back_whole_on_undo() {
    local().clear().unwrap();
    let doc = sample("del", "To delete");
    storage::save_document(&doc).unwrap();
    storage::save_document(&sample("keep", "To keep")).unwrap();
    storage::set_current_document_id(Some("del")).unwrap();
    let deleted = storage::delete_document("del").unwrap().unwrap();
    assert_eq!(deleted, doc);
    assert_eq!(get("glossa.doc.del"), None);
    assert_eq!(storage::current_document_id(), None);
    let ids: Vec<_> = storage::load_index()
        .unwrap()
        .into_iter()
        .map(|e| e.id)
        .collect();
    assert_eq!(ids, ["keep"]);
    storage::save_document(&deleted).unwrap();
    assert_eq!(storage::load_document("del").unwrap().unwrap(), doc);
    assert_eq!(storage::load_index().unwrap().len(), 2);
}

#[wasm_bindgen_test]
fn a_note_being_typed_is_kept_once_per_document_and_taken_once() {
    local().clear().unwrap();
    let note = "said \"100\"\nthen 🇶🇦 e\u{301}";
    storage::save_note_draft("a", glossa_core::SpanId(7), "first");
    storage::save_note_draft("a", glossa_core::SpanId(7), note);
    let stored: Value = serde_json::from_str(&get("glossa.note.a").unwrap()).unwrap();
    assert_eq!(stored, json!({ "schema": 1, "span": 7, "note": note }));
    assert_eq!(
        storage::take_note_draft("a"),
        Some((glossa_core::SpanId(7), note.to_string()))
    );
    assert_eq!(storage::take_note_draft("a"), None);
    // Committed: gone. Another schema, or a document deleted: never taken.
    storage::save_note_draft("a", glossa_core::SpanId(1), "x");
    storage::drop_note_draft("a");
    assert_eq!(get("glossa.note.a"), None);
    local()
        .set_item("glossa.note.b", r#"{"schema":2,"span":1,"note":"x"}"#)
        .unwrap();
    assert_eq!(storage::take_note_draft("b"), None);
    storage::save_document(&sample("c", "Deleted")).unwrap();
    storage::save_note_draft("c", glossa_core::SpanId(1), "x");
    storage::delete_document("c").unwrap();
    assert_eq!(get("glossa.note.c"), None);
}

fn load_fixture() -> Value {
    local().clear().unwrap();
    store_fixture(FIXTURE_V1)
}

/// Puts a fixture's keys into localStorage, as stored strings.
fn store_fixture(text: &str) -> Value {
    let fixture: Value = serde_json::from_str(text).unwrap();
    for (k, v) in fixture.as_object().unwrap() {
        if !k.starts_with('_') {
            local().set_item(k, v.as_str().unwrap()).unwrap();
        }
    }
    fixture
}

#[wasm_bindgen_test]
fn a_stored_v1_history_migrates_and_still_undoes() {
    load_fixture();
    store_fixture(HISTORY_V1);
    let mut doc = storage::load_document("dv1a").unwrap().unwrap();
    // Written with every edit, before histories knew their document's time: still used.
    let mut history = storage::load_history("dv1a", doc.modified_ms)
        .unwrap()
        .unwrap();
    assert_eq!((history.undo_len(), history.redo_len()), (3, 0));
    while history.undo(&mut doc).unwrap() {}
    assert_eq!(doc.spans().len(), 1);
    assert_eq!(doc.spans()[0].id.0, 2);
    assert_eq!(doc.spans()[0].note, None);
    assert_eq!(history.redo_len(), 3);
    // Saved again, it is in the current shape and reads back the same.
    storage::save_history("dv1a", &history, doc.modified_ms).unwrap();
    let v: Value = serde_json::from_str(&get("glossa.history.dv1a").unwrap()).unwrap();
    assert_eq!(v["schema"], json!(storage::HISTORY_SCHEMA));
    assert!(v["history"]["redo"][0].get("op").is_none(), "{v}");
    assert_eq!(
        storage::load_history("dv1a", doc.modified_ms)
            .unwrap()
            .unwrap(),
        history
    );
}

#[wasm_bindgen_test]
fn a_stored_v1_library_migrates_to_the_current_schema() {
    let fixture = load_fixture();
    // glossa.current v0 was the bare id.
    assert_eq!(storage::current_document_id().as_deref(), Some("dv1a"));

    let (entries, problems) = storage::load_library();
    assert_eq!(problems, []);
    assert_eq!(entries.len(), 2);
    let a = entries.iter().find(|e| e.id == "dv1a").unwrap();
    assert_eq!(a.title, "Truce talks");
    assert_eq!(a.spans, 3);
    assert_eq!(a.labels.get("actor"), Some(&2));
    assert_eq!(a.labels.get("figure"), Some(&1));
    assert_eq!(a.text_chars, 55);
    assert_eq!(
        a.stored_units,
        get("glossa.doc.dv1a").unwrap().encode_utf16().count()
    );
    let b = entries.iter().find(|e| e.id == "dv1b").unwrap();
    assert!(b.labels.is_empty());
    // Newest first.
    assert_eq!(entries[0].id, "dv1a");
    // The index was written back at schema 2; documents were not touched.
    let index: Value = serde_json::from_str(&get("glossa.index").unwrap()).unwrap();
    assert_eq!(index["schema"], json!(2));
    assert_eq!(index["documents"][0]["labels"]["actor"], json!(2));
    assert_eq!(
        get("glossa.doc.dv1a").as_deref(),
        fixture["glossa.doc.dv1a"].as_str()
    );

    let doc = storage::load_document("dv1a").unwrap().unwrap();
    assert_eq!(
        doc.text,
        "Hamas said 100 captives were freed.\r\nQatar 🇶🇦 mediated."
    );
    assert_eq!(doc.spans()[1].note.as_deref(), Some("as reported"));
    assert_eq!(doc.relations().len(), 1);
    assert_eq!(doc.quote(&doc.spans()[2]), "Qatar");
    // Loading again changes nothing.
    let again = storage::load_library().0;
    assert_eq!(again, entries);
}

#[wasm_bindgen_test]
fn migrations_step_through_versions_and_refuse_unknown_ones() {
    let v1 = json!({"schema": 1, "documents": [{"id": "x", "title": "T", "modified_ms": 5, "spans": 2}]});
    // A document that cannot be read keeps zeros and its old span count.
    let entries = storage::migrate_index(v1.clone(), &|_| None).unwrap();
    assert_eq!(entries[0].spans, 2);
    assert_eq!(entries[0].text_chars, 0);
    assert!(entries[0].labels.is_empty());
    assert_eq!(
        storage::migrate_index(json!({"schema": 3, "documents": []}), &|_| None),
        Err(MigrateError::Newer(3))
    );
    assert!(matches!(
        storage::migrate_index(json!({"schema": 0}), &|_| None),
        Err(MigrateError::Corrupt(_))
    ));
    assert!(matches!(
        storage::migrate_index(json!({"documents": []}), &|_| None),
        Err(MigrateError::Corrupt(_))
    ));
    assert!(matches!(
        storage::read_document(r#"{"schema": 2, "document": {}}"#),
        Err(MigrateError::Newer(2))
    ));
    assert!(matches!(
        storage::read_document(r#"{"schema": 1, "document": {"id": 4}}"#),
        Err(MigrateError::Corrupt(_))
    ));
    // Read from text: at this schema straight into a document; a newer one is refused even
    // when its shape would read (it may mean something else), and damage says so.
    let doc = sample("d1", "Read");
    let at = |schema: u32| json!({"schema": schema, "document": doc}).to_string();
    assert_eq!(storage::read_document(&at(1)).unwrap(), doc);
    assert_eq!(storage::read_document(&at(2)), Err(MigrateError::Newer(2)));
    assert!(matches!(
        storage::read_document(&at(1)[..40]),
        Err(MigrateError::Corrupt(_))
    ));
    assert!(matches!(
        storage::read_document(&at(0)),
        Err(MigrateError::Corrupt(_))
    ));
    assert_eq!(storage::migrate_current("d17a").unwrap(), "d17a");
    assert_eq!(
        storage::migrate_current(r#"{"schema":1,"id":"d17a"}"#).unwrap(),
        "d17a"
    );
    assert_eq!(
        storage::migrate_current(r#"{"schema":2,"id":"d17a"}"#),
        Err(MigrateError::Newer(2))
    );
}

#[wasm_bindgen_test]
fn a_value_from_a_newer_glossa_is_left_untouched() {
    local().clear().unwrap();
    let newer = r#"{"schema":99,"document":{"id":"n","shape":"unknown"}}"#;
    local().set_item("glossa.doc.n", newer).unwrap();
    let problem = storage::load_document("n").unwrap_err();
    assert!(matches!(problem, StorageProblem::Newer { schema: 99, .. }));
    assert!(problem.to_string().contains("newer version"), "{problem}");
    let err = storage::save_document(&sample("n", "Would overwrite")).unwrap_err();
    assert!(matches!(err, StorageProblem::Newer { .. }));
    assert_eq!(get("glossa.doc.n").as_deref(), Some(newer));
    assert!(storage::list_quarantined().is_empty());

    // A journal from a newer Glossa beside a document this one reads: the document opens as
    // it was written whole (the user is told), and writing it whole is refused, since that
    // would drop the journal and the edits in it.
    local().clear().unwrap();
    let doc = sample("nj", "Newer journal");
    storage::save_document(&doc).unwrap();
    let journal = r#"{"schema":99,"journal":{"shape":"unknown"}}"#;
    local().set_item("glossa.journal.nj", journal).unwrap();
    let (read, note) = storage::open_document("nj").unwrap().unwrap();
    assert_eq!(read, doc);
    assert!(matches!(
        note,
        Some(StorageProblem::Newer { schema: 99, .. })
    ));
    let err = storage::save_document(&doc).unwrap_err();
    assert!(
        matches!(err, StorageProblem::Newer { schema: 99, .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("last edits"), "{err}");
    assert_eq!(get("glossa.journal.nj").as_deref(), Some(journal));
    // This Glossa's own journals, of either schema, are replaced by the whole write.
    local()
        .set_item(
            "glossa.journal.nj",
            r#"{"schema":1,"journal":{"base_ms":0,"modified_ms":0,"edits":[]}}"#,
        )
        .unwrap();
    storage::save_document(&doc).unwrap();
    assert!(!storage::has_journal("nj"));
    local().clear().unwrap();
}

#[wasm_bindgen_test]
fn a_document_whose_spans_do_not_fit_opens_without_them_and_is_kept_aside() {
    local().clear().unwrap();
    // Span 2 cuts "é" in two, span 3 ends past the text, relation 2 links span 3: the text
    // view slicing them would stop the app at start-up.
    let stored = r#"{"schema":1,"document":{"id":"cut","title":"Cut","text":"José said 🇶🇦","created_ms":1,"modified_ms":1,
        "spans":[{"id":1,"label":"actor","start":0,"end":5},{"id":2,"label":"actor","start":4,"end":10},
                 {"id":3,"label":"figure","start":11,"end":40}],
        "relations":[{"id":2,"kind":"about","from":3,"to":1}],
        "next_span_id":4,"next_relation_id":3}}"#;
    local().set_item("glossa.doc.cut", stored).unwrap();

    let (doc, problem) = storage::open_document("cut").unwrap().unwrap();
    let kept: Vec<_> = doc.spans().iter().map(|s| doc.quote(s)).collect();
    assert_eq!(kept, ["José"]);
    assert!(doc.relations().is_empty());
    let problem = problem.expect("the user is told");
    match &problem {
        StorageProblem::Repaired {
            set_aside, kept_as, ..
        } => {
            assert_eq!(set_aside.len(), 3, "{set_aside:?}");
            assert_eq!(kept_as.as_deref(), Some("glossa.quarantine.glossa.doc.cut"));
        }
        p => panic!("{p:?}"),
    }
    let told = problem.to_string();
    assert!(
        told.contains("“Cut”") && told.contains("span 2 (actor, bytes 4..10)"),
        "{told}"
    );
    // Nothing is lost: the value as it was is kept aside, byte for byte, and listed.
    assert_eq!(
        get("glossa.quarantine.glossa.doc.cut").as_deref(),
        Some(stored)
    );
    assert_eq!(get("glossa.doc.cut").as_deref(), Some(stored));
    assert_eq!(storage::list_quarantined().len(), 1);
    // Opening it again keeps one copy, and so does exporting the library, which exports it as
    // it opens and says so.
    storage::open_document("cut").unwrap().unwrap();
    let (all, problems) = storage::load_all_documents();
    assert_eq!(all, vec![doc.clone()]);
    assert!(matches!(
        problems.as_slice(),
        [StorageProblem::Repaired { .. }]
    ));
    assert_eq!(storage::list_quarantined().len(), 1);
    // Once saved, it opens whole and says nothing.
    storage::save_document(&doc).unwrap();
    let (again, problem) = storage::open_document("cut").unwrap().unwrap();
    assert_eq!(again, doc);
    assert_eq!(problem, None);
    local().clear().unwrap();
}

#[wasm_bindgen_test]
fn unreadable_values_are_quarantined_named_and_the_others_load() {
    local().clear().unwrap();
    storage::save_document(&sample("good1", "First")).unwrap();
    storage::save_document(&sample("good2", "Second")).unwrap();
    let broken = r#"{"schema":1,"document":{"id":"bad","title":"Broken \"one\"","text":"cut off"#;
    local().set_item("glossa.doc.bad", broken).unwrap();

    let (docs, problems) = storage::load_all_documents();
    let mut titles: Vec<_> = docs.iter().map(|d| d.title.as_str()).collect();
    titles.sort();
    assert_eq!(titles, ["First", "Second"]);
    assert_eq!(problems.len(), 1);
    match &problems[0] {
        StorageProblem::Corrupt {
            key,
            title,
            quarantined_as,
        } => {
            assert_eq!(key, "glossa.doc.bad");
            assert_eq!(title.as_deref(), Some("Broken \"one\""));
            assert_eq!(
                quarantined_as.as_deref(),
                Some("glossa.quarantine.glossa.doc.bad")
            );
        }
        p => panic!("{p:?}"),
    }
    assert!(problems[0].to_string().contains("“Broken \"one\"”"));
    assert_eq!(
        get("glossa.quarantine.glossa.doc.bad").as_deref(),
        Some(broken)
    );
    assert_eq!(get("glossa.doc.bad"), None);
    let q = storage::list_quarantined();
    assert_eq!(q.len(), 1);
    assert_eq!(q[0].original_key, "glossa.doc.bad");
    assert_eq!(q[0].title.as_deref(), Some("Broken \"one\""));
    assert_eq!(storage::load_index().unwrap().len(), 2);

    // The same key broken again, differently: the first copy stays.
    local().set_item("glossa.doc.bad", "garbage 2").unwrap();
    assert!(storage::load_document("bad").is_err());
    assert_eq!(
        get("glossa.quarantine.glossa.doc.bad").as_deref(),
        Some(broken)
    );
    assert_eq!(storage::list_quarantined().len(), 2);

    // An unreadable index is kept aside and rebuilt from the documents.
    local().set_item("glossa.index", "{\"schema\":2,").unwrap();
    let (entries, problems) = storage::load_library();
    assert_eq!(entries.len(), 2);
    assert!(matches!(problems[..], [StorageProblem::Corrupt { .. }]));
    assert_eq!(
        get("glossa.quarantine.glossa.index").as_deref(),
        Some("{\"schema\":2,")
    );
    assert_eq!(storage::load_library(), (entries, vec![]));
}

#[wasm_bindgen_test]
fn an_unreadable_narrow_value_is_named_by_its_title_as_written() {
    // Cut off, so only the title's own JSON string is read: its escapes as JSON reads them.
    let cut = r#"{"schema":1,"document":{"id":"n","title":"\u2018Q\u2019 \"\ud83d\ude4f\" Zoë","text":"cut"#;
    assert_eq!(
        storage::guess_title(cut).as_deref(),
        Some("\u{2018}Q\u{2019} \"\u{1F64F}\" Zo\u{eb}")
    );
}

#[wasm_bindgen_test]
fn saving_over_a_broken_value_keeps_the_broken_value_aside_first() {
    local().clear().unwrap();
    local().set_item("glossa.doc.over", "{{{ not json").unwrap();
    storage::save_document(&sample("over", "Fresh")).unwrap();
    assert_eq!(
        get("glossa.quarantine.glossa.doc.over").as_deref(),
        Some("{{{ not json")
    );
    assert_eq!(
        storage::load_document("over").unwrap().unwrap().title,
        "Fresh"
    );
}

/// Fills local storage with junk until it refuses one more character; returns the junk keys.
fn fill_storage() -> Vec<String> {
    let mut keys = Vec::new();
    let mut chunk = 1 << 21;
    while chunk > 0 {
        let key = format!("junk{}", keys.len());
        match local().set_item(&key, &"x".repeat(chunk)) {
            Ok(()) => keys.push(key),
            Err(e) => {
                assert!(storage::is_quota_error(&e), "{e:?}");
                chunk /= 2;
            }
        }
    }
    keys
}

#[wasm_bindgen_test]
fn a_document_larger_than_all_of_local_storage_says_so_and_damages_nothing() {
    local().clear().unwrap();
    storage::save_document(&sample("small", "Small")).unwrap();
    let before = get("glossa.doc.small").unwrap();
    // A book of 5.5 million characters: no deleting makes room for it.
    let line = "Hamas said 100 captives were freed on Friday, Qatar said. 😀\n";
    let text = line.repeat(5_500_000 / line.encode_utf16().count() + 1);
    let mut book = Document::new("book", "Book", &text, 1_700_000_000_000);
    book.add_span("actor", 0, 5, Unit::Utf8).unwrap();
    let err = storage::save_document(&book).unwrap_err();
    assert!(
        matches!(
            err,
            StorageProblem::NotSaved {
                full: true,
                too_large: true,
                ..
            }
        ),
        "{err:?}"
    );
    let message = err.to_string();
    assert!(message.contains("too large"), "{message}");
    assert!(message.contains("5 million characters"), "{message}");
    assert!(message.contains("Export JSON"), "{message}");
    assert!(!message.contains("delete documents"), "{message}");
    assert_eq!(get("glossa.doc.book"), None);
    assert_eq!(get("glossa.doc.small").unwrap(), before);
    // A document that would fit on its own, in a storage full of others, is not too large.
    let junk = fill_storage();
    let err = storage::save_document(&sample("new", "New")).unwrap_err();
    assert!(
        matches!(
            err,
            StorageProblem::NotSaved {
                full: true,
                too_large: false,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("delete documents"));
    for k in &junk {
        local().remove_item(k).unwrap();
    }
    local().clear().unwrap();
}

#[wasm_bindgen_test]
fn a_narrow_value_that_does_not_fit_is_written_as_it_was_where_that_fits() {
    local().clear().unwrap();
    // Each dash adds 5 units narrowed, on 21: it pays, and adds 10,000 units in all.
    let doc = Document::new(
        "tight",
        "Tight",
        &"abcdefghijklmnopqrst\u{2014}".repeat(2000),
        1_700_000_000_000,
    );
    let wide =
        serde_json::to_string(&json!({ "schema": storage::DOC_SCHEMA, "document": doc })).unwrap();
    // Room for the value as it is, with 200 characters to spare (reserved with characters above
    // U+00FF, as it has), not for the narrow one: in Chromium and Firefox, whose quotas count
    // UTF-16 code units. WebKit counts bytes, a Latin-1 string's one a character and any other's
    // two, so there the narrow one takes less room, and fits.
    let room = wide.encode_utf16().count() + 200;
    local()
        .set_item("reserve", &"\u{2014}".repeat(room))
        .unwrap();
    let junk = fill_storage();
    local().remove_item("reserve").unwrap();
    storage::save_document(&doc).unwrap();
    let stored = get("glossa.doc.tight").unwrap();
    let agent = web_sys::window().unwrap().navigator().user_agent().unwrap();
    let webkit = !agent.contains("Chrome") && !agent.contains("Firefox");
    assert_eq!(stored.contains("\\u2014"), webkit, "{agent}");
    assert_eq!(stored.contains('\u{2014}'), !webkit);
    assert_eq!(storage::load_document("tight").unwrap().unwrap(), doc);
    for key in junk {
        local().remove_item(&key).unwrap();
    }
}

#[wasm_bindgen_test]
fn a_full_storage_refuses_the_edit_and_damages_nothing() {
    local().clear().unwrap();
    let mut doc = sample("full", "Before");
    storage::save_document(&doc).unwrap();
    storage::save_document(&sample("other", "Other")).unwrap();
    let broken = "{\"schema\":1,\"document\":{\"title\":\"Half\"";
    local().set_item("glossa.doc.half", broken).unwrap();
    let before_doc = get("glossa.doc.full").unwrap();
    let before_index = get("glossa.index").unwrap();
    let junk = fill_storage();
    assert!(!junk.is_empty());

    // A longer edit no longer fits.
    doc.title = "After, with a much longer title than before".repeat(4);
    doc.add_span("claim", 0, 23, Unit::Utf8).unwrap();
    let err = storage::save_document(&doc).unwrap_err();
    assert!(
        matches!(err, StorageProblem::NotSaved { full: true, .. }),
        "{err:?}"
    );
    let message = err.to_string();
    assert!(message.contains("full"), "{message}");
    assert!(message.contains("Export"), "{message}");
    assert!(message.contains("delete documents"), "{message}");
    // Nothing saved before is damaged.
    assert_eq!(get("glossa.doc.full").unwrap(), before_doc);
    assert_eq!(get("glossa.index").unwrap(), before_index);
    assert_eq!(
        storage::load_document("full").unwrap().unwrap().title,
        "Before"
    );
    assert_eq!(
        storage::load_document("other").unwrap().unwrap().title,
        "Other"
    );
    // A new document is refused too, and leaves no half-written key.
    assert!(storage::save_document(&sample("new", "New")).is_err());
    assert_eq!(get("glossa.doc.new"), None);
    // With no room to keep an unreadable value aside, it stays where it is, untouched.
    match storage::load_document("half").unwrap_err() {
        StorageProblem::Corrupt {
            quarantined_as: None,
            title,
            ..
        } => assert_eq!(title.as_deref(), Some("Half")),
        p => panic!("{p:?}"),
    }
    assert_eq!(get("glossa.doc.half").as_deref(), Some(broken));
    let half = sample("half", "Would overwrite");
    assert!(storage::save_document(&half).is_err());
    assert_eq!(get("glossa.doc.half").as_deref(), Some(broken));

    // Room again (the user deleted something): the edit in memory saves.
    for k in &junk {
        local().remove_item(k).unwrap();
    }
    storage::save_document(&doc).unwrap();
    assert_eq!(storage::load_document("full").unwrap().unwrap(), doc);
    local().clear().unwrap();
}

#[wasm_bindgen_test]
fn storage_keys_sort_into_changes() {
    assert_eq!(storage::classify(None), Change::Cleared);
    assert_eq!(storage::classify(Some("glossa.index")), Change::Index);
    assert_eq!(
        storage::classify(Some("glossa.doc.d1")),
        Change::Document("d1".into())
    );
    assert_eq!(
        storage::classify(Some("glossa.lock.d1")),
        Change::Lock("d1".into())
    );
    // Another tab's journaled edit changes the document as much as a whole write does.
    assert_eq!(
        storage::classify(Some("glossa.journal.d1")),
        Change::Document("d1".into())
    );
    assert_eq!(storage::classify(Some("glossa.current")), Change::Current);
    assert_eq!(storage::classify(Some("elsewhere")), Change::Other);
}

/// Waits for the next `storage` event on this window, or `None` after `ms`.
async fn next_storage_event(ms: i32, trigger: impl FnOnce()) -> Option<web_sys::StorageEvent> {
    let window = web_sys::window().unwrap();
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let w = web_sys::window().unwrap();
        let r = resolve.clone();
        let on_event = Closure::once_into_js(move |e: web_sys::StorageEvent| {
            r.call1(&JsValue::NULL, &e).unwrap();
        });
        let options = web_sys::AddEventListenerOptions::new();
        options.set_once(true);
        w.add_event_listener_with_callback_and_add_event_listener_options(
            "storage",
            on_event.unchecked_ref(),
            &options,
        )
        .unwrap();
        let timeout = Closure::once_into_js(move || {
            resolve.call1(&JsValue::NULL, &JsValue::NULL).unwrap();
        });
        w.set_timeout_with_callback_and_timeout_and_arguments_0(timeout.unchecked_ref(), ms)
            .unwrap();
    });
    let _ = &window;
    trigger();
    let value = wasm_bindgen_futures::JsFuture::from(promise).await.unwrap();
    value.dyn_into::<web_sys::StorageEvent>().ok()
}

#[wasm_bindgen_test]
async fn another_document_saving_reaches_this_one_as_a_storage_event() {
    local().clear().unwrap();
    let document = web_sys::window().unwrap().document().unwrap();
    let frame: web_sys::HtmlIFrameElement =
        document.create_element("iframe").unwrap().unchecked_into();
    document.body().unwrap().append_child(&frame).unwrap();
    // about:blank shares this page's origin, so its localStorage is ours: another "tab".
    let other = frame
        .content_window()
        .unwrap()
        .local_storage()
        .unwrap()
        .unwrap();
    let doc = sample("evt", "From the other tab");
    let value = serde_json::to_string(&json!({"schema": 1, "document": doc})).unwrap();

    let event = next_storage_event(3000, || other.set_item("glossa.doc.evt", &value).unwrap())
        .await
        .expect("a storage event");
    assert_eq!(
        storage::classify(event.key().as_deref()),
        Change::Document("evt".into())
    );
    assert_eq!(event.new_value().as_deref(), Some(value.as_str()));
    // What the other document wrote loads here.
    assert_eq!(storage::load_document("evt").unwrap().unwrap(), doc);

    // This page's own writes raise no event here.
    let own = next_storage_event(300, || {
        storage::save_document(&sample("own", "Mine")).unwrap();
    })
    .await;
    assert!(own.is_none());
    frame.remove();
}

#[wasm_bindgen_test]
fn one_tab_at_a_time_holds_a_document() {
    local().clear().unwrap();
    assert_eq!(tabs::holder("L"), Holder::Nobody);
    assert!(tabs::try_acquire("L"));
    assert_eq!(tabs::holder("L"), Holder::ThisTab);
    assert!(tabs::try_acquire("L"), "renewing is acquiring");

    // Another tab takes over ("Edit here" there): this one may no longer edit.
    let other = |until_ms: f64| {
        json!({"schema": 1, "tab": "tother", "until_ms": until_ms as i64}).to_string()
    };
    let now = js_sys::Date::now();
    local()
        .set_item("glossa.lock.L", &other(now + 6000.0))
        .unwrap();
    assert_eq!(tabs::holder("L"), Holder::OtherTab);
    assert!(!tabs::try_acquire("L"));
    // Releasing a lease this tab does not hold leaves it.
    tabs::release("L");
    assert!(get("glossa.lock.L").is_some());
    // A lease whose tab stopped renewing it (closed, crashed) is free.
    local()
        .set_item("glossa.lock.L", &other(now - 1.0))
        .unwrap();
    assert_eq!(tabs::holder("L"), Holder::Nobody);
    assert!(tabs::try_acquire("L"));
    tabs::release("L");
    assert_eq!(get("glossa.lock.L"), None);
    // "Edit here" takes it from a live holder.
    local()
        .set_item("glossa.lock.L", &other(now + 6000.0))
        .unwrap();
    tabs::take_over("L");
    assert_eq!(tabs::holder("L"), Holder::ThisTab);
}

#[wasm_bindgen_test]
fn the_undo_history_is_stored_per_document_and_bounded() {
    use glossa_core::{Edit, History};
    local().clear().unwrap();
    let mut doc = sample("h", "History");
    let mut history = History::default();
    history
        .do_edit(&mut doc, Edit::add_span("claim", 0, 10))
        .unwrap();
    history
        .do_edit(&mut doc, Edit::add_span("actor", 11, 14))
        .unwrap();
    history.undo(&mut doc).unwrap();
    storage::save_document(&doc).unwrap();
    storage::save_history("h", &history, doc.modified_ms).unwrap();
    let back = storage::load_history("h", doc.modified_ms)
        .unwrap()
        .unwrap();
    assert_eq!(back, history);
    assert_eq!((back.undo_len(), back.redo_len()), (1, 1));
    let v: Value = serde_json::from_str(&get("glossa.history.h").unwrap()).unwrap();
    assert_eq!(v["schema"], json!(storage::HISTORY_SCHEMA));
    // Undo works on the reloaded pair.
    let mut again = storage::load_document("h").unwrap().unwrap();
    let mut back = back;
    back.undo(&mut again).unwrap();
    assert_eq!(again.spans().len(), 3);

    // Bounded: 600 steps keep the newest 500.
    let mut long = History::default();
    let mut d = sample("long", "Long");
    let first = d.spans()[0].id;
    for i in 0..600 {
        let label = if i % 2 == 0 { "claim" } else { "actor" };
        long.do_edit(
            &mut d,
            Edit::Relabel {
                id: first,
                label: label.into(),
            },
        )
        .unwrap();
    }
    storage::save_history("long", &long, d.modified_ms).unwrap();
    assert_eq!(
        storage::load_history("long", d.modified_ms)
            .unwrap()
            .unwrap()
            .undo_len(),
        500
    );

    // An unreadable history is kept aside; the document still loads; delete removes both.
    local().set_item("glossa.history.h", "{oops").unwrap();
    assert!(storage::load_history("h", doc.modified_ms).is_err());
    assert_eq!(
        get("glossa.quarantine.glossa.history.h").as_deref(),
        Some("{oops")
    );
    assert!(storage::load_document("h").unwrap().is_some());
    storage::save_history("h", &history, doc.modified_ms).unwrap();
    storage::delete_document("h").unwrap();
    assert_eq!(get("glossa.history.h"), None);
    assert_eq!(storage::load_history("missing", 0).unwrap(), None);
}

/// Edits `doc` through a history, as the editor does, and returns the journal of them.
fn journaled_edits(doc: &mut Document) -> Journal {
    journaled_edits_with(doc, &mut History::default())
}

/// Edits `doc` through `history`, as the editor does, and returns the journal of them.
fn journaled_edits_with(doc: &mut Document, history: &mut History) -> Journal {
    let mut journal = Journal::starting_from(doc);
    let actor = doc.spans()[0].id;
    let claim = history.add_span(doc, "claim", 0, 23, Unit::Utf8).unwrap();
    history.add_relation(doc, "said-by", claim, actor).unwrap();
    history
        .do_edit(
            doc,
            Edit::SetNote {
                id: claim,
                note: Some("Check with the ministry".into()),
            },
        )
        .unwrap();
    history.undo(doc).unwrap();
    doc.modified_ms += 1_000;
    journal.record(history.take_applied(), doc.modified_ms);
    journal
}

#[wasm_bindgen_test]
fn a_journal_of_edits_replays_on_the_stored_document_until_it_is_written_whole() {
    local().clear().unwrap();
    let mut doc = sample("j", "Journaled");
    storage::save_document(&doc).unwrap();
    let whole = get("glossa.doc.j").unwrap();
    assert!(!storage::has_journal("j"));

    let journal = journaled_edits(&mut doc);
    storage::save_journal("j", &journal).unwrap();
    // The edit is one small write: the document's own value is untouched ...
    assert_eq!(get("glossa.doc.j").unwrap(), whole);
    assert!(storage::has_journal("j"));
    assert!(get("glossa.journal.j").unwrap().len() < whole.len());
    // ... yet reading the document gives it with every edit.
    let (read, note) = storage::open_document("j").unwrap().unwrap();
    assert_eq!(read, doc);
    assert_eq!(note, None);
    assert_eq!(storage::load_all_documents().0, vec![doc.clone()]);

    // Written whole, the document holds the edits and the journal is gone.
    storage::save_document(&doc).unwrap();
    assert!(!storage::has_journal("j"));
    assert_eq!(storage::load_document("j").unwrap().unwrap(), doc);

    // A journal left from before that write (the page closed between the two writes) is
    // stale: its edits are not made twice.
    storage::save_journal("j", &journal).unwrap();
    assert_eq!(storage::load_document("j").unwrap().unwrap(), doc);
    storage::save_document(&doc).unwrap();
    assert!(!storage::has_journal("j"));

    // Deleting the document deletes its journal.
    storage::save_journal("j", &Journal::starting_from(&doc)).unwrap();
    storage::delete_document("j").unwrap();
    assert_eq!(get("glossa.journal.j"), None);
    local().clear().unwrap();
}

#[wasm_bindgen_test]
fn the_undo_history_follows_the_journal_and_is_written_only_with_the_whole_document() {
    local().clear().unwrap();
    let mut doc = sample("hj", "History journaled");
    let mut history = History::default();
    history
        .do_edit(&mut doc, Edit::add_span("figure", 11, 14))
        .unwrap();
    history.take_applied();
    storage::save_document(&doc).unwrap();
    storage::save_history("hj", &history, doc.modified_ms).unwrap();
    let written = get("glossa.history.hj").unwrap();

    let journal = journaled_edits_with(&mut doc, &mut history);
    storage::save_journal("hj", &journal).unwrap();
    // The history's own value is not rewritten per edit ...
    assert_eq!(get("glossa.history.hj").unwrap(), written);
    // ... yet it reads back as it is in memory, and undoes on the reopened document.
    let (mut reopened, _) = storage::open_document("hj").unwrap().unwrap();
    assert_eq!(reopened, doc);
    let mut back = storage::load_history("hj", reopened.modified_ms)
        .unwrap()
        .unwrap();
    assert_eq!(back, history);
    let steps = back.undo_len();
    for _ in 0..steps {
        assert_eq!(back.undo(&mut reopened), Ok(true));
    }
    assert_eq!(reopened.spans(), sample("hj", "").spans());

    // A history that belongs to another state of the document (the page closed between
    // writing the document whole and its history) is not used: nothing to undo, rather than
    // the wrong thing.
    storage::save_document(&doc).unwrap();
    assert_eq!(storage::load_history("hj", doc.modified_ms).unwrap(), None);
    // Nor is one the journal does not fit: it undoes a step that history does not have.
    let mut undoing = Journal::starting_from(&doc);
    let mut moved = history.clone();
    moved.undo(&mut doc.clone()).unwrap();
    undoing.record(moved.take_applied(), doc.modified_ms + 1);
    storage::save_history("hj", &History::default(), doc.modified_ms).unwrap();
    storage::save_journal("hj", &undoing).unwrap();
    assert_eq!(
        storage::load_history("hj", undoing.modified_ms).unwrap(),
        None
    );
    storage::save_history("hj", &history, doc.modified_ms).unwrap();
    assert_eq!(
        storage::load_history("hj", undoing.modified_ms).unwrap(),
        Some(moved)
    );

    // A journal of the first schema (edits alone) beside a history written with every edit:
    // the history is used as it is.
    let mut first = serde_json::to_value(&journal).unwrap();
    first.as_object_mut().unwrap().remove("moves");
    local()
        .set_item(
            "glossa.journal.hj",
            &json!({"schema": 1, "journal": first}).to_string(),
        )
        .unwrap();
    local()
        .set_item(
            "glossa.history.hj",
            &json!({"schema": 2, "history": history}).to_string(),
        )
        .unwrap();
    assert_eq!(
        storage::load_history("hj", journal.modified_ms)
            .unwrap()
            .unwrap(),
        history
    );
    local().clear().unwrap();
}

#[wasm_bindgen_test]
fn an_unreadable_or_unfitting_journal_is_kept_aside_and_the_document_opens() {
    local().clear().unwrap();
    let doc = sample("bj", "Broken journal");
    storage::save_document(&doc).unwrap();
    local()
        .set_item("glossa.journal.bj", "{\"schema\":1,\"journal\":{\"base_")
        .unwrap();
    let (read, note) = storage::open_document("bj").unwrap().unwrap();
    assert_eq!(read, doc);
    let message = note.expect("the user is told").to_string();
    assert!(message.contains("last edits"), "{message}");
    assert!(message.contains("Broken journal"), "{message}");
    assert!(
        message.contains("glossa.quarantine.glossa.journal.bj"),
        "{message}"
    );
    assert_eq!(
        get("glossa.quarantine.glossa.journal.bj").as_deref(),
        Some("{\"schema\":1,\"journal\":{\"base_")
    );
    assert!(!storage::has_journal("bj"));

    // Edits that no longer fit the document (one removes a span that is not there) are all
    // left out, and kept aside too.
    let mut other = doc.clone();
    let mut journal = journaled_edits(&mut other);
    journal.edits.push(Edit::RemoveSpan {
        id: glossa_core::SpanId(999),
    });
    storage::save_journal("bj", &journal).unwrap();
    let (read, note) = storage::open_document("bj").unwrap().unwrap();
    assert_eq!(read.spans(), doc.spans());
    assert_eq!(read.relations(), doc.relations());
    assert!(matches!(
        note,
        Some(StorageProblem::Corrupt {
            quarantined_as: Some(_),
            ..
        })
    ));
    assert!(!storage::has_journal("bj"));
    local().clear().unwrap();
}

/// Local storage's values now, as they are, to be put back as they were (a browser killed
/// before local storage reached the disk comes back with an earlier state).
fn snapshot() -> Vec<(String, String)> {
    let s = local();
    (0..s.length().unwrap())
        .map(|i| s.key(i).unwrap().unwrap())
        .map(|k| (k.clone(), get(&k).unwrap()))
        .collect()
}

fn roll_back_to(earlier: &[(String, String)]) {
    local().clear().unwrap();
    for (k, v) in earlier {
        local().set_item(k, v).unwrap();
    }
}

#[wasm_bindgen_test]
async fn the_indexeddb_copy_puts_back_what_local_storage_lost_and_nothing_else() {
    use glossa::browser::mirror;
    local().clear().unwrap();
    // No copy from an earlier run.
    let factory = web_sys::window().unwrap().indexed_db().unwrap().unwrap();
    let deleting = factory.delete_database("glossa-mirror").unwrap();
    let deleted = js_sys::Promise::new(&mut |resolve, reject| {
        deleting.set_onsuccess(Some(&resolve));
        deleting.set_onerror(Some(&reject));
    });
    wasm_bindgen_futures::JsFuture::from(deleted).await.unwrap();
    // A document stored before there was a copy: its first write copies all of it.
    let mut old = sample("old", "From before the copy");
    storage::save_document(&old).unwrap();
    let before_the_copy = snapshot();
    local().remove_item("glossa.current").unwrap();
    // The page's script that opens the copy as it starts, run as index.html runs it: here after
    // the delete, which its connection would otherwise hold up.
    let script = web_sys::window()
        .unwrap()
        .document()
        .unwrap()
        .create_element("script")
        .unwrap();
    script.set_text_content(Some(include_str!("../assets/mirror.js")));
    web_sys::window()
        .unwrap()
        .document()
        .unwrap()
        .head()
        .unwrap()
        .append_child(&script)
        .unwrap();
    assert_eq!(mirror::restore().await, Vec::<String>::new());

    let count = |id: &str| get(&mirror::count_key(id)).map_or(0, |c| c.parse::<u64>().unwrap());
    let before = count("old");
    let journal = journaled_edits(&mut old);
    storage::save_journal("old", &journal).unwrap();
    assert_eq!(count("old"), before + 1);
    let mut new = sample("new", "Made after");
    storage::save_document(&new).unwrap();
    let new_written = snapshot();
    storage::save_journal("new", &journaled_edits(&mut new)).unwrap();
    // A note half-typed is copied too.
    storage::save_note_draft("old", glossa_core::SpanId(1), "half-typed");
    mirror::settled().await;
    let all_written = snapshot();
    assert!(all_written.iter().any(|(k, _)| k == "glossa.note.old"));

    // Local storage comes back as it was before any of it: both documents are put back whole,
    // the one from before with its journal, and the open document is one of them.
    roll_back_to(&before_the_copy);
    let mut restored = mirror::restore().await;
    restored.sort();
    assert_eq!(restored, ["new", "old"]);
    for (k, v) in &all_written {
        if !k.starts_with("glossa.index") && !k.starts_with("glossa.current") {
            assert_eq!(get(k).as_ref(), Some(v), "{k}");
        }
    }
    assert_eq!(storage::open_document("old").unwrap().unwrap().0, old);
    assert_eq!(storage::open_document("new").unwrap().unwrap().0, new);
    assert!(storage::current_document_id().is_some());
    // Nothing further along in the copy now: nothing is put back.
    assert_eq!(mirror::restore().await, Vec::<String>::new());

    assert_eq!(
        storage::take_note_draft("old"),
        Some((glossa_core::SpanId(1), "half-typed".into()))
    );
    mirror::settled().await;
    let all_written = snapshot();

    // A delete lost by local storage is made again (no document is put back), and the counts
    // go with it.
    storage::delete_document("new").unwrap();
    mirror::settled().await;
    let deleted = snapshot();
    roll_back_to(&all_written);
    assert_eq!(mirror::restore().await, Vec::<String>::new());
    assert_eq!(get("glossa.doc.new"), None);
    assert_eq!(get("glossa.journal.new"), None);
    assert_eq!(get(&mirror::count_key("new")), None);
    // The copy's count went too: a value under that id now, with no count in local storage,
    // is not deleted again at the next start (it would be, were the copy's count kept).
    roll_back_to(&deleted);
    local().remove_item(&mirror::count_key("new")).unwrap();
    local().set_item("glossa.doc.new", "kept").unwrap();
    assert_eq!(mirror::restore().await, Vec::<String>::new());
    assert_eq!(get("glossa.doc.new").as_deref(), Some("kept"));
    local().remove_item("glossa.doc.new").unwrap();

    // Writes the copy missed (made with no copy, as in a session where IndexedDB did not
    // answer): the next copied write takes every value, so the copy is not put back stale.
    let mut missed = sample("missed", "Missed");
    storage::save_document(&missed).unwrap();
    mirror::settled().await;
    let before_missed = snapshot();
    missed.title = "Missed, renamed with no copy".into();
    let missed_writes = count("missed") + 3;
    local()
        .set_item(&mirror::count_key("missed"), &missed_writes.to_string())
        .unwrap();
    local()
        .set_item(
            "glossa.doc.missed",
            &json!({"schema": 1, "document": missed}).to_string(),
        )
        .unwrap();
    let journal = journaled_edits(&mut missed);
    storage::save_journal("missed", &journal).unwrap();
    mirror::settled().await;
    roll_back_to(&before_missed);
    assert_eq!(mirror::restore().await, ["missed"]);
    assert_eq!(storage::open_document("missed").unwrap().unwrap().0, missed);

    // Local storage further along than the copy (a copy not written): it is left as it is.
    roll_back_to(&new_written);
    local().set_item(&mirror::count_key("new"), "99").unwrap();
    // (That earlier state had no "missed" yet, nor the note's writes to "old": they come back.)
    assert_eq!(mirror::restore().await, ["missed", "old"]);
    assert_eq!(get("glossa.journal.new"), None);
    assert!(get("glossa.doc.new").is_some());
}
