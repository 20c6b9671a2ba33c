//! The student's side: opening an exercise (link or file) asks their name and starts a fresh
//! attempt; the exercise panel shows the instructions, hands the attempt in, and, with the
//! answer key loaded, checks the work (hits and extras on the article's marks, misses listed,
//! scores per tag).

use crate::domain::article_input::metadata::suggested_file_stem;
use crate::domain::classroom::exercise::{Role, start_attempt};
use crate::domain::classroom::files::{
    ClassroomFile, name_for_file, read_classroom_file, write_classroom_file,
};
use crate::domain::classroom::fragment::decode_fragment;
use crate::domain::classroom::matching::{MatchRule, match_attempt};
use crate::domain::classroom::present::{check_statuses, percent};
use crate::domain::classroom::scores::{SCORING_EXPLANATION, score_matching};
use crate::domain::classroom::session::{Session, read_session, write_session};
use crate::domain::document::{Document, DocumentId};
use crate::ui::classroom::class_server;
use crate::ui::classroom::class_views::ClassPassword;
use crate::ui::classroom::context::{
    CheckResult, Classroom, classroom, install_checker, use_classroom,
};
use crate::ui::classroom::file_io::{error_notice, load_key, offer, read_then};
use crate::ui::dialog::Dialog;
use crate::ui::library::persistence;
use crate::ui::notices;
use crate::ui::state::{AppState, NoticeKind, use_app};
use crate::ui::view_memo::ViewMemo;
use crate::ui::view_signal::ViewSignal;
use crate::web::clock;
use crate::web::files::OpenedFile;
use crate::web::storage::settings;
use leptos::prelude::*;
use std::sync::Arc;

/// Keeps the session in this browser, so a reload (or reopening from the library) finds it.
fn save_session(session: &Session) {
    // Not being able to keep it costs only the exercise panel after a reload: the student's
    // annotations are saved with the document, and the exercise file or link opens it again.
    if let Err(error) =
        settings::set_classroom_session(&session.document_id.0, &write_session(session))
    {
        leptos::logging::warn!("the classroom session was not kept: {error}");
    }
}

/// The session kept for document `id` (`raw`, as stored), if it can be read. One that cannot
/// costs only the exercise panel: the student's annotations are saved with the document.
pub fn read_kept_session(id: &DocumentId, raw: &str) -> Option<Session> {
    match read_session(id, raw) {
        Ok(session) => Some(session),
        Err(error) => {
            leptos::logging::warn!("the kept classroom session was not read: {error}");
            None
        }
    }
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

/// The student's "Load answer key".
pub fn load_student_key(state: AppState, files: Vec<OpenedFile>) {
    load_key(state, files, use_key_for_checking);
}

/// The exercise link (`#ex1.…`) the page was opened with, taken out of the address (once,
/// when the app starts: a reload should not start another attempt).
pub fn exercise_link_on_start() -> Option<String> {
    let window = web_sys::window()?;
    let hash = window.location().hash().unwrap_or_default();
    if !hash.starts_with("#ex1.") {
        return None;
    }
    if let Ok(history) = window.history() {
        let address = window.location().href().unwrap_or_default();
        let without = address.split('#').next().unwrap_or("").to_string();
        // The hash then stays in the address bar; the exercise is opened anyway, so nothing is lost.
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&without));
    }
    Some(hash)
}

/// Opens the exercise an exercise link carries: the name dialog asks for the student's name.
pub fn open_exercise_link(state: AppState, hash: &str) {
    let Some(classroom) = classroom() else {
        return;
    };
    let opened = decode_fragment(hash)
        .map_err(|e| e.to_string())
        .and_then(|json| read_classroom_file(&json).map_err(|e| e.to_string()));
    match opened {
        Ok(file) if file.role == Some(Role::Exercise) => {
            classroom.waiting_exercise.set(Some(file));
        }
        Ok(_) => notices::notify(
            state,
            NoticeKind::Error,
            "This link does not hold an exercise",
            Vec::new(),
        ),
        Err(message) => notices::notify(
            state,
            NoticeKind::Error,
            format!("The exercise link cannot be opened: {message}"),
            Vec::new(),
        ),
    }
}

