//! Which unit offsets *without quotes* count in, when the text has characters outside the
//! Basic Multilingual Plane (emoji, some CJK, historic scripts) so that code points and UTF-16
//! units disagree.
//!
//! Why: a doccano or Prodigy file made by a JavaScript tool counts UTF-16 units although the
//! format says code points, and without a quote nothing shows the shift: every span after the
//! first emoji would sit one character off, silently. The evidence, strongest first: a span
//! whose ends fall inside a surrogate pair (impossible in UTF-16) or that does not fit the
//! text in one reading; ends that split a grapheme cluster (a person never selects half an
//! emoji or a letter without its accent); ends on word boundaries in one reading and not the
//! other. With no evidence the format's known unit is kept. The decision and its reason are
//! reported whenever the two readings would differ.

use crate::domain::import::OffsetUnit;
use crate::domain::text::{CodePointOffset, Text, TextRange, Utf16Offset};
use unicode_segmentation::UnicodeSegmentation;

/// What one reading of the offsets looks like.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Reading {
    /// Spans that do not fit the text this way (past the end, inside a character).
    impossible: usize,
    /// Spans with an end inside a grapheme cluster.
    split_clusters: usize,
    /// Spans whose both ends lie on word boundaries.
    on_word_boundaries: usize,
}

/// The unit chosen for quote-less offsets, and the sentence that says why (`None` when the
/// two readings place every span identically, so there was nothing to decide).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnitDecision {
    pub unit: OffsetUnit,
    pub note: Option<String>,
    /// The two readings place the spans differently and nothing in them decided: the
    /// format's unit was kept, and the person may want the other reading ([`other_unit`]).
    pub undecided: bool,
}

/// The reading a person can choose instead of `unit` (code points ↔ UTF-16 units).
pub fn other_unit(unit: OffsetUnit) -> OffsetUnit {
    match unit {
        OffsetUnit::Utf16 => OffsetUnit::CodePoint,
        _ => OffsetUnit::Utf16,
    }
}

fn range_in(text: &Text, unit: OffsetUnit, start: usize, end: usize) -> Option<TextRange> {
    let convert = |offset: usize| match unit {
        OffsetUnit::Utf16 => text.index().from_utf16(Utf16Offset(offset)).ok(),
        _ => (offset <= text.len()).then_some(CodePointOffset(offset)),
    };
    TextRange::new(convert(start)?, convert(end)?).ok()
}

/// Code point positions that are grapheme cluster boundaries.
fn cluster_boundaries(text: &Text) -> Vec<bool> {
    let mut boundaries = vec![false; text.len() + 1];
    let mut at = 0;
    for cluster in text.as_str().graphemes(true) {
        if let Some(slot) = boundaries.get_mut(at) {
            *slot = true;
        }
        at += cluster.chars().count();
    }
    if let Some(last) = boundaries.get_mut(at) {
        *last = true;
    }
    boundaries
}

fn read(
    text: &Text,
    chars: &[char],
    clusters: &[bool],
    unit: OffsetUnit,
    spans: &[(usize, usize)],
) -> Reading {
    let mut reading = Reading::default();
    let is_word = |c: Option<&char>| c.is_some_and(|c| c.is_alphanumeric());
    for (start, end) in spans {
        let Some(range) = range_in(text, unit, *start, *end) else {
            reading.impossible += 1;
            continue;
        };
        let (s, e) = (range.start().0, range.end().0);
        if !clusters.get(s).copied().unwrap_or(false) || !clusters.get(e).copied().unwrap_or(false)
        {
            reading.split_clusters += 1;
        }
        let start_ok = s == 0 || !is_word(chars.get(s.wrapping_sub(1))) || !is_word(chars.get(s));
        let end_ok =
            e == chars.len() || !is_word(chars.get(e)) || !is_word(chars.get(e.wrapping_sub(1)));
        if start_ok && end_ok && s < e {
            reading.on_word_boundaries += 1;
        }
    }
    reading
}

/// Decides between code points and UTF-16 for `spans` (start, end) given without quotes in
/// a file whose format counts in `known`.
pub fn decide(text: &Text, known: OffsetUnit, spans: &[(usize, usize)]) -> UnitDecision {
    let keep = UnitDecision {
        unit: known,
        note: None,
        undecided: false,
    };
    if spans.is_empty() || !matches!(known, OffsetUnit::CodePoint | OffsetUnit::Utf16) {
        return keep;
    }
    let differ = spans.iter().any(|(start, end)| {
        range_in(text, OffsetUnit::CodePoint, *start, *end)
            != range_in(text, OffsetUnit::Utf16, *start, *end)
    });
    if !differ {
        return keep;
    }
    let chars: Vec<char> = text.as_str().chars().collect();
    let clusters = cluster_boundaries(text);
    let other = other_unit(known);
    let mine = read(text, &chars, &clusters, known, spans);
    let theirs = read(text, &chars, &clusters, other, spans);
    let total = spans.len();
    let same_fit = mine.impossible == theirs.impossible;
    let reason = if mine.impossible > 0 && theirs.impossible == 0 {
        Some(format!(
            "{} of {total} spans do not fit the text as {} but all fit as {}",
            mine.impossible,
            known.describe(),
            other.describe()
        ))
    } else if same_fit && mine.split_clusters > 0 && theirs.split_clusters == 0 {
        Some(format!(
            "{} of {total} spans would split a character (an emoji, or a letter and its accent) as {}, none as {}",
            mine.split_clusters,
            known.describe(),
            other.describe()
        ))
    } else if same_fit
        && theirs.split_clusters <= mine.split_clusters
        && theirs.on_word_boundaries > mine.on_word_boundaries
        && (theirs.on_word_boundaries - mine.on_word_boundaries) * 2 > total
    {
        Some(format!(
            "{} of {total} spans start and end on word boundaries as {}, only {} as {}",
            theirs.on_word_boundaries,
            other.describe(),
            mine.on_word_boundaries,
            known.describe()
        ))
    } else {
        None
    };
    match reason {
        Some(reason) => UnitDecision {
            unit: other,
            note: Some(format!(
                "offsets read as {} although the format counts {}: {reason}",
                other.describe(),
                known.describe()
            )),
            undecided: false,
        },
        None => UnitDecision {
            unit: known,
            note: Some(format!(
                "offsets read as {}, the unit this format counts in (the text has characters that UTF-16 counts twice; nothing in the spans suggested another unit: {} of {total} on word boundaries this way, {} the other)",
                known.describe(),
                mine.on_word_boundaries,
                theirs.on_word_boundaries
            )),
            // A real choice only when the other reading fits every span and splits nothing.
            undecided: theirs.impossible == 0 && theirs.split_clusters == 0,
        },
    }
}

/// `offset`, counted in `unit`, as a code point offset of `text` (`None` if it does not fit).
pub fn to_code_points(text: &Text, unit: OffsetUnit, offset: usize) -> Option<usize> {
    match unit {
        OffsetUnit::Utf16 => text
            .index()
            .from_utf16(Utf16Offset(offset))
            .ok()
            .map(|o| o.0),
        _ => (offset <= text.len()).then_some(offset),
    }
}
