//! The HTTP edge of sharing: CouchDB's API at `db/` on the app's own origin (relative, so the
//! app works from a subfolder), called with `fetch` and the session cookie. Each call returns
//! the server's JSON or an `HttpError` that says what the person can do; what the JSON means
//! is read by `domain::sync::feed`.

use crate::domain::sync::feed::{self, BulkResult, ChangesPage, PAGE_SIZE, Session, SharedArticle};
use crate::web::js_error::describe;
use serde_json::Value;
use std::fmt;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Headers, RequestCredentials, RequestInit, Response};

/// Where the CouchDB API is, relative to the app.
const BASE: &str = "db/";
/// How long the server holds a long-poll open before answering "nothing new" (ms).
const LONGPOLL_MS: u32 = 25_000;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HttpError {
    /// The server could not be reached (offline, stopped, blocked).
    Unreachable(String),
    /// Not signed in, or the session expired (401).
    Unauthorized,
    /// Signed in, but not allowed (403); the server's reason.
    Forbidden(String),
    NotFound,
    Conflict,
    /// Any other answer: the status and the server's reason.
    Failed(u16, String),
    /// An answer this app cannot read.
    BadAnswer(String),
}

impl fmt::Display for HttpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HttpError::Unreachable(why) => write!(f, "the server cannot be reached ({why})"),
            HttpError::Unauthorized => write!(f, "the server asks you to sign in"),
            HttpError::Forbidden(why) => write!(f, "the server refused: {why}"),
            HttpError::NotFound => write!(f, "the server does not have it"),
            HttpError::Conflict => write!(f, "someone changed it at the same time"),
            HttpError::Failed(status, why) => write!(f, "the server answered {status}: {why}"),
            HttpError::BadAnswer(why) => write!(f, "the server's answer cannot be read: {why}"),
        }
    }
}

fn encode(part: &str) -> String {
    String::from(js_sys::encode_uri_component(part))
}

/// A document's path inside its database: design documents keep their `_design/` slash.
fn doc_path(library: &str, id: &str) -> String {
    match id.strip_prefix("_design/") {
        Some(name) => format!("{}/_design/{}", encode(library), encode(name)),
        None => format!("{}/{}", encode(library), encode(id)),
    }
}

/// What a signed-in person refused by a library is told. CouchDB answers 403 there, PouchDB
/// Server 401, which otherwise means "not signed in".
pub const NOT_MEMBER: &str = "you are not a member of this library; ask its owner to add you";

/// One request to `path` (below `db/`) with an optional JSON body. A 401 is told apart: when
/// the session still names someone, the person is signed in but not let into this library
/// (PouchDB Server's answer where CouchDB answers 403), which signing in again would not mend.
async fn request(method: &str, path: &str, body: Option<&Value>) -> Result<Value, HttpError> {
    match request_once(method, path, body).await {
        Err(HttpError::Unauthorized) if !path.starts_with("_session") => {
            let session = request_once("GET", "_session", None).await;
            match session.ok().map(|v| feed::parse_session(&v)) {
                Some(Ok(Session::Named(name))) => Err(HttpError::Forbidden(format!(
                    "{NOT_MEMBER} (you are signed in as {name})"
                ))),
                _ => Err(HttpError::Unauthorized),
            }
        }
        other => other,
    }
}

async fn request_once(method: &str, path: &str, body: Option<&Value>) -> Result<Value, HttpError> {
    let window = web_sys::window().ok_or_else(|| HttpError::Unreachable("no window".into()))?;
    let init = RequestInit::new();
    init.set_method(method);
    init.set_credentials(RequestCredentials::SameOrigin);
    let headers = Headers::new().map_err(|e| HttpError::Unreachable(describe(&e)))?;
    headers
        .set("Accept", "application/json")
        .map_err(|e| HttpError::Unreachable(describe(&e)))?;
    if let Some(body) = body {
        headers
            .set("Content-Type", "application/json")
            .map_err(|e| HttpError::Unreachable(describe(&e)))?;
        init.set_body(&JsValue::from_str(&body.to_string()));
    }
    init.set_headers(&headers);
    let url = format!("{BASE}{path}");
    let response = JsFuture::from(window.fetch_with_str_and_init(&url, &init))
        .await
        .map_err(|e| HttpError::Unreachable(describe(&e)))?;
    let response: Response = response
        .dyn_into()
        .map_err(|_| HttpError::BadAnswer("not a response".into()))?;
    let text_promise = response
        .text()
        .map_err(|e| HttpError::Unreachable(describe(&e)))?;
    let text = JsFuture::from(text_promise)
        .await
        .map_err(|e| HttpError::Unreachable(describe(&e)))?
        .as_string()
        .unwrap_or_default();
    let json: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
    let reason = || {
        json.get("reason")
            .or_else(|| json.get("error"))
            .and_then(Value::as_str)
            .unwrap_or("no reason given")
            .chars()
            .take(300)
            .collect::<String>()
    };
    match response.status() {
        200..=299 if json.is_null() => Err(HttpError::BadAnswer("not JSON".into())),
        200..=299 => Ok(json),
        401 => Err(HttpError::Unauthorized),
        403 => Err(HttpError::Forbidden(reason())),
        404 => Err(HttpError::NotFound),
        409 => Err(HttpError::Conflict),
        // A proxy with the server down answers 502/503/504: as unreachable as no answer.
        502..=504 => Err(HttpError::Unreachable(format!("{}", response.status()))),
        status => Err(HttpError::Failed(status, reason())),
    }
}

