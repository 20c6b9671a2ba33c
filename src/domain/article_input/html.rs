//! HTML → readable text with paragraph breaks, plus metadata suggestions.
//!
//! Why a hand-written tokenizer: we only need text and a handful of `<meta>` tags, never a
//! DOM, so a spec tree builder (and its wasm size) buys nothing. This one follows the HTML
//! tokenizer where it matters for safety — comments (`<!-->`, `--!>`, unclosed to the end),
//! raw-text elements ending only at their real end tag (including the script "escaped" and
//! "double escaped" states, so `</scr` + `ipt>` tricks and `<!--<script>` stay inside the
//! script), quoted attribute values hiding `>` — and is tolerant everywhere else.
//!
//! Nothing from the HTML runs or survives as markup: the output is a `String` of text.
//! Dropped with their content: `script`, `style`, `noscript`, `template`, `iframe`,
//! `object`, `svg`, `math`, `head` (closed implicitly by body content, as browsers do),
//! `noembed`, `noframes`; comments; all attributes. The page around the article goes too:
//! `nav`, `aside`, `footer` and a `header` outside the article, and, when the page has an
//! `<article>` or `<main>`, everything outside them (a page left empty that way is read whole). As in browsers, an HTML element such as
//! `<p>` inside an unclosed `<svg>`/`<math>` ends it. `<title>` and a few `<meta>`/`<link>`
//! tags become suggestions; only `http(s)` addresses are suggested as the URL.
//!
//! Text: block elements become `\n\n`, `br` becomes `\n` (at most one blank line in a row),
//! whitespace collapses as a browser would except inside `pre`, entities are decoded
//! (numeric ones that name no character become U+FFFD), NUL characters are dropped as a
//! browser drops them, a leading byte-order mark is dropped. List items get no bullet. Linear time, no recursion: any input is safe.

use crate::domain::article_input::entities::decode_entities_into;
use crate::domain::article_input::metadata::parse_date_line;

/// The readable text of an HTML page and what its markup suggests about it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HtmlArticle {
    pub text: String,
    /// `og:title`, else the first `<title>`.
    pub title: Option<String>,
    /// `og:url`, else `<link rel="canonical">`; only `http://` and `https://` addresses.
    pub url: Option<String>,
    /// `og:site_name`.
    pub publisher: Option<String>,
    /// `<meta name="author">`.
    pub author: Option<String>,
    /// The date part (`YYYY-MM-DD`) of `article:published_time` (or a `date` meta).
    pub published: Option<String>,
}

/// Converts HTML to text with paragraph breaks, following the module documentation.
pub fn html_to_text(html: &str) -> HtmlArticle {
    // A byte-order mark is the encoding's signature, not part of the page.
    let html = html.strip_prefix('\u{FEFF}').unwrap_or(html);
    let lower = html.to_ascii_lowercase();
    let has_content = lower.contains("<article") || lower.contains("<main");
    // The article itself: inside `<article>`/`<main>` when the page marks it, without the
    // page's navigation, header, footer and asides. A page whose markup leaves nothing that
    // way (an unclosed `<nav>`, an empty `<main>`) is read whole, so no text is lost to it.
    let focused = convert(html, true, has_content);
    if !focused.text.trim().is_empty() {
        return focused;
    }
    convert(html, false, false)
}

/// The text content a browser's DOM holds for `html` once what this module drops with its
/// content (scripts, styles, `head`, …) is gone: every other text node in order, entities
/// decoded, whitespace as written, no paragraph breaks added, NUL characters dropped. Label
/// Studio counts its HyperText offsets over this text, not over [`html_to_text`]'s.
pub fn html_text_content(html: &str) -> String {
    let html = html.strip_prefix('\u{FEFF}').unwrap_or(html);
    let mut converter = Converter {
        content: Some(String::new()),
        ..Converter::default()
    };
    feed(&mut converter, html);
    converter.content.take().unwrap_or_default()
}

fn convert(html: &str, drop_chrome: bool, content_only: bool) -> HtmlArticle {
    let mut converter = Converter {
        drop_chrome,
        content_only,
        ..Converter::default()
    };
    feed(&mut converter, html);
    converter.finish()
}

