//! The sticky header's height as a CSS custom property. On wide screens the header's controls
//! wrap to one or two rows under the title depending on the window's width (92 px at 1280,
//! 128 px at 1000), and the notices, the sidebar and anything scrolled into view must start
//! below it; a fixed number in the stylesheet hid the sidebar's heading and a notice's first
//! line under the header. The browser's ResizeObserver reports every change of height.

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;

/// The property the stylesheets read, with their own fallback where this never runs.
pub const PROPERTY: &str = "--ann-header-height";

/// Keeps `PROPERTY` on the document's root equal to the height of the element `selector`
/// finds, for the page's lifetime (the header is mounted once and never unmounted). Where
/// the browser has no ResizeObserver, or there is no such element, the stylesheets'
/// fallback stays in force: the page is as it was before this ran.
pub fn follow(selector: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let (Some(root), Ok(Some(header))) = (
        document
            .document_element()
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()),
        document.query_selector(selector),
    ) else {
        return;
    };
    let Ok(header) = header.dyn_into::<web_sys::HtmlElement>() else {
        return;
    };
    let observed = header.clone();
    let write = move || {
        // Fails only for an invalid property name, and this one is constant.
        let set = root
            .style()
            .set_property(PROPERTY, &format!("{}px", header.offset_height()));
        debug_assert!(set.is_ok());
    };
    write();
    let callback = Closure::<dyn FnMut()>::new(write);
    if let Ok(observer) = web_sys::ResizeObserver::new(callback.as_ref().unchecked_ref()) {
        observer.observe(&observed);
        // The observer and its callback live as long as the page.
        callback.forget();
        std::mem::forget(observer);
    }
}
