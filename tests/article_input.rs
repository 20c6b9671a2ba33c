//! Opening and pasting articles: decoding, HTML to text, metadata suggestions, limits.

use annotator::domain::article_input::limits::{
    MAX_ANNOTATIONS, MAX_ARTICLE_BYTES, MAX_FILE_BYTES, MAX_JSON_NESTING, check_json_nesting,
    human_size,
};
use annotator::domain::article_input::metadata::MAX_FILE_STEM_CHARS;
use annotator::domain::article_input::{
    ArticleSource, DecodeError, LimitError, MetadataSuggestion, OpenError, SourceEncoding,
    check_annotation_count, check_article, check_file_size, decode_article, html_to_text,
    looks_like_html, open_article_file, parse_date_line, paste_article, plain_text_article,
    suggest_metadata_from_text, suggested_file_stem,
};
use annotator::domain::document::Metadata;

const UNICODE_FILES: &str = "../shared/fixtures/unicode/files";
const SAMPLE: &str = "../shared/samples/venezuela-coup-talks-2019-02-23.txt";

fn read_fixture(path: &str) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|error| panic!("cannot read fixture {path}: {error}"))
}

// ---------------------------------------------------------------------------------------
// decode

/// What decoding one input should give.
enum Expected {
    Text {
        text: &'static str,
        encoding: SourceEncoding,
        notice_contains: Option<&'static str>,
    },
    Error {
        contains: &'static str,
        error: DecodeError,
    },
}

fn check_decode(name: &str, bytes: &[u8], expected: Expected) {
    let result = decode_article(bytes);
    match (expected, result) {
        (
            Expected::Text {
                text,
                encoding,
                notice_contains,
            },
            Ok(decoded),
        ) => {
            assert_eq!(decoded.text, text, "{name}: text");
            assert_eq!(decoded.encoding, encoding, "{name}: encoding");
            match notice_contains {
                None => assert_eq!(decoded.notice, None, "{name}: notice"),
                Some(part) => {
                    let notice = decoded.notice.unwrap_or_default();
                    assert!(
                        notice.contains(part),
                        "{name}: notice {notice:?} lacks {part:?}"
                    );
                }
            }
        }
        (Expected::Error { contains, error }, Err(actual)) => {
            assert_eq!(actual, error, "{name}: error");
            let message = actual.to_string();
            assert!(
                message.contains(contains),
                "{name}: message {message:?} lacks {contains:?}"
            );
        }
        (_, result) => panic!("{name}: unexpected result {result:?}"),
    }
}

#[test]
fn decodes_the_unicode_fixture_files() {
    let cases: [(&str, Expected); 6] = [
        (
            "crlf.txt",
            Expected::Text {
                text: "Headline\r\nFirst claim here.\r\n",
                encoding: SourceEncoding::Utf8,
                notice_contains: None,
            },
        ),
        (
            "bom-utf8.txt",
            Expected::Text {
                text: "\u{FEFF}Breaking: claim.\n",
                encoding: SourceEncoding::Utf8,
                notice_contains: None,
            },
        ),
        (
            "utf16le-bom.txt",
            Expected::Text {
                text: "Zürich 🦀 claim.\n",
                encoding: SourceEncoding::Utf16Le,
                notice_contains: Some("decoded as UTF-16LE"),
            },
        ),
        (
            "latin1.txt",
            Expected::Text {
                text: "Café société\n",
                encoding: SourceEncoding::Windows1252,
                notice_contains: Some(
                    "the file was not UTF-8; decoded as Windows-1252 — check accented letters",
                ),
            },
        ),
        (
            "invalid-utf8.txt",
            Expected::Error {
                contains: "at byte 12 (0xFF)",
                error: DecodeError::InvalidUtf8 {
                    byte_position: 12,
                    byte: 0xFF,
                },
            },
        ),
        (
            "nul-byte.txt",
            Expected::Text {
                text: "before\0after\n",
                encoding: SourceEncoding::Utf8,
                notice_contains: Some("1 NUL character (the first at character 6)"),
            },
        ),
    ];
    for (file, expected) in cases {
        let bytes = read_fixture(&format!("{UNICODE_FILES}/{file}"));
        check_decode(file, &bytes, expected);
    }
}

