//! Keyboard-only annotating. The article takes focus (Tab, or the skip link) and shows a
//! reading cursor; arrow keys move it by character, word, sentence, line or paragraph, and
//! Shift (or Space to start and finish) selects, which proposes the range to the tag
//! toolbar exactly as a mouse selection does. Enter on a highlight opens its details.
//!
//! Keys reach [`handle_key`] from the app's one keydown listener (shortcuts.rs), before the
//! global shortcuts, so a key the cursor uses never also does something else.

use crate::domain::annotation::AnnotationId;
use crate::domain::text::Utf16Offset;
use crate::ui::actions;
use crate::ui::notices;
use crate::ui::state::{AppState, use_app};
use crate::ui::strings;
use crate::web::caret::{self, Direction, Step};
use crate::web::dom_selection;
use leptos::prelude::*;
use std::cell::Cell;
use wasm_bindgen::JsCast;

thread_local! {
    /// Space (or S) was pressed to start a selection: moves extend it until pressed again.
    static ANCHOR_DOWN: Cell<bool> = const { Cell::new(false) };
    /// The cursor's last UTF-16 offset, to put it back after the article re-renders.
    static LAST_OFFSET: Cell<usize> = const { Cell::new(0) };
}

/// The id of the hidden element that describes tag `tag` to assistive technology (marks
/// point at it with `aria-describedby`).
pub fn tag_description_id(tag: &str) -> String {
    let safe: String = tag
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("ann-tagdesc-{safe}")
}

