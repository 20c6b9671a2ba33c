//! Component and storage tests that need a real browser: wasm-bindgen-test runs them in
//! headless Chromium through chromedriver (`cargo test --target wasm32-unknown-unknown --test
//! web`; `.cargo/config.toml` names the runner). They check the browser edges the native
//! tests cannot reach: localStorage as Chromium really behaves, including a full quota, and
//! a Leptos component mounted into a real DOM, how many reads the library makes at start-up
//! and per save (counted by wrapping the browser's own `getItem`), and the panic screen.
#![cfg(target_arch = "wasm32")]

use annotator::web::storage::StorageError;
use annotator::web::storage::adapter::Store;
use annotator::web::storage::keys::PREFIX;
use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn raw_local_storage() -> web_sys::Storage {
    web_sys::window()
        .and_then(|w| w.local_storage().ok().flatten())
        .expect("this browser has localStorage")
}

fn document() -> web_sys::Document {
    web_sys::window()
        .and_then(|w| w.document())
        .expect("a document")
}

/// A fresh `<div>` in the page's body, for a view to be mounted into.
fn new_host() -> web_sys::HtmlElement {
    let host: web_sys::HtmlElement =
        wasm_bindgen::JsCast::unchecked_into(document().create_element("div").expect("div"));
    document()
        .body()
        .expect("body")
        .append_child(&host)
        .expect("append");
    host
}

/// Lets Leptos apply what changed: a few queued tasks.
async fn settled() {
    for _ in 0..3 {
        next_task().await;
    }
}

/// Lets the browser run queued tasks (Leptos applies signal changes to the DOM in a task).
async fn next_task() {
    let promise = js_sys::Promise::new(&mut |resolve, _reject| {
        web_sys::window()
            .expect("a window")
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 0)
            .expect("setTimeout");
    });
    wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .expect("the timeout resolves");
}

/// The drawn caret's lengths, written without Rust's float formatting, read as the browser
/// reads them: the tenth rounded half away from zero, the sign kept below one pixel.
#[wasm_bindgen_test]
fn caret_lengths_are_written_to_a_tenth_of_a_pixel() {
    use annotator::web::caret::css_px;
    let cases = [
        (0.0, "0.0px"),
        (12.0, "12.0px"),
        (12.34, "12.3px"),
        (12.35, "12.4px"),
        (-0.46, "-0.5px"),
        (-0.04, "0.0px"),
        (-17.25, "-17.3px"),
        (1234.96, "1235.0px"),
        (f64::NAN, "0.0px"),
    ];
    for (length, written) in cases {
        assert_eq!(css_px(length), written, "{length}");
    }
    let probe = document().create_element("span").expect("a span");
    let style = probe.unchecked_ref::<web_sys::HtmlElement>().style();
    style
        .set_property("left", &css_px(-3.25))
        .expect("a CSS length");
    assert_eq!(
        style.get_property_value("left").expect("read back"),
        "-3.3px"
    );
}

#[wasm_bindgen_test]
fn store_round_trip_sees_only_our_prefixed_keys() {
    let store = Store::open().expect("localStorage is available in headless Chromium");
    let raw = raw_local_storage();
    let ours_a = format!("{PREFIX}round-trip-a");
    let ours_b = format!("{PREFIX}round-trip-b");
    let foreign = "another-app:round-trip";
    raw.set_item(foreign, "not ours").expect("raw set");

    let value = "text with ünïcödé, a quote ’ and an emoji 😀 and a\nnewline";
    store.set(&ours_a, value).expect("set a");
    store.set(&ours_b, "").expect("set b (empty value)");
    assert_eq!(store.get(&ours_a), Ok(Some(value.to_string())));
    assert_eq!(store.get(&ours_b), Ok(Some(String::new())));
    assert_eq!(store.get(&format!("{PREFIX}never-written")), Ok(None));

    let mut keys = store.keys(PREFIX);
    keys.sort();
    assert_eq!(keys, vec![ours_a.clone(), ours_b.clone()]);
    assert!(
        store.used_chars_except(None)
            >= ours_a.len() + value.encode_utf16().count() + foreign.len(),
        "used_chars_except counts every key on the origin"
    );

    store.set(&ours_a, "overwritten").expect("overwrite");
    assert_eq!(store.get(&ours_a), Ok(Some("overwritten".to_string())));

    store.remove(&ours_a).expect("remove a");
    assert_eq!(store.get(&ours_a), Ok(None));
    assert_eq!(store.keys(PREFIX), vec![ours_b.clone()]);
    store.remove(&ours_b).expect("remove b");
    assert!(store.keys(PREFIX).is_empty());
    // The foreign key was never touched.
    assert_eq!(raw.get_item(foreign), Ok(Some("not ours".to_string())));
    raw.remove_item(foreign).expect("clean up");
}

