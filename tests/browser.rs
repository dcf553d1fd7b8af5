//! In-browser tests of the browser layer: local storage, the DOM selection, input methods, and
//! DOM ranges for search hits.
//! Run with `CHROMEDRIVER=/usr/bin/chromedriver cargo test -p glossa --target wasm32-unknown-unknown`.
#![cfg(target_arch = "wasm32")]

use glossa::browser::{crash, highlight, ime, selection, storage};
use glossa_core::{Document, TextIndex, Unit};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn local_storage() -> web_sys::Storage {
    web_sys::window().unwrap().local_storage().unwrap().unwrap()
}

#[wasm_bindgen_test]
fn a_document_round_trips_through_local_storage() {
    local_storage().clear().unwrap();
    let text = "Qatar 🇶🇦 said\r\n\t“100” 👨‍👩‍👧 مرحبا";
    let mut doc = Document::new("round-trip", "Talks", text, 1_700_000_000_000);
    let start = text.find("100").unwrap();
    let figure = doc
        .add_span("figure", start, start + 3, Unit::Utf8)
        .unwrap();
    let actor = doc.add_span("actor", 0, 5, Unit::Utf8).unwrap();
    doc.add_relation("about", figure, actor).unwrap();
    doc.set_note(actor, Some("Prime Minister")).unwrap();

    storage::save_document(&doc).unwrap();
    let back = storage::load_document("round-trip").unwrap().unwrap();
    assert_eq!(back, doc);
    assert_eq!(back.text, text);
    let index = storage::load_index().unwrap();
    assert_eq!(index.len(), 1);
    assert_eq!(index[0].title, "Talks");
    assert_eq!(index[0].spans, 2);
}

#[wasm_bindgen_test]
fn an_unreadable_document_is_quarantined_not_overwritten() {
    local_storage().clear().unwrap();
    local_storage()
        .set_item("glossa.doc.broken", "{\"schema\":1,\"document\":")
        .unwrap();
    let problem = storage::load_document("broken").unwrap_err();
    assert!(problem.to_string().contains("kept aside"), "{problem}");
    assert_eq!(
        local_storage()
            .get_item("glossa.quarantine.glossa.doc.broken")
            .unwrap()
            .as_deref(),
        Some("{\"schema\":1,\"document\":")
    );
    assert_eq!(local_storage().get_item("glossa.doc.broken").unwrap(), None);
    assert_eq!(storage::load_document("missing").unwrap(), None);
}

/// Puts `text` in a fresh element, selects `quote` in it with a DOM Range spanning several text
/// nodes, and returns what the selection layer reads.
fn select_in(text_parts: &[&str], quote: &str) -> (String, Option<(u32, u32)>) {
    let document = web_sys::window().unwrap().document().unwrap();
    let container = document.create_element("div").unwrap();
    for part in text_parts {
        let piece = document.create_element("span").unwrap();
        piece.set_text_content(Some(part));
        container.append_child(&piece).unwrap();
    }
    document.body().unwrap().append_child(&container).unwrap();
    let text: String = text_parts.concat();
    // Find the quote in UTF-16 units, then the text node and offset for each end.
    let units: Vec<u16> = text.encode_utf16().collect();
    let needle: Vec<u16> = quote.encode_utf16().collect();
    let at = units
        .windows(needle.len())
        .position(|w| w == needle)
        .unwrap();
    let locate = |mut offset: usize| {
        for i in 0..container.child_nodes().length() {
            let node = container
                .child_nodes()
                .item(i)
                .unwrap()
                .first_child()
                .unwrap();
            let len = node.dyn_ref::<web_sys::Text>().unwrap().length() as usize;
            if offset <= len {
                return (node, offset as u32);
            }
            offset -= len;
        }
        panic!("offset past the end")
    };
    let range = document.create_range().unwrap();
    let (n, o) = locate(at);
    range.set_start(&n, o).unwrap();
    let (n, o) = locate(at + needle.len());
    range.set_end(&n, o).unwrap();
    let selection = web_sys::window().unwrap().get_selection().unwrap().unwrap();
    selection.remove_all_ranges().unwrap();
    selection.add_range(&range).unwrap();
    let got = selection::selected_range(&container);
    container.remove();
    (text, got)
}

