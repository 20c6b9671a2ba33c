//! A long article is drawn in steps: the first screenful at once, the rest a slice per task,
//! so the first screen is painted early and the page keeps answering input meanwhile. On a
//! 1 MB article the paragraphs took about 190 ms to build and the browser as long again to
//! lay them out, all before the first paint; now the first paint waits for about 5,000
//! characters, the slices start once it is painted, and each slice of about 40,000 stays
//! well under 50 ms.
//!
//! While paragraphs are missing, the article is `aria-busy` and the progress indicator
//! (`ui/progress.rs`) says how far drawing is; the `data-article-text` contract (its
//! `textContent` is the whole text) holds again once it is done. Articles under
//! [`STEPS_FROM`] characters are drawn whole at once, as before; printing draws everything.

use crate::domain::text::TextRange;
use crate::ui::view_memo::ViewMemo;
use crate::ui::view_signal::ViewSignal;
use leptos::prelude::*;

/// From this many characters on, an article is drawn in steps.
pub const STEPS_FROM: usize = 200_000;
/// The first step: a screenful of text on a tall screen (about 2,000 px of the article's
/// column; 12,000 characters took 4,900 px, whose building, layout and paint delayed the
/// first frame).
pub const FIRST_CHARS: usize = 5_000;
/// Each later step.
const STEP_CHARS: usize = 40_000;

/// How many paragraphs of `ranges`, from `from` on, make up at least `chars` characters
/// (at least one more, all when there are fewer).
pub fn paragraphs_for(ranges: &[TextRange], from: usize, chars: usize) -> usize {
    let mut taken = 0;
    let mut end = from;
    for range in ranges.iter().skip(from) {
        end += 1;
        taken += range.end().0.saturating_sub(range.start().0);
        if taken >= chars {
            break;
        }
    }
    end.max(from.saturating_add(1)).min(ranges.len())
}

/// The characters in the article's paragraphs.
fn total_chars(ranges: &[TextRange]) -> usize {
    ranges.last().map_or(0, |last| last.end().0)
}

/// How many paragraphs of the text identified by `text` are drawn.
#[derive(Clone, Copy)]
pub struct Filling {
    drawn: ViewSignal<Option<(u64, usize)>>,
}

impl Filling {
    /// Follows the open text (`text`: an identity of it; `ranges`: its paragraphs): a new
    /// text starts with its first screenful, and the rest follows a slice per task.
    pub fn new(
        text: ViewMemo<u64>,
        ranges: impl Fn() -> Vec<TextRange> + Copy + Send + Sync + 'static,
    ) -> Self {
        let filling = Filling {
            drawn: ViewSignal::new(None),
        };
        Effect::new(move |_| {
            let id = text.get();
            // Only a new text starts over; edits keep what is drawn.
            let ranges = untrack(ranges);
            let first = first_step(&ranges);
            filling.drawn.set(Some((id, first)));
            report(first, ranges.len());
            if first < ranges.len() {
                // The first screenful is painted before any slice runs: a slice queued at
                // once ran before the first frame and delayed it by its length.
                after_first_frame(move || schedule(filling, text, ranges, id));
            }
        });
        on_cleanup(|| crate::ui::progress::set_drawing(None));
        filling
    }

    /// How many paragraphs to draw now, of the text identified by `text` with `ranges`.
    pub fn limit(&self, text: u64, ranges: &[TextRange]) -> usize {
        match self.drawn.get() {
            Some((drawn_text, drawn)) if drawn_text == text => drawn,
            _ => first_step(ranges),
        }
    }

    /// Whether paragraphs of the open text are still missing.
    pub fn busy(&self, count: usize) -> bool {
        self.drawn.get().is_some_and(|(_, drawn)| drawn < count)
    }
}

fn first_step(ranges: &[TextRange]) -> usize {
    if total_chars(ranges) < STEPS_FROM {
        ranges.len()
    } else {
        paragraphs_for(ranges, 0, FIRST_CHARS)
    }
}

/// Runs `then` in a task of its own once the next frame has been painted (its animation
/// frame, then the next one begins: the paint came between them). Work queued from the first
/// animation frame alone still ran before the paint was shown.
pub fn after_first_frame(then: impl FnOnce() + 'static) {
    request_animation_frame(move || {
        request_animation_frame(move || set_timeout(then, std::time::Duration::ZERO));
    });
}

/// Becomes true once the first frame is painted. The lists beside the article (a page of
/// 200 annotations, the tags, the document's details) wait for it: building and laying them
/// out took a third of the time before a long article's first screenful was painted. Their
/// code (but the Tags section's, a part of its own) is a part fetched then (`annotation_list`),
/// and so are the annotating tools (`annotating_tools`) and the header's menu (`app_menu`),
/// which no first frame needs.
pub fn after_first_paint() -> ViewSignal<bool> {
    let painted = ViewSignal::new(false);
    after_first_frame(move || painted.set(true));
    painted
}

fn report(drawn: usize, total: usize) {
    crate::ui::progress::set_drawing((drawn < total).then_some((drawn, total)));
}

/// The next slice, in a task of its own (after the browser has painted and handled input);
/// it stops when another text is opened meanwhile.
fn schedule(filling: Filling, text: ViewMemo<u64>, ranges: Vec<TextRange>, id: u64) {
    set_timeout(
        move || {
            if text.try_get_untracked() != Some(id) {
                return;
            }
            let Some(Some((drawn_text, drawn))) = filling.drawn.try_get_untracked() else {
                return;
            };
            if drawn_text != id {
                return;
            }
            let next = paragraphs_for(&ranges, drawn, STEP_CHARS);
            filling.drawn.set(Some((id, next)));
            report(next, ranges.len());
            if next < ranges.len() {
                schedule(filling, text, ranges, id);
            }
        },
        std::time::Duration::ZERO,
    );
}
