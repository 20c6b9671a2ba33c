//! "Class results": the teacher's review of a class. The key and the attempts are imported
//! here; the domain's `review_class` makes the table, the per-key-span counts and the heat
//! map; agreement comes from `pairwise_f1` and `word_kappa`. Everything is derived in memos
//! from (key, attempts, strict), so 40 attempts are reviewed once per change, not per frame.

use crate::domain::annotation::Annotation;
use crate::domain::classroom::agreement::{PairwiseAgreement, pairwise_f1, word_kappa};
use crate::domain::classroom::class::{
    ClassReview, Column, Direction, Metric, Submission, grades_csv, review_class, sort_rows,
};
use crate::domain::classroom::matching::{MatchRule, match_attempt};
use crate::domain::classroom::present::{heat_level, heat_pieces, percent, review_pieces};
use crate::domain::classroom::scores::{Score, score_matching};
use crate::domain::tag::TagId;
use crate::ui::classroom::class_views::FollowClass;
use crate::ui::classroom::context::{ClassKey, use_classroom};
use crate::ui::classroom::file_io::{read_then, report_unrecognised};
use crate::ui::classroom::files::{add_attempts, load_class_key};
use crate::ui::classroom::student::ScoringRules;
use crate::ui::dialog::Dialog;
use crate::ui::notices;
use crate::ui::state::{NoticeKind, use_app};
use crate::ui::view_memo::ViewMemo;
use crate::ui::view_signal::ViewSignal;
use leptos::prelude::*;
use std::sync::Arc;

/// One review, compared by identity.
#[derive(Clone)]
struct Review(Arc<ClassReview>);

