//! "Make exercise": the teacher's instructions, the tags students use and optional hints
//! turn the open (annotated) document into the exercise to hand out, the answer key to keep,
//! and a link that carries the exercise in its `#fragment`.

use crate::domain::article_input::metadata::suggested_file_stem;
use crate::domain::classroom::exercise::{Role, default_instructions, make_exercise};
use crate::domain::classroom::files::{exercise_for_steps, hints_from_lines, write_classroom_file};
use crate::domain::classroom::fragment::{MAX_FRAGMENT_LEN, encode_fragment};
use crate::domain::document::DocumentId;
use crate::domain::format::native;
use crate::domain::tag::{Tag, TagId};
use crate::ui::classroom::class_views::SetUpClass;
use crate::ui::classroom::context::use_classroom;
use crate::ui::classroom::file_io::offer;
use crate::ui::dialog::Dialog;
use crate::ui::notices;
use crate::ui::state::use_app;
use crate::ui::view_memo::ViewMemo;
use crate::ui::view_signal::ViewSignal;
use crate::web::clock;
use leptos::prelude::*;

/// The exercise and key files made from the dialog's fields.
#[derive(Clone, PartialEq)]
struct Made {
    exercise_json: String,
    key_json: String,
    stem: String,
}

#[component]
pub fn MakeExerciseDialog() -> impl IntoView {
    let state = use_app();
    let classroom = use_classroom();
    let tags = state
        .editor
        .with_untracked(|e| e.document().tags.tags().to_vec());
    let chosen = ViewSignal::new(tags.iter().map(|t| t.id.clone()).collect::<Vec<_>>());
    // Until the teacher types, the instructions follow the chosen tags.
    let typed = ViewSignal::new(None::<String>);
    let all_tags = tags.clone();
    let instructions = ViewMemo::new(move |_| {
        typed.get().unwrap_or_else(|| {
            chosen.with(|chosen| {
                let labels: Vec<&str> = all_tags
                    .iter()
                    .filter(|t| chosen.contains(&t.id))
                    .map(|t| t.label.as_str())
                    .collect();
                default_instructions(&labels)
            })
        })
    });
    let hints = ViewSignal::new(String::new());
    let key_size = state
        .editor
        .with_untracked(|e| e.document().annotations.len());
    // The exercise's id is fixed for the dialog, so the link and the file describe one exercise.
    let exercise_id = DocumentId(clock::new_id("d"));
    // The class library attempts are handed in to, once "Set up class" has made it.
    let class = ViewSignal::new(None::<String>);
    let made = ViewMemo::new(move |_| {
        let stored = native::Exercise {
            instructions: instructions.get().trim().to_string(),
            tags: chosen.get().iter().map(|t| t.0.clone()).collect(),
            hints: hints_from_lines(&hints.get()),
            class: class.get(),
        };
        state.editor.with(|e| {
            let document = e.document();
            let (exercise, key) = make_exercise(
                document,
                "",
                exercise_for_steps(&stored),
                exercise_id.clone(),
            );
            Made {
                exercise_json: write_classroom_file(
                    &exercise.document,
                    Role::Exercise,
                    "",
                    &stored,
                ),
                key_json: write_classroom_file(&key.document, Role::Key, "", &stored),
                stem: suggested_file_stem(&document.metadata.title, &document.metadata.published),
            }
        })
    });
    let no_tags = Signal::derive(move || chosen.with(Vec::is_empty));
    let close = move || classroom.make_open.set(false);

    view! {
        <Dialog labelled_by="ann-make-title" class="ann-dialog ann-make" on_close=close>
                <h2 id="ann-make-title">"Make exercise"</h2>
                <p class="ann-make__lead">
                    "Students get the article without your annotations; you keep them as the answer key ("
                    {key_size} " spans)."
                </p>
                <label class="ann-field">
                    <span>"Instructions"</span>
                    <textarea
                        rows="3"
                        prop:value=move || instructions.get()
                        on:input=move |ev| typed.set(Some(event_target_value(&ev)))
                    ></textarea>
                </label>
                <TagChoices tags=tags chosen=chosen no_tags=no_tags />
                <label class="ann-field">
                    <span>"Hints (optional, one per line)"</span>
                    <textarea
                        rows="2"
                        prop:value=move || hints.get()
                        on:input=move |ev| hints.set(event_target_value(&ev))
                    ></textarea>
                </label>
                <Downloads made=made no_tags=no_tags />
                <p class="ann-make__note">
                    "Hand out the exercise file (or the link below); keep the answer key to check the class's work."
                </p>
                <ExerciseLink made=made />
                <SetUpClass class=class key_json=Signal::derive(move || made.with(|m| m.key_json.clone())) />
                <div class="ann-dialog__actions">
                    <button type="button" class="ann-button" on:click=move |_| close()>"Close"</button>
                </div>
        </Dialog>
    }
}

