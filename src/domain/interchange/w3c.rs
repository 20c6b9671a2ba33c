//! W3C Web Annotation Data Model (JSON-LD): export as an `AnnotationCollection`, and read
//! single annotations, arrays, pages and collections written by us or by other tools.
//!
//! Why this shape: the collection carries the context once and the document's identity; each
//! annotation is `motivation: tagging` with a `tagging` body (the tag id), a `commenting` body
//! (the note) and, for attributes, a `describing` body whose value is a JSON object as text
//! (`format: application/json`), which the schemas accept and we read back losslessly.
//! The target source is the article URL when it is http(s), else `urn:sha256:<text sha256>`;
//! selectors are a TextQuoteSelector and a TextPositionSelector in code points, as the
//! Recommendation requires (Hypothesis and Recogito write UTF-16: placement verifies). An
//! orphaned annotation keeps only its TextQuoteSelector, since its range selects nothing.
//! Relations are `motivation: linking` annotations: the target is the IRI of the `from`
//! annotation, the body holds a `tagging` TextualBody with the relation kind and the IRI of
//! the `to` annotation.
//!
//! The reader checks the MUST rules that matter to import ([`structural_defects`]) and
//! refuses an annotation that breaks one; features we cannot place in a text (SVG, CSS,
//! XPath, range, fragment-only selectors, non-text targets) are reported as unsupported.

use crate::domain::annotation::{Annotation, Relation};
use crate::domain::document::{Document, Metadata};
use crate::domain::import::{
    CandidateAnnotation, CandidateRelation, ImportBatch, OffsetUnit, Problem,
};
use crate::domain::interchange::encoding::{percent_decode, percent_encode};
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;
use std::fmt;

mod rules;
pub use rules::{ANNO_CONTEXT, Defect, is_datetime, is_iri, structural_defects};
use rules::{as_list, has_type};

pub const FORMAT_NAME: &str = "W3C Web Annotation";
const ANNOTATION_IRI_PREFIX: &str = "urn:article-annotator:annotation:";
const RELATION_IRI_PREFIX: &str = "urn:article-annotator:relation:";
const COLLECTION_IRI_PREFIX: &str = "urn:article-annotator:document:";
const SHA256_IRI_PREFIX: &str = "urn:sha256:";
/// Our namespace, declared in the context, for the one extension on the collection.
const EXTENSION_NAMESPACE: &str = "https://article-annotator.invalid/ns#";

/// Characters kept as they are in an id put into an IRI (RFC 3986 unreserved).
fn iri_safe(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '~')
}

pub fn annotation_iri(id: &str) -> String {
    format!("{ANNOTATION_IRI_PREFIX}{}", percent_encode(id, iri_safe))
}

fn relation_iri(id: &str) -> String {
    format!("{RELATION_IRI_PREFIX}{}", percent_encode(id, iri_safe))
}

/// Our own id back from our IRI; any other IRI is kept whole as the id.
fn id_from_iri(iri: &str, prefix: &str) -> String {
    match iri.strip_prefix(prefix) {
        Some(encoded) => percent_decode(encoded),
        None => iri.to_string(),
    }
}

fn target_source(document: &Document) -> String {
    let url = document.metadata.url.trim();
    let is_web = url.starts_with("https://") || url.starts_with("http://");
    if is_web && is_iri(url) {
        url.to_string()
    } else {
        format!("{SHA256_IRI_PREFIX}{}", document.text.sha256())
    }
}

/// The export: one `AnnotationCollection` whose first page holds every annotation and
/// relation, pretty-printed.
pub fn export(document: &Document) -> String {
    let source = target_source(document);
    let mut items: Vec<Value> = document
        .annotations_in_text_order()
        .into_iter()
        .map(|a| annotation_json(a, document.tags.export_name(&a.tag), &source))
        .collect();
    items.extend(document.relations.iter().map(relation_json));
    let collection_id = format!(
        "{COLLECTION_IRI_PREFIX}{}",
        percent_encode(&document.id.0, iri_safe)
    );
    let mut collection = json!({
        "@context": [ANNO_CONTEXT, { "aa": EXTENSION_NAMESPACE }],
        "id": collection_id,
        "type": "AnnotationCollection",
        "total": items.len(),
        "aa:offsetUnit": "codepoint",
        "aa:textSha256": document.text.sha256(),
        "first": { "id": format!("{collection_id}:page:1"), "type": "AnnotationPage", "startIndex": 0, "items": items },
    });
    let title = document.metadata.title.trim();
    if !title.is_empty()
        && let Some(object) = collection.as_object_mut()
    {
        object.insert("label".into(), Value::String(title.to_string()));
    }
    // `{:#}` prints a JSON value indented; printing a value cannot fail.
    format!("{collection:#}")
}

