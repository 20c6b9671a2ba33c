//! Where the links of the selected annotation are drawn: in the gutter left of the text,
//! never over it.
//!
//! Why: a curve drawn straight from one highlight to another crosses every line (and the
//! headline) between them, and the labels of several links from one claim land on top of
//! each other. Here each link leaves its highlight horizontally in the leading just above
//! the highlight's first line, runs vertically in a lane of the gutter, and comes back in
//! above the other highlight's line. Links whose vertical runs overlap get different lanes
//! (shorter runs nearer the text, so nested runs do not cross), and the labels are stacked
//! in the gutter beside the lanes without overlapping.
//!
//! Pure geometry in CSS pixels, so the routing is tested natively; the UI measures the
//! highlights and the gutter and draws what this returns.

use crate::domain::sorting;

/// How far above a line's text box the horizontal runs go (half the leading of the article's
/// 1.75 line height at 18 px is about 5 px).
pub const ABOVE_LINE: f64 = 5.0;
/// The distance between two lanes.
pub const LANE_SPACING: f64 = 9.0;
/// The distance from the text to the innermost lane.
pub const FIRST_LANE: f64 = 12.0;
/// A label's height, and the least space between two stacked labels.
pub const LABEL_HEIGHT: f64 = 18.0;
pub const LABEL_GAP: f64 = 4.0;
/// The space between the labels and the outermost lane.
const LABEL_TO_LANES: f64 = 6.0;
/// An estimate of a label character's width at 11 px (the drawing fits the text to its box).
const LABEL_CHAR: f64 = 6.6;
const LABEL_PADDING: f64 = 14.0;
/// Labels narrower than this are left out (the details panel names every link).
const MIN_LABEL: f64 = 36.0;
/// Radius of the corners where a route turns.
const CORNER: f64 = 6.0;

/// One end of a link: the left edge and the top of the first line of its highlight.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct End {
    pub left: f64,
    pub top: f64,
}

/// The space the routes may use: the gutter runs from `gutter_left` to `text_left`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Gutter {
    pub gutter_left: f64,
    pub text_left: f64,
}

