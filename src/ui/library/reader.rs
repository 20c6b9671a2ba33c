//! The reader of stored entries (`domain::format::library::EntryReader`: the typed reader of
//! what this app writes, and the careful one, field by field, for what it refuses) is about
//! 20 KiB of the gzipped main module, and a first visit reads nothing stored: it opens the
//! sample. So it is a part of its own (`entry_reader`), holding the reader and nothing else,
//! so that a returning visit fetches no other part's code first (two files, 27 KiB gzip: the
//! part and the one chunk of the code it shares with the import of native files, Class results
//! and the student's part, which read native files too; `scripts/build-wasm` merges that chunk).
//!
//! A returning visit needs it before anything shows, so it must cost that visit as little time
//! as it can (docs/benchmarks.md measures what it still costs):
//! - boot.js starts its download together with the main module's when the library holds
//!   documents (index.html lists the part's files, written by `scripts/finish-build`), so
//!   it is usually here by the time the main module runs;
//! - [`before_start`] crosses its boundary before the app mounts, while index.html's
//!   "Opening Article Annotator…" shows: that is its compilation, not a download.
//!
//! If it is missing even so (its fetch failed), start-up waits with "Opening your
//! document…" (`persistence::initial_document`), and anything else that reads an entry
//! waits for it or says that entry needs it (`EntryError::NeedsReader`). Fetching saving's
//! part (`writer`) fetches this one first, so whatever waits for saving may read too.

use crate::domain::format::library::{EntryError, StoredEntry};
use crate::ui::kept_part::{Kept, Slot, Waiter};
use crate::ui::on_demand::NotLoaded;
use serde_json::Value;

thread_local! {
    static READER: Slot<()> = const { Slot::new() };
}

/// The part's keeping (`ui::kept_part`).
const PART: Kept<()> = Kept(&READER);

/// Makes the part reachable; start-up calls it once.
pub fn install() {
    PART.install(|| Box::pin(reader_on_demand()));
}

#[leptos::wasm_split::wasm_split(
    entry_reader,
    wasm_split_path = ::leptos::wasm_split,
    fallible
)]
fn reader_on_demand() -> Result<(), NotLoaded> {
    // Only this part reaches the reader, so its code is in this part's file and the chunks it
    // shares with the import of native files, not in chunks saving's part shares too.
    crate::web::storage::library::entry_reader_arrived(read_typed, read_carefully);
    Ok(())
}

/// Crosses the part's boundary (the loader shares a fetch under way): saving's part fetches
/// it first, so that whatever waits for saving may read entries.
pub async fn fetch() -> Result<(), NotLoaded> {
    reader_on_demand().await
}

fn read_typed(input: &str, raw: &str, supported: u64) -> Option<Result<StoredEntry, EntryError>> {
    crate::domain::format::library::read_typed_entry(input, raw, supported)
}

fn read_carefully(value: Value, raw: &str, supported: u64) -> Result<StoredEntry, EntryError> {
    crate::domain::format::library::read_entry_value(value, raw, supported)
}

/// Whether stored entries can be read (the storage owner has the reader).
pub fn here() -> bool {
    crate::web::storage::library::reads_entries()
}

/// Runs `then` once stored entries can be read (fetching this part if need be), or with why
/// the part could not be fetched; `false`, and `then` dropped, when it was never installed
/// (the tests of the parts).
pub fn wait(then: Waiter) -> bool {
    if here() {
        then(Ok(()));
        return true;
    }
    PART.wait(then)
}

/// Runs `mount` once the reader is here when start-up will read a stored document (a
/// returning visit: boot.js has been downloading the part alongside the main module), at
/// once otherwise (a first visit opens the sample). A failed fetch mounts all the same:
/// start-up then says it is opening the document and asks once more
/// (`persistence::initial_document`).
pub fn before_start(mount: Box<dyn FnOnce()>) {
    if !crate::web::storage::library::holds_documents() {
        return mount();
    }
    install();
    // Installed just above, so `wait` keeps `mount` and runs it when the fetch ends.
    let waits = PART.wait(Box::new(move |_fetched| mount()));
    debug_assert!(waits, "the reader's part was installed above");
}
