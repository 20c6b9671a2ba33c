//! The article: paragraphs of runs, highlights as flat `mark`s, derived from the domain's
//! layout (`domain/layout.rs`), which segments again only the paragraphs an edit touches.
//! Paragraphs are keyed by a fingerprint of what they show and nothing global (no endnote
//! number on screen), so an edit re-renders only those paragraphs; selecting or flashing an
//! annotation only toggles a class on its marks.
//!
//! Contract (tests inside and outside the project rely on it): the element with
//! `data-article-text` has exactly the document text as `textContent`; each highlighted run is
//! a `mark` with `data-ids` and `data-tags`, never nested.

use crate::domain::annotation::AnnotationId;
use crate::domain::classroom::present::{CheckStatus, combined_status};
use crate::domain::document::Document;
use crate::domain::highlight::{Layer, mark_style};
use crate::domain::layout::{ArticleLayout, Touched};
use crate::domain::segment::Paragraph;
use crate::ui::actions;
use crate::ui::annotate::filling::{self, Filling};
use crate::ui::classroom::context::CheckResult;
use crate::ui::state::{AppState, use_app};
use crate::ui::view_memo::ViewMemo;
use crate::ui::view_signal::ViewSignal;
use crate::ui::view_value::ViewValue;
use crate::web::caret;
use crate::web::dom_selection::{self, ScreenRect};
use crate::web::near_screen::NearScreen;
use leptos::prelude::*;
use std::collections::hash_map::DefaultHasher;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::sync::Arc;
use wasm_bindgen::JsCast;

/// One paragraph as the list of paragraphs sees it: its fingerprint and position.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct ParagraphKey {
    fingerprint: u64,
    index: usize,
}

/// A paragraph as drawn: with its marks, or (far from the screen in a long article) as
/// plain text, which becomes marked when the reader comes near.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct DrawKey {
    key: ParagraphKey,
    marked: bool,
}

/// From this many annotations on, marks are drawn only near the screen.
const LAZY_FROM: usize = 2_000;
/// How many turns of the task queue a redraw may take before the selection is left alone.
const REDRAW_TICKS: usize = 8;
/// How far above and below the screen paragraphs are drawn with their marks, in pixels.
const NEAR_MARGIN: u32 = 1_500;
/// Paragraphs per group: the unit the browser skips laying out while it is off the screen
/// (`content-visibility`) and the near-screen observer watches. Both cost the browser work in
/// every frame for every element they watch: with each of 2,160 paragraphs watched, 10–24 ms
/// a frame after an edit and 3.5 ms a frame while scrolling; a group of 16 watches 135.
const GROUP: usize = 16;

/// One version's layout, compared by identity: every change makes a new one.
#[derive(Clone)]
struct SharedLayout(Arc<Layout>);

