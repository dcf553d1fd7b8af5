//! The selected span's details: its label and quote, a note, a claim's verdict, and its
//! relations with a way to add and delete them.

use super::editor::EditorState;
use crate::browser::storage;
use glossa_core::words::shorten;
use glossa_core::{Edit, RelationId, SpanId};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// The selected span's note field, which Enter in the text goes to.
pub const NOTE_FIELD: &str = "span-note";

/// The verdicts a fact-checker gives a claim.
const VERDICTS: [&str; 4] = ["true", "false", "misleading", "unverifiable"];

#[derive(Clone, PartialEq)]
struct Shown {
    id: SpanId,
    label: String,
    quote: String,
    note: String,
    verdict: String,
    /// Attributes other than the verdict (brat's, Label Studio's choices), as imported.
    attributes: Vec<(String, String)>,
    /// Each relation: its id, our words before the quote, and the other end's quote.
    relations: Vec<(RelationId, String, String)>,
}

#[component]
pub fn DetailsPanel() -> impl IntoView {
    let editor = expect_context::<EditorState>();
    let app = editor.app;
    let shown = Memo::new(move |_| {
        let id = editor.selected.get()?;
        app.document.with(|d| {
            let d = d.as_ref()?;
            let span = d.span(id)?;
            // "label", "quote" of the span at the other end.
            let describe = |other: SpanId| {
                d.span(other)
                    .map(|o| (o.label.clone(), shorten(d.quote(o), 40)))
                    .unwrap_or_default()
            };
            Some(Shown {
                id,
                label: span.label.clone(),
                quote: shorten(d.quote(span), 140),
                note: span.note.clone().unwrap_or_default(),
                verdict: span.attributes.get("verdict").cloned().unwrap_or_default(),
                attributes: span
                    .attributes
                    .iter()
                    .filter(|(k, _)| *k != "verdict")
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect(),
                relations: d
                    .relations()
                    .iter()
                    .filter(|r| r.from == id || r.to == id)
                    .map(|r| {
                        let (arrow, other) = if r.from == id {
                            ("→", r.to)
                        } else {
                            ("←", r.from)
                        };
                        let (label, quote) = describe(other);
                        (r.id, format!("{} {arrow} {label} “", r.kind), quote)
                    })
                    .collect(),
            })
        })
    });

    // The open document's id, while this tab edits it (a read-only tab keeps no drafts).
    let open_id = move || {
        (!app.read_only.get_untracked())
            .then(|| super::library::open_id(&app))
            .flatten()
    };
    let set_note = move |id: SpanId, note: String| {
        let unchanged = app.document.with_untracked(|d| {
            d.as_ref()
                .and_then(|d| d.span(id))
                .is_some_and(|s| s.note.as_deref().unwrap_or("") == note)
        });
        if !unchanged {
            editor.change(Edit::SetNote {
                id,
                note: Some(note),
            });
        }
        if let Some(doc) = open_id() {
            storage::drop_note_draft(&doc);
        }
    };

    view! {
        <section class="details" aria-label="Selected span">
            {move || match shown.get() {
                None => view! { <p class="muted">"Select a span to add a note, a verdict or a relation."</p> }.into_any(),
                Some(s) => {
                    let id = s.id;
                    // A verdict shows on a claim, and on any span that still has one (a claim
                    // relabelled keeps it, and exports it), so it can be seen and cleared.
                    let has_verdict = s.label == "claim" || !s.verdict.is_empty();
                    view! {
                        <button class="small to-text" on:click=move |_| super::scroll_to(".doc-text .selected", web_sys::ScrollLogicalPosition::Center)>
                            "↑ Back to the span"
                        </button>
                        <h3>{format!("{} ", s.label)}<span class="muted">{format!("{id}")}</span></h3>
                        <blockquote>{s.quote.clone()}</blockquote>
                        <label for="span-note">"Note"</label>
                        // Read-only while another tab edits the document: a note typed here
                        // could not be kept (it was refused when it lost the focus, and lost).
                        <textarea id=NOTE_FIELD rows="3" prop:value=s.note.clone() readonly=move || app.read_only.get()
                            on:change=move |ev| set_note(id, event_target_value(&ev))
                            on:input=move |ev| if let Some(doc) = open_id() {
                                storage::save_note_draft(&doc, id, &event_target_value(&ev));
                            }
                            // Escape leaves the note for the text (the note is kept as it leaves).
                            on:keydown=move |ev| if ev.key() == "Escape" { super::focus_when_drawn(super::text_view::TEXT_ID.into()) }></textarea>
                        // Read-only: the rest is disabled, as the note is read-only.
                        <fieldset class="plain" role="none" disabled=move || app.read_only.get()>
                        {has_verdict.then(|| view! {
                            <label for="span-verdict">"Verdict"</label>
                            <select id="span-verdict" on:change=move |ev| {
                                // A note typed but not yet committed (that happens when it loses
                                // the focus) goes in first: the panel is drawn anew after this.
                                if let Some(note) = document().get_element_by_id(NOTE_FIELD)
                                    .and_then(|n| n.dyn_into::<web_sys::HtmlTextAreaElement>().ok()) {
                                    set_note(id, note.value());
                                }
                                let v = event_target_value(&ev);
                                editor.change(Edit::SetAttribute { id, key: "verdict".into(), value: (!v.is_empty()).then_some(v) });
                            }>
                                <option value="" selected=s.verdict.is_empty()>"not checked"</option>
                                {VERDICTS.iter().map(|v| view! { <option value=*v selected=s.verdict == *v>{*v}</option> }).collect_view()}
                            </select>
                        })}
                        {(!s.attributes.is_empty()).then(|| view! {
                            <h4>"Attributes"</h4>
                            <ul class="relations">
                                {s.attributes.iter().map(|(key, value)| {
                                    let key = key.clone();
                                    view! {
                                        <li>{format!("{key}: ")}<bdi>{value.clone()}</bdi>" "
                                            <button class="small" aria-label=format!("Remove attribute {key}")
                                                on:click=move |_| { editor.change(Edit::SetAttribute { id, key: key.clone(), value: None }); }>"Remove"</button>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        })}
                        <h4>"Relations"</h4>
                        <ul class="relations">
                            {s.relations.iter().map(|(rid, before, quote)| {
                                let rid = *rid;
                                let text = format!("{before}{quote}”");
                                view! {
                                    <li>{before.clone()}<bdi>{quote.clone()}</bdi>"” "
                                        <button class="small" aria-label=format!("Delete relation {text}")
                                            on:click=move |_| { editor.change(Edit::RemoveRelation { id: rid }); }>"Delete"</button>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                        <div class="actions">
                            <button on:click=move |_| editor.linking.set(Some(id)) title="Then click the other span (R)">"Link… (R)"</button>
                            <button on:click=move |_| editor.remove_selected() title="Delete">"Remove span"</button>
                        </div>
                        </fieldset>
                    }.into_any()
                }
            }}
        </section>
    }
}
