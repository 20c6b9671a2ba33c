//! Interchange formats: round trips through every exporter and reader, the brat crafted
//! cases as their manifest describes them, the W3C test-suite samples, sniffing, and
//! arbitrary bytes into `read_any`.

use annotator::domain::annotation::{Annotation, AnnotationId, Relation, RelationId, RelationKind};
use annotator::domain::document::{Document, DocumentId, Metadata};
use annotator::domain::import::{ImportBatch, OffsetUnit, Severity};
use annotator::domain::interchange::sniff::{Sniffed, read_any, read_or_defer, sniff};
use annotator::domain::interchange::{
    ExportFormat, ExportedFile, brat, csv_export, export, jsonl, label_studio, w3c,
};
use annotator::domain::tag::TagId;
use annotator::domain::text::{Text, TextRange};
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

const ARTICLE: &str = "Mayor Zoë Núñez said on Monday that crime fell 12% last year 📉, citing police data.\r\nThe claim was disputed by the Riverside Tribune,\nwhich reported a 3% rise.";

fn annotation(text: &Text, id: &str, tag: &str, start: usize, end: usize) -> Annotation {
    let range = TextRange::from_code_points(start, end).expect("test range");
    Annotation::new(
        AnnotationId(id.into()),
        TagId(tag.into()),
        text,
        range,
        "2024-05-01T10:00:00Z",
    )
    .expect("test span")
}

fn sample_document(url: &str) -> Document {
    let text = Text::new(ARTICLE);
    let find = |needle: &str| {
        let byte = ARTICLE.find(needle).expect("needle in article");
        let start = ARTICLE[..byte].chars().count();
        (start, start + needle.chars().count())
    };
    let mut document = Document::new(
        DocumentId("doc 1/ü".into()),
        Metadata {
            title: "Mayor's claims".into(),
            url: url.into(),
            ..Metadata::default()
        },
        text.clone(),
    );
    let (s, e) = find("crime fell 12% last year 📉");
    let mut claim = annotation(&text, "a1", "claim", s, e);
    claim.note = "Check the police\nannual report, \"page\" 3;\ttab \\ back".into();
    claim
        .attributes
        .insert("confidence level".into(), "high = 90%".into());
    claim.attributes.insert("checked".into(), "yes".into());
    let (s, e) = find("police data");
    let mut source = annotation(&text, "a 2:x", "source", s, e);
    source.note = "=SUM(A1) looks like a formula".into();
    let (s, e) = find("Zoë Núñez");
    let mut person = annotation(&text, "a3", "entity", s, e);
    person.created = "not a date".into();
    let (s, e) = find("Riverside Tribune,\nwhich reported");
    let across_lines = annotation(&text, "a4", "claim", s, e);
    document.annotations = vec![claim, source, person, across_lines];
    document.relations = vec![
        Relation {
            id: RelationId("r1".into()),
            kind: RelationKind::SupportedBy,
            from: AnnotationId("a1".into()),
            to: AnnotationId("a 2:x".into()),
        },
        Relation {
            id: RelationId("r2".into()),
            kind: RelationKind::Custom("quoted in; part:2".into()),
            from: AnnotationId("a4".into()),
            to: AnnotationId("a3".into()),
        },
    ];
    document
}

/// What a format carries besides offsets, tags, quotes, notes, attributes and relations.
#[derive(Clone, Copy)]
struct Carries {
    ids: bool,
    context: bool,
    times: bool,
}

fn span_key(
    start: Option<usize>,
    end: Option<usize>,
    tag: &str,
) -> (Option<usize>, Option<usize>, String) {
    (start, end, tag.to_string())
}

/// Exports `document`, reads it back with `read`, and checks every annotation and relation.
fn check_round_trip(
    document: &Document,
    format: ExportFormat,
    carries: Carries,
    read: impl Fn(&[ExportedFile]) -> ImportBatch,
) {
    let files = export(document, format);
    let batch = read(&files);
    let errors: Vec<_> = batch
        .problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .collect();
    assert!(errors.is_empty(), "{format:?}: errors {errors:?}");
    assert_eq!(batch.offset_unit, Some(OffsetUnit::CodePoint), "{format:?}");
    assert_eq!(
        batch.annotations.len(),
        document.annotations.len(),
        "{format:?}: {batch:#?}"
    );
    let mut keys_by_id = BTreeMap::new();
    for candidate in &batch.annotations {
        if let Some(id) = &candidate.id {
            keys_by_id.insert(
                id.clone(),
                span_key(candidate.start, candidate.end, &candidate.tag),
            );
        }
    }
    for original in &document.annotations {
        let key = span_key(
            Some(original.start().0),
            Some(original.end().0),
            original.tag.as_str(),
        );
        let candidate = batch
            .annotations
            .iter()
            .find(|c| span_key(c.start, c.end, &c.tag) == key)
            .unwrap_or_else(|| panic!("{format:?}: no candidate for {key:?} in {batch:#?}"));
        assert_eq!(
            candidate.quote.as_deref(),
            Some(original.quote.as_str()),
            "{format:?} quote"
        );
        assert_eq!(candidate.note, original.note, "{format:?} note");
        assert_eq!(
            candidate.attributes, original.attributes,
            "{format:?} attributes"
        );
        if carries.ids {
            assert_eq!(
                candidate.id.as_deref(),
                Some(original.id.as_str()),
                "{format:?} id"
            );
        }
        if carries.times {
            let kept = |time: &str| w3c::is_datetime(time).then(|| time.to_string());
            assert_eq!(
                candidate.created,
                kept(&original.created),
                "{format:?} created"
            );
            assert_eq!(
                candidate.modified,
                kept(&original.modified),
                "{format:?} modified"
            );
        }
        if carries.context {
            assert_eq!(
                candidate.prefix.as_deref().unwrap_or(""),
                original.prefix,
                "{format:?} prefix"
            );
            assert_eq!(
                candidate.suffix.as_deref().unwrap_or(""),
                original.suffix,
                "{format:?} suffix"
            );
        }
    }
    let key_of = |id: &AnnotationId| {
        let a = document.annotation(id).expect("relation end");
        span_key(Some(a.start().0), Some(a.end().0), a.tag.as_str())
    };
    let expected: BTreeSet<_> = document
        .relations
        .iter()
        .map(|r| (key_of(&r.from), r.kind.as_str().to_string(), key_of(&r.to)))
        .collect();
    let read_relations: BTreeSet<_> = batch
        .relations
        .iter()
        .map(|r| {
            (
                keys_by_id.get(&r.from).cloned(),
                r.kind.clone(),
                keys_by_id.get(&r.to).cloned(),
            )
        })
        .map(|(from, kind, to)| {
            (
                from.expect("relation from resolves"),
                kind,
                to.expect("relation to resolves"),
            )
        })
        .collect();
    assert_eq!(read_relations, expected, "{format:?} relations");
}