#[test]
fn decodes_crafted_byte_inputs() {
    let cases: Vec<(&str, Vec<u8>, Expected)> = vec![
        (
            "empty file",
            vec![],
            Expected::Text {
                text: "",
                encoding: SourceEncoding::Utf8,
                notice_contains: None,
            },
        ),
        (
            "UTF-16BE with BOM",
            vec![0xFE, 0xFF, 0x00, b'H', 0x00, 0xE9],
            Expected::Text {
                text: "Hé",
                encoding: SourceEncoding::Utf16Be,
                notice_contains: Some("decoded as UTF-16BE"),
            },
        ),
        (
            "UTF-16LE odd length",
            vec![0xFF, 0xFE, b'H', 0x00, b'i'],
            Expected::Error {
                contains: "odd number of bytes (5)",
                error: DecodeError::Utf16OddLength {
                    encoding: SourceEncoding::Utf16Le,
                    byte_length: 5,
                },
            },
        ),
        (
            "UTF-16LE lone high surrogate",
            vec![0xFF, 0xFE, b'a', 0x00, 0x3D, 0xD8, b'b', 0x00],
            Expected::Error {
                contains: "half a character at byte 4",
                error: DecodeError::Utf16UnpairedSurrogate {
                    encoding: SourceEncoding::Utf16Le,
                    byte_position: 4,
                },
            },
        ),
        (
            "Windows-1252 curly quotes and dash",
            b"\x93Quoted\x94 \x97 a claim".to_vec(),
            Expected::Text {
                text: "“Quoted” — a claim",
                encoding: SourceEncoding::Windows1252,
                notice_contains: Some("Windows-1252"),
            },
        ),
        (
            "French one-letter word",
            b"Il va \xe0 Paris".to_vec(),
            Expected::Text {
                text: "Il va à Paris",
                encoding: SourceEncoding::Windows1252,
                notice_contains: Some("Windows-1252"),
            },
        ),
        (
            "byte undefined in Windows-1252",
            b"abc\x81def".to_vec(),
            Expected::Error {
                contains: "at byte 3 (0x81)",
                error: DecodeError::InvalidUtf8 {
                    byte_position: 3,
                    byte: 0x81,
                },
            },
        ),
        (
            "damaged UTF-8: valid é then a truncated sequence",
            b"caf\xc3\xa9 and caf\xc3".to_vec(),
            Expected::Error {
                contains: "at byte 13",
                error: DecodeError::InvalidUtf8 {
                    byte_position: 13,
                    byte: 0xC3,
                },
            },
        ),
        (
            "UTF-16LE without BOM is mostly NUL",
            b"H\0e\0l\0l\0o\0".to_vec(),
            Expected::Error {
                contains: "mostly NUL bytes (5 of 10 characters)",
                error: DecodeError::MostlyNul {
                    nul_count: 5,
                    char_count: 10,
                },
            },
        ),
        (
            "UTF-8 BOM alone",
            vec![0xEF, 0xBB, 0xBF],
            Expected::Text {
                text: "\u{FEFF}",
                encoding: SourceEncoding::Utf8,
                notice_contains: None,
            },
        ),
    ];
    for (name, bytes, expected) in cases {
        check_decode(name, &bytes, expected);
    }
}

// ---------------------------------------------------------------------------------------
// HTML → text

fn check_html_text(cases: &[(&str, &str, &str)]) {
    for (name, html, expected_text) in cases {
        let article = html_to_text(html);
        assert_eq!(article.text, *expected_text, "{name}");
    }
}

