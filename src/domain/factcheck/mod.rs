//! The fact-checking workflow: what the attributes of claims, sources and entities mean.
//!
//! Annotations keep everything in `attributes: BTreeMap<String, String>` so that they survive a
//! round trip through every file format unchanged. This module is the one place that gives
//! those strings meaning, as plain data and pure functions the UI and the exporters share:
//!
//! - [`fields`]: the attribute schema per tag (key, label, kind, validation), rendered
//!   generically by the UI, and [`fields::safe_link`], the only gate a URL passes to become a
//!   link;
//! - [`rating`]: the configurable verdict scale (stored per library by the UI);
//! - [`relations`]: which relation kinds make sense between which tags, and lookups along them
//!   (a claim's claimant and sources);
//! - [`claim_review`]: schema.org `ClaimReview` JSON-LD for checked claims, with the claims that
//!   cannot be exported yet and why;
//! - [`gaps`]: what a claim lacks for a ClaimReview, in the words of the form;
//! - [`link_routes`]: where the selected annotation's links are drawn, in the gutter beside
//!   the text with their labels stacked;
//! - [`linking`]: the links the UI offers between two annotations, how a relation reads from
//!   either end, and the command a field edit makes;
//! - [`report`]: the claims report as rows, with sorting, filtering, CSV and Markdown.
//!
//! Nothing here reads a clock: dates (such as a review's publication date) are passed in.

pub mod claim_review;
pub mod fields;
pub mod gaps;
pub mod link_routes;
pub mod linking;
pub mod rating;
pub mod relations;
pub mod report;

/// The tag ids of the default taxonomy that this workflow gives meaning to.
pub const CLAIM_TAG: &str = "claim";
pub const SOURCE_TAG: &str = "source";
pub const ENTITY_TAG: &str = "entity";

/// What a library keeps for fact-checking, beside its documents: the verdict scale and the
/// name that signs exported reviews. The UI stores it; this is plain data.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct FactCheckSettings {
    pub rating_scale: rating::RatingScale,
    /// The fact-checking organisation, exported as `ClaimReview.author.name`.
    pub organisation_name: String,
}
