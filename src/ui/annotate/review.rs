//! "Needs review": annotations whose anchor was found only approximately (fuzzy) or not at all
//! (orphaned), typically after an import into a text that differs from the one they were made
//! on. Each can be accepted where it is, moved to a new selection, or deleted. Orphans are
//! never dropped: they stay listed here, with their last known quote, until the person decides.
//! Two versions of one shared annotation, kept after a conflict (`domain::sync`), are listed
//! here too, each with "Keep this version", which lets the other go.

use crate::domain::annotation::{AnchorStatus, AnnotationId};
use crate::domain::command::Command;
use crate::domain::describe::shorten;
use crate::domain::sync::docs::CONFLICT_ATTRIBUTE;
use crate::domain::sync::incoming::conflict_pairs;
use crate::ui::actions;
use crate::ui::notices;
use crate::ui::on_demand::{NotLoaded, OnDemand};
use crate::ui::state::{AppState, use_app};
use crate::ui::view_memo::ViewMemo;
use crate::ui::view_signal::ViewSignal;
use leptos::prelude::*;

#[derive(Clone, PartialEq)]
struct ReviewItem {
    id: AnnotationId,
    tag_label: String,
    status: String,
    quote: String,
    orphaned: bool,
    /// After a conflict: the other version of this annotation.
    other: Option<AnnotationId>,
    note: String,
}

fn status_text(anchor: &AnchorStatus) -> String {
    match anchor {
        AnchorStatus::Fuzzy(score) => {
            let percent = (score.clamp(0.0, 1.0) * 100.0).round() as u32;
            format!("Fuzzy match, score {percent}%")
        }
        AnchorStatus::Orphaned => "Orphaned: not found in this text".to_string(),
        other => other.name().to_string(),
    }
}

/// Moves annotation `id` to the proposed selection ("Use selection").
fn use_selection(state: AppState, reselecting: ViewSignal<Option<AnnotationId>>, id: AnnotationId) {
    actions::with_proposal(
        state,
        "moved",
        "Select the new text in the article first",
        move |pending| {
            if actions::execute(
                state,
                Command::MoveAnnotation {
                    id,
                    range: pending.range,
                },
            ) {
                actions::dismiss_selection(state);
                // The list may have closed while the selection was snapped.
                reselecting.try_set(None);
            }
        },
    );
}

#[component]
pub fn ReviewList() -> impl IntoView {
    let state = use_app();
    // The annotation being moved: the person selects new text, then "Use selection".
    let reselecting = ViewSignal::new(None::<AnnotationId>);
    let items = ViewMemo::new(move |_| {
        state.editor.with(|e| {
            let doc = e.document();
            let pairs = conflict_pairs(doc);
            let other_of = |id: &AnnotationId| {
                pairs.iter().find_map(|(copy, original)| {
                    (copy == id)
                        .then(|| original.clone())
                        .or_else(|| (original == id).then(|| copy.clone()))
                })
            };
            doc.annotations
                .iter()
                .filter(|a| a.anchor.needs_review() || other_of(&a.id).is_some())
                .map(|a| ReviewItem {
                    id: a.id.clone(),
                    tag_label: doc
                        .tags
                        .get(&a.tag)
                        .map(|t| t.label.clone())
                        .unwrap_or_else(|| a.tag.0.clone()),
                    status: match other_of(&a.id) {
                        Some(_) => "Changed in two places at once: one of two versions".to_string(),
                        None => status_text(&a.anchor),
                    },
                    quote: shorten(&a.quote, 90),
                    orphaned: a.is_orphan(),
                    other: other_of(&a.id),
                    note: shorten(&a.note, 140),
                })
                .collect::<Vec<_>>()
        })
    });
    view! {
        <Show when=move || items.with(|i| !i.is_empty())>
            <OnDemand what="Needs review" load=move || review_on_demand(items, reselecting) />
        </Show>
    }
}

/// The list's rows and their actions are fetched the first time something needs review
/// (ui::on_demand): most documents never have anything there.
#[leptos::wasm_split::wasm_split(needs_review, wasm_split_path = ::leptos::wasm_split, fallible)]
fn review_on_demand(
    items: ViewMemo<Vec<ReviewItem>>,
    reselecting: ViewSignal<Option<AnnotationId>>,
) -> Result<AnyView, NotLoaded> {
    Ok(view! {
            <section class="ann-review" aria-labelledby="ann-review-heading">
                <h2 id="ann-review-heading" class="ann-review__heading">
                    {move || format!("Needs review ({})", items.with(|i| i.len()))}
                </h2>
                <ul class="ann-review__list">
                    <For
                        each=move || items.with(|i| i.iter().map(|item| item.id.clone()).collect::<Vec<_>>())
                        key=|id| id.clone()
                        let:id
                    >
                        <ReviewRow id=id items=items reselecting=reselecting />
                    </For>
                </ul>
            </section>
    }
    .into_any())
}

