//! The server's error codes: one table, used by the client to classify answers and by the
//! emulator to answer with the documented text.
//!
//! It holds every code of the Desk and recentcontact API documents and the official common
//! REST codes (60000–79999). A code not in the table keeps its number with
//! [`ErrorKind::Unknown`].

use std::fmt;

/// What kind of failure an error is: the thing callers branch on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A request argument is wrong: found by the client before sending, or by the server.
    InvalidArgument,
    /// Authentication or authorisation: the UserSig, the sdkappid, admin rights.
    Auth,
    /// The application or request is not allowed (not a Desk app, disabled, blocked IP).
    Forbidden,
    /// The session, account or resource does not exist (or the session has ended).
    NotFound,
    /// No agent is online to take the session.
    NoAgentOnline,
    /// The session cannot be transferred to a human (e.g. it already has an agent).
    NotTransferable,
    /// Too many requests; retried with backoff.
    RateLimited,
    /// The server failed internally; retried with backoff.
    Server,
    /// The connection failed or broke (refused, reset, closed without an answer).
    Network,
    /// No answer within the configured time.
    Timeout,
    /// The answer is not a valid API answer (not JSON, an HTML error page, too large, …).
    BadResponse,
    /// A server code this library does not know; its number is kept.
    Unknown,
}

impl ErrorKind {
    /// A stable snake_case name, used across the bindings (e.g. `no_agent_online`).
    pub fn name(self) -> &'static str {
        match self {
            Self::InvalidArgument => "invalid_argument",
            Self::Auth => "auth",
            Self::Forbidden => "forbidden",
            Self::NotFound => "not_found",
            Self::NoAgentOnline => "no_agent_online",
            Self::NotTransferable => "not_transferable",
            Self::RateLimited => "rate_limited",
            Self::Server => "server",
            Self::Network => "network",
            Self::Timeout => "timeout",
            Self::BadResponse => "bad_response",
            Self::Unknown => "unknown",
        }
    }

    /// Every kind, in declaration order (for bindings that mirror the list).
    pub const ALL: [ErrorKind; 12] = [
        Self::InvalidArgument,
        Self::Auth,
        Self::Forbidden,
        Self::NotFound,
        Self::NoAgentOnline,
        Self::NotTransferable,
        Self::RateLimited,
        Self::Server,
        Self::Network,
        Self::Timeout,
        Self::BadResponse,
        Self::Unknown,
    ];
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One row of the table: a server code, what it means and whether retrying may help.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CodeInfo {
    /// The server's ErrorCode.
    pub code: u32,
    /// Its kind.
    pub kind: ErrorKind,
    /// Whether the same request may succeed when sent again later.
    pub retryable: bool,
    /// The documented meaning.
    pub description: &'static str,
}

const fn row(code: u32, kind: ErrorKind, retryable: bool, description: &'static str) -> CodeInfo {
    CodeInfo {
        code,
        kind,
        retryable,
        description,
    }
}

use ErrorKind::*;

