//! The fact-checking UI's pure decisions: which links are offered between two annotations,
//! how relations read from each end, claimant changes, and what a field edit stores.

use annotator::domain::annotation::{Annotation, AnnotationId, Relation, RelationId, RelationKind};
use annotator::domain::command::Command;
use annotator::domain::document::{Document, DocumentId, Metadata};
use annotator::domain::factcheck::fields::{self, FieldError};
use annotator::domain::factcheck::linking::{
    LinkOption, attribute_command, claimant_commands, link_candidates, link_options, relations_of,
};
use annotator::domain::factcheck::rating::RatingScale;
use annotator::domain::tag::TagId;
use annotator::domain::text::{Text, TextRange};
use proptest::prelude::*;

const ARTICLE: &str = "Mayor Roe said unemployment fell by 40%. The statistics office reported 4%.";

fn id(name: &str) -> AnnotationId {
    AnnotationId(name.into())
}

/// A document with claim `c` ("unemployment fell by 40%"), entity `e` ("Mayor Roe"), source
/// `s` ("The statistics office") and a second claim `c2` ("reported 4%"), plus `relations`.
fn document(relations: &[(&str, &str, &str)]) -> Document {
    let mut doc = Document::new(
        DocumentId("d".into()),
        Metadata::default(),
        Text::new(ARTICLE),
    );
    for (name, tag, quote) in [
        ("c", "claim", "unemployment fell by 40%"),
        ("e", "entity", "Mayor Roe"),
        ("s", "source", "The statistics office"),
        ("c2", "claim", "reported 4%"),
    ] {
        let start = ARTICLE.find(quote).expect("quote in article");
        let range = TextRange::from_code_points(start, start + quote.len()).expect("range");
        let annotation = Annotation::new(id(name), TagId(tag.into()), &doc.text, range, "t0")
            .expect("annotation");
        doc.annotations.push(annotation);
    }
    for (index, (from, kind, to)) in relations.iter().enumerate() {
        doc.relations.push(Relation {
            id: RelationId(format!("r{index}")),
            kind: RelationKind::parse(kind),
            from: id(from),
            to: id(to),
        });
    }
    doc
}

fn options_as_text(options: &[LinkOption]) -> Vec<String> {
    options
        .iter()
        .map(|o| format!("{} {} {}", o.from.as_str(), o.kind.as_str(), o.to.as_str()))
        .collect()
}

#[test]
fn link_options_look_both_ways_and_skip_existing_links() {
    fn check(existing: &[(&str, &str, &str)], start: &str, target: &str, expected: &[&str]) {
        let doc = document(existing);
        let got = options_as_text(&link_options(&doc, &id(start), &id(target)));
        assert_eq!(got, expected, "{start} -> {target} with {existing:?}");
    }
    check(&[], "c", "s", &["c supported_by s", "c contradicted_by s"]);
    // Started from the source, the claim is still the relation's start.
    check(&[], "s", "c", &["c supported_by s", "c contradicted_by s"]);
    check(&[], "e", "c", &["c attributed_to e", "c about e"]);
    check(&[], "s", "e", &["s attributed_to e", "s about e"]);
    check(
        &[("c", "supported_by", "s")],
        "c",
        "s",
        &["c contradicted_by s"],
    );
    check(&[], "c", "c2", &[]);
    check(&[], "c", "c", &[]);
    check(&[], "c", "missing", &[]);
}

#[test]
fn link_candidates_are_in_text_order_and_only_linkable() {
    let doc = document(&[("c", "attributed_to", "e"), ("c", "about", "e")]);
    let got: Vec<String> = link_candidates(&doc, &id("c"))
        .into_iter()
        .map(|(target, _)| target.0)
        .collect();
    assert_eq!(got, vec!["s"]);
    let from_entity: Vec<String> = link_candidates(&document(&[]), &id("e"))
        .into_iter()
        .map(|(target, _)| target.0)
        .collect();
    assert_eq!(from_entity, vec!["c", "s", "c2"]);
}

#[test]
fn relations_read_from_each_end() {
    fn check(relation: (&str, &str, &str), look_from: &str, expected: (&str, bool, &str)) {
        let doc = document(&[relation]);
        let ends = relations_of(&doc, &id(look_from));
        assert_eq!(ends.len(), 1, "{relation:?} from {look_from}");
        let end = &ends[0];
        assert_eq!(
            (end.phrase.as_str(), end.outgoing, end.other.as_str()),
            expected,
            "{relation:?} from {look_from}"
        );
    }
    check(("c", "supported_by", "s"), "c", ("Supported by", true, "s"));
    check(("c", "supported_by", "s"), "s", ("Supports", false, "c"));
    check(
        ("c", "contradicted_by", "s"),
        "s",
        ("Contradicts", false, "c"),
    );
    check(("c", "attributed_to", "e"), "c", ("Claimant", true, "e"));
    check(
        ("c", "attributed_to", "e"),
        "e",
        ("Claimant of", false, "c"),
    );
    check(("s", "attributed_to", "e"), "e", ("Author of", false, "s"));
    check(("s", "about", "e"), "e", ("Subject of", false, "s"));
    check(("c", "cites", "c2"), "c", ("Cites", true, "c2"));
    check(("c", "cites", "c2"), "c2", ("Cites (from)", false, "c"));
    assert!(relations_of(&document(&[("c", "about", "e")]), &id("s")).is_empty());
}

