//! What of sharing is in the first paint: whether the open document is shared (a stored
//! ledger, read without parsing it) and fetching the engine when it is. Most visits never
//! share, so the engine (pushing, pulling, the changes feed, the ledger's merge, the server's
//! documents and the HTTP client) is a part fetched on demand (`ui::on_demand`): when a shared
//! document is open, or when the Sharing panel opens. Until it runs the header says
//! "Connecting…"; edits made meanwhile are in the document and pushed by the engine's first
//! push; a failed fetch says so in the header with "Try again", and nothing is lost.

use super::context::{Sharing, Status, engine_installed};
use crate::ui::notices::notify;
use crate::ui::on_demand::NotLoaded;
use crate::ui::state::{AppState, NoticeKind};
use crate::ui::view_memo::ViewMemo;
use crate::web::storage;
use leptos::prelude::*;

/// What a person reads could not be fetched.
pub const ENGINE: &str = "sharing (this document is shared)";

thread_local! {
    /// The engine's part is being fetched.
    static FETCHING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Fetches the engine when the open document is (or becomes) shared. Called once, from
/// `provide_sharing`.
pub fn watch(state: AppState, sharing: Sharing) {
    let open_id = ViewMemo::new(move |_| state.editor.with(|e| e.document().id.0.clone()));
    Effect::new(move |_| {
        let id = open_id.get();
        if !engine_installed() && storage::sync::ledger(&id).is_some() {
            load_engine(state, sharing, true);
        }
    });
}

/// Fetches and starts the engine unless it runs already. `shared`: the open document is
/// shared, so the header shows the fetch and its failure (the panel shows its own).
pub fn load_engine(state: AppState, sharing: Sharing, shared: bool) {
    if engine_installed() || FETCHING.with(|f| f.replace(true)) {
        return;
    }
    if shared {
        sharing.status.set(Status::Connecting);
    }
    leptos::task::spawn_local(async move {
        let result = engine_on_demand(state, sharing).await;
        FETCHING.with(|f| f.set(false));
        // The panel may have started the engine meanwhile (its part holds it too).
        if let Err(error) = result
            && shared
            && !engine_installed()
        {
            sharing.status.set(Status::NotLoaded);
            notify(
                state,
                NoticeKind::Warning,
                format!(
                    "{} Your changes are kept in this browser and sent once sharing runs (“Try again” in the header).",
                    error.message(ENGINE)
                ),
                Vec::new(),
            );
        }
    });
}

/// "Try again" after the engine could not be fetched.
pub fn retry(state: AppState, sharing: Sharing) {
    load_engine(state, sharing, true);
}

#[leptos::wasm_split::wasm_split(sharing_engine, wasm_split_path = ::leptos::wasm_split, fallible)]
fn engine_on_demand(state: AppState, sharing: Sharing) -> Result<(), NotLoaded> {
    super::engine::install(state, sharing);
    Ok(())
}
