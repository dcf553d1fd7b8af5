//! The page's end of the formats worker (`src/bin/glossa-formats.rs`), which reads and writes
//! every interchange format off this thread and outside the start-up wasm. One worker per
//! request: imports and exports are rare, and a finished worker frees its memory at once.

use js_sys::{Array, Object, Promise, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// The worker's loader as Trunk names it. The build's post-build hook gives it a hash in its
/// name (so no browser runs an older build's worker with a newer page) and says the name in a
/// `<meta name="glossa-worker-glossa-formats">`; this name is for a build without the hook.
/// The single-file build has no files beside it, so it carries the worker's source in a
/// `<script type="text/plain" id="glossa-formats-worker">` instead.
const LOADER: &str = "./glossa-formats_loader.js";

fn worker_url() -> Result<(String, bool), JsValue> {
    let document = web_sys::window().and_then(|w| w.document());
    let inline = document
        .as_ref()
        .and_then(|d| d.get_element_by_id("glossa-formats-worker"))
        .and_then(|e| e.text_content());
    let loader = document
        .and_then(|d| {
            d.query_selector("meta[name=glossa-worker-glossa-formats]")
                .ok()
                .flatten()
        })
        .and_then(|m| m.get_attribute("content"));
    match inline {
        Some(source) => {
            let options = web_sys::BlobPropertyBag::new();
            options.set_type("text/javascript");
            let blob = web_sys::Blob::new_with_str_sequence_and_options(
                &Array::of1(&source.into()),
                &options,
            )?;
            Ok((web_sys::Url::create_object_url_with_blob(&blob)?, true))
        }
        None => Ok((loader.unwrap_or_else(|| LOADER.to_string()), false)),
    }
}

/// The worker's next message (or its error, in words).
async fn next_message(worker: &web_sys::Worker) -> Result<JsValue, String> {
    let promise = Promise::new(&mut |resolve, reject| {
        worker.set_onmessage(Some(
            Closure::once_into_js(move |ev: web_sys::MessageEvent| {
                let _ = resolve.call1(&JsValue::NULL, &ev.data());
            })
            .unchecked_ref(),
        ));
        worker.set_onerror(Some(
            Closure::once_into_js(move |ev: web_sys::ErrorEvent| {
                let _ = reject.call1(&JsValue::NULL, &ev.message().into());
            })
            .unchecked_ref(),
        ));
    });
    JsFuture::from(promise)
        .await
        .map_err(|e| e.as_string().unwrap_or_else(|| format!("{e:?}")))
}

/// Sends one request to a fresh worker and returns its reply, or the error it gave.
async fn ask(request: &JsValue) -> Result<JsValue, String> {
    let (url, revoke) = worker_url().map_err(|e| format!("{e:?}"))?;
    let worker = web_sys::Worker::new(&url).map_err(|e| format!("{e:?}"))?;
    let reply = async {
        let ready = next_message(&worker).await?;
        if ready.as_string().as_deref() != Some("ready") {
            return Err("the formats worker did not start".to_string());
        }
        worker.post_message(request).map_err(|e| format!("{e:?}"))?;
        next_message(&worker).await
    }
    .await;
    worker.terminate();
    if revoke {
        let _ = web_sys::Url::revoke_object_url(&url);
    }
    let reply = reply.map_err(|e| format!("The formats worker failed: {e}"))?;
    if get(&reply, "ok").as_bool() == Some(true) {
        Ok(reply)
    } else {
        Err(get(&reply, "error")
            .as_string()
            .unwrap_or_else(|| "the formats worker gave no answer".into()))
    }
}

/// `o[key]`, or undefined.
pub fn get(o: &JsValue, key: &str) -> JsValue {
    Reflect::get(o, &key.into()).unwrap_or(JsValue::UNDEFINED)
}

/// A plain object with these fields: the shape of every message to and from the worker.
pub fn object(fields: &[(&str, JsValue)]) -> JsValue {
    let o = Object::new();
    for (k, v) in fields {
        let _ = Reflect::set(&o, &(*k).into(), v);
    }
    o.into()
}

fn strings(list: &JsValue) -> Vec<String> {
    Array::from(list)
        .iter()
        .filter_map(|v| v.as_string())
        .collect()
}

/// What the worker read from files.
pub struct Imported {
    /// The format's short name (`glossa`, `brat`, `label-studio`, …).
    pub format: String,
    pub documents: Vec<glossa_core::Document>,
    pub warnings: Vec<String>,
}

/// Reads annotation files of any format Glossa knows (detected), with `.txt` files beside
/// them, off this thread: the worker checks them and sends the documents in the shape local
/// storage keeps them, so they are parsed once here, by the code that reads storage.
pub async fn import(files: &[(&str, &[u8])], now_ms: i64) -> Result<Imported, String> {
    let list: Array = files
        .iter()
        .map(|&(name, bytes)| {
            object(&[
                ("name", name.into()),
                ("bytes", Uint8Array::from(bytes).into()),
            ])
        })
        .collect();
    let reply = ask(&object(&[
        ("op", "import".into()),
        ("now", (now_ms as f64).into()),
        ("files", list.into()),
    ]))
    .await?;
    let documents = get(&reply, "documents").as_string().unwrap_or_default();
    Ok(Imported {
        format: get(&reply, "format").as_string().unwrap_or_default(),
        documents: serde_json::from_str(&documents)
            .map_err(|e| format!("the formats worker sent unreadable documents: {e}"))?,
        warnings: strings(&get(&reply, "warnings")),
    })
}

/// A file to offer for download: its name and its bytes, as the worker made them (they are
/// never copied or decoded here).
pub struct Download {
    pub name: String,
    pub bytes: JsValue,
}

/// What the worker wrote.
pub struct Exported {
    pub files: Vec<Download>,
    /// The files are one zip (brat, several documents).
    pub zipped: bool,
    /// What the format could not hold.
    pub warnings: Vec<String>,
}

/// Writes documents in `format`, in the worker: it checks every span first, as Glossa JSON's
/// writer does, and stops at the first that does not slice to its quote.
pub async fn export(
    format: &str,
    innermost: bool,
    docs: &[glossa_core::Document],
) -> Result<Exported, String> {
    // The shape local storage keeps them in: no offsets or quotes computed on this thread.
    let documents = serde_json::to_string(docs).expect("documents always serialise");
    let reply = ask(&object(&[
        ("op", "export".into()),
        ("format", format.into()),
        (
            "nesting",
            if innermost { "innermost" } else { "outermost" }.into(),
        ),
        ("documents", documents.into()),
    ]))
    .await?;
    Ok(Exported {
        files: Array::from(&get(&reply, "files"))
            .iter()
            .map(|f| Download {
                name: get(&f, "name").as_string().unwrap_or_default(),
                bytes: get(&f, "bytes"),
            })
            .collect(),
        zipped: get(&reply, "zipped").as_bool() == Some(true),
        warnings: strings(&get(&reply, "warnings")),
    })
}
