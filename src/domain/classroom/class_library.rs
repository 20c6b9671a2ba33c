//! A class without files: the exercise link names a *class library* (a database on the
//! sharing server), each student's "Hand in" writes their attempt there, and the teacher's
//! Class results follows its changes feed. The answer key is kept apart, in a second
//! database only the teacher belongs to, because CouchDB lets a database's members read all
//! of its documents: a key inside the class library would be readable by every student.
//!
//! The server enforces who may do what, not the app: the class library's `_security` makes
//! the teacher its admin and the students its members, and its `validate_doc_update` design
//! document refuses any write by a student other than to their own attempt,
//! `attempt:<their user name>`, owned by them. This module builds those objects and the
//! documents, and checks what the server sends back, without the network.

use crate::domain::classroom::exercise::Role;
use crate::domain::classroom::files::{ClassroomFile, read_classroom_file};
use serde_json::{Value, json};
use std::fmt;

/// The design document installed in every class library.
pub const DESIGN_ID: &str = "_design/class";
/// The one document of the key library.
pub const KEY_ID: &str = "key";
/// Attempts are `attempt:<user name>`.
pub const ATTEMPT_PREFIX: &str = "attempt:";
/// The largest attempt or key file accepted from the server (characters of native JSON).
pub const MAX_FILE_CHARS: usize = 8 * 1024 * 1024;
/// The most students one class names.
pub const MAX_STUDENTS: usize = 500;

/// What the server runs before every write to a class library. Server admins and the
/// library's admins (the teacher) may write anything; anyone else only their own attempt.
/// A refusal's reason is shown to the student as it is, so it says what to do.
pub const VALIDATE_ATTEMPTS: &str = r#"function (newDoc, oldDoc, userCtx, secObj) {
  var roles = userCtx.roles || [];
  if (roles.indexOf('_admin') !== -1) return;
  var admins = (secObj && secObj.admins) || {};
  if ((admins.names || []).indexOf(userCtx.name) !== -1) return;
  for (var i = 0; i < roles.length; i++) {
    if ((admins.roles || []).indexOf(roles[i]) !== -1) return;
  }
  if (!userCtx.name) {
    throw({ unauthorized: 'Sign in to hand in your attempt.' });
  }
  var mine = 'attempt:' + userCtx.name;
  if (newDoc._id !== mine) {
    throw({ forbidden: 'You are signed in as ' + userCtx.name + ': you can hand in only your own attempt (' + mine + '), not ' + newDoc._id + '.' });
  }
  if (!newDoc._deleted && newDoc.owner !== userCtx.name) {
    throw({ forbidden: 'An attempt must name its owner, ' + userCtx.name + '.' });
  }
}"#;

/// Why a class cannot be set up, or a document from it cannot be used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClassError {
    /// The class library's name breaks CouchDB's rules for database names.
    BadClassName(String),
    /// The list of students is empty or holds a name that cannot be a user name.
    BadRoster(String),
    /// A document from the server is not an attempt or key this app can use.
    BadDocument(String),
}

impl fmt::Display for ClassError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClassError::BadClassName(why) => write!(f, "the class name cannot be used: {why}"),
            ClassError::BadRoster(why) => write!(f, "the list of students cannot be used: {why}"),
            ClassError::BadDocument(why) => write!(f, "a document of the class is skipped: {why}"),
        }
    }
}

impl std::error::Error for ClassError {}

/// The class library's name, checked against CouchDB's rules for database names (a lowercase
/// letter, then lowercase letters, digits and `_ $ ( ) + - /`), with room for `-key`.
pub fn check_class_name(name: &str) -> Result<String, ClassError> {
    let name = name.trim();
    let mut chars = name.chars();
    match chars.next() {
        None => {
            return Err(ClassError::BadClassName(
                "type a name, such as class-7b".into(),
            ));
        }
        Some(first) if !first.is_ascii_lowercase() => {
            return Err(ClassError::BadClassName(format!(
                "“{name}” must start with a lowercase letter (a–z)"
            )));
        }
        Some(_) => {}
    }
    if let Some(bad) =
        chars.find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || "_$()+-/".contains(*c)))
    {
        return Err(ClassError::BadClassName(format!(
            "“{bad}” is not allowed: use lowercase letters, digits and - or _"
        )));
    }
    if name.len() > 200 {
        return Err(ClassError::BadClassName(
            "keep it under 200 characters".into(),
        ));
    }
    Ok(name.to_string())
}

/// The teacher-only library that keeps the class's answer key.
pub fn key_library(class: &str) -> String {
    format!("{class}-key")
}

/// The students' user names from the teacher's list (commas or lines), in order, each once.
pub fn parse_roster(text: &str) -> Result<Vec<String>, ClassError> {
    let mut names: Vec<String> = Vec::new();
    for name in text.split([',', '\n', ';']).map(str::trim) {
        if name.is_empty() || names.iter().any(|n| n == name) {
            continue;
        }
        if name.starts_with('_') || name.contains(':') || name.chars().any(char::is_control) {
            return Err(ClassError::BadRoster(format!(
                "“{name}” cannot be a user name on the server (no leading _, no :)"
            )));
        }
        names.push(name.to_string());
    }
    if names.is_empty() {
        return Err(ClassError::BadRoster(
            "name at least one student, as their user names on the server".into(),
        ));
    }
    if names.len() > MAX_STUDENTS {
        return Err(ClassError::BadRoster(format!(
            "{} names; a class library takes at most {MAX_STUDENTS}",
            names.len()
        )));
    }
    Ok(names)
}

