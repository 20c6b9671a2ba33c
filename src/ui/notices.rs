//! Messages: a polite live region that announces every action to screen readers, and
//! notices that stay until dismissed (errors, warnings, import results), plus the banner
//! when work is not being saved.

use crate::ui::actions;
use crate::ui::state::{NoticeKind, SaveState, use_app};
use leptos::prelude::*;

#[component]
pub fn LiveRegion() -> impl IntoView {
    let state = use_app();
    view! {
        <div class="ann-visually-hidden" role="status" aria-live="polite" aria-atomic="true" id="ann-live">
            {move || state.announcement.get()}
        </div>
    }
}

#[component]
pub fn Notices() -> impl IntoView {
    let state = use_app();
    let banner = move || match state.save_state.get() {
        SaveState::NotSaved(why) => {
            Some(("ann-banner ann-banner--error", format!("Not saved: {why}")))
        }
        SaveState::ReadOnly(why) => Some((
            "ann-banner ann-banner--warning",
            format!("Read-only: {why}"),
        )),
        _ => None,
    };
    view! {
        <div class="ann-notices">
            {move || {
                banner()
                    .map(|(class, text)| {
                        view! {
                            <div class=class role="alert">
                                <span>{text}</span>
                                <button
                                    type="button"
                                    class="ann-button"
                                    on:click=move |_| crate::ui::export_menu::export_native(state, true)
                                >
                                    "Export JSON now"
                                </button>
                            </div>
                        }
                    })
            }}
            <For each=move || state.notices.get() key=|n| n.id let:notice>
                {
                    let class = match notice.kind {
                        NoticeKind::Info => "ann-notice ann-notice--info",
                        NoticeKind::Warning => "ann-notice ann-notice--warning",
                        NoticeKind::Error => "ann-notice ann-notice--error",
                    };
                    let role = if notice.kind == NoticeKind::Error { "alert" } else { "status" };
                    let id = notice.id;
                    let has_details = !notice.details.is_empty();
                    let details = notice.details.clone();
                    view! {
                        <div class=class role=role>
                            <p>{notice.text.clone()}</p>
                            <Show when=move || has_details>
                                <details>
                                    <summary>"Details"</summary>
                                    <ul>
                                        {details.iter().map(|d| view! { <li>{d.clone()}</li> }).collect_view()}
                                    </ul>
                                </details>
                            </Show>
                            <button
                                type="button"
                                class="ann-icon-button"
                                aria-label="Dismiss message"
                                on:click=move |_| actions::dismiss_notice(state, id)
                            >
                                "×"
                            </button>
                        </div>
                    }
                }
            </For>
        </div>
    }
}
