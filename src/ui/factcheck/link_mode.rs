//! Link mode: after "Link…" (or the `L` key) the next click on a highlight in the article
//! picks the annotation to link to. While it lasts, clicks on highlights are taken before the
//! article sees them (so they neither select nor start a text selection), a banner says what
//! to do, and when the click leaves a choice of kinds a small menu offers them.
//!
//! It comes with the details panel's part (`ui::on_demand`), mounted once that part is here:
//! link mode starts from a selected annotation, and picks from the candidates that panel lists.

use crate::domain::annotation::{AnnotationId, RelationId};
use crate::domain::command::Command;
use crate::domain::factcheck::linking::{LinkOption, link_options, option_phrase};
use crate::ui::actions;
use crate::ui::factcheck::context::{FactCheck, KindMenu, LinkMode, short_quote, use_fact_check};
use crate::ui::notices;
use crate::ui::state::{AppState, NoticeKind, use_app};
use crate::web::clock;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

pub fn start_link(state: AppState, fact_check: FactCheck, start: AnnotationId) {
    let exists = state
        .editor
        .with_untracked(|e| e.document().annotation(&start).is_some());
    if !exists {
        return;
    }
    actions::close_chooser(state);
    actions::drop_proposal(state);
    fact_check.link.set(Some(LinkMode { start, menu: None }));
    notices::announce(
        state,
        "Link mode: click the highlight to link to, or choose it in the list. Escape cancels.",
    );
}

pub fn cancel_link(state: AppState, fact_check: FactCheck) {
    if fact_check.link.get_untracked().is_some() {
        fact_check.link.set(None);
        notices::announce(state, "Linking cancelled");
    }
}

pub fn apply_link(state: AppState, fact_check: FactCheck, option: LinkOption) {
    fact_check.link.set(None);
    actions::execute(
        state,
        Command::AddRelation {
            id: RelationId(clock::new_id("r")),
            kind: option.kind,
            from: option.from,
            to: option.to,
        },
    );
    // The candidate that was chosen goes with link mode; rather than leave focus on the page
    // body, give it to the details panel of the annotation the link was made from.
    set_timeout(
        || {
            if crate::web::focus_trap::active_element().is_none() {
                crate::web::dom_focus::focus_by_id("ann-details-heading");
            }
        },
        std::time::Duration::from_millis(0),
    );
}

/// A click on the highlight whose `mark` carries `ids`, at (x, y), while linking from `start`.
fn chose_target(
    state: AppState,
    fact_check: FactCheck,
    start: AnnotationId,
    ids: Vec<AnnotationId>,
    x: f64,
    y: f64,
) {
    let options: Vec<LinkOption> = state.editor.with_untracked(|e| {
        ids.iter()
            .flat_map(|target| link_options(e.document(), &start, target))
            .collect()
    });
    match options.as_slice() {
        [] => {
            let only_itself = ids.iter().all(|id| *id == start);
            let text = if only_itself {
                "That is the annotation you are linking from; click another highlight, or press Escape"
            } else {
                "This highlight cannot be linked to that one (or is linked already); click another, or press Escape"
            };
            notices::notify(state, NoticeKind::Info, text, Vec::new());
        }
        [only] => apply_link(state, fact_check, only.clone()),
        _ => fact_check.link.set(Some(LinkMode {
            start,
            menu: Some(KindMenu { options, x, y }),
        })),
    }
}

use crate::ui::shell::shortcuts::typing_in_field;

/// The highlight a pointer event is on, inside the article: its annotation ids.
fn mark_under(event: &web_sys::Event) -> Option<Vec<AnnotationId>> {
    let element = event.target()?.dyn_into::<web_sys::Element>().ok()?;
    element.closest("[data-article-text]").ok().flatten()?;
    let mark = element.closest("mark[data-ids]").ok().flatten()?;
    Some(
        mark.get_attribute("data-ids")
            .unwrap_or_default()
            .split(' ')
            .filter(|s| !s.is_empty())
            .map(|s| AnnotationId(s.to_string()))
            .collect(),
    )
}

fn in_article(event: &web_sys::Event) -> bool {
    event
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .and_then(|e| e.closest("[data-article-text]").ok().flatten())
        .is_some()
}

/// Listens on the window in the capture phase, so link mode sees article clicks first.
/// Installed once with the layer, which lives as long as the app once mounted.
fn install_pointer_capture(state: AppState, fact_check: FactCheck) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let on_down = Closure::<dyn Fn(web_sys::MouseEvent)>::new(move |ev: web_sys::MouseEvent| {
        if fact_check.link.get_untracked().is_none() || !in_article(&ev) {
            return;
        }
        // No text selection starts, and the article does not treat this as its click.
        ev.prevent_default();
        ev.stop_propagation();
    });
    let on_up = Closure::<dyn Fn(web_sys::MouseEvent)>::new(move |ev: web_sys::MouseEvent| {
        let Some(mode) = fact_check.link.get_untracked() else {
            return;
        };
        if !in_article(&ev) {
            return;
        }
        ev.stop_propagation();
        ev.prevent_default();
        if let Some(ids) = mark_under(&ev) {
            chose_target(
                state,
                fact_check,
                mode.start,
                ids,
                ev.client_x() as f64,
                ev.client_y() as f64,
            );
        }
    });
    let on_click = Closure::<dyn Fn(web_sys::MouseEvent)>::new(move |ev: web_sys::MouseEvent| {
        if fact_check.link.get_untracked().is_some() && in_article(&ev) {
            ev.stop_propagation();
        }
    });
    for (name, listener) in [
        ("mousedown", &on_down),
        ("mouseup", &on_up),
        ("click", &on_click),
    ] {
        // Adding a listener fails only on a detached target; the page keeps working without it.
        let _ = window.add_event_listener_with_callback_and_bool(
            name,
            listener.as_ref().unchecked_ref(),
            true,
        );
    }
    // The listeners live as long as the page: the layer is mounted once for the app.
    on_down.forget();
    on_up.forget();
    on_click.forget();
}

