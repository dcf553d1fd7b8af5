//! The first screen: a new document (paste an article, or open a file), and the library.

use super::library::{Library, OpenFile};
use super::AppState;
use crate::browser::{new_document_id, now_ms};
use glossa_core::{words::shorten, Document};
use leptos::prelude::*;

/// A title field, a text area for the article, a file opener, and the stored documents.
#[component]
pub fn PasteForm() -> impl IntoView {
    let state = expect_context::<AppState>();
    let title = RwSignal::new(String::new());
    let text = RwSignal::new(String::new());
    super::library::LibraryCtx::provide();

    let start = move |_| {
        let body = text.get_untracked();
        if body.trim().is_empty() {
            state
                .problem
                .set(Some("Paste the article text first.".to_string()));
            return;
        }
        let name = title.get_untracked();
        let name = if name.trim().is_empty() {
            // A pasted article often starts with blank lines; its headline is the first line
            // with words, shortened with "…" where it is cut.
            body.lines()
                .find(|line| !line.trim().is_empty())
                .map_or_else(|| "Untitled".into(), |line| shorten(line, 120))
        } else {
            name.trim().to_string()
        };
        let document = Document::new(&new_document_id(), &name, &body, now_ms());
        state.problem.set(None);
        state.open(Some(document));
        // Saves it, or says why not (the document stays open in memory either way).
        state.save();
    };

    view! {
        <section class="paste">
            <label for="title">"Title"</label>
            <input id="title" type="text" placeholder="Optional: the first line is used if empty"
                prop:value=move || title.get()
                on:input=move |ev| title.set(event_target_value(&ev))/>
            <label for="article">"Article text"</label>
            <textarea id="article" rows="16" placeholder="Paste a news article here"
                prop:value=move || text.get()
                on:input=move |ev| text.set(event_target_value(&ev))></textarea>
            <button class="primary" on:click=start>"Start annotating"</button>
        </section>
        <OpenFile/>
        <Library/>
    }
}
