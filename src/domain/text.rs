//! The document text and the three ways of counting positions in it.
//!
//! Everything stored or exported counts Unicode scalar values (code points). The DOM speaks
//! UTF-16 code units and Rust slices by UTF-8 bytes, so each unit gets its own newtype and
//! crossing between them goes through one [`TextIndex`]: built once in O(n), it answers every
//! conversion by binary search over the non-ASCII characters only, so an ASCII article costs
//! next to no memory and an emoji-heavy one stays O(log n) per lookup.

use sha2::{Digest, Sha256};
use std::fmt;

/// A position counted in Unicode scalar values: the unit of every file format.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CodePointOffset(pub usize);

/// A position counted in UTF-16 code units: what DOM ranges and JavaScript strings use.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Utf16Offset(pub usize);

/// A position counted in UTF-8 bytes: only ever used to slice a Rust `str`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ByteOffset(pub usize);

/// Why a position in some unit cannot be turned into a code point position.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OffsetError {
    /// The position lies past the end of the text.
    PastEnd { offset: usize, len: usize },
    /// A UTF-16 position between the two halves of a surrogate pair.
    InsideSurrogatePair { offset: usize },
    /// A byte position inside a multi-byte UTF-8 sequence.
    InsideUtf8Sequence { offset: usize },
    /// The start of a range lies after its end.
    StartAfterEnd { start: usize, end: usize },
}

impl fmt::Display for OffsetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OffsetError::PastEnd { offset, len } => {
                write!(
                    f,
                    "position {offset} is past the end of the text ({len} characters)"
                )
            }
            OffsetError::InsideSurrogatePair { offset } => write!(
                f,
                "UTF-16 position {offset} falls between the two halves of one character"
            ),
            OffsetError::InsideUtf8Sequence { offset } => {
                write!(f, "byte position {offset} falls inside one character")
            }
            OffsetError::StartAfterEnd { start, end } => {
                write!(f, "the range starts at {start}, after its end at {end}")
            }
        }
    }
}

impl std::error::Error for OffsetError {}

/// A half-open range `[start, end)` of code points, known to satisfy `start <= end`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TextRange {
    start: CodePointOffset,
    end: CodePointOffset,
}

impl TextRange {
    pub fn new(start: CodePointOffset, end: CodePointOffset) -> Result<Self, OffsetError> {
        if start > end {
            return Err(OffsetError::StartAfterEnd {
                start: start.0,
                end: end.0,
            });
        }
        Ok(TextRange { start, end })
    }

    /// Convenience for tests and formats that carry plain numbers.
    pub fn from_code_points(start: usize, end: usize) -> Result<Self, OffsetError> {
        Self::new(CodePointOffset(start), CodePointOffset(end))
    }

    pub fn start(&self) -> CodePointOffset {
        self.start
    }

    pub fn end(&self) -> CodePointOffset {
        self.end
    }

    pub fn len(&self) -> usize {
        self.end.0 - self.start.0
    }

    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }

    /// Code points shared with `other`.
    pub fn overlap(&self, other: &TextRange) -> usize {
        let start = self.start.max(other.start).0;
        let end = self.end.min(other.end).0;
        end.saturating_sub(start)
    }
}

/// One non-ASCII character: where it is, and how many extra bytes and UTF-16 units all
/// non-ASCII characters before it (itself excluded) add over one per code point.
#[derive(Clone, Copy, Debug)]
struct WideChar {
    code_point: usize,
    extra_bytes_before: usize,
    extra_utf16_before: usize,
    extra_bytes: u8,
    extra_utf16: u8,
}

/// Conversions between code points, UTF-16 units and bytes for one text.
#[derive(Clone, Debug, Default)]
pub struct TextIndex {
    wide: Vec<WideChar>,
    len_code_points: usize,
    len_utf16: usize,
    len_bytes: usize,
}

impl TextIndex {
    pub fn new(text: &str) -> Self {
        let mut wide = Vec::new();
        let mut extra_bytes_before = 0;
        let mut extra_utf16_before = 0;
        let mut len_code_points = 0;
        for (code_point, ch) in text.chars().enumerate() {
            len_code_points = code_point + 1;
            if !ch.is_ascii() {
                let extra_bytes = (ch.len_utf8() - 1) as u8;
                let extra_utf16 = (ch.len_utf16() - 1) as u8;
                wide.push(WideChar {
                    code_point,
                    extra_bytes_before,
                    extra_utf16_before,
                    extra_bytes,
                    extra_utf16,
                });
                extra_bytes_before += extra_bytes as usize;
                extra_utf16_before += extra_utf16 as usize;
            }
        }
        TextIndex {
            wide,
            len_code_points,
            len_utf16: len_code_points + extra_utf16_before,
            len_bytes: text.len(),
        }
    }

