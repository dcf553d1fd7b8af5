//! The library of stored documents, new documents from files, the saved/not-saved indicator,
//! and keeping tabs in step. Storage itself is `browser::storage`; which tab edits a document
//! is `browser::tabs`. The design is in `docs/storage.md`.

use super::export_menu::ExportMenu;
use super::{focus_when_drawn, AppState};
use crate::browser::download::{self, download};
use crate::browser::formats_worker;
use crate::browser::storage::{self, Change, IndexEntry, StorageProblem};
use crate::browser::{after_paint, mirror, new_document_id, now_ms, tabs};
use glossa_core::formats::Format;
use glossa_core::words::count;
use glossa_core::Document;
use leptos::ev;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::time::Duration;
use wasm_bindgen::JsCast;

/// Whether the open document's last edit reached storage.
#[derive(Clone, Debug, PartialEq)]
pub enum SaveState {
    Saved,
    Saving,
    /// The write was refused (why, in words); the edit is only in this tab's memory.
    NotSaved(String),
}

/// The stored undo history of `document` as it opens, or an empty one.
pub(super) fn stored_history(document: Option<&Document>) -> glossa_core::History {
    document
        .and_then(|d| storage::load_history(&d.id, d.modified_ms).ok().flatten())
        .unwrap_or_default()
}

/// After a save: records its outcome for the indicator.
pub(super) fn record_save(state: &AppState, result: Option<&Result<(), StorageProblem>>) {
    let next = match result {
        Some(Err(p)) => SaveState::NotSaved(p.to_string()),
        _ => SaveState::Saved,
    };
    if state.saved.get_untracked() != next {
        state.saved.set(next);
    }
}

/// Refuses an edit while another tab edits the open document. True: refused.
pub(super) fn refuse_edit(state: &AppState) -> bool {
    if state.read_only.get_untracked() {
        state.problem.set(Some(
            "Read-only here: this document is being edited in another tab. Press “Edit here” \
             to edit it in this tab instead."
                .into(),
        ));
        return true;
    }
    state.saved.set(SaveState::Saving);
    false
}

/// Whether the open document may be closed for `next`: not while its last edit is unsaved
/// (closing would lose it), unless saving now works.
pub(super) fn may_leave(state: &AppState, next: Option<&str>) -> bool {
    let current = open_id(state);
    if current.is_none() || current.as_deref() == next {
        return true;
    }
    state.write_whole();
    if matches!(state.saved.get_untracked(), SaveState::NotSaved(_)) {
        state.save();
    }
    if matches!(state.saved.get_untracked(), SaveState::NotSaved(_)) {
        state.problem.set(Some(
            "This document's last edits are not saved, and closing it would lose them. Download \
             it first (Download this document), then Leave without saving."
                .into(),
        ));
        return false;
    }
    true
}

/// Moves the lease from the open document to `next` (when one opens), and sets read-only.
pub(super) fn switch_lease(state: &AppState, next_document: Option<&Document>) {
    let next = next_document.map(|d| d.id.as_str());
    let current = open_id(state);
    if let Some(current) = current.as_ref().filter(|c| Some(c.as_str()) != next) {
        tabs::release(current);
    }
    let read_only = next.is_some_and(|id| !tabs::try_acquire(id));
    state.read_only.set(read_only);
    if current.as_deref() != next {
        state.forget_journal();
        state.history.set_value(stored_history(next_document));
    }
    state.saved.set(SaveState::Saved);
}

/// Saved / Saving / Not saved / Read-only, for the editor's toolbar.
#[component]
pub fn SaveIndicator() -> impl IntoView {
    let state = expect_context::<AppState>();
    let label = move || {
        if state.read_only.get() {
            ("read-only", "Read-only", "Another tab edits this document")
        } else {
            match state.saved.get() {
                SaveState::Saved => (
                    "saved",
                    "✓ Saved",
                    "Every edit is in this browser's storage",
                ),
                SaveState::Saving => ("saving", "Saving…", "Writing to this browser's storage"),
                SaveState::NotSaved(_) => (
                    "not-saved",
                    "⚠ Not saved",
                    "Storage refused the last edit; it is only in this tab. Export now.",
                ),
            }
        }
    };
    view! {
        <span class="save-state" role="status" data-state=move || label().0 title=move || label().2>
            {move || label().1}
        </span>
    }
}

pub(super) fn open_id(state: &AppState) -> Option<String> {
    state
        .document
        .with_untracked(|d| d.as_ref().map(|d| d.id.clone()))
}

/// Reloads the open document from storage (another tab saved it).
fn reload_open(state: &AppState, id: &str) {
    state.forget_journal();
    match storage::open_document(id) {
        Ok(Some((d, note))) => {
            if let Some(p) = note {
                state.problem.set(Some(p.to_string()));
            }
            if state.document.with_untracked(|c| c.as_ref() != Some(&d)) {
                state.history.set_value(stored_history(Some(&d)));
                state.document.set(Some(d));
            }
        }
        Ok(None) => state.problem.set(Some(
            "This document was deleted in another tab. It is still open here: export it to keep \
             it."
            .into(),
        )),
        Err(p) => state.problem.set(Some(p.to_string())),
    }
}

