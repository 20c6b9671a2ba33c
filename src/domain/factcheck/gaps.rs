//! What a person must fill in before a claim can be exported as a ClaimReview, in the words
//! of the form (field labels, the settings), not schema.org's property names.

use crate::domain::factcheck::claim_review::{
    MISSING_ALTERNATE_NAME, MISSING_AUTHOR_NAME, MISSING_CLAIM_REVIEWED, MISSING_URL,
};

/// Where in the app the missing property `missing` (a `claim_review::MISSING_*`) is set.
pub fn missing_label(missing: &str) -> &str {
    match missing {
        MISSING_CLAIM_REVIEWED => "a claim statement",
        MISSING_ALTERNATE_NAME => "a verdict from the rating scale",
        MISSING_URL => "a Fact-check URL",
        MISSING_AUTHOR_NAME => "the Organisation (in the report's settings)",
        other => other,
    }
}

/// One line of the notice: "Claim 2 “…”: needs a Fact-check URL and a claim statement".
pub fn describe_gap(number: usize, quote: &str, missing: &[&str]) -> String {
    let labels: Vec<&str> = missing.iter().map(|m| missing_label(m)).collect();
    let needs = match labels.as_slice() {
        [] => "nothing".to_string(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    };
    format!("Claim {number} “{quote}”: needs {needs}")
}
