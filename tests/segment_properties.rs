//! Properties of the rendering segmentation on random texts and random overlapping
//! annotations: the runs are a faithful, lossless view of the text and annotations.

use annotator::domain::annotation::{Annotation, AnnotationId};
use annotator::domain::segment::{
    paragraph_ranges, paragraphs_touching, segment, segment_paragraph,
};
use annotator::domain::tag::TagId;
use annotator::domain::text::{Text, TextRange};
use proptest::prelude::*;

/// Characters that stress the paragraph and offset logic.
fn text_strategy() -> impl Strategy<Value = String> {
    let alphabet = prop::sample::select(vec![
        'a', 'b', ' ', '\n', '\r', '\u{2028}', '\u{2029}', 'é', '\u{0301}', '🦀', '\u{00A0}', '…',
        '€',
    ]);
    prop::collection::vec(alphabet, 0..60).prop_map(|chars| chars.into_iter().collect())
}

/// Paragraph starts the slow, obvious way: where a non-break follows a line break.
fn reference_paragraphs(content: &str) -> Vec<(usize, usize)> {
    let chars: Vec<char> = content.chars().collect();
    let is_break = |c: char| matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}');
    let mut paragraphs = Vec::new();
    let mut start = 0;
    for position in 1..chars.len() {
        if is_break(chars[position - 1]) && !is_break(chars[position]) {
            paragraphs.push((start, position));
            start = position;
        }
    }
    if start < chars.len() {
        paragraphs.push((start, chars.len()));
    }
    paragraphs
}

/// A text and up to 12 annotations (start, end) inside it, some of them empty.
fn case_strategy() -> impl Strategy<Value = (String, Vec<(usize, usize)>)> {
    text_strategy().prop_flat_map(|content| {
        let len = content.chars().count();
        let span = (0..=len, 0..=len).prop_map(|(a, b)| (a.min(b), a.max(b)));
        (Just(content), prop::collection::vec(span, 0..12))
    })
}

