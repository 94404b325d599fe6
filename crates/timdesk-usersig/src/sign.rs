//! [`Signer`]: generates and verifies UserSigs of one application.

use std::cell::RefCell;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, KeyInit as _, Mac as _};
use sha2::Sha256;

use super::{UserSig, UserSigError, codec, decode, deflate, unix_now};

type HmacSha256 = Hmac<Sha256>;

/// Generates and verifies the UserSigs of one application.
///
/// It holds the HMAC state already keyed with the secret key, so each UserSig costs one
/// clone of that state rather than a new key schedule. It is `Send + Sync`: share one per
/// application. `Debug` shows the sdkappid only, never the key.
#[derive(Clone)]
pub struct Signer {
    sdkappid: u64,
    keyed: HmacSha256,
}

thread_local! {
    /// The JSON document and the compressed bytes of the UserSig under construction,
    /// reused so that generating allocates only the returned string.
    static SCRATCH: RefCell<(Vec<u8>, Vec<u8>)> = const { RefCell::new((Vec::new(), Vec::new())) };
}

impl Signer {
    /// A signer for `sdkappid` with the application's secret key (any length).
    pub fn new(sdkappid: u64, secret_key: &str) -> Self {
        let keyed = HmacSha256::new_from_slice(secret_key.as_bytes())
            .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
        Self { sdkappid, keyed }
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
        let sig = self.hmac(identifier, time, expire, userbuf_text.as_deref());
        let mut sig_text = [0u8; 44];
        let sig_len = STANDARD
            .encode_slice(sig, &mut sig_text)
            .unwrap_or_else(|_| unreachable!("32 bytes encode to 44"));

        SCRATCH.with(|cell| {
            let (document, compressed) = &mut *cell.borrow_mut();
            document.clear();
            document.extend_from_slice(br#"{"TLS.ver":"2.0","TLS.identifier":"#);
            push_json_string(document, identifier);
            document.extend_from_slice(br#","TLS.sdkappid":"#);
            document.extend_from_slice(Decimal::new(self.sdkappid).as_bytes());
            document.extend_from_slice(br#","TLS.expire":"#);
            document.extend_from_slice(Decimal::new(expire).as_bytes());
            document.extend_from_slice(br#","TLS.time":"#);
            document.extend_from_slice(Decimal::new(time).as_bytes());
            if let Some(text) = &userbuf_text {
                document.extend_from_slice(br#","TLS.userbuf":""#);
                document.extend_from_slice(text.as_bytes());
                document.push(b'"');
            }
            document.extend_from_slice(br#","TLS.sig":""#);
            document.extend_from_slice(&sig_text[..sig_len]);
            document.extend_from_slice(br#""}"#);

            compressed.clear();
            deflate::zlib_compress(document, compressed);
            let mut usersig = String::with_capacity(compressed.len().div_ceil(3) * 4);
            codec::encode_base64_variant(compressed, &mut usersig);
            usersig
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
        let mut mac = self.keyed.clone();
        feed_content(
            &mut mac,
            &doc.identifier,
            self.sdkappid,
            doc.time,
            doc.expire,
            doc.userbuf_text.as_deref(),
        );
        mac.verify_slice(&claimed)
            .map_err(|_| UserSigError::BadSignature)?;
        if doc.is_expired_at(now) {
            return Err(UserSigError::Expired {
                expired_at: doc.expires_at(),
                now,
            });
        }
        Ok(doc)
    }

    fn hmac(
        &self,
        identifier: &str,
        time: u64,
        expire: u64,
        userbuf_text: Option<&str>,
    ) -> [u8; 32] {
        let mut mac = self.keyed.clone();
        feed_content(
            &mut mac,
            identifier,
            self.sdkappid,
            time,
            expire,
            userbuf_text,
        );
        mac.finalize().into_bytes().into()
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

/// Feeds the signed content of TLSSigAPIv2 to `mac`, piece by piece, without building it.
fn feed_content(
    mac: &mut HmacSha256,
    identifier: &str,
    sdkappid: u64,
    time: u64,
    expire: u64,
    userbuf_text: Option<&str>,
) {
    mac.update(b"TLS.identifier:");
    mac.update(identifier.as_bytes());
    mac.update(b"\nTLS.sdkappid:");
    mac.update(Decimal::new(sdkappid).as_bytes());
    mac.update(b"\nTLS.time:");
    mac.update(Decimal::new(time).as_bytes());
    mac.update(b"\nTLS.expire:");
    mac.update(Decimal::new(expire).as_bytes());
    mac.update(b"\n");
    if let Some(text) = userbuf_text {
        mac.update(b"TLS.userbuf:");
        mac.update(text.as_bytes());
        mac.update(b"\n");
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
