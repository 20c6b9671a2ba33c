//! The top bar: the app's name, the open document's title, undo/redo, and the way to the
//! other screens (new article, library) and to import/export.

use crate::ui::actions;
use crate::ui::state::{SaveState, Screen, use_app};
use leptos::prelude::*;

#[component]
pub fn Header() -> impl IntoView {
    let state = use_app();
    let title = move || {
        state.editor.with(|e| {
            let t = e.document().metadata.title.trim().to_string();
            if t.is_empty() {
                "Untitled article".to_string()
            } else {
                t
            }
        })
    };
    let can_undo = move || state.editor.with(|e| e.can_undo());
    let can_redo = move || state.editor.with(|e| e.can_redo());
    let save_label = move || match state.save_state.get() {
        SaveState::Saved => "Saved in this browser",
        SaveState::Pending => "Saving…",
        SaveState::NotSaved(_) => "Not saved",
        SaveState::ReadOnly(_) => "Read-only",
    };
    view! {
        <header class="ann-header">
            <div class="ann-header__brand">
                <span class="ann-logo" aria-hidden="true">"❝"</span>
                <span class="ann-header__name">"Article Annotator"</span>
            </div>
            <div class="ann-header__doc">
                <span class="ann-header__title" title=title>{title}</span>
                <span class="ann-save-state" role="status">{save_label}</span>
            </div>
            <nav class="ann-header__actions" aria-label="Document">
                <button
                    type="button"
                    class="ann-button"
                    aria-keyshortcuts="Control+Z"
                    prop:disabled=move || !can_undo()
                    on:click=move |_| actions::undo(state)
                >
                    "Undo"
                </button>
                <button
                    type="button"
                    class="ann-button"
                    aria-keyshortcuts="Control+Shift+Z Control+Y"
                    prop:disabled=move || !can_redo()
                    on:click=move |_| actions::redo(state)
                >
                    "Redo"
                </button>
                <button
                    type="button"
                    class="ann-button"
                    aria-pressed=move || (state.screen.get() == Screen::LoadArticle).to_string()
                    on:click=move |_| state.screen.set(Screen::LoadArticle)
                >
                    "New article"
                </button>
                <button
                    type="button"
                    class="ann-button"
                    aria-pressed=move || (state.screen.get() == Screen::Library).to_string()
                    on:click=move |_| state.screen.set(Screen::Library)
                >
                    "Library"
                </button>
                <crate::ui::sharing::SharingButton />
                <crate::ui::classroom::HeaderControls />
                <crate::ui::factcheck::ReportButton />
                <crate::ui::transfer::export_menu::ExportMenu />
                <crate::ui::shell::theme::ThemeSwitch />
                <crate::ui::transfer::import::ImportControl />
                <button
                    type="button"
                    class="ann-icon-button"
                    aria-label="Keyboard shortcuts"
                    aria-keyshortcuts="?"
                    on:click=move |_| state.show_help.set(true)
                >
                    "?"
                </button>
            </nav>
        </header>
    }
}
