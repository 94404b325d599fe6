//! The UserSig envelope: zlib (inflating; see [`super::deflate`] for deflating) and the
//! `*`/`-`/`_` base64 variant.

use std::cell::RefCell;

use base64::Engine as _;
use base64::alphabet::Alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use flate2::{Decompress, FlushDecompress, Status};

use super::{MAX_DOCUMENT_BYTES, UserSigError};

/// Standard base64 with `+` and `/` replaced by `*` and `-`; the padding `=` becomes `_`
/// separately, because the engine's padding byte is fixed.
const VARIANT: GeneralPurpose = GeneralPurpose::new(
    &match Alphabet::new("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789*-") {
        Ok(alphabet) => alphabet,
        Err(_) => panic!("the UserSig alphabet is 64 distinct printable bytes"),
    },
    GeneralPurposeConfig::new()
        .with_encode_padding(false)
        .with_decode_padding_mode(DecodePaddingMode::RequireNone),
);

/// The variant base64 of `bytes`, with its `_` padding.
///
/// Encoded into one buffer of the final size: the engine's `encode_string` goes through
/// a chunked writer and a 1 KiB stack buffer, which cost more than encoding a UserSig.
pub(super) fn encode_base64_variant(bytes: &[u8]) -> String {
    let mut out = vec![0; bytes.len().div_ceil(3) * 4];
    let written = VARIANT
        .encode_slice(bytes, &mut out)
        .unwrap_or_else(|_| unreachable!("the buffer holds the padded length"));
    out[written..].fill(b'_');
    String::from_utf8(out).unwrap_or_else(|_| unreachable!("base64 is ASCII"))
}

/// Decodes the variant base64; the `_` padding may be present or left out.
pub(super) fn decode_base64_variant(text: &str) -> Result<Vec<u8>, UserSigError> {
    let unpadded = text
        .strip_suffix("__")
        .or_else(|| text.strip_suffix('_'))
        .unwrap_or(text);
    if unpadded.is_empty() {
        return Err(UserSigError::NotBase64);
    }
    VARIANT
        .decode(unpadded)
        .map_err(|_| UserSigError::NotBase64)
}

thread_local! {
    /// One inflate state per thread, reset between UserSigs: creating one allocates and
    /// initialises its 32 KiB window, which costs more than inflating a document.
    static INFLATE: RefCell<Decompress> = RefCell::new(Decompress::new(true));
}

/// Inflates a zlib stream, refusing documents over [`MAX_DOCUMENT_BYTES`].
pub(super) fn inflate(compressed: &[u8]) -> Result<Vec<u8>, UserSigError> {
    INFLATE.with(|cell| {
        let mut inflater = cell.borrow_mut();
        inflater.reset(true);
        let mut document = Vec::with_capacity((compressed.len() * 2).min(MAX_DOCUMENT_BYTES));
        loop {
            let consumed = inflater.total_in() as usize;
            let status = inflater
                .decompress_vec(
                    &compressed[consumed..],
                    &mut document,
                    FlushDecompress::Finish,
                )
                .map_err(|_| UserSigError::NotZlib)?;
            match status {
                Status::StreamEnd => return Ok(document),
                _ if document.len() >= MAX_DOCUMENT_BYTES => return Err(UserSigError::TooLarge),
                // Room ran out: grow and go on. No progress with room left: the input ended.
                _ if document.len() == document.capacity() => {
                    document.reserve((document.len()).clamp(256, MAX_DOCUMENT_BYTES))
                }
                _ => return Err(UserSigError::NotZlib),
            }
        }
    })
}
