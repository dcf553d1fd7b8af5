//! The editor: the article as read-only text with its spans, a label toolbar and export.

use super::text_view::{span_ids, TextView};
use super::AppState;
use crate::browser::{download::download, selection};
use glossa_core::formats::glossa;
use glossa_core::{snap, Snap, SpanId, Unit};
use leptos::ev;
use leptos::html::Div;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// The editor for the open document.
#[component]
pub fn Editor() -> impl IntoView {
    let state = expect_context::<AppState>();
    let selected = RwSignal::new(None::<SpanId>);
    let snap_to_words = RwSignal::new(true);
    let text_ref = NodeRef::<Div>::new();

    // Tags the current selection with `label`. Returns false when nothing was selected.
    let tag = move |label: String| -> bool {
        let Some(container) = text_ref.get_untracked() else {
            return false;
        };
        let Some((a, b)) = selection::selected_range(&container) else {
            return false;
        };
        let mode = if snap_to_words.get_untracked() {
            Snap::Word
        } else {
            Snap::Grapheme
        };
        let added = state.edit(|doc| {
            let ix = doc.index();
            let (start, end) = ix
                .convert_range((a as usize, b as usize), Unit::Utf16, Unit::Utf8)
                .map_err(|e| e.to_string())?;
            let (start, end) = snap(&doc.text, start, end, mode)
                .ok_or_else(|| "Nothing to tag there: select a word.".to_string())?;
            doc.add_span(&label, start, end, Unit::Utf8)
                .map_err(|e| e.to_string())
        });
        match added {
            Some(Ok(id)) => {
                selected.set(Some(id));
                selection::clear_selection();
                state.problem.set(None);
            }
            Some(Err(message)) => state.problem.set(Some(message)),
            None => {}
        }
        true
    };

    let remove_selected = move || {
        if let Some(id) = selected.get_untracked() {
            if let Some(Ok(_)) = state.edit(|d| d.remove_span(id)) {
                selected.set(None);
            }
        }
    };

    // Keys work anywhere except while typing in a field.
    let _keys = window_event_listener(ev::keydown, move |ev| {
        let typing = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .is_some_and(|el| matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"));
        if typing || ev.ctrl_key() || ev.meta_key() || ev.alt_key() {
            return;
        }
        let key = ev.key();
        match key.as_str() {
            "Delete" | "Backspace" => {
                if selected.get_untracked().is_some() {
                    ev.prevent_default();
                    remove_selected();
                }
            }
            "Escape" => {
                selected.set(None);
                selection::clear_selection();
            }
            _ => {
                let mut chars = key.chars();
                if let (Some(c), None) = (chars.next(), chars.next()) {
                    let label = state.document.with_untracked(|d| {
                        d.as_ref()
                            .and_then(|d| d.labels.by_hotkey(c).map(|l| l.name.clone()))
                    });
                    if let Some(label) = label {
                        if tag(label) {
                            ev.prevent_default();
                        }
                    }
                }
            }
        }
    });

    // A click (not a drag) on a highlighted piece selects its innermost span; clicking again
    // walks outwards through the spans that nest there.
    let on_text_click = move |ev: ev::MouseEvent| {
        let Some(container) = text_ref.get_untracked() else {
            return;
        };
        if selection::selected_range(&container).is_some() {
            return;
        }
        let Some(target) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        else {
            return;
        };
        // Outer first, as the text view writes them.
        let covering = target
            .closest("[data-spans]")
            .ok()
            .flatten()
            .and_then(|piece| piece.get_attribute("data-spans"))
            .map(|a| span_ids(&a))
            .unwrap_or_default();
        let next = match selected.get_untracked() {
            Some(current) => match covering.iter().position(|&id| id == current) {
                Some(0) => covering.last().copied(),
                Some(i) => Some(covering[i - 1]),
                None => covering.last().copied(),
            },
            None => covering.last().copied(),
        };
        selected.set(next);
    };

    let export = move |_| {
        let result = state.document.with_untracked(|d| {
            d.as_ref().map(|d| {
                glossa::to_json(d)
                    .map_err(|e| format!("Export stopped, a span is wrong: {e}"))
                    .and_then(|json| {
                        download(
                            &glossa::file_name(&d.title, "glossa", "json"),
                            "application/json",
                            &json,
                        )
                        .map_err(|e| format!("The download failed: {e:?}"))
                    })
            })
        });
        if let Some(Err(message)) = result {
            state.problem.set(Some(message));
        }
    };

    let label_buttons = move || {
        state.document.with(|d| {
            d.as_ref()
                .map(|d| d.labels.labels.clone())
                .unwrap_or_default()
        })
        .into_iter()
        .map(|label| {
            let name = label.name.clone();
            let mut title = String::new();
            let mut caption: String = name.chars().next().into_iter().flat_map(char::to_uppercase).collect();
            caption.push_str(&name.chars().skip(1).collect::<String>());
            if let Some(k) = label.hotkey {
                title = format!("Tag the selection as {name} (key {k})");
            }
            view! {
                <button class="label-button" title=title
                    style=format!("--label-color:{}", label.color)
                    // Keep the text selection: a mousedown on a button would otherwise clear it.
                    on:mousedown=|ev| ev.prevent_default()
                    on:click=move |_| {
                        if !tag(name.clone()) {
                            state.problem.set(Some("Select some text first, then choose a label.".into()));
                        }
                    }>
                    {caption}
                    {label.hotkey.map(|k| view! { <kbd aria-hidden="true">{k.to_string()}</kbd> })}
                </button>
            }
        })
        .collect_view()
    };

    let selected_info = move || {
        let id = selected.get()?;
        state.document.with(|d| {
            let d = d.as_ref()?;
            let span = d.span(id)?;
            Some(format!(
                "Selected: {} “{}” — Delete removes it",
                span.label,
                d.quote(span)
            ))
        })
    };

    view! {
        <section class="editor">
            <div class="toolbar" role="toolbar" aria-label="Labels">
                {label_buttons}
                <label class="toggle">
                    <input type="checkbox" prop:checked=move || snap_to_words.get()
                        on:change=move |ev| snap_to_words.set(event_target_checked(&ev))/>
                    "Snap to words"
                </label>
                <span class="spacer"></span>
                <button on:click=export>"Export JSON"</button>
                <button on:click=move |_| state.open(None)>"New document"</button>
            </div>
            <h2 class="doc-title">{move || state.document.with(|d| d.as_ref().map(|d| d.title.clone()))}</h2>
            <p class="status" aria-live="polite">
                {move || selected_info().unwrap_or_else(|| "Select text, then press 1, 2 or 3 (or a label button).".into())}
            </p>
            <TextView text_ref=text_ref selected=selected on_click=on_text_click/>
        </section>
    }
}
