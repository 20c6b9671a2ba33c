//! The shared Unicode torture set (`../shared/fixtures/unicode/unicode_cases.json`): every
//! conversion between code points, UTF-16 and bytes gives the generator's numbers, slicing
//! gives the quote, selections snap outward over split clusters, invalid ranges are rejected
//! (never clamped), and segmentation renders every case losslessly.

use annotator::domain::annotation::{Annotation, AnnotationId};
use annotator::domain::segment::segment;
use annotator::domain::selection::{SelectionOptions, range_from_selection, snap_to_graphemes};
use annotator::domain::tag::TagId;
use annotator::domain::text::{
    ByteOffset, CodePointOffset, OffsetError, Text, TextRange, Utf16Offset,
};
use serde::Deserialize;
use std::collections::BTreeSet;
use unicode_segmentation::UnicodeSegmentation;

const FIXTURE: &str = "../shared/fixtures/unicode/unicode_cases.json";

#[derive(Deserialize)]
struct Fixture {
    cases: Vec<Case>,
    invalid_ranges: Vec<InvalidRange>,
}

#[derive(Deserialize)]
struct Case {
    id: String,
    text: String,
    annotations: Vec<FixtureAnnotation>,
}

#[derive(Deserialize)]
struct FixtureAnnotation {
    label: String,
    quote: String,
    code_points: Span,
    utf16: Span,
    utf8_bytes: Span,
    on_grapheme_boundaries: bool,
}

#[derive(Deserialize, Clone, Copy)]
struct Span {
    start: usize,
    end: usize,
}

#[derive(Deserialize)]
struct InvalidRange {
    text: String,
    unit: String,
    start: usize,
    end: usize,
}

fn fixture() -> Fixture {
    let json =
        std::fs::read_to_string(FIXTURE).unwrap_or_else(|e| panic!("cannot read {FIXTURE}: {e}"));
    serde_json::from_str(&json).unwrap_or_else(|e| panic!("cannot parse {FIXTURE}: {e}"))
}

fn code_point_range(span: Span) -> TextRange {
    TextRange::from_code_points(span.start, span.end).unwrap()
}

fn grapheme_boundaries(text: &Text) -> BTreeSet<usize> {
    let content = text.as_str();
    let mut boundaries: BTreeSet<usize> = content
        .grapheme_indices(true)
        .map(|(byte, _)| text.index().from_byte(ByteOffset(byte)).unwrap().0)
        .collect();
    boundaries.insert(text.len());
    boundaries
}

#[test]
fn the_fixture_is_not_empty() {
    let fixture = fixture();
    let annotations: usize = fixture.cases.iter().map(|c| c.annotations.len()).sum();
    assert!(
        fixture.cases.len() >= 20 && annotations >= 50,
        "fixture shrank: {annotations}"
    );
    assert!(fixture.invalid_ranges.len() >= 4);
}

#[test]
fn conversions_give_the_listed_numbers_and_slices_give_the_quote() {
    for case in fixture().cases {
        let text = Text::new(case.text.clone());
        let index = text.index();
        for annotation in &case.annotations {
            let name = format!("{} / {:?}", case.id, annotation.quote);
            let range = code_point_range(annotation.code_points);
            let (start, end) = (range.start(), range.end());
            assert_eq!(
                index.to_utf16(start).unwrap().0,
                annotation.utf16.start,
                "{name}"
            );
            assert_eq!(
                index.to_utf16(end).unwrap().0,
                annotation.utf16.end,
                "{name}"
            );
            assert_eq!(
                index.to_byte(start).unwrap().0,
                annotation.utf8_bytes.start,
                "{name}"
            );
            assert_eq!(
                index.to_byte(end).unwrap().0,
                annotation.utf8_bytes.end,
                "{name}"
            );
            let from_utf16 = index
                .range_from_utf16(
                    Utf16Offset(annotation.utf16.start),
                    Utf16Offset(annotation.utf16.end),
                )
                .unwrap();
            let from_bytes = index
                .range_from_bytes(
                    ByteOffset(annotation.utf8_bytes.start),
                    ByteOffset(annotation.utf8_bytes.end),
                )
                .unwrap();
            assert_eq!(from_utf16, range, "{name}");
            assert_eq!(from_bytes, range, "{name}");
            assert_eq!(text.slice(range).unwrap(), annotation.quote, "{name}");
        }
    }
}

