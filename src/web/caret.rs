//! The reading cursor: the window's selection used as a caret in the (non-editable) article.
//! The browser moves it (`Selection.modify`, which knows words, sentences, lines and
//! bidirectional text); this module moves it, puts it at a text offset, and places the
//! overlay that makes it visible (browsers draw no caret in text that cannot be edited).
//! The overlay lives outside `[data-article-text]`, so the article's text never changes.

use crate::web::dom_selection;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, Node};

/// How far one key press moves the cursor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    Character,
    Word,
    Sentence,
    Line,
    Paragraph,
    LineBoundary,
    DocumentBoundary,
}

impl Step {
    fn granularity(self) -> &'static str {
        match self {
            Step::Character => "character",
            Step::Word => "word",
            Step::Sentence => "sentence",
            Step::Line => "line",
            Step::Paragraph => "paragraph",
            Step::LineBoundary => "lineboundary",
            Step::DocumentBoundary => "documentboundary",
        }
    }
}

/// The direction of a move. Left and right are visual (right-to-left text moves the way the
/// arrow points); forward and backward follow the text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    Left,
    Right,
    Forward,
    Backward,
}

impl Direction {
    fn name(self) -> &'static str {
        match self {
            Direction::Left => "left",
            Direction::Right => "right",
            Direction::Forward => "forward",
            Direction::Backward => "backward",
        }
    }
}

fn document() -> Option<web_sys::Document> {
    web_sys::window().and_then(|w| w.document())
}

fn selection() -> Option<web_sys::Selection> {
    web_sys::window()?.get_selection().ok().flatten()
}

/// The article element (`[data-article-text]`), if it is on the page.
pub fn article() -> Option<Element> {
    document()?
        .query_selector("[data-article-text]")
        .ok()
        .flatten()
}

/// Whether the selection's focus point is inside `article`.
pub fn selection_inside(article: &Element) -> bool {
    let Some(selection) = selection() else {
        return false;
    };
    if selection.range_count() == 0 {
        return false;
    }
    let article: &Node = article.unchecked_ref();
    selection
        .focus_node()
        .is_some_and(|node| article.contains(Some(&node)))
}

/// Moves (or, with `extend`, extends) the selection by one step.
pub fn step(extend: bool, direction: Direction, step: Step) {
    if let Some(selection) = selection() {
        let alter = if extend { "extend" } else { "move" };
        // A caret the browser will not move stays where it was; no work is touched.
        let _ = selection.modify(alter, direction.name(), step.granularity());
    }
}

/// Collapses the selection to its focus point (where the cursor is).
pub fn collapse_to_focus() {
    if let Some(selection) = selection()
        && let Some(node) = selection.focus_node()
    {
        // A caret the browser will not move stays where it was; no work is touched.
        let _ = selection.collapse_with_offset(Some(&node), selection.focus_offset());
    }
}

/// Whether the selection covers no text.
pub fn is_collapsed() -> bool {
    selection().is_none_or(|s| s.is_collapsed())
}

/// The cursor's position as a UTF-16 offset into the article's text.
pub fn focus_offset(article: &Element) -> Option<usize> {
    let selection = selection()?;
    let node = selection.focus_node()?;
    dom_selection::offset_of(article, &node, selection.focus_offset())
        .ok()
        .map(|o| o.0)
}

/// The element the cursor is in (a `mark`, a paragraph…).
pub fn focus_element() -> Option<Element> {
    let node = selection()?.focus_node()?;
    match node.dyn_ref::<Element>() {
        Some(element) => Some(element.clone()),
        None => node.parent_element(),
    }
}

