//! Two browser tabs editing the same stored document.
//!
//! Each tab remembers the revision it last loaded or saved (its *base*). Before writing, it
//! reads the stored revision; if that is newer than its base, another tab saved meanwhile,
//! and overwriting would silently lose that tab's work. Instead the tab merges three ways:
//! [`merge_revisions`]`(base, ours, theirs)`, then saves the result.
//!
//! Rules, item by item (annotations by id, relations by id, tags by id, metadata by field):
//! - changed on one side only → that side's version;
//! - added on one side → kept; deleted on one side and unchanged on the other → deleted;
//! - deleted on one side, edited on the other → kept as edited (reported);
//! - changed on both sides the same way → that version;
//! - changed on both sides differently → for annotations the later `modified` wins (ISO
//!   times compare as strings); for relations, tags and metadata, which carry no time, the
//!   side whose latest annotation `modified` is later wins. Ties go to *theirs*, the stored
//!   revision. Every such case is reported, annotations with both notes.
//!
//! The text is not merged: annotations' offsets only mean something over one text. If the
//! two texts differ, the newer side (by the same latest-`modified` rule) is returned
//! unchanged, with a conflict saying the other side's changes were not merged.
//!
//! Afterwards the result is made consistent: relations whose ends were deleted are dropped,
//! tags still used by an annotation are restored; both reported. The merge is pure and
//! deterministic: order follows *ours*, then what only *theirs* added, in their order.

use crate::domain::annotation::Annotation;
use crate::domain::document::{Document, Metadata};
use crate::domain::sorting;
use crate::domain::tag::Taxonomy;
use std::collections::{BTreeMap, BTreeSet};

/// The merged document and a sentence for every choice the merge had to make.
#[derive(Clone, Debug, PartialEq)]
pub struct MergedRevision {
    pub document: Document,
    pub conflicts: Vec<String>,
}

/// Which side wins when both changed an item differently and the item has no time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Side {
    Ours,
    Theirs,
}

/// Three-way merge of two revisions of one document that both started from `base`.
pub fn merge_revisions(base: &Document, ours: &Document, theirs: &Document) -> MergedRevision {
    let newer = newer_side(ours, theirs);
    if ours.text != theirs.text {
        let (document, other) = match newer {
            Side::Ours => (ours.clone(), "the other tab's"),
            Side::Theirs => (theirs.clone(), "this tab's"),
        };
        return MergedRevision {
            document,
            conflicts: vec![format!(
                "the article text was changed differently in two tabs; the newer version was \
                 kept and {other} changes were not merged"
            )],
        };
    }
    let mut conflicts = Vec::new();
    let annotations = merge_by_id(
        &base.annotations,
        &ours.annotations,
        &theirs.annotations,
        |annotation| annotation.id.0.as_str(),
        resolve_annotation,
        |id| format!("annotation \"{id}\""),
        &mut conflicts,
    );
    let mut relations = merge_by_id(
        &base.relations,
        &ours.relations,
        &theirs.relations,
        |relation| relation.id.0.as_str(),
        |mine, other| {
            let message = format!(
                "relation \"{}\" was changed differently in both tabs; {} version was kept",
                mine.id.0,
                side_name(newer)
            );
            (pick(newer, mine, other).clone(), message)
        },
        |id| format!("relation \"{id}\""),
        &mut conflicts,
    );
    let tags = merge_by_id(
        base.tags.tags(),
        ours.tags.tags(),
        theirs.tags.tags(),
        |tag| tag.id.as_str(),
        |mine, other| {
            let message = format!(
                "tag \"{}\" was changed differently in both tabs; {} version was kept",
                mine.id.as_str(),
                side_name(newer)
            );
            (pick(newer, mine, other).clone(), message)
        },
        |id| format!("tag \"{id}\""),
        &mut conflicts,
    );
    let metadata = merge_metadata(
        &base.metadata,
        &ours.metadata,
        &theirs.metadata,
        newer,
        &mut conflicts,
    );

    // Consistency: relations need both ends, annotations need their tag.
    let kept: BTreeSet<&str> = sorting::set_of(annotations.iter().map(|a| a.id.0.as_str()));
    relations.retain(|relation| {
        let whole =
            kept.contains(relation.from.0.as_str()) && kept.contains(relation.to.0.as_str());
        if !whole {
            conflicts.push(format!(
                "relation \"{}\" was dropped: one of the annotations it links was deleted in \
                 the other tab",
                relation.id.0
            ));
        }
        whole
    });
    let mut taxonomy = Taxonomy::empty();
    for tag in tags {
        taxonomy.insert_at(taxonomy.tags().len(), tag);
    }
    for annotation in &annotations {
        if taxonomy.contains(&annotation.tag) {
            continue;
        }
        let restored = [ours, theirs, base]
            .iter()
            .find_map(|doc| doc.tags.get(&annotation.tag).cloned());
        if let Some(tag) = restored {
            conflicts.push(format!(
                "tag \"{}\" was restored: annotation \"{}\" still uses it",
                tag.id.as_str(),
                annotation.id
            ));
            taxonomy.insert_at(taxonomy.tags().len(), tag);
        }
    }
    let document = Document {
        id: ours.id.clone(),
        metadata,
        text: ours.text.clone(),
        tags: taxonomy,
        annotations,
        relations,
    };
    MergedRevision {
        document,
        conflicts,
    }
}