fn build(content: &str, spans: &[(usize, usize)]) -> (Text, Vec<Annotation>) {
    let text = Text::new(content);
    let annotations = spans
        .iter()
        .enumerate()
        .map(|(number, (start, end))| {
            let range = TextRange::from_code_points(*start, *end).unwrap();
            let id = AnnotationId(format!("a{number}"));
            Annotation::new(id, TagId("claim".to_string()), &text, range, "t").unwrap()
        })
        .collect();
    (text, annotations)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn paragraphs_end_after_each_run_of_line_breaks(content in text_strategy()) {
        let paragraphs: Vec<(usize, usize)> = paragraph_ranges(&Text::new(content.clone()))
            .iter()
            .map(|p| (p.start().0, p.end().0))
            .collect();
        prop_assert_eq!(paragraphs, reference_paragraphs(&content));
    }

    #[test]
    fn runs_cover_the_text_exactly_and_in_order((content, spans) in case_strategy()) {
        let (text, annotations) = build(&content, &spans);
        let segmentation = segment(&text, &annotations);
        let mut position = 0;
        let mut rebuilt = String::new();
        for paragraph in &segmentation.paragraphs {
            prop_assert_eq!(paragraph.range.start().0, position);
            let mut previous_set: Option<&Vec<usize>> = None;
            for run in &paragraph.runs {
                prop_assert!(!run.range.is_empty());
                prop_assert_eq!(run.range.start().0, position);
                prop_assert_ne!(previous_set, Some(&run.annotations), "unmerged neighbours");
                previous_set = Some(&run.annotations);
                position = run.range.end().0;
                rebuilt.push_str(text.slice(run.range).unwrap());
            }
            prop_assert_eq!(paragraph.range.end().0, position);
        }
        prop_assert_eq!(rebuilt, content);
    }

    #[test]
    fn every_annotation_reads_back_as_its_quote((content, spans) in case_strategy()) {
        let (text, annotations) = build(&content, &spans);
        let segmentation = segment(&text, &annotations);
        let runs: Vec<_> = segmentation.paragraphs.iter().flat_map(|p| &p.runs).collect();
        for (index, annotation) in annotations.iter().enumerate() {
            let read_back: String = runs
                .iter()
                .filter(|run| run.annotations.contains(&index))
                .map(|run| text.slice(run.range).unwrap())
                .collect();
            prop_assert_eq!(&read_back, &annotation.quote);
        }
    }

    #[test]
    fn runs_list_exactly_their_covering_annotations_in_reading_order(
        (content, spans) in case_strategy()
    ) {
        let (text, annotations) = build(&content, &spans);
        let mut in_order: Vec<(usize, &Annotation)> =
            annotations.iter().enumerate().filter(|(_, a)| !a.range.is_empty()).collect();
        in_order.sort_by(|(_, a), (_, b)| {
            a.start().cmp(&b.start()).then(b.end().cmp(&a.end())).then(a.id.cmp(&b.id))
        });
        for paragraph in segment(&text, &annotations).paragraphs {
            for run in paragraph.runs {
                let covering: Vec<usize> = in_order
                    .iter()
                    .filter(|(_, a)| a.start() <= run.range.start() && run.range.end() <= a.end())
                    .map(|(index, _)| *index)
                    .collect();
                prop_assert_eq!(run.depth(), covering.len());
                let ids: Vec<&AnnotationId> = run.ids(&annotations).collect();
                let expected_ids: Vec<&AnnotationId> = covering.iter().map(|i| &annotations[*i].id).collect();
                prop_assert_eq!(ids, expected_ids);
                prop_assert_eq!(run.annotations, covering);
            }
        }
    }

    #[test]
    fn overlapping_annotations_never_share_a_lane((content, spans) in case_strategy()) {
        let (text, annotations) = build(&content, &spans);
        let lanes = segment(&text, &annotations).lanes;
        let rendered: Vec<(usize, &Annotation)> =
            annotations.iter().enumerate().filter(|(_, a)| !a.range.is_empty()).collect();
        prop_assert_eq!(lanes.by_index.len(), annotations.len());
        let mut deepest = 0;
        for (index, first) in &rendered {
            let lane = lanes.lane(*index);
            prop_assert!(lane.is_some_and(|lane| lane < lanes.max_lanes));
            for (other_index, other) in &rendered {
                if other_index != index && other.range.overlap(&first.range) > 0 {
                    prop_assert_ne!(lanes.lane(*other_index), lane);
                }
            }
            // Depth at this annotation's start: the lanes needed there.
            let depth = rendered
                .iter()
                .filter(|(_, a)| a.start() <= first.start() && first.start() < a.end())
                .count();
            deepest = deepest.max(depth);
        }
        prop_assert_eq!(lanes.max_lanes, deepest, "greedy partitioning uses the fewest lanes");
    }

    #[test]
    fn one_paragraph_alone_renders_as_in_the_whole((content, spans) in case_strategy()) {
        let (text, annotations) = build(&content, &spans);
        let whole = segment(&text, &annotations);
        let paragraphs = paragraph_ranges(&text);
        prop_assert_eq!(paragraphs.len(), whole.paragraphs.len());
        for annotation in annotations.iter().filter(|a| !a.range.is_empty()) {
            let touched: Vec<usize> = paragraphs_touching(&paragraphs, annotation.range).collect();
            let overlapping: Vec<usize> = (0..paragraphs.len())
                .filter(|i| paragraphs[*i].overlap(&annotation.range) > 0)
                .collect();
            prop_assert_eq!(touched, overlapping);
        }
        for (index, paragraph) in paragraphs.iter().enumerate() {
            let alone = segment_paragraph(&text, *paragraph, &annotations);
            prop_assert_eq!(&alone, &whole.paragraphs[index]);
        }
    }
}
