//! A stored document in parts, so that saving one edit writes a few kilobytes instead of the
//! whole entry: serialising and writing 3.4 M characters (a 1 MB article with 20,000
//! annotations) took about 60 ms of the main thread after every edit.
//!
//! The entry (layout version [`PARTS_ENTRY_VERSION`]) is a *head*, the text, and the
//! annotations split into parts by a hash of their id. The head is the native document
//! without its text and annotations (metadata, tags, relations: small, and rewritten with
//! every save since it carries the revision) plus the [`PartList`]: the revision each part
//! was last written at. The browser edge names each part's key after its revision, so a save
//! writes the changed parts under new keys, then the head, and only then removes the keys
//! the head no longer lists: a reader (another tab, a reload, a failed write half-way) always
//! finds exactly the parts its head lists.
//!
//! Parts are chosen by id, not by position: an annotation stays in its part for its whole
//! life, so an edit, an undo or a deletion anywhere in the text touches the one part of the
//! annotations it changes (by position, deleting one would move every later one). About
//! [`ANNOTATIONS_PER_PART`] annotations go into a part; the number of parts is a power of two
//! fixed when the text is written, and split anew (the whole entry written once) when the
//! document grows past four times that.
//!
//! Everything here is pure: which parts an edit changed ([`plan_save`]), the head, and putting
//! the parts back together into exactly the document the single-key entry gives
//! ([`assemble`]). The browser edge (`web/storage/library.rs`) only moves the strings.

use crate::domain::annotation::Annotation;
use crate::domain::change::Touched;
use crate::domain::document::Document;
use crate::domain::format::library::{
    ENTRY_VERSION, EntryError, EntryReader, StoredEntry, parse_entry_json, read_entry_text,
    read_refused_entry,
};
use crate::domain::format::native::{NativeFile, WriteOptions, compact_annotations_json};
use crate::domain::sorting;
use crate::domain::text::Text;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The entry layout of a head (`entry_version`); the single-key entry is version 2.
pub const PARTS_ENTRY_VERSION: u64 = 3;

/// About how many annotations one part holds (the split aims at this many).
pub const ANNOTATIONS_PER_PART: usize = 100;

/// The most parts one document is split into.
pub const MAX_PARTS: usize = 1024;

/// How many parts a document with `count` annotations is split into: a power of two giving
/// at most [`ANNOTATIONS_PER_PART`] annotations a part on average.
pub fn parts_for(count: usize) -> usize {
    count
        .div_ceil(ANNOTATIONS_PER_PART)
        .next_power_of_two()
        .clamp(1, MAX_PARTS)
}

/// The part annotation `id` is stored in, out of `parts`.
pub fn part_of(id: &str, parts: usize) -> usize {
    // FNV-1a, then a finaliser (splitmix64) so that ids differing only in their last
    // characters spread over every part.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in id.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash ^= hash >> 30;
    hash = hash.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    hash ^= hash >> 27;
    hash = hash.wrapping_mul(0x94d0_49bb_1331_11eb);
    hash ^= hash >> 31;
    let parts = parts.max(1) as u64;
    usize::try_from(hash % parts).unwrap_or(0)
}

/// Whether a document of `count` annotations has outgrown a split into `parts`.
fn outgrown(count: usize, parts: usize) -> bool {
    parts < MAX_PARTS && count > parts.saturating_mul(ANNOTATIONS_PER_PART * 4)
}

/// The revision each part was last written at, as the head lists them; the browser edge
/// names each part's key after it. `0` for an empty part, which has no key.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartList {
    pub text: u64,
    pub annotations: Vec<u64>,
}

/// Which stored piece a key holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Piece {
    Text,
    Annotations(usize),
}

