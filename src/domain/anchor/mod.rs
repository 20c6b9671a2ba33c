//! Placing annotations in a document's text: the one step every importer shares, and what
//! runs again when the person replaces a document's text with a corrected version.
//!
//! Files carry offsets that may be in the wrong unit or made on a slightly different text,
//! and quotes that may occur twice. Following Hypothesis's re-anchoring order, each candidate
//! is tried:
//! 1. at its position (in the unit the quotes show the file really used, see [`units`]), if
//!    the text there is its quote → [`AnchorStatus::Exact`];
//! 2. at another exact occurrence of its quote, best context first, nearest as tiebreak →
//!    [`AnchorStatus::Moved`] (a tie nothing breaks is *ambiguous* and is not guessed);
//!    Then at the quote's words with other whitespace between them (a collapsed or
//!    reflowed quote, as Recogito and scrapers write) → [`AnchorStatus::Moved`], within a
//!    per-import work budget (what it cannot reach is orphaned, and counted in one warning);
//! 3. at an approximate match scoring at least [`FUZZY_THRESHOLD`] → [`AnchorStatus::Fuzzy`];
//! 4. nowhere: it is kept as [`AnchorStatus::Orphaned`] with its last known quote and an
//!    empty range, so the person can review it. Nothing with a quote is ever dropped.
//!
//! Only a candidate with neither a quote nor a usable position is rejected: there is nothing
//! to place and nothing to show.

mod fuzzy;
mod grams;
mod quote;
mod relations;
mod report;
pub mod unit_evidence;
mod units;
mod whitespace;

pub use fuzzy::{FUZZY_THRESHOLD, MAX_ERROR_RATE};
pub use report::{OrphanReason, PlacementCounts, RejectReason};

use crate::domain::annotation::{AnchorStatus, Annotation, AnnotationId, Relation};
use crate::domain::import::{CandidateAnnotation, ImportBatch, OffsetUnit, Problem};
use crate::domain::tag::TagId;
use crate::domain::text::{Text, TextRange};
use fuzzy::{FuzzySearch, WorkBudget};
use grams::QuoteFinder;
use quote::{ExactSearch, Expectation};
use std::collections::{BTreeMap, BTreeSet};
use whitespace::{Reflowed, WhitespaceBudget};

/// The result of placing one import batch in a text.
#[derive(Clone, Debug, PartialEq)]
pub struct Placement {
    /// Every candidate that had something to place, orphans included, in file order.
    pub annotations: Vec<Annotation>,
    /// The batch's relations whose both ends were placed, pointing at the placed ids.
    pub relations: Vec<Relation>,
    /// The unit the offsets were read in.
    pub unit_used: OffsetUnit,
    /// Set when the offsets were not in the unit the file declared (or, undeclared, not
    /// code points), for the person to read: "offsets looked like UTF-16 units; converted".
    pub unit_note: Option<String>,
    pub problems: Vec<Problem>,
    pub counts: PlacementCounts,
}

/// Where one candidate ends up.
#[derive(Clone, Debug, PartialEq)]
enum Located {
    Placed(TextRange, AnchorStatus),
    Orphaned(OrphanReason),
    Rejected(RejectReason),
}

/// What placing needs to know about one candidate, whatever it came from.
struct Target<'a> {
    /// The start and end in the chosen unit, if both were given.
    position: Option<(usize, usize)>,
    /// The old start in code points, as near as it can be told.
    hint: Option<usize>,
    /// A non-empty quote.
    quote: Option<&'a str>,
    prefix: &'a str,
    suffix: &'a str,
}

impl<'a> Target<'a> {
    fn from_candidate(text: &Text, unit: OffsetUnit, candidate: &'a CandidateAnnotation) -> Self {
        Target {
            position: candidate.start.zip(candidate.end),
            hint: candidate
                .start
                .map(|start| units::approximate_code_point(text, unit, start)),
            quote: candidate.quote.as_deref().filter(|quote| !quote.is_empty()),
            prefix: candidate.prefix.as_deref().unwrap_or(""),
            suffix: candidate.suffix.as_deref().unwrap_or(""),
        }
    }
}

