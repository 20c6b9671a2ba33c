//! DOM selection → UTF-16 offsets into the article's text. This is the only place that knows
//! how the browser describes a selection; it hands the domain two numbers and nothing else.
//!
//! Each rendered paragraph carries its UTF-16 start in `data-u16`, so an endpoint costs a
//! `Range::toString` over one paragraph, not over the whole article.

use crate::domain::text::Utf16Offset;
use wasm_bindgen::JsCast;
use web_sys::{Element, Node};

/// Where the selection's bounding box is on screen, for placing the tag toolbar.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ScreenRect {
    pub left: f64,
    pub top: f64,
    pub width: f64,
    pub height: f64,
}

/// A selection inside the article, as offsets into its text (anchor may lie after focus).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RawSelection {
    pub anchor: Utf16Offset,
    pub focus: Utf16Offset,
    pub rect: ScreenRect,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DomSelectionError {
    NoSelection,
    Collapsed,
    OutsideArticle,
    Browser(String),
}

impl std::fmt::Display for DomSelectionError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DomSelectionError::NoSelection => write!(f, "nothing is selected"),
            DomSelectionError::Collapsed => write!(f, "the selection is empty"),
            DomSelectionError::OutsideArticle => write!(f, "the selection is not in the article"),
            DomSelectionError::Browser(message) => write!(f, "the browser refused: {message}"),
        }
    }
}

fn js_error(value: wasm_bindgen::JsValue) -> DomSelectionError {
    DomSelectionError::Browser(crate::web::js_error::describe(&value))
}

/// Reads the window's selection relative to `article` (the element with `data-article-text`).
pub fn read_selection(article: &Element) -> Result<RawSelection, DomSelectionError> {
    let window = web_sys::window().ok_or(DomSelectionError::NoSelection)?;
    let selection = window
        .get_selection()
        .map_err(js_error)?
        .ok_or(DomSelectionError::NoSelection)?;
    if selection.range_count() == 0 {
        return Err(DomSelectionError::NoSelection);
    }
    if selection.is_collapsed() {
        return Err(DomSelectionError::Collapsed);
    }
    let anchor_node = selection
        .anchor_node()
        .ok_or(DomSelectionError::NoSelection)?;
    let focus_node = selection
        .focus_node()
        .ok_or(DomSelectionError::NoSelection)?;
    let article_node: &Node = article.unchecked_ref();
    if !article_node.contains(Some(&anchor_node)) && !article_node.contains(Some(&focus_node)) {
        return Err(DomSelectionError::OutsideArticle);
    }
    let anchor = offset_of(article, &anchor_node, selection.anchor_offset())?;
    let focus = offset_of(article, &focus_node, selection.focus_offset())?;
    let rect = selection
        .get_range_at(0)
        .map(|range| {
            let r = range.get_bounding_client_rect();
            ScreenRect {
                left: r.left(),
                top: r.top(),
                width: r.width(),
                height: r.height(),
            }
        })
        .unwrap_or(ScreenRect {
            left: 0.0,
            top: 0.0,
            width: 0.0,
            height: 0.0,
        });
    Ok(RawSelection {
        anchor,
        focus,
        rect,
    })
}

/// The UTF-16 offset in the article's text of the boundary point (`node`, `offset`).
/// Points before the article clamp to 0 and points after it to the article's end.
pub fn offset_of(
    article: &Element,
    node: &Node,
    offset: u32,
) -> Result<Utf16Offset, DomSelectionError> {
    let article_node: &Node = article.unchecked_ref();
    if !article_node.contains(Some(node)) {
        let position = article_node.compare_document_position(node);
        let before_article = position & Node::DOCUMENT_POSITION_PRECEDING != 0;
        let total = if before_article {
            0
        } else {
            text_length(article)
        };
        return Ok(Utf16Offset(total));
    }
    // A point between paragraphs, or between groups of them (where the browser leaves a
    // selection whose paragraph was drawn anew): read from the paragraphs' starts, not from
    // the whole text before it.
    let is_group = node
        .dyn_ref::<Element>()
        .is_some_and(|e| e.has_attribute("data-group"));
    if (is_group || node.is_same_node(Some(article_node)))
        && let Some(at) = offset_between_paragraphs(node, offset)
    {
        return Ok(Utf16Offset(at));
    }
    let paragraph = enclosing_paragraph(node);
    let (base, root): (usize, Node) = match &paragraph {
        Some(p) => (paragraph_start(p), p.clone().unchecked_into()),
        None => (0, article_node.clone()),
    };
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or(DomSelectionError::NoSelection)?;
    let range = document.create_range().map_err(js_error)?;
    range.set_start(&root, 0).map_err(js_error)?;
    range.set_end(node, offset).map_err(js_error)?;
    let before = range.to_string().length() as usize;
    Ok(Utf16Offset(base + before))
}

/// The offset of the point (`container`, `offset`) where the container is the article (its
/// children are groups of paragraphs) or a group (its children are paragraphs): the start of
/// the first paragraph at or after child `offset`, else the end of the last one before it.
/// `None` when there is no paragraph there (the caller then counts the text).
fn offset_between_paragraphs(container: &Node, offset: u32) -> Option<usize> {
    let children = container.child_nodes();
    // A child is a paragraph (`data-u16`) or a group, whose first or last child is one.
    let paragraph = |index: u32, edge: fn(&Element) -> Option<Element>| {
        let child = children.item(index)?.dyn_into::<Element>().ok()?;
        let paragraph = if child.has_attribute("data-u16") {
            child
        } else {
            edge(&child)?
        };
        paragraph.has_attribute("data-u16").then_some(paragraph)
    };
    if let Some(next) =
        (offset..children.length()).find_map(|i| paragraph(i, Element::first_element_child))
    {
        return Some(paragraph_start(&next));
    }
    let previous = (0..offset.min(children.length()))
        .rev()
        .find_map(|i| paragraph(i, Element::last_element_child))?;
    Some(paragraph_start(&previous) + text_length(&previous))
}

fn text_length(element: &Element) -> usize {
    element
        .text_content()
        .map(|t| t.encode_utf16().count())
        .unwrap_or(0)
}

fn enclosing_paragraph(node: &Node) -> Option<Element> {
    let element: Element = match node.dyn_ref::<Element>() {
        Some(e) => e.clone(),
        None => node.parent_element()?,
    };
    element.closest("[data-u16]").ok().flatten()
}

fn paragraph_start(paragraph: &Element) -> usize {
    paragraph
        .get_attribute("data-u16")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// Clears the window's selection (after tagging it, or on Escape).
pub fn clear_selection() {
    if let Some(selection) = web_sys::window().and_then(|w| w.get_selection().ok().flatten()) {
        // A selection the browser will not clear stays as it was; no work is touched.
        let _ = selection.remove_all_ranges();
    }
}
