//! The digest the ledger stores for each server document and piece, so a push can tell "the
//! server already has this" without keeping the content. It is stored, so it must stay the
//! same across builds (`tests/sync.rs` pins one value).

/// 64-bit FNV-1a over a sequence of fields, each ended by a byte no UTF-8 text contains, so
/// ("ab", "c") and ("a", "bc") differ.
pub(crate) struct Digest(u64);

impl Digest {
    pub(crate) fn new() -> Self {
        Digest(0xcbf2_9ce4_8422_2325)
    }

    pub(crate) fn feed(&mut self, bytes: &[u8]) {
        for byte in bytes.iter().chain([0xff_u8].iter()) {
            self.0 ^= u64::from(*byte);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }

    pub(crate) fn hex(&self) -> String {
        format!("{:016x}", self.0)
    }
}
