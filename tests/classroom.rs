//! Classroom exercises: matching, scores, the class review, agreement, roles and links.
//! Every expected number is worked out by hand in the comment beside its case.

use annotator::domain::annotation::{AnchorStatus, Annotation, AnnotationId};
use annotator::domain::classroom::agreement::{KappaError, fleiss_kappa, pairwise_f1, word_kappa};
use annotator::domain::classroom::class::{
    Column, Direction, Metric, Submission, grades_csv, review_class, sort_rows, word_ranges,
};
use annotator::domain::classroom::exercise::{
    AttemptError, Exercise, Hint, HintAnchor, Role, disallowed_annotations, make_exercise,
    start_attempt,
};
use annotator::domain::classroom::fragment::{
    FRAGMENT_PREFIX, FragmentError, MAX_FRAGMENT_LEN, decode_fragment, encode_fragment,
};
use annotator::domain::classroom::matching::{MatchRule, intersection_over_union, match_attempt};
use annotator::domain::classroom::scores::{
    SCORING_EXPLANATION, Score, character_scores, score_matching,
};
use annotator::domain::document::{Document, DocumentId, Metadata};
use annotator::domain::tag::TagId;
use annotator::domain::text::{Text, TextRange};
use proptest::prelude::*;
use std::collections::BTreeMap;

// ---------------------------------------------------------------- helpers

fn span(id: &str, tag: &str, start: usize, end: usize) -> Annotation {
    Annotation {
        id: AnnotationId(id.to_string()),
        tag: TagId(tag.to_string()),
        range: TextRange::from_code_points(start, end).unwrap(),
        quote: String::new(),
        prefix: String::new(),
        suffix: String::new(),
        note: String::new(),
        attributes: BTreeMap::new(),
        creator: String::new(),
        created: String::new(),
        modified: String::new(),
        anchor: AnchorStatus::Exact,
    }
}

/// `(tag, start, end)` triples into annotations with ids `p0, p1…` (prefix `p`).
fn spans(prefix: &str, triples: &[(&str, usize, usize)]) -> Vec<Annotation> {
    triples
        .iter()
        .enumerate()
        .map(|(i, &(tag, start, end))| span(&format!("{prefix}{i}"), tag, start, end))
        .collect()
}

fn close(actual: f64, expected: f64) -> bool {
    (actual - expected).abs() < 1e-9
}

fn assert_score(name: &str, what: &str, score: &Score, p: f64, r: f64, f1: f64) {
    assert!(
        close(score.precision, p) && close(score.recall, r) && close(score.f1, f1),
        "{name} {what}: expected P={p} R={r} F1={f1}, got {score:?}"
    );
}

// ---------------------------------------------------------------- matching and span scores

struct Case {
    name: &'static str,
    key: &'static [(&'static str, usize, usize)],
    attempt: &'static [(&'static str, usize, usize)],
    rule: MatchRule,
    /// (hits, misses, extras) overall.
    counts: (usize, usize, usize),
    /// (precision, recall, f1) overall.
    overall: (f64, f64, f64),
}

fn check(case: &Case) {
    let key = spans("k", case.key);
    let attempt = spans("a", case.attempt);
    let matching = match_attempt(&key, &attempt, case.rule);
    let card = score_matching(&matching);
    let counts = card.overall.counts;
    assert_eq!(
        (counts.hits, counts.misses, counts.extras),
        case.counts,
        "{}: counts",
        case.name
    );
    let (p, r, f1) = case.overall;
    assert_score(case.name, "overall", &card.overall, p, r, f1);
}

const TWO_THIRDS: f64 = 2.0 / 3.0;
const OVERLAP: MatchRule = MatchRule::Overlap { threshold: 0.5 };

