//! Classroom files coming in: exercises and keys the student opens, attempts and keys the
//! teacher imports. Each file is read by the domain; this decides where it goes.

use crate::domain::classroom::exercise::Role;
use crate::domain::classroom::files::{ClassroomFile, read_classroom_file};
use crate::domain::format::decode_utf8;
use crate::ui::classroom::{ClassAttempt, ClassKey, Classroom, classroom};
use crate::ui::notices;
use crate::ui::state::{AppState, NoticeKind};
use crate::web::files::{self, OpenedFile};
use leptos::prelude::*;

/// Biggest classroom file read (the same order as an article file).
const LIMIT_BYTES: f64 = 20.0 * 1024.0 * 1024.0;

/// Reads every file of `list`, then hands the ones that could be read to `then`.
pub fn read_then(
    state: AppState,
    list: Option<web_sys::FileList>,
    then: impl FnOnce(Vec<OpenedFile>) + 'static,
) {
    let chosen = files::files_of(list);
    if chosen.is_empty() {
        return;
    }
    leptos::task::spawn_local(async move {
        let mut opened = Vec::new();
        for file in chosen {
            match files::read_file(&file, LIMIT_BYTES).await {
                Ok(file) => opened.push(file),
                Err(error) => error_notice(state, notices::capitalise(&error.to_string())),
            }
        }
        then(opened);
    });
}

fn error_notice(state: AppState, text: impl Into<String>) {
    notices::notify(state, NoticeKind::Error, text, Vec::new());
}

fn parse(file: &OpenedFile) -> Result<ClassroomFile, String> {
    let text = decode_utf8(&file.bytes).map_err(|e| format!("“{}”: {e}", file.name))?;
    read_classroom_file(text).map_err(|e| format!("“{}”: {e}", file.name))
}

pub fn report_unrecognised(state: AppState, rest: &[OpenedFile]) {
    for file in rest {
        error_notice(
            state,
            format!(
                "“{}” is not a classroom file (an exercise, an answer key or an attempt)",
                file.name
            ),
        );
    }
}

/// What a student does with classroom files: an exercise starts an attempt (after asking
/// their name), a key on the same text lets them check their work, an attempt reopens it.
/// Returns the files that are not classroom files, for the general import to handle.
pub fn open_classroom_files(state: AppState, files: Vec<OpenedFile>) -> Vec<OpenedFile> {
    let Some(classroom) = classroom() else {
        return files;
    };
    let mut rest = Vec::new();
    for file in files {
        let parsed = match parse(&file) {
            Ok(parsed) => parsed,
            Err(_) => {
                rest.push(file);
                continue;
            }
        };
        match parsed.role {
            Some(Role::Exercise) => classroom.waiting_exercise.set(Some(parsed)),
            Some(Role::Key) => use_key_for_checking(state, classroom, &file.name, parsed),
            Some(Role::Attempt) => {
                crate::ui::classroom::student::reopen_attempt(state, classroom, parsed)
            }
            None => rest.push(file),
        }
    }
    rest
}

/// A key opened by a student: kept for "Check my work" when it is for the open text.
pub fn use_key_for_checking(state: AppState, classroom: Classroom, name: &str, key: ClassroomFile) {
    let same_text = state
        .editor
        .with_untracked(|e| e.document().text.sha256() == key.document.text.sha256());
    if !same_text {
        error_notice(
            state,
            format!(
                "“{name}” is the answer key of another text: open the exercise it belongs to first"
            ),
        );
        return;
    }
    let count = key.document.annotations.len();
    classroom.student_key.set(Some(key.document));
    notices::announce(state, format!("Answer key loaded: {count} spans"));
}

