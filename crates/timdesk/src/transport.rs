//! Signed requests: URL and query string, the cached administrator UserSig, one HTTP
//! connection pool, answer parsing, and retries that never duplicate an effect.

use std::io::Read as _;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::codes::ErrorKind;
use crate::config::{Config, Event, EventHook, RetryPolicy, Target};
use crate::error::{Error, Result};
use crate::usersig::{Signer, unix_now};

/// The largest answer accepted; a full CDR page is a few tens of KiB.
pub const MAX_RESPONSE_BYTES: usize = 8 * 1024 * 1024;

/// What retrying a request may do, decided per endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RetryRule {
    /// Whether a request whose answer was lost (timeout, dropped connection, 5xx, garbled
    /// answer) may be sent again: true where a repeat has no further effect (reads,
    /// deletes, send_msg with its fixed MsgRandom, which the server deduplicates).
    pub retry_lost_answer: bool,
    /// An ErrorCode that, after a lost answer, means the lost attempt took effect
    /// (141003 for transfer_to_human, 141005 for end_session).
    pub done_code: Option<u32>,
}

impl RetryRule {
    /// Reads and idempotent writes: retry every transient failure.
    pub const IDEMPOTENT: Self = Self {
        retry_lost_answer: true,
        done_code: None,
    };
    /// Unknown effects (the generic call): retry only what surely was not applied.
    pub const CAUTIOUS: Self = Self {
        retry_lost_answer: false,
        done_code: None,
    };
}

/// How one attempt failed.
enum Failure {
    /// The request never reached the server (connection refused, DNS, TLS handshake).
    NotSent(Error),
    /// The server answered with an error: it did not apply the request.
    Refused(Error),
    /// Sent, but the answer was lost or unusable: it may or may not have been applied.
    AnswerLost(Error),
}

/// The administrator UserSig, made once and renewed at half its validity.
struct AdminSig {
    signer: Signer,
    admin: String,
    ttl: u64,
    cached: RwLock<Option<(Arc<str>, u64)>>,
}

impl AdminSig {
    /// The current UserSig, renewing it when it reached half its validity.
    fn current(&self, hook: Option<&EventHook>) -> Arc<str> {
        let now = unix_now();
        if let Some((sig, renew_at)) = &*self.cached.read().unwrap_or_else(|p| p.into_inner()) {
            if now < *renew_at {
                return sig.clone();
            }
        }
        let mut cached = self.cached.write().unwrap_or_else(|p| p.into_inner());
        if let Some((sig, renew_at)) = &*cached {
            if now < *renew_at {
                return sig.clone();
            }
        }
        let renewing = cached.is_some();
        let sig: Arc<str> = self
            .signer
            .generate_at(&self.admin, self.ttl, None, now)
            .into();
        *cached = Some((sig.clone(), now + self.ttl / 2));
        if renewing {
            emit(hook, &Event::UserSigRenewed { reason: "expiring" });
        }
        sig
    }

    /// Drops the cached UserSig after the server refused it.
    fn invalidate(&self) {
        *self.cached.write().unwrap_or_else(|p| p.into_inner()) = None;
    }
}

fn emit(hook: Option<&EventHook>, event: &Event) {
    if let Some(hook) = hook {
        hook(event);
    }
}

/// Spaces requests evenly at a configured rate, across threads: each request takes the
/// next free slot and sleeps until it comes.
struct Pacer {
    interval: Duration,
    next_slot: std::sync::Mutex<Instant>,
}

impl Pacer {
    fn new(per_second: u32) -> Self {
        Self {
            interval: Duration::from_secs(1) / per_second,
            next_slot: std::sync::Mutex::new(Instant::now()),
        }
    }

    /// Waits for this request's slot.
    fn wait(&self) {
        let slot = {
            let mut next = self.next_slot.lock().unwrap_or_else(|p| p.into_inner());
            let now = Instant::now();
            let slot = (*next).max(now);
            *next = slot + self.interval;
            slot
        };
        let now = Instant::now();
        if slot > now {
            std::thread::sleep(slot - now);
        }
    }
}

/// Sends signed requests for one application.
pub(crate) struct Transport {
    http: reqwest::blocking::Client,
    base_url: String,
    sdkappid: u64,
    admin_query: String,
    admin_sig: AdminSig,
    retry: RetryPolicy,
    on_event: Option<EventHook>,
    pacer: Option<Pacer>,
}

