//! Export in every format the core writes: Glossa JSON, W3C Web Annotation, Label Studio,
//! doccano, spaCy/Prodigy, brat and CoNLL, for the open document or the whole library. What a
//! format cannot hold is said, never dropped silently.

use super::AppState;
use crate::browser::download::{download, offer};
use crate::browser::formats_worker;
use crate::browser::storage;
use glossa_core::formats::{glossa, Format};
use glossa_core::Document;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// Glossa JSON is written here; every other format by the formats worker, which is fetched the
/// first time it is needed. Returns what the format could not hold, as a sentence.
async fn export_and_download(
    format: Format,
    docs: Vec<Document>,
    innermost: bool,
) -> Result<Option<String>, String> {
    let failed = |name: &str, e| format!("The download of {name} failed: {e:?}");
    let stopped = |e| format!("Export stopped, a span is wrong: {e}");
    if format == Format::Glossa {
        let (name, json) = match docs.as_slice() {
            [one] => (
                glossa::file_name(&one.title, "glossa", "json"),
                glossa::to_json(one).map_err(stopped)?,
            ),
            _ => (
                "glossa-library.glossa.json".to_string(),
                glossa::to_json_library(&docs).map_err(stopped)?,
            ),
        };
        download(&name, format.mime(), &json).map_err(|e| failed(&name, e))?;
        return Ok(None);
    }
    let exported = formats_worker::export(format.name(), innermost, &docs)
        .await
        .map_err(|e| format!("Export stopped: {e}"))?;
    let mime = if exported.zipped {
        "application/zip"
    } else {
        format.mime()
    };
    for file in &exported.files {
        offer(&file.name, mime, &file.bytes).map_err(|e| failed(&file.name, e))?;
    }
    let warnings = exported.warnings;
    if warnings.is_empty() {
        return Ok(None);
    }
    let more = warnings.len().saturating_sub(5);
    Ok(Some(format!(
        "{} cannot hold everything: {}{}",
        format.title(),
        warnings[..warnings.len() - more].join("; "),
        if more > 0 {
            format!(" (and {more} more)")
        } else {
            String::new()
        }
    )))
}

/// A format menu and an Export button: for the open document, or (`library`) for every
/// stored document. `done` hears how many documents went out.
#[component]
pub fn ExportMenu(
    #[prop(optional)] library: bool,
    #[prop(optional, into)] done: Option<Callback<usize>>,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let format = RwSignal::new(Format::Glossa);
    let innermost = RwSignal::new(false);

    let busy = RwSignal::new(false);
    // What the last export said: a new one takes it away, so that what one format could not
    // hold is not read as said of the next (another message stays).
    let said_last = StoredValue::new(None::<String>);
    // Busy, the button says so rather than being disabled: a disabled button drops the
    // keyboard's focus to the page's body.
    let run = move |_| {
        if busy.get_untracked() {
            return;
        }
        if state
            .problem
            .with_untracked(|p| p.is_some() && *p == said_last.get_value())
        {
            state.problem.set(None);
        }
        let format = format.get_untracked();
        let (docs, unreadable) = if library {
            let (docs, problems) = storage::load_all_documents();
            state.library_rev.update(|r| *r += 1);
            (
                docs,
                problems.first().map(|p| (problems.len(), p.to_string())),
            )
        } else {
            let open = state.document.with_untracked(|d| d.clone());
            (open.into_iter().collect::<Vec<_>>(), None)
        };
        if docs.is_empty() {
            state
                .problem
                .set(Some("There is nothing to export yet.".into()));
            return;
        }
        busy.set(true);
        let count = docs.len();
        spawn_local(async move {
            let result = export_and_download(format, docs, innermost.get_untracked()).await;
            busy.set(false);
            let mut said = match result {
                Ok(said) => said,
                Err(e) => return state.problem.set(Some(e)),
            };
            if let Some((n, first)) = unreadable {
                // Each problem is a sentence saying what was read and what was not.
                let more = if n > 1 {
                    format!(
                        " ({} more: see Unreadable values under Your documents.)",
                        n - 1
                    )
                } else {
                    String::new()
                };
                let read = format!("Exported {count} documents. {first}{more}");
                said = Some(said.map_or(read.clone(), |s| format!("{read} {s}")));
            }
            if let Some(s) = said {
                let _ = said_last.try_set_value(Some(s.clone()));
                state.problem.set(Some(s));
            }
            if let Some(done) = done {
                // The screen that asked may be gone (a document opened while the worker ran):
                // the download and what is said about it still come.
                let _ = done.try_run(count);
            }
        });
    };

    let id = if library {
        "export-library-format"
    } else {
        "export-format"
    };
    view! {
        <span class="export-menu">
            <select id=id aria-label=if library { "Library export format" } else { "Export format" } on:change=move |ev| {
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
            <button class:small=library on:click=run aria-disabled=move || busy.get().to_string() aria-busy=move || busy.get().to_string()>
                {if library { "Export library" } else { "Export" }}
            </button>
            <Show when=move || busy.get()>
                <span class="muted" role="status">"Exporting…"</span>
            </Show>
        </span>
    }
}