/// A link to draw, from the selected highlight to another.
#[derive(Clone, Debug, PartialEq)]
pub struct LinkEnds {
    pub from: End,
    pub to: End,
    pub label: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Label {
    /// Possibly shortened with "…" to fit the gutter.
    pub text: String,
    pub left: f64,
    pub top: f64,
    pub width: f64,
    /// Where the label's leader meets its lane.
    pub leader_to: (f64, f64),
}

/// A routed link: an SVG path, its two end points and its label (none when the gutter is too
/// narrow for one).
#[derive(Clone, Debug, PartialEq)]
pub struct Route {
    pub path: String,
    pub from: (f64, f64),
    pub to: (f64, f64),
    pub lane: usize,
    pub label: Option<Label>,
}

/// How many lanes fit in the gutter, keeping room for labels when there is some.
fn lane_capacity(gutter: Gutter) -> usize {
    let room = gutter.text_left - gutter.gutter_left - FIRST_LANE - MIN_LABEL - LABEL_TO_LANES;
    if room <= 0.0 {
        1
    } else {
        // Truncation is the point: whole lanes only.
        (room / LANE_SPACING) as usize + 1
    }
}

/// Gives each link a lane: the shortest vertical runs first, each in the innermost lane no
/// other run overlapping or touching it uses. Runs that only touch (one above and one below
/// the shared start) get lanes of their own too: in one lane they would read as a single
/// line from one far end to the other.
fn assign_lanes(spans: &[(f64, f64)], capacity: usize) -> Vec<usize> {
    let mut order: Vec<usize> = (0..spans.len()).collect();
    sorting::sort_by(&mut order, |&a, &b| {
        let length = |i: usize| spans.get(i).map_or(0.0, |(top, bottom)| bottom - top);
        length(a).total_cmp(&length(b)).then(a.cmp(&b))
    });
    let mut taken: Vec<Vec<(f64, f64)>> = Vec::new();
    let mut lanes = vec![0; spans.len()];
    for index in order {
        let Some(&(top, bottom)) = spans.get(index) else {
            continue;
        };
        let overlaps =
            |runs: &Vec<(f64, f64)>| runs.iter().any(|&(t, b)| top.max(t) <= bottom.min(b) + 1.0);
        let lane = taken
            .iter()
            .position(|runs| !overlaps(runs))
            .unwrap_or(taken.len());
        if lane == taken.len() {
            taken.push(Vec::new());
        }
        if let Some(runs) = taken.get_mut(lane) {
            runs.push((top, bottom));
        }
        if let Some(slot) = lanes.get_mut(index) {
            // More links than lanes share the outer lanes.
            *slot = lane.min(capacity.saturating_sub(1));
        }
    }
    lanes
}

fn lane_x(gutter: Gutter, lane: usize) -> f64 {
    gutter.text_left - FIRST_LANE - lane as f64 * LANE_SPACING
}

/// Out from `from` to the lane, along it, and in to `to`, with rounded corners.
fn route_path(from: (f64, f64), to: (f64, f64), x: f64) -> String {
    let dy = to.1 - from.1;
    let r = CORNER
        .min(dy.abs() / 2.0)
        .min((from.0 - x).max(0.0))
        .min((to.0 - x).max(0.0));
    let down = if dy >= 0.0 { 1.0 } else { -1.0 };
    format!(
        "M {:.1} {:.1} H {:.1} Q {:.1} {:.1} {:.1} {:.1} V {:.1} Q {:.1} {:.1} {:.1} {:.1} H {:.1}",
        from.0,
        from.1,
        x + r,
        x,
        from.1,
        x,
        from.1 + down * r,
        to.1 - down * r,
        x,
        to.1,
        x + r,
        to.1,
        to.0
    )
}

fn fit_label(text: &str, room: f64) -> Option<(String, f64)> {
    if room < MIN_LABEL {
        return None;
    }
    let count = text.chars().count();
    let width = count as f64 * LABEL_CHAR + LABEL_PADDING;
    if width <= room {
        return Some((text.to_string(), width));
    }
    // Whole characters only: truncation is the point.
    let keep = ((room - LABEL_PADDING) / LABEL_CHAR) as usize;
    let keep = keep.saturating_sub(1).max(1);
    let short: String = text.chars().take(keep).collect::<String>() + "…";
    Some((short, room))
}

/// Routes `links` through `gutter`. Labels sit beside the lanes at the height of the link's
/// far end, pushed down (in order of height) so that no two overlap.
pub fn route(links: &[LinkEnds], gutter: Gutter) -> Vec<Route> {
    let points: Vec<((f64, f64), (f64, f64))> = links
        .iter()
        .map(|link| {
            (
                (link.from.left, link.from.top - ABOVE_LINE),
                (link.to.left, link.to.top - ABOVE_LINE),
            )
        })
        .collect();
    let spans: Vec<(f64, f64)> = points
        .iter()
        .map(|(a, b)| (a.1.min(b.1), a.1.max(b.1)))
        .collect();
    let lanes = assign_lanes(&spans, lane_capacity(gutter));
    let outermost = lanes.iter().copied().max().unwrap_or(0);
    let label_right = lane_x(gutter, outermost) - LABEL_TO_LANES;
    let room = label_right - gutter.gutter_left;

    let mut routes: Vec<Route> = points
        .iter()
        .zip(&lanes)
        .map(|(&(from, to), &lane)| Route {
            path: route_path(from, to, lane_x(gutter, lane)),
            from,
            to,
            lane,
            label: None,
        })
        .collect();

    // Stack the labels top to bottom in the order of their far ends.
    let mut order: Vec<usize> = (0..routes.len()).collect();
    sorting::sort_by(&mut order, |&a, &b| {
        let y = |i: usize| routes.get(i).map_or(0.0, |r| r.to.1);
        y(a).total_cmp(&y(b)).then(a.cmp(&b))
    });
    let mut next_free = f64::NEG_INFINITY;
    for index in order {
        let Some(text) = links.get(index).map(|l| l.label.as_str()) else {
            continue;
        };
        let Some(route) = routes.get_mut(index) else {
            continue;
        };
        let Some((text, width)) = fit_label(text, room) else {
            continue;
        };
        let top = (route.to.1 - LABEL_HEIGHT / 2.0).max(next_free);
        next_free = top + LABEL_HEIGHT + LABEL_GAP;
        let middle = top + LABEL_HEIGHT / 2.0;
        let (low, high) = (route.from.1.min(route.to.1), route.from.1.max(route.to.1));
        route.label = Some(Label {
            text,
            left: label_right - width,
            top,
            width,
            leader_to: (lane_x(gutter, route.lane), middle.clamp(low, high)),
        });
    }
    routes
}

#[cfg(test)]
mod tests {
    use super::*;

