//! If the app ever panics, WebAssembly stops for good. Instead of a dead page the user sees
//! what happened and can download the last state of their work, which the autosave keeps in
//! [`remember_work`] as it serialises it anyway.

use std::cell::RefCell;
use wasm_bindgen::JsCast;

thread_local! {
    static LAST_WORK: RefCell<Option<(String, String)>> = const { RefCell::new(None) };
}

/// Keeps the latest serialised document (file name, JSON) for the panic screen.
pub fn remember_work(file_name: String, json: String) {
    LAST_WORK.with(|slot| {
        if let Ok(mut slot) = slot.try_borrow_mut() {
            *slot = Some((file_name, json));
        }
    });
}

/// Forgets the copy: the work is saved, and the panic screen offers the stored entry.
pub fn forget_work() {
    LAST_WORK.with(|slot| {
        if let Ok(mut slot) = slot.try_borrow_mut() {
            *slot = None;
        }
    });
}

/// The last saved entry of the open document, straight from storage.
fn stored_work() -> Option<(String, String)> {
    crate::web::storage::library::last_open_entry_for_panic()
}

pub fn install() {
    std::panic::set_hook(Box::new(|info| {
        web_sys::console::error_1(&format!("Article Annotator stopped: {info}").into());
        show(&info.to_string());
    }));
}

/// Draws the screen over the page: what the hook shows after a panic (and what the browser
/// tests draw, since a panic would end the test itself).
pub fn show(message: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Some(body) = document.body() else { return };
    let Ok(screen) = document.create_element("div") else {
        return;
    };
    screen.set_class_name("ann-panic");
    // The panic screen is a last resort: a part the browser refuses is left out and the rest still shows.
    let _ = screen.set_attribute("role", "alertdialog");
    let _ = screen.set_attribute("aria-labelledby", "ann-panic-title");
    let heading = document.create_element("h2").ok();
    if let Some(h) = &heading {
        h.set_id("ann-panic-title");
        h.set_text_content(Some("Article Annotator hit an internal error and stopped"));
        // The panic screen is a last resort: a part the browser refuses is left out.
        let _ = screen.append_child(h);
    }
    if let Ok(p) = document.create_element("p") {
        p.set_text_content(Some(
            "Your work up to the last change is saved in this browser. Download it now to be safe, then reload the page.",
        ));
        // The panic screen is a last resort: a part the browser refuses is left out and the rest still shows.
        let _ = screen.append_child(&p);
    }
    let work = LAST_WORK
        .with(|slot| slot.try_borrow().ok().and_then(|s| s.clone()))
        .or_else(stored_work);
    if let Some((name, json)) = work
        && let Ok(link) = document.create_element("a")
        && let Ok(link) = link.dyn_into::<web_sys::HtmlAnchorElement>()
    {
        let parts = js_sys::Array::of1(&json.into());
        if let Ok(blob) = web_sys::Blob::new_with_str_sequence(&parts)
            && let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob)
        {
            link.set_href(&url);
            link.set_download(&name);
            link.set_text_content(Some("Download your work"));
            link.set_class_name("ann-button ann-button--primary");
            // The panic screen is a last resort: a part the browser refuses is left out and the rest still shows.
            let _ = screen.append_child(&link);
        }
    }
    if let Ok(details) = document.create_element("pre") {
        details.set_text_content(Some(message));
        // The panic screen is a last resort: a part the browser refuses is left out.
        let _ = screen.append_child(&details);
    }
    // The panic screen is a last resort: a part the browser refuses is left out.
    let _ = body.append_child(&screen);
}
