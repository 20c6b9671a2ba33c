//! The claims report: every claim with its statement, verdict, status, claimant, sources and
//! notes, sortable and filterable; printable; exported as CSV, Markdown and ClaimReview
//! JSON-LD. Its settings (the organisation that signs reviews, the rating scale) live here
//! too. Rows, sorting, filtering and every export come from `domain::factcheck`.

use crate::domain::annotation::AnnotationId;
use crate::domain::article_input::metadata::suggested_file_stem;
use crate::domain::describe::shorten;
use crate::domain::factcheck::claim_review::claim_reviews;
use crate::domain::factcheck::fields::ClaimStatus;
use crate::domain::factcheck::gaps::describe_gap;
use crate::domain::factcheck::report::{
    ClaimFilter, ClaimRow, ClaimSort, claim_rows, filter_rows, sort_rows, to_csv, to_markdown,
};
use crate::domain::sorting;
use crate::ui::actions;
use crate::ui::factcheck::context::{FactCheck, use_fact_check};
use crate::ui::notices;
use crate::ui::on_demand::{NotLoaded, OnDemand};
use crate::ui::state::{AppState, NoticeKind, use_app};
use crate::ui::view_memo::ViewMemo;
use crate::ui::view_signal::ViewSignal;
use crate::web::{clock, files};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// Opens the report. Menus of the header (the Export menu) close, so the report's own
/// export buttons are the only ones showing.
pub fn open_report(state: AppState, fact_check: FactCheck) {
    fact_check.link.set(None);
    close_header_menus();
    fact_check.report_open.set(true);
    notices::announce(state, "Claims report opened");
}

fn close_report(state: AppState, fact_check: FactCheck) {
    fact_check.report_open.set(false);
    notices::announce(state, "Claims report closed");
}

fn close_header_menus() {
    let open = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector_all("details.ann-menu[open]").ok());
    if let Some(open) = open {
        for node in (0..open.length()).filter_map(|i| open.item(i)) {
            if let Ok(element) = node.dyn_into::<web_sys::Element>() {
                // A section that stays open only changes what is shown; no work is touched.
                let _ = element.remove_attribute("open");
            }
        }
    }
}

fn offer(state: AppState, name: &str, mime: &str, contents: &str) {
    match files::download(name, mime, contents) {
        Ok(()) => notices::announce(state, format!("Downloaded {name}")),
        Err(error) => notices::notify(
            state,
            NoticeKind::Error,
            notices::capitalise(&error.to_string()),
            Vec::new(),
        ),
    }
}

fn file_stem(state: AppState) -> String {
    state.editor.with_untracked(|e| {
        let m = &e.document().metadata;
        suggested_file_stem(&m.title, &m.published)
    })
}

fn export_claim_review(state: AppState, fact_check: FactCheck) {
    let settings = fact_check.settings();
    let (export, rows) = state.editor.with_untracked(|e| {
        (
            claim_reviews(e.document(), &settings, &clock::today()),
            claim_rows(e.document(), &settings.rating_scale),
        )
    });
    let details: Vec<String> = export
        .gaps
        .iter()
        .map(|gap| {
            let row = rows.iter().find(|r| r.annotation_id == gap.annotation_id);
            describe_gap(
                row.map(|r| r.number).unwrap_or(0),
                &row.map(|r| shorten(&r.quote, 50)).unwrap_or_default(),
                &gap.missing,
            )
        })
        .collect();
    if export.exported.is_empty() {
        let text = if details.is_empty() {
            "No claim has a verdict yet, so there is no ClaimReview to export"
        } else {
            "No claim can be exported as ClaimReview yet"
        };
        notices::notify(state, NoticeKind::Warning, text, details);
        return;
    }
    offer(
        state,
        &format!("{}-claimreview.json", file_stem(state)),
        "application/ld+json",
        &export.json,
    );
    if !details.is_empty() {
        notices::notify(
            state,
            NoticeKind::Warning,
            format!(
                "Exported {} ClaimReview(s); {} claim(s) with a verdict were left out",
                export.exported.len(),
                details.len()
            ),
            details,
        );
    }
}

