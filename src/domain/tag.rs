//! The taxonomy: what a span can be tagged as.
//!
//! Tags carry a colour *and* a non-colour cue (underline style and badge letter) so they can
//! be told apart by every reader, in print and by people who do not see the colours.

use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TagId(pub String);

impl TagId {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The id for a tag name found in an imported file, mapped once so that it keeps
    /// [`validate_tag_id`]: the name itself when it already does; else whitespace runs become
    /// `_`, control characters go, and the result is cut to [`MAX_TAG_ID_CHARS`]. The name stays
    /// the tag's label ([`Taxonomy::ensure_named`]) and goes back out on export
    /// ([`Taxonomy::export_name`]).
    pub fn from_name(name: &str) -> TagId {
        if validate_tag_id(name).is_ok() {
            return TagId(name.to_string());
        }
        let mut id = String::new();
        for c in name
            .trim()
            .chars()
            .filter(|c| !c.is_control() || c.is_whitespace())
        {
            if c.is_whitespace() {
                if !id.ends_with('_') {
                    id.push('_');
                }
            } else {
                id.push(c);
            }
        }
        let id: String = id.chars().take(MAX_TAG_ID_CHARS).collect();
        if id.is_empty() {
            TagId("untitled".to_string())
        } else {
            TagId(id)
        }
    }
}

impl fmt::Display for TagId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// How a tag's highlight is underlined: the cue that does not depend on colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UnderlineStyle {
    Solid,
    Dashed,
    Dotted,
    Double,
    Wavy,
}

impl UnderlineStyle {
    const CYCLE: [UnderlineStyle; 5] = [
        UnderlineStyle::Solid,
        UnderlineStyle::Dashed,
        UnderlineStyle::Dotted,
        UnderlineStyle::Double,
        UnderlineStyle::Wavy,
    ];

    /// The style for the tag at `position` in the taxonomy.
    pub fn for_position(position: usize) -> Self {
        Self::CYCLE[position % Self::CYCLE.len()]
    }

    pub fn css_name(self) -> &'static str {
        match self {
            UnderlineStyle::Solid => "solid",
            UnderlineStyle::Dashed => "dashed",
            UnderlineStyle::Dotted => "dotted",
            UnderlineStyle::Double => "double",
            UnderlineStyle::Wavy => "wavy",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tag {
    pub id: TagId,
    pub label: String,
    /// `#rrggbb`.
    pub color: String,
    /// The keyboard shortcut, a single character such as `1`.
    pub key: Option<char>,
    pub description: String,
}

impl Tag {
    /// The first letter of the label as written, shown as a badge beside the colour. The
    /// badge's style sheet upper-cases it (`.ann-badge`): the browser knows every script's
    /// case mapping, so the app need not carry Unicode's upper-case table to every first paint.
    pub fn badge_letter(&self) -> char {
        self.label
            .chars()
            .find(|c| c.is_alphanumeric())
            .unwrap_or('?')
    }
}

/// Colours from the Okabe–Ito palette, chosen to stay distinct under the common colour-vision
/// deficiencies. Custom tags take the next unused one.
pub const PALETTE: [&str; 7] = [
    "#d55e00", "#0072b2", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#b8a000",
];

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TagError {
    EmptyId,
    BadId(String),
    DuplicateId(String),
    EmptyLabel,
    LabelTooLong(usize),
    DuplicateLabel(String),
    BadColor(String),
    BadKey(String),
    DuplicateKey(char),
    UnknownTag(String),
}

impl fmt::Display for TagError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TagError::EmptyId => write!(f, "a tag needs an id"),
            TagError::BadId(id) => write!(
                f,
                "tag id \"{id}\" may not hold spaces or control characters and may be {MAX_TAG_ID_CHARS} characters at most"
            ),
            TagError::DuplicateId(id) => write!(f, "there is already a tag with id \"{id}\""),
            TagError::EmptyLabel => write!(f, "a tag needs a name"),
            TagError::LabelTooLong(n) => {
                write!(f, "a tag name may be 40 characters at most, not {n}")
            }
            TagError::DuplicateLabel(label) => {
                write!(f, "there is already a tag named \"{label}\"")
            }
            TagError::BadColor(color) => {
                write!(f, "colour \"{color}\" is not of the form #rrggbb")
            }
            TagError::BadKey(key) => write!(f, "shortcut \"{key}\" must be one letter or digit"),
            TagError::DuplicateKey(key) => write!(f, "shortcut \"{key}\" is taken by another tag"),
            TagError::UnknownTag(id) => write!(f, "there is no tag \"{id}\""),
        }
    }
}

impl std::error::Error for TagError {}

