//! A student's session: which stored document is their attempt, under what name, and the
//! teacher's instructions. It is kept in the browser beside the document, so a reload (or
//! reopening the attempt from the library) finds the exercise panel again.
//!
//! Stored data outlives app versions, so the stored form is typed and versioned here rather
//! than built ad hoc where it is saved. Version 1 is
//! `{"version":1,"annotator":…,"exercise":{"instructions":…,"tags":[…],"hints":[…]}}`.
//! Earlier builds wrote the same object without `version`; it still reads.

use crate::domain::document::DocumentId;
use crate::domain::format::native;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The version [`write_session`] writes and the newest [`read_session`] reads.
pub const SESSION_VERSION: u32 = 1;

/// A student working on an exercise: the attempt's document id, their name, the instructions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Session {
    pub document_id: DocumentId,
    pub annotator: String,
    pub exercise: native::Exercise,
}

/// Why a stored session cannot be used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SessionError {
    /// Not a session object (damaged, or not written by this app).
    Unreadable(String),
    /// Written by a newer build, in a layout this one does not know.
    WrittenByNewerVersion { found: u32, supported: u32 },
}

impl fmt::Display for SessionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SessionError::Unreadable(why) => {
                write!(f, "the stored classroom session cannot be read: {why}")
            }
            SessionError::WrittenByNewerVersion { found, supported } => write!(
                f,
                "the classroom session was stored by a newer Article Annotator (version {found}); \
                 this build reads up to version {supported}"
            ),
        }
    }
}

impl std::error::Error for SessionError {}

#[derive(Serialize, Deserialize)]
struct StoredSession {
    /// Absent in sessions stored before the format had a version (read as version 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    version: Option<u32>,
    annotator: String,
    #[serde(default)]
    exercise: StoredExercise,
}

#[derive(Default, Serialize, Deserialize)]
struct StoredExercise {
    #[serde(default)]
    instructions: String,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    hints: Vec<String>,
    /// The class library attempts are handed in to (absent before classes had libraries).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    class: Option<String>,
}

/// The stored form of `session` (its document id is the storage key's, not in the value).
pub fn write_session(session: &Session) -> String {
    let stored = StoredSession {
        version: Some(SESSION_VERSION),
        annotator: session.annotator.clone(),
        exercise: StoredExercise {
            instructions: session.exercise.instructions.clone(),
            tags: session.exercise.tags.clone(),
            hints: session.exercise.hints.clone(),
            class: session.exercise.class.clone(),
        },
    };
    // A struct of strings always serialises; the fallback keeps this total without a panic.
    serde_json::to_string(&stored).unwrap_or_default()
}

/// The session stored for document `id` as `raw`.
pub fn read_session(id: &DocumentId, raw: &str) -> Result<Session, SessionError> {
    let value: serde_json::Value =
        serde_json::from_str(raw).map_err(|e| SessionError::Unreadable(e.to_string()))?;
    let found = match value.get("version") {
        None => SESSION_VERSION,
        Some(version) => version
            .as_u64()
            .and_then(|v| u32::try_from(v).ok())
            .ok_or_else(|| {
                SessionError::Unreadable(format!(
                    "version should be a whole number, found {version}"
                ))
            })?,
    };
    if found > SESSION_VERSION {
        return Err(SessionError::WrittenByNewerVersion {
            found,
            supported: SESSION_VERSION,
        });
    }
    let stored: StoredSession =
        serde_json::from_value(value).map_err(|e| SessionError::Unreadable(e.to_string()))?;
    Ok(Session {
        document_id: id.clone(),
        annotator: stored.annotator,
        exercise: native::Exercise {
            instructions: stored.exercise.instructions,
            tags: stored.exercise.tags,
            hints: stored.exercise.hints,
            class: stored.exercise.class,
        },
    })
}
