//! Local storage, through gloo-storage's handle on `window.localStorage`. One key per document
//! plus an index, so one edit rewrites one document and start-up does not parse the library.
//!
//! | key | value | schema |
//! | --- | --- | --- |
//! | `glossa.index` | the list of documents, one [`IndexEntry`] each | [`INDEX_SCHEMA`] (2) |
//! | `glossa.doc.<id>` | one document | [`DOC_SCHEMA`] (1) |
//! | `glossa.current` | the id of the document open in the last tab that opened one | [`CURRENT_SCHEMA`] (1) |
//! | `glossa.lock.<id>` | which tab edits the document (see `browser::tabs`) | 1 |
//! | `glossa.history.<id>` | the document's undo/redo history (at most 500 steps), written with the whole document | [`HISTORY_SCHEMA`] (2) |
//! | `glossa.journal.<id>` | the edits made since the document was last written whole, and how its history moved | [`JOURNAL_SCHEMA`] (2) |
//! | `glossa.quarantine.<key>` | an unreadable value, or a repaired document's, byte for byte as it was | none: kept raw |
//!
//! Every value is JSON with a `schema` number. A reader migrates older values step by step
//! ([`migrate_index`], [`read_document`], [`migrate_current`]); a value from a newer Glossa is
//! left untouched. A value that does not parse is never overwritten or deleted: it is moved to
//! `glossa.quarantine.<key>` (or, if even that write fails, left where it is), and the user is
//! told which document it was and can download it. A document that parses but does not fit
//! together is copied there too, and opens without what does not fit. See `docs/storage.md`.

use gloo_storage::{LocalStorage, Storage};
use glossa_core::stored_json::narrowed;
use glossa_core::{Document, History, Journal, SpanId};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use wasm_bindgen::{JsCast, JsValue};

/// The document schema this code writes.
pub const DOC_SCHEMA: u32 = 1;
/// The index schema this code writes. Version 1 had no size and no counts per label.
pub const INDEX_SCHEMA: u32 = 2;
/// The `glossa.current` schema. Version 0 was the bare id, not JSON.
pub const CURRENT_SCHEMA: u32 = 1;
/// The undo history schema.
pub const HISTORY_SCHEMA: u32 = 2;
/// The journal schema. Version 1 had edits alone (the history was written with every edit).
pub const JOURNAL_SCHEMA: u32 = 2;
/// Kept for callers of the first version of this module: the document schema.
pub const SCHEMA: u32 = DOC_SCHEMA;

pub const INDEX_KEY: &str = "glossa.index";
pub const CURRENT_KEY: &str = "glossa.current";
pub const DOC_PREFIX: &str = "glossa.doc.";
pub const LOCK_PREFIX: &str = "glossa.lock.";
pub const HISTORY_PREFIX: &str = "glossa.history.";
pub const JOURNAL_PREFIX: &str = "glossa.journal.";
pub const QUARANTINE_PREFIX: &str = "glossa.quarantine.";
pub const NOTE_DRAFT_PREFIX: &str = "glossa.note.";

/// What browsers give one origin's local storage, at least: about 5 million UTF-16 code units
/// of keys and values together (5,242,877 measured by filling it in Chromium and WebKit with
/// Latin-1; Chromium 148 takes as many other characters, WebKit half as many). Usage is shown
/// against this, and a value longer than this alone can never be stored.
pub const QUOTA_ESTIMATE: usize = 5 * 1024 * 1024;

/// A document as stored, with its schema version.
#[derive(Serialize, Deserialize)]
struct StoredDocument {
    schema: u32,
    document: Document,
}

/// One line of the library index: enough to list a document without loading it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct IndexEntry {
    pub id: String,
    pub title: String,
    pub modified_ms: i64,
    /// How many spans, in all.
    pub spans: usize,
    /// Characters (code points) of the text.
    pub text_chars: usize,
    /// UTF-16 code units the stored value takes (what the browser's quota counts).
    pub stored_units: usize,
    /// Spans per label name.
    pub labels: BTreeMap<String, usize>,
}

impl IndexEntry {
    /// The index line for `document` stored as `stored_units` code units.
    pub fn of(document: &Document, stored_units: usize) -> Self {
        let mut labels = BTreeMap::new();
        for span in document.spans() {
            *labels.entry(span.label.clone()).or_insert(0) += 1;
        }
        IndexEntry {
            id: document.id.clone(),
            title: document.title.clone(),
            modified_ms: document.modified_ms,
            spans: document.spans().len(),
            text_chars: document.text.chars().count(),
            stored_units,
            labels,
        }
    }
}

#[derive(Serialize, Deserialize, Default)]
struct StoredIndex {
    schema: u32,
    documents: Vec<IndexEntry>,
}

/// What went wrong with storage, in words a user can act on.
#[derive(Clone, Debug, PartialEq)]
pub enum StorageProblem {
    /// The browser refused the write; `full` when it said storage is full, `too_large` when
    /// the value alone is more than a browser keeps for a site (deleting others cannot help).
    NotSaved {
        why: String,
        full: bool,
        too_large: bool,
    },
    /// The browser lets this page store nothing (`why`: its words): every edit is only in
    /// memory. See [`denied`].
    Denied { why: String },
    /// A stored value could not be read. It was moved to `quarantined_as`, or left in place
    /// untouched when even that was refused (`None`).
    Corrupt {
        key: String,
        title: Option<String>,
        quarantined_as: Option<String>,
    },
    /// A value written by a newer Glossa: left untouched.
    Newer { key: String, schema: u64 },
    /// A stored document did not fit together and opened without `set_aside`; the value as it
    /// was is kept under `kept_as` (`None`: storage refused the copy).
    Repaired {
        key: String,
        title: String,
        set_aside: Vec<String>,
        kept_as: Option<String>,
    },
    /// Two problems met reading one document (itself, then its journal).
    Both(Box<(StorageProblem, StorageProblem)>),
}

impl StorageProblem {
    /// True when a document was repaired as it opened and its value as it was is kept aside:
    /// the tab that edits it may then write it whole as it opened.
    pub fn repaired_and_kept(&self) -> bool {
        match self {
            StorageProblem::Repaired { kept_as, .. } => kept_as.is_some(),
            StorageProblem::Both(both) => both.0.repaired_and_kept(),
            _ => false,
        }
    }
}

