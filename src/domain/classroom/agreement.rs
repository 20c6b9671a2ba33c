//! How much the students agree with one another, whatever the key says.
//!
//! Two measures:
//!
//! **Mean pairwise F1.** For every ordered pair of students (A, B), A's spans are matched
//! against B's as if B were the key, with the same one-to-one rule as grading, and F1 taken.
//! F1 is symmetric in theory (2·hits / (|A| + |B|)), but greedy tie-breaking can pick a
//! different pairing when roles swap, so each pair is scored *both ways* and all ordered
//! scores are averaged: the result never depends on the order students are listed in.
//! With fewer than two students there is no pair and no mean.
//!
//! **Fleiss' kappa over words.** Each word of the text (see [`word_ranges`]) is a subject;
//! each student (rater) puts each word in exactly one category: one of the tags, or "none".
//! When one student's spans give a word several tags, the word goes to the tag covering the
//! most of its code points; a tie goes to the tag whose id sorts first. With `N` words,
//! `n` raters, `k` categories and `n_ij` raters putting word `i` in category `j`:
//!
//! ```text
//! p_j  = Σ_i n_ij / (N·n)                      share of all assignments in category j
//! P_i  = (Σ_j n_ij² − n) / (n·(n − 1))         agreement on word i
//! P̄    = Σ_i P_i / N                           observed agreement
//! P̄e   = Σ_j p_j²                              agreement expected by chance
//! κ    = (P̄ − P̄e) / (1 − P̄e)
//! ```
//!
//! (Fleiss, J. L. (1971), "Measuring nominal scale agreement among many raters",
//! Psychological Bulletin 76(5).) κ is 1 for perfect agreement, about 0 for chance-level
//! agreement. It is undefined with fewer than two raters, no words, or when every rater put
//! every word in the same one category (P̄e = 1); those cases are errors, not numbers.

use crate::domain::annotation::Annotation;
use crate::domain::classroom::class::word_ranges;
use crate::domain::classroom::matching::{MatchRule, match_attempt};
use crate::domain::classroom::scores::{merge_ranges, score_matching};
use crate::domain::sorting;
use crate::domain::tag::TagId;
use crate::domain::text::TextRange;
use std::collections::BTreeMap;
use std::fmt;

/// F1 of one pair of students, each taken once as the key.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PairAgreement {
    /// Positions of the two students in the list given.
    pub first: usize,
    pub second: usize,
    /// `second` scored with `first` as the key.
    pub f1_first_as_key: f64,
    /// `first` scored with `second` as the key.
    pub f1_second_as_key: f64,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct PairwiseAgreement {
    pub pairs: Vec<PairAgreement>,
    /// The mean of all ordered-pair F1 scores; `None` with fewer than two students.
    pub mean_f1: Option<f64>,
}

/// Mean pairwise F1 among the given attempts (all over one text).
pub fn pairwise_f1(attempts: &[&[Annotation]], rule: MatchRule) -> PairwiseAgreement {
    let f1 = |key: &[Annotation], attempt: &[Annotation]| {
        score_matching(&match_attempt(key, attempt, rule))
            .overall
            .f1
    };
    let mut pairs = Vec::new();
    for (first, first_spans) in attempts.iter().enumerate() {
        for (second, second_spans) in attempts.iter().enumerate().skip(first + 1) {
            pairs.push(PairAgreement {
                first,
                second,
                f1_first_as_key: f1(first_spans, second_spans),
                f1_second_as_key: f1(second_spans, first_spans),
            });
        }
    }
    let mean_f1 = (!pairs.is_empty()).then(|| {
        let total: f64 = pairs
            .iter()
            .map(|p| p.f1_first_as_key + p.f1_second_as_key)
            .sum();
        total / (2 * pairs.len()) as f64
    });
    PairwiseAgreement { pairs, mean_f1 }
}

/// Why Fleiss' kappa cannot be computed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KappaError {
    NoSubjects,
    TooFewRaters {
        raters: usize,
    },
    /// Subject `subject` was rated `found` times, the first one `expected` times.
    UnevenRatings {
        subject: usize,
        expected: usize,
        found: usize,
    },
    /// Every rating fell in one category, so chance agreement is already perfect.
    SingleCategory,
}

impl fmt::Display for KappaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KappaError::NoSubjects => write!(f, "there is nothing to rate: the text has no words"),
            KappaError::TooFewRaters { raters } => {
                write!(
                    f,
                    "agreement needs at least two students, there are {raters}"
                )
            }
            KappaError::UnevenRatings {
                subject,
                expected,
                found,
            } => write!(
                f,
                "item {subject} has {found} ratings but the first item has {expected}; \
                 every item needs the same number"
            ),
            KappaError::SingleCategory => write!(
                f,
                "every student put every word in the same category, so kappa is undefined \
                 (they agree completely, but so would chance)"
            ),
        }
    }
}

impl std::error::Error for KappaError {}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FleissKappa {
    pub kappa: f64,
    /// P̄: mean agreement per subject.
    pub observed: f64,
    /// P̄e: agreement expected by chance.
    pub expected: f64,
    pub subjects: usize,
    pub raters: usize,
}