/// The text node and offset in it at UTF-16 offset `offset` of the article's text (clamped
/// to its end).
fn point_at(article: &Element, offset: usize) -> Option<(Node, u32)> {
    let document = document()?;
    // Walk only the paragraph that holds the offset: walking a 1 MB article's text nodes
    // from the top took 25 ms each time the cursor was put back after an edit.
    let (root, mut seen): (Node, usize) = match paragraph_at(article, offset) {
        Some((paragraph, start)) => (paragraph.unchecked_into(), start),
        None => (article.clone().unchecked_into(), 0),
    };
    let walker = document
        .create_tree_walker_with_what_to_show(&root, 0x4)
        .ok()?;
    let mut last: Option<(Node, usize)> = None;
    while let Ok(Some(node)) = walker.next_node() {
        let length = node
            .dyn_ref::<web_sys::CharacterData>()
            .map_or(0, |text| text.length() as usize);
        if offset < seen + length {
            return Some((node, (offset - seen) as u32));
        }
        seen += length;
        last = Some((node, length));
    }
    last.map(|(node, length)| (node, length as u32))
}

/// The paragraph (an element with `data-u16`, its UTF-16 start, in one of the article's
/// groups of paragraphs) that holds UTF-16 offset `offset`: the group by halving over the
/// groups' first paragraphs, then the paragraph by halving inside it.
fn paragraph_at(article: &Element, offset: usize) -> Option<(Element, usize)> {
    let (group, _) = last_starting_by(&article.children(), offset, |group| {
        group.first_element_child()
    })?;
    last_starting_by(&group.children(), offset, |paragraph| {
        Some(paragraph.clone())
    })
}

/// The last element of `list` starting at or before `offset` (the `data-u16` of the element
/// `start_holder` names for it) and that start, found by halving.
fn last_starting_by(
    list: &web_sys::HtmlCollection,
    offset: usize,
    start_holder: impl Fn(&Element) -> Option<Element>,
) -> Option<(Element, usize)> {
    let start_of = |index: u32| -> Option<usize> {
        start_holder(&list.item(index)?)?
            .get_attribute("data-u16")?
            .parse()
            .ok()
    };
    let (mut low, mut high) = (0u32, list.length());
    // Invariant: every element before `low` starts at or before `offset`, every one from
    // `high` on after it.
    while low < high {
        let middle = low + (high - low) / 2;
        if start_of(middle)? <= offset {
            low = middle + 1;
        } else {
            high = middle;
        }
    }
    let index = low.checked_sub(1)?;
    Some((list.item(index)?, start_of(index)?))
}

/// Puts a collapsed cursor at UTF-16 offset `offset` of the article's text (clamped to its
/// end).
pub fn place_at(article: &Element, offset: usize) {
    if let (Some(selection), Some((node, at))) = (selection(), point_at(article, offset)) {
        // A caret the browser will not move stays where it was; no work is touched.
        let _ = selection.collapse_with_offset(Some(&node), at);
    }
}

/// Moves the selection's focus to UTF-16 offset `offset`, keeping its anchor (Shift+move).
pub fn extend_to(article: &Element, offset: usize) {
    if let (Some(selection), Some((node, at))) = (selection(), point_at(article, offset)) {
        // A selection the browser will not extend stays as it was; no work is touched.
        let _ = selection.extend_with_offset(&node, at);
    }
}

/// The selection as it stands: its anchor and focus as UTF-16 offsets into the article's
/// text, and the nodes they point into (to tell later whether those were drawn anew).
pub struct SelectionSnapshot {
    offsets: (usize, usize),
    nodes: (Node, Node),
}

impl SelectionSnapshot {
    /// The selection, when both its ends are inside the article.
    pub fn take(article: &Element) -> Option<Self> {
        let selection = selection()?;
        let anchor = selection.anchor_node()?;
        let focus = selection.focus_node()?;
        if !article.contains(Some(&anchor)) || !article.contains(Some(&focus)) {
            return None;
        }
        let from = dom_selection::offset_of(article, &anchor, selection.anchor_offset()).ok()?;
        let to = dom_selection::offset_of(article, &focus, selection.focus_offset()).ok()?;
        Some(SelectionSnapshot {
            offsets: (from.0, to.0),
            nodes: (anchor, focus),
        })
    }

    /// Whether drawing a paragraph anew has moved the selection: a node it pointed into has
    /// left the page, or (text nodes kept and refilled) it now points at other offsets.
    pub fn broken(&self, article: &Element) -> bool {
        if !self.nodes.0.is_connected() || !self.nodes.1.is_connected() {
            return true;
        }
        // A paragraph drawn anew in place may keep a text node and change what it holds:
        // the selection's nodes are still there, but at other offsets of the text.
        // A selection now outside the article was moved by the person: left alone.
        SelectionSnapshot::take(article).is_some_and(|now| now.offsets != self.offsets)
    }

