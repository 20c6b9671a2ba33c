//! Scrolling and focus: bringing an annotation's first highlight into view.

use wasm_bindgen::JsCast;

/// Scrolls the first highlight of annotation `id` into the middle of the view.
pub fn scroll_to_annotation(id: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Ok(marks) = document.query_selector_all("[data-article-text] mark[data-ids]") else {
        return;
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
            return;
        }
    }
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
