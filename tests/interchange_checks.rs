//! Files as other tools write them: quotes are checked against offsets, re-anchoring is
//! reported, discontinuous brat spans keep their gaps unhighlighted, and exports leave out
//! what they cannot hold instead of inventing positions.

use annotator::domain::annotation::AnchorStatus;
use annotator::domain::document::Document;
use annotator::domain::history::Editor;
use annotator::domain::import_pipeline::{
    ImportPreparation, ImportTarget, InputFile, PreparedImport, prepare_import,
};
use annotator::domain::interchange::brat;

const NOW: &str = "2026-01-01T00:00:00Z";

fn file(name: &str, bytes: impl Into<Vec<u8>>) -> InputFile {
    InputFile {
        name: name.into(),
        bytes: bytes.into(),
    }
}

fn prepare(files: &[InputFile], open: Option<&Document>) -> ImportPreparation {
    let mut counter = 0;
    let mut ids = move |prefix: &str| {
        counter += 1;
        format!("{prefix}-fresh-{counter}")
    };
    prepare_import(files, &[], open, &mut ids, NOW)
}

/// The document an item makes (or changes), with the item applied.
fn applied(item: &PreparedImport, open: Option<&Document>) -> Document {
    let start = match (&item.target, open) {
        (ImportTarget::New(new), _) => new.clone(),
        (ImportTarget::Existing(_), Some(open)) => open.clone(),
        (ImportTarget::Existing(id), None) => panic!("no document {id:?} to apply to"),
    };
    let mut editor = Editor::new(start);
    let mut counter = 0;
    editor
        .import(
            item.incoming.clone(),
            &mut || {
                counter += 1;
                format!("a-applied-{counter}")
            },
            0,
            NOW,
        )
        .expect("a prepared import applies");
    editor.into_document()
}

fn spans(document: &Document) -> Vec<(usize, usize, String, &'static str)> {
    let mut spans: Vec<_> = document
        .annotations
        .iter()
        .map(|a| (a.start().0, a.end().0, a.quote.clone(), a.anchor.name()))
        .collect();
    spans.sort();
    spans
}

fn only_item(preparation: &ImportPreparation) -> &PreparedImport {
    assert_eq!(
        preparation.items.len(),
        1,
        "one item expected; problems: {:?}",
        preparation.all_problems()
    );
    &preparation.items[0]
}

#[test]
fn a_prodigy_span_whose_text_differs_is_moved_or_left_for_review() {
    let line = r#"{"text":"The mayor said crime fell.","spans":[
        {"start":4,"end":9,"label":"PER","text":"mayor"},
        {"start":0,"end":3,"label":"PER","text":"said"},
        {"start":15,"end":20,"label":"CLAIM","text":"taxes"}]}"#
        .replace('\n', " ");
    let preparation = prepare(&[file("prodigy.jsonl", line)], None);
    let item = only_item(&preparation);
    let counts = item.counts;
    assert_eq!(
        (counts.exact, counts.moved, counts.orphaned),
        (1, 1, 1),
        "{counts:?}"
    );
    let document = applied(item, None);
    assert_eq!(
        spans(&document),
        [
            (0, 0, "taxes".to_string(), "orphaned"),
            (4, 9, "mayor".to_string(), "exact"),
            (10, 14, "said".to_string(), "moved"),
        ]
    );
    let problems: Vec<String> = item.problems.iter().map(ToString::to_string).collect();
    assert!(
        problems
            .iter()
            .any(|p| p.contains("spans[1]") && p.contains("not the span's \"said\"")),
        "{problems:#?}"
    );
    assert!(
        problems
            .iter()
            .any(|p| p.contains("spans[1]") && p.contains("moved: found by its quote at 10-14")),
        "{problems:#?}"
    );
}

#[test]
fn the_summary_line_counts_moved_and_fuzzy_for_every_format() {
    let w3c = r#"{"@context":"http://www.w3.org/ns/anno.jsonld","type":"Annotation","id":"urn:uuid:1",
      "body":{"type":"TextualBody","purpose":"tagging","value":"claim"},
      "target":{"source":"https://example.org/a","selector":[
        {"type":"TextPositionSelector","start":0,"end":4},
        {"type":"TextQuoteSelector","exact":"crime fell"}]}}"#;
    let open = Document::new(
        annotator::domain::document::DocumentId("open".into()),
        Default::default(),
        annotator::domain::text::Text::new("The mayor said crime fell."),
    );
    let preparation = prepare(&[file("notes.jsonld", w3c)], Some(&open));
    let item = only_item(&preparation);
    assert_eq!(item.counts.moved, 1, "{:?}", item.counts);
    let document = applied(item, Some(&open));
    let summary = {
        let mut editor = Editor::new(open.clone());
        editor
            .import(item.incoming.clone(), &mut || "x".into(), 0, NOW)
            .expect("applies")
    };
    assert_eq!(spans(&document)[0].0, 15);
    let line = preparation.summary_line(&[Some(summary)]);
    assert!(line.contains("1 moved"), "{line}");
    assert!(line.ends_with("— details"), "{line}");
}

