//! How a run of text covered by annotations looks: one underline per covering annotation,
//! each in the annotation's lane so that overlapping and nested spans stay readable, and each
//! tag with its own underline pattern so that tags can be told apart without colour. Only
//! the outermost annotation tints the run; a run covered by more than one is outlined in the
//! innermost one's colour instead of blending tints, so the text keeps its contrast.
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
    // One tint only, the outermost annotation's: tints laid over each other blend into a
    // muddy colour the text loses its contrast against.
    if let Some(outer) = layers.first() {
        let tint = format!(
            "color-mix(in srgb,{} var(--ann-tint,16%),transparent)",
            outer.color
        );
        images.push(format!("linear-gradient({tint},{tint})"));
        sizes.push("100% 100%".to_string());
        positions.push("0 0".to_string());
    }
    // A run inside another annotation is outlined in the innermost annotation's colour.
    let ring = match layers {
        [_, .., inner] => format!(";box-shadow:inset 0 0 0 1.5px {}", inner.color),
        _ => String::new(),
    };
    let mut style = String::new();
    // Writing to a String cannot fail.
    let _ = write!(
        style,
        "background-image:{};background-size:{};background-position:{};padding-bottom:{}px{ring}",
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
            style.contains("0 calc(100% - 0px),0 calc(100% - 4px),0 0"),
            "{style}"
        );
        assert!(style.contains("padding-bottom:8px"), "{style}");
        assert_eq!(
            style.matches("linear-gradient(color-mix").count(),
            1,
            "one tint, the outer annotation's, so nested colours never blend"
        );
        assert!(
            style.contains("color-mix(in srgb,#d55e00 "),
            "the outer tint: {style}"
        );
        assert!(
            style.ends_with("box-shadow:inset 0 0 0 1.5px #0072b2"),
            "the inner run is outlined in the inner colour: {style}"
        );
        let single = mark_style(&layers[..1]);
        assert!(!single.contains("box-shadow"), "{single}");
    }
}
