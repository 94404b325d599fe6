//! A small zlib compressor for UserSig documents.
//!
//! A UserSig document is about 200 bytes. General-purpose deflaters spend more time
//! setting up or resetting their 64 KiB tables than compressing that (zlib-rs: 1.8 µs per
//! document even with a reused state, miniz_oxide 14 µs; see the README). Even greedy
//! LZ77 through a small hash table cost 0.55 µs, half of a UserSig: at each of the ~170
//! positions, whether the probe finds anything is a branch the processor cannot predict.
//! The writer of the document knows where it repeats itself (each `,"TLS.` key after the
//! first), so it says so with [`Hint`]s, and the compressor codes those repeats as
//! matches, extended both ways as far as the bytes agree, and everything else as
//! literals, eight at a time: 156 bytes for a typical document where the hash table found
//! 142, in about 0.15 µs.
//!
//! The output is one final block with the fixed Huffman codes of RFC 1951 (§3.2.6) in a
//! standard zlib stream (RFC 1950) that every inflater reads; the tests inflate it with
//! flate2 and the cross-language tests with CPython's zlib.

/// A place where the data likely repeats earlier bytes: `at` and `earlier` are positions
/// of `data`, `earlier < at`. A wrong hint costs a comparison, never correctness.
#[derive(Clone, Copy, Debug)]
pub(super) struct Hint {
    /// Where the repeat is.
    pub(super) at: usize,
    /// Where the same bytes were before.
    pub(super) earlier: usize,
}

/// The deflate window: matches may reach this far back.
const WINDOW: usize = 32 * 1024;
const MIN_MATCH: usize = 3;
const MAX_MATCH: usize = 258;

const LENGTH_BASE: [u16; 29] = [
    3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131,
    163, 195, 227, 258,
];
const LENGTH_EXTRA: [u8; 29] = [
    0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
];
const DIST_BASE: [u16; 30] = [
    1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537,
    2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577,
];
const DIST_EXTRA: [u8; 30] = [
    0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13,
    13,
];

/// The fixed literal/length codes, bit-reversed for LSB-first output, with their lengths.
const LITLEN_CODES: [(u16, u8); 288] = {
    let mut table = [(0u16, 0u8); 288];
    let mut symbol = 0;
    while symbol < 288 {
        let (code, len) = match symbol {
            0..=143 => (0x30 + symbol as u16, 8),
            144..=255 => (0x190 + (symbol - 144) as u16, 9),
            256..=279 => ((symbol - 256) as u16, 7),
            _ => (0xC0 + (symbol - 280) as u16, 8),
        };
        table[symbol] = (reverse_bits(code, len), len);
        symbol += 1;
    }
    table
};

/// Every match length (3 to 258) as its whole code: the length symbol's bits followed by
/// the extra bits, LSB-first, and the total bit count.
const LENGTH_CODES: [(u32, u8); MAX_MATCH + 1] = {
    let mut table = [(0u32, 0u8); MAX_MATCH + 1];
    let mut len = MIN_MATCH;
    while len <= MAX_MATCH {
        let mut index = LENGTH_BASE.len() - 1;
        while LENGTH_BASE[index] as usize > len {
            index -= 1;
        }
        let (code, code_len) = LITLEN_CODES[257 + index];
        let extra = (len - LENGTH_BASE[index] as usize) as u32;
        table[len] = (
            code as u32 | extra << code_len,
            code_len + LENGTH_EXTRA[index],
        );
        len += 1;
    }
    table
};

const fn reverse_bits(code: u16, len: u8) -> u16 {
    code.reverse_bits() >> (16 - len as u32)
}

