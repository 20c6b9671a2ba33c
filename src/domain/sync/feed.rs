//! The server's answers the client reads: a page of the changes feed, the result of a
//! `_bulk_docs` push, the session, the list of databases and the `_all_docs` listing of
//! shared articles. Each parser accepts only the shape CouchDB documents and reports anything
//! else as a `FeedError`, so a misbehaving server shows a message instead of breaking the app.

use serde_json::Value;
use std::fmt;

/// How many rows one request of the changes feed asks for: a feed of 100,000 rows arrives in
/// pages, each applied (and shown as progress) before the next is asked for.
pub const PAGE_SIZE: usize = 500;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FeedError(pub String);

impl fmt::Display for FeedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the server answered in a form this app does not read ({})",
            self.0
        )
    }
}

/// One page of `_changes?include_docs=true`.
#[derive(Clone, Debug, PartialEq)]
pub struct ChangesPage {
    /// The documents that changed, as sent (checked later, one by one).
    pub docs: Vec<Value>,
    pub last_seq: String,
    /// Rows still waiting after this page, when the server says (`pending`).
    pub pending: Option<u64>,
}

/// A sequence as the `since` parameter takes it: CouchDB 3 sends strings, PouchDB numbers.
pub fn seq_string(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The number a sequence starts with (CouchDB's `"42-g1AAA…"`, PouchDB's `42`): about how
/// many changes the database had then, for progress and for noticing a server that lost data.
pub fn seq_number(seq: &str) -> Option<u64> {
    seq.split('-').next().and_then(|n| n.parse().ok())
}

pub fn parse_changes(value: &Value) -> Result<ChangesPage, FeedError> {
    let results = value
        .get("results")
        .and_then(Value::as_array)
        .ok_or_else(|| FeedError("no \"results\" list in the changes feed".to_string()))?;
    let last_seq = value
        .get("last_seq")
        .and_then(seq_string)
        .ok_or_else(|| FeedError("no \"last_seq\" in the changes feed".to_string()))?;
    let docs = results
        .iter()
        .filter_map(|row| row.get("doc"))
        .filter(|doc| !doc.is_null())
        .cloned()
        .collect();
    Ok(ChangesPage {
        docs,
        last_seq,
        pending: value.get("pending").and_then(Value::as_u64),
    })
}

/// What the server said about one document of a `_bulk_docs` push.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BulkResult {
    Saved {
        id: String,
        rev: String,
    },
    Conflict {
        id: String,
    },
    /// Refused by the database's rules (`forbidden`, `unauthorized`): the reason as given.
    Refused {
        id: String,
        reason: String,
    },
}

pub fn parse_bulk_results(value: &Value) -> Result<Vec<BulkResult>, FeedError> {
    let rows = value
        .as_array()
        .ok_or_else(|| FeedError("the push result is not a list".to_string()))?;
    rows.iter()
        .map(|row| {
            let id = row
                .get("id")
                .and_then(Value::as_str)
                .ok_or_else(|| FeedError("a push result has no id".to_string()))?
                .to_string();
            if let Some(rev) = row.get("rev").and_then(Value::as_str)
                && row.get("error").is_none()
            {
                return Ok(BulkResult::Saved {
                    id,
                    rev: rev.to_string(),
                });
            }
            let error = row.get("error").and_then(Value::as_str).unwrap_or("");
            if error == "conflict" {
                return Ok(BulkResult::Conflict { id });
            }
            let reason = row
                .get("reason")
                .and_then(Value::as_str)
                .unwrap_or(error)
                .to_string();
            Ok(BulkResult::Refused { id, reason })
        })
        .collect()
}

/// Who the server takes this browser for (`GET /_session`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Session {
    /// Signed in as this name.
    Named(String),
    /// Nobody signed in, and the server lets anyone do anything ("admin party", PouchDB
    /// Server's default): names are only labels anyone could type.
    AdminParty,
    /// Nobody signed in; the server wants a name and password.
    Anonymous,
}

pub fn parse_session(value: &Value) -> Result<Session, FeedError> {
    let context = value
        .get("userCtx")
        .ok_or_else(|| FeedError("no \"userCtx\" in the session".to_string()))?;
    if let Some(name) = context.get("name").and_then(Value::as_str) {
        return Ok(Session::Named(name.to_string()));
    }
    let admin = context
        .get("roles")
        .and_then(Value::as_array)
        .is_some_and(|roles| roles.iter().any(|r| r.as_str() == Some("_admin")));
    Ok(if admin {
        Session::AdminParty
    } else {
        Session::Anonymous
    })
}

/// The shared libraries (`_all_dbs`), leaving out CouchDB's own (`_users`, `_replicator`).
pub fn parse_databases(value: &Value) -> Result<Vec<String>, FeedError> {
    let names = value
        .as_array()
        .ok_or_else(|| FeedError("the list of libraries is not a list".to_string()))?;
    Ok(names
        .iter()
        .filter_map(Value::as_str)
        .filter(|name| !name.starts_with('_'))
        .map(str::to_string)
        .collect())
}

/// A shared article as the library lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SharedArticle {
    pub document: String,
    pub title: String,
}

/// The shared articles of an `_all_docs?include_docs=true` listing of `art:` documents;
/// rows that are not well-formed articles are left out.
pub fn parse_articles(value: &Value) -> Result<Vec<SharedArticle>, FeedError> {
    let rows = value
        .get("rows")
        .and_then(Value::as_array)
        .ok_or_else(|| FeedError("no \"rows\" in the listing".to_string()))?;
    Ok(rows
        .iter()
        .filter_map(|row| row.get("doc"))
        .filter_map(|doc| match super::docs::ServerDoc::parse(doc) {
            Ok(super::docs::ServerDoc::Article { body, .. }) => Some(SharedArticle {
                document: body.document,
                title: body.title,
            }),
            _ => None,
        })
        .collect())
}

/// Whether `name` is a database name CouchDB accepts: a lowercase letter, then lowercase
/// letters, digits and `_$()+-`, at most 238 characters.
pub fn valid_library_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && name.len() <= 238
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "_$()+-".contains(c))
}

/// The current revision of one document from `_all_docs?key="…"`: `None` when the library
/// has no such document or it was deleted (asking this way answers 200 either way, where a
/// plain read of a missing document answers 404, which browsers log as an error).
pub fn parse_revision(value: &Value, id: &str) -> Result<Option<String>, FeedError> {
    let rows = value
        .get("rows")
        .and_then(Value::as_array)
        .ok_or_else(|| FeedError("no \"rows\" list in the answer".to_string()))?;
    let Some(row) = rows
        .iter()
        .find(|row| row.get("id").and_then(Value::as_str) == Some(id))
    else {
        return Ok(None);
    };
    let info = row.get("value");
    if info.and_then(|v| v.get("deleted")).and_then(Value::as_bool) == Some(true) {
        return Ok(None);
    }
    info.and_then(|v| v.get("rev"))
        .and_then(Value::as_str)
        .map(|rev| Some(rev.to_string()))
        .ok_or_else(|| FeedError(format!("no revision for {id} in the answer")))
}