/// A student's attempt file opened again: its document, under their name.
pub fn reopen_attempt(state: AppState, classroom: Classroom, file: ClassroomFile) {
    let session = Session {
        document_id: file.document.id.clone(),
        annotator: file.annotator.clone(),
        exercise: file.exercise.clone(),
    };
    save_session(&session);
    classroom.session.set(Some(session));
    persistence::open_document(state, file.document);
}

fn begin(state: AppState, classroom: Classroom, name: &str) -> Result<(), String> {
    let Some(file) = classroom.waiting_exercise.get_untracked() else {
        return Ok(());
    };
    let attempt = start_attempt(
        &file.to_classroom_document(),
        name,
        DocumentId(clock::new_id("d")),
    )
    .map_err(|e| notices::capitalise(&e.to_string()))?;
    let session = Session {
        document_id: attempt.document.id.clone(),
        annotator: attempt.annotator.clone(),
        exercise: file.exercise.clone(),
    };
    save_session(&session);
    classroom.session.set(Some(session));
    classroom.student_key.set(None);
    classroom.checking.set(false);
    classroom.waiting_exercise.set(None);
    persistence::open_document(state, attempt.document);
    Ok(())
}

/// Asks the student's name before the attempt starts.
#[component]
pub fn NameDialog() -> impl IntoView {
    let state = use_app();
    let classroom = use_classroom();
    let name = ViewSignal::new(String::new());
    let error = ViewSignal::new(None::<String>);
    let file = classroom.waiting_exercise.get_untracked();
    let title = file
        .as_ref()
        .map(|f| f.document.metadata.title.clone())
        .unwrap_or_default();
    let instructions = file
        .as_ref()
        .map(|f| f.exercise.instructions.clone())
        .unwrap_or_default();
    let class = file.as_ref().and_then(|f| f.exercise.class.clone());
    let password = ViewSignal::new(String::new());
    let signs_in = class.is_some();
    let class_name = class.clone().unwrap_or_default();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let typed = name.get_untracked();
        if !signs_in {
            if let Err(message) = begin(state, classroom, &typed) {
                error.set(Some(message));
            }
            return;
        }
        let secret = password.get_untracked();
        password.set(String::new());
        let class_for_error = class_name.clone();
        leptos::task::spawn_local(async move {
            let signed_in = crate::web::sync::sign_in(typed.trim(), &secret).await;
            let begun = signed_in
                .map_err(|e| match e {
                    crate::web::sync::HttpError::Unauthorized => format!(
                        "The server does not know this name and password: type your user name for class “{}” and its password",
                        class_for_error
                    ),
                    other => format!("Signing in to the class failed: {other}"),
                })
                .and_then(|()| begin(state, classroom, &typed));
            if let Err(message) = begun {
                error.set(Some(message));
            }
        });
    };
    view! {
        <Dialog
            labelled_by="ann-start-title"
            class="ann-dialog ann-start"
            close_on_backdrop=false
            initial_focus="#ann-start-name"
            on_close=move || classroom.waiting_exercise.set(None)
        >
            <form class="ann-start__form" on:submit=submit>
                <h2 id="ann-start-title">"Start the exercise"</h2>
                <p class="ann-start__title">{title}</p>
                <Show when={
                    let empty = instructions.trim().is_empty();
                    move || !empty
                }>
                    <p class="ann-instructions">{instructions.clone()}</p>
                </Show>
                <label class="ann-field">
                    <span>"Your name"</span>
                    <input
                        type="text"
                        autocomplete="name"
                        id="ann-start-name"
                        prop:value=move || name.get()
                        on:input=move |ev| name.set(event_target_value(&ev))
                    />
                </label>
                {class.clone().map(|class| view! { <ClassPassword class=class password=password /> })}
                {move || error.get().map(|m| view! { <p class="ann-make__warning" role="alert">{m}</p> })}
                <p class="ann-start__note">
                    {if signs_in {
                        "Your work stays in this browser. When you are done, press “Hand in”: your attempt goes to the class library."
                    } else {
                        "Your work stays in this browser. When you are done, press “Hand in” and give the file to your teacher."
                    }}
                </p>
                <div class="ann-dialog__actions">
                    <button
                        type="button"
                        class="ann-button"
                        on:click=move |_| classroom.waiting_exercise.set(None)
                    >
                        "Cancel"
                    </button>
                    <button type="submit" class="ann-button ann-button--primary">"Start"</button>
                </div>
            </form>
        </Dialog>
    }
}

