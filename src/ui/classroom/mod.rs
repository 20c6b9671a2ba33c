//! The classroom: a teacher makes an exercise and an answer key from an annotated article,
//! students open the exercise (a file or a link), annotate, hand in and check their work,
//! and the teacher reviews the whole class.
//!
//! Its state lives in [`context::Classroom`] (its own context), not in `AppState`: the app
//! only knows the header controls, the exercise panel and the layer of dialogs. All
//! comparisons are the domain's (`domain::classroom`); these modules read files, keep the
//! signals and draw. This module only puts the parts together: none of them imports it.

pub mod class_results;
pub mod class_server;
pub mod class_views;
pub mod context;
pub mod file_io;
pub mod files;
pub mod make_exercise;
pub mod student;

use crate::ui::on_demand::{self, NotLoaded, OnDemand};
use crate::ui::state::AppState;
use crate::ui::view_memo::ViewMemo;
use crate::web::files::OpenedFile;
use context::{Classroom, use_classroom};
use leptos::prelude::*;

/// Creates the classroom's signals, keeps them for `use_classroom` (`install`), and restores a
/// session kept in this browser for the open document.
pub fn provide_classroom(state: crate::ui::state::AppState) -> Classroom {
    let classroom = Classroom::new(state);
    classroom.install();
    // Follow the open document: restore a stored session, stop checking on another text.
    // Keyed on the id alone, so an edit does not read storage again.
    let open_id = ViewMemo::new(move |_| state.editor.with(|e| e.document().id.clone()));
    Effect::new(move |_| {
        let id = open_id.get();
        if classroom
            .session
            .with_untracked(|s| s.as_ref().is_some_and(|s| s.document_id == id))
        {
            return;
        }
        classroom.checking.set(false);
        classroom.student_key.set(None);
        classroom.session.set(None);
        if let Some(raw) = crate::web::storage::settings::classroom_session(&id.0) {
            restore_in_student_part(state, classroom, id, raw);
        }
    });
    classroom
}

/// A session kept for the open document is read in the student's part, which its exercise
/// panel is in anyway: most documents have none, and a visit that restores none does not
/// carry the reader. The first time, "Loading the exercise…" shows; a failed fetch says so.
fn restore_in_student_part(
    state: AppState,
    classroom: Classroom,
    id: crate::domain::document::DocumentId,
    raw: String,
) {
    leptos::task::spawn_local(async move {
        let reading = restore_session_on_demand(id.clone(), raw);
        let session = on_demand::run(state, "the exercise", "restored", reading)
            .await
            .flatten();
        // Another document may have opened meanwhile: its own session is read for it.
        if state.editor.with_untracked(|e| e.document().id == id) {
            classroom.session.set(session);
        }
    });
}

#[leptos::wasm_split::wasm_split(student, wasm_split_path = ::leptos::wasm_split, fallible)]
fn restore_session_on_demand(
    id: crate::domain::document::DocumentId,
    raw: String,
) -> Result<Option<crate::domain::classroom::session::Session>, NotLoaded> {
    Ok(student::read_kept_session(&id, &raw))
}

/// Reading the exercise files a person picked, then opening them in the student's part.
pub type OpenExerciseFiles = fn(AppState, Option<web_sys::FileList>);

/// The main module's [`OpenExerciseFiles`]: the header's menu is a part of its own, and a part
/// may not cross the student's boundary (ARCHITECTURE.md, "Loading on demand").
pub fn open_exercise_files(state: AppState, list: Option<web_sys::FileList>) {
    file_io::read_then(state, list, move |opened| {
        open_in_student_part(state, StudentOpens::Files(opened));
    });
}

/// The header's classroom controls: make an exercise, open one, review a class.
#[component]
pub fn HeaderControls(open_files: OpenExerciseFiles) -> impl IntoView {
    let state = crate::ui::state::use_app();
    let classroom = use_classroom();
    view! {
        <button type="button" class="ann-button" on:click=move |_| classroom.make_open.set(true)>
            "Make exercise"
        </button>
        <label class="ann-file">
            <span class="ann-button">"Open exercise"</span>
            <input
                type="file"
                class="ann-file__input"
                aria-label="Open exercise"
                accept=".json,application/json"
                on:change=move |ev| {
                    let input: web_sys::HtmlInputElement = event_target(&ev);
                    open_files(state, input.files());
                    input.set_value("");
                }
            />
        </label>
        <button
            type="button"
            class="ann-button"
            aria-pressed=move || classroom.class_open.get().to_string()
            on:click=move |_| classroom.class_open.update(|open| *open = !*open)
        >
            "Class results"
        </button>
    }
}

