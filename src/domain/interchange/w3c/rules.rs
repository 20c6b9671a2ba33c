//! The MUST rules of the Web Annotation Data Model that matter to import, checked before an
//! annotation is read: a file that breaks one is refused with the rule named, so a person
//! can fix it in the tool that wrote it, rather than importing something half-understood.
//!
//! Why our own checks and not the JSON Schemas: the schemas need a JSON-Schema engine with
//! IRI and date-time format checkers, far too heavy for the WebAssembly build. The test
//! suite's incorrect samples (`tests/interchange.rs`) show which rules these cover.

use serde_json::{Map, Value};
use std::fmt;

/// The Web Annotation JSON-LD context every annotation must name.
pub const ANNO_CONTEXT: &str = "http://www.w3.org/ns/anno.jsonld";

/// A MUST rule of the Web Annotation model that an annotation breaks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Defect {
    MissingContext,
    BadContext,
    BadId,
    MultipleIds,
    MissingType,
    BadType,
    MissingTarget,
    BadTarget,
    TargetWithoutSource,
    BodyAndBodyValue,
    BadBodyValue,
    BadBody,
    TextualBodyWithoutValue,
    BadTextualBodyValue,
    BadBodyProperty(&'static str),
    BadDateTime(&'static str),
    BadAgent(&'static str),
    BadIriProperty(&'static str),
    BadSelector(String),
}

impl fmt::Display for Defect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let rule = match self {
            Defect::MissingContext => {
                "missing @context (it must be \"http://www.w3.org/ns/anno.jsonld\")".to_string()
            }
            Defect::BadContext => {
                "bad @context: it must be or include \"http://www.w3.org/ns/anno.jsonld\""
                    .to_string()
            }
            Defect::BadId => "bad id: it must be one IRI such as \"urn:uuid:…\"".to_string(),
            Defect::MultipleIds => {
                "multiple identifiers: id must be one IRI, not a list".to_string()
            }
            Defect::MissingType => {
                "missing type: an annotation must have type \"Annotation\"".to_string()
            }
            Defect::BadType => "bad type: an annotation must have type \"Annotation\"".to_string(),
            Defect::MissingTarget => "missing target: an annotation must have a target".to_string(),
            Defect::BadTarget => "bad target: it must be an IRI or an object".to_string(),
            Defect::TargetWithoutSource => {
                "no source for specific resource: a target with a selector needs a source"
                    .to_string()
            }
            Defect::BodyAndBodyValue => {
                "body and bodyValue: only one of them may be given".to_string()
            }
            Defect::BadBodyValue => "bad bodyValue: it must be one string".to_string(),
            Defect::BadBody => {
                "bad body: a body must be an IRI or an object (a plain word is not an IRI)"
                    .to_string()
            }
            Defect::TextualBodyWithoutValue => "no value for textual body".to_string(),
            Defect::BadTextualBodyValue => {
                "bad value for textual body: it must be one string".to_string()
            }
            Defect::BadBodyProperty(property) => format!("bad body {property}"),
            Defect::BadDateTime(property) => format!(
                "bad {property}: it must be an RFC 3339 date-time such as 2024-05-01T10:00:00Z"
            ),
            Defect::BadAgent(property) => {
                format!("bad {property}: it must be an IRI or an agent object")
            }
            Defect::BadIriProperty(property) => format!("bad {property}: it must be an IRI"),
            Defect::BadSelector(why) => format!("bad selector: {why}"),
        };
        write!(f, "breaks the Web Annotation model: {rule}")
    }
}

impl std::error::Error for Defect {}

/// True for an RFC 3339 date-time: `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`.
pub fn is_datetime(text: &str) -> bool {
    let bytes = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| {
        bytes
            .get(range)
            .is_some_and(|part| !part.is_empty() && part.iter().all(u8::is_ascii_digit))
    };
    let at = |position: usize, expected: &[u8]| {
        bytes.get(position).is_some_and(|b| expected.contains(b))
    };
    let shape = digits(0..4)
        && at(4, b"-")
        && digits(5..7)
        && at(7, b"-")
        && digits(8..10)
        && at(10, b"Tt")
        && digits(11..13)
        && at(13, b":")
        && digits(14..16)
        && at(16, b":")
        && digits(17..19);
    if !shape {
        return false;
    }
    let mut rest = bytes.get(19..).unwrap_or_default();
    if let Some((b'.', after)) = rest.split_first() {
        let fraction = after.iter().take_while(|b| b.is_ascii_digit()).count();
        if fraction == 0 {
            return false;
        }
        rest = after.get(fraction..).unwrap_or_default();
    }
    let offset_ok = match rest {
        [b'Z' | b'z'] => true,
        [b'+' | b'-', h1, h2, b':', m1, m2] => [h1, h2, m1, m2].iter().all(|b| b.is_ascii_digit()),
        _ => false,
    };
    let number = |range: std::ops::Range<usize>| {
        text.get(range)
            .and_then(|part| part.parse::<u32>().ok())
            .unwrap_or(99)
    };
    offset_ok
        && (1..=12).contains(&number(5..7))
        && (1..=31).contains(&number(8..10))
        && number(11..13) <= 23
        && number(14..16) <= 59
        && number(17..19) <= 60
}

/// True for an absolute IRI: a scheme, a colon, and no spaces or characters IRIs forbid.
pub fn is_iri(text: &str) -> bool {
    let Some((scheme, rest)) = text.split_once(':') else {
        return false;
    };
    let mut scheme_chars = scheme.chars();
    let scheme_ok = scheme_chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && scheme_chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    scheme_ok
        && !rest.is_empty()
        && !rest
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || "<>\"{}|\\^`".contains(c))
}

