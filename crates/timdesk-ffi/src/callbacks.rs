//! The Desk callbacks (webhooks): the core's verifier and answers, for C/C++/Go handlers.
//! A verified callback is handed over as JSON in the core's binding shape: `command` and
//! snake_case fields (`Callback::to_value`).

use std::ffi::c_char;

use timdesk::callbacks::{self, CallbackError, Verifier};

use crate::boundary::{
    self, Failure, json, optional_string, put_handle, put_string, string, string_list,
};
use crate::error::*;

/// Checks and parses one application's callbacks; thread-safe, and it remembers the last
/// 4,096 RequestIDs to recognise retries. Free with timdesk_callback_verifier_free.
pub struct timdesk_callback_verifier {
    inner: Verifier,
}

fn refused(e: &CallbackError) -> Failure {
    Failure::other(TIMDESK_STATUS_INVALID_ARGUMENT, e.reason(), e.to_string())
}

/// A verifier of `sdkappid`'s callbacks; with a `token` (NULL for none) every callback
/// must carry a matching `Sign` and a `RequestTime` within a minute.
///
/// # Safety
/// Pointers must be NULL or valid as described in timdesk.h's conventions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn timdesk_callback_verifier_new(
    sdkappid: u64,
    token: *const c_char,
    out_verifier: *mut *mut timdesk_callback_verifier,
    err: *mut *mut timdesk_error,
) -> timdesk_status {
    boundary::run(err, || {
        let token = optional_string(token, "token")?.map(str::to_owned);
        let inner = Verifier::for_app(sdkappid, token)?;
        put_handle(out_verifier, timdesk_callback_verifier { inner });
        Ok(())
    })
}

/// Verifies a callback: the URL's query string and `body_len` bytes of body. On success
/// `*out_callback_json` receives it as JSON (`command` and snake_case fields; free with
/// timdesk_string_free). A refused callback is TIMDESK_STATUS_INVALID_ARGUMENT whose
/// timdesk_error_kind is the reason: "wrong_sdkappid", "malformed", "unknown_command",
/// "replayed" (a retry of a callback already handled: acknowledge it, do not act twice),
/// "bad_signature" or "stale".
///
/// # Safety
/// Pointers must be NULL or valid; `body` must hold `body_len` readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn timdesk_callback_verify(
    verifier: *const timdesk_callback_verifier,
    query: *const c_char,
    body: *const u8,
    body_len: usize,
    out_callback_json: *mut *mut c_char,
    err: *mut *mut timdesk_error,
) -> timdesk_status {
    boundary::run(err, || {
        // SAFETY: the caller passes NULL or a live verifier.
        let verifier =
            unsafe { verifier.as_ref() }.ok_or_else(|| Failure::invalid("verifier", "is NULL"))?;
        let query = string(query, "query")?;
        let body: &[u8] = match (body.is_null(), body_len) {
            (_, 0) => &[],
            (true, n) => {
                return Err(Failure::invalid(
                    "body",
                    format!("is NULL with a length of {n}"),
                ));
            }
            // SAFETY: the caller passes `body_len` readable bytes.
            (false, n) => unsafe { std::slice::from_raw_parts(body, n) },
        };
        let callback = verifier
            .inner
            .verify(query, body)
            .map_err(|e| refused(&e))?;
        put_string(
            out_callback_json,
            callback.to_value().to_string(),
            "the callback",
        )
    })
}

/// Frees a verifier. NULL is a no-op.
///
/// # Safety
/// `verifier` must be NULL or a verifier from this library not freed before.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn timdesk_callback_verifier_free(verifier: *mut timdesk_callback_verifier) {
    // SAFETY: the caller passes NULL or a handle from this library not freed before.
    unsafe { boundary::free_handle(verifier) }
}

/// The answer to ChatBot.OnAssignHuman as JSON: the group `agent_group_id` (negative for
/// none) and/or `agent_id_count` agents (Desk's default policy when neither). Free
/// `*out_answer_json` with timdesk_string_free.
///
/// # Safety
/// Pointers must be NULL or valid; `agent_ids` must hold `agent_id_count` strings.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn timdesk_callback_assign_human_answer(
    agent_group_id: i64,
    agent_ids: *const *const c_char,
    agent_id_count: usize,
    out_answer_json: *mut *mut c_char,
    err: *mut *mut timdesk_error,
) -> timdesk_status {
    boundary::run(err, || {
        let ids = string_list(agent_ids, agent_id_count, "agent_ids")?;
        let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
        let group = u64::try_from(agent_group_id).ok();
        let answer = callbacks::assign_human_answer(group, &ids);
        put_string(out_answer_json, answer.to_string(), "the answer")
    })
}

/// The answer to Chatbot.InterfaceInvocation as JSON, returning `variables_json` (a JSON
/// object) to the flow; with `variables_json` NULL, the acknowledgement of
/// Desk.SessionEventNotify. Free `*out_answer_json` with timdesk_string_free.
///
/// # Safety
/// Pointers must be NULL or valid as described in timdesk.h's conventions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn timdesk_callback_answer(
    variables_json: *const c_char,
    out_answer_json: *mut *mut c_char,
    err: *mut *mut timdesk_error,
) -> timdesk_status {
    boundary::run(err, || {
        let answer = if variables_json.is_null() {
            callbacks::acknowledgement()
        } else {
            let serde_json::Value::Object(variables) = json(variables_json, "variables_json")?
            else {
                return Err(Failure::invalid("variables_json", "must be a JSON object"));
            };
            callbacks::interface_invocation_answer(variables)
        };
        put_string(out_answer_json, answer.to_string(), "the answer")
    })
}
