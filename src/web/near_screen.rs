//! Which of the article's paragraphs are near the screen. A long article with thousands of
//! highlights draws its marks only there: tens of thousands of `mark` elements cost the
//! browser seconds of style and layout on every edit and most of the page's memory. The
//! browser's IntersectionObserver does the geometry; the article asks for nothing else.

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;

/// Watches elements that carry a `data-group` attribute (the article's groups of paragraphs)
/// and reports, in batches, which of
/// them came within `margin` pixels of the screen (true) or left it (false).
pub struct NearScreen {
    observer: web_sys::IntersectionObserver,
    /// Kept alive as long as the observer may call it.
    _callback: Closure<dyn FnMut(js_sys::Array, web_sys::IntersectionObserver)>,
}

impl NearScreen {
    /// `None` where the browser has no IntersectionObserver: the caller then draws everything.
    pub fn new(margin: u32, mut changed: impl FnMut(Vec<(usize, bool)>) + 'static) -> Option<Self> {
        let callback = Closure::<dyn FnMut(js_sys::Array, web_sys::IntersectionObserver)>::new(
            move |entries: js_sys::Array, observer: web_sys::IntersectionObserver| {
                let mut changes = Vec::new();
                for entry in entries.iter() {
                    let Ok(entry) = entry.dyn_into::<web_sys::IntersectionObserverEntry>() else {
                        continue;
                    };
                    let target = entry.target();
                    // An element gone from the page says nothing about the screen any more.
                    if !target.is_connected() {
                        observer.unobserve(&target);
                        continue;
                    }
                    let index = target
                        .get_attribute("data-group")
                        .and_then(|i| i.parse::<usize>().ok());
                    if let Some(index) = index {
                        changes.push((index, entry.is_intersecting()));
                    }
                }
                if !changes.is_empty() {
                    changed(changes);
                }
            },
        );
        let options = web_sys::IntersectionObserverInit::new();
        options.set_root_margin(&format!("{margin}px 0px"));
        let observer = web_sys::IntersectionObserver::new_with_options(
            callback.as_ref().unchecked_ref(),
            &options,
        )
        .ok()?;
        Some(Self {
            observer,
            _callback: callback,
        })
    }

    pub fn observe(&self, element: &web_sys::Element) {
        self.observer.observe(element);
    }

    pub fn unobserve(&self, element: &web_sys::Element) {
        self.observer.unobserve(element);
    }
}

impl Drop for NearScreen {
    fn drop(&mut self) {
        self.observer.disconnect();
    }
}