fn what(key: &str, title: &Option<String>) -> String {
    if key.starts_with(JOURNAL_PREFIX) {
        return match title {
            Some(t) => format!("The last edits to “{t}” ({key})"),
            None => format!("A document's last edits ({key})"),
        };
    }
    match (key.strip_prefix(DOC_PREFIX), title) {
        (Some(_), Some(t)) => format!("The document “{t}” ({key})"),
        (Some(_), None) => format!("A document ({key})"),
        (None, _) if key == INDEX_KEY => format!("The list of documents ({key})"),
        (None, _) => format!("A stored value ({key})"),
    }
}

impl std::fmt::Display for StorageProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StorageProblem::NotSaved {
                too_large: true, ..
            } => write!(
                f,
                "Not saved: this document is too large for this browser's storage, which keeps \
                 at most about {} million characters for a site, the text and its spans \
                 together. It stays open here, and everything saved before is intact: export it \
                 now (Export JSON) to keep your work.",
                QUOTA_ESTIMATE / 1_000_000
            ),
            StorageProblem::NotSaved { full: true, .. } => write!(
                f,
                "Not saved: this browser's storage for Glossa is full. Your edit is still open \
                 here, and everything saved before is intact. Export it now (Export JSON, or \
                 Export library under Your documents), or delete documents you no longer need; \
                 the next edit saves everything."
            ),
            StorageProblem::NotSaved { why, .. } => write!(
                f,
                "Not saved: the browser refused to store this edit ({why}). Your work is still \
                 open here: export it now, or delete documents you no longer need."
            ),
            StorageProblem::Denied { why } => write!(
                f,
                "Nothing is saved: this browser does not let Glossa keep anything on this page \
                 (it says: {why}), which happens when cookies and site data are blocked. You can \
                 annotate and export, but nothing is kept when this tab closes: export your \
                 work (Export JSON) before you leave, or allow this site to store data and \
                 reload."
            ),
            StorageProblem::Corrupt {
                key,
                title,
                quarantined_as: Some(q),
            } => write!(
                f,
                "{} could not be read. It was kept aside as {q}; nothing was deleted. Download \
                 it from Unreadable values under Your documents.",
                what(key, title)
            ),
            StorageProblem::Corrupt {
                key,
                title,
                quarantined_as: None,
            } => write!(
                f,
                "{} could not be read, and storage is too full to keep a copy aside, so it was \
                 left where it is, untouched. Download it from Unreadable values under Your \
                 documents.",
                what(key, title)
            ),
            StorageProblem::Repaired {
                key,
                title,
                set_aside,
                kept_as,
            } => {
                let shown = &set_aside[..set_aside.len().min(3)];
                let more = set_aside.len() - shown.len();
                write!(
                    f,
                    "{} had parts that did not fit together; they were set aside: {}{}. The \
                     rest opens as usual. ",
                    what(key, &Some(title.clone())),
                    shown.join("; "),
                    if more > 0 {
                        format!(" (and {more} more)")
                    } else {
                        String::new()
                    }
                )?;
                match kept_as {
                    Some(q) => write!(
                        f,
                        "The document as it was is kept as {q}; download it from Unreadable \
                         values under Your documents."
                    ),
                    None => write!(
                        f,
                        "Storage is too full to keep a copy of it as it was; it stays stored \
                         as it was until your next edit to it is saved."
                    ),
                }
            }
            StorageProblem::Both(both) => write!(f, "{} {}", both.0, both.1),
            StorageProblem::Newer { key, schema } => write!(
                f,
                "{} was written by a newer version of Glossa (schema {schema}); it was left \
                 untouched. Open Glossa's newest version to use it.",
                what(key, &None)
            ),
        }
    }
}

/// Why this page may not use local storage at all (`None`: it may). A browser denies it when
/// the user blocks cookies and site data (for every site or this one), or has it switched off;
/// gloo's handle panics there, so it is only taken once the browser has said yes. Asked once:
/// such a setting takes effect at the next load.
pub fn denied() -> Option<String> {
    thread_local! {
        static DENIED: std::cell::OnceCell<Option<String>> = const { std::cell::OnceCell::new() };
    }
    DENIED.with(|d| {
        d.get_or_init(|| match web_sys::window().map(|w| w.local_storage()) {
            Some(Ok(Some(_))) => None,
            Some(Ok(None)) | None => Some("this browser has local storage switched off".into()),
            Some(Err(e)) => Some(
                js_sys::Reflect::get(&e, &"message".into())
                    .ok()
                    .and_then(|m| m.as_string())
                    .unwrap_or_else(|| format!("{e:?}")),
            ),
        })
        .clone()
    })
}

fn store() -> Option<web_sys::Storage> {
    denied().is_none().then(LocalStorage::raw)
}

/// A write to a storage the browser denies.
fn denied_write() -> StorageProblem {
    StorageProblem::Denied {
        why: denied().unwrap_or_default(),
    }
}

pub fn doc_key(id: &str) -> String {
    format!("{DOC_PREFIX}{id}")
}

pub fn history_key(id: &str) -> String {
    format!("{HISTORY_PREFIX}{id}")
}

pub fn journal_key(id: &str) -> String {
    format!("{JOURNAL_PREFIX}{id}")
}

pub(crate) fn note_draft_key(id: &str) -> String {
    format!("{NOTE_DRAFT_PREFIX}{id}")
}

/// A note as it is typed, before its field commits it (on losing the focus): kept at each
/// keystroke, so that a crash, or another tab taking the document over, does not lose it.
/// `{"schema":1,"span":…,"note":"…"}`, written by hand (no serde derive for one small value).
pub fn save_note_draft(document: &str, span: SpanId, note: &str) {
    let note = serde_json::to_string(note).unwrap_or_default();
    let _ = write_raw(
        &note_draft_key(document),
        &format!("{{\"schema\":1,\"span\":{},\"note\":{note}}}", span.0),
    );
}

/// Forgets the note being typed in `document` (it was committed).
pub fn drop_note_draft(document: &str) {
    remove(&note_draft_key(document));
}

