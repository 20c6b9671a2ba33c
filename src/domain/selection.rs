//! Turning a raw selection (two UTF-16 positions from the DOM) into the range that gets
//! annotated.
//!
//! People select with a mouse, so the raw range is sloppy: it may run backwards, start in
//! the middle of an emoji or a letter with its accents, carry a trailing space or line break,
//! or stop half-way through a word. The W3C model says a selection SHOULD NOT split a grapheme
//! cluster, and a half word is almost never what was meant. So this module validates the raw
//! positions into a [`TextRange`], then, in this order: trims surrounding whitespace, snaps
//! both ends outward to grapheme boundaries, and (unless the user holds Alt for an exact
//! selection) snaps ends that fall inside a word outward to the word's edges.
//!
//! Every step looks only at a bounded window around each end (binary search in the
//! [`TextIndex`](crate::domain::text::TextIndex), then local segmentation), so a call costs
//! O(log n + length of the touched region), not O(n), on a 1 MB article.

use crate::domain::text::{ByteOffset, CodePointOffset, OffsetError, Text, TextRange, Utf16Offset};
use std::fmt;
use unicode_segmentation::{GraphemeCursor, UnicodeSegmentation};

/// How far (in bytes) word snapping looks on each side of an end for the enclosing word.
/// Words longer than this are cut at the window edge rather than scanned in full.
const WORD_WINDOW_BYTES: usize = 1024;

/// Choices the user makes while selecting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SelectionOptions {
    /// Extend ends that fall inside a word to the word's edges (on by default; the app turns
    /// it off while Alt is held, for an exact selection).
    pub snap_to_words: bool,
}

impl Default for SelectionOptions {
    fn default() -> Self {
        SelectionOptions {
            snap_to_words: true,
        }
    }
}

impl SelectionOptions {
    /// Only grapheme snapping and whitespace trimming: what "hold Alt for exact" gives.
    pub fn exact() -> Self {
        SelectionOptions {
            snap_to_words: false,
        }
    }
}

/// Why a selection cannot become an annotation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SelectionError {
    /// Anchor and focus are the same position: nothing is selected.
    Collapsed,
    /// The selection holds only spaces or line breaks.
    OnlyWhitespace,
    /// A position does not fit the text (typically past its end).
    Offset(OffsetError),
}

impl fmt::Display for SelectionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SelectionError::Collapsed => {
                write!(f, "nothing is selected: drag over some text to annotate it")
            }
            SelectionError::OnlyWhitespace => write!(
                f,
                "the selection holds only spaces or line breaks: select some words to annotate"
            ),
            SelectionError::Offset(error) => {
                write!(f, "the selection does not fit the article text: {error}")
            }
        }
    }
}

impl std::error::Error for SelectionError {}

impl From<OffsetError> for SelectionError {
    fn from(error: OffsetError) -> Self {
        SelectionError::Offset(error)
    }
}

/// Which way to move a position that falls inside a character or cluster.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outward {
    /// Towards the start of the text: for the start of a range.
    Backward,
    /// Towards the end of the text: for the end of a range.
    Forward,
}

/// The range to annotate for a DOM selection from `anchor` to `focus` (UTF-16 positions,
/// in either order). Positions inside a surrogate pair are moved outward; positions past
/// the end, an empty selection or one of only whitespace are errors.
pub fn range_from_selection(
    text: &Text,
    anchor: Utf16Offset,
    focus: Utf16Offset,
    options: SelectionOptions,
) -> Result<TextRange, SelectionError> {
    let trimmed = trimmed_selection(text, anchor, focus)?;
    snap_trimmed(text, trimmed, options)
}

/// The first steps of [`range_from_selection`], without the snapping: the positions in
/// order and in code points, and the whitespace at either end trimmed. It needs none of
/// Unicode's segmentation tables, so the app can show a selection with it before the part
/// that snaps (and holds those tables) is fetched.
pub fn trimmed_selection(
    text: &Text,
    anchor: Utf16Offset,
    focus: Utf16Offset,
) -> Result<TextRange, SelectionError> {
    let (first, last) = if focus < anchor {
        (focus, anchor)
    } else {
        (anchor, focus)
    };
    let start = code_point_from_utf16_outward(text, first, Outward::Backward)?;
    let end = code_point_from_utf16_outward(text, last, Outward::Forward)?;
    let raw = TextRange::new(start, end)?;
    trim_checked(text, raw)
}

/// The same refinement as [`range_from_selection`] for a range already in code points.
pub fn refine_range(
    text: &Text,
    raw: TextRange,
    options: SelectionOptions,
) -> Result<TextRange, SelectionError> {
    let trimmed = trim_checked(text, raw)?;
    snap_trimmed(text, trimmed, options)
}

