//! Pairing a student's spans with the answer key's spans.
//!
//! A student span *matches* a key span when both carry the same tag and their overlap divided
//! by their union (intersection over union, IoU, counted in code points) reaches a threshold
//! (0.5 by default). In strict mode only identical boundaries match.
//!
//! Matching is one-to-one, best overlap first: every candidate pair is sorted by IoU
//! (highest first; ties by the key span's position, then the attempt span's position, then
//! their ids) and taken greedily while neither side is used yet. So a student who marks the
//! same span twice gets one hit and one extra, and one long student span cannot collect
//! credit for several key spans.
//!
//! Candidates come from a sweep over spans sorted by start, per tag: only spans that really
//! overlap are ever compared, so a class of 40 attempts of a few hundred spans each is
//! instant. Orphaned annotations have no place in the text and zero-length spans cover
//! nothing; both are left out and counted, so the teacher can see them.

use crate::domain::annotation::{Annotation, AnnotationId};
use crate::domain::sorting;
use crate::domain::tag::TagId;
use crate::domain::text::TextRange;
use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap};

/// The IoU a pair needs by default.
pub const DEFAULT_THRESHOLD: f64 = 0.5;

/// When a student span counts as finding a key span of the same tag.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum MatchRule {
    /// Overlap / union must be at least `threshold`, which lies in `(0, 1]`.
    Overlap { threshold: f64 },
    /// The boundaries must be identical.
    Strict,
}

impl Default for MatchRule {
    fn default() -> Self {
        MatchRule::Overlap {
            threshold: DEFAULT_THRESHOLD,
        }
    }
}

impl MatchRule {
    /// An overlap rule; a threshold outside `(0, 1]` is clamped into it (NaN gives the default),
    /// because a threshold of 0 would let spans that do not touch match.
    pub fn overlap(threshold: f64) -> Self {
        let threshold = if threshold.is_nan() {
            DEFAULT_THRESHOLD
        } else {
            threshold.clamp(f64::EPSILON, 1.0)
        };
        MatchRule::Overlap { threshold }
    }

    /// The rule in words for teachers and students, e.g. "overlap by at least 50% of the
    /// text the two spans cover together".
    pub fn describe(&self) -> String {
        match self {
            MatchRule::Strict => "start and end at exactly the same characters".to_string(),
            MatchRule::Overlap { threshold } => format!(
                "overlap by at least {:.0}% of the text the two spans cover together",
                threshold * 100.0
            ),
        }
    }

    fn accepts(&self, key: TextRange, attempt: TextRange) -> Option<f64> {
        match self {
            MatchRule::Strict => (key == attempt).then_some(1.0),
            MatchRule::Overlap { threshold } => {
                let iou = intersection_over_union(key, attempt);
                // A rule built by hand may hold a threshold of 0 or NaN: never match disjoint spans.
                (iou > 0.0 && iou >= *threshold).then_some(iou)
            }
        }
    }
}

/// Overlap / union in code points; identical ranges (even empty ones) give 1, disjoint ones 0.
pub fn intersection_over_union(a: TextRange, b: TextRange) -> f64 {
    if a == b {
        return 1.0;
    }
    let overlap = a.overlap(&b);
    let union = a.len() + b.len() - overlap;
    if union == 0 {
        return 0.0;
    }
    overlap as f64 / union as f64
}

/// One annotation as the matching saw it; `index` is its position in the slice given.
#[derive(Clone, Debug, PartialEq)]
pub struct MatchedSpan {
    pub index: usize,
    pub id: AnnotationId,
    pub tag: TagId,
    pub range: TextRange,
}

impl MatchedSpan {
    fn of(index: usize, annotation: &Annotation) -> Self {
        MatchedSpan {
            index,
            id: annotation.id.clone(),
            tag: annotation.tag.clone(),
            range: annotation.range,
        }
    }
}

/// A key span the student found, with how well the boundaries agree.
#[derive(Clone, Debug, PartialEq)]
pub struct Hit {
    pub key: MatchedSpan,
    pub attempt: MatchedSpan,
    pub iou: f64,
}

/// Annotations left out of the matching, and why.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Ignored {
    /// Orphaned: no place in this text.
    pub orphaned: usize,
    /// Zero length: covers no character.
    pub empty: usize,
}

impl Ignored {
    pub fn total(&self) -> usize {
        self.orphaned + self.empty
    }
}

/// The outcome of matching one attempt against the key.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Matching {
    /// In the order taken: best IoU first.
    pub hits: Vec<Hit>,
    /// Key spans nobody matched, in text order.
    pub misses: Vec<MatchedSpan>,
    /// Attempt spans that matched nothing, in text order.
    pub extras: Vec<MatchedSpan>,
    pub ignored_in_key: Ignored,
    pub ignored_in_attempt: Ignored,
}

/// Indices of the annotations that take part, grouped by tag, each group sorted by range.
fn usable_by_tag(annotations: &[Annotation]) -> (BTreeMap<&TagId, Vec<usize>>, Ignored) {
    let mut by_tag: BTreeMap<&TagId, Vec<usize>> = BTreeMap::new();
    let mut ignored = Ignored::default();
    for (index, annotation) in annotations.iter().enumerate() {
        if annotation.is_orphan() {
            ignored.orphaned += 1;
        } else if annotation.range.is_empty() {
            ignored.empty += 1;
        } else {
            by_tag.entry(&annotation.tag).or_default().push(index);
        }
    }
    for indices in by_tag.values_mut() {
        sorting::sort_by(indices, |&a, &b| {
            by_position(&annotations[a], &annotations[b])
        });
    }
    (by_tag, ignored)
}

