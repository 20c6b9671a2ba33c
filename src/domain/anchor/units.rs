//! Which unit a file really counted its offsets in.
//!
//! Formats disagree and files lie: the W3C model says code points, yet Hypothesis and Recogito
//! write UTF-16 units; some tools count UTF-8 bytes. The quotes a file carries are the
//! evidence: the unit that reproduces the most quotes at their offsets wins, and the person is
//! told when that is not the unit the file declared (or, undeclared, not code points).

use crate::domain::import::{CandidateAnnotation, OffsetUnit};
use crate::domain::text::{ByteOffset, CodePointOffset, OffsetError, Text, TextRange, Utf16Offset};

/// At most this many quoted candidates are tried per unit: enough evidence, bounded work.
const MAX_CANDIDATES_CHECKED: usize = 5_000;

/// The unit chosen for a batch, and what to tell the person about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct UnitChoice {
    pub unit: OffsetUnit,
    pub note: Option<String>,
}

/// `offset`, counted in `unit`, as a code point position of `text`.
pub(crate) fn to_code_point(
    text: &Text,
    unit: OffsetUnit,
    offset: usize,
) -> Result<CodePointOffset, OffsetError> {
    match unit {
        OffsetUnit::CodePoint if offset > text.len() => Err(OffsetError::PastEnd {
            offset,
            len: text.len(),
        }),
        OffsetUnit::CodePoint => Ok(CodePointOffset(offset)),
        OffsetUnit::Utf16 => text.index().from_utf16(Utf16Offset(offset)),
        OffsetUnit::Utf8Byte => text.index().from_byte(ByteOffset(offset)),
    }
}

/// `[start, end)`, counted in `unit`, as a code point range inside `text`.
pub(crate) fn range_in(
    text: &Text,
    unit: OffsetUnit,
    start: usize,
    end: usize,
) -> Result<TextRange, OffsetError> {
    if start > end {
        return Err(OffsetError::StartAfterEnd { start, end });
    }
    TextRange::new(
        to_code_point(text, unit, start)?,
        to_code_point(text, unit, end)?,
    )
}

/// A code point position near `offset` even when `offset` itself is unusable (inside a
/// character, or past the end): good enough as a hint for where to search.
pub(crate) fn approximate_code_point(text: &Text, unit: OffsetUnit, offset: usize) -> usize {
    // A position inside a character is at most 3 units past the character's start.
    (0..4)
        .filter_map(|back| offset.checked_sub(back))
        .find_map(|nearby| to_code_point(text, unit, nearby).ok())
        .map_or(text.len(), |found| found.0)
}

/// Whether the candidate's quote is what `text` holds at its offsets read in `unit`.
fn reproduces_quote(text: &Text, unit: OffsetUnit, candidate: &CandidateAnnotation) -> bool {
    let (Some(start), Some(end), Some(quote)) = (candidate.start, candidate.end, &candidate.quote)
    else {
        return false;
    };
    range_in(text, unit, start, end)
        .and_then(|range| text.slice(range))
        .is_ok_and(|found| found == quote)
}

fn is_evidence(candidate: &CandidateAnnotation) -> bool {
    candidate.start.is_some()
        && candidate.end.is_some()
        && candidate
            .quote
            .as_deref()
            .is_some_and(|quote| !quote.is_empty())
}

/// The unit that reproduces the most quotes, if it explains at least half of them; else
/// the declared unit (or code points), which also wins ties.
pub(crate) fn choose_unit(
    text: &Text,
    declared: Option<OffsetUnit>,
    candidates: &[CandidateAnnotation],
) -> UnitChoice {
    let default_unit = declared.unwrap_or(OffsetUnit::CodePoint);
    let evidence: Vec<&CandidateAnnotation> = candidates
        .iter()
        .filter(|c| is_evidence(c))
        .take(MAX_CANDIDATES_CHECKED)
        .collect();
    let count = |unit: OffsetUnit| {
        evidence
            .iter()
            .filter(|candidate| reproduces_quote(text, unit, candidate))
            .count()
    };
    let default_count = count(default_unit);
    let mut best = (default_unit, default_count);
    for unit in [
        OffsetUnit::CodePoint,
        OffsetUnit::Utf16,
        OffsetUnit::Utf8Byte,
    ] {
        let matched = count(unit);
        if matched > best.1 {
            best = (unit, matched);
        }
    }
    let (unit, matched) = best;
    let total = evidence.len();
    // A few quotes matching by chance on an edited text are no evidence: another unit must
    // explain at least half of the quotes before it replaces the declared one.
    if unit == default_unit || matched * 2 < total {
        return UnitChoice {
            unit: default_unit,
            note: None,
        };
    }
    let note = match declared {
        Some(declared) => format!(
            "offsets looked like {} although the file declared {} ({matched} of {total} checked quotes \
             matched that way, {default_count} the declared way); converted",
            unit.describe(),
            declared.describe()
        ),
        None => format!(
            "offsets looked like {} ({matched} of {total} checked quotes matched that way, \
             {default_count} as code points); converted",
            unit.describe()
        ),
    };
    UnitChoice {
        unit,
        note: Some(note),
    }
}