fn hand_in(state: AppState, session: &Session) {
    persistence::flush(state);
    let (json, stem) = state.editor.with_untracked(|e| {
        let document = e.document();
        (
            write_classroom_file(
                document,
                Role::Attempt,
                &session.annotator,
                &session.exercise,
            ),
            suggested_file_stem(&document.metadata.title, &document.metadata.published),
        )
    });
    if let Some(class) = session.exercise.class.clone() {
        let student = session.annotator.clone();
        leptos::task::spawn_local(class_server::hand_in(state, class, student, json));
        return;
    }
    offer(
        state,
        &format!("{stem}-{}-attempt.json", name_for_file(&session.annotator)),
        &json,
    );
}

/// The instructions, "Hand in", and checking against the key: shown while an attempt is open.
/// The student's spans against the key, graded: what "Check my work" shows.
fn check_attempt(key: &Document, attempt: &Document, rule: MatchRule) -> CheckResult {
    let matching = match_attempt(&key.annotations, &attempt.annotations, rule);
    let statuses = check_statuses(&matching);
    CheckResult(Arc::new((matching, statuses)))
}

#[component]
pub fn ExercisePanel() -> impl IntoView {
    let state = use_app();
    let classroom = use_classroom();
    install_checker(check_attempt);
    let session = ViewMemo::new(move |_| classroom.active_session(state));
    move || {
        session.get().map(|session| {
            let hints = session.exercise.hints.clone();
            let for_hand_in = session.clone();
            view! {
                <section class="ann-exercise" aria-labelledby="ann-exercise-title">
                    <h2 class="ann-panel-heading" id="ann-exercise-title">
                        "Exercise"
                        <span class="ann-count">{session.annotator.clone()}</span>
                    </h2>
                    <p class="ann-instructions">{session.exercise.instructions.clone()}</p>
                    {session.exercise.class.clone().map(|class| view! {
                        <p class="ann-exercise__class">
                            {format!("“Hand in” sends your attempt to class “{class}” as {}.", session.annotator)}
                        </p>
                    })}
                    {(!hints.is_empty()).then(|| view! {
                        <details class="ann-exercise__hints">
                            <summary>{format!("Hints ({})", hints.len())}</summary>
                            <ul>{hints.into_iter().map(|h| view! { <li>{h}</li> }).collect_view()}</ul>
                        </details>
                    })}
                    <div class="ann-exercise__actions">
                        <button
                            type="button"
                            class="ann-button ann-button--primary"
                            on:click=move |_| hand_in(state, &for_hand_in)
                        >
                            "Hand in"
                        </button>
                        <label class="ann-file">
                            <span class="ann-button">"Load answer key"</span>
                            <input
                                type="file"
                                class="ann-file__input"
                                aria-label="Load answer key"
                                accept=".json,application/json"
                                on:change=move |ev| {
                                    let input: web_sys::HtmlInputElement = event_target(&ev);
                                    read_then(state, input.files(), move |f| load_student_key(state, f));
                                    input.set_value("");
                                }
                            />
                        </label>
                        <button
                            type="button"
                            class="ann-button"
                            aria-pressed=move || classroom.checking.get().to_string()
                            prop:disabled=move || classroom.student_key.with(Option::is_none)
                            title=move || if classroom.student_key.with(Option::is_none) {
                                "Load the answer key first"
                            } else {
                                "Compare your spans with the answer key"
                            }
                            on:click=move |_| classroom.checking.update(|c| *c = !*c)
                        >
                            "Check my work"
                        </button>
                    </div>
                    <CheckResults />
                </section>
            }
        })
    }
}

