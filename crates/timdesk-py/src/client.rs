//! `timdesk.Client`: the Rust client for Python, releasing the GIL during every call.

use std::sync::Arc;
use std::time::Duration;

use pyo3::exceptions::{PyRuntimeError, PyTypeError};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use timdesk::api::{
    CdrQuery, ContactPeer, DeleteRecentContact, MsgTarget, SendMsg, TransferToHuman,
};
use timdesk::{Config, Event, Target};

use crate::convert::{bounded, from_py, optional_bounded, timestamp, to_py, type_name};
use crate::elements::element;
use crate::errors::{client_error, invalid_argument};
use crate::pages::{AsyncCdrIterator, AsyncChatMessageIterator, CdrIterator, ChatMessageIterator};
use crate::runner::{Runs, done, wait};
use crate::stream::{AsyncMsgStream, MsgStream, chunks_not_one_str};
use crate::types::{CdrPage, CdrRecord, SentMsg, Transfer};

/// A client of one application's server API. Safe to share between threads: calls release
/// the GIL, and threads share one connection pool and one cached administrator UserSig.
#[pyclass(frozen, module = "timdesk._native")]
pub struct Client {
    handle: Handle,
}

/// The same client for asyncio: every method returns an awaitable, resolved from the
/// client's own I/O thread (no thread per call); cancelling it cancels the request.
/// Usable from several event loops in several threads.
#[pyclass(frozen, module = "timdesk._native")]
pub struct AsyncClient {
    handle: Handle,
}

/// What both clients hold: the core client until closed.
struct Handle {
    /// `None` once closed.
    inner: std::sync::RwLock<Option<timdesk::Client>>,
    base_url: String,
}

impl Handle {
    fn open(inner: timdesk::Client) -> Self {
        Self {
            base_url: inner.base_url().to_owned(),
            inner: std::sync::RwLock::new(Some(inner)),
        }
    }

    /// The client, or RuntimeError once closed (as httpx does).
    fn live(&self) -> PyResult<timdesk::Client> {
        self.inner
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
            .ok_or_else(|| PyRuntimeError::new_err("the client is closed"))
    }

    fn closed(&self) -> bool {
        self.inner
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .is_none()
    }

    /// Lets go of the core client; its connections and I/O thread end once calls in
    /// flight do.
    fn close(&self, py: Python<'_>) {
        let client = self.inner.write().unwrap_or_else(|p| p.into_inner()).take();
        py.detach(|| drop(client));
    }
}

impl Runs for Client {
    const AWAITS: bool = false;

    fn live(&self) -> PyResult<timdesk::Client> {
        self.handle.live()
    }
}

impl Runs for AsyncClient {
    const AWAITS: bool = true;

    fn live(&self) -> PyResult<timdesk::Client> {
        self.handle.live()
    }
}

fn seconds(value: f64, field: &str) -> PyResult<Duration> {
    if value.is_finite() && value > 0.0 && value < 1e9 {
        Ok(Duration::from_secs_f64(value))
    } else {
        Err(invalid_argument(
            field,
            "must be a positive number of seconds",
        ))
    }
}

/// Sends retries and UserSig renewals to the Python logger "timdesk".
fn logging_hook(py: Python<'_>) -> PyResult<timdesk::EventHook> {
    let logger: Py<PyAny> = py
        .import("logging")?
        .call_method1("getLogger", ("timdesk",))?
        .unbind();
    Ok(Arc::new(move |event: &Event| {
        Python::attach(|py| {
            let logger = logger.bind(py);
            let _ = match event {
                Event::Retry {
                    path,
                    attempt,
                    delay,
                    error,
                } => logger.call_method1(
                    "warning",
                    (
                        "retrying %s after attempt %d failed, in %.3f s: %s",
                        path,
                        *attempt,
                        delay.as_secs_f64(),
                        error.to_string(),
                    ),
                ),
                Event::UserSigRenewed { reason } => {
                    logger.call_method1("info", ("administrator UserSig renewed (%s)", *reason))
                }
                _ => Ok(py.None().into_bound(py)),
            };
        });
    }))
}