/// The note left half-typed in `document`, taken out of storage.
pub fn take_note_draft(document: &str) -> Option<(SpanId, String)> {
    let key = note_draft_key(document);
    let value = raw(&key)?;
    remove(&key);
    // Read as it is written (a JSON tree reader for one small value cost 1 KB of wasm).
    let (span, note) = value
        .strip_prefix("{\"schema\":1,\"span\":")?
        .strip_suffix('}')?
        .split_once(",\"note\":")?;
    Some((SpanId(span.parse().ok()?), serde_json::from_str(note).ok()?))
}

/// Session storage's key (it goes with the tab, not with the library) for where the open
/// document was being read when the page went away.
const PLACE_KEY: &str = "glossa.place";

/// Where a document was being read: the selected span, and the paragraph block at the top of
/// the window with how far from the window's top it began (CSS pixels).
pub type Place = (Option<SpanId>, Option<(usize, i32)>);

/// Keeps where `document` is being read, for a reload in this tab (after an update, or the
/// bug banner's Reload): the selected span, and the paragraph at the top of the window with
/// how far from the window's top it began (in CSS pixels).
pub fn save_place(document: &str, span: Option<SpanId>, block: Option<(usize, i32)>) {
    if let Some(s) = web_sys::window().and_then(|w| w.session_storage().ok().flatten()) {
        let span = span.map_or(0, |s| s.0);
        let (block, top) = block.map_or((-1, 0), |(b, top)| (b as i64, top));
        let _ = s.set_item(PLACE_KEY, &format!("{span} {block} {top} {document}"));
    }
}

/// Where `document` was being read when this tab last went away, taken once (a later
/// opening of it starts at its top).
pub fn take_place(document: &str) -> Option<Place> {
    let s = web_sys::window()?.session_storage().ok()??;
    let value = s.get_item(PLACE_KEY).ok()??;
    let _ = s.remove_item(PLACE_KEY);
    let mut parts = value.splitn(4, ' ');
    let span = parts.next()?.parse::<u32>().ok()?;
    let block = parts.next()?.parse::<i64>().ok()?;
    let top = parts.next()?.parse::<i32>().ok()?;
    (parts.next()? == document).then(|| {
        (
            (span > 0).then_some(SpanId(span)),
            usize::try_from(block).ok().map(|b| (b, top)),
        )
    })
}

/// The id of the document whose content `key` holds: its own value or its journal.
fn document_of(key: &str) -> Option<&str> {
    key.strip_prefix(DOC_PREFIX)
        .or_else(|| key.strip_prefix(JOURNAL_PREFIX))
}

/// The value under `key`, as stored.
pub fn raw(key: &str) -> Option<String> {
    store()?.get_item(key).ok().flatten()
}

/// The first `n` UTF-16 units of a stored value, without copying the rest of it into the wasm
/// (a long document's value is megabytes).
fn raw_prefix(key: &str, n: u32) -> Option<String> {
    let value: js_sys::JsString = raw_js(key)?.dyn_into().ok()?;
    Some(value.slice(0, n.min(value.length())).into())
}

/// Every key in local storage.
pub fn keys() -> Vec<String> {
    let Some(s) = store() else {
        return Vec::new();
    };
    let n = s.length().unwrap_or(0);
    (0..n).filter_map(|i| s.key(i).ok().flatten()).collect()
}

/// True when a JS exception from `setItem` means "storage is full".
pub fn is_quota_error(e: &wasm_bindgen::JsValue) -> bool {
    let get = |k: &str| js_sys::Reflect::get(e, &k.into()).ok();
    let name = get("name").and_then(|v| v.as_string()).unwrap_or_default();
    let code = get("code").and_then(|v| v.as_f64()).unwrap_or(0.0);
    name == "QuotaExceededError" || name == "NS_ERROR_DOM_QUOTA_REACHED" || code == 22.0
}

/// Writes `value` under `key`; on failure nothing under `key` has changed. One JavaScript
/// string serves local storage and the IndexedDB copy alike.
pub fn write_raw(key: &str, value: &str) -> Result<(), StorageProblem> {
    write_js(key, &js_sys::JsString::from(value))
}

/// After a write of `key` to local storage: a document's values are also copied to IndexedDB
/// (see [`super::mirror`]).
fn copied(key: &str, value: Option<&JsValue>) {
    if let Some(id) = mirrored_document(key) {
        super::mirror::copy(id, key, value);
    }
}

/// The document whose value, journal or history is under `key`.
fn mirrored_document(key: &str) -> Option<&str> {
    document_of(key)
        .or_else(|| key.strip_prefix(HISTORY_PREFIX))
        .or_else(|| key.strip_prefix(NOTE_DRAFT_PREFIX))
}

/// The value under `key` as a JavaScript string, not copied into the wasm.
pub(crate) fn raw_js(key: &str) -> Option<JsValue> {
    let store = store()?;
    let get: js_sys::Function = js_sys::Reflect::get(&store, &"getItem".into())
        .ok()?
        .dyn_into()
        .ok()?;
    let value = get.call1(&store, &key.into()).ok()?;
    (!value.is_null()).then_some(value)
}

/// Writes `value` under `key` (`None` removes it) without copying it anywhere: true when it
/// was written.
pub(crate) fn set_raw_quietly(key: &str, value: Option<&str>) -> bool {
    store().is_some_and(|s| match value {
        Some(v) => s.set_item(key, v).is_ok(),
        None => s.remove_item(key).is_ok(),
    })
}

/// Writes a value already in a JavaScript string (see [`DocumentValue`]); on failure nothing
/// under `key` has changed.
fn write_js(key: &str, value: &js_sys::JsString) -> Result<(), StorageProblem> {
    let store = store().ok_or_else(denied_write)?;
    let set: js_sys::Function = js_sys::Reflect::get(&store, &"setItem".into())
        .and_then(|f| f.dyn_into())
        .map_err(|e| not_saved(e, 0))?;
    set.call2(&store, &key.into(), value)
        .map_err(|e| not_saved(e, key.len() + value.length() as usize))?;
    copied(key, Some(value.as_ref()));
    Ok(())
}