#[test]
fn hostile_html_leaves_no_script_content() {
    let cases = [
        (
            "script tag",
            "<p>Before</p><script>alert('SECRET')</script><p>After</p>",
            "Before\n\nAfter",
        ),
        (
            "script split end tag",
            "<p>A</p><script>var s = '</scr' + 'ipt>SECRET';</script>B",
            "A\n\nB",
        ),
        (
            "script end tag needs a delimiter",
            "<script>x='</scriptx>SECRET'</script>B",
            "B",
        ),
        (
            "script double escaped",
            "A<script><!--<script>SECRET</script>SECRET--></script>B",
            "AB",
        ),
        (
            "script escaped end tag ends it",
            "A<script><!-- SECRET </script>B",
            "AB",
        ),
        (
            "unclosed script swallows the rest",
            "A<script>SECRET <p>SECRET",
            "A",
        ),
        (
            "uppercase script",
            "A<SCRIPT type=text/javascript>SECRET</SCRIPT >B",
            "AB",
        ),
        (
            "img onerror",
            "<p>A<img src=x onerror=\"alert('SECRET')\">B</p>",
            "AB",
        ),
        (
            "javascript link keeps only its text",
            "<a href=\"javascript:alert('SECRET')\">click</a>",
            "click",
        ),
        (
            "svg with script",
            "A<svg><script>SECRET</script><text>SECRET</text></svg>B",
            "AB",
        ),
        ("self-closing svg", "A<svg/>B", "AB"),
        (
            "unclosed svg ends at an html paragraph",
            "<svg><path d=x>SECRET<p>Text</p>",
            "Text",
        ),
        (
            "svg inside template stays dropped",
            "A<template><svg><p>SECRET</p></svg></template>B",
            "AB",
        ),
        ("math", "A<math><mi>SECRET</mi></math>B", "AB"),
        (
            "style",
            "<style>p{color:red} /* SECRET */</style>Text",
            "Text",
        ),
        ("noscript", "A<noscript><p>SECRET</p></noscript>B", "AB"),
        ("template", "A<template><p>SECRET</p></template>B", "AB"),
        ("iframe", "A<iframe src=x>SECRET</iframe>B", "AB"),
        ("object", "A<object data=x><p>SECRET</p></object>B", "AB"),
        ("comment", "A<!-- SECRET -->B", "AB"),
        (
            "comment with tags",
            "A<!-- <script>SECRET</script> -->B",
            "AB",
        ),
        ("abrupt empty comment", "A<!-->B", "AB"),
        ("comment closed by --!>", "A<!-- SECRET --!>B", "AB"),
        (
            "unclosed comment swallows the rest",
            "A<!-- SECRET <p>SECRET",
            "A",
        ),
        ("bogus comment", "A<? SECRET ?>B<!DOCTYPE html>C", "ABC"),
        (
            "quoted > inside attribute",
            "<p title=\"a > SECRET\">Text</p>",
            "Text",
        ),
        (
            "unclosed tag at the end is dropped",
            "Text<a href=\"SECRET",
            "Text",
        ),
        (
            "nested dropped elements",
            "A<template><svg><template>S</template>S</svg>S</template>B",
            "AB",
        ),
        ("stray end tags", "A</svg></template></head>B", "AB"),
        ("NUL characters are dropped", "A\0B<p>C\0</p>", "AB\n\nC"),
        (
            "less-than that is not a tag",
            "1 < 2 and 3 <4",
            "1 < 2 and 3 <4",
        ),
        (
            "escaped markup stays text",
            "&lt;script&gt;x&lt;/script&gt;",
            "<script>x</script>",
        ),
    ];
    check_html_text(&cases);
    for (name, html, _) in cases {
        let text = html_to_text(html).text;
        assert!(
            !text.contains("SECRET") && !text.contains("alert"),
            "{name}: {text:?}"
        );
    }
}

#[test]
fn html_structure_becomes_paragraphs() {
    let cases = [
        ("paragraphs", "<p>One</p><p>Two</p>", "One\n\nTwo"),
        (
            "headings and divs",
            "<h1>Title</h1><div>Body <b>bold</b> text</div>",
            "Title\n\nBody bold text",
        ),
        (
            "br is a line break",
            "Line one<br>Line two<br/>Line three",
            "Line one\nLine two\nLine three",
        ),
        (
            "two brs make one blank line",
            "A<br><br><br><br>B",
            "A\n\nB",
        ),
        ("end br counts as br", "A</br>B", "A\nB"),
        (
            "whitespace collapses",
            "<p>  Many \n\t spaces   here </p>",
            "Many spaces here",
        ),
        (
            "inline tags join words",
            "<p>no<span>space</span> <em>one space</em></p>",
            "nospace one space",
        ),
        (
            "pre keeps whitespace",
            "<p>A</p><pre>\n  x  = 1\n\n  y\r\n</pre><p>B</p>",
            "A\n\n  x  = 1\n\n  y\n\nB",
        ),
        (
            "list items",
            "<ul><li>one</li><li>two</li></ul>",
            "one\n\ntwo",
        ),
        (
            "table cells",
            "<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>",
            "a b\n\nc",
        ),
        ("nbsp is kept", "a&nbsp;b", "a\u{A0}b"),
        (
            "head is dropped",
            "<html><head><title>T</title><meta charset=utf-8>x</head><body>Text</body></html>",
            "xText",
        ),
        (
            "implicit head closes at body content",
            "<head><title>T</title><p>Body",
            "Body",
        ),
        (
            "textarea text is kept",
            "A<textarea><b>raw</b></textarea>",
            "A<b>raw</b>",
        ),
        (
            "leading and trailing breaks are dropped",
            "<p><p>Only</p></p><br>",
            "Only",
        ),
        (
            "byte-order mark dropped",
            "\u{FEFF}<!DOCTYPE html><p>x</p>",
            "x",
        ),
        (
            "figure and caption",
            "<figure><img src=x><figcaption>Photo: AP</figcaption></figure>Text",
            "Photo: AP\n\nText",
        ),
    ];
    check_html_text(&cases);
}

