//! Why a UserSig was refused.

use std::fmt;

/// Why a UserSig could not be decoded or did not verify. Each reason is its own variant so
/// that callers (and the emulator, which answers with distinct server codes) can tell them
/// apart; [`UserSigError::reason`] gives a stable machine-readable name for each.
///
/// No variant carries the UserSig or the key, so the message is safe to log.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum UserSigError {
    /// Not the UserSig base64 variant (alphabet `A-Za-z0-9*-`, padding `_`).
    NotBase64,
    /// The decoded bytes are not a zlib stream.
    NotZlib,
    /// The inflated document is larger than [`super::MAX_DOCUMENT_BYTES`].
    TooLarge,
    /// The inflated document is not a JSON object.
    NotJson,
    /// A required field of the document is missing.
    MissingField(&'static str),
    /// A field of the document has the wrong JSON type or content.
    IllTypedField {
        /// The field, e.g. `TLS.time`.
        field: &'static str,
        /// What it should be, e.g. `a non-negative integer`.
        expected: &'static str,
    },
    /// Issued for another application.
    SdkAppIdMismatch {
        /// The application the verifier belongs to.
        expected: u64,
        /// The application named in the UserSig.
        actual: u64,
    },
    /// Issued to another user.
    IdentifierMismatch {
        /// The identifier the caller asked about.
        expected: String,
        /// The identifier named in the UserSig.
        actual: String,
    },
    /// The HMAC does not match: another key, or a tampered document.
    BadSignature,
    /// Authentic, but past its validity.
    Expired {
        /// When it stopped being valid (Unix seconds).
        expired_at: u64,
        /// The time it was judged at (Unix seconds).
        now: u64,
    },
}

impl UserSigError {
    /// A stable snake_case name for the reason, e.g. `bad_signature` or `expired`.
    pub fn reason(&self) -> &'static str {
        match self {
            Self::NotBase64 => "not_base64",
            Self::NotZlib => "not_zlib",
            Self::TooLarge => "too_large",
            Self::NotJson => "not_json",
            Self::MissingField(_) => "missing_field",
            Self::IllTypedField { .. } => "ill_typed_field",
            Self::SdkAppIdMismatch { .. } => "sdkappid_mismatch",
            Self::IdentifierMismatch { .. } => "identifier_mismatch",
            Self::BadSignature => "bad_signature",
            Self::Expired { .. } => "expired",
        }
    }
}

impl fmt::Display for UserSigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotBase64 => f.write_str("UserSig is not in the UserSig base64 variant"),
            Self::NotZlib => f.write_str("UserSig does not hold a zlib stream"),
            Self::TooLarge => write!(
                f,
                "UserSig document inflates past {} bytes",
                super::MAX_DOCUMENT_BYTES
            ),
            Self::NotJson => f.write_str("UserSig document is not a JSON object"),
            Self::MissingField(field) => write!(f, "UserSig document lacks {field}"),
            Self::IllTypedField { field, expected } => {
                write!(f, "UserSig field {field} must be {expected}")
            }
            Self::SdkAppIdMismatch { expected, actual } => {
                write!(
                    f,
                    "UserSig was issued for sdkappid {actual}, not {expected}"
                )
            }
            Self::IdentifierMismatch { expected, actual } => {
                write!(f, "UserSig was issued to {actual:?}, not {expected:?}")
            }
            Self::BadSignature => f.write_str("UserSig signature does not match the secret key"),
            Self::Expired { expired_at, now } => write!(
                f,
                "UserSig expired at {expired_at} ({} s before {now})",
                now.saturating_sub(*expired_at)
            ),
        }
    }
}

impl std::error::Error for UserSigError {}
