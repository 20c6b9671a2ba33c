//! Placing imported annotations in a text: named cases through one `check` helper, the
//! Unicode fixtures, properties, and a timing of a large import.

use annotator::domain::anchor::{FUZZY_THRESHOLD, Placement, place, reanchor};
use annotator::domain::annotation::{AnchorStatus, Annotation, AnnotationId, RelationKind};
use annotator::domain::import::{
    CandidateAnnotation, CandidateRelation, ImportBatch, OffsetUnit, Severity,
};
use annotator::domain::tag::TagId;
use annotator::domain::text::{Text, TextRange};
use proptest::prelude::*;
use std::time::Instant;

// ---------------------------------------------------------------------------------------------
// Helpers

fn candidate(start: Option<usize>, end: Option<usize>, quote: Option<&str>) -> CandidateAnnotation {
    CandidateAnnotation {
        location: "test".to_string(),
        tag: "claim".to_string(),
        start,
        end,
        quote: quote.map(str::to_string),
        ..CandidateAnnotation::default()
    }
}

fn at(start: usize, end: usize, quote: &str) -> CandidateAnnotation {
    candidate(Some(start), Some(end), Some(quote))
}

fn quoted(quote: &str, prefix: &str, suffix: &str) -> CandidateAnnotation {
    CandidateAnnotation {
        prefix: Some(prefix.to_string()),
        suffix: Some(suffix.to_string()),
        ..candidate(None, None, Some(quote))
    }
}

fn with_context(candidate: CandidateAnnotation, prefix: &str, suffix: &str) -> CandidateAnnotation {
    CandidateAnnotation {
        prefix: Some(prefix.to_string()),
        suffix: Some(suffix.to_string()),
        ..candidate
    }
}

fn batch(unit: Option<OffsetUnit>, annotations: Vec<CandidateAnnotation>) -> ImportBatch {
    ImportBatch {
        offset_unit: unit,
        annotations,
        ..ImportBatch::new("test")
    }
}

fn place_batch(text: &str, batch: &ImportBatch) -> Placement {
    let mut next = 0;
    let mut new_id = || {
        next += 1;
        format!("new-{next}")
    };
    place(&Text::new(text), batch, &mut new_id, "2026-01-01T00:00:00Z")
}

