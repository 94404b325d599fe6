//! The client: configuration, the typed endpoints, the CDR iterator and the generic call.

use std::ffi::c_char;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;
use timdesk::api::{
    CdrQuery, ContactPeer, DeleteRecentContact, MsgElement, MsgTarget, SendMsg, TransferToHuman,
};
use timdesk::{Config, PageIter, Paging, SendMsgRetry, Target};

use crate::boundary::{
    self, Failure, json, optional_string, put, put_handle, put_string, sized, string, string_list,
};
use crate::error::*;
use crate::message_body::timdesk_message_body;

/// What send_msg does after an attempt whose answer was lost (see the README's delivery
/// semantics): the server deduplicates MsgRandom within the same second only.
pub type timdesk_send_msg_retry = u32;
/// Never repeat it: the error says maybe_applied and names the MsgRandom (the default).
pub const TIMDESK_SEND_MSG_AT_MOST_ONCE: timdesk_send_msg_retry = 0;
/// Repeat it with the same MsgRandom: nothing is lost to a lost answer, but a repeat in a
/// later second than the lost attempt delivers the message twice.
pub const TIMDESK_SEND_MSG_AT_LEAST_ONCE: timdesk_send_msg_retry = 1;

/// How to build a client. Initialise it with TIMDESK_CONFIG_INIT (which sets `size`), then
/// set what you need: zero or NULL fields take their defaults, and fields a newer library
/// adds after `size` leave older programs working.
#[repr(C)]
pub struct timdesk_config {
    /// sizeof(timdesk_config), as set by TIMDESK_CONFIG_INIT.
    pub size: usize,
    /// The application's SDKAppID.
    pub sdkappid: u64,
    /// The application's secret key (required).
    pub secret_key: *const c_char,
    /// The administrator account; NULL for "administrator".
    pub admin: *const c_char,
    /// A region name (china, singapore, seoul, tokyo, frankfurt, silicon-valley, jakarta,
    /// mumbai); NULL for china unless `endpoint` is set.
    pub region: *const c_char,
    /// An explicit base URL (e.g. the emulator's) instead of a region; NULL for none.
    pub endpoint: *const c_char,
    /// Time allowed for one attempt, in milliseconds; 0 for 10 s.
    pub timeout_ms: u32,
    /// Time allowed to connect, in milliseconds; 0 for 5 s.
    pub connect_timeout_ms: u32,
    /// Attempts in all, the first included; 0 for 4.
    pub max_attempts: u32,
    /// Delay before the first retry, in milliseconds (it doubles); 0 for 100 ms.
    pub retry_base_delay_ms: u32,
    /// An `http://` proxy URL (requests pass through it by CONNECT tunnels); NULL to
    /// follow the standard proxy environment variables.
    pub proxy: *const c_char,
    /// Extra trusted CA certificates, PEM text; NULL for none.
    pub ca_bundle_pem: *const c_char,
    /// A client-side limit on requests per second across threads; 0 for none.
    pub max_requests_per_second: u32,
    /// What send_msg does after a lost answer; 0 (TIMDESK_SEND_MSG_AT_MOST_ONCE) by default.
    pub send_msg_retry: timdesk_send_msg_retry,
    /// The longest delay between two attempts, in milliseconds; 0 for 2 s.
    pub retry_max_delay_ms: u32,
    /// No retry starts after this long since the first attempt, in milliseconds; 0 for 15 s.
    pub retry_max_elapsed_ms: u32,
    /// Validity of the administrator UserSig the client makes, in seconds; 0 for a day.
    pub usersig_ttl_s: u32,
}