    /// Puts the selection back where it was, by its offsets.
    pub fn restore(&self, article: &Element) {
        let (anchor, focus) = self.offsets;
        place_at(article, anchor);
        if focus != anchor {
            extend_to(article, focus);
        }
    }
}

/// Where the cursor is on screen: (left, top, height) in viewport pixels.
fn caret_box() -> Option<(f64, f64, f64)> {
    let document = document()?;
    let selection = selection()?;
    let node = selection.focus_node()?;
    let offset = selection.focus_offset();
    let range = document.create_range().ok()?;
    range.set_start(&node, offset).ok()?;
    range.collapse_with_to_start(true);
    let rect = range.get_bounding_client_rect();
    if rect.height() > 0.0 {
        return Some((rect.left(), rect.top(), rect.height()));
    }
    // A collapsed range at some boundaries has no box: measure a neighbouring character.
    if node.node_type() == Node::TEXT_NODE {
        let length = node
            .node_value()
            .map(|v| v.encode_utf16().count() as u32)
            .unwrap_or(0);
        if offset < length {
            range.set_end(&node, offset + 1).ok()?;
            let r = range.get_bounding_client_rect();
            if r.height() > 0.0 {
                return Some((r.left(), r.top(), r.height()));
            }
        }
        if offset > 0 {
            range.set_start(&node, offset - 1).ok()?;
            range.set_end(&node, offset).ok()?;
            let r = range.get_bounding_client_rect();
            if r.height() > 0.0 {
                return Some((r.right(), r.top(), r.height()));
            }
        }
    }
    let element = focus_element()?;
    let r = element.get_bounding_client_rect();
    Some((r.left(), r.top(), r.height().min(30.0)))
}

/// Shows the overlay caret (`.ann-caret`) at the cursor when the article has focus, hides
/// it otherwise; with `reveal`, scrolls the cursor into view.
pub fn redraw(reveal: bool) {
    let Some(document) = document() else { return };
    let Some(caret) = document
        .query_selector(".ann-caret")
        .ok()
        .flatten()
        .and_then(|e| e.dyn_into::<HtmlElement>().ok())
    else {
        return;
    };
    let focused = match (article(), document.active_element()) {
        (Some(article), Some(active)) => article == active && selection_inside(&article),
        _ => false,
    };
    let position = if focused { caret_box() } else { None };
    let Some((left, top, height)) = position else {
        // The drawn caret is only a picture of the selection; no work is touched.
        let _ = caret.set_attribute("hidden", "");
        return;
    };
    let Some(wrap) = caret.parent_element() else {
        return;
    };
    let origin = wrap.get_bounding_client_rect();
    let style = caret.style();
    let lengths = [
        ("left", left - origin.left()),
        ("top", top - origin.top()),
        ("height", height),
    ];
    for (property, length) in lengths {
        // The drawn caret is only a picture of the selection; no work is touched.
        let _ = style.set_property(property, &css_px(length));
    }
    let _ = caret.remove_attribute("hidden");
    if reveal {
        let options = web_sys::ScrollIntoViewOptions::new();
        options.set_block(web_sys::ScrollLogicalPosition::Nearest);
        caret.scroll_into_view_with_scroll_into_view_options(&options);
    }
}

/// A CSS length in pixels, to a tenth ("-3.5px"). Written with integers: Rust's float
/// formatting (15 KB of code and 3 KB of tables) was in the WebAssembly fetched before the
/// first paint for these three lengths and one message of the native reader.
pub fn css_px(length: f64) -> String {
    // `as` saturates and turns NaN into 0: the caret is only a picture of the selection.
    let tenths = (length * 10.0).round() as i64;
    let sign = if tenths < 0 { "-" } else { "" };
    let tenths = tenths.unsigned_abs();
    format!("{sign}{}.{}px", tenths / 10, tenths % 10)
}
