//! The list of annotations in text order: the accessible view of the highlights. Each item
//! says its tag, quote and note; the list can be filtered by tag and searched by text.

use crate::domain::annotation::AnnotationId;
use crate::domain::describe::shorten;
use crate::domain::tag::TagId;
use crate::ui::actions;
use crate::ui::state::use_app;
use leptos::prelude::*;

#[derive(Clone, PartialEq, Eq, Hash)]
struct Item {
    id: AnnotationId,
    tag_label: String,
    badge: char,
    color: String,
    underline: &'static str,
    quote: String,
    note: String,
    status: &'static str,
}

/// How many list items are rendered at first, and added by "Show more". A list of 20,000
/// rendered at once took most of a big article's start-up and every change re-diffed it;
/// past a few hundred items nobody scrolls the list, they search or filter it.
const LIST_PAGE: usize = 200;

#[component]
pub fn AnnotationList() -> impl IntoView {
    let state = use_app();
    let shown = RwSignal::new(LIST_PAGE);
    let tag_counts = move || {
        state.editor.with(|e| {
            let doc = e.document();
            doc.tags
                .tags()
                .iter()
                .map(|t| {
                    (
                        t.id.clone(),
                        t.label.clone(),
                        t.color.clone(),
                        doc.count_by_tag(&t.id),
                    )
                })
                .collect::<Vec<_>>()
        })
    };
    // The matching annotations, counted, and built into items only as far as they are shown.
    let items = Memo::new(move |_| {
        let limit = shown.get();
        let filter = state.filter.get();
        let needle = filter.search.trim().to_lowercase();
        state.editor.with(|e| {
            let doc = e.document();
            let matching_annotations = doc
                .annotations_in_text_order()
                .into_iter()
                .filter(|a| !filter.hidden_tags.contains(&a.tag))
                .filter(|a| {
                    needle.is_empty()
                        || a.quote.to_lowercase().contains(&needle)
                        || a.note.to_lowercase().contains(&needle)
                });
            let mut matching = 0;
            let mut built = Vec::with_capacity(limit.min(doc.annotations.len()));
            for a in matching_annotations {
                matching += 1;
                if built.len() >= limit {
                    continue;
                }
                built.push({
                    let tag = doc.tags.get(&a.tag);
                    Item {
                        id: a.id.clone(),
                        tag_label: tag
                            .map(|t| t.label.clone())
                            .unwrap_or_else(|| a.tag.0.clone()),
                        badge: tag.map(|t| t.badge_letter()).unwrap_or('?'),
                        color: tag
                            .map(|t| t.color.clone())
                            .unwrap_or_else(|| "#777777".into()),
                        underline: doc.tags.underline(&a.tag).css_name(),
                        quote: shorten(&a.quote, 120),
                        note: shorten(&a.note, 100),
                        status: a.anchor.name(),
                    }
                });
            }
            (built, matching)
        })
    });
    let total = move || state.editor.with(|e| e.document().annotations.len());
    let toggle_tag = move |tag: TagId| {
        state.filter.update(|f| {
            if let Some(i) = f.hidden_tags.iter().position(|t| t == &tag) {
                f.hidden_tags.remove(i);
            } else {
                f.hidden_tags.push(tag);
            }
        })
    };

    view! {
        <section class="ann-list" aria-labelledby="ann-list-heading">
            <h2 id="ann-list-heading" class="ann-panel-heading">
                "Annotations " <span class="ann-count">{total}</span>
            </h2>
            <div class="ann-list__filters" role="group" aria-label="Show tags">
                <For each=tag_counts key=|t| t.clone() let:tag>
                    {
                        let (id, label, color, count) = tag;
                        let id_for_pressed = id.clone();
                        let pressed = move || {
                            state.filter.with(|f| !f.hidden_tags.contains(&id_for_pressed)).to_string()
                        };
                        view! {
                            <button
                                type="button"
                                class="ann-chip"
                                style=format!("--ann-tag:{color}")
                                aria-pressed=pressed
                                on:click=move |_| toggle_tag(id.clone())
                            >
                                <span class="ann-chip__dot" aria-hidden="true"></span>
                                {label}
                                <span class="ann-chip__count">{count}</span>
                            </button>
                        }
                    }
                </For>
            </div>
            <label class="ann-field ann-field--search">
                <span class="ann-visually-hidden">"Search annotations"</span>
                <input
                    type="search"
                    placeholder="Search quotes and notes"
                    prop:value=move || state.filter.with(|f| f.search.clone())
                    on:input=move |ev| {
                        let value = event_target_value(&ev);
                        state.filter.update(|f| f.search = value);
                    }
                />
            </label>
            <Show
                when=move || items.with(|(_, matching)| *matching > 0)
                fallback=move || {
                    view! {
                        <p class="ann-empty">
                            {move || {
                                if total() == 0 {
                                    "Select text in the article, then choose Claim, Source or Entity (or press 1, 2, 3)."
                                } else {
                                    "No annotation matches the filter."
                                }
                            }}
                        </p>
                    }
                }
            >
                <ol class="ann-list__items">
                    <For
                        each=move || {
                            let limit = shown.get();
                            items.with(|(built, _)| built.iter().take(limit).cloned().collect::<Vec<_>>())
                        }
                        key=|i| i.clone()
                        let:item
                    >
                        {
                            let id = item.id.clone();
                            let id_for_class = item.id.clone();
                            let selected = Memo::new(move |_| state.selected.with(|s| s.as_ref() == Some(&id_for_class)));
                            let style = format!("--ann-tag:{};--ann-underline:{}", item.color, item.underline);
                            let note = item.note.clone();
                            let has_note = !note.is_empty();
                            view! {
                                <li class="ann-list__item" class:ann-list__item--selected=selected>
                                    <button
                                        type="button"
                                        class="ann-list__button"
                                        style=style
                                        aria-current=move || if selected.get() { Some("true") } else { None }
                                        data-annotation-id=item.id.0.clone()
                                        on:keydown={
                                            let id = id.clone();
                                            move |ev: leptos::ev::KeyboardEvent| {
                                                if ev.key() == "Enter" {
                                                    ev.prevent_default();
                                                    crate::ui::reading_cursor::open_details(state, id.clone());
                                                }
                                            }
                                        }
                                        on:click=move |_| actions::reveal_annotation(state, id.clone())
                                    >
                                        <span class="ann-badge" aria-hidden="true">{item.badge.to_string()}</span>
                                        <span class="ann-visually-hidden">{format!("{}: ", item.tag_label)}</span>
                                        <span class="ann-list__quote">{format!("“{}”", item.quote)}</span>
                                        <Show when=move || has_note>
                                            <span class="ann-list__note">{note.clone()}</span>
                                        </Show>
                                        <Show when=move || item.status != "exact">
                                            <span class="ann-status">{item.status}</span>
                                        </Show>
                                    </button>
                                </li>
                            }
                        }
                    </For>
                </ol>
                <Show when=move || { items.with(|(_, matching)| *matching) > shown.get() }>
                    <p class="ann-list__more">
                        <span>
                            {move || format!("Showing {} of {}.", shown.get(), items.with(|(_, matching)| *matching))}
                        </span>
                        " "
                        <button
                            type="button"
                            class="ann-button"
                            on:click=move |_| shown.update(|n| *n += LIST_PAGE)
                        >
                            {format!("Show {LIST_PAGE} more")}
                        </button>
                    </p>
                </Show>
            </Show>
        </section>
    }
}
