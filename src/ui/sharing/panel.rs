//! The Sharing panel (below the header) and the header's sharing button with its status:
//! "Shared · live", "offline — N changes waiting", "Sign in to share".

use super::context::{Status, use_sharing};
use super::engine;
use super::library;
use super::sign_in::{SignIn, SignedIn};
use super::watch;
use crate::ui::on_demand::{NotLoaded, OnDemand};
use crate::ui::state::use_app;
use leptos::prelude::*;

/// The status line a person reads in the header.
fn status_text(status: &Status, waiting: usize) -> String {
    let waiting_text = match waiting {
        0 => String::new(),
        1 => " — 1 change waiting".to_string(),
        n => format!(" — {n} changes waiting"),
    };
    match status {
        Status::Off => String::new(),
        Status::Connecting => format!("Connecting…{waiting_text}"),
        Status::Live if waiting > 0 => format!("Shared · sending{waiting_text}"),
        Status::Live => "Shared · live".to_string(),
        Status::Receiving(progress) => format!("Shared · {progress}"),
        Status::Offline(_) => format!("offline{waiting_text}"),
        Status::SignIn => format!("Sign in to share{waiting_text}"),
        Status::Stopped(why) => format!("Sharing stopped: {why}"),
        Status::NotLoaded => format!("Sharing could not load{waiting_text}"),
    }
}

#[component]
pub fn SharingButton() -> impl IntoView {
    let sharing = use_sharing();
    view! {
        <button
            type="button"
            class="ann-button"
            aria-expanded=move || sharing.panel_open.get().to_string()
            aria-controls="ann-sharing"
            on:click=move |_| sharing.panel_open.update(|open| *open = !*open)
        >
            "Sharing"
        </button>
    }
}

/// "offline — N changes waiting" and the like, beside the save state in the header, where
/// it shows on every screen size.
#[component]
pub fn SharingStatus() -> impl IntoView {
    let state = use_app();
    let sharing = use_sharing();
    let text = move || status_text(&sharing.status.get(), sharing.waiting.get());
    let title = move || match sharing.status.get() {
        Status::Offline(why) => why,
        Status::NotLoaded => NotLoaded.message(watch::ENGINE),
        _ => String::new(),
    };
    view! {
        <span class="ann-sharing-status" role="status" title=title data-sharing-status="">
            {text}
        </span>
        <Show when=move || sharing.status.with(|s| *s == Status::NotLoaded)>
            <button type="button" class="ann-button" on:click=move |_| watch::retry(state, sharing)>
                "Try again"
            </button>
        </Show>
    }
}

#[component]
pub fn SharingPanel() -> impl IntoView {
    let state = use_app();
    let sharing = use_sharing();
    // The panel's actions need the engine (fetched on demand): fetched alongside it.
    Effect::new(move |_| {
        if sharing.panel_open.get() {
            watch::load_engine(state, sharing, false);
        }
    });
    view! {
        <Show when=move || sharing.panel_open.get()>
            <section class="ann-sharing" id="ann-sharing" aria-labelledby="ann-sharing-title">
                <h2 class="ann-panel-heading" id="ann-sharing-title">"Sharing"</h2>
                <OnDemand what="the sharing panel" load=panel_on_demand />
            </section>
        </Show>
    }
}

/// The panel's sign-in, libraries and actions are fetched the first time it opens
/// (ui::on_demand); the engine that keeps a shared document live is a part of its own
/// (`watch.rs`), also fetched when a shared document is open.
#[leptos::wasm_split::wasm_split(sharing_panel, wasm_split_path = ::leptos::wasm_split, fallible)]
fn panel_on_demand() -> Result<AnyView, NotLoaded> {
    Ok(view! { <PanelBody /> }.into_any())
}

#[component]
fn PanelBody() -> impl IntoView {
    let state = use_app();
    let sharing = use_sharing();
    // Sharing from here needs the engine following the document (a no-op when it does).
    engine::install(state, sharing);
    if sharing.who.with_untracked(Option::is_some) {
        leptos::task::spawn_local(library::refresh(state, sharing));
    }
    let share = move |_| leptos::task::spawn_local(library::share_open_document(state, sharing));
    view! {
        {move || match sharing.who.get() {
            None => view! { <SignIn /> }.into_any(),
            Some(who) => view! { <SignedIn who /> <LibraryPicker /> }.into_any(),
        }}
        <Show when=move || sharing.who.with(Option::is_some)>
            <div class="ann-sharing__actions">
                {move || match sharing.shared_in.get() {
                    Some(library) => view! {
                        <p>"This document is shared in “" {library} "”. "
                            <button type="button" class="ann-button"
                                on:click=move |_| engine::unshare(state, sharing)>
                                "Stop sharing here"
                            </button>
                        </p>
                    }.into_any(),
                    None => view! {
                        <button type="button" class="ann-button" on:click=share>
                            "Share this document"
                        </button>
                    }.into_any(),
                }}
            </div>
        </Show>
    }
}

/// Choosing or naming a library, and the shared articles in it.
#[component]
fn LibraryPicker() -> impl IntoView {
    let state = use_app();
    let sharing = use_sharing();
    let refresh = move || leptos::task::spawn_local(library::refresh(state, sharing));
    view! {
        <label class="ann-sharing__library">
            "Shared library"
            <input type="text" list="ann-sharing-libraries" placeholder="desk"
                prop:value=move || sharing.library.get()
                on:change=move |ev| { sharing.library.set(event_target_value(&ev)); refresh(); } />
        </label>
        <datalist id="ann-sharing-libraries">
            <For each=move || sharing.libraries.get() key=|name| name.clone() let:name>
                <option value=name.clone()></option>
            </For>
        </datalist>
        <ul class="ann-sharing__articles" aria-label="Shared articles">
            <For each=move || sharing.articles.get() key=|a| a.document.clone() let:article>
                <li>
                    <span>{if article.title.trim().is_empty() { "Untitled article".to_string() } else { article.title.clone() }}</span>
                    " "
                    <button type="button" class="ann-button" on:click={
                        let id = article.document.clone();
                        move |_| leptos::task::spawn_local(library::open_shared(state, sharing, id.clone()))
                    }>"Open"</button>
                </li>
            </For>
        </ul>
    }
}