#[test]
fn a_brat_quote_split_at_a_line_break_is_checked() {
    let txt = "first\nsecond line";
    // The right quote comes back exactly; a wrong one is not placed as if it were right.
    let good = "T1\tX 0 5;6 12\tfirst second\n";
    let bad = "T1\tX 0 5;6 12\tfirst secnd\n";
    let prep = prepare(&[file("a.ann", good), file("a.txt", txt)], None);
    let doc = applied(only_item(&prep), None);
    assert_eq!(spans(&doc), [(0, 12, "first\nsecond".into(), "exact")]);
    let prep = prepare(&[file("a.ann", bad), file("a.txt", txt)], None);
    let item = only_item(&prep);
    let doc = applied(item, None);
    let statuses: Vec<_> = doc.annotations.iter().map(|a| a.anchor.clone()).collect();
    assert!(
        !statuses.contains(&AnchorStatus::Exact),
        "{statuses:?} {:?}",
        item.problems
    );
    assert!(
        item.problems
            .iter()
            .any(|p| p.message.contains("not the quoted \"first secnd\"")),
        "{:?}",
        item.problems
    );
}

#[test]
fn a_discontinuous_brat_span_keeps_its_fragments_and_exports_them_back() {
    let txt = "Alice went home and then slept.";
    let ann = "T1\tAct 0 5;25 30\tAlice slept\nA1\tNegated T1\n";
    let prep = prepare(&[file("d.ann", ann), file("d.txt", txt)], None);
    let item = only_item(&prep);
    let doc = applied(item, None);
    // The gap (" went home and then ") is not highlighted.
    assert_eq!(
        spans(&doc),
        [
            (0, 5, "Alice".into(), "exact"),
            (25, 30, "slept".into(), "exact")
        ]
    );
    assert_eq!(doc.relations.len(), 1);
    assert_eq!(doc.relations[0].kind.as_str(), brat::FRAGMENT_RELATION);
    let files = brat::export(&doc);
    let exported = &files[1].1;
    assert!(
        exported.starts_with("T1\tAct 0 5;25 30\tAlice slept\n"),
        "{exported}"
    );
    assert!(!exported.contains("\nR"), "{exported}");
    assert!(exported.contains("A1\tNegated T1 true"), "{exported}");
    // And the export reads back as the same two fragments.
    let again = prepare(
        &[file("d.ann", exported.as_str()), file("d.txt", txt)],
        None,
    );
    assert_eq!(spans(&applied(only_item(&again), None)), spans(&doc));
}

// ------------------------------------------------------------------ exports

fn document_with(text: &str, title: &str, spans: &[(&str, usize, usize)]) -> Document {
    use annotator::domain::annotation::{Annotation, AnnotationId};
    use annotator::domain::document::{DocumentId, Metadata};
    use annotator::domain::tag::TagId;
    use annotator::domain::text::{Text, TextRange};
    let mut document = Document::new(
        DocumentId("doc-1".into()),
        Metadata {
            title: title.into(),
            published: "2024-05-02".into(),
            ..Metadata::default()
        },
        Text::new(text),
    );
    for (id, start, end) in spans {
        let range = TextRange::from_code_points(*start, *end).expect("ordered");
        let annotation = Annotation::new(
            AnnotationId((*id).into()),
            TagId("claim".into()),
            &document.text,
            range,
            NOW,
        )
        .expect("in the text");
        document.annotations.push(annotation);
    }
    document
}

/// The mayor text with `a1` placed and `a2` orphaned (quote kept, no place).
fn with_an_orphan() -> Document {
    let mut document = document_with(
        "The mayor said crime fell.",
        "Mayor",
        &[("a1", 4, 9), ("a2", 15, 20)],
    );
    let orphan = &mut document.annotations[1];
    orphan.anchor = AnchorStatus::Orphaned;
    orphan.range = Default::default();
    orphan.quote = "taxes rose".into();
    document
        .relations
        .push(annotator::domain::annotation::Relation {
            id: annotator::domain::annotation::RelationId("r1".into()),
            kind: annotator::domain::annotation::RelationKind::About,
            from: annotator::domain::annotation::AnnotationId("a1".into()),
            to: annotator::domain::annotation::AnnotationId("a2".into()),
        });
    document
}

#[test]
fn orphans_are_left_out_of_offset_only_formats_and_listed() {
    use annotator::domain::interchange::{ExportFormat, export_with_report};
    let document = with_an_orphan();
    for format in ExportFormat::ALL {
        let exported = export_with_report(&document, format);
        let all: String = exported.files.iter().map(|f| f.contents.as_str()).collect();
        if format.offsets_only() {
            assert!(!all.contains("taxes rose"), "{format:?}: {all}");
            assert!(!all.contains("\"a2\""), "{format:?}: {all}");
            assert!(!all.contains("[0,0"), "{format:?}: {all}");
            assert_eq!(exported.left_out.len(), 1, "{format:?}");
            assert!(exported.left_out[0].starts_with("a2 (“taxes rose”)"));
        } else {
            assert!(all.contains("taxes rose"), "{format:?}: {all}");
            assert!(exported.left_out.is_empty(), "{format:?}");
        }
        // The placed annotation is always there.
        assert!(all.contains("mayor"), "{format:?}");
    }
}

#[test]
fn label_studio_tasks_have_an_id() {
    use annotator::domain::interchange::label_studio;
    let document = with_an_orphan();
    let tasks: serde_json::Value =
        serde_json::from_str(&label_studio::export(&document)).expect("JSON");
    assert!(tasks[0]["id"].is_u64(), "{tasks}");
}