fn feed(converter: &mut Converter, html: &str) {
    let mut tokenizer = Tokenizer {
        text: html,
        bytes: html.as_bytes(),
        position: 0,
    };
    while let Some(token) = tokenizer.next_token() {
        match token {
            Token::Text(raw) => converter.text(raw),
            Token::StartTag(tag) => converter.start_tag(tag, &mut tokenizer),
            Token::EndTag(name) => converter.end_tag(&name),
        }
    }
}

/// Whether an opened file (or pasted text, with an empty name) should be read as HTML.
///
/// An `.html`/`.htm`/`.xhtml` name counts when the content has markup near its start; a
/// `.txt`/`.text`/`.md` name only gives way to an unmistakable `<!doctype html` or `<html`;
/// any other name (or none) is decided by the content: that, or a common tag such as `<p>`
/// within the first 1,024 characters.
pub fn looks_like_html(name: &str, text: &str) -> bool {
    let head: String = text
        .trim_start_matches(['\u{FEFF}', ' ', '\t', '\r', '\n'])
        .chars()
        .take(1024)
        .collect();
    let head = head.to_ascii_lowercase();
    let strong = head.starts_with("<!doctype html") || head.starts_with("<html");
    const COMMON_TAGS: [&str; 10] = [
        "<p>", "<p ", "<div", "<body", "<head", "<article", "<br>", "<br/>", "<meta", "<title>",
    ];
    let weak = COMMON_TAGS.iter().any(|tag| head.contains(tag));
    let extension = name
        .rsplit_once('.')
        .map(|(_, extension)| extension.to_ascii_lowercase());
    match extension.as_deref() {
        Some("html" | "htm" | "xhtml" | "xht" | "shtml") => strong || weak || head.contains('<'),
        Some("txt" | "text" | "md" | "markdown") => strong,
        _ => strong || weak,
    }
}

// ---------------------------------------------------------------------------------------
// Tokenizer

enum Token<'a> {
    Text(&'a str),
    StartTag(StartTag<'a>),
    EndTag(String),
}

struct StartTag<'a> {
    /// ASCII-lowercased.
    name: String,
    /// Collected only for `meta` and `link`; names ASCII-lowercased, values raw.
    attributes: Vec<(String, &'a str)>,
    self_closing: bool,
}

/// A tag's attributes (when collected), its self-closing flag and the index after its `>`.
type ParsedAttributes<'a> = (Vec<(String, &'a str)>, bool, usize);

struct Tokenizer<'a> {
    text: &'a str,
    bytes: &'a [u8],
    position: usize,
}

fn is_html_space(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\n' | b'\r' | 0x0C)
}

impl<'a> Tokenizer<'a> {
    fn byte(&self, index: usize) -> Option<u8> {
        self.bytes.get(index).copied()
    }

