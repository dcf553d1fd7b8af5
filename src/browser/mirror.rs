//! A second copy of every stored document in IndexedDB, written with strict durability.
//!
//! Local storage holds a value at once for every tab, but the browser puts it on disk seconds
//! later: a browser killed (or a machine losing power) two seconds after an edit lost it, in a
//! test that killed Chromium. An IndexedDB transaction with `durability: "strict"` is on disk
//! when it completes, so each write of a document, its journal or its history to local storage
//! is written here too, in order, and at start-up a copy further along than local storage
//! (the browser was killed before local storage reached the disk) is put back before anything
//! reads local storage. See docs/storage.md.
//!
//! Which copy is further along is told by a count per document, `glossa.seq.<id>` in local
//! storage and the `seq` store here, raised with every write of one of its values: both stores
//! reach the disk in the order of their writes, so each holds its writes up to some point, and
//! the higher count holds more of them.

use super::storage::{
    current_document_id, doc_key, history_key, journal_key, note_draft_key, raw_js,
    set_current_document_id, set_raw_quietly,
};
use js_sys::{Array, Function, Object, Promise, Reflect};
use std::cell::RefCell;
use wasm_bindgen::{closure::Closure, JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{IdbDatabase, IdbObjectStore, IdbRequest};

// The database, `glossa-mirror`, is opened by assets/mirror.js, which makes these stores.
/// The values, under their local storage keys.
const VALUES: &str = "values";
/// Each document's count of writes, under its id.
const COUNTS: &str = "seq";
/// How long start-up waits for IndexedDB before it goes on without the copy: a browser that
/// never answers must not keep the page from opening.
const OPEN_WAIT_MS: i32 = 1500;

const SEQ_PREFIX: &str = "glossa.seq.";
/// How long a copy waits at most for the page to be idle before it is handed over.
const IDLE_WAIT_MS: i32 = 200;

thread_local! {
    /// The open database, once start-up has compared the copies; `None` where IndexedDB is
    /// missing or refused, and nothing is copied then.
    static OPEN: RefCell<Option<IdbDatabase>> = const { RefCell::new(None) };
    /// How many documents start-up put back, until the page says so.
    static PUT_BACK: RefCell<usize> = const { RefCell::new(0) };
    /// Copies asked for and not yet handed to IndexedDB. They are handed over together once the
    /// page is idle: handing over a 1 MB document takes about 1.5 ms, which the task that wrote
    /// it to local storage (already a frame long) need not take too.
    static PENDING: RefCell<Vec<Pending>> = const { RefCell::new(Vec::new()) };
}

/// One write to copy: document `id`'s `key` became `value` (`None`: removed), its `count`th.
struct Pending {
    id: String,
    key: String,
    value: Option<JsValue>,
    count: u64,
}

/// How many documents start-up put back from the copy (once: then 0), for the page to say so.
pub fn take_put_back() -> usize {
    PUT_BACK.with(|n| std::mem::take(&mut *n.borrow_mut()))
}

/// The local storage key of document `id`'s count of writes.
pub fn count_key(id: &str) -> String {
    format!("{SEQ_PREFIX}{id}")
}

/// Document `id`'s count of writes as local storage has it (0: none yet).
fn stored_count(id: &str) -> u64 {
    raw_js(&count_key(id))
        .and_then(|v| v.as_string())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// How many values of a document are copied.
const KEYS: usize = 4;

/// The values of document `id` that are copied: itself, its journal, its history and the note
/// being typed in it.
fn keys_of(id: &str) -> [String; KEYS] {
    [
        doc_key(id),
        journal_key(id),
        history_key(id),
        note_draft_key(id),
    ]
}

/// Resolves with the request's result once it succeeds; fails with its error.
fn finished(request: &IdbRequest) -> JsFuture {
    let request = request.clone();
    JsFuture::from(Promise::new(&mut |resolve, reject| {
        request.set_onsuccess(Some(&resolve));
        request.set_onerror(Some(&reject));
    }))
}

/// A transaction over both stores; `strict`: on disk once it completes.
fn transaction(db: &IdbDatabase, write: bool) -> Result<(IdbObjectStore, IdbObjectStore), JsValue> {
    let stores = Array::of2(&VALUES.into(), &COUNTS.into());
    let options = Object::new();
    Reflect::set(&options, &"durability".into(), &"strict".into())?;
    let begin: Function = Reflect::get(db, &"transaction".into())?.dyn_into()?;
    let mode = if write { "readwrite" } else { "readonly" };
    let tx: web_sys::IdbTransaction = begin
        .call3(db, &stores, &mode.into(), &options)?
        .dyn_into()?;
    Ok((tx.object_store(VALUES)?, tx.object_store(COUNTS)?))
}

/// The database, each document's id and its count there: `assets/mirror.js` opens the database
/// (making its stores the first time) and reads the counts as the page starts, beside the
/// wasm's download; the first call takes that opening, later ones (tests) open afresh.
async fn open() -> Result<(IdbDatabase, Array, Array), JsValue> {
    let opener: Function = Reflect::get(&js_sys::global(), &"glossaMirror".into())?
        .dyn_into()
        .map_err(|_| JsValue::from_str("assets/mirror.js is not loaded"))?;
    let opening: Promise = opener.call0(&JsValue::NULL)?.dyn_into()?;
    let opened = JsFuture::from(opening).await?;
    let db: IdbDatabase = Reflect::get(&opened, &"db".into())?.dyn_into()?;
    let ids: Array = Reflect::get(&opened, &"ids".into())?.dyn_into()?;
    let counts: Array = Reflect::get(&opened, &"counts".into())?.dyn_into()?;
    // Another page deleting the copy (or a later Glossa changing its stores) waits for every
    // open connection to close: this one closes, and copies nothing more.
    let closing = db.clone();
    let close = Closure::once_into_js(move || {
        closing.close();
        OPEN.with(|open| open.borrow_mut().take());
    });
    db.set_onversionchange(Some(close.unchecked_ref()));
    Ok((db, ids, counts))
}

/// Resolves after `ms` milliseconds.
fn timeout(ms: i32) -> Promise {
    Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    })
}

