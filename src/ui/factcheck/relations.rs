//! An annotation's links, in its details panel: each relation read from this end, with a way
//! to jump to the other annotation and to remove the link; "Link…" to make a new one, and in
//! link mode the list of annotations it can be linked to (the keyboard's way to pick one).

use crate::domain::annotation::{AnnotationId, RelationId};
use crate::domain::command::Command;
use crate::domain::factcheck::linking::{LinkOption, link_candidates, option_phrase, relations_of};
use crate::ui::actions;
use crate::ui::factcheck::context::{short_quote, tag_label, use_fact_check};
use crate::ui::factcheck::link_mode::{apply_link, cancel_link, start_link};
use crate::ui::state::use_app;
use crate::ui::view_memo::ViewMemo;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

#[derive(Clone, Debug, PartialEq)]
struct RelationRow {
    relation_id: RelationId,
    phrase: String,
    other: AnnotationId,
    other_quote: String,
    other_tag: String,
}

#[component]
pub fn RelationsSection(id: AnnotationId) -> impl IntoView {
    let state = use_app();
    let fact_check = use_fact_check();
    let rows = {
        let id = id.clone();
        ViewMemo::new(move |_| {
            state.editor.with(|e| {
                let doc = e.document();
                relations_of(doc, &id)
                    .into_iter()
                    .map(|end| RelationRow {
                        other_quote: short_quote(doc, &end.other),
                        other_tag: tag_label(doc, &end.other),
                        relation_id: end.relation_id,
                        phrase: end.phrase,
                        other: end.other,
                    })
                    .collect::<Vec<_>>()
            })
        })
    };
    let linking_here = {
        let id = id.clone();
        ViewMemo::new(move |_| {
            fact_check
                .link
                .with(|l| l.as_ref().is_some_and(|l| l.start == id))
        })
    };
    let id_for_start = id.clone();
    view! {
        <section class="ann-fc-links" aria-labelledby="ann-fc-links-heading">
            <div class="ann-fc-links__head">
                <h3 id="ann-fc-links-heading" class="ann-fc-subheading">
                    "Links" <span class="ann-count">{move || rows.with(|r| r.len())}</span>
                </h3>
                <button
                    type="button"
                    class="ann-button ann-button--small"
                    aria-keyshortcuts="L"
                    aria-pressed=move || linking_here.get().to_string()
                    on:click=move |_| {
                        if linking_here.get_untracked() {
                            cancel_link(state, fact_check);
                        } else {
                            start_link(state, fact_check, id_for_start.clone());
                        }
                    }
                >
                    "Link…"
                </button>
            </div>
            <Show
                when=move || !rows.with(|r| r.is_empty())
                fallback=|| view! { <p class="ann-empty ann-fc-links__empty">"No links yet."</p> }
            >
                <ul class="ann-fc-links__list">
                    <For
                        each=move || rows.with(|r| r.iter().map(|row| row.relation_id.clone()).collect::<Vec<_>>())
                        key=|id| id.clone()
                        let:relation
                    >
                        <LinkRow relation=relation rows=rows />
                    </For>
                </ul>
            </Show>
            <Show when=move || linking_here.get()>
                <Candidates start=id.clone() />
            </Show>
        </section>
    }
}

/// One link, as the current rows describe it.
#[component]
fn LinkRow(relation: RelationId, rows: ViewMemo<Vec<RelationRow>>) -> impl IntoView {
    let row = ViewMemo::new(move |_| {
        rows.with(|r| r.iter().find(|r| r.relation_id == relation).cloned())
    });
    move || row.get().map(|row| view! { <LinkItem row=row /> })
}

#[component]
fn LinkItem(row: RelationRow) -> impl IntoView {
    let state = use_app();
    let other = row.other.clone();
    let relation_id = row.relation_id.clone();
    let remove_label = format!("Remove link: {} “{}”", row.phrase, row.other_quote);
    view! {
        <li class="ann-fc-link" data-relation-id=row.relation_id.0.clone()>
            <span class="ann-fc-link__phrase">{row.phrase.clone()}</span>
            <button
                type="button"
                class="ann-fc-link__target"
                title=format!("Show this {}", row.other_tag.to_lowercase())
                on:click=move |_| actions::reveal_annotation(state, other.clone())
            >
                <span class="ann-fc-link__tag">{row.other_tag.clone()}</span>
                <span class="ann-fc-link__quote">{format!("“{}”", row.other_quote)}</span>
            </button>
            <button
                type="button"
                class="ann-icon-button ann-fc-link__remove"
                aria-label=remove_label.clone()
                title=remove_label
                on:click=move |_| {
                    actions::execute(state, Command::RemoveRelation { id: relation_id.clone() });
                }
            >
                "×"
            </button>
        </li>
    }
}