fn contents<'a>(files: &'a [ExportedFile], suffix: &str) -> &'a str {
    files
        .iter()
        .find(|f| f.name.ends_with(suffix))
        .map(|f| f.contents.as_str())
        .unwrap_or("")
}

const ALL_FIELDS: Carries = Carries {
    ids: true,
    context: true,
    times: false,
};
const W3C_FIELDS: Carries = Carries {
    ids: true,
    context: true,
    times: true,
};
const NO_CONTEXT: Carries = Carries {
    ids: true,
    context: false,
    times: false,
};
const CONTENT_ONLY: Carries = Carries {
    ids: false,
    context: false,
    times: false,
};

fn check_all_formats(document: &Document) {
    check_round_trip(document, ExportFormat::W3cWebAnnotation, W3C_FIELDS, |f| {
        w3c::read(contents(f, ".jsonld"))
    });
    check_round_trip(document, ExportFormat::Brat, CONTENT_ONLY, |f| {
        brat::read(contents(f, ".ann").as_bytes(), Some(contents(f, ".txt")))
    });
    check_round_trip(document, ExportFormat::DoccanoJsonl, NO_CONTEXT, |f| {
        jsonl::read(contents(f, ".jsonl"))
    });
    check_round_trip(document, ExportFormat::SpacyJsonl, NO_CONTEXT, |f| {
        jsonl::read(contents(f, ".jsonl"))
    });
    check_round_trip(document, ExportFormat::LabelStudio, NO_CONTEXT, |f| {
        label_studio::read(contents(f, ".json"))
    });
    check_round_trip(document, ExportFormat::Csv, ALL_FIELDS, |f| {
        csv_export::read(contents(f, ".csv"))
    });
    // And through content sniffing, as the import button does.
    for format in ExportFormat::ALL {
        let files = export(document, format);
        let main = files
            .iter()
            .find(|f| f.name.ends_with(format.extension()))
            .expect("main file");
        let batch = read_any(main.contents.as_bytes(), Some(document.text.as_str()));
        assert_eq!(
            batch.annotations.len(),
            document.annotations.len(),
            "read_any {format:?}: {:?}",
            batch.problems
        );
        assert_eq!(
            batch.relations.len(),
            document.relations.len(),
            "read_any {format:?}"
        );
    }
}

#[test]
fn every_format_round_trips_the_sample_document() {
    check_all_formats(&sample_document("https://example.org/mayor"));
    check_all_formats(&sample_document("local file"));
}

#[test]
fn exports_name_their_files_and_offset_unit() {
    let document = sample_document("https://example.org/mayor");
    let expected = [
        (
            ExportFormat::W3cWebAnnotation,
            vec!["mayors-claims.jsonld"],
            "\"aa:offsetUnit\": \"codepoint\"",
        ),
        (
            ExportFormat::Brat,
            vec!["mayors-claims.txt", "mayors-claims.ann"],
            "",
        ),
        (
            ExportFormat::DoccanoJsonl,
            vec!["mayors-claims.doccano.jsonl"],
            "\"offset_unit\":\"codepoint\"",
        ),
        (
            ExportFormat::SpacyJsonl,
            vec!["mayors-claims.spacy.jsonl"],
            "\"offset_unit\":\"codepoint\"",
        ),
        (
            ExportFormat::LabelStudio,
            vec!["mayors-claims.label-studio.json"],
            "\"offset_unit\": \"codepoint\"",
        ),
        (
            ExportFormat::Csv,
            vec!["mayors-claims.csv"],
            "start_codepoint,end_codepoint,start_utf16,end_utf16",
        ),
    ];
    for (format, names, unit_marker) in expected {
        let files = export(&document, format);
        let got: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(got, names, "{format:?}");
        assert!(
            files.iter().any(|f| f.contents.contains(unit_marker)),
            "{format:?} declares its unit"
        );
        assert!(format.button_label().starts_with("Export "), "{format:?}");
        assert!(files.iter().all(|f| f.mime == format.mime()));
    }
}

#[test]
fn brat_writes_multi_line_spans_as_fragments_and_escapes_values() {
    let document = sample_document("");
    let files = export(&document, ExportFormat::Brat);
    let ann = contents(&files, ".ann");
    assert!(
        ann.lines().all(|line| line.split('\t').count() <= 3),
        "{ann}"
    );
    assert!(
        ann.contains("T4\tclaim 115 133;134 148\tRiverside Tribune, which reported\n"),
        "{ann}"
    );
    assert!(
        ann.contains("\tconfidence%20level T2 high%20=%2090%25\n"),
        "{ann}"
    );
    assert!(
        ann.contains(
            "AnnotatorNotes T2\tCheck the police\\nannual report, \"page\" 3;\\ttab \\\\ back\n"
        ),
        "{ann}"
    );
    assert!(ann.contains("\tsupported_by Arg1:T"), "{ann}");
    assert_eq!(contents(&files, ".txt"), ARTICLE);
}

#[test]
fn csv_gives_utf16_offsets_next_to_code_points() {
    let document = sample_document("");
    let csv = contents(&export(&document, ExportFormat::Csv), ".csv").to_string();
    let records = csv_export::parse_records(&csv);
    let header: Vec<&str> = records[0].iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(header, csv_export::HEADER);
    // The claim ends after 📉, which is one code point but two UTF-16 units.
    let claim = records.iter().find(|r| r[1].0 == "a1").expect("claim row");
    let numbers: Vec<usize> = (3..7)
        .map(|i| claim[i].0.parse().expect("number"))
        .collect();
    assert_eq!(numbers[1] - numbers[0] + 1, numbers[3] - numbers[2]);
    assert_eq!(claim[13].0, "supported_by:a 2%3Ax");
}

// ---------------------------------------------------------------- brat crafted cases

struct BratCase {
    name: &'static str,
    spans: usize,
    relations: usize,
    notes: usize,
    /// A problem whose location and message contain these, or none at all.
    problem: Option<(Severity, &'static str, &'static str)>,
    first_quote: Option<&'static str>,
}

const fn case(
    name: &'static str,
    spans: usize,
    relations: usize,
    notes: usize,
    problem: Option<(Severity, &'static str, &'static str)>,
    first_quote: Option<&'static str>,
) -> BratCase {
    BratCase {
        name,
        spans,
        relations,
        notes,
        problem,
        first_quote,
    }
}

