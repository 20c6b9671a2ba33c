//! The parts of the app a visit does not need to show the article (the sharing panel, Class
//! results and Make exercise, the student's side with the classroom files and exercise links it
//! opens, the claims report, the foreign-format readers and writers with the question an import
//! may ask, the Library, the New article screen and the article reader, the tags' list, Needs
//! review, the annotation list and the article's details, the tag toolbar with the keyboard
//! shortcuts and the printed notes, the header's menu (these three fetched once the first
//! frame is painted), the selection's snapping to words, the keyboard help, the selected
//! annotation's details with link mode and the links drawn in the gutter, the merge of
//! another tab's changes, the writer that saves the open document, fetched with the tools)
//! are not in the WebAssembly a browser fetches before the first
//! paint: each sits behind a `#[wasm_split]` boundary, and scripts/build-wasm cuts the code
//! reachable only through it into a module of its own, which `__wasm_split.js` fetches the
//! first time the boundary is crossed (and the service worker keeps for offline use).
//! ARCHITECTURE.md says why this and not a second page.
//!
//! A boundary is a plain function marked
//! `#[leptos::wasm_split::wasm_split(name, wasm_split_path = ::leptos::wasm_split, fallible)]`
//! returning `Result<_, NotLoaded>`; calling it gives a future. `fallible` matters: without it a
//! failed fetch (offline before the part was ever used) would panic and stop the whole app. Here
//! are the error a person reads then, and [`OnDemand`], which shows a part's view with a
//! "Loading…" line while its module is fetched and the error with a retry button if the fetch
//! fails.

use crate::ui::notices;
use crate::ui::state::{AppState, NoticeKind};
use crate::ui::view_signal::ViewSignal;
use crate::ui::view_value::ViewValue;
use leptos::prelude::*;
use leptos::reactive::computed::ScopedFuture;
use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

/// A part of the app could not be fetched (the details are in the browser's console).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NotLoaded;

impl From<leptos::wasm_split::SplitLoaderError> for NotLoaded {
    fn from(_: leptos::wasm_split::SplitLoaderError) -> Self {
        NotLoaded
    }
}