fn trim_checked(text: &Text, raw: TextRange) -> Result<TextRange, SelectionError> {
    text.check_range(raw)?;
    if raw.is_empty() {
        return Err(SelectionError::Collapsed);
    }
    trim_whitespace(text, raw)
}

/// Snaps a trimmed range to graphemes and, unless `options` say exact, to words.
fn snap_trimmed(
    text: &Text,
    trimmed: TextRange,
    options: SelectionOptions,
) -> Result<TextRange, SelectionError> {
    let graphemes = snap_to_graphemes(text, trimmed)?;
    if !options.snap_to_words {
        return Ok(graphemes);
    }
    let words = snap_to_words(text, graphemes)?;
    // Word bounds never split a cluster, but re-snapping is cheap and makes sure of it.
    Ok(snap_to_graphemes(text, words)?)
}

/// A UTF-16 position as a code point position; one between the halves of a surrogate pair
/// moves to the start (`Backward`) or the end (`Forward`) of that character.
pub fn code_point_from_utf16_outward(
    text: &Text,
    offset: Utf16Offset,
    direction: Outward,
) -> Result<CodePointOffset, OffsetError> {
    match text.index().from_utf16(offset) {
        Err(OffsetError::InsideSurrogatePair { .. }) => {
            let moved = match direction {
                Outward::Backward => Utf16Offset(offset.0.saturating_sub(1)),
                Outward::Forward => Utf16Offset(offset.0.saturating_add(1)),
            };
            text.index().from_utf16(moved)
        }
        other => other,
    }
}

/// `range` without the whitespace (Unicode `White_Space`: spaces, NBSP, tabs, line breaks,
/// U+2028/U+2029) at either end. Costs O(log n + whitespace trimmed).
pub fn trim_whitespace(text: &Text, range: TextRange) -> Result<TextRange, SelectionError> {
    let (start_byte, end_byte) = byte_bounds(text, range)?;
    let selected = text.as_str().get(start_byte..end_byte).unwrap_or("");
    let without_leading = selected.trim_start_matches(char::is_whitespace);
    if without_leading.is_empty() {
        return Err(SelectionError::OnlyWhitespace);
    }
    let trimmed = without_leading.trim_end_matches(char::is_whitespace);
    let new_start = start_byte + (selected.len() - without_leading.len());
    let new_end = new_start + trimmed.len();
    Ok(range_from_bytes(text, new_start, new_end)?)
}

/// `range` widened so that neither end splits a grapheme cluster (an emoji with its
/// modifiers, a flag, a letter with its combining marks, CR LF).
pub fn snap_to_graphemes(text: &Text, range: TextRange) -> Result<TextRange, OffsetError> {
    let (start_byte, end_byte) = byte_bounds(text, range)?;
    let start = grapheme_boundary_outward(text.as_str(), start_byte, Outward::Backward);
    let end = grapheme_boundary_outward(text.as_str(), end_byte, Outward::Forward);
    range_from_bytes(text, start, end)
}

/// `range` widened so that an end falling strictly inside a word moves to that word's edge.
/// Ends already between a word and whitespace or punctuation stay where they are, so
/// neighbouring spaces and punctuation are never swallowed.
pub fn snap_to_words(text: &Text, range: TextRange) -> Result<TextRange, OffsetError> {
    let (start_byte, end_byte) = byte_bounds(text, range)?;
    let content = text.as_str();
    let start =
        enclosing_word(content, start_byte).map_or(start_byte, |(word_start, _)| word_start);
    let end = enclosing_word(content, end_byte).map_or(end_byte, |(_, word_end)| word_end);
    range_from_bytes(text, start, end)
}

fn byte_bounds(text: &Text, range: TextRange) -> Result<(usize, usize), OffsetError> {
    text.check_range(range)?;
    Ok((
        text.index().to_byte(range.start())?.0,
        text.index().to_byte(range.end())?.0,
    ))
}

fn range_from_bytes(text: &Text, start: usize, end: usize) -> Result<TextRange, OffsetError> {
    text.index()
        .range_from_bytes(ByteOffset(start), ByteOffset(end))
}

