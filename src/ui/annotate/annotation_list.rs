//! The list of annotations in text order: the accessible view of the highlights. Each item
//! says its tag, quote and note; the list can be filtered by tag and searched by text (which
//! annotations match is the domain's `list_filter`).
//!
//! One memo per change builds what the list shows; each row and each tag chip is keyed by its
//! id and reads its own part of that memo, so an edit updates the rows it touches in place.
//!
//! The search compares text by Unicode's lower case. Its tables (about 6 KiB gzip) and the
//! list itself are not in the first paint: see [`list_on_demand`].

use crate::domain::annotation::{Annotation, AnnotationId};
use crate::domain::describe::shorten;
use crate::domain::document::Document;
use crate::domain::list_filter::filter_annotations;
use crate::domain::tag::TagId;
use crate::ui::actions;
use crate::ui::on_demand::NotLoaded;
use crate::ui::state::{SaveState, use_app};
use crate::ui::view_memo::ViewMemo;
use crate::ui::view_signal::ViewSignal;
use leptos::prelude::*;

/// How many list items are rendered at first, and added by "Show more". A list of 20,000
/// rendered at once took most of a big article's start-up and every change re-diffed it;
/// past a few hundred items nobody scrolls the list, they search or filter it.
const LIST_PAGE: usize = 200;

/// What one row shows.
#[derive(Clone, Default, PartialEq)]
struct Item {
    tag_label: String,
    badge: char,
    color: String,
    underline: &'static str,
    quote: String,
    note: String,
    status: &'static str,
}

impl Item {
    fn of(document: &Document, annotation: &Annotation) -> Self {
        let tag = document.tags.get(&annotation.tag);
        Item {
            tag_label: tag.map_or_else(|| annotation.tag.0.clone(), |t| t.label.clone()),
            badge: tag.map_or('?', |t| t.badge_letter()),
            color: tag.map_or_else(|| "#777777".into(), |t| t.color.clone()),
            underline: document.tags.underline(&annotation.tag).css_name(),
            quote: shorten(&annotation.quote, 120),
            note: shorten(&annotation.note, 100),
            status: annotation.anchor.name(),
        }
    }
}

/// The rows shown (the first page of the matches, in text order) and how many match in all.
#[derive(Clone, Default, PartialEq)]
struct Page {
    rows: Vec<(AnnotationId, Item)>,
    matching: usize,
}

impl Page {
    fn item(&self, id: &AnnotationId) -> Item {
        self.rows
            .iter()
            .find(|(row, _)| row == id)
            .map(|(_, item)| item.clone())
            .unwrap_or_default()
    }
}

/// One tag's chip in the filter row.
#[derive(Clone, Default, PartialEq)]
struct Chip {
    label: String,
    color: String,
    count: usize,
}

/// The sidebar below the selected annotation's details: the list with its filters and search,
/// the Tags section `tags` and the article's details. They are a part (`annotation_list`)
/// fetched once the article's first frame is painted: they waited for that frame already
/// (building them took a third of a long article's time to its first screenful), and now
/// their code waits with them. `tags` is made by the caller because the tags' list is a part
/// of its own, whose boundary a part must not cross (ARCHITECTURE.md).
#[leptos::wasm_split::wasm_split(annotation_list, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn list_on_demand(tags: AnyView) -> Result<AnyView, NotLoaded> {
    Ok(view! {
        <AnnotationList />
        {tags}
        <crate::ui::annotate::document_details::DocumentDetails />
    }
    .into_any())
}

#[component]
pub fn AnnotationList() -> impl IntoView {
    let state = use_app();
    let shown = ViewSignal::new(LIST_PAGE);
    let page = ViewMemo::new(move |_| {
        let limit = shown.get();
        state.filter.with(|filter| {
            state.editor.with(|e| {
                let document = e.document();
                let list = filter_annotations(document, filter, limit);
                Page {
                    rows: list
                        .shown
                        .iter()
                        .map(|a| (a.id.clone(), Item::of(document, a)))
                        .collect(),
                    matching: list.matching,
                }
            })
        })
    });
    let total = ViewMemo::new(move |_| state.editor.with(|e| e.document().annotations.len()));
    view! {
        <section class="ann-list" aria-labelledby="ann-list-heading">
            <h2 id="ann-list-heading" class="ann-panel-heading">
                "Annotations " <span class="ann-count">{move || total.get()}</span>
            </h2>
            <TagFilters />
            <SearchField />
            <Show
                when=move || page.with(|p| p.matching > 0)
                fallback=move || view! { <EmptyList total=total /> }
            >
                <ol class="ann-list__items">
                    <For
                        each=move || page.with(|p| p.rows.iter().map(|(id, _)| id.clone()).collect::<Vec<_>>())
                        key=|id| id.clone()
                        let:id
                    >
                        <ListRow id=id page=page />
                    </For>
                </ol>
                <ShowMore shown=shown page=page />
            </Show>
        </section>
    }
}

