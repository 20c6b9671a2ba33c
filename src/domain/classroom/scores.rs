//! Precision, recall and F1 from a matching, per tag and overall.
//!
//! - precision = hits / (hits + extras): how much of what the student marked is in the key;
//! - recall = hits / (hits + misses): how much of the key the student found;
//! - F1 = 2·P·R / (P + R), their harmonic mean (0 when both are 0).
//!
//! "Overall" is the micro average: hits, misses and extras of all tags are added up first,
//! then the three numbers are computed once, so every span weighs the same.
//!
//! Empty sets, written down because they decide grades:
//! - key empty **and** attempt empty (for a tag, or overall): P = R = F1 = 1. There was
//!   nothing to find and the student marked nothing: that is right.
//! - exactly one side empty: P = R = F1 = 0. Marking spans when the key has none, or marking
//!   nothing when the key has some, earns no credit.
//!
//! Character-level scores ([`character_scores`]) count code points instead of spans: per tag,
//! a code point is a hit when both key and attempt cover it with that tag, a miss when only
//! the key does, an extra when only the attempt does. Overlapping spans of one tag cover a
//! code point once. They reward near-misses that span-level matching counts as wrong.

use crate::domain::annotation::Annotation;
use crate::domain::classroom::matching::Matching;
use crate::domain::sorting;
use crate::domain::tag::TagId;
use crate::domain::text::TextRange;
use std::collections::BTreeMap;

/// What the app shows teachers so they can explain a grade.
pub const SCORING_EXPLANATION: &str = "Each span a student marks is compared with the teacher's \
key. It counts as found (a hit) when it has the same tag as a key span and the two overlap by \
at least half of the text they cover together (or, in strict mode, have exactly the same \
boundaries). Each key span can be found by only one student span, and each student span can \
find only one key span. Key spans not found are misses; student spans that found nothing are \
extras. Precision is hits divided by everything the student marked: how much of it was right. \
Recall is hits divided by everything in the key: how much of the key was found. F1 combines \
the two (their harmonic mean), so marking everything or marking very little both score low. \
If neither the key nor the student has any span of a tag, all three are 100%; if only one of \
them has spans, all three are 0%. The overall score adds up the hits, misses and extras of \
all tags before dividing.";

/// The three tallies every score is made of.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub hits: usize,
    pub misses: usize,
    pub extras: usize,
}

impl Counts {
    pub fn add(&mut self, other: Counts) {
        self.hits += other.hits;
        self.misses += other.misses;
        self.extras += other.extras;
    }

    pub fn key_size(&self) -> usize {
        self.hits + self.misses
    }

    pub fn attempt_size(&self) -> usize {
        self.hits + self.extras
    }

    pub fn precision(&self) -> f64 {
        ratio(self.hits, self.attempt_size(), self.key_size())
    }

    pub fn recall(&self) -> f64 {
        ratio(self.hits, self.key_size(), self.attempt_size())
    }

    pub fn f1(&self) -> f64 {
        let (precision, recall) = (self.precision(), self.recall());
        if precision + recall == 0.0 {
            return 0.0;
        }
        2.0 * precision * recall / (precision + recall)
    }

    pub fn score(&self) -> Score {
        Score {
            counts: *self,
            precision: self.precision(),
            recall: self.recall(),
            f1: self.f1(),
        }
    }
}

/// `hits / total`, with the empty-set convention: 1 when both sides are empty, else 0.
fn ratio(hits: usize, total: usize, other_side: usize) -> f64 {
    if total == 0 {
        return if other_side == 0 { 1.0 } else { 0.0 };
    }
    hits as f64 / total as f64
}

/// Counts with the three numbers worked out, each in `0..=1`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Score {
    pub counts: Counts,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

impl Default for Score {
    /// Nothing in the key, nothing marked: a perfect score by the empty-set convention.
    fn default() -> Self {
        Counts::default().score()
    }
}

/// One attempt's scores: per tag (every tag seen in key or attempt) and overall (micro).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ScoreCard {
    pub per_tag: BTreeMap<TagId, Score>,
    pub overall: Score,
}