/// Appends the zlib stream of `data` to `out`, coding the repeats `hints` point at
/// (in increasing order of `at`) as matches and the rest as literals.
pub(super) fn zlib_compress(data: &[u8], hints: &[Hint], out: &mut Vec<u8>) {
    // CMF 0x78: deflate, 32 KiB window; FLG 0x01: fastest level, no dictionary, check bits.
    out.extend_from_slice(&[0x78, 0x01]);
    let mut bits = BitWriter::new(out, data.len());
    bits.put(0b011, 3); // BFINAL = 1, BTYPE = 01 (fixed Huffman codes)
    let mut literals_from = 0;
    for hint in hints {
        if let Some((start, len, dist)) = repeat_at(data, *hint, literals_from) {
            bits.put_literals(&data[literals_from..start]);
            bits.put_length(len);
            bits.put_distance(dist);
            literals_from = start + len;
        }
    }
    bits.put_literals(&data[literals_from..]);
    bits.put_symbol(256);
    bits.finish();
    out.extend_from_slice(&adler32(data).to_be_bytes());
}

/// The match a hint points at, as (start, length, distance): extended back over bytes
/// not yet coded and forward, as far as both copies agree, if that is at least
/// [`MIN_MATCH`] bytes within the window.
fn repeat_at(data: &[u8], hint: Hint, coded: usize) -> Option<(usize, usize, usize)> {
    let Hint { at, earlier } = hint;
    if at < coded || earlier >= at || at >= data.len() || at - earlier > WINDOW {
        return None;
    }
    let dist = at - earlier;
    let mut start = at;
    while start > coded && start > dist && data[start - 1] == data[start - 1 - dist] {
        start -= 1;
        if at - start == MAX_MATCH {
            break;
        }
    }
    let limit = (data.len() - start).min(MAX_MATCH);
    let mut len = at - start;
    // Eight bytes at a time: the first differing byte is the lowest set byte of the XOR.
    while len + 8 <= limit {
        let diff = u64::from_le_bytes(load8(data, start + len))
            ^ u64::from_le_bytes(load8(data, start + len - dist));
        if diff != 0 {
            len += (diff.trailing_zeros() / 8) as usize;
            return (len >= MIN_MATCH).then_some((start, len, dist));
        }
        len += 8;
    }
    while len < limit && data[start + len] == data[start + len - dist] {
        len += 1;
    }
    (len >= MIN_MATCH).then_some((start, len, dist))
}

/// The eight bytes of `data` at `at`, which the caller keeps in bounds.
fn load8(data: &[u8], at: usize) -> [u8; 8] {
    let mut bytes = [0; 8];
    bytes.copy_from_slice(&data[at..at + 8]);
    bytes
}

fn adler32(data: &[u8]) -> u32 {
    const MOD: u32 = 65_521;
    const EVEN: u64 = 0x00FF_00FF_00FF_00FF;
    let (mut a, mut b) = (1u32, 0u32);
    // 5552 is the most bytes that can be summed before b could overflow a u32.
    for chunk in data.chunks(5552) {
        let mut words = chunk.chunks_exact(8);
        // Eight bytes x0..x7 at a time: a gains their sum, b gains 8a and the bytes
        // weighted 8, 7, … 1. Both come from the word itself, in 16-bit lanes (the even
        // bytes, the odd bytes): multiplying the lanes by a constant whose lanes are the
        // weights in reverse gathers the weighted sum in the top lane, without a carry
        // (at most 255 × 20 per lane).
        for word in &mut words {
            let word = u64::from_le_bytes(load8(word, 0));
            let (even, odd) = (word & EVEN, word >> 8 & EVEN);
            let sum = (even + odd).wrapping_mul(0x0001_0001_0001_0001) >> 48;
            let weighted = (even.wrapping_mul(0x0008_0006_0004_0002) >> 48)
                + (odd.wrapping_mul(0x0007_0005_0003_0001) >> 48);
            b += 8 * a + weighted as u32;
            a += sum as u32;
        }
        for &byte in words.remainder() {
            a += u32::from(byte);
            b += a;
        }
        a %= MOD;
        b %= MOD;
    }
    b << 16 | a
}