/// Options of timdesk_transfer_to_human. Initialise with TIMDESK_TRANSFER_OPTIONS_INIT
/// (which sets `size`); zero fields are the documented defaults. Pass NULL for all
/// defaults.
#[repr(C)]
pub struct timdesk_transfer_options {
    /// sizeof(timdesk_transfer_options), as set by TIMDESK_TRANSFER_OPTIONS_INIT.
    pub size: usize,
    /// AgentIdList: `agent_ids_len` agent ids, or NULL when `agent_ids_len` is 0.
    pub agent_ids: *const *const c_char,
    /// How many `agent_ids`.
    pub agent_ids_len: usize,
    /// Whether `agent_group_id` is set.
    pub has_agent_group_id: bool,
    /// AgentGroupId.
    pub agent_group_id: u64,
    /// SendTipIfNoAgentOnline.
    pub send_tip_if_no_agent_online: bool,
    /// CheckIfDuringWorkingHours.
    pub check_if_during_working_hours: bool,
    /// SendPromptNotDuringWorkingHours.
    pub send_prompt_not_during_working_hours: bool,
    /// EndSessionWhenNoMemberOnline.
    pub end_session_when_no_member_online: bool,
    /// DisableQueuing.
    pub disable_queuing: bool,
    /// AllowAssignBusyMember.
    pub allow_assign_busy_member: bool,
    /// Whether `priority` is set.
    pub has_priority: bool,
    /// Priority: lower is served first, within the model's bounds (docs/api.md), checked
    /// before sending.
    pub priority: u8,
    /// Whether `queue_timeout` is set.
    pub has_queue_timeout: bool,
    /// QueueTimeout.
    pub queue_timeout: u32,
}

/// A client of one application's server API. Safe to share between threads.
pub struct timdesk_client {
    pub(crate) inner: timdesk::Client,
}

/// Iterates over the CDR records of a time window, a page at a time (the model's largest).
pub struct timdesk_cdr_iter {
    pub(crate) inner: Walk<timdesk::CdrPages>,
}

/// Iterates over a session's messages, a page at a time (the model's largest).
pub struct timdesk_chat_message_iter {
    pub(crate) inner: Walk<timdesk::HistoryPages>,
}

/// The paged walk behind a C iterator, shared with the page fetch that its
/// `_next_page_start` call may have under way (which `busy` marks).
pub(crate) struct Walk<P: Paging> {
    pub(crate) iter: Arc<Mutex<PageIter<P>>>,
    pub(crate) busy: Arc<AtomicBool>,
}

impl<P: Paging> Walk<P> {
    fn new(iter: PageIter<P>) -> Self {
        Self {
            iter: Arc::new(Mutex::new(iter)),
            busy: Arc::new(AtomicBool::new(false)),
        }
    }

    /// Refuses a second step while a page fetch is under way: both would take the same page.
    pub(crate) fn claim(&self) -> Result<(), Failure> {
        if self.busy.swap(true, Ordering::AcqRel) {
            return Err(Failure::invalid(
                "iter",
                "has a page fetch under way (timdesk_*_iter_next_page_start): wait for its outcome",
            ));
        }
        Ok(())
    }
}

fn config_from(c: &timdesk_config) -> Result<Config, Failure> {
    let mut config = Config::new(c.sdkappid, string(c.secret_key, "secret_key")?);
    if let Some(admin) = optional_string(c.admin, "admin")? {
        config.admin = admin.to_owned();
    }
    if let Some(target) = Target::choose(
        optional_string(c.region, "region")?,
        optional_string(c.endpoint, "endpoint")?,
        "region",
        "endpoint",
    )? {
        config.target = target;
    }
    config.send_msg_retry = match c.send_msg_retry {
        TIMDESK_SEND_MSG_AT_MOST_ONCE => SendMsgRetry::AtMostOnce,
        TIMDESK_SEND_MSG_AT_LEAST_ONCE => SendMsgRetry::AtLeastOnce,
        other => {
            return Err(Failure::invalid(
                "send_msg_retry",
                format!(
                    "{other} is not TIMDESK_SEND_MSG_AT_MOST_ONCE or TIMDESK_SEND_MSG_AT_LEAST_ONCE"
                ),
            ));
        }
    };
    if c.timeout_ms > 0 {
        config.timeout = Duration::from_millis(c.timeout_ms.into());
    }
    if c.connect_timeout_ms > 0 {
        config.connect_timeout = Duration::from_millis(c.connect_timeout_ms.into());
    }
    if c.max_attempts > 0 {
        config.retry.max_attempts = c.max_attempts;
    }
    if c.retry_base_delay_ms > 0 {
        config.retry.base_delay = Duration::from_millis(c.retry_base_delay_ms.into());
    }
    if c.retry_max_delay_ms > 0 {
        config.retry.max_delay = Duration::from_millis(c.retry_max_delay_ms.into());
    }
    if c.retry_max_elapsed_ms > 0 {
        config.retry.max_elapsed = Duration::from_millis(c.retry_max_elapsed_ms.into());
    }
    config.max_requests_per_second =
        (c.max_requests_per_second > 0).then_some(c.max_requests_per_second);
    if c.usersig_ttl_s > 0 {
        config.usersig_ttl = Duration::from_secs(c.usersig_ttl_s.into());
    }
    config.proxy = optional_string(c.proxy, "proxy")?.map(str::to_owned);
    config.ca_bundle =
        optional_string(c.ca_bundle_pem, "ca_bundle_pem")?.map(|pem| pem.as_bytes().to_vec());
    Ok(config)
}