#[test]
fn hand_worked_matching_cases() {
    let cases = [
        // Identical span: 1 hit. P = 1/1, R = 1/1, F1 = 1.
        Case {
            name: "identical",
            key: &[("claim", 0, 10)],
            attempt: &[("claim", 0, 10)],
            rule: OVERLAP,
            counts: (1, 0, 0),
            overall: (1.0, 1.0, 1.0),
        },
        // Overlap 8, union 10: IoU 0.8 ≥ 0.5, a hit. P = R = F1 = 1.
        Case {
            name: "partial overlap",
            key: &[("claim", 0, 10)],
            attempt: &[("claim", 2, 10)],
            rule: OVERLAP,
            counts: (1, 0, 0),
            overall: (1.0, 1.0, 1.0),
        },
        // Overlap 5, union 10: IoU exactly 0.5, which is enough.
        Case {
            name: "at the threshold",
            key: &[("claim", 0, 10)],
            attempt: &[("claim", 5, 10)],
            rule: OVERLAP,
            counts: (1, 0, 0),
            overall: (1.0, 1.0, 1.0),
        },
        // Overlap 4 (6..10), union 14: IoU 0.29 < 0.5. 1 miss, 1 extra: P = 0/1, R = 0/1, F1 = 0.
        Case {
            name: "too little overlap",
            key: &[("claim", 0, 10)],
            attempt: &[("claim", 6, 14)],
            rule: OVERLAP,
            counts: (0, 1, 1),
            overall: (0.0, 0.0, 0.0),
        },
        // Same span, other tag: never a match. P = 0/1, R = 0/1.
        Case {
            name: "tag mismatch",
            key: &[("claim", 0, 10)],
            attempt: &[("source", 0, 10)],
            rule: OVERLAP,
            counts: (0, 1, 1),
            overall: (0.0, 0.0, 0.0),
        },
        // An entity nested in a claim, both found, plus one extra entity:
        // hits 2, extras 1. P = 2/3, R = 2/2, F1 = 2·(2/3)·1/(2/3+1) = 0.8.
        Case {
            name: "nested spans of two tags",
            key: &[("claim", 0, 20), ("entity", 5, 10)],
            attempt: &[("claim", 0, 20), ("entity", 5, 10), ("entity", 12, 15)],
            rule: OVERLAP,
            counts: (2, 0, 1),
            overall: (TWO_THIRDS, 1.0, 0.8),
        },
        // Nested claims: pairs 0..40/0..40 IoU 1, 10..20/12..20 IoU 0.8; the cross pairs
        // (8/40 = 0.2, 10/40 = 0.25) are below the threshold anyway. 2 hits: all 1.
        Case {
            name: "nested spans of one tag",
            key: &[("claim", 0, 40), ("claim", 10, 20)],
            attempt: &[("claim", 0, 40), ("claim", 12, 20)],
            rule: OVERLAP,
            counts: (2, 0, 0),
            overall: (1.0, 1.0, 1.0),
        },
        // One long student span over two key spans: IoU 10/20 = 0.5 with each, but it can find
        // only one (the earlier, by the tie rule). P = 1/1, R = 1/2, F1 = 2/3.
        Case {
            name: "one span cannot find two",
            key: &[("claim", 0, 10), ("claim", 10, 20)],
            attempt: &[("claim", 0, 20)],
            rule: OVERLAP,
            counts: (1, 1, 0),
            overall: (1.0, 0.5, TWO_THIRDS),
        },
        // The same span marked twice: 1 hit, 1 extra. P = 1/2, R = 1/1, F1 = 2/3.
        Case {
            name: "duplicate in attempt",
            key: &[("claim", 0, 10)],
            attempt: &[("claim", 0, 10), ("claim", 0, 10)],
            rule: OVERLAP,
            counts: (1, 0, 1),
            overall: (0.5, 1.0, TWO_THIRDS),
        },
        // Best overlap first: 0..9 (IoU 0.9) wins over 0..6 (IoU 0.6) though listed later.
        // P = 1/2, R = 1, F1 = 2/3.
        Case {
            name: "best overlap first",
            key: &[("claim", 0, 10)],
            attempt: &[("claim", 0, 6), ("claim", 0, 9)],
            rule: OVERLAP,
            counts: (1, 0, 1),
            overall: (0.5, 1.0, TWO_THIRDS),
        },
        // Nothing to find, nothing marked: P = R = F1 = 1 by convention.
        Case {
            name: "empty key and empty attempt",
            key: &[],
            attempt: &[],
            rule: OVERLAP,
            counts: (0, 0, 0),
            overall: (1.0, 1.0, 1.0),
        },
        // Marked something where the key has nothing: all 0.
        Case {
            name: "empty key",
            key: &[],
            attempt: &[("claim", 0, 10)],
            rule: OVERLAP,
            counts: (0, 0, 1),
            overall: (0.0, 0.0, 0.0),
        },
        // Marked nothing where the key has something: all 0.
        Case {
            name: "empty attempt",
            key: &[("claim", 0, 10)],
            attempt: &[],
            rule: OVERLAP,
            counts: (0, 1, 0),
            overall: (0.0, 0.0, 0.0),
        },
        // Strict: 0..10 is identical, 20..29 is not (IoU 0.9 would do otherwise).
        // 1 hit, 1 miss, 1 extra: P = R = F1 = 1/2.
        Case {
            name: "strict mode",
            key: &[("claim", 0, 10), ("claim", 20, 30)],
            attempt: &[("claim", 0, 10), ("claim", 20, 29)],
            rule: MatchRule::Strict,
            counts: (1, 1, 1),
            overall: (0.5, 0.5, 0.5),
        },
        // The same spans with the overlap rule: 2 hits.
        Case {
            name: "overlap mode on the strict case",
            key: &[("claim", 0, 10), ("claim", 20, 30)],
            attempt: &[("claim", 0, 10), ("claim", 20, 29)],
            rule: OVERLAP,
            counts: (2, 0, 0),
            overall: (1.0, 1.0, 1.0),
        },
        // A stricter threshold: 2..10 has IoU 0.8 < 0.9. 0 hits: all 0.
        Case {
            name: "threshold 0.9",
            key: &[("claim", 0, 10)],
            attempt: &[("claim", 2, 10)],
            rule: MatchRule::overlap(0.9),
            counts: (0, 1, 1),
            overall: (0.0, 0.0, 0.0),
        },
        // Micro average over tags: claim 1 hit 1 miss, source 1 hit 1 extra.
        // Overall hits 2, misses 1, extras 1: P = 2/3, R = 2/3, F1 = 2/3.
        Case {
            name: "micro average",
            key: &[("claim", 0, 10), ("claim", 20, 30), ("source", 40, 50)],
            attempt: &[("claim", 0, 10), ("source", 40, 50), ("source", 60, 70)],
            rule: OVERLAP,
            counts: (2, 1, 1),
            overall: (TWO_THIRDS, TWO_THIRDS, TWO_THIRDS),
        },
    ];
    for case in &cases {
        check(case);
    }
}

#[test]
fn per_tag_scores_follow_the_empty_set_convention() {
    // claim: key 1, attempt 0 → P = 0 (attempt empty, key not), R = 0/1.
    // source: key 0, attempt 1 → P = 0/1, R = 0 (key empty, attempt not).
    // entity: in neither → P = R = F1 = 1.
    let key = spans("k", &[("claim", 0, 10)]);
    let attempt = spans("a", &[("source", 0, 10)]);
    let card = score_matching(&match_attempt(&key, &attempt, MatchRule::default()));
    assert_score(
        "tag mismatch",
        "claim",
        &card.tag(&TagId("claim".into())),
        0.0,
        0.0,
        0.0,
    );
    assert_score(
        "tag mismatch",
        "source",
        &card.tag(&TagId("source".into())),
        0.0,
        0.0,
        0.0,
    );
    assert_score(
        "tag mismatch",
        "entity",
        &card.tag(&TagId("entity".into())),
        1.0,
        1.0,
        1.0,
    );

    // The micro case per tag: claim P = 1/1, R = 1/2, F1 = 2/3; source P = 1/2, R = 1/1, F1 = 2/3.
    let key = spans(
        "k",
        &[("claim", 0, 10), ("claim", 20, 30), ("source", 40, 50)],
    );
    let attempt = spans(
        "a",
        &[("claim", 0, 10), ("source", 40, 50), ("source", 60, 70)],
    );
    let card = score_matching(&match_attempt(&key, &attempt, MatchRule::default()));
    assert_score(
        "micro",
        "claim",
        &card.tag(&TagId("claim".into())),
        1.0,
        0.5,
        TWO_THIRDS,
    );
    assert_score(
        "micro",
        "source",
        &card.tag(&TagId("source".into())),
        0.5,
        1.0,
        TWO_THIRDS,
    );
}

