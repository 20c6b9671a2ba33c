//! Snapping a selection to whole graphemes and words (`domain::selection`) needs Unicode's
//! segmentation tables, about 13 KiB gzip: the largest constants the first paint carried, for
//! something no visit does before its first selection. They are a part of their own
//! (`selection_snap`), fetched when a person starts selecting in the article (a pointer
//! pressed there, the article focused, or the first proposal).
//!
//! Until it is here, a proposal is provisional (`PendingSelection::provisional`): the toolbar
//! shows the selection as the browser made it, trimmed; the part's arrival snaps it in place;
//! and whatever commits a proposal (a tag, Needs review's "Use selection") waits for the part
//! and snaps it first. So an annotation always gets the range it would have got with the
//! part already here. This module only fetches and keeps the snapping; `ui::actions` changes
//! the proposal.

use crate::domain::selection::{SelectionError, SelectionOptions, range_from_selection};
use crate::domain::text::{Text, TextRange, Utf16Offset};
use crate::ui::on_demand::{self, NotLoaded};
use crate::ui::state::AppState;
use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;

/// `domain::selection::range_from_selection`, reached through the part.
pub type Snap =
    fn(&Text, Utf16Offset, Utf16Offset, SelectionOptions) -> Result<TextRange, SelectionError>;

const WHAT: &str = "the selection's snapping to words";

type Loading = Pin<Box<dyn Future<Output = Result<Snap, NotLoaded>>>>;

thread_local! {
    static SNAP: Cell<Option<Snap>> = const { Cell::new(None) };
    static FETCHING: Cell<bool> = const { Cell::new(false) };
    /// The boundary's way in, reached only through [`install`]: committing a proposal is
    /// also done from other parts (Needs review's "Use selection"), and code a part reaches
    /// may not cross another part's boundary (the wasm-bindgen test build, which has no
    /// split, could not link it; ARCHITECTURE.md "Loading on demand").
    static LOAD: Cell<Option<fn() -> Loading>> = const { Cell::new(None) };
}

/// Makes the snapping's part reachable; the app calls it once, in the main module.
pub fn install() {
    LOAD.set(Some(|| Box::pin(snap_on_demand())));
}

/// The part's fetch (shared with one already under way), if the app installed it.
fn load() -> Option<Loading> {
    LOAD.get().map(|load| load())
}

#[leptos::wasm_split::wasm_split(
    selection_snap,
    wasm_split_path = ::leptos::wasm_split,
    fallible
)]
fn snap_on_demand() -> Result<Snap, NotLoaded> {
    Ok(range_from_selection)
}

/// The snapping, once its part is here.
pub fn here() -> Option<Snap> {
    SNAP.get()
}

/// Starts fetching the snapping if it is neither here nor on its way; `arrived` runs when it
/// comes (to snap a provisional proposal). A failed fetch says nothing here: nothing waits on
/// it, the proposal stays on screen as it is, and committing it fetches again and reports.
pub fn prefetch(state: AppState, arrived: fn(AppState, Snap)) {
    if SNAP.get().is_some() || FETCHING.get() {
        return;
    }
    // Not installed: no article in this build (the tests of the parts).
    let Some(loading) = load() else {
        return;
    };
    FETCHING.set(true);
    leptos::task::spawn_local(async move {
        let fetched = loading.await;
        FETCHING.set(false);
        if let Ok(snap) = fetched {
            SNAP.set(Some(snap));
            arrived(state, snap);
        }
    });
}

/// Runs `then` with the snapping: at once when it is here, else once it is fetched ("Loading
/// the selection's snapping…" meanwhile). A failed fetch is the error notice "Nothing
/// {done}: Could not load…", and `then` does not run; the proposal stays.
/// (`then` is boxed: one compiled copy of this for every caller.)
pub fn when_here(state: AppState, done: &'static str, then: Box<dyn FnOnce(Snap)>) {
    if let Some(snap) = SNAP.get() {
        then(snap);
        return;
    }
    // Not installed: no article in this build (the tests of the parts).
    let Some(loading) = load() else {
        return;
    };
    leptos::task::spawn_local(async move {
        // The loader shares a fetch already under way (`prefetch`'s) rather than starting one.
        if let Some(snap) = on_demand::run(state, WHAT, done, loading).await {
            SNAP.set(Some(snap));
            then(snap);
        }
    });
}