fn by_position(a: &Annotation, b: &Annotation) -> Ordering {
    a.range.cmp(&b.range).then_with(|| a.id.cmp(&b.id))
}

struct Candidate {
    key: usize,
    attempt: usize,
    iou: f64,
}

/// Every (key, attempt) pair of one tag whose spans overlap, found by a sweep over starts.
/// Both index lists are sorted by range; each overlapping pair is produced exactly once, when
/// its later-starting span arrives and meets the other, still open, span.
fn overlapping_pairs(
    key: &[Annotation],
    attempt: &[Annotation],
    key_indices: &[usize],
    attempt_indices: &[usize],
    out: &mut Vec<(usize, usize)>,
) {
    let mut open_key: Vec<usize> = Vec::new();
    let mut open_attempt: Vec<usize> = Vec::new();
    let (mut next_key, mut next_attempt) = (0, 0);
    loop {
        let key_next = key_indices.get(next_key).map(|&i| (i, key[i].range));
        let attempt_next = attempt_indices
            .get(next_attempt)
            .map(|&i| (i, attempt[i].range));
        let take_key = match (key_next, attempt_next) {
            (None, None) => break,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (Some((_, k)), Some((_, a))) => k.start() <= a.start(),
        };
        if take_key {
            let Some((index, range)) = key_next else {
                break;
            };
            open_attempt.retain(|&a| attempt[a].range.end() > range.start());
            out.extend(open_attempt.iter().map(|&a| (index, a)));
            open_key.push(index);
            next_key += 1;
        } else {
            let Some((index, range)) = attempt_next else {
                break;
            };
            open_key.retain(|&k| key[k].range.end() > range.start());
            out.extend(open_key.iter().map(|&k| (k, index)));
            open_attempt.push(index);
            next_attempt += 1;
        }
    }
}

/// Matches `attempt` against `key` under `rule`. Both lists are over the same text.
pub fn match_attempt(key: &[Annotation], attempt: &[Annotation], rule: MatchRule) -> Matching {
    let (key_by_tag, ignored_in_key) = usable_by_tag(key);
    let (attempt_by_tag, ignored_in_attempt) = usable_by_tag(attempt);

    let mut candidates: Vec<Candidate> = Vec::new();
    let mut pairs: Vec<(usize, usize)> = Vec::new();
    let no_spans: Vec<usize> = Vec::new();
    for (tag, key_indices) in &key_by_tag {
        let attempt_indices = attempt_by_tag.get(tag).unwrap_or(&no_spans);
        pairs.clear();
        match rule {
            MatchRule::Strict => {
                identical_pairs(key, attempt, key_indices, attempt_indices, &mut pairs)
            }
            MatchRule::Overlap { .. } => {
                overlapping_pairs(key, attempt, key_indices, attempt_indices, &mut pairs)
            }
        }
        for &(k, a) in &pairs {
            if let Some(iou) = rule.accepts(key[k].range, attempt[a].range) {
                candidates.push(Candidate {
                    key: k,
                    attempt: a,
                    iou,
                });
            }
        }
    }
    sorting::sort_by(&mut candidates, |x, y| {
        y.iou
            .total_cmp(&x.iou)
            .then_with(|| by_position(&key[x.key], &key[y.key]))
            .then_with(|| by_position(&attempt[x.attempt], &attempt[y.attempt]))
    });

    let mut key_used = vec![false; key.len()];
    let mut attempt_used = vec![false; attempt.len()];
    let mut hits = Vec::new();
    for candidate in candidates {
        let (Some(key_taken), Some(attempt_taken)) = (
            key_used.get(candidate.key),
            attempt_used.get(candidate.attempt),
        ) else {
            continue;
        };
        if *key_taken || *attempt_taken {
            continue;
        }
        key_used[candidate.key] = true;
        attempt_used[candidate.attempt] = true;
        hits.push(Hit {
            key: MatchedSpan::of(candidate.key, &key[candidate.key]),
            attempt: MatchedSpan::of(candidate.attempt, &attempt[candidate.attempt]),
            iou: candidate.iou,
        });
    }

    Matching {
        hits,
        misses: unused_in_text_order(key, &key_by_tag, &key_used),
        extras: unused_in_text_order(attempt, &attempt_by_tag, &attempt_used),
        ignored_in_key,
        ignored_in_attempt,
    }
}

/// Strict mode needs no sweep: pairs are exactly the spans with equal ranges.
fn identical_pairs(
    key: &[Annotation],
    attempt: &[Annotation],
    key_indices: &[usize],
    attempt_indices: &[usize],
    out: &mut Vec<(usize, usize)>,
) {
    let mut attempt_by_range: HashMap<TextRange, Vec<usize>> = HashMap::new();
    for &a in attempt_indices {
        attempt_by_range
            .entry(attempt[a].range)
            .or_default()
            .push(a);
    }
    for &k in key_indices {
        if let Some(same) = attempt_by_range.get(&key[k].range) {
            out.extend(same.iter().map(|&a| (k, a)));
        }
    }
}

fn unused_in_text_order(
    annotations: &[Annotation],
    by_tag: &BTreeMap<&TagId, Vec<usize>>,
    used: &[bool],
) -> Vec<MatchedSpan> {
    let mut unused: Vec<usize> = by_tag
        .values()
        .flatten()
        .copied()
        .filter(|&i| !used.get(i).copied().unwrap_or(false))
        .collect();
    sorting::sort_by(&mut unused, |&a, &b| {
        by_position(&annotations[a], &annotations[b])
    });
    unused
        .into_iter()
        .map(|i| MatchedSpan::of(i, &annotations[i]))
        .collect()
}