impl NotLoaded {
    /// What a person reads when `what` ("the sharing panel") could not be fetched.
    pub fn message(self, what: &str) -> String {
        format!(
            "Could not load {what}: it is fetched the first time it is used, and the fetch failed \
             (this browser may be offline and has not used it here before). Connect to the \
             network and try again."
        )
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Loading {
    Pending,
    Failed,
    Ready,
}

/// What [`OnDemand`] calls to fetch its part and make its view.
type Load = Rc<dyn Fn() -> Pin<Box<dyn Future<Output = Result<AnyView, NotLoaded>>>>>;

/// Shows the view `load` makes once its module is fetched: "Loading {what}…" until then, and
/// a clear error with "Try again" if the fetch fails. `load` runs with this component's owner,
/// so the view it makes finds the app's context and is cleaned up with this component.
///
/// `quiet`: no "Loading…" line before the view (no status for a screen reader to announce),
/// for views whose part is already here when they are mounted, or fetched with a view that
/// says it is loading (link mode and the links drawn in the gutter after the details panel;
/// an import's question after the readers' part read the files). A failed fetch still says
/// so.
///
/// `busy`, if given, is set while the part is awaited and cleared once its view or its error
/// is drawn (for an `aria-busy` on what the part completes).
#[component]
pub fn OnDemand<F, Fut>(
    what: &'static str,
    load: F,
    #[prop(optional)] quiet: bool,
    #[prop(optional)] busy: Option<ViewSignal<bool>>,
) -> impl IntoView
where
    F: Fn() -> Fut + Copy + Send + Sync + 'static,
    Fut: Future<Output = Result<AnyView, NotLoaded>> + 'static,
{
    // Only this line is made once per part; the rest is one function for all of them.
    let load: Load = Rc::new(move || Box::pin(load()));
    loading_view(what, load, quiet, busy)
}

fn loading_view(
    what: &'static str,
    load: Load,
    quiet: bool,
    busy: Option<ViewSignal<bool>>,
) -> impl IntoView {
    let set_busy = move |now: bool| {
        if let Some(busy) = busy {
            busy.set(now);
        }
    };
    let status = ViewSignal::new(Loading::Pending);
    let made = ViewValue::new(None::<AnyView>);
    let load = ViewValue::new(load);
    // Leptos's spawn_local does not keep the owner, and "Try again" runs outside it: the load
    // is scoped to this component's owner explicitly.
    let owner = ViewValue::new(Owner::current().unwrap_or_default());
    // The part's styles are fetched alongside its code; the view waits for both.
    let styles = ask_for_styles();
    let start = move || {
        set_busy(true);
        status.set(Loading::Pending);
        let loading = owner.with_value(|owner| {
            owner.with(|| {
                let fetching = load.with_value(|load| load());
                ScopedFuture::new_untracked(async move {
                    match fetching.await {
                        Ok(view) => {
                            made.set_value(Some(view));
                            status.set(Loading::Ready);
                        }
                        Err(NotLoaded) => status.set(Loading::Failed),
                    }
                })
            })
        });
        leptos::task::spawn_local(loading);
    };
    start();
    move || {
        let status = status.get();
        // The styles are read (and so followed) only while they are awaited: once the view
        // is drawn, a later ask for them (after a failure) must not draw it again.
        let styling = status == Loading::Ready
            && styles.is_some_and(|waiting| waiting.get_untracked() && waiting.get());
        match (status, styling) {
            (Loading::Pending, _) | (Loading::Ready, true) if quiet => ().into_any(),
            (Loading::Pending, _) | (Loading::Ready, true) => view! {
                <p class="ann-on-demand" role="status" aria-busy="true">{format!("Loading {what}…")}</p>
            }
            .into_any(),
            (Loading::Failed, _) => {
                set_busy(false);
                view! {
                    <div class="ann-on-demand" role="alert">
                        <p>{NotLoaded.message(what)}</p>
                        <button type="button" class="ann-button" on:click=move |_| start()>
                            "Try again"
                        </button>
                    </div>
                }
                .into_any()
            }
            (Loading::Ready, false) => {
                set_busy(false);
                // The view is drawn in this turn's microtasks: focus asked for something in
                // it while it was fetched moves there after them.
                set_timeout(crate::web::dom_focus::focus_waiting, std::time::Duration::ZERO);
                made.try_update_value(Option::take)
                    .flatten()
                    .unwrap_or_else(|| ().into_any())
            }
        }
    }
}

thread_local! {
    /// Whether the parts' style sheet (`web::later_styles`) applied. Until it has, each part
    /// asks for it, unless a fetch is under way: after a failure (a notice said so) the next
    /// part asks again.
    static STYLES_APPLIED: Cell<bool> = const { Cell::new(false) };
    /// Whether the sheet is being fetched (a part's view waits while it is), and where to say
    /// it failed; set by [`provide_later_styles`] (without it, as in the component tests,
    /// nothing waits).
    static WAITING: Cell<Option<(ViewSignal<bool>, AppState)>> = const { Cell::new(None) };
}

/// Called once by the app.
pub fn provide_later_styles(state: AppState) {
    WAITING.set(Some((ViewSignal::new(false), state)));
}

/// Fetches the parts' style sheet unless it is here or on its way; the signal is true while
/// it is fetched.
fn ask_for_styles() -> Option<ViewSignal<bool>> {
    let (waiting, _) = WAITING.get()?;
    if !STYLES_APPLIED.get() && !waiting.get_untracked() {
        waiting.set(true);
        match crate::web::later_styles::fetch(styles_settled) {
            crate::web::later_styles::Fetch::Started => {}
            crate::web::later_styles::Fetch::NoSheet => styles_settled(true),
            crate::web::later_styles::Fetch::Failed => styles_settled(false),
        }
    }
    Some(waiting)
}

fn styles_settled(applied: bool) {
    STYLES_APPLIED.set(applied);
    let Some((waiting, state)) = WAITING.get() else {
        return;
    };
    waiting.set(false);
    if !applied {
        notices::notify(
            state,
            NoticeKind::Warning,
            "Some of the app's styles could not be fetched (this browser may be offline), so \
             what opens now may look unstyled. Reload the page once online.",
            Vec::new(),
        );
    }
}

thread_local! {
    /// The parts fetched in this page's life: crossing their boundary again costs nothing, so
    /// no "Loading…" notice flashes by.
    static FETCHED: std::cell::RefCell<Vec<&'static str>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Awaits `work`, which crosses the boundary of the part `what` ("the import formats"): the
/// first time, "Loading {what}…" shows on the notices' line until it is done. A failed fetch becomes the
/// error notice `Nothing {done}: …` ("Nothing imported") and `None`.
pub async fn run<T>(
    state: AppState,
    what: &'static str,
    done: &'static str,
    work: impl Future<Output = Result<T, NotLoaded>>,
) -> Option<T> {
    let first = fetch_starts(state, what);
    let result = work.await;
    fetch_ended(state, what, done, first, result)
}

/// [`run`]'s beginning, for a fetch awaited another way (a kept part's waiter): says
/// "Loading {what}…" if the part was never fetched in this page's life; whether it did.
pub fn fetch_starts(state: AppState, what: &'static str) -> bool {
    let first = !FETCHED.with_borrow(|fetched| fetched.contains(&what));
    if first {
        notices::show_loading(state, format!("Loading {what}…"));
    }
    first
}

/// [`run`]'s end: what [`fetch_starts`] said goes, and a failure is the error notice
/// `Nothing {done}: …`.
pub fn fetch_ended<T>(
    state: AppState,
    what: &'static str,
    done: &'static str,
    first: bool,
    result: Result<T, NotLoaded>,
) -> Option<T> {
    if first {
        notices::done_loading(state);
    }
    match result {
        Ok(value) => {
            if first {
                FETCHED.with_borrow_mut(|fetched| fetched.push(what));
            }
            Some(value)
        }
        Err(error) => {
            notices::notify(
                state,
                NoticeKind::Error,
                format!("Nothing {done}: {}", error.message(what)),
                Vec::new(),
            );
            None
        }
    }
}