fn textual_body(purpose: &str, value: &str) -> Value {
    json!({ "type": "TextualBody", "purpose": purpose, "value": value })
}

fn annotation_json(annotation: &Annotation, tag: &str, source: &str) -> Value {
    let mut bodies = vec![textual_body("tagging", tag)];
    if !annotation.note.is_empty() {
        bodies.push(textual_body("commenting", &annotation.note));
    }
    if !annotation.attributes.is_empty() {
        let attributes =
            crate::domain::interchange::encoding::attributes_json(&annotation.attributes);
        let mut body = textual_body("describing", &attributes);
        if let Some(object) = body.as_object_mut() {
            object.insert("format".into(), Value::String("application/json".into()));
        }
        bodies.push(body);
    }
    let mut object = Map::new();
    object.insert(
        "id".into(),
        Value::String(annotation_iri(annotation.id.as_str())),
    );
    object.insert("type".into(), Value::String("Annotation".into()));
    object.insert("motivation".into(), Value::String("tagging".into()));
    for (key, time) in [
        ("created", &annotation.created),
        ("modified", &annotation.modified),
    ] {
        if is_datetime(time) {
            object.insert(key.into(), Value::String(time.clone()));
        }
    }
    // Who made it (a shared library records it): the model's `creator`, a person by name.
    if let Some(name) = Some(&annotation.creator).filter(|n| !n.trim().is_empty()) {
        object.insert("creator".into(), json!({ "type": "Person", "name": name }));
    }
    object.insert("body".into(), Value::Array(bodies));
    let mut selectors = vec![json!({
        "type": "TextQuoteSelector",
        "exact": annotation.quote,
        "prefix": annotation.prefix,
        "suffix": annotation.suffix,
    })];
    // An orphan's range no longer selects its quote: only the quote is worth keeping.
    if !annotation.is_orphan() {
        selectors.push(json!({
            "type": "TextPositionSelector",
            "start": annotation.start().0,
            "end": annotation.end().0,
        }));
    }
    object.insert(
        "target".into(),
        json!({ "source": source, "selector": selectors }),
    );
    Value::Object(object)
}

fn relation_json(relation: &Relation) -> Value {
    json!({
        "id": relation_iri(&relation.id.0),
        "type": "Annotation",
        "motivation": "linking",
        "body": [textual_body("tagging", relation.kind.as_str()), annotation_iri(relation.to.as_str())],
        "target": annotation_iri(relation.from.as_str()),
    })
}

/// A feature of the model we read correctly but cannot place in an article's text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Unsupported {
    NoTextSelector(Vec<String>),
    TargetNotText,
    PageByReference,
    ChoiceBody,
}

impl fmt::Display for Unsupported {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Unsupported::NoTextSelector(kinds) if !kinds.is_empty() => write!(
                f,
                "unsupported: only TextQuoteSelector and TextPositionSelector can be placed in a text, this target has {}",
                kinds.join(", ")
            ),
            Unsupported::NoTextSelector(_) | Unsupported::TargetNotText => write!(
                f,
                "unsupported: the target is a whole resource, not a span of text (no TextQuoteSelector or TextPositionSelector)"
            ),
            Unsupported::PageByReference => write!(
                f,
                "unsupported: the collection points to its pages by IRI; export the annotations with the page embedded"
            ),
            Unsupported::ChoiceBody => {
                write!(
                    f,
                    "unsupported: a Choice body; only its first option was read"
                )
            }
        }
    }
}

/// Reads a W3C Web Annotation file (one annotation, an array, a page or a collection).
pub fn read(text: &str) -> ImportBatch {
    let mut batch = ImportBatch::new(FORMAT_NAME);
    batch.offset_unit = Some(OffsetUnit::CodePoint);
    let root: Value = match serde_json::from_str(text) {
        Ok(root) => root,
        Err(error) => {
            batch.problems.push(Problem::error(
                format!("line {}", error.line()),
                format!("this is not valid JSON ({error}); a Web Annotation file must be JSON-LD"),
            ));
            return batch;
        }
    };
    read_value(&root, &mut batch);
    batch
}

