//! Dialog focus: keep Tab inside an open dialog, and give focus back to whatever had it when
//! the dialog closes. Any dialog calls [`remember_focus`] when it opens, [`keep_tab_inside`]
//! from its keydown handler, and [`restore_focus`] when it closes.

use std::cell::RefCell;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, KeyboardEvent};

/// What can take focus with Tab inside a container.
const FOCUSABLE: &str = "a[href], button:not([disabled]), input:not([disabled]), \
    select:not([disabled]), textarea:not([disabled]), summary, [tabindex]:not([tabindex='-1'])";

thread_local! {
    /// Elements that had focus before each open dialog, innermost last.
    static RETURN_TO: RefCell<Vec<HtmlElement>> = const { RefCell::new(Vec::new()) };
}

fn document() -> Option<web_sys::Document> {
    web_sys::window().and_then(|w| w.document())
}

/// The element that has keyboard focus now, if any (not `<body>`).
pub fn active_element() -> Option<HtmlElement> {
    let document = document()?;
    let active = document.active_element()?;
    if document.body().is_some_and(|b| {
        let b: &Element = b.unchecked_ref();
        b == &active
    }) {
        return None;
    }
    active.dyn_into::<HtmlElement>().ok()
}

/// Remembers the focused element, to return to it when the dialog that opens now closes.
pub fn remember_focus() {
    if let Some(element) = active_element() {
        RETURN_TO.with(|stack| stack.borrow_mut().push(element));
    }
}

/// Gives focus back to the element remembered by the latest [`remember_focus`], if it is
/// still on the page.
pub fn restore_focus() {
    let element = RETURN_TO.with(|stack| stack.borrow_mut().pop());
    if let Some(element) = element
        && element.is_connected()
    {
        // Focus that cannot move stays where it was; no work is touched.
        let _ = element.focus();
    }
}

/// The visible focusable elements inside `container`, in tab order (document order).
pub fn focusable_inside(container: &Element) -> Vec<HtmlElement> {
    let Ok(list) = container.query_selector_all(FOCUSABLE) else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|node| node.dyn_into::<HtmlElement>().ok())
        .filter(|e| {
            let r = e.get_bounding_client_rect();
            r.width() > 0.0 || r.height() > 0.0
        })
        .collect()
}

/// Focuses the first focusable element inside `container` (or `preferred`, when given and
/// present).
pub fn focus_first(container: &Element, preferred: Option<&str>) {
    let chosen = preferred
        .and_then(|selector| container.query_selector(selector).ok().flatten())
        .and_then(|e| e.dyn_into::<HtmlElement>().ok())
        .or_else(|| focusable_inside(container).into_iter().next());
    if let Some(element) = chosen {
        // Focus that cannot move stays where it was; no work is touched.
        let _ = element.focus();
    }
}

/// Call from a dialog's keydown handler: Tab on the last element wraps to the first and
/// Shift+Tab on the first wraps to the last, so focus never leaves the dialog.
pub fn keep_tab_inside(container: &Element, event: &KeyboardEvent) {
    if event.key() != "Tab" {
        return;
    }
    let items = focusable_inside(container);
    let (Some(first), Some(last)) = (items.first(), items.last()) else {
        event.prevent_default();
        return;
    };
    let active = active_element();
    let inside = active.as_ref().is_some_and(|a| {
        let node: &web_sys::Node = a.unchecked_ref();
        container.contains(Some(node))
    });
    if event.shift_key() {
        if !inside || active.as_ref() == Some(first) {
            event.prevent_default();
            // Focus that cannot move stays where it was; no work is touched.
            let _ = last.focus();
        }
    } else if !inside || active.as_ref() == Some(last) {
        event.prevent_default();
        // Focus that cannot move stays where it was; no work is touched.
        let _ = first.focus();
    }
}
