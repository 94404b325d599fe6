//! `timdesk_msg_stream`: a reply streamed with send_stream_msg, fed chunk by chunk. The
//! sequencing (MsgKey, Finish on the last chunk, one chunk held back) is the core's.

use std::ffi::c_char;
use std::sync::{Arc, Mutex};

use crate::boundary::{self, Failure, optional_string, put_handle, put_string, string};
use crate::client::{client_ref, timdesk_client};
use crate::error::*;

/// A streamed reply under way: push chunks as they are produced, then finish it. Each
/// chunk goes out when the next one arrives, so that the last can carry Finish. Keeps
/// what it needs of its client; free with timdesk_msg_stream_free.
pub struct timdesk_msg_stream {
    /// Shared with a step that its `_start` call has under way.
    pub(crate) inner: Arc<Mutex<timdesk::BlockingMsgStream>>,
}

pub(crate) fn stream_ref<'a>(
    stream: *mut timdesk_msg_stream,
) -> Result<&'a timdesk_msg_stream, Failure> {
    // SAFETY: the caller passes NULL (refused) or a live stream.
    unsafe { stream.as_ref() }.ok_or_else(|| Failure::invalid("stream", "is NULL"))
}

/// Starts a streamed reply in `session_id`; `cloud_custom_data` (NULL for none) goes with
/// every chunk. Nothing is sent yet.
///
/// # Safety
/// Pointers must be NULL or valid as described in timdesk.h's conventions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn timdesk_msg_stream_new(
    client: *const timdesk_client,
    session_id: *const c_char,
    cloud_custom_data: *const c_char,
    out_stream: *mut *mut timdesk_msg_stream,
    err: *mut *mut timdesk_error,
) -> timdesk_status {
    boundary::run(err, || {
        let client = client_ref(client)?;
        let mut stream = client.msg_stream(string(session_id, "session_id")?);
        if let Some(data) = optional_string(cloud_custom_data, "cloud_custom_data")? {
            stream = stream.cloud_custom_data(data);
        }
        put_handle(
            out_stream,
            timdesk_msg_stream {
                inner: Arc::new(Mutex::new(stream)),
            },
        );
        Ok(())
    })
}

/// Adds `chunk` (UTF-8): sends the chunk before it, if any, and holds this one back.
///
/// # Safety
/// Pointers must be NULL or valid as described in timdesk.h's conventions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn timdesk_msg_stream_push(
    stream: *mut timdesk_msg_stream,
    chunk: *const c_char,
    err: *mut *mut timdesk_error,
) -> timdesk_status {
    boundary::run(err, || {
        let stream = stream_ref(stream)?;
        let chunk = string(chunk, "chunk")?;
        let mut inner = stream.inner.lock().unwrap_or_else(|p| p.into_inner());
        inner.push(chunk)?;
        Ok(())
    })
}

/// Sends the held chunk as the last one (Finish) and gives the message's MsgKey through
/// `*out_msg_key` (may be NULL; free with timdesk_string_free). A stream given no chunk is
/// refused before anything is sent.
///
/// # Safety
/// Pointers must be NULL or valid as described in timdesk.h's conventions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn timdesk_msg_stream_finish(
    stream: *mut timdesk_msg_stream,
    out_msg_key: *mut *mut c_char,
    err: *mut *mut timdesk_error,
) -> timdesk_status {
    boundary::run(err, || {
        let stream = stream_ref(stream)?;
        let mut inner = stream.inner.lock().unwrap_or_else(|p| p.into_inner());
        let key = inner.finish()?;
        put_string(out_msg_key, key, "MsgKey")
    })
}

/// Frees a stream (finished or not: an unfinished message stays open on the server).
/// NULL is a no-op.
///
/// # Safety
/// `stream` must be NULL or a stream from this library not freed before.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn timdesk_msg_stream_free(stream: *mut timdesk_msg_stream) {
    // SAFETY: the caller passes NULL or a handle from this library not freed before.
    unsafe { boundary::free_handle(stream) }
}