/// Fleiss' kappa from a table: one row per subject, one column per category, each cell the
/// number of raters who chose that category for that subject. Every row must add up to the
/// same number of raters (at least 2).
pub fn fleiss_kappa(table: &[Vec<usize>]) -> Result<FleissKappa, KappaError> {
    let Some(first_row) = table.first() else {
        return Err(KappaError::NoSubjects);
    };
    let raters = first_row
        .iter()
        .try_fold(0usize, |sum, &count| sum.checked_add(count));
    let Some(raters) = raters else {
        return Err(KappaError::UnevenRatings {
            subject: 0,
            expected: usize::MAX,
            found: usize::MAX,
        });
    };
    if raters < 2 {
        return Err(KappaError::TooFewRaters { raters });
    }
    let categories = table.iter().map(Vec::len).max().unwrap_or(0);
    let mut category_totals = vec![0usize; categories];
    let mut agreement_sum = 0.0;
    // Arithmetic on squares and products is in f64, so no table can overflow it.
    let pairs_of_raters = raters as f64 * (raters as f64 - 1.0);
    for (subject, row) in table.iter().enumerate() {
        let found = row
            .iter()
            .try_fold(0usize, |sum, &count| sum.checked_add(count));
        if found != Some(raters) {
            let found = found.unwrap_or(usize::MAX);
            return Err(KappaError::UnevenRatings {
                subject,
                expected: raters,
                found,
            });
        }
        for (total, &count) in category_totals.iter_mut().zip(row) {
            *total = total.saturating_add(count);
        }
        let squares: f64 = row.iter().map(|&count| (count as f64).powi(2)).sum();
        agreement_sum += (squares - raters as f64) / pairs_of_raters;
    }
    kappa_from_sums(table.len(), raters, agreement_sum, &category_totals)
}

/// The last steps, shared by the table and the word versions: `agreement_sum` is Σ P_i and
/// `category_totals` holds Σ_i n_ij for each category.
fn kappa_from_sums(
    subjects: usize,
    raters: usize,
    agreement_sum: f64,
    category_totals: &[usize],
) -> Result<FleissKappa, KappaError> {
    let all_ratings = subjects as f64 * raters as f64;
    let expected: f64 = category_totals
        .iter()
        .map(|&total| (total as f64 / all_ratings).powi(2))
        .sum();
    let observed = agreement_sum / subjects as f64;
    if expected >= 1.0 {
        return Err(KappaError::SingleCategory);
    }
    Ok(FleissKappa {
        kappa: (observed - expected) / (1.0 - expected),
        observed,
        expected,
        subjects,
        raters,
    })
}

/// One student's category for each word: `None` is "no tag", else the tag covering most of
/// the word (ties to the smallest tag id).
fn word_categories(words: &[TextRange], attempt: &[Annotation]) -> Vec<Option<TagId>> {
    let mut covered: Vec<BTreeMap<&TagId, usize>> = vec![BTreeMap::new(); words.len()];
    let mut spans: Vec<&Annotation> = attempt
        .iter()
        .filter(|a| !a.is_orphan() && !a.range.is_empty())
        .collect();
    sorting::sort_by_key(&mut spans, |a| a.range);
    // Per tag, code points of each word covered (overlaps within a tag counted once).
    let mut by_tag: BTreeMap<&TagId, Vec<TextRange>> = BTreeMap::new();
    for span in spans {
        by_tag.entry(&span.tag).or_default().push(span.range);
    }
    for (tag, ranges) in by_tag {
        let ranges = merge_ranges(ranges);
        let mut next_range = 0;
        for (word, counts) in words.iter().zip(covered.iter_mut()) {
            while ranges
                .get(next_range)
                .is_some_and(|r| r.end() <= word.start())
            {
                next_range += 1;
            }
            let shared: usize = ranges
                .iter()
                .skip(next_range)
                .take_while(|r| r.start() < word.end())
                .map(|r| r.overlap(word))
                .sum();
            if shared > 0 {
                counts.insert(tag, shared);
            }
        }
    }
    covered
        .into_iter()
        .map(|counts| {
            // BTreeMap iterates by tag id, and max_by_key keeps the last maximum: reverse so
            // that a tie goes to the smallest id.
            counts
                .into_iter()
                .rev()
                .max_by_key(|&(_, shared)| shared)
                .map(|(tag, _)| tag.clone())
        })
        .collect()
}

/// Fleiss' kappa over the words of `text`, each attempt one rater, categories "none" plus
/// every tag any attempt used.
pub fn word_kappa(text: &str, attempts: &[&[Annotation]]) -> Result<FleissKappa, KappaError> {
    if attempts.len() < 2 {
        return Err(KappaError::TooFewRaters {
            raters: attempts.len(),
        });
    }
    let words = word_ranges(text);
    let per_student: Vec<Vec<Option<TagId>>> = attempts
        .iter()
        .map(|attempt| word_categories(&words, attempt))
        .collect();
    let mut category_of: BTreeMap<Option<&TagId>, usize> = BTreeMap::new();
    category_of.insert(None, 0);
    for tag in per_student.iter().flatten().flatten() {
        let next = category_of.len();
        category_of.entry(Some(tag)).or_insert(next);
    }
    // Word by word, without a words × categories table (a file may hold many tags): sort
    // the students' categories for the word and count runs.
    if words.is_empty() {
        return Err(KappaError::NoSubjects);
    }
    let raters = attempts.len();
    let pairs_of_raters = raters as f64 * (raters as f64 - 1.0);
    let mut category_totals = vec![0usize; category_of.len()];
    let mut agreement_sum = 0.0;
    let mut chosen: Vec<usize> = Vec::with_capacity(raters);
    for word in 0..words.len() {
        chosen.clear();
        chosen.extend(per_student.iter().map(|categories| {
            let category = categories.get(word).and_then(Option::as_ref);
            category_of.get(&category).copied().unwrap_or(0)
        }));
        sorting::sort(&mut chosen);
        let mut squares = 0.0;
        for run in chosen.chunk_by(|a, b| a == b) {
            squares += (run.len() as f64).powi(2);
            if let Some(total) = run.first().and_then(|&c| category_totals.get_mut(c)) {
                *total += run.len();
            }
        }
        agreement_sum += (squares - raters as f64) / pairs_of_raters;
    }
    kappa_from_sums(words.len(), raters, agreement_sum, &category_totals)
}
