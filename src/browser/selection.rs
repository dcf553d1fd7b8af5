//! Reading the user's text selection as offsets into the document.
//!
//! The DOM counts in UTF-16 code units. This module only measures; the conversion to the core's
//! unit happens in one place, `glossa_core::TextIndex`.

use wasm_bindgen::JsCast;
use web_sys::{Element, Node};

/// The UTF-16 offset of the DOM position (`node`, `offset`) counted from the start of
/// `container`'s text. Labels drawn by CSS (`::before`) are not text, so they do not count.
pub fn utf16_offset_in(container: &Element, node: &Node, offset: u32) -> Option<u32> {
    let document = container.owner_document()?;
    let range = document.create_range().ok()?;
    range.set_start(container, 0).ok()?;
    range.set_end(node, offset).ok()?;
    Some(range.to_string().length())
}

/// The UTF-16 offset of a DOM position inside `container`. Paragraph blocks carry their own
/// UTF-16 start in `data-u16`, so only the text of one block is measured, however long the
/// document.
pub fn position_in(container: &Element, node: &Node, offset: u32) -> Option<u32> {
    let element = match node.dyn_ref::<Element>() {
        Some(e) => Some(e.clone()),
        None => node.parent_element(),
    };
    let block = element
        .and_then(|e| e.closest("[data-u16]").ok().flatten())
        .filter(|b| container.contains(Some(b)));
    match block {
        Some(block) => {
            let base: u32 = block.get_attribute("data-u16")?.parse().ok()?;
            Some(base + utf16_offset_in(&block, node, offset)?)
        }
        None => utf16_offset_in(container, node, offset),
    }
}

/// The current selection inside `container` as a UTF-16 range `[start, end)`, or `None` when
/// nothing is selected there.
pub fn selected_range(container: &Element) -> Option<(u32, u32)> {
    let selection = web_sys::window()?.get_selection().ok()??;
    if selection.is_collapsed() || selection.range_count() == 0 {
        return None;
    }
    let range = selection.get_range_at(0).ok()?;
    let (start, end) = (range.start_container().ok()?, range.end_container().ok()?);
    if !container.contains(Some(&start)) || !container.contains(Some(&end)) {
        return None;
    }
    let a = position_in(container, &start, range.start_offset().ok()?)?;
    let b = position_in(container, &end, range.end_offset().ok()?)?;
    (a < b).then_some((a, b))
}

/// Where on the page (CSS pixels from its top left) a menu fits just below the selection.
pub fn below_selection() -> Option<(i32, i32)> {
    let window = web_sys::window()?;
    let selection = window.get_selection().ok()??;
    let rect = selection.get_range_at(0).ok()?.get_bounding_client_rect();
    let x = rect.left() + window.scroll_x().ok()?;
    let y = rect.bottom() + window.scroll_y().ok()?;
    Some((x as i32, y as i32 + 8))
}

/// Forgets the browser's selection (after it became a span, or on Escape), leaving a caret at
/// its end so the keyboard goes on from there: with no range at all, WebKit moves no caret
/// with Shift+arrows until the user clicks again.
pub fn clear_selection() {
    if let Some(Ok(Some(selection))) = web_sys::window().map(|w| w.get_selection()) {
        if selection.range_count() > 0 {
            let _ = selection.collapse_to_end();
        }
    }
}

/// The selection's first range, as it is now (a copy, which later changes do not move).
pub fn current_range() -> Option<web_sys::Range> {
    let selection = web_sys::window()?.get_selection().ok()??;
    (selection.range_count() > 0)
        .then(|| selection.get_range_at(0).ok().map(|r| r.clone_range()))
        .flatten()
}

/// Makes `range` the selection.
pub fn select_range(range: &web_sys::Range) {
    if let Some(Ok(Some(selection))) = web_sys::window().map(|w| w.get_selection()) {
        let _ = selection.remove_all_ranges();
        let _ = selection.add_range(range);
    }
}

/// Moves the keyboard focus to `element` without scrolling the page to it.
pub fn focus_in_place(element: &web_sys::HtmlElement) {
    let options = web_sys::FocusOptions::new();
    options.set_prevent_scroll(true);
    let _ = element.focus_with_options(&options);
}
