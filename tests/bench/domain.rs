//! Native timings of the domain's hot paths on a 1 MB synthetic news article:
//! `cargo bench --bench domain`. No framework: each step runs a few times and the table
//! shows median, min and max wall time.

use annotator::domain::annotation::{Annotation, AnnotationId};
use annotator::domain::change::Touched;
use annotator::domain::format::native::{
    WriteOptions, document_from_native, read_native_detailed, write_document,
};
use annotator::domain::format::parts::plan_save;
use annotator::domain::import::ImportBatch;
use annotator::domain::layout::ArticleLayout;
use annotator::domain::segment::{lanes, paragraph_ranges, segment};
use annotator::domain::selection::{SelectionOptions, range_from_selection};
use annotator::domain::tag::TagId;
#[path = "../support/synthetic.rs"]
mod synthetic;
use annotator::domain::text::{Text, TextIndex, TextRange, Utf16Offset};
use std::hint::black_box;
use std::time::{Duration, Instant};
use synthetic::{Xorshift, news_document};

const SIZE_BYTES: usize = 1 << 20;
const ANNOTATIONS: usize = 20_000;
const SEED: u64 = 42;
const REPETITIONS: usize = 10;
const SELECTIONS: usize = 10_000;

/// Runs `step` unless `DOMAIN_BENCH_ONLY` is set to a word not in `name` (for profiling one
/// step with `perf`).
fn measure(name: &str, mut step: impl FnMut()) {
    if let Ok(only) = std::env::var("DOMAIN_BENCH_ONLY")
        && !name.contains(only.as_str())
    {
        return;
    }
    let mut times: Vec<Duration> = (0..REPETITIONS)
        .map(|_| {
            let started = Instant::now();
            step();
            started.elapsed()
        })
        .collect();
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let (min, median, max) = (times[0], times[times.len() / 2], times[times.len() - 1]);
    println!(
        "| {name:<44} | {:>9.3} | {:>9.3} | {:>9.3} |",
        ms(median),
        ms(min),
        ms(max)
    );
}

fn main() {
    let document = news_document(SIZE_BYTES, ANNOTATIONS, SEED);
    let text = &document.text;
    let overlapping = overlapping_count(&document.annotations);
    println!(
        "text: {} bytes, {} code points, {} UTF-16 units; {} annotations ({} overlap the one before)",
        text.as_str().len(),
        text.len(),
        text.index().len_utf16(),
        document.annotations.len(),
        overlapping
    );
    println!(
        "| {:<44} | {:>9} | {:>9} | {:>9} |",
        "step", "median ms", "min ms", "max ms"
    );
    println!("|{:-<46}|{:-<11}|{:-<11}|{:-<11}|", "", "", "", "");

    measure("TextIndex::new (1 MB)", || {
        black_box(TextIndex::new(black_box(text.as_str())));
    });
    measure("Text::new (index + SHA-256, 1 MB)", || {
        black_box(Text::new(black_box(text.as_str())));
    });
    measure("paragraph_ranges (1 MB)", || {
        black_box(paragraph_ranges(black_box(text)));
    });
    measure("lanes (20k annotations)", || {
        black_box(lanes(black_box(text), black_box(&document.annotations)));
    });
    let segmentation = segment(text, &document.annotations);
    let runs: usize = segmentation.paragraphs.iter().map(|p| p.runs.len()).sum();
    measure("segment (1 MB, 20k annotations)", || {
        black_box(segment(black_box(text), black_box(&document.annotations)));
    });

    let layout = ArticleLayout::new(text, &document.annotations);
    for (label, at) in [("2", 0.02), ("50", 0.5), ("98", 0.98)] {
        let start = (text.len() as f64 * at) as usize;
        let range = TextRange::from_code_points(start, start + 12).expect("inside the text");
        let mut annotations = document.annotations.clone();
        let added = Annotation::new(
            AnnotationId("bench-added".to_string()),
            TagId("claim".to_string()),
            text,
            range,
            "2026-01-01T00:00:00Z",
        )
        .expect("a range inside the text");
        annotations.push(added);
        measure(&format!("layout update: add one at {label} %"), || {
            black_box(layout.update(black_box(text), black_box(&annotations)));
        });
    }

    let mut random = Xorshift::new(SEED);
    let len_utf16 = text.index().len_utf16();
    let selections: Vec<(Utf16Offset, Utf16Offset)> = (0..SELECTIONS)
        .map(|_| {
            let anchor = random.below(len_utf16);
            let focus = (anchor + random.below(200)).min(len_utf16);
            (Utf16Offset(anchor), Utf16Offset(focus))
        })
        .collect();
    measure("range_from_selection x10k (words)", || {
        for (anchor, focus) in &selections {
            let _ = black_box(range_from_selection(
                text,
                *anchor,
                *focus,
                SelectionOptions::default(),
            ));
        }
    });
    measure("range_from_selection x10k (exact)", || {
        for (anchor, focus) in &selections {
            let _ = black_box(range_from_selection(
                text,
                *anchor,
                *focus,
                SelectionOptions::exact(),
            ));
        }
    });
    let exported = write_document(&document, &WriteOptions::default());
    measure("export native JSON (20k annotations)", || {
        black_box(write_document(
            black_box(&document),
            &WriteOptions::default(),
        ));
    });
    measure("import native JSON (read + build, 20k)", || {
        let read = read_native_detailed(black_box(&exported));
        let _ = black_box(document_from_native(&read));
    });
    let without_text = write_document(
        &document,
        &WriteOptions {
            include_text: false,
            ..Default::default()
        },
    );
    measure("import without text: anchor 20k by quote", || {
        let batch: ImportBatch = read_native_detailed(black_box(&without_text)).batch;
        let mut next = 0u64;
        let placed = annotator::domain::anchor::place(
            text,
            &batch,
            &mut || {
                next += 1;
                format!("n{next}")
            },
            "2026-01-01T00:00:00Z",
        );
        black_box(placed);
    });
    measure("save in parts: the whole entry (first save, 20k)", || {
        black_box(plan_save(
            None,
            black_box(&document),
            &Touched::everything(),
            1,
            "2026-01-01T00:00:00Z",
        ));
    });
    println!(
        "native JSON: {} bytes with the text, {} without",
        exported.len(),
        without_text.len()
    );
    println!(
        "segmentation: {} paragraphs, {} runs, {} lanes",
        segmentation.paragraphs.len(),
        runs,
        segmentation.lanes.max_lanes
    );
}

fn overlapping_count(annotations: &[annotator::domain::annotation::Annotation]) -> usize {
    annotations
        .windows(2)
        .filter(|pair| pair[0].range.overlap(&pair[1].range) > 0)
        .count()
}