/// The nearest grapheme boundary at or beyond `byte` in `direction`. `byte` must be a char
/// boundary of `content` (it comes from the text index); otherwise it is returned as is.
fn grapheme_boundary_outward(content: &str, byte: usize, direction: Outward) -> usize {
    if byte > content.len() || !content.is_char_boundary(byte) {
        return byte;
    }
    let mut cursor = GraphemeCursor::new(byte, content.len(), true);
    // The whole text is one chunk, so the cursor never asks for more context; it only
    // reads as far back or ahead as the cluster around `byte` reaches.
    if let Ok(true) = cursor.is_boundary(content, 0) {
        return byte;
    }
    let moved = match direction {
        Outward::Backward => cursor.prev_boundary(content, 0),
        Outward::Forward => cursor.next_boundary(content, 0),
    };
    match moved {
        Ok(Some(boundary)) => boundary,
        _ => byte,
    }
}

/// The byte bounds of the word that strictly encloses `byte`, if any. Segments only the run
/// of non-whitespace around `byte` (at most [`WORD_WINDOW_BYTES`] each way).
fn enclosing_word(content: &str, byte: usize) -> Option<(usize, usize)> {
    if byte == 0 || byte >= content.len() || !content.is_char_boundary(byte) {
        return None;
    }
    let window_start = window_edge_before(content, byte);
    let window_end = window_edge_after(content, byte);
    let window = content.get(window_start..window_end)?;
    let relative = byte - window_start;
    window
        .split_word_bound_indices()
        .map(|(offset, segment)| (offset, offset + segment.len(), segment))
        .find(|(segment_start, segment_end, _)| {
            *segment_start < relative && relative < *segment_end
        })
        .filter(|(_, _, segment)| segment.chars().any(char::is_alphanumeric))
        .map(|(segment_start, segment_end, _)| {
            (window_start + segment_start, window_start + segment_end)
        })
}

/// Just after the last whitespace before `byte`, or the window limit.
fn window_edge_before(content: &str, byte: usize) -> usize {
    let mut limit = byte.saturating_sub(WORD_WINDOW_BYTES);
    while !content.is_char_boundary(limit) {
        limit -= 1;
    }
    let before = content.get(limit..byte).unwrap_or("");
    match before.char_indices().rev().find(|(_, c)| c.is_whitespace()) {
        Some((offset, c)) => limit + offset + c.len_utf8(),
        None => limit,
    }
}

/// The first whitespace at or after `byte`, or the window limit.
fn window_edge_after(content: &str, byte: usize) -> usize {
    let mut limit = byte.saturating_add(WORD_WINDOW_BYTES).min(content.len());
    while !content.is_char_boundary(limit) {
        limit += 1;
    }
    let after = content.get(byte..limit).unwrap_or("");
    match after.char_indices().find(|(_, c)| c.is_whitespace()) {
        Some((offset, _)) => byte + offset,
        None => limit,
    }
}

