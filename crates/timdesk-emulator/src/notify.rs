//! Desk.SessionEventNotify from the emulator: the events the docs name, POSTed to the
//! callback URL a test set through the control API, one at a time in the order they
//! happened, on a thread of their own so that no endpoint waits for the app.

use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};

/// How long one delivery may take (connect, write, read the status line).
const DELIVERY_TIMEOUT: Duration = Duration::from_secs(5);

/// Where events go, and what became of each.
#[derive(Debug)]
pub(crate) struct Notifier {
    events: Sender<Value>,
}

impl Notifier {
    /// Starts delivering to `url` (`http://host:port/path`) for `sdkappid`; every attempt
    /// is appended to `log`.
    pub fn start(url: &str, sdkappid: u64, log: Arc<Mutex<Vec<Value>>>) -> Result<Self, String> {
        let target = Target::parse(url)?;
        let (events, received) = channel();
        std::thread::Builder::new()
            .name("timdesk-emulator-callbacks".into())
            .spawn(move || deliver_all(&target, sdkappid, &received, &log))
            .map_err(|e| format!("cannot start the callback thread: {e}"))?;
        Ok(Self { events })
    }

    /// Queues a SessionEventNotify body.
    pub fn send(&self, body: Value) {
        // The thread ends only when this sender is dropped.
        let _ = self.events.send(body);
    }
}

#[derive(Debug)]
struct Target {
    host: String,
    path: String,
}

impl Target {
    fn parse(url: &str) -> Result<Self, String> {
        let rest = url
            .strip_prefix("http://")
            .ok_or("url must start with http:// (the emulator calls back without TLS)")?;
        let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        if host.is_empty() {
            return Err("url has no host".into());
        }
        let path = if path.is_empty() { "/" } else { path };
        Ok(Self {
            host: host.to_owned(),
            path: path.to_owned(),
        })
    }
}

fn deliver_all(target: &Target, sdkappid: u64, events: &Receiver<Value>, log: &Mutex<Vec<Value>>) {
    for (n, body) in events.iter().enumerate() {
        let request_id = format!("emulator-{}-{n}", std::process::id());
        let separator = if target.path.contains('?') { '&' } else { '?' };
        let path = format!(
            "{}{separator}SdkAppid={sdkappid}&CallbackCommand=Desk.SessionEventNotify&contenttype=json&ClientIP=127.0.0.1&OptPlatform=RESTAPI&RequestID={request_id}",
            target.path
        );
        let outcome = post(&target.host, &path, &body.to_string());
        let mut entry = json!({
            "request_id": request_id,
            "event": body["Event"],
            "session_id": body["SessionId"],
        });
        match outcome {
            Ok(status) => entry["status"] = json!(status),
            Err(e) => entry["error"] = json!(e),
        }
        log.lock().unwrap_or_else(|p| p.into_inner()).push(entry);
    }
}

/// One HTTP/1.1 POST; the answer's status code.
fn post(host: &str, path: &str, body: &str) -> Result<u16, String> {
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
    let mut head = [0u8; 12];
    stream
        .read_exact(&mut head)
        .map_err(|e| format!("no answer from {host}: {e}"))?;
    std::str::from_utf8(&head[9..12])
        .ok()
        .and_then(|code| code.parse().ok())
        .ok_or_else(|| format!("{host} did not answer HTTP"))
}