#[test]
fn orphans_and_empty_spans_are_left_out_and_counted() {
    let key = spans("k", &[("claim", 0, 10)]);
    let mut attempt = spans("a", &[("claim", 0, 10), ("claim", 3, 3)]);
    attempt[0].anchor = AnchorStatus::Orphaned;
    let matching = match_attempt(&key, &attempt, MatchRule::default());
    assert!(matching.hits.is_empty());
    assert_eq!(matching.ignored_in_attempt.orphaned, 1);
    assert_eq!(matching.ignored_in_attempt.empty, 1);
    assert!(matching.extras.is_empty());
    assert_eq!(matching.misses.len(), 1);
}

#[test]
fn iou_and_threshold_clamping() {
    let range = |s, e| TextRange::from_code_points(s, e).unwrap();
    assert!(close(
        intersection_over_union(range(0, 10), range(5, 15)),
        5.0 / 15.0
    ));
    assert!(close(
        intersection_over_union(range(0, 10), range(10, 20)),
        0.0
    ));
    assert!(close(
        intersection_over_union(range(4, 4), range(4, 4)),
        1.0
    ));
    assert_eq!(
        MatchRule::overlap(f64::NAN),
        MatchRule::Overlap { threshold: 0.5 }
    );
    assert_eq!(
        MatchRule::overlap(7.0),
        MatchRule::Overlap { threshold: 1.0 }
    );
    // A threshold of 0 is clamped above 0: touching spans still do not match.
    let key = spans("k", &[("claim", 0, 10)]);
    let attempt = spans("a", &[("claim", 10, 20)]);
    assert!(
        match_attempt(&key, &attempt, MatchRule::overlap(0.0))
            .hits
            .is_empty()
    );
    assert!(
        match_attempt(&key, &attempt, MatchRule::Overlap { threshold: 0.0 })
            .hits
            .is_empty()
    );
}

#[test]
fn character_level_scores() {
    // Key claim 0..10, attempt claim 5..15 and 8..12 (covering 5..15 once):
    // shared 5..10 = 5, key only 0..5 = 5, attempt only 10..15 = 5. P = R = F1 = 1/2.
    // Entity: key 20..24, attempt none: P = R = F1 = 0.
    // Overall: hits 5, misses 9, extras 5: P = 5/10, R = 5/14, F1 = 2·5/(2·5+9+5) = 10/24.
    let key = spans("k", &[("claim", 0, 10), ("entity", 20, 24)]);
    let attempt = spans("a", &[("claim", 5, 15), ("claim", 8, 12)]);
    let card = character_scores(&key, &attempt);
    assert_score(
        "characters",
        "claim",
        &card.tag(&TagId("claim".into())),
        0.5,
        0.5,
        0.5,
    );
    assert_score(
        "characters",
        "entity",
        &card.tag(&TagId("entity".into())),
        0.0,
        0.0,
        0.0,
    );
    assert_score(
        "characters",
        "overall",
        &card.overall,
        0.5,
        5.0 / 14.0,
        10.0 / 24.0,
    );
}

#[test]
fn the_explanation_states_the_conventions() {
    for needle in ["half", "strict", "100%", "0%", "Precision", "Recall", "F1"] {
        assert!(
            SCORING_EXPLANATION.contains(needle),
            "explanation lacks {needle:?}"
        );
    }
}

/// The obvious all-pairs version of the matching, to check the sweep against.
fn brute_force_hits(
    key: &[Annotation],
    attempt: &[Annotation],
    threshold: f64,
) -> Vec<(usize, usize)> {
    let mut candidates = Vec::new();
    for (k, key_span) in key.iter().enumerate() {
        for (a, attempt_span) in attempt.iter().enumerate() {
            let iou = intersection_over_union(key_span.range, attempt_span.range);
            if key_span.tag == attempt_span.tag
                && !key_span.range.is_empty()
                && iou > 0.0
                && iou >= threshold
            {
                candidates.push((iou, k, a));
            }
        }
    }
    candidates.sort_by(|x, y| {
        y.0.total_cmp(&x.0)
            .then((key[x.1].range, &key[x.1].id).cmp(&(key[y.1].range, &key[y.1].id)))
            .then(
                (attempt[x.2].range, &attempt[x.2].id).cmp(&(attempt[y.2].range, &attempt[y.2].id)),
            )
    });
    let (mut key_used, mut attempt_used, mut hits) =
        (vec![false; key.len()], vec![false; attempt.len()], vec![]);
    for (_, k, a) in candidates {
        if !key_used[k] && !attempt_used[a] {
            key_used[k] = true;
            attempt_used[a] = true;
            hits.push((k, a));
        }
    }
    hits
}

fn arbitrary_spans() -> impl Strategy<Value = Vec<(u8, usize, usize)>> {
    prop::collection::vec((0u8..3, 0usize..60, 0usize..15), 0..25)
}

