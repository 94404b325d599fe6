//! What the C libraries of timdesk share without exporting it: the status enum, the error
//! object, and the panic boundary with its argument and output helpers. `libtimdesk`
//! (crates/timdesk-ffi) and `libtimdesk_testing` (crates/timdesk-testing-ffi) both build on
//! it, so an error made by either is freed by `timdesk_error_free`. No `#[no_mangle]` item
//! lives here: each library exports only its own functions.
#![allow(non_camel_case_types)]
// The argument helpers take the raw pointers of an export's arguments: the export's own
// `# Safety` contract (timdesk.h's conventions) is what makes them valid, as it was when
// these helpers lived inside libtimdesk's crate.
#![allow(clippy::not_unsafe_ptr_arg_deref)]

pub mod boundary;

use std::ffi::CString;

mod status;

pub use status::*;

/// The details of a failure. Owned by the caller; free with timdesk_error_free.
pub struct timdesk_error {
    /// The status the function returned.
    pub status: timdesk_status,
    /// The kind's name (or a UserSig failure's reason).
    pub kind: CString,
    /// The server's ErrorCode, 0 when none.
    pub code: u32,
    /// The message (never holding a secret).
    pub message: CString,
    /// Whether the same request may succeed later.
    pub retryable: bool,
    /// Whether the request may have taken effect.
    pub maybe_applied: bool,
}
