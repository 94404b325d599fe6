//! Fault injection and rate limits: what makes the emulator a test bed for retries.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::answer::{ApiError, echo};

/// What an injected fault does to a matching request.
#[derive(Debug, Clone, PartialEq)]
pub enum FaultAction {
    /// Answer HTTP 200 with this ErrorCode (and ErrorInfo) without applying the request.
    ErrorCode {
        /// ErrorCode.
        code: u32,
        /// ErrorInfo.
        info: String,
    },
    /// Answer with this HTTP status and an HTML error page, without applying the request.
    HttpStatus(u16),
    /// Wait this long, then handle the request normally.
    Delay(Duration),
    /// Answer HTTP 200 with a truncated JSON body, without applying the request.
    MalformedJson,
    /// Close the connection without an answer, without applying the request.
    DropBeforeApply,
    /// Apply the request, then close the connection without an answer: the case that makes
    /// retries dangerous.
    DropAfterApply,
}

/// A fault waiting for requests.
#[derive(Debug, Clone, PartialEq)]
pub struct Fault {
    /// `service/command` it applies to; every endpoint when `None`.
    pub path: Option<String>,
    /// What it does.
    pub action: FaultAction,
    /// How many more requests it hits; unlimited when `None`.
    pub remaining: Option<u32>,
    /// The chance (0.0–1.0) that a matching request is hit.
    pub probability: f64,
}

impl Fault {
    /// A fault hitting the next `count` requests to `path` (any endpoint when `None`).
    pub fn new(path: Option<&str>, action: FaultAction, count: u32) -> Self {
        Self {
            path: path.map(str::to_owned),
            action,
            remaining: Some(count),
            probability: 1.0,
        }
    }

    /// Parses the control API's JSON form:
    /// `{"path": "desk_http_svc/send_msg", "count": 1, "probability": 1.0, "kind": "error_code", "code": 141002}`
    /// with kind one of `error_code` (code, info), `http_status` (status), `delay` (ms),
    /// `malformed_json`, `drop_before_apply`, `drop_after_apply`.
    pub fn from_json(v: &Value) -> Result<Self, ApiError> {
        let kind = v["kind"]
            .as_str()
            .ok_or_else(|| ApiError::invalid("kind is required"))?;
        let action = match kind {
            "error_code" => FaultAction::ErrorCode {
                code: v["code"]
                    .as_u64()
                    .and_then(|c| u32::try_from(c).ok())
                    .ok_or_else(|| ApiError::invalid("error_code needs code"))?,
                info: v["info"].as_str().unwrap_or("injected fault").to_owned(),
            },
            "http_status" => FaultAction::HttpStatus(
                v["status"]
                    .as_u64()
                    .and_then(|s| u16::try_from(s).ok())
                    .filter(|s| (100..600).contains(s))
                    .ok_or_else(|| ApiError::invalid("http_status needs status (100-599)"))?,
            ),
            "delay" => FaultAction::Delay(Duration::from_millis(
                v["ms"]
                    .as_u64()
                    .ok_or_else(|| ApiError::invalid("delay needs ms"))?,
            )),
            "malformed_json" => FaultAction::MalformedJson,
            "drop_before_apply" => FaultAction::DropBeforeApply,
            "drop_after_apply" => FaultAction::DropAfterApply,
            other => {
                return Err(ApiError::invalid(format!(
                    "unknown fault kind {:?}",
                    echo(other)
                )));
            }
        };
        let remaining =
            match &v["count"] {
                Value::Null => Some(1),
                c => match c.as_i64() {
                    Some(-1) => None,
                    Some(n) => Some(u32::try_from(n).map_err(|_| {
                        ApiError::invalid("count must be -1 (unlimited) or positive")
                    })?),
                    None => return Err(ApiError::invalid("count must be an integer")),
                },
            };
        let probability = v["probability"].as_f64().unwrap_or(1.0);
        if !(0.0..=1.0).contains(&probability) {
            return Err(ApiError::invalid("probability must be within 0.0-1.0"));
        }
        Ok(Self {
            path: v["path"].as_str().map(str::to_owned),
            action,
            remaining,
            probability,
        })
    }

    /// The JSON form, as the control API lists it.
    pub fn to_json(&self) -> Value {
        let mut v = match &self.action {
            FaultAction::ErrorCode { code, info } => {
                json!({"kind": "error_code", "code": code, "info": info})
            }
            FaultAction::HttpStatus(s) => json!({"kind": "http_status", "status": s}),
            FaultAction::Delay(d) => json!({"kind": "delay", "ms": d.as_millis() as u64}),
            FaultAction::MalformedJson => json!({"kind": "malformed_json"}),
            FaultAction::DropBeforeApply => json!({"kind": "drop_before_apply"}),
            FaultAction::DropAfterApply => json!({"kind": "drop_after_apply"}),
        };
        v["path"] = json!(self.path);
        v["count"] = json!(self.remaining.map_or(-1, i64::from));
        v["probability"] = json!(self.probability);
        v
    }
}

/// Takes the first fault that matches `path` and fires (by its probability), counting it
/// down; spent faults are removed. `roll` gives uniform numbers in [0, 1).
pub fn take(
    faults: &mut Vec<Fault>,
    path: &str,
    mut roll: impl FnMut() -> f64,
) -> Option<FaultAction> {
    let index = faults.iter().position(|f| {
        f.path.as_deref().is_none_or(|p| p == path)
            && (f.probability >= 1.0 || roll() < f.probability)
    })?;
    let fault = &mut faults[index];
    let action = fault.action.clone();
    if let Some(n) = &mut fault.remaining {
        *n = n.saturating_sub(1);
        if *n == 0 {
            faults.remove(index);
        }
    }
    Some(action)
}

/// A fixed one-second window rate limit.
#[derive(Debug, Clone)]
pub struct RateLimit {
    per_second: u32,
    window: Instant,
    used: u32,
}

impl RateLimit {
    /// At most `per_second` calls in each one-second window.
    pub fn new(per_second: u32) -> Self {
        Self {
            per_second,
            window: Instant::now(),
            used: 0,
        }
    }

    /// The configured calls per second.
    pub fn per_second(&self) -> u32 {
        self.per_second
    }

    /// Counts a call at `now`; false when it is over the limit.
    pub fn admit(&mut self, now: Instant) -> bool {
        if now.duration_since(self.window) >= Duration::from_secs(1) {
            self.window = now;
            self.used = 0;
        }
        self.used += 1;
        self.used <= self.per_second
    }
}
