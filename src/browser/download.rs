//! Saving a file to the user's disk, through a Blob and a temporary link.

use wasm_bindgen::{JsCast, JsValue};

/// Offers `contents` as a download called `file_name`. Handed over as its UTF-8 bytes: as a JS
/// string it was decoded into one and encoded back by the Blob (the 1 MB text's 5 MB export:
/// about 45 of its 110 ms).
pub fn download(file_name: &str, mime: &str, contents: &str) -> Result<(), JsValue> {
    offer(
        file_name,
        mime,
        &js_sys::Uint8Array::from(contents.as_bytes()).into(),
    )
}

/// Offers one Blob part (a JS string, or bytes such as a `Uint8Array`) as a download called
/// `file_name`, through a temporary link.
pub fn offer(file_name: &str, mime: &str, part: &JsValue) -> Result<(), JsValue> {
    let parts = js_sys::Array::of1(part);
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or_else(|| JsValue::from_str("no document"))?;
    let link: web_sys::HtmlAnchorElement = document.create_element("a")?.unchecked_into();
    link.set_href(&url);
    link.set_download(file_name);
    link.click();
    web_sys::Url::revoke_object_url(&url)?;
    Ok(())
}

/// Downloads a document as `<title>.glossa.json`. The error says what went wrong: a span whose
/// offsets do not slice to its quote (never shipped), or the download itself.
pub fn download_glossa_json(doc: &glossa_core::Document) -> Result<(), String> {
    use glossa_core::formats::glossa;
    let json = glossa::to_json(doc).map_err(|e| format!("Export stopped, a span is wrong: {e}"))?;
    download(
        &glossa::file_name(&doc.title, "glossa", "json"),
        "application/json",
        &json,
    )
    .map_err(|e| format!("The download failed: {e:?}"))
}
