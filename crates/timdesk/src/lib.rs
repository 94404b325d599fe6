//! timdesk: a client for the Tencent Cloud Chat Desk (contact-center) server API.
//!
//! - [`AsyncClient`] and [`Client`] (the same calls, blocking): the typed endpoints
//!   (transfer_to_human, send_msg, end_session, describe_im_cdr_list,
//!   recentcontact/delete) and a generic signed call for any other v4 endpoint, with
//!   error mapping and retries that never duplicate an effect. Both survive `fork()`.
//! - [`Config`]: credentials, region or base URL, timeouts, retries, proxy, extra CAs.
//! - [`usersig`]: UserSig (TLSSigAPIv2) generation, decoding and verification (the
//!   `timdesk-usersig` crate, for servers that need nothing else).
//! - [`codes`]: the server error codes, their kinds and whether they are retryable.
//! - [`callbacks`]: the Desk callbacks (webhooks), parsed and verified.
//!
//! ```no_run
//! use timdesk::{Client, Config, Region, api::{SendMsg, MsgElement}};
//! let client = Client::new(Config::new(1400000000, "secret-key").region(Region::Singapore))?;
//! client.send_msg(&SendMsg::in_session("fd8a2e30-54de-4e40-bcaf-02718409c5cf", vec![MsgElement::text("Hello")]))?;
//! # Ok::<(), timdesk::Error>(())
//! ```

pub mod api;
pub mod callbacks;
mod client;
pub mod codes;
pub mod completion;
mod config;
mod error;
mod error_kind;
pub mod model;
mod pending;
mod region;
mod transport;
pub use timdesk_usersig as usersig;

pub use client::{
    AsyncClient, BlockingMsgStream, CdrIter, CdrPages, Client, HistoryIter, HistoryPages,
    MsgStream, PageIter, Paging, Step,
};
pub use codes::ErrorKind;
pub use config::{Config, Event, EventHook, RetryPolicy, SendMsgRetry, Target};
pub use error::{Error, Result};
pub use pending::{Canceller, Pending};
pub use region::Region;
pub use transport::answer::MAX_RESPONSE_BYTES;

/// Internal parsers, exposed to the fuzz targets only (feature `fuzzing`).
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing {
    pub use crate::transport::parse_answer_for_fuzzing as parse_answer;
}