    /// Every index used here sits on an ASCII byte or the end, so it is a char boundary; the
    /// fallback only guards that reasoning.
    fn slice(&self, start: usize, end: usize) -> &'a str {
        self.text.get(start..end).unwrap_or("")
    }

    fn starts_with_ignoring_case(&self, index: usize, pattern: &str) -> bool {
        self.bytes
            .get(index..index.saturating_add(pattern.len()))
            .is_some_and(|found| found.eq_ignore_ascii_case(pattern.as_bytes()))
    }

    fn find_byte(&self, from: usize, wanted: u8) -> Option<usize> {
        self.bytes
            .get(from..)?
            .iter()
            .position(|&byte| byte == wanted)
            .map(|found| from + found)
    }

    fn next_token(&mut self) -> Option<Token<'a>> {
        loop {
            let start = self.position;
            let first = self.byte(start)?;
            if first != b'<' {
                let end = self.find_byte(start, b'<').unwrap_or(self.bytes.len());
                self.position = end;
                return Some(Token::Text(self.slice(start, end)));
            }
            match self.byte(start + 1) {
                Some(b'!') if self.starts_with_ignoring_case(start, "<!--") => {
                    self.position = self.end_of_comment(start + 4);
                }
                Some(b'!' | b'?') => self.position = self.past_next_greater_than(start + 2),
                Some(b'/') => match self.byte(start + 2) {
                    Some(letter) if letter.is_ascii_alphabetic() => {
                        let name_end = self.end_of_tag_name(start + 2);
                        let name = self.slice(start + 2, name_end).to_ascii_lowercase();
                        match self.attributes(name_end, false) {
                            Some((_, _, after)) => self.position = after,
                            None => {
                                self.position = self.bytes.len();
                                return None;
                            }
                        }
                        return Some(Token::EndTag(name));
                    }
                    Some(b'>') => self.position = start + 3,
                    _ => self.position = self.past_next_greater_than(start + 2),
                },
                Some(letter) if letter.is_ascii_alphabetic() => {
                    let name_end = self.end_of_tag_name(start + 1);
                    let name = self.slice(start + 1, name_end).to_ascii_lowercase();
                    let collect = name == "meta" || name == "link";
                    let Some((attributes, self_closing, after)) =
                        self.attributes(name_end, collect)
                    else {
                        // A tag cut off by the end of the input is dropped, as browsers do.
                        self.position = self.bytes.len();
                        return None;
                    };
                    self.position = after;
                    return Some(Token::StartTag(StartTag {
                        name,
                        attributes,
                        self_closing,
                    }));
                }
                _ => {
                    let end = self.find_byte(start + 1, b'<').unwrap_or(self.bytes.len());
                    self.position = end;
                    return Some(Token::Text(self.slice(start, end)));
                }
            }
        }
    }

    fn end_of_tag_name(&self, from: usize) -> usize {
        let mut index = from;
        while let Some(byte) = self.byte(index) {
            if is_html_space(byte) || byte == b'/' || byte == b'>' {
                break;
            }
            index += 1;
        }
        index
    }

    fn past_next_greater_than(&self, from: usize) -> usize {
        self.find_byte(from, b'>')
            .map_or(self.bytes.len(), |found| found + 1)
    }

    /// `from` is just after `<!--`. Returns the position after the comment's end.
    fn end_of_comment(&self, from: usize) -> usize {
        if self.byte(from) == Some(b'>') {
            return from + 1;
        }
        if self.starts_with_ignoring_case(from, "->") {
            return from + 2;
        }
        let mut index = from;
        while let Some(dash) = self.find_byte(index, b'-') {
            if self.starts_with_ignoring_case(dash, "-->") {
                return dash + 3;
            }
            if self.starts_with_ignoring_case(dash, "--!>") {
                return dash + 4;
            }
            index = dash + 1;
        }
        self.bytes.len()
    }

    /// Parses attributes up to and including `>`. Returns `None` when the input ends first.
    fn attributes(&self, from: usize, collect: bool) -> Option<ParsedAttributes<'a>> {
        let mut attributes = Vec::new();
        let mut self_closing = false;
        let mut index = from;
        loop {
            loop {
                match self.byte(index)? {
                    byte if is_html_space(byte) => index += 1,
                    b'/' => {
                        self_closing = self.byte(index + 1) == Some(b'>');
                        index += 1;
                    }
                    _ => break,
                }
            }
            if self.byte(index)? == b'>' {
                return Some((attributes, self_closing, index + 1));
            }
            self_closing = false;
            let name_start = index;
            index += 1;
            while let Some(byte) = self.byte(index) {
                if is_html_space(byte) || matches!(byte, b'/' | b'>' | b'=') {
                    break;
                }
                index += 1;
            }
            let name = self.slice(name_start, index);
            while self.byte(index).is_some_and(is_html_space) {
                index += 1;
            }
            let mut value = "";
            if self.byte(index)? == b'=' {
                index += 1;
                while self.byte(index).is_some_and(is_html_space) {
                    index += 1;
                }
                match self.byte(index)? {
                    quote @ (b'"' | b'\'') => {
                        let closing = self.find_byte(index + 1, quote)?;
                        value = self.slice(index + 1, closing);
                        index = closing + 1;
                    }
                    b'>' => {}
                    _ => {
                        let value_start = index;
                        while self
                            .byte(index)
                            .is_some_and(|byte| !is_html_space(byte) && byte != b'>')
                        {
                            index += 1;
                        }
                        value = self.slice(value_start, index);
                    }
                }
            }
            if collect {
                attributes.push((name.to_ascii_lowercase(), value));
            }
        }
    }

    fn is_end_tag_of(&self, index: usize, name: &str) -> bool {
        self.starts_with_ignoring_case(index, "</")
            && self.starts_with_ignoring_case(index + 2, name)
            && self
                .byte(index + 2 + name.len())
                .is_some_and(|byte| is_html_space(byte) || byte == b'/' || byte == b'>')
    }

    fn is_start_tag_of(&self, index: usize, name: &str) -> bool {
        self.starts_with_ignoring_case(index, "<")
            && self.starts_with_ignoring_case(index + 1, name)
            && self
                .byte(index + 1 + name.len())
                .is_some_and(|byte| is_html_space(byte) || byte == b'/' || byte == b'>')
    }

    /// Reads the content of a raw-text or RCDATA element up to its end tag (consumed), or to
    /// the end of the input.
    fn raw_content(&mut self, name: &str) -> &'a str {
        let start = self.position;
        let mut index = start;
        let mut state = ScriptState::Data;
        let is_script = name == "script";
        while let Some(found) = self.find_byte_of_two(index, b'<', b'-') {
            index = found;
            if is_script {
                match state {
                    ScriptState::Data if self.starts_with_ignoring_case(index, "<!--") => {
                        state = ScriptState::Escaped;
                        index += 2;
                        continue;
                    }
                    ScriptState::Escaped | ScriptState::DoubleEscaped
                        if self.starts_with_ignoring_case(index, "-->") =>
                    {
                        state = ScriptState::Data;
                        index += 3;
                        continue;
                    }
                    ScriptState::Escaped if self.is_start_tag_of(index, "script") => {
                        state = ScriptState::DoubleEscaped;
                        index += 7;
                        continue;
                    }
                    ScriptState::DoubleEscaped if self.is_end_tag_of(index, "script") => {
                        state = ScriptState::Escaped;
                        index += 8;
                        continue;
                    }
                    _ => {}
                }
            }
            if self.is_end_tag_of(index, name) {
                let content = self.slice(start, index);
                self.position = self
                    .attributes(index + 2 + name.len(), false)
                    .map_or(self.bytes.len(), |(_, _, after)| after);
                return content;
            }
            index += 1;
        }
        self.position = self.bytes.len();
        self.slice(start, self.bytes.len())
    }

    fn find_byte_of_two(&self, from: usize, first: u8, second: u8) -> Option<usize> {
        self.bytes
            .get(from..)?
            .iter()
            .position(|&byte| byte == first || byte == second)
            .map(|found| from + found)
    }
}

