//! brat standoff: the text in a `.txt` file and the annotations in a `.ann` file beside it,
//! offsets in code points of the `.txt` exactly as stored (a BOM and `\r` count).
//!
//! Export: `T` lines for spans, `A` lines for attributes, `#` AnnotatorNotes lines for notes,
//! `R` lines for relations. brat's text column cannot hold a line break, so a span crossing
//! one is written as fragments split at the line breaks (`T1\tclaim 0 5;6 11\tfirst second`),
//! as brat itself does. Leading or trailing line breaks of a span are therefore dropped.
//! brat values and type names cannot contain spaces: attribute names and values and relation
//! kinds are percent-encoded (`%20` for a space, `%25` for `%`), and notes escape `\`, tab,
//! CR and LF as `\\`, `\t`, `\r`, `\n`.
//!
//! Import: a discontinuous span (`0 5;29 39`) is imported as the covering span (first start
//! to last end) with a warning, unless the gaps between fragments are only line breaks (our
//! own multi-line export), which is the same span without loss. Events (`E`), equivalences
//! (`*`) and normalisations (`N`) are reported as unsupported.

use crate::domain::document::Document;
use crate::domain::import::{
    CandidateAnnotation, CandidateRelation, ImportBatch, OffsetUnit, Problem,
};
use crate::domain::interchange::encoding::{not_utf8_message, percent_decode, percent_encode};
use crate::domain::text::{CodePointOffset, TextIndex};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

pub const FORMAT_NAME: &str = "brat standoff";

fn brat_safe(c: char) -> bool {
    !c.is_whitespace() && !c.is_control() && c != ':'
}

fn escape_note(note: &str) -> String {
    let mut out = String::with_capacity(note.len());
    for c in note.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            other => out.push(other),
        }
    }
    out
}