impl Transport {
    pub(crate) fn new(config: &Config) -> Result<Self> {
        config.validate()?;
        let mut builder = reqwest::blocking::Client::builder()
            .connect_timeout(config.connect_timeout)
            .timeout(config.timeout)
            .pool_idle_timeout(Duration::from_secs(60))
            .pool_max_idle_per_host(64)
            .tcp_nodelay(true)
            .user_agent(concat!("timdesk/", env!("CARGO_PKG_VERSION")));
        if matches!(config.target, Target::Region(_)) {
            builder = builder.https_only(true);
        }
        if let Some(proxy) = &config.proxy {
            let proxy = reqwest::Proxy::all(proxy.as_str())
                .map_err(|_| Error::invalid_argument("proxy", "is not a valid proxy URL"))?;
            builder = builder.proxy(proxy);
        }
        if let Some(pem) = &config.ca_bundle {
            let certs = reqwest::Certificate::from_pem_bundle(pem).map_err(|_| {
                Error::invalid_argument("ca_bundle", "is not a PEM certificate bundle")
            })?;
            if certs.is_empty() {
                return Err(Error::invalid_argument("ca_bundle", "holds no certificate"));
            }
            for cert in certs {
                builder = builder.add_root_certificate(cert);
            }
        }
        let http = builder.build().map_err(|e| {
            Error::local(
                ErrorKind::InvalidArgument,
                format!("cannot set up HTTP: {}", describe(&e)),
                false,
            )
        })?;
        Ok(Self {
            http,
            base_url: config.target.base_url(),
            sdkappid: config.sdkappid,
            admin_query: form_urlencoded::byte_serialize(config.admin.as_bytes()).collect(),
            admin_sig: AdminSig {
                signer: Signer::new(config.sdkappid, &config.secret_key),
                admin: config.admin.clone(),
                ttl: config.usersig_ttl.as_secs(),
                cached: RwLock::new(None),
            },
            retry: config.retry,
            on_event: config.on_event.clone(),
            pacer: config.max_requests_per_second.map(Pacer::new),
        })
    }

    pub(crate) fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Sends `body` to `/v4/{path}` under `rule`, returning the answer's JSON object.
    pub(crate) fn execute(&self, path: &str, body: &[u8], rule: RetryRule) -> Result<Value> {
        let started = Instant::now();
        let mut attempt = 0;
        let mut renewed = false;
        let mut lost_answer = false;
        loop {
            attempt += 1;
            let sig = self.admin_sig.current(self.on_event.as_ref());
            let failure = match self.attempt(path, body, &sig) {
                Ok(answer) => return Ok(answer),
                Err(failure) => failure,
            };
            let (error, may_retry) = match failure {
                Failure::Refused(e) if e.code() == Some(70001) && !renewed => {
                    // The server says the UserSig expired (clock skew, or a long-lived
                    // process): renew it and try once more, outside the retry budget.
                    renewed = true;
                    attempt -= 1;
                    self.admin_sig.invalidate();
                    emit(
                        self.on_event.as_ref(),
                        &Event::UserSigRenewed { reason: "rejected" },
                    );
                    continue;
                }
                Failure::Refused(e)
                    if lost_answer && e.code().is_some() && e.code() == rule.done_code =>
                {
                    return Err(e.lost_attempt_applied());
                }
                Failure::Refused(e) => {
                    let retryable = e.is_retryable();
                    (e, retryable)
                }
                Failure::NotSent(e) => (e, true),
                Failure::AnswerLost(e) => {
                    lost_answer = true;
                    (e, rule.retry_lost_answer)
                }
            };
            let error = if lost_answer {
                error.mark_maybe_applied()
            } else {
                error
            };
            let delay = self.retry.delay(attempt, jitter());
            if !may_retry
                || attempt >= self.retry.max_attempts
                || started.elapsed() + delay > self.retry.max_elapsed
            {
                return Err(error);
            }
            emit(
                self.on_event.as_ref(),
                &Event::Retry {
                    path: path.to_owned(),
                    attempt,
                    delay,
                    error,
                },
            );
            std::thread::sleep(delay);
        }
    }

    fn attempt(&self, path: &str, body: &[u8], sig: &str) -> Result<Value, Failure> {
        if let Some(pacer) = &self.pacer {
            pacer.wait();
        }
        let random = random_u32();
        let url = format!(
            "{}/v4/{path}?sdkappid={}&identifier={}&usersig={sig}&random={random}&contenttype=json",
            self.base_url, self.sdkappid, self.admin_query
        );
        let response = self
            .http
            .post(url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body.to_vec())
            .send()
            .map_err(|e| classify(e, sig))?;
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("no content type")
            .to_owned();
        let mut bytes = Vec::new();
        response
            .take(MAX_RESPONSE_BYTES as u64 + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| {
                Failure::AnswerLost(Error::local(
                    ErrorKind::Network,
                    format!("the answer broke off: {}", redact(&e.to_string(), sig)),
                    true,
                ))
            })?;
        parse_answer(status, &content_type, &bytes)
    }
}

