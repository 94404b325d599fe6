//! The server's answer shape: HTTP 200 with ActionStatus, ErrorCode and ErrorInfo (plus
//! ErrorDisplay for recentcontact) whatever the outcome, unless the network fails.

use serde_json::{Map, Value};

/// An API-level failure: the documented ErrorCode and a helpful ErrorInfo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// ErrorCode.
    pub code: u32,
    /// ErrorInfo.
    pub info: String,
}

/// The longest ErrorInfo the emulator writes, in bytes (see the assumption
/// `error_info_bounded`): a request's value echoed in a message is cut to fit.
pub const MAX_ERROR_INFO_BYTES: usize = 512;

impl ApiError {
    /// A failure with `code` and `info`, bounded to [`MAX_ERROR_INFO_BYTES`].
    pub fn new(code: u32, info: impl Into<String>) -> Self {
        Self {
            code,
            info: bounded(info.into()),
        }
    }
}

/// `info` whole when short enough; else its head and tail around a note of how much was
/// left out, together at most [`MAX_ERROR_INFO_BYTES`] bytes, so that both the start of
/// an echoed value and what the message says after it remain.
fn bounded(info: String) -> String {
    if info.len() <= MAX_ERROR_INFO_BYTES {
        return info;
    }
    let keep = (MAX_ERROR_INFO_BYTES - 48) / 2;
    let head_end = (0..=keep)
        .rev()
        .find(|&i| info.is_char_boundary(i))
        .unwrap_or(0);
    let tail_start = (info.len() - keep..info.len())
        .find(|&i| info.is_char_boundary(i))
        .unwrap_or(info.len());
    format!(
        "{}… ({} bytes left out) …{}",
        &info[..head_end],
        tail_start - head_end,
        &info[tail_start..]
    )
}

/// The JSON body of an answer: `fields` added to the status fields on success.
pub fn body(result: Result<Map<String, Value>, ApiError>, with_error_display: bool) -> Value {
    let (mut map, code, info) = match result {
        Ok(fields) => (fields, 0, String::new()),
        Err(e) => (Map::new(), e.code, e.info),
    };
    map.insert(
        "ActionStatus".into(),
        if code == 0 { "OK" } else { "FAIL" }.into(),
    );
    map.insert("ErrorCode".into(), code.into());
    if with_error_display {
        map.insert(
            "ErrorDisplay".into(),
            if code == 0 { "" } else { info.as_str() }.into(),
        );
    }
    map.insert("ErrorInfo".into(), info.into());
    Value::Object(map)
}
