//! The header's menu: the app's ways to everything else, in groups by what people do
//! (articles, fact-checking, classroom, files, view). No first frame needs them, and their
//! views were a fortieth of what a browser fetched before the first paint; so they are a part
//! (`app_menu`, ui::on_demand), fetched once the first frame is painted, with the annotating
//! tools. Until it is here the menu reads `aria-busy` (header.rs).
//!
//! Three of its controls start what other parts do (importing, opening an exercise, the
//! Export menu's items). A part may not cross another part's boundary (ARCHITECTURE.md,
//! "Loading on demand"), so the main module hands the part those three ways in as function
//! pointers: [`MenuCrossings`].

use crate::ui::classroom::{HeaderControls, OpenExerciseFiles};
use crate::ui::on_demand::NotLoaded;
use crate::ui::state::{Screen, use_app};
use crate::ui::transfer::export_menu::{ExportMenu, LoadExportItems};
use crate::ui::transfer::import::{ImportControl, ImportFiles};
use leptos::prelude::*;

/// What the menu starts in other parts, reached through the main module.
#[derive(Clone, Copy)]
pub struct MenuCrossings {
    pub import_files: ImportFiles,
    pub open_exercise_files: OpenExerciseFiles,
    pub export_items: LoadExportItems,
}

/// The menu's groups.
#[leptos::wasm_split::wasm_split(app_menu, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn menu_on_demand(crossings: MenuCrossings) -> Result<AnyView, NotLoaded> {
    let state = use_app();
    Ok(view! {
        <Group label="Articles">
            <ScreenButton screen=Screen::LoadArticle label="New article" />
            <ScreenButton screen=Screen::Library label="Library" />
            <crate::ui::sharing::SharingButton />
        </Group>
        <Group label="Fact-check">
            <crate::ui::factcheck::ReportButton />
        </Group>
        <Group label="Classroom">
            <HeaderControls open_files=crossings.open_exercise_files />
        </Group>
        <Group label="Files">
            <ImportControl import=crossings.import_files />
            <ExportMenu items=crossings.export_items />
        </Group>
        <Group label="View">
            <crate::ui::shell::theme::ThemeSwitch />
            <button
                type="button"
                class="ann-icon-button"
                aria-label="Keyboard shortcuts"
                aria-keyshortcuts="?"
                on:click=move |_| state.show_help.set(true)
            >
                "?"
            </button>
        </Group>
    }
    .into_any())
}

/// One group of the bar: a labelled set of controls (the label shows in the phone menu;
/// on wider screens a divider separates the groups and the label is for screen readers).
#[component]
fn Group(label: &'static str, children: Children) -> impl IntoView {
    view! {
        <div class="ann-header__group" role="group" aria-label=label>
            <span class="ann-header__group-label" aria-hidden="true">{label}</span>
            {children()}
        </div>
    }
}

/// A button that shows one of the app's screens, pressed while it is shown.
#[component]
fn ScreenButton(screen: Screen, label: &'static str) -> impl IntoView {
    let state = use_app();
    view! {
        <button
            type="button"
            class="ann-button"
            aria-pressed=move || (state.screen.get() == screen).to_string()
            on:click=move |_| state.screen.set(screen)
        >
            {label}
        </button>
    }
}
