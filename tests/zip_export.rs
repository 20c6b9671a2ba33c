//! brat's two files reach the person as one zip: the archive is read back here by its central
//! directory, the way unzip tools read it, and every entry's bytes and CRC are checked.

use annotator::domain::annotation::{Annotation, AnnotationId};
use annotator::domain::document::{Document, DocumentId, Metadata};
use annotator::domain::interchange::zip::{crc32, store};
use annotator::domain::interchange::{ExportFormat, export_with_report};
use annotator::domain::tag::TagId;
use annotator::domain::text::{Text, TextRange};

fn u16_at(bytes: &[u8], at: usize) -> usize {
    usize::from(u16::from_le_bytes([bytes[at], bytes[at + 1]]))
}

fn u32_at(bytes: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]])
}

/// One entry as the central directory and its local header describe it.
#[derive(Debug, PartialEq)]
struct Entry {
    name: String,
    flags: usize,
    method: usize,
    date: usize,
    bytes: Vec<u8>,
}

/// Reads a store-only archive from its end: the end record, then the central directory,
/// then each local header it points to (which must agree with it).
fn read_back(zip: &[u8]) -> Vec<Entry> {
    let end = zip.len() - 22;
    assert_eq!(u32_at(zip, end), 0x0605_4b50, "end of central directory");
    let count = u16_at(zip, end + 10);
    assert_eq!(count, u16_at(zip, end + 8));
    let size = u32_at(zip, end + 12) as usize;
    let mut at = u32_at(zip, end + 16) as usize;
    assert_eq!(
        at + size,
        end,
        "the central directory ends where the end record starts"
    );
    let mut entries = Vec::new();
    for _ in 0..count {
        assert_eq!(u32_at(zip, at), 0x0201_4b50, "central header at {at}");
        let flags = u16_at(zip, at + 8);
        let method = u16_at(zip, at + 10);
        let date = u16_at(zip, at + 14);
        let crc = u32_at(zip, at + 16);
        let stored = u32_at(zip, at + 20) as usize;
        assert_eq!(stored, u32_at(zip, at + 24) as usize, "stored: sizes agree");
        let name_len = u16_at(zip, at + 28);
        let extra = u16_at(zip, at + 30) + u16_at(zip, at + 32);
        let local = u32_at(zip, at + 42) as usize;
        let name = std::str::from_utf8(&zip[at + 46..at + 46 + name_len]).expect("UTF-8 name");
        assert_eq!(u32_at(zip, local), 0x0403_4b50, "local header of {name}");
        assert_eq!(u32_at(zip, local + 14), crc, "local CRC of {name}");
        assert_eq!(u16_at(zip, local + 26), name_len);
        let data = local + 30 + name_len + u16_at(zip, local + 28);
        let bytes = zip[data..data + stored].to_vec();
        assert_eq!(crc32(&bytes), crc, "CRC of {name}");
        entries.push(Entry {
            name: name.to_string(),
            flags,
            method,
            date,
            bytes,
        });
        at += 46 + name_len + extra;
    }
    entries
}

#[test]
fn crc32_matches_the_standard_check_value() {
    assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    assert_eq!(crc32(b""), 0);
}

#[test]
fn a_stored_archive_reads_back_entry_by_entry() {
    let zip = store(&[("ä.txt", "Zoë 📉\n".as_bytes()), ("empty", b"")]).expect("zip");
    let entries = read_back(&zip);
    let names: Vec<&str> = entries.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(names, ["ä.txt", "empty"]);
    assert_eq!(entries[0].bytes, "Zoë 📉\n".as_bytes());
    assert!(entries[1].bytes.is_empty());
    for entry in &entries {
        assert_eq!(entry.flags & (1 << 11), 1 << 11, "UTF-8 names flagged");
        assert_eq!(entry.method, 0, "stored");
        assert_eq!(entry.date, (1 << 5) | 1, "1980-01-01");
    }
    // Deterministic: the same files give the same bytes.
    assert_eq!(
        zip,
        store(&[("ä.txt", "Zoë 📉\n".as_bytes()), ("empty", b"")]).expect("zip")
    );
}

fn document(title: &str) -> Document {
    let text = Text::new("Zoë Núñez said crime fell 📉 last year.\nThe police disagreed.");
    let mut document = Document::new(
        DocumentId("d".into()),
        Metadata {
            title: title.into(),
            published: "2024-05-02".into(),
            ..Metadata::default()
        },
        text.clone(),
    );
    let range = TextRange::from_code_points(0, 9).expect("range");
    document.annotations.push(
        Annotation::new(
            AnnotationId("a1".into()),
            TagId("entity".into()),
            &text,
            range,
            "2024-05-02T09:00:00Z",
        )
        .expect("annotation"),
    );
    document
}

#[test]
fn brat_downloads_as_one_zip_holding_both_files_under_the_native_stem() {
    let long = "The mayor’s extraordinary claims about crime statistics in Riverside County were contradicted";
    for title in ["Mayor's claims", long] {
        let document = document(title);
        let stem = annotator::domain::article_input::metadata::suggested_file_stem(
            &document.metadata.title,
            &document.metadata.published,
        );
        let exported = export_with_report(&document, ExportFormat::Brat);
        let download = exported.download().expect("zip");
        assert_eq!(download.name, format!("{stem}.brat.zip"));
        assert_eq!(download.mime, "application/zip");
        let entries = read_back(&download.bytes);
        let names: Vec<&str> = entries.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, [format!("{stem}.txt"), format!("{stem}.ann")]);
        assert_eq!(entries[0].bytes, document.text.as_str().as_bytes());
        let ann = std::str::from_utf8(&entries[1].bytes).expect("UTF-8 .ann");
        assert!(ann.starts_with("T1\tentity 0 9\tZoë Núñez\n"), "{ann}");
        // The stem is cut at a word: every hyphen-separated piece is a whole word of the title.
        let words: Vec<String> = title
            .replace(['’', '\''], "")
            .split(|c: char| !c.is_alphanumeric())
            .map(str::to_lowercase)
            .collect();
        for piece in stem.split('-').filter(|p| p.parse::<u32>().is_err()) {
            assert!(
                words.iter().any(|w| w == piece),
                "{piece:?} of {stem:?} is cut"
            );
        }
    }
}

#[test]
fn single_file_formats_download_as_themselves() {
    let document = document("Mayor's claims");
    for format in ExportFormat::ALL {
        let exported = export_with_report(&document, format);
        let download = exported.download().expect("download");
        match exported.files.as_slice() {
            [only] => {
                assert_eq!(download.name, only.name, "{format:?}");
                assert_eq!(download.bytes, only.contents.as_bytes(), "{format:?}");
            }
            _ => assert!(download.name.ends_with(".zip"), "{format:?}"),
        }
    }
}