#[wasm_bindgen_test]
fn a_full_quota_is_classified_as_quota_exceeded() {
    let store = Store::open().expect("localStorage");
    // 1 M UTF-16 units per value; Chromium allows about 5 M per origin, so this throws
    // within a handful of writes.
    let big = "x".repeat(1 << 20);
    let mut written = Vec::new();
    let mut failure = None;
    for i in 0..64 {
        let key = format!("{PREFIX}fill-{i}");
        match store.set(&key, &big) {
            Ok(()) => written.push(key),
            Err(error) => {
                failure = Some((key, error));
                break;
            }
        }
    }
    for key in &written {
        store.remove(key).expect("clean up");
    }
    let (key, error) = failure.expect("filling localStorage must fail at some point");
    assert!(
        !written.is_empty(),
        "at least one 1 M-character value fits before the quota"
    );
    assert_eq!(
        error,
        StorageError::QuotaExceeded {
            needed: key.len() + big.len()
        }
    );
    assert!(error.to_string().contains("full"), "{error}");
    // After cleaning up, writing works again and nothing of ours is left.
    assert!(store.keys(PREFIX).is_empty());
    store.set(&key, "small").expect("space again");
    store.remove(&key).expect("clean up");
}

#[component]
fn Counter(start: u32) -> impl IntoView {
    let count = RwSignal::new(start);
    view! {
        <section id="counter-test">
            <p class="count">{move || format!("clicked {} times", count.get())}</p>
            <button on:click=move |_| count.update(|c| *c += 1)>"More"</button>
        </section>
    }
}

#[wasm_bindgen_test]
async fn a_mounted_component_renders_and_reacts_to_a_click() {
    let host = document()
        .create_element("div")
        .expect("div")
        .dyn_into::<web_sys::HtmlElement>()
        .expect("an HtmlElement");
    document()
        .body()
        .expect("body")
        .append_child(&host)
        .expect("append");
    let handle = leptos::mount::mount_to(host.clone(), || view! { <Counter start=2/> });

    let count = || {
        host.query_selector("#counter-test .count")
            .ok()
            .flatten()
            .and_then(|p| p.text_content())
    };
    assert_eq!(count().as_deref(), Some("clicked 2 times"));

    let button = host
        .query_selector("#counter-test button")
        .ok()
        .flatten()
        .expect("the button is rendered")
        .dyn_into::<web_sys::HtmlElement>()
        .expect("an HtmlElement");
    assert_eq!(button.text_content().as_deref(), Some("More"));
    button.click();
    button.click();
    for _ in 0..20 {
        if count().as_deref() == Some("clicked 4 times") {
            break;
        }
        next_task().await;
    }
    assert_eq!(count().as_deref(), Some("clicked 4 times"));

    drop(handle);
    host.remove();
}

// ---------------------------------------------------------------------------------------------
// The library: what start-up and saving read. The wasm tests share one page, so each test
// starts from an empty localStorage and clears it again.

use annotator::domain::annotation::{Annotation, AnnotationId};
use annotator::domain::change::Touched;
use annotator::domain::document::{Document, DocumentId, Metadata};
use annotator::domain::tag::TagId;
use annotator::domain::text::{Text, TextRange};
use annotator::web::storage::{adapter, keys, library};

/// Opens the library as start-up does on a returning visit: with the reader of stored entries
/// here (in the app a part of its own, fetched before the app mounts: `ui::library::reader`).
/// The panic screen says what happened and offers the last work the autosave serialised, as
/// a file named like an export (a panic itself would end this test, so it draws the screen
/// the hook draws).
#[wasm_bindgen_test]
fn the_panic_screen_offers_the_last_work_for_download() {
    use annotator::ui::shell::panic_screen;
    panic_screen::remember_work(
        "an-article.annotations.json".to_string(),
        r#"{"format":"article-annotator"}"#.to_string(),
    );
    panic_screen::show("index out of bounds at src/somewhere.rs:1:1");
    let screen = document()
        .query_selector(".ann-panic[role=alertdialog]")
        .expect("a valid selector")
        .expect("the panic screen is drawn");
    let heading = document()
        .get_element_by_id("ann-panic-title")
        .expect("the screen has its title");
    assert_eq!(
        screen.get_attribute("aria-labelledby").as_deref(),
        Some("ann-panic-title")
    );
    assert_eq!(
        heading.text_content().as_deref(),
        Some("Article Annotator hit an internal error and stopped")
    );
    let link: web_sys::HtmlAnchorElement = screen
        .query_selector("a[download]")
        .expect("a valid selector")
        .expect("the screen offers the work")
        .dyn_into()
        .expect("an anchor");
    assert_eq!(link.download(), "an-article.annotations.json");
    assert!(link.href().starts_with("blob:"), "{}", link.href());
    assert_eq!(link.text_content().as_deref(), Some("Download your work"));
    let details = screen
        .query_selector("pre")
        .expect("a valid selector")
        .expect("the screen says what happened");
    assert_eq!(
        details.text_content().as_deref(),
        Some("index out of bounds at src/somewhere.rs:1:1")
    );
    panic_screen::forget_work();
    screen.remove();
}