fn to_annotations(prefix: &str, raw: &[(u8, usize, usize)]) -> Vec<Annotation> {
    let tags = ["claim", "source", "entity"];
    raw.iter()
        .enumerate()
        .map(|(i, &(tag, start, len))| {
            span(
                &format!("{prefix}{i:02}"),
                tags[tag as usize],
                start,
                start + len,
            )
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn the_sweep_finds_what_all_pairs_would(raw_key in arbitrary_spans(), raw_attempt in arbitrary_spans(), threshold in 0.05f64..1.0) {
        let key = to_annotations("k", &raw_key);
        let attempt = to_annotations("a", &raw_attempt);
        let matching = match_attempt(&key, &attempt, MatchRule::overlap(threshold));
        let found: Vec<(usize, usize)> = matching.hits.iter().map(|h| (h.key.index, h.attempt.index)).collect();
        prop_assert_eq!(found, brute_force_hits(&key, &attempt, threshold));
        let usable = |list: &[Annotation]| list.iter().filter(|a| !a.range.is_empty()).count();
        prop_assert_eq!(matching.hits.len() + matching.misses.len(), usable(&key));
        prop_assert_eq!(matching.hits.len() + matching.extras.len(), usable(&attempt));
        let score = score_matching(&matching).overall;
        for value in [score.precision, score.recall, score.f1] {
            prop_assert!((0.0..=1.0).contains(&value));
        }
    }
}

// ---------------------------------------------------------------- the class review

const SMALL_TEXT: &str = "The mayor said taxes fell. Critics disagree.";
// words:                  The(0..3) mayor(4..9) said(10..14) taxes(15..20) fell(21..25)
//                         Critics(27..34) disagree(35..43)

#[test]
fn words_are_letter_runs_in_code_points() {
    let words: Vec<(usize, usize)> = word_ranges(SMALL_TEXT)
        .iter()
        .map(|r| (r.start().0, r.end().0))
        .collect();
    assert_eq!(
        words,
        [
            (0, 3),
            (4, 9),
            (10, 14),
            (15, 20),
            (21, 25),
            (27, 34),
            (35, 43)
        ]
    );
    let astral: Vec<(usize, usize)> = word_ranges("l😃rem ipsum")
        .iter()
        .map(|r| (r.start().0, r.end().0))
        .collect();
    assert_eq!(astral, [(0, 1), (2, 5), (6, 11)]);
}

type Students = Vec<(String, String, Vec<Annotation>)>;

fn small_class() -> (Text, Vec<Annotation>, Students) {
    let text = Text::new(SMALL_TEXT);
    // Key: claim "taxes fell" (15..25), entity "mayor" (4..9).
    let key = spans("k", &[("claim", 15, 25), ("entity", 4, 9)]);
    let hash = text.sha256().to_string();
    let students = vec![
        // Ana: both found. P = R = F1 = 1.
        (
            "Ana".to_string(),
            hash.clone(),
            spans("a", &[("claim", 15, 25), ("entity", 4, 9)]),
        ),
        // Ben: claim "said taxes fell" (10..25, IoU 10/15 = 0.67, a hit) and an extra entity
        // "Critics". Hits 1, misses 1 (mayor), extras 1: P = R = F1 = 1/2.
        (
            "Ben".to_string(),
            hash.clone(),
            spans("b", &[("claim", 10, 25), ("entity", 27, 34)]),
        ),
        // Cy worked on another text: reported, not scored.
        (
            "Cy".to_string(),
            "0".repeat(64),
            spans("c", &[("claim", 15, 25)]),
        ),
    ];
    (text, key, students)
}

fn submissions(students: &Students) -> Vec<Submission<'_>> {
    students
        .iter()
        .map(|(name, hash, annotations)| Submission {
            annotator: name,
            text_sha256: hash,
            annotations,
        })
        .collect()
}

#[test]
fn class_review_scores_reports_and_counts() {
    let (text, key, students) = small_class();
    let review = review_class(&text, &key, &submissions(&students), MatchRule::default());
    let names: Vec<&str> = review.rows.iter().map(|r| r.annotator.as_str()).collect();
    assert_eq!(names, ["Ana", "Ben"]);
    assert_eq!(review.other_text.len(), 1);
    assert_eq!(review.other_text[0].annotator, "Cy");
    assert_eq!(review.other_text[0].submission, 2);
    assert_score(
        "Ana",
        "overall",
        &review.rows[0].scores.overall,
        1.0,
        1.0,
        1.0,
    );
    assert_score(
        "Ben",
        "overall",
        &review.rows[1].scores.overall,
        0.5,
        0.5,
        0.5,
    );
    assert_eq!(review.tags, [TagId("claim".into()), TagId("entity".into())]);
    // Key spans in text order: mayor (found by Ana), taxes fell (found by both).
    let found: Vec<(&str, Vec<String>)> = review
        .key_found
        .iter()
        .map(|k| (k.id.as_str(), k.found_by.clone()))
        .collect();
    assert_eq!(
        found,
        [
            ("k1", vec!["Ana".to_string()]),
            ("k0", vec!["Ana".to_string(), "Ben".to_string()])
        ]
    );
}

#[test]
fn heat_map_counts_students_per_word_and_tag() {
    let (text, key, students) = small_class();
    let review = review_class(&text, &key, &submissions(&students), MatchRule::default());
    let cells: Vec<(usize, &str, usize, bool)> = review
        .heat_map
        .cells
        .iter()
        .map(|c| (c.word.start().0, c.tag.as_str(), c.students, c.in_key))
        .collect();
    // mayor: Ana entity (key too). said: Ben claim. taxes, fell: both claim (key too).
    // Critics: Ben entity. Cy is not counted: another text.
    assert_eq!(
        cells,
        [
            (4, "entity", 1, true),
            (10, "claim", 1, false),
            (15, "claim", 2, true),
            (21, "claim", 2, true),
            (27, "entity", 1, false),
        ]
    );
    assert_eq!(review.heat_map.students, 2);
    assert_eq!(review.heat_map.words.len(), 7);
}

#[test]
fn rows_sort_by_any_column_and_ties_keep_name_order() {
    let (text, key, students) = small_class();
    let mut review = review_class(&text, &key, &submissions(&students), MatchRule::default());
    let order = |rows: &[annotator::domain::classroom::class::StudentRow]| {
        rows.iter().map(|r| r.annotator.clone()).collect::<Vec<_>>()
    };
    sort_rows(
        &mut review.rows,
        &Column::Overall(Metric::F1),
        Direction::Ascending,
    );
    assert_eq!(order(&review.rows), ["Ben", "Ana"]);
    sort_rows(
        &mut review.rows,
        &Column::Overall(Metric::Extras),
        Direction::Descending,
    );
    assert_eq!(order(&review.rows), ["Ben", "Ana"]);
    sort_rows(&mut review.rows, &Column::Annotator, Direction::Ascending);
    assert_eq!(order(&review.rows), ["Ana", "Ben"]);
    // Claim F1 is 1 for both: a tie keeps name order in both directions.
    sort_rows(
        &mut review.rows,
        &Column::Tag(TagId("claim".into()), Metric::F1),
        Direction::Descending,
    );
    assert_eq!(order(&review.rows), ["Ana", "Ben"]);
    sort_rows(
        &mut review.rows,
        &Column::Tag(TagId("entity".into()), Metric::Recall),
        Direction::Ascending,
    );
    assert_eq!(order(&review.rows), ["Ben", "Ana"]);
}

/// A minimal RFC 4180 reader, to read the grades back.
fn parse_csv(input: &str) -> Vec<Vec<String>> {
    let (mut rows, mut row, mut field) = (Vec::new(), Vec::new(), String::new());
    let mut chars = input.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => field.push(c),
        }
    }
    rows
}

