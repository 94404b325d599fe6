//! [`AsyncClient`]: the typed endpoints and the generic signed call, and [`Client`], the
//! same calls blocking.
//!
//! One implementation: every call runs on the client's own I/O thread (a one-worker tokio
//! runtime, rebuilt in a forked child), so the async client works from any executor and
//! the blocking client from any thread, and a call always ends within its budget.

pub(crate) mod generated;
mod history;
mod pages;
mod stream;

pub use history::{HistoryIter, HistoryPages};
use pages::next_offset;
pub use pages::{PageIter, Paging, Step};
pub use stream::{BlockingMsgStream, MsgStream};

use std::fmt;
use std::future::Future;
use std::sync::Arc;

use serde_json::Value;

use crate::api::{
    CdrPage, CdrQuery, CdrRecord, DeleteRecentContact, SendMsg, SentMsg, Transfer, TransferToHuman,
};
use crate::config::{Config, SendMsgRetry};
use crate::error::{Error, Result};
use crate::model::{self, EndpointModel, LostAnswer};
use crate::pending::Pending;
use crate::transport::{RetryRule, Transport, random_u32};

/// What retrying an endpoint may do, from its model; for send_msg (`Ask`) the client's
/// choice decides.
fn rule(model: &EndpointModel, send_msg_retry: SendMsgRetry) -> RetryRule {
    RetryRule {
        retry_lost_answer: match model.lost_answer {
            LostAnswer::Repeat => true,
            LostAnswer::Never => false,
            LostAnswer::Ask => send_msg_retry == SendMsgRetry::AtLeastOnce,
        },
        done_code: model.done_code,
    }
}

/// A client of one application's server API, for async code.
///
/// Cheap to clone and safe to share: clones share one connection pool and one cached
/// administrator UserSig. Its futures run on the client's own I/O thread, so they work
/// under any executor; dropping one cancels its request and leaves the client usable.
#[derive(Clone)]
pub struct AsyncClient {
    inner: Arc<Inner>,
}

struct Inner {
    transport: Arc<Transport>,
    send_msg_retry: SendMsgRetry,
}

impl fmt::Debug for AsyncClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AsyncClient")
            .field("base_url", &self.base_url())
            .finish_non_exhaustive()
    }
}

impl AsyncClient {
    /// A client for `config` (checked first).
    pub fn new(config: Config) -> Result<Self> {
        Ok(Self {
            inner: Arc::new(Inner {
                transport: Transport::new(&config)?,
                send_msg_retry: config.send_msg_retry,
            }),
        })
    }

    /// A client configured from the environment (see [`Config::from_env`]).
    pub fn from_env() -> Result<Self> {
        Self::new(Config::from_env()?)
    }

    /// Where requests go.
    pub fn base_url(&self) -> &str {
        self.inner.transport.base_url()
    }

    /// The options it was made with, as [`Config::options`] reports them.
    pub fn options(&self) -> &serde_json::Map<String, Value> {
        self.inner.transport.options()
    }

    /// Sends `body` to the endpoint of `model` under its retry rule, once its size is
    /// within the model's limit.
    async fn endpoint(&self, model: &'static EndpointModel, body: Vec<u8>) -> Result<Value> {
        model.check_size(body.len())?;
        self.execute(model.path, body, rule(model, self.inner.send_msg_retry))
            .await
    }

    /// Sends `body` to `path` on the I/O thread: inline when already there, else as a
    /// task this future waits for (and cancels when dropped).
    async fn execute(&self, path: &'static str, body: Vec<u8>, rule: RetryRule) -> Result<Value> {
        let transport = self.inner.transport.clone();
        if transport.on_io_thread() {
            return transport.execute(path, body, rule).await;
        }
        let task = transport.clone();
        transport
            .spawn(async move { task.execute(path, body, rule).await })?
            .await
    }

    /// desk_http_svc/transfer_to_human: hands a session to a human agent.
    ///
    /// Retries: when an attempt's answer is lost and the retry answers 141003, the lost
    /// attempt transferred the session; the error then says so and
    /// [`Error::maybe_applied`] is true.
    pub async fn transfer_to_human(&self, request: &TransferToHuman) -> Result<Transfer> {
        let body = model::json_bytes(&request.to_body()?);
        let answer = self.endpoint(&model::TRANSFER_TO_HUMAN, body).await?;
        Ok(Transfer::from_answer(&answer))
    }