/// At start-up, before anything reads local storage: opens the copy and, for each document
/// whose copy here is further along than local storage's, puts the copy's values back in local
/// storage. Returns the ids of the documents put back. Without IndexedDB (or if it does not
/// answer in time) nothing is copied this session, and local storage is used as it is.
pub async fn restore() -> Vec<String> {
    // Where site data is blocked, IndexedDB is too; the page says so about local storage.
    if super::storage::denied().is_some() {
        return Vec::new();
    }
    let opened = async {
        let (db, ids, counts) = open().await?;
        let restored = put_back(&db, &ids, &counts).await?;
        Ok::<_, JsValue>((db, restored))
    };
    match within(opened, timeout(OPEN_WAIT_MS)).await {
        Some(Ok((db, restored))) => {
            OPEN.with(|open| *open.borrow_mut() = Some(db));
            PUT_BACK.with(|n| *n.borrow_mut() = restored.len());
            restored
        }
        // An error, or no answer in time.
        failed => {
            let why = failed
                .and_then(Result::err)
                .unwrap_or_else(|| "no answer".into());
            web_sys::console::warn_2(&"Glossa: no IndexedDB copy of the documents:".into(), &why);
            Vec::new()
        }
    }
}

/// Runs `work` until it ends or `limit` resolves, whichever is first: `None` when `limit` was.
async fn within<T>(work: impl std::future::Future<Output = T>, limit: Promise) -> Option<T> {
    use std::future::Future;
    use std::pin::pin;
    use std::task::Poll;
    let mut work = pin!(work);
    let mut limit = pin!(JsFuture::from(limit));
    std::future::poll_fn(move |cx| {
        if let Poll::Ready(out) = work.as_mut().poll(cx) {
            return Poll::Ready(Some(out));
        }
        match limit.as_mut().poll(cx) {
            Poll::Ready(_) => Poll::Ready(None),
            Poll::Pending => Poll::Pending,
        }
    })
    .await
}

/// Puts back in local storage every document whose copy here is further along: `ids` and
/// their `counts` in the copy.
async fn put_back(db: &IdbDatabase, ids: &Array, counts: &Array) -> Result<Vec<String>, JsValue> {
    let behind: Vec<(String, u64)> = ids
        .iter()
        .zip(counts.iter())
        .filter_map(|(id, count)| Some((id.as_string()?, count.as_f64()? as u64)))
        .filter(|(id, count)| *count > stored_count(id))
        .collect();
    if behind.is_empty() {
        return Ok(Vec::new());
    }
    // Every value of those documents, asked for at once in one transaction.
    let (values, _) = transaction(db, false)?;
    let mut asked = Vec::new();
    for (id, _) in &behind {
        for key in keys_of(id) {
            let request = values.get(&key.as_str().into())?;
            asked.push((key, request));
        }
    }
    let mut found = Vec::with_capacity(asked.len());
    for (key, request) in asked {
        finished(&request).await?;
        found.push((key, request.result()?));
    }
    let mut restored = Vec::new();
    let mut gone = Vec::new();
    for ((id, count), values) in behind.iter().zip(found.chunks(KEYS)) {
        // The copy holds no document: it was deleted, and local storage lost the delete. The
        // delete is made again (no document is put back) and both counts go, so it is not
        // looked at again. (A delete keeps the counts otherwise: were local storage's dropped
        // at once, a copy still waiting to be handed over when the page went would leave the
        // copy ahead with the document, which the next start would bring back.)
        if values[0].1.is_null() || values[0].1.is_undefined() {
            if values.iter().all(|(key, _)| set_raw_quietly(key, None))
                && set_raw_quietly(&count_key(id), None)
            {
                gone.push(id.clone());
            }
            continue;
        }
        // The count goes last: if local storage refuses a value (it is full), the count stays
        // behind and the next start tries again.
        let all_written = values
            .iter()
            .all(|(key, value)| set_raw_quietly(key, value.as_string().as_deref()));
        if all_written && set_raw_quietly(&count_key(id), Some(&count.to_string())) {
            restored.push(id.clone());
        }
    }
    if !gone.is_empty() {
        let (_, counts) = transaction(db, true)?;
        for id in &gone {
            counts.delete(&id.into())?;
        }
    }
    // Local storage may have lost which document was open too: then it is the one put back.
    if let Some(last) = restored.last() {
        if current_document_id().is_none_or(|open| raw_js(&doc_key(&open)).is_none()) {
            let _ = set_current_document_id(Some(last));
        }
    }
    Ok(restored)
}

