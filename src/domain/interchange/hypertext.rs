//! Label Studio HyperText regions (`HyperText` tag, `hypertextlabels` or `labels` results whose
//! `value.start` is an XPath such as `/p[2]/text()[1]`): placing them on the article text the
//! app makes from the task's HTML.
//!
//! Why a step of its own: Label Studio counts `globalOffsets` over the HTML's *text content*
//! (every text node as written, no paragraph breaks; code points in current versions, UTF-16
//! units in older ones), while the article text made from the same HTML
//! (`article_input::html_to_text`) has paragraph breaks and collapsed spaces. The offsets are
//! read over the text content, checked against each region's `value.text` there, and carried
//! over to the article text word by word (both hold the same words in the same order); a
//! region whose quote disagrees keeps its carried offsets and its own quote, so the shared
//! placing step moves it by its quote or sends it to review, and says so. When the article
//! text leaves out words the text content has (navigation, headers outside the article),
//! nothing can be carried over safely: the regions are placed by their quotes alone.
//!
//! The XPaths and `startOffset`/`endOffset` (UTF-16 units within one text node) are not read:
//! `globalOffsets` says the same over the whole text, and the quote checks it.

use crate::domain::anchor::unit_evidence;
use crate::domain::article_input::{html_text_content, html_to_text};
use crate::domain::document::Metadata;
use crate::domain::import::{CandidateAnnotation, ImportBatch, OffsetUnit, Problem};
use crate::domain::text::{Text, TextRange};
use serde_json::Value;

/// Whether a result's value is a HyperText region (an XPath start, or `globalOffsets`).
pub(super) fn is_hypertext(value: &Value) -> bool {
    value.get("start").is_some_and(Value::is_string) || value.get("globalOffsets").is_some()
}

/// `globalOffsets.start` and `.end`, if both are numbers.
pub(super) fn global_offsets(value: &Value) -> (Option<usize>, Option<usize>) {
    let offset = |key: &str| {
        value
            .pointer(&format!("/globalOffsets/{key}"))
            .and_then(Value::as_u64)
            .and_then(|n| usize::try_from(n).ok())
    };
    (offset("start"), offset("end"))
}

/// The task's HTML: the first `data` field holding markup (`html`, then `text`, then the
/// others), else a `html`/`text` field that is not a web address (plain text is HTML too).
fn html_of(data: &Value) -> Option<&str> {
    let Value::Object(fields) = data else {
        return None;
    };
    let preferred = ["html", "text"];
    let ordered = preferred.iter().filter_map(|key| fields.get(*key)).chain(
        fields
            .iter()
            .filter(|(key, _)| !preferred.contains(&key.as_str()))
            .map(|(_, value)| value),
    );
    let strings: Vec<&str> = ordered.filter_map(Value::as_str).collect();
    strings
        .iter()
        .find(|s| s.contains('<'))
        .copied()
        .or_else(|| {
            preferred
                .iter()
                .filter_map(|key| fields.get(*key).and_then(Value::as_str))
                .find(|s| !s.starts_with("http://") && !s.starts_with("https://"))
        })
}

/// Label Studio writes a line break inside a region's text as the two characters `\n`;
/// read back as a line break unless the text (`content`) itself holds those two characters.
fn unescaped(quote: &str, content: &str) -> String {
    if content.contains("\\n") {
        quote.to_string()
    } else {
        quote.replace("\\n", "\n")
    }
}

fn same_words(a: &str, b: &str) -> bool {
    a.split_whitespace().eq(b.split_whitespace())
}

/// Positions in the text content carried to the article text through their words.
struct Carry {
    /// Code point positions of the non-whitespace characters, in the text content and in
    /// the article text (the same characters, in the same order).
    content: Vec<usize>,
    article: Vec<usize>,
    article_len: usize,
}

