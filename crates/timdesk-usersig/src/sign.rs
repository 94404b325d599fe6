//! [`Signer`]: generates and verifies UserSigs of one application.

use std::cell::RefCell;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use super::deflate::{self, Hint};
use super::hmac::KeyedHmac;
use super::{UserSig, UserSigError, codec, decode, unix_now};

/// Generates and verifies the UserSigs of one application.
///
/// It holds the HMAC state already keyed with the secret key, so each UserSig costs the
/// three SHA-256 compressions of its content and nothing for the key. It is `Send + Sync`: share one per
/// application. `Debug` shows the sdkappid only, never the key.
#[derive(Clone)]
pub struct Signer {
    sdkappid: u64,
    keyed: KeyedHmac,
}

thread_local! {
    /// The signed content, the JSON document and the compressed bytes of the UserSig
    /// under construction, reused so that generating allocates only the returned string.
    static SCRATCH: RefCell<[Vec<u8>; 3]> = const { RefCell::new([Vec::new(), Vec::new(), Vec::new()]) };
}

impl Signer {
    /// A signer for `sdkappid` with the application's secret key (any length).
    pub fn new(sdkappid: u64, secret_key: &str) -> Self {
        Self {
            sdkappid,
            keyed: KeyedHmac::new(secret_key.as_bytes()),
        }
    }

    /// The application this signer belongs to.
    pub fn sdkappid(&self) -> u64 {
        self.sdkappid
    }

    /// A UserSig for `identifier`, issued now and valid for `expire` seconds, with an
    /// optional userbuf (arbitrary bytes carried inside the UserSig).
    pub fn generate(&self, identifier: &str, expire: u64, userbuf: Option<&[u8]>) -> String {
        self.generate_at(identifier, expire, userbuf, unix_now())
    }

    /// Like [`Signer::generate`], issued at `time` (Unix seconds) instead of now.
    pub fn generate_at(
        &self,
        identifier: &str,
        expire: u64,
        userbuf: Option<&[u8]>,
        time: u64,
    ) -> String {
        let userbuf_text = userbuf.map(|bytes| STANDARD.encode(bytes));
        SCRATCH.with(|cell| {
            let [content, document, compressed] = &mut *cell.borrow_mut();
            write_content(
                content,
                identifier,
                self.sdkappid,
                time,
                expire,
                userbuf_text.as_deref(),
            );
            let mut sig_text = [0u8; 44];
            let sig_len = STANDARD
                .encode_slice(self.keyed.mac(content), &mut sig_text)
                .unwrap_or_else(|_| unreachable!("32 bytes encode to 44"));

            let mut doc = Document::start(document);
            doc.key(b"identifier");
            push_json_string(doc.bytes, identifier);
            doc.key(b"sdkappid");
            doc.bytes
                .extend_from_slice(Decimal::new(self.sdkappid).as_bytes());
            doc.key(b"expire");
            doc.bytes.extend_from_slice(Decimal::new(expire).as_bytes());
            doc.key(b"time");
            doc.bytes.extend_from_slice(Decimal::new(time).as_bytes());
            if let Some(text) = &userbuf_text {
                doc.key(b"userbuf");
                doc.string(text.as_bytes());
            }
            doc.key(b"sig");
            doc.string(&sig_text[..sig_len]);
            doc.bytes.push(b'}');

            compressed.clear();
            deflate::zlib_compress(doc.bytes, doc.hints(), compressed);
            codec::encode_base64_variant(compressed)
        })
    }

    /// Verifies `usersig` for `identifier` now; see [`Signer::verify_at`].
    pub fn verify(&self, usersig: &str, identifier: &str) -> Result<UserSig, UserSigError> {
        self.verify_at(usersig, identifier, unix_now())
    }

