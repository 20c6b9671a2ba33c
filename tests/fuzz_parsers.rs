//! Bounded fuzzing of every parser in the domain: none may panic, hang or leak on any input.
//!
//! Each run draws [`CASES`] inputs, asserts that every one of them ran and that the whole run
//! stayed under [`MAX_RUN`] (a quadratic or exponential path on a small input shows up here),
//! and prints `name: N cases in T` (visible with `cargo test -- --nocapture`).
//!
//! Adding a parser that reads bytes is one line in `fuzz_byte_parsers!` at the bottom:
//! `my_reader_survives_arbitrary_bytes => |bytes| { let _ = my_reader(bytes); },`
//! A reader of `&str` can take `&String::from_utf8_lossy(bytes)`. Properties beyond "does not
//! panic" get their own test through [`fuzz`] with a generator of their own.

use annotator::domain::article_input::metadata::MAX_FILE_STEM_CHARS;
use annotator::domain::article_input::{
    SourceEncoding, decode_article, html_to_text, looks_like_html, parse_date_line,
    suggest_metadata_from_text, suggested_file_stem,
};
use annotator::domain::classroom::fragment::decode_fragment;
use annotator::domain::format::library::{read_entry, read_index, read_library_backup};
use annotator::domain::format::native::read_native_bytes;
use annotator::domain::import_pipeline::{InputFile, prepare_import};
use annotator::domain::interchange::{brat, csv_export, jsonl, label_studio, sniff, w3c};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use std::cell::Cell;
use std::time::{Duration, Instant};

const CASES: u32 = 2_000;
const MAX_RUN: Duration = Duration::from_secs(60);

/// [`CASES`], or the number in `FUZZ_CASES` for a deeper run on a quiet machine
/// (`FUZZ_CASES=50000 cargo test --release --test fuzz_parsers`).
fn cases_to_run() -> u32 {
    std::env::var("FUZZ_CASES")
        .ok()
        .and_then(|cases| cases.parse().ok())
        .unwrap_or(CASES)
}

/// Runs `property` on [`CASES`] values of `strategy`; fails with the shrunk input on a panic
/// or a failed property, or when the run is too slow.
fn fuzz<S: Strategy>(
    name: &str,
    strategy: S,
    property: impl Fn(S::Value) -> Result<(), TestCaseError>,
) {
    let cases = cases_to_run();
    let config = Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    };
    let mut runner = TestRunner::new(config);
    let cases_run = Cell::new(0u32);
    let started = Instant::now();
    let result = runner.run(&strategy, |value| {
        cases_run.set(cases_run.get() + 1);
        property(value)
    });
    let elapsed = started.elapsed();
    println!("{name}: {} cases in {elapsed:.2?}", cases_run.get());
    if let Err(failure) = result {
        panic!("{name}: {failure}");
    }
    assert!(
        cases_run.get() >= cases,
        "{name}: only {} cases ran",
        cases_run.get()
    );
    let allowed = MAX_RUN * (cases / CASES).max(1);
    assert!(elapsed < allowed, "{name}: {cases} cases took {elapsed:?}");
}

/// Arbitrary bytes, half of them shaped like text files: ASCII with the characters parsers
/// split on, multi-byte UTF-8, byte-order marks, NULs and stray high bytes.
fn file_like_bytes() -> impl Strategy<Value = Vec<u8>> {
    let chunk = prop_oneof![
        4 => "[ -~\n\r\t]{0,12}".prop_map(String::into_bytes),
        2 => prop::sample::select(vec![
            "{", "}", "[", "]", "\"", ":", ",", "<", ">", "</", "/>", "&", "&#", ";", "=", "\\",
            "<!--", "-->", "<script>", "</script>", "é", "😀", "\u{FEFF}", "\r\n",
        ])
        .prop_map(|piece| piece.as_bytes().to_vec()),
        1 => prop::sample::select(vec![
            vec![0xFF, 0xFE], vec![0xFE, 0xFF], vec![0xEF, 0xBB, 0xBF], vec![0x00], vec![0xC3],
            vec![0xE9], vec![0x93], vec![0x81], vec![0xED, 0xA0, 0x80],
        ]),
        1 => prop::collection::vec(any::<u8>(), 0..6),
    ];
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..512),
        prop::collection::vec(chunk, 0..64).prop_map(|chunks| chunks.concat()),
    ]
}