    /// desk_http_svc/send_msg: sends a message.
    ///
    /// By default at most once: after an attempt whose answer was lost the message is not
    /// sent again, and the error has [`Error::maybe_applied`] and names the MsgRandom.
    /// With [`SendMsgRetry::AtLeastOnce`] it is sent again with the same MsgRandom, which
    /// the server deduplicates within the same second only.
    pub async fn send_msg(&self, message: &SendMsg) -> Result<SentMsg> {
        let msg_random = message.msg_random.unwrap_or_else(random_u32);
        let body = message.to_body(msg_random)?;
        self.endpoint(&model::SEND_MSG, body)
            .await
            .map_err(|e| e.with_msg_random(msg_random))?;
        Ok(SentMsg { msg_random })
    }

    /// desk_http_svc/end_session: ends a session that was transferred to a human.
    ///
    /// Retries: when an attempt's answer is lost and the retry answers 141005 (the session
    /// has ended), the lost attempt ended it, and this returns `Ok`.
    pub async fn end_session(&self, session_id: &str) -> Result<()> {
        crate::api::require_session_id(session_id)?;
        let body = serde_json::json!({"SessionId": session_id}).to_string();
        match self.endpoint(&model::END_SESSION, body.into_bytes()).await {
            Err(e) if e.maybe_applied() && e.code() == model::END_SESSION.done_code => Ok(()),
            other => other.map(drop),
        }
    }

    /// desk_http_svc/describe_im_cdr_list: one page of CDR records.
    pub async fn describe_im_cdr_list(&self, query: &CdrQuery) -> Result<CdrPage> {
        let body = model::json_bytes(&query.to_body()?);
        let answer = self.endpoint(&model::DESCRIBE_IM_CDR_LIST, body).await?;
        Ok(CdrPage::from_answer(&answer))
    }

    /// recentcontact/delete: removes a conversation (and with `clear_roaming` its roaming
    /// messages). Idempotent, so retried freely.
    pub async fn delete_recent_contact(&self, request: &DeleteRecentContact) -> Result<()> {
        let body = model::json_bytes(&request.to_body()?);
        self.endpoint(&model::RECENTCONTACT_DELETE, body)
            .await
            .map(drop)
    }

    /// Any v4 endpoint: `path` is `service/command` (e.g. `openim/admin_getroammsg`) and
    /// `body` its JSON object. Signed, answered and mapped to errors like the typed calls.
    ///
    /// As the effect of an arbitrary endpoint is unknown, a request whose answer was lost
    /// is not sent again; use [`AsyncClient::call_idempotent`] for reads and idempotent
    /// writes.
    pub async fn call(&self, path: &str, body: &Value) -> Result<Value> {
        self.generic(path, body, RetryRule::CAUTIOUS).await
    }

    /// Like [`AsyncClient::call`], for endpoints where repeating a request has no further
    /// effect: every transient failure is retried.
    pub async fn call_idempotent(&self, path: &str, body: &Value) -> Result<Value> {
        self.generic(path, body, RetryRule::IDEMPOTENT).await
    }

    /// A modelled endpoint by its model's name (e.g. `get_session_state`; see
    /// [`model::ENDPOINTS`]) with a JSON object body: the body is checked against the model
    /// before sending (a field the model does not know is refused by name, as are the
    /// model's field limits, its rules across fields and its size), and the model's retry
    /// rule applies, as for the typed calls. This is how bindings without a typed method
    /// reach every modelled endpoint.
    pub async fn call_endpoint(&self, name: &str, body: &Value) -> Result<Value> {
        let Some(model) = model::by_name(name) else {
            let known: Vec<&str> = model::ENDPOINTS.iter().map(|e| e.name).collect();
            return Err(Error::invalid_argument(
                "endpoint",
                format!(
                    "{name:?} is not a modelled endpoint (one of {})",
                    known.join(", ")
                ),
            ));
        };
        let Value::Object(map) = body else {
            return Err(Error::invalid_argument("body", "must be a JSON object"));
        };
        model.check_known(map)?;
        model.check_body(map)?;
        self.endpoint(model, model::json_bytes(body)).await
    }

    async fn generic(&self, path: &str, body: &Value, rule: RetryRule) -> Result<Value> {
        let path = normalize_path(path)?;
        if !body.is_object() {
            return Err(Error::invalid_argument("body", "must be a JSON object"));
        }
        let body = model::json_bytes(body);
        let transport = self.inner.transport.clone();
        let task = transport.clone();
        transport
            .spawn(async move { task.execute(&path, body, rule).await })?
            .await
    }
}