/// name, spans, relations, notes, expected problem, quote of the first span.
#[rustfmt::skip]
const BRAT_CASES: &[BratCase] = &[
    case("valid-nonbmp", 3, 1, 1, None, Some("unemployment fell to 4.1%")),
    // Each fragment is its own annotation, linked to the first by a `fragment_of` relation.
    case("valid-discontinuous", 4, 2, 0, Some((Severity::Warning, "line 1", "discontinuous span")), Some("Paris")),
    case("valid-crlf", 1, 0, 0, None, Some("The claim is here")),
    case("valid-bom-counted", 1, 0, 0, None, Some("The claim")),
    case("bad-offset-beyond-text", 0, 0, 0, Some((Severity::Error, "line 1", "past the end of the text")), None),
    case("bad-text-mismatch", 1, 0, 0, Some((Severity::Warning, "line 1", "placed by its quote")), Some("the bridge will reopen in May")),
    case("bad-end-before-start", 0, 0, 0, Some((Severity::Error, "line 1", "before its start")), None),
    case("bad-negative", 0, 0, 0, Some((Severity::Error, "line 1", "non-negative whole numbers")), None),
    case("bad-spaces-not-tabs", 0, 0, 0, Some((Severity::Error, "line 1", "expected TAB-separated fields")), None),
    case("bad-missing-ref", 1, 0, 0, Some((Severity::Error, "line 2", "unknown annotation T9")), Some("the bridge will reopen in May")),
    case("bad-duplicate-id", 1, 0, 0, Some((Severity::Error, "line 2", "duplicate id T1")), Some("the bridge will reopen in May")),
    case("bad-unknown-line", 1, 0, 0, Some((Severity::Warning, "line 2", "unknown brat annotation kind")), Some("the bridge will reopen in May")),
    case("bad-non-integer", 0, 0, 0, Some((Severity::Error, "line 1", "non-negative whole numbers")), None),
    case("bad-ann-crlf", 1, 0, 0, None, Some("the bridge will reopen in May")),
    case("bad-ann-latin1", 0, 0, 0, Some((Severity::Error, ".ann", "not valid UTF-8 (byte 0xE9")), None),
    case("bad-txt-latin1", 0, 0, 0, Some((Severity::Error, ".txt", "not valid UTF-8")), None),
    case("empty-ann", 0, 0, 0, None, None),
];

const BRAT_DIR: &str = "../shared/fixtures/brat";

fn check_brat(case: &BratCase) {
    let read = |ext: &str| {
        std::fs::read(format!("{BRAT_DIR}/crafted/{}.{ext}", case.name)).expect("crafted file")
    };
    let batch = brat::read_files(&read("ann"), &read("txt"));
    let name = case.name;
    assert_eq!(batch.annotations.len(), case.spans, "{name}: {batch:#?}");
    assert_eq!(
        batch.relations.len(),
        case.relations,
        "{name}: {:?}",
        batch.problems
    );
    assert_eq!(
        batch
            .annotations
            .iter()
            .filter(|a| !a.note.is_empty())
            .count(),
        case.notes,
        "{name}"
    );
    match case.problem {
        None => assert!(batch.problems.is_empty(), "{name}: {:?}", batch.problems),
        Some((severity, location, message)) => assert!(
            batch.problems.iter().any(|p| p.severity == severity
                && p.location == location
                && p.message.contains(message)),
            "{name}: expected {severity:?} at {location} with {message:?}, got {:?}",
            batch.problems
        ),
    }
    assert_eq!(
        batch.annotations.first().and_then(|a| a.quote.as_deref()),
        case.first_quote,
        "{name}"
    );
    if let (Some(text), Some(first)) = (&batch.text, batch.annotations.first())
        && case.problem.is_none()
    {
        let quote: String = text
            .chars()
            .skip(first.start.unwrap_or(0))
            .take(first.end.unwrap_or(0) - first.start.unwrap_or(0))
            .collect();
        assert_eq!(
            Some(quote.as_str()),
            first.quote.as_deref(),
            "{name}: offsets slice the quote"
        );
    }
}

#[test]
fn brat_crafted_cases_follow_the_manifest() {
    let manifest: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(format!("{BRAT_DIR}/crafted/manifest.json")).expect("manifest"),
    )
    .expect("json");
    let names: Vec<&str> = manifest
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|c| c["name"].as_str())
        .collect();
    assert_eq!(
        names.len(),
        BRAT_CASES.len(),
        "every manifest case has a row and no more"
    );
    for name in names {
        let case = BRAT_CASES
            .iter()
            .find(|c| c.name == name)
            .unwrap_or_else(|| panic!("no row for manifest case {name}"));
        check_brat(case);
    }
}

#[test]
fn brat_tutorial_documents_read_with_events_reported() {
    for name in [
        "040-text_span_annotation",
        "060-relation_annotation",
        "080-event-annotation",
        "100-attribute_annotation",
        "110-note_annotation",
    ] {
        let read = |ext: &str| {
            std::fs::read(format!("{BRAT_DIR}/brat-tutorial-news/{name}.{ext}"))
                .expect("tutorial file")
        };
        let batch = brat::read_files(&read("ann"), &read("txt"));
        let ann = String::from_utf8(read("ann")).expect("utf8");
        let t_lines = ann.lines().filter(|l| l.starts_with('T')).count();
        assert_eq!(
            batch.annotations.len(),
            t_lines,
            "{name}: every T line is a span: {:?}",
            batch.problems
        );
        let r_lines = ann.lines().filter(|l| l.starts_with('R')).count();
        assert_eq!(batch.relations.len(), r_lines, "{name}");
        let e_lines = ann
            .lines()
            .filter(|l| l.starts_with('E') || l.starts_with('*'))
            .count();
        let reported = batch
            .problems
            .iter()
            .filter(|p| p.message.contains("not supported"))
            .count();
        assert_eq!(reported, e_lines, "{name}");
        let a_lines = ann.lines().filter(|l| l.starts_with('A')).count();
        let imported_attributes: usize = batch.annotations.iter().map(|a| a.attributes.len()).sum();
        let on_events = batch
            .problems
            .iter()
            .filter(|p| p.message.starts_with("an attribute on"))
            .count();
        assert_eq!(
            imported_attributes + on_events,
            a_lines,
            "{name}: {:?}",
            batch.problems
        );
        for candidate in &batch.annotations {
            let text = batch.text.as_deref().unwrap_or("");
            let (start, end) = (candidate.start.unwrap_or(0), candidate.end.unwrap_or(0));
            let slice: String = text.chars().skip(start).take(end - start).collect();
            assert_eq!(
                Some(slice.as_str()),
                candidate.quote.as_deref(),
                "{name} {:?}",
                candidate.id
            );
        }
    }
}