/// Checks the lease on the open document: renews it, gives it up when another tab took it,
/// or takes it when it became free.
fn check_lease(state: &AppState) {
    let Some(id) = open_id(state) else {
        return;
    };
    if !state.read_only.get_untracked() {
        if tabs::holder(&id) == tabs::Holder::OtherTab {
            state.read_only.set(true);
            // The other tab reads this tab's stored journal; nothing here writes again.
            state.forget_journal();
            if state.saved.get_untracked() == SaveState::Saved {
                reload_open(state, &id);
            } else {
                state.problem.set(Some(
                    "Another tab now edits this document. Your last edit here was not saved: \
                     export this document now to keep it."
                        .into(),
                ));
            }
        } else {
            tabs::try_acquire(&id);
        }
    } else if tabs::holder(&id) != tabs::Holder::OtherTab && tabs::try_acquire(&id) {
        reload_open(state, &id);
        state.read_only.set(false);
        state.adopt_note_draft();
    }
}

/// Saves anything unsaved and commits a half-typed field (its `change` handler runs on blur).
fn flush(state: &AppState) {
    if let Some(active) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.active_element())
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        if matches!(active.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT") {
            let _ = active.blur();
        }
    }
    if state.saved.get_untracked() != SaveState::Saved {
        state.save();
    }
    state.write_whole();
    // A closing page is never idle again: the copies waiting for that go now.
    mirror::hand_over();
}

/// Keeps this tab in step with storage: other tabs' edits (the `storage` event), the edit
/// lease, and a last save when the page is hidden or closed. Shows the read-only banner.
#[component]
pub fn StorageSync() -> impl IntoView {
    let state = expect_context::<AppState>();
    let _storage = window_event_listener(ev::storage, move |ev| {
        if ev.storage_area().is_some_and(|area| {
            web_sys::window()
                .and_then(|w| w.local_storage().ok().flatten())
                .is_some_and(|local| local != area)
        }) {
            return;
        }
        let key = ev.key();
        match storage::classify(key.as_deref()) {
            Change::Index | Change::Cleared => state.library_rev.update(|r| *r += 1),
            Change::Document(id) => {
                state.library_rev.update(|r| *r += 1);
                // The editing tab's memory is the truth while it holds the lease.
                if open_id(&state).as_deref() == Some(id.as_str())
                    && state.read_only.get_untracked()
                {
                    reload_open(&state, &id);
                }
            }
            Change::Lock(id) if open_id(&state).as_deref() == Some(id.as_str()) => {
                check_lease(&state)
            }
            _ => {}
        }
    });
    if let Ok(handle) = set_interval_with_handle(
        move || check_lease(&state),
        Duration::from_millis(tabs::RENEW_MS.into()),
    ) {
        on_cleanup(move || handle.clear());
    }
    let _hide = window_event_listener(ev::pagehide, move |_| {
        flush(&state);
        if let Some(id) = open_id(&state) {
            tabs::release(&id);
        }
    });
    let _visibility = window_event_listener_untyped("visibilitychange", move |_| {
        let hidden = web_sys::window()
            .and_then(|w| w.document())
            .is_some_and(|d| d.hidden());
        if hidden {
            flush(&state);
        }
    });

    let not_saved = move || match state.saved.get() {
        SaveState::NotSaved(why) if state.document.with(Option::is_some) => Some(why),
        _ => None,
    };
    let download_open = move |_| {
        let result = state
            .document
            .with_untracked(|d| d.as_ref().map(download::download_glossa_json));
        if let Some(Err(e)) = result {
            say(&state, e);
        }
    };
    let take_over = move |_| {
        if let Some(id) = open_id(&state) {
            tabs::take_over(&id);
            reload_open(&state, &id);
            state.read_only.set(false);
            state.problem.set(None);
            // A note the other tab was typing goes in (it is kept at each keystroke).
            state.adopt_note_draft();
        }
    };
    view! {
        {move || not_saved().map(|why| view! {
            <div class="not-saved-banner" role="alert">
                <span>{why}</span>
                <span class="actions">
                    <button on:click=download_open>"Download this document"</button>
                    <button on:click=move |_| {
                        // The user chose to drop the unsaved edits (after downloading them).
                        state.saved.set(SaveState::Saved);
                        state.open(None);
                    }>"Leave without saving"</button>
                </span>
            </div>
        })}
        <Show when=move || state.read_only.get() && state.document.with(Option::is_some)>
            <div class="read-only-banner" role="status">
                <span>
                    <strong>"Read-only. "</strong>
                    "This document is being edited in another tab; its edits appear here as they \
                     are saved."
                </span>
                <button on:click=take_over>"Edit here"</button>
            </div>
        </Show>
    }
}

