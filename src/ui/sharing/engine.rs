//! The loop that keeps a shared document live: it follows the open document (a stored ledger
//! means it is shared), reads the server's changes feed (one quick page, then long-polls) and
//! hands what arrives to `actions::apply_remote`, and pushes what the open document has that
//! the ledger does not, debounced after each change and retried with backoff when the server
//! cannot be reached. The ledger is the only state: it is stored after every page and push
//! (`web/storage/sync.rs`, written only by `memory.rs`), so a reload or a closed tab resumes where it was.

use super::context::{Sharing, Status, Who};
use super::memory::{
    FIRST_BACKOFF_MS, MAX_BACKOFF_MS, current, ledger_place, receive_page, with_engine,
};
use crate::domain::sync::feed::{PAGE_SIZE, Session, seq_number};
use crate::domain::sync::ledger::Ledger;
use crate::ui::notices::notify;
use crate::ui::state::{AppState, NoticeKind};
use crate::ui::view_memo::ViewMemo;
use crate::web::storage;
use crate::web::sync::{self as http, HttpError};
use leptos::prelude::*;

const PUSH_DELAY_MS: u64 = 300;

thread_local! {
    /// Whether a mouse button or finger is down (a selection may be being dragged).
    static POINTER_DOWN: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Longest an arriving page waits for the pointer to be released.
const POINTER_WAIT_MS: u32 = 10_000;

/// Arriving changes wait while the person is dragging a selection: applying them re-renders
/// the paragraphs they touch, which would spoil the selection under the mouse.
async fn wait_for_pointer_up() {
    let mut waited = 0;
    while POINTER_DOWN.with(std::cell::Cell::get) && waited < POINTER_WAIT_MS {
        http::sleep_ms(100).await;
        waited += 100;
    }
}

/// Follows the open document and its changes from now on. Called by `watch.rs` once this
/// part is fetched (a shared document is open, or the Sharing panel opened); a second call
/// does nothing.
pub fn install(state: AppState, sharing: Sharing) {
    if super::context::mark_engine_installed() {
        return;
    }
    sharing
        .owner
        .with_value(|owner| owner.with(|| follow_open_document(state, sharing)));
}

fn follow_open_document(state: AppState, sharing: Sharing) {
    // Kept for the page's lifetime: the app never unmounts.
    let down = window_event_listener(leptos::ev::pointerdown, |_| {
        POINTER_DOWN.with(|d| d.set(true));
    });
    let up = window_event_listener(leptos::ev::pointerup, |_| {
        POINTER_DOWN.with(|d| d.set(false));
    });
    let cancel = window_event_listener(leptos::ev::pointercancel, |_| {
        POINTER_DOWN.with(|d| d.set(false));
    });
    std::mem::forget((down, up, cancel));
    let open_id = ViewMemo::new(move |_| state.editor.with(|e| e.document().id.0.clone()));
    Effect::new(move |_| follow(state, sharing, &open_id.get()));
    Effect::new(move |_| {
        state.changes.track();
        schedule_push(state, sharing, PUSH_DELAY_MS);
    });
}

fn follow(state: AppState, sharing: Sharing, id: &str) {
    match storage::sync::ledger(id).map(|json| Ledger::from_json(&json)) {
        Some(Ok(ledger)) if ledger.document == id => start(state, sharing, ledger),
        Some(Err(error)) => {
            stop(sharing);
            notify(
                state,
                NoticeKind::Warning,
                capital(&error.to_string()),
                Vec::new(),
            );
        }
        _ => stop(sharing),
    }
}

fn capital(text: &str) -> String {
    crate::ui::actions::capitalise(text)
}

/// Shares the open document through `ledger` (already stored: `memory::remember`) from now on.
pub fn start(state: AppState, sharing: Sharing, ledger: Ledger) {
    let same = with_engine(|e| {
        e.ledger
            .as_ref()
            .is_some_and(|l| l.library == ledger.library && l.document == ledger.document)
    });
    if same == Some(true) {
        return;
    }
    sharing.shared_in.set(Some(ledger.library.clone()));
    sharing.status.set(Status::Connecting);
    let Some(generation) = with_engine(|e| {
        e.generation += 1;
        e.ledger = Some(ledger);
        e.push_backoff_ms = FIRST_BACKOFF_MS;
        e.generation
    }) else {
        return;
    };
    leptos::task::spawn_local(pull_loop(state, sharing, generation));
}

/// Stops sharing the open document in this tab (its ledger stays stored).
pub fn stop(sharing: Sharing) {
    with_engine(|e| {
        e.generation += 1;
        e.ledger = None;
    });
    sharing.shared_in.set(None);
    sharing.status.set(Status::Off);
    sharing.waiting.set(0);
}

/// Stops sharing the open document for good in this browser: its ledger is removed.
pub fn unshare(state: AppState, sharing: Sharing) {
    let id = state.editor.with_untracked(|e| e.document().id.0.clone());
    stop(sharing);
    super::memory::forget(state, &id);
}

/// Who this browser is: the session's name, or on an open server the name given here.
async fn ensure_who(sharing: Sharing) -> Result<(), HttpError> {
    if sharing.who.with_untracked(Option::is_some) {
        return Ok(());
    }
    let who = match http::session().await? {
        Session::Named(name) => Who {
            name,
            open_server: false,
        },
        Session::AdminParty => match storage::sync::sharing_name() {
            Some(name) if !name.trim().is_empty() => Who {
                name,
                open_server: true,
            },
            _ => return Err(HttpError::Unauthorized),
        },
        Session::Anonymous => return Err(HttpError::Unauthorized),
    };
    sharing.who.set(Some(who));
    Ok(())
}

async fn pull_loop(state: AppState, sharing: Sharing, generation: u64) {
    let (mut first, mut catching_up, mut was_down) = (true, false, false);
    let mut backoff = FIRST_BACKOFF_MS;
    let mut received = 0;
    // The library's sequence when a long catch-up began (PouchDB sends no `pending`).
    let mut total: Option<u64> = None;
    while current(generation) {
        let result = match ensure_who(sharing).await {
            Ok(()) => match ledger_place() {
                Some((library, since)) => {
                    if was_down {
                        restart_if_server_lost(&library, &since).await;
                    }
                    let since = ledger_place().map_or(since, |(_, s)| s);
                    http::changes(&library, &since, !first && !catching_up).await
                }
                None => return,
            },
            Err(error) => Err(error),
        };
        if !current(generation) {
            return;
        }
        match result {
            Ok(page) => {
                // CouchDB says how many rows are left; PouchDB does not: then count what came.
                let left = page.pending;
                catching_up = left.unwrap_or(0) > 0 || page.docs.len() >= PAGE_SIZE;
                received = if catching_up {
                    received + page.docs.len()
                } else {
                    0
                };
                if catching_up && left.is_none() && total.is_none() {
                    total = match ledger_place() {
                        Some((library, _)) => http::update_seq(&library)
                            .await
                            .ok()
                            .flatten()
                            .and_then(|s| seq_number(&s)),
                        None => None,
                    };
                } else if !catching_up {
                    total = None;
                }
                let at = seq_number(&page.last_seq);
                wait_for_pointer_up().await;
                if !current(generation) {
                    return;
                }
                receive_page(state, sharing, page);
                sharing.status.set(match (catching_up, left) {
                    (false, _) => Status::Live,
                    (true, Some(left)) => {
                        Status::Receiving(format!("receiving shared changes, {left} left"))
                    }
                    (true, None) => Status::Receiving(match (at, total) {
                        (Some(at), Some(total)) if at <= total => {
                            format!("receiving shared changes, {at} of {total}")
                        }
                        _ => format!("receiving shared changes, {received} so far"),
                    }),
                });
                if first || was_down {
                    schedule_push(state, sharing, 0);
                }
                (first, was_down, backoff) = (false, false, FIRST_BACKOFF_MS);
            }
            Err(error) => {
                was_down = true;
                match error {
                    HttpError::Unauthorized => {
                        sharing.who.set(None);
                        sharing.status.set(Status::SignIn);
                        backoff = 2_000;
                    }
                    HttpError::NotFound => {
                        sharing.status.set(Status::Stopped(
                            "the shared library no longer exists on the server".into(),
                        ));
                        return;
                    }
                    // Refused while signed in: not a member (yet); asked again with backoff
                    // in case the owner adds them, with nothing lost meanwhile.
                    HttpError::Forbidden(why) => sharing.status.set(Status::Stopped(why)),
                    other => sharing.status.set(Status::Offline(other.to_string())),
                }
                http::sleep_ms(backoff).await;
                backoff = (backoff * 2).min(MAX_BACKOFF_MS);
            }
        }
    }
}

/// A server whose sequence is behind ours lost its data (restored, recreated): read it all
/// again; what we have that it lacks is then pushed again.
async fn restart_if_server_lost(library: &str, since: &str) {
    let Ok(Some(seq)) = http::update_seq(library).await else {
        return;
    };
    if let (Some(theirs), Some(ours)) = (seq_number(&seq), seq_number(since))
        && theirs < ours
    {
        with_engine(|e| {
            if let Some(l) = e.ledger.as_mut() {
                l.since = "0".into();
                l.known.clear();
                l.pieces.clear();
            }
        });
    }
}

/// After a sign-in: push what waited at once (the pull loop follows at its next step).
pub fn resume(state: AppState, sharing: Sharing) {
    schedule_push(state, sharing, 0);
}

fn schedule_push(state: AppState, sharing: Sharing, delay_ms: u64) {
    let run = move || leptos::task::spawn_local(push(state, sharing));
    let timer = set_timeout_with_handle(run, std::time::Duration::from_millis(delay_ms)).ok();
    let old = with_engine(|e| {
        if e.ledger.is_none() {
            return timer;
        }
        std::mem::replace(&mut e.push_timer, timer)
    })
    .flatten();
    if let Some(old) = old {
        old.clear();
    }
}

async fn push(state: AppState, sharing: Sharing) {
    let busy = with_engine(|e| {
        if e.pushing {
            e.push_again = true;
        }
        std::mem::replace(&mut e.pushing, true)
    });
    if busy != Some(false) {
        return;
    }
    loop {
        let retry = super::push::push_once(state, sharing).await;
        let again = with_engine(|e| {
            let again = std::mem::take(&mut e.push_again) || retry == Some(0);
            // A retry later ends this run; the timer starts the next.
            e.pushing = again && retry.is_none_or(|ms| ms == 0);
            e.pushing
        })
        .unwrap_or(false);
        if let Some(ms) = retry.filter(|ms| *ms > 0) {
            schedule_push(state, sharing, u64::from(ms));
            return;
        }
        if !again {
            return;
        }
    }
}