// ---------------------------------------------------------------- W3C samples

const W3C_DIR: &str = "../shared/fixtures/w3c";

fn json_files(folder: &str) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<_> = std::fs::read_dir(Path::new(W3C_DIR).join(folder))
        .expect("fixture folder")
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| {
            path.extension().is_some_and(|e| e == "json") && !path.ends_with("index.json")
        })
        .map(|path| {
            (
                path.display().to_string(),
                std::fs::read(&path).expect("fixture"),
            )
        })
        .collect();
    files.sort();
    files
}

/// Set types of the Recommendation's non-normative Appendix D, which the schemas refuse.
const APPENDIX_D: [&str; 7] = [
    "example-42",
    "example-43",
    "example-44",
    "anno11.",
    "anno12.",
    "anno13.",
    "collection1.",
];

#[test]
fn correct_w3c_files_import_or_report_unsupported_features() {
    let mut with_text_selectors = 0;
    for folder in ["spec-examples", "samples/correct", "local-examples/valid"] {
        for (path, bytes) in json_files(folder) {
            let text = String::from_utf8(bytes.clone()).expect("utf8");
            let batch = w3c::read(&text);
            let _ = read_any(&bytes, None);
            assert!(
                !batch.annotations.is_empty()
                    || !batch.relations.is_empty()
                    || !batch.problems.is_empty(),
                "{path}: neither imported nor reported"
            );
            if !APPENDIX_D.iter().any(|name| path.contains(name)) {
                let refusals: Vec<_> = batch
                    .problems
                    .iter()
                    .filter(|p| p.message.contains("breaks the Web Annotation model"))
                    .collect();
                assert!(
                    refusals.is_empty(),
                    "{path}: a valid file was refused: {refusals:?}"
                );
                for problem in batch
                    .problems
                    .iter()
                    .filter(|p| p.severity == Severity::Error)
                {
                    assert!(
                        problem.message.starts_with("unsupported"),
                        "{path}: {problem}"
                    );
                }
            }
            let has_text_selector =
                text.contains("TextQuoteSelector") || text.contains("TextPositionSelector");
            if has_text_selector && !APPENDIX_D.iter().any(|name| path.contains(name)) {
                assert!(
                    !batch.annotations.is_empty(),
                    "{path}: a text selector but nothing imported: {:?}",
                    batch.problems
                );
                with_text_selectors += 1;
            }
        }
    }
    assert!(
        with_text_selectors >= 8,
        "files with text selectors: {with_text_selectors}"
    );
}

#[test]
fn local_valid_examples_import_with_their_selectors() {
    let text = std::fs::read_to_string(format!(
        "{W3C_DIR}/local-examples/valid/multiple-selectors-claim.json"
    ))
    .expect("fixture");
    let batch = w3c::read(&text);
    let claim = batch.annotations.first().expect("one annotation");
    assert_eq!(
        (claim.tag.as_str(), claim.start, claim.end),
        ("claim", Some(36), Some(60))
    );
    assert_eq!(claim.quote.as_deref(), Some("crime fell 12% last year"));
    assert_eq!(claim.note, "Check against the police annual report.");
    assert_eq!(
        batch.metadata.map(|m| m.url).as_deref(),
        Some("https://example.org/articles/mayor-crime-figures")
    );
}

/// What our message names for each defect label of the upstream incorrect samples.
/// ("bad language" is left out: its upstream sample misspells `langauage`, so the property
/// it means to break is not there; the sample is still refused for its id list.)
const LABELS: &[(&str, &str)] = &[
    ("no target", "missing target"),
    ("bad target", "bad target"),
    ("bad body", "bad body"),
    ("bad body id", "bad body id"),
    ("bad format", "bad body format"),
    (
        "too many composite types (choice? list?)",
        "one kind of set",
    ),
    ("uninterpretable body (choice? list?)", "must be a Choice"),
    (
        "no source for specific resource",
        "no source for specific resource",
    ),
    (
        "no value for fragment selector",
        "FragmentSelector needs one string",
    ),
    ("bad text direction", "bad body textDirection"),
    (
        "multiple values for fragment selector",
        "FragmentSelector needs one string",
    ),
    ("no value for textual body", "no value for textual body"),
    ("bad value for textual body", "bad value for textual body"),
    ("body and bodyvalue", "body and bodyValue"),
    ("bad bodyvalue", "bad bodyValue"),
    ("too many processing languages", "processingLanguage"),
    ("bad creator", "bad creator"),
    ("bad generator", "bad generator"),
    ("bad created", "date-time"),
    ("no context", "missing @context"),
    ("bad context", "bad @context"),
    ("bad rights", "bad rights"),
    ("bad via", "bad via"),
    ("bad canonical", "bad canonical"),
    ("bad id", "bad id"),
    ("multiple identifiers", "multiple identifiers"),
    ("no type", "missing type"),
    ("bad type", "bad type"),
];

#[test]
fn incorrect_w3c_files_are_refused_naming_their_defect() {
    let mut refused = 0;
    let mut named = 0;
    let mut total = 0;
    for folder in [
        "samples/incorrect",
        "samples/incorrect-decomma",
        "local-examples/invalid",
    ] {
        for (path, bytes) in json_files(folder) {
            total += 1;
            let batch = read_any(&bytes, None);
            let direct = w3c::read(&String::from_utf8_lossy(&bytes));
            for batch in [&batch, &direct] {
                assert!(
                    batch.annotations.is_empty() && batch.relations.is_empty(),
                    "{path}: imported {batch:#?}"
                );
                assert!(
                    batch.problems.iter().any(|p| p.severity == Severity::Error),
                    "{path}: no error"
                );
            }
            refused += 1;
            let label = serde_json::from_slice::<serde_json::Value>(&bytes)
                .ok()
                .and_then(|v| {
                    v.get("label")
                        .and_then(|l| l.as_str())
                        .map(str::to_lowercase)
                });
            let Some(label) = label else { continue };
            match LABELS.iter().find(|(l, _)| *l == label) {
                Some((_, phrase)) => {
                    assert!(
                        direct.problems.iter().any(|p| p.message.contains(phrase)),
                        "{path} ({label}): {:?}",
                        direct.problems
                    );
                    named += 1;
                }
                None => assert_eq!(
                    label, "bad language",
                    "{path}: a label the test does not know"
                ),
            }
        }
    }
    assert_eq!(refused, total);
    assert!(named > 0);
    eprintln!("W3C incorrect files refused: {refused} of {total}; defect named in {named}");
}

