//! [`Client`]: the typed endpoints and the generic signed call.

use std::fmt;
use std::sync::Arc;

use serde_json::Value;

use crate::api::{
    CdrPage, CdrQuery, CdrRecord, DeleteRecentContact, SendMsg, SentMsg, Transfer, TransferToHuman,
};
use crate::config::Config;
use crate::error::{Error, Result};
use crate::transport::{RetryRule, Transport, random_u32};

/// A client of one application's server API.
///
/// Cheap to clone and safe to share across threads: clones share one connection pool and
/// one cached administrator UserSig. Calls block (the client runs its own I/O threads, so
/// call it from `spawn_blocking` in async code).
#[derive(Clone)]
pub struct Client {
    transport: Arc<Transport>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.transport.base_url())
            .finish_non_exhaustive()
    }
}

/// What retrying each endpoint may do: every desk write is retried after a lost answer,
/// because a repeat is harmless or recognisable.
mod rules {
    use super::RetryRule;

    /// A repeated transfer answers 141003: the lost attempt transferred the session.
    pub const TRANSFER: RetryRule = RetryRule {
        retry_lost_answer: true,
        done_code: Some(141003),
    };
    /// send_msg keeps its MsgRandom, and the server stores a MsgRandom once per session.
    pub const SEND_MSG: RetryRule = RetryRule::IDEMPOTENT;
    /// A repeated end answers 141005: the lost attempt ended the session.
    pub const END_SESSION: RetryRule = RetryRule {
        retry_lost_answer: true,
        done_code: Some(141005),
    };
}

impl Client {
    /// A client for `config` (checked first).
    pub fn new(config: Config) -> Result<Self> {
        Ok(Self {
            transport: Arc::new(Transport::new(&config)?),
        })
    }

    /// A client configured from the environment (see [`Config::from_env`]).
    pub fn from_env() -> Result<Self> {
        Self::new(Config::from_env()?)
    }

    /// Where requests go.
    pub fn base_url(&self) -> &str {
        self.transport.base_url()
    }

    /// desk_http_svc/transfer_to_human: hands a session to a human agent.
    ///
    /// Retries: when an attempt's answer is lost and the retry answers 141003, the lost
    /// attempt transferred the session; the error then says so and
    /// [`Error::maybe_applied`] is true.
    pub fn transfer_to_human(&self, request: &TransferToHuman) -> Result<Transfer> {
        let body = request.to_body()?;
        let answer = self.transport.execute(
            "desk_http_svc/transfer_to_human",
            body.to_string().as_bytes(),
            rules::TRANSFER,
        )?;
        Ok(Transfer::from_answer(&answer))
    }

    /// desk_http_svc/send_msg: sends a message, exactly once even when retried (the
    /// MsgRandom, generated when not given, is kept across retries).
    pub fn send_msg(&self, message: &SendMsg) -> Result<SentMsg> {
        let msg_random = message.msg_random.unwrap_or_else(random_u32);
        let body = message.to_body(msg_random)?;
        self.transport
            .execute("desk_http_svc/send_msg", &body, rules::SEND_MSG)?;
        Ok(SentMsg { msg_random })
    }

    /// desk_http_svc/end_session: ends a session that was transferred to a human.
    ///
    /// Retries: when an attempt's answer is lost and the retry answers 141005 (the session
    /// has ended), the lost attempt ended it, and this returns `Ok`.
    pub fn end_session(&self, session_id: &str) -> Result<()> {
        crate::api::require_session_id(session_id)?;
        let body = serde_json::json!({"SessionId": session_id}).to_string();
        match self.transport.execute(
            "desk_http_svc/end_session",
            body.as_bytes(),
            rules::END_SESSION,
        ) {
            Err(e) if e.code() == Some(141005) && e.maybe_applied() => Ok(()),
            other => other.map(drop),
        }
    }

    /// desk_http_svc/describe_im_cdr_list: one page of CDR records.
    pub fn describe_im_cdr_list(&self, query: &CdrQuery) -> Result<CdrPage> {
        let body = query.to_body()?;
        let answer = self.transport.execute(
            "desk_http_svc/describe_im_cdr_list",
            body.to_string().as_bytes(),
            RetryRule::IDEMPOTENT,
        )?;
        Ok(CdrPage::from_answer(&answer))
    }

