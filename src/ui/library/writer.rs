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
//! - if it cannot be fetched, the banner says "Not saved" with "Export JSON now" (the
//!   native writer stays in the main module for that and for the panic screen), and the
//!   next save, or the network coming back, fetches it again.
//!
//! The part is reached through the function [`install`] puts in place: saving is called from
//! other parts too (an import, the Library, sharing), and code a part reaches may not cross
//! another part's boundary (ARCHITECTURE.md "Loading on demand").

use crate::domain::change::Touched;
use crate::domain::document::Document;
use crate::ui::notices::notify;
use crate::ui::on_demand::NotLoaded;
use crate::ui::state::{AppState, NoticeKind, SaveState};
use crate::web::storage::StorageError;
use leptos::prelude::Set;
use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;

/// `web::storage::library::save_open_document`, reached through the part.
pub type SaveOpen = fn(&Document, u64, &Touched) -> Result<(), StorageError>;

const WHAT: &str = "the saving of your work";

type Loading = Pin<Box<dyn Future<Output = Result<SaveOpen, NotLoaded>>>>;

/// What waits for the part, run in the order asked once it is here.
struct Waiting {
    then: Box<dyn FnOnce()>,
    /// What the person is told did not happen if the part cannot be fetched (`None` for a
    /// save: the banner says the work is not saved).
    undone: Option<&'static str>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Fetch {
    Idle,
    Fetching,
    /// The last fetch failed: the next save fetches again.
    Failed,
}

thread_local! {
    static WRITER: Cell<Option<SaveOpen>> = const { Cell::new(None) };
    static FETCH: Cell<Fetch> = const { Cell::new(Fetch::Idle) };
    static WAITING: RefCell<Vec<Waiting>> = const { RefCell::new(Vec::new()) };
    static LOAD: Cell<Option<fn() -> Loading>> = const { Cell::new(None) };
}

/// Makes the part reachable; `Autosave` calls it once, in the main module.
pub fn install() {
    LOAD.set(Some(|| Box::pin(writer_on_demand())));
}

#[leptos::wasm_split::wasm_split(
    library_writer,
    wasm_split_path = ::leptos::wasm_split,
    fallible
)]
fn writer_on_demand() -> Result<SaveOpen, NotLoaded> {
    Ok(crate::web::storage::library::save_open_document)
}

/// The writer, once its part is here.
pub fn here() -> Option<SaveOpen> {
    WRITER.get()
}

/// Fetches the part in the background if it is neither here nor on its way (once the first
/// frame is painted). A failure says nothing here: nothing waits, and the first save that
/// needs it fetches again and reports.
pub fn prefetch(state: AppState) {
    if WRITER.get().is_none() && FETCH.get() == Fetch::Idle {
        fetch(state);
    }
}

/// Saves once the part is here (fetching it if need be): `flush` is `persistence::flush`,
/// which is done again then. If it cannot be fetched, the banner says the work is not saved.
pub fn save_when_here(state: AppState, flush: fn(AppState)) {
    wait(
        state,
        Waiting {
            then: Box::new(move || flush(state)),
            undone: None,
        },
    );
}

/// Runs `then` now if the part is here, else once it is (fetching it if need be): for what
/// must follow a save. If the part cannot be fetched, `then` does not run and the person
/// reads `undone` ("Nothing was opened") with the reason.
pub fn when_here(state: AppState, undone: &'static str, then: Box<dyn FnOnce()>) {
    wait(
        state,
        Waiting {
            then,
            undone: Some(undone),
        },
    );
}

fn wait(state: AppState, waiting: Waiting) {
    if WRITER.get().is_some() {
        (waiting.then)();
        return;
    }
    // Not installed: nothing is saved in this build (the tests of the parts).
    if LOAD.get().is_none() {
        return;
    }
    WAITING.with(|queue| {
        if let Ok(mut queue) = queue.try_borrow_mut() {
            // One save waiting is enough: it writes whatever changed by then.
            let saves = |w: &Waiting| w.undone.is_none();
            if !(saves(&waiting) && queue.iter().any(saves)) {
                queue.push(waiting);
            }
        }
    });
    if FETCH.get() != Fetch::Fetching {
        fetch(state);
    }
}

/// Whether the last fetch failed (nothing has fetched it since): a save waiting then is
/// tried again when the network comes back.
pub fn failed() -> bool {
    FETCH.get() == Fetch::Failed
}

fn fetch(state: AppState) {
    let Some(load) = LOAD.get() else {
        return;
    };
    FETCH.set(Fetch::Fetching);
    leptos::task::spawn_local(async move {
        let fetched = load().await;
        let waiting = WAITING.with(|waiting| {
            waiting
                .try_borrow_mut()
                .map(|mut waiting| std::mem::take(&mut *waiting))
                .unwrap_or_default()
        });
        match fetched {
            Ok(writer) => {
                WRITER.set(Some(writer));
                FETCH.set(Fetch::Idle);
                for waiting in waiting {
                    (waiting.then)();
                }
            }
            Err(error) => {
                FETCH.set(Fetch::Failed);
                if waiting.is_empty() {
                    return;
                }
                // The open document stays open and unsaved, and the banner offers its export
                // and says why.
                for undone in waiting.iter().filter_map(|waiting| waiting.undone) {
                    notify(
                        state,
                        NoticeKind::Error,
                        format!(
                            "{undone}: the open document must be saved first, and {WHAT} \
                             could not be loaded. Connect to the network and try again."
                        ),
                        Vec::new(),
                    );
                }
                state
                    .save_state
                    .set(SaveState::NotSaved(error.message(WHAT)));
            }
        }
    });
}
