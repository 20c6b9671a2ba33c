//! Scrolling and focus: bringing an annotation's first highlight into view.

use wasm_bindgen::JsCast;

/// Scrolls the first highlight of annotation `id` into the middle of the view. In a long
/// article its paragraph may be drawn without marks (far from the screen): then the
/// paragraph holding `utf16_start` comes into view, and its marks are drawn there.
pub fn scroll_to_annotation(id: &str, utf16_start: Option<usize>) {
    if !scroll_to_mark(id)
        && let Some(offset) = utf16_start
    {
        scroll_to_paragraph_at(offset);
    }
}

/// The paragraph whose text holds UTF-16 offset `offset` (the last one starting at or
/// before it), scrolled to the middle of the view.
fn scroll_to_paragraph_at(offset: usize) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Ok(paragraphs) = document.query_selector_all("[data-article-text] .ann-para[data-u16]")
    else {
        return;
    };
    let mut holder = None;
    for index in 0..paragraphs.length() {
        let Some(paragraph) = paragraphs
            .item(index)
            .and_then(|node| node.dyn_into::<web_sys::Element>().ok())
        else {
            continue;
        };
        let start = paragraph
            .get_attribute("data-u16")
            .and_then(|s| s.parse::<usize>().ok());
        match start {
            Some(start) if start <= offset => holder = Some(paragraph),
            Some(_) => break,
            None => {}
        }
    }
    if let Some(paragraph) = holder {
        let options = web_sys::ScrollIntoViewOptions::new();
        options.set_block(web_sys::ScrollLogicalPosition::Center);
        paragraph.scroll_into_view_with_scroll_into_view_options(&options);
    }
}

/// Scrolls the first mark of annotation `id` into view; false when none is drawn.
fn scroll_to_mark(id: &str) -> bool {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return false;
    };
    let Ok(marks) = document.query_selector_all("[data-article-text] mark[data-ids]") else {
        return false;
    };
    for index in 0..marks.length() {
        let Some(node) = marks.item(index) else {
            continue;
        };
        let Ok(mark) = node.dyn_into::<web_sys::Element>() else {
            continue;
        };
        let covers = mark
            .get_attribute("data-ids")
            .is_some_and(|ids| ids.split(' ').any(|i| i == id));
        if covers {
            let options = web_sys::ScrollIntoViewOptions::new();
            options.set_block(web_sys::ScrollLogicalPosition::Center);
            options.set_behavior(web_sys::ScrollBehavior::Smooth);
            mark.scroll_into_view_with_scroll_into_view_options(&options);
            return true;
        }
    }
    false
}

/// Moves keyboard focus to the element with `id`, if it exists.
pub fn focus_by_id(id: &str) {
    let element = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(element) = element {
        // Focus that cannot move stays where it was; no work is touched.
        let _ = element.focus();
    }
}
