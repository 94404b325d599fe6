//! timdesk: a client for the Tencent Cloud Chat Desk (contact-center) server API.
//!
//! - [`usersig`]: UserSig (TLSSigAPIv2) generation, decoding and verification.
#![warn(missing_docs)]

pub mod usersig;
