//! Signing in to the server: CouchDB's cookie session (the password goes to the server and
//! is then forgotten), or on a server that lets anyone in, a name that is only a label.

use super::context::{Sharing, Who, use_sharing};
use super::library;
use crate::domain::sync::feed::Session;
use crate::ui::notices::notify;
use crate::ui::state::{NoticeKind, use_app};
use crate::ui::view_signal::ViewSignal;
use crate::web::storage;
use crate::web::sync as http;
use leptos::prelude::*;

async fn sign_in(
    state: crate::ui::state::AppState,
    sharing: Sharing,
    name: String,
    password: String,
) {
    let name = name.trim().to_string();
    if name.is_empty() {
        notify(state, NoticeKind::Error, "Type your name first", Vec::new());
        return;
    }
    let session = http::session().await;
    let who = match session {
        Ok(Session::AdminParty) => {
            if let Err(error) = storage::sync::set_sharing_name(&name) {
                notify(
                    state,
                    NoticeKind::Warning,
                    format!("Your name is not kept in this browser: {error}"),
                    Vec::new(),
                );
            }
            Who {
                name,
                open_server: true,
            }
        }
        Ok(_) => match http::sign_in(&name, &password).await {
            Ok(()) => Who {
                name,
                open_server: false,
            },
            Err(error) => {
                notify(
                    state,
                    NoticeKind::Error,
                    format!("Signing in failed: {error}"),
                    Vec::new(),
                );
                return;
            }
        },
        Err(error) => {
            notify(
                state,
                NoticeKind::Error,
                format!("Signing in failed: {error}"),
                Vec::new(),
            );
            return;
        }
    };
    sharing.who.set(Some(who));
    super::engine::resume(state, sharing);
    library::refresh(state, sharing).await;
}

#[component]
pub fn SignIn() -> impl IntoView {
    let state = use_app();
    let sharing = use_sharing();
    let name = ViewSignal::new(storage::sync::sharing_name().unwrap_or_default());
    let password = ViewSignal::new(String::new());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (n, p) = (name.get_untracked(), password.get_untracked());
        password.set(String::new());
        leptos::task::spawn_local(sign_in(state, sharing, n, p));
    };
    view! {
        <form class="ann-sharing__sign-in" on:submit=submit>
            <label>
                "Your name"
                <input type="text" autocomplete="username" prop:value=move || name.get()
                    on:input=move |ev| name.set(event_target_value(&ev)) />
            </label>
            <label>
                "Password"
                <input type="password" autocomplete="current-password" prop:value=move || password.get()
                    on:input=move |ev| password.set(event_target_value(&ev)) />
            </label>
            <button type="submit" class="ann-button">"Sign in"</button>
            <p class="ann-sharing__hint">
                "On a server that lets everyone in, leave the password empty: your name is then only a label that anyone could type."
            </p>
        </form>
    }
}

/// Who is signed in, and the way out.
#[component]
pub fn SignedIn(who: Who) -> impl IntoView {
    let sharing = use_sharing();
    let state = use_app();
    let sign_out = move |_| {
        sharing.who.set(None);
        leptos::task::spawn_local(async move {
            if let Err(error) = http::sign_out().await {
                notify(
                    state,
                    NoticeKind::Warning,
                    format!("Signing out on the server failed: {error}"),
                    Vec::new(),
                );
            }
        });
    };
    let label = if who.open_server {
        format!(
            "You are “{}” (this server lets everyone in: a name, not an account)",
            who.name
        )
    } else {
        format!("Signed in as {}", who.name)
    };
    view! {
        <p class="ann-sharing__who">
            {label} " "
            <button type="button" class="ann-button" on:click=sign_out>"Sign out"</button>
        </p>
    }
}
