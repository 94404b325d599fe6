//! Status codes and the owned error object.

use std::ffi::{CString, c_char};

/// The result of a fallible function: TIMDESK_STATUS_OK or the kind of failure.
/// The values are explicit and never reused; a newer library may add values, so a
/// `switch` over it needs a default case.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum timdesk_status {
    /// Success.
    TIMDESK_STATUS_OK = 0,
    /// An argument is wrong: NULL, not UTF-8, not JSON, or refused by validation or the server.
    TIMDESK_STATUS_INVALID_ARGUMENT = 1,
    /// Authentication or authorisation failed (UserSig, sdkappid, admin rights).
    TIMDESK_STATUS_AUTH = 2,
    /// The application or request is not allowed.
    TIMDESK_STATUS_FORBIDDEN = 3,
    /// The session, account or resource does not exist (or the session has ended).
    TIMDESK_STATUS_NOT_FOUND = 4,
    /// No agent is online to take the session (141001).
    TIMDESK_STATUS_NO_AGENT_ONLINE = 5,
    /// The session cannot be transferred to a human (141003).
    TIMDESK_STATUS_NOT_TRANSFERABLE = 6,
    /// Too many requests, even after backing off.
    TIMDESK_STATUS_RATE_LIMITED = 7,
    /// The server or a gateway failed internally.
    TIMDESK_STATUS_SERVER = 8,
    /// The connection failed or broke.
    TIMDESK_STATUS_NETWORK = 9,
    /// No answer in time.
    TIMDESK_STATUS_TIMEOUT = 10,
    /// The answer was not a valid API answer.
    TIMDESK_STATUS_BAD_RESPONSE = 11,
    /// A server error code this library does not know (see timdesk_error_code).
    TIMDESK_STATUS_UNKNOWN = 12,
    /// A UserSig did not decode or verify (timdesk_error_kind names the reason).
    TIMDESK_STATUS_USERSIG_INVALID = 13,
    /// The emulator could not start, or refused a control call.
    TIMDESK_STATUS_EMULATOR = 14,
    /// The iteration is over (timdesk_cdr_iter_next); not an error.
    TIMDESK_STATUS_DONE = 15,
    /// Agents are online but none can take the session (141012, e.g. DisableQueuing).
    TIMDESK_STATUS_AGENT_BUSY = 16,
    /// The request went to the wrong place (60009: a wrong path or host): a configuration
    /// mistake.
    TIMDESK_STATUS_CONFIGURATION = 17,
    /// The library panicked; the call had no effect on the handles passed in.
    TIMDESK_STATUS_PANIC = 100,
}

pub use timdesk_status::*;

/// The details of a failure. Owned by the caller; free with timdesk_error_free.
pub struct timdesk_error {
    pub(crate) status: timdesk_status,
    pub(crate) kind: CString,
    pub(crate) code: u32,
    pub(crate) message: CString,
    pub(crate) retryable: bool,
    pub(crate) maybe_applied: bool,
}

/// The failure's status (the same value the function returned).
///
/// # Safety
/// `err` must be NULL or an error from this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn timdesk_error_status(err: *const timdesk_error) -> timdesk_status {
    // SAFETY: the caller passes NULL or a live error.
    crate::boundary::quiet(TIMDESK_STATUS_PANIC, || {
        unsafe { err.as_ref() }.map_or(TIMDESK_STATUS_INVALID_ARGUMENT, |e| e.status)
    })
}

/// The kind as text, e.g. "no_agent_online", or for UserSig failures the reason, e.g.
/// "expired". Owned by the error; valid until timdesk_error_free. "" for NULL.
///
/// # Safety
/// `err` must be NULL or an error from this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn timdesk_error_kind(err: *const timdesk_error) -> *const c_char {
    // SAFETY: the caller passes NULL or a live error.
    crate::boundary::quiet(c"".as_ptr(), || {
        unsafe { err.as_ref() }.map_or(c"".as_ptr(), |e| e.kind.as_ptr())
    })
}

/// The server's ErrorCode, or 0 when the server did not answer with one.
///
/// # Safety
/// `err` must be NULL or an error from this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn timdesk_error_code(err: *const timdesk_error) -> u32 {
    // SAFETY: the caller passes NULL or a live error.
    crate::boundary::quiet(0, || unsafe { err.as_ref() }.map_or(0, |e| e.code))
}