#[test]
fn grapheme_snapping_moves_split_clusters_outward_and_keeps_whole_ones() {
    let mut split_clusters = 0;
    for case in fixture().cases {
        let text = Text::new(case.text.clone());
        let boundaries = grapheme_boundaries(&text);
        for annotation in &case.annotations {
            let name = format!("{} / {:?}", case.id, annotation.quote);
            let range = code_point_range(annotation.code_points);
            let snapped = snap_to_graphemes(&text, range).unwrap();
            assert!(
                boundaries.contains(&snapped.start().0),
                "{name}: start {snapped:?}"
            );
            assert!(
                boundaries.contains(&snapped.end().0),
                "{name}: end {snapped:?}"
            );
            assert!(
                snapped.start() <= range.start() && range.end() <= snapped.end(),
                "{name}"
            );
            assert!(
                text.slice(snapped)
                    .unwrap()
                    .contains(annotation.quote.as_str()),
                "{name}"
            );
            if annotation.on_grapheme_boundaries {
                assert_eq!(snapped, range, "{name}: a whole cluster must not move");
            } else {
                split_clusters += 1;
                assert_ne!(snapped, range, "{name}: a split cluster must be widened");
            }
        }
    }
    assert!(split_clusters >= 5, "the fixture should hold the BAD spans");
}

#[test]
fn a_dom_selection_of_each_quote_becomes_its_code_points() {
    for case in fixture().cases {
        let text = Text::new(case.text.clone());
        for annotation in case.annotations.iter().filter(|a| !a.quote.is_empty()) {
            let name = format!("{} / {:?}", case.id, annotation.quote);
            let (anchor, focus) = (
                Utf16Offset(annotation.utf16.end),
                Utf16Offset(annotation.utf16.start),
            );
            let chosen =
                range_from_selection(&text, anchor, focus, SelectionOptions::exact()).unwrap();
            let quote_is_tidy = annotation.quote.trim() == annotation.quote;
            if annotation.on_grapheme_boundaries && quote_is_tidy {
                assert_eq!(chosen, code_point_range(annotation.code_points), "{name}");
            } else {
                assert!(
                    text.slice(chosen)
                        .unwrap()
                        .contains(annotation.quote.trim()),
                    "{name}"
                );
            }
        }
    }
}

#[test]
fn invalid_ranges_are_rejected_not_clamped() {
    for invalid in fixture().invalid_ranges {
        let text = Text::new(invalid.text.clone());
        let name = format!(
            "{} {}..{} in {:?}",
            invalid.unit, invalid.start, invalid.end, invalid.text
        );
        let (start, end) = (invalid.start, invalid.end);
        let result = match invalid.unit.as_str() {
            "utf16" => text
                .index()
                .range_from_utf16(Utf16Offset(start), Utf16Offset(end)),
            "utf8_bytes" => text
                .index()
                .range_from_bytes(ByteOffset(start), ByteOffset(end)),
            "code_points" => {
                TextRange::new(CodePointOffset(start), CodePointOffset(end)).and_then(|range| {
                    text.check_range(range)?;
                    Ok(range)
                })
            }
            other => panic!("unknown unit {other} in {name}"),
        };
        let expected = match invalid.unit.as_str() {
            "utf16" => OffsetError::InsideSurrogatePair { offset: start },
            "utf8_bytes" => OffsetError::InsideUtf8Sequence { offset: start },
            _ if start > end => OffsetError::StartAfterEnd { start, end },
            _ => OffsetError::PastEnd {
                offset: end,
                len: text.len(),
            },
        };
        assert_eq!(result, Err(expected), "{name}");
    }
}

#[test]
fn every_case_segments_losslessly() {
    for case in fixture().cases {
        let text = Text::new(case.text.clone());
        let annotations: Vec<Annotation> = case
            .annotations
            .iter()
            .enumerate()
            .map(|(number, a)| {
                let id = AnnotationId(format!("{}-{number}", case.id));
                let tag = TagId(a.label.clone());
                Annotation::new(id, tag, &text, code_point_range(a.code_points), "t").unwrap()
            })
            .collect();
        let segmentation = segment(&text, &annotations);
        let runs: Vec<_> = segmentation
            .paragraphs
            .iter()
            .flat_map(|p| &p.runs)
            .collect();
        let rebuilt: String = runs
            .iter()
            .map(|run| text.slice(run.range).unwrap())
            .collect();
        assert_eq!(rebuilt, case.text, "{}", case.id);
        for (index, annotation) in annotations.iter().enumerate() {
            let read_back: String = runs
                .iter()
                .filter(|run| run.annotations.contains(&index))
                .map(|run| text.slice(run.range).unwrap())
                .collect();
            assert_eq!(
                read_back, annotation.quote,
                "{} / {}",
                case.id, annotation.id
            );
        }
    }
}