#[derive(Clone, Copy)]
enum ScriptState {
    Data,
    Escaped,
    DoubleEscaped,
}

// ---------------------------------------------------------------------------------------
// From tokens to text

/// Elements dropped with everything inside them that the tokenizer does not swallow itself.
const DROPPED_CONTAINERS: [&str; 5] = ["head", "template", "object", "svg", "math"];
/// Raw-text elements whose content is dropped.
const DROPPED_RAW_TEXT: [&str; 6] = [
    "script", "style", "noscript", "iframe", "noembed", "noframes",
];
const HEAD_CONTENT: [&str; 9] = [
    "title", "meta", "link", "style", "script", "base", "noscript", "template", "head",
];
/// HTML start tags that end `svg`/`math` content (the HTML standard's foreign-content rule).
const FOREIGN_BREAKOUT: [&str; 44] = [
    "b",
    "big",
    "blockquote",
    "body",
    "br",
    "center",
    "code",
    "dd",
    "div",
    "dl",
    "dt",
    "em",
    "embed",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "head",
    "hr",
    "i",
    "img",
    "li",
    "listing",
    "menu",
    "meta",
    "nobr",
    "ol",
    "p",
    "pre",
    "ruby",
    "s",
    "small",
    "span",
    "strong",
    "strike",
    "sub",
    "sup",
    "table",
    "tt",
    "u",
    "ul",
    "var",
];
const BLOCKS: [&str; 43] = [
    "address",
    "article",
    "aside",
    "blockquote",
    "caption",
    "center",
    "dd",
    "details",
    "dialog",
    "dir",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hgroup",
    "hr",
    "legend",
    "li",
    "listing",
    "main",
    "menu",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "tbody",
    "tr",
    "ul",
    "xmp",
];