/// The client behind a handle; NULL is refused.
pub(crate) fn client_ref<'a>(
    client: *const timdesk_client,
) -> Result<&'a timdesk::Client, Failure> {
    // SAFETY: the caller passes NULL (refused) or a live client.
    unsafe { client.as_ref() }
        .map(|c| &c.inner)
        .ok_or_else(|| Failure::invalid("client", "is NULL"))
}

/// Creates a client from `config`.
///
/// # Safety
/// `config` must be NULL or point to a valid timdesk_config whose strings are NULL or
/// NUL-terminated; `out` must be NULL or writable; `err` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn timdesk_client_new(
    config: *const timdesk_config,
    out_client: *mut *mut timdesk_client,
    err: *mut *mut timdesk_error,
) -> timdesk_status {
    boundary::run(err, || {
        let config = sized(config, "config", "TIMDESK_CONFIG_INIT")?
            .ok_or_else(|| Failure::invalid("config", "is NULL"))?;
        let client = timdesk::Client::new(config_from(&config)?)?;
        put_handle(out_client, timdesk_client { inner: client });
        Ok(())
    })
}

/// Creates a client from TIMDESK_SDKAPPID, TIMDESK_SECRET_KEY, TIMDESK_ADMIN, and
/// TIMDESK_REGION or TIMDESK_ENDPOINT.
///
/// # Safety
/// `out_client` and `err` must be NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn timdesk_client_from_env(
    out_client: *mut *mut timdesk_client,
    err: *mut *mut timdesk_error,
) -> timdesk_status {
    boundary::run(err, || {
        let client = timdesk::Client::from_env()?;
        put_handle(out_client, timdesk_client { inner: client });
        Ok(())
    })
}

/// The options `client` was made with, as JSON (durations in seconds, the key redacted):
/// what the core really uses. `*out_options_json` receives it (free with
/// timdesk_string_free).
///
/// # Safety
/// Pointers must be NULL or valid as described in timdesk.h's conventions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn timdesk_client_options_json(
    client: *const timdesk_client,
    out_options_json: *mut *mut c_char,
    err: *mut *mut timdesk_error,
) -> timdesk_status {
    boundary::run(err, || {
        let client = client_ref(client)?;
        let options = Value::Object(client.as_async().options().clone());
        put_string(out_options_json, options.to_string(), "the options")
    })
}

/// How many client options the core has (each a timdesk_config field, with its unit).
#[unsafe(no_mangle)]
pub extern "C" fn timdesk_client_option_count() -> usize {
    Config::OPTIONS.len()
}

/// The name of client option `index`, e.g. "retry_max_delay" (static; do not free), or
/// NULL for an index out of range.
#[unsafe(no_mangle)]
pub extern "C" fn timdesk_client_option_at(index: usize) -> *const c_char {
    boundary::quiet(std::ptr::null(), || {
        OPTION_NAMES
            .get(index)
            .map_or(std::ptr::null(), |name| name.as_ptr())
    })
}

/// The option names as C strings, in the order of [`Config::OPTIONS`].
static OPTION_NAMES: std::sync::LazyLock<Vec<std::ffi::CString>> = std::sync::LazyLock::new(|| {
    Config::OPTIONS
        .iter()
        .map(|name| std::ffi::CString::new(*name).unwrap_or_default())
        .collect()
});

