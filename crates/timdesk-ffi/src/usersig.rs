//! UserSig generation, verification and decoding.

use std::ffi::c_char;

use timdesk::usersig::{self, Signer, UserSig, UserSigError};

use crate::boundary::{self, Failure, put_string, string};
use crate::error::*;

fn usersig_failure(e: &UserSigError) -> Failure {
    Failure::other(TIMDESK_STATUS_USERSIG_INVALID, e.reason(), e.to_string())
}

fn document_json(doc: &UserSig) -> String {
    serde_json::Value::Object(doc.fields_json()).to_string()
}

/// A UserSig for `identifier`, valid `expire` seconds from `time` (Unix seconds; a
/// negative `time` means now), carrying `userbuf_len` bytes of `userbuf` when `userbuf` is
/// not NULL. On success `*out_usersig` receives it (free with timdesk_string_free).
///
/// # Safety
/// Pointers must be NULL or valid; `userbuf` must hold `userbuf_len` readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn timdesk_usersig_gen(
    sdkappid: u64,
    secret_key: *const c_char,
    identifier: *const c_char,
    expire: u64,
    userbuf: *const u8,
    userbuf_len: usize,
    time: i64,
    out_usersig: *mut *mut c_char,
    err: *mut *mut timdesk_error,
) -> timdesk_status {
    boundary::run(err, || {
        let signer = Signer::new(sdkappid, string(secret_key, "secret_key")?);
        let identifier = string(identifier, "identifier")?;
        // SAFETY: the caller passes NULL or `userbuf_len` readable bytes.
        let userbuf = (!userbuf.is_null())
            .then(|| unsafe { std::slice::from_raw_parts(userbuf, userbuf_len) });
        let sig = match u64::try_from(time) {
            Ok(t) => signer.generate_at(identifier, expire, userbuf, t),
            Err(_) => signer.generate(identifier, expire, userbuf),
        };
        put_string(out_usersig, sig, "the UserSig")?;
        Ok(())
    })
}

/// Verifies `usersig` for `identifier` with the key, judging expiry at `at` (Unix
/// seconds; negative for now). On success `*out_document_json` (may be NULL) receives the
/// decoded fields as JSON; on failure the status is TIMDESK_STATUS_USERSIG_INVALID and
/// timdesk_error_kind names the reason ("expired", "bad_signature", ...).
///
/// # Safety
/// Pointers must be NULL or valid as described in timdesk.h's conventions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn timdesk_usersig_verify(
    sdkappid: u64,
    secret_key: *const c_char,
    identifier: *const c_char,
    usersig: *const c_char,
    at: i64,
    out_document_json: *mut *mut c_char,
    err: *mut *mut timdesk_error,
) -> timdesk_status {
    boundary::run(err, || {
        let signer = Signer::new(sdkappid, string(secret_key, "secret_key")?);
        let (identifier, usersig) = (
            string(identifier, "identifier")?,
            string(usersig, "usersig")?,
        );
        let result = match u64::try_from(at) {
            Ok(t) => signer.verify_at(usersig, identifier, t),
            Err(_) => signer.verify(usersig, identifier),
        };
        let doc = result.map_err(|e| usersig_failure(&e))?;
        put_string(out_document_json, document_json(&doc), "the document")
    })
}

/// Decodes a UserSig without the key. On success `*out_document_json` receives its fields
/// as JSON (free with timdesk_string_free).
///
/// # Safety
/// Pointers must be NULL or valid as described in timdesk.h's conventions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn timdesk_usersig_decode(
    usersig: *const c_char,
    out_document_json: *mut *mut c_char,
    err: *mut *mut timdesk_error,
) -> timdesk_status {
    boundary::run(err, || {
        let doc = usersig::decode(string(usersig, "usersig")?).map_err(|e| usersig_failure(&e))?;
        put_string(out_document_json, document_json(&doc), "the document")?;
        Ok(())
    })
}
