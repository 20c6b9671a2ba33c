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
        settle_on_mark(id.to_string());
    }
}

/// Frames to wait for the mark of a paragraph scrolled to.
const SETTLE_FRAMES: usize = 20;

/// Keeps the first mark of `id` in view for the frames after a scroll to its paragraph: the
/// paragraphs on the way are laid out only as they come near (`content-visibility`), so
/// their estimated heights change under the scroll, and the marks come a task later.
fn settle_on_mark(id: String) {
    wasm_bindgen_futures::spawn_local(async move {
        let mut steady = 0;
        for _ in 0..SETTLE_FRAMES {
            crate::web::clock::next_frame().await;
            let Some(mark) = first_mark(&id) else {
                continue;
            };
            if in_view(&mark) {
                steady += 1;
                if steady >= 3 {
                    return;
                }
            } else {
                steady = 0;
                let options = web_sys::ScrollIntoViewOptions::new();
                options.set_block(web_sys::ScrollLogicalPosition::Center);
                mark.scroll_into_view_with_scroll_into_view_options(&options);
            }
        }
    });
}

/// Whether `element` lies wholly inside the window.
fn in_view(element: &web_sys::Element) -> bool {
    let rect = element.get_bounding_client_rect();
    let height = web_sys::window()
        .and_then(|w| w.inner_height().ok())
        .and_then(|h| h.as_f64())
        .unwrap_or(0.0);
    rect.top() >= 0.0 && rect.bottom() <= height
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
    let Some(mark) = first_mark(id) else {
        return false;
    };
    let options = web_sys::ScrollIntoViewOptions::new();
    options.set_block(web_sys::ScrollLogicalPosition::Center);
    options.set_behavior(web_sys::ScrollBehavior::Smooth);
    mark.scroll_into_view_with_scroll_into_view_options(&options);
    true
}

/// The first drawn mark of annotation `id`.
fn first_mark(id: &str) -> Option<web_sys::Element> {
    let document = web_sys::window().and_then(|w| w.document())?;
    let marks = document
        .query_selector_all("[data-article-text] mark[data-ids]")
        .ok()?;
    (0..marks.length())
        .filter_map(|index| marks.item(index)?.dyn_into::<web_sys::Element>().ok())
        .find(|mark| {
            mark.get_attribute("data-ids")
                .is_some_and(|ids| ids.split(' ').any(|i| i == id))
        })
}

/// Moves keyboard focus to the element with `id`, if it exists.
pub fn focus_by_id(id: &str) {
    if let Some(element) = by_id(id) {
        // Focus that cannot move stays where it was; no work is touched.
        let _ = element.focus();
    }
}

fn by_id(id: &str) -> Option<web_sys::HtmlElement> {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
}

thread_local! {
    /// Focus asked for an element its part was still fetching: the element's id, and the
    /// element that had focus then.
    static WAITING: std::cell::RefCell<Option<(&'static str, Option<web_sys::Element>)>> =
        const { std::cell::RefCell::new(None) };
}

fn focused() -> Option<web_sys::Element> {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.active_element())
}

/// Moves keyboard focus to the element with `id`; when it is not drawn yet because its part
/// of the app is still being fetched (`ui::on_demand`), it takes focus once the part is
/// drawn ([`focus_waiting`]), unless focus has moved elsewhere meanwhile.
pub fn focus_by_id_when_drawn(id: &'static str) {
    match by_id(id) {
        Some(element) => {
            // Focus that cannot move stays where it was; no work is touched.
            let _ = element.focus();
        }
        None => WAITING.set(Some((id, focused()))),
    }
}

/// Gives focus to the element a [`focus_by_id_when_drawn`] waits for, if it is drawn now and
/// focus is still where it was when it was asked for.
pub fn focus_waiting() {
    let Some((id, from)) = WAITING.take() else {
        return;
    };
    if focused() != from {
        return;
    }
    match by_id(id) {
        Some(element) => {
            // Focus that cannot move stays where it was; no work is touched.
            let _ = element.focus();
        }
        // Another part was drawn first: keep waiting for this one.
        None => WAITING.set(Some((id, from))),
    }
}