/// Scores per tag, the missed key spans, the legend of the marks and how scoring works.
#[component]
fn CheckResults() -> impl IntoView {
    let state = use_app();
    let classroom = use_classroom();
    move || {
        let result = classroom.check.get()?;
        let (matching, _) = &*result.0;
        let card = score_matching(matching);
        let tag_label = move |id: &crate::domain::tag::TagId| {
            state.editor.with_untracked(|e| {
                e.document()
                    .tags
                    .get(id)
                    .map(|t| t.label.clone())
                    .unwrap_or_else(|| id.0.clone())
            })
        };
        let rows = card
            .per_tag
            .iter()
            .map(|(tag, score)| {
                view! {
                    <tr data-tag=tag.0.clone()>
                        <th scope="row">{tag_label(tag)}</th>
                        <td>{score.counts.hits}</td>
                        <td>{score.counts.misses}</td>
                        <td>{score.counts.extras}</td>
                        <td>{percent(score.precision)}</td>
                        <td>{percent(score.recall)}</td>
                        <td>{percent(score.f1)}</td>
                    </tr>
                }
            })
            .collect_view();
        let overall = card.overall;
        let misses = matching
            .misses
            .iter()
            .map(|miss| {
                let quote = state.editor.with_untracked(|e| {
                    e.document()
                        .text
                        .slice(miss.range)
                        .unwrap_or("")
                        .to_string()
                });
                view! {
                    <li class="ann-checkwork__miss">
                        <span class="ann-checkwork__miss-label">"missed"</span>
                        <span class="ann-checkwork__tag">{tag_label(&miss.tag)}</span>
                        <q>{quote}</q>
                    </li>
                }
            })
            .collect_view();
        let miss_count = matching.misses.len();
        Some(view! {
            <div class="ann-checkwork" aria-live="polite">
                <h3 class="ann-checkwork__heading">"Your work against the key"</h3>
                <ul class="ann-checkwork__legend" aria-label="How the article shows it">
                    <li><span class="ann-legend ann-legend--hit">"✓ found"</span>" solid outline"</li>
                    <li><span class="ann-legend ann-legend--extra">"✗ extra"</span>" dotted outline"</li>
                    <li><span class="ann-legend ann-legend--miss">"missed"</span>" listed below"</li>
                </ul>
                <div class="ann-checkwork__table">
                <table class="ann-table ann-checkwork__scores">
                    <thead>
                        <tr>
                            <th scope="col">"Tag"</th>
                            <th scope="col" title="Key spans you found">"Hit"</th>
                            <th scope="col" title="Key spans you did not find">"Miss"</th>
                            <th scope="col" title="Your spans that match nothing in the key">"Extra"</th>
                            <th scope="col" title="Precision">"P"</th>
                            <th scope="col" title="Recall">"R"</th>
                            <th scope="col">"F1"</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                    <tfoot>
                        <tr data-tag="overall">
                            <th scope="row">"Overall"</th>
                            <td>{overall.counts.hits}</td>
                            <td>{overall.counts.misses}</td>
                            <td>{overall.counts.extras}</td>
                            <td>{percent(overall.precision)}</td>
                            <td>{percent(overall.recall)}</td>
                            <td>{percent(overall.f1)}</td>
                        </tr>
                    </tfoot>
                </table>
                </div>
                <h4 class="ann-checkwork__subheading">{format!("Missed ({miss_count})")}</h4>
                {if miss_count == 0 {
                    view! { <p class="ann-muted">"You found every span of the key."</p> }.into_any()
                } else {
                    view! { <ul class="ann-checkwork__misses">{misses}</ul> }.into_any()
                }}
                <ScoringRules />
            </div>
        })
    }
}

/// The strict-mode switch and the explanation of scoring (check and class views).
#[component]
pub fn ScoringRules() -> impl IntoView {
    let classroom = use_classroom();
    view! {
        <div class="ann-scoring">
            <label class="ann-check-toggle">
                <input
                    type="checkbox"
                    prop:checked=move || classroom.strict.get()
                    on:change=move |ev| classroom.strict.set(event_target_checked(&ev))
                />
                "Strict mode: spans must match exactly"
            </label>
            <p class="ann-scoring__rule">
                "A span counts as found when it has the key's tag and the two "
                {move || classroom.rule().describe()} "."
            </p>
            <details class="ann-scoring__details">
                <summary>"How scoring works"</summary>
                <p>{SCORING_EXPLANATION}</p>
            </details>
        </div>
    }
}
