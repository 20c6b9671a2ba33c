//! The top bar: the app's name, the open document's title, undo/redo, and the menu, the way
//! to everything else (menu.rs, a part fetched once the first frame is painted). On a phone
//! the bar is one row: the menu's groups fold behind one button, so the article keeps the
//! screen.

use crate::ui::actions;
use crate::ui::on_demand::OnDemand;
use crate::ui::shell::menu::{MenuCrossings, menu_on_demand};
use crate::ui::state::{SaveState, use_app};
use crate::ui::view_signal::ViewSignal;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// The id the menu button points at (`aria-controls`).
const MENU_ID: &str = "ann-header-menu";
/// The menu button, where focus returns when Escape closes the menu.
const MENU_BUTTON_ID: &str = "ann-header-menu-button";

#[component]
pub fn Header() -> impl IntoView {
    let state = use_app();
    let menu_open = ViewSignal::new(false);
    let painted = crate::ui::annotate::filling::after_first_paint();
    let menu_busy = ViewSignal::new(true);
    // The menu is a part; what it starts in other parts is reached through the main module.
    let crossings = MenuCrossings {
        import_files: crate::ui::transfer::import::import_file_list,
        open_exercise_files: crate::ui::classroom::open_exercise_files,
        export_items: crate::ui::transfer::export_menu::export_items,
    };
    let opening = move || state.save_state.with(|s| matches!(s, SaveState::Opening));
    let title = move || {
        if opening() {
            // The page is empty until the document is read: not an untitled article.
            return "Opening your document…".to_string();
        }
        state.editor.with(|e| {
            let t = e.document().metadata.title.trim().to_string();
            if t.is_empty() {
                "Untitled article".to_string()
            } else {
                t
            }
        })
    };
    // The second part is left out on phones, where the state shares a line with sharing's.
    let save_label = move || match state.save_state.get() {
        SaveState::Saved => ("Saved", " in this browser"),
        SaveState::Pending => ("Saving…", ""),
        SaveState::NotSaved(_) => ("Not saved", ""),
        SaveState::ReadOnly(_) => ("Read-only", ""),
        SaveState::Opening => ("", ""),
    };
    view! {
        <header
            class="ann-header"
            class:ann-header--menu-open=move || menu_open.get()
            on:keydown=move |ev| {
                if ev.key() == "Escape" && menu_open.get_untracked() {
                    menu_open.set(false);
                    crate::web::dom_focus::focus_by_id(MENU_BUTTON_ID);
                }
            }
        >
            <div class="ann-header__brand">
                <span class="ann-logo" aria-hidden="true">"❝"</span>
                <span class="ann-header__name">"Article Annotator"</span>
            </div>
            <div class="ann-header__doc">
                <span class="ann-header__title" title=title>{title}</span>
                <span class="ann-header__states">
                    <span class="ann-save-state" role="status">
                        {move || save_label().0}
                        <span class="ann-save-state__more">{move || save_label().1}</span>
                    </span>
                    <crate::ui::sharing::SharingStatus />
                </span>
            </div>
            <UndoRedo />
            <button
                type="button"
                id=MENU_BUTTON_ID
                class="ann-button ann-header__menu-button"
                aria-controls=MENU_ID
                aria-expanded=move || menu_open.get().to_string()
                on:click=move |_| menu_open.update(|open| *open = !*open)
            >
                <span aria-hidden="true">"☰"</span>
                <span class="ann-header__label">" Menu"</span>
            </button>
            <nav
                id=MENU_ID
                class="ann-header__actions"
                aria-label="App"
                aria-busy=move || menu_busy.get().to_string()
                on:click=move |ev| {
                    if chose_an_item(&ev) {
                        menu_open.set(false);
                    }
                }
            >
                <Show when=move || painted.get()>
                    <OnDemand
                        what="the app's menu"
                        load=move || menu_on_demand(crossings)
                        quiet=true
                        busy=menu_busy
                    />
                </Show>
            </nav>
        </header>
    }
}

/// Whether a click in the menu chose something (a button that does a thing), after which
/// the folded menu closes; opening the Export list or a file picker keeps it open.
fn chose_an_item(ev: &web_sys::MouseEvent) -> bool {
    let Some(target) = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
    else {
        return false;
    };
    let Ok(Some(button)) = target.closest("button") else {
        return false;
    };
    !matches!(button.closest("summary"), Ok(Some(_)))
}

#[component]
fn UndoRedo() -> impl IntoView {
    let state = use_app();
    let can_undo = move || state.editor.with(|e| e.can_undo());
    let can_redo = move || state.editor.with(|e| e.can_redo());
    view! {
        <div class="ann-header__edit" role="group" aria-label="Edit">
            <button
                type="button"
                class="ann-button"
                aria-keyshortcuts="Control+Z"
                prop:disabled=move || !can_undo()
                on:click=move |_| actions::undo(state)
            >
                <span class="ann-header__icon" aria-hidden="true">"↶"</span>
                <span class="ann-header__label">"Undo"</span>
            </button>
            <button
                type="button"
                class="ann-button"
                aria-keyshortcuts="Control+Shift+Z Control+Y"
                prop:disabled=move || !can_redo()
                on:click=move |_| actions::redo(state)
            >
                <span class="ann-header__icon" aria-hidden="true">"↷"</span>
                <span class="ann-header__label">"Redo"</span>
            </button>
        </div>
    }
}