fn open_library() -> Result<(), StorageError> {
    library::entry_reader_arrived(
        annotator::domain::format::library::read_typed_entry,
        annotator::domain::format::library::read_entry_value,
    );
    library::open()
}

/// Counts every `localStorage.getItem` the page makes (calls and characters returned), by
/// wrapping the browser's own method, so no read can bypass the count.
fn count_reads() {
    let install = js_sys::Function::new_no_args(
        "const proto = Storage.prototype;
         if (!proto.__reads) {
           const original = proto.getItem;
           proto.getItem = function (key) {
             const value = original.call(this, key);
             proto.__reads.calls += 1;
             proto.__reads.chars += value === null ? 0 : value.length;
             proto.__reads.keys.push(key);
             return value;
           };
         }
         proto.__reads = { calls: 0, chars: 0, keys: [] };",
    );
    install.call0(&JsValue::NULL).expect("the counter installs");
}

/// (getItem calls, characters read, keys read) since `count_reads`.
fn reads() -> (u32, u32, Vec<String>) {
    let get = js_sys::Function::new_no_args("return Storage.prototype.__reads;");
    let reads = get.call0(&JsValue::NULL).expect("the counter is installed");
    let field = |name: &str| js_sys::Reflect::get(&reads, &name.into()).expect(name);
    let keys = js_sys::Array::from(&field("keys"))
        .iter()
        .filter_map(|k| k.as_string())
        .collect();
    (
        field("calls").as_f64().unwrap_or(-1.0) as u32,
        field("chars").as_f64().unwrap_or(-1.0) as u32,
        keys,
    )
}

/// A document of about `size` characters with a few annotations.
fn stored_document(id: &str, size: usize) -> Document {
    let sentence = "The council said the bridge would reopen in May, citing the engineers. ";
    let text = Text::new(sentence.repeat(size / sentence.len() + 1));
    let mut document = Document::new(
        DocumentId(id.into()),
        Metadata {
            title: format!("Document {id}"),
            ..Metadata::default()
        },
        text.clone(),
    );
    for n in 0..5 {
        let at = n * sentence.len();
        let range = TextRange::from_code_points(at + 4, at + 11).expect("ordered");
        let annotation = Annotation::new(
            AnnotationId(format!("{id}-a{n}")),
            TagId("claim".into()),
            &text,
            range,
            "2024-01-01T00:00:00Z",
        )
        .expect("in the text");
        document.annotations.push(annotation);
    }
    document
}

/// Empties storage and fills the library with `count` documents of 20,000 characters, plus
/// another app's key; then opens it afresh, as a new page load would.
fn library_of(count: usize) -> Vec<Document> {
    raw_local_storage().clear().expect("clear");
    raw_local_storage()
        .set_item("another-app:settings", "{\"theme\":\"dark\"}")
        .expect("a foreign key");
    adapter::forget_sizes();
    open_library().expect("the library opens");
    let documents: Vec<Document> = (0..count)
        .map(|n| stored_document(&format!("d{n:02}"), 20_000))
        .collect();
    for document in &documents {
        library::save_other_document(document).expect("fits");
    }
    library::set_last_open(&documents[0].id.0).expect("last open");
    adapter::forget_sizes();
    documents
}

#[wasm_bindgen_test]
fn start_up_reads_the_index_and_the_one_open_entry() {
    let documents = library_of(20);
    count_reads();
    open_library().expect("opens");
    let id = library::last_open().expect("a document was open last");
    let entry = library::read(&id).expect("stored").expect("readable");
    assert_eq!(entry.document, documents[0]);
    let (calls, chars, keys_read) = reads();
    assert_eq!(
        keys_read[..4],
        [
            keys::INDEX,
            keys::LAST_OPEN,
            keys::TAB_OPEN,
            &keys::document(&id)
        ],
        "start-up reads the index, the last-open id, this tab's own (sessionStorage) and that one entry"
    );
    // Then the entry's pieces: its text and its one part of annotations.
    assert_eq!(calls, 6, "{keys_read:?}");
    assert!(keys_read[4..].iter().all(|key| keys::is_piece_of(key, &id)));
    assert!(chars < 30_000, "{chars} characters read");
    // The list the Library shows comes from the index alone.
    count_reads();
    let listing = library::listing();
    assert_eq!(listing.len(), 20);
    assert!(
        listing
            .iter()
            .all(|row| row.counts.get("claim") == Some(&5))
    );
    assert!(listing.iter().all(|row| row.stored_chars.is_some()));
    assert_eq!(reads().0, 0, "listing reads nothing");
    raw_local_storage().clear().expect("clean up");
}