/// What is stored for a document in parts, as this tab last wrote or read it: the part
/// list, and each part's text exactly as stored. The parts are also the merge base when
/// another tab writes meanwhile ([`base_document`]): no copy of the document is kept.
#[derive(Clone, Debug, PartialEq)]
pub struct StoredLayout {
    pub id: String,
    pub revision: u64,
    pub text_sha256: String,
    pub list: PartList,
    /// Each part as stored (`[]` for an empty one) and how many annotations it holds.
    pub parts: Vec<(String, usize)>,
    /// The head as stored.
    pub head: String,
}

impl StoredLayout {
    /// Every piece stored and the revision its key is named after.
    pub fn pieces(&self) -> Vec<(Piece, u64)> {
        let mut pieces = vec![(Piece::Text, self.list.text)];
        for (part, &revision) in self.list.annotations.iter().enumerate() {
            if revision != 0 {
                pieces.push((Piece::Annotations(part), revision));
            }
        }
        pieces
    }
}

/// What one save writes: the pieces under keys named after `revision`, then the head; then
/// the keys listed in `remove` go.
#[derive(Clone, Debug, PartialEq)]
pub struct SavePlan {
    pub revision: u64,
    pub writes: Vec<(Piece, String)>,
    pub head: String,
    pub remove: Vec<(Piece, u64)>,
    /// A new text or a new split: every piece is written anew.
    pub whole: bool,
    after: After,
}

/// What is stored once a plan is carried out: a new layout, or changes to the one before
/// (kept as changes so a save copies none of the parts it leaves alone).
#[derive(Clone, Debug, PartialEq)]
enum After {
    Whole(Box<StoredLayout>),
    Changed {
        list: PartList,
        /// Each part written anew (or emptied): its index, text and annotation count.
        parts: Vec<(usize, String, usize)>,
    },
}

impl SavePlan {
    /// What is stored once the plan is carried out, from what was stored before
    /// (`previous`, the layout the plan was made from).
    pub fn stored(self, previous: Option<StoredLayout>) -> Option<StoredLayout> {
        match self.after {
            After::Whole(layout) => Some(*layout),
            After::Changed { list, parts } => {
                let mut layout = previous?;
                for (index, json, len) in parts {
                    if let Some(slot) = layout.parts.get_mut(index) {
                        *slot = (json, len);
                    }
                }
                layout.revision = self.revision;
                layout.list = list;
                layout.head = self.head;
                Some(layout)
            }
        }
    }
}

#[derive(Serialize)]
struct HeadFile<'a> {
    #[serde(flatten)]
    document: NativeFile<'a>,
    entry_version: u64,
    revision: u64,
    saved: &'a str,
    parts: &'a PartList,
}

fn write_head(doc: &Document, revision: u64, saved: &str, list: &PartList) -> String {
    let options = WriteOptions {
        include_text: false,
        ..WriteOptions::default()
    };
    // The format types cannot fail to serialise (see `library::write_entry`).
    serde_json::to_string(&HeadFile {
        document: NativeFile::without_annotations(doc, &options),
        entry_version: PARTS_ENTRY_VERSION,
        revision,
        saved,
        parts: list,
    })
    .unwrap_or_default()
}

/// Reading order, as the single-key entry stores them (`Document::annotations_in_text_order`).
fn text_order(a: &&Annotation, b: &&Annotation) -> std::cmp::Ordering {
    a.start()
        .cmp(&b.start())
        .then(b.end().cmp(&a.end()))
        .then(a.id.cmp(&b.id))
}

fn write_part(mut annotations: Vec<&Annotation>, text: &Text) -> String {
    sorting::sort_by(&mut annotations, text_order);
    compact_annotations_json(&annotations, text)
}

/// What to write to store `doc` at `revision`, given what is stored (`previous`, `None` when
/// nothing is stored in parts yet) and what changed since it was written (`touched`).
/// Only the parts of touched annotations are serialised, and only those that differ from
/// what is stored are written; a new text or a new split writes everything.
pub fn plan_save(
    previous: Option<&StoredLayout>,
    doc: &Document,
    touched: &Touched,
    revision: u64,
    saved: &str,
) -> SavePlan {
    let count = doc.annotations.len();
    let same_frame = previous.filter(|p| {
        p.id == doc.id.0
            && p.text_sha256 == doc.text.sha256()
            && p.parts.len() == p.list.annotations.len()
            && !outgrown(count, p.parts.len())
    });
    if let Some(previous) = same_frame
        && let Some(plan) = plan_parts(previous, doc, touched, revision, saved)
    {
        return plan;
    }
    plan_whole(previous, doc, revision, saved)
}

