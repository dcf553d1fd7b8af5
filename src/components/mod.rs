//! The Leptos components: what the user sees.

mod details;
mod editor;
mod export_menu;
mod labels;
pub mod library;
mod paste;
mod search;
mod span_list;
mod text_view;

use crate::browser::storage;
use editor::Editor;
use glossa_core::{Document, Journal};
use leptos::prelude::*;
use paste::PasteForm;
use std::time::Duration;

/// How long after the last edit the open document is written whole again (its journal
/// keeps every edit saved meanwhile), and how many journaled edits force it sooner.
const WRITE_WHOLE_AFTER: Duration = Duration::from_millis(1500);
const WRITE_WHOLE_AT_EDITS: usize = 200;

/// The open document (`None`: the paste screen) and the last storage problem, shared by
/// every component.
#[derive(Clone, Copy)]
pub struct AppState {
    pub document: RwSignal<Option<Document>>,
    pub problem: RwSignal<Option<String>>,
    /// Whether the open document's last edit is in storage (library.rs).
    pub saved: RwSignal<library::SaveState>,
    /// True while another tab edits the open document: edits are refused (library.rs).
    pub read_only: RwSignal<bool>,
    /// Bumped when the stored library changes (here or in another tab).
    pub library_rev: RwSignal<u64>,
    /// Whether the browser keeps this site's storage until the user deletes it (`None`: it
    /// cannot say), whether this page asked it to yet, and how many times it was asked.
    pub persistent: RwSignal<Option<bool>>,
    asked_to_keep: StoredValue<bool>,
    persistence_questions: StoredValue<u64>,
    /// The open document's undo history, loaded and saved with it (library.rs).
    pub history: StoredValue<glossa_core::History>,
    /// The edits to the open document (by id) stored as a journal since it was last written
    /// whole, and the timer that writes it whole when the user pauses.
    journal: StoredValue<Option<(String, Journal)>>,
    write_whole: StoredValue<Option<TimeoutHandle>>,
}

impl AppState {
    /// Reopens the document that was open when the page was last closed.
    fn restore() -> Self {
        let mut problem_note = None;
        // Said at once, before any work is done that could not be kept.
        let mut problem =
            storage::denied().map(|why| storage::StorageProblem::Denied { why }.to_string());
        let document =
            storage::current_document_id().and_then(|id| match storage::open_document(&id) {
                Ok(Some((d, note))) => {
                    problem = note.as_ref().map(|p| p.to_string());
                    problem_note = note;
                    Some(d)
                }
                Ok(None) => None,
                Err(p) => {
                    problem = Some(p.to_string());
                    None
                }
            });
        let read_only = document
            .as_ref()
            .is_some_and(|d| !crate::browser::tabs::try_acquire(&d.id));
        let history = library::stored_history(document.as_ref());
        let opened = document.as_ref().map(|d| d.id.clone());
        let state = AppState {
            document: RwSignal::new(document),
            problem: RwSignal::new(problem),
            saved: RwSignal::new(library::SaveState::Saved),
            read_only: RwSignal::new(read_only),
            library_rev: RwSignal::new(0),
            persistent: RwSignal::new(None),
            asked_to_keep: StoredValue::new(false),
            persistence_questions: StoredValue::new(0),
            history: StoredValue::new(history),
            journal: StoredValue::new(None),
            write_whole: StoredValue::new(None),
        };
        if let Some(id) = opened {
            state.store_repaired(&id, &problem_note);
            state.adopt_note_draft();
        }
        state
    }

    /// After opening document `id` repaired as it opened (its value as it was kept aside):
    /// this tab, if it edits it, writes it whole with its undo history, so it opens whole from
    /// then on. A refused write changes nothing: it is repaired again at the next open.
    pub(super) fn store_repaired(&self, id: &str, note: &Option<storage::StorageProblem>) {
        let open_here = self
            .document
            .with_untracked(|d| d.as_ref().is_some_and(|d| d.id == id));
        if open_here
            && !self.read_only.get_untracked()
            && note
                .as_ref()
                .is_some_and(storage::StorageProblem::repaired_and_kept)
        {
            let _ = self.write_document();
        }
    }

