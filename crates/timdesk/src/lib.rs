//! timdesk: a client for the Tencent Cloud Chat Desk (contact-center) server API.
//!
//! - [`usersig`]: UserSig (TLSSigAPIv2) generation, decoding and verification.
//! - [`codes`]: the server error codes, their kinds and whether they are retryable.
#![warn(missing_docs)]

pub mod codes;
pub mod usersig;

pub use codes::ErrorKind;