#[pymethods]
impl Client {
    /// A client for one application. Give `region` (china, singapore, seoul, tokyo,
    /// frankfurt, silicon-valley, jakarta, mumbai) or `endpoint` (a base URL such as the
    /// emulator's), not both. `max_requests_per_second` paces this client's requests
    /// across threads. `send_msg_retry` is "at_most_once" (default: a send_msg whose
    /// answer was lost is not repeated) or "at_least_once" (repeated; a repeat in a later
    /// second than the lost attempt delivers the message twice). `proxy` is an http://
    /// URL that requests pass through by CONNECT (with None, HTTPS_PROXY, HTTP_PROXY and
    /// NO_PROXY apply). Options left as None take the core's defaults (timeouts 10 s per
    /// attempt and 5 s to connect, TCP, proxy tunnel and TLS together; 4 attempts backing
    /// off from 0.1 s to 2 s within 15 s; a UserSig of one day).
    #[new]
    #[pyo3(signature = (*, sdkappid, secret_key, admin=None, region=None, endpoint=None, timeout=None,
        connect_timeout=None, max_attempts=None, retry_base_delay=None, retry_max_delay=None, retry_max_elapsed=None,
        usersig_ttl=None, proxy=None, ca_bundle=None, max_requests_per_second=None, send_msg_retry=None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        sdkappid: &Bound<'_, PyAny>,
        secret_key: &str,
        admin: Option<&str>,
        region: Option<&str>,
        endpoint: Option<&str>,
        timeout: Option<f64>,
        connect_timeout: Option<f64>,
        max_attempts: Option<u32>,
        retry_base_delay: Option<f64>,
        retry_max_delay: Option<f64>,
        retry_max_elapsed: Option<f64>,
        usersig_ttl: Option<u64>,
        proxy: Option<String>,
        ca_bundle: Option<&Bound<'_, PyAny>>,
        max_requests_per_second: Option<u32>,
        send_msg_retry: Option<&str>,
    ) -> PyResult<Self> {
        let mut config = Config::new(bounded(sdkappid, "sdkappid", 0, u64::MAX)?, secret_key);
        if let Some(admin) = admin {
            config.admin = admin.to_owned();
        }
        if let Some(target) =
            Target::choose(region, endpoint, "region", "endpoint").map_err(|e| client_error(&e))?
        {
            config.target = target;
        }
        if let Some(choice) = send_msg_retry {
            config.send_msg_retry = choice.parse().map_err(|e| client_error(&e))?;
        }
        config.max_requests_per_second = max_requests_per_second;
        let set = |slot: &mut Duration, value: Option<f64>, field: &str| -> PyResult<()> {
            if let Some(v) = value {
                *slot = seconds(v, field)?;
            }
            Ok(())
        };
        set(&mut config.timeout, timeout, "timeout")?;
        set(
            &mut config.connect_timeout,
            connect_timeout,
            "connect_timeout",
        )?;
        set(
            &mut config.retry.base_delay,
            retry_base_delay,
            "retry_base_delay",
        )?;
        set(
            &mut config.retry.max_delay,
            retry_max_delay,
            "retry_max_delay",
        )?;
        set(
            &mut config.retry.max_elapsed,
            retry_max_elapsed,
            "retry_max_elapsed",
        )?;
        if let Some(n) = max_attempts {
            config.retry.max_attempts = n;
        }
        if let Some(ttl) = usersig_ttl {
            config.usersig_ttl = Duration::from_secs(ttl);
        }
        config.proxy = proxy;
        config.ca_bundle = match ca_bundle {
            None => None,
            Some(b) if b.is_none() => None,
            Some(b) => Some(match b.extract::<Vec<u8>>() {
                Ok(pem) if !b.is_instance_of::<pyo3::types::PyString>() => pem,
                _ => {
                    let path: std::path::PathBuf = b.extract().map_err(|_| {
                        PyTypeError::new_err("ca_bundle must be PEM bytes or a path")
                    })?;
                    std::fs::read(&path).map_err(|e| {
                        invalid_argument(
                            "ca_bundle",
                            format!("cannot read {}: {e}", path.display()),
                        )
                    })?
                }
            }),
        };
        config.on_event = Some(logging_hook(py)?);
        Ok(Self {
            handle: Handle::open(timdesk::Client::new(config).map_err(|e| client_error(&e))?),
        })
    }

    /// A client from TIMDESK_SDKAPPID, TIMDESK_SECRET_KEY, TIMDESK_ADMIN, and
    /// TIMDESK_REGION or TIMDESK_ENDPOINT.
    #[staticmethod]
    fn from_env(py: Python<'_>) -> PyResult<Self> {
        Ok(Self {
            handle: Handle::open(client_from_env(py)?),
        })
    }

    /// Releases the connection pool and the I/O thread once calls in flight end; later
    /// calls raise RuntimeError. Idempotent.
    fn close(&self, py: Python<'_>) {
        self.handle.close(py);
    }

    fn __enter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    #[pyo3(signature = (*_exc))]
    fn __exit__(&self, py: Python<'_>, _exc: &Bound<'_, pyo3::types::PyTuple>) {
        self.close(py);
    }

    /// A reply streamed with send_stream_msg: `push(chunk)` as chunks are produced, then
    /// `finish()` for the MsgKey.
    #[pyo3(signature = (session_id, *, cloud_custom_data=None))]
    fn msg_stream(
        &self,
        session_id: String,
        cloud_custom_data: Option<String>,
    ) -> PyResult<MsgStream> {
        Ok(MsgStream::new(
            self.handle.live()?,
            session_id,
            cloud_custom_data,
        ))
    }

    /// Streams `chunks` (any iterable of str, e.g. a generator of an LLM's tokens) as one
    /// reply with send_stream_msg: each chunk is sent when the next one arrives, the last
    /// with Finish. Returns the MsgKey. No chunk is refused before sending.
    #[pyo3(signature = (session_id, chunks, *, cloud_custom_data=None))]
    fn stream_msg(
        &self,
        py: Python<'_>,
        session_id: String,
        chunks: &Bound<'_, PyAny>,
        cloud_custom_data: Option<String>,
    ) -> PyResult<String> {
        chunks_not_one_str(chunks)?;
        let mut stream = self.handle.live()?.as_async().msg_stream(session_id);
        if let Some(data) = cloud_custom_data {
            stream = stream.cloud_custom_data(data);
        }
        for (i, item) in chunks.try_iter()?.enumerate() {
            let chunk: String = item?
                .extract()
                .map_err(|_| invalid_argument(&format!("chunks[{i}]"), "must be a str"))?;
            let pending = self
                .handle
                .live()?
                .start(move |_| async move {
                    let pushed = stream.push(chunk).await;
                    Ok((stream, pushed))
                })
                .map_err(|e| client_error(&e))?;
            let (back, pushed) = wait(py, pending)?;
            stream = back;
            pushed.map_err(|e| client_error(&e))?;
        }
        let pending = self
            .handle
            .live()?
            .start(move |_| async move { stream.finish().await })
            .map_err(|e| client_error(&e))?;
        wait(py, pending)
    }

    /// Every CDR record of a window, fetched lazily a page at a time.
    #[pyo3(signature = (*, start, end, client_user_id=None))]
    fn iter_cdrs(
        &self,
        start: &Bound<'_, PyAny>,
        end: &Bound<'_, PyAny>,
        client_user_id: Option<String>,
    ) -> PyResult<CdrIterator> {
        let (start, end) = (timestamp(start, "start")?, timestamp(end, "end")?);
        let iter = self
            .handle
            .live()?
            .cdrs(start, end, client_user_id.as_deref())
            .map_err(|e| client_error(&e))?;
        Ok(CdrIterator::new(iter))
    }

    /// Every message of a session (dicts as the server sends them: FromAccount,
    /// FromAccountRole, MsgBody, Timestamp), fetched lazily a page at a time; `order` 1
    /// oldest first, 2 newest first (the server's default when None).
    #[pyo3(signature = (session_id, *, order=None))]
    fn iter_chat_messages(
        &self,
        session_id: &str,
        order: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<ChatMessageIterator> {
        let order = optional_bounded(order, "order", 0, u64::MAX)?;
        let iter = self
            .handle
            .live()?
            .chat_messages(session_id, order)
            .map_err(|e| client_error(&e))?;
        Ok(ChatMessageIterator::new(iter))
    }
}