#[test]
fn w3c_reader_accepts_every_container_and_shorthand() {
    let annotation = |id: &str| {
        format!(
            r#"{{"id":"urn:x:{id}","type":"Annotation","motivation":"commenting","bodyValue":"note {id}",
            "target":{{"source":"urn:x:doc","selector":{{"type":"FragmentSelector","value":"p1",
            "refinedBy":{{"type":"TextQuoteSelector","exact":"word {id}"}}}}}}}}"#
        )
    };
    let context = r#""@context":"http://www.w3.org/ns/anno.jsonld""#;
    let with_context = |a: String| a.replacen('{', &format!("{{{context},"), 1);
    for (name, file, expected) in [
        ("single", with_context(annotation("1")), 1),
        (
            "array",
            format!(
                "[{},{}]",
                with_context(annotation("1")),
                with_context(annotation("2"))
            ),
            2,
        ),
        (
            "page",
            format!(
                r#"{{{context},"type":"AnnotationPage","items":[{},{}]}}"#,
                annotation("1"),
                annotation("2")
            ),
            2,
        ),
        (
            "collection",
            format!(
                r#"{{{context},"type":"AnnotationCollection","first":{{"type":"AnnotationPage","items":[{}]}}}}"#,
                annotation("1")
            ),
            1,
        ),
        ("array without context", format!("[{}]", annotation("1")), 0),
    ] {
        let batch = w3c::read(&file);
        assert_eq!(
            batch.annotations.len(),
            expected,
            "{name}: {:?}",
            batch.problems
        );
        for candidate in &batch.annotations {
            assert!(
                candidate
                    .quote
                    .as_deref()
                    .is_some_and(|q| q.starts_with("word ")),
                "{name}"
            );
            assert!(candidate.note.starts_with("note "), "{name}");
            assert_eq!(candidate.tag, "commenting", "{name}");
        }
    }
}

#[test]
fn w3c_unsupported_selectors_are_reported_and_the_rest_imports() {
    let file = r#"{"@context":"http://www.w3.org/ns/anno.jsonld","type":"AnnotationPage","items":[
        {"id":"urn:x:1","type":"Annotation","body":{"type":"TextualBody","purpose":"tagging","value":"claim"},
         "target":{"source":"http://example.org/img","selector":{"type":"SvgSelector","value":"<svg/>"}}},
        {"id":"urn:x:2","type":"Annotation","target":"http://example.org/video"},
        {"id":"urn:x:3","type":"Annotation","body":{"type":"TextualBody","purpose":"tagging","value":"claim"},
         "target":{"source":"http://example.org/a","selector":[{"type":"XPathSelector","value":"/p"},{"type":"TextPositionSelector","start":3,"end":9}]}}]}"#;
    let batch = w3c::read(file);
    assert_eq!(batch.annotations.len(), 1);
    assert_eq!(
        (batch.annotations[0].start, batch.annotations[0].end),
        (Some(3), Some(9))
    );
    let messages: Vec<&str> = batch.problems.iter().map(|p| p.message.as_str()).collect();
    assert!(
        messages.iter().any(|m| m.contains("SvgSelector")),
        "{messages:?}"
    );
    assert!(
        messages.iter().any(|m| m.contains("whole resource")),
        "{messages:?}"
    );
}

// ---------------------------------------------------------------- JSONL and Label Studio inputs