/// The class library's `_security`: the teacher is its admin, the students its members
/// (the teacher too, so the teacher reads it without being a server admin).
pub fn class_security(teacher: &str, students: &[String]) -> Value {
    let mut members: Vec<&str> = students.iter().map(String::as_str).collect();
    if !members.contains(&teacher) {
        members.push(teacher);
    }
    json!({
        "admins": { "names": [teacher], "roles": [] },
        "members": { "names": members, "roles": [] },
    })
}

/// The key library's `_security`: the teacher alone.
pub fn key_security(teacher: &str) -> Value {
    json!({
        "admins": { "names": [teacher], "roles": [] },
        "members": { "names": [teacher], "roles": [] },
    })
}

/// The class library's design document, at revision `rev` when it exists already.
pub fn design_document(rev: Option<&str>) -> Value {
    with_rev(
        json!({ "_id": DESIGN_ID, "validate_doc_update": VALIDATE_ATTEMPTS }),
        rev,
    )
}

/// The id of `student`'s attempt.
pub fn attempt_id(student: &str) -> String {
    format!("{ATTEMPT_PREFIX}{student}")
}

/// `student`'s attempt (the native attempt file, as text) to write over revision `rev`.
pub fn attempt_document(
    student: &str,
    file_json: &str,
    handed_in: &str,
    rev: Option<&str>,
) -> Value {
    with_rev(
        json!({
            "_id": attempt_id(student),
            "type": "attempt",
            "owner": student,
            "handed_in": handed_in,
            "file": file_json,
        }),
        rev,
    )
}

/// The answer key (the native key file, as text) to write over revision `rev`.
pub fn key_document(file_json: &str, rev: Option<&str>) -> Value {
    with_rev(
        json!({ "_id": KEY_ID, "type": "key", "file": file_json }),
        rev,
    )
}

fn with_rev(mut doc: Value, rev: Option<&str>) -> Value {
    if let (Some(rev), Some(fields)) = (rev, doc.as_object_mut()) {
        fields.insert("_rev".into(), Value::String(rev.to_string()));
    }
    doc
}

/// What a class library's changes feed carries.
#[derive(Clone, Debug, PartialEq)]
pub enum ClassDoc {
    /// A student's attempt; the annotator is the owner the server checked.
    Attempt {
        owner: String,
        file: Box<ClassroomFile>,
    },
    /// A student's attempt was withdrawn (deleted).
    Withdrawn { owner: String },
    /// The design document and anything else that is not an attempt.
    Other,
}

/// Reads one document of a class library's changes feed. An attempt is trusted only as far
/// as the server checked it: its owner must be the name in its id, and its file a readable
/// attempt; the annotator shown is the owner, whatever name the file gives.
pub fn read_class_doc(doc: &Value) -> Result<ClassDoc, ClassError> {
    let id = doc
        .get("_id")
        .and_then(Value::as_str)
        .ok_or_else(|| ClassError::BadDocument("it has no id".into()))?;
    let Some(owner) = id.strip_prefix(ATTEMPT_PREFIX) else {
        return Ok(ClassDoc::Other);
    };
    if doc.get("_deleted").and_then(Value::as_bool) == Some(true) {
        return Ok(ClassDoc::Withdrawn {
            owner: owner.to_string(),
        });
    }
    if doc.get("owner").and_then(Value::as_str) != Some(owner) {
        return Err(ClassError::BadDocument(format!(
            "the attempt {id} does not name {owner} as its owner"
        )));
    }
    let file = read_file(doc, id)?;
    if file.role != Some(Role::Attempt) {
        return Err(ClassError::BadDocument(format!("{id} holds no attempt")));
    }
    Ok(ClassDoc::Attempt {
        owner: owner.to_string(),
        file: Box::new(ClassroomFile {
            annotator: owner.to_string(),
            ..file
        }),
    })
}

/// Reads the key library's key document.
pub fn read_key_doc(doc: &Value) -> Result<ClassroomFile, ClassError> {
    let file = read_file(doc, KEY_ID)?;
    if file.role != Some(Role::Key) {
        return Err(ClassError::BadDocument(
            "the key library holds no answer key".into(),
        ));
    }
    Ok(file)
}

fn read_file(doc: &Value, id: &str) -> Result<ClassroomFile, ClassError> {
    let text = doc
        .get("file")
        .and_then(Value::as_str)
        .ok_or_else(|| ClassError::BadDocument(format!("{id} carries no file")))?;
    if text.chars().count() > MAX_FILE_CHARS {
        return Err(ClassError::BadDocument(format!(
            "{id} is larger than {} MB",
            MAX_FILE_CHARS / (1024 * 1024)
        )));
    }
    read_classroom_file(text).map_err(|e| ClassError::BadDocument(format!("{id}: {e}")))
}
