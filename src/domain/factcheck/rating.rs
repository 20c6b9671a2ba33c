//! The verdict scale: which verdicts a library uses, and the number each maps to.
//!
//! Every organisation has its own scale, so it is data, stored per library by the UI. Claims
//! store the verdict's `id` (attribute `verdict`), never its label, so a label can be reworded
//! without touching annotations.
//!
//! Numbers follow schema.org `Rating`: the best verdict has the highest `ratingValue`. The
//! default scale is True 5, Mostly true 4, Half true 3, Mostly false 2, False 1, plus two
//! verdicts that are not a point on the true–false line:
//! - Misleading = 2: the facts may be right but the impression is false, which weighs like
//!   "mostly false" for a reader;
//! - Unverifiable has no number. Google requires only the textual `alternateName` of a
//!   `ClaimReview` rating, so such a verdict is exported with its label and without
//!   `ratingValue`, `bestRating` and `worstRating` (a number would claim a position on a scale
//!   the check could not establish).

use crate::domain::sorting;
use std::collections::BTreeSet;
use std::fmt;

/// One verdict of a scale.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rating {
    /// What claims store; letters, digits, `-` and `_`.
    pub id: String,
    /// What people read, and what `ClaimReview` exports as `alternateName`.
    pub label: String,
    /// Its place on the scale (higher is better), or `None` for a verdict off the scale.
    pub value: Option<u32>,
}

impl Rating {
    pub fn new(id: &str, label: &str, value: Option<u32>) -> Self {
        Rating {
            id: id.to_string(),
            label: label.to_string(),
            value,
        }
    }
}

/// A validated list of verdicts: ids unique and well formed, labels present and unique, and at
/// least two different numbers so that best and worst differ.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RatingScale {
    ratings: Vec<Rating>,
    best: u32,
    worst: u32,
}

/// Why a list of verdicts is not a usable scale.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RatingScaleError {
    /// The verdict at this position (counting from 1) has no id.
    EmptyId {
        position: usize,
    },
    BadId {
        id: String,
    },
    DuplicateId {
        id: String,
    },
    EmptyLabel {
        id: String,
    },
    DuplicateLabel {
        label: String,
    },
    /// Fewer than two different numbers: there is no best and worst.
    TooFewRatedValues {
        distinct_values: usize,
    },
}

impl fmt::Display for RatingScaleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RatingScaleError::EmptyId { position } => {
                write!(f, "verdict number {position} needs an id")
            }
            RatingScaleError::BadId { id } => write!(
                f,
                "verdict id \"{id}\" may only use letters, digits, '-' and '_' (at most 40)"
            ),
            RatingScaleError::DuplicateId { id } => {
                write!(f, "two verdicts have the id \"{id}\"; give each its own")
            }
            RatingScaleError::EmptyLabel { id } => write!(f, "verdict \"{id}\" needs a name"),
            RatingScaleError::DuplicateLabel { label } => {
                write!(
                    f,
                    "two verdicts are named \"{label}\"; readers could not tell them apart"
                )
            }
            RatingScaleError::TooFewRatedValues { distinct_values } => write!(
                f,
                "a scale needs at least two verdicts with different numbers, it has {distinct_values}"
            ),
        }
    }
}

impl std::error::Error for RatingScaleError {}

impl Default for RatingScale {
    fn default() -> Self {
        let ratings = vec![
            Rating::new("true", "True", Some(5)),
            Rating::new("mostly-true", "Mostly true", Some(4)),
            Rating::new("half-true", "Half true", Some(3)),
            Rating::new("mostly-false", "Mostly false", Some(2)),
            Rating::new("false", "False", Some(1)),
            Rating::new("misleading", "Misleading", Some(2)),
            Rating::new("unverifiable", "Unverifiable", None),
        ];
        RatingScale {
            ratings,
            best: 5,
            worst: 1,
        }
    }
}

impl RatingScale {
    /// A scale from `ratings` in the order given (the order the UI lists them), or every
    /// problem found, in order.
    pub fn new(ratings: Vec<Rating>) -> Result<Self, Vec<RatingScaleError>> {
        let mut errors = Vec::new();
        let mut ids = BTreeSet::new();
        let mut labels = BTreeSet::new();
        for (index, rating) in ratings.iter().enumerate() {
            if rating.id.is_empty() {
                errors.push(RatingScaleError::EmptyId {
                    position: index + 1,
                });
            } else if !is_valid_rating_id(&rating.id) {
                errors.push(RatingScaleError::BadId {
                    id: rating.id.clone(),
                });
            } else if !ids.insert(rating.id.as_str()) {
                errors.push(RatingScaleError::DuplicateId {
                    id: rating.id.clone(),
                });
            }
            let label = rating.label.trim();
            if label.is_empty() {
                errors.push(RatingScaleError::EmptyLabel {
                    id: rating.id.clone(),
                });
            } else if !labels.insert(label.to_lowercase()) {
                errors.push(RatingScaleError::DuplicateLabel {
                    label: label.to_string(),
                });
            }
        }
        let values: BTreeSet<u32> = sorting::set_of(ratings.iter().filter_map(|r| r.value));
        let (worst, best) = match (values.first(), values.last()) {
            (Some(worst), Some(best)) if values.len() >= 2 => (*worst, *best),
            _ => {
                errors.push(RatingScaleError::TooFewRatedValues {
                    distinct_values: values.len(),
                });
                (0, 0)
            }
        };
        if errors.is_empty() {
            Ok(RatingScale {
                ratings,
                best,
                worst,
            })
        } else {
            Err(errors)
        }
    }

    pub fn ratings(&self) -> &[Rating] {
        &self.ratings
    }

    pub fn get(&self, id: &str) -> Option<&Rating> {
        self.ratings.iter().find(|r| r.id == id)
    }

    /// The highest number on the scale (schema.org `bestRating`).
    pub fn best_rating(&self) -> u32 {
        self.best
    }

    /// The lowest number on the scale (schema.org `worstRating`).
    pub fn worst_rating(&self) -> u32 {
        self.worst
    }

    /// The position of verdict `id` in the scale's own order, for sorting by the order the
    /// library chose.
    pub fn position(&self, id: &str) -> Option<usize> {
        self.ratings.iter().position(|r| r.id == id)
    }
}

fn is_valid_rating_id(id: &str) -> bool {
    id.chars().count() <= 40
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}