#[wasm_bindgen_test]
fn a_save_reads_no_other_key() {
    let mut documents = library_of(20);
    open_library().expect("opens");
    let open = &mut documents[0];
    count_reads();
    // The first save of a page load measures the keys nothing told it the size of: here
    // only the other app's (the index gave every entry's size).
    library::save_open_document(open, 2, &Touched::everything()).expect("saved");
    let (calls, chars, keys_read) = reads();
    assert_eq!(keys_read, vec!["another-app:settings"]);
    assert!(
        calls <= 1 && chars < 100,
        "{calls} reads, {chars} characters"
    );
    // Every later save reads nothing at all.
    count_reads();
    for revision in 3..13 {
        open.metadata.title = format!("Revision {revision}");
        let metadata = Touched {
            rest: true,
            ..Touched::default()
        };
        library::save_open_document(open, revision, &metadata).expect("saved");
        assert_eq!(library::stored_revision(&open.id.0), Some(revision));
    }
    let (calls, _, keys_read) = reads();
    assert_eq!(calls, 0, "ten saves read {keys_read:?}");
    // The sizes kept without reading are what storage really holds.
    let storage = raw_local_storage();
    let length = storage.length().expect("length");
    let real: usize = (0..length)
        .filter_map(|i| storage.key(i).ok().flatten())
        .map(|key| {
            let value = storage.get_item(&key).ok().flatten().unwrap_or_default();
            key.encode_utf16().count() + value.encode_utf16().count()
        })
        .sum();
    assert_eq!(library::usage_bytes().map(|(used, _)| used), Some(real * 2));
    raw_local_storage().clear().expect("clean up");
}

#[wasm_bindgen_test]
fn a_save_that_does_not_fit_is_refused_and_a_full_quota_still_says_so() {
    let documents = library_of(2);
    open_library().expect("opens");
    // Refused before writing, from the sizes known: 6 M characters never fit.
    let huge = stored_document("huge", 6 * 1024 * 1024);
    match library::save_other_document(&huge) {
        Err(StorageError::DoesNotFit { needed, available }) => {
            assert!(needed > 6 * 1024 * 1024 && available < needed)
        }
        other => panic!("expected DoesNotFit, got {other:?}"),
    }
    assert!(library::read("huge").is_none(), "nothing was written");
    // Storage filled behind the library's back (sizes it cannot know): setItem's own
    // failure comes back as QuotaExceeded, and the stored entry is the previous one.
    let storage = raw_local_storage();
    let big = "x".repeat(1 << 20);
    let mut fillers = 0;
    while storage.set_item(&format!("filler-{fillers}"), &big).is_ok() {
        fillers += 1;
    }
    let mut small = 1 << 19;
    while small >= 16 {
        if storage
            .set_item(&format!("filler-{fillers}"), &"x".repeat(small))
            .is_ok()
        {
            fillers += 1;
        } else {
            small /= 2;
        }
    }
    let mut edited = documents[1].clone();
    edited.metadata.title = "Edited while the storage is full. ".repeat(10);
    let result = library::save_open_document(&edited, 2, &Touched::everything());
    assert!(
        matches!(result, Err(StorageError::QuotaExceeded { .. })),
        "{result:?}"
    );
    let stored = library::read(&edited.id.0)
        .expect("stored")
        .expect("readable");
    assert_eq!(stored.document, documents[1]);
    raw_local_storage().clear().expect("clean up");
}

#[wasm_bindgen_test]
fn another_tabs_index_replaces_the_one_in_memory_without_a_read() {
    let documents = library_of(3);
    open_library().expect("opens");
    let id = documents[2].id.0.clone();
    assert_eq!(library::stored_revision(&id), Some(1));
    // What another tab writes: its index with a newer revision of the document.
    let mut index = annotator::domain::format::library::LibraryIndex::default();
    for row in library::listing() {
        index.upsert(row);
    }
    let mut row = index.get(&id).cloned().expect("listed");
    row.revision = 9;
    index.upsert(row);
    let new_value = annotator::domain::format::library::write_index(&index);
    let init = js_sys::Object::new();
    js_sys::Reflect::set(&init, &"key".into(), &keys::INDEX.into()).expect("key");
    js_sys::Reflect::set(&init, &"newValue".into(), &new_value.as_str().into()).expect("value");
    let constructor = js_sys::Reflect::get(&js_sys::global(), &"StorageEvent".into())
        .expect("StorageEvent")
        .dyn_into::<js_sys::Function>()
        .expect("a constructor");
    let event =
        js_sys::Reflect::construct(&constructor, &js_sys::Array::of2(&"storage".into(), &init))
            .expect("an event")
            .dyn_into::<web_sys::StorageEvent>()
            .expect("a StorageEvent");
    count_reads();
    assert_eq!(
        library::other_tab_wrote(&event),
        library::OtherTabWrite::Index
    );
    assert_eq!(library::stored_revision(&id), Some(9));
    assert_eq!(reads().0, 0, "the event carries the index");
    raw_local_storage().clear().expect("clean up");
}

