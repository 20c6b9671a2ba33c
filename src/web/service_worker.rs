//! Registers `sw.js`, the service worker that keeps a copy of the app's own files so the
//! app opens with the network off after one visit (the worker itself, and how its cache is
//! versioned, is described at the top of `src/web/static/sw.js`).
//!
//! Registration is an optional improvement, never a condition for the app to run: where
//! service workers do not exist (insecure `http://` origins other than localhost, `file://`
//! pages, some private modes) it is skipped without a word, and a failure is logged as a
//! warning, not shown as an error.
//!
//! Debug builds (`trunk serve`) skip it as well: every rebuild would install a new worker
//! that downloads the whole debug build again. Try offline behaviour with
//! `trunk serve --release` or a release `dist/`.

use wasm_bindgen::JsValue;

/// Relative, so a `dist/` served under any path prefix registers its own worker, whose
/// scope is that folder.
pub const SERVICE_WORKER_URL: &str = "./sw.js";

/// What [`register_service_worker`] did when it did not fail.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RegistrationOutcome {
    Registered,
    /// This page cannot have a service worker (no `navigator.serviceWorker`, or not served
    /// over http/https); the app works, only not offline.
    Unsupported,
    /// A debug build: see the module documentation.
    SkippedInDebugBuild,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ServiceWorkerError {
    /// The browser refused the worker: `sw.js` missing from the server, served with a
    /// non-JavaScript MIME type, or failing to run. The message is the browser's.
    RegistrationRejected(String),
}

impl std::fmt::Display for ServiceWorkerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ServiceWorkerError::RegistrationRejected(why) => write!(
                f,
                "the offline copy of Article Annotator could not be set up ({why}); the app works, but needs the network to open; check that sw.js is served next to index.html as JavaScript"
            ),
        }
    }
}

impl std::error::Error for ServiceWorkerError {}

/// Registers [`SERVICE_WORKER_URL`] and waits for the browser to accept it (not for the
/// worker to finish caching).
pub async fn register_service_worker() -> Result<RegistrationOutcome, ServiceWorkerError> {
    if cfg!(debug_assertions) {
        return Ok(RegistrationOutcome::SkippedInDebugBuild);
    }
    let Some(container) = service_worker_container() else {
        return Ok(RegistrationOutcome::Unsupported);
    };
    wasm_bindgen_futures::JsFuture::from(container.register(SERVICE_WORKER_URL))
        .await
        .map(|_registration| RegistrationOutcome::Registered)
        .map_err(|error| {
            ServiceWorkerError::RegistrationRejected(crate::web::js_error::describe(&error))
        })
}

/// Starts [`register_service_worker`] without waiting for it; a failure becomes a console
/// warning. This is what `ui::start` calls.
pub fn register_service_worker_in_background() {
    wasm_bindgen_futures::spawn_local(async {
        if let Err(error) = register_service_worker().await {
            leptos::logging::warn!("{error}");
        }
    });
}

/// `navigator.serviceWorker` when this page may use it. The property is missing outside
/// secure contexts; on `file://` it exists but every registration is refused.
fn service_worker_container() -> Option<web_sys::ServiceWorkerContainer> {
    let window = web_sys::window()?;
    let protocol = window.location().protocol().ok()?;
    if protocol != "https:" && protocol != "http:" {
        return None;
    }
    let navigator = window.navigator();
    let has_container =
        js_sys::Reflect::has(&navigator, &JsValue::from_str("serviceWorker")).unwrap_or(false);
    has_container.then(|| navigator.service_worker())
}
