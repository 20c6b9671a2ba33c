//! Classroom files as the app reads and writes them: a native JSON document plus its
//! classroom fields (role, annotator, exercise), turned into one typed value.
//!
//! The native format carries the classroom fields in its own plain shape
//! ([`native::Exercise`]: tag ids and hints as strings); the classroom steps work on
//! [`ClassroomDocument`]. This module is the one place that converts between the two, so the
//! views never juggle both.

use crate::domain::classroom::exercise::{ClassroomDocument, Exercise, Role};
use crate::domain::document::Document;
use crate::domain::format::native::{
    self, ClassroomFields, ClassroomRole, WriteOptions, document_from_native, read_native_detailed,
    write_document,
};
use crate::domain::import::Severity;
use crate::domain::tag::TagId;
use std::fmt;

/// A classroom file as read: the document, its role (absent in plain annotation files), who
/// made it, the teacher's instructions, and what could not be read.
#[derive(Clone, Debug, PartialEq)]
pub struct ClassroomFile {
    pub role: Option<Role>,
    pub annotator: String,
    pub exercise: native::Exercise,
    pub document: Document,
    /// Problems met while reading (annotations skipped, and so on), as sentences.
    pub problems: Vec<String>,
}

/// Why a file cannot be used in the classroom at all.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClassroomFileError {
    /// Not an Article Annotator JSON file (or not readable as one); the reader's first problem.
    NotNative(String),
    /// Readable, but without the article text or the document id.
    Incomplete(String),
}

impl fmt::Display for ClassroomFileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClassroomFileError::NotNative(reason) => {
                write!(f, "this is not an Article Annotator file: {reason}")
            }
            ClassroomFileError::Incomplete(reason) => write!(f, "{reason}"),
        }
    }
}

impl std::error::Error for ClassroomFileError {}

pub fn role_from_native(role: ClassroomRole) -> Role {
    match role {
        ClassroomRole::Exercise => Role::Exercise,
        ClassroomRole::Key => Role::Key,
        ClassroomRole::Attempt => Role::Attempt,
    }
}

pub fn role_to_native(role: Role) -> ClassroomRole {
    match role {
        Role::Exercise => ClassroomRole::Exercise,
        Role::Key => ClassroomRole::Key,
        Role::Attempt => ClassroomRole::Attempt,
    }
}

/// Reads a native JSON file with its classroom fields. Fails only when there is no document
/// to speak of (not JSON, not our format, no text); smaller problems are listed in the result.
pub fn read_classroom_file(input: &str) -> Result<ClassroomFile, ClassroomFileError> {
    let read = read_native_detailed(input);
    let fatal = read
        .batch
        .problems
        .iter()
        .find(|problem| problem.severity == Severity::Error && read.batch.text.is_none())
        .map(|problem| problem.message.clone());
    if let Some(reason) = fatal {
        return Err(ClassroomFileError::NotNative(reason));
    }
    let (document, placed) = document_from_native(&read)
        .map_err(|error| ClassroomFileError::Incomplete(error.to_string()))?;
    let problems = read
        .batch
        .problems
        .iter()
        .chain(placed.iter())
        .map(|problem| problem.message.clone())
        .collect();
    let ClassroomFields {
        role,
        annotator,
        exercise,
    } = read.classroom;
    Ok(ClassroomFile {
        role: role.map(role_from_native),
        annotator: annotator.unwrap_or_default(),
        exercise: exercise.unwrap_or_default(),
        document,
        problems,
    })
}

/// The file's native JSON, with the article text and the classroom fields.
pub fn write_classroom_file(
    document: &Document,
    role: Role,
    annotator: &str,
    exercise: &native::Exercise,
) -> String {
    let annotator = annotator.trim();
    write_document(
        document,
        &WriteOptions {
            include_text: true,
            classroom: ClassroomFields {
                role: Some(role_to_native(role)),
                annotator: (!annotator.is_empty()).then(|| annotator.to_string()),
                exercise: Some(exercise.clone()),
            },
        },
    )
}

/// The classroom steps' view of the stored instructions (hints stay with the stored form).
pub fn exercise_for_steps(stored: &native::Exercise) -> Exercise {
    Exercise {
        instructions: stored.instructions.clone(),
        allowed_tags: stored.tags.iter().map(|id| TagId::from_name(id)).collect(),
        hints: Vec::new(),
    }
}

impl ClassroomFile {
    /// The file as input to [`crate::domain::classroom::exercise::start_attempt`] and friends;
    /// a file without a role counts as a key (a teacher's plain annotated document).
    pub fn to_classroom_document(&self) -> ClassroomDocument {
        ClassroomDocument {
            role: self.role.unwrap_or(Role::Key),
            annotator: self.annotator.clone(),
            exercise: exercise_for_steps(&self.exercise),
            document: self.document.clone(),
        }
    }
}

/// Splits the hints box (one hint per line, blank lines dropped, each trimmed).
pub fn hints_from_lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(String::from)
        .collect()
}

/// A file name part made from a person's name: letters and digits kept (any script),
/// everything else one hyphen, lowercased, at most 40 characters; "student" when nothing is left.
pub fn name_for_file(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let out: String = out.trim_end_matches('-').chars().take(40).collect();
    let out = out.trim_end_matches('-').to_string();
    if out.is_empty() {
        "student".to_string()
    } else {
        out
    }
}
