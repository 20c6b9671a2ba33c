//! Ctrl+Down and Ctrl+Up in the reading cursor: from paragraph start to paragraph start,
//! never onto the blank line between paragraphs, in UTF-16 as the browser counts.

use annotator::domain::selection::paragraph_step;
use annotator::domain::text::{Text, Utf16Offset};

fn steps(text: &str, from: usize, forward: bool, count: usize) -> Vec<usize> {
    let text = Text::new(text);
    let mut at = Utf16Offset(from);
    (0..count)
        .map(|_| {
            at = paragraph_step(&text, at, forward);
            at.0
        })
        .collect()
}

#[test]
fn forward_goes_from_paragraph_start_to_paragraph_start() {
    let text = "Title\n\nFirst paragraph.\n\n\n  Second, indented.\nThird on the next line.";
    let starts: Vec<usize> = ["First", "Second", "Third"]
        .iter()
        .map(|w| text.find(w).unwrap())
        .collect();
    let mut expected = starts.clone();
    expected.push(text.len());
    expected.push(text.len());
    assert_eq!(steps(text, 0, true, 5), expected);
    // From the middle of a paragraph, and from inside the blank lines.
    assert_eq!(steps(text, 10, true, 1), vec![starts[1]]);
    assert_eq!(steps(text, starts[1] - 3, true, 1), vec![starts[1]]);
}

#[test]
fn backward_goes_to_this_paragraph_start_then_the_ones_before() {
    let text = "Title\n\nFirst paragraph.\n\nSecond.";
    let first = text.find("First").unwrap();
    let second = text.find("Second").unwrap();
    assert_eq!(steps(text, text.len(), false, 4), vec![second, first, 0, 0]);
    assert_eq!(steps(text, second, false, 1), vec![first]);
    // From the blank line: the paragraph before it.
    assert_eq!(steps(text, second - 1, false, 1), vec![first]);
}

#[test]
fn offsets_count_utf16_units_and_never_split_a_surrogate_pair() {
    // 😀 is two UTF-16 units; the second paragraph starts after it.
    let text = "😀 smile\n\n😀 again";
    let second_utf16 = "😀 smile\n\n".encode_utf16().count();
    assert_eq!(steps(text, 0, true, 1), vec![second_utf16]);
    // Inside the pair counts as the emoji's start going back: that is the second
    // paragraph's start, so the step goes to the first.
    assert_eq!(steps(text, second_utf16 + 1, false, 1), vec![0]);
    // Going forward from inside the pair: past the emoji, to the end.
    assert_eq!(
        steps(text, second_utf16 + 1, true, 1),
        vec![text.encode_utf16().count()]
    );
    let total = text.encode_utf16().count();
    assert_eq!(steps(text, second_utf16, true, 1), vec![total]);
}