/// Frees a client. NULL is a no-op. Other threads must be done with it.
///
/// # Safety
/// `client` must be NULL or a client from this library not freed before.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn timdesk_client_free(client: *mut timdesk_client) {
    // SAFETY: the caller passes NULL or a handle from this library not freed before.
    unsafe { boundary::free_handle(client) }
}

/// desk_http_svc/transfer_to_human, with `options` (NULL for the defaults). On success
/// `*out_agent_id` (may be NULL) receives the assigned agent ("" while queued or outside
/// working hours; free with timdesk_string_free) and `*out_in_queue` (may be NULL)
/// whether the session is queued.
///
/// # Safety
/// Pointers must be NULL or valid as described in timdesk.h's conventions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn timdesk_transfer_to_human(
    client: *const timdesk_client,
    session_id: *const c_char,
    options: *const timdesk_transfer_options,
    out_agent_id: *mut *mut c_char,
    out_in_queue: *mut bool,
    err: *mut *mut timdesk_error,
) -> timdesk_status {
    boundary::run(err, || {
        let client = client_ref(client)?;
        let transfer = client.transfer_to_human(&transfer_request(session_id, options)?)?;
        put_string(out_agent_id, transfer.agent_id, "AgentId")?;
        put(out_in_queue, transfer.in_queue);
        Ok(())
    })
}

/// The request of timdesk_transfer_to_human and its `_start` twin.
pub(crate) fn transfer_request(
    session_id: *const c_char,
    options: *const timdesk_transfer_options,
) -> Result<TransferToHuman, Failure> {
    let mut request = TransferToHuman::new(string(session_id, "session_id")?);
    if let Some(o) = sized(options, "options", "TIMDESK_TRANSFER_OPTIONS_INIT")? {
        request.agent_ids = string_list(o.agent_ids, o.agent_ids_len, "agent_ids")?;
        request.agent_group_id = o.has_agent_group_id.then_some(o.agent_group_id);
        request.send_tip_if_no_agent_online = o.send_tip_if_no_agent_online;
        request.check_if_during_working_hours = o.check_if_during_working_hours;
        request.send_prompt_not_during_working_hours = o.send_prompt_not_during_working_hours;
        request.end_session_when_no_member_online = o.end_session_when_no_member_online;
        request.disable_queuing = o.disable_queuing;
        request.allow_assign_busy_member = o.allow_assign_busy_member;
        request.priority = o.has_priority.then_some(o.priority);
        request.queue_timeout = o.has_queue_timeout.then_some(o.queue_timeout);
    }
    Ok(request)
}

/// A message for timdesk_send_msg. Initialise it with TIMDESK_MESSAGE_INIT (which sets
/// `size`). Give `session_id`, or `from_account` and `to_account`; give the body as
/// `body` (built with timdesk_message_body_*) or as `msg_body_json`, not both.
#[repr(C)]
pub struct timdesk_message {
    /// sizeof(timdesk_message), as set by TIMDESK_MESSAGE_INIT.
    pub size: usize,
    /// SessionId, or NULL when sending between accounts.
    pub session_id: *const c_char,
    /// FromAccount (a customer-service account), or NULL.
    pub from_account: *const c_char,
    /// ToAccount (the user), or NULL.
    pub to_account: *const c_char,
    /// MsgBody, built element by element; NULL when `msg_body_json` is given.
    pub body: *const timdesk_message_body,
    /// MsgBody as JSON, an array of {"MsgType": ..., "MsgContent": {...}} elements (for
    /// bodies that already exist as JSON); NULL when `body` is given.
    pub msg_body_json: *const c_char,
    /// CloudCustomData, or NULL.
    pub cloud_custom_data: *const c_char,
    /// ExcludeFromUserRespTimeout.
    pub exclude_from_user_resp_timeout: bool,
    /// Whether `msg_random` is set; otherwise one is generated.
    pub has_msg_random: bool,
    /// MsgRandom, the deduplication key (kept across retries).
    pub msg_random: u32,
}