impl Carry {
    /// `None` when the two texts do not hold the same words.
    fn new(content: &str, article: &str) -> Option<Carry> {
        let words = |text: &str| -> Vec<(usize, char)> {
            text.chars()
                .enumerate()
                .filter(|(_, c)| !c.is_whitespace())
                .collect()
        };
        let (from, to) = (words(content), words(article));
        let same = from.len() == to.len() && from.iter().zip(&to).all(|(a, b)| a.1 == b.1);
        same.then(|| Carry {
            content: from.into_iter().map(|(at, _)| at).collect(),
            article: to.into_iter().map(|(at, _)| at).collect(),
            article_len: article.chars().count(),
        })
    }

    /// The article range holding the words of the content range `[start, end)`, without
    /// the whitespace around them; `None` when it holds no word.
    fn range(&self, start: usize, end: usize) -> Option<(usize, usize)> {
        let first = self.content.partition_point(|at| *at < start);
        let past_last = self.content.partition_point(|at| *at < end);
        if first >= past_last {
            return None;
        }
        let from = self.article.get(first).copied().unwrap_or(self.article_len);
        let to = self.article.get(past_last.checked_sub(1)?)? + 1;
        Some((from, to))
    }
}

/// A region's `globalOffsets` (start, end) and its quote, each if the file gave it.
type RegionOffsets = (Option<(usize, usize)>, Option<String>);

/// The unit `globalOffsets` count in: code points (current Label Studio), unless UTF-16
/// units reproduce more of the quotes over the text content (older versions); quote-less
/// regions are decided by [`unit_evidence::decide`]. The note says what was decided.
fn offset_unit(content: &Text, regions: &[RegionOffsets]) -> (OffsetUnit, Option<String>) {
    let quoted: Vec<((usize, usize), &str)> = regions
        .iter()
        .filter_map(|(span, quote)| Some(((*span)?, quote.as_deref()?)))
        .collect();
    if quoted.is_empty() {
        let spans: Vec<(usize, usize)> = regions.iter().filter_map(|(span, _)| *span).collect();
        let decision = unit_evidence::decide(content, OffsetUnit::CodePoint, &spans);
        return (decision.unit, decision.note);
    }
    let matching = |unit: OffsetUnit| {
        quoted
            .iter()
            .filter(|((start, end), quote)| {
                content_slice(content, unit, *start, *end).is_some_and(|s| same_words(s, quote))
            })
            .count()
    };
    let (code_points, utf16) = (matching(OffsetUnit::CodePoint), matching(OffsetUnit::Utf16));
    if utf16 > code_points && utf16 * 2 >= quoted.len() {
        let note = format!(
            "globalOffsets read as UTF-16 units, as older Label Studio versions counted them \
             ({utf16} of {} quotes matched that way, {code_points} as code points)",
            quoted.len()
        );
        return (OffsetUnit::Utf16, Some(note));
    }
    (OffsetUnit::CodePoint, None)
}

fn content_range(content: &Text, unit: OffsetUnit, start: usize, end: usize) -> Option<TextRange> {
    let start = unit_evidence::to_code_points(content, unit, start)?;
    let end = unit_evidence::to_code_points(content, unit, end)?;
    TextRange::from_code_points(start, end).ok()
}

fn content_slice(content: &Text, unit: OffsetUnit, start: usize, end: usize) -> Option<&str> {
    content
        .slice(content_range(content, unit, start, end)?)
        .ok()
}

