//! The document's tags: the three defaults and any the user adds (label, colour, shortcut),
//! each renamed or recoloured in place.
//! Removing a tag that is in use asks what to do with its annotations: give them another tag,
//! or delete them. Nothing is lost silently, and every change can be undone.

use crate::domain::command::{Command, TagRemoval};
use crate::domain::tag::{Tag, TagId, id_from_label};
use crate::ui::actions;
use crate::ui::on_demand::{NotLoaded, OnDemand};
use crate::ui::state::{AppState, use_app};
use crate::ui::view_memo::ViewMemo;
use crate::ui::view_signal::ViewSignal;
use leptos::prelude::*;

/// Every tag with how many annotations use it, in the taxonomy's order.
type TagRows = ViewMemo<Vec<(Tag, usize)>>;

fn remove(
    state: AppState,
    removing: ViewSignal<Option<TagId>>,
    id: TagId,
    annotations: TagRemoval,
) {
    removing.set(None);
    actions::execute(state, Command::RemoveTag { id, annotations });
}

/// Renames or recolours `tag` (a name the rules refuse is explained by a notice).
fn edit(state: AppState, tag: Option<Tag>, change: impl FnOnce(&mut Tag)) {
    let Some(mut tag) = tag else {
        return;
    };
    change(&mut tag);
    actions::execute(state, Command::EditTag { tag });
}

/// The tags' list and forms are fetched the first time "Tags" is opened (ui::on_demand): a
/// visit that only annotates with the default tags never needs them.
#[component]
pub fn TagManager() -> impl IntoView {
    let opened = ViewSignal::new(false);
    view! {
        <details
            class="ann-doc-details ann-tags"
            on:toggle=move |_| {
                if !opened.get_untracked() {
                    opened.set(true);
                }
            }
        >
            <summary>"Tags"</summary>
            <Show when=move || opened.get()>
                <OnDemand what="the tags" load=tags_on_demand />
            </Show>
        </details>
    }
}

#[leptos::wasm_split::wasm_split(tag_manager, wasm_split_path = ::leptos::wasm_split, fallible)]
fn tags_on_demand() -> Result<AnyView, NotLoaded> {
    Ok(view! { <TagList /> }.into_any())
}

#[component]
fn TagList() -> impl IntoView {
    let state = use_app();
    let rows: TagRows = ViewMemo::new(move |_| {
        state.editor.with(|e| {
            let doc = e.document();
            let counts = doc.counts_by_tag();
            doc.tags
                .tags()
                .iter()
                .map(|t| (t.clone(), counts.get(&t.id).copied().unwrap_or(0)))
                .collect::<Vec<_>>()
        })
    });
    // The tag whose removal is being asked about.
    let removing = ViewSignal::new(None::<TagId>);
    view! {
            <ul class="ann-tags__list">
                <For
                    each=move || rows.with(|r| r.iter().map(|(t, _)| t.id.clone()).collect::<Vec<_>>())
                    key=|id| id.clone()
                    let:id
                >
                    <TagRow id=id rows=rows removing=removing />
                </For>
            </ul>
            <AddTagForm />
    }
}

#[component]
fn TagRow(id: TagId, rows: TagRows, removing: ViewSignal<Option<TagId>>) -> impl IntoView {
    let state = use_app();
    let row = {
        let id = id.clone();
        ViewMemo::new(move |_| rows.with(|r| r.iter().find(|(t, _)| t.id == id).cloned()))
    };
    let tag = move || row.with(|r| r.as_ref().map(|(t, _)| t.clone()));
    let count = move || row.with(|r| r.as_ref().map_or(0, |(_, n)| *n));
    let asking = {
        let id = id.clone();
        move || removing.with(|r| r.as_ref() == Some(&id))
    };
    let on_remove = {
        let id = id.clone();
        move |_| {
            if count() == 0 {
                remove(state, removing, id.clone(), TagRemoval::DeleteAnnotations);
            } else {
                removing.set(Some(id.clone()));
            }
        }
    };
    view! {
        <li class="ann-tags__item" style=move || tag().map(|t| format!("--ann-tag:{}", t.color))>
            <span class="ann-badge" aria-hidden="true">
                {move || tag().map(|t| t.badge_letter().to_string())}
            </span>
            <input
                type="text"
                class="ann-tags__label"
                aria-label=move || tag().map(|t| format!("Name of tag {}", t.label))
                prop:value=move || tag().map(|t| t.label).unwrap_or_default()
                on:change=move |ev| {
                    let label = event_target_value(&ev).trim().to_string();
                    edit(state, tag(), move |t| t.label = label);
                }
            />
            <input
                type="color"
                class="ann-tags__color"
                aria-label=move || tag().map(|t| format!("Colour of tag {}", t.label))
                prop:value=move || tag().map(|t| t.color).unwrap_or_default()
                on:change=move |ev| {
                    let color = event_target_value(&ev);
                    edit(state, tag(), move |t| t.color = color);
                }
            />
            <span class="ann-tags__meta">
                {move || tag().and_then(|t| t.key).map(|k| format!("key {k} · ")).unwrap_or_default()}
                {move || format!("{} used", count())}
            </span>
            <button
                type="button"
                class="ann-button"
                aria-label=move || tag().map(|t| format!("Remove tag {}", t.label))
                on:click=on_remove
            >
                "Remove"
            </button>
            <Show when=asking.clone()>
                <RemoveChoice id=id.clone() count=Signal::derive(count) rows=rows removing=removing />
            </Show>
        </li>
    }
}

