//! The attribute schema of each fact-checking tag, as data.
//!
//! The UI renders an annotation's form from these specs alone (a select for a choice, a text
//! box for text, and so on), so adding a field is a change here and nowhere else. Every value
//! is stored as a string under its key; an empty value means "not set" and is always valid
//! (the UI removes the attribute). Keys this schema does not know, for example ones brought in
//! from another tool, are left alone.
//!
//! Links are the one place where a stored string can hurt: `javascript:` or `data:` in an
//! `href` runs code. [`safe_link`] is therefore the single gate every URL passes before the UI
//! renders it, and the URL fields validate with the same function.

use crate::domain::factcheck::rating::RatingScale;
use crate::domain::factcheck::{CLAIM_TAG, ENTITY_TAG, SOURCE_TAG};
use crate::domain::tag::TagId;
use std::collections::BTreeMap;
use std::fmt;

pub const STATUS: &str = "status";
pub const VERDICT: &str = "verdict";
pub const STATEMENT: &str = "statement";
pub const CLAIM_TYPE: &str = "claim_type";
pub const CHECKWORTHINESS: &str = "checkworthiness";
pub const FACTCHECK_URL: &str = "factcheck_url";
pub const SOURCE_KIND: &str = "source_kind";
pub const URL: &str = "url";
pub const ACCESSED: &str = "accessed";
pub const RELIABILITY: &str = "reliability";
pub const ENTITY_TYPE: &str = "entity_type";
pub const CANONICAL_NAME: &str = "canonical_name";
pub const IDENTIFIER: &str = "identifier";

/// One allowed value of a choice: what is stored, and what a person reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChoiceOption {
    pub value: &'static str,
    pub label: &'static str,
}

const fn option(value: &'static str, label: &'static str) -> ChoiceOption {
    ChoiceOption { value, label }
}

/// How a field is edited and what it accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldKind {
    /// One of a fixed list of values.
    Choice(&'static [ChoiceOption]),
    /// One of the ids of the library's rating scale (the options are not fixed here).
    Verdict,
    /// One line of free text.
    Text,
    /// Free text over several lines.
    Multiline,
    /// An `http` or `https` URL.
    Url,
    /// A calendar date written `YYYY-MM-DD`.
    Date,
    /// A whole number from `min` to `max`, both included.
    IntegerRange { min: u32, max: u32 },
    /// A Wikidata id (`Q42`, `P31`, `L7`) or an `http(s)` URL naming the thing elsewhere.
    Identifier,
}

/// One attribute of a tag: its storage key, its label in the UI, and its kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FieldSpec {
    pub key: &'static str,
    pub label: &'static str,
    pub kind: FieldKind,
    /// One sentence shown under the field.
    pub help: &'static str,
}

/// Why a value does not fit its field. Each message tells a person what to write instead.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FieldError {
    NotAnOption {
        value: String,
        options: Vec<&'static str>,
    },
    UnknownVerdict {
        value: String,
    },
    LineBreakInText,
    NotAWebLink {
        value: String,
    },
    NotADate {
        value: String,
    },
    NoSuchDay {
        value: String,
    },
    NotANumber {
        value: String,
    },
    NumberOutOfRange {
        value: String,
        min: u32,
        max: u32,
    },
    NotAnIdentifier {
        value: String,
    },
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FieldError::NotAnOption { value, options } => {
                write!(f, "\"{value}\" is not one of: {}", options.join(", "))
            }
            FieldError::UnknownVerdict { value } => write!(
                f,
                "\"{value}\" is not a verdict of this library's rating scale; pick one from the list"
            ),
            FieldError::LineBreakInText => {
                write!(f, "this field holds one line; remove the line breaks")
            }
            FieldError::NotAWebLink { value } => write!(
                f,
                "\"{value}\" is not a web link; it must start with http:// or https:// and contain no spaces"
            ),
            FieldError::NotADate { value } => {
                write!(
                    f,
                    "\"{value}\" is not a date written YYYY-MM-DD, such as 2024-03-31"
                )
            }
            FieldError::NoSuchDay { value } => write!(f, "{value} is not a day of the calendar"),
            FieldError::NotANumber { value } => write!(f, "\"{value}\" is not a whole number"),
            FieldError::NumberOutOfRange { value, min, max } => {
                write!(f, "{value} is outside {min} to {max}")
            }
            FieldError::NotAnIdentifier { value } => write!(
                f,
                "\"{value}\" is neither a Wikidata id (such as Q42) nor an http(s) link"
            ),
        }
    }
}

