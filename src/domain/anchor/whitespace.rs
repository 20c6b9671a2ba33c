//! Finding a quote whose whitespace was collapsed or reflowed: Recogito, Hypothesis and many
//! scrapers write "a b" for a text holding "a\n   b". Such a quote is the same words in the
//! same order; only the runs of whitespace between them differ.
//!
//! Why not leave it to the approximate search: a long quote over a reflowed paragraph differs
//! in many characters and would score low, and a short one would be too short to look for.
//! Matching word by word is exact about the words and says nothing about the whitespace.

use crate::domain::text::{ByteOffset, Text, TextRange};

/// At most this many occurrences of the first word are tried.
const MAX_STARTS: usize = 2_000;

/// Every range of `text` that holds the words of `quote` separated by whitespace (at least
/// one whitespace character wherever the quote has some), in text order. Empty when the quote
/// has no whitespace (the exact search already decided it) or no words.
pub(crate) fn find(text: &Text, quote: &str) -> Vec<TextRange> {
    let words: Vec<&str> = quote.split_whitespace().collect();
    let (Some(first), true) = (words.first(), words.len() > 1) else {
        return Vec::new();
    };
    let haystack = text.as_str();
    let mut found = Vec::new();
    for (start, _) in haystack.match_indices(first).take(MAX_STARTS) {
        if let Some(end) = match_from(haystack, start, &words)
            && let (Ok(from), Ok(to)) = (
                text.index().from_byte(ByteOffset(start)),
                text.index().from_byte(ByteOffset(end)),
            )
            && let Ok(range) = TextRange::new(from, to)
        {
            found.push(range);
        }
    }
    found
}

/// The byte end of `words` matched from byte `start`, whitespace between them.
fn match_from(haystack: &str, start: usize, words: &[&str]) -> Option<usize> {
    let mut at = start;
    for (n, word) in words.iter().enumerate() {
        if n > 0 {
            let rest = haystack.get(at..)?;
            let skipped = rest.len() - rest.trim_start().len();
            if skipped == 0 {
                return None;
            }
            at += skipped;
        }
        if !haystack.get(at..)?.starts_with(word) {
            return None;
        }
        at += word.len();
    }
    Some(at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reflowed_quotes_are_found_word_by_word() {
        let text = Text::new("The mayor\n   said crime fell. The mayor said so.");
        let ranges: Vec<(usize, usize)> = find(&text, "mayor said")
            .into_iter()
            .map(|r| (r.start().0, r.end().0))
            .collect();
        assert_eq!(ranges, [(4, 17), (34, 44)]);
        assert!(find(&text, "mayorsaid").is_empty());
        assert!(find(&text, "crime  rose").is_empty());
    }
}