impl PartialEq for Review {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

/// Agreement among the scored students: mean pairwise F1 and Fleiss' kappa over words.
#[derive(Clone, PartialEq)]
struct Agreement {
    pairwise: PairwiseAgreement,
    kappa: Result<f64, String>,
}

fn tag_label(key: Option<&ClassKey>, tag: &TagId) -> String {
    key.and_then(|k| k.document.tags.get(tag).map(|t| t.label.clone()))
        .unwrap_or_else(|| tag.0.clone())
}

fn tag_color(key: Option<&ClassKey>, tag: &TagId) -> String {
    key.and_then(|k| k.document.tags.get(tag).map(|t| t.color.clone()))
        .unwrap_or_else(|| "#777777".to_string())
}

#[component]
pub fn ClassResults() -> impl IntoView {
    let state = use_app();
    let classroom = use_classroom();
    let review = ViewMemo::new(move |_| {
        let rule = classroom.rule();
        classroom.class_key.with(|key| {
            let key = key.as_ref()?;
            classroom.class_attempts.with(|attempts| {
                let submissions: Vec<Submission<'_>> = attempts
                    .iter()
                    .map(|a| Submission {
                        annotator: &a.annotator,
                        text_sha256: &a.text_sha256,
                        annotations: &a.annotations,
                    })
                    .collect();
                Some(Review(Arc::new(review_class(
                    &key.document.text,
                    &key.document.annotations,
                    &submissions,
                    rule,
                ))))
            })
        })
    });
    let agreement = ViewMemo::new(move |_| {
        let review = review.get()?;
        let rule = classroom.rule();
        classroom.class_attempts.with(|attempts| {
            classroom.class_key.with(|key| {
                let key = key.as_ref()?;
                let scored: Vec<&[Annotation]> = review
                    .0
                    .rows
                    .iter()
                    .filter_map(|row| attempts.get(row.submission))
                    .map(|a| a.annotations.as_slice())
                    .collect();
                Some(Agreement {
                    pairwise: pairwise_f1(&scored, rule),
                    kappa: word_kappa(key.document.text.as_str(), &scored)
                        .map(|k| k.kappa)
                        .map_err(|e| e.to_string()),
                })
            })
        })
    });
    let sort = ViewSignal::new((Column::Annotator, Direction::Ascending));
    let selected_student = ViewSignal::new(None::<usize>);
    let heat_tag = ViewSignal::new(None::<TagId>);
    let close = move || classroom.class_open.set(false);
    let export = move |_| {
        let Some(review) = review.get_untracked() else {
            return;
        };
        let csv = grades_csv(&review.0);
        match crate::web::files::download("grades.csv", "text/csv", &csv) {
            Ok(()) => notices::announce(state, "Downloaded grades.csv"),
            Err(error) => notices::notify(
                state,
                NoticeKind::Error,
                notices::capitalise(&error.to_string()),
                Vec::new(),
            ),
        }
    };

    view! {
        <Dialog
            labelled_by="ann-class-title"
            class="ann-class"
            backdrop_class="ann-class-backdrop"
            close_on_backdrop=false
            on_close=close
        >
                <header class="ann-class__header">
                    <h2 id="ann-class-title">"Class results"</h2>
                    <FollowClass />
                    <div class="ann-class__inputs">
                        <label class="ann-file">
                            <span class="ann-button">"Load answer key"</span>
                            <input
                                type="file"
                                class="ann-file__input"
                                aria-label="Load answer key"
                                accept=".json,application/json"
                                on:change=move |ev| {
                                    let input: web_sys::HtmlInputElement = event_target(&ev);
                                    read_then(state, input.files(), move |f| load_class_key(state, f));
                                    input.set_value("");
                                }
                            />
                        </label>
                        <label class="ann-file">
                            <span class="ann-button ann-button--primary">"Import attempts"</span>
                            <input
                                type="file"
                                multiple
                                class="ann-file__input"
                                aria-label="Import attempts"
                                accept=".json,application/json"
                                on:change=move |ev| {
                                    let input: web_sys::HtmlInputElement = event_target(&ev);
                                    read_then(state, input.files(), move |f| {
                                        let rest = add_attempts(state, f);
                                        report_unrecognised(state, &rest);
                                    });
                                    input.set_value("");
                                }
                            />
                        </label>
                        <button
                            type="button"
                            class="ann-button"
                            prop:disabled=move || review.with(Option::is_none)
                            on:click=export
                        >
                            "Export grades"
                        </button>
                        <button type="button" class="ann-button" on:click=move |_| close()>"Close"</button>
                    </div>
                </header>
                <ClassSummary review=review />
                {move || review.get().map(|r| view! {
                    <div class="ann-class__body">
                        <ClassTable review=r.clone() sort=sort selected=selected_student />
                        <StudentOverlay review=r.clone() selected=selected_student />
                        <div class="ann-class__columns">
                            <KeyFound review=r.clone() />
                            <AgreementView agreement=agreement />
                        </div>
                        <HeatView review=r.clone() tag=heat_tag />
                        <ScoringRules />
                    </div>
                })}
        </Dialog>
    }
}

#[component]
fn ClassSummary(review: ViewMemo<Option<Review>>) -> impl IntoView {
    let classroom = use_classroom();
    move || {
        let key = classroom.class_key.get();
        let attempts = classroom.class_attempts.with(Vec::len);
        let Some(key) = key else {
            return view! {
                <p class="ann-class__empty">
                    "Load the answer key (the file “Make exercise” gave you), then import the students' attempt files. "
                    {format!("{attempts} attempts imported so far.")}
                </p>
            }
            .into_any();
        };
        let r = review.get();
        let scored = r.as_ref().map(|r| r.0.rows.len()).unwrap_or(0);
        let other: Vec<String> = r
            .as_ref()
            .map(|r| r.0.other_text.iter().map(|o| o.annotator.clone()).collect())
            .unwrap_or_default();
        view! {
            <p class="ann-class__summary">
                <strong>{key.file_name.clone()}</strong>
                {format!(
                    " · key: {} spans · {} attempts scored",
                    key.document.annotations.len(),
                    scored
                )}
            </p>
            {(!other.is_empty()).then(|| view! {
                <p class="ann-class__warning" role="alert">
                    {format!(
                        "{} attempt(s) were made on another text and are not scored: {}.",
                        other.len(),
                        other.join(", ")
                    )}
                </p>
            })}
        }
        .into_any()
    }
}

fn aria_sort(current: &(Column, Direction), column: &Column) -> &'static str {
    if &current.0 != column {
        "none"
    } else if current.1 == Direction::Ascending {
        "ascending"
    } else {
        "descending"
    }
}

fn column_id(column: &Column) -> String {
    match column {
        Column::Annotator => "student".to_string(),
        Column::Overall(metric) => format!("overall-{}", metric.name()),
        Column::Tag(tag, metric) => format!("{}-{}", tag.0, metric.name()),
    }
}

