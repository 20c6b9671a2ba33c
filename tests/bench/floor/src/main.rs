//! The least an annotator built on this project's stack (Rust, wasm-bindgen, Leptos CSR)
//! holds in memory: the article's text and its spans, read from JSON, and one paragraph
//! element per line with a `<mark>` for every stretch a span covers, kept by a signal and a
//! memo per paragraph as the app does. No sidebar, list, toolbar, storage or history.
//!
//! The benchmark (`tests/e2e/bench.mjs --floor`) measures its memory after load with the same
//! code and on the same documents as the app and `@recogito/text-annotator`: a budget below
//! this floor cannot be met by any app on the stack, only by another stack.
use leptos::prelude::*;
use serde::Deserialize;
use wasm_bindgen::prelude::*;

#[derive(Deserialize)]
struct Article {
    text: String,
    /// Start and end of each span, in code points.
    spans: Vec<(usize, usize)>,
}

#[wasm_bindgen]
extern "C" {
    /// The document's JSON, which the page fetched before starting the module.
    #[wasm_bindgen(js_namespace = window, js_name = floorArticle)]
    fn floor_article() -> String;
}

/// A stretch of one paragraph and how many spans cover it.
type Piece = (usize, usize, usize);

fn pieces(spans: &[(usize, usize)], start: usize, end: usize) -> Vec<Piece> {
    let mut cuts = vec![start, end];
    for &(a, b) in spans {
        if a < end && b > start {
            cuts.push(a.max(start));
            cuts.push(b.min(end));
        }
    }
    cuts.sort_unstable();
    cuts.dedup();
    cuts.windows(2)
        .map(|w| {
            let covering = spans
                .iter()
                .filter(|&&(a, b)| a <= w[0] && b >= w[1])
                .count();
            (w[0], w[1], covering)
        })
        .collect()
}

fn main() {
    let article: Article = match serde_json::from_str(&floor_article()) {
        Ok(article) => article,
        Err(error) => {
            leptos::logging::error!("floor: the article JSON does not parse: {error}");
            return;
        }
    };
    let chars: Vec<char> = article.text.chars().collect();
    let mut paragraphs = Vec::new();
    let mut start = 0;
    for (at, c) in chars.iter().enumerate() {
        if *c == '\n' {
            paragraphs.push((start, at));
            start = at + 1;
        }
    }
    paragraphs.push((start, chars.len()));
    let spans = RwSignal::new(article.spans);
    let text = StoredValue::new(chars);
    mount_to_body(move || {
        view! {
            <article data-article-text="">
                {paragraphs.into_iter().map(|(start, end)| {
                    let shown = Memo::new(move |_| spans.with(|s| pieces(s, start, end)));
                    view! {
                        <p>
                            <For each=move || shown.get() key=|piece| *piece let:piece>
                                {piece_view(text, piece)}
                            </For>
                        </p>
                    }
                }).collect_view()}
            </article>
        }
    });
}

fn piece_view(text: StoredValue<Vec<char>>, (start, end, covering): Piece) -> AnyView {
    let words: String = text.with_value(|t| t.get(start..end).unwrap_or_default().iter().collect());
    if covering > 0 {
        view! { <mark data-spans=covering>{words}</mark> }.into_any()
    } else {
        words.into_any()
    }
}