/// The problem a refused write of `chars` UTF-16 units (key and value) makes.
fn not_saved(e: wasm_bindgen::JsValue, chars: usize) -> StorageProblem {
    let full = is_quota_error(&e);
    StorageProblem::NotSaved {
        full,
        too_large: full && chars > QUOTA_ESTIMATE,
        why: js_sys::Reflect::get(&e, &"message".into())
            .ok()
            .and_then(|m| m.as_string())
            .unwrap_or_else(|| format!("{e:?}")),
    }
}

pub(crate) fn remove(key: &str) {
    if let Some(store) = store() {
        if store.remove_item(key).is_ok() {
            copied(key, None);
        }
    }
}

/// Best effort at a title inside an unreadable document value, to tell the user which it was.
pub fn guess_title(raw: &str) -> Option<String> {
    if let Ok(v) = serde_json::from_str::<Value>(raw) {
        if let Some(t) = v.pointer("/document/title").and_then(Value::as_str) {
            return Some(t.to_string());
        }
    }
    let at = raw.find("\"title\"")? + "\"title\"".len();
    let rest = raw[at..].trim_start().strip_prefix(':')?.trim_start();
    let rest = rest.strip_prefix('"')?;
    // The string up to its closing quote, read as JSON reads it: a narrow value spells ‘ as
    // \u2018 (see `glossa_core::stored_json`).
    let mut escaped = false;
    let end = rest.char_indices().find_map(|(at, c)| {
        match (escaped, c) {
            (false, '\\') => escaped = true,
            (false, '"') => return Some(at),
            _ => escaped = false,
        }
        None
    })?;
    serde_json::from_str(&format!("\"{}", &rest[..=end]))
        .ok()
        .or_else(|| Some(rest[..end].to_string()))
}

/// Copies `value`, stored under `key`, to `glossa.quarantine.<key>` (an earlier, different
/// value kept there stays, and this one gets a time after its name). The copy's key, or `None`
/// when storage refused it.
fn keep_aside(key: &str, value: &str) -> Option<String> {
    let mut target = format!("{QUARANTINE_PREFIX}{key}");
    if raw(&target).is_some_and(|old| old != value) {
        target = format!("{target}.{}", crate::browser::now_ms());
    }
    write_raw(&target, value).ok().map(|()| target)
}

/// Moves an unreadable value aside, so nothing ever overwrites it. The copy is written before
/// the original is removed; when the copy is refused (storage full) the original stays.
fn quarantine(key: &str) -> StorageProblem {
    let value = raw(key);
    let title = value.as_deref().and_then(guess_title).or_else(|| {
        let id = document_of(key)?;
        index_entries_untouched()?
            .into_iter()
            .find(|e| e.id == id)
            .map(|e| e.title)
    });
    let quarantined_as = value.and_then(|value| {
        let kept = keep_aside(key, &value)?;
        remove(key);
        Some(kept)
    });
    StorageProblem::Corrupt {
        key: key.to_string(),
        title,
        quarantined_as,
    }
}

/// Why a value could not be migrated.
#[derive(Clone, Debug, PartialEq)]
pub enum MigrateError {
    /// Not a value any Glossa wrote.
    Corrupt(String),
    /// Written by a newer Glossa.
    Newer(u64),
}

/// JSON that does not parse, or not into the shape it claims: not a value any Glossa wrote.
impl From<serde_json::Error> for MigrateError {
    fn from(e: serde_json::Error) -> Self {
        MigrateError::Corrupt(e.to_string())
    }
}

/// A schema below the one this code writes with no migration step: no Glossa wrote it.
fn unknown_schema(n: u64) -> MigrateError {
    MigrateError::Corrupt(format!("unknown schema {n}"))
}

fn schema_of(value: &Value) -> Result<u64, MigrateError> {
    value
        .get("schema")
        .and_then(Value::as_u64)
        .ok_or_else(|| MigrateError::Corrupt("no schema number".into()))
}

/// Parses a stored value's text; text that is not JSON is not a value any Glossa wrote.
fn parse(text: &str) -> Result<Value, MigrateError> {
    serde_json::from_str(text).map_err(MigrateError::from)
}

/// Reads a value at `current`, the schema this code writes, as its stored shape `T`. A higher
/// schema is a newer Glossa's; a lower one reaching here has no migration step, so it is not
/// a value any Glossa wrote. Each reader migrates its older schemas before calling this.
fn read_current<T: serde::de::DeserializeOwned>(
    value: Value,
    current: u32,
) -> Result<T, MigrateError> {
    match schema_of(&value)? {
        // Read back from text: the text reader is in the app already, and serde_json's
        // reader of JSON trees would add one more copy of every stored shape's reading.
        n if n == u64::from(current) => {
            serde_json::from_str(&value.to_string()).map_err(MigrateError::from)
        }
        n if n > u64::from(current) => Err(MigrateError::Newer(n)),
        n => Err(unknown_schema(n)),
    }
}

/// Reads a stored value's text as its stored shape `T`, when its schema (`schema(&t)`) is one
/// of `schemas`, the shapes `T` reads (the last is the one this code writes). Straight from the
/// text: building a JSON tree first took half the time of opening a long document. `Ok(Err(n))`
/// for an older schema `n`, which the caller migrates or, with no step for it, refuses; a
/// higher one is a newer Glossa's.
fn read_text<T: serde::de::DeserializeOwned>(
    text: &str,
    schemas: std::ops::RangeInclusive<u32>,
    schema: impl Fn(&T) -> u32,
) -> Result<Result<T, u64>, MigrateError> {
    let parsed = match serde_json::from_str::<T>(text) {
        Ok(t) if schemas.contains(&schema(&t)) => return Ok(Ok(t)),
        parsed => parsed,
    };
    let n = serde_json::from_str::<SchemaOnly>(text)?.schema;
    match u32::try_from(n) {
        Ok(k) if k > *schemas.end() => Err(MigrateError::Newer(n)),
        Ok(k) if schemas.contains(&k) => Err(parsed
            .err()
            .map_or_else(|| unknown_schema(n), MigrateError::from)),
        Ok(_) => Ok(Err(n)),
        Err(_) => Err(MigrateError::Newer(n)),
    }
}

