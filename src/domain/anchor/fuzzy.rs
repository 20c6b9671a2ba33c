//! Finding a quote whose text was edited: bounded approximate matching.
//!
//! Sellers' dynamic programme finds every place where the quote matches with at most
//! `k` edits (k = 20% of the quote's length), and Ukkonen's cut-off only computes the part of
//! each column that can still stay within `k`, so the work is about `k × window` rather than
//! `quote × window`. The search looks close to the old position first, then further, then
//! in the whole text, and
//! every search is capped in cells computed, per annotation and per import, so a 1 MB article
//! with thousands of changed annotations cannot freeze the page: what the budget cannot
//! reach is orphaned for review, never dropped.
//!
//! Each match is scored like Hypothesis's `match-quote`: 50 × quote similarity + 20 × prefix
//! similarity + 20 × suffix similarity + 2 × nearness to the old position, over 92. A match
//! is accepted from [`FUZZY_THRESHOLD`] up: the quote alone (at most 20% edited) can bring at
//! most 0.46, so the context must largely agree too — unless the file gave no context at all,
//! in which case the quote is all the evidence there is.

use crate::domain::anchor::quote::{Expectation, Pick, pick, prefix_score, suffix_score};
use crate::domain::sorting;
use crate::domain::text::{CodePointOffset, Text, TextRange};

/// The lowest combined score accepted as a fuzzy placement.
pub const FUZZY_THRESHOLD: f64 = 0.75;

/// Edits allowed, as a share of the quote's length in code points.
pub const MAX_ERROR_RATE: f64 = 0.2;

/// Code points searched either side of the old position, in turn, before the whole text.
const NEAR_WINDOWS: [usize; 2] = [256, 4_096];

/// Quotes longer than this (code points) are not searched approximately.
const MAX_QUOTE_LEN: usize = 4_000;

/// Table cells one annotation may cost (a few tens of milliseconds).
const CELLS_PER_ANNOTATION: u64 = 20_000_000;

/// Table cells one whole import may cost.
const CELLS_PER_IMPORT: u64 = 200_000_000;

/// At most this many distinct matches are scored per search.
const MAX_MATCHES_SCORED: usize = 64;

const QUOTE_WEIGHT: f64 = 50.0;
const PREFIX_WEIGHT: f64 = 20.0;
const SUFFIX_WEIGHT: f64 = 20.0;
const POSITION_WEIGHT: f64 = 2.0;

/// What is left of the work an import may spend on approximate search.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct WorkBudget {
    remaining_cells: u64,
}

