//! Finding a quote again, exactly, and choosing between look-alike passages.
//!
//! Articles repeat themselves ("the minister said"), so an exact quote can occur many times.
//! Like Hypothesis's `match-quote`, the occurrence whose surrounding text best matches the
//! remembered prefix and suffix wins, and nearness to the old position breaks ties. Unlike a
//! plain "take the best", a tie that nearness cannot break is reported as ambiguous: silently
//! pinning a claim to the wrong copy of a sentence is worse than asking the person.

use crate::domain::anchor::grams::{self, QuoteFinder};
use crate::domain::annotation::CONTEXT_LEN;
use crate::domain::sorting;
use crate::domain::text::{ByteOffset, CodePointOffset, Text, TextRange};

/// Scores closer than this are the same score.
const SCORE_EPSILON: f64 = 1e-9;

/// The exact search first looks this many code points either side of the old position; a
/// perfect, strictly nearest occurrence there cannot be beaten by one further away.
const NEAR_WINDOW: usize = 4_096;

/// At most this many occurrences are scored (the nearest to the old position, if known).
const MAX_OCCURRENCES_SCORED: usize = 5_000;

/// What is known about where an annotation was: its quote, context and old position.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Expectation<'a> {
    pub quote: &'a str,
    pub prefix: &'a str,
    pub suffix: &'a str,
    /// The old start, in code points of the current text, if there was one.
    pub hint: Option<usize>,
}

/// The outcome of choosing among scored places.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Pick {
    /// This place is the single best.
    Best {
        range: TextRange,
        score: f64,
    },
    /// This many places are equally good and equally near.
    Tied {
        places: usize,
        score: f64,
    },
    Nothing,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum ExactSearch {
    Found(TextRange),
    Ambiguous {
        occurrences: usize,
    },
    /// More occurrences than are worth comparing, and no position to narrow them down.
    TooCommon {
        occurrences: usize,
    },
    Absent,
}

/// 1 minus the edit distance over the longer length: 1 for equal strings, 0 for unrelated.
pub(crate) fn similarity(actual: &str, expected: &str) -> f64 {
    let actual: Vec<char> = actual.chars().collect();
    let expected: Vec<char> = expected.chars().collect();
    let longest = actual.len().max(expected.len());
    if longest == 0 {
        return 1.0;
    }
    // One row of the Levenshtein table at a time.
    let mut row: Vec<usize> = (0..=expected.len()).collect();
    for (i, actual_char) in actual.iter().enumerate() {
        let mut diagonal = i;
        let mut left = i + 1;
        for (j, expected_char) in expected.iter().enumerate() {
            let above = row.get(j + 1).copied().unwrap_or(usize::MAX - 1);
            let substitution = diagonal + usize::from(actual_char != expected_char);
            let cell = substitution.min(above + 1).min(left + 1);
            diagonal = above;
            left = cell;
            if let Some(slot) = row.get_mut(j + 1) {
                *slot = cell;
            }
        }
        if let Some(first) = row.first_mut() {
            *first = i + 1;
        }
    }
    let distance = row.last().copied().unwrap_or(longest);
    1.0 - distance.min(longest) as f64 / longest as f64
}

/// The last `max` code points of `s`.
fn tail(s: &str, max: usize) -> &str {
    let skip = s.chars().count().saturating_sub(max);
    s.char_indices()
        .nth(skip)
        .map_or("", |(byte, _)| s.get(byte..).unwrap_or(""))
}

/// The first `max` code points of `s`.
fn head(s: &str, max: usize) -> &str {
    s.char_indices()
        .nth(max)
        .map_or(s, |(byte, _)| s.get(..byte).unwrap_or(s))
}

/// How well `found` matches `expected` context: 1 when nothing was expected.
fn side_score(expected: &str, found: &str) -> f64 {
    if expected.is_empty() || found == expected {
        1.0
    } else {
        similarity(found, expected)
    }
}

/// How well the text before `range` matches the remembered prefix, in 0..=1; only the
/// [`CONTEXT_LEN`] code points nearest the quote count.
pub(crate) fn prefix_score(text: &Text, range: TextRange, prefix: &str) -> f64 {
    let expected = tail(prefix, CONTEXT_LEN);
    side_score(
        expected,
        text.before(range.start(), expected.chars().count()),
    )
}

/// How well the text after `range` matches the remembered suffix, in 0..=1.
pub(crate) fn suffix_score(text: &Text, range: TextRange, suffix: &str) -> f64 {
    let expected = head(suffix, CONTEXT_LEN);
    side_score(expected, text.after(range.end(), expected.chars().count()))
}

/// How well the text around `range` matches the remembered context, in 0..=1. Missing
/// context counts as a perfect match.
pub(crate) fn context_score(text: &Text, range: TextRange, prefix: &str, suffix: &str) -> f64 {
    (prefix_score(text, range, prefix) + suffix_score(text, range, suffix)) / 2.0
}

