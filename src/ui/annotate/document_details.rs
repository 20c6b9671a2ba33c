//! The open document's metadata, editable at any time. Each field commits on change as one
//! undoable command.

use crate::domain::command::Command;
use crate::domain::document::Metadata;
use crate::ui::actions;
use crate::ui::state::use_app;
use leptos::prelude::*;

#[component]
pub fn DocumentDetails() -> impl IntoView {
    let state = use_app();
    let field = move |label: &'static str,
                      get: fn(&Metadata) -> &String,
                      set: fn(&mut Metadata, String)| {
        view! {
            <label class="ann-field">
                <span>{label}</span>
                <input
                    type="text"
                    prop:value=move || state.editor.with(|e| get(&e.document().metadata).clone())
                    on:change=move |ev| {
                        let value = event_target_value(&ev).trim().to_string();
                        let mut metadata = state.editor.with_untracked(|e| e.document().metadata.clone());
                        set(&mut metadata, value);
                        actions::execute(state, Command::EditMetadata { metadata });
                    }
                />
            </label>
        }
    };
    view! {
        <details class="ann-doc-details">
            <summary>"Article details"</summary>
            {field("Title", |m| &m.title, |m, v| m.title = v)}
            {field("URL", |m| &m.url, |m, v| m.url = v)}
            {field("Publisher", |m| &m.publisher, |m, v| m.publisher = v)}
            {field("Author", |m| &m.author, |m, v| m.author = v)}
            {field("Published date", |m| &m.published, |m, v| m.published = v)}
            {field(crate::ui::strings::LANGUAGE, |m| &m.language, |m, v| m.language = v)}
            <p class="ann-field-hint">{crate::ui::strings::LANGUAGE_HINT}</p>
        </details>
    }
}
