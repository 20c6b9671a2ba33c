//! Work that may wait for a quiet moment (saving): `requestIdleCallback` with a timeout, so
//! it runs when the browser has nothing better to do, but within the timeout even while the
//! page stays busy. Browsers without it (Safari) run it in a task of its own instead.

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

/// Runs `f` once the browser is idle, or after `timeout_ms` at the latest.
pub fn when_idle(timeout_ms: u32, f: impl FnOnce() + 'static) {
    let callback = Closure::once_into_js(f);
    let Some(window) = web_sys::window() else {
        return;
    };
    let idle = js_sys::Reflect::get(&window, &"requestIdleCallback".into())
        .ok()
        .and_then(|value| value.dyn_into::<js_sys::Function>().ok());
    let options = js_sys::Object::new();
    // Setting a field on a fresh object cannot fail; the timeout is then only missing.
    let _ = js_sys::Reflect::set(&options, &"timeout".into(), &timeout_ms.into());
    let scheduled = match idle {
        Some(idle) => idle.call2(&window, &callback, &options).is_ok(),
        None => false,
    };
    if !scheduled {
        let function: &js_sys::Function = callback.unchecked_ref();
        if window
            .set_timeout_with_callback_and_timeout_and_arguments_0(function, 0)
            .is_err()
        {
            // No timer either: run it now rather than never. The work reports its own
            // failures (a save shows "Not saved"), so what the call returns adds nothing.
            let _ = function.call0(&JsValue::NULL);
        }
    }
}