/// Writes bits LSB-first, as deflate packs them.
///
/// The output is sized for the worst case up front, so each write stores all eight bytes
/// of the accumulator and advances past the whole ones, without a branch or a capacity
/// check; [`BitWriter::finish`] trims the rest.
struct BitWriter<'a> {
    out: &'a mut Vec<u8>,
    pos: usize,
    acc: u64,
    count: u32,
}

impl<'a> BitWriter<'a> {
    /// A writer appending to `out` the deflate data of at most `input_len` bytes.
    fn new(out: &'a mut Vec<u8>, input_len: usize) -> Self {
        let pos = out.len();
        // Nine bits per literal at worst, the block header and end code, and the eight
        // bytes the last store may write past the end.
        out.resize(pos + input_len + input_len / 8 + 16, 0);
        Self {
            out,
            pos,
            acc: 0,
            count: 0,
        }
    }

    /// Appends the low `len` bits of `value` (`len` at most 32).
    fn put(&mut self, value: u32, len: u32) {
        self.acc |= u64::from(value) << self.count;
        self.count += len;
        let whole = self.count / 8;
        self.out[self.pos..self.pos + 8].copy_from_slice(&self.acc.to_le_bytes());
        self.pos += whole as usize;
        // Two shifts: a single one by 64 would overflow when eight bytes are whole.
        self.acc = self.acc >> (whole * 4) >> (whole * 4);
        self.count -= whole * 8;
    }

    /// Appends `bytes` as literals. Bytes below 128 have 8-bit codes (the byte plus 0x30,
    /// bit-reversed), so eight of them are coded at once (add 0x30 to each byte of the
    /// word, reverse each byte's bits) and, being a whole number of bytes, leave the bit
    /// position as it was: the word goes out shifted by it, the bits that spill over wait
    /// for the next one. Other bytes go one at a time.
    fn put_literals(&mut self, bytes: &[u8]) {
        let mut words = bytes.chunks_exact(8);
        for word in &mut words {
            let word = u64::from_le_bytes(load8(word, 0));
            if word & 0x8080_8080_8080_8080 == 0 {
                let codes = (word + 0x3030_3030_3030_3030).reverse_bits().swap_bytes();
                let out = self.acc | codes << self.count;
                self.out[self.pos..self.pos + 8].copy_from_slice(&out.to_le_bytes());
                self.pos += 8;
                // Two shifts: a single one by 64 would overflow when no bits are pending.
                self.acc = codes >> 1 >> (63 - self.count);
            } else {
                word.to_le_bytes()
                    .iter()
                    .for_each(|&b| self.put_symbol(usize::from(b)));
            }
        }
        words
            .remainder()
            .iter()
            .for_each(|&b| self.put_symbol(usize::from(b)));
    }

    fn put_symbol(&mut self, symbol: usize) {
        let (code, len) = LITLEN_CODES[symbol];
        self.put(u32::from(code), u32::from(len));
    }

    fn put_length(&mut self, len: usize) {
        let (code, code_len) = LENGTH_CODES[len];
        self.put(code, u32::from(code_len));
    }

    fn put_distance(&mut self, dist: usize) {
        // The distance codes come in pairs per power of two: the code is twice the
        // power's exponent plus the next bit of `dist - 1`.
        let d = (dist - 1) as u32;
        let index = if d < 4 {
            d
        } else {
            let exponent = 31 - d.leading_zeros();
            2 * exponent + (d >> (exponent - 1) & 1)
        } as usize;
        self.put(u32::from(reverse_bits(index as u16, 5)), 5);
        self.put(
            (dist - usize::from(DIST_BASE[index])) as u32,
            u32::from(DIST_EXTRA[index]),
        );
    }

