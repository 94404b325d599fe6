//! [`Error`]: the one error type of the client.

use std::fmt;

use crate::codes::{self, ErrorKind};

/// An error from the client: a kind to branch on, the server's code and text when the
/// server answered, and whether retrying may help.
///
/// No error text contains the secret key or a UserSig.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Error {
    kind: ErrorKind,
    code: Option<u32>,
    message: String,
    http_status: Option<u16>,
    retryable: bool,
    maybe_applied: bool,
    msg_random: Option<u32>,
}

impl Error {
    /// A server answer with a non-zero ErrorCode; kind and retryability come from the table.
    pub fn api(code: u32, info: impl Into<String>) -> Self {
        Self {
            kind: codes::kind_of(code),
            code: Some(code),
            message: info.into(),
            http_status: None,
            retryable: codes::is_retryable(code),
            maybe_applied: false,
            msg_random: None,
        }
    }

    /// A request refused before sending: `field` breaks `rule`.
    pub fn invalid_argument(field: &str, rule: impl fmt::Display) -> Self {
        Self::local(
            ErrorKind::InvalidArgument,
            format!("{field}: {rule}"),
            false,
        )
    }

    /// An error found on this side (network, timeout, bad response, configuration).
    pub(crate) fn local(kind: ErrorKind, message: impl Into<String>, retryable: bool) -> Self {
        Self {
            kind,
            code: None,
            message: message.into(),
            http_status: None,
            retryable,
            maybe_applied: false,
            msg_random: None,
        }
    }

    pub(crate) fn with_http_status(mut self, status: u16) -> Self {
        self.http_status = Some(status);
        self
    }

    /// Marks an error after which the request may have taken effect: an attempt was
    /// sent and its answer lost.
    pub(crate) fn mark_maybe_applied(mut self) -> Self {
        self.maybe_applied = true;
        self
    }

    /// Names the MsgRandom of a send_msg whose outcome is unknown, so that the caller can
    /// look for the message before sending it again.
    pub(crate) fn with_msg_random(mut self, msg_random: u32) -> Self {
        self.msg_random = Some(msg_random);
        if self.maybe_applied {
            self.message = format!(
                "{} (the message, MsgRandom {msg_random}, may have been stored: check before sending it again)",
                self.message
            );
        }
        self
    }

    /// A refusal that, coming after a lost answer, shows the lost attempt took effect.
    pub(crate) fn lost_attempt_applied(mut self) -> Self {
        self.message = format!(
            "{} (an earlier attempt, whose answer was lost, most likely did it)",
            self.message
        );
        self.mark_maybe_applied()
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The server's ErrorCode, when the server answered with one.
    pub fn code(&self) -> Option<u32> {
        self.code
    }

    /// The server's ErrorInfo, or this library's description of the failure.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The HTTP status, when the answer was not HTTP 200.
    pub fn http_status(&self) -> Option<u16> {
        self.http_status
    }

    /// Whether the request may have taken effect although this error is returned: an
    /// attempt reached the server and its answer was lost. Check before doing it again.
    pub fn maybe_applied(&self) -> bool {
        self.maybe_applied
    }

    /// The MsgRandom of the send_msg that failed.
    pub fn msg_random(&self) -> Option<u32> {
        self.msg_random
    }

    /// Whether the same request may succeed later (the client already retried it within
    /// its retry policy).
    pub fn is_retryable(&self) -> bool {
        self.retryable
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.code, self.kind) {
            (Some(code), kind) => write!(f, "{} (ErrorCode {code}, {kind})", self.message),
            (None, ErrorKind::InvalidArgument) => write!(f, "invalid argument: {}", self.message),
            (None, kind) => write!(f, "{kind}: {}", self.message),
        }
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Error")
            .field("kind", &self.kind)
            .field("code", &self.code)
            .field("message", &self.message)
            .field("http_status", &self.http_status)
            .field("retryable", &self.retryable)
            .field("maybe_applied", &self.maybe_applied)
            .field("msg_random", &self.msg_random)
            .finish()
    }
}

impl std::error::Error for Error {}

/// The result type of the client.
pub type Result<T, E = Error> = std::result::Result<T, E>;