#[test]
fn brat_keeps_spans_that_start_or_end_with_a_line_break() {
    let text = "aaa bbb\n\nccc\nddd";
    // "bbb\n\n" (4–9) ends with breaks, "\nccc" (8–12) starts with one, "\n" is only one.
    let document = document_with(
        text,
        "Breaks",
        &[("a1", 4, 9), ("a2", 8, 12), ("a3", 12, 13)],
    );
    let files = brat::export(&document);
    let ann = &files[1].1;
    for line in ann.lines() {
        assert_eq!(line.split('\t').count(), 3, "{line:?}");
    }
    let prep = prepare(&[file("b.ann", ann.as_str()), file("b.txt", text)], None);
    let item = only_item(&prep);
    assert!(item.problems.is_empty(), "{:?}", item.problems);
    assert_eq!(
        spans(&applied(item, None)),
        [
            (4, 9, "bbb\n\n".into(), "exact"),
            (8, 12, "\nccc".into(), "exact"),
            (12, 13, "\n".into(), "exact")
        ]
    );
}

#[test]
fn download_names_differ_per_format_and_follow_the_native_name() {
    use annotator::domain::article_input::metadata::suggested_file_stem;
    use annotator::domain::interchange::{ExportFormat, export};
    let title =
        "A very long headline about the mayor and the statistics of crime in the city of Lisbon";
    let document = document_with("Text.", title, &[]);
    let stem = suggested_file_stem(title, "2024-05-02");
    let mut names: Vec<String> = ExportFormat::ALL
        .into_iter()
        .flat_map(|format| export(&document, format))
        .map(|file| file.name)
        .collect();
    for name in &names {
        assert!(name.starts_with(&format!("{stem}.")), "{name} vs {stem}");
        // Not cut in the middle of a word of the title.
        let words: Vec<&str> = stem.split('-').collect();
        let last = words.last().copied().unwrap_or("");
        assert!(
            title.to_lowercase().split(' ').any(|w| w == last)
                || last.chars().all(|c| c.is_ascii_digit()),
            "{name}"
        );
    }
    let count = names.len();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), count, "{names:?}");
    assert!(names.iter().any(|n| n.ends_with(".doccano.jsonl")));
    assert!(names.iter().any(|n| n.ends_with(".spacy.jsonl")));
}

#[test]
fn csv_guards_cells_starting_with_tab_or_carriage_return() {
    use annotator::domain::interchange::csv_export;
    let mut document = document_with("The mayor said crime fell.", "Csv", &[("a1", 4, 9)]);
    document.annotations[0].note = "\t=HYPERLINK(\"x\")".into();
    document.annotations[0].attributes.clear();
    let csv = csv_export::export(&document);
    assert!(csv.contains("\"'\t=HYPERLINK"), "{csv}");
    document.annotations[0].note = "\r=1".into();
    assert!(csv_export::export(&document).contains("\"'\r=1"));
}

// ------------------------------------------------------------------ readers

fn open_article(text: &str) -> Document {
    Document::new(
        annotator::domain::document::DocumentId("open".into()),
        Default::default(),
        annotator::domain::text::Text::new(text),
    )
}

const HYPOTHESIS_TEXT: &str = "📉 Unemployment fell to 4.1% in May, the ministry said.";

fn hypothesis_annotation(id: &str, start: usize, end: usize, exact: &str) -> String {
    format!(
        r#"{{"id":"{id}","created":"2024-05-02T09:00:00.000000+00:00","updated":"2024-05-02T09:05:00.000000+00:00",
        "user":"acct:reader@hypothes.is","uri":"https://example.org/jobs","text":"Check the *source*.",
        "tags":["claim","economy"],"group":"__world__","permissions":{{"read":["group:__world__"]}},
        "target":[{{"source":"https://example.org/jobs","selector":[
          {{"type":"RangeSelector","endContainer":"/main[1]/p[1]","startContainer":"/main[1]/p[1]","startOffset":{start},"endOffset":{end}}},
          {{"type":"TextPositionSelector","start":{start},"end":{end}}},
          {{"type":"TextQuoteSelector","exact":"{exact}","prefix":"","suffix":""}}]}}],
        "document":{{"title":["Jobs"]}},"links":{{"html":"https://hypothes.is/a/{id}"}}}}"#
    )
}

#[test]
fn hypothesis_api_json_is_read_in_each_of_its_shapes() {
    let open = open_article(HYPOTHESIS_TEXT);
    // "Unemployment" starts at code point 2, UTF-16 unit 3 (the emoji is two units).
    let one = hypothesis_annotation("h1", 3, 15, "Unemployment");
    let other = hypothesis_annotation("h2", 24, 28, "4.1%");
    let page_note = r#"{"id":"h3","uri":"https://example.org/jobs","text":"A page note","tags":[],
        "user":"acct:reader@hypothes.is","target":[{"source":"https://example.org/jobs"}]}"#;
    let shapes = [
        ("single.json", one.clone(), 1),
        ("array.json", format!("[{one},{other}]"), 2),
        (
            "search.json",
            format!(r#"{{"total":3,"rows":[{one},{other},{page_note}]}}"#),
            2,
        ),
    ];
    for (name, contents, expected) in shapes {
        let prep = prepare(&[file(name, contents)], Some(&open));
        let item = only_item(&prep);
        assert_eq!(item.format, "Hypothesis JSON", "{name}");
        assert_eq!(item.counts.exact, expected, "{name}: {:?}", item.problems);
        let document = applied(item, Some(&open));
        let first = document
            .annotations
            .iter()
            .find(|a| a.id.as_str() == "h1")
            .expect("h1 imported");
        assert_eq!((first.start().0, first.end().0), (2, 14), "{name}");
        assert_eq!(first.tag.as_str(), "claim");
        assert_eq!(first.note, "Check the *source*.");
        assert_eq!(
            first.attributes.get("tags").map(String::as_str),
            Some("economy")
        );
        if name == "search.json" {
            assert!(
                item.problems
                    .iter()
                    .any(|p| p.location.ends_with("$.rows[2]") && p.message.contains("page note")),
                "{:?}",
                item.problems
            );
        }
    }
    // A target without a source is placed on the open article by its quote.
    let sourceless = r#"{"id":"h9","user":"acct:a@hypothes.is","text":"","tags":[],
        "target":[{"selector":[{"type":"TextQuoteSelector","exact":"the ministry said"}]}]}"#;
    let prep = prepare(&[file("h.json", sourceless)], Some(&open));
    let document = applied(only_item(&prep), Some(&open));
    assert_eq!(document.annotations[0].quote, "the ministry said");
}