#[component]
pub fn ClaimsReport() -> impl IntoView {
    let state = use_app();
    let fact_check = use_fact_check();
    let keys = window_event_listener(leptos::ev::keydown, move |event| {
        if event.key() == "Escape" && fact_check.report_open.get_untracked() {
            close_report(state, fact_check);
        }
    });
    on_cleanup(move || keys.remove());
    view! {
        <Show when=move || fact_check.report_open.get()>
            <OnDemand what="the claims report" load=report_on_demand />
        </Show>
    }
}

/// The report and its exports are fetched the first time it opens (ui::on_demand).
#[leptos::wasm_split::wasm_split(claims_report, wasm_split_path = ::leptos::wasm_split, fallible)]
fn report_on_demand() -> Result<AnyView, NotLoaded> {
    Ok(view! { <ReportView /> }.into_any())
}

fn sort_from(value: &str) -> ClaimSort {
    match value {
        "verdict" => ClaimSort::Verdict,
        "status" => ClaimSort::Status,
        "checkworthiness" => ClaimSort::Checkworthiness,
        _ => ClaimSort::TextOrder,
    }
}

/// The report's filters: "" is every verdict (or status), "-" no verdict yet, else an id.
#[derive(Clone, Copy)]
struct Filters {
    sort: ViewSignal<ClaimSort>,
    verdict: ViewSignal<String>,
    status: ViewSignal<String>,
}

#[component]
fn ReportView() -> impl IntoView {
    let state = use_app();
    let fact_check = use_fact_check();
    let filters = Filters {
        sort: ViewSignal::new(ClaimSort::TextOrder),
        verdict: ViewSignal::new(String::new()),
        status: ViewSignal::new(String::new()),
    };
    let all_rows = ViewMemo::new(move |_| {
        let scale = fact_check.scale.get_value();
        state.editor.with(|e| claim_rows(e.document(), &scale))
    });
    let rows = ViewMemo::new(move |_| {
        let verdict = filters.verdict.get();
        let status = filters.status.get();
        let filter = ClaimFilter {
            verdicts: (!verdict.is_empty())
                .then(|| sorting::set_of([(verdict != "-").then(|| verdict.clone())])),
            statuses: ClaimStatus::ALL
                .into_iter()
                .find(|s| s.as_str() == status)
                .map(|s| sorting::set_of([s])),
        };
        let mut shown = all_rows.with(|rows| filter_rows(rows, &filter));
        sort_rows(&mut shown, filters.sort.get());
        shown
    });
    view! {
        <div class="ann-report-backdrop">
            <section
                class="ann-report"
                role="dialog"
                aria-modal="true"
                aria-labelledby="ann-report-title"
            >
                <ReportHead />
                <ReportControls filters=filters rows=rows />
                <ReportGaps />
                <p class="ann-report__count">
                    {move || {
                        let shown = rows.with(|r| r.len());
                        let total = all_rows.with(|r| r.len());
                        if shown == total {
                            format!("{total} claim(s)")
                        } else {
                            format!("{shown} of {total} claim(s) shown")
                        }
                    }}
                </p>
                <ReportTable rows=rows all_rows=all_rows />
                <ReportSettings />
            </section>
        </div>
    }
}