    /// Writes the last partial byte and trims the output to what was written.
    fn finish(self) {
        let end = self.pos + self.count.div_ceil(8) as usize;
        self.out[self.pos..self.pos + 8].copy_from_slice(&self.acc.to_le_bytes());
        self.out.truncate(end);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::io::Read as _;

    fn inflate(stream: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        flate2::read::ZlibDecoder::new(stream)
            .read_to_end(&mut out)
            .expect("a valid zlib stream");
        out
    }

    fn compress(data: &[u8], hints: &[Hint]) -> Vec<u8> {
        let mut stream = Vec::new();
        zlib_compress(data, hints, &mut stream);
        stream
    }

    #[test]
    fn adler32_matches_the_rfc_example() {
        assert_eq!(adler32(b"Wikipedia"), 0x11E6_0398);
        assert_eq!(adler32(b""), 1);
        let long: Vec<u8> = (0..20_000u32).map(|i| (i * 31 % 256) as u8).collect();
        let (mut a, mut b) = (1u32, 0u32);
        for &byte in &long {
            a = (a + u32::from(byte)) % 65_521;
            b = (b + a) % 65_521;
        }
        assert_eq!(adler32(&long), b << 16 | a);
    }

    #[test]
    fn edge_inputs_round_trip() {
        let long_run = vec![b'a'; 70_000];
        let far_repeat: Vec<u8> = (0..100_000u32).map(|i| (i * 7 % 251) as u8).collect();
        for data in [
            &b""[..],
            b"a",
            b"ab",
            b"abc",
            b"abcabcabc",
            &long_run,
            &far_repeat,
        ] {
            let hints: Vec<Hint> = (1..data.len())
                .step_by(97)
                .map(|at| Hint {
                    at,
                    earlier: at / 2,
                })
                .collect();
            assert_eq!(inflate(&compress(data, &[])), data);
            assert_eq!(inflate(&compress(data, &hints)), data);
        }
    }

    #[test]
    fn a_hinted_repeat_becomes_a_match() {
        let doc = br#"{"TLS.ver":"2.0","TLS.identifier":"u","TLS.sdkappid":1400000000,"TLS.expire":86400}"#;
        let keys: Vec<usize> = (1..doc.len())
            .filter(|&i| doc[i..].starts_with(b"\"TLS."))
            .collect();
        let hints: Vec<Hint> = keys
            .windows(2)
            .map(|pair| Hint {
                at: pair[1],
                earlier: pair[0],
            })
            .collect();
        let plain = compress(doc, &[]);
        let hinted = compress(doc, &hints);
        assert_eq!(inflate(&hinted), doc);
        // Three repeats of `,"TLS.` or `","TLS.`: about 4 bytes saved each.
        assert!(
            hinted.len() + 10 < plain.len(),
            "{} vs {}",
            hinted.len(),
            plain.len()
        );
    }

    #[test]
    fn wrong_hints_cost_nothing_but_compression() {
        let data = b"abcdefghijabcdefghij";
        for hint in [
            Hint { at: 10, earlier: 0 },
            Hint { at: 5, earlier: 5 },
            Hint { at: 3, earlier: 9 },
            Hint { at: 99, earlier: 0 },
            Hint { at: 12, earlier: 1 },
        ] {
            assert_eq!(inflate(&compress(data, &[hint])), data, "{hint:?}");
        }
    }

    proptest! {
        #[test]
        fn any_bytes_and_hints_round_trip(
            data in proptest::collection::vec(any::<u8>(), 0..3000),
            pairs in proptest::collection::vec((0usize..3000, 0usize..3000), 0..40),
        ) {
            let mut hints: Vec<Hint> = pairs
                .into_iter()
                .map(|(at, earlier)| Hint { at, earlier })
                .collect();
            hints.sort_by_key(|hint| hint.at);
            prop_assert_eq!(inflate(&compress(&data, &hints)), data);
        }

        #[test]
        fn repetitive_text_round_trips(data in "(TLS\\.|abc|[a-z\":,{}0-9]){0,600}") {
            let bytes = data.as_bytes();
            let hints: Vec<Hint> = (1..bytes.len())
                .filter_map(|at| {
                    let earlier = bytes[..at].windows(3).position(|w| bytes[at..].starts_with(w))?;
                    Some(Hint { at, earlier })
                })
                .collect();
            prop_assert_eq!(inflate(&compress(bytes, &hints)), bytes);
        }
    }
}
