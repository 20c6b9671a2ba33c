//! Files in and out: reading what the user opens or drops, and downloading exports. Nothing
//! is uploaded anywhere: a download is a Blob URL clicked locally.

use crate::domain::article_input::limits::human_size;
use crate::web::js_error::describe;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

#[derive(Clone, Debug, PartialEq)]
pub enum FileError {
    TooLarge {
        name: String,
        bytes: f64,
        limit: f64,
    },
    Unreadable {
        name: String,
        reason: String,
    },
    DownloadFailed(String),
}

impl std::fmt::Display for FileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FileError::TooLarge { name, bytes, limit } => write!(
                f,
                "“{name}” is {}; Article Annotator opens files up to {}",
                human_size(*bytes as usize),
                human_size(*limit as usize)
            ),
            FileError::Unreadable { name, reason } => {
                write!(f, "could not read “{name}”: {reason}")
            }
            FileError::DownloadFailed(reason) => {
                write!(f, "the download could not start: {reason}")
            }
        }
    }
}

/// A file the user gave us: its name and bytes.
#[derive(Clone, Debug)]
pub struct OpenedFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// Reads a file's bytes, refusing files over `limit_bytes` before reading them.
pub async fn read_file(file: &web_sys::File, limit_bytes: f64) -> Result<OpenedFile, FileError> {
    let name = file.name();
    if file.size() > limit_bytes {
        return Err(FileError::TooLarge {
            name,
            bytes: file.size(),
            limit: limit_bytes,
        });
    }
    let buffer = JsFuture::from(file.array_buffer())
        .await
        .map_err(|e| FileError::Unreadable {
            name: name.clone(),
            reason: describe(&e),
        })?;
    let bytes = js_sys::Uint8Array::new(&buffer).to_vec();
    Ok(OpenedFile { name, bytes })
}

/// All files of a `FileList` (from an input or a drop), in order.
pub fn files_of(list: Option<web_sys::FileList>) -> Vec<web_sys::File> {
    let Some(list) = list else { return Vec::new() };
    (0..list.length()).filter_map(|i| list.get(i)).collect()
}

/// Offers `contents` as a download named `name`.
pub fn download(name: &str, mime: &str, contents: &str) -> Result<(), FileError> {
    download_bytes(name, mime, contents.as_bytes())
}

/// Offers `bytes` (text or a zip) as a download named `name`.
pub fn download_bytes(name: &str, mime: &str, bytes: &[u8]) -> Result<(), FileError> {
    let fail = |e: wasm_bindgen::JsValue| FileError::DownloadFailed(describe(&e));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    // The Blob copies the bytes out of the wasm memory itself: a view saves a second copy
    // (7 MB for 20,000 annotations, and the garbage collection of it after each export).
    // SAFETY: the view is read only by `Blob::new` below, and nothing between its creation
    // and that call allocates in the wasm memory, so the memory cannot grow and move
    // under it; it is dropped before an error is described.
    let made = {
        let view = unsafe { js_sys::Uint8Array::view(bytes) };
        let parts = js_sys::Array::of1(&view);
        web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options)
    };
    let blob = made.map_err(fail)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(fail)?;
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or_else(|| FileError::DownloadFailed("no document".into()))?;
    let anchor: web_sys::HtmlAnchorElement = document
        .create_element("a")
        .map_err(fail)?
        .dyn_into()
        .map_err(|_| FileError::DownloadFailed("no link element".into()))?;
    anchor.set_href(&url);
    anchor.set_download(name);
    anchor.set_rel("noopener");
    anchor.click();
    // Revoke after the click has been handled; the browser keeps the blob for the download.
    let revoke = wasm_bindgen::closure::Closure::once_into_js(move || {
        // Not revoking only keeps the file's blob until the page closes.
        let _ = web_sys::Url::revoke_object_url(&url);
    });
    if let Some(window) = web_sys::window() {
        // Without the timer the blob is freed when the page closes; the download already started.
        let _ = window
            .set_timeout_with_callback_and_timeout_and_arguments_0(revoke.unchecked_ref(), 10_000);
    }
    Ok(())
}