#[wasm_bindgen_test]
fn an_entry_of_the_single_key_layout_opens_and_its_first_save_writes_it_in_parts() {
    use annotator::domain::command::Command;
    use annotator::domain::format::library::{read_entry, write_entry};
    use annotator::domain::history::Editor;
    let documents = library_of(2);
    // What earlier builds stored: the whole entry under the document's key.
    let mut old = stored_document("old-layout", 30_000);
    for n in 0..300 {
        let range = TextRange::from_code_points(n * 90, n * 90 + 12).expect("ordered");
        old.annotations.push(
            Annotation::new(
                AnnotationId(format!("old-{n}")),
                TagId("claim".into()),
                &old.text,
                range,
                "2026-01-01T00:00:00Z",
            )
            .expect("inside"),
        );
    }
    let single = write_entry(&old, 4, "2026-01-01T00:00:00Z");
    raw_local_storage()
        .set_item(&keys::document("old-layout"), &single)
        .expect("fits");
    adapter::forget_sizes();
    open_library().expect("opens");
    let entry = library::read("old-layout")
        .expect("stored")
        .expect("readable");
    let expected = read_entry(&single).expect("reads").document;
    assert_eq!(entry.document, expected);
    assert!(!library::adopt_layout("old-layout", 4), "no parts yet");
    // The first save writes it in parts, which read back as the same document.
    let mut editor = Editor::new(entry.document.clone());
    library::save_open_document(editor.document(), 5, &Touched::everything()).expect("saved");
    let pieces = || {
        let storage = raw_local_storage();
        (0..storage.length().expect("length"))
            .filter_map(|i| storage.key(i).ok().flatten())
            .filter(|key| keys::is_piece_of(key, "old-layout"))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        pieces().len(),
        1 + 4,
        "the text and 4 parts of about 100 annotations"
    );
    let head = raw_local_storage()
        .get_item(&keys::document("old-layout"))
        .expect("reads")
        .expect("stored");
    assert!(head.len() < 2_000, "the head is small: {}", head.len());
    let back = library::read("old-layout")
        .expect("stored")
        .expect("readable");
    assert_eq!(back.document, expected);
    assert_eq!(back.revision, 5);
    // One edit writes one part and the head, and reads nothing.
    assert!(library::adopt_layout("old-layout", 5));
    let since = editor.log().sequence();
    let id = editor.document().annotations[150].id.clone();
    editor
        .execute(Command::DeleteAnnotation { id }, 1, "2026-01-02T00:00:00Z")
        .expect("deletes");
    let before = pieces();
    count_reads();
    library::save_open_document(editor.document(), 6, &editor.log().touched_since(since))
        .expect("saved");
    assert_eq!(reads().0, 0, "a save reads nothing");
    let after = pieces();
    assert_eq!(after.len(), before.len());
    assert_eq!(
        after.iter().filter(|key| !before.contains(key)).count(),
        1,
        "one part written anew: {before:?} → {after:?}"
    );
    let back = library::read("old-layout")
        .expect("stored")
        .expect("readable");
    assert_eq!(
        back.document.annotations.len(),
        expected.annotations.len() - 1
    );
    assert_eq!(back.revision, 6);
    // Deleting the document removes every piece.
    library::delete_document("old-layout").expect("deleted");
    assert!(pieces().is_empty());
    assert!(library::read(&documents[0].id.0).is_some());
    raw_local_storage().clear().expect("clean up");
}

/// The parts the main module keeps (`ui::kept_part`: the selection's snapping, the tab merge,
/// the writer), with a fetch these tests control: each test has its own part and fetches.
mod kept_part {
    use super::next_task;
    use annotator::ui::kept_part::{Kept, Loading, Slot, Waiter};
    use annotator::ui::on_demand::NotLoaded;
    use std::cell::{Cell, RefCell};
    use std::collections::VecDeque;
    use std::rc::Rc;
    use std::thread::LocalKey;
    use wasm_bindgen_test::*;

    /// How many fetches started, and what each gives (in order; an error once none is left).
    #[derive(Default)]
    struct Fetches {
        started: Cell<u32>,
        outcomes: RefCell<VecDeque<Result<u32, NotLoaded>>>,
    }

    impl Fetches {
        fn give(&self, outcomes: &[Result<u32, NotLoaded>]) {
            self.outcomes.borrow_mut().extend(outcomes.iter().copied());
        }
    }