#[derive(Default)]
struct Converter {
    out: TextOut,
    /// Open dropped containers, innermost last, with a count per name so that an end tag
    /// with nothing to close costs nothing (keeps hostile input linear).
    dropped: Vec<usize>,
    dropped_counts: [usize; DROPPED_CONTAINERS.len()],
    preformatted_depth: usize,
    just_opened_preformatted: bool,
    decoded: String,
    page_title: Option<String>,
    suggestions: HtmlArticle,
    canonical_url: Option<String>,
    /// Drop `nav`, `aside`, `footer` and (outside the article) `header` with their content.
    drop_chrome: bool,
    /// Keep only what is inside `article` or `main`.
    content_only: bool,
    chrome_depth: usize,
    outer_header_depth: usize,
    content_depth: usize,
    /// When set, collects the raw text content (see [`html_text_content`]).
    content: Option<String>,
}

fn dropped_container_index(name: &str) -> Option<usize> {
    DROPPED_CONTAINERS
        .iter()
        .position(|candidate| *candidate == name)
}

const HEAD_INDEX: usize = 0;

impl Converter {
    fn suppressed(&self) -> bool {
        !self.dropped.is_empty()
            || self.chrome_depth > 0
            || self.outer_header_depth > 0
            || (self.content_only && self.content_depth == 0)
    }

    /// Follows `article`/`main` and the page chrome; true when the tag is chrome (dropped).
    fn page_structure(&mut self, name: &str, opening: bool) -> bool {
        match (name, opening) {
            ("article" | "main", true) => self.content_depth += 1,
            ("article" | "main", false) => {
                self.content_depth = self.content_depth.saturating_sub(1)
            }
            ("nav" | "aside" | "footer", true) if self.drop_chrome => {
                self.chrome_depth += 1;
                return true;
            }
            ("nav" | "aside" | "footer", false) if self.drop_chrome => {
                self.chrome_depth = self.chrome_depth.saturating_sub(1);
                return true;
            }
            ("header", true) if self.drop_chrome && self.content_depth == 0 => {
                self.outer_header_depth += 1;
                return true;
            }
            ("header", false) if self.outer_header_depth > 0 && self.content_depth == 0 => {
                self.outer_header_depth -= 1;
                return true;
            }
            ("body" | "html", false) => {
                self.chrome_depth = 0;
                self.outer_header_depth = 0;
            }
            _ => {}
        }
        false
    }

    fn inside_foreign_content(&self) -> bool {
        ["svg", "math"].iter().any(|name| {
            dropped_container_index(name)
                .and_then(|index| self.dropped_counts.get(index))
                .is_some_and(|&count| count > 0)
        })
    }

    fn close_dropped(&mut self, index: usize) {
        if self
            .dropped_counts
            .get(index)
            .is_none_or(|&count| count == 0)
        {
            return;
        }
        while let Some(closed) = self.dropped.pop() {
            if let Some(count) = self.dropped_counts.get_mut(closed) {
                *count = count.saturating_sub(1);
            }
            if closed == index {
                break;
            }
        }
    }

    /// An HTML element such as `<p>` inside an unclosed `<svg>` or `<math>` closes it, as in
    /// browsers: one missing `</svg>` must not hide the rest of the article.
    fn break_out_of_foreign_content(&mut self) {
        let is_foreign = |index: &usize| {
            DROPPED_CONTAINERS
                .get(*index)
                .is_some_and(|name| *name == "svg" || *name == "math")
        };
        while let Some(innermost) = self.dropped.last().copied().filter(is_foreign) {
            self.close_dropped(innermost);
        }
    }

    fn close_implicit_head(&mut self) {
        if self.dropped.last() == Some(&HEAD_INDEX) {
            self.close_dropped(HEAD_INDEX);
        }
    }