#[test]
fn html_entities_are_decoded() {
    let cases = [
        ("basic named", "&amp; &lt; &gt; &quot; &apos;", "& < > \" '"),
        (
            "typographic",
            "&mdash;&ndash;&hellip;&lsquo;&rsquo;&ldquo;&rdquo;",
            "—–…‘’“”",
        ),
        (
            "latin-1 names",
            "&copy; &eacute;&Eacute; &yuml; &times; &iquest;",
            "© éÉ ÿ × ¿",
        ),
        (
            "legacy without semicolon",
            "&copy 2019 &amp co",
            "© 2019 & co",
        ),
        (
            "non-legacy needs semicolon",
            "&mdash and &hellip",
            "&mdash and &hellip",
        ),
        ("unknown name stays", "&bogus; &", "&bogus; &"),
        ("decimal", "&#65;&#8217;&#128512;", "A’😀"),
        ("hexadecimal", "&#x41;&#X1F600;&#x2014", "A😀—"),
        ("windows-1252 range", "&#150;&#147;x&#148;", "–“x”"),
        ("zero is invalid", "a&#0;b", "a\u{FFFD}b"),
        ("surrogate is invalid", "a&#xD800;b", "a\u{FFFD}b"),
        (
            "too large is invalid",
            "a&#x110000;b&#99999999999999999999;c",
            "a\u{FFFD}b\u{FFFD}c",
        ),
        ("no digits", "&#; &#x; &#xZ;", "&#; &#x; &#xZ;"),
        (
            "legacy name before letters stays",
            "&copyright; &ampx",
            "&copyright; &ampx",
        ),
    ];
    check_html_text(&cases);
}

#[test]
fn a_realistic_news_page_reads_as_paragraphs_with_metadata() {
    let page = r#"<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Talks with officers | Example News</title>
  <meta property="og:title" content="Trump admin held secret talks with Venezuelan officers">
  <meta property="og:site_name" content="Example&nbsp;News">
  <meta property="og:url" content="https://news.example.com/2019/02/23/talks">
  <meta name="author" content="Jane Doe">
  <meta property="article:published_time" content="2019-02-23T14:05:00+00:00">
  <link rel="stylesheet" href="/s.css"><link rel="canonical" href="https://example.com/other">
  <script>window.tracker = {};</script>
  <style>body { font: 16px serif }</style>
</head>
<body>
  <header><nav><a href="/">Home</a></nav></header>
  <article>
    <h1>Trump admin held secret talks</h1>
    <p class="byline">By <a href="/jane">Jane Doe</a></p>
    <p>The administration held a series of
       clandestine meetings, according to a <em>New York Times</em> report.</p>
    <!-- ad slot -->
    <div class="ad"><script>loadAd()</script></div>
    <p>Officials said &ldquo;no&rdquo;&nbsp;&mdash; twice.</p>
    <blockquote>A quoted paragraph.</blockquote>
  </article>
  <footer>&copy; 2019 Example News</footer>
</body>
</html>"#;
    let article = html_to_text(page);
    // The site's navigation and footer are not part of the article.
    let expected_text = "Trump admin held secret talks\n\nBy Jane Doe\n\nThe administration \
        held a series of clandestine meetings, according to a New York Times report.\n\n\
        Officials said “no”\u{A0}— twice.\n\nA quoted paragraph.";
    assert_eq!(article.text, expected_text);
    assert_eq!(
        article.title.as_deref(),
        Some("Trump admin held secret talks with Venezuelan officers")
    );
    assert_eq!(
        article.url.as_deref(),
        Some("https://news.example.com/2019/02/23/talks")
    );
    assert_eq!(article.publisher.as_deref(), Some("Example\u{A0}News"));
    assert_eq!(article.author.as_deref(), Some("Jane Doe"));
    assert_eq!(article.published.as_deref(), Some("2019-02-23"));
}

fn check_html_metadata(cases: &[(&str, &str, MetadataSuggestion)]) {
    for (name, html, expected) in cases {
        let article = html_to_text(html);
        let actual = MetadataSuggestion {
            title: article.title,
            url: article.url,
            publisher: article.publisher,
            author: article.author,
            published: article.published,
        };
        assert_eq!(&actual, expected, "{name}");
    }
}