/// A stored document's text, brought to [`DOC_SCHEMA`]. There is one version so far; the next
/// change of shape adds a `Ok(Err(1)) => document_v1_to_v2(…)` arm here.
pub fn read_document(text: &str) -> Result<Document, MigrateError> {
    match read_text::<StoredDocument>(text, DOC_SCHEMA..=DOC_SCHEMA, |s| s.schema)? {
        Ok(stored) => Ok(stored.document),
        Err(n) => Err(unknown_schema(n)),
    }
}

/// Index version 1 → 2: each entry gains its size and its spans per label, read from its
/// document by `describe` (an entry whose document cannot be read keeps zeros, and is checked
/// again when the document is next saved).
pub fn index_v1_to_v2(
    mut value: Value,
    describe: &dyn Fn(&str) -> Option<IndexEntry>,
) -> Result<Value, MigrateError> {
    let entries = value
        .get_mut("documents")
        .and_then(Value::as_array_mut)
        .ok_or_else(|| MigrateError::Corrupt("no documents list".into()))?;
    for entry in entries.iter_mut() {
        let o = entry
            .as_object_mut()
            .ok_or_else(|| MigrateError::Corrupt("an entry is not an object".into()))?;
        let id = o
            .get("id")
            .and_then(Value::as_str)
            .ok_or_else(|| MigrateError::Corrupt("an entry has no id".into()))?
            .to_string();
        let described = describe(&id);
        let d = described.as_ref();
        o.insert("text_chars".into(), d.map_or(0, |d| d.text_chars).into());
        o.insert(
            "stored_units".into(),
            d.map_or(0, |d| d.stored_units).into(),
        );
        let labels = d.map(|d| d.labels.clone()).unwrap_or_default();
        o.insert(
            "labels".into(),
            serde_json::to_value(labels).expect("a map of counts serialises"),
        );
        if let Some(d) = d {
            o.insert("spans".into(), d.spans.into());
        }
    }
    value["schema"] = 2.into();
    Ok(value)
}

/// Brings a stored index value to [`INDEX_SCHEMA`], one step at a time.
pub fn migrate_index(
    mut value: Value,
    describe: &dyn Fn(&str) -> Option<IndexEntry>,
) -> Result<Vec<IndexEntry>, MigrateError> {
    loop {
        match schema_of(&value)? {
            1 => value = index_v1_to_v2(value, describe)?,
            _ => return read_current::<StoredIndex>(value, INDEX_SCHEMA).map(|i| i.documents),
        }
    }
}

/// `glossa.current`, version 0 (the bare id) or 1 (`{"schema":1,"id":…}`), as an id.
pub fn migrate_current(raw: &str) -> Result<String, MigrateError> {
    match serde_json::from_str::<Value>(raw) {
        Ok(v @ Value::Object(_)) => match schema_of(&v)? {
            1 => v
                .get("id")
                .and_then(Value::as_str)
                .map(str::to_string)
                .ok_or_else(|| MigrateError::Corrupt("no id".into())),
            n if n > u64::from(CURRENT_SCHEMA) => Err(MigrateError::Newer(n)),
            n => Err(unknown_schema(n)),
        },
        // Version 0: the id itself (ids are letters and digits, never JSON objects).
        _ if !raw.trim().is_empty() && !raw.starts_with('{') => Ok(raw.to_string()),
        _ => Err(MigrateError::Corrupt("not an id".into())),
    }
}

fn to_problem(key: &str, e: MigrateError) -> StorageProblem {
    match e {
        MigrateError::Corrupt(_) => quarantine(key),
        MigrateError::Newer(schema) => StorageProblem::Newer {
            key: key.to_string(),
            schema,
        },
    }
}

/// The stored document under `key` with the units it takes, for an index line.
fn describe_stored(id: &str) -> Option<IndexEntry> {
    let value = raw(&doc_key(id))?;
    let units = value.encode_utf16().count();
    let doc = read_document(&value).ok()?;
    Some(IndexEntry::of(&doc, units))
}

/// The index as stored (migrated), without repairs or side effects; `None` if unreadable.
fn index_entries_untouched() -> Option<Vec<IndexEntry>> {
    let v = serde_json::from_str::<Value>(&raw(INDEX_KEY)?).ok()?;
    migrate_index(v, &describe_stored).ok()
}

fn write_index(documents: Vec<IndexEntry>) -> Result<(), StorageProblem> {
    let json = serde_json::to_string(&StoredIndex {
        schema: INDEX_SCHEMA,
        documents,
    })
    .expect("an index serialises");
    write_raw(INDEX_KEY, &json)
}

/// The ids of every stored document, from the keys (the truth the index summarises).
pub fn stored_document_ids() -> BTreeSet<String> {
    keys()
        .into_iter()
        .filter_map(|k| k.strip_prefix(DOC_PREFIX).map(str::to_string))
        .collect()
}

/// The library index, newest edit first, and what was wrong with it. The index is a summary
/// of the document keys, so it is repaired against them: a line whose document is gone is
/// dropped, a document with no line (another tab's index write raced this one's) gets one. An
/// older index is migrated and written back; an unreadable one is quarantined and rebuilt from
/// the documents; a newer one is read from the documents and left untouched.
pub fn load_library() -> (Vec<IndexEntry>, Vec<StorageProblem>) {
    let mut problems = Vec::new();
    let mut migrated = false;
    let (mut entries, mut writable) = (Vec::new(), true);
    if let Some(text) = raw(INDEX_KEY) {
        let parsed = parse(&text).and_then(|v| {
            migrated = schema_of(&v)? < u64::from(INDEX_SCHEMA);
            migrate_index(v, &describe_stored)
        });
        match parsed {
            Ok(e) => entries = e,
            Err(e) => {
                let p = to_problem(INDEX_KEY, e);
                // Rebuild only when the old value is safely aside.
                writable = matches!(
                    p,
                    StorageProblem::Corrupt {
                        quarantined_as: Some(_),
                        ..
                    }
                );
                problems.push(p);
            }
        }
    }
    let before = entries.clone();
    let ids = stored_document_ids();
    entries.retain(|e| ids.contains(&e.id));
    let mut seen: BTreeSet<String> = BTreeSet::new();
    entries.retain(|e| seen.insert(e.id.clone()));
    for id in ids.difference(&seen) {
        match describe_stored(id) {
            Some(entry) => entries.push(entry),
            // Unreadable: kept aside, and the user is told which document it was.
            None => {
                if let Err(p) = load_document(id) {
                    problems.push(p);
                }
            }
        }
    }
    entries.sort_by_key(|e| std::cmp::Reverse(e.modified_ms));
    if writable && (entries != before || migrated || !problems.is_empty()) {
        let _ = write_index(entries.clone());
    }
    (entries, problems)
}

