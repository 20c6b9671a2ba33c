//! The annotations as numbered endnotes, for paper only (style/a11y.css shows this section
//! in print and hides it on screen). The numbers match the `[n]` markers print CSS draws
//! after the highlights (from the marks' `data-notes`), so no character is ever added to the
//! article's text.

use crate::domain::annotation::AnnotationId;
use crate::domain::document::Document;
use crate::ui::state::use_app;
use crate::ui::strings;
use leptos::prelude::*;
use std::collections::HashMap;

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
        state.editor.with(|e| {
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
        })
    };
    view! {
        <section class="ann-print-notes" aria-labelledby="ann-print-notes-heading">
            <h2 id="ann-print-notes-heading">{strings::PRINT_NOTES_HEADING}</h2>
            {move || {
                let list = notes();
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
