//! The panic boundary, argument checks and output writing shared by every export.

use std::ffi::{CStr, CString, c_char};
use std::panic::{AssertUnwindSafe, catch_unwind};

use timdesk::ErrorKind;

use crate::error::*;

/// A failed call, before it becomes a `timdesk_error`.
#[derive(Debug)]
pub(crate) struct Failure {
    pub status: timdesk_status,
    pub kind: String,
    pub code: u32,
    pub message: String,
    pub retryable: bool,
    pub maybe_applied: bool,
}

impl Failure {
    /// A bad argument: `name` breaks `rule`.
    pub fn invalid(name: &str, rule: impl std::fmt::Display) -> Self {
        Self::from(timdesk::Error::invalid_argument(name, rule))
    }

    /// A failure of the given status with a kind name and message.
    pub fn other(status: timdesk_status, kind: &str, message: impl Into<String>) -> Self {
        Self {
            status,
            kind: kind.into(),
            code: 0,
            message: message.into(),
            retryable: false,
            maybe_applied: false,
        }
    }
}

impl From<timdesk::Error> for Failure {
    fn from(e: timdesk::Error) -> Self {
        let status = match e.kind() {
            ErrorKind::InvalidArgument => TIMDESK_STATUS_INVALID_ARGUMENT,
            ErrorKind::Auth => TIMDESK_STATUS_AUTH,
            ErrorKind::Forbidden => TIMDESK_STATUS_FORBIDDEN,
            ErrorKind::NotFound => TIMDESK_STATUS_NOT_FOUND,
            ErrorKind::NoAgentOnline => TIMDESK_STATUS_NO_AGENT_ONLINE,
            ErrorKind::NotTransferable => TIMDESK_STATUS_NOT_TRANSFERABLE,
            ErrorKind::RateLimited => TIMDESK_STATUS_RATE_LIMITED,
            ErrorKind::Server => TIMDESK_STATUS_SERVER,
            ErrorKind::Network => TIMDESK_STATUS_NETWORK,
            ErrorKind::Timeout => TIMDESK_STATUS_TIMEOUT,
            ErrorKind::BadResponse => TIMDESK_STATUS_BAD_RESPONSE,
            _ => TIMDESK_STATUS_UNKNOWN,
        };
        Self {
            status,
            kind: e.kind().name().to_owned(),
            code: e.code().unwrap_or(0),
            message: e.to_string(),
            retryable: e.is_retryable(),
            maybe_applied: e.maybe_applied(),
        }
    }
}

/// Runs a fallible export: `body` checks its arguments, does the work and writes its
/// outputs last, so that nothing is written on failure. A panic becomes
/// TIMDESK_STATUS_PANIC. On failure, `*err` (when `err` is not NULL) receives the details.
pub(crate) fn run(
    err: *mut *mut timdesk_error,
    body: impl FnOnce() -> Result<(), Failure>,
) -> timdesk_status {
    let failure = match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(())) => return TIMDESK_STATUS_OK,
        Ok(Err(failure)) => failure,
        Err(_) => Failure::other(
            TIMDESK_STATUS_PANIC,
            "panic",
            "timdesk panicked (a bug: please report it)",
        ),
    };
    let status = failure.status;
    if !err.is_null() {
        let error = timdesk_error {
            status,
            kind: c_string_lossy(failure.kind),
            code: failure.code,
            message: c_string_lossy(failure.message),
            retryable: failure.retryable,
            maybe_applied: failure.maybe_applied,
        };
        // SAFETY: the caller passes NULL (checked above) or a writable pointer.
        unsafe { *err = Box::into_raw(Box::new(error)) };
    }
    status
}

/// Runs an export that cannot fail, returning `fallback` if it panics.
pub(crate) fn quiet<T>(fallback: T, body: impl FnOnce() -> T) -> T {
    catch_unwind(AssertUnwindSafe(body)).unwrap_or(fallback)
}

/// A required string argument.
pub(crate) fn string<'a>(ptr: *const c_char, name: &str) -> Result<&'a str, Failure> {
    optional_string(ptr, name)?.ok_or_else(|| Failure::invalid(name, "is NULL"))
}

/// An optional string argument (NULL is None).
pub(crate) fn optional_string<'a>(
    ptr: *const c_char,
    name: &str,
) -> Result<Option<&'a str>, Failure> {
    if ptr.is_null() {
        return Ok(None);
    }
    // SAFETY: the caller passes a NUL-terminated string that outlives the call.
    let bytes = unsafe { CStr::from_ptr(ptr) };
    bytes
        .to_str()
        .map(Some)
        .map_err(|_| Failure::invalid(name, "is not valid UTF-8"))
}

/// A JSON argument.
pub(crate) fn json(ptr: *const c_char, name: &str) -> Result<serde_json::Value, Failure> {
    let text = string(ptr, name)?;
    serde_json::from_str(text).map_err(|e| Failure::invalid(name, format!("is not JSON: {e}")))
}

/// Checks an out parameter before any work is done.
pub(crate) fn out<'a, T>(ptr: *mut T, name: &str) -> Result<&'a mut T, Failure> {
    // SAFETY: the caller passes NULL (refused) or a pointer writable for the call.
    unsafe { ptr.as_mut() }.ok_or_else(|| Failure::invalid(name, "is NULL"))
}

/// A string for C, owned by the caller (timdesk_string_free).
pub(crate) fn c_string(text: String, what: &str) -> Result<*mut c_char, Failure> {
    CString::new(text).map(CString::into_raw).map_err(|_| {
        Failure::other(
            TIMDESK_STATUS_BAD_RESPONSE,
            "bad_response",
            format!("{what} holds a NUL byte"),
        )
    })
}

fn c_string_lossy(text: String) -> CString {
    CString::new(text.replace('\0', "\u{FFFD}")).unwrap_or_default()
}