#[test]
fn html_metadata_suggestions() {
    let none = MetadataSuggestion::default;
    let cases = [
        (
            "title element when no og:title",
            "<title> A  &amp; B </title>",
            MetadataSuggestion {
                title: Some("A & B".into()),
                ..none()
            },
        ),
        (
            "canonical when no og:url",
            "<link rel='canonical' href='https://a.example/x'>",
            MetadataSuggestion {
                url: Some("https://a.example/x".into()),
                ..none()
            },
        ),
        (
            "javascript url is not suggested",
            "<meta property=og:url content=\"javascript:alert(1)\"><link rel=canonical href=\"data:text/html,x\">",
            none(),
        ),
        (
            "svg title is not the page title",
            "<svg><title>Icon</title></svg><title>Page</title>",
            MetadataSuggestion {
                title: Some("Page".into()),
                ..none()
            },
        ),
        (
            "published from a plain date meta",
            "<meta name=date content=\"February 23, 2019\">",
            MetadataSuggestion {
                published: Some("2019-02-23".into()),
                ..none()
            },
        ),
        (
            "invalid published date is not suggested",
            "<meta property=article:published_time content=\"2019-02-30T00:00\">",
            none(),
        ),
        (
            "empty content is no suggestion",
            "<meta name=author content=\"  \">",
            none(),
        ),
        (
            "first value wins",
            "<meta name=author content=A><meta name=author content=B>",
            MetadataSuggestion {
                author: Some("A".into()),
                ..none()
            },
        ),
    ];
    check_html_metadata(&cases);
}

#[test]
fn html_is_recognised_by_name_and_content() {
    let cases = [
        ("html name with markup", "page.html", "<p>x</p>", true),
        ("htm name, uppercase", "PAGE.HTM", "<div>x</div>", true),
        (
            "html name without any markup",
            "notes.html",
            "just words",
            false,
        ),
        (
            "txt name with doctype",
            "saved.txt",
            "\u{FEFF}  <!DOCTYPE html><p>x",
            true,
        ),
        (
            "txt name with a paragraph tag",
            "about-html.txt",
            "Use <p> for paragraphs.",
            false,
        ),
        ("pasted doctype", "", "<!doctype html>\n<html>", true),
        ("pasted fragment", "", "Intro\n<p>Paragraph</p>", true),
        (
            "pasted plain text with a less-than",
            "",
            "3 < 4 is true",
            false,
        ),
        (
            "unknown extension decides by content",
            "article.dat",
            "<html><body>x",
            true,
        ),
        (
            "the sample",
            "venezuela.txt",
            "Saturday, 23 February 2019\n\nTrump admin",
            false,
        ),
    ];
    for (name, file_name, text, expected) in cases {
        assert_eq!(looks_like_html(file_name, text), expected, "{name}");
    }
}

#[test]
fn hostile_html_sizes_stay_fast() {
    let cases: Vec<(&str, String, Option<&str>)> = vec![
        (
            "100,000 nested divs",
            format!(
                "{}deep{}",
                "<div>".repeat(100_000),
                "</div>".repeat(100_000)
            ),
            Some("deep"),
        ),
        (
            "100,000 nested svgs then unmatched end tags",
            format!(
                "{}x{}",
                "<svg>".repeat(100_000),
                "</template>".repeat(100_000)
            ),
            Some(""),
        ),
        ("one enormous line", "word ".repeat(400_000), None),
        (
            "many unclosed comments openers",
            "<!--".repeat(100_000),
            Some(""),
        ),
        ("many script openers", "<script>".repeat(100_000), Some("")),
        ("many ampersands", "&#".repeat(200_000), None),
        ("many less-thans", "<".repeat(200_000), None),
        (
            "many dashes in a comment",
            format!("<!--{}", "-".repeat(300_000)),
            Some(""),
        ),
        (
            "long attribute list",
            format!("<p {}>x</p>", "a=b ".repeat(100_000)),
            Some("x"),
        ),
    ];
    for (name, html, expected) in cases {
        let started = std::time::Instant::now();
        let article = html_to_text(&html);
        let elapsed = started.elapsed();
        if let Some(expected) = expected {
            assert_eq!(article.text, expected, "{name}");
        } else {
            assert!(!article.text.is_empty(), "{name}");
        }
        assert!(elapsed.as_secs() < 5, "{name}: took {elapsed:?}");
    }
}

// ---------------------------------------------------------------------------------------
// metadata from plain text

#[test]
fn parses_common_english_date_lines() {
    let cases = [
        (
            "weekday day month year",
            "Saturday, 23 February 2019",
            Some("2019-02-23"),
        ),
        ("month day, year", "February 23, 2019", Some("2019-02-23")),
        ("abbreviated", "23 Feb 2019", Some("2019-02-23")),
        (
            "abbreviated with period and weekday",
            "Sat, Feb. 23, 2019",
            Some("2019-02-23"),
        ),
        ("ordinal", "February 23rd, 2019", Some("2019-02-23")),
        ("iso", "2019-02-23", Some("2019-02-23")),
        ("iso with slashes", "2019/02/23", Some("2019-02-23")),
        (
            "published prefix",
            "Published: 1 March 2020",
            Some("2020-03-01"),
        ),
        ("sept", "Sept 5, 2021", Some("2021-09-05")),
        ("leap day", "29 February 2020", Some("2020-02-29")),
        ("not a leap day", "29 February 2019", None),
        ("day 32", "32 January 2019", None),
        ("iso month 13", "2019-13-01", None),
        ("two-digit year", "23 Feb 19", None),
        ("a headline", "Trump admin held secret talks", None),
        (
            "a sentence with a date",
            "On 23 February 2019 the talks began.",
            None,
        ),
        ("empty", "", None),
    ];
    for (name, line, expected) in cases {
        assert_eq!(parse_date_line(line).as_deref(), expected, "{name}");
    }
}