/// The library index, newest edit first (see [`load_library`]); an error only when the index
/// was unreadable and no document could be found either.
pub fn load_index() -> Result<Vec<IndexEntry>, StorageProblem> {
    match load_library() {
        (entries, mut problems) if entries.is_empty() && !problems.is_empty() => {
            Err(problems.remove(0))
        }
        (entries, _) => Ok(entries),
    }
}

/// Reads one document with its journal replayed, migrating an older value. An unreadable
/// one is quarantined.
pub fn load_document(id: &str) -> Result<Option<Document>, StorageProblem> {
    open_document(id).map(|found| found.map(|(d, _)| d))
}

/// Reads one document as [`load_document`] does, and says what was wrong with its journal,
/// if anything: an unreadable journal, or one whose edits no longer fit, is quarantined and
/// the document opens as it was last written whole.
pub fn open_document(
    id: &str,
) -> Result<Option<(Document, Option<StorageProblem>)>, StorageProblem> {
    let key = doc_key(id);
    let Some(text) = raw(&key) else {
        return Ok(None);
    };
    let mut document = read_document(&text).map_err(|e| to_problem(&key, e))?;
    // A value that parses but does not fit together (a span past the end of the text, in the
    // middle of a character, …) opens without what does not fit, and is kept aside as it was.
    let set_aside = document.repair();
    let repaired = (!set_aside.is_empty()).then(|| StorageProblem::Repaired {
        key: key.clone(),
        title: document.title.clone(),
        kept_as: keep_aside(&key, &text),
        set_aside,
    });
    let journal = replay_journal(&mut document).err();
    let problem = match (repaired, journal) {
        (Some(a), Some(b)) => Some(StorageProblem::Both(Box::new((a, b)))),
        (a, b) => a.or(b),
    };
    Ok(Some((document, problem)))
}

/// Makes the stored journal's edits on `document`, as it was read from its own key. A journal
/// that starts from an older write of the document is stale (that write holds its edits) and
/// is left for the next whole write to remove.
fn replay_journal(document: &mut Document) -> Result<(), StorageProblem> {
    let key = journal_key(&document.id);
    let Some(journal) = stored_journal(&key).map_err(|e| to_problem(&key, e))? else {
        return Ok(());
    };
    if journal.fits(document) {
        journal.replay(document).map_err(|_| quarantine(&key))?;
    }
    Ok(())
}

/// The journal stored under `key`, if any, migrated to [`JOURNAL_SCHEMA`].
fn stored_journal(key: &str) -> Result<Option<Journal>, MigrateError> {
    let Some(text) = raw(key) else {
        return Ok(None);
    };
    // 1 → 2: the same shape without `moves` (read as none).
    match read_text::<StoredJournal>(&text, 1..=JOURNAL_SCHEMA, |s| s.schema)? {
        Ok(stored) => Ok(Some(stored.journal)),
        Err(n) => Err(unknown_schema(n)),
    }
}

/// A journal as stored (written borrowed by [`save_journal`]).
#[derive(Deserialize)]
struct StoredJournal {
    schema: u32,
    journal: Journal,
}

/// Stores the edits made since document `id` was last written whole: one small write, so
/// an edit to a book-length document is saved at once without re-serialising it. A refused
/// write leaves the earlier journal whole.
pub fn save_journal(id: &str, journal: &Journal) -> Result<(), StorageProblem> {
    #[derive(Serialize)]
    struct Borrowed<'a> {
        schema: u32,
        journal: &'a Journal,
    }
    let json = serde_json::to_string(&Borrowed {
        schema: JOURNAL_SCHEMA,
        journal,
    })
    .expect("a journal serialises");
    write_raw(&journal_key(id), &json)
}

/// True when a journal is stored for document `id`.
pub fn has_journal(id: &str) -> bool {
    raw_prefix(&journal_key(id), 1).is_some()
}

/// Just the schema number of a stored value; parsing into it still checks the whole JSON.
#[derive(Deserialize)]
struct SchemaOnly {
    schema: u64,
}

/// The schema of the value under `key` when it is not one this code writes, told from its first
/// characters (`ours`) so that a save does not read back megabytes: `None` when it is ours or
/// there is none, `Some(Err(()))` when it does not parse.
fn foreign_schema(key: &str, ours: &str) -> Option<Result<u64, ()>> {
    if raw_prefix(key, ours.len() as u32).is_none_or(|p| p == ours) {
        return None;
    }
    let old = raw(key)?;
    Some(
        serde_json::from_str::<SchemaOnly>(&old)
            .map(|s| s.schema)
            .map_err(|_| ()),
    )
}

/// Writes one document whole (its journal, whose edits it now holds, is removed) and its index
/// line. The document is written first and alone, so a refused write leaves every earlier
/// saved value whole and returns the problem. The index line is a summary: if it cannot be
/// written the document is still saved, and the next [`load_library`] repairs the line.
pub fn save_document(document: &Document) -> Result<(), StorageProblem> {
    let mut value = DocumentValue::of(document);
    write_document_value(&mut value)?;
    write_index_line(&value);
    Ok(())
}

/// A document as it is stored, with its index line: serialised in one task, moved into a
/// JavaScript string in another ([`DocumentValue::prepare`]) and written in a third
/// ([`write_document_value`], then [`write_index_line`]), so saving a long document never
/// blocks input for long at once.
pub struct DocumentValue {
    id: String,
    modified_ms: i64,
    /// The value as serde_json writes it, until it is made a JavaScript string; kept after that
    /// only if that string was narrowed, in case only this one fits.
    json: String,
    js: Option<js_sys::JsString>,
    line: IndexEntry,
}

