//! The selected annotation's links drawn over the article: a curve from its highlight to each
//! linked highlight. The drawing is decoration only (`aria-hidden`, no pointer events): the
//! details panel lists the same links as text. Positions are read from the rendered marks
//! after each change, scroll or resize, in the next animation frame.

use crate::domain::annotation::{AnnotationId, RelationKind};
use crate::domain::factcheck::linking::relations_of;
use crate::ui::state::use_app;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

#[derive(Clone, Debug, PartialEq)]
struct Curve {
    path: String,
    from: (f64, f64),
    to: (f64, f64),
    modifier: &'static str,
    label: String,
    label_at: (f64, f64),
}

#[derive(Clone, Debug, PartialEq, Default)]
struct Drawing {
    curves: Vec<Curve>,
    /// The article's visible box, so curves never run over the header or the sidebar.
    clip: (f64, f64, f64, f64),
}

fn first_rect(article: &web_sys::Element, id: &AnnotationId) -> Option<web_sys::DomRect> {
    let marks = article.query_selector_all("mark[data-ids]").ok()?;
    (0..marks.length())
        .filter_map(|i| marks.item(i))
        .filter_map(|node| node.dyn_into::<web_sys::Element>().ok())
        .find(|mark| {
            mark.get_attribute("data-ids")
                .is_some_and(|ids| ids.split(' ').any(|one| one == id.as_str()))
        })
        .map(|mark| mark.get_bounding_client_rect())
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
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return Drawing::default();
    };
    let Some(article) = document
        .query_selector("[data-article-text]")
        .ok()
        .flatten()
    else {
        return Drawing::default();
    };
    let area = article.get_bounding_client_rect();
    let header_bottom = document
        .query_selector(".ann-header")
        .ok()
        .flatten()
        .map(|h| h.get_bounding_client_rect().bottom())
        .unwrap_or(0.0);
    let top = area.top().max(header_bottom) - 40.0;
    let clip = (
        area.left() - 24.0,
        top.max(header_bottom),
        area.width() + 48.0,
        (area.bottom() + 24.0 - top.max(header_bottom)).max(0.0),
    );
    let curves = links
        .iter()
        .filter_map(|(selected, other, kind, label)| {
            let a = first_rect(&article, selected)?;
            let b = first_rect(&article, other)?;
            let from = (a.left() + a.width().min(60.0) / 2.0, a.top());
            let to = (b.left() + b.width().min(60.0) / 2.0, b.top());
            let distance = ((to.0 - from.0).powi(2) + (to.1 - from.1).powi(2)).sqrt();
            let lift = (distance * 0.35).clamp(28.0, 120.0);
            let peak = from.1.min(to.1) - lift;
            let path = format!(
                "M {:.1} {:.1} C {:.1} {:.1}, {:.1} {:.1}, {:.1} {:.1}",
                from.0, from.1, from.0, peak, to.0, peak, to.0, to.1
            );
            // The middle of the curve (t = 0.5 of the cubic).
            let label_at = ((from.0 + to.0) / 2.0, 0.125 * (from.1 + to.1) + 0.75 * peak);
            Some(Curve {
                path,
                from,
                to,
                modifier: modifier(kind),
                label: label.clone(),
                label_at,
            })
        })
        .collect();
    Drawing { curves, clip }
}

#[component]
pub fn Connections() -> impl IntoView {
    let state = use_app();
    let tick = RwSignal::new(0u64);
    let bump = move || tick.update(|n| *n = n.wrapping_add(1));
    let scroll = window_event_listener(leptos::ev::scroll, move |_| bump());
    let resize = window_event_listener(leptos::ev::resize, move |_| bump());
    on_cleanup(move || {
        scroll.remove();
        resize.remove();
    });
    let links = Memo::new(move |_| {
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
    let drawing = RwSignal::new(Drawing::default());
    let frame_pending = StoredValue::new(false);
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
                            let label_width = curve.label.chars().count() as f64 * 6.4 + 14.0;
                            view! {
                                <g class=class>
                                    <path class="ann-connection__halo" d=curve.path.clone() />
                                    <path class="ann-connection__line" d=curve.path />
                                    <circle class="ann-connection__end" cx=curve.from.0 cy=curve.from.1 r="3.5" />
                                    <circle class="ann-connection__end" cx=curve.to.0 cy=curve.to.1 r="4.5" />
                                    <rect
                                        class="ann-connection__label-bg"
                                        x=curve.label_at.0 - label_width / 2.0
                                        y=curve.label_at.1 - 10.0
                                        width=label_width
                                        height="18"
                                        rx="9"
                                    />
                                    <text
                                        class="ann-connection__label"
                                        x=curve.label_at.0
                                        y=curve.label_at.1 + 3.5
                                        text-anchor="middle"
                                    >
                                        {curve.label}
                                    </text>
                                </g>
                            }
                        })
                        .collect_view()
                }}
            </g>
        </svg>
    }
}
