//! The sharing engine's memory: the open document's ledger, whether a push is running, and
//! the backoff. Everything that reads or changes the ledger is here, including the only
//! writes of it to storage (`web/storage/sync.rs`), so the loop (`engine.rs`) and a push
//! (`push.rs`) share it without importing each other.

use super::context::Sharing;
use crate::domain::sync::feed::{BulkResult, ChangesPage};
use crate::domain::sync::incoming::{receive, stamp_creators};
use crate::domain::sync::ledger::{Ledger, bulk_docs_json};
use crate::ui::actions;
use crate::ui::notices::notify;
use crate::ui::state::{AppState, NoticeKind};
use crate::web::storage;
use leptos::prelude::*;
use serde_json::Value;
use std::cell::RefCell;

pub(super) const FIRST_BACKOFF_MS: u32 = 1_000;
pub(super) const MAX_BACKOFF_MS: u32 = 30_000;

#[derive(Default)]
pub(super) struct Engine {
    /// Bumped whenever sharing starts or stops, so an older loop ends at its next step.
    pub generation: u64,
    pub ledger: Option<Ledger>,
    pub pushing: bool,
    pub push_again: bool,
    pub push_timer: Option<TimeoutHandle>,
    pub push_backoff_ms: u32,
}

thread_local! {
    static ENGINE: RefCell<Engine> = RefCell::new(Engine::default());
}

/// Runs `f` on the engine; `None` only on a re-entrant call, treated as "nothing to do".
pub(super) fn with_engine<R>(f: impl FnOnce(&mut Engine) -> R) -> Option<R> {
    ENGINE.with(|engine| engine.try_borrow_mut().ok().map(|mut e| f(&mut e)))
}

pub(super) fn current(generation: u64) -> bool {
    with_engine(|e| e.generation == generation && e.ledger.is_some()).unwrap_or(false)
}

/// Stores a new ledger for a document about to be opened, which then starts sharing.
pub fn remember(state: AppState, ledger: Ledger) {
    if let Err(error) = storage::sync::set_ledger(&ledger.document, &ledger.to_json()) {
        notify(
            state,
            NoticeKind::Error,
            format!("Sharing cannot keep its place in this browser: {error}"),
            Vec::new(),
        );
    }
}

pub(super) fn save_ledger(state: AppState) {
    let Some(Some((id, json))) =
        with_engine(|e| e.ledger.as_ref().map(|l| (l.document.clone(), l.to_json())))
    else {
        return;
    };
    if let Err(error) = storage::sync::set_ledger(&id, &json) {
        notify(
            state,
            NoticeKind::Error,
            format!("Sharing cannot keep its place in this browser: {error}"),
            Vec::new(),
        );
    }
}

pub(super) fn update_waiting(state: AppState, sharing: Sharing) {
    let me = sharing.me();
    let count = with_engine(|e| {
        e.ledger.as_ref().map_or(0, |l| {
            state
                .editor
                .with_untracked(|ed| l.pending(ed.document(), &me).len())
        })
    })
    .unwrap_or(0);
    if sharing.waiting.get_untracked() != count {
        sharing.waiting.set(count);
    }
}

pub(super) fn ledger_place() -> Option<(String, String)> {
    with_engine(|e| {
        e.ledger
            .as_ref()
            .map(|l| (l.library.clone(), l.since.clone()))
    })
    .flatten()
}

/// Applies what `docs` bring; returns whether the open document changed.
pub(super) fn receive_docs(state: AppState, sharing: Sharing, docs: &[Value]) -> bool {
    let me = sharing.me();
    let incoming = with_engine(|e| {
        let ledger = e.ledger.as_mut()?;
        Some(
            state
                .editor
                .with_untracked(|ed| receive(ledger, ed.document(), docs, &me)),
        )
    })
    .flatten();
    let Some(incoming) = incoming else {
        return false;
    };
    let notices = incoming.notices.iter().map(ToString::to_string).collect();
    actions::apply_remote(state, &incoming.edits, notices);
    !incoming.edits.is_empty()
}