    const GUTTER: Gutter = Gutter {
        gutter_left: 20.0,
        text_left: 196.0,
    };

    fn link(from_top: f64, to_top: f64, label: &str) -> LinkEnds {
        LinkEnds {
            from: End {
                left: 300.0,
                top: from_top,
            },
            to: End {
                left: 250.0,
                top: to_top,
            },
            label: label.into(),
        }
    }

    #[test]
    fn every_vertical_run_is_in_the_gutter_and_overlapping_runs_get_their_own_lanes() {
        let links = [
            link(100.0, 400.0, "Supported by"),
            link(100.0, 200.0, "Claimant"),
            link(100.0, 700.0, "Contradicted by"),
        ];
        let routes = route(&links, GUTTER);
        let lanes: Vec<usize> = routes.iter().map(|r| r.lane).collect();
        // Shortest run innermost, so that nested runs never cross.
        assert_eq!(lanes, vec![1, 0, 2]);
        for r in &routes {
            let x = lane_x(GUTTER, r.lane);
            assert!(x < GUTTER.text_left && x > GUTTER.gutter_left, "{x}");
            assert!(
                r.path.contains(&format!("V {:.1}", r.to.1 - CORNER)),
                "{}",
                r.path
            );
        }
    }

    #[test]
    fn runs_above_and_below_the_start_get_lanes_of_their_own_and_far_apart_runs_share() {
        let routes = route(&[link(400.0, 100.0, "a"), link(400.0, 700.0, "b")], GUTTER);
        assert_ne!(routes[0].lane, routes[1].lane);
        let apart = [link(100.0, 200.0, "a"), link(400.0, 500.0, "b")];
        let routes = route(&apart, GUTTER);
        assert_eq!((routes[0].lane, routes[1].lane), (0, 0));
    }

    #[test]
    fn labels_never_overlap_and_stay_left_of_the_lanes() {
        let links = [
            link(100.0, 300.0, "Supported by"),
            link(100.0, 305.0, "Claimant"),
            link(100.0, 310.0, "About"),
        ];
        let routes = route(&links, GUTTER);
        let mut boxes: Vec<(f64, f64, f64, f64)> = routes
            .iter()
            .filter_map(|r| r.label.as_ref())
            .map(|l| (l.left, l.top, l.left + l.width, l.top + LABEL_HEIGHT))
            .collect();
        assert_eq!(boxes.len(), 3);
        sorting::sort_by(&mut boxes, |a, b| a.1.total_cmp(&b.1));
        for pair in boxes.windows(2) {
            assert!(pair[1].1 >= pair[0].3, "{pair:?}");
        }
        let outer = routes.iter().map(|r| r.lane).max().unwrap_or(0);
        for b in &boxes {
            assert!(
                b.0 >= GUTTER.gutter_left && b.2 < lane_x(GUTTER, outer),
                "{b:?}"
            );
        }
    }

    #[test]
    fn a_narrow_gutter_shortens_labels_and_a_tiny_one_drops_them() {
        let narrow = Gutter {
            gutter_left: 100.0,
            text_left: 196.0,
        };
        let routes = route(&[link(100.0, 300.0, "Contradicted by")], narrow);
        let label = routes[0].label.clone().map(|l| l.text).unwrap_or_default();
        assert!(
            label.ends_with('…') && label.chars().count() < 15,
            "{label}"
        );
        let tiny = Gutter {
            gutter_left: 160.0,
            text_left: 196.0,
        };
        assert_eq!(route(&[link(100.0, 300.0, "About")], tiny)[0].label, None);
    }
}
