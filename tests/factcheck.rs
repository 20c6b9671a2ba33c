//! The fact-checking workflow: field schema, rating scale, relation rules, the ClaimReview
//! mapping (golden files in `tests/golden/`) and the claims report.
//!
//! Golden files are rewritten with `UPDATE_GOLDEN=1 cargo test --test factcheck`; review the
//! diff before committing it.

use annotator::domain::annotation::{Annotation, AnnotationId, Relation, RelationId, RelationKind};
use annotator::domain::document::{Document, DocumentId, Metadata};
use annotator::domain::factcheck::FactCheckSettings;
use annotator::domain::factcheck::claim_review::{ClaimReviewGap, claim_reviews};
use annotator::domain::factcheck::fields::{
    self, ClaimStatus, FieldError, FieldKind, fields_for, safe_link, validate_attributes,
};
use annotator::domain::factcheck::rating::{Rating, RatingScale, RatingScaleError};
use annotator::domain::factcheck::relations::{
    RelationRuleError, allowed_kinds, check_relation, claimant, sources,
};
use annotator::domain::factcheck::report::{
    CSV_HEADER, ClaimFilter, ClaimRow, ClaimSort, claim_rows, escape_markdown, filter_rows,
    sort_rows, to_csv, to_markdown,
};
use annotator::domain::tag::TagId;
use annotator::domain::text::{Text, TextRange};
use proptest::prelude::*;
use std::collections::BTreeSet;

// ---------------------------------------------------------------------------------------------
// Building documents

const ARTICLE: &str = "Mayor Jane Roe 😃 said unemployment fell by 40% last year. \
The city statistics office reported a 4% fall. \
Critics | say \"crime doubled\" since 2020. \
Roe also promised free buses by 2030.";

fn new_document(metadata: Metadata) -> Document {
    Document::new(DocumentId("doc-1".into()), metadata, Text::new(ARTICLE))
}

fn article_metadata() -> Metadata {
    Metadata {
        title: "City [budget] | a *bold* plan".into(),
        url: "https://news.example/articles/city-budget".into(),
        publisher: "Example News".into(),
        author: "A. Writer".into(),
        published: "2024-02-29".into(),
        language: String::new(),
    }
}

/// Annotates the first occurrence of `quote` in the document text, counting code points.
fn annotate(doc: &mut Document, id: &str, tag: &str, quote: &str, attributes: &[(&str, &str)]) {
    let text = doc.text.as_str();
    let byte_start = text
        .find(quote)
        .unwrap_or_else(|| panic!("{quote:?} is not in the article"));
    let start = text[..byte_start].chars().count();
    let end = start + quote.chars().count();
    let range = TextRange::from_code_points(start, end).expect("range");
    let mut annotation = Annotation::new(
        AnnotationId(id.into()),
        TagId(tag.into()),
        &doc.text,
        range,
        "t0",
    )
    .expect("annotation inside the text");
    assert_eq!(annotation.quote, quote, "offsets must be code points");
    for (key, value) in attributes {
        annotation.attributes.insert((*key).into(), (*value).into());
    }
    doc.annotations.push(annotation);
}

fn link(doc: &mut Document, from: &str, kind: &str, to: &str) {
    let id = RelationId(format!("r{}", doc.relations.len() + 1));
    doc.relations.push(Relation {
        id,
        kind: RelationKind::parse(kind),
        from: AnnotationId(from.into()),
        to: AnnotationId(to.into()),
    });
}

/// The article with four claims in varying states, two sources and three entities.
fn checked_article() -> Document {
    let mut doc = new_document(article_metadata());
    // Added out of text order on purpose: everything must come out in text order.
    annotate(
        &mut doc,
        "c-crime",
        "claim",
        "\"crime doubled\" since 2020",
        &[
            ("status", "in_progress"),
            ("claim_type", "quantity"),
            ("checkworthiness", "5"),
        ],
    );
    annotate(
        &mut doc,
        "c-unemployment",
        "claim",
        "unemployment fell by 40% last year",
        &[
            ("status", "checked"),
            ("verdict", "false"),
            ("statement", "Unemployment in the city fell by 40% in 2023."),
            ("claim_type", "quantity"),
            ("checkworthiness", "4"),
            ("factcheck_url", "https://checks.example/unemployment-40"),
        ],
    );
    annotate(
        &mut doc,
        "c-buses",
        "claim",
        "free buses by 2030",
        &[
            ("status", "checked"),
            ("verdict", "unverifiable"),
            ("claim_type", "prediction"),
            ("checkworthiness", "2"),
            ("factcheck_url", "https://checks.example/free-buses"),
        ],
    );
    annotate(
        &mut doc,
        "c-nourl",
        "claim",
        "reported a 4% fall",
        &[
            ("verdict", "true"),
            ("factcheck_url", "javascript:alert(1)"),
        ],
    );
    annotate(
        &mut doc,
        "e-roe",
        "entity",
        "Jane Roe",
        &[
            ("entity_type", "person"),
            ("canonical_name", "Jane Q. Roe"),
            ("identifier", "Q42"),
        ],
    );
    annotate(
        &mut doc,
        "e-office",
        "entity",
        "city statistics office",
        &[("entity_type", "organisation")],
    );
    annotate(&mut doc, "e-critics", "entity", "Critics", &[]);
    annotate(
        &mut doc,
        "s-office",
        "source",
        "The city statistics office reported",
        &[
            ("source_kind", "organisation"),
            ("url", "https://stats.example/2023"),
        ],
    );
    annotate(
        &mut doc,
        "s-roe",
        "source",
        "Roe also promised",
        &[("source_kind", "person")],
    );
    doc.annotations.iter_mut().for_each(|a| {
        if a.id.as_str() == "c-unemployment" {
            a.note = "Office figure is 4%, | not 40%.\nSee table 2.".into();
        }
    });
    link(&mut doc, "c-unemployment", "attributed_to", "e-roe");
    link(&mut doc, "c-unemployment", "contradicted_by", "s-office");
    link(&mut doc, "c-unemployment", "about", "e-office");
    link(&mut doc, "c-crime", "attributed_to", "e-critics");
    link(&mut doc, "c-buses", "attributed_to", "e-roe");
    link(&mut doc, "c-buses", "supported_by", "s-roe");
    link(&mut doc, "c-nourl", "attributed_to", "e-office");
    link(&mut doc, "s-office", "attributed_to", "e-office");
    doc
}

