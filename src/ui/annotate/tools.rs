//! The annotating tools: the tag toolbar a selection opens, the chooser for overlapping
//! highlights, the keyboard shortcuts with the reading cursor's keys, and with them the
//! endnotes for print. None of them is needed to show the article, and together with the
//! editing they alone reach (tagging, undo, deleting, stepping through the annotations) they
//! were a fourteenth of what a browser fetched before the first paint; so they are a part
//! (`annotating_tools`, ui::on_demand), fetched once the article's first frame is painted,
//! with the annotation list.
//!
//! Until they are here the article reads `aria-busy`: a key pressed in those few
//! milliseconds does nothing, and a selection made meanwhile gets its toolbar when they come
//! (the selection itself is kept by the article, in the main module). The endnotes are
//! mounted once the part is here (`AppState::tools_here`), so a failed fetch is said once,
//! above the article. Dropping files stays in the main module: the drop reaches the
//! readers' part, and a part may not cross another part's boundary (ARCHITECTURE.md).

use crate::ui::annotate::toolbar::{AnnotationChooser, TagToolbar};
use crate::ui::on_demand::NotLoaded;
use crate::ui::state::AppState;
use leptos::prelude::*;
use std::cell::Cell;

thread_local! {
    /// The shortcuts' window listener is installed once, for the app's lifetime: the
    /// annotating screen that fetched the part may be left for the Library, where "?" and
    /// Escape still work.
    static KEYS_INSTALLED: Cell<bool> = const { Cell::new(false) };
}

/// The toolbar and the chooser, and (the first time) the keyboard shortcuts.
#[leptos::wasm_split::wasm_split(annotating_tools, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn tools_on_demand(state: AppState) -> Result<AnyView, NotLoaded> {
    if !KEYS_INSTALLED.replace(true) {
        let keys = window_event_listener(leptos::ev::keydown, move |event| {
            crate::ui::shell::shortcuts::handle(state, &event)
        });
        // The listener lives as long as the page (the handle is dropped, not removed).
        drop(keys);
    }
    state.tools_here.set(true);
    Ok(view! {
        <TagToolbar />
        <AnnotationChooser />
    }
    .into_any())
}

/// The annotations as endnotes for paper (mounted by the annotating screen once the part is
/// here).
#[leptos::wasm_split::wasm_split(annotating_tools, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn endnotes_on_demand() -> Result<AnyView, NotLoaded> {
    Ok(view! { <crate::ui::annotate::print_notes::PrintEndnotes /> }.into_any())
}
