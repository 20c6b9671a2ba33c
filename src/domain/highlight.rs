//! How a run of text covered by annotations looks: one tinted layer and one underline per
//! covering annotation, each underline in the annotation's lane so that overlapping and
//! nested spans stay readable, and each tag with its own underline pattern so that tags can
//! be told apart without colour.
//!
//! Pure string building, so the rendering contract is tested natively.

use crate::domain::tag::UnderlineStyle;
use std::fmt::Write;

/// Vertical distance between two underline lanes, in CSS pixels.
pub const LANE_SPACING_PX: usize = 4;

/// One covering annotation as it is drawn on a run.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Layer {
    /// `#rrggbb`, validated by the taxonomy.
    pub color: String,
    pub lane: usize,
    pub underline: UnderlineStyle,
}

fn underline_image(color: &str, style: UnderlineStyle) -> (String, usize) {
    match style {
        UnderlineStyle::Solid => (format!("linear-gradient({color},{color})"), 2),
        UnderlineStyle::Dashed => (
            format!("repeating-linear-gradient(90deg,{color} 0 6px,transparent 6px 9px)"),
            2,
        ),
        UnderlineStyle::Dotted => (
            format!("repeating-linear-gradient(90deg,{color} 0 2px,transparent 2px 4px)"),
            2,
        ),
        UnderlineStyle::Double => (
            format!("linear-gradient({color} 0 1px,transparent 1px 2px,{color} 2px 3px)"),
            3,
        ),
        UnderlineStyle::Wavy => (
            format!(
                "repeating-linear-gradient(90deg,{color} 0 7px,transparent 7px 9px,{color} 9px 11px,transparent 11px 13px)"
            ),
            2,
        ),
    }
}

/// The inline style of a `mark` covered by `layers` (outermost first).
pub fn mark_style(layers: &[Layer]) -> String {
    let mut images = Vec::with_capacity(layers.len() * 2);
    let mut sizes = Vec::with_capacity(layers.len() * 2);
    let mut positions = Vec::with_capacity(layers.len() * 2);
    let mut deepest_lane = 0;
    for layer in layers {
        let (image, height) = underline_image(&layer.color, layer.underline);
        images.push(image);
        sizes.push(format!("100% {height}px"));
        positions.push(format!("0 calc(100% - {}px)", layer.lane * LANE_SPACING_PX));
        deepest_lane = deepest_lane.max(layer.lane);
    }
    for layer in layers {
        let tint = format!(
            "color-mix(in srgb,{} var(--ann-tint,16%),transparent)",
            layer.color
        );
        images.push(format!("linear-gradient({tint},{tint})"));
        sizes.push("100% 100%".to_string());
        positions.push("0 0".to_string());
    }
    let mut style = String::new();
    // Writing to a String cannot fail.
    let _ = write!(
        style,
        "background-image:{};background-size:{};background-position:{};padding-bottom:{}px",
        images.join(","),
        sizes.join(","),
        positions.join(","),
        (deepest_lane + 1) * LANE_SPACING_PX
    );
    style
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_layer_gets_an_underline_in_its_lane_and_a_tint() {
        let layers = [
            Layer {
                color: "#d55e00".into(),
                lane: 0,
                underline: UnderlineStyle::Solid,
            },
            Layer {
                color: "#0072b2".into(),
                lane: 1,
                underline: UnderlineStyle::Dashed,
            },
        ];
        let style = mark_style(&layers);
        assert!(
            style.contains("linear-gradient(#d55e00,#d55e00)"),
            "{style}"
        );
        assert!(
            style.contains("repeating-linear-gradient(90deg,#0072b2 0 6px"),
            "{style}"
        );
        assert!(
            style.contains("0 calc(100% - 0px),0 calc(100% - 4px),0 0,0 0"),
            "{style}"
        );
        assert!(style.ends_with("padding-bottom:8px"), "{style}");
        assert_eq!(
            style.matches("linear-gradient(color-mix").count(),
            2,
            "one tint per layer"
        );
    }
}
