//! Writes the browser benchmark's documents (`scripts/bench` runs it):
//! `cargo bench --bench bench_documents -- <out dir> [--smoke]`.
//!
//! For every size × annotation count it writes `<case>.entry.json` (the stored library entry
//! the app opens, exactly as `write_entry` stores it), `<case>.index.json` (the library index
//! naming it), `<case>.native.json` (what "Export JSON" writes, to compare export sizes) and
//! `<case>.peer.json` (the same text and annotations for the peer annotator the benchmark
//! compares with: UTF-16 offsets, as its DOM ranges count), plus `cases.json` listing the
//! cases. The documents come from `tests/support/synthetic.rs`, so the
//! same seed always gives the same files. `--smoke` writes one small case only.

use annotator::domain::format::library::{IndexEntry, LibraryIndex, write_entry, write_index};
use annotator::domain::format::native::{WriteOptions, write_document};
#[path = "../support/synthetic.rs"]
mod synthetic;
use std::path::PathBuf;
use synthetic::{SYNTHETIC_TIME, news_document};

const SEED: u64 = 42;
/// The key prefix of a library document (`web::storage::keys`), which the index's sizes
/// count; tests/e2e/bench.mjs stores the entry under it.
const DOC_KEY_PREFIX: &str = "article-annotator:v1:doc:";
const SIZES: [(&str, usize); 3] = [("10KB", 10_000), ("100KB", 100_000), ("1MB", 1 << 20)];
const COUNTS: [usize; 4] = [100, 1_000, 5_000, 20_000];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // `cargo bench` passes `--bench` to every bench target; only our own words count.
    let args: Vec<String> = std::env::args().skip(1).collect();
    let smoke = args.iter().any(|a| a == "--smoke");
    let out = args
        .iter()
        .find(|a| !a.starts_with("--"))
        .map(PathBuf::from)
        .ok_or("usage: cargo bench --bench bench_documents -- <out dir> [--smoke]")?;
    std::fs::create_dir_all(&out)?;
    let mut cases = Vec::new();
    for (size_name, size) in SIZES {
        for count in COUNTS {
            // More annotations than words makes no sense for the small texts (10 KB has about
            // 1,600 words, so 10 KB / 1,000 is the densest small case).
            if count > size / 10 {
                continue;
            }
            if smoke && (size > 10_000 || count > 100) {
                continue;
            }
            let name = format!("{size_name}-{count}");
            let document = news_document(size, count, SEED);
            let entry = write_entry(&document, 1, SYNTHETIC_TIME);
            let mut index = LibraryIndex::default();
            let mut row = IndexEntry::for_document(&document, 1, SYNTHETIC_TIME);
            // As the app records it: the entry and its key, in UTF-16 code units.
            let key = format!("{DOC_KEY_PREFIX}{}", document.id.0);
            row.stored_chars = Some(key.encode_utf16().count() + entry.encode_utf16().count());
            index.upsert(row);
            std::fs::write(out.join(format!("{name}.entry.json")), &entry)?;
            std::fs::write(out.join(format!("{name}.index.json")), write_index(&index))?;
            std::fs::write(
                out.join(format!("{name}.native.json")),
                write_document(&document, &WriteOptions::default()),
            )?;
            std::fs::write(
                out.join(format!("{name}.peer.json")),
                serde_json::to_string(&peer_document(&document))?,
            )?;
            let overlapping = document
                .annotations
                .windows(2)
                .filter(|pair| pair[0].range.overlap(&pair[1].range) > 0)
                .count();
            cases.push(serde_json::json!({
                "name": name,
                "id": document.id.0,
                "bytes": document.text.as_str().len(),
                "annotations": document.annotations.len(),
                "overlapping": overlapping,
                "entry_utf16": entry.encode_utf16().count(),
            }));
            println!(
                "{name}: {} bytes, {} annotations ({overlapping} overlap the one before), entry {} UTF-16 chars",
                document.text.as_str().len(),
                document.annotations.len(),
                entry.encode_utf16().count()
            );
        }
    }
    std::fs::write(
        out.join("cases.json"),
        serde_json::to_string_pretty(&cases)?,
    )?;
    Ok(())
}

/// The document as the peer annotator loads it: the text, and per annotation its id, tag,
/// quote and UTF-16 offsets into the text.
fn peer_document(document: &annotator::domain::document::Document) -> serde_json::Value {
    let index = document.text.index();
    let annotations: Vec<serde_json::Value> = document
        .annotations
        .iter()
        .filter_map(|a| {
            let start = index.to_utf16(a.start()).ok()?.0;
            let end = index.to_utf16(a.end()).ok()?.0;
            Some(serde_json::json!({
                "id": a.id.0, "tag": a.tag.0, "quote": a.quote, "start": start, "end": end,
            }))
        })
        .collect();
    serde_json::json!({ "text": document.text.as_str(), "annotations": annotations })
}
