//! The C ABI of timdesk: `include/timdesk.h` is generated from this crate by cbindgen.
//!
//! Every export runs inside `boundary::run` (or `boundary::quiet` for functions that
//! cannot fail): a panic becomes `TIMDESK_STATUS_PANIC`, never an unwind into C.
#![allow(non_camel_case_types)]

use timdesk_ffi_base::boundary;
mod callbacks;
mod client;
mod completions;
mod elements_generated;
mod error;
mod generated;
mod message_body;
mod stream;
mod usersig;

pub use callbacks::*;
pub use client::*;
pub use completions::*;
pub use elements_generated::*;
pub use error::*;
pub use generated::*;
pub use message_body::*;
pub use stream::*;
pub use usersig::*;

use std::ffi::{CString, c_char};

/// Major version of the library (also in the version string).
pub const TIMDESK_VERSION_MAJOR: u32 = 0;
/// Minor version of the library.
pub const TIMDESK_VERSION_MINOR: u32 = 1;
/// Patch version of the library.
pub const TIMDESK_VERSION_PATCH: u32 = 0;

/// The library's version, e.g. "0.1.0" (static; do not free).
#[unsafe(no_mangle)]
pub extern "C" fn timdesk_version() -> *const c_char {
    static VERSION: &std::ffi::CStr = match std::ffi::CStr::from_bytes_with_nul(
        concat!(env!("CARGO_PKG_VERSION"), "\0").as_bytes(),
    ) {
        Ok(v) => v,
        Err(_) => panic!("the version has no NUL"),
    };
    VERSION.as_ptr()
}

/// Frees a string the library returned through a `char **` out parameter. NULL is a no-op.
///
/// # Safety
/// `s` must be NULL or a string from this library not freed before.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn timdesk_string_free(s: *mut c_char) {
    boundary::quiet((), || {
        if !s.is_null() {
            // SAFETY: the caller passes a string made by CString::into_raw in this library.
            drop(unsafe { CString::from_raw(s) });
        }
    })
}
