//! Messages: a polite live region that announces every action to screen readers, and
//! notices: errors, warnings and results with details stay until dismissed, a plain
//! informational line fades after a while, and what was said about one document goes when
//! another opens (errors stay, they may be about work not saved); plus the banner
//! when work is not being saved. Telling the person something is not a change of the
//! document, so any module may call [`notify`] and [`announce`]; this module calls no other
//! part of the app (the banner's export is handed in), so it can never be part of a cycle.

use crate::ui::state::{AppState, Notice, NoticeKind, SaveState, use_app};
use leptos::prelude::*;
use std::sync::atomic::{AtomicU64, Ordering};

static NEXT_NOTICE: AtomicU64 = AtomicU64::new(1);

/// Says `text` in the live region (screen readers announce it).
pub fn announce(state: AppState, text: impl Into<String>) {
    state.announcement.set(text.into());
}

/// How long a plain informational notice stays.
const INFO_FADES_AFTER: std::time::Duration = std::time::Duration::from_secs(20);

/// Shows a notice (and announces it): until dismissed, or for [`INFO_FADES_AFTER`] when it is
/// informational and has no details. The same text replaces an older notice instead of
/// repeating it.
pub fn notify(state: AppState, kind: NoticeKind, text: impl Into<String>, details: Vec<String>) {
    let notice = Notice {
        id: NEXT_NOTICE.fetch_add(1, Ordering::Relaxed),
        kind,
        text: text.into(),
        details,
    };
    let fades = kind == NoticeKind::Info && notice.details.is_empty();
    let id = notice.id;
    announce(state, notice.text.clone());
    state.notices.update(|list| {
        list.retain(|n| n.text != notice.text);
        list.push(notice);
    });
    if fades {
        set_timeout(move || dismiss_notice(state, id), INFO_FADES_AFTER);
    }
}

/// Shows `text` ("Loading the import formats…") on the notices' line until [`done_loading`].
pub fn show_loading(state: AppState, text: impl Into<String>) {
    let text = text.into();
    announce(state, text.clone());
    state.loading.set(Some(text));
}

pub fn done_loading(state: AppState) {
    state.loading.set(None);
}

/// Another document opened: what was said about the last one goes, errors stay until
/// dismissed.
pub fn clear_for_another_document(state: AppState) {
    if state
        .notices
        .with_untracked(|list| list.iter().any(|n| n.kind != NoticeKind::Error))
    {
        state
            .notices
            .update(|list| list.retain(|n| n.kind == NoticeKind::Error));
    }
}

pub fn dismiss_notice(state: AppState, id: u64) {
    state.notices.update(|list| list.retain(|n| n.id != id));
}

pub use crate::domain::describe::capitalise;

#[component]
pub fn LiveRegion() -> impl IntoView {
    let state = use_app();
    view! {
        <div class="ann-visually-hidden" role="status" aria-live="polite" aria-atomic="true" id="ann-live">
            {move || state.announcement.get()}
        </div>
    }
}

/// The notices and the not-saved banner, whose button runs `export_now`.
#[component]
pub fn Notices(#[prop(into)] export_now: Callback<()>) -> impl IntoView {
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
                                    on:click=move |_| export_now.run(())
                                >
                                    "Export JSON now"
                                </button>
                            </div>
                        }
                    })
            }}
            {move || {
                state
                    .loading
                    .get()
                    .map(|text| view! { <p class="ann-loading" role="status" aria-busy="true">{text}</p> })
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
                                on:click=move |_| dismiss_notice(state, id)
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