impl PartialEq for SharedLayout {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

/// The segmentation of one version of the document, shared by the paragraph views, with
/// what the next version's keys depend on besides the annotations.
struct Layout {
    article: ArticleLayout,
    keys: Vec<ParagraphKey>,
    /// Each annotation's endnote number (text order), printed after its last highlight.
    /// Empty on screen: the numbers are global, so they are built only for paper.
    note_numbers: HashMap<AnnotationId, usize>,
    /// The taxonomy as drawn (ids, labels, colours, underlines), hashed.
    tags: u64,
    check: Option<CheckResult>,
}

/// What a paragraph shows, hashed: the taxonomy's look, its runs and each covering
/// annotation's id, tag, lane, endnote number (only while printing) and check status. Nothing global that
/// an edit elsewhere changes goes in, so an edit re-renders only the paragraphs it covers.
/// The selection and the flash are not in it either: they are classes toggled on the marks
/// they concern (see [`toggle_mark_class`]), so selecting never re-renders a paragraph.
fn fingerprint(
    document: &Document,
    article: &ArticleLayout,
    paragraph: &Paragraph,
    note_numbers: &HashMap<AnnotationId, usize>,
    check: Option<&BTreeMap<AnnotationId, CheckStatus>>,
    tags: u64,
) -> u64 {
    let mut hasher = DefaultHasher::new();
    tags.hash(&mut hasher);
    paragraph.range.hash(&mut hasher);
    for run in &paragraph.runs {
        run.range.hash(&mut hasher);
        for &i in &run.annotations {
            if let Some(annotation) = document.annotations.get(i) {
                annotation.id.hash(&mut hasher);
                annotation.tag.hash(&mut hasher);
                note_numbers.get(&annotation.id).hash(&mut hasher);
                article.lanes().lane(i).hash(&mut hasher);
                check
                    .and_then(|c| c.get(&annotation.id))
                    .map(|status| status.as_str())
                    .hash(&mut hasher);
            }
        }
    }
    hasher.finish()
}

/// The taxonomy as the marks draw it; a change re-renders every paragraph.
fn tags_hash(document: &Document) -> u64 {
    let mut hasher = DefaultHasher::new();
    for tag in document.tags.tags() {
        tag.id.hash(&mut hasher);
        tag.label.hash(&mut hasher);
        tag.color.hash(&mut hasher);
        document.tags.underline(&tag.id).hash(&mut hasher);
    }
    hasher.finish()
}

/// The next layout: the article segmented again only where the document changed, and keys
/// recomputed only for those paragraphs, unless what every paragraph shows changed (the
/// taxonomy, a classroom check, printing).
fn layout(
    previous: Option<&Layout>,
    document: &Document,
    check: Option<CheckResult>,
    printing: bool,
) -> Layout {
    let (article, touched) = match previous {
        Some(previous) => previous
            .article
            .update(&document.text, &document.annotations),
        None => (
            ArticleLayout::new(&document.text, &document.annotations),
            Touched::All,
        ),
    };
    let tags = tags_hash(document);
    let note_numbers = if printing {
        crate::ui::annotate::print_notes::note_numbers(document)
    } else {
        HashMap::new()
    };
    let everything = match previous {
        Some(previous) => {
            previous.tags != tags
                || previous.check != check
                || previous.note_numbers.is_empty() != note_numbers.is_empty()
                || printing
        }
        None => true,
    };
    let statuses = check.as_ref().map(|c| &c.0.1);
    let key = |index: usize| ParagraphKey {
        fingerprint: article
            .paragraph(index)
            .map(|p| fingerprint(document, &article, &p, &note_numbers, statuses, tags))
            .unwrap_or(0),
        index,
    };
    let keys = match (previous, &touched) {
        (Some(previous), Touched::Some(list))
            if !everything && previous.keys.len() == article.paragraph_count() =>
        {
            let mut keys = previous.keys.clone();
            for &index in list {
                if let Some(slot) = keys.get_mut(index) {
                    *slot = key(index);
                }
            }
            keys
        }
        _ => (0..article.paragraph_count()).map(key).collect(),
    };
    Layout {
        article,
        keys,
        note_numbers,
        tags,
        check,
    }
}

/// Which text is open (a new one is drawn from its start, in steps when long).
fn text_identity(document: &Document) -> u64 {
    let mut hasher = DefaultHasher::new();
    document.id.hash(&mut hasher);
    document.text.sha256().hash(&mut hasher);
    hasher.finish()
}

/// A run of one paragraph, ready to render.
enum RunView {
    Plain(String),
    Marked {
        text: String,
        ids: String,
        tags: String,
        title: String,
        style: String,
        notes: Option<String>,
        selected: bool,
        flash: bool,
        /// The classroom check's verdict on the student's spans here (`data-check`).
        check: Option<&'static str>,
    },
}

/// Where paragraph `index` starts, in UTF-16 units of the text (`data-u16`).
fn paragraph_start_utf16(document: &Document, layout: &Layout, index: usize) -> usize {
    layout
        .article
        .paragraph(index)
        .and_then(|paragraph| document.text.index().to_utf16(paragraph.range.start()).ok())
        .map_or(0, |o| o.0)
}

fn paragraph_runs(
    document: &Document,
    layout: &Layout,
    index: usize,
    selected: Option<&AnnotationId>,
    flash: Option<&AnnotationId>,
    check: Option<&BTreeMap<AnnotationId, CheckStatus>>,
    marked: bool,
) -> (usize, Vec<RunView>) {
    let Some(paragraph) = layout.article.paragraph(index) else {
        return (0, Vec::new());
    };
    let text = &document.text;
    let u16_start = paragraph_start_utf16(document, layout, index);
    if !marked {
        let plain = paragraph
            .runs
            .iter()
            .map(|run| text.slice(run.range).unwrap_or(""))
            .collect::<String>();
        return (u16_start, vec![RunView::Plain(plain)]);
    }
    let runs = paragraph
        .runs
        .iter()
        .map(|run| {
            let run_text = text.slice(run.range).unwrap_or("").to_string();
            if run.annotations.is_empty() {
                return RunView::Plain(run_text);
            }
            let covering: Vec<_> = run
                .annotations
                .iter()
                .filter_map(|&i| document.annotations.get(i).map(|a| (i, a)))
                .collect();
            let ids = covering
                .iter()
                .map(|(_, a)| a.id.as_str())
                .collect::<Vec<_>>()
                .join(" ");
            let tags = covering
                .iter()
                .map(|(_, a)| a.tag.as_str())
                .collect::<Vec<_>>()
                .join(" ");
            let title = covering
                .iter()
                .map(|(_, a)| {
                    document
                        .tags
                        .get(&a.tag)
                        .map(|t| t.label.clone())
                        .unwrap_or_else(|| a.tag.0.clone())
                })
                .collect::<Vec<_>>()
                .join(", ");
            let layers: Vec<Layer> = covering
                .iter()
                .map(|(i, a)| Layer {
                    color: document
                        .tags
                        .get(&a.tag)
                        .map(|t| t.color.clone())
                        .unwrap_or_else(|| "#777777".into()),
                    lane: layout.article.lanes().lane(*i).unwrap_or(0),
                    underline: document.tags.underline(&a.tag),
                })
                .collect();
            // Endnote numbers of the annotations that end with this run (print shows them).
            let notes = covering
                .iter()
                .filter(|(_, a)| a.range.end() == run.range.end())
                .filter_map(|(_, a)| layout.note_numbers.get(&a.id))
                .map(|n| n.to_string())
                .collect::<Vec<_>>()
                .join(",");
            RunView::Marked {
                text: run_text,
                ids,
                tags,
                title,
                style: mark_style(&layers),
                notes: (!notes.is_empty()).then_some(notes),
                selected: covering.iter().any(|(_, a)| Some(&a.id) == selected),
                flash: covering.iter().any(|(_, a)| Some(&a.id) == flash),
                check: check
                    .and_then(|c| combined_status(c, covering.iter().map(|(_, a)| &a.id)))
                    .map(CheckStatus::as_str),
            }
        })
        .collect();
    (u16_start, runs)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum ParagraphRole {
    Body,
    Title,
    Dateline,
}

/// The paragraph that is the article's title, and a date line before it, are picked out
/// typographically (the text itself stays exactly as it is).
fn paragraph_role(document: &Document, layout: &Layout, index: usize) -> ParagraphRole {
    if index > 3 {
        return ParagraphRole::Body;
    }
    let Some(range) = layout.article.ranges().get(index) else {
        return ParagraphRole::Body;
    };
    let text = document.text.slice(*range).unwrap_or("").trim();
    let title = document.metadata.title.trim();
    if !title.is_empty() && text == title {
        return ParagraphRole::Title;
    }
    if crate::domain::article_input::metadata::parse_date_line(text).is_some() {
        return ParagraphRole::Dateline;
    }
    ParagraphRole::Body
}

fn render_run(run: RunView) -> AnyView {
    match run {
        RunView::Plain(text) => text.into_any(),
        RunView::Marked {
            text,
            ids,
            tags,
            title,
            style,
            notes,
            selected,
            flash,
            check,
        } => view! {
            <mark
                class="ann-mark"
                class:ann-mark--selected=selected
                class:ann-mark--flash=flash
                data-ids=ids
                aria-describedby=crate::ui::annotate::reading_cursor::described_by(&tags)
                data-tags=tags
                data-notes=notes
                data-check=check
                title=title
                style=style
            >
                {text}
            </mark>
        }
        .into_any(),
    }
}

const SELECTED_CLASS: &str = "ann-mark--selected";
const FLASH_CLASS: &str = "ann-mark--flash";

/// Puts `class` on exactly the marks that cover annotation `id` (none when `None`): one
/// query for the marks that have it, one for those that should. Paragraphs rendered later
/// read the signal when they are built, so they start right.
fn toggle_mark_class(article: &web_sys::Element, class: &str, id: Option<&AnnotationId>) {
    if let Ok(previous) = article.query_selector_all(&format!("mark.{class}")) {
        for index in 0..previous.length() {
            if let Some(mark) = previous
                .item(index)
                .and_then(|node| node.dyn_into::<web_sys::Element>().ok())
            {
                // A class the browser refuses only changes how something looks; no work is touched.
                let _ = mark.class_list().remove_1(class);
            }
        }
    }
    let Some(id) = id else { return };
    let selector = format!("mark[data-ids~=\"{}\"]", css_string(id.as_str()));
    if let Ok(marks) = article.query_selector_all(&selector) {
        for index in 0..marks.length() {
            if let Some(mark) = marks
                .item(index)
                .and_then(|node| node.dyn_into::<web_sys::Element>().ok())
            {
                // A class the browser refuses only changes how something looks; no work is touched.
                let _ = mark.class_list().add_1(class);
            }
        }
    }
}

/// `value` as the inside of a double-quoted CSS string (ids come from imported files).
fn css_string(value: &str) -> String {
    let mut escaped = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '"' | '\\' => {
                escaped.push('\\');
                escaped.push(c);
            }
            '\0' => escaped.push('\u{fffd}'),
            c if c.is_control() => escaped.push_str(&format!("\\{:x} ", c as u32)),
            c => escaped.push(c),
        }
    }
    escaped
}

