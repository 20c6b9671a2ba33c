//! Export: the native JSON (with or without the article text), every interchange format,
//! and the whole library as one backup file. Files are made by the domain and handed to the
//! browser as downloads; nothing leaves the machine otherwise.

use crate::domain::format::native::native_download;
use crate::domain::interchange::{ExportFormat, Exported, export_with_report};
use crate::ui::notices;
use crate::ui::on_demand::{NotLoaded, OnDemand};
use crate::ui::state::{AppState, NoticeKind, use_app};
use crate::ui::view_signal::ViewSignal;
use crate::web::files;
use leptos::prelude::*;
use std::future::Future;
use std::pin::Pin;

fn offer(state: AppState, name: &str, mime: &str, contents: &[u8]) {
    match files::download_bytes(name, mime, contents) {
        Ok(()) => notices::announce(state, format!("Downloaded {name}")),
        Err(error) => notices::notify(
            state,
            NoticeKind::Error,
            notices::capitalise(&error.to_string()),
            Vec::new(),
        ),
    }
}

fn export_native(state: AppState, include_text: bool) {
    let (name, json) = state
        .editor
        .with_untracked(|e| native_download(e.document(), include_text));
    offer(state, &name, "application/json", json.as_bytes());
}

/// "Export JSON now", the not-saved banner's button: the open document's native file, with
/// its text. The native writer comes with saving's part (`ui::library::writer`), so this
/// waits for it; if it cannot be fetched, the person reads why, and the document stays open.
pub fn export_now(state: AppState) {
    let installed = crate::ui::library::writer::with_writer(Box::new(move |writer| match writer {
        Ok(writer) => {
            let (name, json) = state
                .editor
                .with_untracked(|e| (writer.native_file)(e.document()));
            offer(state, &name, "application/json", json.as_bytes());
            // Fetched for the export: the save that waited for it can run now too.
            crate::ui::library::persistence::flush(state);
        }
        Err(error) => notices::notify(
            state,
            NoticeKind::Error,
            format!(
                "Nothing exported. {} Your work stays open in this tab.",
                error.message("the JSON export")
            ),
            Vec::new(),
        ),
    }));
    if !installed {
        // Only the tests of the parts, which have no banner, leave saving uninstalled.
        notices::notify(
            state,
            NoticeKind::Error,
            "Nothing exported: this build has no saving.".to_string(),
            Vec::new(),
        );
    }
}

fn export_format(state: AppState, format: ExportFormat) {
    let exported = state
        .editor
        .with_untracked(|e| export_with_report(e.document(), format));
    offer_exported(state, exported);
}

fn offer_exported(state: AppState, exported: Exported) {
    match exported.download() {
        Ok(file) => offer(state, &file.name, &file.mime, &file.bytes),
        Err(error) => notices::notify(
            state,
            NoticeKind::Error,
            format!("Nothing exported: {error}"),
            Vec::new(),
        ),
    }
    if !exported.left_out.is_empty() {
        notices::notify(
            state,
            NoticeKind::Warning,
            format!(
                "{} left out of the export: this format has no room for an annotation without a place in the text",
                match exported.left_out.len() {
                    1 => "1 annotation".to_string(),
                    n => format!("{n} annotations"),
                }
            ),
            exported.left_out,
        );
    }
}

/// The menu's items, once the writers' part is fetched.
pub type ExportItemsLoading = Pin<Box<dyn Future<Output = Result<AnyView, NotLoaded>>>>;

/// Fetching the writers' part and making the menu's items.
pub type LoadExportItems = fn() -> ExportItemsLoading;

/// The main module's [`LoadExportItems`]: the header's menu is a part of its own, and a part
/// may not cross the writers' boundary (ARCHITECTURE.md, "Loading on demand").
pub fn export_items() -> ExportItemsLoading {
    Box::pin(export_on_demand())
}

/// The menu's items and the foreign-format writers (domain::interchange) are fetched the
/// first time the menu is opened (ui::on_demand): most visits export nothing. `items` is
/// [`export_items`].
#[component]
pub fn ExportMenu(items: LoadExportItems) -> impl IntoView {
    let opened = ViewSignal::new(false);
    view! {
        <details
            class="ann-menu"
            on:toggle=move |_| {
                if !opened.get_untracked() {
                    opened.set(true);
                }
            }
        >
            <summary class="ann-button">"Export"</summary>
            <div class="ann-menu__body" role="group" aria-label="Export">
                <Show when=move || opened.get()>
                    <OnDemand what="the export formats" load=move || items() />
                </Show>
            </div>
        </details>
    }
}

#[leptos::wasm_split::wasm_split(interchange_writers, wasm_split_path = ::leptos::wasm_split, fallible)]
fn export_on_demand() -> Result<AnyView, NotLoaded> {
    Ok(view! { <ExportItems /> }.into_any())
}

#[component]
fn ExportItems() -> impl IntoView {
    let state = use_app();
    let include_text = ViewSignal::new(true);
    view! {
        <label class="ann-check">
            <input
                type="checkbox"
                prop:checked=move || include_text.get()
                on:change=move |ev| include_text.set(event_target_checked(&ev))
            />
            "Include the article text"
        </label>
        <button
            type="button"
            class="ann-menu__item"
            on:click=move |_| export_native(state, include_text.get_untracked())
        >
            "Export JSON"
        </button>
        {ExportFormat::ALL
            .into_iter()
            .map(|format| {
                view! {
                    <button
                        type="button"
                        class="ann-menu__item"
                        on:click=move |_| export_format(state, format)
                    >
                        {format.button_label()}
                    </button>
                }
            })
            .collect_view()}
        <button
            type="button"
            class="ann-menu__item"
            on:click=move |_| crate::ui::library::persistence::export_library(state)
        >
            "Export library"
        </button>
    }
}