fn unescape_note(note: &str) -> String {
    let mut out = String::with_capacity(note.len());
    let mut chars = note.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('t') => out.push('\t'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

fn is_line_break(c: char) -> bool {
    matches!(
        c,
        '\n' | '\r' | '\u{2028}' | '\u{2029}' | '\u{85}' | '\u{0b}' | '\u{0c}'
    )
}

/// The pieces of `quote` (starting at code point `start`) between line breaks, as
/// `(start, end, text)`; a quote with no piece is one fragment with breaks turned to spaces.
fn fragments(quote: &str, start: usize) -> Vec<(usize, usize, String)> {
    let mut pieces = Vec::new();
    let mut current: Option<(usize, String)> = None;
    for (i, c) in quote.chars().enumerate() {
        if is_line_break(c) {
            if let Some((from, text)) = current.take() {
                pieces.push((start + from, start + i, text));
            }
        } else {
            current.get_or_insert_with(|| (i, String::new())).1.push(c);
        }
    }
    let length = quote.chars().count();
    if let Some((from, text)) = current {
        pieces.push((start + from, start + length, text));
    }
    if pieces.is_empty() {
        let text = quote
            .chars()
            .map(|c| if is_line_break(c) { ' ' } else { c })
            .collect();
        pieces.push((start, start + length, text));
    }
    pieces
}

/// The two files: `(".txt", text)` and `(".ann", annotations)`.
pub fn export(document: &Document) -> Vec<(String, String)> {
    let mut ann = String::new();
    let mut numbers = BTreeMap::new();
    let mut attribute_number = 0;
    let mut note_number = 0;
    for (index, annotation) in document.annotations_in_text_order().into_iter().enumerate() {
        let t = format!("T{}", index + 1);
        numbers.insert(annotation.id.clone(), t.clone());
        let pieces = fragments(&annotation.quote, annotation.start().0);
        let spans: Vec<String> = pieces.iter().map(|(s, e, _)| format!("{s} {e}")).collect();
        let texts: Vec<&str> = pieces.iter().map(|(_, _, text)| text.as_str()).collect();
        let tag = percent_encode(annotation.tag.as_str(), brat_safe);
        // Writing to a String cannot fail.
        let _ = writeln!(ann, "{t}\t{tag} {}\t{}", spans.join(";"), texts.join(" "));
        for (key, value) in &annotation.attributes {
            attribute_number += 1;
            let key = percent_encode(key, brat_safe);
            let value = percent_encode(value, brat_safe);
            // Writing to a String cannot fail.
            let _ = writeln!(ann, "A{attribute_number}\t{key} {t} {value}");
        }
        if !annotation.note.is_empty() {
            note_number += 1;
            // Writing to a String cannot fail.
            let _ = writeln!(
                ann,
                "#{note_number}\tAnnotatorNotes {t}\t{}",
                escape_note(&annotation.note)
            );
        }
    }
    let mut relation_number = 0;
    for relation in &document.relations {
        let (Some(from), Some(to)) = (numbers.get(&relation.from), numbers.get(&relation.to))
        else {
            continue;
        };
        relation_number += 1;
        let kind = percent_encode(relation.kind.as_str(), brat_safe);
        // Writing to a String cannot fail.
        let _ = writeln!(ann, "R{relation_number}\t{kind} Arg1:{from} Arg2:{to}\t");
    }
    vec![
        (".txt".to_string(), document.text.as_str().to_string()),
        (".ann".to_string(), ann),
    ]
}

/// Reads a `.ann` and its `.txt` as bytes, refusing either when it is not UTF-8.
pub fn read_files(ann: &[u8], txt: &[u8]) -> ImportBatch {
    match std::str::from_utf8(txt) {
        Ok(text) => read(ann, Some(text)),
        Err(error) => {
            let mut batch = ImportBatch::new(FORMAT_NAME);
            batch
                .problems
                .push(Problem::error(".txt", not_utf8_message(&error, txt)));
            batch
        }
    }
}

/// Reads a `.ann` file. With the `.txt` text, offsets are checked against it (out of range:
/// refused; quote differs: warning, kept with the file's quote for re-anchoring).
pub fn read(ann: &[u8], text: Option<&str>) -> ImportBatch {
    let mut batch = ImportBatch::new(FORMAT_NAME);
    batch.offset_unit = Some(OffsetUnit::CodePoint);
    batch.text = text.map(str::to_string);
    let ann = match std::str::from_utf8(ann) {
        Ok(ann) => ann,
        Err(error) => {
            batch
                .problems
                .push(Problem::error(".ann", not_utf8_message(&error, ann)));
            return batch;
        }
    };
    let ann = ann.strip_prefix('\u{feff}').unwrap_or(ann);
    let reader = Reader {
        text,
        index: text.map(TextIndex::new),
    };
    let mut seen = BTreeSet::new();
    let mut relations = Vec::new();
    let mut attributes = Vec::new();
    let mut notes = Vec::new();
    for (number, line) in ann.split('\n').enumerate() {
        let location = format!("line {}", number + 1);
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.trim().is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.splitn(3, '\t').collect();
        let id = fields.first().copied().unwrap_or("");
        if fields.len() < 2 {
            batch.problems.push(Problem::error(
                location,
                "expected TAB-separated fields (id, TAB, annotation); this line has no TAB",
            ));
            continue;
        }
        let body = fields.get(1).copied().unwrap_or("");
        let kind = id.chars().next().unwrap_or(' ');
        if matches!(kind, 'T' | 'R' | 'A' | 'M' | 'E' | 'N') && !seen.insert(id.to_string()) {
            batch.problems.push(Problem::error(
                location,
                format!("duplicate id {id}: this line was skipped, the first {id} kept"),
            ));
            continue;
        }
        match kind {
            'T' => match reader.span(
                id,
                body,
                fields.get(2).copied(),
                &location,
                &mut batch.problems,
            ) {
                Some(candidate) => batch.annotations.push(candidate),
                None => {
                    seen.remove(id);
                }
            },
            'R' => relations.push((location, id.to_string(), body.to_string())),
            'A' | 'M' => attributes.push((location, body.to_string())),
            '#' => notes.push((
                location,
                body.to_string(),
                fields.get(2).copied().unwrap_or("").to_string(),
            )),
            'E' | '*' | 'N' => {
                let what = match kind {
                    'E' => "events",
                    '*' => "equivalence sets",
                    _ => "normalisations",
                };
                batch.problems.push(Problem::warning(
                    location,
                    format!("brat {what} ({id}) are not supported; skipped"),
                ));
            }
            _ => batch.problems.push(Problem::warning(
                location,
                format!("unknown brat annotation kind \"{id}\"; skipped"),
            )),
        }
    }
    let by_id: BTreeMap<String, usize> = batch
        .annotations
        .iter()
        .enumerate()
        .filter_map(|(i, a)| a.id.clone().map(|id| (id, i)))
        .collect();
    for (location, body) in attributes {
        let parts: Vec<&str> = body.split(' ').filter(|p| !p.is_empty()).collect();
        let (name, target, value) = match parts.as_slice() {
            [name, target] => (*name, *target, "true".to_string()),
            [name, target, value @ ..] => (*name, *target, percent_decode(&value.join(" "))),
            _ => {
                batch.problems.push(Problem::error(
                    location,
                    "an attribute line needs a name and an annotation id",
                ));
                continue;
            }
        };
        match by_id
            .get(target)
            .and_then(|i| batch.annotations.get_mut(*i))
        {
            Some(candidate) => {
                candidate.attributes.insert(percent_decode(name), value);
            }
            None if !target.starts_with('T') => batch.problems.push(Problem::warning(
                location,
                format!("an attribute on {target}, which is not a span; skipped"),
            )),
            None => batch.problems.push(Problem::error(
                location,
                format!("an attribute on unknown annotation {target}"),
            )),
        }
    }
    for (location, body, note) in notes {
        let target = body.split(' ').nth(1).unwrap_or("");
        match by_id
            .get(target)
            .and_then(|i| batch.annotations.get_mut(*i))
        {
            Some(candidate) => {
                if !candidate.note.is_empty() {
                    candidate.note.push_str("\n\n");
                }
                candidate.note.push_str(&unescape_note(&note));
            }
            None => batch.problems.push(Problem::warning(
                location,
                format!("a note on {target}, which is not a span; skipped"),
            )),
        }
    }
    for (location, id, body) in relations {
        if let Some(relation) = read_relation(&id, &body, &location, &by_id, &mut batch.problems) {
            batch.relations.push(relation);
        }
    }
    batch
}

fn read_relation(
    id: &str,
    body: &str,
    location: &str,
    spans: &BTreeMap<String, usize>,
    problems: &mut Vec<Problem>,
) -> Option<CandidateRelation> {
    let mut parts = body.split(' ').filter(|p| !p.is_empty());
    let kind = parts.next().unwrap_or("");
    let arguments: Vec<&str> = parts
        .filter_map(|p| p.split_once(':').map(|(_, target)| target))
        .collect();
    let [from, to] = arguments.as_slice() else {
        problems.push(Problem::error(
            location,
            format!("relation {id} needs two arguments (Arg1:T1 Arg2:T2)"),
        ));
        return None;
    };
    for target in [from, to] {
        if !spans.contains_key(*target) {
            problems.push(Problem::error(
                location,
                format!("relation {id} refers to unknown annotation {target}"),
            ));
            return None;
        }
    }
    Some(CandidateRelation {
        location: location.to_string(),
        id: Some(id.to_string()),
        kind: percent_decode(kind),
        from: from.to_string(),
        to: to.to_string(),
    })
}

struct Reader<'a> {
    text: Option<&'a str>,
    index: Option<TextIndex>,
}

impl Reader<'_> {
    fn slice(&self, start: usize, end: usize) -> Option<String> {
        let (text, index) = (self.text?, self.index.as_ref()?);
        let start = index.to_byte(CodePointOffset(start)).ok()?.0;
        let end = index.to_byte(CodePointOffset(end)).ok()?.0;
        text.get(start..end).map(str::to_string)
    }

    fn span(
        &self,
        id: &str,
        body: &str,
        file_quote: Option<&str>,
        location: &str,
        problems: &mut Vec<Problem>,
    ) -> Option<CandidateAnnotation> {
        let (tag, offsets) = body.split_once(' ')?;
        let mut pieces = Vec::new();
        for piece in offsets.split(';') {
            let numbers: Vec<&str> = piece.split(' ').filter(|p| !p.is_empty()).collect();
            let parsed = match numbers.as_slice() {
                [start, end] => start.parse::<usize>().ok().zip(end.parse::<usize>().ok()),
                _ => None,
            };
            let Some((start, end)) = parsed else {
                problems.push(Problem::error(
                    location,
                    format!("{id}: offsets \"{piece}\" must be two non-negative whole numbers \"start end\""),
                ));
                return None;
            };
            if end < start {
                problems.push(Problem::error(
                    location,
                    format!("{id}: the span ends at {end}, before its start {start}"),
                ));
                return None;
            }
            pieces.push((start, end));
        }
        let length = self.index.as_ref().map(TextIndex::len_code_points);
        if let Some(length) = length
            && let Some((_, end)) = pieces.iter().find(|(_, end)| *end > length)
        {
            problems.push(Problem::error(
                location,
                format!("{id}: offset {end} is past the end of the text ({length} characters)"),
            ));
            return None;
        }
        let start = pieces.iter().map(|p| p.0).min()?;
        let end = pieces.iter().map(|p| p.1).max()?;
        let mut quote = file_quote.map(str::to_string);
        if pieces.len() > 1 {
            let covering = self.slice(start, end);
            let mut sorted = pieces.clone();
            sorted.sort();
            let gaps_are_breaks = sorted.windows(2).all(|pair| match pair {
                [(_, gap_start), (gap_end, _)] => self
                    .slice(*gap_start, (*gap_end).max(*gap_start))
                    .is_some_and(|gap| !gap.is_empty() && gap.chars().all(is_line_break)),
                _ => false,
            });
            if !gaps_are_breaks {
                problems.push(Problem::warning(
                    location,
                    format!("{id}: discontinuous span ({offsets}) imported as the covering span {start}-{end}"),
                ));
            }
            quote = covering;
        } else if let (Some(in_file), Some(in_text)) = (file_quote, self.slice(start, end))
            && in_file != in_text
        {
            problems.push(Problem::warning(
                location,
                format!("{id}: the text at {start}-{end} is \"{in_text}\", not the quoted \"{in_file}\"; it will be placed by its quote"),
            ));
        }
        Some(CandidateAnnotation {
            location: location.to_string(),
            id: Some(id.to_string()),
            tag: percent_decode(tag),
            start: Some(start),
            end: Some(end),
            quote,
            ..CandidateAnnotation::default()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fragments_split_at_line_breaks() {
        assert_eq!(
            fragments("ab\ncd", 10),
            vec![(10, 12, "ab".into()), (13, 15, "cd".into())]
        );
        assert_eq!(
            fragments("ab\r\n\ncd", 0),
            vec![(0, 2, "ab".into()), (5, 7, "cd".into())]
        );
        assert_eq!(fragments("\n", 3), vec![(3, 4, " ".into())]);
    }

    #[test]
    fn notes_escape_round_trip() {
        for note in ["a\nb", "tab\there", "back\\slash\\n", "\r\n"] {
            assert!(!escape_note(note).contains(['\n', '\t', '\r']));
            assert_eq!(unescape_note(&escape_note(note)), note);
        }
    }
}
