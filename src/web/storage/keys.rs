//! Every key Article Annotator keeps in localStorage, in one list, so a reader sees at once
//! what the app stores and nothing else invents a key. The `v1` in the library's keys names
//! the key layout, not the formats: entries and the index carry their own versions
//! (`domain/format/library.rs`). Keys of other apps on the same origin are never read,
//! written or counted as ours.

use crate::domain::format::parts::Piece;

/// What all of our keys but the classroom sessions start with.
pub const PREFIX: &str = "article-annotator:";

/// The library index: one row per stored document (`domain::format::library::LibraryIndex`).
pub const INDEX: &str = "article-annotator:v1:index";
/// The id of the document open last, so a reload comes back to it (plain text).
pub const LAST_OPEN: &str = "article-annotator:v1:last-open";
/// The id of the document this tab has open (in sessionStorage: a reload of the tab comes
/// back to it, while another tab keeps its own).
pub const TAB_OPEN: &str = "article-annotator:v1:tab-open";
/// One stored document per key: this prefix and its id (`StoredEntry`).
const DOCUMENT_PREFIX: &str = "article-annotator:v1:doc:";
/// An entry in parts (`domain/format/parts.rs`) keeps its text and each part of its
/// annotations under keys of their own, named after the document, the part and the revision
/// it was written at: this prefix, then `<id>:<revision>` (the text) or
/// `<id>:<part>:<revision>` (annotations). Its head stays under the document's key.
const TEXT_PREFIX: &str = "article-annotator:v1:text:";
const PART_PREFIX: &str = "article-annotator:v1:part:";
/// The theme chosen in this browser: `system`, `light` or `dark` (plain text).
pub const THEME: &str = "article-annotator:theme";
/// The organisation that signs exported ClaimReviews (a JSON string).
pub const FACTCHECK_ORGANISATION: &str = "article-annotator:factcheck:organisation";
/// The name given on a shared-library server where nobody signs in (plain text, a label).
pub const SHARING_NAME: &str = "article-annotator:sharing:name";
/// A shared document's ledger: this prefix and the document's id (`domain::sync::Ledger`).
const SYNC_LEDGER_PREFIX: &str = "article-annotator:v1:sync:";
/// A student's classroom session for one document: this prefix and the document's id (a
/// JSON object with the student's name and the exercise).
const CLASSROOM_SESSION_PREFIX: &str = "article-annotator-classroom:";

pub fn document(id: &str) -> String {
    format!("{DOCUMENT_PREFIX}{id}")
}

/// The document id a library key stores, if it is one.
pub fn document_id(key: &str) -> Option<&str> {
    key.strip_prefix(DOCUMENT_PREFIX)
}

/// Whether `key` holds a library document.
pub fn is_document(key: &str) -> bool {
    key.starts_with(DOCUMENT_PREFIX)
}

/// The prefix every library document's key starts with.
pub fn document_prefix() -> &'static str {
    DOCUMENT_PREFIX
}

/// The key of a stored piece of document `id` written at `revision`.
pub fn piece(id: &str, piece: Piece, revision: u64) -> String {
    match piece {
        Piece::Text => format!("{TEXT_PREFIX}{id}:{revision}"),
        Piece::Annotations(part) => format!("{PART_PREFIX}{id}:{part}:{revision}"),
    }
}

/// Whether `key` holds a piece of an entry in parts (of any document).
pub fn is_piece(key: &str) -> bool {
    key.starts_with(TEXT_PREFIX) || key.starts_with(PART_PREFIX)
}

/// Whether `key` holds a piece of document `id` (not of another whose id starts the same).
pub fn is_piece_of(key: &str, id: &str) -> bool {
    let numbers = |rest: &str, count: usize| {
        let fields: Vec<&str> = rest.split(':').collect();
        fields.len() == count
            && fields
                .iter()
                .all(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()))
    };
    let of = |prefix: &str| {
        key.strip_prefix(prefix)
            .and_then(|rest| rest.strip_prefix(id))
            .and_then(|rest| rest.strip_prefix(':'))
    };
    of(TEXT_PREFIX).is_some_and(|rest| numbers(rest, 1))
        || of(PART_PREFIX).is_some_and(|rest| numbers(rest, 2))
}

pub fn classroom_session(document_id: &str) -> String {
    format!("{CLASSROOM_SESSION_PREFIX}{document_id}")
}

pub fn sync_ledger(document_id: &str) -> String {
    format!("{SYNC_LEDGER_PREFIX}{document_id}")
}