/// The article the report is about, when it was printed, and the close button.
#[component]
fn ReportHead() -> impl IntoView {
    let state = use_app();
    let fact_check = use_fact_check();
    let meta = move || state.editor.with(|e| e.document().metadata.clone());
    let title = move || {
        let t = meta().title.trim().to_string();
        if t.is_empty() {
            "Untitled article".to_string()
        } else {
            t
        }
    };
    let meta_line = move || {
        let m = meta();
        [m.publisher, m.author, m.published]
            .into_iter()
            .filter(|s| !s.trim().is_empty())
            .collect::<Vec<_>>()
            .join(" · ")
    };
    let article_link = move || {
        let url = meta().url;
        crate::domain::factcheck::fields::safe_link(&url).map(str::to_string)
    };
    let printed = format!("Printed {}", clock::today());
    view! {
        <header class="ann-report__head">
            <div class="ann-report__titles">
                <p class="ann-report__kicker" id="ann-report-title">"Claims report"</p>
                <h2 class="ann-report__article">{title}</h2>
                <p class="ann-report__meta">
                    {meta_line}
                    {move || article_link().map(|href| view! {
                        <>
                            " · "
                            <a href=href.clone() rel="noopener noreferrer" target="_blank">{href.clone()}</a>
                        </>
                    })}
                </p>
                <p class="ann-report__printed">{printed}</p>
            </div>
            <button
                type="button"
                class="ann-button ann-report__close"
                autofocus
                on:click=move |_| close_report(state, fact_check)
            >
                "Close report"
            </button>
        </header>
    }
}

/// Sorting, filtering and the exports of the claims shown.
#[component]
fn ReportControls(filters: Filters, rows: ViewMemo<Vec<ClaimRow>>) -> impl IntoView {
    let state = use_app();
    let fact_check = use_fact_check();
    // "Export ClaimReview" is the main action only while some claim can be exported.
    let exportable = ViewMemo::new(move |_| {
        fact_check.organisation.track();
        let settings = fact_check.settings();
        state.editor.with(|e| {
            !claim_reviews(e.document(), &settings, "")
                .exported
                .is_empty()
        })
    });
    let verdict_options: Vec<(String, String)> = fact_check.scale.with_value(|scale| {
        scale
            .ratings()
            .iter()
            .map(|r| (r.id.clone(), r.label.clone()))
            .collect()
    });
    let export_csv = move |_| {
        let csv = rows.with_untracked(|rows| to_csv(rows));
        offer(
            state,
            &format!("{}-claims.csv", file_stem(state)),
            "text/csv",
            &csv,
        );
    };
    let export_markdown = move |_| {
        let metadata = state
            .editor
            .with_untracked(|e| e.document().metadata.clone());
        let markdown = rows.with_untracked(|rows| to_markdown(&metadata, rows));
        offer(
            state,
            &format!("{}-claims.md", file_stem(state)),
            "text/markdown",
            &markdown,
        );
    };
    let print = move |_| {
        if let Some(window) = web_sys::window() {
            // A browser that blocks printing shows its own message; no work is touched.
            let _ = window.print();
        }
    };
    view! {
        <div class="ann-report__controls">
            <label class="ann-field ann-report__control">
                <span>"Sort by"</span>
                <select on:change=move |ev| filters.sort.set(sort_from(&event_target_value(&ev)))>
                    <option value="text">"Order in the article"</option>
                    <option value="verdict">"Verdict (best first)"</option>
                    <option value="status">"Status (unchecked first)"</option>
                    <option value="checkworthiness">"Check-worthiness"</option>
                </select>
            </label>
            <label class="ann-field ann-report__control">
                <span>"Filter by verdict"</span>
                <select prop:value=move || filters.verdict.get() on:change=move |ev| filters.verdict.set(event_target_value(&ev))>
                    <option value="">"All verdicts"</option>
                    {verdict_options
                        .into_iter()
                        .map(|(id, label)| view! { <option value=id>{label}</option> })
                        .collect_view()}
                    <option value="-">"No verdict yet"</option>
                </select>
            </label>
            <label class="ann-field ann-report__control">
                <span>"Filter by status"</span>
                <select prop:value=move || filters.status.get() on:change=move |ev| filters.status.set(event_target_value(&ev))>
                    <option value="">"All statuses"</option>
                    {ClaimStatus::ALL
                        .into_iter()
                        .map(|s| view! { <option value=s.as_str()>{s.label()}</option> })
                        .collect_view()}
                </select>
            </label>
            <div class="ann-report__exports" role="group" aria-label="Export the report">
                <button type="button" class="ann-button" on:click=export_csv>"Export CSV"</button>
                <button type="button" class="ann-button" on:click=export_markdown>"Export Markdown"</button>
                <button
                    type="button"
                    class="ann-button"
                    class:ann-button--primary=move || exportable.get()
                    on:click=move |_| export_claim_review(state, fact_check)
                >
                    "Export ClaimReview"
                </button>
                <button type="button" class="ann-button" on:click=print>"Print"</button>
            </div>
        </div>
    }
}