/// desk_http_svc/send_msg: at most once unless the config asks for at least once (a
/// lost answer is then an error with timdesk_error_maybe_applied, naming the MsgRandom).
/// On success `*out_msg_random` (may be NULL) receives the MsgRandom used.
///
/// # Safety
/// Pointers must be NULL or valid as described in timdesk.h's conventions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn timdesk_send_msg(
    client: *const timdesk_client,
    message: *const timdesk_message,
    out_msg_random: *mut u32,
    err: *mut *mut timdesk_error,
) -> timdesk_status {
    boundary::run(err, || {
        let client = client_ref(client)?;
        let sent = client.send_msg(&message_request(message)?)?;
        put(out_msg_random, sent.msg_random);
        Ok(())
    })
}

/// The request of timdesk_send_msg and its `_start` twin.
pub(crate) fn message_request(message: *const timdesk_message) -> Result<SendMsg, Failure> {
    let m = sized(message, "message", "TIMDESK_MESSAGE_INIT")?
        .ok_or_else(|| Failure::invalid("message", "is NULL"))?;
    // SAFETY: the caller passes NULL or a live body that no thread changes meanwhile.
    let built = unsafe { m.body.as_ref() };
    let body = match (built, m.msg_body_json.is_null()) {
        (Some(built), true) => built.elements.clone(),
        (None, false) => match json(m.msg_body_json, "msg_body_json")? {
            Value::Array(items) => items
                .into_iter()
                .map(MsgElement::from_json)
                .collect::<Result<Vec<_>, _>>()?,
            _ => {
                return Err(Failure::invalid(
                    "msg_body_json",
                    "must be a JSON array of message elements",
                ));
            }
        },
        _ => {
            return Err(Failure::invalid(
                "body",
                "give body or msg_body_json, exactly one",
            ));
        }
    };
    let target = MsgTarget::from_parts(
        optional_string(m.session_id, "session_id")?.map(str::to_owned),
        optional_string(m.from_account, "from_account")?.map(str::to_owned),
        optional_string(m.to_account, "to_account")?.map(str::to_owned),
    )?;
    Ok(SendMsg {
        target,
        msg_random: m.has_msg_random.then_some(m.msg_random),
        body,
        cloud_custom_data: optional_string(m.cloud_custom_data, "cloud_custom_data")?
            .map(str::to_owned),
        exclude_from_user_resp_timeout: m.exclude_from_user_resp_timeout,
    })
}

/// desk_http_svc/end_session.
///
/// # Safety
/// Pointers must be NULL or valid as described in timdesk.h's conventions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn timdesk_end_session(
    client: *const timdesk_client,
    session_id: *const c_char,
    err: *mut *mut timdesk_error,
) -> timdesk_status {
    boundary::run(err, || {
        let client = client_ref(client)?;
        client.end_session(string(session_id, "session_id")?)?;
        Ok(())
    })
}

/// desk_http_svc/describe_im_cdr_list: one page. `limit` 0 takes the server's default
/// (20); `client_user_id` may be NULL. On success `*out_page_json` receives
/// {"TotalCount": n, "IMCdrList": [...]} (free with timdesk_string_free).
///
/// # Safety
/// Pointers must be NULL or valid as described in timdesk.h's conventions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn timdesk_describe_im_cdr_list(
    client: *const timdesk_client,
    start: u64,
    end: u64,
    limit: u32,
    offset: u32,
    client_user_id: *const c_char,
    out_page_json: *mut *mut c_char,
    err: *mut *mut timdesk_error,
) -> timdesk_status {
    boundary::run(err, || {
        let client = client_ref(client)?;
        let query = cdr_query(start, end, limit, offset, client_user_id)?;
        let page = client.describe_im_cdr_list(&query)?;
        put_string(out_page_json, page.to_json().to_string(), "the CDR page")?;
        Ok(())
    })
}

/// The query of timdesk_describe_im_cdr_list and its `_start` twin.
pub(crate) fn cdr_query(
    start: u64,
    end: u64,
    limit: u32,
    offset: u32,
    client_user_id: *const c_char,
) -> Result<CdrQuery, Failure> {
    Ok(CdrQuery {
        start,
        end,
        limit: (limit > 0).then_some(limit),
        offset: Some(offset),
        client_user_id: optional_string(client_user_id, "client_user_id")?.map(str::to_owned),
    })
}