impl std::error::Error for FieldError {}

pub const STATUS_OPTIONS: &[ChoiceOption] = &[
    option("unchecked", "Unchecked"),
    option("in_progress", "In progress"),
    option("checked", "Checked"),
];

pub const CLAIM_TYPE_OPTIONS: &[ChoiceOption] = &[
    option("quantity", "Quantity"),
    option("causal", "Causal"),
    option("prediction", "Prediction"),
    option("quote", "Quote"),
    option("rule", "Rule / law"),
    option("opinion", "Opinion"),
    option("other", "Other"),
];

pub const SOURCE_KIND_OPTIONS: &[ChoiceOption] = &[
    option("person", "Person"),
    option("document", "Document"),
    option("organisation", "Organisation"),
    option("dataset", "Dataset"),
    option("media", "Media"),
    option("anonymous", "Anonymous"),
];

pub const ENTITY_TYPE_OPTIONS: &[ChoiceOption] = &[
    option("person", "Person"),
    option("organisation", "Organisation"),
    option("place", "Place"),
    option("event", "Event"),
    option("other", "Other"),
];

pub const CLAIM_FIELDS: &[FieldSpec] = &[
    FieldSpec {
        key: STATUS,
        label: "Status",
        kind: FieldKind::Choice(STATUS_OPTIONS),
        help: "How far the check of this claim has got.",
    },
    FieldSpec {
        key: VERDICT,
        label: "Verdict",
        kind: FieldKind::Verdict,
        help: "The rating the check arrived at.",
    },
    FieldSpec {
        key: STATEMENT,
        label: "Claim statement",
        kind: FieldKind::Text,
        help: "The claim rewritten as a short sentence that stands on its own.",
    },
    FieldSpec {
        key: CLAIM_TYPE,
        label: "Claim type",
        kind: FieldKind::Choice(CLAIM_TYPE_OPTIONS),
        help: "What sort of statement this is, which decides how it can be checked.",
    },
    FieldSpec {
        key: CHECKWORTHINESS,
        label: "Check-worthiness",
        kind: FieldKind::IntegerRange { min: 1, max: 5 },
        help: "From 1 (not worth checking) to 5 (check first).",
    },
    FieldSpec {
        key: FACTCHECK_URL,
        label: "Fact-check URL",
        kind: FieldKind::Url,
        help: "Where the published fact-check of this claim can be read.",
    },
];

pub const SOURCE_FIELDS: &[FieldSpec] = &[
    FieldSpec {
        key: SOURCE_KIND,
        label: "Source kind",
        kind: FieldKind::Choice(SOURCE_KIND_OPTIONS),
        help: "What the source is.",
    },
    FieldSpec {
        key: URL,
        label: "URL",
        kind: FieldKind::Url,
        help: "Where the source can be found.",
    },
    FieldSpec {
        key: ACCESSED,
        label: "Accessed",
        kind: FieldKind::Date,
        help: "The day the source was consulted, YYYY-MM-DD.",
    },
    FieldSpec {
        key: RELIABILITY,
        label: "Reliability note",
        kind: FieldKind::Multiline,
        help: "Why this source can or cannot be trusted on this point.",
    },
];

pub const ENTITY_FIELDS: &[FieldSpec] = &[
    FieldSpec {
        key: ENTITY_TYPE,
        label: "Entity type",
        kind: FieldKind::Choice(ENTITY_TYPE_OPTIONS),
        help: "What kind of thing is named.",
    },
    FieldSpec {
        key: CANONICAL_NAME,
        label: "Canonical name",
        kind: FieldKind::Text,
        help: "The full, usual name, whatever the article calls it.",
    },
    FieldSpec {
        key: IDENTIFIER,
        label: "Identifier",
        kind: FieldKind::Identifier,
        help: "A Wikidata id such as Q42, or a link to an authority record.",
    },
];