fn plan_whole(
    previous: Option<&StoredLayout>,
    doc: &Document,
    revision: u64,
    saved: &str,
) -> SavePlan {
    let split = parts_for(doc.annotations.len());
    let mut groups: Vec<Vec<&Annotation>> = vec![Vec::new(); split];
    for annotation in &doc.annotations {
        if let Some(group) = groups.get_mut(part_of(annotation.id.as_str(), split)) {
            group.push(annotation);
        }
    }
    let mut writes = vec![(Piece::Text, doc.text.as_str().to_string())];
    let mut list = PartList {
        text: revision,
        annotations: vec![0; split],
    };
    let mut parts = Vec::with_capacity(split);
    for (index, group) in groups.into_iter().enumerate() {
        let len = group.len();
        let json = write_part(group, &doc.text);
        if len > 0 {
            writes.push((Piece::Annotations(index), json.clone()));
            if let Some(slot) = list.annotations.get_mut(index) {
                *slot = revision;
            }
        }
        parts.push((json, len));
    }
    let head = write_head(doc, revision, saved, &list);
    SavePlan {
        revision,
        writes,
        remove: previous.map(StoredLayout::pieces).unwrap_or_default(),
        whole: true,
        after: After::Whole(Box::new(StoredLayout {
            id: doc.id.0.clone(),
            revision,
            text_sha256: doc.text.sha256().to_string(),
            list,
            parts,
            head: head.clone(),
        })),
        head,
    }
}

/// The plan that rewrites only the touched parts; `None` when the count shows the stored
/// parts and the document disagree beyond what `touched` names (then the whole is written).
fn plan_parts(
    previous: &StoredLayout,
    doc: &Document,
    touched: &Touched,
    revision: u64,
    saved: &str,
) -> Option<SavePlan> {
    let split = previous.parts.len();
    // Which parts to write, by part number.
    let mut wanted = vec![touched.everything; split];
    for id in &touched.annotations {
        if let Some(part) = wanted.get_mut(part_of(id.as_str(), split)) {
            *part = true;
        }
    }
    let mut groups: Vec<Option<Vec<&Annotation>>> =
        wanted.iter().map(|&write| write.then(Vec::new)).collect();
    let mut total = 0;
    if wanted.contains(&true) {
        for annotation in &doc.annotations {
            if let Some(Some(group)) = groups.get_mut(part_of(annotation.id.as_str(), split)) {
                group.push(annotation);
            }
        }
    }
    let mut list = previous.list.clone();
    let mut changed = Vec::new();
    let mut writes = Vec::new();
    let mut remove = Vec::new();
    for (index, group) in groups.into_iter().enumerate() {
        let Some(group) = group else {
            total += previous.parts.get(index).map_or(0, |(_, len)| *len);
            continue;
        };
        let len = group.len();
        total += len;
        let json = write_part(group, &doc.text);
        let (Some(slot), Some(stored)) =
            (list.annotations.get_mut(index), previous.parts.get(index))
        else {
            return None;
        };
        if stored.0 == json {
            continue;
        }
        if *slot != 0 {
            remove.push((Piece::Annotations(index), *slot));
        }
        if len > 0 {
            writes.push((Piece::Annotations(index), json.clone()));
            *slot = revision;
        } else {
            *slot = 0;
        }
        changed.push((index, json, len));
    }
    if total != doc.annotations.len() {
        return None;
    }
    let head = write_head(doc, revision, saved, &list);
    Some(SavePlan {
        revision,
        writes,
        remove,
        whole: false,
        after: After::Changed {
            list,
            parts: changed,
        },
        head,
    })
}

