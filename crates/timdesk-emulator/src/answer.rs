//! The emulator's one error type and the two shapes it is answered in. A `/v4` endpoint
//! answers HTTP 200 with ActionStatus, ErrorCode and ErrorInfo (plus ErrorDisplay where
//! its model says) whatever the outcome, unless the network fails; the control API
//! answers a refusal with HTTP 400 and `{"error": message}`. Messages that echo a value
//! the caller sent bound it with [`echo`].

use std::fmt;

use serde_json::{Map, Value, json};

/// Why the emulator refuses a request: the documented ErrorCode and a helpful ErrorInfo.
/// Endpoints answer it as ErrorCode and ErrorInfo; the control API with
/// [`ApiError::control_answer`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// ErrorCode.
    pub code: u32,
    /// ErrorInfo (and ErrorDisplay where the endpoint has it); the control API's message.
    pub info: String,
}

/// The Desk's code for an invalid parameter, which a malformed control request also is.
pub(crate) const INVALID_PARAMETER: u32 = 141_004;

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

    /// An invalid parameter (ErrorCode 141004): a field missing or out of its rule.
    pub fn invalid(info: impl Into<String>) -> Self {
        Self::new(INVALID_PARAMETER, info)
    }

    /// The control API's answer to this refusal: HTTP 400 with `{"error": info}`.
    pub fn control_answer(&self) -> (u16, Value) {
        (400, json!({"error": self.info}))
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (ErrorCode {})", self.info, self.code)
    }
}

impl std::error::Error for ApiError {}

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

/// The most characters of a caller's value that an error message repeats.
pub(crate) const MAX_ECHO_CHARS: usize = 64;

/// `value` as an error message may repeat it: whole when it is at most
/// [`MAX_ECHO_CHARS`] characters, else its start and its length in bytes. `{}` writes it
/// bare, `{:?}` quoted (the note on the length stays outside the quotes).
pub(crate) fn echo(value: &str) -> Echo<'_> {
    Echo(value)
}

/// A caller's value, bounded for an error message (see [`echo`]).
pub(crate) struct Echo<'a>(&'a str);

impl Echo<'_> {
    /// The part shown, and whether it was cut.
    fn shown(&self) -> (&str, bool) {
        match self.0.char_indices().nth(MAX_ECHO_CHARS) {
            Some((end, _)) => (&self.0[..end], true),
            None => (self.0, false),
        }
    }

    fn cut_note(&self, f: &mut fmt::Formatter<'_>, cut: bool) -> fmt::Result {
        if cut {
            write!(f, "… ({} bytes in all)", self.0.len())
        } else {
            Ok(())
        }
    }
}

impl fmt::Display for Echo<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (shown, cut) = self.shown();
        f.write_str(shown)?;
        self.cut_note(f, cut)
    }
}

impl fmt::Debug for Echo<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (shown, cut) = self.shown();
        write!(f, "{shown:?}")?;
        self.cut_note(f, cut)
    }
}

#[cfg(test)]
mod tests {
    use super::{MAX_ECHO_CHARS, echo};

    #[test]
    fn a_short_value_is_echoed_whole_and_a_long_one_bounded() {
        assert_eq!(format!("{}", echo("abc")), "abc");
        assert_eq!(format!("{:?}", echo("a\"b")), r#""a\"b""#);
        let long = "é".repeat(1_000_000);
        let shown = format!("{:?}", echo(&long));
        assert_eq!(
            shown,
            format!("{:?}… (2000000 bytes in all)", "é".repeat(MAX_ECHO_CHARS))
        );
        assert!(format!("{}", echo(&long)).len() < 200);
    }
}
