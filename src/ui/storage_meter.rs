//! How much of the browser's storage the library uses, and whether the browser promised to
//! keep it. localStorage has its own small quota (about 10 MB), which `navigator.storage.estimate()`
//! does not report, so the meter shows our count against that quota and, when the browser
//! offers it, the origin's overall estimate beside it. Persistent storage is asked for once.

use crate::ui::persistence;
use crate::web::storage::human_size;
use leptos::prelude::*;
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

/// The origin's usage and quota from `navigator.storage.estimate()`, when present.
async fn estimate() -> Option<(f64, f64)> {
    let manager = storage_manager()?;
    let promise = manager.estimate().ok()?;
    let result = JsFuture::from(promise).await.ok()?;
    Some((number(&result, "usage")?, number(&result, "quota")?))
}

/// Asks once per page load for persistent storage; returns whether storage is persistent.
async fn persisted() -> Option<bool> {
    let manager = storage_manager()?;
    let promise = if PERSIST_ASKED.swap(true, Ordering::Relaxed) {
        manager.persisted().ok()?
    } else {
        manager.persist().ok()?
    };
    JsFuture::from(promise).await.ok()?.as_bool()
}

/// Asks for persistent storage once, early (the browser may decide silently).
pub fn request_persistence() {
    leptos::task::spawn_local(async {
        let _ = persisted().await;
    });
}

#[component]
pub fn StorageMeter() -> impl IntoView {
    let ours = persistence::store().map(|s| s.usage_bytes());
    let origin = RwSignal::new(None::<(f64, f64)>);
    let persistent = RwSignal::new(None::<bool>);
    leptos::task::spawn_local(async move {
        if let Some(found) = estimate().await {
            origin.try_set(Some(found));
        }
        if let Some(found) = persisted().await {
            persistent.try_set(Some(found));
        }
    });
    view! {
        <div class="ann-storage-meter" data-storage-meter="">
            {match ours {
                Some((used, quota)) => view! {
                    <label>
                        "Library storage: "
                        <meter min="0" max=quota.to_string() value=used.to_string() low=(quota * 7 / 10).to_string() high=(quota * 9 / 10).to_string() optimum="0"></meter>
                        " "
                        {format!("{} used, about {} available", human_size(used), human_size(quota.saturating_sub(used)))}
                    </label>
                }
                .into_any(),
                None => view! { <span>"Nothing is stored: this browser does not allow it"</span> }.into_any(),
            }}
            {move || origin.get().map(|(usage, quota)| {
                format!(
                    " · Site storage (browser estimate): {} of {}",
                    human_size(usage as usize),
                    human_size(quota as usize)
                )
            })}
            {move || persistent.get().map(|p| if p {
                " · Kept until you delete it"
            } else {
                " · The browser may clear it when space runs low; export backups"
            })}
        </div>
    }
}
