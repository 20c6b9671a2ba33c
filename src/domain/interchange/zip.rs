//! A store-only ZIP writer, so an export made of several files (brat's `.txt` and `.ann`)
//! reaches the person as one download.
//!
//! Why our own and not a crate: the files are a few hundred kilobytes of text at most, so
//! compression buys little, and a writer that only stores is some eighty lines; the ZIP
//! crates bring deflate and their own I/O layers into the wasm bundle. The output is
//! deterministic (every entry dated 1980-01-01 00:00, the earliest DOS date) so the same
//! document always gives the same bytes, and names are UTF-8 with the language-encoding
//! flag (bit 11) set so unzip tools do not read them as code page 437.

/// Why a ZIP could not be written. The classic format counts sizes and offsets in 32 bits
/// and entries and name lengths in 16.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ZipError {
    /// The named entry, or the archive up to it, is over the 4 GiB the format can address.
    TooLarge(String),
    /// An entry's name is longer than 65,535 bytes.
    NameTooLong(String),
    /// More than 65,535 entries.
    TooManyEntries(usize),
}

impl std::fmt::Display for ZipError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ZipError::TooLarge(name) => write!(
                f,
                "“{name}” does not fit in a ZIP file (over 4 GiB); export a smaller document"
            ),
            ZipError::NameTooLong(name) => {
                write!(f, "the file name “{name}” is too long for a ZIP file")
            }
            ZipError::TooManyEntries(count) => {
                write!(
                    f,
                    "{count} files are more than a ZIP file can list (65,535)"
                )
            }
        }
    }
}

impl std::error::Error for ZipError {}

const LOCAL_HEADER: u32 = 0x0403_4b50;
const CENTRAL_HEADER: u32 = 0x0201_4b50;
const END_OF_CENTRAL_DIRECTORY: u32 = 0x0605_4b50;
/// Version 2.0: the lowest that readers expect for stored entries with the UTF-8 flag.
const VERSION: u16 = 20;
/// General purpose bit 11: the name is UTF-8.
const UTF8_NAMES: u16 = 1 << 11;
const STORED: u16 = 0;
const DOS_TIME: u16 = 0;
/// 1980-01-01: (year − 1980) << 9 | month << 5 | day.
const DOS_DATE: u16 = (1 << 5) | 1;

const CRC_TABLE: [u32; 256] = crc_table();

const fn crc_table() -> [u32; 256] {
    let mut table = [0u32; 256];
    let mut n = 0;
    while n < 256 {
        let mut c = n as u32;
        let mut k = 0;
        while k < 8 {
            c = if c & 1 == 1 {
                0xEDB8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
            k += 1;
        }
        table[n] = c;
        n += 1;
    }
    table
}

/// CRC-32 (ISO-HDLC, the one ZIP and PNG use) of `bytes`.
pub fn crc32(bytes: &[u8]) -> u32 {
    !bytes.iter().fold(!0u32, |crc, &byte| {
        let index = usize::from((crc as u8) ^ byte);
        CRC_TABLE.get(index).copied().unwrap_or(0) ^ (crc >> 8)
    })
}

fn push16(out: &mut Vec<u8>, value: u16) {
    out.extend_from_slice(&value.to_le_bytes());
}

fn push32(out: &mut Vec<u8>, value: u32) {
    out.extend_from_slice(&value.to_le_bytes());
}

/// The fields the local and central headers share, from "version needed" to the name length.
fn common_fields(out: &mut Vec<u8>, crc: u32, size: u32, name_len: u16) {
    push16(out, VERSION);
    push16(out, UTF8_NAMES);
    push16(out, STORED);
    push16(out, DOS_TIME);
    push16(out, DOS_DATE);
    push32(out, crc);
    push32(out, size); // compressed size: stored, so the same
    push32(out, size);
    push16(out, name_len);
    push16(out, 0); // extra field length
}

/// A ZIP archive holding `entries` (name, bytes) uncompressed, in the given order.
pub fn store(entries: &[(&str, &[u8])]) -> Result<Vec<u8>, ZipError> {
    let count =
        u16::try_from(entries.len()).map_err(|_| ZipError::TooManyEntries(entries.len()))?;
    let too_large = |name: &str| ZipError::TooLarge(name.to_string());
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, bytes) in entries {
        let name_len =
            u16::try_from(name.len()).map_err(|_| ZipError::NameTooLong(name.to_string()))?;
        let size = u32::try_from(bytes.len()).map_err(|_| too_large(name))?;
        let offset = u32::try_from(out.len()).map_err(|_| too_large(name))?;
        let crc = crc32(bytes);

        push32(&mut out, LOCAL_HEADER);
        common_fields(&mut out, crc, size, name_len);
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(bytes);

        push32(&mut central, CENTRAL_HEADER);
        push16(&mut central, VERSION); // made by: MS-DOS attributes, version 2.0
        common_fields(&mut central, crc, size, name_len);
        push16(&mut central, 0); // comment length
        push16(&mut central, 0); // disk number
        push16(&mut central, 0); // internal attributes
        push32(&mut central, 0); // external attributes
        push32(&mut central, offset);
        central.extend_from_slice(name.as_bytes());
    }
    let last = entries.last().map_or("the archive", |(name, _)| name);
    let central_offset = u32::try_from(out.len()).map_err(|_| too_large(last))?;
    let central_size = u32::try_from(central.len()).map_err(|_| too_large(last))?;
    out.extend_from_slice(&central);
    push32(&mut out, END_OF_CENTRAL_DIRECTORY);
    push16(&mut out, 0); // this disk
    push16(&mut out, 0); // disk with the central directory
    push16(&mut out, count);
    push16(&mut out, count);
    push32(&mut out, central_size);
    push32(&mut out, central_offset);
    push16(&mut out, 0); // comment length
    Ok(out)
}