fn handle_key(state: AppState, fact_check: FactCheck, event: &web_sys::KeyboardEvent) {
    let key = event.key();
    if key == "Escape" {
        let Some(mode) = fact_check.link.get_untracked() else {
            return;
        };
        event.prevent_default();
        if mode.menu.is_some() {
            fact_check.link.set(Some(LinkMode {
                start: mode.start,
                menu: None,
            }));
        } else {
            cancel_link(state, fact_check);
        }
        return;
    }
    if typing_in_field(event) || event.ctrl_key() || event.meta_key() || event.alt_key() {
        return;
    }
    if key == "l" || key == "L" {
        if fact_check.report_open.get_untracked() {
            return;
        }
        if let Some(selected) = state.selected.get_untracked() {
            event.prevent_default();
            start_link(state, fact_check, selected);
        }
    }
}

#[component]
pub fn LinkModeLayer() -> impl IntoView {
    let state = use_app();
    let fact_check = use_fact_check();
    install_pointer_capture(state, fact_check);
    let keys = window_event_listener(leptos::ev::keydown, move |event| {
        handle_key(state, fact_check, &event)
    });
    on_cleanup(move || keys.remove());

    // The article shows it is waiting for a click.
    Effect::new(move |_| {
        let linking = fact_check.link.with(|l| l.is_some());
        if let Some(body) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.body())
        {
            // A class the browser refuses only changes how something looks; no work is touched.
            let _ = body.class_list().toggle_with_force("ann-linking", linking);
        }
    });
    // Link mode ends when its annotation goes away (deleted, undone) or the selection moves.
    Effect::new(move |_| {
        let selected = state.selected.get();
        let start = fact_check
            .link
            .with(|l| l.as_ref().map(|l| l.start.clone()));
        let Some(start) = start else { return };
        let exists = state
            .editor
            .with(|e| e.document().annotation(&start).is_some());
        if !exists || selected.as_ref() != Some(&start) {
            fact_check.link.set(None);
        }
    });

    // It also ends when the document changes under it (an undo, a redo, any edit) or the
    // list is searched: the person has moved on to something else.
    Effect::new(move |previous: Option<(u64, String)>| {
        let now = (state.changes.get(), state.filter.with(|f| f.search.clone()));
        if previous.is_some_and(|p| p != now) {
            cancel_link(state, fact_check);
        }
        now
    });

    let from_quote = move || {
        fact_check
            .link
            .with(|l| l.as_ref().map(|l| l.start.clone()))
            .map(|start| state.editor.with(|e| short_quote(e.document(), &start)))
            .unwrap_or_default()
    };
    view! {
        <Show when=move || fact_check.link.with(|l| l.is_some())>
            <div class="ann-link-banner" role="status">
                <span class="ann-link-banner__icon" aria-hidden="true">"⤳"</span>
                <span class="ann-link-banner__text">
                    <strong>"Click the highlight to link to, or press Escape"</strong>
                    <span class="ann-link-banner__from">{move || format!("Linking from “{}”", from_quote())}</span>
                </span>
                <button type="button" class="ann-button ann-button--small" on:click=move |_| cancel_link(state, fact_check)>
                    "Cancel"
                </button>
            </div>
        </Show>
        {move || {
            let mode = fact_check.link.get()?;
            let menu = mode.menu?;
            Some(view! { <KindMenuView start=mode.start menu=menu /> })
        }}
    }
}

#[component]
fn KindMenuView(start: AnnotationId, menu: KindMenu) -> impl IntoView {
    let state = use_app();
    let fact_check = use_fact_check();
    let menu_ref = NodeRef::<leptos::html::Div>::new();
    Effect::new(move |_| {
        if let Some(menu) = menu_ref.get() {
            let first = menu
                .query_selector("button")
                .ok()
                .flatten()
                .and_then(|b| b.dyn_into::<web_sys::HtmlElement>().ok());
            if let Some(first) = first {
                // Focus that cannot move stays where it was; no work is touched.
                let _ = first.focus();
            }
        }
    });
    let width = web_sys::window()
        .and_then(|w| w.inner_width().ok())
        .and_then(|w| w.as_f64())
        .unwrap_or(1024.0);
    let left = menu.x.min(width - 280.0).max(8.0);
    let style = format!("left: {left:.0}px; top: {:.0}px;", menu.y + 12.0);
    let items: Vec<(LinkOption, String, String)> = state.editor.with_untracked(|e| {
        let doc = e.document();
        menu.options
            .iter()
            .map(|option| {
                let target = if option.from == start {
                    &option.to
                } else {
                    &option.from
                };
                let quote = doc
                    .annotation(target)
                    .map(|a| crate::domain::describe::shorten(&a.quote, 40))
                    .unwrap_or_default();
                (option.clone(), option_phrase(doc, &start, option), quote)
            })
            .collect()
    });
    view! {
        <div class="ann-kind-menu" role="menu" aria-label="Kind of link" style=style node_ref=menu_ref>
            <p class="ann-kind-menu__title" aria-hidden="true">"Link as…"</p>
            {items
                .into_iter()
                .map(|(option, phrase, quote)| {
                    view! {
                        <button
                            type="button"
                            role="menuitem"
                            class="ann-menu__item ann-kind-menu__item"
                            on:click=move |_| apply_link(state, fact_check, option.clone())
                        >
                            <span>{phrase}</span>
                            <span class="ann-kind-menu__quote">{format!("“{quote}”")}</span>
                        </button>
                    }
                })
                .collect_view()}
        </div>
    }
}
