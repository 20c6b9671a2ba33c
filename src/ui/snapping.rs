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
//! part already here. This module only asks for the snapping (kept as `ui::kept_part` keeps
//! a part); `ui::actions` changes the proposal.

use crate::domain::selection::{SelectionError, SelectionOptions, range_from_selection};
use crate::domain::text::{Text, TextRange, Utf16Offset};
use crate::ui::kept_part::{Kept, Slot};
use crate::ui::on_demand::{self, NotLoaded};
use crate::ui::state::AppState;

/// `domain::selection::range_from_selection`, reached through the part.
pub type Snap =
    fn(&Text, Utf16Offset, Utf16Offset, SelectionOptions) -> Result<TextRange, SelectionError>;

const WHAT: &str = "the selection's snapping to words";

thread_local! {
    static SNAPPING: Slot<Snap> = const { Slot::new() };
}

/// The part's keeping (`ui::kept_part`): reached only through [`install`], since committing a
/// proposal is also done from other parts (Needs review's "Use selection").
const PART: Kept<Snap> = Kept(&SNAPPING);

/// Makes the snapping's part reachable; the app calls it once, in the main module.
pub fn install() {
    PART.install(|| Box::pin(snap_on_demand()));
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
    PART.here()
}

/// Starts fetching the snapping if it is neither here nor on its way; `arrived` runs when it
/// comes (to snap a provisional proposal). A failed fetch says nothing here: nothing waits on
/// it, the proposal stays on screen as it is, and committing it fetches again and reports.
pub fn prefetch(state: AppState, arrived: fn(AppState, Snap)) {
    PART.prefetch(Box::new(move |fetched| {
        if let (Ok(()), Some(snap)) = (fetched, PART.here()) {
            arrived(state, snap);
        }
    }));
}

/// Runs `then` with the snapping: at once when it is here, else once it is fetched ("Loading
/// the selection's snapping…" meanwhile). A failed fetch is the error notice "Nothing
/// {done}: Could not load…", and `then` does not run; the proposal stays.
/// (`then` is boxed: one compiled copy of this for every caller.)
pub fn when_here(state: AppState, done: &'static str, then: Box<dyn FnOnce(Snap)>) {
    if let Some(snap) = PART.here() {
        then(snap);
        return;
    }
    // Not installed: no article in this build (the tests of the parts).
    if !PART.installed() {
        return;
    }
    // Waits for a fetch already under way (`prefetch`'s) rather than starting one.
    let first = on_demand::fetch_starts(state, WHAT);
    PART.wait(Box::new(move |fetched| {
        let fetched = fetched.and_then(|()| PART.here().ok_or(NotLoaded));
        if let Some(snap) = on_demand::fetch_ended(state, WHAT, done, first, fetched) {
            then(snap);
        }
    }));
}