impl DocumentValue {
    pub fn of(document: &Document) -> Self {
        // Borrowed, not cloned: a long document is megabytes.
        #[derive(Serialize)]
        struct Borrowed<'a> {
            schema: u32,
            document: &'a Document,
        }
        let json = serde_json::to_string(&Borrowed {
            schema: DOC_SCHEMA,
            document,
        })
        .expect("a document serialises");
        DocumentValue {
            id: document.id.clone(),
            modified_ms: document.modified_ms,
            line: IndexEntry::of(document, 0),
            json,
            js: None,
        }
    }

    /// Copies the value into a JavaScript string, so that writing it is `setItem` alone;
    /// narrowed to Latin-1 where that costs little, so the string, its `setItem` and every later
    /// read copy one byte per character in Chromium, not two (see `glossa_core::stored_json`).
    pub fn prepare(&mut self) -> &js_sys::JsString {
        if self.js.is_none() {
            match narrowed(&self.json) {
                Some(narrow) => self.hold(&narrow),
                None => {
                    let json = std::mem::take(&mut self.json);
                    self.hold(&json);
                }
            }
        }
        self.js.as_ref().expect("just made")
    }

    /// The value as it was before it was narrowed, if it was: escapes add up to a quarter, so
    /// into a nearly full storage it may fit where the narrow one did not.
    fn widen(&mut self) -> bool {
        // Once prepared, only a narrowed value still has its JSON.
        if self.json.is_empty() {
            return false;
        }
        let json = std::mem::take(&mut self.json);
        self.hold(&json);
        true
    }

    /// Makes `value` the JavaScript string to write, and its length the index line's size.
    fn hold(&mut self, value: &str) {
        let js = js_sys::JsString::from(value);
        self.line.stored_units = js.length() as usize;
        self.js = Some(js);
    }

    /// Which document, at which edit.
    pub fn of_document(&self) -> (&str, i64) {
        (&self.id, self.modified_ms)
    }
}

/// Writes a document value under its key; its journal, whose edits it holds, is removed.
/// Never over a value this code cannot read: a newer Glossa's stays, a broken one is moved
/// aside first; nor while its journal is a newer Glossa's, whose edits writing it would drop.
pub fn write_document_value(value: &mut DocumentValue) -> Result<(), StorageProblem> {
    let key = doc_key(&value.id);
    let ours = format!("{{\"schema\":{DOC_SCHEMA},\"document\":{{\"id\":");
    match foreign_schema(&key, &ours) {
        Some(Ok(schema)) if schema > u64::from(DOC_SCHEMA) => {
            return Err(StorageProblem::Newer { key, schema })
        }
        Some(Err(())) => {
            if let p @ StorageProblem::Corrupt {
                quarantined_as: None,
                ..
            } = quarantine(&key)
            {
                return Err(p);
            }
        }
        _ => {}
    }
    let journal = journal_key(&value.id);
    if let Some(Ok(schema)) = foreign_schema(&journal, &format!("{{\"schema\":{JOURNAL_SCHEMA},")) {
        if schema > u64::from(JOURNAL_SCHEMA) {
            return Err(StorageProblem::Newer {
                key: journal,
                schema,
            });
        }
    }
    if let Err(refused) = write_js(&key, value.prepare()) {
        if !value.widen() {
            return Err(refused);
        }
        write_js(&key, value.prepare())?;
    }
    remove(&journal);
    Ok(())
}

/// Writes a written document value's line in the library index (a summary: a refused write
/// is repaired by the next [`load_library`]).
pub fn write_index_line(value: &DocumentValue) {
    let _ = update_index(|entries| {
        entries.retain(|e| e.id != value.id);
        entries.insert(0, value.line.clone());
    });
}

/// Changes the stored index, if it can be read (an unreadable or newer one is not replaced
/// here; [`load_index`] deals with it).
fn update_index(change: impl FnOnce(&mut Vec<IndexEntry>)) -> Result<(), StorageProblem> {
    let mut entries = match raw(INDEX_KEY) {
        None => Vec::new(),
        Some(_) => match index_entries_untouched() {
            Some(entries) => entries,
            None => return Ok(()),
        },
    };
    change(&mut entries);
    entries.sort_by_key(|e| std::cmp::Reverse(e.modified_ms));
    write_index(entries)
}

/// Deletes a document (its value, index line and history) and returns it, so the caller can
/// offer to undo.
pub fn delete_document(id: &str) -> Result<Option<Document>, StorageProblem> {
    let document = load_document(id)?;
    remove(&doc_key(id));
    remove(&journal_key(id));
    remove(&history_key(id));
    drop_note_draft(id);
    update_index(|entries| entries.retain(|e| e.id != id))?;
    if current_document_id().as_deref() == Some(id) {
        set_current_document_id(None)?;
    }
    Ok(document)
}

#[derive(Serialize, Deserialize)]
struct StoredHistory {
    schema: u32,
    history: History,
    /// The `modified_ms` of the document this history was written with, so a history that
    /// belongs to another state of the document is never used to undo this one. Histories
    /// written before it was kept have none (they were written with every edit).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    document_ms: Option<i64>,
}

/// Stores a document's undo history under its own key, after the document was written whole
/// at `document_ms` (the core bounds it to [`History::DEFAULT_LIMIT`] steps). Edits made
/// after that are in the journal with how the history moved, so it is not written per edit.
/// A refused write leaves the earlier history whole.
pub fn save_history(id: &str, history: &History, document_ms: i64) -> Result<(), StorageProblem> {
    #[derive(Serialize)]
    struct Borrowed<'a> {
        schema: u32,
        history: &'a History,
        document_ms: i64,
    }
    let json = serde_json::to_string(&Borrowed {
        schema: HISTORY_SCHEMA,
        history,
        document_ms,
    })
    .expect("a history serialises");
    write_raw(&history_key(id), &json)
}