/// [`fuzz`] with [`file_like_bytes`] and a parser that must only not panic.
fn fuzz_bytes(name: &str, parser: fn(&[u8])) {
    fuzz(name, file_like_bytes(), |bytes| {
        parser(&bytes);
        Ok(())
    });
}

// ---------------------------------------------------------------------------------------
// decode_article

#[test]
fn decode_keeps_2000_valid_utf8_texts_exactly() {
    fuzz("decode valid UTF-8", any::<String>(), |text| {
        let text = text.replace('\0', "");
        let decoded = decode_article(text.as_bytes())
            .map_err(|error| TestCaseError::fail(format!("valid UTF-8 refused: {error}")))?;
        prop_assert_eq!(&decoded.text, &text);
        prop_assert_eq!(decoded.encoding, SourceEncoding::Utf8);
        prop_assert_eq!(decoded.notice, None);
        Ok(())
    });
}

#[test]
fn decode_is_never_silently_wrong_on_2000_file_like_inputs() {
    fuzz("decode file-like bytes", file_like_bytes(), |bytes| {
        match decode_article(&bytes) {
            Ok(decoded) => match decoded.encoding {
                SourceEncoding::Utf8 => prop_assert_eq!(decoded.text.as_bytes(), &bytes[..]),
                SourceEncoding::Windows1252 => {
                    prop_assert_eq!(decoded.text.chars().count(), bytes.len());
                    prop_assert!(decoded.notice.is_some());
                }
                SourceEncoding::Utf16Le | SourceEncoding::Utf16Be => {
                    prop_assert!(decoded.notice.is_some());
                }
            },
            Err(error) => prop_assert!(!error.to_string().is_empty()),
        }
        Ok(())
    });
}

// ---------------------------------------------------------------------------------------
// html_to_text on tag soup

/// Content of `script` elements that browsers keep inside the script.
const SCRIPT_BODIES: [&str; 7] = [
    "SECRET()",
    "var a = '</scr' + 'ipt>SECRET';",
    "x = '</scriptx>SECRET'",
    "<!-- SECRET -->",
    "<!--<script>SECRET</script>SECRET-->",
    "<!-- SECRET <p>SECRET</p>",
    "if (a<b) SECRET('<img onerror=SECRET>')",
];

const VISIBLE_TEXT: [&str; 14] = [
    "word",
    " ",
    "\n",
    "  two  words ",
    "&amp;",
    "&mdash;",
    "&#8217;",
    "&#x1F600;",
    "&#0;",
    "&#99999999999;",
    "&bogus;",
    "a < b",
    "&",
    "\0",
];

const ELEMENTS: [&str; 18] = [
    "p",
    "div",
    "span",
    "b",
    "em",
    "a",
    "li",
    "ul",
    "h1",
    "blockquote",
    "section",
    "article",
    "table",
    "tr",
    "td",
    "header",
    "figure",
    "DIV",
];

const ATTRIBUTES: [&str; 6] = [
    "",
    " class=x",
    " onclick=\"SECRET()\"",
    " href='javascript:SECRET()'",
    " title=\"a > SECRET\"",
    " style=\"x\" data-x=SECRET",
];

/// Random nested markup in which every "SECRET" sits where a browser would not show it.
fn tag_soup() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        4 => prop::sample::select(VISIBLE_TEXT.to_vec()).prop_map(str::to_owned),
        1 => prop::sample::select(SCRIPT_BODIES.to_vec())
            .prop_map(|body| format!("<script>{body}</script>")),
        1 => Just("<style>p { SECRET }</style>".to_owned()),
        1 => Just("<!-- SECRET <p> -->".to_owned()),
        1 => Just("<br>".to_owned()),
        1 => Just("<img src=x onerror=SECRET()>".to_owned()),
        1 => Just("<iframe>SECRET</iframe><noscript>SECRET</noscript>".to_owned()),
    ];
    leaf.prop_recursive(6, 64, 6, |inner| {
        let children = prop::collection::vec(inner, 0..6).prop_map(|children| children.concat());
        prop_oneof![
            4 => (prop::sample::select(ELEMENTS.to_vec()), prop::sample::select(ATTRIBUTES.to_vec()), children.clone())
                .prop_map(|(name, attributes, children)| format!("<{name}{attributes}>{children}</{name}>")),
            1 => (prop::sample::select(ELEMENTS.to_vec()), children.clone())
                .prop_map(|(name, children)| format!("<{name}>{children}")),
            1 => (prop::sample::select(vec!["svg", "math", "template", "object"]), children)
                .prop_map(|(name, children)| format!("<{name}>SECRET{children}</{name}>")),
        ]
    })
}