    /// Commits a note left half-typed in the open document (by a tab that crashed, or that
    /// this tab took the document over from), as an undoable edit, once this tab edits it.
    pub(super) fn adopt_note_draft(&self) {
        if self.read_only.get_untracked() {
            return;
        }
        let Some((span, note)) =
            library::open_id(self).and_then(|id| storage::take_note_draft(&id))
        else {
            return;
        };
        // An unchanged note changes nothing and is not an undo step.
        self.change(glossa_core::Edit::SetNote {
            id: span,
            note: Some(note),
        });
    }

    /// Opens `document`, or the paste screen for `None`, and remembers the choice.
    pub fn open(&self, document: Option<Document>) {
        let id = document.as_ref().map(|d| d.id.clone());
        if !library::may_leave(self, id.as_deref()) {
            return;
        }
        library::switch_lease(self, document.as_ref());
        if let Err(p) = storage::set_current_document_id(id.as_deref()) {
            self.problem.set(Some(p.to_string()));
        }
        if id.is_some() {
            self.keep_storage();
        }
        // Another screen starts at its top (Your documents may have been scrolled far down).
        window().scroll_to_with_x_and_y(0.0, 0.0);
        focus_work(id.is_some());
        self.document.set(document);
        self.adopt_note_draft();
    }

    /// Once there is work to lose (a document opened or edited), asks the browser, once per
    /// page, to keep this site's storage instead of clearing it when the disk runs low.
    fn keep_storage(&self) {
        if self.asked_to_keep.get_value() {
            return;
        }
        self.asked_to_keep.set_value(true);
        self.learn_persistence(true);
    }

    /// Asks the browser whether it keeps this site's storage (with `ask`, asks it to first, if
    /// it does not yet) and shows the answer. Answers can come out of order: a yes is shown
    /// whenever it comes (the user may answer Firefox's prompt late), a no only if no question
    /// was asked after it (the browser may have said yes since).
    pub fn learn_persistence(&self, ask: bool) {
        let question = self.persistence_questions.get_value() + 1;
        self.persistence_questions.set_value(question);
        let (persistent, questions) = (self.persistent, self.persistence_questions);
        leptos::task::spawn_local(async move {
            let kept = match storage::persistent(false).await {
                Some(false) if ask => storage::persistent(true).await,
                known => known,
            };
            if kept == Some(true) || questions.get_value() == question {
                persistent.set(kept);
            }
        });
    }

    /// Makes one undoable edit to the open document and saves it; `None` when there is none
    /// open or it is read-only (said to the user).
    pub fn change(&self, edit: glossa_core::Edit) -> Option<Result<bool, glossa_core::EditError>> {
        let history = self.history;
        let mut out = None;
        self.edit(|doc| history.update_value(|h| out = Some(h.do_edit(doc, edit))))?;
        out
    }

    /// Applies an edit to the open document and saves it at once.
    pub fn edit<R>(&self, change: impl FnOnce(&mut Document) -> R) -> Option<R> {
        let was_saved = self.saved.get_untracked() == library::SaveState::Saved;
        if library::refuse_edit(self) {
            return None;
        }
        let before = self
            .document
            .with_untracked(|d| d.as_ref().map(Journal::starting_from))?;
        let result = self.document.try_update(|d| {
            d.as_mut().map(|d| {
                let r = change(d);
                d.modified_ms = crate::browser::now_ms();
                r
            })
        })??;
        self.save_edits(before, was_saved);
        self.keep_storage();
        Some(result)
    }

