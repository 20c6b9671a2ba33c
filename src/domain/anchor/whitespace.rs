//! Finding a quote whose whitespace was collapsed or reflowed: Recogito, Hypothesis and many
//! scrapers write "a b" for a text holding "a\n   b". Such a quote is the same words in the
//! same order; only the runs of whitespace between them differ.
//!
//! Why not leave it to the approximate search: a long quote over a reflowed paragraph differs
//! in many characters and would score low, and a short one would be too short to look for.
//! Matching word by word is exact about the words and says nothing about the whitespace.
//!
//! The work is bounded per import like the approximate search's: every byte of text the
//! search looks at (finding the first word, then following the words) is paid from a
//! [`WhitespaceBudget`], so a file of many long quotes over a repetitive text (the same word
//! thousands of times) cannot freeze the page. What the budget cannot reach is left for
//! review, and the import says how many.

use crate::domain::text::{ByteOffset, Text, TextRange};

/// At most this many occurrences of the first word are tried.
const MAX_STARTS: usize = 2_000;

/// Bytes of text one import may look at in this search (a few hundred milliseconds).
pub(crate) const BYTES_PER_IMPORT: u64 = 100_000_000;

/// What is left of the work an import may spend finding quotes with other whitespace.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct WhitespaceBudget {
    remaining_bytes: u64,
}

impl WhitespaceBudget {
    pub fn for_one_import() -> Self {
        Self::of(BYTES_PER_IMPORT)
    }

    pub fn of(bytes: u64) -> Self {
        WhitespaceBudget {
            remaining_bytes: bytes,
        }
    }

    /// Pays for `bytes` looked at; false (and nothing left) when they cost more than is left.
    fn spend(&mut self, bytes: usize) -> bool {
        let cost = u64::try_from(bytes).unwrap_or(u64::MAX);
        match self.remaining_bytes.checked_sub(cost) {
            Some(left) => {
                self.remaining_bytes = left;
                true
            }
            None => {
                self.remaining_bytes = 0;
                false
            }
        }
    }
}

/// What the search found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Reflowed {
    /// Every range holding the quote's words, in text order (none, one or several).
    Found(Vec<TextRange>),
    /// The import's budget ran out before the search was complete.
    OutOfBudget,
}

/// Every range of `text` that holds the words of `quote` separated by whitespace (at least
/// one whitespace character wherever the quote has some), in text order. Empty when the quote
/// has no whitespace (the exact search already decided it) or no words.
pub(crate) fn find(text: &Text, quote: &str, budget: &mut WhitespaceBudget) -> Reflowed {
    let words: Vec<&str> = quote.split_whitespace().collect();
    let (Some(first), true) = (words.first(), words.len() > 1) else {
        return Reflowed::Found(Vec::new());
    };
    let haystack = text.as_str();
    let mut found = Vec::new();
    let mut from = 0;
    for _ in 0..MAX_STARTS {
        let rest = haystack.get(from..).unwrap_or_default();
        let Some(offset) = rest.find(first) else {
            if !budget.spend(rest.len()) {
                return Reflowed::OutOfBudget;
            }
            break;
        };
        let start = from + offset;
        let matched = match_from(haystack, start, &words);
        let looked_at = offset + matched.map_or_else(|examined| examined, |end| end - start);
        if !budget.spend(looked_at) {
            return Reflowed::OutOfBudget;
        }
        if let Ok(end) = matched
            && let (Ok(from), Ok(to)) = (
                text.index().from_byte(ByteOffset(start)),
                text.index().from_byte(ByteOffset(end)),
            )
            && let Ok(range) = TextRange::new(from, to)
        {
            found.push(range);
        }
        from = start + first.len();
    }
    Reflowed::Found(found)
}

/// The byte end of `words` matched from byte `start`, whitespace between them; else how many
/// bytes were looked at before the match failed (at least one).
fn match_from(haystack: &str, start: usize, words: &[&str]) -> Result<usize, usize> {
    let mut at = start;
    let failed = |at: usize| Err(at - start + 1);
    for (n, word) in words.iter().enumerate() {
        if n > 0 {
            let Some(rest) = haystack.get(at..) else {
                return failed(at);
            };
            let skipped = rest.len() - rest.trim_start().len();
            if skipped == 0 {
                return failed(at);
            }
            at += skipped;
        }
        if !haystack
            .get(at..)
            .is_some_and(|rest| rest.starts_with(word))
        {
            return failed(at);
        }
        at += word.len();
    }
    Ok(at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reflowed_quotes_are_found_word_by_word() {
        let text = Text::new("The mayor\n   said crime fell. The mayor said so.");
        let mut budget = WhitespaceBudget::for_one_import();
        let mut ranges = |quote: &str| -> Vec<(usize, usize)> {
            match find(&text, quote, &mut budget) {
                Reflowed::Found(found) => found.iter().map(|r| (r.start().0, r.end().0)).collect(),
                Reflowed::OutOfBudget => panic!("the budget is ample here"),
            }
        };
        assert_eq!(ranges("mayor said"), [(4, 17), (34, 44)]);
        assert!(ranges("mayorsaid").is_empty());
        assert!(ranges("crime  rose").is_empty());
    }

    #[test]
    fn the_search_stops_when_the_budget_is_spent() {
        let text = Text::new("a b ".repeat(1_000));
        // The first match costs 3 bytes ("a b"); 2 bytes are not enough.
        let mut budget = WhitespaceBudget::of(2);
        assert_eq!(find(&text, "a b", &mut budget), Reflowed::OutOfBudget);
        assert_eq!(find(&text, "a b", &mut budget), Reflowed::OutOfBudget);
        let mut budget = WhitespaceBudget::of(1_000_000);
        let Reflowed::Found(found) = find(&text, "a b", &mut budget) else {
            panic!("enough budget for 1,000 short matches");
        };
        assert_eq!(found.len(), 1_000);
    }
}