/// A stored entry as read from its main key: whole (the single-key layout, version 1 or 2),
/// or the head of one in parts, whose pieces must be read next.
#[derive(Clone, Debug, PartialEq)]
pub enum Stored {
    Whole(Box<StoredEntry>),
    Head(Head),
}

/// The head of an entry in parts, read.
#[derive(Clone, Debug, PartialEq)]
pub struct Head {
    pub revision: u64,
    pub list: PartList,
    value: Value,
    raw: String,
}

impl Head {
    /// The entry stored whole (entry version 2) that these parts make: what the panic screen
    /// offers for download, put together from the stored strings without the native writer
    /// (which is not in the main module). No tree of the annotations is built.
    pub fn whole_text(
        &self,
        text: String,
        parts: Vec<Option<String>>,
    ) -> Result<String, EntryError> {
        let mut value = self.value.clone();
        if let Value::Object(fields) = &mut value {
            fields.insert("entry_version".into(), Value::from(ENTRY_VERSION));
        }
        whole_entry_text(value, &self.list, &self.raw, text, parts).map(|(whole, _)| whole)
    }

    /// Every piece the head lists and the revision its key is named after.
    pub fn pieces(&self) -> Vec<(Piece, u64)> {
        let mut pieces = vec![(Piece::Text, self.list.text)];
        for (part, &revision) in self.list.annotations.iter().enumerate() {
            if revision != 0 {
                pieces.push((Piece::Annotations(part), revision));
            }
        }
        pieces
    }

    /// The head as stored (for "Download raw data" when its parts cannot be read).
    pub fn raw(&self) -> &str {
        &self.raw
    }
}

fn unreadable(reason: String, raw: &str) -> EntryError {
    EntryError::Unreadable {
        reason,
        raw: raw.to_string(),
    }
}

/// Reads what a document's main key holds; never panics. `reader` reads an entry stored
/// whole (see [`EntryReader`]); a head needs none (its parts are read by [`assemble`]).
pub fn read_stored(raw: &str, reader: Option<EntryReader>) -> Result<Stored, EntryError> {
    // An entry stored whole (megabytes) is read on the typed path, with no tree of it; a head
    // is not a native file (it has `parts`), so the typed reader refuses it, and it is small.
    let input = raw.strip_prefix('\u{feff}').unwrap_or(raw);
    let whole = |entry: StoredEntry| Stored::Whole(Box::new(entry));
    if let Some(reader) = reader
        && let Some(entry) = (reader.typed)(input, raw, ENTRY_VERSION)
    {
        return entry.map(whole);
    }
    let value = parse_entry_json(raw)?;
    if value.get("entry_version").and_then(Value::as_u64) != Some(PARTS_ENTRY_VERSION) {
        return read_refused_entry(value, raw, ENTRY_VERSION, reader).map(whole);
    }
    let list = value
        .get("parts")
        .cloned()
        .map(serde_json::from_value::<PartList>)
        .transpose()
        .map_err(|error| unreadable(format!("its list of parts cannot be read: {error}"), raw))?
        .ok_or_else(|| unreadable("its list of parts is missing".into(), raw))?;
    let revision = value
        .get("revision")
        .and_then(Value::as_u64)
        .ok_or_else(|| unreadable("revision should be a whole number".into(), raw))?;
    if list.annotations.len() > MAX_PARTS {
        return Err(unreadable(
            format!(
                "it lists {} parts (at most {MAX_PARTS})",
                list.annotations.len()
            ),
            raw,
        ));
    }
    Ok(Stored::Head(Head {
        revision,
        list,
        value,
        raw: raw.to_string(),
    }))
}

