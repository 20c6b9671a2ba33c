//! schema.org `ClaimReview` JSON-LD, the markup search engines read from a fact-check page.
//!
//! One review per claim that has a verdict, in text order. A review missing what Google
//! requires (`claimReviewed`, `reviewRating.alternateName`, `url`, and the organisation's name
//! in `author.name`) is not exported half-formed: the claim comes back as a
//! [`ClaimReviewGap`] listing what is missing, so the UI can point the user at it.
//!
//! Optional parts are left out rather than guessed: the claimant (`itemReviewed.author`) only
//! when the claim is `attributed_to` an entity; dates only when they are real `YYYY-MM-DD`
//! days; the numbers of `reviewRating` only when the verdict has one (see [`rating`]).
//!
//! The JSON is built from structs, so keys come out in the order declared here, pretty-printed:
//! the same document always gives the same bytes. `<`, `>` and `&` are written as `\u` escapes
//! so the text can be pasted into a `<script>` element as it is.
//!
//! [`rating`]: crate::domain::factcheck::rating

use crate::domain::annotation::{Annotation, AnnotationId};
use crate::domain::document::Document;
use crate::domain::factcheck::fields::{
    self, CANONICAL_NAME, ENTITY_TYPE, FACTCHECK_URL, STATEMENT, VERDICT,
};
use crate::domain::factcheck::relations::claimant;
use crate::domain::factcheck::{CLAIM_TAG, FactCheckSettings};
use serde::Serialize;

pub const MISSING_CLAIM_REVIEWED: &str = "claimReviewed";
pub const MISSING_ALTERNATE_NAME: &str = "reviewRating.alternateName";
pub const MISSING_URL: &str = "url";
pub const MISSING_AUTHOR_NAME: &str = "author.name";

/// A claim with a verdict that cannot be exported yet, and the required properties it lacks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClaimReviewGap {
    pub annotation_id: AnnotationId,
    pub missing: Vec<&'static str>,
}

/// What an export produced: the JSON array of the complete reviews, which claims they came
/// from, and the claims left out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClaimReviewExport {
    pub json: String,
    pub exported: Vec<AnnotationId>,
    pub gaps: Vec<ClaimReviewGap>,
}

#[derive(Serialize)]
struct ClaimReview {
    #[serde(rename = "@context")]
    context: &'static str,
    #[serde(rename = "@type")]
    type_name: &'static str,
    #[serde(rename = "claimReviewed")]
    claim_reviewed: String,
    #[serde(rename = "reviewRating")]
    review_rating: ReviewRating,
    #[serde(rename = "itemReviewed")]
    item_reviewed: ItemReviewed,
    url: String,
    author: Organization,
    #[serde(rename = "datePublished", skip_serializing_if = "Option::is_none")]
    date_published: Option<String>,
}

#[derive(Serialize)]
struct ReviewRating {
    #[serde(rename = "@type")]
    type_name: &'static str,
    #[serde(rename = "ratingValue", skip_serializing_if = "Option::is_none")]
    rating_value: Option<u32>,
    #[serde(rename = "bestRating", skip_serializing_if = "Option::is_none")]
    best_rating: Option<u32>,
    #[serde(rename = "worstRating", skip_serializing_if = "Option::is_none")]
    worst_rating: Option<u32>,
    #[serde(rename = "alternateName")]
    alternate_name: String,
}

#[derive(Serialize)]
struct ItemReviewed {
    #[serde(rename = "@type")]
    type_name: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    author: Option<Claimant>,
    #[serde(rename = "datePublished", skip_serializing_if = "Option::is_none")]
    date_published: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    appearance: Option<Appearance>,
}

#[derive(Serialize)]
struct Claimant {
    /// Left out when the entity has no type: a guess would put a wrong fact in the review.
    #[serde(rename = "@type", skip_serializing_if = "Option::is_none")]
    type_name: Option<&'static str>,
    name: String,
}

#[derive(Serialize)]
struct Appearance {
    #[serde(rename = "@type")]
    type_name: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    headline: Option<String>,
}

#[derive(Serialize)]
struct Organization {
    #[serde(rename = "@type")]
    type_name: &'static str,
    name: String,
}

