//! Writing the open document into the library (`web::storage::library::save_open_document`:
//! which parts of it changed, writing them so that the stored entry is never half-written,
//! room checks, the index row) is the largest code saving has, and no first frame needs it:
//! a visit that only reads writes nothing. It is a part of its own (`library_writer`),
//! fetched once the article's first frame is painted, with the annotating tools and the
//! lists, so that it is here before a person can change anything.
//!
//! Saving must never lose work to its absence, so whatever would write waits for it:
//! - a save (`persistence::flush`) finds it missing, asks for it and is done again once it
//!   is here; the document stays unsaved (and the header says "Saving…") meanwhile;
//! - opening another document, an import and an export of the library wait too
//!   (`persistence::after_saving`, [`when_here`]): the open one must be saved before it is
//!   replaced or read back; they run once the part is here, in the order asked;
//! - closing the tab meanwhile asks the person to stay (`beforeunload`, in `Autosave`);
//! - if it cannot be fetched, the banner says "Not saved", and the next save, the network
//!   coming back, or the banner's "Export JSON now" fetches it again.
//!
//! The reader of stored entries (`ui/library/reader.rs`, a part of its own for a returning
//! visit's start) is fetched first, as part of fetching this one, so that whatever waits for
//! saving (opening another document, an import) may read entries as well.
//!
//! The native writer (the document as JSON, about 4 KB of the gzipped main module) comes
//! with the part too: the banner's "Export JSON now" and the copy kept for the panic screen
//! when the library cannot be written are its only users outside other parts, and both are
//! about work that only this part could have saved. The panic screen's copy of what is
//! stored needs no writer (`web::storage::library::last_open_entry_for_panic` puts the
//! stored text together). The service worker keeps every part from the first visit, so
//! the part is missing only on a first visit whose network fails after the main module.
//!
//! The part is reached through the function [`install`] puts in place: saving is called from
//! other parts too (an import, the Library, sharing), and code a part reaches may not cross
//! another part's boundary (ARCHITECTURE.md "Loading on demand").

use crate::domain::change::Touched;
use crate::domain::document::Document;
use crate::ui::kept_part::{Kept, Slot};
use crate::ui::notices::notify;
use crate::ui::on_demand::NotLoaded;
use crate::ui::state::{AppState, NoticeKind, SaveState};
use crate::web::storage::StorageError;
use std::cell::Cell;

/// `web::storage::library::save_open_document`, reached through the part.
pub type SaveOpen = fn(&Document, u64, &Touched) -> Result<(), StorageError>;

/// What crossing the part's boundary gives.
#[derive(Clone, Copy)]
pub struct Writer {
    /// Saves the open document into the library.
    pub save_open: SaveOpen,
    /// The native file of a document with its text, as "Export JSON" downloads it: its
    /// name and its JSON.
    pub native_file: fn(&Document) -> (String, String),
}

const WHAT: &str = "the saving of your work";

thread_local! {
    static WRITER: Slot<Writer> = const { Slot::new() };
    /// A save waits for the part: one is enough, it writes whatever changed by then.
    static SAVE_WAITS: Cell<bool> = const { Cell::new(false) };
}

/// The part's keeping (`ui::kept_part`).
const PART: Kept<Writer> = Kept(&WRITER);

/// Makes the part reachable; `persistence::initial_document` calls it once, at start.
pub fn install() {
    // The reader's part first: whatever waits for saving may read entries too.
    PART.install(|| {
        Box::pin(async {
            crate::ui::library::reader::fetch().await?;
            writer_on_demand().await
        })
    });
}

#[leptos::wasm_split::wasm_split(
    library_writer,
    wasm_split_path = ::leptos::wasm_split,
    fallible
)]
fn writer_on_demand() -> Result<Writer, NotLoaded> {
    Ok(Writer {
        save_open: crate::web::storage::library::save_open_document,
        native_file: native_file_with_text,
    })
}

fn native_file_with_text(doc: &Document) -> (String, String) {
    crate::domain::format::native::native_download(doc, true)
}

/// The writer, once its part is here.
pub fn here() -> Option<Writer> {
    PART.here()
}

/// Runs `then` with the part once it is here (fetching it if need be), or with why it could
/// not be fetched; `false`, and `then` dropped, when it was never installed (the tests of
/// the parts).
pub fn with_writer(then: Box<dyn FnOnce(Result<Writer, NotLoaded>)>) -> bool {
    // `Ok` comes only once the part is kept, so `here` has it.
    PART.wait(Box::new(move |fetched| {
        then(fetched.and_then(|()| PART.here().ok_or(NotLoaded)))
    }))
}

/// Fetches the part in the background if it is neither here nor on its way (once the first
/// frame is painted). A failure says nothing here: nothing waits, and the first save that
/// needs it fetches again and reports.
pub fn prefetch() {
    PART.prefetch(Box::new(|_| {}));
}

/// Saves once the part is here (fetching it if need be): `flush` is `persistence::flush`,
/// which is done again then. If it cannot be fetched, the banner says the work is not saved.
pub fn save_when_here(state: AppState, flush: fn(AppState)) {
    if PART.here().is_none() && SAVE_WAITS.replace(true) {
        return;
    }
    // Not installed: nothing is saved in this build (the tests of the parts).
    let waits = PART.wait(Box::new(move |fetched| {
        SAVE_WAITS.set(false);
        match fetched {
            Ok(()) => flush(state),
            // The open document stays open and unsaved, and the banner offers its export and
            // says why.
            Err(error) => not_saved(state, error),
        }
    }));
    if !waits {
        SAVE_WAITS.set(false);
    }
}

/// Runs `then` now if the part is here, else once it is (fetching it if need be): for what
/// must follow a save. If the part cannot be fetched, `then` does not run and the person
/// reads `undone` ("Nothing was opened") with the reason.
pub fn when_here(state: AppState, undone: &'static str, then: Box<dyn FnOnce()>) {
    // `false` (not installed) only in the tests of the parts, which save nothing: nothing
    // there has changes to wait for.
    PART.wait(Box::new(move |fetched| match fetched {
        Ok(()) => then(),
        Err(error) => {
            notify(
                state,
                NoticeKind::Error,
                format!(
                    "{undone}: the open document must be saved first, and {WHAT} could not \
                     be loaded. Connect to the network and try again."
                ),
                Vec::new(),
            );
            // What waited had unsaved changes to wait for (even if their save has not asked
            // yet): the banner offers their export and says why.
            not_saved(state, error);
        }
    }));
}

fn not_saved(state: AppState, error: NotLoaded) {
    state
        .save_state
        .set(SaveState::NotSaved(error.message(WHAT)));
}

/// Whether the last fetch failed (nothing has fetched it since): a save waiting then is
/// tried again when the network comes back.
pub fn failed() -> bool {
    PART.failed()
}