/// The fields of a tag; custom tags have none.
pub fn fields_for(tag: &TagId) -> &'static [FieldSpec] {
    match tag.as_str() {
        CLAIM_TAG => CLAIM_FIELDS,
        SOURCE_TAG => SOURCE_FIELDS,
        ENTITY_TAG => ENTITY_FIELDS,
        _ => &[],
    }
}

/// The field stored under `key` for `tag`, if the schema knows it.
pub fn field(tag: &TagId, key: &str) -> Option<&'static FieldSpec> {
    fields_for(tag).iter().find(|spec| spec.key == key)
}

impl FieldSpec {
    /// Checks `value` against this field on its own. A verdict is only checked to be one line
    /// here; [`FieldSpec::validate_with_scale`] also checks it belongs to the scale.
    pub fn validate(&self, value: &str) -> Result<(), FieldError> {
        if value.is_empty() {
            return Ok(());
        }
        match self.kind {
            FieldKind::Choice(options) => validate_choice(value, options),
            FieldKind::Verdict | FieldKind::Text => validate_single_line(value),
            FieldKind::Multiline => Ok(()),
            FieldKind::Url => match safe_link(value) {
                Some(_) => Ok(()),
                None => Err(FieldError::NotAWebLink {
                    value: value.to_string(),
                }),
            },
            FieldKind::Date => validate_date(value),
            FieldKind::IntegerRange { min, max } => parse_in_range(value, min, max).map(|_| ()),
            FieldKind::Identifier => validate_identifier(value),
        }
    }

    /// Like [`FieldSpec::validate`], and a verdict must be an id of `scale`.
    pub fn validate_with_scale(&self, value: &str, scale: &RatingScale) -> Result<(), FieldError> {
        self.validate(value)?;
        if self.kind == FieldKind::Verdict && !value.is_empty() && scale.get(value).is_none() {
            return Err(FieldError::UnknownVerdict {
                value: value.to_string(),
            });
        }
        Ok(())
    }

    /// What a person reads for a stored value: the option's label for a choice, the verdict's
    /// label for a verdict, else the value itself.
    pub fn display_value(&self, value: &str, scale: &RatingScale) -> String {
        match self.kind {
            FieldKind::Choice(options) => option_label(options, value).unwrap_or(value).to_string(),
            FieldKind::Verdict => scale
                .get(value)
                .map(|rating| rating.label.clone())
                .unwrap_or_else(|| value.to_string()),
            _ => value.to_string(),
        }
    }
}

/// Every schema field of `tag` whose stored value does not fit, in schema order. Keys the
/// schema does not know are not checked.
pub fn validate_attributes(
    tag: &TagId,
    attributes: &BTreeMap<String, String>,
    scale: &RatingScale,
) -> Vec<(&'static str, FieldError)> {
    fields_for(tag)
        .iter()
        .filter_map(|spec| {
            let value = attributes.get(spec.key)?;
            spec.validate_with_scale(value, scale)
                .err()
                .map(|error| (spec.key, error))
        })
        .collect()
}

/// The label of the option stored as `value`.
pub fn option_label(options: &'static [ChoiceOption], value: &str) -> Option<&'static str> {
    options.iter().find(|o| o.value == value).map(|o| o.label)
}

fn validate_choice(value: &str, options: &'static [ChoiceOption]) -> Result<(), FieldError> {
    if options.iter().any(|o| o.value == value) {
        return Ok(());
    }
    Err(FieldError::NotAnOption {
        value: value.to_string(),
        options: options.iter().map(|o| o.value).collect(),
    })
}

fn validate_single_line(value: &str) -> Result<(), FieldError> {
    if value.contains(['\n', '\r', '\u{2028}', '\u{2029}']) {
        return Err(FieldError::LineBreakInText);
    }
    Ok(())
}

/// `value` as a whole number from `min` to `max`. Only ASCII digits are accepted (no sign, no
/// spaces), so what is stored is what is shown.
pub fn parse_in_range(value: &str, min: u32, max: u32) -> Result<u32, FieldError> {
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(FieldError::NotANumber {
            value: value.to_string(),
        });
    }
    let out_of_range = || FieldError::NumberOutOfRange {
        value: value.to_string(),
        min,
        max,
    };
    let number: u32 = value.parse().map_err(|_| out_of_range())?;
    if number < min || number > max {
        return Err(out_of_range());
    }
    Ok(number)
}

