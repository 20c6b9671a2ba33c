//! The fields of a claim, source or entity, rendered from the schema (`fields_for(tag)`)
//! alone. A value is checked before it is stored: an invalid one stays in the box with its
//! error beside it (announced through `aria-describedby`) and is never saved.

use crate::domain::annotation::{AnnotationId, RelationId};
use crate::domain::describe::shorten;
use crate::domain::factcheck::fields::CANONICAL_NAME as CANONICAL_NAME_KEY;
use crate::domain::factcheck::fields::{FieldKind, FieldSpec, fields_for};
use crate::domain::factcheck::linking::{attribute_command, claimant_choices, claimant_commands};
use crate::domain::factcheck::relations::claimant;
use crate::domain::factcheck::{CLAIM_TAG, ENTITY_TAG};
use crate::ui::actions;
use crate::ui::factcheck::context::use_fact_check;
use crate::ui::notices;
use crate::ui::selected::{Shown, field};
use crate::ui::state::use_app;
use crate::ui::view_memo::ViewMemo;
use crate::ui::view_signal::ViewSignal;
use crate::web::clock;
use leptos::prelude::*;

#[component]
pub fn AnnotationFields(id: AnnotationId, annotation: Shown) -> impl IntoView {
    let tag = {
        let id = id.clone();
        ViewMemo::new(move |_| field(annotation, &id, |a| Some(a.tag.clone())))
    };
    move || {
        let current_tag = tag.get()?;
        let specs = fields_for(&current_tag);
        if specs.is_empty() {
            return None;
        }
        let id = id.clone();
        let is_claim = current_tag.as_str() == CLAIM_TAG;
        Some(view! {
            <div class="ann-fc-fields" role="group" aria-label="Fact-checking fields">
                {specs
                    .iter()
                    .enumerate()
                    .map(|(index, spec)| {
                        let field = view! { <Field id=id.clone() spec=*spec annotation=annotation /> }.into_any();
                        // The claimant sits after the statement: who said it, then what.
                        if is_claim && index == 2 {
                            view! { {field} <ClaimantField claim=id.clone() /> }.into_any()
                        } else {
                            field
                        }
                    })
                    .collect_view()}
            </div>
        })
    }
}

