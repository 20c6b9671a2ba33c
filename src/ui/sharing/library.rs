//! What the panel's buttons do on the server: list and create shared libraries, share the
//! open document (its article document; the annotations follow with the first push), and
//! open a shared document (the article from the server, or the copy already in this browser;
//! its annotations arrive through the changes feed, each checked).

use super::context::Sharing;
use super::engine;
use super::memory;
use crate::domain::document::DocumentId;
use crate::domain::sync::docs::{ArticleBody, ServerDoc, article_doc_id, to_server_json};
use crate::domain::sync::feed::valid_library_name;
use crate::domain::sync::ledger::Ledger;
use crate::ui::library::persistence;
use crate::ui::notices::{announce, notify};
use crate::ui::state::{AppState, NoticeKind};
use crate::web::storage;
use crate::web::sync::{self as http, HttpError};

fn fail(state: AppState, what: &str, error: impl std::fmt::Display) {
    notify(
        state,
        NoticeKind::Error,
        format!("{what}: {error}"),
        Vec::new(),
    );
}

/// Reads the server's libraries and the chosen library's articles into the panel.
/// CouchDB 3 lists databases to its admins only: then the person types the library's name,
/// and its articles are listed if they may read it.
pub async fn refresh(state: AppState, sharing: Sharing) {
    let listed = match http::libraries().await {
        Ok(names) => {
            sharing.libraries.set(names);
            true
        }
        Err(HttpError::Forbidden(_) | HttpError::Unauthorized) => false,
        Err(error) => return fail(state, "The shared libraries cannot be listed", error),
    };
    let library = sharing.library.get_untracked();
    let known = sharing
        .libraries
        .with_untracked(|names| names.contains(&library));
    if library.is_empty() || (listed && !known) {
        sharing.articles.set(Vec::new());
        return;
    }
    match http::articles(&library).await {
        Ok(articles) => sharing.articles.set(articles),
        Err(HttpError::NotFound) => sharing.articles.set(Vec::new()),
        Err(error) => fail(state, "The shared articles cannot be listed", error),
    }
}

fn checked_library(state: AppState, sharing: Sharing) -> Option<String> {
    let library = sharing.library.get_untracked().trim().to_string();
    if valid_library_name(&library) {
        return Some(library);
    }
    notify(
        state,
        NoticeKind::Error,
        "A library name starts with a lowercase letter and has only lowercase letters, digits and _$()+- (for example “desk” or “class-7b”)",
        Vec::new(),
    );
    None
}

/// Shares the open document in the chosen library (creating the library if needed).
pub async fn share_open_document(state: AppState, sharing: Sharing) {
    let Some(library) = checked_library(state, sharing) else {
        return;
    };
    let mut document = state.editor.with_untracked(|e| e.document().clone());
    if document.id.0 == crate::ui::library::load_article::SAMPLE_ID {
        // Every browser keeps the sample under one id: shared under it, it would be the same
        // document as everyone's own sample. It is shared as a copy with an id of its own.
        document.id = DocumentId(crate::web::clock::new_id("d"));
        persistence::open_document(state, document.clone());
    }
    let body = match ArticleBody::from_document(&document, &sharing.me()) {
        Ok(body) => body,
        Err(error) => return fail(state, "This document cannot be shared", error),
    };
    if let Err(error) = http::create_library(&library).await {
        return fail(state, "The library cannot be created", error);
    }
    let id = article_doc_id(&document.id);
    match http::put(&library, &id, &to_server_json(&id, None, &body)).await {
        Ok(_) => {}
        Err(HttpError::Conflict) => {
            let same = matches!(
                http::get(&library, &id).await.ok().flatten().map(|d| ServerDoc::parse(&d)),
                Some(Ok(ServerDoc::Article { body: theirs, .. })) if theirs.text_sha256 == body.text_sha256
            );
            if !same {
                return fail(
                    state,
                    "This document cannot be shared",
                    "another article with its id is already in that library; duplicate it in the Library and share the copy",
                );
            }
        }
        Err(error) => return fail(state, "This document cannot be shared", error),
    }
    let ledger = Ledger::new(&library, &document.id);
    memory::remember(state, ledger.clone());
    engine::start(state, sharing, ledger);
    // A shared document is kept in this browser too (the untouched sample is not saved until
    // it changes), and at once, not after the save's pause: another tab of this person opening
    // now must find it, its ledger and its place as the document open last.
    crate::ui::actions::document_changed(state);
    persistence::save_now(state);
    announce(state, format!("Shared in library “{library}”"));
    refresh(state, sharing).await;
}

/// Opens shared document `document` of the chosen library.
pub async fn open_shared(state: AppState, sharing: Sharing, document: String) {
    let Some(library) = checked_library(state, sharing) else {
        return;
    };
    let id = DocumentId(document);
    let article = match http::get(&library, &article_doc_id(&id)).await {
        Ok(Some(doc)) => ServerDoc::parse(&doc),
        Ok(None) => return fail(state, "That shared article is gone", "it was deleted"),
        Err(error) => return fail(state, "That shared article cannot be opened", error),
    };
    let fresh = match article.map(|a| match a {
        ServerDoc::Article { body, .. } => body.to_document(),
        _ => Err(crate::domain::sync::SyncDocError::UnknownKind(
            "not an article".into(),
        )),
    }) {
        Ok(Ok(document)) => document,
        Ok(Err(error)) | Err(error) => {
            return fail(state, "That shared article cannot be opened", error);
        }
    };
    if storage::sync::ledger(&id.0).is_none() {
        memory::remember(state, Ledger::new(&library, &id));
    }
    // What this browser keeps of it is read with the reader of stored entries, a part that
    // fetching saving's part fetches first (opening waits for saving's part anyway).
    crate::ui::library::writer::when_here(
        state,
        "Nothing was opened",
        Box::new(move || match storage::library::read(&id.0) {
            Some(Ok(entry)) => persistence::open_stored(state, entry.document, entry.revision),
            _ => persistence::open_document(state, fresh),
        }),
    );
}