/// What happens to a removed tag's annotations: another tag for them, or deleting them.
#[component]
fn RemoveChoice(
    id: TagId,
    count: Signal<usize>,
    rows: TagRows,
    removing: ViewSignal<Option<TagId>>,
) -> impl IntoView {
    let state = use_app();
    let others = {
        let id = id.clone();
        move || {
            rows.with(|r| {
                r.iter()
                    .filter(|(t, _)| t.id != id)
                    .map(|(t, _)| t.clone())
                    .collect::<Vec<_>>()
            })
        }
    };
    let from = id.clone();
    view! {
        <div class="ann-tags__ask" role="group" aria-label="What happens to its annotations">
            <p>
                {move || format!("{} annotations use this tag. Give them another tag, or delete them:", count.get())}
            </p>
            {move || {
                let from = from.clone();
                others()
                    .into_iter()
                    .map(|other| {
                        let from = from.clone();
                        let target = other.id.clone();
                        view! {
                            <button
                                type="button"
                                class="ann-button"
                                on:click=move |_| {
                                    remove(state, removing, from.clone(), TagRemoval::ReassignTo(target.clone()))
                                }
                            >
                                {format!("Make them {}", other.label)}
                            </button>
                        }
                    })
                    .collect_view()
            }}
            <button
                type="button"
                class="ann-button ann-button--danger"
                on:click=move |_| remove(state, removing, id.clone(), TagRemoval::DeleteAnnotations)
            >
                "Delete them"
            </button>
            <button type="button" class="ann-button" on:click=move |_| removing.set(None)>
                "Cancel"
            </button>
        </div>
    }
}

/// A new tag: its name, colour (the next unused one unless chosen) and key.
#[component]
fn AddTagForm() -> impl IntoView {
    let state = use_app();
    let label = ViewSignal::new(String::new());
    let color = ViewSignal::new(String::new());
    let key = ViewSignal::new(String::new());
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let text = label.get_untracked().trim().to_string();
        let (default_color, default_key) = state.editor.with_untracked(|e| {
            (
                e.document().tags.next_color().to_string(),
                e.document().tags.next_key(),
            )
        });
        let chosen_color = Some(color.get_untracked())
            .filter(|c| !c.is_empty())
            .unwrap_or(default_color);
        let chosen_key = key.get_untracked().trim().chars().next().or(default_key);
        let tag = Tag {
            id: TagId(id_from_label(&text)),
            label: text,
            color: chosen_color,
            key: chosen_key,
            description: String::new(),
        };
        if actions::execute(state, Command::AddTag { tag }) {
            label.set(String::new());
            color.set(String::new());
            key.set(String::new());
        }
    };
    view! {
        <form class="ann-tags__add" on:submit=add>
            <label class="ann-field">
                <span>"New tag name"</span>
                <input type="text" required prop:value=move || label.get() on:input=move |ev| label.set(event_target_value(&ev)) />
            </label>
            <label class="ann-field ann-field--narrow">
                <span>"Colour"</span>
                <input
                    type="color"
                    prop:value=move || {
                        let c = color.get();
                        if c.is_empty() { state.editor.with(|e| e.document().tags.next_color().to_string()) } else { c }
                    }
                    on:input=move |ev| color.set(event_target_value(&ev))
                />
            </label>
            <label class="ann-field ann-field--narrow">
                <span>"Key"</span>
                <input
                    type="text"
                    maxlength="1"
                    prop:value=move || key.get()
                    placeholder=move || state.editor.with(|e| e.document().tags.next_key().map(String::from).unwrap_or_default())
                    on:input=move |ev| key.set(event_target_value(&ev))
                />
            </label>
            <button type="submit" class="ann-button">"Add tag"</button>
        </form>
    }
}