/// Checks that `value` is a real calendar day written `YYYY-MM-DD` (proleptic Gregorian).
pub fn validate_date(value: &str) -> Result<(), FieldError> {
    let not_a_date = || FieldError::NotADate {
        value: value.to_string(),
    };
    let bytes = value.as_bytes();
    let shape_ok = bytes.len() == 10
        && bytes.iter().enumerate().all(|(i, b)| match i {
            4 | 7 => *b == b'-',
            _ => b.is_ascii_digit(),
        });
    if !shape_ok {
        return Err(not_a_date());
    }
    // The shape check above proves these slices are ASCII digits at char boundaries.
    let number = |range: std::ops::Range<usize>| -> u32 {
        value.get(range).and_then(|s| s.parse().ok()).unwrap_or(0)
    };
    let (year, month, day) = (number(0..4), number(5..7), number(8..10));
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days_in_month = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => 0,
    };
    if day == 0 || day > days_in_month {
        return Err(FieldError::NoSuchDay {
            value: value.to_string(),
        });
    }
    Ok(())
}

pub fn is_valid_date(value: &str) -> bool {
    validate_date(value).is_ok()
}

/// A Wikidata entity id (`Q`, `P` or `L`, then a number without leading zero), or an http(s)
/// link to an authority record (ORCID, VIAF, a Wikidata page...). Only the shape is checked.
pub fn validate_identifier(value: &str) -> Result<(), FieldError> {
    if is_wikidata_id(value) || safe_link(value) == Some(value) {
        return Ok(());
    }
    Err(FieldError::NotAnIdentifier {
        value: value.to_string(),
    })
}

pub fn is_wikidata_id(value: &str) -> bool {
    let mut chars = value.chars();
    let prefix_ok = matches!(chars.next(), Some('Q' | 'P' | 'L'));
    let digits = chars.as_str();
    prefix_ok
        && !digits.is_empty()
        && !digits.starts_with('0')
        && digits.len() <= 12
        && digits.bytes().all(|b| b.is_ascii_digit())
}

/// `url` (without surrounding whitespace) if it is safe to put in an `href`: an `http` or
/// `https` URL with a host and no whitespace, control or quoting characters. Everything else
/// (`javascript:`, `data:`, relative paths, `//host`) gives `None`, and the UI shows the text
/// without a link.
pub fn safe_link(url: &str) -> Option<&str> {
    let url = url.trim();
    let rest = strip_prefix_ignore_ascii_case(url, "https://")
        .or_else(|| strip_prefix_ignore_ascii_case(url, "http://"))?;
    let forbidden =
        |c: char| c.is_whitespace() || c.is_control() || matches!(c, '"' | '<' | '>' | '\\' | '`');
    if url.chars().any(forbidden) {
        return None;
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_and_port = authority.rsplit('@').next().unwrap_or("");
    let host = match host_and_port.strip_prefix('[') {
        Some(bracketed) => bracketed.split(']').next().unwrap_or(""),
        None => host_and_port.split(':').next().unwrap_or(""),
    };
    if host.is_empty() || host_and_port.starts_with('[') && !host_and_port.contains(']') {
        return None;
    }
    Some(url)
}

fn strip_prefix_ignore_ascii_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    if head.eq_ignore_ascii_case(prefix) {
        text.get(prefix.len()..)
    } else {
        None
    }
}

/// The claim's check status as a value, for sorting and filtering. A missing or unknown
/// stored value counts as unchecked: nothing we recognise says the check has started.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ClaimStatus {
    Unchecked,
    InProgress,
    Checked,
}

impl ClaimStatus {
    pub const ALL: [ClaimStatus; 3] = [
        ClaimStatus::Unchecked,
        ClaimStatus::InProgress,
        ClaimStatus::Checked,
    ];

    pub fn from_attribute(value: Option<&str>) -> Self {
        match value {
            Some("in_progress") => ClaimStatus::InProgress,
            Some("checked") => ClaimStatus::Checked,
            _ => ClaimStatus::Unchecked,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ClaimStatus::Unchecked => "unchecked",
            ClaimStatus::InProgress => "in_progress",
            ClaimStatus::Checked => "checked",
        }
    }

    pub fn label(self) -> &'static str {
        option_label(STATUS_OPTIONS, self.as_str()).unwrap_or("Unchecked")
    }
}
