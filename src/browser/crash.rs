//! What the user sees when Glossa hits a bug. A panic stops the app's wasm for good, so the
//! page would just stop answering; instead a banner, built with plain DOM calls (the app's own
//! rendering cannot be trusted any more), says so and how to go on.

/// The banner's id: it is shown once, however many panics follow.
pub const BANNER_ID: &str = "glossa-crashed";

/// Puts the banner at the top of the page, with the panic's first line as text (never as
/// markup) and a link that reloads the page.
pub fn show(what_went_wrong: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    if document.get_element_by_id(BANNER_ID).is_some() {
        return;
    }
    let Some(body) = document.body() else {
        return;
    };
    let build = || -> Result<web_sys::Element, wasm_bindgen::JsValue> {
        let banner = document.create_element("div")?;
        banner.set_id(BANNER_ID);
        banner.set_class_name("crashed");
        banner.set_attribute("role", "alert")?;
        let said = document.create_element("p")?;
        said.set_text_content(Some(
            "Glossa stopped because of a bug, and this page no longer responds. Your edits were \
             saved in this browser as you made them: reload the page to go on.",
        ));
        let detail = document.create_element("p")?;
        detail.set_class_name("small");
        let first_line = what_went_wrong.lines().next().unwrap_or_default();
        detail.set_text_content(Some(&format!("What went wrong: {first_line}")));
        let reload = document.create_element("a")?;
        reload.set_attribute("href", "")?;
        reload.set_text_content(Some("Reload"));
        banner.append_with_node_3(&said, &detail, &reload)?;
        Ok(banner)
    };
    if let Ok(banner) = build() {
        let _ = body.prepend_with_node_1(&banner);
        // A panic before the app was up: the page is not opening any more.
        super::remove_opening_note();
    }
}

/// Logs panics to the console (with the stack, as an Error) and shows the banner. (The
/// console_error_panic_hook crate did the logging; this is 0.5 KB gzip less wasm.)
pub fn install_panic_banner() {
    std::panic::set_hook(Box::new(|info| {
        let payload = info.payload();
        let message = payload
            .downcast_ref::<&str>()
            .copied()
            .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
            .unwrap_or("a panic");
        let at = info
            .location()
            .map(|l| format!(" (at {}:{})", l.file(), l.line()))
            .unwrap_or_default();
        let said = format!("{message}{at}");
        // The console has it whole, for a bug report, with the stack where the browser gives one.
        web_sys::console::error_2(&"Glossa panicked:".into(), &js_sys::Error::new(&said));
        show(&said);
    }));
}