/// Keeps `class` on exactly the marks of the annotation `current` names, as it changes.
fn mark_following(
    article_ref: NodeRef<leptos::html::Div>,
    class: &'static str,
    current: impl Fn() -> Option<AnnotationId> + 'static,
) {
    Effect::new(move |_| {
        let id = current();
        if let Some(article) = article_ref.get() {
            toggle_mark_class(article.unchecked_ref(), class, id.as_ref());
        }
    });
}

#[component]
pub fn ArticleView() -> impl IntoView {
    let state = use_app();
    let article_ref = NodeRef::<leptos::html::Div>::new();
    // Only the document (and a classroom check) drives the layout; the selection and the
    // flash are applied to the marks they concern by the effects below, without
    // re-segmenting or re-rendering.
    let classroom = crate::ui::classroom::context::classroom();
    let layout = ViewMemo::new(move |previous: Option<&SharedLayout>| {
        let check = classroom.and_then(|c| c.check.get());
        let printing = crate::ui::annotate::print_notes::printing();
        state.editor.with(|e| {
            SharedLayout(Arc::new(layout(
                previous.map(|p| p.0.as_ref()),
                e.document(),
                check,
                printing,
            )))
        })
    });
    mark_following(article_ref, SELECTED_CLASS, move || state.selected.get());
    mark_following(article_ref, FLASH_CLASS, move || state.flash.get());
    let nearness = Nearness::new(state);
    let text_id = ViewMemo::new(move |_| state.editor.with(|e| text_identity(e.document())));
    let filling = Filling::new(text_id, move || {
        layout.with_untracked(|l| l.0.article.ranges().to_vec())
    });
    let keys = ViewMemo::new(move |_| {
        let all = crate::ui::annotate::print_notes::printing();
        layout.with(|l| draw_keys(&l.0, nearness, filling, (!all).then(|| text_id.get())))
    });
    // A paragraph coming near the screen (or going far) keeps its element and only has its
    // content drawn anew: the browser keeps the height it laid the element out at
    // (`content-visibility`), so nothing above the reader changes height and the page does
    // not jump while they scroll, select or click. (A new element would start from the
    // estimated height again: jumps of 60–600 px right after a scroll.)
    let marked_of = MarkedSignals::following(keys);
    let render_paragraph = move |DrawKey { key, marked }: DrawKey| {
        let marked = marked_of.signal(key.index, marked);
        let current = layout.get_untracked();
        let (u16_start, role) = state.editor.with_untracked(|e| {
            (
                paragraph_start_utf16(e.document(), &current.0, key.index),
                paragraph_role(e.document(), &current.0, key.index),
            )
        });
        let content = move || {
            let marked = marked.get();
            let current = layout.get_untracked();
            let selected = state.selected.get_untracked();
            let flash = state.flash.get_untracked();
            let check = classroom.and_then(|c| c.check.get_untracked());
            let (_, runs) = state.editor.with_untracked(|e| {
                paragraph_runs(
                    e.document(),
                    &current.0,
                    key.index,
                    selected.as_ref(),
                    flash.as_ref(),
                    check.as_ref().map(|c| &c.0.1),
                    marked,
                )
            });
            runs.into_iter().map(render_run).collect_view()
        };
        view! {
            <div
                class="ann-para"
                class:ann-para--title=role == ParagraphRole::Title
                class:ann-para--dateline=role == ParagraphRole::Dateline
                dir="auto"
                data-u16=u16_start
                data-index=key.index
            >
                {content}
            </div>
        }
    };
    // Groups of paragraphs, each with its own list: an edit re-checks each group's slice of
    // the keys (cheap) and diffs only the group it changed.
    let groups = ViewMemo::new(move |_| keys.with(|k| k.len().div_ceil(GROUP)));
    let render_group = move |group: usize| {
        let node = NodeRef::<leptos::html::Div>::new();
        watch_near_screen(node, nearness.watcher);
        let members = ViewMemo::new(move |_| {
            keys.with(|k| {
                let end = k.len().min((group + 1) * GROUP);
                k.get(group * GROUP..end)
                    .map(<[_]>::to_vec)
                    .unwrap_or_default()
            })
        });
        view! {
            <div class="ann-group" data-group=group node_ref=node>
                <For each=move || members.get() key=|k| (k.key.fingerprint, k.key.index) children=render_paragraph />
            </div>
        }
    };

    view! {
        <article class="ann-article-wrap" aria-label="Article">
            <div
                class="ann-article"
                data-article-text=""
                id="ann-article"
                lang=move || {
                    state.editor.with(|e| e.document().metadata.language_tag().map(str::to_string))
                }
                tabindex="0"
                role="document"
                aria-busy=move || {
                    layout.with(|l| filling.busy(l.0.keys.len())).then_some("true")
                }
                aria-label=crate::ui::strings::ARTICLE_LABEL
                aria-describedby="ann-article-help"
                on:focus=move |_| {
                    actions::selecting(state);
                    crate::ui::annotate::reading_cursor::on_article_focus()
                }
                on:pointerdown=move |_| actions::selecting(state)
                node_ref=article_ref
                on:mouseup=move |ev| on_pointer_up(state, article_ref, &ev)
                on:touchend=move |_| on_touch_end(state, article_ref)
                on:keyup=move |ev| on_key_up(state, article_ref, &ev)
            >
                <For each=move || 0..groups.get() key=|g| *g children=render_group />
            </div>
            <crate::ui::annotate::reading_cursor::ReadingCursor />
        </article>
    }
}