/// Turns an HTTP answer into the API's JSON object or a classified failure.
fn parse_answer(status: u16, content_type: &str, bytes: &[u8]) -> Result<Value, Failure> {
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

/// [`parse_answer`] with the failure flattened, for the fuzz targets.
#[cfg(feature = "fuzzing")]
pub fn parse_answer_for_fuzzing(status: u16, content_type: &str, bytes: &[u8]) -> Result<Value> {
    parse_answer(status, content_type, bytes).map_err(|f| match f {
        Failure::NotSent(e) | Failure::Refused(e) | Failure::AnswerLost(e) => e,
    })
}

/// Classifies a transport error, keeping the URL (and with it the UserSig) out of it.
fn classify(e: reqwest::Error, sig: &str) -> Failure {
    let e = e.without_url();
    let text = redact(&describe(&e), sig);
    if e.is_connect() {
        let kind = if e.is_timeout() {
            ErrorKind::Timeout
        } else {
            ErrorKind::Network
        };
        return Failure::NotSent(Error::local(kind, format!("cannot connect: {text}"), true));
    }
    if e.is_timeout() {
        return Failure::AnswerLost(Error::local(
            ErrorKind::Timeout,
            format!("no answer in time: {text}"),
            true,
        ));
    }
    if e.is_builder() || e.is_request() && e.is_body() {
        return Failure::NotSent(Error::local(ErrorKind::Network, text, false));
    }
    Failure::AnswerLost(Error::local(
        ErrorKind::Network,
        format!("the connection failed: {text}"),
        true,
    ))
}

/// The error and its causes (the caller removed the URL).
fn describe(e: &reqwest::Error) -> String {
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// Removes the UserSig from a message, wherever a library may have put it.
fn redact(text: &str, sig: &str) -> String {
    if sig.is_empty() {
        text.to_owned()
    } else {
        text.replace(sig, "<redacted>")
    }
}

/// A fresh random u32 from the operating system.
pub(crate) fn random_u32() -> u32 {
    getrandom::u32().unwrap_or_else(|_| {
        // No OS randomness: a hash of the time and a counter still differs per request.
        use std::hash::{BuildHasher, Hasher};
        static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u64(COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed));
        h.finish() as u32
    })
}

fn jitter() -> f64 {
    f64::from(random_u32()) / (f64::from(u32::MAX) + 1.0)
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
            parse_answer(
                200,
                "application/json",
                br#"{"ErrorCode":0,"ActionStatus":"OK"}"#
            )
            .is_ok()
        );
        let e = refused(parse_answer(
            200,
            "application/json",
            br#"{"ErrorCode":141001,"ErrorInfo":"none online"}"#,
        ));
        assert_eq!(
            (e.kind(), e.code(), e.message()),
            (ErrorKind::NoAgentOnline, Some(141001), "none online")
        );
        let e = lost(parse_answer(502, "text/html", b"<html>bad gateway</html>"));
        assert_eq!((e.kind(), e.http_status()), (ErrorKind::Server, Some(502)));
        let e = lost(parse_answer(200, "text/html", b"<html>login</html>"));
        assert_eq!(e.kind(), ErrorKind::BadResponse);
        assert!(e.message().contains("text/html"), "{e}");
        assert_eq!(
            lost(parse_answer(
                200,
                "application/json",
                br#"{"ActionStatus":"OK"}"#
            ))
            .kind(),
            ErrorKind::BadResponse
        );
        assert_eq!(
            lost(parse_answer(
                200,
                "application/json",
                br#"{"ErrorCode":"0"}"#
            ))
            .kind(),
            ErrorKind::BadResponse
        );
        assert_eq!(
            refused(parse_answer(404, "text/plain", b"nope")).kind(),
            ErrorKind::BadResponse
        );
        assert_eq!(
            refused(parse_answer(429, "text/plain", b"")).kind(),
            ErrorKind::RateLimited
        );
        let big = vec![b' '; MAX_RESPONSE_BYTES + 1];
        assert!(
            lost(parse_answer(200, "application/json", &big))
                .message()
                .contains("exceeds")
        );
    }

    #[test]
    fn the_admin_usersig_is_cached_then_renewed_at_half_its_validity() {
        let events = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let sink = events.clone();
        let hook: EventHook =
            std::sync::Arc::new(move |e: &Event| sink.lock().unwrap().push(e.clone()));
        let admin = AdminSig {
            signer: Signer::new(1, "k"),
            admin: "administrator".into(),
            ttl: 2,
            cached: RwLock::new(None),
        };
        let first = admin.current(Some(&hook));
        assert!(
            Arc::ptr_eq(&first, &admin.current(Some(&hook))),
            "cached, not regenerated"
        );
        assert!(events.lock().unwrap().is_empty());
        std::thread::sleep(Duration::from_millis(2100));
        let renewed = admin.current(Some(&hook));
        assert_ne!(first, renewed);
        assert_eq!(
            events.lock().unwrap().as_slice(),
            [Event::UserSigRenewed { reason: "expiring" }]
        );
        let doc = Signer::new(1, "k")
            .verify(&renewed, "administrator")
            .unwrap();
        assert_eq!(doc.expire, 2);
        admin.invalidate();
        assert!(!Arc::ptr_eq(&renewed, &admin.current(None)));
    }

    #[test]
    fn redaction_removes_every_copy() {
        assert_eq!(redact("a SIG b SIG", "SIG"), "a <redacted> b <redacted>");
    }
}
