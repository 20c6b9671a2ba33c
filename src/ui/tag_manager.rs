//! The document's tags: the three defaults and any the user adds (label, colour, shortcut).
//! Removing a tag that is in use asks what to do with its annotations: give them another tag,
//! or delete them. Nothing is lost silently, and every change can be undone.

use crate::domain::command::{Command, TagRemoval};
use crate::domain::tag::{Tag, TagId, id_from_label};
use crate::ui::actions;
use crate::ui::state::use_app;
use leptos::prelude::*;

#[component]
pub fn TagManager() -> impl IntoView {
    let state = use_app();
    let tags = move || {
        state.editor.with(|e| {
            let doc = e.document();
            doc.tags
                .tags()
                .iter()
                .map(|t| (t.clone(), doc.count_by_tag(&t.id)))
                .collect::<Vec<_>>()
        })
    };
    let label = RwSignal::new(String::new());
    let color = RwSignal::new(String::new());
    let key = RwSignal::new(String::new());
    let removing = RwSignal::new(None::<TagId>);

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
    let remove = move |id: TagId, annotations: TagRemoval| {
        removing.set(None);
        actions::execute(state, Command::RemoveTag { id, annotations });
    };

    view! {
        <details class="ann-doc-details ann-tags">
            <summary>"Tags"</summary>
            <ul class="ann-tags__list">
                <For each=tags key=|(t, n)| (t.id.clone(), t.label.clone(), t.color.clone(), t.key, *n) let:item>
                    {
                        let (tag, count) = item;
                        let id = tag.id.clone();
                        let id_for_ask = id.clone();
                        let asking = {
                            let id = id.clone();
                            move || removing.get().as_ref() == Some(&id)
                        };
                        let others = move || {
                            let id = id.clone();
                            state.editor.with(|e| {
                                e.document().tags.tags().iter().filter(|t| t.id != id).cloned().collect::<Vec<_>>()
                            })
                        };
                        let id_delete = tag.id.clone();
                        view! {
                            <li class="ann-tags__item" style=format!("--ann-tag:{}", tag.color)>
                                <span class="ann-badge" aria-hidden="true">{tag.badge_letter().to_string()}</span>
                                <span class="ann-tags__label">{tag.label.clone()}</span>
                                <span class="ann-tags__meta">
                                    {tag.key.map(|k| format!("key {k} · ")).unwrap_or_default()}
                                    {format!("{count} used")}
                                </span>
                                <button
                                    type="button"
                                    class="ann-button"
                                    aria-label=format!("Remove tag {}", tag.label)
                                    on:click=move |_| {
                                        if count == 0 {
                                            remove(id_for_ask.clone(), TagRemoval::DeleteAnnotations);
                                        } else {
                                            removing.set(Some(id_for_ask.clone()));
                                        }
                                    }
                                >
                                    "Remove"
                                </button>
                                <Show when=asking.clone()>
                                    <div class="ann-tags__ask" role="group" aria-label="What happens to its annotations">
                                        <p>{format!("{count} annotations use this tag. Give them another tag, or delete them:")}</p>
                                        {
                                            let others = others.clone();
                                            let from = id_delete.clone();
                                            move || {
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
                                                                on:click=move |_| remove(from.clone(), TagRemoval::ReassignTo(target.clone()))
                                                            >
                                                                {format!("Make them {}", other.label)}
                                                            </button>
                                                        }
                                                    })
                                                    .collect_view()
                                            }
                                        }
                                        {
                                            let id = id_delete.clone();
                                            view! {
                                                <button
                                                    type="button"
                                                    class="ann-button ann-button--danger"
                                                    on:click=move |_| remove(id.clone(), TagRemoval::DeleteAnnotations)
                                                >
                                                    "Delete them"
                                                </button>
                                            }
                                        }
                                        <button type="button" class="ann-button" on:click=move |_| removing.set(None)>
                                            "Cancel"
                                        </button>
                                    </div>
                                </Show>
                            </li>
                        }
                    }
                </For>
            </ul>
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
        </details>
    }
}
