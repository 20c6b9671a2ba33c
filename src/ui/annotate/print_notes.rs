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
use crate::ui::state::use_app;
use crate::ui::strings;
use leptos::prelude::*;
use std::collections::HashMap;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

/// Whether the page is being printed: between `beforeprint` and `afterprint`, or while the
/// print media query matches (print preview, emulated print media).
#[derive(Clone, Copy)]
pub struct Printing(pub Signal<bool>);

/// Puts [`Printing`] in the context. Called once by the app, whose listeners live as long as
/// the page.
pub fn provide_printing() {
    let (media, set_media) = signal(false);
    let (dialog, set_dialog) = signal(false);
    provide_context(Printing(Signal::derive(move || {
        media.get() || dialog.get()
    })));
    let Some(window) = web_sys::window() else {
        return;
    };
    let query = window.match_media("print").ok().flatten();
    let print_media = || {
        web_sys::window()
            .and_then(|w| w.match_media("print").ok().flatten())
            .is_some_and(|q| q.matches())
    };
    set_media.set(print_media());
    let on_change = Closure::<dyn Fn()>::new(move || set_media.set(print_media()));
    let on_before = Closure::<dyn Fn()>::new(move || set_dialog.set(true));
    let on_after = Closure::<dyn Fn()>::new(move || set_dialog.set(false));
    // Failing to listen leaves the screen view as it is; printing then lacks the numbers,
    // which the endnotes list still carries in order.
    if let Some(query) = query {
        let _ =
            query.add_event_listener_with_callback("change", on_change.as_ref().unchecked_ref());
    }
    let _ =
        window.add_event_listener_with_callback("beforeprint", on_before.as_ref().unchecked_ref());
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
    let printing = use_context::<Printing>();
    let notes = move || {
        if !printing.is_some_and(|p| p.0.get()) {
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
