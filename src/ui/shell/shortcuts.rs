//! Keyboard shortcuts for the whole app. They never fire while the user types in a field,
//! except Escape, which always closes what is open. Their listener is installed with the
//! annotating tools (ui::annotate::tools), once that part is here.

use crate::domain::tag::TagId;
use crate::ui::actions;
use crate::ui::dialog::Dialog;
use crate::ui::on_demand::{NotLoaded, OnDemand};
use crate::ui::state::{AppState, use_app};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// The shortcuts, for the help sheet: keys and what they do.
pub const SHORTCUTS: &[(&str, &str)] = &[
    (
        "Tab / Shift+Tab",
        "Move between the article, the tag buttons, the annotation list and the panels",
    ),
    (
        "← → in the article",
        "Move the reading cursor by a character",
    ),
    ("Ctrl+← Ctrl+→", "Move by a word"),
    ("( and )", "Move to the previous / next sentence"),
    ("↑ ↓", "Move by a line"),
    ("Ctrl+↑ Ctrl+↓", "Move to the previous / next paragraph"),
    (
        "Home / End",
        "Move to the start / end of the line (with Ctrl: of the article)",
    ),
    ("Shift + any move", "Select from the cursor"),
    (
        "Space or S",
        "Start a selection at the cursor; press again to finish it",
    ),
    (
        "1, 2, 3 …",
        "Tag the selected text with the tag that has this key",
    ),
    (
        "Enter on a highlight or list item",
        "Open its details (press again for the next of overlapping highlights)",
    ),
    ("J / K", "Select the next / previous annotation"),
    ("Delete", "Delete the selected annotation"),
    ("Ctrl+Z (⌘Z)", "Undo"),
    ("Ctrl+Shift+Z or Ctrl+Y", "Redo"),
    (
        "Escape",
        "Cancel the selection, close details, a menu or a dialog",
    ),
    (
        "L",
        "Link the selected annotation to another (then click it, or pick it from the list)",
    ),
    (
        "Alt while selecting",
        "Exact characters instead of whole words",
    ),
    ("?", "Show this list"),
];

/// Whether the key went to a text field (where shortcuts must not fire).
pub(crate) fn typing_in_field(event: &web_sys::KeyboardEvent) -> bool {
    let Some(target) = event
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
    else {
        return false;
    };
    let tag = target.tag_name().to_ascii_lowercase();
    matches!(tag.as_str(), "input" | "textarea" | "select")
        || target
            .closest("[contenteditable=true]")
            .ok()
            .flatten()
            .is_some()
}

fn step_selection(state: AppState, forward: bool) {
    let ids: Vec<_> = state.editor.with_untracked(|e| {
        e.document()
            .annotations_in_text_order()
            .into_iter()
            .map(|a| a.id.clone())
            .collect()
    });
    if ids.is_empty() {
        return;
    }
    let current = state
        .selected
        .get_untracked()
        .and_then(|id| ids.iter().position(|i| *i == id));
    let next = match (current, forward) {
        (None, true) => 0,
        (None, false) => ids.len() - 1,
        (Some(i), true) => (i + 1).min(ids.len() - 1),
        (Some(i), false) => i.saturating_sub(1),
    };
    if let Some(id) = ids.get(next) {
        actions::reveal_annotation(state, id.clone());
    }
}

pub fn handle(state: AppState, event: &web_sys::KeyboardEvent) {
    if crate::ui::annotate::reading_cursor::handle_key(state, event) {
        return;
    }
    let key = event.key();
    if key == "Escape" {
        state.show_help.set(false);
        if state.pending.get_untracked().is_some() || state.chooser.get_untracked().is_some() {
            actions::dismiss_selection(state);
            event.prevent_default();
        }
        return;
    }
    if typing_in_field(event) {
        return;
    }
    let command = event.ctrl_key() || event.meta_key();
    if command && !event.alt_key() {
        match key.to_ascii_lowercase().as_str() {
            "z" if event.shift_key() => actions::redo(state),
            "z" => actions::undo(state),
            "y" => actions::redo(state),
            _ => return,
        }
        event.prevent_default();
        return;
    }
    if command || event.alt_key() {
        return;
    }
    match key.as_str() {
        "?" => state.show_help.set(true),
        "Delete" | "Backspace" => {
            if let Some(id) = state.selected.get_untracked() {
                actions::delete_annotation(state, id);
            } else {
                return;
            }
        }
        "j" | "J" => step_selection(state, true),
        "k" | "K" => step_selection(state, false),
        other => {
            let mut chars = other.chars();
            let (Some(c), None) = (chars.next(), chars.next()) else {
                return;
            };
            let tag: Option<TagId> = state
                .editor
                .with_untracked(|e| e.document().tags.by_key(c).map(|t| t.id.clone()));
            let Some(tag) = tag else { return };
            if state.pending.get_untracked().is_none() {
                return;
            }
            actions::tag_selection(state, tag);
        }
    }
    event.prevent_default();
}

/// The help sheet, fetched the first time it is asked for (ui::on_demand).
#[component]
pub fn HelpSheet() -> impl IntoView {
    let state = use_app();
    view! {
        <Show when=move || state.show_help.get()>
            <OnDemand what="the keyboard shortcuts" load=help_on_demand />
        </Show>
    }
}

#[leptos::wasm_split::wasm_split(help_sheet, wasm_split_path = ::leptos::wasm_split, fallible)]
fn help_on_demand() -> Result<AnyView, NotLoaded> {
    Ok(view! { <HelpDialog /> }.into_any())
}

#[component]
fn HelpDialog() -> impl IntoView {
    let state = use_app();
    view! {
            <Dialog
                labelled_by="ann-help-title"
                on_close=move || state.show_help.set(false)
                initial_focus="#ann-help-close"
            >
                <h2 id="ann-help-title">"Keyboard shortcuts"</h2>
                <dl class="ann-shortcuts">
                    {SHORTCUTS
                        .iter()
                        .map(|(keys, what)| view! { <dt><kbd>{*keys}</kbd></dt><dd>{*what}</dd> })
                        .collect_view()}
                </dl>
                <button
                    type="button"
                    class="ann-button"
                    id="ann-help-close"
                    on:click=move |_| state.show_help.set(false)
                >
                    "Close"
                </button>
            </Dialog>
    }
}