#[wasm_bindgen_test]
fn selections_become_exact_spans_across_emoji_flags_and_scripts() {
    let cases: [(&[&str], &str); 5] = [
        (&["Hello ", "👨‍👩‍👧 family"], "family"),
        (&["🇶🇦🇪🇬 ", "Qatar and Egypt"], "Qatar"),
        (&["e\u{301}te\u{301} ", "café"], "café"),
        (&["中文 العربية ", "שלום world"], "العربية שלום"),
        (&["line one\r\n", "line two 😀😀 end"], "two 😀😀"),
    ];
    for (parts, quote) in cases {
        let (text, got) = select_in(parts, quote);
        let (a, b) = got.expect("a selection inside the container");
        let ix = TextIndex::new(&text);
        let (start, end) = ix
            .convert_range((a as usize, b as usize), Unit::Utf16, Unit::Utf8)
            .unwrap();
        assert_eq!(&text[start..end], quote);
    }
}

#[wasm_bindgen_test]
fn a_selection_outside_the_container_is_ignored() {
    let document = web_sys::window().unwrap().document().unwrap();
    let container = document.create_element("div").unwrap();
    container.set_text_content(Some("inside"));
    let outside = document.create_element("p").unwrap();
    outside.set_text_content(Some("outside"));
    let body = document.body().unwrap();
    body.append_child(&container).unwrap();
    body.append_child(&outside).unwrap();
    let range = document.create_range().unwrap();
    range.select_node_contents(&outside).unwrap();
    let selection = web_sys::window().unwrap().get_selection().unwrap().unwrap();
    selection.remove_all_ranges().unwrap();
    selection.add_range(&range).unwrap();
    assert_eq!(selection::selected_range(&container), None);
    container.remove();
    outside.remove();
}

#[wasm_bindgen_test]
fn utf16_offsets_become_dom_ranges_across_blocks_pieces_and_emoji() {
    let document = web_sys::window().unwrap().document().unwrap();
    let container = document.create_element("div").unwrap();
    // Two blocks as the text view draws them: pieces (some nested, as spans are), and a
    // block still shown as plain text.
    let blocks: [&[&str]; 2] = [
        &["Qatar 🇶🇦 said ", "👨‍👩‍👧 families", " and e\u{301}lan.\r\n\r\n"],
        &["中文 العربية ✅ plain block"],
    ];
    let mut text = String::new();
    for (i, pieces) in blocks.iter().enumerate() {
        let block = document.create_element("div").unwrap();
        block
            .set_attribute("data-u16", &text.encode_utf16().count().to_string())
            .unwrap();
        for (k, piece) in pieces.iter().enumerate() {
            if i == 1 {
                block
                    .append_child(&document.create_text_node(piece))
                    .unwrap();
            } else {
                let outer = document.create_element("span").unwrap();
                let inner = document.create_element("span").unwrap();
                inner.set_text_content(Some(piece));
                // A nested element in every other piece, as an inner span would be.
                let node: &web_sys::Node = if k % 2 == 0 { &outer } else { &inner };
                if k % 2 == 0 {
                    outer.append_child(&inner).unwrap();
                }
                block.append_child(node).unwrap();
            }
            text.push_str(piece);
        }
        container.append_child(&block).unwrap();
    }
    document.body().unwrap().append_child(&container).unwrap();
    let ix = TextIndex::new(&text);
    let mut locator = highlight::TextLocator::new(&container);
    for quote in [
        "Qatar",
        "🇶🇦 said 👨‍👩‍👧",
        "families and e\u{301}lan",
        "lan.\r\n\r\n中文",
        "العربية ✅",
        "plain block",
    ] {
        let start = text.find(quote).unwrap();
        let (a, b) = ix
            .convert_range((start, start + quote.len()), Unit::Utf8, Unit::Utf16)
            .unwrap();
        let range = locator.range(a as u32, b as u32).expect("a range");
        assert_eq!(String::from(range.to_string()), quote);
    }
    // Past the end there is nothing to paint.
    let end = text.encode_utf16().count() as u32;
    assert!(locator.range(end + 1, end + 3).is_none());
    container.remove();
}