/// Starts iterating over every CDR record with a session time in [start, end]
/// (`client_user_id` may be NULL). Pages are fetched by timdesk_cdr_iter_next.
///
/// # Safety
/// Pointers must be NULL or valid as described in timdesk.h's conventions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn timdesk_cdr_iter_new(
    client: *const timdesk_client,
    start: u64,
    end: u64,
    client_user_id: *const c_char,
    out_iter: *mut *mut timdesk_cdr_iter,
    err: *mut *mut timdesk_error,
) -> timdesk_status {
    boundary::run(err, || {
        let client = client_ref(client)?;
        let user = optional_string(client_user_id, "client_user_id")?;
        let iter = client.cdrs(start, end, user)?;
        put_handle(
            out_iter,
            timdesk_cdr_iter {
                inner: Walk::new(iter),
            },
        );
        Ok(())
    })
}

/// The next record as JSON in `*out_record_json` (free with timdesk_string_free), or
/// TIMDESK_STATUS_DONE when there is none left; an error ends the iteration.
///
/// # Safety
/// Pointers must be NULL or valid as described in timdesk.h's conventions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn timdesk_cdr_iter_next(
    iter: *mut timdesk_cdr_iter,
    out_record_json: *mut *mut c_char,
    err: *mut *mut timdesk_error,
) -> timdesk_status {
    // SAFETY: the caller passes NULL or a live iterator.
    let iter = unsafe { iter.as_ref() }.map(|iter| &iter.inner);
    page_iter_next(iter, out_record_json, err, "the CDR record", |record| {
        record.to_json().to_string()
    })
}

/// The next item of a paged walk as JSON in `*out_json`, or TIMDESK_STATUS_DONE when
/// there is none left; an error ends the walk. `iter` None (a NULL handle) is refused.
fn page_iter_next<P: Paging>(
    walk: Option<&Walk<P>>,
    out_json: *mut *mut c_char,
    err: *mut *mut timdesk_error,
    what: &str,
    to_json: impl FnOnce(P::Item) -> String,
) -> timdesk_status {
    let mut done = false;
    let status = boundary::run(err, || {
        let walk = walk.ok_or_else(|| Failure::invalid("iter", "is NULL"))?;
        walk.claim()?;
        let next = walk.iter.lock().unwrap_or_else(|p| p.into_inner()).next();
        walk.busy.store(false, Ordering::Release);
        match next {
            None => done = true,
            Some(item) => put_string(out_json, to_json(item?), what)?,
        }
        Ok(())
    });
    if status == TIMDESK_STATUS_OK && done {
        TIMDESK_STATUS_DONE
    } else {
        status
    }
}

/// Frees an iterator. NULL is a no-op.
///
/// # Safety
/// `iter` must be NULL or an iterator from this library not freed before.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn timdesk_cdr_iter_free(iter: *mut timdesk_cdr_iter) {
    // SAFETY: the caller passes NULL or a handle from this library not freed before.
    unsafe { boundary::free_handle(iter) }
}

/// Starts iterating over every message of `session_id` (desk_http_svc/
/// describe_chat_messages, a page at a time), in `order`: 1 oldest first, 2 newest
/// first, 0 the server's default (newest first). The request is checked here, before any
/// is sent; pages are fetched by timdesk_chat_message_iter_next.
///
/// # Safety
/// Pointers must be NULL or valid as described in timdesk.h's conventions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn timdesk_chat_message_iter_new(
    client: *const timdesk_client,
    session_id: *const c_char,
    order: u32,
    out_iter: *mut *mut timdesk_chat_message_iter,
    err: *mut *mut timdesk_error,
) -> timdesk_status {
    boundary::run(err, || {
        let client = client_ref(client)?;
        let session_id = string(session_id, "session_id")?;
        let iter = client.chat_messages(session_id, (order != 0).then_some(order.into()))?;
        put_handle(
            out_iter,
            timdesk_chat_message_iter {
                inner: Walk::new(iter),
            },
        );
        Ok(())
    })
}

