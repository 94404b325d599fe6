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

impl ApiError {
    /// A failure with `code` and `info`.
    pub fn new(code: u32, info: impl Into<String>) -> Self {
        Self {
            code,
            info: info.into(),
        }
    }
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