/// A client of one application's server API whose calls block.
///
/// A facade over [`AsyncClient`]: cheap to clone and safe to share across threads. A call
/// ends within its budget (attempts × timeout, bounded by the retry policy) whatever
/// happens; [`Client::start`] runs one that the caller can cancel. A client made before
/// `fork()` works in the child: the first call there builds the child's own I/O thread
/// and connection pool.
#[derive(Clone)]
pub struct Client {
    inner: AsyncClient,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.base_url())
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A client for `config` (checked first).
    pub fn new(config: Config) -> Result<Self> {
        Ok(Self {
            inner: AsyncClient::new(config)?,
        })
    }

    /// A client configured from the environment (see [`Config::from_env`]).
    pub fn from_env() -> Result<Self> {
        Self::new(Config::from_env()?)
    }

    /// Where requests go.
    pub fn base_url(&self) -> &str {
        self.inner.base_url()
    }

    /// The async client sharing this client's connections and UserSig.
    pub fn as_async(&self) -> &AsyncClient {
        &self.inner
    }

    /// Starts `call` on the I/O thread and returns at once: wait for it with
    /// [`Pending::wait`] or in slices with [`Pending::wait_for`], or cancel it.
    pub fn start<T, F, Fut>(&self, call: F) -> Result<Pending<T>>
    where
        T: Send + 'static,
        F: FnOnce(AsyncClient) -> Fut,
        Fut: Future<Output = Result<T>> + Send + 'static,
    {
        self.inner.inner.transport.spawn(call(self.inner.clone()))
    }

    fn block<T, F, Fut>(&self, call: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(AsyncClient) -> Fut,
        Fut: Future<Output = Result<T>> + Send + 'static,
    {
        self.start(call)?.wait()
    }

    /// desk_http_svc/transfer_to_human; see [`AsyncClient::transfer_to_human`].
    pub fn transfer_to_human(&self, request: &TransferToHuman) -> Result<Transfer> {
        let request = request.clone();
        self.block(|c| async move { c.transfer_to_human(&request).await })
    }

    /// desk_http_svc/send_msg; see [`AsyncClient::send_msg`].
    pub fn send_msg(&self, message: &SendMsg) -> Result<SentMsg> {
        let message = message.clone();
        self.block(|c| async move { c.send_msg(&message).await })
    }

    /// desk_http_svc/end_session; see [`AsyncClient::end_session`].
    pub fn end_session(&self, session_id: &str) -> Result<()> {
        let session_id = session_id.to_owned();
        self.block(|c| async move { c.end_session(&session_id).await })
    }

    /// desk_http_svc/describe_im_cdr_list; see [`AsyncClient::describe_im_cdr_list`].
    pub fn describe_im_cdr_list(&self, query: &CdrQuery) -> Result<CdrPage> {
        let query = query.clone();
        self.block(|c| async move { c.describe_im_cdr_list(&query).await })
    }

    /// recentcontact/delete; see [`AsyncClient::delete_recent_contact`].
    pub fn delete_recent_contact(&self, request: &DeleteRecentContact) -> Result<()> {
        let request = request.clone();
        self.block(|c| async move { c.delete_recent_contact(&request).await })
    }

    /// Any v4 endpoint; see [`AsyncClient::call`].
    pub fn call(&self, path: &str, body: &Value) -> Result<Value> {
        let (path, body) = (path.to_owned(), body.clone());
        self.block(|c| async move { c.call(&path, &body).await })
    }

    /// A modelled endpoint by name, checked against its model; see
    /// [`AsyncClient::call_endpoint`].
    pub fn call_endpoint(&self, name: &str, body: &Value) -> Result<Value> {
        let (name, body) = (name.to_owned(), body.clone());
        self.block(|c| async move { c.call_endpoint(&name, &body).await })
    }

    /// Any idempotent v4 endpoint; see [`AsyncClient::call_idempotent`].
    pub fn call_idempotent(&self, path: &str, body: &Value) -> Result<Value> {
        let (path, body) = (path.to_owned(), body.clone());
        self.block(|c| async move { c.call_idempotent(&path, &body).await })
    }

    /// Every CDR record with a session time in `[start, end]` (optionally of one user),
    /// fetched lazily a page at a time. A window whose start is after its end is refused
    /// here, before any request.
    pub fn cdrs(&self, start: u64, end: u64, client_user_id: Option<&str>) -> Result<CdrIter> {
        Ok(PageIter::new(
            self.clone(),
            self.as_async().cdr_pages(start, end, client_user_id)?,
        ))
    }
}

impl AsyncClient {
    /// The pages of CDR records of `[start, end]`, a page of [`Paging::page_size`] at a time,
    /// walked through [`Paging`]. The window is checked here, before any request.
    pub fn cdr_pages(
        &self,
        start: u64,
        end: u64,
        client_user_id: Option<&str>,
    ) -> Result<CdrPages> {
        let query = CdrQuery {
            start,
            end,
            limit: Some(u32::try_from(CdrPages::page_size()).unwrap_or(u32::MAX)),
            offset: Some(0),
            client_user_id: client_user_id.map(str::to_owned),
        };
        query.check_window()?;
        Ok(CdrPages { query, done: false })
    }
}