/// Reviews for every claim of `doc` with a verdict, signed by `settings.organisation_name` and
/// dated `date_published` (the day the fact-check is published, `YYYY-MM-DD`; left out when
/// it is not a valid date).
pub fn claim_reviews(
    doc: &Document,
    settings: &FactCheckSettings,
    date_published: &str,
) -> ClaimReviewExport {
    let mut reviews = Vec::new();
    let mut exported = Vec::new();
    let mut gaps = Vec::new();
    for claim in doc.annotations_in_text_order() {
        if claim.tag.as_str() != CLAIM_TAG || attribute(claim, VERDICT).is_none() {
            continue;
        }
        match claim_review(doc, claim, settings, date_published) {
            Ok(review) => {
                reviews.push(review);
                exported.push(claim.id.clone());
            }
            Err(missing) => gaps.push(ClaimReviewGap {
                annotation_id: claim.id.clone(),
                missing,
            }),
        }
    }
    // Serialising these structs cannot fail: they hold only strings and integers.
    let json = serde_json::to_string_pretty(&reviews).unwrap_or_else(|_| "[]".to_string());
    ClaimReviewExport {
        json: escape_for_html_script(&json),
        exported,
        gaps,
    }
}

fn claim_review(
    doc: &Document,
    claim: &Annotation,
    settings: &FactCheckSettings,
    date_published: &str,
) -> Result<ClaimReview, Vec<&'static str>> {
    let mut missing = Vec::new();
    let claim_reviewed = attribute(claim, STATEMENT).or_else(|| non_empty(claim.quote.trim()));
    if claim_reviewed.is_none() {
        missing.push(MISSING_CLAIM_REVIEWED);
    }
    let scale = &settings.rating_scale;
    let rating = attribute(claim, VERDICT).and_then(|id| scale.get(id));
    if rating.is_none() {
        missing.push(MISSING_ALTERNATE_NAME);
    }
    let url = attribute(claim, FACTCHECK_URL).and_then(fields::safe_link);
    if url.is_none() {
        missing.push(MISSING_URL);
    }
    let organisation = non_empty(settings.organisation_name.trim());
    if organisation.is_none() {
        missing.push(MISSING_AUTHOR_NAME);
    }
    let (Some(claim_reviewed), Some(rating), Some(url), Some(organisation)) =
        (claim_reviewed, rating, url, organisation)
    else {
        return Err(missing);
    };
    let rating_value = rating.value;
    let metadata = &doc.metadata;
    let appearance_url = fields::safe_link(&metadata.url).map(str::to_string);
    let headline = non_empty(metadata.title.trim()).map(str::to_string);
    let appearance = if appearance_url.is_some() || headline.is_some() {
        Some(Appearance {
            type_name: "CreativeWork",
            url: appearance_url,
            headline,
        })
    } else {
        None
    };
    Ok(ClaimReview {
        context: "https://schema.org",
        type_name: "ClaimReview",
        claim_reviewed: claim_reviewed.to_string(),
        review_rating: ReviewRating {
            type_name: "Rating",
            rating_value,
            best_rating: rating_value.map(|_| scale.best_rating()),
            worst_rating: rating_value.map(|_| scale.worst_rating()),
            alternate_name: rating.label.trim().to_string(),
        },
        item_reviewed: ItemReviewed {
            type_name: "Claim",
            author: claimant(doc, &claim.id).and_then(claimant_of),
            date_published: valid_date(metadata.published.trim()),
            appearance,
        },
        url: url.to_string(),
        author: Organization {
            type_name: "Organization",
            name: organisation.to_string(),
        },
        date_published: valid_date(date_published.trim()),
    })
}

/// The claimant as schema.org wants an author: an `Organization` or a `Person` when the
/// entity is typed as one; otherwise no `@type` at all rather than a guess (schema.org
/// readers take an untyped author by its name).
fn claimant_of(entity: &Annotation) -> Option<Claimant> {
    let name = attribute(entity, CANONICAL_NAME).or_else(|| non_empty(entity.quote.trim()))?;
    let type_name = match attribute(entity, ENTITY_TYPE) {
        Some("organisation") => Some("Organization"),
        Some("person") => Some("Person"),
        _ => None,
    };
    Some(Claimant {
        type_name,
        name: name.to_string(),
    })
}

/// JSON-LD is pasted into `<script type="application/ld+json">`, where a `</script>` inside a
/// claim would end the script and let the rest run as HTML. Outside strings, JSON never uses
/// `<`, `>` or `&`, so writing them (and the two line separators JavaScript does not accept
/// in strings) as `\uXXXX` escapes changes no value and makes the text safe to embed.
fn escape_for_html_script(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            other => out.push(other),
        }
    }
    out
}

/// The trimmed attribute, if it says anything.
fn attribute<'a>(annotation: &'a Annotation, key: &str) -> Option<&'a str> {
    annotation
        .attributes
        .get(key)
        .and_then(|value| non_empty(value.trim()))
}

fn non_empty(text: &str) -> Option<&str> {
    (!text.is_empty()).then_some(text)
}

fn valid_date(text: &str) -> Option<String> {
    fields::is_valid_date(text).then_some(text.to_string())
}