/// A mouse button let go over the article: a selection to propose, or a click on a mark.
fn on_pointer_up(
    state: AppState,
    article_ref: NodeRef<leptos::html::Div>,
    ev: &leptos::ev::MouseEvent,
) {
    let Some(article) = article_ref.get_untracked() else {
        return;
    };
    read_selection_or_click(
        state,
        article.unchecked_ref(),
        ev.alt_key(),
        ev.target(),
        ev.client_x(),
        ev.client_y(),
    );
}

/// A finger lifted from the article: the selection it made, if any, is proposed.
fn on_touch_end(state: AppState, article_ref: NodeRef<leptos::html::Div>) {
    let Some(article) = article_ref.get_untracked() else {
        return;
    };
    if let Ok(raw) = dom_selection::read_selection(article.unchecked_ref()) {
        actions::propose_selection(state, raw, false);
    }
}

/// A key let go with Shift held: the selection it extended is proposed.
fn on_key_up(
    state: AppState,
    article_ref: NodeRef<leptos::html::Div>,
    ev: &leptos::ev::KeyboardEvent,
) {
    if !ev.shift_key() {
        return;
    }
    let Some(article) = article_ref.get_untracked() else {
        return;
    };
    if let Ok(raw) = dom_selection::read_selection(article.unchecked_ref()) {
        actions::propose_selection(state, raw, ev.alt_key());
    }
}