fn check_text_suggestions(cases: &[(&str, &str, MetadataSuggestion)]) {
    for (name, text, expected) in cases {
        assert_eq!(&suggest_metadata_from_text(text), expected, "{name}");
    }
}

#[test]
fn suggests_metadata_from_plain_text() {
    let none = MetadataSuggestion::default;
    let long_paragraph = "word ".repeat(60);
    let long_first_line = format!("{long_paragraph}\nShort line");
    let cases = [
        (
            "date then headline",
            "Saturday, 23 February 2019\n\nHeadline here\n\nBody.",
            MetadataSuggestion {
                title: Some("Headline here".into()),
                published: Some("2019-02-23".into()),
                ..none()
            },
        ),
        (
            "headline then date",
            "\u{FEFF}Headline\r\nFebruary 23, 2019\r\n",
            MetadataSuggestion {
                title: Some("Headline".into()),
                published: Some("2019-02-23".into()),
                ..none()
            },
        ),
        (
            "url and byline",
            "https://example.com/a\nBy Jane Doe\nHeadline",
            MetadataSuggestion {
                title: Some("Headline".into()),
                url: Some("https://example.com/a".into()),
                author: Some("Jane Doe".into()),
                ..none()
            },
        ),
        (
            "a paragraph first gives no title",
            long_first_line.as_str(),
            none(),
        ),
        ("empty text", "", none()),
        (
            "a first sentence is no headline",
            "The mayor said crime fell 12% last year.\n\nPolice data shows otherwise.",
            none(),
        ),
        (
            "a question is a headline",
            "Did crime really fall?\n\nThe mayor said so.",
            MetadataSuggestion {
                title: Some("Did crime really fall?".into()),
                ..none()
            },
        ),
        (
            "a long line without a full stop is no headline",
            &format!("{}\n\nBody.", "word ".repeat(35).trim_end()),
            none(),
        ),
    ];
    check_text_suggestions(&cases);
}

#[test]
fn the_bundled_sample_suggests_its_date_and_headline() {
    let bytes = read_fixture(SAMPLE);
    let opened = open_article_file("venezuela-coup-talks-2019-02-23.txt", &bytes)
        .unwrap_or_else(|error| panic!("sample does not open: {error}"));
    assert_eq!(opened.source, ArticleSource::PlainText);
    assert_eq!(opened.notices, Vec::<String>::new());
    assert_eq!(opened.text.as_bytes(), bytes.as_slice());
    let title = "Trump admin held secret talks with Venezuelan military officers to discuss Maduro coup: report";
    assert_eq!(opened.suggestion.title.as_deref(), Some(title));
    assert_eq!(opened.suggestion.published.as_deref(), Some("2019-02-23"));
    assert_eq!(
        suggested_file_stem(title, "2019-02-23"),
        "2019-02-23-trump-admin-held-secret-talks-with-venezuelan"
    );
}

#[test]
fn suggestions_fill_only_empty_fields() {
    let mut metadata = Metadata {
        title: "Typed by the user".into(),
        ..Metadata::default()
    };
    let suggestion = MetadataSuggestion {
        title: Some("Suggested".into()),
        published: Some("2019-02-23".into()),
        ..MetadataSuggestion::default()
    };
    suggestion.fill_empty(&mut metadata);
    assert_eq!(metadata.title, "Typed by the user");
    assert_eq!(metadata.published, "2019-02-23");
    assert_eq!(metadata.url, "");
}

#[test]
fn suggests_safe_file_stems() {
    let cases = [
        (
            "date and title",
            "Trump admin: secret talks!",
            "2019-02-23",
            "2019-02-23-trump-admin-secret-talks",
        ),
        (
            "published in words",
            "Talks",
            "February 23, 2019",
            "2019-02-23-talks",
        ),
        ("unparseable date is left out", "Talks", "sometime", "talks"),
        (
            "accents folded, apostrophes dropped",
            "Maduro’s Café in Zürich — Straße",
            "",
            "maduros-cafe-in-zurich-strasse",
        ),
        (
            "path separators and controls",
            "../../etc/passwd\0\u{7}\\x",
            "",
            "etc-passwd-x",
        ),
        ("nothing usable", "—…😀", "", "article"),
        ("empty", "", "", "article"),
        ("reserved windows name", "Con", "", "con-article"),
        (
            "one long word is cut hard",
            &"a".repeat(100),
            "",
            &"a".repeat(60),
        ),
        (
            "cut at a word break",
            "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu",
            "",
            "alpha-beta-gamma-delta-epsilon-zeta-eta-theta-iota-kappa",
        ),
    ];
    for (name, title, published, expected) in cases {
        let stem = suggested_file_stem(title, published);
        assert_eq!(stem, expected, "{name}");
        assert!(stem.len() <= MAX_FILE_STEM_CHARS, "{name}: too long");
    }
}

