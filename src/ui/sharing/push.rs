//! One push of the open document's waiting changes as a single `_bulk_docs` request, and
//! what each answer means: saved (the ledger moves on), conflict (the server's version is
//! fetched and both are kept, then pushed again), refused (a notice; the change stays here),
//! unreachable (retried with backoff), not signed in (the sign-in prompt; nothing is lost).

use super::context::{Sharing, Status};
use super::memory;
use crate::ui::notices::notify;
use crate::ui::state::{AppState, NoticeKind};
use crate::web::sync::{self as http, HttpError};

/// Pushes once; `None` when done, `Some(0)` to push again at once, `Some(ms)` to retry later.
pub(super) async fn push_once(state: AppState, sharing: Sharing) -> Option<u32> {
    let me = sharing.me();
    if me.is_empty() {
        // The pull loop asks for a sign-in; changes wait in the document, counted.
        memory::update_waiting(state, sharing);
        return None;
    }
    let plan = memory::plan_push(state, &me)?;
    // The count shown is this push's (the loop does not count separately after each change).
    if sharing.waiting.get_untracked() != plan.pending.len() {
        sharing.waiting.set(plan.pending.len());
    }
    if plan.pending.is_empty() {
        return None;
    }
    match http::bulk_docs(&plan.library, &plan.body).await {
        Ok(results) => {
            let conflicts = memory::pushed(state, &plan, &results);
            for id in &conflicts {
                let fetched = match http::get(&plan.library, id).await {
                    Ok(Some(doc)) => doc,
                    // Deleted on the server meanwhile: ours is put back as new.
                    Ok(None) => {
                        serde_json::json!({ "_id": id, "_rev": "0-gone", "_deleted": true })
                    }
                    Err(error) => return Some(unreachable(sharing, &error)),
                };
                memory::receive_fetched(state, sharing, &[fetched]);
            }
            memory::stamp(state, sharing);
            if matches!(
                sharing.status.get_untracked(),
                Status::Offline(_) | Status::SignIn
            ) {
                sharing.status.set(Status::Live);
            }
            (!conflicts.is_empty()).then_some(0)
        }
        Err(HttpError::Unauthorized) => {
            sharing.who.set(None);
            sharing.status.set(Status::SignIn);
            None
        }
        Err(error @ (HttpError::Unreachable(_) | HttpError::Failed(..))) => {
            Some(unreachable(sharing, &error))
        }
        Err(error) => {
            notify(
                state,
                NoticeKind::Error,
                format!(
                    "Your changes could not be shared: {error}. They stay here and are tried again."
                ),
                Vec::new(),
            );
            Some(memory::next_backoff())
        }
    }
}

fn unreachable(sharing: Sharing, error: &HttpError) -> u32 {
    sharing.status.set(Status::Offline(error.to_string()));
    memory::next_backoff()
}
