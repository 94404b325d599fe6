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

/// The status of each client error kind, in the core's order ([`timdesk::ErrorKind::ALL`]).
pub fn status_of(kind: timdesk::ErrorKind) -> timdesk_status {
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