/// The most characters a tag id may have.
pub const MAX_TAG_ID_CHARS: usize = 64;

/// The one rule for tag ids, whichever way a tag arrives (made here, imported, handed out in an
/// exercise, merged): 1 to 64 characters, none of them whitespace or a control character.
/// Names real files use are ids as they stand (brat's `Organization`, the propaganda
/// techniques' `Loaded_Language`, Label Studio's `PER`), so they go back out unchanged;
/// whitespace is excluded because marks list their tags space-separated in `data-tags`.
/// An imported name that breaks the rule is mapped once by [`TagId::from_name`].
pub fn validate_tag_id(id: &str) -> Result<(), TagError> {
    if id.is_empty() {
        return Err(TagError::EmptyId);
    }
    let ok = id.chars().count() <= MAX_TAG_ID_CHARS
        && !id.chars().any(|c| c.is_whitespace() || c.is_control());
    if !ok {
        return Err(TagError::BadId(id.to_string()));
    }
    Ok(())
}

pub fn validate_color(color: &str) -> Result<(), TagError> {
    let ok = color.len() == 7
        && color.starts_with('#')
        && color[1..].chars().all(|c| c.is_ascii_hexdigit());
    if !ok {
        return Err(TagError::BadColor(color.to_string()));
    }
    Ok(())
}

/// Turns a label into a tag id: "Named person" → "named-person".
pub fn id_from_label(label: &str) -> String {
    let mut id = String::new();
    for c in label.trim().chars().flat_map(lower_case_for_id) {
        if c.is_ascii_alphanumeric() {
            id.push(c);
        } else if !id.ends_with('-') && !id.is_empty() {
            id.push('-');
        }
    }
    let id = id.trim_end_matches('-');
    id.chars().take(40).collect()
}

/// `c` lower-cased as far as a tag id can tell: the id keeps only ASCII letters and digits,
/// and the only characters outside ASCII whose lower case holds one are U+0130 ("İ", lower
/// case "i" and a combining dot) and U+212A (the Kelvin sign, "k"). Every other character
/// stays outside ASCII, as its lower case would. So ids come out as `char::to_lowercase`
/// made them (a test compares every code point) without Unicode's lower-case table, which
/// the tags' part would otherwise carry.
fn lower_case_for_id(c: char) -> impl Iterator<Item = char> {
    let (first, second) = match c {
        '\u{130}' => ('i', Some('\u{307}')),
        '\u{212A}' => ('k', None),
        c => (c.to_ascii_lowercase(), None),
    };
    std::iter::once(first).chain(second)
}

/// The ordered set of tags of one document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Taxonomy {
    tags: Vec<Tag>,
}

impl Default for Taxonomy {
    fn default() -> Self {
        let tag = |id: &str, label: &str, color: &str, key: char, description: &str| Tag {
            id: TagId(id.to_string()),
            label: label.to_string(),
            color: color.to_string(),
            key: Some(key),
            description: description.to_string(),
        };
        Taxonomy {
            tags: vec![
                tag(
                    "claim",
                    "Claim",
                    PALETTE[0],
                    '1',
                    "A statement that can be checked.",
                ),
                tag(
                    "source",
                    "Source",
                    PALETTE[1],
                    '2',
                    "Where a statement comes from: a person, document or outlet.",
                ),
                tag(
                    "entity",
                    "Entity",
                    PALETTE[2],
                    '3',
                    "A named person, organisation, place or event.",
                ),
            ],
        }
    }
}

impl Taxonomy {
    pub fn empty() -> Self {
        Taxonomy { tags: Vec::new() }
    }

    pub fn tags(&self) -> &[Tag] {
        &self.tags
    }

    pub fn get(&self, id: &TagId) -> Option<&Tag> {
        self.tags.iter().find(|t| &t.id == id)
    }

    pub fn position(&self, id: &TagId) -> Option<usize> {
        self.tags.iter().position(|t| &t.id == id)
    }

    pub fn contains(&self, id: &TagId) -> bool {
        self.get(id).is_some()
    }

    pub fn by_key(&self, key: char) -> Option<&Tag> {
        self.tags.iter().find(|t| t.key == Some(key))
    }

    pub fn underline(&self, id: &TagId) -> UnderlineStyle {
        UnderlineStyle::for_position(self.position(id).unwrap_or(0))
    }