#[test]
fn jsonl_reads_each_line_and_reports_bad_ones() {
    let file = concat!(
        r#"{"text":"Zoë said hi","label":[[0,3,"entity"],[4,8,"claim"]]}"#,
        "\n",
        "not json\n",
        r#"{"text":"😃 ok","spans":[{"start":2,"end":4,"label":"claim","token_start":1}]}"#,
        "\n",
        r#"{"text":"abc","entities":[{"id":7,"label":"x","start_offset":0,"end_offset":1},{"id":8,"label":"y","start_offset":2,"end_offset":3}],"relations":[{"id":1,"from_id":7,"to_id":8,"type":"about"}]}"#,
        "\n",
    );
    let documents = jsonl::read_documents(file);
    let summary: Vec<(&str, Vec<String>, usize, usize)> = documents
        .iter()
        .map(|(location, batch)| {
            let quotes = batch
                .annotations
                .iter()
                .map(|a| a.quote.clone().unwrap_or_default())
                .collect();
            (
                location.as_str(),
                quotes,
                batch.relations.len(),
                batch.problems.len(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("line 1", vec!["Zoë".to_string(), "said".into()], 0, 0),
            ("line 2", vec![], 0, 1),
            // The emoji makes code points and UTF-16 differ: the reading taken is reported.
            ("line 3", vec!["ok".into()], 0, 1),
            ("line 4", vec!["a".into(), "c".into()], 1, 0),
        ]
    );
    assert_eq!(documents[2].1.format, "spaCy/Prodigy JSONL");
    let relation = &documents[3].1.relations[0];
    assert_eq!(
        (
            relation.from.as_str(),
            relation.to.as_str(),
            relation.kind.as_str()
        ),
        ("7", "8", "about")
    );
    // One import takes the first document and says what it left.
    let first = jsonl::read(file);
    assert_eq!(first.text.as_deref(), Some("Zoë said hi"));
    assert_eq!(first.annotations.len(), 2);
    let locations: Vec<(&str, Severity)> = first
        .problems
        .iter()
        .map(|p| (p.location.as_str(), p.severity))
        .collect();
    assert_eq!(
        locations,
        [
            ("line 2", Severity::Error),
            ("line 3", Severity::Warning),
            ("line 4", Severity::Warning)
        ]
    );
}

#[test]
fn label_studio_reads_annotations_and_predictions() {
    let file = r#"[{"data":{"text":"Zoë said hi"},
        "annotations":[{"result":[
          {"id":"r1","from_name":"label","to_name":"text","type":"labels","value":{"start":0,"end":3,"text":"Zoë","labels":["entity"]}},
          {"id":"r1","from_name":"note","to_name":"text","type":"textarea","value":{"start":0,"end":3,"text":["who?"]}},
          {"id":"r2","from_name":"label","to_name":"text","type":"labels","value":{"start":4,"end":8,"text":"said","labels":["claim"]}},
          {"type":"relation","from_id":"r1","to_id":"r2","direction":"right","labels":["about"]}]}],
        "predictions":[{"result":[{"id":"p1","type":"labels","value":{"start":9,"end":11,"labels":["claim"]}}]}]}]"#;
    let batch = label_studio::read(file);
    let got: Vec<_> = batch
        .annotations
        .iter()
        .map(|a| {
            (
                a.id.clone().unwrap_or_default(),
                a.tag.clone(),
                a.note.clone(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("r1".into(), "entity".into(), "who?".into()),
            ("r2".into(), "claim".into(), String::new()),
            ("p1".into(), "claim".into(), String::new())
        ]
    );
    assert_eq!(batch.relations.len(), 1);
    assert_eq!(batch.relations[0].kind, "about");
}

// ---------------------------------------------------------------- sniffing

#[test]
fn sniffing_decides_from_content() {
    let document = sample_document("https://example.org/mayor");
    let exported = |format| {
        export(&document, format)
            .into_iter()
            .find(|f| f.name.ends_with(format.extension()))
            .expect("file")
            .contents
    };
    let cases: Vec<(String, Vec<u8>, Sniffed)> = vec![
        (
            "native".into(),
            br#"{"format":"article-annotator","version":1}"#.to_vec(),
            Sniffed::NativeJson,
        ),
        (
            "backup".into(),
            br#"{"format":"article-annotator-library","documents":[]}"#.to_vec(),
            Sniffed::LibraryBackup,
        ),
        (
            "w3c".into(),
            exported(ExportFormat::W3cWebAnnotation).into_bytes(),
            Sniffed::W3cWebAnnotation,
        ),
        (
            "w3c typed only".into(),
            br#"{"type":"Annotation","target":"http://x"}"#.to_vec(),
            Sniffed::W3cWebAnnotation,
        ),
        (
            "label studio".into(),
            exported(ExportFormat::LabelStudio).into_bytes(),
            Sniffed::LabelStudio,
        ),
        (
            "doccano".into(),
            exported(ExportFormat::DoccanoJsonl).into_bytes(),
            Sniffed::DoccanoJsonl,
        ),
        (
            "spacy".into(),
            exported(ExportFormat::SpacyJsonl).into_bytes(),
            Sniffed::SpacyJsonl,
        ),
        (
            "brat".into(),
            exported(ExportFormat::Brat).into_bytes(),
            Sniffed::BratAnn,
        ),
        (
            "csv".into(),
            exported(ExportFormat::Csv).into_bytes(),
            Sniffed::Csv,
        ),
        (
            "csv with bom".into(),
            [
                b"\xEF\xBB\xBF".as_slice(),
                exported(ExportFormat::Csv).as_bytes(),
            ]
            .concat(),
            Sniffed::Csv,
        ),
    ];
    for (name, bytes, expected) in cases {
        assert_eq!(sniff(&bytes), expected, "{name}");
    }
    for junk in [b"hello world".as_slice(), b"{\"a\":1}", b"", b"\xff\xfe"] {
        let Sniffed::NotRecognised(why) = sniff(junk) else {
            panic!("{junk:?} was recognised")
        };
        assert!(
            why.to_string().contains("W3C Web Annotation"),
            "the message lists the formats: {why}"
        );
        assert_eq!(read_any(junk, None).problems.len(), 1);
    }
    let native = br#"{"format":"article-annotator"}"#;
    assert_eq!(read_or_defer(native, None), Err(Sniffed::NativeJson));
    assert!(
        read_any(native, None).problems[0]
            .message
            .contains("format::native")
    );
}

// ---------------------------------------------------------------- properties

fn arbitrary_document() -> impl Strategy<Value = Document> {
    let text = proptest::collection::vec(
        prop_oneof![
            Just('a'),
            Just(' '),
            Just('\n'),
            Just('\r'),
            Just('é'),
            Just('😃'),
            Just(','),
            Just('"'),
            Just('='),
            Just('%'),
            Just('\t')
        ],
        1..60,
    );
    let spans = proptest::collection::vec(
        (0usize..60, 0usize..8, 0usize..3, "[a =%\"\n\\\\😃,;:]{0,8}"),
        0..5,
    );
    (text, spans).prop_map(|(chars, spans)| {
        let content: String = chars.into_iter().collect();
        let text = Text::new(content);
        let length = text.len();
        let mut document = Document::new(DocumentId("p".into()), Metadata::default(), text.clone());
        for (i, (start, width, tag, note)) in spans.into_iter().enumerate() {
            let start = start % length;
            let end = (start + width).min(length);
            // brat drops line breaks at a span's edges: keep the span inside them.
            let quote: Vec<char> = text
                .as_str()
                .chars()
                .skip(start)
                .take(end - start)
                .collect();
            let lead = quote
                .iter()
                .take_while(|c| **c == '\n' || **c == '\r')
                .count();
            let trail = quote
                .iter()
                .rev()
                .take_while(|c| **c == '\n' || **c == '\r')
                .count();
            if !quote.is_empty() && lead + trail >= quote.len() {
                continue;
            }
            let tag = ["claim", "source", "entity"][tag];
            let mut a = annotation(&text, &format!("id{i}"), tag, start + lead, end - trail);
            a.note = note.clone();
            if !note.is_empty() {
                a.attributes.insert(note.clone(), format!("{note} v"));
            }
            if document
                .annotations
                .iter()
                .any(|b| b.range == a.range && b.tag == a.tag)
            {
                continue;
            }
            document.annotations.push(a);
        }
        if document.annotations.len() >= 2 {
            document.relations.push(Relation {
                id: RelationId("r".into()),
                kind: RelationKind::Custom("x y".into()),
                from: document.annotations[0].id.clone(),
                to: document.annotations[1].id.clone(),
            });
        }
        document
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn arbitrary_documents_round_trip_in_every_format(document in arbitrary_document()) {
        check_all_formats(&document);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn read_any_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..300), companion in proptest::option::of(".{0,40}")) {
        let _ = read_any(&bytes, companion.as_deref());
    }

    #[test]
    fn read_any_never_panics_on_mangled_exports(cut in 0usize..4000, byte in any::<u8>(), format in 0usize..6) {
        let document = sample_document("https://example.org/mayor");
        let format = ExportFormat::ALL[format];
        let files = export(&document, format);
        let mut bytes = files.last().map(|f| f.contents.clone().into_bytes()).unwrap_or_default();
        let at = cut % bytes.len().max(1);
        if let Some(b) = bytes.get_mut(at) { *b = byte; }
        let _ = read_any(&bytes, Some(ARTICLE));
        bytes.truncate(at);
        let _ = read_any(&bytes, Some(ARTICLE));
    }
}

#[test]
fn w3c_reads_hypothesis_style_targets_and_exports_orphans_by_quote() {
    let hypothesis = r#"{"@context":"http://www.w3.org/ns/anno.jsonld","id":"urn:x:h1","type":"Annotation",
        "motivation":"commenting","bodyValue":"see the report",
        "target":[{"source":"https://example.org/a","selector":[
          {"type":"RangeSelector","startSelector":{"type":"XPathSelector","value":"/p[1]"},"endSelector":{"type":"XPathSelector","value":"/p[1]"}},
          {"type":"TextPositionSelector","start":4,"end":12},
          {"type":"TextQuoteSelector","exact":"the word","prefix":"See ","suffix":" here"}]}]}"#;
    let batch = w3c::read(hypothesis);
    let candidate = batch.annotations.first().expect("one annotation");
    assert_eq!((candidate.start, candidate.end), (Some(4), Some(12)));
    assert_eq!(
        (
            candidate.quote.as_deref(),
            candidate.prefix.as_deref(),
            candidate.suffix.as_deref()
        ),
        (Some("the word"), Some("See "), Some(" here"))
    );
    assert_eq!(
        (candidate.note.as_str(), candidate.tag.as_str()),
        ("see the report", "commenting")
    );
    assert_eq!(batch.offset_unit, Some(OffsetUnit::CodePoint));

    let mut document = sample_document("");
    document.annotations[0].anchor = annotator::domain::annotation::AnchorStatus::Orphaned;
    let orphan_id = document.annotations[0].id.clone();
    let exported = w3c::export(&document);
    let batch = w3c::read(&exported);
    let orphan = batch
        .annotations
        .iter()
        .find(|a| a.id.as_deref() == Some(orphan_id.as_str()))
        .expect("orphan kept");
    assert_eq!((orphan.start, orphan.end), (None, None));
    assert_eq!(
        orphan.quote.as_deref(),
        Some(document.annotations[0].quote.as_str())
    );
}

#[test]
fn an_empty_ann_beside_its_text_is_an_empty_brat_document() {
    let batch = read_any(b"", Some("Some text."));
    assert_eq!(batch.format, "brat standoff");
    assert!(
        batch.annotations.is_empty() && batch.problems.is_empty(),
        "{batch:?}"
    );
    assert_eq!(batch.text.as_deref(), Some("Some text."));
    assert!(matches!(sniff(b""), Sniffed::NotRecognised(_)));
}

// ---------------------------------------------------------------- Unicode fixture

#[test]
fn unicode_fixture_spans_round_trip_and_csv_gives_their_utf16_offsets() {
    let fixture: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string("../shared/fixtures/unicode/unicode_cases.json")
            .expect("unicode fixture"),
    )
    .expect("json");
    let mut spans_checked = 0;
    for case in fixture["cases"].as_array().expect("cases") {
        let name = case["id"].as_str().unwrap_or("?");
        let text = Text::new(case["text"].as_str().expect("text"));
        let mut document =
            Document::new(DocumentId(name.into()), Metadata::default(), text.clone());
        let mut utf16_by_id = BTreeMap::new();
        for (i, span) in case["annotations"]
            .as_array()
            .expect("annotations")
            .iter()
            .enumerate()
        {
            let offsets = |unit: &str| (span[unit]["start"].as_u64(), span[unit]["end"].as_u64());
            let (Some(start), Some(end)) = offsets("code_points") else {
                continue;
            };
            let Ok(range) = TextRange::from_code_points(start as usize, end as usize) else {
                continue;
            };
            if text.slice(range).ok() != span["quote"].as_str() {
                continue; // a deliberately invalid span of the fixture
            }
            let id = format!("u{i}");
            let tag = span["label"].as_str().unwrap_or("claim");
            let mut annotation = annotation(&text, &id, tag, range.start().0, range.end().0);
            annotation.note = span["note"].as_str().unwrap_or("").to_string();
            if document
                .annotations
                .iter()
                .any(|a| a.range == annotation.range && a.tag == annotation.tag)
            {
                continue;
            }
            utf16_by_id.insert(id, offsets("utf16"));
            document.annotations.push(annotation);
        }
        check_all_formats(&document);
        let csv = csv_export::export(&document);
        for record in csv_export::parse_records(&csv).iter().skip(1) {
            let number = |i: usize| record.get(i).and_then(|(t, _)| t.parse::<u64>().ok());
            let id = &record[1].0;
            assert_eq!(
                Some(&(number(5), number(6))),
                utf16_by_id.get(id),
                "{name} {id}"
            );
            spans_checked += 1;
        }
    }
    assert!(spans_checked >= 40, "{spans_checked}");
}

#[test]
fn w3c_bodies_inherit_the_motivation_and_extra_tags_are_kept() {
    let file = r#"{"@context":"http://www.w3.org/ns/anno.jsonld","id":"urn:x:1","type":"Annotation",
        "motivation":"tagging",
        "body":[{"type":"TextualBody","value":"claim"},
                {"type":"TextualBody","value":"disputed","purpose":"tagging"},
                {"type":"TextualBody","value":"why not","purpose":"commenting"},
                "http://example.org/tags/economy"],
        "target":{"source":"urn:x:doc","selector":{"type":"TextQuoteSelector","exact":"w"}}}"#;
    let batch = w3c::read(file);
    let candidate = batch.annotations.first().expect("one annotation");
    assert_eq!(candidate.tag, "claim");
    assert_eq!(candidate.note, "why not");
    let attributes: Vec<(&str, &str)> = candidate
        .attributes
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(
        attributes,
        [
            ("body", "http://example.org/tags/economy"),
            ("tags", "disputed")
        ]
    );
}

