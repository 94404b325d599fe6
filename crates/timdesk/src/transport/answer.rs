//! Reading an HTTP answer: the API's JSON object, or a failure classified by whether the
//! request may have taken effect.

use serde_json::Value;

use super::retry::Failure;
use crate::codes::ErrorKind;
use crate::error::Error;

/// The largest answer accepted; a full CDR page is a few tens of KiB.
pub const MAX_RESPONSE_BYTES: usize = 8 * 1024 * 1024;

/// Turns an HTTP answer into the API's JSON object or a classified failure.
pub(crate) fn parse(status: u16, content_type: &str, bytes: &[u8]) -> Result<Value, Failure> {
    let summary = || format!("{content_type}, {} bytes", bytes.len());
    if status != 200 {
        let error = match status {
            429 => {
                return Err(Failure::Refused(
                    Error::local(ErrorKind::RateLimited, "HTTP 429 Too Many Requests", true)
                        .with_http_status(status),
                ));
            }
            500..=599 => Error::local(
                ErrorKind::Server,
                format!("HTTP {status} from the server or a gateway ({})", summary()),
                true,
            ),
            _ => Error::local(
                ErrorKind::BadResponse,
                format!("HTTP {status} instead of 200 ({})", summary()),
                false,
            ),
        };
        let error = error.with_http_status(status);
        return Err(if status >= 500 {
            Failure::AnswerLost(error)
        } else {
            Failure::Refused(error)
        });
    }
    if bytes.len() > MAX_RESPONSE_BYTES {
        return Err(Failure::AnswerLost(Error::local(
            ErrorKind::BadResponse,
            format!("the answer exceeds {MAX_RESPONSE_BYTES} bytes"),
            false,
        )));
    }
    let value: Value = serde_json::from_slice(bytes).map_err(|e| {
        Failure::AnswerLost(Error::local(
            ErrorKind::BadResponse,
            format!("the answer is not JSON ({}): {e}", summary()),
            true,
        ))
    })?;
    let Some(code) = value.get("ErrorCode").and_then(Value::as_u64) else {
        return Err(Failure::AnswerLost(Error::local(
            ErrorKind::BadResponse,
            "the answer has no integer ErrorCode",
            false,
        )));
    };
    if code == 0 {
        return Ok(value);
    }
    let info = value.get("ErrorInfo").and_then(Value::as_str).unwrap_or("");
    let code = u32::try_from(code).unwrap_or(u32::MAX);
    Err(Failure::Refused(Error::api(code, info)))
}

/// Removes the UserSig from a message, wherever a library may have put it.
pub(crate) fn redact(text: &str, sig: &str) -> String {
    if sig.is_empty() {
        text.to_owned()
    } else {
        text.replace(sig, "<redacted>")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(r: Result<Value, Failure>) -> Error {
        match r {
            Err(Failure::Refused(e)) => e,
            _ => panic!("expected a refusal"),
        }
    }

    fn lost(r: Result<Value, Failure>) -> Error {
        match r {
            Err(Failure::AnswerLost(e)) => e,
            _ => panic!("expected a lost answer"),
        }
    }

    #[test]
    fn answers_are_classified() {
        assert!(
            parse(
                200,
                "application/json",
                br#"{"ErrorCode":0,"ActionStatus":"OK"}"#
            )
            .is_ok()
        );
        let e = refused(parse(
            200,
            "application/json",
            br#"{"ErrorCode":141001,"ErrorInfo":"none online"}"#,
        ));
        assert_eq!(
            (e.kind(), e.code(), e.message()),
            (ErrorKind::NoAgentOnline, Some(141001), "none online")
        );
        let e = lost(parse(502, "text/html", b"<html>bad gateway</html>"));
        assert_eq!((e.kind(), e.http_status()), (ErrorKind::Server, Some(502)));
        let e = lost(parse(200, "text/html", b"<html>login</html>"));
        assert_eq!(e.kind(), ErrorKind::BadResponse);
        assert!(e.message().contains("text/html"), "{e}");
        assert_eq!(
            lost(parse(200, "application/json", br#"{"ActionStatus":"OK"}"#)).kind(),
            ErrorKind::BadResponse
        );
        assert_eq!(
            lost(parse(200, "application/json", br#"{"ErrorCode":"0"}"#)).kind(),
            ErrorKind::BadResponse
        );
        assert_eq!(
            refused(parse(404, "text/plain", b"nope")).kind(),
            ErrorKind::BadResponse
        );
        assert_eq!(
            refused(parse(429, "text/plain", b"")).kind(),
            ErrorKind::RateLimited
        );
        let big = vec![b' '; MAX_RESPONSE_BYTES + 1];
        assert!(
            lost(parse(200, "application/json", &big))
                .message()
                .contains("exceeds")
        );
    }

    #[test]
    fn redaction_removes_every_copy() {
        assert_eq!(redact("a SIG b SIG", "SIG"), "a <redacted> b <redacted>");
    }
}