// ---------------------------------------------------------------------------------------
// limits and the whole pipeline

#[test]
fn limits_have_human_messages() {
    let cases: [(&str, Result<(), LimitError>, &str); 4] = [
        (
            "article 7.2 MB",
            check_article(&"x".repeat(7_200_000)),
            "This article is 7.2 MB; Article Annotator opens articles up to 5 MB",
        ),
        (
            "article one byte over",
            check_article(&"x".repeat(MAX_ARTICLE_BYTES + 1)),
            "This article is 5.1 MB;",
        ),
        (
            "file 25 MB",
            check_file_size(25_000_000),
            "This file is 25 MB; Article Annotator opens files up to 20 MB",
        ),
        (
            "annotations",
            check_annotation_count(MAX_ANNOTATIONS + 1),
            "100,001 annotations; Article Annotator keeps up to 100,000 per document",
        ),
    ];
    for (name, result, expected_message) in cases {
        let message = result
            .err()
            .map(|error| error.to_string())
            .unwrap_or_default();
        assert!(message.contains(expected_message), "{name}: {message:?}");
    }
    assert_eq!(check_article(&"x".repeat(MAX_ARTICLE_BYTES)), Ok(()));
    assert_eq!(check_file_size(MAX_FILE_BYTES), Ok(()));
    assert_eq!(check_annotation_count(MAX_ANNOTATIONS), Ok(()));
}

#[test]
fn human_sizes_round_up() {
    let cases = [
        (0, "0 bytes"),
        (999, "999 bytes"),
        (1_000, "1 kB"),
        (1_501, "1.6 kB"),
        (5_000_000, "5 MB"),
        (7_200_000, "7.2 MB"),
        (7_200_001, "7.3 MB"),
        (3_000_000_000, "3 GB"),
    ];
    for (bytes, expected) in cases {
        assert_eq!(human_size(bytes), expected, "{bytes} bytes");
    }
}

#[test]
fn json_nesting_is_limited() {
    let deep = "[".repeat(MAX_JSON_NESTING + 1);
    let at_limit = format!(
        "{}{}",
        "[".repeat(MAX_JSON_NESTING),
        "]".repeat(MAX_JSON_NESTING)
    );
    let brackets_in_strings = format!("{{\"a\": \"{}\\\"[\"}}", "[".repeat(1000));
    let cases: [(&str, &str, Result<(), LimitError>); 3] = [
        (
            "one level too deep",
            &deep,
            Err(LimitError::JsonTooDeep {
                byte_position: MAX_JSON_NESTING,
            }),
        ),
        ("at the limit", &at_limit, Ok(())),
        (
            "brackets inside strings do not count",
            &brackets_in_strings,
            Ok(()),
        ),
    ];
    for (name, json, expected) in cases {
        assert_eq!(check_json_nesting(json.as_bytes()), expected, "{name}");
    }
}

