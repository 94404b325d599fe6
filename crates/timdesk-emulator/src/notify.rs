//! The emulator's callbacks to the app: Desk.SessionEventNotify, POSTed to the callback
//! URL a test set through the control API, one at a time in the order the events happened,
//! on a thread of their own so that no endpoint waits for the app, and redelivered with
//! the same RequestID while the app does not acknowledge (see the assumption
//! `callback_retries`); and ChatBot.OnAssignHuman, asked synchronously by a transfer when
//! the test chose business-server allocation (the assumption `assign_human`).

use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};

use crate::answer::ApiError;

/// How long one delivery may take (connect, write, read the answer).
const DELIVERY_TIMEOUT: Duration = Duration::from_secs(5);

/// The most of an answer that is read.
const MAX_ANSWER_BYTES: u64 = 64 * 1024;

/// How events are delivered.
#[derive(Debug, Clone)]
pub(crate) struct Policy {
    /// Deliveries after the first while the app does not acknowledge.
    pub retries: u32,
    /// The wait before the first redelivery; it doubles.
    pub retry_delay: Duration,
    /// Whether transfers ask the app for the agents (ChatBot.OnAssignHuman).
    pub assign_human: bool,
}

impl Default for Policy {
    fn default() -> Self {
        Self {
            retries: 2,
            retry_delay: Duration::from_secs(1),
            assign_human: false,
        }
    }
}

/// Where callbacks go, and what became of each (a clone shares them).
#[derive(Debug, Clone)]
pub(crate) struct Notifier {
    events: Sender<Value>,
    app: Arc<App>,
    /// Whether transfers ask the app for the agents.
    pub assign_human: bool,
}

/// The app's side: where it listens, and the delivery log.
#[derive(Debug)]
struct App {
    target: Target,
    sdkappid: u64,
    log: Arc<Mutex<Vec<Value>>>,
    requests: AtomicU64,
}

impl App {
    fn next_request_id(&self) -> String {
        let n = self.requests.fetch_add(1, Ordering::Relaxed);
        format!("emulator-{}-{n}", std::process::id())
    }

    /// One POST of `body` for `command`; whether the app acknowledged it, and its answer.
    fn deliver(
        &self,
        command: &str,
        request_id: &str,
        body: &Value,
        attempt: u32,
    ) -> Option<Value> {
        let separator = if self.target.path.contains('?') {
            '&'
        } else {
            '?'
        };
        let path = format!(
            "{}{separator}SdkAppid={}&CallbackCommand={command}&contenttype=json&ClientIP=127.0.0.1&OptPlatform=RESTAPI&RequestID={request_id}",
            self.target.path, self.sdkappid
        );
        let outcome = post(&self.target.host, &path, &body.to_string());
        let mut entry = json!({
            "request_id": request_id,
            "command": command,
            "event": body["Event"],
            "session_id": body["SessionId"],
            "attempt": attempt,
        });
        let answer = match outcome {
            Ok((status, answer)) => {
                entry["status"] = json!(status);
                let answer: Option<Value> = serde_json::from_slice(&answer).ok();
                let acknowledged = status == 200
                    && answer.as_ref().is_some_and(|a| {
                        a["ActionStatus"] == "OK" && a["ErrorCode"].as_u64() == Some(0)
                    });
                entry["acknowledged"] = json!(acknowledged);
                answer.filter(|_| acknowledged)
            }
            Err(e) => {
                entry["error"] = json!(e);
                entry["acknowledged"] = json!(false);
                None
            }
        };
        self.log
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(entry);
        answer
    }
}

impl Notifier {
    /// Starts delivering to `url` (`http://host:port/path`) for `sdkappid`; every attempt
    /// is appended to `log`.
    pub fn start(
        url: &str,
        sdkappid: u64,
        log: Arc<Mutex<Vec<Value>>>,
        policy: Policy,
    ) -> Result<Self, ApiError> {
        let app = Arc::new(App {
            target: Target::parse(url)?,
            sdkappid,
            log,
            requests: AtomicU64::new(0),
        });
        let (events, received) = channel();
        let deliverer = Arc::clone(&app);
        let assign_human = policy.assign_human;
        std::thread::Builder::new()
            .name("timdesk-emulator-callbacks".into())
            .spawn(move || deliver_all(&deliverer, &received, &policy))
            .map_err(|e| {
                ApiError::new(141_002, format!("cannot start the callback thread: {e}"))
            })?;
        Ok(Self {
            events,
            app,
            assign_human,
        })
    }

    /// Queues a SessionEventNotify body.
    pub fn send(&self, body: Value) {
        // The thread ends only when this sender is dropped.
        let _ = self.events.send(body);
    }

