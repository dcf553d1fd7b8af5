//! Painting search hits with the CSS Custom Highlight API: the hits are DOM ranges handed to
//! the browser, so no element of the text changes, however many hits there are.

use js_sys::{Array, Function, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Element, Node};

/// The browser's highlight registry (`CSS.highlights`), where supported.
fn registry() -> Option<JsValue> {
    let css = Reflect::get(&js_sys::global(), &"CSS".into()).ok()?;
    let registry = Reflect::get(&css, &"highlights".into()).ok()?;
    (!registry.is_undefined()).then_some(registry)
}

/// Paints `ranges` as the highlight `name` (styled by `::highlight(name)` in CSS), replacing
/// what it painted before. Does nothing where the browser lacks the API.
pub fn set(name: &str, ranges: &[web_sys::Range]) -> Result<(), JsValue> {
    let Some(registry) = registry() else {
        return Ok(());
    };
    let constructor: Function = Reflect::get(&js_sys::global(), &"Highlight".into())?.dyn_into()?;
    let args: Array = ranges.iter().collect();
    let highlight = Reflect::construct(&constructor, &args)?;
    let set: Function = Reflect::get(&registry, &"set".into())?.dyn_into()?;
    set.call2(&registry, &name.into(), &highlight)?;
    Ok(())
}

/// Removes the highlight `name`.
pub fn clear(name: &str) {
    if let Some(registry) = registry() {
        if let Ok(delete) =
            Reflect::get(&registry, &"delete".into()).and_then(|f| f.dyn_into::<Function>())
        {
            let _ = delete.call1(&registry, &name.into());
        }
    }
}

/// Finds the text node and offset at UTF-16 offset `offset` inside `node`, counting down
/// `offset` as it walks.
fn locate(node: &Node, offset: &mut u32) -> Option<(Node, u32)> {
    if node.node_type() == Node::TEXT_NODE {
        let len = node
            .text_content()
            .map_or(0, |t| t.encode_utf16().count() as u32);
        if *offset <= len {
            return Some((node.clone(), *offset));
        }
        *offset -= len;
        return None;
    }
    let children = node.child_nodes();
    for i in 0..children.length() {
        if let Some(found) = children.item(i).and_then(|c| locate(&c, offset)) {
            return Some(found);
        }
    }
    None
}

/// The paragraph block of `container` (children with `data-u16`) that holds UTF-16 offset
/// `at`, and its start.
fn block_at(blocks: &[(u32, Element)], at: u32) -> Option<&(u32, Element)> {
    let i = blocks.partition_point(|(start, _)| *start <= at);
    blocks.get(i.checked_sub(1)?)
}

/// The paragraph blocks of the text view with their UTF-16 starts, in order.
pub fn blocks(container: &Element) -> Vec<(u32, Element)> {
    let children = container.children();
    (0..children.length())
        .filter_map(|i| children.item(i))
        .filter_map(|b| Some((b.get_attribute("data-u16")?.parse().ok()?, b)))
        .collect()
}

/// A DOM range over UTF-16 offsets `[start, end)` of the text view.
pub fn dom_range(blocks: &[(u32, Element)], start: u32, end: u32) -> Option<web_sys::Range> {
    let (a_base, a_block) = block_at(blocks, start)?;
    let (b_base, b_block) = block_at(blocks, end.saturating_sub(1).max(start))?;
    let (a_node, a_off) = locate(a_block, &mut (start - a_base))?;
    let (b_node, b_off) = locate(b_block, &mut (end - b_base))?;
    let range = a_block.owner_document()?.create_range().ok()?;
    range.set_start(&a_node, a_off).ok()?;
    range.set_end(&b_node, b_off).ok()?;
    Some(range)
}
