//! Finding every occurrence of many quotes in one long text without rescanning it each time.
//!
//! A whole-text scan per quote is linear, but an import of 20,000 annotations whose quotes
//! are no longer in a 1 MB text would scan 20 GB. So, built lazily the first time a long
//! text must be searched whole, a sorted list of every 4-byte sequence and where it starts
//! answers each quote from the rarest 4 bytes it contains: a quote with a 4-byte sequence the
//! text lacks is absent at once, and the others are checked only where that rare sequence is.

use std::cell::OnceCell;

/// Texts shorter than this (bytes) are simply scanned.
const INDEX_FROM_BYTES: usize = 64 * 1024;

const GRAM: usize = 4;

fn gram_at(bytes: &[u8], at: usize) -> Option<u32> {
    let window: [u8; GRAM] = bytes.get(at..at + GRAM)?.try_into().ok()?;
    Some(u32::from_le_bytes(window))
}

/// Every 4-byte sequence of a text with its byte position, sorted.
struct GramIndex {
    entries: Vec<(u32, u32)>,
}

impl GramIndex {
    fn new(text: &str) -> Option<Self> {
        let bytes = text.as_bytes();
        u32::try_from(bytes.len()).ok()?;
        let mut entries: Vec<(u32, u32)> = (0..bytes.len().saturating_sub(GRAM - 1))
            .filter_map(|at| Some((gram_at(bytes, at)?, u32::try_from(at).ok()?)))
            .collect();
        entries.sort_unstable();
        Some(GramIndex { entries })
    }

    fn positions(&self, gram: u32) -> &[(u32, u32)] {
        let first = self.entries.partition_point(|entry| entry.0 < gram);
        let after = self.entries.partition_point(|entry| entry.0 <= gram);
        self.entries.get(first..after).unwrap_or(&[])
    }
}

/// Finds all occurrences of quotes in one text, scanning or using the index as it pays.
pub(crate) struct QuoteFinder<'a> {
    text: &'a str,
    index: OnceCell<Option<GramIndex>>,
}

impl<'a> QuoteFinder<'a> {
    pub fn new(text: &'a str) -> Self {
        QuoteFinder {
            text,
            index: OnceCell::new(),
        }
    }

    /// Byte starts, ascending, of every occurrence of `quote` (overlapping ones too).
    pub fn byte_starts(&self, quote: &str) -> Vec<usize> {
        if quote.is_empty() {
            return Vec::new();
        }
        if quote.len() >= GRAM && self.text.len() >= INDEX_FROM_BYTES {
            let index = self.index.get_or_init(|| GramIndex::new(self.text));
            if let Some(index) = index {
                return self.indexed(index, quote);
            }
        }
        scan(self.text, quote)
    }

    fn indexed(&self, index: &GramIndex, quote: &str) -> Vec<usize> {
        let needle = quote.as_bytes();
        let rarest = (0..=needle.len().saturating_sub(GRAM))
            .filter_map(|offset| Some((offset, index.positions(gram_at(needle, offset)?))))
            .min_by_key(|(_, positions)| positions.len());
        let Some((offset, positions)) = rarest else {
            return Vec::new();
        };
        let haystack = self.text.as_bytes();
        positions
            .iter()
            .filter_map(|(_, at)| (*at as usize).checked_sub(offset))
            .filter(|start| haystack.get(*start..start + needle.len()) == Some(needle))
            .collect()
    }
}

/// Byte starts of every occurrence of `quote` in `text`, by a linear scan.
pub(crate) fn scan(text: &str, quote: &str) -> Vec<usize> {
    let mut found = Vec::new();
    let mut searched_from = 0;
    while let Some(relative) = text.get(searched_from..).and_then(|rest| rest.find(quote)) {
        let byte = searched_from + relative;
        found.push(byte);
        // Step one character on, so overlapping occurrences ("aa" in "aaa") are seen too.
        let step = text
            .get(byte..)
            .and_then(|rest| rest.chars().next())
            .map_or(1, char::len_utf8);
        searched_from = byte + step;
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_index_finds_what_the_scan_finds() {
        let text = "aaaa minister 🦀🦀 said aaaaa; ".repeat(3_000);
        let finder = QuoteFinder::new(&text);
        for quote in [
            "aaaa",
            "minister 🦀",
            "🦀🦀",
            "said aaaaa; aaaa",
            "absent!",
            "a",
            "🦀",
        ] {
            assert_eq!(finder.byte_starts(quote), scan(&text, quote), "{quote:?}");
        }
    }
}
