//! UserSig (TLSSigAPIv2): generation, decoding and verification, with no network stack:
//! the crate a login server that only issues UserSigs depends on. `timdesk` re-exports it
//! as `timdesk::usersig`.
//!
//! A UserSig is the zlib-compressed JSON document
//! `{"TLS.ver":"2.0","TLS.identifier":…,"TLS.sdkappid":…,"TLS.expire":…,"TLS.time":…,["TLS.userbuf":…,]"TLS.sig":…}`
//! encoded in a URL-safe base64 variant (`+`→`*`, `/`→`-`, `=`→`_`), where `TLS.sig` is
//! base64(HMAC-SHA256(secret key, content)) over
//! `"TLS.identifier:{id}\nTLS.sdkappid:{app}\nTLS.time:{t}\nTLS.expire:{exp}\n"`
//! followed by `"TLS.userbuf:{base64(userbuf)}\n"` when a userbuf is given.
//!
//! Compatibility with the official implementations is semantic: they decode and accept
//! what [`Signer`] produces, and [`Signer::verify`] accepts what they produce.
//!
//! ```
//! use timdesk_usersig::Signer;
//! let signer = Signer::new(1400000000, "my-secret-key");
//! let sig = signer.generate("administrator", 86400, None);
//! let doc = signer.verify(&sig, "administrator").unwrap();
//! assert_eq!(doc.expire, 86400);
//! ```

mod codec;
mod deflate;
mod error;
mod hmac;
mod sign;

pub use error::UserSigError;
pub use sign::Signer;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Map, Value};

/// The default validity of a generated UserSig: 180 days, as in the official libraries.
pub const DEFAULT_EXPIRE_SECS: u64 = 180 * 86_400;

/// The largest inflated document [`decode`] accepts; a real one is a few hundred bytes.
pub const MAX_DOCUMENT_BYTES: usize = 64 * 1024;

/// A decoded UserSig document.
///
/// `Debug` redacts the signature: together with the other fields it is enough to rebuild
/// the UserSig itself, which is a credential.
#[derive(Clone, PartialEq, Eq)]
pub struct UserSig {
    /// `TLS.ver`, "2.0" for every UserSig of this algorithm.
    pub version: String,
    /// `TLS.identifier`, the user the UserSig was issued to.
    pub identifier: String,
    /// `TLS.sdkappid`, the application.
    pub sdkappid: u64,
    /// `TLS.time`, when it was issued (Unix seconds).
    pub time: u64,
    /// `TLS.expire`, its validity in seconds from `time`.
    pub expire: u64,
    /// `TLS.userbuf`, decoded from base64, when present.
    pub userbuf: Option<Vec<u8>>,
    userbuf_text: Option<String>,
    sig: String,
}

impl UserSig {
    /// The decoded fields as the C ABI and the command print them: `version`,
    /// `identifier`, `sdkappid`, `time`, `expire`, `expires_at` and `userbuf_hex`.
    pub fn fields_json(&self) -> Map<String, Value> {
        let mut fields = Map::new();
        fields.insert("version".into(), self.version.clone().into());
        fields.insert("identifier".into(), self.identifier.clone().into());
        fields.insert("sdkappid".into(), self.sdkappid.into());
        fields.insert("time".into(), self.time.into());
        fields.insert("expire".into(), self.expire.into());
        fields.insert("expires_at".into(), self.expires_at().into());
        let hex = self
            .userbuf
            .as_ref()
            .map(|b| b.iter().map(|x| format!("{x:02x}")).collect::<String>());
        fields.insert("userbuf_hex".into(), hex.map_or(Value::Null, Value::String));
        fields
    }

    /// When the UserSig stops being valid (Unix seconds): `time + expire`.
    pub fn expires_at(&self) -> u64 {
        self.time.saturating_add(self.expire)
    }

    /// Whether it has expired at `now` (Unix seconds): the official rule `time + expire < now`.
    pub fn is_expired_at(&self, now: u64) -> bool {
        self.expires_at() < now
    }

    /// `TLS.sig` as it stands in the document: base64 of the HMAC-SHA256.
    pub fn sig(&self) -> &str {
        &self.sig
    }
}

impl std::fmt::Debug for UserSig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserSig")
            .field("version", &self.version)
            .field("identifier", &self.identifier)
            .field("sdkappid", &self.sdkappid)
            .field("time", &self.time)
            .field("expire", &self.expire)
            .field("userbuf", &self.userbuf)
            .field("sig", &"<redacted>")
            .finish()
    }
}

/// Decodes a UserSig into its fields without checking the signature (no key needed).
///
/// Any input, of any length or content, gives either the document or an error naming
/// what is wrong with it; it never panics.
pub fn decode(usersig: &str) -> Result<UserSig, UserSigError> {
    let compressed = codec::decode_base64_variant(usersig)?;
    let document = codec::inflate(&compressed)?;
    let map: Map<String, Value> =
        serde_json::from_slice(&document).map_err(|_| UserSigError::NotJson)?;
    let userbuf_text = optional_str(&map, "TLS.userbuf")?;
    let userbuf = match &userbuf_text {
        Some(text) => Some(
            STANDARD
                .decode(text)
                .map_err(|_| UserSigError::IllTypedField {
                    field: "TLS.userbuf",
                    expected: "a base64 string",
                })?,
        ),
        None => None,
    };
    Ok(UserSig {
        version: required_str(&map, "TLS.ver")?,
        identifier: required_str(&map, "TLS.identifier")?,
        sdkappid: required_u64(&map, "TLS.sdkappid")?,
        time: required_u64(&map, "TLS.time")?,
        expire: required_u64(&map, "TLS.expire")?,
        userbuf,
        userbuf_text,
        sig: required_str(&map, "TLS.sig")?,
    })
}

fn optional_str(
    map: &Map<String, Value>,
    field: &'static str,
) -> Result<Option<String>, UserSigError> {
    match map.get(field) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(UserSigError::IllTypedField {
            field,
            expected: "a string",
        }),
    }
}

fn required_str(map: &Map<String, Value>, field: &'static str) -> Result<String, UserSigError> {
    optional_str(map, field)?.ok_or(UserSigError::MissingField(field))
}

fn required_u64(map: &Map<String, Value>, field: &'static str) -> Result<u64, UserSigError> {
    match map.get(field) {
        None => Err(UserSigError::MissingField(field)),
        Some(value) => value.as_u64().ok_or(UserSigError::IllTypedField {
            field,
            expected: "a non-negative integer",
        }),
    }
}

/// The current Unix time in seconds (0 before 1970).
pub fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

#[cfg(test)]
mod tests;