/// Where a paragraph step takes the reading cursor from `from` (UTF-16, as the browser counts):
/// the start of the next paragraph (forward) or of this one or the one before (backward),
/// never the blank line between paragraphs. A paragraph starts after a line break, at its
/// first character that is not a space or a line break; the text's start and end are the
/// ends of the road. Looks only at the text between `from` and the target.
pub fn paragraph_step(text: &Text, from: Utf16Offset, forward: bool) -> Utf16Offset {
    let index = text.index();
    let outward = if forward {
        Outward::Forward
    } else {
        Outward::Backward
    };
    let Ok(from) = code_point_from_utf16_outward(text, from, outward) else {
        return from;
    };
    let Ok(byte) = index.to_byte(from) else {
        return Utf16Offset(index.len_utf16());
    };
    let content = text.as_str();
    let starts_paragraph = |at: usize| {
        let after_break = content
            .get(..at)
            .and_then(|before| before.trim_end_matches([' ', '\t']).chars().last())
            .is_some_and(|c| matches!(c, '\n' | '\r' | '\u{2029}'));
        let has_text = content
            .get(at..)
            .and_then(|rest| rest.chars().next())
            .is_some_and(|c| !c.is_whitespace());
        after_break && has_text
    };
    let found = if forward {
        content
            .get(byte.0..)
            .unwrap_or_default()
            .char_indices()
            .map(|(i, _)| byte.0 + i)
            .find(|&at| at > byte.0 && starts_paragraph(at))
            .unwrap_or(content.len())
    } else {
        content
            .get(..byte.0)
            .unwrap_or_default()
            .char_indices()
            .rev()
            .map(|(i, _)| i)
            .find(|&at| starts_paragraph(at))
            .unwrap_or(0)
    };
    index
        .from_byte(ByteOffset(found))
        .and_then(|cp| index.to_utf16(cp))
        .unwrap_or(Utf16Offset(index.len_utf16()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16_position(text: &str, code_points: usize) -> usize {
        text.chars().take(code_points).map(char::len_utf16).sum()
    }

    /// `selected` is written with `[` and `]` around the raw selection (removed from the
    /// text); `expected` is the quote that should be annotated, or the error.
    fn check(marked: &str, options: SelectionOptions, expected: Result<&str, SelectionError>) {
        let open = marked
            .chars()
            .position(|c| c == '[')
            .expect("test text has [");
        let close = marked
            .chars()
            .position(|c| c == ']')
            .expect("test text has ]")
            - 1;
        let content: String = marked.chars().filter(|c| *c != '[' && *c != ']').collect();
        let text = Text::new(content.clone());
        let anchor = Utf16Offset(utf16_position(&content, open));
        let focus = Utf16Offset(utf16_position(&content, close));
        let forward = range_from_selection(&text, anchor, focus, options)
            .map(|range| text.slice(range).unwrap().to_string());
        let backward = range_from_selection(&text, focus, anchor, options)
            .map(|range| text.slice(range).unwrap().to_string());
        assert_eq!(
            forward.as_deref().map_err(Clone::clone),
            expected,
            "forward in {marked:?}"
        );
        assert_eq!(
            backward, forward,
            "backward selection differs in {marked:?}"
        );
    }

    const EXACT: SelectionOptions = SelectionOptions {
        snap_to_words: false,
    };
    const WORDS: SelectionOptions = SelectionOptions {
        snap_to_words: true,
    };

    #[test]
    fn grapheme_clusters_are_never_split() {
        // ZWJ family: selecting only the man takes the whole family.
        check(
            "The [👨]\u{200D}👩\u{200D}👧\u{200D}👦 family",
            EXACT,
            Ok("👨‍👩‍👧‍👦"),
        );
        check(
            "The 👨\u{200D}👩[\u{200D}👧]\u{200D}👦 family",
            EXACT,
            Ok("👨‍👩‍👧‍👦"),
        );
        // Half a flag takes the flag, and only that flag of two adjacent ones.
        check("Flags [🇺]🇸🇬🇧 here", EXACT, Ok("🇺🇸"));
        check("Flags 🇺🇸🇬[🇧] here", EXACT, Ok("🇬🇧"));
        // Thumb without its skin tone.
        check("ok [👍]🏽 fine", EXACT, Ok("👍🏽"));
        // Letter without its combining marks.
        check("x [Z]\u{0351}\u{0360}a y", EXACT, Ok("Z\u{0351}\u{0360}"));
        check("Cafe[\u{0301} au] lait", EXACT, Ok("e\u{0301} au"));
        // Thai: a consonant without its vowel sign.
        check("[ท]\u{0E35}\u{0E48}นี่", EXACT, Ok("ที่"));
    }

    #[test]
    fn whitespace_is_trimmed() {
        check("a[  word\u{00A0}]b", EXACT, Ok("word"));
        check("line[\r\nnext\u{2028}]", EXACT, Ok("next"));
        check("one[\r\n]two", EXACT, Err(SelectionError::OnlyWhitespace));
        check(
            "a[\u{00A0}\u{202F}\t]b",
            EXACT,
            Err(SelectionError::OnlyWhitespace),
        );
        // CRLF is one cluster: a selection ending between CR and LF still trims to the word.
        check("word[s\r]\n", EXACT, Ok("s"));
    }

    #[test]
    fn words_are_completed_but_neighbours_are_not_swallowed() {
        check("The qu[ick bro]wn fox.", WORDS, Ok("quick brown"));
        check("The qu[ick bro]wn fox.", EXACT, Ok("ick bro"));
        check("said [\"Zürich\"], then", WORDS, Ok("\"Zürich\""));
        check("in Zü[ri]ch, then", WORDS, Ok("Zürich"));
        check("(Mr. [Smith])", WORDS, Ok("Smith"));
        check("end[ of the li]ne.", WORDS, Ok("of the line"));
        check("x [don]'t y", WORDS, Ok("don't"));
    }

    #[test]
    fn empty_and_out_of_range_selections_are_errors() {
        check("abc[]def", WORDS, Err(SelectionError::Collapsed));
        let text = Text::new("Crab 🦀 here");
        let past = range_from_selection(&text, Utf16Offset(3), Utf16Offset(99), WORDS);
        assert_eq!(
            past,
            Err(SelectionError::Offset(OffsetError::PastEnd {
                offset: 99,
                len: 12
            }))
        );
    }

    #[test]
    fn positions_inside_a_surrogate_pair_move_outward() {
        let text = Text::new("Crab 🦀 here");
        // UTF-16 6 is between the two halves of 🦀 (units 5 and 6).
        let range = range_from_selection(&text, Utf16Offset(6), Utf16Offset(6), EXACT).unwrap();
        assert_eq!(text.slice(range), Ok("🦀"));
        let range = range_from_selection(&text, Utf16Offset(10), Utf16Offset(6), EXACT).unwrap();
        assert_eq!(text.slice(range), Ok("🦀 he"));
    }

    #[test]
    fn messages_say_what_to_do() {
        assert!(SelectionError::Collapsed.to_string().contains("select"));
        assert!(
            SelectionError::OnlyWhitespace
                .to_string()
                .contains("spaces")
        );
        let past = SelectionError::Offset(OffsetError::PastEnd { offset: 9, len: 4 });
        assert!(past.to_string().contains("past the end"));
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;
        use std::collections::BTreeSet;

        fn text_strategy() -> impl Strategy<Value = String> {
            let pieces = prop::sample::select(vec![
                "a",
                "Zü",
                " ",
                "\u{00A0}",
                "\r\n",
                "\n",
                "🦀",
                "👨\u{200D}👩",
                "🇫🇷",
                "👍🏽",
                "e\u{0301}",
                ",",
                "'",
                "ที่",
            ]);
            prop::collection::vec(pieces, 0..20).prop_map(|pieces| pieces.concat())
        }

        fn grapheme_boundaries(text: &Text) -> BTreeSet<usize> {
            let mut boundaries: BTreeSet<usize> = text
                .as_str()
                .grapheme_indices(true)
                .map(|(byte, _)| text.index().from_byte(ByteOffset(byte)).unwrap().0)
                .collect();
            boundaries.insert(text.len());
            boundaries
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(256))]

            #[test]
            fn chosen_ranges_are_tidy_and_cover_the_selected_characters(
                content in text_strategy(),
                anchor_share in 0.0..1.1f64,
                focus_share in 0.0..1.1f64,
                snap_to_words in any::<bool>(),
            ) {
                let text = Text::new(content);
                let len_utf16 = text.index().len_utf16();
                let anchor = Utf16Offset((anchor_share * len_utf16 as f64) as usize);
                let focus = Utf16Offset((focus_share * len_utf16 as f64) as usize);
                let options = SelectionOptions { snap_to_words };
                let result = range_from_selection(&text, anchor, focus, options);
                // The app shows the trimmed selection before the snapping's part is here: it
                // fails exactly when the snapped one does, and the snapped one only widens it.
                let trimmed = trimmed_selection(&text, anchor, focus);
                match (&result, &trimmed) {
                    (Ok(range), Ok(trimmed)) => {
                        prop_assert!(range.start() <= trimmed.start() && trimmed.end() <= range.end());
                    }
                    (Err(error), Err(trimmed_error)) => prop_assert_eq!(error, trimmed_error),
                    _ => prop_assert!(false, "{:?} but trimmed {:?}", result, trimmed),
                }
                if anchor.0.max(focus.0) > len_utf16 {
                    let is_past_end = matches!(result, Err(SelectionError::Offset(OffsetError::PastEnd { .. })));
                    prop_assert!(is_past_end);
                    return Ok(());
                }
                let first = code_point_from_utf16_outward(&text, anchor.min(focus), Outward::Backward).unwrap();
                let last = code_point_from_utf16_outward(&text, anchor.max(focus), Outward::Forward).unwrap();
                let raw = TextRange::new(first, last).unwrap();
                let raw_text = text.slice(raw).unwrap();
                match result {
                    Err(SelectionError::Collapsed) => prop_assert!(raw.is_empty()),
                    Err(SelectionError::OnlyWhitespace) => {
                        prop_assert!(!raw.is_empty() && raw_text.chars().all(char::is_whitespace))
                    }
                    Err(other) => prop_assert!(false, "unexpected error {other}"),
                    Ok(range) => {
                        let chosen = text.slice(range).unwrap();
                        prop_assert!(!chosen.is_empty());
                        prop_assert_eq!(chosen.trim_matches(char::is_whitespace).len(), chosen.len());
                        let boundaries = grapheme_boundaries(&text);
                        prop_assert!(boundaries.contains(&range.start().0));
                        prop_assert!(boundaries.contains(&range.end().0));
                        // Every selected non-whitespace character is kept.
                        let raw_start = raw.start().0;
                        for (offset, c) in raw_text.chars().enumerate() {
                            let position = raw_start + offset;
                            if !c.is_whitespace() {
                                prop_assert!(range.start().0 <= position && position < range.end().0);
                            }
                        }
                        if !snap_to_words {
                            // Exact: no wider than the clusters the raw selection touches.
                            let outer = snap_to_graphemes(&text, raw).unwrap();
                            prop_assert!(outer.start() <= range.start() && range.end() <= outer.end());
                        }
                    }
                }
            }
        }
    }
}
