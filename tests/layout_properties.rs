//! The incremental layout (`domain/layout.rs`) against the whole segmentation: after any
//! sequence of random edits (add, insert, delete, move, retag, orphan), every paragraph and
//! every lane equals what `segment` gives from scratch, and a paragraph that was not
//! segmented again shows exactly what it showed before. On a long article an edit segments
//! only the paragraphs it covers, wherever it is in the text.

#[path = "support/synthetic.rs"]
mod synthetic;

use annotator::domain::annotation::{AnchorStatus, Annotation, AnnotationId};
use annotator::domain::layout::{ArticleLayout, Touched};
use annotator::domain::segment::{Paragraph, segment};
use annotator::domain::tag::TagId;
use annotator::domain::text::{Text, TextRange};
use proptest::prelude::*;

fn text_strategy() -> impl Strategy<Value = String> {
    let alphabet = prop::sample::select(vec!['a', 'b', ' ', '\n', '\r', '\u{2029}', 'é', '🦀']);
    prop::collection::vec(alphabet, 1..80).prop_map(|chars| chars.into_iter().collect())
}

#[derive(Clone, Debug)]
enum Edit {
    Push(usize, usize, u8),
    Insert(usize, usize, usize, u8),
    Remove(usize),
    Move(usize, usize, usize),
    Retag(usize, u8),
    Orphan(usize),
}

fn edit_strategy() -> impl Strategy<Value = Edit> {
    let n = 0usize..200;
    prop_oneof![
        (n.clone(), n.clone(), 0u8..3).prop_map(|(a, b, t)| Edit::Push(a, b, t)),
        (n.clone(), n.clone(), n.clone(), 0u8..3).prop_map(|(i, a, b, t)| Edit::Insert(i, a, b, t)),
        n.clone().prop_map(Edit::Remove),
        n.clone().prop_map(Edit::Remove),
        (n.clone(), n.clone(), n.clone()).prop_map(|(i, a, b)| Edit::Move(i, a, b)),
        (n.clone(), 0u8..3).prop_map(|(i, t)| Edit::Retag(i, t)),
        n.prop_map(Edit::Orphan),
    ]
}

const TAGS: [&str; 3] = ["claim", "source", "entity"];

fn make(text: &Text, serial: &mut usize, a: usize, b: usize, tag: u8) -> Annotation {
    let len = text.len();
    let (start, end) = (a % (len + 1), b % (len + 1));
    let range = TextRange::from_code_points(start.min(end), start.max(end)).unwrap();
    *serial += 1;
    Annotation::new(
        AnnotationId(format!("a{serial:03}")),
        TagId(TAGS[usize::from(tag) % 3].to_string()),
        text,
        range,
        "t",
    )
    .unwrap()
}

fn apply(text: &Text, annotations: &mut Vec<Annotation>, serial: &mut usize, edit: &Edit) {
    let count = annotations.len();
    match edit {
        Edit::Push(a, b, t) => annotations.push(make(text, serial, *a, *b, *t)),
        Edit::Insert(i, a, b, t) => {
            let made = make(text, serial, *a, *b, *t);
            annotations.insert(i % (count + 1), made);
        }
        Edit::Remove(i) if count > 0 => {
            annotations.remove(i % count);
        }
        Edit::Move(i, a, b) if count > 0 => {
            let len = text.len();
            let (start, end) = (a % (len + 1), b % (len + 1));
            annotations[i % count].range =
                TextRange::from_code_points(start.min(end), start.max(end)).unwrap();
        }
        Edit::Retag(i, t) if count > 0 => {
            annotations[i % count].tag = TagId(TAGS[usize::from(*t) % 3].to_string());
        }
        Edit::Orphan(i) if count > 0 => annotations[i % count].anchor = AnchorStatus::Orphaned,
        _ => {}
    }
}

/// A run's range with the (id, tag, lane) of each annotation covering it.
type ShownRun = (TextRange, Vec<(String, String, Option<usize>)>);

