//! The server's error codes: one table, used by the client to classify answers and by the
//! emulator to answer with the documented text.
//!
//! It holds every code of the Desk and recentcontact API documents and the official common
//! REST codes (60000–79999). A code not in the table keeps its number with
//! [`ErrorKind::Unknown`].

use std::fmt;

/// The kinds are declared once, with their statuses in every binding, in
/// `models/library/error_kinds.json` (see `docs/errors.md`).
pub use crate::error_kind::ErrorKind;

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One row of the table: a server code, what it means, whether retrying may help, and
/// the page that documents it.
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
    /// Where it is documented (see [`DOC_PAGES`] for the addresses).
    pub doc: &'static str,
}

/// The documentation pages the table cites, by the short name its rows use.
pub const DOC_PAGES: &[(&str, &str)] = &[
    (
        "desk-common",
        "https://cloud.tencent.com/document/product/679/131708 (Desk REST API common error codes)",
    ),
    (
        "im-errors",
        "https://cloud.tencent.com/document/product/269/1671 (IM error codes, server side)",
    ),
    (
        "transfer_to_human",
        "https://www.tencentcloud.com/document/product/1229/68820 and 679/116634",
    ),
    (
        "send_msg",
        "https://www.tencentcloud.com/document/product/1229/68821 and 679/116635",
    ),
    (
        "end_session",
        "https://www.tencentcloud.com/zh/document/product/1229/68948",
    ),
    (
        "recentcontact_delete",
        "https://cloud.tencent.com/document/product/269/62119",
    ),
    (
        "contact_user",
        "https://cloud.tencent.com/document/product/679/117593 (intl 1229/68947)",
    ),
    (
        "end_queuing",
        "https://cloud.tencent.com/document/product/269/125900",
    ),
    (
        "delete_im_agent",
        "https://cloud.tencent.com/document/product/269/111799",
    ),
    (
        "set_member_status",
        "https://cloud.tencent.com/document/product/269/124943",
    ),
];