/// Resolves once every copy asked for so far is written (a transaction that reads begins only
/// after those that write the same stores end).
pub async fn settled() {
    hand_over();
    let Some(db) = OPEN.with(|open| open.borrow().clone()) else {
        return;
    };
    if let Ok(read) = transaction(&db, false).and_then(|(_, counts)| counts.count()) {
        let _ = finished(&read).await;
    }
}

/// Copies a write to local storage (`value`, or `None` for a removal) of `key`, one of document
/// `id`'s values, and raises the document's count in both stores. Called after local storage
/// took the write; the copy is written once the page is idle, in the order of the calls.
pub fn copy(id: &str, key: &str, value: Option<&JsValue>) {
    let count = stored_count(id) + 1;
    // After the value: local storage then never counts a write it does not hold. Counted even
    // with no copy this session, so the copy knows it missed writes.
    set_raw_quietly(&count_key(id), Some(&count.to_string()));
    if OPEN.with(|open| open.borrow().is_none()) {
        return;
    }
    let first = PENDING.with(|pending| {
        let mut pending = pending.borrow_mut();
        pending.push(Pending {
            id: id.to_string(),
            key: key.to_string(),
            value: value.cloned(),
            count,
        });
        pending.len() == 1
    });
    if first {
        // Once the page is idle, after the frame the edit paints: opening the transaction and
        // handing over a tag's journal took 0.5–1 ms, which the tag's frame need not wait for.
        super::when_idle(Closure::once_into_js(hand_over), IDLE_WAIT_MS);
    }
}

/// Hands every pending copy to IndexedDB, in one transaction, in the order they were asked for.
/// Also called when the page is hidden or closed, which may be before it is next idle.
pub fn hand_over() {
    let pending = PENDING.with(|pending| std::mem::take(&mut *pending.borrow_mut()));
    let Some(db) = OPEN.with(|open| open.borrow().clone()) else {
        return;
    };
    if pending.is_empty() {
        return;
    }
    let Ok((values, counts)) = transaction(&db, true) else {
        return;
    };
    for write in &pending {
        store_value(&values, &write.key, write.value.as_ref());
    }
    // Each document's count: the first of these writes must follow the copy's count, or the
    // copy missed writes (a session without the copy, a copy that failed) and takes every
    // value local storage has of the document now, so that it is never further along in count
    // and behind in values.
    let mut documents: Vec<(&str, u64, u64)> = Vec::new();
    for write in &pending {
        match documents.iter_mut().find(|(id, _, _)| *id == write.id) {
            Some((_, _, last)) => *last = write.count,
            None => documents.push((&write.id, write.count, write.count)),
        }
    }
    for (id, first, last) in documents {
        let Ok(known) = counts.get(&id.into()) else {
            continue;
        };
        let (values, counts, id, asked) = (
            values.clone(),
            counts.clone(),
            id.to_string(),
            known.clone(),
        );
        let on_known = Closure::once_into_js(move |_: web_sys::Event| {
            let before = asked.result().ok().and_then(|c| c.as_f64());
            if before != Some((first - 1) as f64) {
                for other in keys_of(&id) {
                    store_value(&values, &other, raw_js(&other).as_ref());
                }
            }
            let _ = counts.put_with_key(&(last as f64).into(), &id.into());
        });
        known.set_onsuccess(Some(on_known.unchecked_ref()));
    }
}

/// Asks `values` to hold `value` under `key` (`None`: to hold nothing there).
fn store_value(values: &IdbObjectStore, key: &str, value: Option<&JsValue>) {
    let key = JsValue::from_str(key);
    let _ = match value {
        Some(v) => values.put_with_key(v, &key),
        None => values.delete(&key),
    };
}
