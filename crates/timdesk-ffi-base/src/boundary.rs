//! The panic boundary, argument checks and output writing shared by every export.

use std::ffi::{CStr, CString, c_char};
use std::panic::{AssertUnwindSafe, catch_unwind};

use crate::*;

/// A failed call, before it becomes a `timdesk_error`.
#[derive(Debug)]
pub struct Failure {
    /// The status to return.
    pub status: timdesk_status,
    /// The kind's name.
    pub kind: String,
    /// The server's ErrorCode, 0 when none.
    pub code: u32,
    /// The message.
    pub message: String,
    /// Whether the same request may succeed later.
    pub retryable: bool,
    /// Whether the request may have taken effect.
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
        Self {
            status: status_of(e.kind()),
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
pub fn run(
    err: *mut *mut timdesk_error,
    body: impl FnOnce() -> Result<(), Failure>,
) -> timdesk_status {
    // SAFETY: the caller passes NULL or a pointer readable for the call.
    if !err.is_null() && !unsafe { *err }.is_null() {
        // Overwriting would leak the caller's earlier error: refuse, and do nothing.
        return TIMDESK_STATUS_INVALID_ARGUMENT;
    }
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
        // SAFETY: the caller passes NULL (checked above) or a writable pointer.
        unsafe { *err = Box::into_raw(Box::new(error_object(failure))) };
    }
    status
}

/// The error object of a failure (for timdesk_error_free once boxed).
pub fn error_object(failure: Failure) -> timdesk_error {
    timdesk_error {
        status: failure.status,
        kind: c_string_lossy(failure.kind),
        code: failure.code,
        message: c_string_lossy(failure.message),
        retryable: failure.retryable,
        maybe_applied: failure.maybe_applied,
    }
}

/// Runs an export that cannot fail, returning `fallback` if it panics.
pub fn quiet<T>(fallback: T, body: impl FnOnce() -> T) -> T {
    catch_unwind(AssertUnwindSafe(body)).unwrap_or(fallback)
}

/// A required string argument.
pub fn string<'a>(ptr: *const c_char, name: &str) -> Result<&'a str, Failure> {
    optional_string(ptr, name)?.ok_or_else(|| Failure::invalid(name, "is NULL"))
}

/// An optional string argument (NULL is None).
pub fn optional_string<'a>(ptr: *const c_char, name: &str) -> Result<Option<&'a str>, Failure> {
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
pub fn json(ptr: *const c_char, name: &str) -> Result<serde_json::Value, Failure> {
    let text = string(ptr, name)?;
    serde_json::from_str(text).map_err(|e| Failure::invalid(name, format!("is not JSON: {e}")))
}

/// A list of strings given as pointer + count (NULL with a count of 0 is empty).
pub fn string_list(
    items: *const *const c_char,
    len: usize,
    name: &str,
) -> Result<Vec<String>, Failure> {
    if len == 0 {
        return Ok(Vec::new());
    }
    if items.is_null() {
        return Err(Failure::invalid(
            name,
            format!("is NULL with a count of {len}"),
        ));
    }
    // SAFETY: the caller passes `len` readable pointers.
    let items = unsafe { std::slice::from_raw_parts(items, len) };
    items
        .iter()
        .enumerate()
        .map(|(i, item)| string(*item, &format!("{name}[{i}]")).map(str::to_owned))
        .collect()
}

/// Reads an options struct whose first field is its `size` in bytes, as the caller's
/// header declared it: fields beyond that size (added by a newer library) take their zero
/// defaults, and a size of 0 is refused (the caller forgot to initialise it).
///
/// `T` must be a `#[repr(C)]` struct starting with a `usize` for which all-zero bytes are
/// a valid value (integers, bools, nullable pointers).
pub fn sized<T>(ptr: *const T, name: &str, init: &str) -> Result<Option<T>, Failure> {
    if ptr.is_null() {
        return Ok(None);
    }
    // SAFETY: the caller passes a struct whose first field is its size.
    let declared = unsafe { std::ptr::read_unaligned(ptr.cast::<usize>()) };
    if declared < std::mem::size_of::<usize>() {
        return Err(Failure::invalid(
            &format!("{name}.size"),
            format!("is {declared}: initialise the struct with {init}"),
        ));
    }
    let mut value = std::mem::MaybeUninit::<T>::zeroed();
    let len = declared.min(std::mem::size_of::<T>());
    // SAFETY: the caller's struct has `declared` readable bytes; ours has size_of::<T>();
    // all-zero bytes are a valid T, and the copied prefix holds the caller's valid fields.
    unsafe {
        std::ptr::copy_nonoverlapping(ptr.cast::<u8>(), value.as_mut_ptr().cast::<u8>(), len);
        Ok(Some(value.assume_init()))
    }
}

/// Writes an optional out parameter.
pub fn put<T>(ptr: *mut T, value: T) {
    if !ptr.is_null() {
        // SAFETY: the caller passes NULL (skipped) or a pointer writable for the call.
        unsafe { *ptr = value };
    }
}

/// Writes a string result to an out parameter; NULL discards it (nothing is allocated).
pub fn put_string(ptr: *mut *mut c_char, text: String, what: &str) -> Result<(), Failure> {
    if !ptr.is_null() {
        let owned = c_string(text, what)?;
        // SAFETY: checked non-NULL; the caller passes a pointer writable for the call.
        unsafe { *ptr = owned };
    }
    Ok(())
}

/// Hands a new handle to an out parameter; NULL discards it (it is freed at once).
pub fn put_handle<T>(ptr: *mut *mut T, value: T) {
    if !ptr.is_null() {
        // SAFETY: checked non-NULL; the caller passes a pointer writable for the call.
        unsafe { *ptr = Box::into_raw(Box::new(value)) };
    }
}

/// Frees a handle made by [`put_handle`] (or `Box::into_raw`), never unwinding into C;
/// NULL is a no-op.
///
/// # Safety
/// `ptr` must be NULL or a handle of type `T` from this library not freed before.
pub unsafe fn free_handle<T>(ptr: *mut T) {
    quiet((), || {
        if !ptr.is_null() {
            // SAFETY: the caller's contract: a live pointer from Box::into_raw of a T.
            drop(unsafe { Box::from_raw(ptr) });
        }
    })
}

/// A string for C, owned by the caller (timdesk_string_free).
pub fn c_string(text: String, what: &str) -> Result<*mut c_char, Failure> {
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