fn settings(organisation: &str) -> FactCheckSettings {
    FactCheckSettings {
        rating_scale: RatingScale::default(),
        organisation_name: organisation.into(),
    }
}

fn ids(list: &[&str]) -> Vec<AnnotationId> {
    list.iter().map(|id| AnnotationId((*id).into())).collect()
}

// ---------------------------------------------------------------------------------------------
// Golden files

fn check_golden(name: &str, actual: &str) {
    let path = format!("{}/tests/golden/{name}", env!("CARGO_MANIFEST_DIR"));
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, actual).expect("write golden file");
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("read {path}: {error}; run with UPDATE_GOLDEN=1"));
    assert_eq!(actual, expected, "output differs from {path}");
}

// ---------------------------------------------------------------------------------------------
// Rating scale

fn check_scale(
    name: &str,
    ratings: Vec<Rating>,
    expected: Result<(u32, u32), Vec<RatingScaleError>>,
) {
    let actual = RatingScale::new(ratings).map(|scale| (scale.best_rating(), scale.worst_rating()));
    assert_eq!(actual, expected, "{name}");
}

#[test]
fn default_scale_puts_true_on_top_and_leaves_unverifiable_unrated() {
    let scale = RatingScale::default();
    assert_eq!(
        RatingScale::new(scale.ratings().to_vec()).as_ref(),
        Ok(&scale)
    );
    let summary: Vec<(&str, &str, Option<u32>)> = scale
        .ratings()
        .iter()
        .map(|r| (r.id.as_str(), r.label.as_str(), r.value))
        .collect();
    assert_eq!(
        summary,
        [
            ("true", "True", Some(5)),
            ("mostly-true", "Mostly true", Some(4)),
            ("half-true", "Half true", Some(3)),
            ("mostly-false", "Mostly false", Some(2)),
            ("false", "False", Some(1)),
            ("misleading", "Misleading", Some(2)),
            ("unverifiable", "Unverifiable", None),
        ]
    );
    assert_eq!((scale.best_rating(), scale.worst_rating()), (5, 1));
    assert_eq!(
        scale.get("misleading").map(|r| r.label.as_str()),
        Some("Misleading")
    );
    assert_eq!(scale.get("Misleading"), None, "ids are matched exactly");
}

#[test]
fn custom_scales_are_validated() {
    let r = |id: &str, label: &str, value: Option<u32>| Rating::new(id, label, value);
    check_scale(
        "two values",
        vec![r("yes", "Correct", Some(1)), r("no", "Wrong", Some(0))],
        Ok((1, 0)),
    );
    check_scale(
        "unrated verdicts do not count",
        vec![
            r("a", "A", Some(10)),
            r("b", "B", None),
            r("c", "C", Some(3)),
        ],
        Ok((10, 3)),
    );
    check_scale(
        "one distinct value",
        vec![
            r("a", "A", Some(2)),
            r("b", "B", Some(2)),
            r("c", "C", None),
        ],
        Err(vec![RatingScaleError::TooFewRatedValues {
            distinct_values: 1,
        }]),
    );
    check_scale(
        "empty",
        vec![],
        Err(vec![RatingScaleError::TooFewRatedValues {
            distinct_values: 0,
        }]),
    );
    check_scale(
        "every problem is listed in order",
        vec![
            r("", "Nameless", Some(1)),
            r("ok", "  ", Some(2)),
            r("ok", "Twice", Some(3)),
            r("has space", "Spaced", Some(4)),
            r("x", "twice", Some(5)),
        ],
        Err(vec![
            RatingScaleError::EmptyId { position: 1 },
            RatingScaleError::EmptyLabel { id: "ok".into() },
            RatingScaleError::DuplicateId { id: "ok".into() },
            RatingScaleError::BadId {
                id: "has space".into(),
            },
            RatingScaleError::DuplicateLabel {
                label: "twice".into(),
            },
        ]),
    );
}

#[test]
fn scale_errors_speak_to_people() {
    let message = RatingScaleError::TooFewRatedValues { distinct_values: 1 }.to_string();
    assert_eq!(
        message,
        "a scale needs at least two verdicts with different numbers, it has 1"
    );
    let message = RatingScaleError::DuplicateId { id: "no".into() }.to_string();
    assert_eq!(
        message,
        "two verdicts have the id \"no\"; give each its own"
    );
}

// ---------------------------------------------------------------------------------------------
// Fields

fn check_field(tag: &str, key: &str, value: &str, expected: Result<(), FieldError>) {
    let spec = fields::field(&TagId(tag.into()), key)
        .unwrap_or_else(|| panic!("{tag} has no field {key}"));
    let actual = spec.validate_with_scale(value, &RatingScale::default());
    assert_eq!(actual, expected, "{tag}.{key} = {value:?}");
}

