//! brat standoff: the text in a `.txt` file and the annotations in a `.ann` file beside it,
//! offsets in code points of the `.txt` exactly as stored (a BOM and `\r` count).
//!
//! Export: `T` lines for spans, `A` lines for attributes, `#` AnnotatorNotes lines for notes,
//! `R` lines for relations. brat's text column cannot hold a line break, so a span crossing
//! one is written as fragments split at the line breaks (`T1\tclaim 0 5;6 11\tfirst second`),
//! as brat itself does. A span that starts or ends with line breaks keeps them in its first
//! or last fragment's offsets (the text column shows them as spaces), so it comes back
//! exactly. Orphaned annotations have no offsets and are left out (listed by
//! [`super::export_with_report`]).
//! brat values and type names cannot contain spaces: attribute names and values and relation
//! kinds are percent-encoded (`%20` for a space, `%25` for `%`), and notes escape `\`, tab,
//! CR and LF as `\\`, `\t`, `\r`, `\n`.
//!
//! Import: a span whose fragments are separated only by line breaks (our own multi-line
//! export) is the one span it covers. A discontinuous span (`T1 Entity 0 5;29 39`) is kept
//! faithfully as one annotation per fragment (`T1`, `T1-2`, …), each later fragment linked
//! to the first by a [`FRAGMENT_RELATION`] relation; the brat export joins them back into
//! one `T` line. The text column is always checked against the offsets: when it differs,
//! the fragments are placed by the file's quote. Events (`E`), equivalences (`*`) and
//! normalisations (`N`) are reported as unsupported.

use crate::domain::annotation::{Annotation, AnnotationId};
use crate::domain::document::Document;
use crate::domain::import::{
    CandidateAnnotation, CandidateRelation, ImportBatch, OffsetUnit, Problem,
};
use crate::domain::interchange::encoding::{not_utf8_message, percent_decode, percent_encode};
use crate::domain::sorting;
use crate::domain::text::{CodePointOffset, TextIndex};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

pub const FORMAT_NAME: &str = "brat standoff";

/// The relation kind linking a later fragment of a discontinuous brat span to its first
/// fragment (from the later fragment to the first).
pub const FRAGMENT_RELATION: &str = "fragment_of";

/// Line breaks shown as spaces: how the text column shows a span's text.
fn as_column(text: &str) -> String {
    text.chars()
        .map(|c| if is_line_break(c) { ' ' } else { c })
        .collect()
}

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
/// `(start, end, text)`. Line breaks before the first piece or after the last stay in that
/// piece (the text shows them as spaces), so the pieces cover exactly the quote's ends; a
/// quote of line breaks only is one piece.
fn fragments(quote: &str, start: usize) -> Vec<(usize, usize, String)> {
    let mut pieces: Vec<(usize, usize)> = Vec::new();
    let mut current: Option<usize> = None;
    let mut length = 0;
    for (i, c) in quote.chars().enumerate() {
        length = i + 1;
        if is_line_break(c) {
            if let Some(from) = current.take() {
                pieces.push((from, i));
            }
        } else if current.is_none() {
            current = Some(i);
        }
    }
    if let Some(from) = current {
        pieces.push((from, length));
    }
    if pieces.is_empty() {
        pieces.push((0, length));
    }
    if let Some(first) = pieces.first_mut() {
        first.0 = 0;
    }
    if let Some(last) = pieces.last_mut() {
        last.1 = length;
    }
    let chars: Vec<char> = quote.chars().collect();
    pieces
        .into_iter()
        .map(|(from, to)| {
            let text: String = chars.get(from..to).unwrap_or_default().iter().collect();
            (start + from, start + to, as_column(&text))
        })
        .collect()
}

