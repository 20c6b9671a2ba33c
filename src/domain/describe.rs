//! Short sentences about commands for people: announced in the UI's live region after each
//! change ("Claim added: “The minister said…”"), and after undo ("Undone: Note edited").
//!
//! Quotes are folded to one line and shortened, so an announcement stays brief however long
//! the annotated span is.

use crate::domain::annotation::AnnotationId;
use crate::domain::command::{Command, TagRemoval};
use crate::domain::document::Document;
use crate::domain::tag::TagId;

/// How many characters of a quote a description shows before shortening it with "…".
pub const DESCRIPTION_QUOTE_LEN: usize = 40;

impl Command {
    /// A short sentence for people about what the command does to `document` (as it is
    /// before the command): "Claim added: “The minister said…”".
    pub fn describe(&self, document: &Document) -> String {
        let quote_of = |id: &AnnotationId| {
            document
                .annotation(id)
                .map_or_else(|| id.to_string(), |a| quoted(&a.quote))
        };
        let label_of = |id: &TagId| {
            document
                .tags
                .get(id)
                .map_or_else(|| id.to_string(), |t| t.label.clone())
        };
        match self {
            Command::CreateAnnotation { tag, range, .. } => {
                let quote = document.text.slice(*range).unwrap_or_default();
                format!("{} added: {}", label_of(tag), quoted(quote))
            }
            Command::DeleteAnnotation { id } => match document.annotation(id) {
                Some(annotation) => {
                    format!(
                        "{} deleted: {}",
                        label_of(&annotation.tag),
                        quoted(&annotation.quote)
                    )
                }
                None => format!("Annotation {id} deleted"),
            },
            Command::Retag { id, tag } => format!("{} is now {}", quote_of(id), label_of(tag)),
            Command::EditNote { .. } => "Note edited".to_string(),
            Command::AcceptAnchor { id } => format!("Position accepted: {}", quote_of(id)),
            Command::MoveAnnotation { id, range } => {
                let quote = document.text.slice(*range).unwrap_or_default();
                format!("{} moved to {}", quote_of(id), quoted(quote))
            }
            Command::SetAttribute { name, .. } => format!("Attribute “{name}” set"),
            Command::RemoveAttribute { name, .. } => format!("Attribute “{name}” removed"),
            Command::SetAttributes { attributes, .. } => match attributes.len() {
                1 => "1 attribute set".to_string(),
                count => format!("{count} attributes set"),
            },
            Command::AddRelation { kind, from, to, .. } => {
                format!(
                    "Link added: {} {} {}",
                    quote_of(from),
                    kind.label(),
                    quote_of(to)
                )
            }
            Command::RemoveRelation { id } => match document.relation(id) {
                Some(relation) => format!(
                    "Link removed: {} {} {}",
                    quote_of(&relation.from),
                    relation.kind.label(),
                    quote_of(&relation.to)
                ),
                None => format!("Link {id} removed"),
            },
            Command::EditMetadata { .. } => "Article details edited".to_string(),
            Command::AddTag { tag } => format!("Tag “{}” added", tag.label),
            Command::EditTag { tag } => format!("Tag “{}” edited", tag.label),
            Command::RemoveTag { id, annotations } => {
                let count = document.count_by_tag(id);
                let label = label_of(id);
                match (annotations, count) {
                    (_, 0) => format!("Tag “{label}” removed"),
                    (TagRemoval::ReassignTo(target), _) => format!(
                        "Tag “{label}” removed; {} now {}",
                        annotation_count(count),
                        label_of(target)
                    ),
                    (TagRemoval::DeleteAnnotations, _) => {
                        format!("Tag “{label}” removed with its {}", annotation_count(count))
                    }
                }
            }
            Command::Import(plan) => plan.describe(),
        }
    }
}

fn annotation_count(count: usize) -> String {
    match count {
        1 => "1 annotation".to_string(),
        _ => format!("{count} annotations"),
    }
}

/// A quote in typographic quotes, on one line, shortened to [`DESCRIPTION_QUOTE_LEN`].
pub fn quoted(quote: &str) -> String {
    format!("“{}”", shorten(quote, DESCRIPTION_QUOTE_LEN))
}

/// One of the app's own messages with its first letter upper-cased, as a sentence starts
/// (error messages are written to follow a colon, and shown on their own in notices). The
/// messages are the app's English, so only an ASCII first letter is raised: a message that
/// starts with a name (a file's, a tag's) keeps a non-ASCII name as written, and the first
/// paint need not carry Unicode's upper-case table (see [`capitalise_name`]).
pub fn capitalise(message: &str) -> String {
    let mut message = message.to_string();
    if let Some(first) = message.get_mut(..1) {
        first.make_ascii_uppercase();
    }
    message
}

/// A name a person gave (a relation's kind) with its first letter upper-cased in any script:
/// "réfute" → "Réfute".
pub fn capitalise_name(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// `text` with runs of whitespace folded to one space, cut to `max` characters with "…".
pub fn shorten(text: &str, max: usize) -> String {
    let folded = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if folded.chars().count() <= max {
        return folded;
    }
    let kept: String = folded.chars().take(max.saturating_sub(1)).collect();
    format!("{}…", kept.trim_end())
}

#[cfg(test)]
mod tests {
    use super::{capitalise, capitalise_name};

    #[test]
    fn messages_start_with_a_capital_and_names_keep_their_spelling() {
        assert_eq!(
            capitalise("not valid JSON: line 3"),
            "Not valid JSON: line 3"
        );
        assert_eq!(
            capitalise("été.json is not a file this app reads"),
            "été.json is not a file this app reads"
        );
        assert_eq!(capitalise("“quoted” first"), "“quoted” first");
        assert_eq!(capitalise(""), "");
    }

    #[test]
    fn a_persons_name_is_capitalised_in_any_script() {
        assert_eq!(capitalise_name("réfute"), "Réfute");
        assert_eq!(capitalise_name("опровергает"), "Опровергает");
        assert_eq!(capitalise_name("supports"), "Supports");
        assert_eq!(capitalise_name(""), "");
    }
}