/// Each drawn paragraph's own "with marks" signal, set only when it changes: one subscriber
/// each, so a scroll or an edit costs a pass over the keys, not a reactive update of every
/// paragraph (a memo per paragraph on the keys made every change unsubscribe 2,000 memos
/// from one source, O(n²)).
#[derive(Clone, Copy)]
struct MarkedSignals(ViewValue<HashMap<usize, ViewSignal<bool>>>);

impl MarkedSignals {
    fn following(keys: ViewMemo<Vec<DrawKey>>) -> Self {
        let signals = ViewValue::new(HashMap::<usize, ViewSignal<bool>>::new());
        Effect::new(move |_| {
            keys.with(|keys| {
                signals.with_value(|signals| {
                    for key in keys {
                        if let Some(signal) = signals.get(&key.key.index)
                            && signal.get_untracked() != key.marked
                        {
                            signal.set(key.marked);
                        }
                    }
                })
            })
        });
        MarkedSignals(signals)
    }

    /// The signal of the paragraph drawn at `index`, for as long as it is drawn.
    fn signal(self, index: usize, marked: bool) -> ViewSignal<bool> {
        let signal = ViewSignal::new(marked);
        self.0.update_value(|signals| {
            signals.insert(index, signal);
        });
        on_cleanup(move || {
            // Gone with the article: nothing left to keep in step.
            self.0.try_update_value(|signals| {
                if signals.get(&index) == Some(&signal) {
                    signals.remove(&index);
                }
            });
        });
        signal
    }
}