/// JSON built from the words our readers look for, so arbitrary input reaches deep paths.
fn format_shaped_json() -> impl Strategy<Value = serde_json::Value> {
    use serde_json::Value;
    let words = prop_oneof![
        Just("type"),
        Just("target"),
        Just("selector"),
        Just("start"),
        Just("end"),
        Just("body"),
        Just("bodyValue"),
        Just("items"),
        Just("first"),
        Just("data"),
        Just("annotations"),
        Just("predictions"),
        Just("result"),
        Just("value"),
        Just("labels"),
        Just("text"),
        Just("entities"),
        Just("relations"),
        Just("spans"),
        Just("label"),
        Just("from_id"),
        Just("to_id"),
        Just("refinedBy"),
        Just("exact"),
        Just("@context"),
        Just("id"),
        Just("purpose"),
        Just("motivation"),
        Just("head_span"),
        Just("start_offset"),
    ];
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        (0u64..40).prop_map(Value::from),
        prop_oneof![
            Just("Annotation"),
            Just("AnnotationPage"),
            Just("AnnotationCollection"),
            Just("TextQuoteSelector"),
            Just("TextPositionSelector"),
            Just("TextualBody"),
            Just("Choice"),
            Just("http://www.w3.org/ns/anno.jsonld"),
            Just("tagging"),
            Just("linking"),
            Just("relation"),
            Just("labels"),
            Just("textarea"),
            Just("😃\r\n"),
        ]
        .prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 48, 6, move |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::btree_map(words.clone(), inner, 0..6).prop_map(|map| {
                Value::Object(map.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
            }),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn readers_never_panic_on_format_shaped_json(value in format_shaped_json()) {
        let json = value.to_string();
        let _ = read_any(json.as_bytes(), Some("some text 😃"));
        let _ = w3c::read(&json);
        let _ = label_studio::read(&json);
        let _ = jsonl::read(&json);
        let _ = csv_export::read(&json);
        let _ = brat::read(json.as_bytes(), None);
    }
}

/// Python's `str.splitlines`: the line breaks it knows, `\r\n` counted once.
fn python_splitlines(text: &str) -> Vec<&str> {
    let breaks = [
        '\n', '\r', '\u{0b}', '\u{0c}', '\u{1c}', '\u{1d}', '\u{1e}', '\u{85}', '\u{2028}',
        '\u{2029}',
    ];
    let mut lines = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find(breaks) {
        lines.push(&rest[..at]);
        let width = if rest[at..].starts_with("\r\n") {
            2
        } else {
            rest[at..].chars().next().map_or(1, char::len_utf8)
        };
        rest = &rest[at + width..];
    }
    if !rest.is_empty() {
        lines.push(rest);
    }
    lines
}

#[test]
fn every_jsonl_line_parses_on_its_own_after_python_splitlines() {
    let body = "Line\u{2028}separator and\u{2029}paragraph, next line\u{85}here, \u{0b}\u{0c}\u{1c}\u{1d}\u{1e} done.";
    let text = Text::new(body);
    let mut document = Document::new(
        DocumentId("breaks\u{2028}id".into()),
        Metadata::default(),
        text.clone(),
    );
    let end = body.chars().count();
    let mut span = annotation(&text, "a\u{2029}1", "claim\u{85}", 0, end);
    span.note = "a note\u{2028}across\u{2029}lines\u{85}".into();
    span.attributes
        .insert("key\u{2028}".into(), "value\u{2029}".into());
    document.annotations.push(span);
    for format in [ExportFormat::DoccanoJsonl, ExportFormat::SpacyJsonl] {
        let files = export(&document, format);
        let exported = &files[0].contents;
        let lines: Vec<&str> = python_splitlines(exported)
            .into_iter()
            .filter(|l| !l.trim().is_empty())
            .collect();
        assert_eq!(lines.len(), 1, "{format:?}: {exported}");
        for line in &lines {
            let value: serde_json::Value =
                serde_json::from_str(line).unwrap_or_else(|e| panic!("{format:?}: {e} in {line}"));
            assert_eq!(value["text"], body, "{format:?} keeps the text");
        }
        let batch = jsonl::read(exported);
        assert_eq!(
            batch.annotations.len(),
            1,
            "{format:?}: {:?}",
            batch.problems
        );
        assert_eq!(
            batch.annotations[0].note,
            "a note\u{2028}across\u{2029}lines\u{85}"
        );
    }
}

// ---------------------------------------------------------------- who made an annotation

#[test]
fn the_creator_is_a_field_of_its_own_in_native_w3c_and_csv() {
    let mut document = sample_document("https://example.org/a");
    document.annotations[0].creator = "Ana Lopez".into();
    let made_by = document.annotations[0].id.0.clone();
    // (id, creator) of every annotation read, in id order.
    let creators = |batch: &ImportBatch| -> Vec<(String, String)> {
        let mut pairs: Vec<(String, String)> = batch
            .annotations
            .iter()
            .map(|c| {
                (
                    c.id.clone().unwrap_or_default(),
                    c.creator_and_attributes().0,
                )
            })
            .collect();
        pairs.sort();
        pairs
    };
    let mut expected: Vec<(String, String)> = document
        .annotations
        .iter()
        .map(|a| (a.id.0.clone(), a.creator.clone()))
        .collect();
    expected.sort();
    assert!(expected.contains(&(made_by.clone(), "Ana Lopez".to_string())));

    let native = annotator::domain::format::native::write_document(&document, &Default::default());
    let value: serde_json::Value = serde_json::from_str(&native).expect("json");
    for written in value["annotations"].as_array().expect("annotations") {
        if written["id"] == made_by.as_str() {
            assert_eq!(written["creator"], "Ana Lopez");
        } else {
            assert!(written.get("creator").is_none(), "no creator, no key");
        }
    }
    assert_eq!(
        creators(&annotator::domain::format::native::read_native(&native)),
        expected
    );

    let files = export(&document, ExportFormat::W3cWebAnnotation);
    let jsonld = contents(&files, ".jsonld");
    assert!(jsonld.contains("\"name\": \"Ana Lopez\""), "{jsonld}");
    assert_eq!(creators(&w3c::read(jsonld)), expected);

    let files = export(&document, ExportFormat::Csv);
    let csv = contents(&files, ".csv");
    let records = csv_export::parse_records(csv);
    assert_eq!(records[0][11].0, "creator");
    assert_eq!(creators(&csv_export::read(csv)), expected);
}

#[test]
fn an_older_file_with_the_creator_as_an_attribute_still_reads_it_as_the_creator() {
    let text = "Crime fell by 12% in 2023.";
    let old = serde_json::json!({
        "format": "article-annotator",
        "version": 1,
        "offset_unit": "codepoint",
        "document": { "id": "d1", "title": "t", "text": text },
        "tags": [{ "id": "claim", "label": "Claim", "color": "#c62828" }],
        "annotations": [{
            "id": "a1", "tag": "claim", "start": 0, "end": 10, "quote": "Crime fell",
            "attributes": { "creator": "Ben", "source": "desk" },
            "created": "2024-05-01T10:00:00Z", "modified": "2024-05-01T10:00:00Z"
        }],
        "relations": []
    });
    let batch = annotator::domain::format::native::read_native(&old.to_string());
    let errors: Vec<_> = batch
        .problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    let (creator, attributes) = batch.annotations[0].creator_and_attributes();
    assert_eq!(creator, "Ben");
    assert_eq!(
        attributes,
        BTreeMap::from([("source".to_string(), "desk".to_string())])
    );
    // W3C: a creator given as an IRI string, or an agent with a nickname, is read too.
    let w3c_file = serde_json::json!({
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "type": "Annotation",
        "creator": { "type": "Person", "nickname": "cai" },
        "body": { "type": "TextualBody", "purpose": "tagging", "value": "claim" },
        "target": { "source": "https://example.org/a", "selector": { "type": "TextQuoteSelector", "exact": "Crime fell" } }
    });
    let read = w3c::read(&w3c_file.to_string());
    assert_eq!(read.annotations.len(), 1, "{:?}", read.problems);
    assert_eq!(read.annotations[0].creator.as_deref(), Some("cai"));
}