impl WorkBudget {
    pub fn for_one_import() -> Self {
        WorkBudget {
            remaining_cells: CELLS_PER_IMPORT,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum FuzzySearch {
    Found {
        range: TextRange,
        score: f64,
    },
    Ambiguous {
        places: usize,
        score: f64,
    },
    /// Something similar exists, but its score is below the threshold.
    Weak {
        score: f64,
    },
    Absent,
    /// Under five code points nothing can be told apart approximately.
    QuoteTooShort,
    QuoteTooLong,
    OutOfBudget,
}

/// One place where the quote matches with `errors` edits; code points within the window.
#[derive(Clone, Copy, Debug)]
struct ApproximateMatch {
    start: usize,
    end: usize,
    errors: usize,
}

/// Sellers' search of `pattern` in `window` with at most `max_errors` edits. Returns the
/// matches found (one per run of adjacent end positions) and whether the search finished
/// within `cell_budget`; `cells_used` is increased by the work done.
fn search_window(
    window: &str,
    pattern: &[char],
    max_errors: usize,
    cell_budget: u64,
    cells_used: &mut u64,
) -> (Vec<ApproximateMatch>, bool) {
    let length = pattern.len();
    let ceiling = max_errors + 1;
    // cells[i] = (fewest edits matching pattern[..i] ending here, capped at ceiling; where
    // that match starts), for the column of the current text position.
    let mut cells: Vec<(usize, usize)> = (0..=length).map(|i| (i.min(ceiling), 0)).collect();
    let mut last_active = max_errors.min(length);
    let mut matches: Vec<ApproximateMatch> = Vec::new();
    let mut previous_end: Option<usize> = None;
    for (position, text_char) in window.chars().enumerate() {
        let top = (last_active + 1).min(length);
        *cells_used += top as u64;
        if *cells_used > cell_budget {
            return (matches, false);
        }
        let Some((first, rows)) = cells.split_first_mut() else {
            break;
        };
        let mut diagonal = *first;
        *first = (0, position + 1);
        let mut above = *first;
        for (cell, pattern_char) in rows.iter_mut().take(top).zip(pattern) {
            let old = *cell;
            let mut best = (
                diagonal.0 + usize::from(*pattern_char != text_char),
                diagonal.1,
            );
            if above.0 + 1 < best.0 {
                best = (above.0 + 1, above.1);
            }
            if old.0 + 1 < best.0 {
                best = (old.0 + 1, old.1);
            }
            best.0 = best.0.min(ceiling);
            *cell = best;
            diagonal = old;
            above = best;
        }
        last_active = top;
        while last_active > 0
            && cells
                .get(last_active)
                .is_some_and(|cell| cell.0 > max_errors)
        {
            last_active -= 1;
        }
        if last_active == length
            && let Some(&(errors, start)) = cells.get(length)
        {
            let found = ApproximateMatch {
                start,
                end: position + 1,
                errors,
            };
            match matches.last_mut() {
                // Adjacent ends are the same place, give or take a character: keep the best.
                Some(previous) if previous_end == Some(position) => {
                    if found.errors < previous.errors {
                        *previous = found;
                    }
                }
                _ => matches.push(found),
            }
            previous_end = Some(position + 1);
        }
    }
    (matches, true)
}

/// The code point range `[start, end)` of `text` as a `str`, if it is inside the text.
fn window_str(text: &Text, start: usize, end: usize) -> Option<&str> {
    let index = text.index();
    let byte_start = index.to_byte(CodePointOffset(start)).ok()?.0;
    let byte_end = index.to_byte(CodePointOffset(end)).ok()?.0;
    text.as_str().get(byte_start..byte_end)
}

fn score(text: &Text, expectation: &Expectation, found: ApproximateMatch, quote_len: usize) -> f64 {
    let Ok(range) = TextRange::from_code_points(found.start, found.end) else {
        return 0.0;
    };
    let quote_score = 1.0 - found.errors as f64 / quote_len.max(1) as f64;
    let prefix_score = prefix_score(text, range, expectation.prefix);
    let suffix_score = suffix_score(text, range, expectation.suffix);
    let position_score = expectation.hint.map_or(1.0, |hint| {
        1.0 - found.start.abs_diff(hint) as f64 / text.len().max(1) as f64
    });
    (QUOTE_WEIGHT * quote_score
        + PREFIX_WEIGHT * prefix_score
        + SUFFIX_WEIGHT * suffix_score
        + POSITION_WEIGHT * position_score)
        / (QUOTE_WEIGHT + PREFIX_WEIGHT + SUFFIX_WEIGHT + POSITION_WEIGHT)
}

/// The best approximate place for the quote, or why there is none.
pub(crate) fn find_approximate(
    text: &Text,
    expectation: &Expectation,
    budget: &mut WorkBudget,
) -> FuzzySearch {
    let pattern: Vec<char> = expectation.quote.chars().collect();
    let max_errors = (pattern.len() as f64 * MAX_ERROR_RATE).floor() as usize;
    if max_errors == 0 {
        return FuzzySearch::QuoteTooShort;
    }
    if pattern.len() > MAX_QUOTE_LEN {
        return FuzzySearch::QuoteTooLong;
    }
    let whole = (0, text.len());
    let mut windows: Vec<(usize, usize)> = expectation
        .hint
        .map(|hint| {
            NEAR_WINDOWS
                .iter()
                .map(|radius| {
                    let start = hint.saturating_sub(*radius);
                    (
                        start,
                        hint.saturating_add(radius + pattern.len()).min(text.len()),
                    )
                })
                .take_while(|window| *window != whole)
                .collect()
        })
        .unwrap_or_default();
    windows.push(whole);
    let cell_budget = budget.remaining_cells.min(CELLS_PER_ANNOTATION);
    let mut cells_used = 0;
    let mut outcome = FuzzySearch::Absent;
    for (window_start, window_end) in windows {
        let Some(window) = window_str(text, window_start, window_end) else {
            continue;
        };
        let (mut matches, finished) =
            search_window(window, &pattern, max_errors, cell_budget, &mut cells_used);
        for found in &mut matches {
            found.start += window_start;
            found.end += window_start;
        }
        let distance = |found: &ApproximateMatch| {
            expectation
                .hint
                .map_or(0, |hint| found.start.abs_diff(hint))
        };
        sorting::sort_by_key(&mut matches, |found| (found.errors, distance(found)));
        matches.truncate(MAX_MATCHES_SCORED);
        let scored: Vec<(TextRange, f64)> = matches
            .iter()
            .filter_map(|found| {
                let range = TextRange::from_code_points(found.start, found.end).ok()?;
                Some((range, score(text, expectation, *found, pattern.len())))
            })
            .collect();
        outcome = match pick(&scored, expectation.hint) {
            Pick::Best { range, score } if score >= FUZZY_THRESHOLD => {
                FuzzySearch::Found { range, score }
            }
            Pick::Tied { places, score } if score >= FUZZY_THRESHOLD => {
                FuzzySearch::Ambiguous { places, score }
            }
            Pick::Best { score, .. } | Pick::Tied { score, .. } => FuzzySearch::Weak { score },
            Pick::Nothing if finished => FuzzySearch::Absent,
            Pick::Nothing => FuzzySearch::OutOfBudget,
        };
        if matches!(
            outcome,
            FuzzySearch::Found { .. } | FuzzySearch::Ambiguous { .. }
        ) || !finished
        {
            break;
        }
    }
    budget.remaining_cells = budget.remaining_cells.saturating_sub(cells_used);
    outcome
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (start, end, errors) of every match of `pattern` in `window` with ≤ `max_errors` edits.
    fn check(window: &str, pattern: &str, max_errors: usize, expected: &[(usize, usize, usize)]) {
        let pattern: Vec<char> = pattern.chars().collect();
        let mut cells_used = 0;
        let (found, finished) =
            search_window(window, &pattern, max_errors, u64::MAX, &mut cells_used);
        assert!(finished);
        let found: Vec<(usize, usize, usize)> = found
            .iter()
            .map(|found| (found.start, found.end, found.errors))
            .collect();
        assert_eq!(found, expected, "{window:?}");
    }

    #[test]
    fn approximate_matches_and_where_they_start() {
        check("the minister said", "minister", 1, &[(4, 12, 0)]);
        // "ministr" is one deletion away, "ministre" two: the best of the run is kept.
        check("the ministre said", "minister", 2, &[(4, 11, 1)]);
        check("🦀 taxes will fal 🦀", "taxes will fall", 2, &[(2, 16, 1)]);
        check("a taxes b taxis c", "taxes", 1, &[(2, 7, 0), (10, 15, 1)]);
        check("nothing alike here", "minister", 1, &[]);
    }

    #[test]
    fn the_cell_budget_stops_a_search() {
        let pattern: Vec<char> = "a long quote to look for".chars().collect();
        let window = "x".repeat(10_000);
        let mut cells_used = 0;
        let (_, finished) = search_window(&window, &pattern, 4, 1_000, &mut cells_used);
        assert!(!finished);
        assert!(cells_used > 1_000 && cells_used < 1_100);
    }
}
