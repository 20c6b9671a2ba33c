//! `navigator.storage`: the origin's overall usage estimate and whether the browser promised
//! to keep its data. localStorage has its own small quota, which `estimate()` does not
//! report, so this is shown beside the library's own count, never instead of it. Persistent
//! storage is asked for once per page load; later calls only ask whether it was granted.

use std::sync::atomic::{AtomicBool, Ordering};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

static PERSIST_ASKED: AtomicBool = AtomicBool::new(false);

fn storage_manager() -> Option<web_sys::StorageManager> {
    let navigator = web_sys::window()?.navigator();
    let value = js_sys::Reflect::get(&navigator, &"storage".into()).ok()?;
    if value.is_undefined() || value.is_null() {
        return None;
    }
    value.dyn_into::<web_sys::StorageManager>().ok()
}

fn number(object: &wasm_bindgen::JsValue, name: &str) -> Option<f64> {
    js_sys::Reflect::get(object, &name.into()).ok()?.as_f64()
}

/// The origin's usage and quota in bytes from `navigator.storage.estimate()`, when present.
pub async fn estimate() -> Option<(f64, f64)> {
    let manager = storage_manager()?;
    let promise = manager.estimate().ok()?;
    let result = JsFuture::from(promise).await.ok()?;
    Some((number(&result, "usage")?, number(&result, "quota")?))
}

/// Asks once per page load for persistent storage; returns whether storage is persistent.
pub async fn persisted() -> Option<bool> {
    let manager = storage_manager()?;
    let promise = if PERSIST_ASKED.swap(true, Ordering::Relaxed) {
        manager.persisted().ok()?
    } else {
        manager.persist().ok()?
    };
    JsFuture::from(promise).await.ok()?.as_bool()
}

/// Asks for persistent storage once, early; the browser may decide silently.
pub fn request_persistence() {
    wasm_bindgen_futures::spawn_local(async {
        // The answer is shown by the storage meter when the Library opens; nothing to do now.
        let _ = persisted().await;
    });
}