    fn text(&mut self, raw: &str) {
        if self.dropped.last() == Some(&HEAD_INDEX) && !raw.bytes().all(is_html_space) {
            self.close_implicit_head();
        }
        if self.dropped.is_empty()
            && let Some(content) = self.content.as_mut()
        {
            let mut decoded = String::new();
            decode_entities_into(raw, &mut decoded);
            content.extend(decoded.chars().filter(|c| *c != '\0'));
        }
        if self.suppressed() {
            return;
        }
        self.decoded.clear();
        decode_entities_into(raw, &mut self.decoded);
        let mut decoded = std::mem::take(&mut self.decoded);
        if self.preformatted_depth > 0 {
            let without_first_newline = if self.just_opened_preformatted {
                decoded
                    .strip_prefix("\r\n")
                    .or_else(|| decoded.strip_prefix('\n'))
                    .unwrap_or(&decoded)
            } else {
                &decoded
            };
            self.out.push_preformatted(without_first_newline);
        } else {
            self.out.push_collapsed(&decoded);
        }
        self.just_opened_preformatted = false;
        decoded.clear();
        self.decoded = decoded;
    }

    fn start_tag(&mut self, tag: StartTag<'_>, tokenizer: &mut Tokenizer<'_>) {
        self.just_opened_preformatted = false;
        let name = tag.name.as_str();
        if !HEAD_CONTENT.contains(&name) {
            self.close_implicit_head();
        }
        if FOREIGN_BREAKOUT.contains(&name) {
            self.break_out_of_foreign_content();
        }
        match name {
            "meta" => self.read_meta(&tag.attributes),
            "link" => self.read_link(&tag.attributes),
            "title" => {
                let raw = tokenizer.raw_content("title");
                if self.page_title.is_none() && !self.inside_foreign_content() {
                    self.page_title = clean_suggestion(raw);
                }
                return;
            }
            "textarea" => {
                let raw = tokenizer.raw_content("textarea");
                self.text(raw);
                return;
            }
            "xmp" => {
                let raw = tokenizer.raw_content("xmp");
                if !self.suppressed() {
                    self.out.block_break();
                    self.out.push_preformatted(raw);
                    self.out.block_break();
                }
                return;
            }
            _ if DROPPED_RAW_TEXT.contains(&name) => {
                tokenizer.raw_content(name);
                return;
            }
            _ => {}
        }
        if let Some(index) = dropped_container_index(name) {
            let foreign = name == "svg" || name == "math";
            if !(foreign && tag.self_closing) {
                self.dropped.push(index);
                if let Some(count) = self.dropped_counts.get_mut(index) {
                    *count += 1;
                }
            }
            return;
        }
        if self.dropped.is_empty() && self.page_structure(name, true) {
            return;
        }
        if self.suppressed() {
            return;
        }
        self.layout_tag(name, true);
    }

    fn end_tag(&mut self, name: &str) {
        self.just_opened_preformatted = false;
        if let Some(index) = dropped_container_index(name) {
            self.close_dropped(index);
            return;
        }
        if name == "body" || name == "html" {
            self.close_implicit_head();
        }
        if self.dropped.is_empty() && self.page_structure(name, false) {
            return;
        }
        if self.suppressed() {
            return;
        }
        self.layout_tag(name, false);
    }

    fn layout_tag(&mut self, name: &str, opening: bool) {
        match name {
            "br" => self.out.line_break(),
            "td" | "th" => self.out.pending_space = true,
            "pre" | "listing" => {
                self.out.block_break();
                if opening {
                    self.preformatted_depth += 1;
                    self.just_opened_preformatted = true;
                } else {
                    self.preformatted_depth = self.preformatted_depth.saturating_sub(1);
                }
            }
            _ if BLOCKS.contains(&name) => self.out.block_break(),
            _ => {}
        }
    }

    fn read_meta(&mut self, attributes: &[(String, &str)]) {
        let attribute = |wanted: &str| {
            attributes
                .iter()
                .find(|(name, _)| name == wanted)
                .map(|(_, value)| *value)
        };
        let key = attribute("property")
            .or_else(|| attribute("name"))
            .or_else(|| attribute("itemprop"))
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        let Some(content) = attribute("content").and_then(clean_suggestion) else {
            return;
        };
        let slot = match key.as_str() {
            "og:title" => &mut self.suggestions.title,
            "og:url" => {
                if is_web_address(&content) {
                    set_once(&mut self.suggestions.url, content);
                }
                return;
            }
            "og:site_name" => &mut self.suggestions.publisher,
            "author" => &mut self.suggestions.author,
            "article:published_time"
            | "date"
            | "pubdate"
            | "datepublished"
            | "dcterms.date"
            | "dc.date" => {
                if let Some(date) = date_part(&content) {
                    set_once(&mut self.suggestions.published, date);
                }
                return;
            }
            _ => return,
        };
        set_once(slot, content);
    }