/// The paragraphs to draw now and whether each gets its marks: all of them, or (`text`
/// given) as many as drawing in steps has reached for that text.
fn draw_keys(
    layout: &Layout,
    nearness: Nearness,
    filling: Filling,
    text: Option<u64>,
) -> Vec<DrawKey> {
    let lazy = nearness.lazy.get();
    let ranges = layout.article.ranges();
    let limit = text.map_or(layout.keys.len(), |text| filling.limit(text, ranges));
    // Until the browser has said what is near the screen, the page is at its top: the first
    // screenful gets its marks in the first frame.
    let opening = if nearness.near.with(HashSet::is_empty) {
        filling::paragraphs_for(ranges, 0, filling::FIRST_CHARS)
    } else {
        0
    };
    layout
        .keys
        .iter()
        .take(limit)
        .map(|&key| DrawKey {
            key,
            marked: !lazy
                || key.index < opening
                || nearness.near.with(|n| n.contains(&(key.index / GROUP))),
        })
        .collect()
}

/// Which paragraphs a long article draws with their marks: those of the groups near the
/// screen, as the browser reports them; every paragraph in a shorter article and on paper.
#[derive(Clone, Copy)]
struct Nearness {
    lazy: ViewMemo<bool>,
    near: ViewSignal<HashSet<usize>>,
    watcher: ViewValue<Option<NearScreen>>,
}

