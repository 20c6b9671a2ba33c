//! Four parts are not views but functions the main module calls: the selection's snapping
//! (`ui/snapping.rs`), the merge of another tab's changes (`persistence::merge_part`), the
//! writer that saves the open document (`ui/library/writer.rs`) and the reader of stored
//! entries (`ui/library/reader.rs`). Each is fetched once, in the
//! background or when first needed, kept once it is here, and waited on by whatever needs it
//! before then; a failed fetch is not kept, so the next need fetches again. This module is that
//! keeping, once; what waits, and what a person is told, stays with each part's module.
//!
//! A part is reached through the function its module installs from the main module: what
//! needs it is also called from other parts, and code a part reaches may not cross another
//! part's boundary (the wasm-bindgen test build, which has no split, could not link it;
//! ARCHITECTURE.md "Loading on demand").

use crate::ui::on_demand::NotLoaded;
use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::thread::LocalKey;

/// Crossing a part's boundary: its fetch (shared with one already under way).
pub type Loading<T> = Pin<Box<dyn Future<Output = Result<T, NotLoaded>>>>;

/// What a part's module installs: how to cross its boundary.
pub type Load<T> = fn() -> Loading<T>;

/// What runs once a fetch ends: `Ok` when the part is here (`Kept::here` gives it), or why
/// it could not be fetched. Not generic over the part, so that the keeping is compiled once
/// for the four parts (the first paint carries it).
pub type Waiter = Box<dyn FnOnce(Result<(), NotLoaded>)>;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Fetch {
    Idle,
    Fetching,
    /// The last fetch failed, and none has started since.
    Failed,
}

/// One part's keeping: a `thread_local` in the part's module, used through [`Kept`].
pub struct Slot<T: 'static> {
    load: Cell<Option<Load<T>>>,
    here: Cell<Option<T>>,
    waits: Waits,
}

impl<T: 'static> Slot<T> {
    pub const fn new() -> Self {
        Slot {
            load: Cell::new(None),
            here: Cell::new(None),
            waits: Waits {
                fetch: Cell::new(Fetch::Idle),
                waiting: RefCell::new(Vec::new()),
            },
        }
    }
}

impl<T: 'static> Default for Slot<T> {
    fn default() -> Self {
        Self::new()
    }
}

/// The fetch's state and what waits for it, whatever the part.
struct Waits {
    fetch: Cell<Fetch>,
    waiting: RefCell<Vec<Waiter>>,
}

impl Waits {
    /// Queues `then`; whether a fetch must start (none is under way).
    fn queue(&self, then: Waiter) -> bool {
        self.waiting.borrow_mut().push(then);
        let start = self.fetch.get() != Fetch::Fetching;
        if start {
            self.fetch.set(Fetch::Fetching);
        }
        start
    }

    /// A fetch ended: what waited for it, to be run once no borrow is held.
    fn ended(&self, fetched: Result<(), NotLoaded>) -> Vec<Waiter> {
        self.fetch.set(match fetched {
            Ok(()) => Fetch::Idle,
            Err(NotLoaded) => Fetch::Failed,
        });
        std::mem::take(&mut *self.waiting.borrow_mut())
    }
}

/// Runs what waited, in the order it asked (the part already kept, so that what it does
/// finds the part here).
fn run(waiting: Vec<Waiter>, fetched: Result<(), NotLoaded>) {
    for then in waiting {
        then(fetched);
    }
}

/// A part the main module keeps, `T` being what crossing its boundary gives (a function).
pub struct Kept<T: 'static>(pub &'static LocalKey<Slot<T>>);

impl<T: 'static> Clone for Kept<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: 'static> Copy for Kept<T> {}

impl<T: Copy + 'static> Kept<T> {
    /// Makes the part reachable; called once, in the main module.
    pub fn install(self, load: Load<T>) {
        self.0.with(|slot| slot.load.set(Some(load)));
    }

    /// Whether [`install`](Self::install) was called: not in the tests of the parts, which
    /// have no article and no saving.
    pub fn installed(self) -> bool {
        self.0.with(|slot| slot.load.get().is_some())
    }

    /// The part, once it is here.
    pub fn here(self) -> Option<T> {
        self.0.with(|slot| slot.here.get())
    }

    /// Whether the last fetch failed and none has started since.
    pub fn failed(self) -> bool {
        self.0.with(|slot| slot.waits.fetch.get() == Fetch::Failed)
    }

    /// Not here after all (crossing its boundary found its module missing): the next need
    /// fetches it again.
    pub fn forget(self) {
        self.0.with(|slot| slot.here.set(None));
    }

    /// Fetches the part in the background if it is neither here nor on its way; `arrived`
    /// runs when this fetch ends. (A failure says nothing here: whatever needs the part next
    /// fetches again and reports.)
    pub fn prefetch(self, arrived: Waiter) {
        let idle = self
            .0
            .with(|slot| slot.here.get().is_none() && slot.waits.fetch.get() != Fetch::Fetching);
        if idle {
            self.wait(arrived);
        }
    }

    /// Runs `then`: at once if the part is here, else when a fetch ends (one is started if
    /// none is under way), after whatever waited before it. `false`, and `then` dropped, when
    /// the part was never installed.
    pub fn wait(self, then: Waiter) -> bool {
        if self.here().is_some() {
            then(Ok(()));
            return true;
        }
        let Some(load) = self.0.with(|slot| slot.load.get()) else {
            return false;
        };
        if self.0.with(|slot| slot.waits.queue(then)) {
            leptos::task::spawn_local(async move {
                let fetched = load().await;
                let waiting = self.0.with(|slot| {
                    if let Ok(part) = fetched {
                        slot.here.set(Some(part));
                    }
                    slot.waits.ended(fetched.map(drop))
                });
                run(waiting, fetched.map(drop));
            });
        }
        true
    }
}