/// The two files: `(".txt", text)` and `(".ann", annotations)`.
pub fn export(document: &Document) -> Vec<(String, String)> {
    let mut ann = String::new();
    let mut numbers = BTreeMap::new();
    let mut attribute_number = 0;
    let mut note_number = 0;
    // Later fragments of a discontinuous span, by the first fragment's id.
    let mut continuations: BTreeMap<&AnnotationId, Vec<&Annotation>> = BTreeMap::new();
    let mut is_continuation: BTreeSet<&AnnotationId> = BTreeSet::new();
    for relation in &document.relations {
        if relation.kind.as_str() != FRAGMENT_RELATION {
            continue;
        }
        if let (Some(later), Some(first)) = (
            document.annotation(&relation.from),
            document.annotation(&relation.to),
        ) && !later.is_orphan()
            && !first.is_orphan()
            && later.tag == first.tag
        {
            continuations.entry(&first.id).or_default().push(later);
            is_continuation.insert(&later.id);
        }
    }
    let mut number = 0;
    for annotation in document.annotations_in_text_order() {
        if annotation.is_orphan() || is_continuation.contains(&annotation.id) {
            continue;
        }
        number += 1;
        let t = format!("T{number}");
        numbers.insert(annotation.id.clone(), t.clone());
        let mut pieces = fragments(&annotation.quote, annotation.start().0);
        for later in continuations.get(&annotation.id).into_iter().flatten() {
            numbers.insert(later.id.clone(), t.clone());
            pieces.extend(fragments(&later.quote, later.start().0));
        }
        sorting::sort(&mut pieces);
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
        if from == to && relation.kind.as_str() == FRAGMENT_RELATION {
            continue;
        }
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
            // A refused file leaves nothing behind: without the text, no empty document is
            // made from the `.txt`.
            batch.text = None;
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
    let mut fragment_links = Vec::new();
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
                Some(fragments) => {
                    let first = id.to_string();
                    for (k, candidate) in fragments.into_iter().enumerate() {
                        if k > 0
                            && let Some(later) = candidate.id.clone()
                        {
                            fragment_links.push(CandidateRelation {
                                location: location.clone(),
                                id: None,
                                kind: FRAGMENT_RELATION.to_string(),
                                from: later,
                                to: first.clone(),
                            });
                        }
                        batch.annotations.push(candidate);
                    }
                }
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
    let by_id: BTreeMap<String, usize> = sorting::map_of(
        batch
            .annotations
            .iter()
            .enumerate()
            .filter_map(|(i, a)| a.id.clone().map(|id| (id, i))),
    );
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
    batch.relations.extend(fragment_links);
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
    ) -> Option<Vec<CandidateAnnotation>> {
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
        let make =
            |id: String, start: usize, end: usize, quote: Option<String>| CandidateAnnotation {
                location: location.to_string(),
                id: Some(id),
                tag: percent_decode(tag),
                start: Some(start),
                end: Some(end),
                quote,
                ..CandidateAnnotation::default()
            };
        let mut sorted = pieces.clone();
        sorting::sort(&mut sorted);
        let start = sorted.first().map(|p| p.0)?;
        let end = sorted.iter().map(|p| p.1).max()?;
        let gaps_are_breaks = sorted.windows(2).all(|pair| match pair {
            [(_, gap_start), (gap_end, _)] => self
                .slice(*gap_start, (*gap_end).max(*gap_start))
                .is_some_and(|gap| !gap.is_empty() && gap.chars().all(is_line_break)),
            _ => false,
        });
        if sorted.len() == 1 || gaps_are_breaks {
            // One span: the text column shows its fragments joined by spaces, line breaks
            // as spaces, which is the covered text with its line breaks turned to spaces.
            let covered = self.slice(start, end);
            let shown: Option<String> = covered.as_deref().map(|covered| {
                let pieces = fragments(covered, start);
                let texts: Vec<&str> = pieces.iter().map(|(_, _, t)| t.as_str()).collect();
                texts.join(" ")
            });
            let quote = match (file_quote, covered) {
                (Some(in_file), Some(covered))
                    if shown.as_deref() == Some(in_file) || as_column(&covered) == in_file =>
                {
                    Some(covered)
                }
                // Without the text there is nothing to check the quote against yet.
                (Some(in_file), None) => Some(in_file.to_string()),
                (Some(in_file), Some(covered)) => {
                    let found = as_column(&covered);
                    problems.push(Problem::warning(
                        location,
                        format!("{id}: the text at {offsets} is \"{found}\", not the quoted \"{in_file}\"; it will be placed by its quote"),
                    ));
                    Some(in_file.to_string())
                }
                (None, covered) => covered,
            };
            return Some(vec![make(id.to_string(), start, end, quote)]);
        }
        // Discontinuous: one annotation per fragment, each checked against its part of the
        // text column (fragments joined by single spaces, in file order).
        let slices: Vec<Option<String>> = pieces.iter().map(|(s, e)| self.slice(*s, *e)).collect();
        let quotes: Vec<Option<String>> = match file_quote {
            None => slices.clone(),
            Some(in_file) => {
                let mut parts = Vec::new();
                let mut rest: Vec<char> = in_file.chars().collect();
                let mut fits = true;
                for (k, (s, e)) in pieces.iter().enumerate() {
                    let length = e - s;
                    if rest.len() < length {
                        fits = false;
                        break;
                    }
                    let part: String = rest.drain(..length).collect();
                    parts.push(Some(part));
                    if k + 1 < pieces.len() && rest.first() == Some(&' ') {
                        rest.remove(0);
                    } else if k + 1 < pieces.len() {
                        fits = false;
                        break;
                    }
                }
                if !fits || !rest.is_empty() {
                    problems.push(Problem::warning(
                        location,
                        format!("{id}: the quoted \"{in_file}\" does not split into the fragments {offsets}; the fragments were placed at their offsets, check them"),
                    ));
                    slices.clone()
                } else {
                    for (part, slice) in parts.iter().zip(&slices) {
                        if part != slice {
                            problems.push(Problem::warning(
                                location,
                                format!("{id}: the text of a fragment is \"{}\", not the quoted \"{}\"; it will be placed by its quote", slice.as_deref().unwrap_or(""), part.as_deref().unwrap_or("")),
                            ));
                        }
                    }
                    parts
                }
            }
        };
        problems.push(Problem::warning(
            location,
            format!("{id}: discontinuous span ({offsets}) kept as {} fragments linked as \"{FRAGMENT_RELATION}\"; the gaps are not highlighted", pieces.len()),
        ));
        Some(
            pieces
                .iter()
                .zip(quotes)
                .enumerate()
                .map(|(k, ((s, e), quote))| {
                    let fragment_id = if k == 0 {
                        id.to_string()
                    } else {
                        format!("{id}-{}", k + 1)
                    };
                    make(fragment_id, *s, *e, quote)
                })
                .collect(),
        )
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
        assert_eq!(
            fragments("\nab\ncd\n\n", 0),
            vec![(0, 3, " ab".into()), (4, 8, "cd  ".into())]
        );
    }

    #[test]
    fn notes_escape_round_trip() {
        for note in ["a\nb", "tab\there", "back\\slash\\n", "\r\n"] {
            assert!(!escape_note(note).contains(['\n', '\t', '\r']));
            assert_eq!(unescape_note(&escape_note(note)), note);
        }
    }
}
