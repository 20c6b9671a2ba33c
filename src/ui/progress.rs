//! Long work says it is working. Starting with a multi-megabyte article open takes a moment
//! (index.html shows a bar until the app is on screen); opening one reads it, then draws its
//! paragraphs in steps (`ui/annotate/filling.rs`); importing a large file reads and places
//! thousands of annotations. Meanwhile one indicator shows at the top of the page: a `role="progressbar"` named after the work, with how far it is when that is known,
//! so nobody faces a frozen page without a sign, and screen readers hear it too.
//!
//! A leaf: its own state, written only through the functions here.

use crate::ui::page_signal::PageSignal;
use leptos::prelude::*;

/// From this size on, a file's opening or import is announced before it starts.
pub const ANNOUNCE_FROM_BYTES: usize = 512 * 1024;

/// What is in progress, if anything.
#[derive(Clone, Copy)]
struct Progress {
    /// Work that runs in one piece (reading a file): its name, shown before it starts.
    work: PageSignal<Option<String>>,
    /// The article being drawn in steps: paragraphs drawn and in all.
    drawing: PageSignal<Option<(usize, usize)>>,
}

thread_local! {
    /// Kept outside the reactive context: the work is announced from tasks and timers,
    /// which run without an owner to find a context in.
    static PROGRESS: std::cell::Cell<Option<Progress>> = const { std::cell::Cell::new(None) };
}

pub fn provide_progress() {
    PROGRESS.with(|progress| {
        progress.set(Some(Progress {
            work: PageSignal::new(None),
            drawing: PageSignal::new(None),
        }))
    });
}

fn progress() -> Option<Progress> {
    PROGRESS.with(std::cell::Cell::get)
}

/// The app is on screen: the indicator index.html shows while it starts goes.
pub fn started() {
    let boot = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector(".ann-boot").ok().flatten());
    if let Some(boot) = boot {
        boot.remove();
    }
}

/// Shows `label` and gives the browser two frames to paint it, so work that runs in one
/// piece afterwards (and freezes the page while it does) has its sign on screen first.
pub async fn begin_work(label: impl Into<String>) {
    let Some(progress) = progress() else { return };
    progress.work.set(Some(label.into()));
    // The frame that applies the change, then the one that has painted it.
    crate::web::clock::next_frame().await;
    crate::web::clock::next_frame().await;
}

/// The work [`begin_work`] announced is over.
pub fn end_work() {
    if let Some(progress) = progress() {
        progress.work.set(None);
    }
}

/// How far drawing the article in steps is; `None` when it is drawn whole.
pub fn set_drawing(state: Option<(usize, usize)>) {
    if let Some(progress) = progress()
        && progress.drawing.get_untracked() != state
    {
        progress.drawing.set(state);
    }
}

/// The indicator: the work's name, or "Drawing the article" with its percentage.
#[component]
pub fn ProgressIndicator() -> impl IntoView {
    let Some(progress) = progress() else {
        return ().into_any();
    };
    let shown = move || {
        if let Some(label) = progress.work.get() {
            return Some((label, None));
        }
        progress.drawing.get().map(|(drawn, total)| {
            let percent = (drawn * 100).checked_div(total).unwrap_or(100).min(100);
            ("Drawing the article".to_string(), Some(percent))
        })
    };
    view! {
        {move || {
            shown()
                .map(|(label, percent)| {
                    let text = match percent {
                        Some(percent) => format!("{label}… {percent}%"),
                        None => format!("{label}…"),
                    };
                    view! {
                        <div
                            class="ann-progress"
                            role="progressbar"
                            aria-label=label
                            aria-valuemin=percent.map(|_| "0")
                            aria-valuemax=percent.map(|_| "100")
                            aria-valuenow=percent.map(|p| p.to_string())
                        >
                            <span
                                class="ann-progress__bar"
                                class:ann-progress__bar--unknown=percent.is_none()
                                style=percent.map(|p| format!("width: {p}%"))
                            ></span>
                            <span class="ann-progress__label">{text}</span>
                        </div>
                    }
                })
        }}
    }
    .into_any()
}