#[test]
fn schema_lists_the_fields_of_each_tag_with_the_agreed_labels() {
    let keys = |tag: &str| -> Vec<&str> {
        fields_for(&TagId(tag.into()))
            .iter()
            .map(|f| f.key)
            .collect()
    };
    assert_eq!(
        keys("claim"),
        [
            "status",
            "verdict",
            "statement",
            "claim_type",
            "checkworthiness",
            "factcheck_url"
        ]
    );
    assert_eq!(
        keys("source"),
        ["source_kind", "url", "accessed", "reliability"]
    );
    assert_eq!(
        keys("entity"),
        ["entity_type", "canonical_name", "identifier"]
    );
    assert_eq!(
        keys("quote"),
        Vec::<&str>::new(),
        "custom tags have no schema"
    );

    let label = |key: &str| fields::field(&TagId("claim".into()), key).map(|f| f.label);
    assert_eq!(label("verdict"), Some("Verdict"));
    assert_eq!(label("status"), Some("Status"));
    assert_eq!(label("statement"), Some("Claim statement"));
    assert_eq!(label("factcheck_url"), Some("Fact-check URL"));

    let kind = |tag: &str, key: &str| fields::field(&TagId(tag.into()), key).map(|f| f.kind);
    assert_eq!(
        kind("claim", "checkworthiness"),
        Some(FieldKind::IntegerRange { min: 1, max: 5 })
    );
    assert_eq!(kind("source", "accessed"), Some(FieldKind::Date));
    assert_eq!(kind("source", "reliability"), Some(FieldKind::Multiline));
    let options = |tag: &str, key: &str| match kind(tag, key) {
        Some(FieldKind::Choice(options)) => options.iter().map(|o| o.value).collect(),
        _ => Vec::new(),
    };
    assert_eq!(
        options("claim", "status"),
        ["unchecked", "in_progress", "checked"]
    );
    assert_eq!(
        options("claim", "claim_type"),
        [
            "quantity",
            "causal",
            "prediction",
            "quote",
            "rule",
            "opinion",
            "other"
        ]
    );
    assert_eq!(
        options("source", "source_kind"),
        [
            "person",
            "document",
            "organisation",
            "dataset",
            "media",
            "anonymous"
        ]
    );
    assert_eq!(
        options("entity", "entity_type"),
        ["person", "organisation", "place", "event", "other"]
    );
}

#[test]
fn field_values_are_validated() {
    let not_a_link = |v: &str| Err(FieldError::NotAWebLink { value: v.into() });
    let not_a_date = |v: &str| Err(FieldError::NotADate { value: v.into() });
    let no_such_day = |v: &str| Err(FieldError::NoSuchDay { value: v.into() });
    let out_of_range = |v: &str| {
        Err(FieldError::NumberOutOfRange {
            value: v.into(),
            min: 1,
            max: 5,
        })
    };
    let not_a_number = |v: &str| Err(FieldError::NotANumber { value: v.into() });
    let not_an_id = |v: &str| Err(FieldError::NotAnIdentifier { value: v.into() });

    // Empty means "not set" for every field.
    for spec in fields_for(&TagId("claim".into())) {
        assert_eq!(spec.validate(""), Ok(()), "{}", spec.key);
    }
    check_field("claim", "status", "checked", Ok(()));
    check_field(
        "claim",
        "status",
        "done",
        Err(FieldError::NotAnOption {
            value: "done".into(),
            options: vec!["unchecked", "in_progress", "checked"],
        }),
    );
    check_field("claim", "verdict", "mostly-false", Ok(()));
    check_field(
        "claim",
        "verdict",
        "pants-on-fire",
        Err(FieldError::UnknownVerdict {
            value: "pants-on-fire".into(),
        }),
    );
    check_field("claim", "statement", "Unemployment fell by 40%.", Ok(()));
    check_field(
        "claim",
        "statement",
        "two\nlines",
        Err(FieldError::LineBreakInText),
    );
    check_field("claim", "claim_type", "rule", Ok(()));
    check_field("claim", "checkworthiness", "1", Ok(()));
    check_field("claim", "checkworthiness", "5", Ok(()));
    check_field("claim", "checkworthiness", "0", out_of_range("0"));
    check_field("claim", "checkworthiness", "6", out_of_range("6"));
    check_field(
        "claim",
        "checkworthiness",
        "99999999999999999999",
        out_of_range("99999999999999999999"),
    );
    check_field("claim", "checkworthiness", "+3", not_a_number("+3"));
    check_field("claim", "checkworthiness", " 3", not_a_number(" 3"));
    check_field("claim", "checkworthiness", "three", not_a_number("three"));
    check_field(
        "claim",
        "factcheck_url",
        "https://checks.example/a?b=c#d",
        Ok(()),
    );
    check_field("claim", "factcheck_url", "HTTP://EXAMPLE.COM", Ok(()));
    check_field(
        "claim",
        "factcheck_url",
        "javascript:alert(1)",
        not_a_link("javascript:alert(1)"),
    );
    check_field(
        "source",
        "url",
        "data:text/html,<b>x</b>",
        not_a_link("data:text/html,<b>x</b>"),
    );
    check_field(
        "source",
        "url",
        "www.example.com",
        not_a_link("www.example.com"),
    );
    check_field("source", "accessed", "2024-02-29", Ok(()));
    check_field("source", "accessed", "2000-02-29", Ok(()));
    check_field(
        "source",
        "accessed",
        "1900-02-29",
        no_such_day("1900-02-29"),
    );
    check_field(
        "source",
        "accessed",
        "2023-02-29",
        no_such_day("2023-02-29"),
    );
    check_field(
        "source",
        "accessed",
        "2024-04-31",
        no_such_day("2024-04-31"),
    );
    check_field(
        "source",
        "accessed",
        "2024-13-01",
        no_such_day("2024-13-01"),
    );
    check_field(
        "source",
        "accessed",
        "2024-01-00",
        no_such_day("2024-01-00"),
    );
    check_field("source", "accessed", "2024-1-05", not_a_date("2024-1-05"));
    check_field("source", "accessed", "05/01/2024", not_a_date("05/01/2024"));
    check_field(
        "source",
        "accessed",
        "２０２４-01-05",
        not_a_date("２０２４-01-05"),
    );
    check_field(
        "source",
        "reliability",
        "Primary data.\nUpdated yearly.",
        Ok(()),
    );
    check_field("entity", "identifier", "Q42", Ok(()));
    check_field("entity", "identifier", "P31", Ok(()));
    check_field(
        "entity",
        "identifier",
        "https://www.wikidata.org/wiki/Q42",
        Ok(()),
    );
    check_field("entity", "identifier", "Q042", not_an_id("Q042"));
    check_field("entity", "identifier", "q42", not_an_id("q42"));
    check_field("entity", "identifier", "Q", not_an_id("Q"));
    check_field("entity", "identifier", "Q4 2", not_an_id("Q4 2"));
    check_field("entity", "canonical_name", "Douglas Adams", Ok(()));
}