    /// The first palette colour no tag uses yet.
    pub fn next_color(&self) -> &'static str {
        PALETTE
            .iter()
            .find(|c| !self.tags.iter().any(|t| t.color.eq_ignore_ascii_case(c)))
            .copied()
            .unwrap_or(PALETTE[self.tags.len() % PALETTE.len()])
    }

    /// The first digit key no tag uses yet.
    pub fn next_key(&self) -> Option<char> {
        ('1'..='9').find(|k| self.by_key(*k).is_none())
    }

    /// Checks a tag as it would stand in this taxonomy (ignoring a tag with the same id when
    /// `replacing`).
    pub fn validate(&self, tag: &Tag, replacing: bool) -> Result<(), TagError> {
        validate_tag_id(tag.id.as_str())?;
        let label = tag.label.trim();
        if label.is_empty() {
            return Err(TagError::EmptyLabel);
        }
        let label_len = label.chars().count();
        if label_len > 40 {
            return Err(TagError::LabelTooLong(label_len));
        }
        validate_color(&tag.color)?;
        if let Some(key) = tag.key
            && !key.is_alphanumeric()
        {
            return Err(TagError::BadKey(key.to_string()));
        }
        for other in &self.tags {
            if other.id == tag.id {
                if replacing {
                    continue;
                }
                return Err(TagError::DuplicateId(tag.id.0.clone()));
            }
            if other.label.trim().eq_ignore_ascii_case(label) {
                return Err(TagError::DuplicateLabel(label.to_string()));
            }
            if tag.key.is_some() && other.key == tag.key {
                return Err(TagError::DuplicateKey(tag.key.unwrap_or(' ')));
            }
        }
        Ok(())
    }

    pub fn add(&mut self, tag: Tag) -> Result<(), TagError> {
        self.validate(&tag, false)?;
        self.tags.push(tag);
        Ok(())
    }

    /// Puts `tag` back at `position` (used by undo).
    pub fn insert_at(&mut self, position: usize, tag: Tag) {
        let position = position.min(self.tags.len());
        self.tags.insert(position, tag);
    }

    pub fn remove(&mut self, id: &TagId) -> Option<(usize, Tag)> {
        let position = self.position(id)?;
        Some((position, self.tags.remove(position)))
    }

    pub fn replace(&mut self, tag: Tag) -> Result<Tag, TagError> {
        let position = self
            .position(&tag.id)
            .ok_or_else(|| TagError::UnknownTag(tag.id.0.clone()))?;
        self.validate(&tag, true)?;
        Ok(std::mem::replace(&mut self.tags[position], tag))
    }

    /// Adds a tag for an id found in imported data, without failing: the label is the id.
    pub fn ensure(&mut self, id: &TagId) {
        self.ensure_named(id, id.as_str());
    }

    /// Adds a tag for `id` (from [`TagId::from_name`]) labelled with the `name` the file used,
    /// without failing: the tag keeps every rule of [`Taxonomy::validate`] (a label already
    /// taken, too long or empty is made unique, cut or called "Untitled"), so the taxonomy can
    /// be handed out, merged and edited like one made here.
    pub fn ensure_named(&mut self, id: &TagId, name: &str) {
        if self.contains(id) {
            return;
        }
        let base: String = name.trim().chars().take(36).collect();
        let base = if base.is_empty() {
            "Untitled".to_string()
        } else {
            base
        };
        let taken = |label: &str| {
            self.tags
                .iter()
                .any(|t| t.label.trim().eq_ignore_ascii_case(label))
        };
        let mut label = base.clone();
        let mut n = 2;
        while taken(&label) {
            label = format!("{base} {n}");
            n += 1;
        }
        let tag = Tag {
            id: id.clone(),
            label,
            color: self.next_color().to_string(),
            key: self.next_key(),
            description: String::new(),
        };
        self.tags.push(tag);
    }

    /// Adds a tag a file declared: as it is when it keeps every rule here, else with a free
    /// shortcut, else as [`Taxonomy::ensure_named`] makes it from its label, or its id when
    /// that label is taken here (fresh colour and shortcut). Nothing a file declares is dropped.
    pub fn adopt(&mut self, tag: Tag) {
        if self.contains(&tag.id) {
            return;
        }
        let with_free_key = Tag {
            key: self.next_key(),
            ..tag.clone()
        };
        let added = match self.add(tag.clone()) {
            Err(TagError::DuplicateKey(_) | TagError::BadKey(_)) => self.add(with_free_key).is_ok(),
            result => result.is_ok(),
        };
        if !added {
            let label_taken = self
                .tags
                .iter()
                .any(|t| t.label.trim().eq_ignore_ascii_case(tag.label.trim()));
            let name = if label_taken || tag.label.trim().is_empty() {
                tag.id.as_str()
            } else {
                tag.label.as_str()
            };
            self.ensure_named(&tag.id, name);
        }
    }

    /// The name a tag goes out under in an exchange format: the name it came in with when the
    /// import had to map it ([`TagId::from_name`] of its label gives its id, and the label
    /// is not that id), else the id.
    pub fn export_name<'a>(&'a self, id: &'a TagId) -> &'a str {
        match self.get(id) {
            Some(tag) if tag.label != id.0 && TagId::from_name(&tag.label) == *id => &tag.label,
            _ => id.as_str(),
        }
    }

    /// The tags whose ids are in `allowed`, in this taxonomy's order. A part of a taxonomy
    /// keeps its rules, so nothing is checked (or lost) again.
    pub fn restricted_to(&self, allowed: &[TagId]) -> Taxonomy {
        Taxonomy {
            tags: self
                .tags
                .iter()
                .filter(|tag| allowed.contains(&tag.id))
                .cloned()
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_claim_source_entity_with_keys() {
        let taxonomy = Taxonomy::default();
        let ids: Vec<_> = taxonomy.tags().iter().map(|t| t.id.as_str()).collect();
        assert_eq!(ids, ["claim", "source", "entity"]);
        assert_eq!(
            taxonomy.by_key('2').map(|t| t.label.as_str()),
            Some("Source")
        );
        assert_eq!(
            taxonomy.underline(&TagId("entity".into())),
            UnderlineStyle::Dotted
        );
    }

    #[test]
    fn custom_tags_are_validated() {
        let mut taxonomy = Taxonomy::default();
        let tag = |id: &str, label: &str, color: &str, key: Option<char>| Tag {
            id: TagId(id.into()),
            label: label.into(),
            color: color.into(),
            key,
            description: String::new(),
        };
        assert_eq!(
            taxonomy.add(tag("claim", "Other", "#000000", None)),
            Err(TagError::DuplicateId("claim".into()))
        );
        assert_eq!(
            taxonomy.add(tag("x", "claim", "#000000", None)),
            Err(TagError::DuplicateLabel("claim".into()))
        );
        assert_eq!(
            taxonomy.add(tag("x", "X", "red", None)),
            Err(TagError::BadColor("red".into()))
        );
        assert_eq!(
            taxonomy.add(tag("x", "X", "#000000", Some('1'))),
            Err(TagError::DuplicateKey('1'))
        );
        assert_eq!(
            taxonomy.add(tag("Bad Id", "X", "#000000", None)),
            Err(TagError::BadId("Bad Id".into()))
        );
        assert_eq!(
            taxonomy.add(tag("quote", "Quote", "#123abc", Some('4'))),
            Ok(())
        );
        assert_eq!(taxonomy.tags().len(), 4);
    }

    #[test]
    fn names_from_files_keep_the_one_rule() {
        for name in [
            "Organization",
            "Loaded_Language",
            "PER",
            "Name_Calling,Labeling",
        ] {
            assert_eq!(TagId::from_name(name).0, name);
        }
        assert_eq!(TagId::from_name(" Loaded  Language ").0, "Loaded_Language");
        assert_eq!(TagId::from_name("   ").0, "untitled");
        let long = "x".repeat(80);
        assert_eq!(TagId::from_name(&long).0.chars().count(), MAX_TAG_ID_CHARS);
        let mut taxonomy = Taxonomy::default();
        taxonomy.ensure_named(&TagId("CLAIM".into()), "claim");
        let added = taxonomy
            .get(&TagId("CLAIM".into()))
            .map(|t| t.label.clone());
        assert_eq!(added.as_deref(), Some("claim 2"), "labels stay unique");
        let restricted = taxonomy.restricted_to(&[TagId("CLAIM".into())]);
        assert_eq!(restricted.tags().len(), 1);
    }

    #[test]
    fn ids_from_labels() {
        assert_eq!(id_from_label("Named person"), "named-person");
        assert_eq!(id_from_label("  Zahl / Statistik "), "zahl-statistik");
        assert_eq!(id_from_label("İstanbul"), "i-stanbul");
    }

    #[test]
    fn ids_are_what_unicode_lower_case_makes_of_every_character() {
        let by_table = |label: &str| {
            let mut id = String::new();
            for c in label.trim().chars().flat_map(char::to_lowercase) {
                if c.is_ascii_alphanumeric() {
                    id.push(c);
                } else if !id.ends_with('-') && !id.is_empty() {
                    id.push('-');
                }
            }
            let id = id.trim_end_matches('-');
            id.chars().take(40).collect::<String>()
        };
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            for label in [format!("a{c}b"), format!("{c}B"), format!("x {c}")] {
                assert_eq!(id_from_label(&label), by_table(&label), "{:?}", c);
            }
        }
    }
}
