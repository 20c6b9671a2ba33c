//! A class through the sharing server, what the person sees: the teacher's "Set up class"
//! inside Make exercise, the student's password when an exercise names a class, and Class
//! results' "Follow class". The network steps are `class_server`'s.

use crate::ui::classroom::class_server::{self, ClassReady};
use crate::ui::classroom::context::use_classroom;
use crate::ui::notices;
use crate::ui::state::use_app;
use crate::ui::view_signal::ViewSignal;
use leptos::prelude::*;

/// "Set up class": the class library's name and the students' user names; once set up,
/// `class` names it, so the exercise link and file hand in there.
#[component]
pub fn SetUpClass(class: ViewSignal<Option<String>>, key_json: Signal<String>) -> impl IntoView {
    let state = use_app();
    let name = ViewSignal::new(String::new());
    let roster = ViewSignal::new(String::new());
    let busy = ViewSignal::new(false);
    let outcome = ViewSignal::new(None::<Result<ClassReady, String>>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        let (n, r, key) = (
            name.get_untracked(),
            roster.get_untracked(),
            key_json.get_untracked(),
        );
        leptos::task::spawn_local(async move {
            let result = class_server::set_up_class(&n, &r, &key).await;
            busy.set(false);
            match &result {
                Ok(ready) => {
                    class.set(Some(ready.class.clone()));
                    notices::announce(state, format!("Class “{}” is set up", ready.class));
                }
                Err(_) => class.set(None),
            }
            outcome.set(Some(
                result.map_err(|e| notices::capitalise(&e.to_string())),
            ));
        });
    };
    view! {
        <details class="ann-make__class">
            <summary>"Hand in through a class library (server)"</summary>
            <form class="ann-make__class-form" on:submit=submit>
                <p class="ann-make__note">
                    "Students sign in to the sharing server and “Hand in” writes their attempt to the class library; Class results shows each one as it arrives. The answer key goes to a second library only you can read."
                </p>
                <label class="ann-field">
                    <span>"Class library"</span>
                    <input type="text" placeholder="class-7b" autocomplete="off" prop:value=move || name.get()
                        on:input=move |ev| name.set(event_target_value(&ev)) />
                </label>
                <label class="ann-field">
                    <span>"Students (user names, one per line or separated by commas)"</span>
                    <textarea rows="3" prop:value=move || roster.get()
                        on:input=move |ev| roster.set(event_target_value(&ev))></textarea>
                </label>
                <button type="submit" class="ann-button" prop:disabled=move || busy.get()>
                    {move || if busy.get() { "Setting up…" } else { "Set up class" }}
                </button>
                <p class="ann-make__class-status" role="status">
                    {move || match outcome.get() {
                        None => String::new(),
                        Some(Ok(ready)) => format!(
                            "Class “{}” is ready: {} can hand in; the key is kept in “{}-key”, which only {} can read. The link and the exercise file now hand in there.",
                            ready.class,
                            ready.students.join(", "),
                            ready.class,
                            ready.teacher,
                        ),
                        Some(Err(message)) => message,
                    }}
                </p>
            </form>
        </details>
    }
}

/// The password asked when an exercise hands in to `class`.
#[component]
pub fn ClassPassword(class: String, password: ViewSignal<String>) -> impl IntoView {
    view! {
        <label class="ann-field">
            <span>"Password"</span>
            <input type="password" autocomplete="current-password" prop:value=move || password.get()
                on:input=move |ev| password.set(event_target_value(&ev)) />
        </label>
        <p class="ann-start__note">
            {format!("This exercise is handed in to class “{class}” on the sharing server: your name is your user name there.")}
        </p>
    }
}

/// Class results' "Follow class": the key from the teacher's key library, then each attempt
/// as it is handed in.
#[component]
pub fn FollowClass() -> impl IntoView {
    let state = use_app();
    let classroom = use_classroom();
    let name = ViewSignal::new(classroom.following.get_untracked().unwrap_or_default());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let class = name.get_untracked().trim().to_string();
        if class.is_empty() {
            notices::announce(state, "Type the class library's name first");
            return;
        }
        if classroom.following.get_untracked().as_deref() == Some(class.as_str()) {
            return;
        }
        classroom.following.set(Some(class.clone()));
        leptos::task::spawn_local(class_server::follow(state, classroom, class));
    };
    view! {
        <form class="ann-class__follow" on:submit=submit>
            <label>
                <span>"Class library"</span>
                <input type="text" autocomplete="off" prop:value=move || name.get()
                    on:input=move |ev| name.set(event_target_value(&ev)) />
            </label>
            <button type="submit" class="ann-button">"Follow class"</button>
            <span class="ann-class__following" role="status">
                {move || classroom.following.get().map(|c| format!("Following “{c}” live"))}
            </span>
            <Show when=move || classroom.following.with(Option::is_some)>
                // The loop sees it at its next turn (at most one long-poll later) and ends.
                <button type="button" class="ann-button" on:click=move |_| classroom.following.set(None)>
                    "Stop following"
                </button>
            </Show>
        </form>
    }
}