/// The tags students may use, each a checkbox; a warning when none is chosen.
#[component]
fn TagChoices(
    tags: Vec<Tag>,
    chosen: ViewSignal<Vec<TagId>>,
    no_tags: Signal<bool>,
) -> impl IntoView {
    view! {
        <fieldset class="ann-make__tags">
            <legend>"Tags students use"</legend>
            {tags
                .into_iter()
                .map(|tag| {
                    let id = tag.id.clone();
                    let id_for_change = tag.id.clone();
                    view! {
                        <label class="ann-check">
                            <input
                                type="checkbox"
                                prop:checked=move || chosen.with(|c| c.contains(&id))
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    let id = id_for_change.clone();
                                    chosen.update(|c| {
                                        c.retain(|t| *t != id);
                                        if on {
                                            c.push(id);
                                        }
                                    });
                                }
                            />
                            <span class="ann-badge" style=format!("--ann-tag: {}", tag.color)>
                                {tag.badge_letter().to_string()}
                            </span>
                            {tag.label.clone()}
                        </label>
                    }
                })
                .collect_view()}
        </fieldset>
        <Show when=move || no_tags.get()>
            <p class="ann-make__warning" role="alert">
                "Choose at least one tag, or students cannot mark anything."
            </p>
        </Show>
    }
}

#[component]
fn Downloads(made: ViewMemo<Made>, no_tags: Signal<bool>) -> impl IntoView {
    let state = use_app();
    let download_exercise = move |_| {
        made.with_untracked(|m| {
            offer(
                state,
                &format!("{}-exercise.json", m.stem),
                &m.exercise_json,
            )
        })
    };
    let download_key = move |_| {
        made.with_untracked(|m| offer(state, &format!("{}-key.json", m.stem), &m.key_json))
    };
    view! {
        <div class="ann-make__downloads">
            <button
                type="button"
                class="ann-button ann-button--primary"
                prop:disabled=no_tags
                on:click=download_exercise
            >
                "Download exercise"
            </button>
            <button type="button" class="ann-button" prop:disabled=no_tags on:click=download_key>
                "Download answer key"
            </button>
        </div>
    }
}

/// The exercise as a link (its `#fragment`), to copy; or why it cannot be one.
#[component]
fn ExerciseLink(made: ViewMemo<Made>) -> impl IntoView {
    let state = use_app();
    let link = ViewMemo::new(move |_| {
        made.with(|m| encode_fragment(&m.exercise_json))
            .map(|fragment| format!("{}#{fragment}", page_address()))
            .map_err(|e| notices::capitalise(&e.to_string()))
    });
    let copied = ViewSignal::new(false);
    let copy_link = move |_| {
        if let Ok(url) = link.get_untracked() {
            copy_to_clipboard(&url, copied);
            notices::announce(state, "Copying the link");
        }
    };
    view! {
        <div class="ann-make__link">
            {move || match link.get() {
                Ok(url) => {
                    let length = url.chars().count();
                    view! {
                        <label class="ann-field">
                            <span>"Link to the exercise"</span>
                            <input
                                type="text"
                                readonly
                                prop:value=url
                                on:focus=|ev| {
                                    let input: web_sys::HtmlInputElement = event_target(&ev);
                                    input.select();
                                }
                            />
                        </label>
                        <div class="ann-make__link-row">
                            <button type="button" class="ann-button" on:click=copy_link>
                                {move || if copied.get() { "Copied ✓" } else { "Copy link" }}
                            </button>
                            <span class="ann-make__length">
                                {format!(
                                    "This link is {} characters; links up to ~{} KB work in most browsers.",
                                    group_digits(length),
                                    MAX_FRAGMENT_LEN / 1024,
                                )}
                            </span>
                        </div>
                    }
                        .into_any()
                }
                Err(message) => view! {
                    <p class="ann-make__warning">
                        {message} ". Hand out the exercise file instead."
                    </p>
                }
                    .into_any(),
            }}
        </div>
    }
}

/// 12345 → "12,345".
fn group_digits(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The page's address without its fragment.
fn page_address() -> String {
    web_sys::window()
        .and_then(|w| w.location().href().ok())
        .map(|href| href.split('#').next().unwrap_or("").to_string())
        .unwrap_or_default()
}

/// Asks the browser to copy `text` (navigator.clipboard.writeText); `copied` turns true once
/// the browser has done it. A refusal (no permission, no secure context) is left unreported:
/// the link stays selectable in its field.
fn copy_to_clipboard(text: &str, copied: ViewSignal<bool>) {
    use wasm_bindgen::JsCast;
    let Some(window) = web_sys::window() else {
        return;
    };
    let navigator = window.navigator();
    let Ok(clipboard) = js_sys::Reflect::get(&navigator, &"clipboard".into()) else {
        return;
    };
    let Ok(write) = js_sys::Reflect::get(&clipboard, &"writeText".into()) else {
        return;
    };
    let Some(write) = write.dyn_ref::<js_sys::Function>() else {
        return;
    };
    let Ok(promise) = write.call1(&clipboard, &text.into()) else {
        return;
    };
    let Ok(promise) = promise.dyn_into::<js_sys::Promise>() else {
        return;
    };
    leptos::task::spawn_local(async move {
        if wasm_bindgen_futures::JsFuture::from(promise).await.is_ok() {
            copied.set(true);
        }
    });
}