#[test]
fn opening_and_pasting_go_through_every_step() {
    let html = open_article_file("page.html", b"<title>T</title><p>One</p><p>Two</p>");
    let html = html.unwrap_or_else(|error| panic!("html: {error}"));
    assert_eq!(
        (html.text.as_str(), html.source),
        ("One\n\nTwo", ArticleSource::Html)
    );
    assert_eq!(html.suggestion.title.as_deref(), Some("T"));
    assert!(
        html.notices
            .iter()
            .any(|notice| notice.contains("converted from HTML"))
    );

    let fragment = "<p>Saturday, 23 February 2019</p>\n<h1>Headline</h1><p>Body.</p>";
    let pasted = paste_article(fragment).unwrap_or_else(|error| panic!("fragment: {error}"));
    assert_eq!(pasted.source, ArticleSource::Html);
    assert_eq!(pasted.suggestion.title.as_deref(), Some("Headline"));
    assert_eq!(pasted.suggestion.published.as_deref(), Some("2019-02-23"));

    let latin = open_article_file("old.txt", b"Caf\xe9").unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(latin.text, "Café");
    assert!(
        latin
            .notices
            .iter()
            .any(|notice| notice.contains("Windows-1252"))
    );

    let cases: [(&str, Result<_, OpenError>, &str); 6] = [
        (
            "invalid bytes",
            open_article_file("x.txt", b"ok \xff\xfe no"),
            "not valid UTF-8",
        ),
        (
            "empty paste",
            paste_article("  \n "),
            "the article is empty",
        ),
        (
            "html with only a script",
            paste_article("<!doctype html><script>x</script>"),
            "the article is empty",
        ),
        (
            "too long",
            paste_article(&"x".repeat(MAX_ARTICLE_BYTES + 1)),
            "opens articles up to 5 MB",
        ),
        (
            "file over 20 MB",
            open_article_file("big.txt", &vec![b'x'; MAX_FILE_BYTES + 1]),
            "This file is 20.1 MB; Article Annotator opens files up to 20 MB",
        ),
        (
            "far too long a paste",
            paste_article(&"x".repeat(MAX_FILE_BYTES + 1)),
            "This article is 20.1 MB",
        ),
    ];
    for (name, result, expected_message) in cases {
        let message = result
            .err()
            .map(|error| error.to_string())
            .unwrap_or_default();
        assert!(message.contains(expected_message), "{name}: {message:?}");
    }
}

#[test]
fn html_keeps_the_article_and_drops_the_page_around_it() {
    let page = "<html><head><title>Ferry</title></head><body>\
        <header><a href=/>Harbour News</a> <nav>Home | Sport</nav></header>\
        <div class=promo>Subscribe now</div>\
        <main><article><header><h1>Council approves ferry</h1></header>\
        <p>The council approved the line.</p><aside>Related: buses</aside>\
        <p>Critics were not convinced.</p></article></main>\
        <footer>© Harbour News</footer></body></html>";
    let article = html_to_text(page);
    assert_eq!(
        article.text,
        "Council approves ferry\n\nThe council approved the line.\n\nCritics were not convinced."
    );
    assert_eq!(article.title.as_deref(), Some("Ferry"));

    // Without article or main: only the chrome goes.
    let plain = html_to_text("<nav>Menu</nav><p>Body text.</p><footer>Footer</footer>");
    assert_eq!(plain.text, "Body text.");
    // An unclosed nav does not swallow the page.
    let unclosed = html_to_text("<nav>Menu<p>Body text.</p>");
    assert!(unclosed.text.contains("Body text."), "{}", unclosed.text);
}

#[test]
fn the_html_text_content_keeps_whitespace_and_drops_what_never_shows() {
    use annotator::domain::article_input::html_text_content;
    // What a browser's DOM holds as text: every text node as written, no paragraph breaks,
    // entities decoded; scripts, styles, the head and comments never count.
    let html = "<html><head><title>T</title><style>p{}</style></head><body><nav>Home</nav>\
                <p>🐱\n  means &amp; cat</p> <p>two<script>alert('<p>x</p>')</script></p>\
                <!-- hidden --><p>\u{0}end</p></body></html>";
    assert_eq!(html_text_content(html), "Home🐱\n  means & cat twoend");
    // The article text of the same page differs: navigation dropped, paragraphs broken.
    assert_eq!(html_to_text(html).text, "🐱 means & cat\n\ntwo\n\nend");
}

#[test]
fn plain_text_reads_as_a_paste_of_it_does_and_never_as_html() {
    let sample = include_str!("../src/ui/sample-article.txt");
    let plain = plain_text_article(sample).unwrap_or_else(|error| panic!("sample: {error}"));
    let pasted = paste_article(sample).unwrap_or_else(|error| panic!("sample: {error}"));
    assert_eq!(plain, pasted);
    assert_eq!(plain.source, ArticleSource::PlainText);
    assert!(plain.suggestion.title.is_some(), "{:?}", plain.suggestion);

    // Markup stays as typed: the HTML reader is never consulted.
    let markup = "<!doctype html><p>Kept as text</p>";
    let kept = plain_text_article(markup).unwrap_or_else(|error| panic!("markup: {error}"));
    assert_eq!(kept.text, markup);
    assert_eq!(kept.source, ArticleSource::PlainText);
    assert!(kept.notices.is_empty(), "{:?}", kept.notices);

    for (input, expected) in [
        (String::from(" \n "), "the article is empty"),
        (
            "x".repeat(MAX_ARTICLE_BYTES + 1),
            "opens articles up to 5 MB",
        ),
        ("x".repeat(MAX_FILE_BYTES + 1), "This article is 20.1 MB"),
    ] {
        let message = plain_text_article(&input)
            .err()
            .map(|error| error.to_string())
            .unwrap_or_default();
        assert!(message.contains(expected), "{message:?}");
    }
}
