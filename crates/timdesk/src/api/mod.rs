//! Typed requests and answers of the endpoints in scope. Field names on the wire are the
//! server's, exactly; each request checks its arguments before anything is sent.

mod cdr;
mod contact;
mod elements;
mod message;
mod session;

/// The request and answer types generated from the endpoint models.
pub use crate::client::generated::*;
pub use cdr::{CdrPage, CdrQuery, CdrRecord, EndStatus};
pub use contact::{ContactPeer, DeleteRecentContact};
pub use elements::{Card, ContentField, ContentType, ELEMENTS, ElementType, ImageInfo, MsgElement};
pub(crate) use session::require_session_id;
pub use session::{MsgTarget, SendMsg, SentMsg, Transfer, TransferToHuman};