#[test]
fn grades_csv_reads_back() {
    let (text, key, mut students) = small_class();
    students[0].0 = "Ana, \"the\" first".to_string();
    let review = review_class(&text, &key, &submissions(&students), MatchRule::default());
    let rows = parse_csv(&grades_csv(&review));
    assert_eq!(rows.len(), 4, "header, two scored, one other text");
    let header = &rows[0];
    assert_eq!(header.len(), 3 + 6 * 3);
    assert!(rows.iter().all(|row| row.len() == header.len()));
    let cell = |row: usize, column: &str| {
        let at = header.iter().position(|h| h == column).unwrap();
        rows[row][at].clone()
    };
    assert_eq!(cell(1, "student"), "Ana, \"the\" first");
    assert_eq!(cell(1, "overall_f1"), "100.0");
    assert_eq!(cell(2, "student"), "Ben");
    assert_eq!(cell(2, "overall_precision"), "50.0");
    assert_eq!(cell(2, "overall_hits"), "1");
    assert_eq!(cell(2, "entity_misses"), "1");
    assert_eq!(cell(2, "entity_f1"), "0.0");
    assert_eq!(cell(2, "text_sha256"), text.sha256());
    assert_eq!(cell(3, "student"), "Cy");
    assert_eq!(cell(3, "status"), "other text");
    assert_eq!(cell(3, "text_sha256"), "0".repeat(64));
    assert_eq!(cell(3, "overall_f1"), "");
}

/// A deterministic pseudo-random stream (xorshift), so the big class is the same every run.
struct Stream(u64);

impl Stream {
    fn next(&mut self, below: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % below as u64) as usize
    }
}

#[test]
fn forty_attempts_on_a_two_thousand_word_article_are_quick() {
    let mut stream = Stream(0x9e3779b97f4a7c15);
    let vocabulary = [
        "the", "council", "said", "budget", "rose", "percent", "según", "😃", "report",
    ];
    let words: Vec<&str> = (0..2000)
        .map(|_| vocabulary[stream.next(vocabulary.len())])
        .collect();
    let text = Text::new(words.join(" ") + ".");
    let length = text.len();
    let tags = ["claim", "source", "entity", "quote"];
    let key: Vec<Annotation> = (0..300)
        .map(|i| {
            let start = stream.next(length - 40);
            span(
                &format!("k{i}"),
                tags[stream.next(4)],
                start,
                start + 1 + stream.next(40),
            )
        })
        .collect();
    let students: Students = (0..40)
        .map(|s| {
            let mut annotations: Vec<Annotation> = Vec::new();
            for k in &key {
                if stream.next(10) < 8 {
                    let start = (k.start().0 + stream.next(5)).min(k.end().0);
                    let end = k.end().0 + stream.next(5);
                    annotations.push(span(&format!("s{s}-{}", k.id), k.tag.as_str(), start, end));
                }
            }
            annotations.extend((0..30).map(|i| {
                let start = stream.next(length - 40);
                span(
                    &format!("x{s}-{i}"),
                    tags[stream.next(4)],
                    start,
                    start + 1 + stream.next(30),
                )
            }));
            (
                format!("student {s:02}"),
                text.sha256().to_string(),
                annotations,
            )
        })
        .collect();
    let submissions = submissions(&students);
    // The machine may be busy: the fastest of five runs is the honest figure.
    let mut fastest = std::time::Duration::MAX;
    let mut review = Default::default();
    let mut csv = String::new();
    for _ in 0..5 {
        let started = std::time::Instant::now();
        review = review_class(&text, &key, &submissions, MatchRule::default());
        csv = grades_csv(&review);
        fastest = fastest.min(started.elapsed());
    }
    println!(
        "class review: 40 attempts × ~270 spans, key 300 spans, {} words: {fastest:?} (csv {} bytes)",
        review.heat_map.words.len(),
        csv.len()
    );
    assert_eq!(review.rows.len(), 40);
    assert_eq!(
        review.heat_map.words.len(),
        2000 - words.iter().filter(|w| **w == "😃").count()
    );
    assert!(
        review
            .rows
            .iter()
            .all(|r| r.scores.overall.counts.hits > 150)
    );
    // Generous even for an unoptimised debug build on a busy machine.
    assert!(fastest.as_secs_f64() < 2.0, "took {fastest:?}");
}

// ---------------------------------------------------------------- agreement