    /// A fetch that ends in a later task, as the loader's does.
    fn fetch(fetches: &'static LocalKey<Fetches>) -> Loading<u32> {
        fetches.with(|f| f.started.set(f.started.get() + 1));
        Box::pin(async move {
            next_task().await;
            fetches.with(|f| {
                f.outcomes
                    .borrow_mut()
                    .pop_front()
                    .unwrap_or(Err(NotLoaded))
            })
        })
    }

    /// Leptos's executor runs what the part's fetch spawns; mounting sets it up.
    fn with_executor() {
        let host = super::document()
            .create_element("div")
            .expect("a div can be created");
        let host: web_sys::HtmlElement = wasm_bindgen::JsCast::unchecked_into(host);
        drop(leptos::mount::mount_to(host, || ()));
    }

    /// What the waiters were given, in the order they ran.
    type Log = Rc<RefCell<Vec<String>>>;

    fn waiter(log: &Log, name: &'static str) -> Waiter {
        let log = Rc::clone(log);
        Box::new(move |fetched| log.borrow_mut().push(format!("{name} {fetched:?}")))
    }

    async fn settle() {
        for _ in 0..3 {
            next_task().await;
        }
    }

    thread_local! {
        static ONCE: Slot<u32> = const { Slot::new() };
        static ONCE_FETCHES: Fetches = Fetches::default();
    }

    #[wasm_bindgen_test]
    async fn a_kept_part_is_fetched_once_for_all_that_wait_and_then_kept() {
        with_executor();
        let part = Kept(&ONCE);
        part.install(|| fetch(&ONCE_FETCHES));
        ONCE_FETCHES.with(|f| f.give(&[Ok(7)]));
        let log = Log::default();
        part.prefetch(waiter(&log, "prefetch"));
        assert!(part.wait(waiter(&log, "first")));
        assert!(part.wait(waiter(&log, "second")));
        // Already on its way: no second fetch, and this `arrived` is not kept.
        part.prefetch(Box::new(|_| {
            panic!("a prefetch during a fetch waits for nothing")
        }));
        assert_eq!(part.here(), None);
        settle().await;
        assert_eq!(ONCE_FETCHES.with(|f| f.started.get()), 1);
        // The prefetch that started the fetch is told, first: it asked first.
        assert_eq!(
            *log.borrow(),
            ["prefetch Ok(())", "first Ok(())", "second Ok(())"]
        );
        assert_eq!(part.here(), Some(7));
        assert!(!part.failed());
        // Here: what waits now runs at once, without a fetch.
        assert!(part.wait(waiter(&log, "third")));
        assert_eq!(
            log.borrow().last().map(String::as_str),
            Some("third Ok(())")
        );
        part.prefetch(Box::new(|_| {
            panic!("a part already here is not fetched again")
        }));
        assert_eq!(ONCE_FETCHES.with(|f| f.started.get()), 1);
    }

    thread_local! {
        static FAILING: Slot<u32> = const { Slot::new() };
        static FAILING_FETCHES: Fetches = Fetches::default();
    }

    #[wasm_bindgen_test]
    async fn a_failed_fetch_is_told_to_all_that_wait_and_the_next_need_fetches_again() {
        with_executor();
        let part = Kept(&FAILING);
        part.install(|| fetch(&FAILING_FETCHES));
        FAILING_FETCHES.with(|f| f.give(&[Err(NotLoaded), Ok(3)]));
        let log = Log::default();
        part.prefetch(waiter(&log, "prefetch"));
        assert!(part.wait(waiter(&log, "first")));
        assert!(part.wait(waiter(&log, "second")));
        settle().await;
        assert_eq!(
            *log.borrow(),
            [
                "prefetch Err(NotLoaded)",
                "first Err(NotLoaded)",
                "second Err(NotLoaded)"
            ]
        );
        assert!(part.failed());
        assert_eq!(part.here(), None);
        // The next need fetches again, and this time the part comes.
        assert!(part.wait(waiter(&log, "again")));
        settle().await;
        assert_eq!(
            log.borrow().last().map(String::as_str),
            Some("again Ok(())")
        );
        assert_eq!(part.here(), Some(3));
        assert_eq!(FAILING_FETCHES.with(|f| f.started.get()), 2);
        assert!(!part.failed());
        // Found missing after all: forgotten, and fetched again when next needed.
        part.forget();
        FAILING_FETCHES.with(|f| f.give(&[Ok(4)]));
        assert!(part.wait(waiter(&log, "after forgetting")));
        assert_eq!(part.here(), None);
        settle().await;
        assert_eq!(part.here(), Some(4));
        assert_eq!(FAILING_FETCHES.with(|f| f.started.get()), 3);
    }

    thread_local! {
        static NEVER_INSTALLED: Slot<u32> = const { Slot::new() };
    }

    #[wasm_bindgen_test]
    async fn a_part_never_installed_runs_nothing_that_waits() {
        let part = Kept(&NEVER_INSTALLED);
        assert!(!part.installed());
        assert!(!part.wait(Box::new(|_| panic!("nothing runs"))));
        part.prefetch(Box::new(|_| panic!("nothing runs")));
        settle().await;
        assert_eq!(part.here(), None);
    }
}