/// What a paragraph shows, independent of annotation indices: each run's range with the
/// ids, tags and lanes covering it.
fn shown(
    paragraph: &Paragraph,
    annotations: &[Annotation],
    layout_lanes: &annotator::domain::segment::Lanes,
) -> Vec<ShownRun> {
    paragraph
        .runs
        .iter()
        .map(|run| {
            let covering = run
                .annotations
                .iter()
                .map(|&i| {
                    let a = &annotations[i];
                    (a.id.0.clone(), a.tag.0.clone(), layout_lanes.lane(i))
                })
                .collect();
            (run.range, covering)
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn incremental_equals_whole_after_random_edits(
        content in text_strategy(),
        initial in prop::collection::vec((0usize..200, 0usize..200, 0u8..3), 0..10),
        edits in prop::collection::vec(edit_strategy(), 1..60),
    ) {
        let text = Text::new(content);
        let mut serial = 0;
        let mut annotations: Vec<Annotation> = initial
            .iter()
            .map(|(a, b, t)| make(&text, &mut serial, *a, *b, *t))
            .collect();
        let mut layout = ArticleLayout::new(&text, &annotations);
        for edit in &edits {
            let before: Vec<_> = (0..layout.paragraph_count())
                .map(|i| shown(&layout.paragraph(i).unwrap(), &annotations, layout.lanes()))
                .collect();
            apply(&text, &mut annotations, &mut serial, edit);
            let (next, touched) = layout.update(&text, &annotations);
            layout = next;
            let whole = segment(&text, &annotations);
            prop_assert_eq!(layout.lanes(), &whole.lanes);
            prop_assert_eq!(layout.paragraph_count(), whole.paragraphs.len());
            for (index, expected) in whole.paragraphs.iter().enumerate() {
                let got = layout.paragraph(index).unwrap();
                prop_assert_eq!(got.as_ref(), expected, "paragraph {} after {:?}", index, edit);
                if !touched.contains(index) {
                    prop_assert_eq!(
                        &shown(expected, &annotations, &whole.lanes),
                        &before[index],
                        "paragraph {} changed but was not segmented again after {:?}", index, edit
                    );
                }
            }
        }
    }
}

/// An add, its undo, a delete and its undo at 2%, 50% and 98% of a 100 KB article with 1,000
/// annotations segment one or two paragraphs, never the rest of the article.
#[test]
fn an_edit_anywhere_segments_only_its_paragraphs() {
    let document = synthetic::news_document(100_000, 1_000, 42);
    let text = &document.text;
    let mut annotations = document.annotations.clone();
    let mut layout = ArticleLayout::new(text, &annotations);
    let paragraphs = layout.paragraph_count();
    assert!(paragraphs > 200, "{paragraphs} paragraphs");
    let count = |touched: &Touched| match touched {
        Touched::All => usize::MAX,
        Touched::Some(list) => list.len(),
    };
    for percent in [2, 50, 98] {
        let at = text.len() * percent / 100;
        let range = TextRange::from_code_points(at, at + 5).unwrap();
        let added = Annotation::new(
            AnnotationId(format!("new-{percent}")),
            TagId("claim".into()),
            text,
            range,
            "t",
        )
        .unwrap();
        annotations.push(added);
        let (next, touched) = layout.update(text, &annotations);
        assert!(count(&touched) <= 2, "add at {percent}%: {touched:?}");
        layout = next;
        annotations.pop();
        let (next, touched) = layout.update(text, &annotations);
        assert!(count(&touched) <= 2, "undo add at {percent}%: {touched:?}");
        layout = next;
        // Delete the annotation nearest that point (it shifts every later index).
        let victim = (0..annotations.len())
            .min_by_key(|&i| annotations[i].start().0.abs_diff(at))
            .unwrap();
        let removed = annotations.remove(victim);
        let (next, touched) = layout.update(text, &annotations);
        assert!(count(&touched) <= 3, "delete at {percent}%: {touched:?}");
        layout = next;
        annotations.insert(victim, removed);
        let (next, touched) = layout.update(text, &annotations);
        assert!(
            count(&touched) <= 3,
            "undo delete at {percent}%: {touched:?}"
        );
        layout = next;
    }
    // More deletions than the layout keeps shifts for: the stale paragraphs are rewritten.
    for step in 0..(annotator::domain::layout::MAX_SHIFTS + 8) {
        annotations.remove(step * 7 % annotations.len());
        let (next, touched) = layout.update(text, &annotations);
        assert!(count(&touched) <= 3, "delete {step}: {touched:?}");
        layout = next;
    }
    let whole = segment(text, &annotations);
    assert_eq!(layout.lanes(), &whole.lanes);
    for (index, expected) in whole.paragraphs.iter().enumerate() {
        assert_eq!(layout.paragraph(index).unwrap().as_ref(), expected);
    }
}
