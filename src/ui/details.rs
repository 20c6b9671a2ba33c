//! The selected annotation in full: tag, quote, note, attributes, times; change the tag, edit
//! the note, delete. Every change is a domain command, so it can be undone.
//!
//! The panel is created once per selected annotation and reads each field reactively, so
//! typing in the note never re-creates the field under the cursor.

use crate::domain::annotation::{Annotation, AnnotationId};
use crate::domain::command::Command;
use crate::domain::tag::TagId;
use crate::ui::actions;
use crate::ui::state::use_app;
use leptos::prelude::*;

#[component]
pub fn DetailsPanel() -> impl IntoView {
    let state = use_app();
    let shown = Memo::new(move |_| {
        let id = state.selected.get()?;
        let exists = state
            .editor
            .with(|e| e.document().annotation(&id).is_some());
        exists.then_some(id)
    });
    move || shown.get().map(|id| view! { <Details id=id /> })
}

#[component]
fn Details(id: AnnotationId) -> impl IntoView {
    let state = use_app();
    let read = {
        let id = id.clone();
        move |f: &dyn Fn(&Annotation) -> String| -> String {
            state
                .editor
                .with(|e| e.document().annotation(&id).map(f).unwrap_or_default())
        }
    };
    let read_tag = read.clone();
    let current_tag = Memo::new(move |_| read_tag(&|a| a.tag.0.clone()));
    let read_label = read.clone();
    let tag_label = move || {
        let tag = read_label(&|a| a.tag.0.clone());
        state.editor.with(|e| {
            e.document()
                .tags
                .get(&TagId(tag.clone()))
                .map(|t| t.label.clone())
                .unwrap_or(tag)
        })
    };
    let read_quote = read.clone();
    let quote = move || read_quote(&|a| a.quote.clone());
    let read_note = read.clone();
    let note = move || read_note(&|a| a.note.clone());
    let read_status = read.clone();
    let status = move || read_status(&|a| a.anchor.name().to_string());
    let read_times = read.clone();
    let times = move || {
        read_times(&|a| {
            format!(
                "Created {} · modified {}",
                short_time(&a.created),
                short_time(&a.modified)
            )
        })
    };
    let read_attributes = read.clone();
    let attributes = move || {
        read_attributes(&|a| {
            a.attributes
                .iter()
                .filter(|(k, _)| crate::domain::factcheck::fields::field(&a.tag, k).is_none())
                .map(|(k, v)| format!("{k}\u{1f}{v}"))
                .collect::<Vec<_>>()
                .join("\u{1e}")
        })
    };
    let tags = move || state.editor.with(|e| e.document().tags.tags().to_vec());

    let id_for_tag = id.clone();
    let on_tag = move |ev: leptos::ev::Event| {
        let tag = TagId(event_target_value(&ev));
        actions::execute(
            state,
            Command::Retag {
                id: id_for_tag.clone(),
                tag,
            },
        );
    };
    let id_for_note = id.clone();
    let on_note = move |ev: leptos::ev::Event| {
        let note = event_target_value(&ev);
        actions::execute(
            state,
            Command::EditNote {
                id: id_for_note.clone(),
                note,
            },
        );
    };
    let id_for_delete = id.clone();
    let id_for_fact_check = id.clone();

    view! {
        <section class="ann-details" aria-labelledby="ann-details-heading" data-annotation-id=id.0.clone()>
            <div class="ann-details__head">
                <h2 id="ann-details-heading" class="ann-panel-heading" tabindex="-1">{tag_label}</h2>
                <button
                    type="button"
                    class="ann-icon-button"
                    aria-label="Close details"
                    on:click=move |_| {
                        actions::select_annotation(state, None);
                        crate::ui::reading_cursor::focus_article();
                    }
                >
                    "×"
                </button>
            </div>
            <blockquote class="ann-details__quote" dir="auto">{quote}</blockquote>
            {
                let status = status.clone();
                move || {
                    let s = status();
                    (s != "exact" && !s.is_empty())
                        .then(|| view! { <p class="ann-status">{format!("Anchoring: {s}")}</p> })
                }
            }
            <label class="ann-field">
                <span>"Tag"</span>
                <select on:change=on_tag prop:value=current_tag>
                    <For each=tags key=|t| (t.id.clone(), t.label.clone()) let:tag>
                        <option value=tag.id.0.clone() selected=move || current_tag.get() == tag.id.0>
                            {tag.label.clone()}
                        </option>
                    </For>
                </select>
            </label>
            <label class="ann-field">
                <span>"Note"</span>
                <textarea rows="4" prop:value=note on:input=on_note></textarea>
            </label>
            <crate::ui::factcheck::FactCheckDetails id=id_for_fact_check />
            {move || {
                let text = attributes();
                (!text.is_empty())
                    .then(|| {
                        view! {
                            <dl class="ann-details__attributes">
                                {text
                                    .split('\u{1e}')
                                    .map(|pair| {
                                        let (k, v) = pair.split_once('\u{1f}').unwrap_or((pair, ""));
                                        view! {
                                            <dt>{k.to_string()}</dt>
                                            <dd>{v.to_string()}</dd>
                                        }
                                    })
                                    .collect_view()}
                            </dl>
                        }
                    })
            }}
            <p class="ann-details__times">{times}</p>
            <button
                type="button"
                class="ann-button ann-button--danger"
                on:click=move |_| {
                    actions::delete_annotation(state, id_for_delete.clone());
                    crate::ui::reading_cursor::focus_article();
                }
            >
                "Delete annotation"
            </button>
        </section>
    }
}

fn short_time(iso: &str) -> String {
    iso.get(..16).unwrap_or(iso).replace('T', " ")
}