#[test]
fn field_errors_say_what_to_write_instead() {
    let cases = [
        (
            FieldError::NotAWebLink {
                value: "ftp://x".into(),
            },
            "\"ftp://x\" is not a web link; it must start with http:// or https:// and contain no spaces",
        ),
        (
            FieldError::NotADate {
                value: "5 May".into(),
            },
            "\"5 May\" is not a date written YYYY-MM-DD, such as 2024-03-31",
        ),
        (
            FieldError::NumberOutOfRange {
                value: "9".into(),
                min: 1,
                max: 5,
            },
            "9 is outside 1 to 5",
        ),
        (
            FieldError::NotAnIdentifier { value: "x".into() },
            "\"x\" is neither a Wikidata id (such as Q42) nor an http(s) link",
        ),
    ];
    for (error, message) in cases {
        assert_eq!(error.to_string(), message);
    }
}

#[test]
fn attributes_are_checked_as_a_whole_and_unknown_keys_left_alone() {
    let mut attributes = std::collections::BTreeMap::new();
    attributes.insert("status".to_string(), "checked".to_string());
    attributes.insert("verdict".to_string(), "nonsense".to_string());
    attributes.insert("checkworthiness".to_string(), "7".to_string());
    attributes.insert("brat:Negation".to_string(), "anything at all".to_string());
    let problems =
        validate_attributes(&TagId("claim".into()), &attributes, &RatingScale::default());
    assert_eq!(
        problems,
        [
            (
                "verdict",
                FieldError::UnknownVerdict {
                    value: "nonsense".into()
                }
            ),
            (
                "checkworthiness",
                FieldError::NumberOutOfRange {
                    value: "7".into(),
                    min: 1,
                    max: 5
                }
            ),
        ]
    );
}

#[test]
fn display_values_use_labels() {
    let scale = RatingScale::default();
    let claim = TagId("claim".into());
    let display =
        |key: &str, value: &str| fields::field(&claim, key).map(|f| f.display_value(value, &scale));
    assert_eq!(
        display("verdict", "half-true").as_deref(),
        Some("Half true")
    );
    assert_eq!(display("verdict", "gone").as_deref(), Some("gone"));
    assert_eq!(display("claim_type", "rule").as_deref(), Some("Rule / law"));
    assert_eq!(display("statement", "As is").as_deref(), Some("As is"));
    assert_eq!(
        ClaimStatus::from_attribute(Some("in_progress")).label(),
        "In progress"
    );
    assert_eq!(
        ClaimStatus::from_attribute(Some("bogus")),
        ClaimStatus::Unchecked
    );
    assert_eq!(ClaimStatus::from_attribute(None), ClaimStatus::Unchecked);
}

fn check_link(url: &str, expected: Option<&str>) {
    assert_eq!(safe_link(url), expected, "safe_link({url:?})");
}