/// The teacher's import: attempts join the class (one per student and document, the newest
/// file replacing an older one), a key becomes the class's key. Returns the files that are
/// neither, for the general import to handle.
pub fn add_attempts(state: AppState, files: Vec<OpenedFile>) -> Vec<OpenedFile> {
    let Some(classroom) = classroom() else {
        return files;
    };
    let mut rest = Vec::new();
    let mut added = 0;
    for file in files {
        let parsed = match parse(&file) {
            Ok(parsed) => parsed,
            Err(_) => {
                rest.push(file);
                continue;
            }
        };
        match parsed.role {
            Some(Role::Attempt) => {
                let attempt = ClassAttempt {
                    file_name: file.name.clone(),
                    annotator: if parsed.annotator.trim().is_empty() {
                        file.name.clone()
                    } else {
                        parsed.annotator.clone()
                    },
                    document_id: parsed.document.id.0.clone(),
                    text_sha256: parsed.document.text.sha256().to_string(),
                    annotations: parsed.document.annotations,
                };
                classroom.class_attempts.update(|list| {
                    list.retain(|a| {
                        !(a.annotator == attempt.annotator && a.document_id == attempt.document_id)
                    });
                    list.push(attempt);
                });
                added += 1;
            }
            Some(Role::Key) => set_class_key(state, classroom, &file.name, parsed),
            Some(Role::Exercise) => error_notice(
                state,
                format!(
                    "“{}” is the exercise itself, with no answers: import the students' attempts",
                    file.name
                ),
            ),
            None => rest.push(file),
        }
    }
    if added > 0 {
        let total = classroom.class_attempts.with_untracked(Vec::len);
        notices::announce(
            state,
            format!("{added} attempts imported; {total} in the class"),
        );
    }
    rest
}

pub fn set_class_key(state: AppState, classroom: Classroom, name: &str, key: ClassroomFile) {
    let count = key.document.annotations.len();
    classroom.class_key.set(Some(ClassKey {
        file_name: name.to_string(),
        document: key.document,
    }));
    notices::announce(state, format!("Answer key loaded: {count} spans"));
}

/// The class view's "Load answer key": any native file with annotations may serve as a key.
pub fn load_class_key(state: AppState, files: Vec<OpenedFile>) {
    load_key(state, files, set_class_key);
}

/// The student's "Load answer key".
pub fn load_student_key(state: AppState, files: Vec<OpenedFile>) {
    load_key(state, files, use_key_for_checking);
}

/// Reads each file as a key and hands it to `use_key`; the exercise itself is refused.
fn load_key(
    state: AppState,
    files: Vec<OpenedFile>,
    use_key: fn(AppState, Classroom, &str, ClassroomFile),
) {
    let Some(classroom) = classroom() else { return };
    for file in files {
        match parse(&file) {
            Ok(parsed) if parsed.role == Some(Role::Exercise) => error_notice(
                state,
                format!(
                    "“{}” is the exercise, which has no answers: load the answer key",
                    file.name
                ),
            ),
            Ok(parsed) => use_key(state, classroom, &file.name, parsed),
            Err(message) => error_notice(state, message),
        }
    }
}

/// Offers a download, telling the user if the browser refused.
pub fn offer(state: AppState, name: &str, contents: &str) {
    match files::download(name, "application/json", contents) {
        Ok(()) => notices::announce(state, format!("Downloaded {name}")),
        Err(error) => error_notice(state, notices::capitalise(&error.to_string())),
    }
}

/// Classroom files given to the general "Import annotations" input or dropped on the page:
/// attempts (with their key, when one comes along) join the class results, an exercise or a
/// lone key goes to the student's side. Returns the files that are not classroom files.
pub fn route_imported(state: AppState, files: Vec<OpenedFile>) -> Vec<OpenedFile> {
    let roles: Vec<Option<Role>> = files
        .iter()
        .map(|f| parse(f).ok().and_then(|p| p.role))
        .collect();
    let has_attempts = roles.contains(&Some(Role::Attempt));
    let (class_files, other): (Vec<_>, Vec<_>) =
        files.into_iter().zip(roles).partition(|(_, role)| {
            matches!(role, Some(Role::Attempt)) || (has_attempts && matches!(role, Some(Role::Key)))
        });
    let (student_files, rest): (Vec<_>, Vec<_>) =
        other.into_iter().partition(|(_, role)| role.is_some());
    if !class_files.is_empty() {
        add_attempts(state, class_files.into_iter().map(|(f, _)| f).collect());
        if let Some(classroom) = classroom() {
            classroom.class_open.set(true);
        }
    }
    if !student_files.is_empty() {
        open_classroom_files(state, student_files.into_iter().map(|(f, _)| f).collect());
    }
    rest.into_iter().map(|(f, _)| f).collect()
}