/// What placing shares across one batch: the text's quote finder and the work budgets.
struct Search<'a> {
    finder: QuoteFinder<'a>,
    budget: WorkBudget,
    whitespace: WhitespaceBudget,
}

impl<'a> Search<'a> {
    fn new(text: &'a Text) -> Self {
        Search {
            finder: QuoteFinder::new(text.as_str()),
            budget: WorkBudget::for_one_import(),
            whitespace: WhitespaceBudget::for_one_import(),
        }
    }
}

fn locate(text: &Text, unit: OffsetUnit, target: &Target, search: &mut Search) -> Located {
    let range = target
        .position
        .map(|(start, end)| units::range_in(text, unit, start, end));
    let Some(quote) = target.quote else {
        return match range {
            None => Located::Rejected(RejectReason::NothingToPlace),
            Some(Err(error)) => Located::Rejected(RejectReason::UnusableOffsets(error)),
            Some(Ok(range)) if range.is_empty() => Located::Rejected(RejectReason::EmptySpan),
            Some(Ok(range)) => Located::Placed(range, AnchorStatus::Exact),
        };
    };
    if let Some(Ok(range)) = range
        && text.slice(range).is_ok_and(|found| found == quote)
    {
        return Located::Placed(range, AnchorStatus::Exact);
    }
    let expectation = Expectation {
        quote,
        prefix: target.prefix,
        suffix: target.suffix,
        hint: target.hint,
    };
    match quote::find_exact(text, &search.finder, &expectation) {
        ExactSearch::Found(range) => return Located::Placed(range, AnchorStatus::Moved),
        ExactSearch::Ambiguous { occurrences } => {
            return Located::Orphaned(OrphanReason::Ambiguous {
                places: occurrences,
            });
        }
        ExactSearch::TooCommon { occurrences } => {
            return Located::Orphaned(OrphanReason::TooCommon { occurrences });
        }
        ExactSearch::Absent => {}
    }
    // The same words with other whitespace between them (a collapsed or reflowed quote).
    let reflowed = match whitespace::find(text, quote, &mut search.whitespace) {
        Reflowed::Found(found) => found,
        Reflowed::OutOfBudget => {
            return Located::Orphaned(OrphanReason::WhitespaceBudgetUsedUp);
        }
    };
    match reflowed.as_slice() {
        [] => {}
        [only] => return Located::Placed(*only, AnchorStatus::Moved),
        several => {
            let nearest = target.hint.and_then(|hint| {
                let distance = |range: &TextRange| range.start().0.abs_diff(hint);
                let best = several.iter().map(distance).min()?;
                let mut at_best = several.iter().filter(|r| distance(r) == best);
                match (at_best.next(), at_best.next()) {
                    (Some(range), None) => Some(*range),
                    _ => None,
                }
            });
            return match nearest {
                Some(range) => Located::Placed(range, AnchorStatus::Moved),
                None => Located::Orphaned(OrphanReason::Ambiguous {
                    places: several.len(),
                }),
            };
        }
    }
    match fuzzy::find_approximate(text, &expectation, &mut search.budget) {
        FuzzySearch::Found { range, score } => Located::Placed(range, AnchorStatus::Fuzzy(score)),
        FuzzySearch::Ambiguous { places, .. } => {
            Located::Orphaned(OrphanReason::Ambiguous { places })
        }
        FuzzySearch::Weak { score } => Located::Orphaned(OrphanReason::TooDifferent { score }),
        FuzzySearch::Absent => Located::Orphaned(OrphanReason::QuoteNotFound),
        FuzzySearch::QuoteTooShort => {
            Located::Orphaned(OrphanReason::QuoteTooShortForApproximateSearch)
        }
        FuzzySearch::QuoteTooLong => {
            Located::Orphaned(OrphanReason::QuoteTooLongForApproximateSearch)
        }
        FuzzySearch::OutOfBudget => Located::Orphaned(OrphanReason::SearchBudgetUsedUp),
    }
}

/// The parts of an annotation that placing carries over unchanged.
struct Carried<'a> {
    id: AnnotationId,
    tag: TagId,
    quote: &'a str,
    prefix: &'a str,
    suffix: &'a str,
    note: &'a str,
    attributes: BTreeMap<String, String>,
    creator: String,
    created: &'a str,
    modified: &'a str,
}

