//! Reading and offering classroom files: the browser's file list read into bytes, each file
//! parsed by the domain, a download offered. A leaf of `ui/classroom/`: the student's side and
//! the teacher's routing both use it, and it uses neither.

use crate::domain::classroom::exercise::Role;
use crate::domain::classroom::files::{ClassroomFile, read_classroom_file};
use crate::domain::format::decode_utf8;
use crate::ui::classroom::context::{Classroom, classroom};
use crate::ui::notices;
use crate::ui::state::{AppState, NoticeKind};
use crate::web::files::{self, OpenedFile};

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

pub fn error_notice(state: AppState, text: impl Into<String>) {
    notices::notify(state, NoticeKind::Error, text, Vec::new());
}

pub fn parse(file: &OpenedFile) -> Result<ClassroomFile, String> {
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

/// Reads each file as a key and hands it to `use_key`; the exercise itself is refused.
pub fn load_key(
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