#[test]
fn recogito_ids_and_collapsed_quotes_are_accepted_and_reported() {
    let open = open_article("The mayor\n   said crime fell.\nPolice data shows otherwise.");
    let file_text = r##"[{"@context":"http://www.w3.org/ns/anno.jsonld","id":"#a88b22d0-6106-4872-9435-c78b5e89fede",
      "type":"Annotation","body":[{"type":"TextualBody","value":"claim","purpose":"tagging"}],
      "target":{"selector":[{"type":"TextQuoteSelector","exact":"mayor said crime"}]}},
      {"@context":"http://www.w3.org/ns/anno.jsonld","id":"0f9b7c2e-1d3a-4b5c-8e6f-7a8b9c0d1e2f",
      "type":"Annotation","body":[{"type":"TextualBody","value":"source","purpose":"tagging"}],
      "target":[{"source":"https://example.org/a","selector":{"type":"TextQuoteSelector","exact":"Police data"}}]}]"##;
    let prep = prepare(&[file("recogito.jsonld", file_text)], Some(&open));
    let item = only_item(&prep);
    assert_eq!(item.counts.moved, 2, "{:?}", item.problems);
    let document = applied(item, Some(&open));
    let ids: Vec<&str> = document.annotations.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "urn:uuid:a88b22d0-6106-4872-9435-c78b5e89fede",
            "urn:uuid:0f9b7c2e-1d3a-4b5c-8e6f-7a8b9c0d1e2f"
        ]
    );
    assert_eq!(document.annotations[0].quote, "mayor\n   said crime");
    let messages: Vec<&str> = item.problems.iter().map(|p| p.message.as_str()).collect();
    assert_eq!(
        messages.iter().filter(|m| m.contains("bare UUID")).count(),
        2,
        "{messages:?}"
    );
}

#[test]
fn doccano_one_x_pretty_json_and_relation_exports_are_read() {
    let one_x = r#"{"id": 7, "text": "Zoë met Bob.", "meta": {}, "annotation_approver": null,
 "annotations": [{"label": 1, "start_offset": 0, "end_offset": 3, "user": 1},
                 {"label": 2, "start_offset": 8, "end_offset": 11, "user": 1}],
 "labels": [{"id": 1, "text": "PER"}, {"id": 2, "text": "NAME"}]}"#;
    let prep = prepare(&[file("doccano-1x.json", one_x)], None);
    let document = applied(only_item(&prep), None);
    let tags: Vec<(&str, &str)> = document
        .annotations
        .iter()
        .map(|a| (a.quote.as_str(), a.tag.as_str()))
        .collect();
    assert_eq!(tags, [("Zoë", "PER"), ("Bob", "NAME")]);

    // Without the label list the ids become tag names, and the summary says so.
    let unnamed = r#"{"text": "Zoë met Bob.", "annotations": [{"label": 4, "start_offset": 0, "end_offset": 3}]}"#;
    let prep = prepare(&[file("u.jsonl", unnamed)], None);
    assert!(
        only_item(&prep)
            .problems
            .iter()
            .any(|p| p.message.contains("label ids 4 have no names")),
        "{:?}",
        prep.all_problems()
    );

    // A relation export, pretty-printed as a JSON array.
    let relations = r#"[
  {
    "id": 1,
    "text": "Zoë met Bob.",
    "entities": [
      {"id": 10, "label": "PER", "start_offset": 0, "end_offset": 3},
      {"id": 11, "label": "PER", "start_offset": 8, "end_offset": 11}
    ],
    "relations": [{"id": 5, "from_id": 10, "to_id": 11, "type": "met"}]
  }
]"#;
    let prep = prepare(&[file("rel.json", relations)], None);
    let document = applied(only_item(&prep), None);
    assert_eq!(document.annotations.len(), 2);
    assert_eq!(document.relations.len(), 1);
    assert_eq!(document.relations[0].kind.as_str(), "met");
}

#[test]
fn a_file_that_cannot_be_read_says_which_line_and_why() {
    let broken = "{\"text\": \"a\", \"label\": []}\n{\"text\": \"b\", \"label\": []}\n{\"text\": \"c\", \"label\": [[0, 1, \"X\"]\n";
    let prep = prepare(&[file("broken.jsonl", broken)], None);
    let problems: Vec<String> = prep
        .all_problems()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert!(
        problems
            .iter()
            .any(|p| p.contains("line 3") && p.contains("not valid JSON")),
        "{problems:?}"
    );
    let unknown =
        "{\"words\": [\"a\"], \"tags\": [\"X\"]}\n{\"words\": [\"b\"], \"tags\": [\"Y\"]}\n";
    let prep = prepare(&[file("other.jsonl", unknown)], None);
    let problems: Vec<String> = prep
        .all_problems()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert!(
        problems.iter().any(
            |p| p.contains("line 1 is a JSON object with keys tags, words")
                && p.contains("no \"text\"")
        ),
        "{problems:?}"
    );
}