    /// Saves the edits just made. Usually they go in the document's journal, a small write;
    /// the whole document is written instead when no journal can start or go on (the stored
    /// document is not the one the edits started from, an older journal is still stored, or
    /// the journal kept in memory is no longer the stored one).
    fn save_edits(&self, before: Journal, was_saved: bool) {
        if self.read_only.get_untracked() {
            return;
        }
        let applied = self.history.try_update_value(|h| h.take_applied());
        let Some((id, modified_ms)) = self
            .document
            .with_untracked(|d| d.as_ref().map(|d| (d.id.clone(), d.modified_ms)))
        else {
            return;
        };
        let pending = self
            .journal
            .try_update_value(|j| j.take().filter(|(of, _)| *of == id));
        let journal = match (pending.flatten(), applied) {
            // Unless something wrote the document whole meanwhile (its journal is gone).
            (Some((_, journal)), Some(edits)) if storage::has_journal(&id) => {
                Some((journal, edits))
            }
            (None, Some(edits)) if was_saved && !storage::has_journal(&id) => Some((before, edits)),
            _ => None,
        };
        let Some((mut journal, edits)) = journal else {
            return self.save();
        };
        journal.record(edits, modified_ms);
        let result = storage::save_journal(&id, &journal);
        let long = journal.edits.len() >= WRITE_WHOLE_AT_EDITS;
        // Kept even when refused: the next edit writes it with its own.
        self.journal.set_value(Some((id, journal)));
        match result {
            // No room for the journal (after a step over thousands of spans, which it holds
            // twice, with their inverse)? The document written whole may still fit.
            Err(_) => self.save(),
            Ok(()) => {
                self.report_save(Some(&result));
                if long {
                    self.write_whole_in_steps()
                } else {
                    self.write_whole_later()
                }
            }
        }
    }

    /// Writes the open document whole once the user pauses (each edit restarts the wait).
    fn write_whole_later(&self) {
        if let Some(timer) = self.write_whole.try_update_value(Option::take).flatten() {
            timer.clear();
        }
        let state = *self;
        if let Ok(timer) =
            set_timeout_with_handle(move || state.write_whole_in_steps(), WRITE_WHOLE_AFTER)
        {
            self.write_whole.set_value(Some(timer));
        }
    }

    /// Writes the open document whole if edits to it are only in its journal. A refused write
    /// loses nothing (the journal still holds every edit), so it is not reported.
    pub fn write_whole(&self) {
        if self.edits_only_journaled() {
            self.write_document();
        }
    }

    /// True when edits to the open document are in its journal alone and this tab writes it.
    fn edits_only_journaled(&self) -> bool {
        self.journal.with_value(Option::is_some) && !self.read_only.get_untracked()
    }

    /// As [`AppState::write_whole`], in four short tasks rather than one long one (a megabyte
    /// takes tens of milliseconds, more than a frame): serialise the document, copy that into
    /// a JavaScript string, write it and the history, then the index line. Input is handled
    /// between them; an edit meanwhile makes the value stale, so it is dropped (that edit's
    /// own wait has begun).
    fn write_whole_in_steps(&self) {
        if !self.edits_only_journaled() {
            return;
        }
        let Some(mut value) = self
            .document
            .with_untracked(|d| d.as_ref().map(storage::DocumentValue::of))
        else {
            return;
        };
        let state = *self;
        let still_due = move |value: &storage::DocumentValue| {
            let (id, modified_ms) = value.of_document();
            state.document.with_untracked(|d| {
                d.as_ref()
                    .is_some_and(|d| d.id == id && d.modified_ms == modified_ms)
            }) && state.edits_only_journaled()
        };
        let next = |step: Box<dyn FnOnce()>| set_timeout(step, Duration::ZERO);
        next(Box::new(move || {
            if !still_due(&value) {
                return;
            }
            value.prepare();
            next(Box::new(move || {
                // A refused write loses nothing: the journal still holds every edit.
                if !still_due(&value) || storage::write_document_value(&mut value).is_err() {
                    return;
                }
                let (id, modified_ms) = value.of_document();
                state.written_whole(id, modified_ms);
                next(Box::new(move || {
                    storage::write_index_line(&value);
                    // The library, if it opened meanwhile, shows the new line.
                    state.library_rev.update(|r| *r += 1);
                }));
            }));
        }));
    }

    /// Writes the open document whole, then its undo history; once that worked, its journal
    /// is no longer needed.
    fn write_document(&self) -> Option<Result<(), storage::StorageProblem>> {
        self.document.with_untracked(|d| {
            d.as_ref().map(|d| {
                storage::save_document(d)?;
                self.written_whole(&d.id, d.modified_ms);
                Ok(())
            })
        })
    }

    /// After document `id` was written whole at `modified_ms`: its undo history is written
    /// beside it (a refused write costs only undo steps, never the document), and the journal
    /// kept in memory, whose edits it now holds, goes.
    fn written_whole(&self, id: &str, modified_ms: i64) {
        let _ = self
            .history
            .with_value(|h| storage::save_history(id, h, modified_ms));
        self.journal.set_value(None);
    }