#[pymethods]
impl AsyncClient {
    /// A client for one application, with the options of Client (all keyword arguments).
    #[new]
    #[pyo3(signature = (**options))]
    fn new(py: Python<'_>, options: Option<&Bound<'_, PyDict>>) -> PyResult<Self> {
        let client = py.get_type::<Client>().call((), options)?;
        let client = client.cast::<Client>()?;
        Ok(Self {
            handle: Handle::open(client.get().handle.live()?),
        })
    }

    /// A client from the TIMDESK_* environment variables, as Client.from_env.
    #[staticmethod]
    fn from_env(py: Python<'_>) -> PyResult<Self> {
        Ok(Self {
            handle: Handle::open(client_from_env(py)?),
        })
    }

    /// Releases the connection pool and the I/O thread once calls in flight end; later
    /// calls raise RuntimeError. Idempotent.
    fn aclose<'py>(&self, py: Python<'py>) -> PyResult<Py<PyAny>> {
        self.handle.close(py);
        done(py, py.None())
    }

    fn __aenter__(slf: Py<Self>, py: Python<'_>) -> PyResult<Py<PyAny>> {
        done(py, slf.into_any())
    }

    #[pyo3(signature = (*_exc))]
    fn __aexit__(
        &self,
        py: Python<'_>,
        _exc: &Bound<'_, pyo3::types::PyTuple>,
    ) -> PyResult<Py<PyAny>> {
        self.aclose(py)
    }

    /// A reply streamed with send_stream_msg: `await push(chunk)` as chunks are produced,
    /// then `await finish()` for the MsgKey.
    #[pyo3(signature = (session_id, *, cloud_custom_data=None))]
    fn msg_stream(
        &self,
        session_id: String,
        cloud_custom_data: Option<String>,
    ) -> PyResult<AsyncMsgStream> {
        Ok(AsyncMsgStream::new(
            self.handle.live()?,
            session_id,
            cloud_custom_data,
        ))
    }

    /// Streams `chunks` (an iterable or an async iterable of str, e.g. an LLM's tokens) as
    /// one reply with send_stream_msg, as Client.stream_msg does; returns the MsgKey.
    #[pyo3(signature = (session_id, chunks, *, cloud_custom_data=None))]
    fn stream_msg(
        &self,
        py: Python<'_>,
        session_id: String,
        chunks: &Bound<'_, PyAny>,
        cloud_custom_data: Option<String>,
    ) -> PyResult<Py<PyAny>> {
        chunks_not_one_str(chunks)?;
        let stream = Py::new(
            py,
            AsyncMsgStream::new(self.handle.live()?, session_id, cloud_custom_data),
        )?;
        let feed = py.import("timdesk._aio")?.getattr("feed")?;
        Ok(feed.call1((stream, chunks))?.unbind())
    }

    /// Every CDR record of a window, fetched lazily a page at a time: `async for`.
    #[pyo3(signature = (*, start, end, client_user_id=None))]
    fn iter_cdrs(
        &self,
        start: &Bound<'_, PyAny>,
        end: &Bound<'_, PyAny>,
        client_user_id: Option<String>,
    ) -> PyResult<AsyncCdrIterator> {
        let (start, end) = (timestamp(start, "start")?, timestamp(end, "end")?);
        let iter = self
            .handle
            .live()?
            .cdrs(start, end, client_user_id.as_deref())
            .map_err(|e| client_error(&e))?;
        Ok(AsyncCdrIterator::new(iter))
    }

    /// Every message of a session, fetched lazily a page at a time: `async for`; as
    /// Client.iter_chat_messages.
    #[pyo3(signature = (session_id, *, order=None))]
    fn iter_chat_messages(
        &self,
        session_id: &str,
        order: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<AsyncChatMessageIterator> {
        let order = optional_bounded(order, "order", 0, u64::MAX)?;
        let iter = self
            .handle
            .live()?
            .chat_messages(session_id, order)
            .map_err(|e| client_error(&e))?;
        Ok(AsyncChatMessageIterator::new(iter))
    }
}

