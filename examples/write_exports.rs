//! Writes every export format of the Unicode torture cases to a folder, so the libraries
//! other tools' users run (spaCy, pyld, a strict brat reader, Python's zipfile) can be fed our real output by
//! `scripts/consumer-checks`.
//!
//! Usage: `cargo run --example write_exports -- <unicode_cases.json> <output folder>`.

use annotator::domain::annotation::{Annotation, AnnotationId};
use annotator::domain::document::{Document, DocumentId, Metadata};
use annotator::domain::interchange::{ExportFormat, export_with_report};
use annotator::domain::tag::TagId;
use annotator::domain::text::{Text, TextRange};
use serde_json::Value;
use std::path::Path;
use std::process::ExitCode;

fn document(case: &Value) -> Option<Document> {
    let id = case.get("id")?.as_str()?;
    let mut document = Document::new(
        DocumentId(id.to_string()),
        Metadata {
            title: id.to_string(),
            ..Metadata::default()
        },
        Text::new(case.get("text")?.as_str()?),
    );
    for (n, annotation) in case.get("annotations")?.as_array()?.iter().enumerate() {
        let start = annotation.pointer("/code_points/start")?.as_u64()?;
        let end = annotation.pointer("/code_points/end")?.as_u64()?;
        let (Ok(start), Ok(end)) = (usize::try_from(start), usize::try_from(end)) else {
            continue;
        };
        if start == end {
            continue;
        }
        let range = TextRange::from_code_points(start, end).ok()?;
        let tag = annotation.get("label")?.as_str()?;
        let made = Annotation::new(
            AnnotationId(format!("a{n}")),
            TagId(tag.to_string()),
            &document.text,
            range,
            "2024-05-02T09:00:00Z",
        )
        .ok()?;
        document.annotations.push(made);
    }
    Some(document)
}

fn run(cases: &Path, out: &Path) -> Result<usize, String> {
    let json = std::fs::read_to_string(cases).map_err(|e| format!("{}: {e}", cases.display()))?;
    let root: Value =
        serde_json::from_str(&json).map_err(|e| format!("{}: {e}", cases.display()))?;
    let list = root
        .get("cases")
        .and_then(Value::as_array)
        .ok_or("no \"cases\" list")?;
    let mut written = 0;
    for case in list {
        let Some(document) = document(case) else {
            return Err(format!("case {:?} could not be read", case.get("id")));
        };
        let folder = out.join(&document.id.0);
        std::fs::create_dir_all(&folder).map_err(|e| format!("{}: {e}", folder.display()))?;
        for format in ExportFormat::ALL {
            let exported = export_with_report(&document, format);
            for file in &exported.files {
                let path = folder.join(&file.name);
                std::fs::write(&path, &file.contents)
                    .map_err(|e| format!("{}: {e}", path.display()))?;
                written += 1;
            }
            // What the browser downloads, when it is not the one file above (brat's zip).
            if exported.files.len() > 1 {
                let download = exported.download().map_err(|e| e.to_string())?;
                let path = folder.join(&download.name);
                std::fs::write(&path, &download.bytes)
                    .map_err(|e| format!("{}: {e}", path.display()))?;
                written += 1;
            }
        }
    }
    Ok(written)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let (Some(cases), Some(out)) = (args.get(1), args.get(2)) else {
        eprintln!("usage: write_exports <unicode_cases.json> <output folder>");
        return ExitCode::FAILURE;
    };
    match run(Path::new(cases), Path::new(out)) {
        Ok(count) => {
            println!("{count} files written to {out}");
            ExitCode::SUCCESS
        }
        Err(why) => {
            eprintln!("write_exports: {why}");
            ExitCode::FAILURE
        }
    }
}