/// The next message as the server's JSON object (FromAccount, FromAccountRole, MsgBody,
/// Timestamp) in `*out_message_json` (free with timdesk_string_free), or
/// TIMDESK_STATUS_DONE when there is none left; an error ends the iteration.
///
/// # Safety
/// Pointers must be NULL or valid as described in timdesk.h's conventions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn timdesk_chat_message_iter_next(
    iter: *mut timdesk_chat_message_iter,
    out_message_json: *mut *mut c_char,
    err: *mut *mut timdesk_error,
) -> timdesk_status {
    // SAFETY: the caller passes NULL or a live iterator.
    let iter = unsafe { iter.as_ref() }.map(|iter| &iter.inner);
    page_iter_next(iter, out_message_json, err, "the message", |message| {
        message.to_string()
    })
}

/// Frees a message iterator. NULL is a no-op.
///
/// # Safety
/// `iter` must be NULL or an iterator from this library not freed before.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn timdesk_chat_message_iter_free(iter: *mut timdesk_chat_message_iter) {
    // SAFETY: the caller passes NULL or a handle from this library not freed before.
    unsafe { boundary::free_handle(iter) }
}

/// recentcontact/delete: removes `from_account`'s conversation with `to_account`
/// (one-to-one) or `to_group` (group): exactly one of them non-NULL.
///
/// # Safety
/// Pointers must be NULL or valid as described in timdesk.h's conventions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn timdesk_delete_recent_contact(
    client: *const timdesk_client,
    from_account: *const c_char,
    to_account: *const c_char,
    to_group: *const c_char,
    clear_roaming: bool,
    err: *mut *mut timdesk_error,
) -> timdesk_status {
    boundary::run(err, || {
        let client = client_ref(client)?;
        let request = delete_request(from_account, to_account, to_group, clear_roaming)?;
        client.delete_recent_contact(&request)?;
        Ok(())
    })
}

/// The request of timdesk_delete_recent_contact and its `_start` twin.
pub(crate) fn delete_request(
    from_account: *const c_char,
    to_account: *const c_char,
    to_group: *const c_char,
    clear_roaming: bool,
) -> Result<DeleteRecentContact, Failure> {
    let peer = ContactPeer::from_parts(
        optional_string(to_account, "to_account")?.map(str::to_owned),
        optional_string(to_group, "to_group")?.map(str::to_owned),
    )?;
    Ok(DeleteRecentContact {
        from_account: string(from_account, "from_account")?.to_owned(),
        peer,
        clear_roaming,
    })
}

/// Any v4 endpoint: `path` is "service/command", `body_json` a JSON object. On success
/// `*out_answer_json` receives the answer (free with timdesk_string_free). With
/// `idempotent`, requests whose answer was lost are retried too.
///
/// # Safety
/// Pointers must be NULL or valid as described in timdesk.h's conventions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn timdesk_call(
    client: *const timdesk_client,
    path: *const c_char,
    body_json: *const c_char,
    idempotent: bool,
    out_answer_json: *mut *mut c_char,
    err: *mut *mut timdesk_error,
) -> timdesk_status {
    boundary::run(err, || {
        let client = client_ref(client)?;
        let path = string(path, "path")?;
        let body = json(body_json, "body_json")?;
        let answer = if idempotent {
            client.call_idempotent(path, &body)?
        } else {
            client.call(path, &body)?
        };
        put_string(out_answer_json, answer.to_string(), "the answer")?;
        Ok(())
    })
}

/// A modelled endpoint by its model's name (e.g. "get_session_state", "modify_msg"; the
/// list, with every field, is in share/doc/timdesk/api.md under the install prefix) with
/// `body_json`, a JSON object: the body is checked against the model before sending (a
/// field the model does not know, a limit or a rule across fields is refused, naming the
/// field and the rule) and the model's retry rule applies. On success `*out_answer_json` receives the answer (free with
/// timdesk_string_free).
///
/// # Safety
/// Pointers must be NULL or valid as described in timdesk.h's conventions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn timdesk_call_endpoint(
    client: *const timdesk_client,
    name: *const c_char,
    body_json: *const c_char,
    out_answer_json: *mut *mut c_char,
    err: *mut *mut timdesk_error,
) -> timdesk_status {
    boundary::run(err, || {
        let client = client_ref(client)?;
        let name = string(name, "name")?;
        let body = json(body_json, "body_json")?;
        let answer = client.call_endpoint(name, &body)?;
        put_string(out_answer_json, answer.to_string(), "the answer")?;
        Ok(())
    })
}