#[test]
fn html_to_text_hides_every_secret_in_2000_tag_soups() {
    fuzz("html tag soup", tag_soup(), |soup| {
        let html = format!("<p>START</p>{soup}");
        let text = html_to_text(&html).text;
        prop_assert!(!text.contains("SECRET"), "secret shown: {text:?}");
        // Text outside an `<article>`/`<main>` is left out on purpose (the page around it).
        let has_article = soup.contains("<article") || soup.contains("<main");
        prop_assert!(
            has_article || text.starts_with("START"),
            "start lost: {text:?}"
        );
        prop_assert!(
            !text.contains("\n\n\n"),
            "more than one blank line: {text:?}"
        );
        prop_assert!(!text.contains('\0'));
        prop_assert_eq!(text.trim_end(), text.as_str());
        let markup_left = text.as_bytes().windows(2).any(|pair| {
            pair.first() == Some(&b'<')
                && pair.get(1).is_some_and(|byte| {
                    byte.is_ascii_alphabetic() || *byte == b'/' || *byte == b'!'
                })
        });
        prop_assert!(!markup_left, "markup in text: {text:?}");
        Ok(())
    });
}

// ---------------------------------------------------------------------------------------
// metadata

#[test]
fn date_lines_in_2000_written_forms_parse_back() {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let date = (
        1000u32..=9999,
        1usize..=12,
        1u32..=28,
        0usize..5,
        any::<bool>(),
    );
    fuzz(
        "date lines",
        date,
        |(year, month, day, style, abbreviate)| {
            let full_name = MONTHS.get(month - 1).copied().unwrap_or("January");
            let name = if abbreviate {
                full_name.get(..3).unwrap_or(full_name)
            } else {
                full_name
            };
            let line = match style {
                0 => format!("Saturday, {day} {name} {year}"),
                1 => format!("{name} {day}, {year}"),
                2 => format!("{day} {name} {year}"),
                3 => format!("{year}-{month:02}-{day:02}"),
                _ => format!("Published: {name} {day}th {year}"),
            };
            let expected = format!("{year:04}-{month:02}-{day:02}");
            prop_assert_eq!(parse_date_line(&line), Some(expected), "line {:?}", line);
            Ok(())
        },
    );
}

#[test]
fn metadata_suggestions_are_well_formed_for_2000_texts() {
    let text = prop_oneof![
        any::<String>(),
        prop::collection::vec(
            prop::sample::select(vec![
                "Saturday, 23 February 2019",
                "Feb 30, 2019",
                "By Jane Doe",
                "https://x.example/",
                "Headline",
                "\u{FEFF}",
                "",
                "\r",
                "2019-02-23",
                "a very long line of words ",
            ]),
            0..12
        )
        .prop_map(|lines| lines.join("\n")),
    ];
    fuzz("text suggestions", text, |text| {
        let suggestion = suggest_metadata_from_text(&text);
        if let Some(published) = &suggestion.published {
            prop_assert_eq!(parse_date_line(published), Some(published.clone()));
        }
        if let Some(title) = &suggestion.title {
            prop_assert!(!title.trim().is_empty() && !title.contains('\n'));
        }
        Ok(())
    });
}

#[test]
fn file_stems_are_safe_for_2000_titles() {
    fuzz(
        "file stems",
        (any::<String>(), any::<String>()),
        |(title, published)| {
            let stem = suggested_file_stem(&title, &published);
            prop_assert!(
                !stem.is_empty() && stem.len() <= MAX_FILE_STEM_CHARS,
                "{:?}",
                stem
            );
            prop_assert!(
                stem.bytes()
                    .all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit() || byte == b'-'),
                "{:?}",
                stem
            );
            prop_assert!(!stem.starts_with('-') && !stem.ends_with('-') && !stem.contains("--"));
            Ok(())
        },
    );
}