pub(super) fn receive_page(state: AppState, sharing: Sharing, page: ChangesPage) {
    let changed = receive_docs(state, sharing, &page.docs);
    with_engine(|e| {
        if let Some(l) = e.ledger.as_mut() {
            l.since = page.last_seq;
        }
    });
    save_ledger(state);
    // A change to the document schedules a push, which counts what waits: counting here too
    // would compare every annotation once more per page (tens of ms at 10,000).
    if !changed {
        update_waiting(state, sharing);
    }
}

/// What `push::push_once` needs from the engine, without reaching into it.
pub(super) struct PushPlan {
    pub library: String,
    pub pending: Vec<crate::domain::sync::ledger::Outgoing>,
    pub body: Value,
}

pub(super) fn plan_push(state: AppState, me: &str) -> Option<PushPlan> {
    with_engine(|e| {
        let ledger = e.ledger.as_ref()?;
        let pending = state
            .editor
            .with_untracked(|ed| ledger.pending(ed.document(), me));
        let body = bulk_docs_json(ledger, &pending);
        Some(PushPlan {
            library: ledger.library.clone(),
            pending,
            body,
        })
    })
    .flatten()
}

/// Records the server's answers to a push; returns the ids that conflicted.
pub(super) fn pushed(state: AppState, plan: &PushPlan, results: &[BulkResult]) -> Vec<String> {
    let mut conflicts = Vec::new();
    let mut refused = Vec::new();
    with_engine(|e| {
        let Some(ledger) = e.ledger.as_mut() else {
            return;
        };
        // By server id once: a search per answer would be quadratic on a push of thousands.
        let by_id: std::collections::HashMap<String, usize> = plan
            .pending
            .iter()
            .enumerate()
            .map(|(i, c)| (c.server_id(ledger), i))
            .collect();
        for result in results {
            match result {
                BulkResult::Saved { id, rev } => {
                    let change = by_id.get(id).and_then(|&i| plan.pending.get(i));
                    if let Some(change) = change {
                        ledger.pushed(change, rev);
                    }
                }
                BulkResult::Conflict { id } => conflicts.push(id.clone()),
                BulkResult::Refused { reason, .. } => refused.push(reason.clone()),
            }
        }
        e.push_backoff_ms = FIRST_BACKOFF_MS;
    });
    for reason in refused {
        notify(
            state,
            NoticeKind::Error,
            format!("The server refused a change: {reason}. It stays here, not shared."),
            Vec::new(),
        );
    }
    save_ledger(state);
    conflicts
}

/// After a push: each annotation's creator, as the server records it, into the document.
pub(super) fn stamp(state: AppState, sharing: Sharing) {
    let edits = with_engine(|e| {
        e.ledger.as_ref().map(|l| {
            state
                .editor
                .with_untracked(|ed| stamp_creators(l, ed.document()))
        })
    })
    .flatten()
    .unwrap_or_default();
    if !edits.is_empty() {
        actions::apply_remote(state, &edits, Vec::new());
    }
    update_waiting(state, sharing);
}

/// Documents fetched after a conflict go the way the changes feed's do.
pub(super) fn receive_fetched(state: AppState, sharing: Sharing, docs: &[Value]) {
    // The push that fetched them pushes again and counts what waits.
    receive_docs(state, sharing, docs);
    save_ledger(state);
}

/// The next wait before retrying a push, doubling up to the limit.
pub(super) fn next_backoff() -> u32 {
    with_engine(|e| {
        let now = e.push_backoff_ms.max(FIRST_BACKOFF_MS);
        e.push_backoff_ms = (now * 2).min(MAX_BACKOFF_MS);
        now
    })
    .unwrap_or(MAX_BACKOFF_MS)
}

/// Removes the stored ledger of document `id`: this browser no longer shares it.
pub(super) fn forget(state: AppState, id: &str) {
    if let Err(error) = storage::sync::forget_ledger(id) {
        notify(
            state,
            NoticeKind::Error,
            actions::capitalise(&error.to_string()),
            Vec::new(),
        );
    }
}