/// Where a walk over the CDR pages of a window stands: the paging rule, once, for the
/// blocking iterator and the bindings' async ones.
#[derive(Debug, Clone)]
pub struct CdrPages {
    query: CdrQuery,
    done: bool,
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
pub type CdrIter = PageIter<CdrPages>;

impl Paging for CdrPages {
    type Request = CdrQuery;
    type Page = CdrPage;
    type Item = CdrRecord;

    fn model() -> &'static EndpointModel {
        &crate::model::DESCRIBE_IM_CDR_LIST
    }

    fn next_request(&self) -> Option<CdrQuery> {
        (!self.done).then(|| self.query.clone())
    }

    fn advance(&mut self, page: &CdrPage) {
        let offset = u64::from(self.query.offset.unwrap_or(0));
        let (next, done) = next_offset(offset, page.records.len(), page.total_count);
        self.query.offset = Some(u32::try_from(next).unwrap_or(u32::MAX));
        self.done = done;
    }

    fn stop(&mut self) {
        self.done = true;
    }

    fn into_items(page: CdrPage) -> Vec<CdrRecord> {
        page.records
    }

    async fn fetch(client: AsyncClient, query: CdrQuery) -> Result<CdrPage> {
        client.describe_im_cdr_list(&query).await
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

    #[test]
    fn walks_ask_for_pages_of_the_models_maximum_from_offset_0() {
        let client = Client::new(Config::new(1, "k").base_url("http://127.0.0.1:9")).unwrap();
        let limit = |model: &EndpointModel| {
            let paging = model.paging.expect("a paged model");
            let max = model.field(paging.limit).and_then(|f| f.max).unwrap();
            u64::try_from(max).unwrap()
        };
        let cdrs = client.as_async().cdr_pages(0, 1, None).unwrap();
        let first = cdrs.next_request().unwrap();
        assert_eq!(
            (first.limit.map(u64::from), first.offset),
            (Some(limit(&model::DESCRIBE_IM_CDR_LIST)), Some(0))
        );
        let history = client.as_async().history_pages("s", None).unwrap();
        let first = history.next_request().unwrap();
        assert_eq!(
            (first.limit, first.offset),
            (Some(limit(&model::DESCRIBE_CHAT_MESSAGES)), Some(0))
        );
    }

    #[test]
    fn retry_rules_come_from_the_models() {
        let send = &model::SEND_MSG;
        assert!(!rule(send, SendMsgRetry::AtMostOnce).retry_lost_answer);
        assert!(rule(send, SendMsgRetry::AtLeastOnce).retry_lost_answer);
        let transfer = rule(&model::TRANSFER_TO_HUMAN, SendMsgRetry::AtMostOnce);
        assert_eq!(
            (transfer.retry_lost_answer, transfer.done_code),
            (true, Some(141003))
        );
        let end = rule(&model::END_SESSION, SendMsgRetry::AtMostOnce);
        assert_eq!(end.done_code, Some(141005));
        assert!(rule(&model::DESCRIBE_IM_CDR_LIST, SendMsgRetry::AtMostOnce).retry_lost_answer);
    }

    #[test]
    fn a_call_ends_within_its_budget_when_the_io_thread_is_stuck() {
        use std::time::{Duration, Instant};
        let config = Config::new(1, "k")
            .base_url("http://127.0.0.1:9")
            .timeout(Duration::from_millis(300))
            .retry(crate::RetryPolicy::none());
        let budget = config.call_budget();
        let client = Client::new(config).unwrap();
        // Occupy the one I/O worker so that nothing else, timers included, runs there.
        let (release, stuck) = std::sync::mpsc::channel::<()>();
        let wedge = client
            .start(|_| async move {
                let _ = stuck.recv();
                Ok(())
            })
            .unwrap();
        let started = Instant::now();
        let err = client.call("a/b", &serde_json::json!({})).unwrap_err();
        let took = started.elapsed();
        assert_eq!(err.kind(), crate::ErrorKind::Timeout, "{err}");
        assert!(err.message().contains("budget"), "{err}");
        assert!(
            took >= budget && took < budget + Duration::from_secs(2),
            "{took:?} vs {budget:?}"
        );
        release.send(()).unwrap();
        drop(wedge);
        let err = client.call("a/b", &serde_json::json!({})).unwrap_err();
        assert_eq!(err.kind(), crate::ErrorKind::Network, "usable again: {err}");
    }
}