#[test]
fn fleiss_kappa_reproduces_the_worked_example() {
    // The worked example of Wikipedia's "Fleiss' kappa" article: 10 subjects, 14 raters,
    // 5 categories. It gives P̄ = 0.378, P̄e = 0.213 and κ = 0.210 (to three decimals).
    let table: Vec<Vec<usize>> = vec![
        vec![0, 0, 0, 0, 14],
        vec![0, 2, 6, 4, 2],
        vec![0, 0, 3, 5, 6],
        vec![0, 3, 9, 2, 0],
        vec![2, 2, 8, 1, 1],
        vec![7, 7, 0, 0, 0],
        vec![3, 2, 6, 3, 0],
        vec![2, 5, 3, 2, 2],
        vec![6, 5, 2, 1, 0],
        vec![0, 2, 2, 3, 7],
    ];
    let result = fleiss_kappa(&table).unwrap();
    assert!((result.observed - 0.378).abs() < 0.0005, "{result:?}");
    assert!((result.expected - 0.213).abs() < 0.0005, "{result:?}");
    assert!((result.kappa - 0.210).abs() < 0.0005, "{result:?}");
}

#[test]
fn fleiss_kappa_refuses_what_it_cannot_measure() {
    assert_eq!(fleiss_kappa(&[]), Err(KappaError::NoSubjects));
    assert_eq!(
        fleiss_kappa(&[vec![1, 0]]),
        Err(KappaError::TooFewRaters { raters: 1 })
    );
    assert_eq!(
        fleiss_kappa(&[vec![1, 1], vec![3, 0]]),
        Err(KappaError::UnevenRatings {
            subject: 1,
            expected: 2,
            found: 3
        })
    );
    assert_eq!(
        fleiss_kappa(&[vec![2, 0], vec![2, 0]]),
        Err(KappaError::SingleCategory)
    );
    assert!(fleiss_kappa(&[vec![usize::MAX, 1]]).is_err());
}

#[test]
fn word_kappa_on_a_hand_worked_example() {
    // Four words "aa bb cc dd"; two students. Ana tags aa and bb as claims, Ben only aa.
    // Table (none, claim): aa (0,2), bb (1,1), cc (2,0), dd (2,0).
    // P_i = (Σ n² − 2) / 2: 1, 0, 1, 1 → P̄ = 3/4.
    // p_none = 5/8, p_claim = 3/8 → P̄e = 25/64 + 9/64 = 34/64.
    // κ = (48/64 − 34/64) / (30/64) = 14/30 = 7/15.
    let text = "aa bb cc dd";
    let ana = spans("a", &[("claim", 0, 5)]);
    let ben = spans("b", &[("claim", 0, 2)]);
    let result = word_kappa(text, &[&ana, &ben]).unwrap();
    assert!(
        close(result.observed, 0.75) && close(result.expected, 34.0 / 64.0),
        "{result:?}"
    );
    assert!(close(result.kappa, 7.0 / 15.0), "{result:?}");
}

#[test]
fn word_kappa_gives_a_word_with_two_tags_to_the_larger_then_the_first() {
    // Ana: "abcd" has claim on 3 code points, entity on 1 → claim.
    //      "efgh" has claim and entity on 2 each → tie → "claim" (sorts first).
    // Ben tags both words claim. Every word (none, claim, entity) = (0, 2, 0): P̄ = 1, but
    // one category only → undefined. With Cy marking nothing the table becomes
    // (1, 2, 0) per word: P_i = (1 + 4 − 3)/6 = 1/3, p = (1/3, 2/3) → P̄e = 5/9,
    // κ = (1/3 − 5/9)/(4/9) = −1/2.
    let text = "abcd efgh";
    let ana = spans(
        "a",
        &[
            ("claim", 0, 3),
            ("entity", 3, 4),
            ("entity", 5, 7),
            ("claim", 7, 9),
        ],
    );
    let ben = spans("b", &[("claim", 0, 9)]);
    let cy: Vec<Annotation> = Vec::new();
    assert_eq!(
        word_kappa(text, &[&ana, &ben]),
        Err(KappaError::SingleCategory)
    );
    let result = word_kappa(text, &[&ana, &ben, &cy]).unwrap();
    assert!(close(result.kappa, -0.5), "{result:?}");
    assert_eq!(
        word_kappa(text, &[&ana]),
        Err(KappaError::TooFewRaters { raters: 1 })
    );
}

#[test]
fn mean_pairwise_f1_scores_each_pair_both_ways() {
    // A: claim 0..10. B: claim 0..10 and 20..30. C: nothing.
    // A–B: 1 hit; B against A's key P = 1/2, R = 1 → F1 = 2/3; A against B's key also 2/3.
    // A–C and B–C: one side empty → 0 both ways.
    // Mean over the 6 ordered scores: (2/3 + 2/3) / 6 = 2/9.
    let a = spans("a", &[("claim", 0, 10)]);
    let b = spans("b", &[("claim", 0, 10), ("claim", 20, 30)]);
    let c: Vec<Annotation> = Vec::new();
    let result = pairwise_f1(&[&a, &b, &c], MatchRule::default());
    assert_eq!(result.pairs.len(), 3);
    assert!(close(result.pairs[0].f1_first_as_key, TWO_THIRDS));
    assert!(close(result.pairs[0].f1_second_as_key, TWO_THIRDS));
    assert!(close(result.mean_f1.unwrap(), 2.0 / 9.0));
    assert_eq!(pairwise_f1(&[&a], MatchRule::default()).mean_f1, None);
}

// ---------------------------------------------------------------- exercise roles

fn teacher_document() -> Document {
    let mut document = Document::new(
        DocumentId("doc-1".into()),
        Metadata {
            title: "Budget".into(),
            ..Metadata::default()
        },
        Text::new(SMALL_TEXT),
    );
    document.annotations = spans("k", &[("claim", 15, 25)]);
    document
}

fn sample_exercise() -> Exercise {
    Exercise {
        instructions: "Mark every claim.".into(),
        allowed_tags: vec![TagId("claim".into()), TagId("no-such-tag".into())],
        hints: vec![
            Hint {
                anchor: HintAnchor::Quote("taxes".into()),
                text: "Is this checkable?".into(),
            },
            Hint {
                anchor: HintAnchor::Range(TextRange::from_code_points(0, 3).unwrap()),
                text: "Start here".into(),
            },
        ],
    }
}