/// Documents read from files, shown in a preview until the user confirms (and says whether
/// those already stored are replaced).
#[derive(Clone, Debug, PartialEq)]
struct PendingImport {
    /// The files and their format, as the preview names them.
    source: String,
    documents: Vec<Document>,
    /// Titles of those whose id is already stored.
    existing: Vec<String>,
    /// What the import skipped or changed, one line each.
    warnings: Vec<String>,
    open_after: bool,
    /// The id of the file input it came from, where the focus goes back to.
    from: &'static str,
}

/// What the library screen shares: a pending import, the documents deleted or replaced by an
/// import, as they were, each with what happened to it (for Undo).
#[derive(Clone, Copy)]
pub struct LibraryCtx {
    pending: RwSignal<Option<PendingImport>>,
    deleted: RwSignal<Vec<(&'static str, Document)>>,
    message: RwSignal<Option<String>>,
}

impl LibraryCtx {
    /// The library screen's shared state; call once in the screen that holds the library.
    pub fn provide() -> Self {
        let ctx = LibraryCtx {
            pending: RwSignal::new(None),
            deleted: RwSignal::new(Vec::new()),
            message: RwSignal::new(None),
        };
        provide_context(ctx);
        ctx
    }
}

fn say(state: &AppState, message: impl Into<String>) {
    state.problem.set(Some(message.into()));
}

/// Stores imported documents: all of them, or (`replace` false) only those not stored yet.
/// A document another tab is editing is never replaced. Returns how many were stored.
fn store_imported(state: &AppState, ctx: &LibraryCtx, plan: PendingImport, replace: bool) {
    let stored = storage::stored_document_ids();
    let (mut saved, mut skipped, mut busy) = (Vec::new(), 0, Vec::new());
    for doc in &plan.documents {
        let exists = stored.contains(&doc.id);
        if exists && !replace {
            skipped += 1;
            continue;
        }
        if exists && tabs::holder(&doc.id) == tabs::Holder::OtherTab {
            busy.push(doc.title.clone());
            continue;
        }
        // The stored copy, for Undo (a replace could not be taken back before).
        let replaced = storage::load_document(&doc.id).ok().flatten();
        if let Err(p) = storage::save_document(doc) {
            say(
                state,
                format!(
                    "Imported {} of {} documents, then: {p}",
                    saved.len(),
                    plan.documents.len()
                ),
            );
            state.library_rev.update(|r| *r += 1);
            return;
        }
        saved.push(doc.clone());
        if let Some(old) = replaced {
            ctx.deleted.update(|v| v.push(("Replaced", old)));
        }
    }
    state.library_rev.update(|r| *r += 1);
    let mut message = match saved.len() {
        1 => format!("Imported “{}”.", saved[0].title),
        n => format!("Imported {n} documents."),
    };
    if skipped > 0 {
        message.push_str(&format!(
            " Kept your own {} of {}.",
            if skipped == 1 { "copy" } else { "copies" },
            count(skipped, "document")
        ));
    }
    if !busy.is_empty() {
        message.push_str(&format!(
            " Not replaced, being edited in another tab: {}.",
            busy.join(", ")
        ));
    }
    ctx.message.set(Some(message));
    // The focus goes on: in the text of a document opened (AppState::open), to Undo after a
    // replace, or back to the file input (it fell to the page's body).
    if plan.open_after {
        if let [one] = saved.as_slice() {
            state.open(Some(one.clone()));
        } else if let Some(first) = plan.documents.first().filter(|_| saved.is_empty()) {
            // Kept the stored copy: open that.
            if let Ok(Some(d)) = storage::load_document(&first.id) {
                state.open(Some(d));
            }
        }
    } else {
        focus_when_drawn(
            if replace && !saved.is_empty() {
                "undo-delete"
            } else {
                plan.from
            }
            .into(),
        );
    }
}

/// A picked or dropped file, read whole.
struct Picked {
    name: String,
    bytes: Vec<u8>,
}

async fn read_file(file: web_sys::File) -> Result<Picked, String> {
    let buffer = wasm_bindgen_futures::JsFuture::from(file.array_buffer())
        .await
        .map_err(|e| format!("“{}” could not be read: {e:?}", file.name()))?;
    Ok(Picked {
        name: file.name(),
        bytes: js_sys::Uint8Array::new(&buffer).to_vec(),
    })
}

/// An article to annotate rather than an annotation file (or the text beside one).
fn is_article(name: &str) -> bool {
    let name = name.as_bytes();
    [".txt", ".md", ".markdown"].iter().any(|e| {
        name.len() >= e.len() && name[name.len() - e.len()..].eq_ignore_ascii_case(e.as_bytes())
    })
}

/// A new document from a text file, character for character (CRLF kept): UTF-8, or UTF-16
/// with its byte order mark; anything else is refused with what to do about it.
fn open_article(state: &AppState, file: &Picked) {
    let text = match glossa_core::formats::article_text(&file.name, &file.bytes) {
        Ok(text) => text,
        Err(e) => return say(state, e.to_string()),
    };
    if text.trim().is_empty() {
        say(state, format!("“{}” is empty.", file.name));
        return;
    }
    let title = file
        .name
        .rsplit_once('.')
        .map_or(&*file.name, |(stem, _)| stem);
    state.open(Some(Document::new(
        &new_document_id(),
        title,
        &text,
        now_ms(),
    )));
    state.save();
}

/// The documents in picked files, read by the formats worker (each file's format detected,
/// with `.txt` files beside them: brat's texts, the source text of W3C annotations).
async fn read_documents(files: &[Picked]) -> Result<(Format, Vec<Document>, Vec<String>), String> {
    let picked: Vec<(&str, &[u8])> = files
        .iter()
        .map(|f| (f.name.as_str(), f.bytes.as_slice()))
        .collect();
    let read = formats_worker::import(&picked, now_ms())
        .await
        .map_err(|e| format!("Nothing was imported. {e}"))?;
    let format = Format::from_name(&read.format).unwrap_or(Format::Glossa);
    Ok((format, read.documents, read.warnings))
}

/// Reads annotation files in any format Glossa knows and shows what they hold for the user to
/// confirm. Nothing is stored here; a file that cannot be read leaves everything as it was and
/// says where it is wrong.
async fn preview_import(state: AppState, ctx: LibraryCtx, files: Vec<Picked>, open_after: bool) {
    // Reading a long file takes the worker a moment: say so first.
    // The screen may be gone before or after the reading (a document opened meanwhile): its
    // signals with it, and there is no preview to show.
    if ctx
        .message
        .try_set(Some("Reading the files…".into()))
        .is_some()
    {
        return;
    }
    after_paint().await;
    let read = read_documents(&files).await;
    if ctx.message.try_set(None).is_some() {
        return;
    }
    let (format, mut documents, warnings) = match read {
        Ok(read) => read,
        Err(e) => return say(&state, e),
    };
    if documents.is_empty() {
        return say(
            &state,
            "Nothing was imported: those files hold no documents.",
        );
    }
    // Only Glossa files carry Glossa ids (a backup restores over its own documents); the
    // others get new ones, so an import never replaces a document by accident.
    if format != Format::Glossa {
        for d in &mut documents {
            d.id = new_document_id();
        }
    }
    let stored = storage::stored_document_ids();
    let existing = documents
        .iter()
        .filter(|d| stored.contains(&d.id))
        .map(|d| d.title.clone())
        .collect();
    let names: Vec<String> = files
        .iter()
        .filter(|f| format == Format::Brat || !is_article(&f.name))
        .map(|f| format!("“{}”", f.name))
        .collect();
    ctx.pending.set(Some(PendingImport {
        source: format!("{} ({})", names.join(", "), format.title()),
        open_after: open_after && documents.len() == 1,
        from: if open_after {
            "open-file"
        } else {
            "import-library"
        },
        documents,
        existing,
        warnings,
    }));
}

/// New documents from text files; imports (after a preview) from annotation files. With
/// `library` every file is taken as an annotation file.
fn open_files(state: AppState, ctx: LibraryCtx, files: Vec<web_sys::File>, library: bool) {
    spawn_local(async move {
        let mut picked = Vec::new();
        for file in files {
            match read_file(file).await {
                Ok(p) => picked.push(p),
                Err(e) => return say(&state, e),
            }
        }
        let annotations = library || picked.iter().any(|f| !is_article(&f.name));
        if annotations {
            preview_import(state, ctx, picked, !library).await;
        } else {
            picked.iter().for_each(|f| open_article(&state, f));
        }
    });
}

fn files_of(list: Option<web_sys::FileList>) -> Vec<web_sys::File> {
    list.map(|l| (0..l.length()).filter_map(|i| l.get(i)).collect())
        .unwrap_or_default()
}

/// Open a .txt, .md or Glossa .json file: a picker and a drop zone.
#[component]
pub fn OpenFile() -> impl IntoView {
    let state = expect_context::<AppState>();
    let ctx = expect_context::<LibraryCtx>();
    let over = RwSignal::new(false);
    let on_pick = move |ev: ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        let files = files_of(input.files());
        input.set_value("");
        open_files(state, ctx, files, false);
    };
    let on_drop = move |ev: ev::DragEvent| {
        ev.prevent_default();
        over.set(false);
        open_files(
            state,
            ctx,
            files_of(ev.data_transfer().and_then(|d| d.files())),
            false,
        );
    };
    view! {
        <div class="dropzone" class:over=move || over.get()
            on:dragover=move |ev: ev::DragEvent| { ev.prevent_default(); over.set(true); }
            on:dragleave=move |_| over.set(false)
            on:drop=on_drop>
            <label for="open-file">"Or open a file"</label>
            <input id="open-file" type="file" multiple
                accept=".txt,.md,.markdown,.json,.jsonl,.jsonld,.ann,.zip,.conll,.iob,.iob2,.bio,text/plain,text/markdown,application/json,application/zip"
                on:change=on_pick/>
            <span class="muted">"A .txt or .md article (kept exactly as written), or annotations to import: Glossa JSON, W3C Web Annotation, Label Studio, doccano, spaCy/Prodigy, brat (each .ann with its .txt, or a .zip) or CoNLL. You can also drop files here."</span>
        </div>
    }
}