/// The annotation for a placed range (context re-captured from the text), or an orphan.
fn build(text: &Text, carried: Carried, placed: Option<(TextRange, AnchorStatus)>) -> Annotation {
    let fresh = placed.and_then(|(range, status)| {
        let annotation = Annotation::new(carried.id.clone(), carried.tag.clone(), text, range, "");
        annotation.ok().map(|annotation| Annotation {
            anchor: status,
            ..annotation
        })
    });
    let base = fresh.unwrap_or_else(|| Annotation {
        id: carried.id,
        tag: carried.tag,
        range: TextRange::default(),
        quote: carried.quote.to_string(),
        prefix: carried.prefix.to_string(),
        suffix: carried.suffix.to_string(),
        note: String::new(),
        attributes: BTreeMap::new(),
        creator: String::new(),
        created: String::new(),
        modified: String::new(),
        anchor: AnchorStatus::Orphaned,
    });
    Annotation {
        note: carried.note.to_string(),
        attributes: carried.attributes,
        creator: carried.creator,
        created: carried.created.to_string(),
        modified: carried.modified.to_string(),
        ..base
    }
}

fn count(counts: &mut PlacementCounts, located: &Located) {
    match located {
        Located::Placed(_, AnchorStatus::Exact) => counts.exact += 1,
        Located::Placed(_, AnchorStatus::Moved) => counts.moved += 1,
        Located::Placed(_, AnchorStatus::Fuzzy(_)) => counts.fuzzy += 1,
        Located::Placed(_, AnchorStatus::Orphaned) | Located::Orphaned(_) => counts.orphaned += 1,
        Located::Rejected(_) => counts.rejected += 1,
    }
}

fn location_of(candidate: &CandidateAnnotation, number: usize) -> String {
    match (&candidate.location, &candidate.id) {
        (location, _) if !location.is_empty() => location.clone(),
        (_, Some(id)) => format!("annotation {id}"),
        _ => format!("annotation #{}", number + 1),
    }
}

/// What the person is told about an annotation placed away from its offsets (moved) or
/// approximately (fuzzy): every such one is named, so none sits on other characters unsaid.
fn placed_elsewhere(
    text: &Text,
    unit: OffsetUnit,
    target: &Target,
    range: TextRange,
    status: &AnchorStatus,
) -> Option<String> {
    let was = match target.position {
        Some((start, end)) => match units::range_in(text, unit, start, end) {
            Ok(old) => format!(" instead of {}-{}", old.start().0, old.end().0),
            Err(_) => " (its offsets do not fit this text)".to_string(),
        },
        None => String::new(),
    };
    let at = format!("{}-{}", range.start().0, range.end().0);
    match status {
        AnchorStatus::Moved if target.position.is_some() => {
            Some(format!("moved: found by its quote at {at}{was}"))
        }
        AnchorStatus::Fuzzy(score) => Some(format!(
            "fuzzy: placed approximately at {at}{was} (score {score:.2}); listed in Needs review"
        )),
        _ => None,
    }
}