/// The side whose latest annotation `modified` is later; theirs on a tie.
fn newer_side(ours: &Document, theirs: &Document) -> Side {
    let latest = |doc: &Document| {
        doc.annotations
            .iter()
            .map(|annotation| annotation.modified.as_str())
            .max()
            .unwrap_or("")
            .to_string()
    };
    if latest(ours) > latest(theirs) {
        Side::Ours
    } else {
        Side::Theirs
    }
}

fn side_name(side: Side) -> &'static str {
    match side {
        Side::Ours => "this tab's",
        Side::Theirs => "the other tab's",
    }
}

fn pick<'x, T>(side: Side, ours: &'x T, theirs: &'x T) -> &'x T {
    match side {
        Side::Ours => ours,
        Side::Theirs => theirs,
    }
}

/// Both tabs edited the same annotation differently: the later `modified` wins (theirs on
/// a tie), reported with both notes.
fn resolve_annotation(ours: &Annotation, theirs: &Annotation) -> (Annotation, String) {
    let (winner, which) = if ours.modified > theirs.modified {
        (ours, "this tab's")
    } else {
        (theirs, "the other tab's")
    };
    let message = format!(
        "annotation \"{}\" (“{}”) was edited in both tabs; {which} later edit was kept. \
         This tab's note: “{}”; the other tab's note: “{}”",
        ours.id, winner.quote, ours.note, theirs.note
    );
    (winner.clone(), message)
}

/// The three-way rules for one kind of item with ids. `resolve` decides a both-sides edit
/// and says how; every report goes to `conflicts`.
fn merge_by_id<'a, T>(
    base: &'a [T],
    ours: &'a [T],
    theirs: &'a [T],
    id_of: impl Fn(&'a T) -> &'a str,
    resolve: impl Fn(&T, &T) -> (T, String),
    describe: impl Fn(&str) -> String,
    conflicts: &mut Vec<String>,
) -> Vec<T>
where
    T: Clone + PartialEq + 'a,
{
    // Indexed by id (the first item with an id wins), so large documents merge in n log n.
    // Ids as text and items by position: one kind of map for every kind of item (a map per
    // item type is compiled once per type).
    let index = |items: &'a [T]| -> BTreeMap<&'a str, usize> {
        let mut by_id = BTreeMap::new();
        for (position, item) in items.iter().enumerate() {
            by_id.entry(id_of(item)).or_insert(position);
        }
        by_id
    };
    let look_up = |by_id: &BTreeMap<&str, usize>, items: &'a [T], id: &str| {
        by_id.get(id).and_then(|&position| items.get(position))
    };
    let (base_by_id, ours_by_id, theirs_by_id) = (index(base), index(ours), index(theirs));
    let mut merged = Vec::new();
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    let order = ours.iter().chain(theirs.iter());
    for item in order {
        let id = id_of(item);
        if !seen.insert(id) {
            continue;
        }
        let in_base = look_up(&base_by_id, base, id);
        let in_ours = look_up(&ours_by_id, ours, id);
        let in_theirs = look_up(&theirs_by_id, theirs, id);
        let kept = match (in_base, in_ours, in_theirs) {
            (_, None, None) => None,
            (None, Some(mine), None) => Some(mine.clone()),
            (None, None, Some(other)) => Some(other.clone()),
            (Some(old), Some(mine), None) => {
                if mine == old {
                    None
                } else {
                    conflicts.push(format!(
                        "{} was deleted in the other tab but edited in this one; it was kept",
                        describe(id)
                    ));
                    Some(mine.clone())
                }
            }
            (Some(old), None, Some(other)) => {
                if other == old {
                    None
                } else {
                    conflicts.push(format!(
                        "{} was deleted in this tab but edited in the other one; it was kept",
                        describe(id)
                    ));
                    Some(other.clone())
                }
            }
            (old, Some(mine), Some(other)) => {
                if mine == other || old == Some(other) {
                    Some(mine.clone())
                } else if old == Some(mine) {
                    Some(other.clone())
                } else {
                    let (resolved, message) = resolve(mine, other);
                    conflicts.push(message);
                    Some(resolved)
                }
            }
        };
        merged.extend(kept);
    }
    merged
}

fn merge_metadata(
    base: &Metadata,
    ours: &Metadata,
    theirs: &Metadata,
    newer: Side,
    conflicts: &mut Vec<String>,
) -> Metadata {
    let mut field = |name: &str, old: &String, mine: &String, other: &String| -> String {
        if mine == other || old == other {
            mine.clone()
        } else if old == mine {
            other.clone()
        } else {
            let kept = pick(newer, mine, other);
            conflicts.push(format!(
                "the {name} was changed differently in both tabs (“{mine}” here, “{other}” in \
                 the other tab); “{kept}” was kept"
            ));
            kept.clone()
        }
    };
    Metadata {
        title: field("title", &base.title, &ours.title, &theirs.title),
        url: field("URL", &base.url, &ours.url, &theirs.url),
        publisher: field(
            "publisher",
            &base.publisher,
            &ours.publisher,
            &theirs.publisher,
        ),
        author: field("author", &base.author, &ours.author, &theirs.author),
        published: field(
            "publication date",
            &base.published,
            &ours.published,
            &theirs.published,
        ),
        language: field("language", &base.language, &ours.language, &theirs.language),
    }
}