#[wasm_bindgen_test]
fn a_panic_shows_one_banner_that_says_how_to_go_on_with_the_message_as_text() {
    let document = web_sys::window().unwrap().document().unwrap();
    // As index.html has it while the app starts: a panic then ends the "Opening…".
    let opening = document.create_element("p").unwrap();
    opening.set_id(glossa::browser::OPENING_ID);
    document.body().unwrap().append_child(&opening).unwrap();
    crash::show("index out of range <b>7</b>\nat text_view.rs");
    assert!(document
        .get_element_by_id(glossa::browser::OPENING_ID)
        .is_none());
    crash::show("a second panic");
    let banners = document
        .query_selector_all(&format!("#{}", crash::BANNER_ID))
        .unwrap();
    assert_eq!(banners.length(), 1);
    let banner: web_sys::Element = banners.item(0).unwrap().dyn_into().unwrap();
    assert_eq!(banner.get_attribute("role").as_deref(), Some("alert"));
    let text = banner.text_content().unwrap();
    assert!(text.contains("reload the page to go on"), "{text}");
    assert!(
        text.contains("What went wrong: index out of range <b>7</b>"),
        "{text}"
    );
    assert!(
        !text.contains("text_view.rs") && !text.contains("second"),
        "{text}"
    );
    // The message is text, never markup.
    assert!(banner.query_selector("b").unwrap().is_none());
    let reload = banner.query_selector("a").unwrap().unwrap();
    assert_eq!(reload.get_attribute("href").as_deref(), Some(""));
    banner.remove();
}

/// Resolves after a timeout of `ms`, so what the page does after an event has run.
async fn pause(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(promise).await.unwrap();
}

#[wasm_bindgen_test]
async fn an_input_method_composes_beside_the_text_which_gets_back_its_focus_and_selection() {
    use std::{cell::RefCell, rc::Rc};
    let document = web_sys::window().unwrap().document().unwrap();
    let event = |kind: &str| {
        let e = document.create_event("Event").unwrap();
        e.init_event_with_bubbles(kind, true);
        e
    };
    let text: web_sys::HtmlElement = document.create_element("div").unwrap().dyn_into().unwrap();
    text.set_attribute("contenteditable", "true").unwrap();
    text.set_text_content(Some("Hamas said 100 captives"));
    document.body().unwrap().append_child(&text).unwrap();
    let words = text.first_child().unwrap();
    let range = document.create_range().unwrap();
    range.set_start(&words, 6).unwrap();
    range.set_end(&words, 10).unwrap();
    text.focus().unwrap();
    selection::select_range(&range);

    let committed = Rc::new(RefCell::new(Vec::new()));
    let sink = {
        let (text, committed) = (text.clone(), committed.clone());
        ime::ImeSink::install(
            move || Some(text.clone()),
            move |typed| committed.borrow_mut().push(typed),
        )
        .unwrap()
    };
    let field: web_sys::HtmlTextAreaElement = document
        .query_selector(".ime-sink")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    let focused = || document.active_element();

    // A composition starting in the text goes to the field; its end gives everything back.
    words.dispatch_event(&event("compositionstart")).unwrap();
    assert_eq!(
        focused().as_ref(),
        Some(field.unchecked_ref::<web_sys::Element>())
    );
    field.set_value("１");
    field.dispatch_event(&event("compositionend")).unwrap();
    pause(10).await;
    assert_eq!(
        focused().as_ref(),
        Some(text.unchecked_ref::<web_sys::Element>())
    );
    let selected = web_sys::window().unwrap().get_selection().unwrap().unwrap();
    assert_eq!(String::from(selected.to_string()), "said");
    assert_eq!(*committed.borrow(), vec!["１".to_string()]);
    assert_eq!(text.text_content().unwrap(), "Hamas said 100 captives");
    assert_eq!(field.value(), "");

    // One elsewhere (a form field) is its own.
    let other: web_sys::HtmlElement = document
        .create_element("input")
        .unwrap()
        .dyn_into()
        .unwrap();
    document.body().unwrap().append_child(&other).unwrap();
    other.focus().unwrap();
    other.dispatch_event(&event("compositionstart")).unwrap();
    assert_eq!(
        focused().as_ref(),
        Some(other.unchecked_ref::<web_sys::Element>())
    );

    // One left for somewhere else (a click ends a composition too): the focus stays there and
    // nothing is committed.
    text.focus().unwrap();
    selection::select_range(&range);
    words.dispatch_event(&event("compositionstart")).unwrap();
    assert_eq!(
        focused().as_ref(),
        Some(field.unchecked_ref::<web_sys::Element>())
    );
    field.set_value("２");
    other.focus().unwrap();
    field.dispatch_event(&event("compositionend")).unwrap();
    pause(10).await;
    assert_eq!(
        focused().as_ref(),
        Some(other.unchecked_ref::<web_sys::Element>())
    );
    assert_eq!(*committed.borrow(), vec!["１".to_string()]);

    drop(sink);
    assert!(document.query_selector(".ime-sink").unwrap().is_none());
    text.remove();
    other.remove();
}