/// A chip per tag that hides or shows its annotations, with its count.
#[component]
fn TagFilters() -> impl IntoView {
    let state = use_app();
    let chips = ViewMemo::new(move |_| {
        state.editor.with(|e| {
            let document = e.document();
            let counts = document.counts_by_tag();
            document
                .tags
                .tags()
                .iter()
                .map(|t| {
                    let chip = Chip {
                        label: t.label.clone(),
                        color: t.color.clone(),
                        count: counts.get(&t.id).copied().unwrap_or(0),
                    };
                    (t.id.clone(), chip)
                })
                .collect::<Vec<_>>()
        })
    });
    view! {
        <div class="ann-list__filters" role="group" aria-label="Show tags">
            <For
                each=move || chips.with(|c| c.iter().map(|(id, _)| id.clone()).collect::<Vec<_>>())
                key=|id| id.clone()
                let:id
            >
                <TagChip id=id chips=chips />
            </For>
        </div>
    }
}

#[component]
fn TagChip(id: TagId, chips: ViewMemo<Vec<(TagId, Chip)>>) -> impl IntoView {
    let state = use_app();
    let chip = {
        let id = id.clone();
        ViewMemo::new(move |_| {
            chips.with(|c| {
                c.iter()
                    .find(|(tag, _)| *tag == id)
                    .map(|(_, chip)| chip.clone())
                    .unwrap_or_default()
            })
        })
    };
    let pressed = {
        let id = id.clone();
        move || state.filter.with(|f| f.shows_tag(&id)).to_string()
    };
    view! {
        <button
            type="button"
            class="ann-chip"
            style=move || chip.with(|c| format!("--ann-tag:{}", c.color))
            aria-pressed=pressed
            on:click=move |_| state.filter.update(|f| f.toggle_tag(id.clone()))
        >
            <span class="ann-chip__dot" aria-hidden="true"></span>
            {move || chip.with(|c| c.label.clone())}
            <span class="ann-chip__count">{move || chip.with(|c| c.count)}</span>
        </button>
    }
}

#[component]
fn SearchField() -> impl IntoView {
    let state = use_app();
    view! {
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
    }
}

#[component]
fn EmptyList(total: ViewMemo<usize>) -> impl IntoView {
    let state = use_app();
    // While a returning visit waits for the reader of stored entries, no article is shown yet:
    // telling the person to select text in it would be wrong.
    let opening = move || state.save_state.with(|s| matches!(s, SaveState::Opening));
    view! {
        <p class="ann-empty">
            {move || {
                if opening() {
                    "Your annotations appear here once the document is open."
                } else if total.get() == 0 {
                    "Select text in the article, then choose Claim, Source or Entity (or press 1, 2, 3)."
                } else {
                    "No annotation matches the filter."
                }
            }}
        </p>
    }
}

/// One annotation of the list: reveals it in the article on click, opens its details on Enter.
#[component]
fn ListRow(id: AnnotationId, page: ViewMemo<Page>) -> impl IntoView {
    let state = use_app();
    let item = {
        let id = id.clone();
        ViewMemo::new(move |_| page.with(|p| p.item(&id)))
    };
    let selected = {
        let id = id.clone();
        ViewMemo::new(move |_| state.selected.with(|s| s.as_ref() == Some(&id)))
    };
    let id_for_key = id.clone();
    let id_for_click = id.clone();
    view! {
        <li class="ann-list__item" class:ann-list__item--selected=move || selected.get()>
            <button
                type="button"
                class="ann-list__button"
                style=move || item.with(|i| format!("--ann-tag:{};--ann-underline:{}", i.color, i.underline))
                aria-current=move || if selected.get() { Some("true") } else { None }
                data-annotation-id=id.0.clone()
                on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                    if ev.key() == "Enter" {
                        ev.prevent_default();
                        crate::ui::annotate::reading_cursor::open_details(state, id_for_key.clone());
                    }
                }
                on:click=move |_| actions::reveal_annotation(state, id_for_click.clone())
            >
                <span class="ann-badge" aria-hidden="true">{move || item.with(|i| i.badge.to_string())}</span>
                <span class="ann-visually-hidden">{move || item.with(|i| format!("{}: ", i.tag_label))}</span>
                <span class="ann-list__quote">{move || item.with(|i| format!("“{}”", i.quote))}</span>
                <Show when=move || item.with(|i| !i.note.is_empty())>
                    <span class="ann-list__note">{move || item.with(|i| i.note.clone())}</span>
                </Show>
                <Show when=move || item.with(|i| i.status != "exact")>
                    <span class="ann-status">{move || item.with(|i| i.status)}</span>
                </Show>
            </button>
        </li>
    }
}

/// "Showing 200 of 1234. Show 200 more" under a list longer than what is shown.
#[component]
fn ShowMore(shown: ViewSignal<usize>, page: ViewMemo<Page>) -> impl IntoView {
    view! {
        <Show when=move || { page.with(|p| p.matching) > shown.get() }>
            <p class="ann-list__more">
                <span>
                    {move || format!("Showing {} of {}.", shown.get(), page.with(|p| p.matching))}
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
    }
}