/// Claims with a verdict that ClaimReview cannot take yet, and what each lacks.
#[component]
fn ReportGaps() -> impl IntoView {
    let state = use_app();
    let fact_check = use_fact_check();
    let gaps = ViewMemo::new(move |_| {
        let settings = settings_tracked(fact_check);
        state.editor.with(|e| {
            let export = claim_reviews(e.document(), &settings, "");
            let rows = claim_rows(e.document(), &settings.rating_scale);
            export
                .gaps
                .iter()
                .map(|gap| {
                    let row = rows.iter().find(|r| r.annotation_id == gap.annotation_id);
                    describe_gap(
                        row.map(|r| r.number).unwrap_or(0),
                        &row.map(|r| shorten(&r.quote, 50)).unwrap_or_default(),
                        &gap.missing,
                    )
                })
                .collect::<Vec<_>>()
        })
    });
    view! {
        <Show when=move || !gaps.with(|g| g.is_empty())>
            <div class="ann-report__gaps" role="status">
                <p>
                    <strong>"Not ready for ClaimReview: "</strong>
                    "these claims have a verdict but are left out of the export until they have:"
                </p>
                <ul>
                    {move || gaps.get().into_iter().map(|line| view! { <li>{line}</li> }).collect_view()}
                </ul>
            </div>
        </Show>
    }
}

/// The claims shown, one row each (keyed by the claim's annotation id).
#[component]
fn ReportTable(rows: ViewMemo<Vec<ClaimRow>>, all_rows: ViewMemo<Vec<ClaimRow>>) -> impl IntoView {
    view! {
        <Show
            when=move || !rows.with(|r| r.is_empty())
            fallback=move || view! {
                <p class="ann-empty ann-report__empty">
                    {move || if all_rows.with(|r| r.is_empty()) {
                        "No claims yet. Select a sentence in the article and tag it as a Claim."
                    } else {
                        "No claim matches these filters."
                    }}
                </p>
            }
        >
            <table class="ann-table ann-report__table">
                <thead>
                    <tr>
                        <th scope="col">"#"</th>
                        <th scope="col">"Claim"</th>
                        <th scope="col">"Verdict"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col">"Claimant"</th>
                        <th scope="col">"Sources"</th>
                        <th scope="col">"Notes"</th>
                    </tr>
                </thead>
                <tbody>
                    <For
                        each=move || rows.with(|r| r.iter().map(|row| row.annotation_id.clone()).collect::<Vec<_>>())
                        key=|id| id.clone()
                        let:id
                    >
                        <ReportRow id=id rows=rows />
                    </For>
                </tbody>
            </table>
        </Show>
    }
}