impl Nearness {
    fn new(state: AppState) -> Self {
        let near = ViewSignal::new(HashSet::<usize>::new());
        let observing = ViewSignal::new(false);
        let lazy = ViewMemo::new(move |_| {
            !crate::ui::annotate::print_notes::printing()
                && observing.get()
                && state
                    .editor
                    .with(|e| e.document().annotations.len() >= LAZY_FROM)
        });
        let watcher = ViewValue::new(NearScreen::new(NEAR_MARGIN, move |changes| {
            let apply = |set: &mut HashSet<usize>| {
                for &(index, is_near) in &changes {
                    if is_near {
                        set.insert(index);
                    } else {
                        set.remove(&index);
                    }
                }
            };
            // Every mark is drawn (a shorter article, paper): which groups are near changes
            // nothing on screen, so it is only noted, for when the article becomes long,
            // without drawing the keys again or keeping the selection on every scroll.
            if !lazy.get_untracked() {
                near.update_untracked(apply);
                return;
            }
            // A group's first report (when it is drawn) may say what is already known.
            let changed = near.with_untracked(|set| {
                changes
                    .iter()
                    .any(|(index, is_near)| set.contains(index) != *is_near)
            });
            if !changed {
                return;
            }
            // Drawing a paragraph anew replaces the text nodes a selection (or the reading
            // cursor) points into: keep it by its offsets and put it back once drawn, in the
            // same turn (before any key press can move from the wrong place).
            if let Some(kept) = caret::article().and_then(|a| caret::SelectionSnapshot::take(&a)) {
                leptos::task::spawn_local(async move {
                    for _ in 0..REDRAW_TICKS {
                        leptos::task::tick().await;
                        let Some(article) = caret::article() else {
                            return;
                        };
                        if kept.broken(&article) {
                            kept.restore(&article);
                            return;
                        }
                    }
                });
            }
            near.update(apply)
        }));
        observing.set(watcher.with_value(Option::is_some));
        Nearness {
            lazy,
            near,
            watcher,
        }
    }
}

/// Has the group's element watched for coming near the screen while it is shown.
fn watch_near_screen(node: NodeRef<leptos::html::Div>, watcher: ViewValue<Option<NearScreen>>) {
    let shown = ViewValue::new(None::<web_sys::Element>);
    node.on_load(move |element| {
        let element: web_sys::Element = element.unchecked_into();
        watcher.with_value(|w| {
            if let Some(w) = w {
                w.observe(&element);
            }
        });
        shown.set_value(Some(element));
    });
    on_cleanup(move || {
        // Already gone with its owner: the observer drops disconnected elements itself.
        let element = shown.try_with_value(Clone::clone).flatten();
        if let Some(element) = element {
            watcher.try_with_value(|w| {
                if let Some(w) = w {
                    w.unobserve(&element);
                }
            });
        }
    });
}

/// Turns the browser's selection into a pending selection, or handles a plain click on a
/// highlight (select it, or offer a chooser when several annotations cover the point).
fn read_selection_or_click(
    state: AppState,
    article: &web_sys::Element,
    exact: bool,
    target: Option<web_sys::EventTarget>,
    x: i32,
    y: i32,
) {
    match dom_selection::read_selection(article) {
        Ok(raw) => actions::propose_selection(state, raw, exact),
        Err(_) => {
            actions::drop_proposal(state);
            let mark = target
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                .and_then(|e| e.closest("mark[data-ids]").ok().flatten());
            let Some(mark) = mark else {
                actions::select_annotation(state, None);
                return;
            };
            let ids: Vec<AnnotationId> = mark
                .get_attribute("data-ids")
                .unwrap_or_default()
                .split(' ')
                .filter(|s| !s.is_empty())
                .map(|s| AnnotationId(s.to_string()))
                .collect();
            match ids.as_slice() {
                [] => {}
                [only] => actions::select_annotation(state, Some(only.clone())),
                _ => {
                    let rect = ScreenRect {
                        left: x as f64,
                        top: y as f64,
                        width: 0.0,
                        height: 0.0,
                    };
                    actions::offer_choice(state, ids, rect);
                }
            }
        }
    }
}