fn client_from_env(py: Python<'_>) -> PyResult<timdesk::Client> {
    let mut config = Config::from_env().map_err(|e| client_error(&e))?;
    config.on_event = Some(logging_hook(py)?);
    timdesk::Client::new(config).map_err(|e| client_error(&e))
}

/// The methods both clients share, written once: [`Runs::dispatch`] waits (Client) or
/// returns an awaitable (AsyncClient).
macro_rules! client_methods {
    ($client:ident) => {
        #[pymethods]
        impl $client {
            /// Where requests go.
            #[getter]
            fn base_url(&self) -> String {
                self.handle.base_url.clone()
            }

            /// The options the client was made with, as the core uses them (durations in
            /// seconds; the key redacted).
            #[getter]
            fn options(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
                to_py(
                    py,
                    &serde_json::Value::Object(self.handle.live()?.as_async().options().clone()),
                )
            }

            /// Whether the client was closed.
            #[getter]
            fn closed(&self) -> bool {
                self.handle.closed()
            }

    /// Hands a session from the chatbot to a human agent. The keyword arguments are the
    /// documented fields in snake_case (`priority` 0, highest, to 9; checked before
    /// sending). `agent_id` is "" while queued or outside working hours.
    #[pyo3(signature = (session_id, *, agent_ids=Vec::new(), agent_group_id=None, send_tip_if_no_agent_online=false,
        check_if_during_working_hours=false, send_prompt_not_during_working_hours=false,
        end_session_when_no_member_online=false, disable_queuing=false, allow_assign_busy_member=false,
        priority=None, queue_timeout=None))]
    #[allow(clippy::too_many_arguments)]
    fn transfer_to_human(
        &self,
        py: Python<'_>,
        session_id: String,
        agent_ids: Vec<String>,
        agent_group_id: Option<&Bound<'_, PyAny>>,
        send_tip_if_no_agent_online: bool,
        check_if_during_working_hours: bool,
        send_prompt_not_during_working_hours: bool,
        end_session_when_no_member_online: bool,
        disable_queuing: bool,
        allow_assign_busy_member: bool,
        priority: Option<&Bound<'_, PyAny>>,
        queue_timeout: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Py<PyAny>> {
        let mut request = TransferToHuman::new(session_id);
        request.agent_ids = agent_ids;
        request.agent_group_id = optional_bounded(agent_group_id, "agent_group_id", 0, u64::MAX)?;
        request.send_tip_if_no_agent_online = send_tip_if_no_agent_online;
        request.check_if_during_working_hours = check_if_during_working_hours;
        request.send_prompt_not_during_working_hours = send_prompt_not_during_working_hours;
        request.end_session_when_no_member_online = end_session_when_no_member_online;
        request.disable_queuing = disable_queuing;
        request.allow_assign_busy_member = allow_assign_busy_member;
        request.priority =
            optional_bounded(priority, "priority", 0, u64::from(u8::MAX))?.map(|p| p as u8);
        request.queue_timeout =
            optional_bounded(queue_timeout, "queue_timeout", 0, u64::from(u32::MAX))?
                .map(|t| t as u32);
        self.dispatch(
            py,
            move |c| async move { c.transfer_to_human(&request).await },
            |py, t| {
                let transfer = Transfer {
                    agent_id: t.agent_id,
                    in_queue: t.in_queue,
                };
                Ok(Py::new(py, transfer)?.into_any())
            },
        )
    }

    /// Sends a message within a session (`session_id`), or from a customer-service account
    /// to a user (`from_account` and `to_account`). At most once unless the client was made
    /// with send_msg_retry="at_least_once".
    #[pyo3(signature = (*, body, session_id=None, from_account=None, to_account=None, msg_random=None,
        cloud_custom_data=None, exclude_from_user_resp_timeout=false))]
    #[allow(clippy::too_many_arguments)]
    fn send_msg(
        &self,
        py: Python<'_>,
        body: &Bound<'_, PyAny>,
        session_id: Option<String>,
        from_account: Option<String>,
        to_account: Option<String>,
        msg_random: Option<&Bound<'_, PyAny>>,
        cloud_custom_data: Option<String>,
        exclude_from_user_resp_timeout: bool,
    ) -> PyResult<Py<PyAny>> {
        if body.is_instance_of::<pyo3::types::PyString>() || body.is_instance_of::<PyDict>() {
            return Err(PyTypeError::new_err(format!(
                "body must be a sequence of message elements, not {}",
                type_name(body)
            )));
        }
        let elements = body
            .try_iter()
            .map_err(|_| {
                PyTypeError::new_err(format!(
                    "body must be a sequence of message elements, not {}",
                    type_name(body)
                ))
            })?
            .enumerate()
            .map(|(i, item)| element(&item?, i))
            .collect::<PyResult<Vec<_>>>()?;
        let target = MsgTarget::from_parts(session_id, from_account, to_account)
            .map_err(|e| client_error(&e))?;
        let message = SendMsg {
            target,
            msg_random: optional_bounded(msg_random, "msg_random", 0, u64::from(u32::MAX))?
                .map(|r| r as u32),
            body: elements,
            cloud_custom_data,
            exclude_from_user_resp_timeout,
        };
        self.dispatch(
            py,
            move |c| async move { c.send_msg(&message).await },
            |py, sent| {
                let sent = SentMsg {
                    msg_random: sent.msg_random,
                };
                Ok(Py::new(py, sent)?.into_any())
            },
        )
    }

    /// Ends a session that was transferred to a human.
    fn end_session(&self, py: Python<'_>, session_id: String) -> PyResult<Py<PyAny>> {
        self.dispatch(
            py,
            move |c| async move { c.end_session(&session_id).await },
            |py, ()| Ok(py.None()),
        )
    }

    /// One page of CDR records with a session time in [start, end] (int or datetime).
    #[pyo3(signature = (*, start, end, limit=None, offset=None, client_user_id=None))]
    fn describe_im_cdr_list(
        &self,
        py: Python<'_>,
        start: &Bound<'_, PyAny>,
        end: &Bound<'_, PyAny>,
        limit: Option<&Bound<'_, PyAny>>,
        offset: Option<&Bound<'_, PyAny>>,
        client_user_id: Option<String>,
    ) -> PyResult<Py<PyAny>> {
        let query = CdrQuery {
            start: timestamp(start, "start")?,
            end: timestamp(end, "end")?,
            limit: optional_bounded(limit, "limit", 0, u64::from(u32::MAX))?.map(|l| l as u32),
            offset: optional_bounded(offset, "offset", 0, u64::from(u32::MAX))?.map(|o| o as u32),
            client_user_id,
        };
        self.dispatch(
            py,
            move |c| async move { c.describe_im_cdr_list(&query).await },
            |py, page| {
                let page = CdrPage {
                    total_count: page.total_count,
                    records: page.records.into_iter().map(CdrRecord::from).collect(),
                };
                Ok(Py::new(py, page)?.into_any())
            },
        )
    }

    /// Deletes a conversation from `from_account`'s recent contacts: one-to-one with
    /// `to_account` or a group `to_group`; `clear_roaming` also deletes its messages.
    #[pyo3(signature = (*, from_account, to_account=None, to_group=None, clear_roaming=false))]
    fn delete_recent_contact(
        &self,
        py: Python<'_>,
        from_account: String,
        to_account: Option<String>,
        to_group: Option<String>,
        clear_roaming: bool,
    ) -> PyResult<Py<PyAny>> {
        let peer = ContactPeer::from_parts(to_account, to_group).map_err(|e| client_error(&e))?;
        let request = DeleteRecentContact {
            from_account,
            peer,
            clear_roaming,
        };
        self.dispatch(
            py,
            move |c| async move { c.delete_recent_contact(&request).await },
            |py, ()| Ok(py.None()),
        )
    }

    /// Any v4 endpoint: `path` is "service/command", `body` a dict; returns the answer.
    /// With `idempotent=True`, requests whose answer was lost are retried too.
    #[pyo3(signature = (path, body, *, idempotent=false))]
    fn call(
        &self,
        py: Python<'_>,
        path: String,
        body: &Bound<'_, PyAny>,
        idempotent: bool,
    ) -> PyResult<Py<PyAny>> {
        if !body.is_instance_of::<PyDict>() {
            return Err(PyTypeError::new_err(format!(
                "body must be a dict, not {}",
                type_name(body)
            )));
        }
        let body = from_py(body, "body")?;
        self.dispatch(
            py,
            move |c| async move {
                if idempotent {
                    c.call_idempotent(&path, &body).await
                } else {
                    c.call(&path, &body).await
                }
            },
            |py, answer| to_py(py, &answer),
        )
    }

    /// A modelled endpoint by name (e.g. "get_session_state"; see docs/api.md) with a dict
    /// body, checked against its model before sending and retried as its model allows.
    fn call_endpoint(
        &self,
        py: Python<'_>,
        name: String,
        body: &Bound<'_, PyAny>,
    ) -> PyResult<Py<PyAny>> {
        if !body.is_instance_of::<PyDict>() {
            return Err(PyTypeError::new_err(format!(
                "body must be a dict, not {}",
                type_name(body)
            )));
        }
        let body = from_py(body, "body")?;
        self.dispatch(
            py,
            move |c| async move { c.call_endpoint(&name, &body).await },
            |py, answer| to_py(py, &answer),
        )
    }

            fn __repr__(&self) -> String {
                format!(
                    "{}(base_url={:?})",
                    stringify!($client),
                    self.handle.base_url
                )
            }
        }
    };
}

client_methods!(Client);
client_methods!(AsyncClient);