    pub fn len_code_points(&self) -> usize {
        self.len_code_points
    }

    pub fn len_utf16(&self) -> usize {
        self.len_utf16
    }

    pub fn len_bytes(&self) -> usize {
        self.len_bytes
    }

    /// Extra (bytes, UTF-16 units) contributed by the wide characters before `code_point`.
    fn extra_before(&self, code_point: usize) -> (usize, usize) {
        let after = self.wide.partition_point(|w| w.code_point < code_point);
        match after.checked_sub(1).map(|i| self.wide[i]) {
            Some(w) => (
                w.extra_bytes_before + w.extra_bytes as usize,
                w.extra_utf16_before + w.extra_utf16 as usize,
            ),
            None => (0, 0),
        }
    }

    fn check_code_point(&self, offset: CodePointOffset) -> Result<(), OffsetError> {
        if offset.0 > self.len_code_points {
            return Err(OffsetError::PastEnd {
                offset: offset.0,
                len: self.len_code_points,
            });
        }
        Ok(())
    }

    pub fn to_byte(&self, offset: CodePointOffset) -> Result<ByteOffset, OffsetError> {
        self.check_code_point(offset)?;
        Ok(ByteOffset(offset.0 + self.extra_before(offset.0).0))
    }

    pub fn to_utf16(&self, offset: CodePointOffset) -> Result<Utf16Offset, OffsetError> {
        self.check_code_point(offset)?;
        Ok(Utf16Offset(offset.0 + self.extra_before(offset.0).1))
    }

    pub fn from_utf16(&self, offset: Utf16Offset) -> Result<CodePointOffset, OffsetError> {
        if offset.0 > self.len_utf16 {
            return Err(OffsetError::PastEnd {
                offset: offset.0,
                len: self.len_utf16,
            });
        }
        let position = |w: &WideChar| w.code_point + w.extra_utf16_before;
        self.from_unit(
            offset.0,
            position,
            |w| w.extra_utf16_before,
            |w| w.extra_utf16,
        )
        .ok_or(OffsetError::InsideSurrogatePair { offset: offset.0 })
    }

    pub fn from_byte(&self, offset: ByteOffset) -> Result<CodePointOffset, OffsetError> {
        if offset.0 > self.len_bytes {
            return Err(OffsetError::PastEnd {
                offset: offset.0,
                len: self.len_bytes,
            });
        }
        let position = |w: &WideChar| w.code_point + w.extra_bytes_before;
        self.from_unit(
            offset.0,
            position,
            |w| w.extra_bytes_before,
            |w| w.extra_bytes,
        )
        .ok_or(OffsetError::InsideUtf8Sequence { offset: offset.0 })
    }

    /// Shared inverse mapping: `position` is where a wide char starts in the other unit.
    fn from_unit(
        &self,
        offset: usize,
        position: impl Fn(&WideChar) -> usize,
        extra_before: impl Fn(&WideChar) -> usize,
        extra: impl Fn(&WideChar) -> u8,
    ) -> Option<CodePointOffset> {
        let after = self.wide.partition_point(|w| position(w) < offset);
        let Some(last) = after.checked_sub(1).map(|i| self.wide[i]) else {
            return Some(CodePointOffset(offset));
        };
        let char_end = position(&last) + 1 + extra(&last) as usize;
        if offset < char_end {
            return None;
        }
        Some(CodePointOffset(
            offset - extra_before(&last) - extra(&last) as usize,
        ))
    }

    pub fn range_from_utf16(
        &self,
        start: Utf16Offset,
        end: Utf16Offset,
    ) -> Result<TextRange, OffsetError> {
        TextRange::new(self.from_utf16(start)?, self.from_utf16(end)?)
    }

    pub fn range_from_bytes(
        &self,
        start: ByteOffset,
        end: ByteOffset,
    ) -> Result<TextRange, OffsetError> {
        TextRange::new(self.from_byte(start)?, self.from_byte(end)?)
    }
}

/// The document text, kept exactly as given (no normalisation of any kind), with its index
/// and its identity: the SHA-256 of its UTF-8 bytes, as lowercase hex.
#[derive(Clone, Debug, Default)]
pub struct Text {
    content: String,
    index: TextIndex,
    sha256: String,
}

impl PartialEq for Text {
    fn eq(&self, other: &Self) -> bool {
        self.content == other.content
    }
}

impl Eq for Text {}