/// Gives `batch` the article text made from the task's HTML and each HyperText region
/// (`regions`: indices into `batch.annotations`, offsets as `globalOffsets`) its place in
/// it, as the module documentation says.
pub(super) fn settle(data: &Value, location: &str, batch: &mut ImportBatch, regions: &[usize]) {
    let Some(html) = html_of(data) else {
        for index in regions {
            if let Some(candidate) = batch.annotations.get_mut(*index) {
                candidate.start = None;
                candidate.end = None;
                candidate.quote = candidate.quote.as_deref().map(|q| unescaped(q, ""));
            }
        }
        // An address is no article text: the regions go on the open article, by quote.
        batch.text = None;
        batch.problems.push(Problem::warning(
            location,
            "the task's HTML is not in the file (only an address): placed by quotes in the open \
             article",
        ));
        return;
    };
    let content = Text::new(html_text_content(html));
    let article = html_to_text(html);
    let text = Text::new(article.text.as_str());
    let spans: Vec<RegionOffsets> = regions
        .iter()
        .filter_map(|index| batch.annotations.get(*index))
        .map(|c| {
            let quote = c.quote.as_deref().map(|q| unescaped(q, content.as_str()));
            (c.start.zip(c.end), quote)
        })
        .collect();
    let (unit, note) = offset_unit(&content, &spans);
    if let Some(note) = note {
        batch.problems.push(Problem::warning(location, note));
    }
    let carry = Carry::new(content.as_str(), text.as_str());
    match &carry {
        None => batch.problems.push(Problem::warning(
            location,
            "the article text made from the HTML leaves out words it shows (navigation, \
             headers), so offsets cannot be carried over: placed by quotes",
        )),
        Some(_) if content.as_str() != text.as_str() => batch.problems.push(Problem::warning(
            location,
            "offsets count the HTML's text content, not the article text made from it \
             (paragraph breaks, spaces): carried over word by word, each checked against its \
             quote",
        )),
        Some(_) => {}
    }
    for index in regions {
        let Some(candidate) = batch.annotations.get_mut(*index) else {
            continue;
        };
        place_region(
            candidate,
            &content,
            &text,
            unit,
            carry.as_ref(),
            batch_location(candidate, location),
            &mut batch.problems,
        );
    }
    batch.text = Some(article.text);
    batch.offset_unit = Some(OffsetUnit::CodePoint);
    if batch.metadata.is_none()
        && let Some(title) = article.title
    {
        batch.metadata = Some(Metadata {
            title,
            url: article.url.unwrap_or_default(),
            ..Metadata::default()
        });
    }
}

fn batch_location(candidate: &CandidateAnnotation, location: &str) -> String {
    if candidate.location.is_empty() {
        location.to_string()
    } else {
        candidate.location.clone()
    }
}

/// One region: its content offsets (in `unit`) carried to the article text, its quote
/// checked against the content there.
fn place_region(
    candidate: &mut CandidateAnnotation,
    content: &Text,
    text: &Text,
    unit: OffsetUnit,
    carry: Option<&Carry>,
    location: String,
    problems: &mut Vec<Problem>,
) {
    let quote = candidate
        .quote
        .as_deref()
        .map(|q| unescaped(q, content.as_str()));
    let span = candidate.start.zip(candidate.end);
    candidate.start = None;
    candidate.end = None;
    candidate.quote = quote.clone();
    let Some((start, end)) = span else {
        if quote.is_some() {
            problems.push(Problem::warning(
                location,
                "a HyperText region without globalOffsets: placed by its quote",
            ));
        }
        return;
    };
    let Some(range) = content_range(content, unit, start, end) else {
        problems.push(Problem::warning(
            location,
            format!(
                "globalOffsets {start}-{end} do not fit the HTML's text content; placed by its quote"
            ),
        ));
        return;
    };
    let Some((from, to)) = carry.and_then(|carry| carry.range(range.start().0, range.end().0))
    else {
        return;
    };
    candidate.start = Some(from);
    candidate.end = Some(to);
    let found = content.slice(range).unwrap_or_default();
    let agrees = quote
        .as_deref()
        .is_none_or(|quote| same_words(found, quote));
    if agrees
        && let Ok(carried) = TextRange::from_code_points(from, to)
        && let Ok(carried) = text.slice(carried)
    {
        // The quote was checked over the text content; the article text holds the same
        // words there, with its own whitespace.
        candidate.quote = Some(carried.to_string());
    }
}