#[test]
fn claimant_commands_replace_the_claimant() {
    let new_id = || RelationId("new".into());
    let add = Command::AddRelation {
        id: new_id(),
        kind: RelationKind::AttributedTo,
        from: id("c"),
        to: id("e"),
    };
    // No claimant yet: one link is added.
    assert_eq!(
        claimant_commands(&document(&[]), &id("c"), Some(&id("e")), new_id()),
        vec![add]
    );
    // The same claimant again: nothing to do.
    let linked = document(&[("c", "attributed_to", "e")]);
    assert_eq!(
        claimant_commands(&linked, &id("c"), Some(&id("e")), new_id()),
        vec![]
    );
    // Unlinking removes the link, and only the claimant link.
    let both = document(&[("c", "about", "e"), ("c", "attributed_to", "e")]);
    assert_eq!(
        claimant_commands(&both, &id("c"), None, new_id()),
        vec![Command::RemoveRelation {
            id: RelationId("r1".into())
        }]
    );
    // A source is not an entity: picking it makes nothing.
    assert_eq!(
        claimant_commands(&document(&[]), &id("c"), Some(&id("s")), new_id()),
        vec![]
    );
}

#[test]
fn attribute_command_validates_before_storing() {
    let scale = RatingScale::default();
    let claim = TagId("claim".into());
    let source = TagId("source".into());
    let spec = |tag: &TagId, key: &str| *fields::field(tag, key).expect("field in schema");
    let set = |key: &str, value: &str| {
        Ok(Some(Command::SetAttribute {
            id: id("c"),
            name: key.into(),
            value: value.into(),
        }))
    };
    type Expected = Result<Option<Command>, FieldError>;
    let cases: Vec<(&str, &TagId, Option<&str>, &str, Expected)> = vec![
        ("verdict", &claim, None, "false", set("verdict", "false")),
        (
            "verdict",
            &claim,
            None,
            "nonsense",
            Err(FieldError::UnknownVerdict {
                value: "nonsense".into(),
            }),
        ),
        ("verdict", &claim, Some("false"), "false", Ok(None)),
        (
            "verdict",
            &claim,
            Some("false"),
            "",
            Ok(Some(Command::RemoveAttribute {
                id: id("c"),
                name: "verdict".into(),
            })),
        ),
        ("verdict", &claim, None, "", Ok(None)),
        (
            "statement",
            &claim,
            None,
            "  Unemployment fell by 40%  ",
            set("statement", "Unemployment fell by 40%"),
        ),
        (
            "checkworthiness",
            &claim,
            None,
            "9",
            Err(FieldError::NumberOutOfRange {
                value: "9".into(),
                min: 1,
                max: 5,
            }),
        ),
        (
            "checkworthiness",
            &claim,
            None,
            "4",
            set("checkworthiness", "4"),
        ),
        (
            "factcheck_url",
            &claim,
            None,
            "javascript:alert(1)",
            Err(FieldError::NotAWebLink {
                value: "javascript:alert(1)".into(),
            }),
        ),
        (
            "accessed",
            &source,
            None,
            "2024-02-30",
            Err(FieldError::NoSuchDay {
                value: "2024-02-30".into(),
            }),
        ),
        (
            "reliability",
            &source,
            None,
            "\n first line\nsecond \n",
            set("reliability", " first line\nsecond"),
        ),
    ];
    for (key, tag, current, input, expected) in cases {
        let got = attribute_command(&id("c"), &spec(tag, key), &scale, current, input);
        assert_eq!(got, expected, "{key} {current:?} <- {input:?}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Whatever is typed, the command either stores a value the field accepts or stores nothing.
    #[test]
    fn attribute_command_never_stores_an_invalid_value(input in "\\PC{0,30}", key_index in 0usize..6) {
        let claim = TagId("claim".into());
        let spec = fields::fields_for(&claim)[key_index];
        let scale = RatingScale::default();
        if let Ok(Some(Command::SetAttribute { value, .. })) =
            attribute_command(&id("c"), &spec, &scale, None, &input)
        {
            prop_assert!(spec.validate_with_scale(&value, &scale).is_ok());
            prop_assert!(!value.is_empty());
        }
    }
}

#[test]
fn gaps_are_described_in_the_form_s_words() {
    use annotator::domain::factcheck::gaps::describe_gap;
    fn check(missing: &[&str], expected: &str) {
        assert_eq!(describe_gap(2, "q", missing), expected, "{missing:?}");
    }
    check(&["url"], "Claim 2 “q”: needs a Fact-check URL");
    check(
        &["url", "author.name"],
        "Claim 2 “q”: needs a Fact-check URL and the Organisation (in the report's settings)",
    );
    check(
        &["claimReviewed", "reviewRating.alternateName", "url"],
        "Claim 2 “q”: needs a claim statement, a verdict from the rating scale and a Fact-check URL",
    );
    check(&["somethingNew"], "Claim 2 “q”: needs somethingNew");
}

#[test]
fn a_claim_is_offered_a_claimant_only_while_it_has_none() {
    let mut doc = document(&[("c", "attributed_to", "e")]);
    // A second entity: the statistics office.
    let quote = "statistics office";
    let start = ARTICLE.find(quote).expect("quote in article");
    let range = TextRange::from_code_points(start, start + quote.len()).expect("range");
    let office = Annotation::new(id("e2"), TagId("entity".into()), &doc.text, range, "t0")
        .expect("annotation");
    doc.annotations.push(office);
    assert_eq!(
        options_as_text(&link_options(&doc, &id("c"), &id("e2"))),
        ["c about e2"],
        "the claim has a claimant already"
    );
    // The other claim has none yet; a source may still be attributed to many.
    assert_eq!(
        options_as_text(&link_options(&doc, &id("c2"), &id("e2"))),
        ["c2 attributed_to e2", "c2 about e2"]
    );
    assert_eq!(
        options_as_text(&link_options(&doc, &id("s"), &id("e2"))),
        ["s attributed_to e2", "s about e2"]
    );
}