/// The metrics the table shows per group (hits/misses/extras together in one "counts" cell,
/// sorted by hits).
const SHOWN: [(Metric, &str, &str); 4] = [
    (Metric::Precision, "P", "Precision"),
    (Metric::Recall, "R", "Recall"),
    (Metric::F1, "F1", "F1"),
    (Metric::Hits, "H/M/E", "Hits / misses / extras"),
];

fn cells(score: &Score, prefix: &str) -> impl IntoView + use<> {
    let c = score.counts;
    view! {
        <td data-col=format!("{prefix}-precision")>{percent(score.precision)}</td>
        <td data-col=format!("{prefix}-recall")>{percent(score.recall)}</td>
        <td data-col=format!("{prefix}-f1") class="ann-class__f1">{percent(score.f1)}</td>
        <td data-col=format!("{prefix}-counts") class="ann-class__counts">
            {format!("{}/{}/{}", c.hits, c.misses, c.extras)}
        </td>
    }
}

#[component]
fn ClassTable(
    review: Review,
    sort: ViewSignal<(Column, Direction)>,
    selected: ViewSignal<Option<usize>>,
) -> impl IntoView {
    let classroom = use_classroom();
    let key = classroom.class_key.get_untracked();
    let tags = review.0.tags.clone();
    let header_button = move |column: Column, short: &'static str, long: String| {
        let for_click = column.clone();
        let for_sort = column.clone();
        let id = column_id(&column);
        view! {
            <th scope="col" aria-sort=move || sort.with(|s| aria_sort(s, &for_sort)) data-col=id>
                <button
                    type="button"
                    class="ann-sort"
                    title=long
                    on:click=move |_| {
                        let column = for_click.clone();
                        sort.update(|s| {
                            if s.0 == column {
                                s.1 = if s.1 == Direction::Ascending { Direction::Descending } else { Direction::Ascending };
                            } else {
                                let first = if column == Column::Annotator { Direction::Ascending } else { Direction::Descending };
                                *s = (column, first);
                            }
                        });
                    }
                >
                    {short}
                    <span class="ann-sort__arrow" aria-hidden="true">
                        {move || match sort.with(|s| aria_sort(s, &column)) {
                            "ascending" => "▲",
                            "descending" => "▼",
                            _ => "↕",
                        }}
                    </span>
                </button>
            </th>
        }
    };
    let group_heads = tags
        .iter()
        .map(|tag| {
            view! {
                <th scope="colgroup" colspan="4" class="ann-class__group" style=format!("--ann-tag: {}", tag_color(key.as_ref(), tag))>
                    {tag_label(key.as_ref(), tag)}
                </th>
            }
        })
        .collect_view();
    let mut metric_heads = Vec::new();
    for tag in &tags {
        for (metric, short, long) in SHOWN {
            metric_heads.push(header_button(
                Column::Tag(tag.clone(), metric),
                short,
                format!("{} — {long}", tag_label(key.as_ref(), tag)),
            ));
        }
    }
    for (metric, short, long) in SHOWN {
        metric_heads.push(header_button(
            Column::Overall(metric),
            short,
            format!("Overall — {long}"),
        ));
    }
    let student_head = header_button(Column::Annotator, "Student", "Student".to_string());
    let rows_review = review.clone();
    let rows = move || {
        let mut rows = rows_review.0.rows.clone();
        sort.with(|(column, direction)| sort_rows(&mut rows, column, *direction));
        let tags = rows_review.0.tags.clone();
        rows.into_iter()
            .map(|row| {
                let submission = row.submission;
                let per_tag = tags
                    .iter()
                    .map(|tag| cells(&row.scores.tag(tag), tag.as_str()))
                    .collect_view();
                let ignored = row.ignored.total();
                view! {
                    <tr
                        data-student=row.annotator.clone()
                        class:ann-class__row--selected=move || selected.get() == Some(submission)
                    >
                        <th scope="row">
                            <button
                                type="button"
                                class="ann-link-button"
                                title="Show this attempt on the key"
                                on:click=move |_| selected.set(Some(submission))
                            >
                                {row.annotator.clone()}
                            </button>
                            {(ignored > 0).then(|| view! {
                                <span class="ann-class__ignored" title="Spans that lost their place in the text are not scored">
                                    {format!(" ({ignored} not scored)")}
                                </span>
                            })}
                        </th>
                        {per_tag}
                        {cells(&row.scores.overall, "overall")}
                    </tr>
                }
            })
            .collect_view()
    };
    view! {
        <div class="ann-class__table-wrap">
            <table class="ann-table ann-class__table">
                <caption class="ann-visually-hidden">"Scores per student and tag; click a column to sort"</caption>
                <thead>
                    <tr>
                        <td></td>
                        {group_heads}
                        <th scope="colgroup" colspan="4" class="ann-class__group ann-class__group--overall">"Overall"</th>
                    </tr>
                    <tr>{student_head}{metric_heads}</tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

/// The selected student's attempt drawn over the key's text.
#[component]
fn StudentOverlay(review: Review, selected: ViewSignal<Option<usize>>) -> impl IntoView {
    let classroom = use_classroom();
    move || {
        let submission = selected.get()?;
        let row = review.0.rows.iter().find(|r| r.submission == submission)?;
        let key = classroom.class_key.get()?;
        let attempt = classroom
            .class_attempts
            .with(|a| a.get(submission).cloned())?;
        let rule: MatchRule = classroom.rule();
        let matching = match_attempt(&key.document.annotations, &attempt.annotations, rule);
        let card = score_matching(&matching);
        let text = &key.document.text;
        // Span by span from the matching: a miss inside a found claim shows as a miss, and a
        // student's extra span inside a missed one as their own.
        let pieces = review_pieces(text.len(), &matching)
            .into_iter()
            .map(|piece| {
                let content = text.slice(piece.range).unwrap_or("").to_string();
                let class = if piece.extra {
                    "ann-overlay ann-overlay--student"
                } else if piece.missed {
                    "ann-overlay ann-overlay--key"
                } else if piece.found {
                    "ann-overlay ann-overlay--both"
                } else {
                    ""
                };
                if class.is_empty() {
                    content.into_any()
                } else {
                    view! { <span class=class>{content}</span> }.into_any()
                }
            })
            .collect_view();
        Some(view! {
            <section class="ann-class__overlay" aria-labelledby="ann-overlay-title">
                <div class="ann-class__overlay-head">
                    <h3 id="ann-overlay-title">{format!("{} on the key", row.annotator)}</h3>
                    <p>
                        {format!(
                            "{} found · {} missed · {} extra · F1 {}",
                            card.overall.counts.hits,
                            card.overall.counts.misses,
                            card.overall.counts.extras,
                            percent(card.overall.f1)
                        )}
                    </p>
                    <ul class="ann-checkwork__legend">
                        <li><span class="ann-overlay ann-overlay--both">"both marked"</span></li>
                        <li><span class="ann-overlay ann-overlay--key">"key only"</span></li>
                        <li><span class="ann-overlay ann-overlay--student">"student only"</span></li>
                    </ul>
                    <button type="button" class="ann-button" on:click=move |_| selected.set(None)>"Hide"</button>
                </div>
                <div class="ann-class__text">{pieces}</div>
            </section>
        })
    }
}

#[component]
fn KeyFound(review: Review) -> impl IntoView {
    let classroom = use_classroom();
    let key = classroom.class_key.get_untracked();
    let students = review.0.rows.len();
    let items = review
        .0
        .key_found
        .iter()
        .map(|found| {
            let quote = key
                .as_ref()
                .and_then(|k| k.document.text.slice(found.range).ok())
                .unwrap_or("")
                .to_string();
            let count = found.found_by.len();
            let share = if students == 0 { 0.0 } else { count as f64 / students as f64 };
            view! {
                <li class="ann-found" title=found.found_by.join(", ")>
                    <span class="ann-found__count">{format!("{count} of {students}")}</span>
                    <span class="ann-found__bar" aria-hidden="true">
                        <span style=format!("width: {:.0}%", share * 100.0)></span>
                    </span>
                    <span class="ann-badge" style=format!("--ann-tag: {}", tag_color(key.as_ref(), &found.tag))>
                        {tag_label(key.as_ref(), &found.tag)}
                    </span>
                    <q>{quote}</q>
                </li>
            }
        })
        .collect_view();
    view! {
        <section class="ann-class__panel" aria-labelledby="ann-found-title">
            <h3 id="ann-found-title">"Who found each key span"</h3>
            <ul class="ann-found-list">{items}</ul>
        </section>
    }
}

#[component]
fn AgreementView(agreement: ViewMemo<Option<Agreement>>) -> impl IntoView {
    view! {
        <section class="ann-class__panel" aria-labelledby="ann-agreement-title">
            <h3 id="ann-agreement-title">"Agreement between students"</h3>
            {move || agreement.get().map(|a| {
                let mean = a.pairwise.mean_f1.map(percent).unwrap_or_else(|| "needs two students".to_string());
                let kappa = match a.kappa {
                    Ok(k) => format!("{k:.2}"),
                    Err(reason) => reason,
                };
                view! {
                    <dl class="ann-agreement">
                        <dt>"Mean pairwise F1"</dt>
                        <dd data-agreement="pairwise-f1">{mean}</dd>
                        <dt>"Fleiss' kappa over words"</dt>
                        <dd data-agreement="kappa">{kappa}</dd>
                    </dl>
                }
            })}
            <p class="ann-muted">
                "Mean pairwise F1 scores every student against every other student as if one were the key, and averages: 100% means everyone marked the same spans. "
                "Fleiss' kappa asks the same word by word (each word gets one tag or none from each student) and corrects for agreement by chance: 1 is perfect, 0 is chance, above 0.6 is usually called substantial."
            </p>
        </section>
    }
}

#[component]
fn HeatView(review: Review, tag: ViewSignal<Option<TagId>>) -> impl IntoView {
    let classroom = use_classroom();
    let key = classroom.class_key.get_untracked();
    let tags = review.0.tags.clone();
    let total = review.0.heat_map.students;
    if tag.with_untracked(|t| t.as_ref().is_none_or(|t| !tags.contains(t))) {
        tag.set(tags.first().cloned());
    }
    let tab_key = key.clone();
    let tabs = tags
        .iter()
        .map(|t| {
            let id = t.clone();
            let id_for_click = t.clone();
            view! {
                <button
                    type="button"
                    class="ann-chip"
                    aria-pressed=move || (tag.get().as_ref() == Some(&id)).to_string()
                    on:click=move |_| tag.set(Some(id_for_click.clone()))
                >
                    {tag_label(tab_key.as_ref(), t)}
                </button>
            }
        })
        .collect_view();
    let legend = (0..=4u8)
        .map(|level| {
            let label = match level {
                0 => "nobody".to_string(),
                4 => "(almost) everyone".to_string(),
                _ => format!("up to {}%", level as usize * 25),
            };
            view! { <li><span class=format!("ann-heat ann-heat--{level}")>"word"</span>{label}</li> }
        })
        .collect_view();
    let text_review = review.clone();
    let text = move || {
        let current = tag.get()?;
        let key = classroom.class_key.get_untracked()?;
        let label = tag_label(Some(&key), &current);
        let text = &key.document.text;
        let pieces = heat_pieces(text.len(), &text_review.0.heat_map, &current);
        Some(
            pieces
                .into_iter()
                .map(|piece| {
                    let content = text.slice(piece.range).unwrap_or("").to_string();
                    match piece.students {
                        None => content.into_any(),
                        Some(0) if !piece.in_key => content.into_any(),
                        Some(students) => {
                            let level = heat_level(students, total);
                            let title = format!(
                                "{students} of {total} students tagged this as {label}{}",
                                if piece.in_key { " (in the key)" } else { "" }
                            );
                            view! {
                                <span
                                    class=format!("ann-heat ann-heat--{level}")
                                    class:ann-heat--key=piece.in_key
                                    data-students=students
                                    title=title
                                >
                                    {content}
                                </span>
                            }
                            .into_any()
                        }
                    }
                })
                .collect_view(),
        )
    };
    view! {
        <section class="ann-class__panel ann-class__heat" aria-labelledby="ann-heat-title">
            <div class="ann-class__heat-head">
                <h3 id="ann-heat-title">"Where students marked"</h3>
                <div class="ann-class__tabs" role="group" aria-label="Tag">{tabs}</div>
            </div>
            <ul class="ann-heat-legend" aria-label="Legend">
                {legend}
                <li><span class="ann-heat ann-heat--0 ann-heat--key">"word"</span>"in the key (underlined)"</li>
            </ul>
            <p class="ann-muted">{format!("Each word is shaded by how many of the {total} students tagged it; hover a word for the number.")}</p>
            <div class="ann-class__text">{text}</div>
        </section>
    }
}