#[test]
fn looks_like_html_trusts_txt_names_only_for_doctype_in_2000_cases() {
    let name = prop::sample::select(vec![
        "", "a.txt", "a.html", "a.HTM", "a.md", "a", ".", "x.y.txt",
    ]);
    fuzz(
        "looks_like_html",
        (name, any::<String>()),
        |(name, text)| {
            let is_html = looks_like_html(name, &text);
            if name.ends_with(".txt") && is_html {
                let start = text
                    .trim_start_matches(['\u{FEFF}', ' ', '\t', '\r', '\n'])
                    .to_ascii_lowercase();
                prop_assert!(start.starts_with("<!doctype html") || start.starts_with("<html"));
            }
            Ok(())
        },
    );
}

// ---------------------------------------------------------------------------------------
// Every parser on arbitrary bytes: must not panic. Add new parsers here.

macro_rules! fuzz_byte_parsers {
    ($($test_name:ident => $parser:expr),* $(,)?) => {
        $(
            #[test]
            fn $test_name() {
                fuzz_bytes(stringify!($test_name), $parser);
            }
        )*
    };
}

fuzz_byte_parsers! {
    decode_article_survives_2000_arbitrary_inputs => |bytes| {
        let _ = decode_article(bytes);
    },
    html_to_text_survives_2000_arbitrary_inputs => |bytes| {
        let _ = html_to_text(&String::from_utf8_lossy(bytes));
    },
    looks_like_html_survives_2000_arbitrary_inputs => |bytes| {
        let text = String::from_utf8_lossy(bytes);
        let _ = looks_like_html(&text, &text);
    },
    text_metadata_survives_2000_arbitrary_inputs => |bytes| {
        let text = String::from_utf8_lossy(bytes);
        let _ = suggest_metadata_from_text(&text);
        let _ = parse_date_line(&text);
        let _ = suggested_file_stem(&text, &text);
    },
    read_native_bytes_survives_2000_arbitrary_inputs => |bytes| {
        let _ = read_native_bytes(bytes);
    },
    read_library_entry_survives_2000_arbitrary_inputs => |bytes| {
        let _ = read_entry(&String::from_utf8_lossy(bytes));
    },
    read_library_index_survives_2000_arbitrary_inputs => |bytes| {
        let _ = read_index(&String::from_utf8_lossy(bytes));
    },
    read_library_backup_survives_2000_arbitrary_inputs => |bytes| {
        let _ = read_library_backup(&String::from_utf8_lossy(bytes));
    },
    sniff_read_any_survives_2000_arbitrary_inputs => |bytes| {
        let _ = sniff::read_any(bytes, None);
    },
    sniff_read_any_with_companion_survives_2000_arbitrary_inputs => |bytes| {
        let (left, right) = bytes.split_at(bytes.len() / 2);
        let _ = sniff::read_any(left, Some(&String::from_utf8_lossy(right)));
    },
    brat_read_files_survives_2000_arbitrary_inputs => |bytes| {
        let (ann, txt) = bytes.split_at(bytes.len() / 2);
        let _ = brat::read_files(ann, txt);
        let _ = brat::read_files(bytes, bytes);
    },
    csv_export_read_survives_2000_arbitrary_inputs => |bytes| {
        let _ = csv_export::read(&String::from_utf8_lossy(bytes));
    },
    jsonl_read_survives_2000_arbitrary_inputs => |bytes| {
        let _ = jsonl::read(&String::from_utf8_lossy(bytes));
    },
    label_studio_read_survives_2000_arbitrary_inputs => |bytes| {
        let _ = label_studio::read(&String::from_utf8_lossy(bytes));
    },
    w3c_read_survives_2000_arbitrary_inputs => |bytes| {
        let _ = w3c::read(&String::from_utf8_lossy(bytes));
    },
    prepare_import_of_one_file_survives_2000_arbitrary_inputs => |bytes| {
        for name in ["a.json", "a.jsonl", "a.csv", "a.ann", "a.bin"] {
            let files = [InputFile { name: name.to_owned(), bytes: bytes.to_vec() }];
            let mut next_id = 0u32;
            let mut new_id = |prefix: &str| {
                next_id += 1;
                format!("{prefix}{next_id}")
            };
            let _ = prepare_import(&files, &[], None, &mut new_id, "2026-01-01T00:00:00Z");
        }
    },
    decode_fragment_survives_2000_arbitrary_inputs => |bytes| {
        let _ = decode_fragment(&String::from_utf8_lossy(bytes));
    },
}