/// Reads an already parsed JSON value into `batch`.
pub fn read_value(root: &Value, batch: &mut ImportBatch) {
    let root_context = root.get("@context");
    if let Some(Value::String(sha)) = root.get("aa:textSha256") {
        batch.text_sha256 = Some(sha.clone());
    }
    if let Some(Value::String(label)) = root.get("label") {
        batch.metadata.get_or_insert_with(Metadata::default).title = label.clone();
    }
    if let Some(Value::String(id)) = root.get("id")
        && let Some(encoded) = id.strip_prefix(COLLECTION_IRI_PREFIX)
    {
        batch.document_id = Some(percent_decode(encoded));
    }
    let annotations: Vec<(String, &Value)> = if has_type(root, "AnnotationCollection") {
        match root.get("first") {
            Some(page @ Value::Object(_)) => page_items(page, "$.first"),
            Some(Value::String(_)) => {
                batch.problems.push(Problem::error(
                    "$.first",
                    Unsupported::PageByReference.to_string(),
                ));
                Vec::new()
            }
            _ => {
                batch.problems.push(Problem::error(
                    "$",
                    "the AnnotationCollection has no first page",
                ));
                Vec::new()
            }
        }
    } else if has_type(root, "AnnotationPage") {
        page_items(root, "$")
    } else if let Value::Array(items) = root {
        items
            .iter()
            .enumerate()
            .map(|(i, item)| (format!("$[{i}]"), item))
            .collect()
    } else if root.is_object() {
        vec![("$".to_string(), root)]
    } else {
        batch.problems.push(Problem::error(
            "$",
            "this JSON holds no annotation: expected an Annotation, an array of them, an AnnotationPage or an AnnotationCollection",
        ));
        return;
    };
    let context = if root.is_array() { None } else { root_context };
    for (location, annotation) in annotations {
        read_annotation(annotation, context, &location, batch);
    }
}

fn page_items<'a>(page: &'a Value, path: &str) -> Vec<(String, &'a Value)> {
    match page.get("items") {
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(i, item)| (format!("{path}.items[{i}]"), item))
            .collect(),
        _ => Vec::new(),
    }
}

/// A bare UUID (`a88b22d0-…`, or `#a88b22d0-…` as RecogitoJS writes) as the IRI
/// `urn:uuid:…`; `None` for anything else.
fn uuid_iri(id: &str) -> Option<String> {
    let bare = id.strip_prefix('#').unwrap_or(id);
    let groups: Vec<&str> = bare.split('-').collect();
    let lengths = [8, 4, 4, 4, 12];
    let is_uuid = groups.len() == lengths.len()
        && groups.iter().zip(lengths).all(|(group, length)| {
            group.len() == length && group.chars().all(|c| c.is_ascii_hexdigit())
        });
    is_uuid.then(|| format!("urn:uuid:{}", bare.to_ascii_lowercase()))
}

/// What other tools write that the Recommendation does not allow but that loses nothing:
/// a bare UUID as the id (made `urn:uuid:…`), reported as a warning.
fn tolerate(annotation: &Value, location: &str, batch: &mut ImportBatch) -> Option<Value> {
    let id = annotation.get("id").and_then(Value::as_str)?;
    if is_iri(id) {
        return None;
    }
    let iri = uuid_iri(id)?;
    batch.problems.push(Problem::warning(
        location,
        format!("the id \"{id}\" is a bare UUID, not an IRI; read as {iri}"),
    ));
    let mut fixed = annotation.clone();
    if let Some(object) = fixed.as_object_mut() {
        object.insert("id".into(), Value::String(iri));
    }
    Some(fixed)
}