/// In link mode: every annotation the link can go to, one button per possible kind. Arrow
/// keys move between them, Enter (or a click) makes the link, Escape leaves link mode.
#[component]
fn Candidates(start: AnnotationId) -> impl IntoView {
    let state = use_app();
    let fact_check = use_fact_check();
    let options = ViewMemo::new(move |_| {
        state.editor.with(|e| {
            let doc = e.document();
            link_candidates(doc, &start)
                .into_iter()
                .flat_map(|(_, options)| options)
                .map(|option| {
                    let target = if option.from == start {
                        &option.to
                    } else {
                        &option.from
                    };
                    let candidate = Candidate {
                        phrase: option_phrase(doc, &start, &option),
                        quote: short_quote(doc, target),
                        tag: tag_label(doc, target),
                    };
                    (option, candidate)
                })
                .collect::<Vec<_>>()
        })
    });
    let list_ref = NodeRef::<leptos::html::Ul>::new();
    // Keyboard users land on the first candidate as soon as link mode starts.
    Effect::new(move |_| {
        if let Some(list) = list_ref.get() {
            let list: &web_sys::Element = list.unchecked_ref();
            focus_button(list, 0);
        }
    });
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        let Some(list) = list_ref.get_untracked() else {
            return;
        };
        let list: &web_sys::Element = list.unchecked_ref();
        let step: i32 = match ev.key().as_str() {
            "ArrowDown" | "ArrowRight" => 1,
            "ArrowUp" | "ArrowLeft" => -1,
            "Home" => i32::MIN,
            "End" => i32::MAX,
            _ => return,
        };
        ev.prevent_default();
        let buttons = list.query_selector_all("button").ok();
        let count = buttons.as_ref().map(|b| b.length()).unwrap_or(0) as i32;
        if count == 0 {
            return;
        }
        let active = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.active_element());
        let current = (0..count)
            .find(|&i| {
                let button = buttons.as_ref().and_then(|b| b.item(i as u32));
                match (&button, &active) {
                    (Some(b), Some(a)) => {
                        let a: &web_sys::Node = a.unchecked_ref();
                        b.is_same_node(Some(a))
                    }
                    _ => false,
                }
            })
            .unwrap_or(0);
        let next = match step {
            i32::MIN => 0,
            i32::MAX => count - 1,
            s => (current + s).rem_euclid(count),
        };
        focus_button(list, next as u32);
    };
    view! {
        <div class="ann-fc-candidates">
            <p class="ann-fc-candidates__hint" id="ann-fc-candidates-hint">
                "Click the highlight to link to in the article, or choose it here (arrow keys, then Enter). Escape cancels."
            </p>
            <Show
                when=move || !options.with(|o| o.is_empty())
                fallback=|| view! {
                    <p class="ann-empty">"Nothing in this article can be linked to this annotation yet."</p>
                }
            >
                <ul
                    class="ann-fc-candidates__list"
                    aria-label="Link to"
                    aria-describedby="ann-fc-candidates-hint"
                    node_ref=list_ref
                    on:keydown=on_keydown
                >
                    <For
                        each=move || options.with(|o| o.iter().map(|(option, _)| option.clone()).collect::<Vec<_>>())
                        key=|option| option.clone()
                        let:option
                    >
                        <CandidateButton option=option options=options />
                    </For>
                </ul>
            </Show>
            <button type="button" class="ann-link-button" on:click=move |_| cancel_link(state, fact_check)>
                "Cancel linking"
            </button>
        </div>
    }
}

/// What a candidate shows: the link read from the start, and the other annotation.
#[derive(Clone, Debug, PartialEq)]
struct Candidate {
    phrase: String,
    quote: String,
    tag: String,
}

/// One link the keyboard can pick, as the current candidates describe it.
#[component]
fn CandidateButton(
    option: LinkOption,
    options: ViewMemo<Vec<(LinkOption, Candidate)>>,
) -> impl IntoView {
    let state = use_app();
    let fact_check = use_fact_check();
    let candidate = {
        let option = option.clone();
        ViewMemo::new(move |_| {
            options.with(|o| {
                o.iter()
                    .find(|(other, _)| *other == option)
                    .map(|(_, c)| c.clone())
            })
        })
    };
    let part = move |read: fn(&Candidate) -> String| {
        move || candidate.with(|c| c.as_ref().map(read).unwrap_or_default())
    };
    view! {
        <li>
            <button
                type="button"
                class="ann-fc-candidate"
                on:click=move |_| apply_link(state, fact_check, option.clone())
            >
                <span class="ann-fc-candidate__phrase">{part(|c| c.phrase.clone())}</span>
                <span class="ann-fc-link__tag">{part(|c| c.tag.clone())}</span>
                <span class="ann-fc-candidate__quote">{part(|c| format!("“{}”", c.quote))}</span>
            </button>
        </li>
    }
}

fn focus_button(list: &web_sys::Element, index: u32) {
    let button = list
        .query_selector_all("button")
        .ok()
        .and_then(|buttons| buttons.item(index))
        .and_then(|node| node.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(button) = button {
        // Focus that cannot move stays where it was; no work is touched.
        let _ = button.focus();
    }
}
