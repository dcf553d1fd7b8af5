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
use glossa_core::Document;
use leptos::prelude::*;
use paste::PasteForm;

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
    /// The open document's undo history, loaded and saved with it (library.rs).
    pub history: StoredValue<glossa_core::History>,
}

impl AppState {
    /// Reopens the document that was open when the page was last closed.
    fn restore() -> Self {
        let mut problem = None;
        let document = storage::current_document_id().and_then(|id| {
            storage::load_document(&id).unwrap_or_else(|p| {
                problem = Some(p.to_string());
                None
            })
        });
        let document_id = document.as_ref().map(|d| d.id.clone());
        let read_only = document
            .as_ref()
            .is_some_and(|d| !crate::browser::tabs::try_acquire(&d.id));
        AppState {
            document: RwSignal::new(document),
            problem: RwSignal::new(problem),
            saved: RwSignal::new(library::SaveState::Saved),
            read_only: RwSignal::new(read_only),
            library_rev: RwSignal::new(0),
            history: StoredValue::new(library::stored_history(document_id.as_deref())),
        }
    }

    /// Opens `document`, or the paste screen for `None`, and remembers the choice.
    pub fn open(&self, document: Option<Document>) {
        let id = document.as_ref().map(|d| d.id.clone());
        if !library::may_leave(self, id.as_deref()) {
            return;
        }
        library::switch_lease(self, id.as_deref());
        if let Err(p) = storage::set_current_document_id(id.as_deref()) {
            self.problem.set(Some(p.to_string()));
        }
        self.document.set(document);
    }

    /// Applies an edit to the open document and saves it at once.
    pub fn edit<R>(&self, change: impl FnOnce(&mut Document) -> R) -> Option<R> {
        if library::refuse_edit(self) {
            return None;
        }
        let result = self.document.try_update(|d| {
            d.as_mut().map(|d| {
                let r = change(d);
                d.modified_ms = crate::browser::now_ms();
                r
            })
        })??;
        self.save();
        Some(result)
    }

    /// Saves the open document; a failure is shown and the edit stays in memory.
    pub fn save(&self) {
        if self.read_only.get_untracked() {
            return;
        }
        let result = self
            .document
            .with_untracked(|d| d.as_ref().map(storage::save_document));
        library::record_save(self, result.as_ref());
        match result {
            Some(Err(p)) => self.problem.set(Some(p.to_string())),
            // A save that works again clears an earlier "not saved" warning.
            Some(Ok(()))
                if self.problem.with_untracked(|p| {
                    p.as_deref().is_some_and(|p| p.starts_with("Not saved"))
                }) =>
            {
                self.problem.set(None)
            }
            _ => {}
        }
    }
}

/// The whole app.
#[component]
pub fn App() -> impl IntoView {
    let state = AppState::restore();
    provide_context(state);
    view! {
        <header class="app-header">
            <h1>"Glossa"</h1>
            <p class="tagline">"Tag actors, figures and claims in news text. Everything stays in this browser."</p>
        </header>
        <Show when=move || state.problem.with(Option::is_some)>
            <div class="problem" role="alert">
                {move || state.problem.get().unwrap_or_default()}
                <button on:click=move |_| state.problem.set(None)>"Dismiss"</button>
            </div>
        </Show>
        <library::StorageSync/>
        <main>
            <Show when=move || state.document.with(Option::is_some) fallback=PasteForm>
                <Editor/>
            </Show>
        </main>
    }
}