fn read_annotation(
    annotation: &Value,
    context: Option<&Value>,
    location: &str,
    batch: &mut ImportBatch,
) {
    let recogito_js = annotation
        .get("id")
        .and_then(Value::as_str)
        .is_some_and(|id| id.starts_with('#') && uuid_iri(id).is_some());
    let tolerated = tolerate(annotation, location, batch);
    let annotation = tolerated.as_ref().unwrap_or(annotation);
    let mut defects = structural_defects(annotation, context);
    // RecogitoJS (ids `#<uuid>`) writes targets without a source; anyone else is refused.
    if recogito_js && defects.contains(&Defect::TargetWithoutSource) {
        defects.retain(|defect| *defect != Defect::TargetWithoutSource);
        batch.problems.push(Problem::warning(
            location,
            "the target names no source document; placed on the open article by its quote",
        ));
    }
    if !defects.is_empty() {
        for defect in defects {
            batch
                .problems
                .push(Problem::error(location, defect.to_string()));
        }
        return;
    }
    let id = annotation.get("id").and_then(Value::as_str);
    let motivation = annotation
        .get("motivation")
        .and_then(Value::as_str)
        .unwrap_or("");
    if motivation == "linking"
        && let Some(relation) = relation_from(annotation, location)
    {
        batch.relations.push(relation);
        return;
    }
    let mut candidate = CandidateAnnotation {
        location: location.to_string(),
        id: id.map(|iri| id_from_iri(iri, ANNOTATION_IRI_PREFIX)),
        created: annotation
            .get("created")
            .and_then(Value::as_str)
            .map(str::to_string),
        modified: annotation
            .get("modified")
            .and_then(Value::as_str)
            .map(str::to_string),
        creator: annotation.get("creator").and_then(creator_name),
        ..CandidateAnnotation::default()
    };
    let mut bodies = Bodies {
        motivation: motivation.to_string(),
        ..Bodies::default()
    };
    if let Some(Value::String(value)) = annotation.get("bodyValue") {
        bodies.add_text(value, motivation, "");
    }
    if let Some(body) = annotation.get("body") {
        bodies.read(body, location, batch, 0);
    }
    candidate.note = bodies.notes.join("\n\n");
    candidate.attributes = bodies.attributes;
    candidate.tag = bodies.tag.unwrap_or_else(|| {
        if motivation.is_empty() {
            "annotation".into()
        } else {
            motivation.into()
        }
    });
    let Some(target) = annotation.get("target") else {
        return;
    };
    match read_target(target, &mut candidate, batch) {
        Ok(()) => batch.annotations.push(candidate),
        Err(unsupported) => batch
            .problems
            .push(Problem::error(location, unsupported.to_string())),
    }
}

/// What the bodies of one annotation say: the first tag, the notes, the attributes.
#[derive(Default)]
struct Bodies {
    /// The annotation's motivation, which a body without a `purpose` inherits.
    motivation: String,
    tag: Option<String>,
    notes: Vec<String>,
    attributes: BTreeMap<String, String>,
}

impl Bodies {
    /// Appends `value` to the attribute `key`, space-separated.
    fn append_attribute(&mut self, key: &str, value: &str) {
        let entry = self.attributes.entry(key.to_string()).or_default();
        if !entry.is_empty() {
            entry.push(' ');
        }
        entry.push_str(value);
    }

    /// A textual value for `purpose`: the first tag, further tags into the attribute
    /// `tags`, our JSON attributes, and anything else as a note.
    fn add_text(&mut self, value: &str, purpose: &str, format: &str) {
        match purpose {
            "tagging" | "classifying" if self.tag.is_none() => self.tag = Some(value.to_string()),
            "tagging" | "classifying" => self.append_attribute("tags", value),
            "describing" if format == "application/json" => {
                match serde_json::from_str::<BTreeMap<String, String>>(value) {
                    Ok(read) => self.attributes.extend(read),
                    Err(_) => self.notes.push(value.to_string()),
                }
            }
            _ => self.notes.push(value.to_string()),
        }
    }

    fn read(&mut self, body: &Value, location: &str, batch: &mut ImportBatch, depth: usize) {
        if depth > 8 {
            return;
        }
        for body in as_list(body) {
            match body {
                Value::String(iri) => self.append_attribute("body", iri),
                Value::Object(object) if has_type(body, "Choice") => {
                    batch.problems.push(Problem::warning(
                        location,
                        Unsupported::ChoiceBody.to_string(),
                    ));
                    if let Some(first) = object
                        .get("items")
                        .and_then(|items| as_list(items).first().copied())
                    {
                        self.read(first, location, batch, depth + 1);
                    }
                }
                Value::Object(object) => {
                    let text = |key: &str| object.get(key).and_then(Value::as_str);
                    let purpose = text("purpose").unwrap_or(&self.motivation).to_string();
                    match (text("value"), text("id").or(text("source"))) {
                        (Some(value), _) => {
                            self.add_text(value, &purpose, text("format").unwrap_or(""))
                        }
                        (None, Some(iri)) => self.append_attribute("body", iri),
                        (None, None) => {}
                    }
                }
                _ => {}
            }
        }
    }
}