/// The undo history of document `id` as it was opened (its `modified_ms` is `document_ms`):
/// the stored history, moved as the stored journal says it moved since. `Ok(None)` when
/// there is none, or none that fits this state of the document (it then opens with nothing
/// to undo, rather than undo the wrong thing); an unreadable one is quarantined like any
/// other value (the document itself is unaffected).
pub fn load_history(id: &str, document_ms: i64) -> Result<Option<History>, StorageProblem> {
    let key = history_key(id);
    let Some(text) = raw(&key) else {
        return Ok(None);
    };
    let parsed = read_text::<StoredHistory>(&text, HISTORY_SCHEMA..=HISTORY_SCHEMA, |s| s.schema)
        .and_then(|read| match read {
            Ok(h) => Ok((h.history, h.document_ms)),
            // 1 → 2: edits were tagged inside (`{"op": …}`), now outside (`{"add-span": {…}}`).
            Err(1) => parse(&text).and_then(|v| {
                History::from_v1_json(v["history"].clone())
                    .map(|history| (history, None))
                    .map_err(MigrateError::from)
            }),
            Err(n) => Err(unknown_schema(n)),
        });
    let (mut history, written_at) = parsed.map_err(|e| to_problem(&key, e))?;
    if written_at == Some(document_ms) {
        return Ok(Some(history));
    }
    // The journal that took the document from the history's state to this one.
    let journal = stored_journal(&journal_key(id))
        .ok()
        .flatten()
        .filter(|j| j.modified_ms == document_ms);
    let fits = match (journal, written_at) {
        (Some(j), _) if !j.has_moves() => true,
        (Some(j), at) if at.is_none_or(|at| at == j.base_ms) => j.retrace(&mut history),
        // Written with every edit, before the journal said how the history moved.
        (None, None) => true,
        _ => false,
    };
    Ok(fits.then_some(history))
}

/// Every stored document, oldest first (as they were made or imported: a dataset exported
/// again keeps its order), and the problems met reading them (unreadable ones are
/// quarantined, the others still load; a repaired one loads as it opens).
pub fn load_all_documents() -> (Vec<Document>, Vec<StorageProblem>) {
    let (entries, mut problems) = load_library();
    let mut documents = Vec::new();
    for entry in entries {
        match open_document(&entry.id) {
            Ok(Some((d, note))) => {
                documents.push(d);
                problems.extend(note);
            }
            Ok(None) => {}
            Err(p) => problems.push(p),
        }
    }
    // By creation, stable, by insertion: the library's few hundred documents at most take a
    // millisecond, where the standard library's sorts cost the wasm 1 to 2.5 KB gzip.
    for i in 1..documents.len() {
        let mut j = i;
        while j > 0 && documents[j - 1].created_ms > documents[j].created_ms {
            documents.swap(j - 1, j);
            j -= 1;
        }
    }
    (documents, problems)
}

/// The id of the document that was open last.
pub fn current_document_id() -> Option<String> {
    migrate_current(&raw(CURRENT_KEY)?).ok()
}

/// Remembers which document is open (`None`: the paste screen).
pub fn set_current_document_id(id: Option<&str>) -> Result<(), StorageProblem> {
    match id {
        Some(id) => write_raw(
            CURRENT_KEY,
            &serde_json::json!({ "schema": CURRENT_SCHEMA, "id": id }).to_string(),
        ),
        None => {
            remove(CURRENT_KEY);
            Ok(())
        }
    }
}

/// A value kept aside because it could not be read.
#[derive(Clone, Debug, PartialEq)]
pub struct Quarantined {
    /// Where it is now (`glossa.quarantine.…`), or its own key when it could not be moved.
    pub key: String,
    /// The key it was found under.
    pub original_key: String,
    pub title: Option<String>,
    pub units: usize,
}

/// Every quarantined value.
pub fn list_quarantined() -> Vec<Quarantined> {
    let mut out: Vec<Quarantined> = keys()
        .into_iter()
        .filter(|k| k.starts_with(QUARANTINE_PREFIX))
        .filter_map(|key| {
            let value = raw(&key)?;
            let original = key[QUARANTINE_PREFIX.len()..].to_string();
            Some(Quarantined {
                title: guess_title(&value),
                units: value.encode_utf16().count(),
                original_key: original,
                key,
            })
        })
        .collect();
    out.sort_by(|a, b| a.key.cmp(&b.key));
    out
}

/// Deletes a quarantined value, when the user asks to.
pub fn discard_quarantined(key: &str) {
    if key.starts_with(QUARANTINE_PREFIX) {
        remove(key);
    }
}

/// UTF-16 code units every key and value takes together (what quotas count).
pub fn usage() -> usize {
    let Some(s) = store() else {
        return 0;
    };
    keys()
        .into_iter()
        .map(|k| {
            let v = s.get_item(&k).ok().flatten().unwrap_or_default();
            k.encode_utf16().count() + v.encode_utf16().count()
        })
        .sum()
}

/// Whether the browser keeps this site's storage until the user deletes it, rather than
/// clearing it when the disk runs low (Firefox) or after a week unvisited (Safari); `None`
/// where the browser cannot say. With `ask`, asks for that first: Firefox asks the user once,
/// Chromium and Safari decide by how the site is used (installed, bookmarked, visited).
pub async fn persistent(ask: bool) -> Option<bool> {
    let manager = web_sys::window()?.navigator().storage();
    // Older browsers have no StorageManager: the property is undefined.
    if wasm_bindgen::JsValue::from(manager.clone()).is_undefined() {
        return None;
    }
    let promise = if ask {
        manager.persist()
    } else {
        manager.persisted()
    };
    let answer = wasm_bindgen_futures::JsFuture::from(promise.ok()?)
        .await
        .ok()?;
    answer.as_bool()
}

/// What changed, from a `storage` event's key (`None`: storage was cleared).
#[derive(Clone, Debug, PartialEq)]
pub enum Change {
    Cleared,
    Index,
    Document(String),
    Lock(String),
    Current,
    Other,
}

/// Sorts a `storage` event by its key.
pub fn classify(key: Option<&str>) -> Change {
    match key {
        None => Change::Cleared,
        Some(INDEX_KEY) => Change::Index,
        Some(CURRENT_KEY) => Change::Current,
        Some(k) => {
            if let Some(id) = document_of(k) {
                Change::Document(id.to_string())
            } else if let Some(id) = k.strip_prefix(LOCK_PREFIX) {
                Change::Lock(id.to_string())
            } else {
                Change::Other
            }
        }
    }
}
