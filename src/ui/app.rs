use leptos::prelude::*;

const SAMPLE: &str = include_str!("../../assets/sample-article.txt");

#[component]
pub fn App() -> impl IntoView {
    // split_inclusive keeps every separator, so the article's textContent is SAMPLE exactly.
    let paragraphs: Vec<String> = SAMPLE.split_inclusive("\n\n").map(String::from).collect();
    view! {
        <header class="ann-header"><h1>"Article Annotator"</h1></header>
        <main>
            <div data-article-text="">
                {paragraphs.into_iter().map(|p| view! { <div class="ann-para">{p}</div> }).collect_view()}
            </div>
        </main>
    }
}