    /// Forgets the journal kept in memory: the stored one is the truth now (this tab reloaded
    /// the document, or lost the right to edit it).
    pub fn forget_journal(&self) {
        self.journal.set_value(None);
    }

    /// Writes the open document whole; a failure is shown and the edit stays in memory.
    pub fn save(&self) {
        if self.read_only.get_untracked() {
            return;
        }
        let result = self.write_document();
        self.report_save(result.as_ref());
    }

    /// Shows how a save went: the saved indicator, whose banner says why a save failed and
    /// offers the way out (so the message is not shown twice); a save that works again clears
    /// an earlier "not saved" message.
    fn report_save(&self, result: Option<&Result<(), storage::StorageProblem>>) {
        library::record_save(self, result);
        let said_already = self.problem.with_untracked(|said| match (said, result) {
            (Some(said), Some(Ok(()))) => said.starts_with("Not saved"),
            (Some(said), Some(Err(p))) => *said == p.to_string(),
            _ => false,
        });
        if said_already {
            self.problem.set(None)
        }
    }
}

/// Puts the keyboard where the work is once the page is drawn: in the text of an open
/// document, or in a new document's article field (the title is optional, and an article
/// pasted into the one-line title would lose its line breaks).
fn focus_work(document_open: bool) {
    focus_when_drawn(
        if document_open {
            text_view::TEXT_ID
        } else {
            "article"
        }
        .into(),
    );
}

/// Gives the keyboard's focus to the element with this id once the page is redrawn: a row
/// drawn anew after an edit (a renamed label, a renamed document) has lost the focus it had.
fn focus_when_drawn(id: String) {
    use wasm_bindgen::JsCast;
    set_timeout(
        move || {
            if let Some(e) = document()
                .get_element_by_id(&id)
                .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
            {
                // The text is taller than the window: focusing it scrolled its first line under
                // the sticky toolbar, and the title out of sight.
                if id == text_view::TEXT_ID {
                    crate::browser::selection::focus_in_place(&e);
                } else {
                    let _ = e.focus();
                }
            }
        },
        Duration::ZERO,
    );
}

/// Scrolls the first element `selector` matches to `block` (start, center…) of the window.
fn scroll_to(selector: &str, block: web_sys::ScrollLogicalPosition) {
    if let Ok(Some(e)) = document().query_selector(selector) {
        let options = web_sys::ScrollIntoViewOptions::new();
        options.set_block(block);
        e.scroll_into_view_with_scroll_into_view_options(&options);
    }
}

/// The whole app but its header, which index.html draws before the wasm starts (the app
/// mounts after it).
#[component]
pub fn App() -> impl IntoView {
    let state = AppState::restore();
    provide_context(state);
    // Edits that only the IndexedDB copy had (the browser was killed before local storage
    // reached the disk) are back: said, so a user who saw the browser go knows nothing is lost.
    // Not in the problem's red: nothing is wrong now.
    let put_back = RwSignal::new(crate::browser::mirror::take_put_back());
    let say_put_back = move || put_back.get() != 0 && state.problem.with(Option::is_none);
    // At start as after opening a document: the label keys and J / K work at once, with no
    // click or Tab into the text first.
    focus_work(state.document.with_untracked(Option::is_some));
    // Classes rather than `:has()` in the style sheet: Chromium checks a `:has()` rule against
    // every node an edit adds or removes (hundreds per tag).
    let editing = Memo::new(move |_| state.document.with(Option::is_some));
    view! {
        <Show when=move || state.problem.with(Option::is_some)>
            <div class="problem" role="alert">
                {move || state.problem.get().unwrap_or_default()}
                <button on:click=move |_| state.problem.set(None)>"Dismiss"</button>
            </div>
        </Show>
        <Show when=say_put_back>
            <div class="problem reassure" role="status">
                {move || format!(
                    "The browser closed before it had written your last edits to disk: Glossa put \
                     them back from its own copy ({}).",
                    glossa_core::words::count(put_back.get(), "document")
                )}
                <button on:click=move |_| put_back.set(0)>"Dismiss"</button>
            </div>
        </Show>
        <library::StorageSync/>
        <main class:wide=move || editing.get()>
            <Show when=move || editing.get() fallback=PasteForm>
                <Editor/>
            </Show>
        </main>
    }
}