/// A readable message (never holding the secret key or a UserSig). Owned by the error;
/// valid until timdesk_error_free. "" for NULL.
///
/// # Safety
/// `err` must be NULL or an error from this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn timdesk_error_message(err: *const timdesk_error) -> *const c_char {
    // SAFETY: the caller passes NULL or a live error.
    crate::boundary::quiet(c"".as_ptr(), || {
        unsafe { err.as_ref() }.map_or(c"".as_ptr(), |e| e.message.as_ptr())
    })
}

/// Whether the same request may succeed later (it was already retried).
///
/// # Safety
/// `err` must be NULL or an error from this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn timdesk_error_retryable(err: *const timdesk_error) -> bool {
    // SAFETY: the caller passes NULL or a live error.
    crate::boundary::quiet(false, || {
        unsafe { err.as_ref() }.is_some_and(|e| e.retryable)
    })
}

/// Whether the request may have taken effect despite the failure (an attempt reached the
/// server and its answer was lost).
///
/// # Safety
/// `err` must be NULL or an error from this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn timdesk_error_maybe_applied(err: *const timdesk_error) -> bool {
    // SAFETY: the caller passes NULL or a live error.
    crate::boundary::quiet(false, || {
        unsafe { err.as_ref() }.is_some_and(|e| e.maybe_applied)
    })
}

/// The status of each client error kind, in the core's order ([`timdesk::ErrorKind::ALL`]).
pub(crate) fn status_of(kind: timdesk::ErrorKind) -> timdesk_status {
    use timdesk::ErrorKind::*;
    match kind {
        InvalidArgument => TIMDESK_STATUS_INVALID_ARGUMENT,
        Auth => TIMDESK_STATUS_AUTH,
        Forbidden => TIMDESK_STATUS_FORBIDDEN,
        NotFound => TIMDESK_STATUS_NOT_FOUND,
        NoAgentOnline => TIMDESK_STATUS_NO_AGENT_ONLINE,
        AgentBusy => TIMDESK_STATUS_AGENT_BUSY,
        NotTransferable => TIMDESK_STATUS_NOT_TRANSFERABLE,
        RateLimited => TIMDESK_STATUS_RATE_LIMITED,
        Server => TIMDESK_STATUS_SERVER,
        Network => TIMDESK_STATUS_NETWORK,
        Timeout => TIMDESK_STATUS_TIMEOUT,
        BadResponse => TIMDESK_STATUS_BAD_RESPONSE,
        Configuration => TIMDESK_STATUS_CONFIGURATION,
        _ => TIMDESK_STATUS_UNKNOWN,
    }
}

/// How many client error kinds the library knows: bindings check their own lists
/// against timdesk_error_kind_at.
#[unsafe(no_mangle)]
pub extern "C" fn timdesk_error_kind_count() -> usize {
    timdesk::ErrorKind::ALL.len()
}

/// The name of error kind `index` (0 to timdesk_error_kind_count() - 1), e.g.
/// "agent_busy" (static; do not free), and its status through `out_status` (may be
/// NULL). NULL for an index out of range.
///
/// # Safety
/// `out_status` must be NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn timdesk_error_kind_at(
    index: usize,
    out_status: *mut timdesk_status,
) -> *const c_char {
    crate::boundary::quiet(std::ptr::null(), || {
        let Some(kind) = timdesk::ErrorKind::ALL.get(index) else {
            return std::ptr::null();
        };
        if !out_status.is_null() {
            // SAFETY: checked non-NULL; the caller passes a writable pointer.
            unsafe { *out_status = status_of(*kind) };
        }
        KIND_NAMES[index].as_ptr()
    })
}

/// The kind names as C strings, in the order of [`timdesk::ErrorKind::ALL`].
static KIND_NAMES: std::sync::LazyLock<Vec<CString>> = std::sync::LazyLock::new(|| {
    timdesk::ErrorKind::ALL
        .iter()
        .map(|k| CString::new(k.name()).unwrap_or_default())
        .collect()
});

/// Frees an error. NULL is a no-op.
///
/// # Safety
/// `err` must be NULL or an error from this library not freed before.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn timdesk_error_free(err: *mut timdesk_error) {
    crate::boundary::quiet((), || {
        if !err.is_null() {
            // SAFETY: made by Box::into_raw in boundary::run.
            drop(unsafe { Box::from_raw(err) });
        }
    })
}