/// The page's signals (`ui::page_signal`): what a view shows follows `set` and `update`, an
/// untracked change shows once notified, and an untracked read subscribes nothing.
mod page_signal {
    use super::{new_host, settled};
    use annotator::ui::page_signal::PageSignal;
    use leptos::prelude::*;
    use std::cell::Cell;
    use std::rc::Rc;
    use wasm_bindgen_test::*;

    #[wasm_bindgen_test]
    async fn a_view_follows_a_page_signal_and_an_untracked_read_does_not_subscribe() {
        let host = new_host();
        let words = PageSignal::new(vec!["one".to_string()]);
        let hidden = PageSignal::new(0_u32);
        let runs = Rc::new(Cell::new(0));
        let counted = send_wrapper::SendWrapper::new(Rc::clone(&runs));
        let handle = leptos::mount::mount_to(host.clone(), move || {
            view! {
                <p>
                    {move || {
                        counted.set(counted.get() + 1);
                        format!("{} {}", words.with(|w| w.join(",")), hidden.get_untracked())
                    }}
                </p>
            }
        });
        let shown = || host.text_content().unwrap_or_default();
        assert_eq!(shown(), "one 0");

        words.set(vec!["two".to_string()]);
        settled().await;
        assert_eq!(shown(), "two 0");
        assert_eq!(runs.get(), 2);

        let length = words.update(|w| {
            w.push("three".to_string());
            w.len()
        });
        assert_eq!(length, 2);
        settled().await;
        assert_eq!(shown(), "two,three 0");

        // Read untracked: changing it re-runs nothing.
        hidden.set(7);
        settled().await;
        assert_eq!((shown().as_str(), runs.get()), ("two,three 0", 3));

        // Changed untracked: shown only once notified.
        words.update_untracked(|w| w.clear());
        settled().await;
        assert_eq!(shown(), "two,three 0");
        words.notify();
        settled().await;
        assert_eq!((shown().as_str(), runs.get()), (" 7", 4));
        assert_eq!(words.get_untracked(), Vec::<String>::new());

        drop(handle);
        host.remove();
    }
}

mod view_signal {
    use super::{new_host, settled};
    use annotator::ui::view_signal::ViewSignal;
    use leptos::prelude::*;
    use wasm_bindgen_test::*;

    #[wasm_bindgen_test]
    async fn a_view_follows_its_own_signal_which_goes_with_its_owner() {
        let host = new_host();
        let owner = Owner::new();
        let (count, other) = owner.with(|| (ViewSignal::new(1_u32), ViewSignal::new(1_u32)));
        let same = count;
        assert!(
            same == count && count != other,
            "equal means the same signal"
        );
        let handle = leptos::mount::mount_to(host.clone(), move || {
            view! { <p>{move || count.get().to_string()}</p> }
        });
        let shown = || host.text_content().unwrap_or_default();
        assert_eq!(shown(), "1");

        count.set(2);
        settled().await;
        assert_eq!(shown(), "2");
        count.update(|n| *n += 10);
        settled().await;
        assert_eq!(shown(), "12");
        let doubled = count.try_update(|n| {
            *n *= 2;
            *n
        });
        assert_eq!(doubled, Some(24));
        settled().await;
        assert_eq!(shown(), "24");

        // Changed untracked: the view keeps what it showed.
        count.update_untracked(|n| *n = 5);
        settled().await;
        assert_eq!((shown().as_str(), count.get_untracked()), ("24", 5));

        // Its owner gone, the signal is gone: writes are refused, not applied.
        owner.cleanup();
        assert_eq!(count.try_get_untracked(), None);
        assert_eq!(count.try_set(9), Some(9));
        assert_eq!(count.try_update(|n| *n), None);
        count.set(3);
        count.update(|n| *n = 4);
        settled().await;
        assert_eq!(shown(), "24");

        drop(handle);
        host.remove();
    }
}

mod view_memo {
    use super::{new_host, settled};
    use annotator::ui::view_memo::ViewMemo;
    use annotator::ui::view_signal::ViewSignal;
    use leptos::prelude::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use wasm_bindgen_test::*;

