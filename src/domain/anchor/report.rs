//! What placing tells the person: how many annotations ended up where, and why one could not
//! be placed (each reason a sentence saying what happened to the annotation).

use crate::domain::anchor::fuzzy::FUZZY_THRESHOLD;
use crate::domain::text::OffsetError;
use std::fmt;

/// How many candidates ended up in each state.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PlacementCounts {
    pub exact: usize,
    pub moved: usize,
    pub fuzzy: usize,
    pub orphaned: usize,
    pub rejected: usize,
}

/// Why a candidate could not be found in the text (it is kept as an orphan).
#[derive(Clone, Debug, PartialEq)]
pub enum OrphanReason {
    /// Neither the quote nor anything close enough to it is in the text.
    QuoteNotFound,
    /// The quote occurs this many times with equally good context and none is nearer to
    /// the old position, so choosing one would be a guess.
    Ambiguous { places: usize },
    /// The quote occurs this many times, too many to compare, and there is no position.
    TooCommon { occurrences: usize },
    /// The closest approximate match scored below [`FUZZY_THRESHOLD`].
    TooDifferent { score: f64 },
    /// The quote is too short to be looked for approximately, and is not in the text as is.
    QuoteTooShortForApproximateSearch,
    /// The quote is too long to be looked for approximately, and is not in the text as is.
    QuoteTooLongForApproximateSearch,
    /// The import's time budget for approximate search was used up before this one.
    SearchBudgetUsedUp,
    /// The import's work budget for finding quotes with other whitespace was used up before
    /// this one's search was complete.
    WhitespaceBudgetUsedUp,
}

impl fmt::Display for OrphanReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OrphanReason::QuoteNotFound => {
                write!(
                    f,
                    "its quote is not in this text; kept as an orphan for review"
                )
            }
            OrphanReason::Ambiguous { places } => write!(
                f,
                "ambiguous: its quote occurs {places} times with the same surrounding text and \
                 no position tells them apart; kept as an orphan, attach it by hand"
            ),
            OrphanReason::TooCommon { occurrences } => write!(
                f,
                "ambiguous: its quote occurs {occurrences} times and no position tells them \
                 apart; kept as an orphan, attach it by hand"
            ),
            OrphanReason::TooDifferent { score } => write!(
                f,
                "the closest passage differs too much (score {score:.2}, at least \
                 {FUZZY_THRESHOLD:.2} needed); kept as an orphan for review"
            ),
            OrphanReason::QuoteTooShortForApproximateSearch => write!(
                f,
                "its quote is not in this text and is too short to be looked for approximately; \
                 kept as an orphan for review"
            ),
            OrphanReason::QuoteTooLongForApproximateSearch => write!(
                f,
                "its quote is not in this text and is too long to be looked for approximately; \
                 kept as an orphan for review"
            ),
            OrphanReason::WhitespaceBudgetUsedUp => write!(
                f,
                "its quote is not in this text as is, and the work this import may spend \
                 finding quotes with other whitespace was used up; kept as an orphan for review"
            ),
            OrphanReason::SearchBudgetUsedUp => write!(
                f,
                "its quote is not in this text as is, and the time allowed for approximate search \
                 in this import was used up; kept as an orphan for review"
            ),
        }
    }
}

/// Why a candidate has nothing to place (it is dropped, with an error problem).
#[derive(Clone, Debug, PartialEq)]
pub enum RejectReason {
    /// No quote, and no start and end.
    NothingToPlace,
    /// No quote, and the offsets do not fit the text.
    UnusableOffsets(OffsetError),
    /// No quote, and the offsets cover no text.
    EmptySpan,
}

impl fmt::Display for RejectReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RejectReason::NothingToPlace => {
                write!(
                    f,
                    "the annotation has neither a quote nor a start and end; skipped"
                )
            }
            RejectReason::UnusableOffsets(error) => {
                write!(
                    f,
                    "the annotation has no quote and its offsets do not fit the text ({error}); skipped"
                )
            }
            RejectReason::EmptySpan => {
                write!(f, "the annotation has no quote and covers no text; skipped")
            }
        }
    }
}