#[test]
fn prodigy_ignored_and_empty_records_make_no_documents_and_one_text_is_one_document() {
    let lines = [
        r#"{"text":"Zoë met Bob.","spans":[{"start":0,"end":3,"label":"PER"}],"answer":"accept","_input_hash":1}"#,
        r#"{"text":"Zoë met Bob.","spans":[{"start":8,"end":11,"label":"PER"}],"answer":"accept","_input_hash":1}"#,
        r#"{"text":"Nothing here.","spans":[],"answer":"accept","_input_hash":2}"#,
        r#"{"text":"Skip me.","spans":[{"start":0,"end":4,"label":"X"}],"answer":"ignore","_input_hash":3}"#,
        r#"{"text":"No spans key.","answer":"accept","_input_hash":4}"#,
    ]
    .join("\n");
    let prep = prepare(&[file("prodigy.jsonl", lines)], None);
    let new_documents = prep
        .items
        .iter()
        .filter(|item| matches!(item.target, ImportTarget::New(_)))
        .count();
    assert_eq!(new_documents, 1, "{:?}", prep.all_problems());
    assert_eq!(prep.items.len(), 2);
    let warnings: Vec<String> = prep
        .all_problems()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("line 4") && w.contains("\"ignore\"")),
        "{warnings:?}"
    );
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("line 3") && w.contains("no spans")),
        "{warnings:?}"
    );
}

#[test]
fn a_refused_brat_file_leaves_nothing_behind() {
    let latin1_ann: &[u8] = b"T1\tPER 0 3\tZo\xe9\n";
    let prep = prepare(
        &[file("l.ann", latin1_ann), file("l.txt", "Zoë met Bob.")],
        None,
    );
    assert!(prep.items.is_empty(), "{:?}", prep.items.len());
    assert!(
        prep.problems
            .iter()
            .any(|p| p.message.contains("not valid UTF-8")),
        "{:?}",
        prep.problems
    );
}

// ------------------------------------------------------------------ units without quotes

fn first_record_spans(line: &str) -> (Vec<(usize, usize, String)>, Vec<String>) {
    use annotator::domain::interchange::jsonl;
    let batch = jsonl::read(line);
    let spans = batch
        .annotations
        .iter()
        .map(|a| {
            (
                a.start.unwrap_or(usize::MAX),
                a.end.unwrap_or(usize::MAX),
                a.quote.clone().unwrap_or_default(),
            )
        })
        .collect();
    let notes = batch.problems.iter().map(|p| p.message.clone()).collect();
    (spans, notes)
}