#[test]
fn only_http_links_are_rendered() {
    check_link("https://example.com", Some("https://example.com"));
    check_link(
        "http://example.com/path?q=1#top",
        Some("http://example.com/path?q=1#top"),
    );
    check_link("  https://example.com/x \n", Some("https://example.com/x"));
    check_link("HtTpS://Example.com", Some("HtTpS://Example.com"));
    check_link(
        "https://user@example.com:8080/",
        Some("https://user@example.com:8080/"),
    );
    check_link(
        "https://[2001:db8::1]:443/",
        Some("https://[2001:db8::1]:443/"),
    );
    check_link("https://例え.テスト/パス", Some("https://例え.テスト/パス"));
    check_link("javascript:alert(1)", None);
    check_link("JavaScript:alert(1)", None);
    check_link("java\nscript:alert(1)", None);
    check_link("data:text/html;base64,PHNjcmlwdD4=", None);
    check_link("vbscript:msgbox", None);
    check_link("file:///etc/passwd", None);
    check_link("//example.com", None);
    check_link("/relative/path", None);
    check_link("https://", None);
    check_link("https:///path", None);
    check_link("https://:80/", None);
    check_link("https://user@/", None);
    check_link("https://[/", None);
    check_link("https://exa mple.com", None);
    check_link("https://example.com/\"onmouseover=\"x", None);
    check_link("https://example.com/<script>", None);
    check_link("https:\\\\example.com", None);
    check_link("https://example.com\u{0}", None);
    check_link("", None);
    check_link("h", None);
    check_link("é", None);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn safe_links_always_start_with_http(url in "\\PC{0,40}") {
        if let Some(link) = safe_link(&url) {
            let lower = link.to_ascii_lowercase();
            prop_assert!(lower.starts_with("http://") || lower.starts_with("https://"));
            prop_assert!(!link.chars().any(char::is_whitespace));
        }
    }

    #[test]
    fn validation_never_panics_and_dates_agree(value in "\\PC{0,16}", year in 0u32..10000, month in 0u32..14, day in 0u32..33) {
        for tag in ["claim", "source", "entity"] {
            for spec in fields_for(&TagId(tag.into())) {
                let _ = spec.validate_with_scale(&value, &RatingScale::default());
            }
        }
        let date = format!("{year:04}-{month:02}-{day:02}");
        let days_in_month = [31, if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
        let real = (1..=12).contains(&month) && day >= 1 && day <= days_in_month[(month.max(1) - 1) as usize];
        prop_assert_eq!(fields::is_valid_date(&date), real, "{}", date);
    }
}

// ---------------------------------------------------------------------------------------------
// Relation rules

fn check_rule(
    doc: &Document,
    from: &str,
    to: &str,
    kind: &str,
    expected: Result<(), RelationRuleError>,
) {
    let actual = check_relation(
        doc,
        &AnnotationId(from.into()),
        &AnnotationId(to.into()),
        &RelationKind::parse(kind),
    );
    assert_eq!(actual, expected, "{from} -{kind}-> {to}");
}

#[test]
fn built_in_kinds_are_offered_where_they_mean_something() {
    let tag = |id: &str| TagId(id.into());
    use RelationKind::*;
    let cases: [(&str, &str, Vec<RelationKind>); 7] = [
        ("claim", "source", vec![SupportedBy, ContradictedBy]),
        ("claim", "entity", vec![AttributedTo, About]),
        ("source", "entity", vec![AttributedTo, About]),
        ("source", "claim", vec![]),
        ("entity", "claim", vec![]),
        ("claim", "claim", vec![]),
        ("quote", "source", vec![]),
    ];
    for (from, to, expected) in cases {
        assert_eq!(
            allowed_kinds(&tag(from), &tag(to)),
            expected,
            "{from} -> {to}"
        );
    }
}

#[test]
fn relations_are_checked_against_the_rules() {
    let doc = checked_article();
    let not_allowed = |kind: RelationKind, from: &str, to: &str, allowed: Vec<RelationKind>| {
        Err(RelationRuleError::KindNotAllowed {
            kind,
            from_tag: TagId(from.into()),
            to_tag: TagId(to.into()),
            allowed,
        })
    };
    check_rule(&doc, "c-crime", "s-office", "supported_by", Ok(()));
    check_rule(&doc, "c-crime", "e-office", "about", Ok(()));
    check_rule(&doc, "s-roe", "e-roe", "attributed_to", Ok(()));
    check_rule(&doc, "c-crime", "c-buses", "contrasts_with", Ok(()));
    check_rule(&doc, "e-roe", "s-roe", "mentioned_in", Ok(()));
    check_rule(
        &doc,
        "c-crime",
        "s-office",
        "attributed_to",
        not_allowed(
            RelationKind::AttributedTo,
            "claim",
            "source",
            vec![RelationKind::SupportedBy, RelationKind::ContradictedBy],
        ),
    );
    check_rule(
        &doc,
        "s-office",
        "c-crime",
        "supported_by",
        not_allowed(RelationKind::SupportedBy, "source", "claim", vec![]),
    );
    check_rule(
        &doc,
        "c-crime",
        "c-crime",
        "contrasts_with",
        Err(RelationRuleError::ToItself {
            id: AnnotationId("c-crime".into()),
        }),
    );
    check_rule(
        &doc,
        "c-crime",
        "nowhere",
        "about",
        Err(RelationRuleError::UnknownAnnotation {
            id: AnnotationId("nowhere".into()),
        }),
    );
    check_rule(
        &doc,
        "nowhere",
        "c-crime",
        "about",
        Err(RelationRuleError::UnknownAnnotation {
            id: AnnotationId("nowhere".into()),
        }),
    );
    check_rule(
        &doc,
        "c-crime",
        "e-roe",
        " ",
        Err(RelationRuleError::EmptyCustomKind),
    );
    check_rule(
        &doc,
        "c-unemployment",
        "e-roe",
        "attributed_to",
        Err(RelationRuleError::AlreadyLinked {
            kind: RelationKind::AttributedTo,
        }),
    );
    check_rule(
        &doc,
        "e-roe",
        "c-unemployment",
        "attributed_to",
        not_allowed(RelationKind::AttributedTo, "entity", "claim", vec![]),
    );
}

#[test]
fn rule_errors_suggest_what_is_allowed() {
    let error = RelationRuleError::KindNotAllowed {
        kind: RelationKind::About,
        from_tag: TagId("claim".into()),
        to_tag: TagId("source".into()),
        allowed: vec![RelationKind::SupportedBy, RelationKind::ContradictedBy],
    };
    assert_eq!(
        error.to_string(),
        "a claim cannot be \"about\" a source; choose supported by, contradicted by or a custom relation name"
    );
}

#[test]
fn claimant_and_sources_follow_the_links() {
    let mut doc = checked_article();
    let claim = AnnotationId("c-unemployment".into());
    assert_eq!(claimant(&doc, &claim).map(|a| a.id.as_str()), Some("e-roe"));
    let linked: Vec<(RelationKind, &str)> = sources(&doc, &claim)
        .into_iter()
        .map(|(kind, a)| (kind, a.id.as_str()))
        .collect();
    assert_eq!(linked, [(RelationKind::ContradictedBy, "s-office")]);

    // Only entities are claimants; sources come in text order whatever the link order.
    link(&mut doc, "c-crime", "supported_by", "s-roe");
    link(&mut doc, "c-crime", "cites", "s-office");
    link(&mut doc, "c-crime", "about", "e-roe");
    let crime = AnnotationId("c-crime".into());
    assert_eq!(
        claimant(&doc, &crime).map(|a| a.id.as_str()),
        Some("e-critics")
    );
    let linked: Vec<(String, &str)> = sources(&doc, &crime)
        .into_iter()
        .map(|(kind, a)| (kind.as_str().to_string(), a.id.as_str()))
        .collect();
    assert_eq!(
        linked,
        [
            ("cites".to_string(), "s-office"),
            ("supported_by".to_string(), "s-roe")
        ]
    );
    assert_eq!(claimant(&doc, &AnnotationId("e-roe".into())), None);
}

// ---------------------------------------------------------------------------------------------
// ClaimReview

#[test]
fn claim_reviews_match_the_golden_file() {
    let export = claim_reviews(
        &checked_article(),
        &settings("Example Checks"),
        "2024-03-05",
    );
    assert_eq!(export.exported, ids(&["c-unemployment", "c-buses"]));
    assert_eq!(
        export.gaps,
        [ClaimReviewGap {
            annotation_id: AnnotationId("c-nourl".into()),
            missing: vec!["url"]
        }],
        "a javascript: URL is no URL; the claim without a verdict is not reviewed at all"
    );
    check_golden("claim_review.json", &export.json);

    let parsed: serde_json::Value = serde_json::from_str(&export.json).expect("valid JSON");
    let first = &parsed[0];
    assert_eq!(first["@context"], "https://schema.org");
    assert_eq!(first["reviewRating"]["alternateName"], "False");
    assert_eq!(first["itemReviewed"]["author"]["name"], "Jane Q. Roe");
    assert_eq!(
        first["itemReviewed"]["appearance"]["headline"],
        "City [budget] | a *bold* plan"
    );
    let second = &parsed[1];
    assert!(
        second["reviewRating"].get("ratingValue").is_none(),
        "unverifiable has no number"
    );
    assert!(second["reviewRating"].get("bestRating").is_none());
}

#[test]
fn claim_reviews_leave_out_what_is_not_known() {
    let mut doc = new_document(Metadata {
        published: "2024-02-30".into(),
        url: "javascript:x".into(),
        ..Metadata::default()
    });
    annotate(
        &mut doc,
        "c1",
        "claim",
        "crime doubled",
        &[
            ("verdict", "misleading"),
            ("factcheck_url", "https://checks.example/crime"),
        ],
    );
    annotate(
        &mut doc,
        "e1",
        "entity",
        "city statistics office",
        &[("entity_type", "organisation")],
    );
    link(&mut doc, "c1", "attributed_to", "e1");
    let export = claim_reviews(&doc, &settings("Example Checks"), "not a date");
    assert_eq!(export.gaps, []);
    check_golden("claim_review_minimal.json", &export.json);
}

#[test]
fn claims_missing_required_fields_are_listed_not_exported() {
    let mut doc = checked_article();
    annotate(
        &mut doc,
        "c-blank",
        "claim",
        " ",
        &[
            ("verdict", "true"),
            ("factcheck_url", "https://c.example/1"),
        ],
    );
    annotate(
        &mut doc,
        "c-odd",
        "claim",
        "said",
        &[("verdict", "pants-on-fire")],
    );
    let export = claim_reviews(&doc, &settings("   "), "2024-03-05");
    assert_eq!(export.exported, Vec::<AnnotationId>::new());
    assert_eq!(export.json, "[]");
    let gaps: Vec<(&str, Vec<&str>)> = export
        .gaps
        .iter()
        .map(|g| (g.annotation_id.as_str(), g.missing.clone()))
        .collect();
    assert_eq!(
        gaps,
        [
            ("c-blank", vec!["claimReviewed", "author.name"]),
            (
                "c-odd",
                vec!["reviewRating.alternateName", "url", "author.name"]
            ),
            ("c-unemployment", vec!["author.name"]),
            ("c-nourl", vec!["url", "author.name"]),
            ("c-buses", vec!["author.name"]),
        ]
    );
}

#[test]
fn claim_review_json_is_safe_inside_a_script_element() {
    let mut doc = new_document(Metadata {
        title: "Q&A <live>".into(),
        ..Metadata::default()
    });
    let statement = "Roe said </script><script>alert(1)</script> & more\u{2028}here";
    annotate(
        &mut doc,
        "c1",
        "claim",
        "crime doubled",
        &[
            ("verdict", "false"),
            ("statement", statement),
            ("factcheck_url", "https://c.example/?a=1&b=2"),
        ],
    );
    let export = claim_reviews(&doc, &settings("Checks <&> Co"), "2024-03-05");
    assert_eq!(export.exported, ids(&["c1"]));
    for forbidden in ['<', '>', '&', '\u{2028}'] {
        assert!(
            !export.json.contains(forbidden),
            "{forbidden:?} in {}",
            export.json
        );
    }
    let parsed: serde_json::Value = serde_json::from_str(&export.json).expect("valid JSON");
    assert_eq!(parsed[0]["claimReviewed"], statement);
    assert_eq!(parsed[0]["url"], "https://c.example/?a=1&b=2");
    assert_eq!(parsed[0]["author"]["name"], "Checks <&> Co");
    assert_eq!(
        parsed[0]["itemReviewed"]["appearance"]["headline"],
        "Q&A <live>"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// Whatever the attributes say, every claim with a verdict is either exported as valid
    /// JSON carrying the required properties or listed as a gap, never both, never lost.
    #[test]
    fn every_claim_with_a_verdict_is_exported_or_listed(
        verdict in prop_oneof![Just("true".to_string()), Just("unverifiable".to_string()), "\\PC{0,8}"],
        statement in "\\PC{0,12}",
        url in prop_oneof![Just("https://c.example/x".to_string()), "\\PC{0,12}"],
        organisation in "\\PC{0,6}",
        published in "\\PC{0,10}",
    ) {
        let mut doc = checked_article();
        doc.metadata.published = published;
        for annotation in doc.annotations.iter_mut().filter(|a| a.tag.as_str() == "claim") {
            annotation.attributes.insert("verdict".into(), verdict.clone());
            annotation.attributes.insert("statement".into(), statement.clone());
            annotation.attributes.insert("factcheck_url".into(), url.clone());
        }
        let export = claim_reviews(&doc, &settings(&organisation), "2024-03-05");
        let parsed: Vec<serde_json::Value> = serde_json::from_str(&export.json).expect("valid JSON");
        prop_assert_eq!(parsed.len(), export.exported.len());
        let with_verdict = if verdict.trim().is_empty() { 0 } else { 4 };
        prop_assert_eq!(export.exported.len() + export.gaps.len(), with_verdict);
        for review in &parsed {
            for path in [&["claimReviewed"][..], &["reviewRating", "alternateName"], &["url"], &["author", "name"]] {
                let value = path.iter().fold(review, |v, key| &v[*key]);
                prop_assert!(value.as_str().is_some_and(|s| !s.trim().is_empty()), "{:?} in {}", path, review);
            }
        }
        for gap in &export.gaps {
            prop_assert!(!gap.missing.is_empty());
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Report

fn report_rows() -> Vec<ClaimRow> {
    claim_rows(&checked_article(), &RatingScale::default())
}

fn numbers(rows: &[ClaimRow]) -> Vec<&str> {
    rows.iter().map(|r| r.annotation_id.as_str()).collect()
}

#[test]
fn report_rows_resolve_labels_links_and_text_order() {
    let rows = report_rows();
    assert_eq!(
        numbers(&rows),
        ["c-unemployment", "c-nourl", "c-crime", "c-buses"]
    );
    let first = &rows[0];
    assert_eq!(first.number, 1);
    assert_eq!(
        first.statement,
        "Unemployment in the city fell by 40% in 2023."
    );
    assert_eq!(first.verdict_label(), "False");
    assert_eq!(first.status, ClaimStatus::Checked);
    assert_eq!(first.claim_type, "Quantity");
    assert_eq!(first.checkworthiness, Some(4));
    assert_eq!(first.claimant.as_deref(), Some("Jane Q. Roe"));
    assert_eq!(first.sources.len(), 1);
    assert_eq!(
        first.sources[0].quote,
        "The city statistics office reported"
    );
    let crime = &rows[2];
    assert_eq!(
        (crime.verdict.as_ref(), crime.status),
        (None, ClaimStatus::InProgress)
    );
    assert_eq!(
        crime.claimant.as_deref(),
        Some("Critics"),
        "no canonical name: the quote"
    );
    assert_eq!(rows[1].status, ClaimStatus::Unchecked, "no status stored");
}

fn check_sort(by: ClaimSort, expected: &[&str]) {
    let mut rows = report_rows();
    rows.reverse();
    sort_rows(&mut rows, by);
    assert_eq!(numbers(&rows), expected, "{by:?}");
}

#[test]
fn report_sorts() {
    check_sort(
        ClaimSort::TextOrder,
        &["c-unemployment", "c-nourl", "c-crime", "c-buses"],
    );
    // true (5), false (1), unverifiable (unrated), no verdict.
    check_sort(
        ClaimSort::Verdict,
        &["c-nourl", "c-unemployment", "c-buses", "c-crime"],
    );
    check_sort(
        ClaimSort::Status,
        &["c-nourl", "c-crime", "c-unemployment", "c-buses"],
    );
    check_sort(
        ClaimSort::Checkworthiness,
        &["c-crime", "c-unemployment", "c-buses", "c-nourl"],
    );
}

fn check_filter(filter: ClaimFilter, expected: &[&str]) {
    let rows = report_rows();
    assert_eq!(
        numbers(&filter_rows(&rows, &filter)),
        expected,
        "{filter:?}"
    );
}

#[test]
fn report_filters() {
    let verdicts = |list: &[Option<&str>]| {
        Some(
            list.iter()
                .map(|v| v.map(str::to_string))
                .collect::<BTreeSet<_>>(),
        )
    };
    let statuses = |list: &[ClaimStatus]| Some(list.iter().copied().collect::<BTreeSet<_>>());
    check_filter(
        ClaimFilter::default(),
        &["c-unemployment", "c-nourl", "c-crime", "c-buses"],
    );
    check_filter(
        ClaimFilter {
            verdicts: verdicts(&[Some("false"), Some("true")]),
            statuses: None,
        },
        &["c-unemployment", "c-nourl"],
    );
    check_filter(
        ClaimFilter {
            verdicts: verdicts(&[None]),
            statuses: None,
        },
        &["c-crime"],
    );
    check_filter(
        ClaimFilter {
            verdicts: None,
            statuses: statuses(&[ClaimStatus::Checked]),
        },
        &["c-unemployment", "c-buses"],
    );
    check_filter(
        ClaimFilter {
            verdicts: verdicts(&[Some("false"), Some("true")]),
            statuses: statuses(&[ClaimStatus::Checked]),
        },
        &["c-unemployment"],
    );
    check_filter(
        ClaimFilter {
            verdicts: verdicts(&[]),
            statuses: None,
        },
        &[],
    );
}

/// A small RFC 4180 reader, independent of the writer, that also undoes the writer's formula
/// guard (a `'` put before a leading `=`, `+`, `-` or `@`).
fn read_csv(input: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut was_quoted = false;
    let mut chars = input.chars().peekable();
    let finish_field = |field: &mut String, was_quoted: &mut bool, row: &mut Vec<String>| {
        let value =
            annotator::domain::csv::unguard(&std::mem::take(field), *was_quoted).to_string();
        *was_quoted = false;
        row.push(value);
    };
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => {
                quoted = true;
                was_quoted = true;
            }
            (false, ',') => finish_field(&mut field, &mut was_quoted, &mut row),
            (false, '\r') if chars.peek() == Some(&'\n') => {
                chars.next();
                finish_field(&mut field, &mut was_quoted, &mut row);
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => field.push(c),
        }
    }
    assert!(field.is_empty() && row.is_empty(), "CSV must end with CRLF");
    rows
}

#[test]
fn report_csv_reads_back_cell_for_cell() {
    let rows = report_rows();
    let table = read_csv(&to_csv(&rows));
    assert_eq!(table.len(), rows.len() + 1);
    assert_eq!(table[0], CSV_HEADER);
    let expected_first = [
        "1",
        "c-unemployment",
        "Unemployment in the city fell by 40% in 2023.",
        "unemployment fell by 40% last year",
        "False",
        "false",
        "Checked",
        "Quantity",
        "4",
        "Jane Q. Roe",
        "contradicted_by: The city statistics office reported",
        "Office figure is 4%, | not 40%.\nSee table 2.",
    ];
    let without_offsets: Vec<String> = table[1]
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != 2 && *i != 3)
        .map(|(_, cell)| cell.clone())
        .collect();
    assert_eq!(without_offsets, expected_first);
    let text = checked_article().text;
    for (row, cells) in rows.iter().zip(&table[1..]) {
        assert_eq!(cells[1], row.annotation_id.as_str());
        // start and end are code points into the text: they give back the claim's quote.
        let start: usize = cells[2].parse().expect("start is a number");
        let end: usize = cells[3].parse().expect("end is a number");
        let quote: String = text
            .as_str()
            .chars()
            .skip(start)
            .take(end - start)
            .collect();
        assert_eq!(quote, row.quote);
        assert_eq!(cells[5], row.quote);
        assert_eq!(cells[6], row.verdict_label());
        assert_eq!(cells[13], row.note);
    }
    assert_eq!(table[3][5], "\"crime doubled\" since 2020");
}

#[test]
fn report_markdown_matches_the_golden_file() {
    let doc = checked_article();
    let rows = claim_rows(&doc, &RatingScale::default());
    check_golden("claims_report.md", &to_markdown(&doc.metadata, &rows));
}

#[test]
fn markdown_escaping_keeps_text_inert() {
    let cases = [
        ("plain words", "plain words"),
        ("a | b", "a \\| b"),
        ("*bold* _it_ `code`", "\\*bold\\* \\_it\\_ \\`code\\`"),
        ("[link](javascript:x)", "\\[link\\]\\(javascript:x\\)"),
        ("<script>&amp;", "\\<script\\>\\&amp;"),
        ("line\r\nbreak\n\nagain", "line break again"),
        ("back\\slash", "back\\\\slash"),
        ("l😃rem", "l😃rem"),
    ];
    for (input, expected) in cases {
        assert_eq!(escape_markdown(input), expected, "{input:?}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn csv_round_trips_any_note_and_statement(note in "\\PC{0,30}|[-=+@\",\r\n|]{0,6}", statement in "[ -~\n]{0,20}") {
        let mut rows = report_rows();
        rows[0].note = note.clone();
        rows[1].statement = statement.clone();
        let table = read_csv(&to_csv(&rows));
        prop_assert_eq!(&table[1][13], &note);
        prop_assert_eq!(&table[2][4], &statement);
    }

    #[test]
    fn escaped_markdown_is_one_line_without_bare_syntax(text in "\\PC{0,40}|[|*_\\[\\]\\\\\n]{0,10}") {
        let escaped = escape_markdown(&text);
        prop_assert!(!escaped.contains('\n') && !escaped.contains('\r'));
        let mut chars = escaped.chars();
        while let Some(c) = chars.next() {
            if c == '\\' {
                prop_assert!(chars.next().is_some(), "a backslash always escapes something");
            } else {
                prop_assert!(!matches!(c, '|' | '*' | '_' | '[' | ']' | '`' | '<'), "bare {:?} in {:?}", c, escaped);
            }
        }
    }
}

#[test]
fn an_entity_without_a_type_is_no_guessed_person() {
    let mut doc = new_document(Metadata::default());
    annotate(
        &mut doc,
        "c1",
        "claim",
        "crime doubled",
        &[
            ("verdict", "misleading"),
            ("factcheck_url", "https://checks.example/crime"),
        ],
    );
    annotate(&mut doc, "e1", "entity", "city statistics office", &[]);
    link(&mut doc, "c1", "attributed_to", "e1");
    let export = claim_reviews(&doc, &settings("Example Checks"), "2024-03-05");
    let parsed: serde_json::Value = serde_json::from_str(&export.json).expect("valid JSON");
    let author = &parsed[0]["itemReviewed"]["author"];
    assert_eq!(author["name"], "city statistics office");
    assert!(author.get("@type").is_none(), "no guessed type: {author}");
}
