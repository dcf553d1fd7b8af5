//! The label set editor: add, rename, recolour, re-key and remove labels. Removing a label
//! that still tags spans asks what to do with them; nothing is dropped unasked.

use super::editor::EditorState;
use super::focus_when_drawn;
use glossa_core::words::count;
use glossa_core::{Edit, EditError, Label, LabelRemoval};
use leptos::prelude::*;

/// A label whose removal waits for the user's choice, and how many spans it tags.
#[derive(Clone, PartialEq)]
struct PendingRemoval {
    name: String,
    count: usize,
}

#[component]
pub fn LabelEditor() -> impl IntoView {
    let editor = expect_context::<EditorState>();
    let open = RwSignal::new(false);
    let pending = RwSignal::new(None::<PendingRemoval>);
    let new_name = RwSignal::new(String::new());
    let new_color = RwSignal::new("#9467bd".to_string());

    let labels = editor.labels;
    // A refused change is said here, beside the fields, and the field shows the label as it
    // is again (it kept the refused value, as if it had been taken).
    let refused = RwSignal::new(None::<String>);
    let apply = move |edit: Edit, ev: &web_sys::Event, was: String| match editor.try_change(edit) {
        Ok(_) => refused.set(None),
        Err(e) => {
            event_target::<web_sys::HtmlInputElement>(ev).set_value(&was);
            refused.set(Some(format!("Not changed: {e}.")));
        }
    };

    let remove = move |name: String, spans: Option<LabelRemoval>| {
        let edit = Edit::RemoveLabel {
            name: name.clone(),
            spans,
        };
        let result = editor.app.document.with_untracked(|d| {
            d.as_ref().map(|d| {
                let mut trial = d.clone();
                trial.apply(edit.clone()).map(|_| ())
            })
        });
        match result {
            Some(Err(EditError::LabelInUse { count, .. })) => {
                pending.set(Some(PendingRemoval { name, count }));
                // The question takes the focus, on its least harmful answer.
                focus_when_drawn("label-in-use".into());
            }
            _ => {
                pending.set(None);
                // The focus goes on to the next row's Remove button (the previous row's after
                // the last; the new label's name when none is left): it fell to the page.
                let next = labels.with_untracked(|ls| {
                    let at = ls.iter().position(|l| l.name == name)?;
                    ls.get(at + 1)
                        .or(at.checked_sub(1).and_then(|i| ls.get(i)))
                        .map(|l| format!("remove-label:{}", l.name))
                });
                if editor.change(edit) {
                    focus_when_drawn(next.unwrap_or_else(|| "new-label".into()));
                }
            }
        }
    };

    let add = move || {
        let name = new_name.get_untracked().trim().to_string();
        // The first free digit key, so the new label can be applied at once.
        let hotkey = labels
            .with_untracked(|ls| ('1'..='9').find(|k| ls.iter().all(|l| l.hotkey != Some(*k))));
        match editor.try_change(Edit::AddLabel {
            label: Label::new(&name, &new_color.get_untracked(), hotkey),
            at: None,
        }) {
            Ok(_) => {
                refused.set(None);
                new_name.set(String::new());
            }
            Err(e) => refused.set(Some(format!("Not added: {e}."))),
        }
    };

    view! {
        <section class="label-editor" aria-label="Labels">
            <button class="disclosure" aria-expanded=move || open.get().to_string()
                on:click=move |_| open.update(|o| *o = !*o)>"Labels…"</button>
            <Show when=move || open.get()>
                // Read-only (another tab edits the document): labels can be seen, not changed.
                <fieldset class="plain" role="none" disabled=move || editor.app.read_only.get()>
                // Typing again clears a refusal. Enter takes a change; the row is then drawn
                // anew (its key changed), and the focus goes to the same field in it.
                <ul class="label-rows" on:input=move |_| refused.set(None)
                    on:keydown=move |ev| if ev.key() == "Enter" {
                        let field = event_target::<web_sys::HtmlInputElement>(&ev);
                        match field.class_name().as_str() {
                            "label-name" => focus_when_drawn(format!("label-name:{}", field.value().trim())),
                            "label-key" => focus_when_drawn(field.id()),
                            _ => {}
                        }
                    }>
                    <For each=move || labels.get() key=|l| (l.name.clone(), l.color.clone(), l.hotkey) let:label>
                        {
                            let name = label.name.clone();
                            let (n1, n2, n3, n4) = (name.clone(), name.clone(), name.clone(), name.clone());
                            view! {
                                <li class="label-row">
                                    <input type="color" aria-label=format!("Colour of {name}") prop:value=label.color.clone()
                                        on:change=move |ev| { editor.change(Edit::SetLabelColor { name: n1.clone(), color: event_target_value(&ev) }); }/>
                                    <input type="text" class="label-name" aria-label=format!("Name of {name}") prop:value=name.clone()
                                        id=format!("label-name:{name}")
                                        on:change=move |ev| {
                                            let to = event_target_value(&ev).trim().to_string();
                                            if to != n2 { apply(Edit::RenameLabel { from: n2.clone(), to }, &ev, n2.clone()); }
                                        }/>
                                    <input type="text" class="label-key" maxlength="1" aria-label=format!("Key for {name}")
                                        prop:value=label.hotkey.map(String::from).unwrap_or_default()
                                        id=format!("label-key:{name}")
                                        on:change=move |ev| {
                                            let hotkey = event_target_value(&ev).chars().next();
                                            apply(Edit::SetLabelHotkey { name: n3.clone(), hotkey }, &ev, label.hotkey.map(String::from).unwrap_or_default());
                                        }/>
                                    <button class="small" aria-label=format!("Remove label {name}") id=format!("remove-label:{name}")
                                        on:click=move |_| remove(n4.clone(), None)>"Remove"</button>
                                </li>
                            }
                        }
                    </For>
                </ul>
                {move || refused.get().map(|why| view! { <p class="label-refused" role="alert">{why}</p> })}
                {move || pending.get().map(|p| {
                    let others: Vec<String> = labels.get().into_iter().map(|l| l.name).filter(|n| *n != p.name).collect();
                    let target = RwSignal::new(others.first().cloned().unwrap_or_default());
                    let (a, b) = (p.name.clone(), p.name.clone());
                    // Kept: the focus goes back to the label's Remove button.
                    let remove_button = format!("remove-label:{}", p.name);
                    let keep = move || {
                        pending.set(None);
                        focus_when_drawn(remove_button.clone());
                    };
                    let keep_too = keep.clone();
                    view! {
                        <div class="ask" role="alertdialog" aria-label="Label still in use"
                            on:keydown=move |ev| if ev.key() == "Escape" { keep() }>
                            <p>{format!("“{}” still tags {}. What should happen to them?", p.name, count(p.count, "span"))}</p>
                            <button on:click=move |_| remove(a.clone(), Some(LabelRemoval::RemoveSpans))>"Remove the spans too"</button>
                            <span class="move-to">
                                <button disabled=others.is_empty()
                                    on:click=move |_| remove(b.clone(), Some(LabelRemoval::MoveTo(target.get_untracked())))>"Move them to"</button>
                                <select aria-label="Label to move the spans to" on:change=move |ev| target.set(event_target_value(&ev))>
                                    {others.iter().map(|o| view! { <option value=o.clone()>{o.clone()}</option> }).collect_view()}
                                </select>
                            </span>
                            <button id="label-in-use" on:click=move |_| keep_too()>"Keep the label"</button>
                        </div>
                    }
                })}
                // A form, so that Enter in the name adds the label.
                <form class="add-label" on:submit=move |ev| { ev.prevent_default(); add(); }>
                    <input type="color" aria-label="Colour of the new label" prop:value=move || new_color.get()
                        on:change=move |ev| new_color.set(event_target_value(&ev))/>
                    <input type="text" id="new-label" placeholder="New label, e.g. source" aria-label="Name of the new label"
                        prop:value=move || new_name.get() on:input=move |ev| new_name.set(event_target_value(&ev))/>
                    <button type="submit">"Add label"</button>
                </form>
                </fieldset>
            </Show>
        </section>
    }
}