/// What one candidate should become.
#[derive(Debug)]
enum Expect {
    Exact(usize, usize),
    Moved(usize, usize),
    /// Range, and the lowest acceptable score.
    Fuzzy(usize, usize, f64),
    /// Kept with its quote and an empty range; a warning contains this.
    Orphaned(&'static str),
    /// Not kept; an error contains this.
    Rejected(&'static str),
}

struct Case {
    name: &'static str,
    text: &'static str,
    unit: Option<OffsetUnit>,
    candidates: Vec<CandidateAnnotation>,
    expect: Vec<Expect>,
    /// The unit used, and a word the note must contain (None: no note).
    unit_used: OffsetUnit,
    note: Option<&'static str>,
}

fn check(case: Case) {
    let name = case.name;
    let placement = place_batch(case.text, &batch(case.unit, case.candidates.clone()));
    let text = Text::new(case.text);
    assert_eq!(placement.unit_used, case.unit_used, "{name}: unit used");
    match (case.note, &placement.unit_note) {
        (None, None) => {}
        (Some(word), Some(note)) => assert!(note.contains(word), "{name}: note {note:?}"),
        (expected, found) => panic!("{name}: note expected {expected:?}, found {found:?}"),
    }
    let mut placed = placement.annotations.iter();
    for (expect, candidate) in case.expect.iter().zip(&case.candidates) {
        if let Expect::Rejected(words) = expect {
            let found = placement.problems.iter().any(|problem| {
                problem.severity == Severity::Error && problem.message.contains(words)
            });
            assert!(
                found,
                "{name}: rejection with {words:?} in {:?}",
                placement.problems
            );
            continue;
        }
        let annotation = placed
            .next()
            .unwrap_or_else(|| panic!("{name}: missing annotation"));
        let range = |start, end| TextRange::from_code_points(start, end).unwrap();
        match expect {
            Expect::Exact(start, end) => {
                assert_eq!(annotation.anchor, AnchorStatus::Exact, "{name}");
                assert_eq!(annotation.range, range(*start, *end), "{name}");
            }
            Expect::Moved(start, end) => {
                assert_eq!(annotation.anchor, AnchorStatus::Moved, "{name}");
                assert_eq!(annotation.range, range(*start, *end), "{name}");
            }
            Expect::Fuzzy(start, end, lowest) => {
                let AnchorStatus::Fuzzy(score) = annotation.anchor else {
                    panic!("{name}: expected fuzzy, got {:?}", annotation.anchor);
                };
                assert!(score >= *lowest && score < 1.0, "{name}: score {score}");
                assert!(score >= FUZZY_THRESHOLD, "{name}: score {score}");
                assert_eq!(annotation.range, range(*start, *end), "{name}");
            }
            Expect::Orphaned(words) => {
                assert_eq!(annotation.anchor, AnchorStatus::Orphaned, "{name}");
                assert_eq!(annotation.range, range(0, 0), "{name}");
                assert_eq!(Some(&annotation.quote), candidate.quote.as_ref(), "{name}");
                let warned = placement.problems.iter().any(|problem| {
                    problem.severity == Severity::Warning && problem.message.contains(words)
                });
                assert!(
                    warned,
                    "{name}: warning with {words:?} in {:?}",
                    placement.problems
                );
            }
            Expect::Rejected(_) => {}
        }
        if !annotation.is_orphan() {
            assert_eq!(
                text.slice(annotation.range).unwrap(),
                annotation.quote,
                "{name}: quote"
            );
        }
    }
    assert!(
        placed.next().is_none(),
        "{name}: more annotations than expected"
    );
    let counts = placement.counts;
    let total = counts.exact + counts.moved + counts.fuzzy + counts.orphaned + counts.rejected;
    assert_eq!(total, case.expect.len(), "{name}: counts {counts:?}");
}

// ---------------------------------------------------------------------------------------------
// Named cases

const EMOJI_TEXT: &str = "😃 Update 🦀: the minister said taxes will fall. Critics 🙄 disagree.";

#[test]
fn exact_positions() {
    check(Case {
        name: "exact",
        text: "The minister said taxes will fall.",
        unit: Some(OffsetUnit::CodePoint),
        candidates: vec![at(18, 33, "taxes will fall"), at(4, 12, "minister")],
        expect: vec![Expect::Exact(18, 33), Expect::Exact(4, 12)],
        unit_used: OffsetUnit::CodePoint,
        note: None,
    });
    check(Case {
        name: "no quote, valid offsets: exact, quote taken from the text",
        text: "The minister said taxes will fall.",
        unit: None,
        candidates: vec![candidate(Some(4), Some(12), None)],
        expect: vec![Expect::Exact(4, 12)],
        unit_used: OffsetUnit::CodePoint,
        note: None,
    });
}

#[test]
fn offset_units_are_detected_from_the_quotes() {
    // In code points "taxes will fall" is 30..45 and "disagree" 57..65. In UTF-16 units each
    // emoji before a span adds one (😃 and 🦀: +2; 🙄 too: +3); in bytes each adds three.
    check(Case {
        name: "UTF-16 offsets, undeclared",
        text: EMOJI_TEXT,
        unit: None,
        candidates: vec![at(32, 47, "taxes will fall"), at(60, 68, "disagree")],
        expect: vec![Expect::Exact(30, 45), Expect::Exact(57, 65)],
        unit_used: OffsetUnit::Utf16,
        note: Some("UTF-16"),
    });
    check(Case {
        name: "UTF-16 offsets declared as code points (W3C written by Hypothesis)",
        text: EMOJI_TEXT,
        unit: Some(OffsetUnit::CodePoint),
        candidates: vec![at(32, 47, "taxes will fall"), at(60, 68, "disagree")],
        expect: vec![Expect::Exact(30, 45), Expect::Exact(57, 65)],
        unit_used: OffsetUnit::Utf16,
        note: Some("declared"),
    });
    check(Case {
        name: "UTF-16 declared and consistent: no note",
        text: EMOJI_TEXT,
        unit: Some(OffsetUnit::Utf16),
        candidates: vec![at(32, 47, "taxes will fall")],
        expect: vec![Expect::Exact(30, 45)],
        unit_used: OffsetUnit::Utf16,
        note: None,
    });
    check(Case {
        name: "UTF-8 byte offsets, undeclared",
        text: "Zürich café: prices rose 5 %.",
        unit: None,
        candidates: vec![at(15, 26, "prices rose"), at(8, 13, "café")],
        expect: vec![Expect::Exact(13, 24), Expect::Exact(7, 11)],
        unit_used: OffsetUnit::Utf8Byte,
        note: Some("UTF-8"),
    });
    check(Case {
        name: "ASCII text: every unit agrees, code points kept without a note",
        text: "plain ascii text",
        unit: None,
        candidates: vec![at(6, 11, "ascii")],
        expect: vec![Expect::Exact(6, 11)],
        unit_used: OffsetUnit::CodePoint,
        note: None,
    });
}

const ARTICLE: &str = "Prices rose by five percent last year, the bureau said.\n\
Critics say the figure hides regional differences.";

const ARTICLE_WITH_PARAGRAPH_ABOVE: &str = "Breaking: a new paragraph was added above.\n\
Prices rose by five percent last year, the bureau said.\n\
Critics say the figure hides regional differences.";

#[test]
fn moved_fuzzy_and_orphaned() {
    check(Case {
        name: "paragraph inserted above: moved",
        text: ARTICLE_WITH_PARAGRAPH_ABOVE,
        unit: None,
        candidates: vec![
            with_context(
                at(68, 98, "the figure hides regional diff"),
                "Critics say ",
                "erences.",
            ),
            at(15, 27, "five percent"),
        ],
        expect: vec![Expect::Moved(111, 141), Expect::Moved(58, 70)],
        unit_used: OffsetUnit::CodePoint,
        note: None,
    });
    check(Case {
        name: "edit inside the quote: fuzzy",
        text: "Prices rose by 5 percent last year, the bureau said.",
        unit: None,
        candidates: vec![with_context(
            at(0, 37, "Prices rose by five percent last year"),
            "",
            ", the bureau said.",
        )],
        expect: vec![Expect::Fuzzy(0, 34, 0.85)],
        unit_used: OffsetUnit::CodePoint,
        note: None,
    });
    check(Case {
        name: "quote deleted: orphaned, kept",
        text: "Critics say the figure hides regional differences.",
        unit: None,
        candidates: vec![with_context(
            at(0, 37, "Prices rose by five percent last year"),
            "",
            ", the bureau said.",
        )],
        expect: vec![Expect::Orphaned("not in this text")],
        unit_used: OffsetUnit::CodePoint,
        note: None,
    });
    check(Case {
        name: "short quote gone: orphaned without a fuzzy guess",
        text: "The cat sat.",
        unit: None,
        candidates: vec![at(4, 7, "dog")],
        expect: vec![Expect::Orphaned("too short")],
        unit_used: OffsetUnit::CodePoint,
        note: None,
    });
    check(Case {
        name: "similar passage with unrelated context: too different, orphaned",
        text: "Weather: prices rose by five percent on the market stalls today, vendors report.",
        unit: None,
        candidates: vec![with_context(
            candidate(None, None, Some("Prices rose by five percent")),
            "According to official statistics, ",
            " last year, the bureau said",
        )],
        expect: vec![Expect::Orphaned("differs too much")],
        unit_used: OffsetUnit::CodePoint,
        note: None,
    });
}

const LOOK_ALIKE: &str = "Minister A: \"We will cut taxes.\" Opposition: none.\n\
Minister B: \"We will cut taxes.\" Reaction: doubt.";

const IDENTICAL_PARAGRAPHS: &str = "Intro.\nThe report said: we will cut taxes. End.\n\
Middle.\nThe report said: we will cut taxes. End.\nOutro.";

#[test]
fn look_alike_passages() {
    check(Case {
        name: "duplicate sentence, context decides",
        text: LOOK_ALIKE,
        unit: None,
        candidates: vec![quoted(
            "We will cut taxes.",
            "Minister B: \"",
            "\" Reaction: doubt.",
        )],
        expect: vec![Expect::Moved(64, 82)],
        unit_used: OffsetUnit::CodePoint,
        note: None,
    });
    check(Case {
        name: "identical context, no position: ambiguous, orphaned, not guessed",
        text: IDENTICAL_PARAGRAPHS,
        unit: None,
        candidates: vec![quoted("we will cut taxes", "The report said: ", ". End.")],
        expect: vec![Expect::Orphaned("ambiguous")],
        unit_used: OffsetUnit::CodePoint,
        note: None,
    });
    check(Case {
        name: "identical context, old position strictly nearer the second: moved there",
        text: IDENTICAL_PARAGRAPHS,
        unit: None,
        candidates: vec![with_context(
            at(70, 87, "we will cut taxes"),
            "The report said: ",
            ". End.",
        )],
        expect: vec![Expect::Moved(73, 90)],
        unit_used: OffsetUnit::CodePoint,
        note: None,
    });
    check(Case {
        name: "identical context, edited quote, no position: ambiguous fuzzy, orphaned",
        text: IDENTICAL_PARAGRAPHS,
        unit: None,
        candidates: vec![quoted("we shall cut taxes", "The report said: ", ". End.")],
        expect: vec![Expect::Orphaned("ambiguous")],
        unit_used: OffsetUnit::CodePoint,
        note: None,
    });
}

#[test]
fn nothing_to_place() {
    check(Case {
        name: "no quote and bad offset: rejected",
        text: "Short text.",
        unit: None,
        candidates: vec![candidate(Some(3), Some(99), None)],
        expect: vec![Expect::Rejected("past the end")],
        unit_used: OffsetUnit::CodePoint,
        note: None,
    });
    check(Case {
        name: "no quote and no offsets: rejected",
        text: "Short text.",
        unit: None,
        candidates: vec![candidate(None, None, None)],
        expect: vec![Expect::Rejected("neither a quote nor")],
        unit_used: OffsetUnit::CodePoint,
        note: None,
    });
    check(Case {
        name: "no quote, start after end: rejected",
        text: "Short text.",
        unit: None,
        candidates: vec![candidate(Some(6), Some(2), None)],
        expect: vec![Expect::Rejected("after its end")],
        unit_used: OffsetUnit::CodePoint,
        note: None,
    });
    check(Case {
        name: "empty text: quoted orphaned, unquoted caret rejected",
        text: "",
        unit: None,
        candidates: vec![at(0, 5, "hello"), candidate(Some(0), Some(0), Some(""))],
        expect: vec![
            Expect::Orphaned("not in this text"),
            Expect::Rejected("covers no text"),
        ],
        unit_used: OffsetUnit::CodePoint,
        note: None,
    });
}

#[test]
fn ids_fields_and_relations_are_carried_over() {
    let mut first = with_context(at(4, 12, "minister"), "old prefix", "old suffix");
    first.id = Some("T1".to_string());
    first.note = "check this".to_string();
    first
        .attributes
        .insert("confidence".to_string(), "high".to_string());
    first.created = Some("2025-05-05T10:00:00Z".to_string());
    let mut duplicate = at(18, 23, "taxes");
    duplicate.id = Some("T1".to_string());
    let unnamed = at(29, 33, "fall");
    let mut rejected = candidate(None, None, None);
    rejected.id = Some("T9".to_string());
    let relation = |id: &str, from: &str, to: &str| CandidateRelation {
        id: Some(id.to_string()),
        kind: "supported_by".to_string(),
        from: from.to_string(),
        to: to.to_string(),
        ..CandidateRelation::default()
    };
    let mut batch = batch(None, vec![first, duplicate, unnamed, rejected]);
    batch.relations = vec![
        relation("R1", "T1", "T1"),
        relation("R2", "T1", "T9"),
        relation("R3", "T1", "T7"),
    ];
    let placement = place_batch("The minister said taxes will fall.", &batch);

    let ids: Vec<&str> = placement
        .annotations
        .iter()
        .map(|a| a.id.as_str())
        .collect();
    assert_eq!(ids, ["T1", "new-1", "new-2"]);
    let first = &placement.annotations[0];
    assert_eq!(first.note, "check this");
    assert_eq!(
        first.attributes.get("confidence").map(String::as_str),
        Some("high")
    );
    assert_eq!(first.created, "2025-05-05T10:00:00Z");
    assert_eq!(first.modified, "2025-05-05T10:00:00Z");
    assert_eq!(first.prefix, "The ");
    assert_eq!(first.suffix, " said taxes will fall.");
    assert_eq!(first.tag, TagId("claim".to_string()));
    assert_eq!(placement.annotations[2].created, "2026-01-01T00:00:00Z");
    assert!(
        placement
            .problems
            .iter()
            .any(|p| p.message.contains("used twice"))
    );

    assert_eq!(placement.relations.len(), 1);
    let kept = &placement.relations[0];
    assert_eq!((kept.from.as_str(), kept.to.as_str()), ("T1", "T1"));
    assert_eq!(kept.kind, RelationKind::SupportedBy);
    assert!(
        placement
            .problems
            .iter()
            .any(|p| p.message.contains("T9 was skipped"))
    );
    assert!(
        placement
            .problems
            .iter()
            .any(|p| p.message.contains("T7, which is not in the file"))
    );
    assert_eq!(placement.counts.rejected, 1);
}

#[test]
fn reanchoring_after_the_text_was_corrected() {
    let old_text = Text::new(ARTICLE);
    let annotation = |id: &str, start: usize, end: usize| {
        let range = TextRange::from_code_points(start, end).unwrap();
        let mut annotation = Annotation::new(
            AnnotationId(id.to_string()),
            TagId("claim".to_string()),
            &old_text,
            range,
            "t0",
        )
        .unwrap();
        annotation.note = format!("note {id}");
        annotation
    };
    let mut orphan = annotation("c", 0, 6);
    orphan.anchor = AnchorStatus::Orphaned;
    orphan.range = TextRange::default();
    let annotations = vec![annotation("a", 15, 27), annotation("b", 68, 98), orphan];

    let corrected = Text::new(ARTICLE_WITH_PARAGRAPH_ABOVE);
    let reanchored = reanchor(&corrected, &annotations);
    assert_eq!(reanchored.len(), 3);
    assert_eq!(reanchored[0].anchor, AnchorStatus::Moved);
    assert_eq!(
        reanchored[0].range,
        TextRange::from_code_points(58, 70).unwrap()
    );
    assert_eq!(reanchored[0].note, "note a");
    assert_eq!(reanchored[0].created, "t0");
    assert_eq!(
        reanchored[1].range,
        TextRange::from_code_points(111, 141).unwrap()
    );
    // The orphan's quote "Prices" is in the corrected text once: it is found again.
    assert_eq!(reanchored[2].anchor, AnchorStatus::Moved);
    assert_eq!(
        reanchored[2].range,
        TextRange::from_code_points(43, 49).unwrap()
    );

    let unchanged = reanchor(&old_text, &annotations[..2]);
    assert!(unchanged.iter().all(|a| a.anchor == AnchorStatus::Exact));
    let emptied = reanchor(&Text::new(""), &annotations);
    assert!(
        emptied
            .iter()
            .all(|a| a.is_orphan() && a.range == TextRange::default())
    );
}

// ---------------------------------------------------------------------------------------------
// Unicode fixtures: offsets in each unit, with quotes, must land on the code point spans.

fn fixture() -> serde_json::Value {
    let path = "../shared/fixtures/unicode/unicode_cases.json";
    let json = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&json).unwrap()
}

#[test]
fn unicode_fixture_offsets_in_every_unit_land_on_code_points() {
    let fixture = fixture();
    let cases = fixture["cases"].as_array().unwrap();
    assert!(cases.len() >= 20);
    let mut placed_spans = 0;
    for unit_name in ["utf16", "utf8_bytes", "code_points"] {
        for case in cases {
            let name = format!("{} in {unit_name}", case["id"].as_str().unwrap());
            let text = case["text"].as_str().unwrap();
            let spans = case["annotations"].as_array().unwrap();
            let number = |span: &serde_json::Value, key: &str| {
                span[unit_name][key].as_u64().unwrap() as usize
            };
            let candidates = spans
                .iter()
                .map(|span| {
                    at(
                        number(span, "start"),
                        number(span, "end"),
                        span["quote"].as_str().unwrap(),
                    )
                })
                .collect();
            let placement = place_batch(text, &batch(None, candidates));
            let mut placed = placement.annotations.iter();
            for span in spans {
                let quote = span["quote"].as_str().unwrap();
                if quote.is_empty() {
                    assert_eq!(placement.counts.rejected, 1, "{name}: zero-length span");
                    continue;
                }
                let annotation = placed.next().unwrap();
                let code_points = (
                    span["code_points"]["start"].as_u64().unwrap() as usize,
                    span["code_points"]["end"].as_u64().unwrap() as usize,
                );
                assert_eq!(annotation.anchor, AnchorStatus::Exact, "{name}: {quote:?}");
                assert_eq!(
                    (annotation.start().0, annotation.end().0),
                    code_points,
                    "{name}: {quote:?}"
                );
                assert_eq!(annotation.quote, quote, "{name}");
                placed_spans += 1;
            }
        }
    }
    assert!(placed_spans >= 3 * 50, "only {placed_spans} spans placed");
}

#[test]
fn unicode_fixture_invalid_ranges_without_quotes_are_rejected() {
    let fixture = fixture();
    for invalid in fixture["invalid_ranges"].as_array().unwrap() {
        let unit = match invalid["unit"].as_str().unwrap() {
            "utf16" => OffsetUnit::Utf16,
            "utf8_bytes" => OffsetUnit::Utf8Byte,
            _ => OffsetUnit::CodePoint,
        };
        let start = invalid["start"].as_u64().unwrap() as usize;
        let end = invalid["end"].as_u64().unwrap() as usize;
        let placement = place_batch(
            invalid["text"].as_str().unwrap(),
            &batch(Some(unit), vec![candidate(Some(start), Some(end), None)]),
        );
        assert!(placement.annotations.is_empty(), "{invalid}");
        assert_eq!(placement.counts.rejected, 1, "{invalid}");
        assert_eq!(placement.problems.len(), 1, "{invalid}");
    }
}

// ---------------------------------------------------------------------------------------------
// Properties

fn text_strategy() -> impl Strategy<Value = String> {
    let piece = prop::sample::select(vec![
        "the ",
        "minister ",
        "said ",
        "taxes ",
        "é",
        "e\u{301}",
        "😃",
        "🦀 ",
        "\r\n",
        "中文",
        " ",
        "a",
        "",
    ]);
    prop::collection::vec(piece, 0..60).prop_map(|pieces| pieces.concat())
}

fn candidate_strategy() -> impl Strategy<Value = CandidateAnnotation> {
    let offset = prop::option::of(prop_oneof![0usize..200, Just(usize::MAX), any::<usize>()]);
    let quote = prop::option::of(prop::sample::select(vec![
        "the minister",
        "taxes",
        "😃",
        "é",
        "said 🦀",
        "xyz",
        "the ",
        "",
        "minister said taxes",
    ]));
    let context = prop::option::of(prop::sample::select(vec!["the ", "said ", "", "😃🦀"]));
    (offset.clone(), offset, quote, context.clone(), context).prop_map(
        |(start, end, quote, prefix, suffix)| CandidateAnnotation {
            start,
            end,
            quote: quote.map(str::to_string),
            prefix: prefix.map(str::to_string),
            suffix: suffix.map(str::to_string),
            ..CandidateAnnotation::default()
        },
    )
}

fn unit_strategy() -> impl Strategy<Value = Option<OffsetUnit>> {
    prop::option::of(prop::sample::select(vec![
        OffsetUnit::CodePoint,
        OffsetUnit::Utf16,
        OffsetUnit::Utf8Byte,
    ]))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn placing_never_panics_and_placed_quotes_match_the_text(
        text in text_strategy(),
        candidates in prop::collection::vec(candidate_strategy(), 0..12),
        unit in unit_strategy(),
    ) {
        let count = candidates.len();
        let placement = place_batch(&text, &batch(unit, candidates));
        let document = Text::new(text.as_str());
        for annotation in &placement.annotations {
            if annotation.is_orphan() {
                prop_assert_eq!(annotation.range, TextRange::default());
            } else {
                prop_assert!(annotation.end().0 <= document.len());
                prop_assert_eq!(document.slice(annotation.range).unwrap(), annotation.quote.as_str());
            }
        }
        let counts = placement.counts;
        prop_assert_eq!(placement.annotations.len() + counts.rejected, count);
        prop_assert_eq!(counts.exact + counts.moved + counts.fuzzy + counts.orphaned + counts.rejected, count);
    }

    #[test]
    fn reanchoring_on_the_same_text_changes_nothing_placed(
        text in text_strategy(),
        candidates in prop::collection::vec(candidate_strategy(), 0..8),
    ) {
        let placement = place_batch(&text, &batch(Some(OffsetUnit::CodePoint), candidates));
        let document = Text::new(text.as_str());
        let again = reanchor(&document, &placement.annotations);
        prop_assert_eq!(again.len(), placement.annotations.len());
        for (before, after) in placement.annotations.iter().zip(&again) {
            if !before.is_orphan() {
                prop_assert_eq!(before.range, after.range);
                prop_assert_eq!(&after.anchor, &AnchorStatus::Exact);
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Timing: a large import. Release numbers: `cargo test --release --test anchoring timing --
// --nocapture`; the debug build uses a smaller text so the suite stays fast.

/// A deterministic pseudo-random article of about `bytes` bytes.
fn article(bytes: usize, seed: u64) -> String {
    const WORDS: [&str; 24] = [
        "the",
        "minister",
        "said",
        "taxes",
        "would",
        "fall",
        "Zürich",
        "café",
        "report",
        "🦀",
        "critics",
        "argue",
        "that",
        "figures",
        "hide",
        "regional",
        "differences",
        "in",
        "prices",
        "rose",
        "by",
        "five",
        "percent",
        "😃",
    ];
    let mut state = seed;
    let mut text = String::with_capacity(bytes + 64);
    let mut words_in_paragraph = 0;
    while text.len() < bytes {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        text.push_str(WORDS[(state >> 33) as usize % WORDS.len()]);
        words_in_paragraph += 1;
        text.push_str(if words_in_paragraph % 120 == 0 {
            ".\n"
        } else {
            " "
        });
    }
    text
}

#[test]
fn timing_of_a_large_import() {
    let (bytes, spans) = if cfg!(debug_assertions) {
        (100_000, 2_000)
    } else {
        (1_000_000, 20_000)
    };
    let content = article(bytes, 7);
    let text = Text::new(content.as_str());
    let length = text.len();
    let mut state = 11u64;
    let candidates: Vec<CandidateAnnotation> = (0..spans)
        .map(|_| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let start = (state >> 20) as usize % (length - 100);
            let end = start + 10 + (state >> 50) as usize % 60;
            let range = TextRange::from_code_points(start, end).unwrap();
            let annotation = Annotation::new(
                AnnotationId(String::new()),
                TagId("claim".to_string()),
                &text,
                range,
                "",
            )
            .unwrap();
            with_context(
                at(start, end, &annotation.quote),
                &annotation.prefix,
                &annotation.suffix,
            )
        })
        .collect();

    let timed = |label: &str, text: &str, batch: &ImportBatch| {
        let began = Instant::now();
        let placement = place_batch(text, batch);
        let counts = placement.counts;
        println!(
            "{label}: {} candidates on {} bytes in {:?} ({counts:?}, {:?} {:?})",
            batch.annotations.len(),
            text.len(),
            began.elapsed(),
            placement.unit_used,
            placement.unit_note
        );
        placement
    };
    let same = timed(
        "same text",
        &content,
        &batch(Some(OffsetUnit::CodePoint), candidates.clone()),
    );
    assert_eq!(same.counts.exact, spans);

    let in_utf16: Vec<CandidateAnnotation> = candidates
        .iter()
        .map(|candidate| {
            let utf16 = |offset: Option<usize>| {
                let offset = offset.map(annotator::domain::text::CodePointOffset)?;
                text.index().to_utf16(offset).ok().map(|utf16| utf16.0)
            };
            CandidateAnnotation {
                start: utf16(candidate.start),
                end: utf16(candidate.end),
                ..candidate.clone()
            }
        })
        .collect();
    let detected = timed(
        "UTF-16 offsets, undeclared",
        &content,
        &batch(None, in_utf16),
    );
    assert_eq!(detected.unit_used, OffsetUnit::Utf16);
    assert_eq!(detected.counts.exact, spans);

    let shifted = format!("A new first paragraph was added by the editor.\n{content}");
    let moved = timed(
        "paragraph inserted",
        &shifted,
        &batch(None, candidates.clone()),
    );
    assert_eq!(
        moved.counts.moved + moved.counts.exact,
        spans,
        "{:?}",
        moved.counts
    );

    let edited = content.replace("minister", "ministre");
    let fuzzy = timed("words edited", &edited, &batch(None, candidates.clone()));
    let counts = fuzzy.counts;

    assert_eq!(
        counts.exact + counts.moved + counts.fuzzy + counts.orphaned,
        spans
    );
    assert!(counts.fuzzy > 0, "{counts:?}");

    // The worst case: no positions, and quotes that are nowhere (each costs a whole-text
    // approximate search until the import's budget is spent).
    let lost_count = if cfg!(debug_assertions) { 20 } else { spans };
    let lost: Vec<CandidateAnnotation> = candidates_for_worst_case(lost_count);
    let worst = timed("absent quotes, no positions", &content, &batch(None, lost));
    assert_eq!(worst.counts.orphaned, lost_count);
}

fn candidates_for_worst_case(count: usize) -> Vec<CandidateAnnotation> {
    (0..count)
        .map(|number| {
            candidate(
                None,
                None,
                Some(&format!("quote number {number} is nowhere")),
            )
        })
        .collect()
}

#[test]
fn a_very_common_quote_without_a_position_is_not_guessed() {
    let text = "taxes and more taxes. ".repeat(3_000);
    let placement = place_batch(&text, &batch(None, vec![quoted("taxes", "", "")]));
    assert_eq!(placement.counts.orphaned, 1);
    assert!(
        placement.problems[0].message.contains("occurs 6000 times"),
        "{:?}",
        placement.problems
    );
    // With a position, the nearest occurrence is taken.
    let placement = place_batch(&text, &batch(None, vec![at(15, 20, "taxes")]));
    assert_eq!(placement.counts.exact, 1);
    let placement = place_batch(&text, &batch(None, vec![at(16, 21, "taxes")]));
    assert_eq!(placement.annotations[0].anchor, AnchorStatus::Moved);
    assert_eq!(
        placement.annotations[0].range,
        TextRange::from_code_points(15, 20).unwrap()
    );
}

#[test]
fn the_whitespace_search_is_capped_per_import_and_says_how_many_it_left() {
    // The same word a hundred thousand times (1.1 MB), and long quotes of that word ending
    // in one that is nowhere: each quote would follow its 400 words from 2,000 places (an
    // import of 100 such quotes would look at 880 MB). Too long for the approximate search,
    // so the whitespace search is the only work left.
    let text = "abcdefghij ".repeat(100_000);
    let quote = format!("{}b", "abcdefghij ".repeat(400));
    let count = 100;
    let candidates = (0..count)
        .map(|_| candidate(None, None, Some(&quote)))
        .collect();
    let placement = place_batch(&text, &batch(None, candidates));
    assert_eq!(placement.counts.orphaned, count);
    let capped = placement
        .problems
        .iter()
        .filter(|p| {
            p.message
                .contains("finding quotes with other whitespace was used up; kept")
        })
        .count();
    // The first few were searched in full (and not found); the cap left the rest.
    assert!(capped > count / 2 && capped < count, "{capped}");
    let summary = format!("{capped} annotations were left for review");
    assert!(
        placement
            .problems
            .iter()
            .any(|p| p.message.starts_with(&summary)),
        "{:?}",
        placement.problems.last()
    );
    // A small import is not touched by the cap.
    let small = place_batch(
        "The mayor\n   said so.",
        &batch(None, vec![candidate(None, None, Some("mayor said"))]),
    );
    assert_eq!(small.counts.moved, 1);
    assert!(
        small
            .problems
            .iter()
            .all(|p| !p.message.contains("used up"))
    );
}