    /// Every CDR record with a session time in `[start, end]` (optionally of one user),
    /// fetched lazily in pages of 100.
    pub fn cdrs(&self, start: u64, end: u64, client_user_id: Option<&str>) -> CdrIter {
        CdrIter {
            client: self.clone(),
            query: CdrQuery {
                start,
                end,
                limit: Some(CdrIter::PAGE),
                offset: Some(0),
                client_user_id: client_user_id.map(str::to_owned),
            },
            buffered: Vec::new().into_iter(),
            done: false,
        }
    }

    /// recentcontact/delete: removes a conversation (and with `clear_roaming` its roaming
    /// messages). Idempotent, so retried freely.
    pub fn delete_recent_contact(&self, request: &DeleteRecentContact) -> Result<()> {
        let body = request.to_body()?;
        self.transport
            .execute(
                "recentcontact/delete",
                body.to_string().as_bytes(),
                RetryRule::IDEMPOTENT,
            )
            .map(drop)
    }

    /// Any v4 endpoint: `path` is `service/command` (e.g. `openim/admin_getroammsg`) and
    /// `body` its JSON object. Signed, answered and mapped to errors like the typed calls.
    ///
    /// As the effect of an arbitrary endpoint is unknown, a request whose answer was lost
    /// is not sent again; use [`Client::call_idempotent`] for reads and idempotent writes.
    pub fn call(&self, path: &str, body: &Value) -> Result<Value> {
        self.generic(path, body, RetryRule::CAUTIOUS)
    }

    /// Like [`Client::call`], for endpoints where repeating a request has no further
    /// effect: every transient failure is retried.
    pub fn call_idempotent(&self, path: &str, body: &Value) -> Result<Value> {
        self.generic(path, body, RetryRule::IDEMPOTENT)
    }

    fn generic(&self, path: &str, body: &Value, rule: RetryRule) -> Result<Value> {
        let path = normalize_path(path)?;
        if !body.is_object() {
            return Err(Error::invalid_argument("body", "must be a JSON object"));
        }
        self.transport
            .execute(&path, body.to_string().as_bytes(), rule)
    }
}

/// `service/command`, from any of `service/command`, `v4/service/command` or
/// `/v4/service/command`.
fn normalize_path(path: &str) -> Result<String> {
    let trimmed = path.trim_start_matches('/');
    let trimmed = trimmed.strip_prefix("v4/").unwrap_or(trimmed);
    let valid = |part: &str| {
        !part.is_empty() && part.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
    };
    match trimmed.split_once('/') {
        Some((service, command)) if valid(service) && valid(command) => Ok(trimmed.to_owned()),
        _ => Err(Error::invalid_argument(
            "path",
            format!(
                "{path:?} must be service/command, letters, digits and underscores (e.g. desk_http_svc/send_msg)"
            ),
        )),
    }
}

/// Every CDR record of a window, fetched page by page as the iteration reaches it.
/// A failed page ends the iteration after yielding its error.
#[derive(Debug)]
pub struct CdrIter {
    client: Client,
    query: CdrQuery,
    buffered: std::vec::IntoIter<CdrRecord>,
    done: bool,
}

impl CdrIter {
    /// Records per page: the server's maximum.
    pub const PAGE: u32 = 100;
}

impl Iterator for CdrIter {
    type Item = Result<CdrRecord>;

    fn next(&mut self) -> Option<Self::Item> {
        if let Some(record) = self.buffered.next() {
            return Some(Ok(record));
        }
        if self.done {
            return None;
        }
        match self.client.describe_im_cdr_list(&self.query) {
            Err(e) => {
                self.done = true;
                Some(Err(e))
            }
            Ok(page) => {
                let offset = self.query.offset.unwrap_or(0);
                let fetched = u32::try_from(page.records.len()).unwrap_or(u32::MAX);
                let next_offset = offset.saturating_add(fetched);
                self.done = fetched == 0 || u64::from(next_offset) >= page.total_count;
                self.query.offset = Some(next_offset);
                self.buffered = page.records.into_iter();
                self.buffered.next().map(Ok)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generic_paths_are_checked() {
        assert_eq!(
            normalize_path("/v4/openim/admin_getroammsg").unwrap(),
            "openim/admin_getroammsg"
        );
        assert_eq!(
            normalize_path("recentcontact/delete").unwrap(),
            "recentcontact/delete"
        );
        for bad in ["", "send_msg", "a/b/c", "a/b?x=1", "../etc/passwd", "a/"] {
            let err = normalize_path(bad).unwrap_err();
            assert!(err.to_string().contains("path"), "{bad}: {err}");
        }
    }
}
