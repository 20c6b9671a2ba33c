//! The annotations as numbered endnotes, for paper only (style/a11y.css shows this section
//! in print and hides it on screen). The numbers match the `[n]` markers print CSS draws
//! after the highlights (from the marks' `data-notes`), so no character is ever added to the
//! article's text.
//!
//! Numbers depend on every annotation before them, so they are built only while the page is
//! printed (`beforeprint`, or print media emulated): on screen an edit at the top of a long
//! article must not renumber, and so re-render, every paragraph after it.

use crate::domain::annotation::AnnotationId;
use crate::domain::document::Document;
use crate::ui::page_signal::PageSignal;
use crate::ui::state::use_app;
use crate::ui::strings;
use leptos::prelude::*;
use std::cell::Cell;
use std::collections::HashMap;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

/// Whether the page is being printed: between `beforeprint` and `afterprint`, or while the
/// print media query matches (print preview, emulated print media).
#[derive(Clone, Copy, Default)]
struct PrintState {
    media: bool,
    dialog: bool,
}

thread_local! {
    /// One per page, as the print state is the window's; the listeners that set it live as
    /// long as the page.
    static PRINTING: Cell<Option<PageSignal<PrintState>>> = const { Cell::new(None) };
}

/// Whether the page is being printed, followed by whatever reads it; false where nothing has
/// been set up to listen (the component tests).
pub fn printing() -> bool {
    PRINTING
        .get()
        .is_some_and(|state| state.with(|now| now.media || now.dialog))
}

/// Starts following the window's print state. Called once by the app, whose listeners live
/// as long as the page; a second call does nothing.
pub fn provide_printing() {
    if PRINTING.get().is_some() {
        return;
    }
    let state = PageSignal::new(PrintState::default());
    PRINTING.set(Some(state));
    let Some(window) = web_sys::window() else {
        return;
    };
    let query = window.match_media("print").ok().flatten();
    let print_media = || {
        web_sys::window()
            .and_then(|w| w.match_media("print").ok().flatten())
            .is_some_and(|q| q.matches())
    };
    state.update(|now| now.media = print_media());
    let on_change = Closure::<dyn Fn()>::new(move || state.update(|now| now.media = print_media()));
    let on_before = Closure::<dyn Fn()>::new(move || state.update(|now| now.dialog = true));
    let on_after = Closure::<dyn Fn()>::new(move || state.update(|now| now.dialog = false));
    if let Some(query) = query {
        // Failing to listen leaves the screen view as it is; printing then lacks the numbers,
        // which the endnotes list still carries in order.
        let _ =
            query.add_event_listener_with_callback("change", on_change.as_ref().unchecked_ref());
    }
    // As for the media query: without it, the numbers are missing on paper, the endnotes are not.
    let _ =
        window.add_event_listener_with_callback("beforeprint", on_before.as_ref().unchecked_ref());
    // As above.
    let _ =
        window.add_event_listener_with_callback("afterprint", on_after.as_ref().unchecked_ref());
    on_change.forget();
    on_before.forget();
    on_after.forget();
}

/// The endnote number (1-based, in text order) of every annotation.
pub fn note_numbers(document: &Document) -> HashMap<AnnotationId, usize> {
    document
        .annotations_in_text_order()
        .into_iter()
        .enumerate()
        .map(|(i, a)| (a.id.clone(), i + 1))
        .collect()
}

#[component]
pub fn PrintEndnotes() -> impl IntoView {
    let state = use_app();
    let notes = move || {
        if !printing() {
            return None;
        }
        Some(state.editor.with(|e| {
            let doc = e.document();
            doc.annotations_in_text_order()
                .into_iter()
                .map(|a| {
                    let label = doc
                        .tags
                        .get(&a.tag)
                        .map(|t| t.label.clone())
                        .unwrap_or_else(|| a.tag.0.clone());
                    (label, a.quote.clone(), a.note.clone())
                })
                .collect::<Vec<_>>()
        }))
    };
    view! {
        <section class="ann-print-notes" aria-labelledby="ann-print-notes-heading">
            <h2 id="ann-print-notes-heading">{strings::PRINT_NOTES_HEADING}</h2>
            {move || {
                // Built only for paper (see the module documentation).
                let Some(list) = notes() else {
                    return ().into_any();
                };
                if list.is_empty() {
                    return view! { <p>{strings::PRINT_NO_NOTES}</p> }.into_any();
                }
                view! {
                    <ol class="ann-print-notes__list">
                        {list
                            .into_iter()
                            .map(|(label, quote, note)| {
                                let has_note = !note.is_empty();
                                view! {
                                    <li>
                                        <strong>{label}</strong>
                                        ": "
                                        <q dir="auto">{quote}</q>
                                        {has_note.then(|| view! { <p class="ann-print-notes__note" dir="auto">{note}</p> })}
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ol>
                }
                .into_any()
            }}
        </section>
    }
}