/// One annotation to review, as the current list describes it.
#[component]
fn ReviewRow(
    id: AnnotationId,
    items: ViewMemo<Vec<ReviewItem>>,
    reselecting: ViewSignal<Option<AnnotationId>>,
) -> impl IntoView {
    let item = ViewMemo::new(move |_| items.with(|i| i.iter().find(|item| item.id == id).cloned()));
    move || {
        item.get().map(|item| match item.other.clone() {
            Some(other) => view! { <ConflictEntry item=item other=other /> }.into_any(),
            None => view! { <ReviewEntry item=item reselecting=reselecting /> }.into_any(),
        })
    }
}

/// Keeps `keep` (without its conflict mark) and deletes `other`, the competing version.
fn keep_version(state: AppState, keep: AnnotationId, other: AnnotationId) {
    let marked = state.editor.with_untracked(|e| {
        e.document()
            .annotation(&keep)
            .is_some_and(|a| a.attributes.contains_key(CONFLICT_ATTRIBUTE))
    });
    let unmarked = !marked
        || actions::execute(
            state,
            Command::RemoveAttribute {
                id: keep,
                name: CONFLICT_ATTRIBUTE.to_string(),
            },
        );
    if unmarked {
        actions::delete_annotation(state, other);
    }
}

/// One of two versions of a shared annotation.
#[component]
fn ConflictEntry(item: ReviewItem, other: AnnotationId) -> impl IntoView {
    let state = use_app();
    let (id_show, id_keep) = (item.id.clone(), item.id.clone());
    view! {
        <li class="ann-review__item" data-annotation-id=item.id.0.clone()>
            <p class="ann-review__status ann-review__status--fuzzy">{item.status.clone()}</p>
            <p class="ann-review__quote">
                <span class="ann-review__tag">{item.tag_label.clone()}": "</span>
                <q>{item.quote.clone()}</q>
            </p>
            <p class="ann-review__note">{item.note.clone()}</p>
            <div class="ann-review__actions" role="group" aria-label=format!("Review “{}”", item.quote)>
                <button type="button" class="ann-button" on:click=move |_| actions::reveal_annotation(state, id_show.clone())>
                    "Show"
                </button>
                <button
                    type="button"
                    class="ann-button ann-button--primary"
                    on:click=move |_| keep_version(state, id_keep.clone(), other.clone())
                >
                    "Keep this version"
                </button>
            </div>
        </li>
    }
}

#[component]
fn ReviewEntry(item: ReviewItem, reselecting: ViewSignal<Option<AnnotationId>>) -> impl IntoView {
    let state = use_app();
    let id = item.id.clone();
    let (id_accept, id_move, id_use, id_delete, id_show) =
        (id.clone(), id.clone(), id.clone(), id.clone(), id.clone());
    let is_reselecting = {
        let id = id.clone();
        move || reselecting.get().as_ref() == Some(&id)
    };
    let is_reselecting_2 = is_reselecting.clone();
    let status_class = if item.orphaned {
        "ann-review__status ann-review__status--orphaned"
    } else {
        "ann-review__status ann-review__status--fuzzy"
    };
    view! {
        <li class="ann-review__item" data-annotation-id=id.0.clone()>
            <p class=status_class>{item.status.clone()}</p>
            <p class="ann-review__quote">
                <span class="ann-review__tag">{item.tag_label.clone()}": "</span>
                <q>{item.quote.clone()}</q>
            </p>
            <div class="ann-review__actions" role="group" aria-label=format!("Review “{}”", item.quote)>
                <Show when=move || !item.orphaned>
                    {
                        let id_accept = id_accept.clone();
                        let id_show = id_show.clone();
                        view! {
                            <button type="button" class="ann-button" on:click=move |_| actions::reveal_annotation(state, id_show.clone())>
                                "Show"
                            </button>
                            <button
                                type="button"
                                class="ann-button"
                                on:click=move |_| {
                                    actions::execute(state, Command::AcceptAnchor { id: id_accept.clone() });
                                }
                            >
                                "Accept"
                            </button>
                        }
                    }
                </Show>
                <button
                    type="button"
                    class="ann-button"
                    aria-pressed=move || is_reselecting().to_string()
                    on:click=move |_| {
                        let id = id_move.clone();
                        if reselecting.get_untracked().as_ref() == Some(&id) {
                            reselecting.set(None);
                        } else {
                            reselecting.set(Some(id));
                            notices::announce(state, "Select the new text in the article, then choose Use selection");
                        }
                    }
                >
                    "Re-select"
                </button>
                <button
                    type="button"
                    class="ann-button ann-button--danger"
                    on:click=move |_| actions::delete_annotation(state, id_delete.clone())
                >
                    "Delete"
                </button>
            </div>
            <Show when=is_reselecting_2.clone()>
                {
                    let id_use = id_use.clone();
                    view! {
                        <p class="ann-review__hint">
                            "Select the text where it belongs in the article, then: "
                            <button
                                type="button"
                                class="ann-button ann-button--primary"
                                prop:disabled=move || state.pending.with(|p| p.is_none())
                                on:click=move |_| use_selection(state, reselecting, id_use.clone())
                            >
                                "Use selection"
                            </button>
                            " "
                            <button type="button" class="ann-button" on:click=move |_| reselecting.set(None)>
                                "Cancel"
                            </button>
                        </p>
                    }
                }
            </Show>
        </li>
    }
}