/// The `aria-describedby` value for a mark covering annotations of `tags` (space-separated
/// tag ids, as in `data-tags`).
pub fn described_by(tags: &str) -> String {
    let mut ids: Vec<String> = Vec::new();
    for tag in tags.split(' ').filter(|t| !t.is_empty()) {
        let id = tag_description_id(tag);
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    ids.join(" ")
}

fn is_article(event: &web_sys::KeyboardEvent) -> Option<web_sys::Element> {
    let target = event.target()?.dyn_into::<web_sys::Element>().ok()?;
    target.has_attribute("data-article-text").then_some(target)
}

/// Makes sure the cursor is in the article (it is lost when the article re-renders or the
/// selection is cleared); puts it back where it was.
fn ensure_cursor(article: &web_sys::Element) {
    if !caret::selection_inside(article) {
        caret::place_at(article, LAST_OFFSET.with(Cell::get));
    }
}

fn remember_offset(article: &web_sys::Element) {
    if let Some(offset) = caret::focus_offset(article) {
        LAST_OFFSET.with(|c| c.set(offset));
    }
}

/// After a move: propose the selection to the toolbar (or drop a stale proposal), remember
/// where the cursor is and draw it.
fn after_move(state: AppState, article: &web_sys::Element, exact: bool) {
    match dom_selection::read_selection(article) {
        Ok(raw) => actions::propose_keyboard_selection(state, raw, exact),
        Err(_) => actions::drop_proposal(state),
    }
    remember_offset(article);
    caret::redraw(true);
}

fn move_for(key: &str, ctrl: bool) -> Option<(Direction, Step)> {
    Some(match key {
        "ArrowRight" if ctrl => (Direction::Right, Step::Word),
        "ArrowRight" => (Direction::Right, Step::Character),
        "ArrowLeft" if ctrl => (Direction::Left, Step::Word),
        "ArrowLeft" => (Direction::Left, Step::Character),
        "ArrowDown" if ctrl => (Direction::Forward, Step::Paragraph),
        "ArrowDown" => (Direction::Forward, Step::Line),
        "ArrowUp" if ctrl => (Direction::Backward, Step::Paragraph),
        "ArrowUp" => (Direction::Backward, Step::Line),
        "Home" if ctrl => (Direction::Backward, Step::DocumentBoundary),
        "Home" => (Direction::Backward, Step::LineBoundary),
        "End" if ctrl => (Direction::Forward, Step::DocumentBoundary),
        "End" => (Direction::Forward, Step::LineBoundary),
        ")" => (Direction::Forward, Step::Sentence),
        "(" => (Direction::Backward, Step::Sentence),
        _ => return None,
    })
}

/// Ctrl+Down / Ctrl+Up: to the start of the next (or this, or the previous) paragraph,
/// never onto the blank line between paragraphs, where the browser's own paragraph step stops.
fn step_paragraph(state: AppState, article: &web_sys::Element, extend: bool, forward: bool) {
    let Some(from) = caret::focus_offset(article) else {
        return;
    };
    let to = state.editor.with_untracked(|e| {
        crate::domain::selection::paragraph_step(&e.document().text, Utf16Offset(from), forward)
    });
    if extend {
        caret::extend_to(article, to.0);
    } else {
        caret::place_at(article, to.0);
    }
}

/// The annotations under the cursor, in the order the mark lists them.
fn annotations_at_cursor() -> Vec<AnnotationId> {
    caret::focus_element()
        .and_then(|e| e.closest("mark[data-ids]").ok().flatten())
        .and_then(|mark| mark.get_attribute("data-ids"))
        .map(|ids| {
            ids.split(' ')
                .filter(|s| !s.is_empty())
                .map(|s| AnnotationId(s.to_string()))
                .collect()
        })
        .unwrap_or_default()
}

/// Selects annotation `id` and moves focus into its details panel.
pub fn open_details(state: AppState, id: AnnotationId) {
    actions::reveal_annotation(state, id);
    set_timeout(
        || crate::web::dom_focus::focus_by_id_when_drawn("ann-details-heading"),
        std::time::Duration::from_millis(0),
    );
}

/// Moves focus to the article (after closing details or deleting from them).
pub fn focus_article() {
    if let Some(article) = caret::article()
        && let Ok(article) = article.dyn_into::<web_sys::HtmlElement>()
    {
        // Focus that cannot move stays where it was; no work is touched.
        let _ = article.focus();
    }
}

/// Handles a key pressed while the article has focus; returns whether it was used (then
/// the global shortcuts leave it alone).
pub fn handle_key(state: AppState, event: &web_sys::KeyboardEvent) -> bool {
    let Some(article) = is_article(event) else {
        return false;
    };
    let key = event.key();
    let ctrl = event.ctrl_key() || event.meta_key();
    if let Some((direction, step)) = move_for(&key, ctrl) {
        if event.alt_key() {
            return false;
        }
        ensure_cursor(&article);
        let sentence = matches!(step, Step::Sentence);
        let extend = ANCHOR_DOWN.with(Cell::get) || (event.shift_key() && !sentence);
        if !extend && !caret::is_collapsed() {
            caret::collapse_to_focus();
        }
        if step == Step::Paragraph {
            step_paragraph(state, &article, extend, direction == Direction::Forward);
        } else if step == Step::DocumentBoundary {
            // The browser's own step does not leave the paragraphs drawn so far.
            let to = match direction {
                Direction::Forward | Direction::Right => state
                    .editor
                    .with_untracked(|e| e.document().text.index().len_utf16()),
                Direction::Backward | Direction::Left => 0,
            };
            if extend {
                caret::extend_to(&article, to);
            } else {
                caret::place_at(&article, to);
            }
        } else {
            caret::step(extend, direction, step);
        }
        after_move(state, &article, false);
        event.prevent_default();
        return true;
    }
    match key.as_str() {
        " " | "s" | "S" if !ctrl && !event.alt_key() => {
            ensure_cursor(&article);
            if ANCHOR_DOWN.with(Cell::get) {
                ANCHOR_DOWN.with(|c| c.set(false));
                match state.pending.get_untracked() {
                    Some(pending) => {
                        let quote = state.editor.with_untracked(|e| {
                            crate::domain::describe::shorten(
                                e.document().text.slice(pending.range).unwrap_or(""),
                                60,
                            )
                        });
                        notices::announce(state, strings::selection_ready(&quote));
                    }
                    None => notices::announce(state, strings::SELECTION_CANCELLED),
                }
            } else {
                caret::collapse_to_focus();
                actions::drop_proposal(state);
                ANCHOR_DOWN.with(|c| c.set(true));
                notices::announce(state, strings::SELECTION_STARTED);
            }
            caret::redraw(false);
            event.prevent_default();
            true
        }
        "Escape" => {
            ANCHOR_DOWN.with(|c| c.set(false));
            if state.pending.get_untracked().is_some() || !caret::is_collapsed() {
                remember_offset(&article);
                actions::dismiss_selection(state);
                caret::place_at(&article, LAST_OFFSET.with(Cell::get));
                caret::redraw(false);
            } else if state.selected.get_untracked().is_some() {
                actions::select_annotation(state, None);
            } else {
                return false;
            }
            event.prevent_default();
            true
        }
        "Enter" if !ctrl => {
            ensure_cursor(&article);
            let ids = annotations_at_cursor();
            if ids.is_empty() {
                notices::announce(state, strings::NO_HIGHLIGHT_HERE);
            } else {
                // Several annotations under the cursor: each Enter opens the next one.
                let current = state.selected.get_untracked();
                let next = current
                    .and_then(|c| ids.iter().position(|i| *i == c))
                    .map(|i| (i + 1) % ids.len())
                    .unwrap_or(0);
                if let Some(id) = ids.get(next) {
                    open_details(state, id.clone());
                }
            }
            event.prevent_default();
            true
        }
        _ => false,
    }
}

/// The overlay caret and the hidden tag descriptions, beside (never inside) the article's
/// text; keeps the caret in place when the article re-renders or focus comes and goes.
#[component]
pub fn ReadingCursor() -> impl IntoView {
    let state = use_app();
    let tags = move || {
        state.editor.with(|e| {
            e.document()
                .tags
                .tags()
                .iter()
                .map(|t| (t.id.0.clone(), t.label.clone(), t.badge_letter()))
                .collect::<Vec<_>>()
        })
    };
    // Every change re-renders paragraphs: once the DOM has settled, put the cursor back if
    // the article still has focus.
    Effect::new(move |_| {
        state.changes.track();
        state.selected.track();
        set_timeout(
            || {
                let Some(article) = caret::article() else {
                    return;
                };
                let focused = web_sys::window()
                    .and_then(|w| w.document())
                    .and_then(|d| d.active_element())
                    .is_some_and(|a| a == article);
                if focused {
                    ensure_cursor(&article);
                }
                caret::redraw(false);
            },
            std::time::Duration::from_millis(0),
        );
    });
    install_selection_listener();
    view! {
        <div class="ann-caret" aria-hidden="true" hidden=""></div>
        <div hidden="">
            <p id="ann-article-help">{strings::ARTICLE_HELP}</p>
            <For each=tags key=|t| t.clone() let:tag>
                <span id=tag_description_id(&tag.0)>{format!("{} highlight", tag.1)}</span>
            </For>
        </div>
    }
}

/// Redraws the caret whenever the selection changes (mouse clicks, touch, keys), and when
/// the article gains or loses focus. Installed once for the page's lifetime.
fn install_selection_listener() {
    thread_local! {
        static INSTALLED: Cell<bool> = const { Cell::new(false) };
    }
    if INSTALLED.with(|c| c.replace(true)) {
        return;
    }
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let redraw = wasm_bindgen::closure::Closure::<dyn Fn()>::new(|| {
        // A click or a touch moves the cursor too: remember it, so the cursor comes back
        // there (not to an older keyboard position) after the article re-renders.
        if let Some(article) = caret::article()
            && caret::selection_inside(&article)
        {
            remember_offset(&article);
        }
        caret::redraw(false);
    });
    let callback = redraw.as_ref().unchecked_ref();
    // Adding a listener fails only on a detached target; the page keeps working without it.
    let _ = document.add_event_listener_with_callback("selectionchange", callback);
    let _ = document.add_event_listener_with_callback("focusin", callback);
    let _ = document.add_event_listener_with_callback("focusout", callback);
    // Lives as long as the page: the listeners are never removed.
    redraw.forget();
}

/// Puts the cursor at the article's start when it gains focus without a cursor in it.
pub fn on_article_focus() {
    if let Some(article) = caret::article() {
        ensure_cursor(&article);
        caret::redraw(false);
    }
}