impl Text {
    pub fn new(content: impl Into<String>) -> Self {
        let content = content.into();
        let index = TextIndex::new(&content);
        let sha256 = sha256_hex(&content);
        Text {
            content,
            index,
            sha256,
        }
    }

    pub fn as_str(&self) -> &str {
        &self.content
    }

    pub fn index(&self) -> &TextIndex {
        &self.index
    }

    pub fn sha256(&self) -> &str {
        &self.sha256
    }

    /// Length in code points.
    pub fn len(&self) -> usize {
        self.index.len_code_points()
    }

    pub fn is_empty(&self) -> bool {
        self.content.is_empty()
    }

    /// The range must lie inside the text, else an error says where it falls out.
    pub fn check_range(&self, range: TextRange) -> Result<(), OffsetError> {
        if range.end().0 > self.len() {
            return Err(OffsetError::PastEnd {
                offset: range.end().0,
                len: self.len(),
            });
        }
        Ok(())
    }

    /// The text of `range`; an error if it is not inside the text.
    pub fn slice(&self, range: TextRange) -> Result<&str, OffsetError> {
        self.check_range(range)?;
        let start = self.index.to_byte(range.start())?.0;
        let end = self.index.to_byte(range.end())?.0;
        Ok(&self.content[start..end])
    }

    /// Up to `max` code points ending at `offset` (clamped to the text).
    pub fn before(&self, offset: CodePointOffset, max: usize) -> &str {
        let end = offset.0.min(self.len());
        let start = end.saturating_sub(max);
        TextRange::from_code_points(start, end)
            .ok()
            .and_then(|range| self.slice(range).ok())
            .unwrap_or("")
    }

    /// Up to `max` code points starting at `offset` (clamped to the text).
    pub fn after(&self, offset: CodePointOffset, max: usize) -> &str {
        let start = offset.0.min(self.len());
        let end = (start + max).min(self.len());
        TextRange::from_code_points(start, end)
            .ok()
            .and_then(|range| self.slice(range).ok())
            .unwrap_or("")
    }
}

pub fn sha256_hex(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    let mut hex = String::with_capacity(64);
    for byte in digest {
        hex.push_str(&format!("{byte:02x}"));
    }
    hex
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(
        text: &str,
        code_points: (usize, usize),
        utf16: (usize, usize),
        bytes: (usize, usize),
    ) {
        let index = TextIndex::new(text);
        let range = TextRange::from_code_points(code_points.0, code_points.1).unwrap();
        assert_eq!(
            index.to_utf16(range.start()).unwrap().0,
            utf16.0,
            "utf16 start of {text:?}"
        );
        assert_eq!(
            index.to_utf16(range.end()).unwrap().0,
            utf16.1,
            "utf16 end of {text:?}"
        );
        assert_eq!(
            index.to_byte(range.start()).unwrap().0,
            bytes.0,
            "byte start of {text:?}"
        );
        assert_eq!(
            index.to_byte(range.end()).unwrap().0,
            bytes.1,
            "byte end of {text:?}"
        );
        let back = index
            .range_from_utf16(Utf16Offset(utf16.0), Utf16Offset(utf16.1))
            .unwrap();
        assert_eq!(back, range);
        let back = index
            .range_from_bytes(ByteOffset(bytes.0), ByteOffset(bytes.1))
            .unwrap();
        assert_eq!(back, range);
    }

    #[test]
    fn conversions_around_astral_and_accented_characters() {
        check("abc", (1, 2), (1, 2), (1, 2));
        check("l😃rem", (1, 2), (1, 3), (1, 5));
        check("l😃rem", (2, 5), (3, 6), (5, 8));
        check("Zürich 🦀!", (0, 8), (0, 9), (0, 12));
        check("Zürich 🦀!", (7, 9), (7, 10), (8, 13));
    }

    #[test]
    fn positions_inside_a_character_are_errors() {
        let index = TextIndex::new("l😃rem");
        assert_eq!(
            index.from_utf16(Utf16Offset(2)),
            Err(OffsetError::InsideSurrogatePair { offset: 2 })
        );
        assert_eq!(
            index.from_byte(ByteOffset(3)),
            Err(OffsetError::InsideUtf8Sequence { offset: 3 })
        );
        assert_eq!(
            index.from_utf16(Utf16Offset(7)),
            Err(OffsetError::PastEnd { offset: 7, len: 6 })
        );
    }

    #[test]
    fn sha256_identifies_the_exact_bytes() {
        assert_eq!(
            Text::new("abc").sha256(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_ne!(Text::new("a\r\n").sha256(), Text::new("a\n").sha256());
    }
}