/// The best of `scored`; equal scores are decided by strict nearness to `hint`, else tied.
pub(crate) fn pick(scored: &[(TextRange, f64)], hint: Option<usize>) -> Pick {
    let Some(best_score) = scored.iter().map(|(_, score)| *score).reduce(f64::max) else {
        return Pick::Nothing;
    };
    let best: Vec<TextRange> = scored
        .iter()
        .filter(|(_, score)| *score >= best_score - SCORE_EPSILON)
        .map(|(range, _)| *range)
        .collect();
    if let [only] = best.as_slice() {
        return Pick::Best {
            range: *only,
            score: best_score,
        };
    }
    let Some(hint) = hint else {
        return Pick::Tied {
            places: best.len(),
            score: best_score,
        };
    };
    let distance = |range: &TextRange| range.start().0.abs_diff(hint);
    let nearest = best.iter().map(distance).min().unwrap_or(usize::MAX);
    let mut at_nearest = best.iter().filter(|range| distance(range) == nearest);
    match (at_nearest.next(), at_nearest.next()) {
        (Some(range), None) => Pick::Best {
            range: *range,
            score: best_score,
        },
        _ => Pick::Tied {
            places: best.len(),
            score: best_score,
        },
    }
}

/// Code point starts of every occurrence (overlapping ones too) of `quote` within
/// `[window_start, window_end)` code points, by a scan of that window.
fn occurrences_near(
    text: &Text,
    quote: &str,
    window_start: usize,
    window_end: usize,
) -> Vec<usize> {
    let index = text.index();
    let to_byte = |offset: usize| index.to_byte(CodePointOffset(offset)).map(|b| b.0);
    let (Ok(byte_start), Ok(byte_end)) = (to_byte(window_start), to_byte(window_end)) else {
        return Vec::new();
    };
    let Some(window) = text.as_str().get(byte_start..byte_end) else {
        return Vec::new();
    };
    to_code_points(
        text,
        grams::scan(window, quote)
            .into_iter()
            .map(|byte| byte_start + byte),
    )
}

fn to_code_points(text: &Text, byte_starts: impl Iterator<Item = usize>) -> Vec<usize> {
    byte_starts
        .filter_map(|byte| text.index().from_byte(ByteOffset(byte)).ok())
        .map(|start| start.0)
        .collect()
}

fn score_occurrences(
    text: &Text,
    expectation: &Expectation,
    starts: &[usize],
) -> Vec<(TextRange, f64)> {
    let quote_len = expectation.quote.chars().count();
    starts
        .iter()
        .filter_map(|start| TextRange::from_code_points(*start, start + quote_len).ok())
        .map(|range| {
            (
                range,
                context_score(text, range, expectation.prefix, expectation.suffix),
            )
        })
        .collect()
}

/// Where the exact quote occurs, best context first and nearness as the tiebreak.
pub(crate) fn find_exact(
    text: &Text,
    finder: &QuoteFinder,
    expectation: &Expectation,
) -> ExactSearch {
    if expectation.quote.is_empty() {
        return ExactSearch::Absent;
    }
    let quote_len = expectation.quote.chars().count();
    if let Some(hint) = expectation.hint {
        let window_start = hint.saturating_sub(NEAR_WINDOW);
        let window_end = hint.saturating_add(NEAR_WINDOW + quote_len).min(text.len());
        let near = occurrences_near(text, expectation.quote, window_start, window_end);
        let scored = score_occurrences(text, expectation, &near);
        if let Pick::Best { range, score } = pick(&scored, Some(hint))
            && score >= 1.0 - SCORE_EPSILON
        {
            return ExactSearch::Found(range);
        }
    }
    let mut all = to_code_points(text, finder.byte_starts(expectation.quote).into_iter());
    if all.len() > MAX_OCCURRENCES_SCORED {
        let Some(hint) = expectation.hint else {
            return ExactSearch::TooCommon {
                occurrences: all.len(),
            };
        };
        sorting::sort_by_key(&mut all, |start| start.abs_diff(hint));
        all.truncate(MAX_OCCURRENCES_SCORED);
    }
    match pick(
        &score_occurrences(text, expectation, &all),
        expectation.hint,
    ) {
        Pick::Best { range, .. } => ExactSearch::Found(range),
        Pick::Tied { places, .. } => ExactSearch::Ambiguous {
            occurrences: places,
        },
        Pick::Nothing => ExactSearch::Absent,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn similarity_is_one_minus_the_edit_share() {
        for (actual, expected, score) in [
            ("abc", "abc", 1.0),
            ("", "", 1.0),
            ("abc", "", 0.0),
            ("kitten", "sitting", 1.0 - 3.0 / 7.0),
            ("😃b", "ab", 0.5),
        ] {
            assert!(
                (similarity(actual, expected) - score).abs() < 1e-12,
                "{actual:?} {expected:?}"
            );
        }
    }

    #[test]
    fn ties_are_broken_only_by_strict_nearness() {
        let range = |start| TextRange::from_code_points(start, start + 3).unwrap();
        let tied = [(range(10), 1.0), (range(30), 1.0)];
        assert_eq!(
            pick(&tied, None),
            Pick::Tied {
                places: 2,
                score: 1.0
            }
        );
        assert_eq!(
            pick(&tied, Some(20)),
            Pick::Tied {
                places: 2,
                score: 1.0
            }
        );
        assert_eq!(
            pick(&tied, Some(25)),
            Pick::Best {
                range: range(30),
                score: 1.0
            }
        );
        let better = [(range(10), 0.5), (range(30), 0.9)];
        assert_eq!(
            pick(&better, Some(10)),
            Pick::Best {
                range: range(30),
                score: 0.9
            }
        );
        assert_eq!(pick(&[], Some(10)), Pick::Nothing);
    }
}