#[test]
fn roles_read_and_write_their_lowercase_names() {
    for role in Role::ALL {
        assert_eq!(Role::parse(role.as_str()), Some(role));
    }
    assert_eq!(Role::Key.to_string(), "key");
    assert_eq!(Role::parse("Key"), None);
    assert_eq!(Role::parse(""), None);
}

#[test]
fn making_an_exercise_and_starting_an_attempt() {
    let teacher = teacher_document();
    assert!(
        teacher.tags.contains(&TagId("claim".into())),
        "the default taxonomy has claim"
    );
    let (exercise, key) = make_exercise(
        &teacher,
        "Ms Ray",
        sample_exercise(),
        DocumentId("ex-1".into()),
    );
    assert_eq!(exercise.role, Role::Exercise);
    assert!(exercise.document.annotations.is_empty());
    assert_eq!(exercise.document.text, teacher.text);
    assert_eq!(exercise.document.id, DocumentId("ex-1".into()));
    assert_eq!(
        exercise.exercise.allowed_tags,
        [TagId("claim".into())],
        "unknown tags dropped"
    );
    let exercise_tags: Vec<&str> = exercise
        .document
        .tags
        .tags()
        .iter()
        .map(|t| t.id.as_str())
        .collect();
    assert_eq!(exercise_tags, ["claim"]);
    assert_eq!(key.role, Role::Key);
    assert_eq!(key.document, teacher);
    assert_eq!(key.annotator, "Ms Ray");

    let mut attempt = start_attempt(&exercise, "  Ana  ", DocumentId("at-1".into())).unwrap();
    assert_eq!(
        (attempt.role, attempt.annotator.as_str()),
        (Role::Attempt, "Ana")
    );
    assert_eq!(attempt.exercise, exercise.exercise);
    assert_eq!(attempt.document.id, DocumentId("at-1".into()));
    attempt.document.annotations = spans("a", &[("claim", 0, 3), ("source", 4, 9)]);
    assert_eq!(
        disallowed_annotations(&attempt),
        [AnnotationId("a1".into())]
    );

    assert_eq!(
        start_attempt(&key, "Ana", DocumentId("x".into())),
        Err(AttemptError::NotAnExercise { role: Role::Key })
    );
    assert_eq!(
        start_attempt(&exercise, " \t", DocumentId("x".into())),
        Err(AttemptError::EmptyStudentName)
    );
    assert!(
        AttemptError::NotAnExercise {
            role: Role::Attempt
        }
        .to_string()
        .contains("an attempt")
    );
}

// ---------------------------------------------------------------- links

#[test]
fn fragments_round_trip_and_refuse_damage() {
    let json = r#"{"role":"exercise","text":"l😃rem ipsum, \"quoted\"","exercise":{"instructions":"Mark claims"}}"#;
    let fragment = encode_fragment(json).unwrap();
    assert!(fragment.starts_with(FRAGMENT_PREFIX));
    assert!(
        fragment
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.')
    );
    assert_eq!(decode_fragment(&fragment).unwrap(), json);
    assert_eq!(decode_fragment(&format!("#{fragment}")).unwrap(), json);
    assert_eq!(decode_fragment(&format!("{fragment}==")).unwrap(), json);

    let cases: [(&str, FragmentError); 5] = [
        ("", FragmentError::UnknownFormat),
        ("ex2.AAAA", FragmentError::UnknownFormat),
        ("ex1.AB+C", FragmentError::BadCharacter { position: 2 }),
        ("ex1.ABCDE", FragmentError::Truncated),
        ("ex1.____", FragmentError::Corrupt),
    ];
    for (input, expected) in cases {
        assert_eq!(decode_fragment(input), Err(expected), "{input:?}");
    }
    let too_long = format!("{FRAGMENT_PREFIX}{}", "A".repeat(MAX_FRAGMENT_LEN));
    assert!(matches!(
        decode_fragment(&too_long),
        Err(FragmentError::TooLong { .. })
    ));
}

#[test]
fn a_packed_bomb_is_refused() {
    // 8 MB of spaces packs into a few KB but would unpack past the 4 MB limit.
    let bomb = " ".repeat(8 * 1024 * 1024);
    let fragment = encode_fragment(&bomb).unwrap();
    assert!(fragment.len() < 20_000, "{}", fragment.len());
    assert!(matches!(
        decode_fragment(&fragment),
        Err(FragmentError::TooLargeWhenUnpacked { .. })
    ));
}

#[test]
fn fragment_capacity() {
    // Real news prose: the brat tutorial's news texts (a 2009 news corpus).
    let folder = "../shared/fixtures/brat/brat-tutorial-news";
    let mut prose = String::new();
    let mut entries: Vec<_> = std::fs::read_dir(folder)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    entries.sort();
    for path in entries
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
    {
        prose.push_str(&std::fs::read_to_string(path).unwrap());
        prose.push('\n');
    }
    let json = serde_json::json!({ "role": "exercise", "text": prose }).to_string();
    let fragment = encode_fragment(&json).unwrap();
    let article_chars_per_url_char = prose.chars().count() as f64 / fragment.len() as f64;
    println!(
        "fragment: {} characters of news prose → {} characters of link ({:.2} per link character); \
         at that rate 32 KB of link carries ~{} KB of article, 64 KB ~{} KB",
        prose.chars().count(),
        fragment.len(),
        article_chars_per_url_char,
        (32.0 * article_chars_per_url_char) as usize,
        (64.0 * article_chars_per_url_char) as usize,
    );
    assert!(
        article_chars_per_url_char > 1.0,
        "packing must beat plain text"
    );
    assert_eq!(decode_fragment(&fragment).unwrap(), json);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn any_text_round_trips(text in "\\PC{0,300}") {
        prop_assert_eq!(decode_fragment(&encode_fragment(&text).unwrap()).unwrap(), text);
    }

    #[test]
    fn decoding_arbitrary_input_never_panics(input in "\\PC{0,200}") {
        let _ = decode_fragment(&input);
        let _ = decode_fragment(&format!("{FRAGMENT_PREFIX}{input}"));
    }

    #[test]
    fn decoding_damaged_links_never_panics(text in "[a-z ]{0,200}", position in 0usize..400, replacement in "[A-Za-z0-9_-]") {
        let fragment = encode_fragment(&text).unwrap();
        let mut damaged: Vec<char> = fragment.chars().collect();
        let at = FRAGMENT_PREFIX.len() + position % (damaged.len() - FRAGMENT_PREFIX.len()).max(1);
        if at < damaged.len() {
            damaged[at] = replacement.chars().next().unwrap();
        }
        let _ = decode_fragment(&damaged.into_iter().collect::<String>());
        let cut: String = fragment.chars().take(FRAGMENT_PREFIX.len() + position % 50).collect();
        let _ = decode_fragment(&cut);
    }
}

