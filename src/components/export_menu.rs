//! Export in every format the core writes: Glossa JSON, W3C Web Annotation, Label Studio,
//! doccano, spaCy/Prodigy, brat and CoNLL. What a format cannot hold is said, never dropped
//! silently.

use super::editor::EditorState;
use crate::browser::download::download;
use glossa_core::formats::{export, ExportOptions, Format, Nesting};
use leptos::prelude::*;

#[component]
pub fn ExportMenu() -> impl IntoView {
    let editor = expect_context::<EditorState>();
    let format = RwSignal::new(Format::Glossa);
    let innermost = RwSignal::new(false);

    let run = move |_| {
        let format = format.get_untracked();
        let options = ExportOptions {
            nesting: if innermost.get_untracked() {
                Nesting::Innermost
            } else {
                Nesting::Outermost
            },
        };
        let result = editor.app.document.with_untracked(|d| {
            let d = d.as_ref()?;
            Some(export(format, std::slice::from_ref(d), &options))
        });
        match result {
            Some(Ok(exported)) => {
                for file in &exported.files {
                    if let Err(e) = download(&file.name, format.mime(), &file.contents) {
                        editor.say(format!("The download of {} failed: {e:?}", file.name));
                        return;
                    }
                }
                if !exported.warnings.is_empty() {
                    let shown: Vec<String> = exported
                        .warnings
                        .iter()
                        .take(5)
                        .map(|w| w.to_string())
                        .collect();
                    let more = exported.warnings.len().saturating_sub(shown.len());
                    editor.say(format!(
                        "{} cannot hold everything: {}{}",
                        format.title(),
                        shown.join("; "),
                        if more > 0 {
                            format!(" (and {more} more)")
                        } else {
                            String::new()
                        }
                    ));
                }
            }
            Some(Err(e)) => editor.say(format!("Export stopped: {e}")),
            None => {}
        }
    };

    view! {
        <span class="export-menu">
            <select aria-label="Export format" on:change=move |ev| {
                if let Some(f) = Format::from_name(&event_target_value(&ev)) { format.set(f) }
            }>
                {Format::ALL.iter().map(|f| view! { <option value=f.name()>{f.title()}</option> }).collect_view()}
            </select>
            <Show when=move || format.get() == Format::Conll>
                <label class="toggle" title="CoNLL holds one label per token">
                    <input type="checkbox" prop:checked=move || innermost.get()
                        on:change=move |ev| innermost.set(event_target_checked(&ev))/>
                    "innermost spans"
                </label>
            </Show>
            <button on:click=run>"Export"</button>
        </span>
    }
}