/// The dialogs and the class view, above whatever screen is shown.
#[component]
pub fn ClassroomLayer() -> impl IntoView {
    let classroom = use_classroom();
    let state = crate::ui::state::use_app();
    if let Some(link) = student::exercise_link_on_start() {
        open_in_student_part(state, StudentOpens::Link(link));
    }
    view! {
        <Show when=move || classroom.make_open.get()>
            <OnDemand what="Make exercise" load=make_exercise_on_demand />
        </Show>
        <Show when=move || classroom.waiting_exercise.with(Option::is_some)>
            <OnDemand what="the exercise" load=move || student_on_demand(StudentPart::NameDialog) />
        </Show>
        <Show when=move || classroom.class_open.get()>
            <OnDemand what="Class results" load=class_results_on_demand />
        </Show>
    }
}

/// The student's exercise panel, while an attempt is open: fetched the first time one is
/// (ui::on_demand), so a visit that never opens an exercise does not carry it.
#[component]
pub fn ExercisePanel() -> impl IntoView {
    let state = crate::ui::state::use_app();
    let classroom = use_classroom();
    let open = ViewMemo::new(move |_| classroom.active_session(state).is_some());
    view! {
        <Show when=move || open.get()>
            <OnDemand what="the exercise" load=move || student_on_demand(StudentPart::Panel) />
        </Show>
    }
}

/// What the student's part is asked to open: classroom files the person picked, or the
/// exercise a link carries (`#ex1.…`).
enum StudentOpens {
    Files(Vec<OpenedFile>),
    Link(String),
}

/// Reading and routing classroom files (and unpacking an exercise link) are in the student's
/// part, which opening one needs next anyway: the first time, "Loading the exercise…" shows
/// on the notices' line, and a failed fetch says nothing was opened.
fn open_in_student_part(state: AppState, opens: StudentOpens) {
    leptos::task::spawn_local(async move {
        let opening = student_opens_on_demand(state, opens);
        // A failed fetch is the error notice `run` shows; nothing was opened.
        on_demand::run(state, "the exercise", "opened", opening).await;
    });
}

#[leptos::wasm_split::wasm_split(student, wasm_split_path = ::leptos::wasm_split, fallible)]
fn student_opens_on_demand(state: AppState, opens: StudentOpens) -> Result<(), NotLoaded> {
    match opens {
        StudentOpens::Files(opened) => {
            let rest = files::open_classroom_files(state, opened);
            file_io::report_unrecognised(state, &rest);
        }
        StudentOpens::Link(link) => student::open_exercise_link(state, &link),
    }
    Ok(())
}

/// The two views of the student's side, in one part.
#[derive(Clone, Copy)]
enum StudentPart {
    NameDialog,
    Panel,
}

/// The student's side (the name dialog, the exercise panel, Hand in and checking) is fetched
/// the first time an exercise is opened (ui::on_demand).
#[leptos::wasm_split::wasm_split(student, wasm_split_path = ::leptos::wasm_split, fallible)]
fn student_on_demand(part: StudentPart) -> Result<AnyView, NotLoaded> {
    Ok(match part {
        StudentPart::NameDialog => view! { <student::NameDialog /> }.into_any(),
        StudentPart::Panel => view! { <student::ExercisePanel /> }.into_any(),
    })
}

/// Make exercise is fetched the first time it opens (ui::on_demand).
#[leptos::wasm_split::wasm_split(make_exercise, wasm_split_path = ::leptos::wasm_split, fallible)]
fn make_exercise_on_demand() -> Result<AnyView, NotLoaded> {
    Ok(view! { <make_exercise::MakeExerciseDialog /> }.into_any())
}

/// Class results are fetched the first time they open (ui::on_demand).
#[leptos::wasm_split::wasm_split(class_results, wasm_split_path = ::leptos::wasm_split, fallible)]
fn class_results_on_demand() -> Result<AnyView, NotLoaded> {
    Ok(view! { <class_results::ClassResults /> }.into_any())
}