#[component]
fn Field(id: AnnotationId, spec: FieldSpec, annotation: Shown) -> impl IntoView {
    let state = use_app();
    let fact_check = use_fact_check();
    // The last refused input's message, with the stored value it was refused against.
    let refused = ViewSignal::new(None::<(Option<String>, String)>);
    let stored = {
        let id = id.clone();
        ViewMemo::new(move |_| field(annotation, &id, |a| a.attributes.get(spec.key).cloned()))
    };
    // A new stored value (an edit elsewhere, undo) makes an earlier error stale: it shows
    // only while the value it was refused against is still the stored one.
    let error = ViewMemo::new(move |_| {
        refused.with(|refused| {
            refused
                .as_ref()
                .filter(|(against, _)| stored.with(|now| now == against))
                .map(|(_, message)| message.clone())
        })
    });
    let dom_id = format!("ann-fc-{}-{}", spec.key, id.as_str());
    let help_id = format!("{dom_id}-help");
    let error_id = format!("{dom_id}-error");
    let commit = move |input: String| {
        let current = stored.get_untracked();
        let scale = fact_check.scale.get_value();
        match attribute_command(&id, &spec, &scale, current.as_deref(), &input) {
            Ok(Some(command)) => {
                refused.set(None);
                actions::execute(state, command);
            }
            Ok(None) => refused.set(None),
            Err(problem) => {
                let text = notices::capitalise(&problem.to_string());
                notices::announce(state, format!("{}: {text}", spec.label));
                refused.set(Some((current, text)));
            }
        }
    };
    let value = move || stored.get().unwrap_or_default();
    let invalid = move || error.get().is_some().to_string();
    let described_by = {
        let help_id = help_id.clone();
        let error_id = error_id.clone();
        move || {
            if error.get().is_some() {
                format!("{error_id} {help_id}")
            } else {
                help_id.clone()
            }
        }
    };
    let control = match spec.kind {
        FieldKind::Choice(options) => {
            let choices: Vec<(String, String)> = options
                .iter()
                .map(|o| (o.value.to_string(), o.label.to_string()))
                .collect();
            select_control(
                dom_id.clone(),
                choices,
                value,
                described_by,
                invalid,
                commit,
            )
        }
        FieldKind::Verdict => {
            let choices: Vec<(String, String)> = fact_check.scale.with_value(|scale| {
                scale
                    .ratings()
                    .iter()
                    .map(|r| (r.id.clone(), r.label.clone()))
                    .collect()
            });
            select_control(
                dom_id.clone(),
                choices,
                value,
                described_by,
                invalid,
                commit,
            )
        }
        FieldKind::Multiline => view! {
            <textarea
                id=dom_id.clone()
                rows="3"
                prop:value=value
                aria-describedby=described_by
                aria-invalid=invalid
                on:change=move |ev| commit(event_target_value(&ev))
            ></textarea>
        }
        .into_any(),
        kind => {
            let (input_type, input_mode, placeholder) = match kind {
                FieldKind::Url => ("url", "url", "https://"),
                FieldKind::Date => ("text", "numeric", "YYYY-MM-DD"),
                FieldKind::IntegerRange { .. } => ("text", "numeric", "1–5"),
                FieldKind::Identifier => ("text", "text", "Q42 or https://"),
                _ => ("text", "text", ""),
            };
            view! {
                <input
                    id=dom_id.clone()
                    type=input_type
                    inputmode=input_mode
                    placeholder=placeholder
                    autocomplete="off"
                    prop:value=value
                    aria-describedby=described_by
                    aria-invalid=invalid
                    on:change=move |ev| commit(event_target_value(&ev))
                />
            }
            .into_any()
        }
    };
    view! {
        <div class="ann-field ann-fc-field" class:ann-fc-field--invalid=move || error.get().is_some()>
            <label for=dom_id.clone()>{spec.label}</label>
            {control}
            <p class="ann-fc-field__error" id=error_id role="alert" hidden=move || error.get().is_none()>
                {move || error.get().unwrap_or_default()}
            </p>
            <p class="ann-fc-field__help" id=help_id>{spec.help}</p>
        </div>
    }
}

fn select_control(
    dom_id: String,
    choices: Vec<(String, String)>,
    value: impl Fn() -> String + Send + Sync + Copy + 'static,
    described_by: impl Fn() -> String + Send + Sync + 'static,
    invalid: impl Fn() -> String + Send + Sync + 'static,
    commit: impl Fn(String) + Clone + 'static,
) -> AnyView {
    view! {
        <select
            id=dom_id
            prop:value=value
            aria-describedby=described_by
            aria-invalid=invalid
            on:change=move |ev| commit(event_target_value(&ev))
        >
            <option value="" selected=move || value().is_empty()>"— not set —"</option>
            {choices
                .into_iter()
                .map(|(stored, label)| {
                    let option_value = stored.clone();
                    view! {
                        <option value=stored selected=move || value() == option_value>
                            {label}
                        </option>
                    }
                })
                .collect_view()}
        </select>
    }
    .into_any()
}

/// Up to this many claimant choices are built with the field; more wait for the list's focus.
const EAGER_CHOICES: usize = 100;

/// How an entity is named in the claimant list: its canonical name, else its quote.
fn claimant_name(entity: &crate::domain::annotation::Annotation) -> String {
    let name = entity
        .attributes
        .get(CANONICAL_NAME_KEY)
        .map(|n| n.trim())
        .filter(|n| !n.is_empty())
        .unwrap_or(&entity.quote);
    shorten(name, 50)
}