fn context_ok(context: &Value) -> bool {
    match context {
        Value::String(iri) => iri == ANNO_CONTEXT,
        Value::Array(items) => items.iter().any(|item| item.as_str() == Some(ANNO_CONTEXT)),
        _ => false,
    }
}

pub(super) fn has_type(value: &Value, wanted: &str) -> bool {
    match value.get("type") {
        Some(Value::String(kind)) => kind == wanted,
        Some(Value::Array(kinds)) => kinds.iter().any(|k| k.as_str() == Some(wanted)),
        _ => false,
    }
}

/// Every MUST rule the annotation breaks among those that matter to import. `context` is
/// the `@context` in force (the annotation's own, or its page's or collection's).
pub fn structural_defects(annotation: &Value, context: Option<&Value>) -> Vec<Defect> {
    let mut defects = Vec::new();
    let Some(object) = annotation.as_object() else {
        return vec![Defect::BadType];
    };
    match annotation.get("@context").or(context) {
        None => defects.push(Defect::MissingContext),
        Some(context) if !context_ok(context) => defects.push(Defect::BadContext),
        Some(_) => {}
    }
    match object.get("id") {
        None => {}
        Some(Value::String(id)) if is_iri(id) => {}
        Some(Value::Array(_)) => defects.push(Defect::MultipleIds),
        Some(_) => defects.push(Defect::BadId),
    }
    match object.get("type") {
        None => defects.push(Defect::MissingType),
        Some(_) if has_type(annotation, "Annotation") => {}
        Some(_) => defects.push(Defect::BadType),
    }
    match object.get("target") {
        None => defects.push(Defect::MissingTarget),
        Some(target) => check_targets(target, &mut defects),
    }
    if object.contains_key("body") && object.contains_key("bodyValue") {
        defects.push(Defect::BodyAndBodyValue);
    }
    if let Some(value) = object.get("bodyValue")
        && !value.is_string()
    {
        defects.push(Defect::BadBodyValue);
    }
    if let Some(body) = object.get("body") {
        check_bodies(body, &mut defects);
    }
    for property in ["created", "modified", "generated"] {
        if let Some(value) = object.get(property)
            && !value.as_str().is_some_and(is_datetime)
        {
            defects.push(Defect::BadDateTime(property));
        }
    }
    for property in ["creator", "generator"] {
        if let Some(value) = object.get(property) {
            let ok = |v: &Value| v.as_str().is_some_and(is_iri) || v.is_object();
            let fine = match value {
                Value::Array(agents) => agents.iter().all(ok),
                other => ok(other),
            };
            if !fine {
                defects.push(Defect::BadAgent(property));
            }
        }
    }
    for property in ["rights", "via", "canonical"] {
        if let Some(value) = object.get(property) {
            let fine = match value {
                Value::Array(iris) if property != "canonical" => {
                    iris.iter().all(|v| v.as_str().is_some_and(is_iri))
                }
                other => other.as_str().is_some_and(is_iri),
            };
            if !fine {
                defects.push(Defect::BadIriProperty(property));
            }
        }
    }
    defects
}

pub(super) fn as_list(value: &Value) -> Vec<&Value> {
    match value {
        Value::Array(items) => items.iter().collect(),
        other => vec![other],
    }
}

fn check_targets(target: &Value, defects: &mut Vec<Defect>) {
    let targets = as_list(target);
    if targets.is_empty() {
        defects.push(Defect::MissingTarget);
    }
    for target in targets {
        match target {
            Value::String(iri) if is_iri(iri) => {}
            Value::Object(object) => {
                let specific =
                    object.contains_key("selector") || has_type(target, "SpecificResource");
                if specific && !object.contains_key("source") {
                    defects.push(Defect::TargetWithoutSource);
                }
                if let Some(selector) = object.get("selector") {
                    check_selectors(selector, defects);
                }
            }
            _ => defects.push(Defect::BadTarget),
        }
    }
}

