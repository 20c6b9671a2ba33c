//! The selected annotation's links drawn beside the article: from its highlight out into the
//! gutter left of the text, along a lane, and back in to each linked highlight, labelled in
//! the gutter (the routing is `domain::factcheck::link_routes`). The drawing is decoration
//! only (`aria-hidden`, no pointer events): the details panel lists the same links as text,
//! and on phones, where there is no gutter, it is the only place they are shown. Positions
//! are read from the rendered marks after each change, scroll or resize, in the next
//! animation frame. It draws only while an annotation is selected, so it comes with the
//! details panel's part (`ui::on_demand`) and is mounted once that part is here.

use crate::domain::annotation::{AnnotationId, RelationKind};
use crate::domain::factcheck::link_routes::{
    End, Gutter, LABEL_HEIGHT, Label, LinkEnds, Route, route,
};
use crate::domain::factcheck::linking::relations_of;
use crate::ui::state::use_app;
use crate::ui::view_memo::ViewMemo;
use crate::ui::view_signal::ViewSignal;
use crate::ui::view_value::ViewValue;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

#[derive(Clone, Debug, PartialEq)]
struct Curve {
    route: Route,
    modifier: &'static str,
}

#[derive(Clone, Debug, PartialEq, Default)]
struct Drawing {
    curves: Vec<Curve>,
    /// The main column's visible box (gutter and text), so curves never run over the header
    /// or the sidebar.
    clip: (f64, f64, f64, f64),
}

/// Without a gutter beside the text (phones) nothing is drawn: the details panel lists the
/// links as text, and a curve could only run over the article.
const MIN_WIDE_SCREEN: f64 = 861.0;

/// The left edge and top of the first line of the first highlight of `id`.
fn first_line(article: &web_sys::Element, id: &AnnotationId) -> Option<End> {
    let marks = article.query_selector_all("mark[data-ids]").ok()?;
    let mark = (0..marks.length())
        .filter_map(|i| marks.item(i))
        .filter_map(|node| node.dyn_into::<web_sys::Element>().ok())
        .find(|mark| {
            mark.get_attribute("data-ids")
                .is_some_and(|ids| ids.split(' ').any(|one| one == id.as_str()))
        })?;
    let rect = mark
        .get_client_rects()
        .item(0)
        .unwrap_or_else(|| mark.get_bounding_client_rect());
    Some(End {
        left: rect.left() + 2.0,
        top: rect.top(),
    })
}

fn modifier(kind: &RelationKind) -> &'static str {
    match kind {
        RelationKind::SupportedBy => "supports",
        RelationKind::ContradictedBy => "contradicts",
        RelationKind::AttributedTo => "attributed",
        RelationKind::About => "about",
        RelationKind::Custom(_) => "custom",
    }
}

fn measure(links: &[(AnnotationId, AnnotationId, RelationKind, String)]) -> Drawing {
    let Some(window) = web_sys::window() else {
        return Drawing::default();
    };
    let wide = window
        .inner_width()
        .ok()
        .and_then(|w| w.as_f64())
        .is_some_and(|w| w >= MIN_WIDE_SCREEN);
    let Some(document) = window.document().filter(|_| wide) else {
        return Drawing::default();
    };
    let found = |selector: &str| document.query_selector(selector).ok().flatten();
    let (Some(article), Some(main)) = (found("[data-article-text]"), found(".ann-main")) else {
        return Drawing::default();
    };
    let area = article.get_bounding_client_rect();
    let column = main.get_bounding_client_rect();
    let header_bottom = found(".ann-header").map_or(0.0, |h| h.get_bounding_client_rect().bottom());
    let top = (area.top() - 40.0).max(header_bottom);
    let clip = (
        column.left(),
        top,
        (area.right() + 24.0 - column.left()).max(0.0),
        (area.bottom() + 24.0 - top).max(0.0),
    );
    let gutter = Gutter {
        gutter_left: column.left() + 4.0,
        text_left: area.left(),
    };
    let mut kinds = Vec::new();
    let ends: Vec<LinkEnds> = links
        .iter()
        .filter_map(|(selected, other, kind, label)| {
            let from = first_line(&article, selected)?;
            let to = first_line(&article, other)?;
            kinds.push(modifier(kind));
            Some(LinkEnds {
                from,
                to,
                label: label.clone(),
            })
        })
        .collect();
    let curves = route(&ends, gutter)
        .into_iter()
        .zip(kinds)
        .map(|(route, modifier)| Curve { route, modifier })
        .collect();
    Drawing { curves, clip }
}