/// Spans per label, in the document's label order: "actor 3, claim 2".
fn label_counts(doc: &Document) -> String {
    doc.labels
        .labels
        .iter()
        .filter_map(|l| {
            let n = doc.spans().iter().filter(|s| s.label == l.name).count();
            (n > 0).then(|| format!("{} {n}", l.name))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Makes `d` a document of its own beside the one it copies: a new id, "(copy)" after its
/// title, made now.
fn make_copy(d: &mut Document) {
    d.id = new_document_id();
    d.title = format!("{} (copy)", d.title);
    d.created_ms = now_ms();
    d.modified_ms = d.created_ms;
}

/// What an import found, for the user to confirm: each document with its spans per label,
/// what was skipped or changed, and which documents are already stored.
#[component]
fn ImportPreview(plan: PendingImport) -> impl IntoView {
    let state = expect_context::<AppState>();
    let ctx = expect_context::<LibraryCtx>();
    let first = NodeRef::<leptos::html::Button>::new();
    // The dialog takes the focus, so Enter confirms and the keyboard reaches it at once.
    Effect::new(move |_| {
        if let Some(b) = first.get() {
            let _ = b.focus();
        }
    });
    let (replace, keep, both) = (plan.clone(), plan.clone(), plan.clone());
    const SHOWN: usize = 20;
    let more = |n: usize| {
        (n > SHOWN).then(|| view! { <li class="muted">{format!("and {} more", n - SHOWN)}</li> })
    };
    let docs = plan.documents.len();
    let spans: usize = plan.documents.iter().map(|d| d.spans().len()).sum();
    let from = plan.from;
    let cancel = move || {
        ctx.pending.set(None);
        focus_when_drawn(from.into());
    };
    let buttons = if plan.existing.is_empty() {
        view! {
            <button class="small" node_ref=first on:click=move |_| { ctx.pending.set(None); store_imported(&state, &ctx, replace.clone(), false); }>
                {format!("Import {}", if docs == 1 { "it".to_string() } else { format!("{docs} documents") })}
            </button>
        }
        .into_any()
    } else {
        view! {
            <p>{format!(
                "{} already in your library: {}. Replace {} with the file's {}?",
                match (plan.existing.len(), docs) {
                    (1, 1) => "This document is".to_string(),
                    (n, d) if n == d => format!("All {d} documents are"),
                    (1, d) => format!("1 of the {d} documents is"),
                    (n, d) => format!("{n} of the {d} documents are"),
                },
                plan.existing.iter().map(|t| format!("“{t}”")).collect::<Vec<_>>().join(", "),
                if plan.existing.len() == 1 { "it" } else { "them" },
                if plan.existing.len() == 1 { "copy" } else { "copies" },
            )}</p>
            <button class="small danger" on:click=move |_| { ctx.pending.set(None); store_imported(&state, &ctx, replace.clone(), true); }>
                {if plan.existing.len() == 1 { "Replace it" } else { "Replace them" }}
            </button>
            // The file's copies beside the user's, to compare: as Duplicate makes them. It
            // takes the focus first: it loses nothing.
            <button class="small" node_ref=first on:click=move |_| {
                ctx.pending.set(None);
                let mut plan = both.clone();
                let stored = storage::stored_document_ids();
                plan.documents.iter_mut().filter(|d| stored.contains(&d.id)).for_each(make_copy);
                store_imported(&state, &ctx, plan, false);
            }>"Keep both"</button>
            {(plan.existing.len() < docs).then(|| view! {
                <button class="small" on:click=move |_| { ctx.pending.set(None); store_imported(&state, &ctx, keep.clone(), false); }>"Keep mine, import only new ones"</button>
            })}
        }
        .into_any()
    };
    view! {
        <div class="import-confirm" role="alertdialog" aria-labelledby="import-heading"
            on:keydown=move |ev: ev::KeyboardEvent| if ev.key() == "Escape" { cancel() }>
            <h3 id="import-heading">"Import documents?"</h3>
            <p>{format!("{}: {}, {}.", plan.source, count(docs, "document"), count(spans, "span"))}</p>
            <ul class="import-docs">
                {plan.documents.iter().take(SHOWN).map(|d| view! {
                    <li>
                        <bdi>{format!("“{}”", d.title)}</bdi>
                        <span class="muted">{format!(
                            " — {}, {}{}{}",
                            count(d.text.chars().count(), "character"),
                            count(d.spans().len(), "span"),
                            if d.spans().is_empty() { String::new() } else { format!(" ({})", label_counts(d)) },
                            match d.relations().len() { 0 => String::new(), n => format!(", {}", count(n, "relation")) }
                        )}</span>
                    </li>
                }).collect_view()}
                {more(docs)}
            </ul>
            {(!plan.warnings.is_empty()).then(|| view! {
                <p>{format!("{} could not come in as {}:", count(plan.warnings.len(), "thing"), if plan.warnings.len() == 1 { "it was" } else { "they were" })}</p>
                <ul class="import-warnings">
                    {plan.warnings.iter().take(SHOWN).map(|w| view! { <li>{w.clone()}</li> }).collect_view()}
                    {more(plan.warnings.len())}
                </ul>
            })}
            {buttons}
            <button class="small" on:click=move |_| cancel()>"Cancel"</button>
        </div>
    }
}

/// One decimal, rounded, in integer arithmetic (float formatting costs the wasm ~10 KB).
fn kilobytes(units: usize) -> String {
    let (unit, name) = if units >= 1024 * 1024 {
        (1024 * 1024, "MB")
    } else {
        (1024, "KB")
    };
    let tenths = (units * 10 + unit / 2) / unit;
    format!("{}.{} {name}", tenths / 10, tenths % 10)
}

fn date(ms: i64) -> String {
    if ms <= 0 {
        return "unknown".into();
    }
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64));
    // In the browser's own locale, which says whether the day or the month comes first:
    // "default" is no language, so the browser's is used. (navigator.language cannot be
    // passed: WebKit started with LANG=C says "C", which toLocaleString refuses, a panic.)
    String::from(d.to_locale_string("default", &wasm_bindgen::JsValue::UNDEFINED))
}

fn counts(entry: &IndexEntry) -> String {
    if entry.spans == 0 {
        return "no spans".into();
    }
    let per: Vec<String> = entry
        .labels
        .iter()
        .map(|(label, n)| format!("{label} {n}"))
        .collect();
    format!("{}: {}", count(entry.spans, "span"), per.join(", "))
}

/// Loads, changes and stores a document from the library, unless another tab edits it.
fn change_stored(
    state: &AppState,
    id: &str,
    change: impl FnOnce(&mut Document),
) -> Option<Document> {
    if tabs::holder(id) == tabs::Holder::OtherTab {
        say(
            state,
            "That document is open for editing in another tab: change it there, or close it first.",
        );
        return None;
    }
    match storage::load_document(id) {
        Ok(Some(mut d)) => {
            change(&mut d);
            match storage::save_document(&d) {
                Ok(()) => Some(d),
                Err(p) => {
                    say(state, p.to_string());
                    None
                }
            }
        }
        Ok(None) => {
            say(state, "That document is no longer stored.");
            None
        }
        Err(p) => {
            say(state, p.to_string());
            None
        }
    }
}

/// One document in the library.
#[component]
fn LibraryRow(entry: IndexEntry) -> impl IntoView {
    let state = expect_context::<AppState>();
    let ctx = expect_context::<LibraryCtx>();
    let renaming = RwSignal::new(false);
    let confirming = RwSignal::new(false);
    let new_title = RwSignal::new(entry.title.clone());
    let id = StoredValue::new(entry.id.clone());
    let title = entry.title.clone();
    let bump = move || state.library_rev.update(|r| *r += 1);

    let open = move |_| match storage::open_document(&id.get_value()) {
        Ok(Some((d, note))) => {
            let opened = d.id.clone();
            state.open(Some(d));
            state.store_repaired(&opened, &note);
            if let Some(p) = note {
                say(&state, p.to_string());
            }
        }
        Ok(None) => say(&state, "That document is no longer stored."),
        Err(p) => {
            say(&state, p.to_string());
            bump();
        }
    };
    // The focus goes back to the title (drawn anew), not to the top of the page.
    let stop_renaming = move || {
        renaming.set(false);
        focus_when_drawn(format!("open-{}", id.get_value()));
    };
    let rename = move || {
        let t = new_title.get_untracked().trim().to_string();
        stop_renaming();
        if t.is_empty() {
            return;
        }
        if change_stored(&state, &id.get_value(), |d| {
            d.title = t;
            d.modified_ms = now_ms();
        })
        .is_some()
        {
            bump();
        }
    };
    let duplicate = move |_| {
        let mut copy = None;
        if let Ok(Some(d)) = storage::load_document(&id.get_value()) {
            let mut d = d;
            make_copy(&mut d);
            copy = Some(d);
        }
        match copy.map(|d| storage::save_document(&d).map(|_| d)) {
            Some(Ok(d)) => ctx.message.set(Some(format!("Made “{}”.", d.title))),
            Some(Err(p)) => say(&state, p.to_string()),
            None => say(&state, "That document could not be read."),
        }
        bump();
    };
    let keep = move || {
        confirming.set(false);
        focus_when_drawn(format!("delete-{}", id.get_value()));
    };
    let delete = move |_| {
        confirming.set(false);
        let id = id.get_value();
        if tabs::holder(&id) == tabs::Holder::OtherTab {
            say(
                &state,
                "That document is open for editing in another tab: close it there first.",
            );
            return;
        }
        match storage::delete_document(&id) {
            Ok(Some(d)) => {
                ctx.message.set(None);
                ctx.deleted.update(|v| v.push(("Deleted", d)));
                // The row goes; the undo bar's button has the focus next.
                focus_when_drawn("undo-delete".into());
            }
            Ok(None) => {}
            Err(p) => say(&state, p.to_string()),
        }
        bump();
    };

    let title_for_rename = title.clone();
    let title_for_delete = title.clone();
    view! {
        <li class="doc-row">
            <div class="doc-main">
                <Show when=move || renaming.get() fallback={
                    let title = title.clone();
                    move || view! { <button class="link doc-open" id=format!("open-{}", id.get_value()) on:click=open>{title.clone()}</button> }
                }>
                    <span class="rename">
                        <label class="sr-only" for=format!("rename-{}", id.get_value())>"New title"</label>
                        <input id=format!("rename-{}", id.get_value()) type="text" aria-label="New title"
                            prop:value=move || new_title.get()
                            on:input=move |ev| new_title.set(event_target_value(&ev))
                            on:keydown=move |ev: ev::KeyboardEvent| match ev.key().as_str() {
                                "Enter" => rename(),
                                "Escape" => stop_renaming(),
                                _ => {}
                            }/>
                        <button class="small" on:click=move |_| rename()>"Save title"</button>
                    </span>
                </Show>
                <span class="muted doc-meta">
                    {format!(
                        "{} characters · {} · {} stored · edited {}",
                        entry.text_chars,
                        counts(&entry),
                        kilobytes(entry.stored_units),
                        date(entry.modified_ms)
                    )}
                </span>
            </div>
            <Show when=move || confirming.get() fallback={
                let t1 = title_for_rename.clone();
                let t2 = t1.clone();
                let t3 = t1.clone();
                let t4 = t1.clone();
                move || view! {
                    <span class="doc-actions">
                        <button class="small" on:click=open aria-label=format!("Open {t1}")>"Open"</button>
                        <button class="small" aria-label=format!("Rename {t2}")
                            on:click=move |_| { renaming.set(true); focus_when_drawn(format!("rename-{}", id.get_value())); }>"Rename"</button>
                        <button class="small" on:click=duplicate aria-label=format!("Duplicate {t3}")>"Duplicate"</button>
                        <button class="small" id=format!("delete-{}", id.get_value()) aria-label=format!("Delete {t4}")
                            on:click=move |_| { confirming.set(true); focus_when_drawn(format!("keep-{}", id.get_value())); }>"Delete"</button>
                    </span>
                }
            }>
                // The question takes the focus, on Keep it; Escape or Keep it gives it back to
                // Delete.
                <span class="doc-actions confirm" role="group" aria-label="Confirm delete"
                    on:keydown=move |ev: ev::KeyboardEvent| if ev.key() == "Escape" { keep() }>
                    {format!("Delete “{}”? ", title_for_delete)}
                    <button class="small danger" on:click=delete>"Yes, delete"</button>
                    <button class="small" id=format!("keep-{}", id.get_value()) on:click=move |_| keep()>"Keep it"</button>
                </span>
            </Show>
        </li>
    }
}

/// The stored documents: list, actions, storage use, backup, and unreadable values.
#[component]
pub fn Library() -> impl IntoView {
    let state = expect_context::<AppState>();
    let ctx = expect_context::<LibraryCtx>();
    let library = Memo::new(move |_| {
        state.library_rev.track();
        let (entries, problems) = storage::load_library();
        (
            entries,
            problems
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(" "),
            storage::usage(),
            storage::list_quarantined(),
        )
    });
    // What the browser promises for this site's storage, said under the usage.
    state.learn_persistence(false);
    Effect::new(move |_| {
        let p = library.with(|l| l.1.clone());
        if !p.is_empty() {
            state.problem.set(Some(p));
        }
    });

    let undo = move |_| {
        let Some((_, doc)) = ctx.deleted.with_untracked(|v| v.last().cloned()) else {
            return;
        };
        match storage::save_document(&doc) {
            Ok(()) => {
                ctx.deleted.update(|v| {
                    v.pop();
                });
                ctx.message.set(Some(format!("Restored “{}”.", doc.title)));
                // On to the next Undo, or to the document back in the list.
                let more = ctx.deleted.with_untracked(|v| !v.is_empty());
                focus_when_drawn(if more {
                    "undo-delete".into()
                } else {
                    format!("open-{}", doc.id)
                });
            }
            Err(p) => say(&state, p.to_string()),
        }
        state.library_rev.update(|r| *r += 1);
    };

    let import_library = move |ev: ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        let files = files_of(input.files());
        input.set_value("");
        open_files(state, ctx, files, true);
    };
    let exported = Callback::new(move |n: usize| {
        ctx.message.set(Some(format!("Exported {n} documents.")));
    });

    let download_raw = move |key: String, original: String| {
        if let Some(value) = storage::raw(&key) {
            if let Err(e) = download(&format!("{original}.txt"), "text/plain", &value) {
                say(&state, format!("The download failed: {e:?}"));
            }
        }
    };
    let discard = move |key: String| {
        let sure = web_sys::window()
            .and_then(|w| {
                w.confirm_with_message(
                    "Delete this unreadable value for good? Download it first if you may need it.",
                )
                .ok()
            })
            .unwrap_or(false);
        if sure {
            storage::discard_quarantined(&key);
            state.library_rev.update(|r| *r += 1);
        }
    };

    view! {
        <section class="library" aria-labelledby="library-heading">
            <div class="library-head">
                <h2 id="library-heading">"Your documents"</h2>
                <span class="spacer"></span>
                <ExportMenu library=true done=exported/>
                // The input before its label, so the label can show the input's focus.
                <input id="import-library" class="sr-only" type="file" multiple
                    accept=".json,.jsonl,.jsonld,.ann,.txt,.zip,.conll,.iob,.iob2,.bio,application/json,application/zip"
                    on:change=import_library/>
                <label class="button small" for="import-library">"Import…"</label>
            </div>
            <p class="usage">
                {move || library.with(|l| {
                    let used = l.2;
                    let percent = used * 100 / storage::QUOTA_ESTIMATE;
                    // A few kilobytes are not "1%" (nor "0%", which reads as nothing).
                    let share = match percent {
                        0 if used > 0 => "under 1".to_string(),
                        p => p.to_string(),
                    };
                    format!("Storage: {} of about 5 MB used ({share}%). ", kilobytes(used))
                })}
                <meter min="0" max=storage::QUOTA_ESTIMATE.to_string()
                    value=move || library.with(|l| l.2.to_string()) aria-label="Storage used"></meter>
                {move || state.persistent.get().map(|kept| if kept {
                    "This browser keeps it until you delete it."
                } else {
                    "This browser may clear it if the disk runs low (Safari: after a week unvisited); Export library keeps a copy."
                })}
            </p>
            <Show when=move || ctx.deleted.with(|v| !v.is_empty())>
                <div class="undo-bar" role="status">
                    {move || ctx.deleted.with(|v| v.last().map(|(what, d)| format!("{what} “{}” — ", d.title)))}
                    <button class="small" id="undo-delete" on:click=undo>"Undo"</button>
                </div>
            </Show>
            <Show when=move || ctx.message.with(Option::is_some)>
                <p class="library-message" role="status">{move || ctx.message.get()}</p>
            </Show>
            {move || ctx.pending.get().map(|plan| view! { <ImportPreview plan=plan/> })}
            <Show when=move || library.with(|l| l.0.is_empty())>
                <p class="muted">"No documents yet. Paste an article above, or open a file."</p>
            </Show>
            <ul class="doc-list">
                <For each=move || library.get().0 key=|e| format!("{}|{}|{}|{}", e.id, e.modified_ms, e.title, e.stored_units) let:entry>
                    <LibraryRow entry=entry/>
                </For>
            </ul>
            <Show when=move || library.with(|l| !l.3.is_empty())>
                <div class="quarantine">
                    <h3>"Unreadable values"</h3>
                    <p class="muted">"These could not be read, so they were kept aside untouched. Download them to recover the text by hand."</p>
                    <ul>
                        {move || library.get().3.into_iter().map(|q| {
                            let (k1, k2, o1) = (q.key.clone(), q.key.clone(), q.original_key.clone());
                            let name = match &q.title {
                                Some(t) => format!("“{t}” ({})", q.original_key),
                                None => q.original_key.clone(),
                            };
                            view! {
                                <li>
                                    <span>{name}</span>
                                    <span class="muted">{format!(" — {}", kilobytes(q.units))}</span>
                                    " "
                                    <button class="small" on:click=move |_| download_raw(k1.clone(), o1.clone())>"Download raw value"</button>
                                    <button class="small" on:click=move |_| discard(k2.clone())>"Delete"</button>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                </div>
            </Show>
        </section>
    }
}