    #[wasm_bindgen_test]
    async fn a_memo_tells_its_view_only_when_its_value_changes() {
        let host = new_host();
        let owner = Owner::new();
        let computed = Arc::new(AtomicUsize::new(0));
        let drawn = Arc::new(AtomicUsize::new(0));
        let runs = Arc::clone(&computed);
        let (count, parity, last_seen, other) = owner.with(|| {
            let count = ViewSignal::new(1_u32);
            let parity = ViewMemo::new(move |_| {
                runs.fetch_add(1, Ordering::SeqCst);
                if count.get().is_multiple_of(2) {
                    "even"
                } else {
                    "odd"
                }
                .to_string()
            });
            // What the memo returned last time is handed back to it.
            let last_seen = ViewMemo::new(move |previous: Option<&(u32, u32)>| {
                (count.get(), previous.map_or(0, |&(now, _)| now))
            });
            (
                count,
                parity,
                last_seen,
                ViewMemo::new(move |_| count.get()),
            )
        });
        let same = parity;
        assert!(same == parity, "equal means the same memo");
        assert!(
            other != ViewMemo::new(move |_| count.get()),
            "two memos differ"
        );
        let draws = Arc::clone(&drawn);
        let handle = leptos::mount::mount_to(host.clone(), move || {
            view! {
                <p>
                    {move || {
                        draws.fetch_add(1, Ordering::SeqCst);
                        parity.get()
                    }}
                </p>
            }
        });
        let shown = || host.text_content().unwrap_or_default();
        assert_eq!(shown(), "odd");
        assert_eq!(last_seen.get_untracked(), (1, 0));
        let (computed_at_start, drawn_at_start) = (
            computed.load(Ordering::SeqCst),
            drawn.load(Ordering::SeqCst),
        );

        // 1 -> 3: computed again, the same value, so the view is not drawn again.
        count.set(3);
        settled().await;
        assert_eq!(shown(), "odd");
        assert_eq!(computed.load(Ordering::SeqCst), computed_at_start + 1);
        assert_eq!(drawn.load(Ordering::SeqCst), drawn_at_start);
        assert_eq!(last_seen.get_untracked(), (3, 1));

        // 3 -> 4: a new value, drawn once.
        count.set(4);
        settled().await;
        assert_eq!(shown(), "even");
        assert_eq!(drawn.load(Ordering::SeqCst), drawn_at_start + 1);
        assert_eq!(parity.get_untracked(), "even");
        assert_eq!(parity.with_untracked(String::len), 4);
        assert_eq!(last_seen.get_untracked(), (4, 3));
        assert_eq!(parity.try_get_untracked().as_deref(), Some("even"));

        // Its owner gone, the memo is gone.
        owner.cleanup();
        assert_eq!(parity.try_get_untracked(), None);
        assert_eq!(other.try_get_untracked(), None);

        drop(handle);
        host.remove();
    }
}

mod view_value {
    use annotator::ui::view_value::ViewValue;
    use leptos::prelude::*;
    use wasm_bindgen_test::*;

    #[wasm_bindgen_test]
    fn a_kept_value_goes_with_its_owner() {
        let owner = Owner::new();
        let (kept, other) = owner.with(|| (ViewValue::new(vec![1_u32]), ViewValue::new(7_u32)));
        kept.update_value(|v| v.push(2));
        assert_eq!(kept.get_value(), [1, 2]);
        assert_eq!(kept.with_value(Vec::len), 2);
        kept.set_value(vec![3]);
        assert_eq!(kept.try_update_value(|v| v.pop()), Some(Some(3)));
        assert_eq!(other.get_value(), 7, "each value is its own");

        // Its owner gone, the value is gone: writes do nothing, the `try_` reads say so.
        owner.cleanup();
        kept.set_value(vec![9]);
        kept.update_value(|v| v.push(9));
        assert_eq!(kept.try_with_value(Vec::len), None);
        assert_eq!(kept.try_update_value(|v| v.len()), None);
        assert_eq!(other.try_with_value(|n| *n), None);
    }
}

mod print_state {
    use super::{new_host, settled};
    use annotator::ui::annotate::print_notes::{printing, provide_printing};
    use leptos::prelude::*;
    use wasm_bindgen_test::*;

    fn window_event(name: &str) {
        let event = web_sys::Event::new(name).expect("an event");
        web_sys::window()
            .expect("a window")
            .dispatch_event(&event)
            .expect("dispatched");
    }

    #[wasm_bindgen_test]
    async fn a_view_follows_the_windows_print_dialog() {
        let host = new_host();
        let owner = Owner::new();
        owner.with(|| {
            provide_printing();
            // A second call (a second mount of the app) does not listen twice.
            provide_printing();
        });
        let handle = leptos::mount::mount_to(host.clone(), move || {
            view! { <p>{move || if printing() { "paper" } else { "screen" }}</p> }
        });
        let shown = || host.text_content().unwrap_or_default();
        assert_eq!(shown(), "screen");

        window_event("beforeprint");
        settled().await;
        assert_eq!(shown(), "paper");
        window_event("afterprint");
        settled().await;
        assert_eq!(shown(), "screen");

        // The print state is the page's: the owner that set it up going changes nothing.
        owner.cleanup();
        window_event("beforeprint");
        settled().await;
        assert_eq!(shown(), "paper");
        window_event("afterprint");
        settled().await;

        drop(handle);
        host.remove();
    }
}