fn check_selectors(selector: &Value, defects: &mut Vec<Defect>) {
    for selector in as_list(selector) {
        let Some(object) = selector.as_object() else {
            if !selector.as_str().is_some_and(is_iri) {
                defects.push(Defect::BadSelector(
                    "a selector must be an object or an IRI".into(),
                ));
            }
            continue;
        };
        let is_string = |key: &str| object.get(key).is_none_or(Value::is_string);
        let offset_ok = |key: &str| object.get(key).is_some_and(|v| v.as_u64().is_some());
        if has_type(selector, "TextQuoteSelector") {
            if !object.get("exact").is_some_and(Value::is_string) {
                defects.push(Defect::BadSelector(
                    "a TextQuoteSelector needs one string \"exact\"".into(),
                ));
            }
            if !is_string("prefix") || !is_string("suffix") {
                defects.push(Defect::BadSelector(
                    "TextQuoteSelector prefix and suffix must be strings".into(),
                ));
            }
        }
        if has_type(selector, "TextPositionSelector") && !(offset_ok("start") && offset_ok("end")) {
            defects.push(Defect::BadSelector(
                "a TextPositionSelector needs \"start\" and \"end\" as non-negative integers"
                    .into(),
            ));
        }
        if has_type(selector, "FragmentSelector")
            && !object.get("value").is_some_and(Value::is_string)
        {
            defects.push(Defect::BadSelector(
                "a FragmentSelector needs one string \"value\"".into(),
            ));
        }
        if let Some(refined) = object.get("refinedBy") {
            check_selectors(refined, defects);
        }
    }
}

fn check_bodies(body: &Value, defects: &mut Vec<Defect>) {
    for body in as_list(body) {
        match body {
            Value::String(iri) if is_iri(iri) => {}
            Value::Object(object) => {
                if let Some(id) = object.get("id")
                    && !id.as_str().is_some_and(is_iri)
                {
                    defects.push(Defect::BadBodyProperty("id: it must be one IRI"));
                }
                if has_type(body, "TextualBody") {
                    match object.get("value") {
                        None => defects.push(Defect::TextualBodyWithoutValue),
                        Some(Value::String(_)) => {}
                        Some(_) => defects.push(Defect::BadTextualBodyValue),
                    }
                }
                if has_type(body, "Choice") || has_type(body, "List") || has_type(body, "Composite")
                {
                    let kinds = ["Choice", "List", "Composite", "Independents"];
                    let count = kinds.iter().filter(|k| has_type(body, k)).count();
                    if count > 1 {
                        defects.push(Defect::BadBodyProperty(
                            "type: one body may be only one kind of set",
                        ));
                    }
                }
                let typed_set = ["Choice", "List", "Composite", "Independents"]
                    .iter()
                    .any(|k| has_type(body, k));
                if object.contains_key("items") && !typed_set {
                    defects.push(Defect::BadBodyProperty(
                        "items: a body with items must be a Choice",
                    ));
                }
                check_body_properties(object, defects);
                if let Some(items) = object.get("items") {
                    check_bodies(items, defects);
                }
            }
            _ => defects.push(Defect::BadBody),
        }
    }
}

fn check_body_properties(object: &Map<String, Value>, defects: &mut Vec<Defect>) {
    if let Some(format) = object.get("format") {
        let ok = |v: &Value| {
            v.as_str()
                .is_some_and(|f| f.contains('/') && !f.contains(' '))
        };
        let fine = match format {
            Value::Array(formats) => formats.iter().all(ok),
            other => ok(other),
        };
        if !fine {
            defects.push(Defect::BadBodyProperty(
                "format: it must be a media type such as text/plain",
            ));
        }
    }
    if let Some(language) = object.get("language") {
        let ok = |v: &Value| {
            v.as_str().is_some_and(|l| {
                !l.is_empty() && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            })
        };
        let fine = match language {
            Value::Array(languages) => languages.iter().all(ok),
            other => ok(other),
        };
        if !fine {
            defects.push(Defect::BadBodyProperty(
                "language: it must be a BCP 47 tag such as en",
            ));
        }
    }
    if let Some(language) = object.get("processingLanguage")
        && !language.is_string()
    {
        defects.push(Defect::BadBodyProperty(
            "processingLanguage: only one is allowed",
        ));
    }
    if let Some(direction) = object.get("textDirection")
        && !matches!(direction.as_str(), Some("ltr" | "rtl" | "auto"))
    {
        defects.push(Defect::BadBodyProperty(
            "textDirection: it must be ltr, rtl or auto",
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datetimes_and_iris() {
        for (text, expected) in [
            ("2024-05-01T10:00:00Z", true),
            ("2024-05-01T10:00:00.123+02:00", true),
            ("2024-05-01", false),
            ("yesterday", false),
            ("2024-13-01T10:00:00Z", false),
            ("2024-05-01T10:00:00", false),
            ("2024-05-01T10:00:00.Z", false),
        ] {
            assert_eq!(is_datetime(text), expected, "{text}");
        }
        for (text, expected) in [
            ("urn:uuid:1", true),
            ("https://example.org/a b", false),
            ("claim", false),
            ("not a uri", false),
            ("1a:b", false),
        ] {
            assert_eq!(is_iri(text), expected, "{text}");
        }
    }
}