const fn row(
    code: u32,
    kind: ErrorKind,
    retryable: bool,
    description: &'static str,
    doc: &'static str,
) -> CodeInfo {
    CodeInfo {
        code,
        kind,
        retryable,
        description,
        doc,
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
        "recentcontact_delete",
    ),
    row(
        50002,
        InvalidArgument,
        false,
        "Incorrect request parameter",
        "recentcontact_delete",
    ),
    row(
        50003,
        Auth,
        false,
        "The request requires app admin permissions",
        "recentcontact_delete",
    ),
    row(
        50004,
        Server,
        true,
        "Internal server error, please try again",
        "recentcontact_delete",
    ),
    row(
        50005,
        Timeout,
        true,
        "Network timeout, try again later",
        "recentcontact_delete",
    ),
    row(
        60002,
        InvalidArgument,
        false,
        "HTTP parsing error: check the request URL format",
        "desk-common",
    ),
    row(
        60003,
        InvalidArgument,
        false,
        "HTTP request JSON parsing error: check the JSON format",
        "desk-common",
    ),
    row(
        60004,
        Auth,
        false,
        "Account or signature error in the request URL or JSON body",
        "desk-common",
    ),
    row(
        60005,
        Auth,
        false,
        "Account or signature error in the request URL or JSON body",
        "desk-common",
    ),
    row(60006, Auth, false, "SDKAppID is invalid", "desk-common"),
    row(
        60007,
        RateLimited,
        true,
        "REST API call frequency exceeds the limit",
        "desk-common",
    ),
    row(
        60008,
        Server,
        true,
        "Service request timed out or the HTTP request format is wrong",
        "desk-common",
    ),
    row(
        60009,
        Configuration,
        false,
        "Requested resource error: check the request URL (path or host)",
        "desk-common",
    ),
    row(
        60010,
        Auth,
        false,
        "The request requires app admin permissions",
        "desk-common",
    ),
    row(
        60011,
        RateLimited,
        true,
        "SDKAppID request frequency exceeds the limit",
        "desk-common",
    ),
    row(
        60012,
        InvalidArgument,
        false,
        "The REST API requires an SDKAppID in the request URL",
        "desk-common",
    ),
    row(
        60013,
        Server,
        true,
        "HTTP response JSON parsing error",
        "desk-common",
    ),
    row(60014, Server, true, "Account swap timed out", "desk-common"),
    row(
        60015,
        InvalidArgument,
        false,
        "Wrong account type in the request body: accounts are strings",
        "desk-common",
    ),
    row(
        60016,
        Forbidden,
        false,
        "SDKAppID is disabled",
        "desk-common",
    ),
    row(
        60017,
        Forbidden,
        false,
        "The request is disabled",
        "desk-common",
    ),
    row(
        60018,
        RateLimited,
        true,
        "Too many requests, try again later",
        "desk-common",
    ),
    row(
        60019,
        RateLimited,
        true,
        "Too many requests, try again later",
        "desk-common",
    ),
    row(
        60020,
        Forbidden,
        false,
        "The Pro plan has expired and been disabled",
        "desk-common",
    ),
    row(
        60021,
        Forbidden,
        false,
        "The REST API call comes from a disallowed IP",
        "desk-common",
    ),
    row(70001, Auth, false, "UserSig has expired", "desk-common"),
    row(70002, Auth, false, "UserSig is empty", "im-errors"),
    row(
        70003,
        Auth,
        false,
        "UserSig could not be parsed",
        "desk-common",
    ),
    row(
        70009,
        Auth,
        false,
        "UserSig verification failed: generated with another key?",
        "desk-common",
    ),
    row(
        70013,
        Auth,
        false,
        "The UserID in the request differs from the one the UserSig was generated for",
        "desk-common",
    ),
    row(
        70014,
        Auth,
        false,
        "The SDKAppID in the request differs from the one the UserSig was generated for",
        "desk-common",
    ),
    row(
        70016,
        Auth,
        false,
        "Key does not exist, UserSig verification failed",
        "desk-common",
    ),
    row(
        70020,
        Auth,
        false,
        "SDKAppID does not exist, UserSig verification failed",
        "desk-common",
    ),
    row(
        70050,
        Auth,
        false,
        "UserSig verification failed too often: check it and retry in a minute",
        "desk-common",
    ),
    row(
        70051,
        Forbidden,
        false,
        "The account is blocklisted",
        "desk-common",
    ),
    row(
        70052,
        Auth,
        false,
        "UserSig has been invalidated: generate a new one",
        "im-errors",
    ),
    row(
        70107,
        NotFound,
        false,
        "The requested user account has not been imported",
        "desk-common",
    ),
    row(
        70169,
        Server,
        true,
        "Internal server timeout, try again later",
        "im-errors",
    ),
    row(
        70206,
        InvalidArgument,
        false,
        "The batch size in the request is invalid",
        "im-errors",
    ),
    row(
        70398,
        Forbidden,
        false,
        "The number of accounts exceeds the plan's limit",
        "im-errors",
    ),
    row(
        70402,
        InvalidArgument,
        false,
        "Invalid parameter: check the required fields",
        "im-errors",
    ),
    row(
        70403,
        Auth,
        false,
        "The request requires app admin permissions",
        "im-errors",
    ),
    row(
        70500,
        Server,
        true,
        "Internal server error, try again later",
        "im-errors",
    ),
    row(
        90001,
        InvalidArgument,
        false,
        "JSON format parsing failed",
        "send_msg",
    ),
    row(
        90002,
        InvalidArgument,
        false,
        "MsgBody does not match the message format description, or is not an Array",
        "send_msg",
    ),
    row(
        90005,
        InvalidArgument,
        false,
        "The request body lacks MsgRandom or MsgRandom is not an Integer",
        "send_msg",
    ),
    row(
        90007,
        InvalidArgument,
        false,
        "MsgBody is not of Array type",
        "send_msg",
    ),
    row(
        90009,
        Auth,
        false,
        "The request requires app admin permissions",
        "send_msg",
    ),
    row(
        90010,
        InvalidArgument,
        false,
        "The request does not match the message format description (TIMMsgElement)",
        "send_msg",
    ),
    row(
        93000,
        InvalidArgument,
        false,
        "The JSON data packet is too long: the message body must not exceed 12 KB",
        "send_msg",
    ),
    row(
        141000,
        Forbidden,
        false,
        "The application is not a Desk application",
        "desk-common",
    ),
    row(
        141001,
        NoAgentOnline,
        false,
        "Failed to assign a live agent: no agent online",
        "transfer_to_human",
    ),
    row(
        141002,
        Server,
        true,
        "Internal error, please retry",
        "desk-common",
    ),
    row(
        141003,
        NotTransferable,
        false,
        "This session cannot be transferred to a human agent",
        "transfer_to_human",
    ),
    row(
        141004,
        InvalidArgument,
        false,
        "Invalid parameter",
        "desk-common",
    ),
    row(
        141005,
        NotFound,
        false,
        "The session does not exist or has ended",
        "end_session",
    ),
    row(
        141006,
        InvalidArgument,
        false,
        "Illegal SessionId",
        "transfer_to_human",
    ),
    row(
        141007,
        Forbidden,
        false,
        "Listed by delete_im_agent (the default IM agent cannot be deleted); exact meaning not captured",
        "delete_im_agent",
    ),
    row(
        141008,
        Forbidden,
        false,
        "Listed by delete_im_agent (the default IM agent cannot be deleted); exact meaning not captured",
        "delete_im_agent",
    ),
    row(
        141009,
        RateLimited,
        true,
        "API rate limiting",
        "desk-common",
    ),
    row(
        141010,
        NotFound,
        false,
        "The member (agent) account does not exist",
        "set_member_status",
    ),
    row(
        141011,
        NoAgentOnline,
        false,
        "The agent is offline",
        "contact_user",
    ),
    row(
        141012,
        AgentBusy,
        false,
        "The agent has reached its maximum number of sessions",
        "contact_user",
    ),
    row(
        141013,
        Unknown,
        false,
        "Listed by contact_user; meaning not captured",
        "contact_user",
    ),
    row(
        141014,
        Unknown,
        false,
        "Listed by contact_user; meaning not captured",
        "contact_user",
    ),
    row(
        141015,
        Unknown,
        false,
        "Listed by contact_user; meaning not captured",
        "contact_user",
    ),
    row(
        141016,
        Unknown,
        false,
        "Listed by contact_user; meaning not captured",
        "contact_user",
    ),
    row(
        141017,
        Unknown,
        false,
        "Listed by contact_user; meaning not captured",
        "contact_user",
    ),
    row(
        141027,
        Unknown,
        false,
        "Listed by end_queuing; meaning not captured",
        "end_queuing",
    ),
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
    fn every_code_of_the_api_docs_is_classified_and_cites_its_page() {
        let documented = [
            50001, 50002, 50003, 50004, 50005, 70002, 70169, 70398, 70402, 70403, 70500, 90001,
            90002, 90005, 90007, 90009, 90010, 93000, 141000, 141001, 141002, 141003, 141004,
            141005, 141006, 141007, 141008, 141009, 141010, 141011, 141012, 141013, 141014, 141015,
            141016, 141017, 141027,
        ];
        for code in documented {
            assert!(lookup(code).is_some(), "{code} missing");
        }
        for info in TABLE {
            assert!(
                DOC_PAGES.iter().any(|(name, _)| *name == info.doc),
                "{} cites {:?}, which DOC_PAGES lacks",
                info.code,
                info.doc
            );
        }
    }

    #[test]
    fn kind_names_are_unique_and_every_kind_is_listed() {
        let mut names: Vec<&str> = ErrorKind::ALL.iter().map(|k| k.name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), ErrorKind::ALL.len());
        for info in TABLE {
            assert!(ErrorKind::ALL.contains(&info.kind));
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
        assert_eq!(kind_of(60009), ErrorKind::Configuration);
        assert_eq!(kind_of(141012), ErrorKind::AgentBusy);
        assert!(is_retryable(70169) && is_retryable(70500));
        assert!(is_retryable(141002) && is_retryable(141009) && is_retryable(60007));
        assert!(!is_retryable(141004) && !is_retryable(123456) && !is_retryable(70001));
    }
}
