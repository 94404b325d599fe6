//! A small zlib compressor for UserSig documents.
//!
//! A UserSig document is about 200 bytes. General-purpose deflaters spend more time
//! setting up or resetting their 64 KiB tables than compressing that (zlib-rs: 1.8 µs per
//! document even with a reused state, miniz_oxide 14 µs; see the README), so UserSigs are
//! compressed here instead: one final block with the fixed Huffman codes of RFC 1951
//! (§3.2.6) and greedy LZ77 matching through a 512-entry hash table. The output is a
//! standard zlib stream (RFC 1950) that every inflater reads; the tests inflate it with
//! flate2 and the cross-language tests with CPython's zlib.

/// Hash table size (a power of two); small enough to clear per document for free.
const HASH_SLOTS: usize = 512;
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

const fn reverse_bits(code: u16, len: u8) -> u16 {
    code.reverse_bits() >> (16 - len as u32)
}

/// Appends the zlib stream of `data` to `out`.
pub(super) fn zlib_compress(data: &[u8], out: &mut Vec<u8>) {
    out.reserve(data.len() + data.len() / 8 + 16);
    // CMF 0x78: deflate, 32 KiB window; FLG 0x01: fastest level, no dictionary, check bits.
    out.extend_from_slice(&[0x78, 0x01]);
    let mut bits = BitWriter {
        out,
        acc: 0,
        count: 0,
    };
    bits.put(0b011, 3); // BFINAL = 1, BTYPE = 01 (fixed Huffman codes)

    let mut heads = [0u32; HASH_SLOTS];
    let mut pos = 0;
    while pos < data.len() {
        match longest_match(data, pos, &mut heads) {
            Some((len, dist)) => {
                bits.put_length(len);
                bits.put_distance(dist);
                for p in pos + 1..(pos + len).min(data.len().saturating_sub(MIN_MATCH - 1)) {
                    heads[hash(&data[p..])] = p as u32 + 1;
                }
                pos += len;
            }
            None => {
                bits.put_symbol(data[pos] as usize);
                pos += 1;
            }
        }
    }
    bits.put_symbol(256);
    bits.finish();
    out.extend_from_slice(&adler32(data).to_be_bytes());
}

/// The match at `pos` through the candidate in `heads`, recording `pos` there.
fn longest_match(data: &[u8], pos: usize, heads: &mut [u32; HASH_SLOTS]) -> Option<(usize, usize)> {
    if data.len() - pos < MIN_MATCH {
        return None;
    }
    let slot = hash(&data[pos..]);
    let candidate = heads[slot];
    heads[slot] = pos as u32 + 1;
    let start = (candidate as usize).checked_sub(1)?;
    let dist = pos - start;
    if dist > WINDOW {
        return None;
    }
    let limit = (data.len() - pos).min(MAX_MATCH);
    let len = data[start..]
        .iter()
        .zip(&data[pos..pos + limit])
        .take_while(|(a, b)| a == b)
        .count();
    (len >= MIN_MATCH).then_some((len, dist))
}

fn hash(bytes: &[u8]) -> usize {
    let v = u32::from(bytes[0]) | u32::from(bytes[1]) << 8 | u32::from(bytes[2]) << 16;
    (v.wrapping_mul(0x9E37_79B1) >> 23) as usize & (HASH_SLOTS - 1)
}

fn adler32(data: &[u8]) -> u32 {
    const MOD: u32 = 65_521;
    let (mut a, mut b) = (1u32, 0u32);
    // 5552 is the most bytes that can be summed before b could overflow a u32.
    for chunk in data.chunks(5552) {
        for &byte in chunk {
            a += u32::from(byte);
            b += a;
        }
        a %= MOD;
        b %= MOD;
    }
    b << 16 | a
}

/// Writes bits LSB-first, as deflate packs them.
struct BitWriter<'a> {
    out: &'a mut Vec<u8>,
    acc: u64,
    count: u32,
}

impl BitWriter<'_> {
    fn put(&mut self, value: u32, len: u32) {
        self.acc |= u64::from(value) << self.count;
        self.count += len;
        while self.count >= 8 {
            self.out.push(self.acc as u8);
            self.acc >>= 8;
            self.count -= 8;
        }
    }

    fn put_symbol(&mut self, symbol: usize) {
        let (code, len) = LITLEN_CODES[symbol];
        self.put(u32::from(code), u32::from(len));
    }

    fn put_length(&mut self, len: usize) {
        let index = LENGTH_BASE
            .iter()
            .rposition(|&base| usize::from(base) <= len)
            .unwrap_or(0);
        self.put_symbol(257 + index);
        self.put(
            (len - usize::from(LENGTH_BASE[index])) as u32,
            u32::from(LENGTH_EXTRA[index]),
        );
    }

    fn put_distance(&mut self, dist: usize) {
        let index = DIST_BASE
            .iter()
            .rposition(|&base| usize::from(base) <= dist)
            .unwrap_or(0);
        self.put(u32::from(reverse_bits(index as u16, 5)), 5);
        self.put(
            (dist - usize::from(DIST_BASE[index])) as u32,
            u32::from(DIST_EXTRA[index]),
        );
    }

    fn finish(mut self) {
        if self.count > 0 {
            self.put(0, 8 - self.count);
        }
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

    #[test]
    fn adler32_matches_the_rfc_example() {
        assert_eq!(adler32(b"Wikipedia"), 0x11E6_0398);
        assert_eq!(adler32(b""), 1);
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
            let mut stream = Vec::new();
            zlib_compress(data, &mut stream);
            assert_eq!(inflate(&stream), data);
        }
    }

    #[test]
    fn a_usersig_document_shrinks() {
        let doc = br#"{"TLS.ver":"2.0","TLS.identifier":"user_000123","TLS.sdkappid":1400000000,"TLS.expire":15552000,"TLS.time":1700000000,"TLS.sig":"mXj0b2ZlcTD3JWvq2Tv/0JtU5p3x+ifB4x6pf4Xlc9w="}"#;
        let mut stream = Vec::new();
        zlib_compress(doc, &mut stream);
        assert!(
            stream.len() < doc.len(),
            "{} >= {}",
            stream.len(),
            doc.len()
        );
    }

    proptest! {
        #[test]
        fn any_bytes_round_trip(data in proptest::collection::vec(any::<u8>(), 0..3000)) {
            let mut stream = Vec::new();
            zlib_compress(&data, &mut stream);
            prop_assert_eq!(inflate(&stream), data);
        }

        #[test]
        fn repetitive_text_round_trips(data in "(TLS\\.|abc|[a-z\":,{}0-9]){0,600}") {
            let mut stream = Vec::new();
            zlib_compress(data.as_bytes(), &mut stream);
            prop_assert_eq!(inflate(&stream), data.as_bytes());
        }
    }
}
