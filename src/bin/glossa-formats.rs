//! The formats worker: reads and writes every interchange format (W3C, Label Studio, doccano,
//! spaCy/Prodigy, brat, CoNLL) off the page's thread. It is its own small wasm, fetched the
//! first time someone imports or exports such a file, so the app's start-up wasm carries only
//! Glossa JSON's writer. It speaks with the page (`browser::formats_worker` is the other end):
//!
//! * `{op: "import", now, files: [{name, bytes}]}` → `{ok, format, documents, warnings}`, the
//!   documents (from any format, Glossa JSON too) as a JSON array in the shape local storage
//!   keeps them, which the page reads with the code it reads storage with;
//! * `{op: "export", format, nesting, documents}`, the documents as local storage keeps them,
//!   → `{ok, files: [{name, bytes}], zipped, warnings}`: the files' bytes (for brat with
//!   several documents, one zip) travel transferred, never copied or decoded on the page.
//!
//! A failure is `{ok: false, error}`, with the line or JSON path that is wrong.

#[cfg(target_arch = "wasm32")]
fn main() {
    worker::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("glossa-formats is a web worker: build it for wasm32 (trunk does)");
}

#[cfg(target_arch = "wasm32")]
mod worker {
    // The message helpers are the page end's, so both ends build messages the same way.
    use glossa::browser::formats_worker::{get, object};
    use glossa_core::formats::glossa as glossa_json;
    use glossa_core::formats::{self, ExportOptions, Format, FormatError, InputFile, Nesting};
    use glossa_core::Document;
    use js_sys::{Array, Uint8Array};
    use wasm_bindgen::prelude::*;
    use wasm_bindgen::JsCast;

    pub fn start() {
        let scope: web_sys::DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
        let reply_to = scope.clone();
        let on_message =
            Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |ev: web_sys::MessageEvent| {
                let (reply, transfer) = match answer(&ev.data()) {
                    Ok(answered) => answered,
                    Err(error) => (
                        object(&[("ok", false.into()), ("error", error.into())]),
                        Array::new(),
                    ),
                };
                let _ = reply_to.post_message_with_transfer(&reply, &transfer);
            });
        scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        // The worker lives as long as its page wants it.
        on_message.forget();
        // Messages sent before the wasm was running are lost: the page waits for this.
        let _ = scope.post_message(&"ready".into());
    }

    fn text(o: &JsValue, key: &str) -> Result<String, String> {
        get(o, key)
            .as_string()
            .ok_or_else(|| format!("the request has no {key}"))
    }

    fn warnings(list: &[formats::Warning]) -> JsValue {
        list.iter()
            .map(|w| JsValue::from(w.to_string()))
            .collect::<Array>()
            .into()
    }

    /// The reply, and the buffers to transfer with it.
    fn answer(request: &JsValue) -> Result<(JsValue, Array), String> {
        match text(request, "op")?.as_str() {
            "import" => {
                let files: Vec<(String, Vec<u8>)> = Array::from(&get(request, "files"))
                    .iter()
                    .map(|f| {
                        (
                            get(&f, "name").as_string().unwrap_or_default(),
                            Uint8Array::new(&get(&f, "bytes")).to_vec(),
                        )
                    })
                    .collect();
                let given: Vec<InputFile> = files
                    .iter()
                    .map(|(name, contents)| InputFile { name, contents })
                    .collect();
                let now = get(request, "now").as_f64().unwrap_or(0.0) as i64;
                let (format, imported) =
                    formats::import_any(&given, now).map_err(|e| e.to_string())?;
                let documents =
                    serde_json::to_string(&imported.documents).expect("documents always serialise");
                let reply = object(&[
                    ("ok", true.into()),
                    ("format", format.name().into()),
                    ("documents", documents.into()),
                    ("warnings", warnings(&imported.warnings)),
                ]);
                Ok((reply, Array::new()))
            }
            "export" => {
                let format =
                    Format::from_name(&text(request, "format")?).ok_or("unknown format")?;
                let nesting = match text(request, "nesting").as_deref() {
                    Ok("innermost") => Nesting::Innermost,
                    _ => Nesting::Outermost,
                };
                let docs: Vec<Document> = serde_json::from_str(&text(request, "documents")?)
                    .map_err(|e| format!("the page sent unreadable documents: {e}"))?;
                let exported = formats::export(format, &docs, &ExportOptions { nesting }).map_err(
                    |e| match e {
                        FormatError::QuoteMismatch { .. } => format!("a span is wrong: {e}"),
                        e => e.to_string(),
                    },
                )?;
                // brat writes a .txt and an .ann per document: one document is that pair,
                // several travel as one zip.
                let zipped = docs.len() > 1 && exported.files.len() > 1;
                let zip;
                let files: Vec<(String, &[u8])> = if zipped {
                    zip = exported.zip();
                    let name = glossa_json::file_name("glossa-library", format.name(), "zip");
                    vec![(name, zip.as_slice())]
                } else {
                    exported
                        .files
                        .iter()
                        .map(|f| (f.name.clone(), f.contents.as_bytes()))
                        .collect()
                };
                let transfer = Array::new();
                let list: Array = files
                    .into_iter()
                    .map(|(name, bytes)| {
                        let bytes = Uint8Array::from(bytes);
                        transfer.push(&bytes.buffer());
                        object(&[("name", name.into()), ("bytes", bytes.into())])
                    })
                    .collect();
                let reply = object(&[
                    ("ok", true.into()),
                    ("files", list.into()),
                    ("zipped", zipped.into()),
                    ("warnings", warnings(&exported.warnings)),
                ]);
                Ok((reply, transfer))
            }
            op => Err(format!("unknown request {op:?}")),
        }
    }
}
