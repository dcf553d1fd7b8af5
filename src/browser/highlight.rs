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

/// The function `of[name]`: the highlight API is reached by name, as web-sys binds it only
/// as unstable.
fn method(of: &JsValue, name: &str) -> Result<Function, JsValue> {
    Reflect::get(of, &name.into())?.dyn_into()
}

/// Takes the ranges `old` out of the highlight `name` (styled by `::highlight(name)` in CSS)
/// and adds `new`, making the highlight if there is none: a few hits painted again without
/// handing the browser every hit anew. Does nothing where the browser lacks the API.
pub fn change(name: &str, old: &[JsValue], new: &[JsValue]) -> Result<(), JsValue> {
    let Some(registry) = registry().filter(|_| !(old.is_empty() && new.is_empty())) else {
        return Ok(());
    };
    let mut highlight = method(&registry, "get")?.call1(&registry, &name.into())?;
    let made = highlight.is_undefined();
    if made {
        let constructor = method(&js_sys::global(), "Highlight")?;
        highlight = Reflect::construct(&constructor, &Array::new())?;
    }
    for (how, ranges) in [("delete", old), ("add", new)] {
        let change = method(&highlight, how)?;
        for range in ranges {
            change.call1(&highlight, range)?;
        }
    }
    // Registered once filled, so the browser takes it in once.
    if made {
        method(&registry, "set")?.call2(&registry, &name.into(), &highlight)?;
    }
    Ok(())
}

/// Removes the highlight `name`.
pub fn clear(name: &str) {
    if let Some(registry) = registry() {
        if let Ok(delete) = method(&registry, "delete") {
            let _ = delete.call1(&registry, &name.into());
        }
    }
}

/// The text nodes under `node`, in order, each with its UTF-16 start (from `at`) and length.
/// The length is read without copying the text into the wasm.
fn text_nodes(node: &Node, at: &mut u32, out: &mut Vec<(u32, u32, Node)>) {
    if let Some(text) = node.dyn_ref::<web_sys::CharacterData>() {
        if node.node_type() == Node::TEXT_NODE {
            let len = text.length();
            out.push((*at, len, node.clone()));
            *at += len;
        }
        return;
    }
    let children = node.child_nodes();
    for i in 0..children.length() {
        if let Some(child) = children.item(i) {
            text_nodes(&child, at, out);
        }
    }
}

/// Turns UTF-16 offsets of the text view into DOM ranges. Each paragraph block's text nodes
/// are listed once, when first needed, so thousands of search hits cost a binary search each
/// rather than a walk through their block.
pub struct TextLocator {
    /// Each block's UTF-16 start and element, in order (the elements of the text view with
    /// `data-u16`).
    blocks: Vec<(u32, Element)>,
    /// Each block's text nodes (start within the block, length, node), listed on first use.
    nodes: Vec<Option<Vec<(u32, u32, Node)>>>,
    /// Whether each block is still plain, asked of the page once: thousands of search hits
    /// lie in the few hundred blocks of a long text.
    plain: Vec<Option<bool>>,
}

impl TextLocator {
    pub fn new(container: &Element) -> Self {
        let found = container.query_selector_all("[data-u16]").ok();
        let blocks: Vec<(u32, Element)> = (0..found.as_ref().map_or(0, |f| f.length()))
            .filter_map(|i| found.as_ref()?.item(i)?.dyn_into::<Element>().ok())
            .filter_map(|b| Some((b.get_attribute("data-u16")?.parse().ok()?, b)))
            .collect();
        let nodes = vec![None; blocks.len()];
        let plain = vec![None; blocks.len()];
        TextLocator {
            blocks,
            nodes,
            plain,
        }
    }

    /// Whether the block that holds UTF-16 offset `at` is still plain text: far from the
    /// screen, not drawn yet, and not rendered by the browser.
    pub fn in_plain_block(&mut self, at: u32) -> bool {
        let Some(i) = self.block_index(at) else {
            return false;
        };
        let block = &self.blocks[i].1;
        *self.plain[i].get_or_insert_with(|| block.has_attribute("data-plain"))
    }

    /// Which block holds UTF-16 offset `at`.
    fn block_index(&self, at: u32) -> Option<usize> {
        self.blocks
            .partition_point(|(start, _)| *start <= at)
            .checked_sub(1)
    }

    /// The paragraph block that holds UTF-16 offset `at`.
    pub fn block(&self, at: u32) -> Option<&Element> {
        Some(&self.blocks[self.block_index(at)?].1)
    }

    /// The text node and offset in it at UTF-16 offset `at`, looked up in the block that holds
    /// offset `inside` (for a range's end, its last character's block). At the border of two
    /// text nodes, the end of the first.
    fn position(&mut self, at: u32, inside: u32) -> Option<(Node, u32)> {
        let i = self.block_index(inside)?;
        let (base, block) = &self.blocks[i];
        let base = *base;
        let nodes = self.nodes[i].get_or_insert_with(|| {
            let mut out = Vec::new();
            text_nodes(block, &mut 0, &mut out);
            out
        });
        let offset = at.checked_sub(base)?;
        let k = nodes.partition_point(|(start, len, _)| start + len < offset);
        let (start, _, node) = nodes.get(k)?;
        Some((node.clone(), offset - start))
    }

    /// Where UTF-16 offsets `[start, end)` of the text view begin and end in its text nodes.
    fn ends(&mut self, start: u32, end: u32) -> Option<((Node, u32), (Node, u32))> {
        Some((
            self.position(start, start)?,
            self.position(end, end.saturating_sub(1).max(start))?,
        ))
    }

    /// A range over UTF-16 offsets `[start, end)` of the text view that does not follow later
    /// changes to the page (a `StaticRange`), for painting, with the text nodes it starts and
    /// ends in: once either is out of the page, the range points at nothing. The browser
    /// updates every live range at each change to the page, and until they are collected even
    /// those no longer painted: after a search with thousands of hits, each tag took 3 ms more.
    pub fn static_range(&mut self, start: u32, end: u32) -> Option<(JsValue, [Node; 2])> {
        let ((a_node, a_off), (b_node, b_off)) = self.ends(start, end)?;
        let init = js_sys::Object::new();
        for (key, value) in [
            ("startContainer", JsValue::from(&a_node)),
            ("startOffset", a_off.into()),
            ("endContainer", (&b_node).into()),
            ("endOffset", b_off.into()),
        ] {
            Reflect::set(&init, &key.into(), &value).ok()?;
        }
        let constructor = method(&js_sys::global(), "StaticRange").ok()?;
        let range = Reflect::construct(&constructor, &Array::of1(&init)).ok()?;
        Some((range, [a_node, b_node]))
    }

    /// A DOM range over UTF-16 offsets `[start, end)` of the text view.
    pub fn range(&mut self, start: u32, end: u32) -> Option<web_sys::Range> {
        let ((a_node, a_off), (b_node, b_off)) = self.ends(start, end)?;
        let range = a_node.owner_document()?.create_range().ok()?;
        range.set_start(&a_node, a_off).ok()?;
        range.set_end(&b_node, b_off).ok()?;
        Some(range)
    }
}