/// "Claimant": the entity the claim is `attributed_to`, picked from the document's entities.
#[component]
fn ClaimantField(claim: AnnotationId) -> impl IntoView {
    let state = use_app();
    let dom_id = format!("ann-fc-claimant-{}", claim.as_str());
    let help_id = format!("{dom_id}-help");
    let current = {
        let claim = claim.clone();
        ViewMemo::new(move |_| {
            state.editor.with(|e| {
                claimant(e.document(), &claim)
                    .map(|entity| entity.id.0.clone())
                    .unwrap_or_default()
            })
        })
    };
    let choices = ViewMemo::new(move |_| {
        state.editor.with(|e| {
            let doc = e.document();
            // One pass to find them: looking each entity up by id was quadratic (seconds when
            // a claim is selected in a 20,000-annotation article).
            let by_id: std::collections::HashMap<_, _> =
                doc.annotations.iter().map(|a| (&a.id, a)).collect();
            claimant_choices(doc)
                .into_iter()
                .filter_map(|id| {
                    let entity = by_id.get(&id)?;
                    Some((id.0.clone(), claimant_name(entity)))
                })
                .collect::<Vec<_>>()
        })
    });
    // Counting the entities stops past `EAGER_CHOICES`: nothing shown needs more than "none",
    // "a few" or "many", and a full count passed over every annotation after every edit
    // while a claim is selected. `choices` (sorted into text order, names shortened: 20 ms
    // on 20,000 annotations) is read only when the list is built.
    let entity_count = ViewMemo::new(move |_| {
        state.editor.with(|e| {
            e.document()
                .annotations
                .iter()
                .filter(|a| a.tag.as_str() == ENTITY_TAG)
                .take(EAGER_CHOICES + 1)
                .count()
        })
    });
    // Thousands of entities make thousands of options: build them when the person goes to
    // the list (focus), not every time a claim is selected; a short list is built at once.
    let expanded = ViewSignal::new(false);
    let shown = ViewMemo::new(move |_| {
        if expanded.get() || entity_count.get() <= EAGER_CHOICES {
            return choices.get();
        }
        // Only the current claimant's option, named as the full list would name it.
        let now = current.get();
        if now.is_empty() {
            return Vec::new();
        }
        state.editor.with(|e| {
            e.document()
                .annotation(&AnnotationId(now.clone()))
                .map(|entity| vec![(now.clone(), claimant_name(entity))])
                .unwrap_or_default()
        })
    });
    let on_change = move |ev: leptos::ev::Event| {
        let picked = event_target_value(&ev);
        let entity = (!picked.is_empty()).then_some(AnnotationId(picked));
        let commands = state.editor.with_untracked(|e| {
            claimant_commands(
                e.document(),
                &claim,
                entity.as_ref(),
                RelationId(clock::new_id("r")),
            )
        });
        for command in commands {
            if !actions::execute(state, command) {
                break;
            }
        }
    };
    view! {
        <div class="ann-field ann-fc-field">
            <label for=dom_id.clone()>"Claimant"</label>
            <select
                id=dom_id
                aria-describedby=help_id.clone()
                prop:value=move || current.get()
                on:focus=move |_| expanded.set(true)
                on:mousedown=move |_| expanded.set(true)
                on:change=on_change
            >
                <option value="" selected=move || current.get().is_empty()>"— none —"</option>
                <For each=move || shown.get() key=|choice| choice.clone() let:choice>
                    {
                        let value = choice.0.clone();
                        view! {
                            <option value=choice.0.clone() selected=move || current.get() == value>
                                {choice.1.clone()}
                            </option>
                        }
                    }
                </For>
            </select>
            <p class="ann-fc-field__help" id=help_id>
                {move || {
                    if entity_count.get() == 0 {
                        "Tag the person or organisation who made the claim as an Entity to pick it here."
                    } else {
                        "The entity who made the claim (a link “attributed to”)."
                    }
                }}
            </p>
        </div>
    }
}
