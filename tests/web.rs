//! Component and storage tests that need a real browser: wasm-bindgen-test runs them in
//! headless Chromium through chromedriver (`cargo test --target wasm32-unknown-unknown --test
//! web`; `.cargo/config.toml` names the runner). They check the browser edges the native
//! tests cannot reach: localStorage as Chromium really behaves, including a full quota, and
//! a Leptos component mounted into a real DOM.
#![cfg(target_arch = "wasm32")]

use annotator::web::storage::{PREFIX, StorageError, Store};
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn raw_local_storage() -> web_sys::Storage {
    web_sys::window()
        .and_then(|w| w.local_storage().ok().flatten())
        .expect("this browser has localStorage")
}

fn document() -> web_sys::Document {
    web_sys::window()
        .and_then(|w| w.document())
        .expect("a document")
}

/// Lets the browser run queued tasks (Leptos applies signal changes to the DOM in a task).
async fn next_task() {
    let promise = js_sys::Promise::new(&mut |resolve, _reject| {
        web_sys::window()
            .expect("a window")
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 0)
            .expect("setTimeout");
    });
    wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .expect("the timeout resolves");
}

#[wasm_bindgen_test]
fn store_round_trip_sees_only_our_prefixed_keys() {
    let store = Store::open().expect("localStorage is available in headless Chromium");
    let raw = raw_local_storage();
    let ours_a = format!("{PREFIX}round-trip-a");
    let ours_b = format!("{PREFIX}round-trip-b");
    let foreign = "another-app:round-trip";
    raw.set_item(foreign, "not ours").expect("raw set");

    let value = "text with ünïcödé, a quote ’ and an emoji 😀 and a\nnewline";
    store.set(&ours_a, value).expect("set a");
    store.set(&ours_b, "").expect("set b (empty value)");
    assert_eq!(store.get(&ours_a), Ok(Some(value.to_string())));
    assert_eq!(store.get(&ours_b), Ok(Some(String::new())));
    assert_eq!(store.get(&format!("{PREFIX}never-written")), Ok(None));

    let mut keys = store.keys();
    keys.sort();
    assert_eq!(keys, vec![ours_a.clone(), ours_b.clone()]);
    assert!(
        store.used_chars() >= ours_a.len() + value.encode_utf16().count() + foreign.len(),
        "used_chars counts every key on the origin"
    );

    store.set(&ours_a, "overwritten").expect("overwrite");
    assert_eq!(store.get(&ours_a), Ok(Some("overwritten".to_string())));

    store.remove(&ours_a).expect("remove a");
    assert_eq!(store.get(&ours_a), Ok(None));
    assert_eq!(store.keys(), vec![ours_b.clone()]);
    store.remove(&ours_b).expect("remove b");
    assert!(store.keys().is_empty());
    // The foreign key was never touched.
    assert_eq!(raw.get_item(foreign), Ok(Some("not ours".to_string())));
    raw.remove_item(foreign).expect("clean up");
}

#[wasm_bindgen_test]
fn a_full_quota_is_classified_as_quota_exceeded() {
    let store = Store::open().expect("localStorage");
    // 1 M UTF-16 units per value; Chromium allows about 5 M per origin, so this throws
    // within a handful of writes.
    let big = "x".repeat(1 << 20);
    let mut written = Vec::new();
    let mut failure = None;
    for i in 0..64 {
        let key = format!("{PREFIX}fill-{i}");
        match store.set(&key, &big) {
            Ok(()) => written.push(key),
            Err(error) => {
                failure = Some((key, error));
                break;
            }
        }
    }
    for key in &written {
        store.remove(key).expect("clean up");
    }
    let (key, error) = failure.expect("filling localStorage must fail at some point");
    assert!(
        !written.is_empty(),
        "at least one 1 M-character value fits before the quota"
    );
    assert_eq!(
        error,
        StorageError::QuotaExceeded {
            needed: key.len() + big.len()
        }
    );
    assert!(error.to_string().contains("full"), "{error}");
    // After cleaning up, writing works again and nothing of ours is left.
    assert!(store.keys().is_empty());
    store.set(&key, "small").expect("space again");
    store.remove(&key).expect("clean up");
}

#[component]
fn Counter(start: u32) -> impl IntoView {
    let count = RwSignal::new(start);
    view! {
        <section id="counter-test">
            <p class="count">{move || format!("clicked {} times", count.get())}</p>
            <button on:click=move |_| count.update(|c| *c += 1)>"More"</button>
        </section>
    }
}

#[wasm_bindgen_test]
async fn a_mounted_component_renders_and_reacts_to_a_click() {
    let host = document()
        .create_element("div")
        .expect("div")
        .dyn_into::<web_sys::HtmlElement>()
        .expect("an HtmlElement");
    document()
        .body()
        .expect("body")
        .append_child(&host)
        .expect("append");
    let handle = leptos::mount::mount_to(host.clone(), || view! { <Counter start=2/> });

    let count = || {
        host.query_selector("#counter-test .count")
            .ok()
            .flatten()
            .and_then(|p| p.text_content())
    };
    assert_eq!(count().as_deref(), Some("clicked 2 times"));

    let button = host
        .query_selector("#counter-test button")
        .ok()
        .flatten()
        .expect("the button is rendered")
        .dyn_into::<web_sys::HtmlElement>()
        .expect("an HtmlElement");
    assert_eq!(button.text_content().as_deref(), Some("More"));
    button.click();
    button.click();
    for _ in 0..20 {
        if count().as_deref() == Some("clicked 4 times") {
            break;
        }
        next_task().await;
    }
    assert_eq!(count().as_deref(), Some("clicked 4 times"));

    drop(handle);
    host.remove();
}
