//! Every way the browser's storage can fail, as one typed error with a sentence a person can
//! act on: absent or blocked storage (private modes, disabled cookies, sandboxed frames), a
//! full quota (each browser spells it differently), a stored value we cannot read, and
//! anything else the browser throws. [`classify`] is the one place that reads the browser's
//! exceptions, whether they come straight from `localStorage` or through gloo-storage.

use crate::domain::article_input::limits::human_size;

/// Browsers give an origin about 5 M UTF-16 characters of localStorage (Chromium: 10 MiB
/// counting two bytes a character). Used to refuse a write that cannot fit before trying.
pub const ASSUMED_QUOTA_CHARS: usize = 5 * 1024 * 1024;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StorageError {
    /// No localStorage at all, or access throws (blocked by settings or policy).
    Unavailable(String),
    /// The quota is full; `needed` is the size of what we tried to write, in characters.
    QuotaExceeded {
        needed: usize,
    },
    /// Refused before writing: the entry (`needed` characters) is larger than the space left
    /// (`available` characters, by our estimate of the quota).
    DoesNotFit {
        needed: usize,
        available: usize,
    },
    /// A stored value is not in the form its key holds (damaged, or written by something else).
    Corrupt {
        key: String,
        reason: String,
    },
    Other(String),
}

impl std::fmt::Display for StorageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StorageError::Unavailable(why) => write!(
                f,
                "this browser does not let Article Annotator store anything ({why}); your work stays in this tab until you export it"
            ),
            StorageError::QuotaExceeded { needed } => write!(
                f,
                "the browser's storage for this page is full (this save needs {}), so nothing was written; export your work, then delete documents you no longer need",
                human_size(*needed * 2)
            ),
            StorageError::DoesNotFit { needed, available } => write!(
                f,
                "this document needs {} but only {} of the browser's storage for this page is left, so nothing was written; export it, then delete documents you no longer need",
                human_size(*needed * 2),
                human_size(*available * 2)
            ),
            StorageError::Corrupt { key, reason } => write!(
                f,
                "the value stored under {key} cannot be read ({reason}); it is left as it is"
            ),
            StorageError::Other(why) => write!(f, "saving failed: {why}"),
        }
    }
}

impl std::error::Error for StorageError {}

/// The error for an exception the browser threw (its `name`, `message` and legacy numeric
/// `code`) while writing `needed` characters.
pub fn classify(name: &str, message: &str, code: u32, needed: usize) -> StorageError {
    let quota = matches!(name, "QuotaExceededError" | "NS_ERROR_DOM_QUOTA_REACHED")
        || code == 22
        || code == 1014;
    if quota {
        return StorageError::QuotaExceeded { needed };
    }
    if name == "SecurityError" {
        return StorageError::Unavailable(message.to_string());
    }
    StorageError::Other(format!("{name} {message}").trim().to_string())
}