    fn read_link(&mut self, attributes: &[(String, &str)]) {
        let attribute = |wanted: &str| {
            attributes
                .iter()
                .find(|(name, _)| name == wanted)
                .map(|(_, value)| *value)
        };
        let is_canonical = attribute("rel").is_some_and(|rel| {
            rel.split_ascii_whitespace()
                .any(|token| token.eq_ignore_ascii_case("canonical"))
        });
        if let (true, Some(address)) = (is_canonical, attribute("href").and_then(clean_suggestion))
            && is_web_address(&address)
        {
            set_once(&mut self.canonical_url, address);
        }
    }

    fn finish(mut self) -> HtmlArticle {
        let mut article = self.suggestions;
        article.text = self.out.finish();
        if article.title.is_none() {
            article.title = self.page_title.take();
        }
        if article.url.is_none() {
            article.url = self.canonical_url.take();
        }
        article
    }
}

fn set_once(slot: &mut Option<String>, value: String) {
    if slot.is_none() {
        *slot = Some(value);
    }
}

/// Longest suggestion kept; anything longer is not a title or a name.
const MAX_SUGGESTION_CHARS: usize = 1000;

/// Decodes entities, collapses whitespace and trims; `None` if empty or absurdly long.
fn clean_suggestion(raw: &str) -> Option<String> {
    let mut decoded = String::new();
    decode_entities_into(raw, &mut decoded);
    let mut cleaned = TextOut::default();
    cleaned.push_collapsed(&decoded);
    let cleaned = cleaned.finish();
    let length = cleaned.chars().count();
    (length > 0 && length <= MAX_SUGGESTION_CHARS).then_some(cleaned)
}

fn is_web_address(address: &str) -> bool {
    let lower = address.get(..8).unwrap_or(address).to_ascii_lowercase();
    lower.starts_with("https://") || lower.starts_with("http://")
}

/// `2019-02-23T10:00:00Z` → `2019-02-23`; other forms through the date-line parser.
fn date_part(content: &str) -> Option<String> {
    content
        .get(..10)
        .and_then(parse_date_line)
        .or_else(|| parse_date_line(content))
}

/// Builds the output text: whitespace collapsing and pending breaks.
#[derive(Default)]
struct TextOut {
    out: String,
    pending_space: bool,
    pending_newlines: usize,
}

impl TextOut {
    fn flush_pending(&mut self) {
        if !self.out.is_empty() {
            if self.pending_newlines > 0 {
                for _ in 0..self.pending_newlines {
                    self.out.push('\n');
                }
            } else if self.pending_space {
                self.out.push(' ');
            }
        }
        self.pending_newlines = 0;
        self.pending_space = false;
    }

    fn push_collapsed(&mut self, text: &str) {
        for character in text.chars() {
            match character {
                ' ' | '\t' | '\n' | '\r' | '\u{0C}' => self.pending_space = true,
                '\0' => {}
                _ => {
                    self.flush_pending();
                    self.out.push(character);
                }
            }
        }
    }

    fn push_preformatted(&mut self, text: &str) {
        let mut previous_was_carriage_return = false;
        for character in text.chars() {
            match character {
                '\0' => {}
                '\n' if previous_was_carriage_return => {}
                // Kept as pending so that a closing block does not add to the final newline.
                '\r' | '\n' => self.pending_newlines += 1,
                _ => {
                    self.flush_pending();
                    self.out.push(character);
                }
            }
            previous_was_carriage_return = character == '\r';
        }
    }

    /// At most one blank line from `br`s in a row.
    fn line_break(&mut self) {
        self.pending_newlines = (self.pending_newlines + 1)
            .min(2)
            .max(self.pending_newlines);
    }

    fn block_break(&mut self) {
        self.pending_newlines = self.pending_newlines.max(2);
    }

    fn finish(mut self) -> String {
        let kept = self.out.trim_end_matches(['\n', ' ']).len();
        self.out.truncate(kept);
        self.out
    }
}