/// Places every candidate of `batch` in `text`. Ids missing from the batch (or used twice)
/// come from `new_id`; `now` fills missing creation and modification times.
pub fn place(
    text: &Text,
    batch: &ImportBatch,
    new_id: &mut dyn FnMut() -> String,
    now: &str,
) -> Placement {
    let unit_choice = units::choose_unit(text, batch.offset_unit, &batch.annotations);
    let unit = unit_choice.unit;
    let mut search = Search::new(text);
    let mut placement = Placement {
        annotations: Vec::new(),
        relations: Vec::new(),
        unit_used: unit,
        unit_note: unit_choice.note,
        problems: Vec::new(),
        counts: PlacementCounts::default(),
    };
    let mut placed_ids: BTreeMap<&str, AnnotationId> = BTreeMap::new();
    let mut used_ids: BTreeSet<String> = BTreeSet::new();
    let mut rejected_ids: BTreeSet<&str> = BTreeSet::new();
    let mut left_by_whitespace_cap = 0;
    for (number, candidate) in batch.annotations.iter().enumerate() {
        let location = location_of(candidate, number);
        let target = Target::from_candidate(text, unit, candidate);
        let located = locate(text, unit, &target, &mut search);
        count(&mut placement.counts, &located);
        let placed = match located {
            Located::Rejected(reason) => {
                placement
                    .problems
                    .push(Problem::error(&location, reason.to_string()));
                rejected_ids.extend(candidate.id.as_deref());
                continue;
            }
            Located::Orphaned(reason) => {
                if reason == OrphanReason::WhitespaceBudgetUsedUp {
                    left_by_whitespace_cap += 1;
                }
                placement
                    .problems
                    .push(Problem::warning(&location, reason.to_string()));
                None
            }
            Located::Placed(range, status) => {
                if let Some(message) = placed_elsewhere(text, unit, &target, range, &status) {
                    placement
                        .problems
                        .push(Problem::warning(&location, message));
                }
                Some((range, status))
            }
        };
        let id = match &candidate.id {
            Some(id) if !used_ids.contains(id) => id.clone(),
            duplicate => {
                let fresh = new_id();
                if let Some(duplicate) = duplicate {
                    placement.problems.push(Problem::warning(
                        &location,
                        format!("the id {duplicate} is used twice; this one is now {fresh}, and relations point to the first"),
                    ));
                }
                fresh
            }
        };
        used_ids.insert(id.clone());
        if let Some(file_id) = candidate.id.as_deref() {
            placed_ids
                .entry(file_id)
                .or_insert_with(|| AnnotationId(id.clone()));
        }
        let (creator, attributes) = candidate.creator_and_attributes();
        let carried = Carried {
            id: AnnotationId(id),
            tag: TagId(candidate.tag.clone()),
            quote: target.quote.unwrap_or(""),
            prefix: target.prefix,
            suffix: target.suffix,
            note: &candidate.note,
            attributes,
            creator,
            created: candidate.created.as_deref().unwrap_or(now),
            modified: candidate
                .modified
                .as_deref()
                .or(candidate.created.as_deref())
                .unwrap_or(now),
        };
        placement.annotations.push(build(text, carried, placed));
    }
    if left_by_whitespace_cap > 0 {
        placement.problems.push(Problem::warning(
            "",
            format!(
                "{left_by_whitespace_cap} {} left for review: the work this import may spend \
                 finding quotes with other whitespace was used up (import fewer annotations at \
                 a time, or attach them by hand)",
                if left_by_whitespace_cap == 1 {
                    "annotation was"
                } else {
                    "annotations were"
                }
            ),
        ));
    }
    relations::place_relations(
        batch,
        &placed_ids,
        &rejected_ids,
        new_id,
        &mut placement.relations,
        &mut placement.problems,
    );
    placement
}

/// Finds `annotations` again in `text`, a corrected version of the text they were made on,
/// using each one's old range as the position hint. Ids, tags, notes, attributes and times
/// are kept; every annotation comes back, those that cannot be found as orphans.
pub fn reanchor(text: &Text, annotations: &[Annotation]) -> Vec<Annotation> {
    let mut search = Search::new(text);
    annotations
        .iter()
        .map(|annotation| {
            let position =
                (!annotation.is_orphan()).then_some((annotation.start().0, annotation.end().0));
            let target = Target {
                position,
                hint: position.map(|(start, _)| start.min(text.len())),
                quote: Some(annotation.quote.as_str()).filter(|quote| !quote.is_empty()),
                prefix: &annotation.prefix,
                suffix: &annotation.suffix,
            };
            let placed = match locate(text, OffsetUnit::CodePoint, &target, &mut search) {
                Located::Placed(range, status) => Some((range, status)),
                Located::Orphaned(_) | Located::Rejected(_) => None,
            };
            let carried = Carried {
                id: annotation.id.clone(),
                tag: annotation.tag.clone(),
                quote: &annotation.quote,
                prefix: &annotation.prefix,
                suffix: &annotation.suffix,
                note: &annotation.note,
                attributes: annotation.attributes.clone(),
                creator: annotation.creator.clone(),
                created: &annotation.created,
                modified: &annotation.modified,
            };
            build(text, carried, placed)
        })
        .collect()
}