fn read<T>(result: Result<T, feed::FeedError>) -> Result<T, HttpError> {
    result.map_err(|e| HttpError::BadAnswer(e.to_string()))
}

pub async fn session() -> Result<Session, HttpError> {
    read(feed::parse_session(
        &request("GET", "_session", None).await?,
    ))
}

/// Signs in with CouchDB's cookie session; the password goes to the server only.
pub async fn sign_in(name: &str, password: &str) -> Result<(), HttpError> {
    let body = serde_json::json!({ "name": name, "password": password });
    request("POST", "_session", Some(&body)).await.map(|_| ())
}

pub async fn sign_out() -> Result<(), HttpError> {
    request("DELETE", "_session", None).await.map(|_| ())
}

pub async fn libraries() -> Result<Vec<String>, HttpError> {
    read(feed::parse_databases(
        &request("GET", "_all_dbs", None).await?,
    ))
}

/// Creates library `name`; one that exists already is fine.
pub async fn create_library(name: &str) -> Result<(), HttpError> {
    match request("PUT", &encode(name), None).await {
        Ok(_) => Ok(()),
        Err(HttpError::Failed(412, _)) => Ok(()),
        Err(other) => Err(other),
    }
}

/// The shared articles of `library`.
pub async fn articles(library: &str) -> Result<Vec<SharedArticle>, HttpError> {
    let path = format!(
        "{}/_all_docs?include_docs=true&startkey={}&endkey={}&limit=1000",
        encode(library),
        encode("\"art:\""),
        encode("\"art:\u{fff0}\"")
    );
    read(feed::parse_articles(&request("GET", &path, None).await?))
}

/// Server document `id`, or `None` when it does not exist (or was deleted).
pub async fn get(library: &str, id: &str) -> Result<Option<Value>, HttpError> {
    match request("GET", &doc_path(library, id), None).await {
        Ok(doc) => Ok(Some(doc)),
        Err(HttpError::NotFound) => Ok(None),
        Err(other) => Err(other),
    }
}

/// The current revision of document `id`, or `None` when there is none (never a 404).
pub async fn revision(library: &str, id: &str) -> Result<Option<String>, HttpError> {
    let key = serde_json::Value::String(id.to_string()).to_string();
    let path = format!("{}/_all_docs?key={}", encode(library), encode(&key));
    read(feed::parse_revision(
        &request("GET", &path, None).await?,
        id,
    ))
}

/// Writes server document `id`; returns its new revision.
pub async fn put(library: &str, id: &str, doc: &Value) -> Result<String, HttpError> {
    let path = doc_path(library, id);
    let answer = request("PUT", &path, Some(doc)).await?;
    answer
        .get("rev")
        .and_then(Value::as_str)
        .map(str::to_string)
        .ok_or_else(|| HttpError::BadAnswer("no revision in the answer".into()))
}

/// Replaces the library's `_security` object (who are its admins and members).
pub async fn put_security(library: &str, security: &Value) -> Result<(), HttpError> {
    let path = format!("{}/_security", encode(library));
    request("PUT", &path, Some(security)).await.map(|_| ())
}

pub async fn bulk_docs(library: &str, body: &Value) -> Result<Vec<BulkResult>, HttpError> {
    let path = format!("{}/_bulk_docs", encode(library));
    read(feed::parse_bulk_results(
        &request("POST", &path, Some(body)).await?,
    ))
}

/// One page of the changes since `since`; with `wait`, the server holds the request open
/// until something changes (long-poll) or its timeout passes.
pub async fn changes(library: &str, since: &str, wait: bool) -> Result<ChangesPage, HttpError> {
    let mut path = format!(
        "{}/_changes?include_docs=true&limit={PAGE_SIZE}&since={}",
        encode(library),
        encode(since)
    );
    if wait {
        path.push_str(&format!("&feed=longpoll&timeout={LONGPOLL_MS}"));
    }
    read(feed::parse_changes(&request("GET", &path, None).await?))
}

/// The library's current sequence (`update_seq`), to notice a server that lost its data.
pub async fn update_seq(library: &str) -> Result<Option<String>, HttpError> {
    let info = request("GET", &encode(library), None).await?;
    Ok(info.get("update_seq").and_then(feed::seq_string))
}

/// Waits `ms` milliseconds (a browser timer), for retrying with backoff.
pub async fn sleep_ms(ms: u32) {
    let promise = js_sys::Promise::new(&mut |resolve, _reject| {
        let delay = i32::try_from(ms).unwrap_or(i32::MAX);
        let armed = web_sys::window().map(|w| {
            w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, delay)
                .is_ok()
        });
        if armed != Some(true) {
            // No timer to be had: resolve now; the caller's loop then retries at once.
            let resolved = resolve.call0(&JsValue::NULL);
            drop(resolved);
        }
    });
    // The promise only ever resolves; its value is not used.
    let waited = JsFuture::from(promise).await;
    drop(waited);
}