#[component]
pub fn Connections() -> impl IntoView {
    let state = use_app();
    let tick = ViewSignal::new(0u64);
    let bump = move || tick.update(|n| *n = n.wrapping_add(1));
    let scroll = window_event_listener(leptos::ev::scroll, move |_| bump());
    let resize = window_event_listener(leptos::ev::resize, move |_| bump());
    on_cleanup(move || {
        scroll.remove();
        resize.remove();
    });
    let links = ViewMemo::new(move |_| {
        let Some(selected) = state.selected.get() else {
            return Vec::new();
        };
        if state.screen.get() != crate::ui::state::Screen::Annotate {
            return Vec::new();
        }
        state.editor.with(|e| {
            relations_of(e.document(), &selected)
                .into_iter()
                .map(|end| (selected.clone(), end.other, end.kind, end.phrase))
                .collect::<Vec<_>>()
        })
    });
    let drawing = ViewSignal::new(Drawing::default());
    let frame_pending = ViewValue::new(false);
    Effect::new(move |_| {
        tick.track();
        state.changes.track();
        let current = links.get();
        if current.is_empty() {
            drawing.set(Drawing::default());
            return;
        }
        if frame_pending.get_value() {
            return;
        }
        frame_pending.set_value(true);
        // Read positions once the article shows the latest state.
        request_animation_frame(move || {
            frame_pending.set_value(false);
            let latest = links.get_untracked();
            drawing.set(measure(&latest));
        });
    });
    view! {
        <svg class="ann-connections" aria-hidden="true" focusable="false">
            <defs>
                <clipPath id="ann-connections-clip">
                    <rect
                        x=move || drawing.with(|d| format!("{:.1}", d.clip.0))
                        y=move || drawing.with(|d| format!("{:.1}", d.clip.1))
                        width=move || drawing.with(|d| format!("{:.1}", d.clip.2))
                        height=move || drawing.with(|d| format!("{:.1}", d.clip.3))
                    />
                </clipPath>
            </defs>
            <g clip-path="url(#ann-connections-clip)">
                {move || {
                    drawing
                        .get()
                        .curves
                        .into_iter()
                        .map(|curve| {
                            let class = format!("ann-connection ann-connection--{}", curve.modifier);
                            let Route { path, from, to, label, .. } = curve.route;
                            view! {
                                <g class=class>
                                    <path class="ann-connection__halo" d=path.clone() />
                                    <path class="ann-connection__line" d=path />
                                    <circle class="ann-connection__end" cx=from.0 cy=from.1 r="3.5" />
                                    <circle class="ann-connection__end" cx=to.0 cy=to.1 r="4.5" />
                                    {label.map(|label| view! { <ConnectionLabel label /> })}
                                </g>
                            }
                        })
                        .collect_view()
                }}
            </g>
        </svg>
    }
}

/// A link's label in the gutter, with a leader to its lane.
#[component]
fn ConnectionLabel(label: Label) -> impl IntoView {
    let middle = label.top + LABEL_HEIGHT / 2.0;
    let right = label.left + label.width;
    view! {
        <line
            class="ann-connection__leader"
            x1=right
            y1=middle
            x2=label.leader_to.0
            y2=label.leader_to.1
        />
        <rect
            class="ann-connection__label-bg"
            x=label.left
            y=label.top
            width=label.width
            height=LABEL_HEIGHT
            rx="9"
        />
        <text
            class="ann-connection__label"
            x=label.left + label.width / 2.0
            y=middle + 3.5
            text-anchor="middle"
        >
            {label.text}
        </text>
    }
}
