//! The selected annotation in full: tag, quote, note, attributes, times; change the tag, edit
//! the note, delete. Every change is a domain command, so it can be undone.
//!
//! The panel and its fact-checking fields and links are fetched the first time an annotation
//! is selected (ui::on_demand): a visit that only reads, or only marks text, never needs them.
//! Once fetched, the panel stays mounted and follows the selection as before.
//!
//! The panel is created once per selected annotation; each part takes the annotation's id and
//! reads its own fields reactively, so typing in the note never re-creates the field under
//! the cursor.

use crate::domain::annotation::AnnotationId;
use crate::domain::command::Command;
use crate::domain::tag::TagId;
use crate::ui::actions;
use crate::ui::on_demand::{NotLoaded, OnDemand};
use crate::ui::selected::{self, Shown, field};
use crate::ui::state::use_app;
use crate::ui::view_memo::ViewMemo;
use leptos::prelude::*;

#[component]
pub fn DetailsPanel() -> impl IntoView {
    let state = use_app();
    let annotation = selected::read(state);
    let any_selected = ViewMemo::new(move |_| annotation.with(Option::is_some));
    // Until the part is fetched, "Loading…" (or the error and "Try again") shows only while an
    // annotation is selected; a failed fetch is tried again on the next selection. Once it is
    // here, `details_here` also mounts link mode and the links, which come with it.
    let load = move || async move {
        let panel = details_on_demand(annotation).await;
        if panel.is_ok() {
            state.details_here.set(true);
        }
        panel
    };
    view! {
        <Show when=move || state.details_here.get() || any_selected.get()>
            <OnDemand what="the annotation's details" load=load />
        </Show>
    }
}

#[leptos::wasm_split::wasm_split(details_panel, wasm_split_path = ::leptos::wasm_split, fallible)]
fn details_on_demand(annotation: Shown) -> Result<AnyView, NotLoaded> {
    Ok(view! { <SelectedDetails annotation=annotation /> }.into_any())
}

#[component]
fn SelectedDetails(annotation: Shown) -> impl IntoView {
    let shown = ViewMemo::new(move |_| annotation.with(|a| a.as_ref().map(|a| a.id.clone())));
    move || {
        shown
            .get()
            .map(|id| view! { <Details id=id annotation=annotation /> })
    }
}

#[component]
fn Details(id: AnnotationId, annotation: Shown) -> impl IntoView {
    let state = use_app();
    let status = {
        let id = id.clone();
        ViewMemo::new(move |_| field(annotation, &id, |a| a.anchor.name()))
    };
    let quote = {
        let id = id.clone();
        move || field(annotation, &id, |a| a.quote.clone())
    };
    let times = {
        let id = id.clone();
        move || {
            field(annotation, &id, |a| {
                let by = if a.creator.trim().is_empty() {
                    String::new()
                } else {
                    format!(" by {}", a.creator.trim())
                };
                format!(
                    "Created {}{by} · modified {}",
                    short_time(&a.created),
                    short_time(&a.modified)
                )
            })
        }
    };
    let id_for_delete = id.clone();
    let data_id = id.0.clone();
    view! {
        <section class="ann-details" aria-labelledby="ann-details-heading" data-annotation-id=data_id>
            <DetailsHead id=id.clone() annotation=annotation />
            <blockquote class="ann-details__quote" dir="auto">{quote}</blockquote>
            {move || {
                let s = status.get();
                (s != "exact" && !s.is_empty())
                    .then(|| view! { <p class="ann-status">{format!("Anchoring: {s}")}</p> })
            }}
            <TagField id=id.clone() annotation=annotation />
            <NoteField id=id.clone() annotation=annotation />
            <crate::ui::factcheck::FactCheckDetails id=id.clone() annotation=annotation />
            <OtherAttributes id=id annotation=annotation />
            <p class="ann-details__times">{times}</p>
            <button
                type="button"
                class="ann-button ann-button--danger"
                on:click=move |_| {
                    actions::delete_annotation(state, id_for_delete.clone());
                    crate::ui::annotate::reading_cursor::focus_article();
                }
            >
                "Delete annotation"
            </button>
        </section>
    }
}

