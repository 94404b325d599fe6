//! Status codes and the owned error object.

use std::ffi::{CString, c_char};

pub use timdesk_ffi_base::timdesk_status::{self, *};
pub use timdesk_ffi_base::{status_of, timdesk_error};

/// The failure's status (the same value the function returned).
///
/// # Safety
/// `err` must be NULL or an error from this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn timdesk_error_status(err: *const timdesk_error) -> timdesk_status {
    // SAFETY: the caller passes NULL or a live error.
    timdesk_ffi_base::boundary::quiet(TIMDESK_STATUS_PANIC, || {
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
    timdesk_ffi_base::boundary::quiet(c"".as_ptr(), || {
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
    timdesk_ffi_base::boundary::quiet(0, || unsafe { err.as_ref() }.map_or(0, |e| e.code))
}

/// A readable message (never holding the secret key or a UserSig). Owned by the error;
/// valid until timdesk_error_free. "" for NULL.
///
/// # Safety
/// `err` must be NULL or an error from this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn timdesk_error_message(err: *const timdesk_error) -> *const c_char {
    // SAFETY: the caller passes NULL or a live error.
    timdesk_ffi_base::boundary::quiet(c"".as_ptr(), || {
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
    timdesk_ffi_base::boundary::quiet(false, || {
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
    timdesk_ffi_base::boundary::quiet(false, || {
        unsafe { err.as_ref() }.is_some_and(|e| e.maybe_applied)
    })
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
    timdesk_ffi_base::boundary::quiet(std::ptr::null(), || {
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
    // SAFETY: the caller passes NULL or a handle from this library not freed before.
    unsafe { timdesk_ffi_base::boundary::free_handle(err) }
}
