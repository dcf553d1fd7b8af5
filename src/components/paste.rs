//! The first screen: paste an article and give it a title.

use super::AppState;
use crate::browser::{new_document_id, now_ms, storage};
use glossa_core::Document;
use leptos::prelude::*;

/// A title field, a text area for the article, and a list of stored documents to reopen.
#[component]
pub fn PasteForm() -> impl IntoView {
    let state = expect_context::<AppState>();
    let title = RwSignal::new(String::new());
    let text = RwSignal::new(String::new());
    let library = storage::load_index().unwrap_or_else(|p| {
        state.problem.set(Some(p.to_string()));
        Vec::new()
    });

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
            body.lines()
                .next()
                .unwrap_or("Untitled")
                .trim()
                .chars()
                .take(80)
                .collect()
        } else {
            name.trim().to_string()
        };
        let document = Document::new(&new_document_id(), &name, &body, now_ms());
        if let Err(p) = storage::save_document(&document) {
            state.problem.set(Some(p.to_string()));
        }
        state.problem.set(None);
        state.open(Some(document));
    };

    let open = move |id: String| match storage::load_document(&id) {
        Ok(Some(d)) => state.open(Some(d)),
        Ok(None) => state
            .problem
            .set(Some(format!("Document {id} is no longer stored."))),
        Err(p) => state.problem.set(Some(p.to_string())),
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
        <Show when={
            let empty = library.is_empty();
            move || !empty
        }>
            <section class="library" aria-label="Your documents">
                <h2>"Your documents"</h2>
                <ul>
                    {library.iter().map(|entry| {
                        let id = entry.id.clone();
                        view! {
                            <li>
                                <button class="link" on:click=move |_| open(id.clone())>{entry.title.clone()}</button>
                                <span class="muted">{format!(" — {} spans", entry.spans)}</span>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </section>
        </Show>
    }
}