fn read_target(
    target: &Value,
    candidate: &mut CandidateAnnotation,
    batch: &mut ImportBatch,
) -> Result<(), Unsupported> {
    let mut last_error = Unsupported::TargetNotText;
    let targets = as_list(target);
    for target in &targets {
        let Some(selector) = target.get("selector") else {
            continue;
        };
        let mut kinds = Vec::new();
        let mut quote = None;
        let mut position = None;
        collect_selectors(selector, &mut quote, &mut position, &mut kinds, 0);
        if quote.is_none() && position.is_none() {
            last_error = Unsupported::NoTextSelector(kinds);
            continue;
        }
        if let Some((exact, prefix, suffix)) = quote {
            candidate.quote = Some(exact);
            candidate.prefix = prefix;
            candidate.suffix = suffix;
        }
        if let Some((start, end)) = position {
            candidate.start = Some(start);
            candidate.end = Some(end);
        }
        note_source(target.get("source"), batch);
        if targets.len() > 1 {
            batch.problems.push(Problem::warning(
                candidate.location.clone(),
                "the annotation has several targets; only the first with a text selector was read",
            ));
        }
        return Ok(());
    }
    Err(last_error)
}

type Quote = (String, Option<String>, Option<String>);

fn collect_selectors(
    selector: &Value,
    quote: &mut Option<Quote>,
    position: &mut Option<(usize, usize)>,
    kinds: &mut Vec<String>,
    depth: usize,
) {
    if depth > 16 {
        return;
    }
    for selector in as_list(selector) {
        let text = |key: &str| {
            selector
                .get(key)
                .and_then(Value::as_str)
                .map(str::to_string)
        };
        let offset = |key: &str| {
            selector
                .get(key)
                .and_then(Value::as_u64)
                .and_then(|n| usize::try_from(n).ok())
        };
        if has_type(selector, "TextQuoteSelector") {
            if let (None, Some(exact)) = (&quote, text("exact")) {
                *quote = Some((exact, text("prefix"), text("suffix")));
            }
        } else if has_type(selector, "TextPositionSelector") {
            if let (None, Some(start), Some(end)) = (&position, offset("start"), offset("end")) {
                *position = Some((start, end));
            }
        } else {
            let kind = selector
                .get("type")
                .and_then(Value::as_str)
                .unwrap_or("an untyped selector");
            kinds.push(kind.to_string());
        }
        if let Some(refined) = selector.get("refinedBy") {
            collect_selectors(refined, quote, position, kinds, depth + 1);
        }
    }
}

fn note_source(source: Option<&Value>, batch: &mut ImportBatch) {
    let Some(Value::String(source)) = source else {
        return;
    };
    if let Some(sha) = source.strip_prefix(SHA256_IRI_PREFIX) {
        batch.text_sha256.get_or_insert_with(|| sha.to_string());
    } else if source.starts_with("http://") || source.starts_with("https://") {
        let metadata = batch.metadata.get_or_insert_with(Metadata::default);
        if metadata.url.is_empty() {
            metadata.url = source.clone();
        }
    }
}

/// A `linking` annotation between two annotations: the target is the `from` IRI, the body
/// holds the `to` IRI and a `tagging` TextualBody with the kind.
fn relation_from(annotation: &Value, location: &str) -> Option<CandidateRelation> {
    let from = annotation.get("target")?.as_str()?;
    let bodies = as_list(annotation.get("body")?);
    let to = bodies.iter().find_map(|body| match body {
        Value::String(iri) => Some(iri.as_str()),
        Value::Object(object) if !object.contains_key("value") => {
            object.get("id").and_then(Value::as_str)
        }
        _ => None,
    })?;
    let kind = bodies
        .iter()
        .find(|body| body.get("purpose").and_then(Value::as_str) == Some("tagging"))
        .and_then(|body| body.get("value").and_then(Value::as_str))
        .unwrap_or("linking");
    Some(CandidateRelation {
        location: location.to_string(),
        id: annotation
            .get("id")
            .and_then(Value::as_str)
            .map(|iri| id_from_iri(iri, RELATION_IRI_PREFIX)),
        kind: kind.to_string(),
        from: id_from_iri(from, ANNOTATION_IRI_PREFIX),
        to: id_from_iri(to, ANNOTATION_IRI_PREFIX),
    })
}

/// The name of the model's `creator`: a string (an IRI or a name), an Agent object's `name`
/// or `nickname`, or the first of a list.
fn creator_name(value: &Value) -> Option<String> {
    let name = match value {
        Value::String(name) => Some(name.clone()),
        Value::Object(agent) => ["name", "nickname", "id"]
            .iter()
            .find_map(|key| agent.get(*key).and_then(Value::as_str))
            .map(str::to_string),
        Value::Array(list) => list.first().and_then(creator_name),
        _ => None,
    };
    name.map(|n| n.trim().to_string()).filter(|n| !n.is_empty())
}