    /// Asks the app which agents take `session_id` (ChatBot.OnAssignHuman), once: the
    /// app's acknowledged answer, or None.
    pub fn ask_assign_human(
        &self,
        session_id: &str,
        client_user_id: &str,
        now_ms: u64,
    ) -> Option<Value> {
        let body = json!({
            "CallbackCommand": "ChatBot.OnAssignHuman",
            "SessionId": session_id,
            "ClientUserId": client_user_id,
            "EventTime": now_ms,
        });
        let request_id = self.app.next_request_id();
        self.app
            .deliver("ChatBot.OnAssignHuman", &request_id, &body, 1)
    }
}

#[derive(Debug)]
struct Target {
    host: String,
    path: String,
}

impl Target {
    fn parse(url: &str) -> Result<Self, ApiError> {
        let rest = url.strip_prefix("http://").ok_or_else(|| {
            ApiError::invalid("url must start with http:// (the emulator calls back without TLS)")
        })?;
        let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        if host.is_empty() {
            return Err(ApiError::invalid("url has no host"));
        }
        let path = if path.is_empty() { "/" } else { path };
        Ok(Self {
            host: host.to_owned(),
            path: path.to_owned(),
        })
    }
}

fn deliver_all(app: &App, events: &Receiver<Value>, policy: &Policy) {
    for body in events.iter() {
        let request_id = app.next_request_id();
        let mut delay = policy.retry_delay;
        for attempt in 1..=policy.retries + 1 {
            if app
                .deliver("Desk.SessionEventNotify", &request_id, &body, attempt)
                .is_some()
            {
                break;
            }
            if attempt <= policy.retries {
                std::thread::sleep(delay);
                delay = delay.saturating_mul(2);
            }
        }
    }
}

/// One HTTP/1.1 POST; the answer's status code and body.
fn post(host: &str, path: &str, body: &str) -> Result<(u16, Vec<u8>), String> {
    let address = host
        .to_socket_addrs()
        .map_err(|e| format!("cannot resolve {host}: {e}"))?
        .next()
        .ok_or_else(|| format!("{host} has no address"))?;
    let mut stream = TcpStream::connect_timeout(&address, DELIVERY_TIMEOUT)
        .map_err(|e| format!("cannot connect to {host}: {e}"))?;
    stream
        .set_read_timeout(Some(DELIVERY_TIMEOUT))
        .and_then(|()| stream.set_write_timeout(Some(DELIVERY_TIMEOUT)))
        .map_err(|e| e.to_string())?;
    let request = format!(
        "POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream
        .write_all(request.as_bytes())
        .map_err(|e| format!("cannot send to {host}: {e}"))?;
    let mut answer = Vec::new();
    stream
        .take(MAX_ANSWER_BYTES)
        .read_to_end(&mut answer)
        .map_err(|e| format!("no answer from {host}: {e}"))?;
    let status = answer
        .get(9..12)
        .and_then(|code| std::str::from_utf8(code).ok())
        .and_then(|code| code.parse().ok())
        .filter(|_| answer.starts_with(b"HTTP/1."))
        .ok_or_else(|| format!("{host} did not answer HTTP"))?;
    let body = answer
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|at| answer[at + 4..].to_vec())
        .unwrap_or_default();
    Ok((status, decode_chunked(body)))
}

/// The body of a `Transfer-Encoding: chunked` answer, or `body` as it is when it is not
/// chunked (a JSON body starts with `{`).
fn decode_chunked(body: Vec<u8>) -> Vec<u8> {
    if body.first() == Some(&b'{') {
        return body;
    }
    let mut out = Vec::new();
    let mut rest = body.as_slice();
    while let Some(line_end) = rest.windows(2).position(|w| w == b"\r\n") {
        let size = std::str::from_utf8(&rest[..line_end])
            .ok()
            .and_then(|s| usize::from_str_radix(s.split(';').next().unwrap_or("").trim(), 16).ok());
        let Some(size) = size.filter(|&s| s > 0) else {
            break;
        };
        let start = line_end + 2;
        let Some(chunk) = rest.get(start..start + size) else {
            break;
        };
        out.extend_from_slice(chunk);
        rest = rest.get(start + size + 2..).unwrap_or_default();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::decode_chunked;

    #[test]
    fn chunked_answers_are_decoded_and_plain_ones_kept() {
        assert_eq!(decode_chunked(b"{\"a\":1}".to_vec()), b"{\"a\":1}");
        assert_eq!(
            decode_chunked(b"4\r\n{\"a\"\r\n3\r\n:1}\r\n0\r\n\r\n".to_vec()),
            b"{\"a\":1}"
        );
    }
}