impl ScoreCard {
    /// The score of `tag`; a tag neither side used scores as "both empty".
    pub fn tag(&self, tag: &TagId) -> Score {
        self.per_tag.get(tag).copied().unwrap_or_default()
    }
}

/// Span-level scores of a matching.
pub fn score_matching(matching: &Matching) -> ScoreCard {
    let mut per_tag: BTreeMap<&TagId, Counts> = BTreeMap::new();
    for hit in &matching.hits {
        per_tag.entry(&hit.key.tag).or_default().hits += 1;
    }
    for miss in &matching.misses {
        per_tag.entry(&miss.tag).or_default().misses += 1;
    }
    for extra in &matching.extras {
        per_tag.entry(&extra.tag).or_default().extras += 1;
    }
    card_from_counts(per_tag)
}

fn card_from_counts(per_tag: BTreeMap<&TagId, Counts>) -> ScoreCard {
    let mut overall = Counts::default();
    for counts in per_tag.values() {
        overall.add(*counts);
    }
    ScoreCard {
        per_tag: sorting::map_of(
            per_tag
                .into_iter()
                .map(|(tag, counts)| (tag.clone(), counts.score())),
        ),
        overall: overall.score(),
    }
}

/// Code-point-level scores per tag and overall (micro over tags). Orphans are left out.
pub fn character_scores(key: &[Annotation], attempt: &[Annotation]) -> ScoreCard {
    let key_coverage = coverage_by_tag(key);
    let attempt_coverage = coverage_by_tag(attempt);
    let mut per_tag: BTreeMap<&TagId, Counts> = BTreeMap::new();
    let no_ranges = Vec::new();
    for tag in key_coverage.keys().chain(attempt_coverage.keys()) {
        if per_tag.contains_key(tag) {
            continue;
        }
        let key_ranges = key_coverage.get(tag).unwrap_or(&no_ranges);
        let attempt_ranges = attempt_coverage.get(tag).unwrap_or(&no_ranges);
        let both = covered_by_both(key_ranges, attempt_ranges);
        per_tag.insert(
            tag,
            Counts {
                hits: both,
                misses: total_length(key_ranges) - both,
                extras: total_length(attempt_ranges) - both,
            },
        );
    }
    card_from_counts(per_tag)
}

/// Per tag, the union of the tag's spans as sorted, disjoint, non-empty ranges.
pub(crate) fn coverage_by_tag(annotations: &[Annotation]) -> BTreeMap<&TagId, Vec<TextRange>> {
    let mut by_tag: BTreeMap<&TagId, Vec<TextRange>> = BTreeMap::new();
    for annotation in annotations
        .iter()
        .filter(|a| !a.is_orphan() && !a.range.is_empty())
    {
        by_tag
            .entry(&annotation.tag)
            .or_default()
            .push(annotation.range);
    }
    for ranges in by_tag.values_mut() {
        *ranges = merge_ranges(std::mem::take(ranges));
    }
    by_tag
}

/// Sorts and merges overlapping or touching ranges.
pub(crate) fn merge_ranges(mut ranges: Vec<TextRange>) -> Vec<TextRange> {
    sorting::sort(&mut ranges);
    let mut merged: Vec<TextRange> = Vec::with_capacity(ranges.len());
    for range in ranges {
        match merged.last_mut() {
            Some(last) if range.start() <= last.end() => {
                let joined = TextRange::new(last.start(), range.end().max(last.end()));
                if let Ok(joined) = joined {
                    *last = joined;
                }
            }
            _ => merged.push(range),
        }
    }
    merged
}

fn total_length(ranges: &[TextRange]) -> usize {
    ranges.iter().map(TextRange::len).sum()
}

/// Code points inside both lists of sorted disjoint ranges (a two-pointer walk).
fn covered_by_both(first: &[TextRange], second: &[TextRange]) -> usize {
    let (mut i, mut j, mut shared) = (0, 0, 0);
    while let (Some(a), Some(b)) = (first.get(i), second.get(j)) {
        shared += a.overlap(b);
        if a.end() <= b.end() {
            i += 1;
        } else {
            j += 1;
        }
    }
    shared
}