/// The organisation that signs ClaimReviews, and the rating scale in use.
#[component]
fn ReportSettings() -> impl IntoView {
    let state = use_app();
    let fact_check = use_fact_check();
    let scale_summary: String = fact_check.scale.with_value(|scale| {
        scale
            .ratings()
            .iter()
            .map(|r| match r.value {
                Some(v) => format!("{} ({v})", r.label),
                None => format!("{} (no number)", r.label),
            })
            .collect::<Vec<_>>()
            .join(", ")
    });
    let on_organisation = move |ev: leptos::ev::Event| {
        let name = event_target_value(&ev).trim().to_string();
        fact_check.organisation.set(name.clone());
        match crate::web::storage::settings::set_organisation(&name) {
            Ok(()) => notices::announce(state, "Organisation saved in this browser"),
            Err(why) => notices::notify(
                state,
                NoticeKind::Warning,
                format!("The organisation is used in this tab but could not be stored: {why}"),
                Vec::new(),
            ),
        }
    };
    view! {
        <section class="ann-report__settings" aria-labelledby="ann-report-settings">
            <h3 id="ann-report-settings" class="ann-fc-subheading">"Settings"</h3>
            <label class="ann-field" for="ann-fc-organisation">
                <span>"Organisation"</span>
            </label>
            <input
                id="ann-fc-organisation"
                class="ann-report__input"
                type="text"
                autocomplete="organization"
                aria-describedby="ann-fc-organisation-help"
                prop:value=move || fact_check.organisation.get()
                on:change=on_organisation
            />
            <p class="ann-fc-field__help" id="ann-fc-organisation-help">
                "The fact-checking organisation that signs exported ClaimReviews (author.name). Kept in this browser."
            </p>
            <p class="ann-fc-field__help">
                <strong>"Rating scale: "</strong>{scale_summary}
            </p>
        </section>
    }
}

/// The settings, tracking the organisation (so the report's notice follows edits).
fn settings_tracked(fact_check: FactCheck) -> crate::domain::factcheck::FactCheckSettings {
    crate::domain::factcheck::FactCheckSettings {
        rating_scale: fact_check.scale.get_value(),
        organisation_name: fact_check.organisation.get(),
    }
}

/// One claim's row, as the current rows describe it.
#[component]
fn ReportRow(id: AnnotationId, rows: ViewMemo<Vec<ClaimRow>>) -> impl IntoView {
    let row =
        ViewMemo::new(move |_| rows.with(|r| r.iter().find(|r| r.annotation_id == id).cloned()));
    move || row.get().map(|row| view! { <ClaimCells row=row /> })
}

#[component]
fn ClaimCells(row: ClaimRow) -> impl IntoView {
    let state = use_app();
    let fact_check = use_fact_check();
    let id = row.annotation_id.clone();
    let verdict_class = format!(
        "ann-verdict ann-verdict--{}",
        row.verdict
            .as_ref()
            .and_then(|v| v.value)
            .map(|v| v.to_string())
            .unwrap_or_else(|| "none".into())
    );
    let status_class = format!("ann-status-pill ann-status-pill--{}", row.status.as_str());
    view! {
        <tr>
            <td class="ann-report__number">{row.number}</td>
            <td class="ann-report__claim">
                {(!row.statement.is_empty()).then(|| view! { <p class="ann-report__statement">{row.statement.clone()}</p> })}
                <button
                    type="button"
                    class="ann-report__quote"
                    title="Show this claim in the article"
                    on:click=move |_| {
                        close_report(state, fact_check);
                        actions::reveal_annotation(state, id.clone());
                    }
                >
                    {format!("“{}”", row.quote)}
                </button>
            </td>
            <td>
                {row.verdict.as_ref().map(|v| view! { <span class=verdict_class.clone()>{v.label.clone()}</span> })}
            </td>
            <td><span class=status_class>{row.status.label()}</span></td>
            <td>{row.claimant.clone().unwrap_or_default()}</td>
            <td>
                <ul class="ann-report__sources">
                    {row
                        .sources
                        .iter()
                        .map(|source| view! {
                            <li>
                                <span class="ann-report__source-kind">{source.kind.label()}</span>
                                " "
                                <q>{source.quote.clone()}</q>
                            </li>
                        })
                        .collect_view()}
                </ul>
            </td>
            <td class="ann-report__note">{row.note.clone()}</td>
        </tr>
    }
}