#[test]
fn quoteless_offsets_after_emoji_are_read_in_the_unit_the_spans_show() {
    // "Zoë" is code points 3–6 and UTF-16 units 5–8; "Bob" 11–14 and 13–16.
    let text = "📉📉 Zoë met Bob.";
    let utf16 = format!(r#"{{"text":"{text}","label":[[5,8,"PER"],[13,16,"PER"]]}}"#);
    let (spans, notes) = first_record_spans(&utf16);
    assert_eq!(
        spans,
        [(3, 6, "Zoë".to_string()), (11, 14, "Bob".to_string())]
    );
    assert!(
        notes
            .iter()
            .any(|n| n.contains("read as UTF-16 units") && n.contains("do not fit the text")),
        "{notes:?}"
    );
    // Word boundaries decide when both readings fit: "Zoë met" is 3–10 and 5–12.
    let by_words = format!(r#"{{"text":"{text}","label":[[5,12,"PER"]]}}"#);
    let (spans, notes) = first_record_spans(&by_words);
    assert_eq!(spans, [(3, 10, "Zoë met".to_string())], "{notes:?}");
    assert!(
        notes
            .iter()
            .any(|n| n.contains("word boundaries as UTF-16 units")),
        "{notes:?}"
    );
    let code_points = format!(r#"{{"text":"{text}","label":[[3,6,"PER"],[11,14,"PER"]]}}"#);
    let (spans, notes) = first_record_spans(&code_points);
    assert_eq!(
        spans,
        [(3, 6, "Zoë".to_string()), (11, 14, "Bob".to_string())]
    );
    assert!(
        notes
            .iter()
            .any(|n| n.contains("read as Unicode code points, the unit this format counts in")),
        "{notes:?}"
    );
    // A span that would split an emoji as code points: "👍🏽" is two code points, four
    // units; 0–4 read as code points ends between the second 👍 and its skin tone.
    let split = r#"{"text":"👍🏽 👍🏽 done","label":[[0,4,"X"]]}"#;
    let (spans, notes) = first_record_spans(split);
    assert_eq!(spans, [(0, 2, "👍🏽".to_string())], "{notes:?}");
    assert!(
        notes.iter().any(|n| n.contains("split a character")),
        "{notes:?}"
    );
    // Text without characters outside the BMP: nothing to decide, nothing said.
    let (_, notes) = first_record_spans(r#"{"text":"Zoë met Bob.","label":[[0,3,"PER"]]}"#);
    assert!(notes.is_empty(), "{notes:?}");
}

// ------------------------------------------------------------------ real files

fn real(path: &str) -> InputFile {
    let bytes = std::fs::read(format!("tests/fixtures/real/{path}")).expect("fixture present");
    file(path.rsplit('/').next().unwrap_or(path), bytes)
}

#[test]
fn a_real_prodigy_file_makes_documents_only_for_records_with_spans() {
    let prep = prepare(
        &[real("prodigy/fashion_brands_training.head12.jsonl")],
        None,
    );
    // 12 records, 3 with a span: one document each; the 9 without spans are skipped, said.
    assert_eq!(prep.items.len(), 3, "{:?}", prep.all_problems());
    let quotes: Vec<String> = prep
        .items
        .iter()
        .flat_map(|item| applied(item, None).annotations)
        .map(|a| format!("{}:{}", a.tag.as_str(), a.quote))
        .collect();
    assert_eq!(
        quotes,
        [
            "FASHION_BRAND:SLP",
            "FASHION_BRAND:club monaco",
            "FASHION_BRAND:anachronorm"
        ]
    );
    for item in &prep.items {
        assert_eq!(item.counts.exact, 1, "{}", item.source);
    }
    let skipped = prep
        .all_problems()
        .iter()
        .filter(|p| p.message.contains("no spans"))
        .count();
    assert_eq!(skipped, 9);
}

#[test]
fn real_doccano_files_import_with_their_labels_and_relations() {
    let prep = prepare(&[real("doccano/sequence_labeling_export.jsonl")], None);
    let spans: Vec<String> = prep
        .items
        .iter()
        .flat_map(|item| applied(item, None).annotations)
        .map(|a| format!("{}:{}", a.tag.as_str(), a.quote))
        .collect();
    assert_eq!(
        spans,
        [
            "ORG:EU",
            "MISC:German",
            "PERSON:Peter Blackburn",
            "PERSON:Obama"
        ]
    );

    let prep = prepare(&[real("doccano/relation_extraction_import.jsonl")], None);
    let document = applied(only_item(&prep), None);
    let entities: Vec<String> = document
        .annotations
        .iter()
        .map(|a| format!("{}:{}", a.tag.as_str(), a.quote))
        .collect();
    assert_eq!(
        entities,
        [
            "ORG:Google",
            "DATE:September 4, 1998",
            "PERSON:Larry Page",
            "PERSON:Sergey Brin"
        ]
    );
    let kinds: Vec<&str> = document.relations.iter().map(|r| r.kind.as_str()).collect();
    assert_eq!(kinds, ["foundedAt", "foundedBy", "foundedBy"]);

    let prep = prepare(&[real("doccano/download_sequence_labeling_1x.jsonl")], None);
    let spans: Vec<String> = prep
        .items
        .iter()
        .flat_map(|item| applied(item, None).annotations)
        .map(|a| format!("{}:{}", a.tag.as_str(), a.quote))
        .collect();
    assert_eq!(spans, ["ORG:EU", "PERSON:Peter Blackburn", "PERSON:Obama"]);
    assert!(
        !prep
            .all_problems()
            .iter()
            .any(|p| p.message.contains("have no names")),
        "{:?}",
        prep.all_problems()
    );
}

#[test]
fn a_doccano_json_list_on_one_line_is_read_as_records() {
    let list = r#"[{"text": "Zoë met Bob.", "label": [[0, 3, "PER"]]}, {"text": "Bob left.", "label": [[0, 3, "PER"]]}]"#;
    let prep = prepare(&[file("doccano.json", list)], None);
    assert_eq!(prep.items.len(), 2, "{:?}", prep.all_problems());
    assert!(
        prep.items[0].source.ends_with("$[0]"),
        "{}",
        prep.items[0].source
    );
}

#[test]
fn a_brat_file_read_without_its_text_keeps_its_quotes_unjudged() {
    let batch = brat::read(b"T1\tPER 0 3\tZo\xc3\xab\n", None);
    assert!(batch.problems.is_empty(), "{:?}", batch.problems);
    assert_eq!(batch.annotations[0].quote.as_deref(), Some("Zoë"));
}

// ------------------------------------------------------------------ Label Studio HyperText

/// A Label Studio task over `html` with one HyperText region per (id, value) pair.
fn hypertext_task(html: &str, regions: &[(&str, serde_json::Value)]) -> String {
    let result: Vec<serde_json::Value> = regions
        .iter()
        .map(|(id, value)| {
            serde_json::json!({
                "id": id, "from_name": "label", "to_name": "html", "type": "hypertextlabels",
                "value": value,
            })
        })
        .collect();
    serde_json::json!([{ "id": 7, "data": { "html": html }, "annotations": [{ "id": 1, "result": result }] }])
        .to_string()
}

fn region(start: Option<(usize, usize)>, text: &str, label: &str) -> serde_json::Value {
    let mut value = serde_json::json!({
        "start": "/p[1]/text()[1]", "end": "/p[1]/text()[1]", "startOffset": 0, "endOffset": 0,
        "text": text, "hypertextlabels": [label],
    });
    if let Some((s, e)) = start {
        value["globalOffsets"] = serde_json::json!({ "start": s, "end": e });
    }
    value
}

fn messages(item: &PreparedImport) -> Vec<String> {
    item.problems.iter().map(|p| p.to_string()).collect()
}

#[test]
fn a_real_label_studio_hypertext_export_is_placed_on_the_article_text() {
    let prep = prepare(&[real("label-studio/hypertext_emoji_export.json")], None);
    assert_eq!(prep.items.len(), 2, "{:?}", prep.all_problems());
    let first = applied(&prep.items[0], None);
    // The article text made from the HTML has a paragraph break where the text content Label
    // Studio counts has one space; the offsets (code points) are carried over word by word.
    assert_eq!(first.text.as_str(), "🐱 Warning:\n\n🐱 This is a test text");
    assert_eq!(
        spans(&first),
        [
            (2, 28, "Warning:\n\n🐱 This is a test".to_string(), "exact"),
            (24, 28, "test".to_string(), "exact"),
        ]
    );
    assert_eq!(prep.items[0].counts.exact, 2);
    assert!(
        messages(&prep.items[0])
            .iter()
            .any(|m| m.contains("carried over word by word")),
        "{:?}",
        messages(&prep.items[0])
    );
    let second = applied(&prep.items[1], None);
    assert_eq!(second.text.as_str(), "🐱 means cat");
    assert_eq!(spans(&second), [(2, 7, "means".to_string(), "exact")]);
    assert_eq!(first.annotations[0].tag.as_str(), "region");
}

#[test]
fn hypertext_offsets_in_utf16_units_past_an_emoji_are_read_as_such_and_said() {
    // Older Label Studio versions counted globalOffsets in UTF-16 units: in the text content
    // "🐱 onetwo three", "three" starts at code point 9 but UTF-16 unit 10 (the cat counts
    // twice).
    let html = "<p>🐱 one</p><p>two three</p>";
    let task = hypertext_task(
        html,
        &[
            ("r1", region(Some((10, 15)), "three", "NUM")),
            ("r2", region(Some((3, 6)), "one", "NUM")),
        ],
    );
    let prep = prepare(&[file("ls.json", task)], None);
    let item = only_item(&prep);
    let document = applied(item, None);
    assert_eq!(document.text.as_str(), "🐱 one\n\ntwo three");
    assert_eq!(
        spans(&document),
        [
            (2, 5, "one".to_string(), "exact"),
            (11, 16, "three".to_string(), "exact")
        ]
    );
    assert!(
        messages(item).iter().any(|m| m.contains("UTF-16")),
        "{:?}",
        messages(item)
    );
}

#[test]
fn a_hypertext_quote_that_disagrees_with_its_offsets_is_moved_or_left_for_review() {
    let html = "<p>The cat sat.</p><p>The dog ran.</p>";
    let task = hypertext_task(
        html,
        &[
            // Offsets point at "cat", the quote says "dog": found by its quote, said so.
            ("moved", region(Some((4, 7)), "dog", "ANIMAL")),
            // A quote that is nowhere: kept for review, said so.
            ("gone", region(Some((4, 7)), "horse", "ANIMAL")),
        ],
    );
    let prep = prepare(&[file("ls.json", task)], None);
    let item = only_item(&prep);
    assert_eq!(
        (item.counts.exact, item.counts.moved, item.counts.orphaned),
        (0, 1, 1)
    );
    let document = applied(item, None);
    let placed: Vec<_> = document
        .annotations
        .iter()
        .map(|a| (a.id.as_str().to_string(), a.quote.clone(), a.anchor.name()))
        .collect();
    assert!(placed.contains(&("moved".to_string(), "dog".to_string(), "moved")));
    assert!(placed.contains(&("gone".to_string(), "horse".to_string(), "orphaned")));
    let messages = messages(item);
    assert!(
        messages
            .iter()
            .any(|m| m.contains("result[0]") && m.contains("moved")),
        "{messages:?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.contains("result[1]") && m.contains("review")),
        "{messages:?}"
    );
}

#[test]
fn a_hypertext_region_without_global_offsets_is_placed_by_its_quote() {
    let html = "<p>Alpha beta.</p><p>Gamma delta.</p>";
    let task = hypertext_task(html, &[("q", region(None, "Gamma delta", "X"))]);
    let prep = prepare(&[file("ls.json", task)], None);
    let item = only_item(&prep);
    let document = applied(item, None);
    assert_eq!(
        spans(&document),
        [(13, 24, "Gamma delta".to_string(), "moved")]
    );
    assert!(
        messages(item)
            .iter()
            .any(|m| m.contains("without globalOffsets")),
        "{:?}",
        messages(item)
    );
}

#[test]
fn scripts_in_a_hypertext_task_never_reach_the_text() {
    let html = "<p>Safe words here.</p><script>document.write('<p>evil words</p>')</script>\
                <img src=x onerror=\"alert(1)\"><style>p{}</style><p>More text.</p>";
    let task = hypertext_task(
        html,
        &[
            ("ok", region(Some((16, 20)), "More", "X")),
            ("bad", region(Some((0, 4)), "evil words", "X")),
        ],
    );
    let prep = prepare(&[file("ls.json", task)], None);
    let item = only_item(&prep);
    let document = applied(item, None);
    assert_eq!(document.text.as_str(), "Safe words here.\n\nMore text.");
    for hostile in ["evil", "alert", "document", "<", "p{}"] {
        assert!(!document.text.as_str().contains(hostile), "{hostile}");
    }
    assert_eq!(
        spans(&document),
        [
            (0, 0, "evil words".to_string(), "orphaned"),
            (18, 22, "More".to_string(), "exact")
        ]
    );
}

#[test]
fn hypertext_on_a_page_with_navigation_is_placed_by_quote_and_said() {
    // The article text leaves the navigation out, so offsets over the page's text content
    // cannot be carried over: the quotes place the regions.
    let html = "<nav>Home News</nav><article><p>The mayor spoke.</p></article>";
    let task = hypertext_task(html, &[("m", region(Some((13, 18)), "mayor", "PER"))]);
    let prep = prepare(&[file("ls.json", task)], None);
    let item = only_item(&prep);
    let document = applied(item, None);
    assert_eq!(document.text.as_str(), "The mayor spoke.");
    assert_eq!(spans(&document), [(4, 9, "mayor".to_string(), "moved")]);
    assert!(
        messages(item)
            .iter()
            .any(|m| m.contains("leaves out words")),
        "{:?}",
        messages(item)
    );
}

#[test]
fn a_hypertext_task_over_another_version_of_the_open_article_offers_the_choice() {
    let open = open_article("The cat sat.\n\nThe dog ran far.");
    let task = hypertext_task(
        "<p>The cat sat.</p><p>The dog ran.</p>",
        &[("d", region(Some((16, 19)), "dog", "ANIMAL"))],
    );
    let mut prep = prepare(&[file("ls.json", task)], Some(&open));
    assert!(prep.needs_version_choice(), "{:?}", prep.all_problems());
    prep.choose(annotator::domain::import_pipeline::VersionChoice::PlaceOnOpenText);
    let item = only_item(&prep);
    let document = applied(item, Some(&open));
    assert_eq!(spans(&document), [(18, 21, "dog".to_string(), "exact")]);
    // The same HTML as the open article's text: merged into it, offsets exact.
    let same = open_article("The cat sat.\n\nThe dog ran.");
    let task = hypertext_task(
        "<p>The cat sat.</p><p>The dog ran.</p>",
        &[("d", region(Some((16, 19)), "dog", "ANIMAL"))],
    );
    let prep = prepare(&[file("ls.json", task)], Some(&same));
    let item = only_item(&prep);
    assert!(matches!(item.target, ImportTarget::Existing(_)));
    assert_eq!(item.counts.exact, 1);
}

#[test]
fn a_hypertext_task_whose_html_is_an_address_is_placed_by_quote_on_the_open_article() {
    let open = open_article("The council met. The mayor spoke at length.");
    let task = hypertext_task(
        "https://example.org/council.html",
        &[("m", region(Some((40, 45)), "mayor", "PER"))],
    );
    let prep = prepare(&[file("ls.json", task.clone())], Some(&open));
    let item = only_item(&prep);
    assert!(matches!(&item.target, ImportTarget::Existing(id) if id.0 == "open"));
    let document = applied(item, Some(&open));
    assert_eq!(spans(&document), [(21, 26, "mayor".to_string(), "moved")]);
    assert!(
        messages(item).iter().any(|m| m.contains("only an address")),
        "{:?}",
        messages(item)
    );
    // Without an open article there is nothing to place it on: said, and no document.
    let prep = prepare(&[file("ls.json", task)], None);
    assert!(prep.items.is_empty());
    assert!(
        prep.all_problems()
            .iter()
            .any(|p| p.message.contains("open the article first")),
        "{:?}",
        prep.all_problems()
    );
}

#[test]
fn offsets_that_nothing_decides_are_prepared_both_ways_for_the_person_to_choose() {
    use annotator::domain::import_pipeline::UnitChoice;
    // "b c" is code points 4–7; read as UTF-16 units (the chart emoji counts twice) 4–7 is " b ".
    // Both readings fit, split nothing and end on word boundaries: nothing decides.
    let line = r#"{"text":"📉 a b c d e","label":[[4,7,"X"]]}"#;
    let prep = prepare(&[file("undecided.jsonl", line)], None);
    assert!(prep.needs_unit_choice());
    let choices = prep.unit_choices();
    assert_eq!(choices.len(), 1);
    let offered = choices[0];
    assert_eq!(offered.source, "undecided.jsonl line 1");
    assert_eq!(offered.other_unit.name(), "utf16");
    assert_eq!(offered.as_read.incoming.annotations[0].quote, "b c");
    assert_eq!(offered.other.incoming.annotations[0].quote, " b ");
    // The format's unit: kept as read, nothing else offered any more.
    let mut keep = prep.clone();
    keep.choose_unit(UnitChoice::FormatsUnit);
    assert!(!keep.needs_unit_choice());
    assert_eq!(spans(&applied(only_item(&keep), None))[0].0, 4);
    // The other unit: the item read as UTF-16 units, and it says so.
    let mut other = prep.clone();
    other.choose_unit(UnitChoice::OtherUnit);
    let item = only_item(&other);
    assert_eq!(
        spans(&applied(item, None)),
        [(3, 6, " b ".to_string(), "exact")]
    );
    assert!(
        messages(item)
            .iter()
            .any(|m| m.contains("read as UTF-16 units, as chosen")),
        "{:?}",
        messages(item)
    );
    // Where the spans decide (UTF-16 would not fit), nothing is offered.
    let decided = r#"{"text":"📉📉 Zoë met Bob.","label":[[3,6,"PER"],[11,14,"PER"]]}"#;
    assert!(!prepare(&[file("decided.jsonl", decided)], None).needs_unit_choice());
}

#[test]
fn a_hypertext_quote_keeps_a_backslash_n_the_text_really_holds() {
    // Label Studio writes a line break in a region's text as `\n`; a text that holds those
    // two characters itself keeps them.
    let task = hypertext_task(
        r"<p>Save to C:\new now.</p>",
        &[("p", region(Some((8, 14)), r"C:\new", "PATH"))],
    );
    let prep = prepare(&[file("ls.json", task)], None);
    let document = applied(only_item(&prep), None);
    assert_eq!(spans(&document), [(8, 14, r"C:\new".to_string(), "exact")]);
}