/// The tag's label as the panel's heading, and the close button.
#[component]
fn DetailsHead(id: AnnotationId, annotation: Shown) -> impl IntoView {
    let state = use_app();
    let tag = ViewMemo::new(move |_| field(annotation, &id, |a| Some(a.tag.clone())));
    let tag_label = move || {
        let tag = tag.get()?;
        let label = state.editor.with(|e| {
            e.document()
                .tags
                .get(&tag)
                .map_or_else(|| tag.0.clone(), |t| t.label.clone())
        });
        Some(label)
    };
    view! {
        <div class="ann-details__head">
            <h2 id="ann-details-heading" class="ann-panel-heading" tabindex="-1">{tag_label}</h2>
            <button
                type="button"
                class="ann-icon-button"
                aria-label="Close details"
                on:click=move |_| {
                    actions::select_annotation(state, None);
                    crate::ui::annotate::reading_cursor::focus_article();
                }
            >
                "×"
            </button>
        </div>
    }
}

#[component]
fn TagField(id: AnnotationId, annotation: Shown) -> impl IntoView {
    let state = use_app();
    let current = {
        let id = id.clone();
        ViewMemo::new(move |_| field(annotation, &id, |a| a.tag.0.clone()))
    };
    let tags = ViewMemo::new(move |_| {
        state.editor.with(|e| {
            e.document()
                .tags
                .tags()
                .iter()
                .map(|t| (t.id.clone(), t.label.clone()))
                .collect::<Vec<_>>()
        })
    });
    let on_change = move |ev: leptos::ev::Event| {
        let tag = TagId(event_target_value(&ev));
        actions::execute(
            state,
            Command::Retag {
                id: id.clone(),
                tag,
            },
        );
    };
    view! {
        <label class="ann-field">
            <span>"Tag"</span>
            <select on:change=on_change prop:value=move || current.get()>
                <For
                    each=move || tags.with(|t| t.iter().map(|(id, _)| id.clone()).collect::<Vec<_>>())
                    key=|id| id.clone()
                    let:tag
                >
                    {
                        let value = tag.0.clone();
                        let label = {
                            let tag = tag.clone();
                            move || {
                                tags.with(|t| {
                                    t.iter().find(|(id, _)| *id == tag).map(|(_, l)| l.clone())
                                })
                            }
                        };
                        view! {
                            <option value=value.clone() selected=move || current.get() == value>
                                {label}
                            </option>
                        }
                    }
                </For>
            </select>
        </label>
    }
}

#[component]
fn NoteField(id: AnnotationId, annotation: Shown) -> impl IntoView {
    let state = use_app();
    let note = {
        let id = id.clone();
        move || field(annotation, &id, |a| a.note.clone())
    };
    let on_input = move |ev: leptos::ev::Event| {
        let note = event_target_value(&ev);
        actions::execute(
            state,
            Command::EditNote {
                id: id.clone(),
                note,
            },
        );
    };
    view! {
        <label class="ann-field">
            <span>"Note"</span>
            <textarea rows="4" prop:value=note on:input=on_input></textarea>
        </label>
    }
}

/// The attributes the fact-checking fields do not show (from imported files, or other
/// tools), as names and values: typed pairs, whatever characters they hold.
#[component]
fn OtherAttributes(id: AnnotationId, annotation: Shown) -> impl IntoView {
    let attributes = ViewMemo::new(move |_| {
        field(annotation, &id, |a| {
            a.attributes
                .iter()
                .filter(|(k, _)| crate::domain::factcheck::fields::field(&a.tag, k).is_none())
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect::<Vec<(String, String)>>()
        })
    });
    view! {
        <Show when=move || attributes.with(|a| !a.is_empty())>
            <dl class="ann-details__attributes">
                <For
                    each=move || attributes.with(|a| a.iter().map(|(k, _)| k.clone()).collect::<Vec<_>>())
                    key=|name| name.clone()
                    let:name
                >
                    {
                        let value = {
                            let name = name.clone();
                            move || {
                                attributes.with(|a| {
                                    a.iter().find(|(k, _)| *k == name).map(|(_, v)| v.clone())
                                })
                            }
                        };
                        view! {
                            <dt>{name}</dt>
                            <dd>{value}</dd>
                        }
                    }
                </For>
            </dl>
        </Show>
    }
}

fn short_time(iso: &str) -> String {
    iso.get(..16).unwrap_or(iso).replace('T', " ")
}
