//! The style sheet of what only the parts fetched on demand draw (the Library, the dialogs, the
//! classroom and fact-checking screens, the annotation list). Every byte of a linked sheet is
//! fetched before the first paint, so scripts/finish-build joins those rules (`style/later-*`)
//! into a sheet of their own that index.html only names (`<meta name="annotator-later-styles">`);
//! `ui::on_demand` fetches it with the first part and draws a part's view once it applies.

use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

/// What [`fetch`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fetch {
    /// This build names no later sheet (the component tests' build): every rule is applied.
    NoSheet,
    /// The sheet is being fetched; `done` will say whether it applied.
    Started,
    /// The sheet could not be added to the page.
    Failed,
}

/// Adds the later sheet to the page; `done(applied)` is called once it applies or fails to load.
/// (A plain function, and one listener for both events: each closure type is code of its own
/// in the first paint.)
pub fn fetch(done: fn(bool)) -> Fetch {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return Fetch::Failed;
    };
    let href = document
        .query_selector("meta[name=annotator-later-styles]")
        .ok()
        .flatten()
        .and_then(|meta| meta.get_attribute("content"));
    let Some(href) = href else {
        return Fetch::NoSheet;
    };
    let Ok(link) = document.create_element("link") else {
        return Fetch::Failed;
    };
    let failed_link = link.clone();
    let settled = Closure::once_into_js(move |event: web_sys::Event| {
        let applied = event.type_() == "load";
        if !applied {
            // A failed sheet leaves no link behind: the next part asks again.
            failed_link.remove();
        }
        done(applied);
    });
    let attached = link.set_attribute("rel", "stylesheet").is_ok()
        && link.set_attribute("href", &href).is_ok()
        && link
            .add_event_listener_with_callback("load", settled.unchecked_ref())
            .is_ok()
        && link
            .add_event_listener_with_callback("error", settled.unchecked_ref())
            .is_ok()
        && document
            .query_selector("head")
            .ok()
            .flatten()
            .is_some_and(|head| head.append_child(&link).is_ok());
    if attached {
        Fetch::Started
    } else {
        Fetch::Failed
    }
}