#[test]
fn a_file_with_thousands_of_tags_still_gets_a_heat_map() {
    // 2,100 words × 2,100 tags is past the dense limit: the sparse count must agree.
    let text = Text::new("word ".repeat(2100));
    let attempt: Vec<Annotation> = (0..2100)
        .map(|i| span(&format!("a{i}"), &format!("tag-{i:04}"), i * 5, i * 5 + 4))
        .collect();
    let key = spans("k", &[("tag-0007", 35, 39)]);
    let students = vec![("Ana".to_string(), text.sha256().to_string(), attempt)];
    let review = review_class(&text, &key, &submissions(&students), MatchRule::default());
    assert_eq!(review.heat_map.cells.len(), 2100);
    assert!(review.heat_map.cells.iter().enumerate().all(|(i, cell)| {
        cell.word.start().0 == i * 5
            && cell.tag.as_str() == format!("tag-{i:04}")
            && cell.students == 1
    }));
    let in_key: Vec<usize> = review
        .heat_map
        .cells
        .iter()
        .filter(|c| c.in_key)
        .map(|c| c.word.start().0)
        .collect();
    assert_eq!(in_key, [35]);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Spans past the end of the text, orphans, empty spans: the review and the agreement
    /// measures return numbers or errors, never a panic, and every number is a proportion.
    #[test]
    fn the_review_takes_any_annotations(
        raw_key in arbitrary_spans(),
        raw_attempts in prop::collection::vec((arbitrary_spans(), any::<bool>()), 0..5),
        text in "[a-z ,.😃]{0,40}",
    ) {
        let text = Text::new(text);
        let key = to_annotations("k", &raw_key);
        let attempts: Vec<Vec<Annotation>> = raw_attempts
            .iter()
            .map(|(raw, orphan_first)| {
                let mut annotations = to_annotations("a", raw);
                if let (true, Some(first)) = (orphan_first, annotations.first_mut()) {
                    first.anchor = AnchorStatus::Orphaned;
                }
                annotations
            })
            .collect();
        let students: Students = attempts
            .iter()
            .enumerate()
            .map(|(i, a)| (format!("s{i}"), text.sha256().to_string(), a.clone()))
            .collect();
        let review = review_class(&text, &key, &submissions(&students), MatchRule::default());
        prop_assert_eq!(review.rows.len(), attempts.len());
        for row in &review.rows {
            for score in [row.scores.overall, row.character_scores.overall] {
                prop_assert!((0.0..=1.0).contains(&score.f1));
            }
        }
        for cell in &review.heat_map.cells {
            prop_assert!(cell.students <= attempts.len());
        }
        let _ = grades_csv(&review);
        let borrowed: Vec<&[Annotation]> = attempts.iter().map(Vec::as_slice).collect();
        if let Some(mean) = pairwise_f1(&borrowed, MatchRule::Strict).mean_f1 {
            prop_assert!((0.0..=1.0).contains(&mean));
        }
        if let Ok(result) = word_kappa(text.as_str(), &borrowed) {
            prop_assert!(result.kappa <= 1.0 + 1e-9);
        }
    }
}

#[test]
fn default_instructions_speak_of_the_exercise_tags() {
    use annotator::domain::classroom::exercise::default_instructions;
    assert_eq!(
        default_instructions(&["Loaded Language"]),
        "Mark every passage of the article that fits the tag “Loaded Language”."
    );
    assert_eq!(
        default_instructions(&["Organization", "PER", "Loaded Language"]),
        "Mark every passage of the article that fits one of the tags “Organization”, “PER” or “Loaded Language”."
    );
    let none = default_instructions(&[]);
    assert!(
        !none.contains("claim") && !none.contains("source"),
        "{none}"
    );
}

#[test]
fn a_students_view_shows_a_miss_nested_inside_a_found_claim() {
    use annotator::domain::classroom::present::review_pieces;
    // The key: a claim 0..20 with an entity 5..9 inside it; the student found the claim only,
    // and marked 25..28 that the key does not have.
    let key = vec![span("k1", "claim", 0, 20), span("k2", "entity", 5, 9)];
    let attempt = vec![span("s1", "claim", 0, 20), span("s2", "entity", 25, 28)];
    let matching = match_attempt(&key, &attempt, MatchRule::Strict);
    let pieces: Vec<(usize, usize, bool, bool, bool)> = review_pieces(30, &matching)
        .into_iter()
        .map(|p| {
            (
                p.range.start().0,
                p.range.end().0,
                p.found,
                p.missed,
                p.extra,
            )
        })
        .collect();
    assert_eq!(
        pieces,
        [
            (0, 5, true, false, false),
            (5, 9, true, true, false),
            (9, 20, true, false, false),
            (20, 25, false, false, false),
            (25, 28, false, false, true),
            (28, 30, false, false, false),
        ]
    );
}