/// Every documented code, sorted by number.
pub const TABLE: &[CodeInfo] = &[
    row(
        50001,
        NotFound,
        false,
        "The requested UserID has not been imported into the Chat backend",
    ),
    row(50002, InvalidArgument, false, "Incorrect request parameter"),
    row(
        50003,
        Auth,
        false,
        "The request requires app admin permissions",
    ),
    row(
        50004,
        Server,
        true,
        "Internal server error, please try again",
    ),
    row(50005, Timeout, true, "Network timeout, try again later"),
    row(
        60002,
        InvalidArgument,
        false,
        "HTTP parsing error: check the request URL format",
    ),
    row(
        60003,
        InvalidArgument,
        false,
        "HTTP request JSON parsing error: check the JSON format",
    ),
    row(
        60004,
        Auth,
        false,
        "Account or signature error in the request URL or JSON body",
    ),
    row(
        60005,
        Auth,
        false,
        "Account or signature error in the request URL or JSON body",
    ),
    row(60006, Auth, false, "SDKAppID is invalid"),
    row(
        60007,
        RateLimited,
        true,
        "REST API call frequency exceeds the limit",
    ),
    row(
        60008,
        Server,
        true,
        "Service request timed out or the HTTP request format is wrong",
    ),
    row(
        60009,
        NotFound,
        false,
        "Requested resource error: check the request URL",
    ),
    row(
        60010,
        Auth,
        false,
        "The request requires app admin permissions",
    ),
    row(
        60011,
        RateLimited,
        true,
        "SDKAppID request frequency exceeds the limit",
    ),
    row(
        60012,
        InvalidArgument,
        false,
        "The REST API requires an SDKAppID in the request URL",
    ),
    row(60013, Server, true, "HTTP response JSON parsing error"),
    row(60014, Server, true, "Account swap timed out"),
    row(
        60015,
        InvalidArgument,
        false,
        "Wrong account type in the request body: accounts are strings",
    ),
    row(60016, Forbidden, false, "SDKAppID is disabled"),
    row(60017, Forbidden, false, "The request is disabled"),
    row(
        60018,
        RateLimited,
        true,
        "Too many requests, try again later",
    ),
    row(
        60019,
        RateLimited,
        true,
        "Too many requests, try again later",
    ),
    row(
        60020,
        Forbidden,
        false,
        "The Pro plan has expired and been disabled",
    ),
    row(
        60021,
        Forbidden,
        false,
        "The REST API call comes from a disallowed IP",
    ),
    row(70001, Auth, false, "UserSig has expired"),
    row(70003, Auth, false, "UserSig could not be parsed"),
    row(
        70009,
        Auth,
        false,
        "UserSig verification failed: generated with another key?",
    ),
    row(
        70013,
        Auth,
        false,
        "The UserID in the request differs from the one the UserSig was generated for",
    ),
    row(
        70014,
        Auth,
        false,
        "The SDKAppID in the request differs from the one the UserSig was generated for",
    ),
    row(
        70016,
        Auth,
        false,
        "Key does not exist, UserSig verification failed",
    ),
    row(
        70020,
        Auth,
        false,
        "SDKAppID does not exist, UserSig verification failed",
    ),
    row(
        70050,
        Auth,
        false,
        "UserSig verification failed too often: check it and retry in a minute",
    ),
    row(70051, Forbidden, false, "The account is blocklisted"),
    row(
        70107,
        NotFound,
        false,
        "The requested user account has not been imported",
    ),
    row(90001, InvalidArgument, false, "JSON format parsing failed"),
    row(
        90002,
        InvalidArgument,
        false,
        "MsgBody does not match the message format description, or is not an Array",
    ),
    row(
        90005,
        InvalidArgument,
        false,
        "The request body lacks MsgRandom or MsgRandom is not an Integer",
    ),
    row(
        90007,
        InvalidArgument,
        false,
        "MsgBody is not of Array type",
    ),
    row(
        90009,
        Auth,
        false,
        "The request requires app admin permissions",
    ),
    row(
        90010,
        InvalidArgument,
        false,
        "The request does not match the message format description (TIMMsgElement)",
    ),
    row(
        93000,
        InvalidArgument,
        false,
        "The JSON data packet is too long: the message body must not exceed 12 KB",
    ),
    row(
        141000,
        Forbidden,
        false,
        "The application is not a Desk application",
    ),
    row(
        141001,
        NoAgentOnline,
        false,
        "Failed to assign a live agent: no agent online",
    ),
    row(141002, Server, true, "Internal error, please retry"),
    row(
        141003,
        NotTransferable,
        false,
        "This session cannot be transferred to a human agent",
    ),
    row(141004, InvalidArgument, false, "Invalid parameter"),
    row(
        141005,
        NotFound,
        false,
        "The session does not exist or has ended",
    ),
    row(141006, InvalidArgument, false, "Illegal SessionId"),
    row(141009, RateLimited, true, "API rate limiting"),
];

/// The table row of `code`, if the code is documented.
pub fn lookup(code: u32) -> Option<&'static CodeInfo> {
    TABLE
        .binary_search_by_key(&code, |info| info.code)
        .ok()
        .map(|i| &TABLE[i])
}

/// The kind of `code` ([`ErrorKind::Unknown`] for an undocumented one).
pub fn kind_of(code: u32) -> ErrorKind {
    lookup(code).map_or(ErrorKind::Unknown, |info| info.kind)
}

/// Whether retrying a request answered with `code` may help (false for unknown codes).
pub fn is_retryable(code: u32) -> bool {
    lookup(code).is_some_and(|info| info.retryable)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_and_unique_so_lookup_finds_every_row() {
        assert!(TABLE.windows(2).all(|w| w[0].code < w[1].code));
        for info in TABLE {
            assert_eq!(lookup(info.code), Some(info));
        }
    }

    #[test]
    fn every_code_of_the_api_docs_is_classified() {
        let documented = [
            50001, 50002, 50003, 50004, 50005, 90001, 90002, 90005, 90007, 90009, 90010, 93000,
            141000, 141001, 141002, 141003, 141004, 141005, 141006, 141009,
        ];
        for code in documented {
            assert!(lookup(code).is_some(), "{code} missing");
        }
    }

    #[test]
    fn kinds_callers_branch_on() {
        assert_eq!(kind_of(141001), ErrorKind::NoAgentOnline);
        assert_eq!(kind_of(141003), ErrorKind::NotTransferable);
        assert_eq!(kind_of(141005), ErrorKind::NotFound);
        assert_eq!(kind_of(70001), ErrorKind::Auth);
        assert_eq!(kind_of(141009), ErrorKind::RateLimited);
        assert_eq!(kind_of(123456), ErrorKind::Unknown);
        assert!(is_retryable(141002) && is_retryable(141009) && is_retryable(60007));
        assert!(!is_retryable(141004) && !is_retryable(123456) && !is_retryable(70001));
    }
}