    /// Verifies `usersig` for `identifier`, judging expiry at `now` (Unix seconds).
    ///
    /// Checks, in order: that it decodes, the sdkappid, the identifier, the signature
    /// (recomputed and compared in constant time), and last the expiry, so that
    /// [`UserSigError::Expired`] always means an authentic UserSig that has run out.
    pub fn verify_at(
        &self,
        usersig: &str,
        identifier: &str,
        now: u64,
    ) -> Result<UserSig, UserSigError> {
        let doc = decode(usersig)?;
        if doc.sdkappid != self.sdkappid {
            return Err(UserSigError::SdkAppIdMismatch {
                expected: self.sdkappid,
                actual: doc.sdkappid,
            });
        }
        if doc.identifier != identifier {
            return Err(UserSigError::IdentifierMismatch {
                expected: identifier.to_owned(),
                actual: doc.identifier,
            });
        }
        let claimed = STANDARD
            .decode(doc.sig())
            .map_err(|_| UserSigError::BadSignature)?;
        let authentic = SCRATCH.with(|cell| {
            let [content, ..] = &mut *cell.borrow_mut();
            write_content(
                content,
                &doc.identifier,
                self.sdkappid,
                doc.time,
                doc.expire,
                doc.userbuf_text.as_deref(),
            );
            self.keyed.verify(content, &claimed)
        });
        if !authentic {
            return Err(UserSigError::BadSignature);
        }
        if doc.is_expired_at(now) {
            return Err(UserSigError::Expired {
                expired_at: doc.expires_at(),
                now,
            });
        }
        Ok(doc)
    }
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Signer")
            .field("sdkappid", &self.sdkappid)
            .field("secret_key", &"<redacted>")
            .finish()
    }
}

/// Writes the signed content of TLSSigAPIv2 into `out`, replacing what it held.
fn write_content(
    out: &mut Vec<u8>,
    identifier: &str,
    sdkappid: u64,
    time: u64,
    expire: u64,
    userbuf_text: Option<&str>,
) {
    out.clear();
    out.extend_from_slice(b"TLS.identifier:");
    out.extend_from_slice(identifier.as_bytes());
    out.extend_from_slice(b"\nTLS.sdkappid:");
    out.extend_from_slice(Decimal::new(sdkappid).as_bytes());
    out.extend_from_slice(b"\nTLS.time:");
    out.extend_from_slice(Decimal::new(time).as_bytes());
    out.extend_from_slice(b"\nTLS.expire:");
    out.extend_from_slice(Decimal::new(expire).as_bytes());
    out.push(b'\n');
    if let Some(text) = userbuf_text {
        out.extend_from_slice(b"TLS.userbuf:");
        out.extend_from_slice(text.as_bytes());
        out.push(b'\n');
    }
}

/// The JSON document of a UserSig being written, with where it repeats itself: each
/// key's `"TLS.` (with what precedes it, when that agrees too) repeats the previous key's.
struct Document<'a> {
    bytes: &'a mut Vec<u8>,
    hints: [Hint; 6],
    hinted: usize,
    last_key: usize,
}

impl<'a> Document<'a> {
    /// Starts the document in `bytes` with its version.
    fn start(bytes: &'a mut Vec<u8>) -> Self {
        bytes.clear();
        bytes.extend_from_slice(br#"{"TLS.ver":"2.0""#);
        Self {
            bytes,
            hints: [Hint { at: 0, earlier: 0 }; 6],
            hinted: 0,
            // The quote that opens "TLS.ver".
            last_key: 1,
        }
    }

    /// Appends `,"TLS.<name>":`.
    fn key(&mut self, name: &[u8]) {
        let at = self.bytes.len() + 1;
        self.bytes.extend_from_slice(br#","TLS."#);
        self.bytes.extend_from_slice(name);
        self.bytes.extend_from_slice(br#"":"#);
        if let Some(hint) = self.hints.get_mut(self.hinted) {
            *hint = Hint {
                at,
                earlier: self.last_key,
            };
            self.hinted += 1;
        }
        self.last_key = at;
    }

    /// Appends `text`, which needs no escaping (base64), as a JSON string.
    fn string(&mut self, text: &[u8]) {
        self.bytes.push(b'"');
        self.bytes.extend_from_slice(text);
        self.bytes.push(b'"');
    }

    /// Where the document repeats itself, in order.
    fn hints(&self) -> &[Hint] {
        &self.hints[..self.hinted]
    }
}

/// Appends `s` as a JSON string literal.
fn push_json_string(out: &mut Vec<u8>, s: &str) {
    serde_json::to_writer(&mut *out, s)
        .unwrap_or_else(|_| unreachable!("writing a str into a Vec cannot fail"));
}

/// The decimal digits of a u64, on the stack.
struct Decimal {
    digits: [u8; 20],
    start: usize,
}

impl Decimal {
    fn new(mut n: u64) -> Self {
        let mut digits = [0u8; 20];
        let mut start = digits.len();
        loop {
            start -= 1;
            digits[start] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                return Self { digits, start };
            }
        }
    }

    fn as_bytes(&self) -> &[u8] {
        &self.digits[self.start..]
    }
}