/// The entry in parts as the one JSON text an entry stored whole would be (the head's
/// fields, the text, every part's records in order), read on the typed path like one; and
/// each part as stored with its number of records.
fn whole_entry_text(
    mut value: Value,
    list: &PartList,
    raw: &str,
    text: String,
    parts: Vec<Option<String>>,
) -> Result<(String, Vec<(String, usize)>), EntryError> {
    if parts.len() != list.annotations.len() {
        return Err(unreadable(
            format!(
                "{} parts were read where the head lists {}",
                parts.len(),
                list.annotations.len()
            ),
            raw,
        ));
    }
    // The entry as one JSON text (the head's fields, the text, every part's records), so
    // it is read on the typed path like an entry stored whole; no tree of the annotations.
    let mut stored = Vec::with_capacity(parts.len());
    let mut records = String::new();
    for (index, part) in parts.into_iter().enumerate() {
        let part = part.unwrap_or_else(|| "[]".to_string());
        let count = serde_json::from_str::<Vec<serde::de::IgnoredAny>>(&part)
            .map_err(|error| {
                unreadable(
                    format!("part {index} of its annotations is not a list: {error}"),
                    raw,
                )
            })?
            .len();
        let inner = part
            .trim()
            .strip_prefix('[')
            .and_then(|rest| rest.strip_suffix(']'))
            .unwrap_or_default();
        if count > 0 {
            if !records.is_empty() {
                records.push(',');
            }
            records.push_str(inner);
        }
        stored.push((part, count));
    }
    let Value::Object(fields) = &mut value else {
        return Err(unreadable("expected an object".into(), raw));
    };
    fields.remove("parts");
    fields.remove("annotations");
    match fields.get_mut("document") {
        Some(Value::Object(document)) => {
            document.insert("text".into(), Value::String(text));
        }
        _ => return Err(unreadable("its document is missing".into(), raw)),
    }
    let head_fields = serde_json::to_string(&value)
        .map_err(|error| unreadable(format!("its head cannot be written again: {error}"), raw))?;
    let Some(open_fields) = head_fields.strip_suffix('}') else {
        return Err(unreadable("expected an object".into(), raw));
    };
    let separator = if open_fields.trim_end().ends_with('{') {
        ""
    } else {
        ","
    };
    let whole = format!("{open_fields}{separator}\"annotations\":[{records}]}}");
    Ok((whole, stored))
}

/// Puts an entry in parts back together: the head, the text, and the annotation parts in
/// the order the head lists them (`parts[i]` is part `i`; `None` for an empty part).
/// Gives exactly what the single-key entry of the same document gives, and what is stored
/// (for the next save). Without `reader`, [`EntryError::NeedsReader`].
pub fn assemble(
    head: Head,
    text: String,
    parts: Vec<Option<String>>,
    reader: Option<EntryReader>,
) -> Result<(StoredEntry, StoredLayout), EntryError> {
    let Head {
        revision,
        list,
        value,
        raw,
    } = head;
    let (whole, stored) = whole_entry_text(value, &list, &raw, text, parts)?;
    let mut entry = read_entry_text(&whole, &raw, PARTS_ENTRY_VERSION, reader)?;
    sorting::sort_by(&mut entry.document.annotations, |a, b| text_order(&a, &b));
    let layout = StoredLayout {
        id: entry.document.id.0.clone(),
        revision,
        text_sha256: entry.document.text.sha256().to_string(),
        list,
        parts: stored,
        head: raw,
    };
    Ok((entry, layout))
}

/// The document as `layout` stored it, over `text` (the merge base when another tab saved
/// meanwhile: the three-way merge compares annotations, relations, tags and metadata, and
/// only merges two sides with the same text).
pub fn base_document(
    layout: &StoredLayout,
    text: &Text,
    reader: Option<EntryReader>,
) -> Result<Document, EntryError> {
    let Stored::Head(head) = read_stored(&layout.head, reader)? else {
        return Err(unreadable("not a head".into(), &layout.head));
    };
    let parts = layout
        .parts
        .iter()
        .map(|(json, _)| Some(json.clone()))
        .collect();
    assemble(head, text.as_str().to_string(), parts, reader).map(|(entry, _)| entry.document)
}
