//! The control side of the emulator: seed data, read what was delivered, inject faults,
//! set rate limits. Reachable in-process through [`Control`] and over HTTP under
//! `/__control/` (never under `/v4`), both through [`Control::handle`].

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use timdesk::usersig::Signer;

use crate::answer::{ApiError, echo};
use crate::app::AppConfig;
use crate::endpoints::Endpoint;
use crate::faults::{Fault, RateLimit};
use crate::notify::{Notifier, Policy};
use crate::seed;
use crate::world::{Agent, DedupWindow, MemberStatus, NewSession, WorkingHours, World};

/// State shared by the server and every [`Control`].
pub(crate) struct Shared {
    pub(crate) app: AppConfig,
    pub(crate) signer: Signer,
    inner: Mutex<Inner>,
    /// The process that serves: a forked child holds a copy of the state, not the state.
    pid: u32,
}

/// Everything that changes.
pub(crate) struct Inner {
    pub(crate) world: World,
    pub(crate) faults: Vec<Fault>,
    pub(crate) limits: HashMap<Endpoint, RateLimit>,
    requests: BTreeMap<String, u64>,
    /// Per `/v4` path, the delayed requests whose client closed the connection first.
    hangups: BTreeMap<String, u64>,
    rng: u64,
    clock: Clock,
    /// Every callback delivery attempt since the callback URL was set.
    callbacks: Arc<Mutex<Vec<Value>>>,
}

/// The emulator's clock: the system's, shifted, or frozen at a time a test chose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Clock {
    /// The system clock plus this many seconds.
    Real { offset: i64 },
    /// Stopped at this Unix time.
    Frozen { at: u64 },
}

impl Clock {
    fn now(self) -> u64 {
        match self {
            Self::Real { offset } => now().saturating_add_signed(offset),
            Self::Frozen { at } => at,
        }
    }

    fn to_json(self) -> Value {
        match self {
            Self::Real { offset } => {
                json!({"mode": "real", "offset_seconds": offset, "now": self.now()})
            }
            Self::Frozen { at } => json!({"mode": "frozen", "now": at}),
        }
    }
}

impl Inner {
    /// The built-in data set, no faults, the default rate limits.
    fn fresh(app: &AppConfig) -> Self {
        let mut seed_bytes = [0u8; 8];
        // Without OS randomness, fall back to the clock: ids only need to differ per run.
        let rng = getrandom::fill(&mut seed_bytes)
            .map_or_else(|_| now(), |()| u64::from_le_bytes(seed_bytes));
        let limits = Endpoint::all()
            .filter_map(|e| e.default_rate_limit().map(|n| (e, RateLimit::new(n))))
            .collect();
        let mut world = World::default();
        seed::populate(&mut world, app, now());
        Self {
            world,
            faults: Vec::new(),
            limits,
            requests: BTreeMap::new(),
            hangups: BTreeMap::new(),
            rng,
            clock: Clock::Real { offset: 0 },
            callbacks: Arc::default(),
        }
    }

    /// The emulated time (Unix seconds).
    pub(crate) fn now(&self) -> u64 {
        self.clock.now()
    }

    /// A fresh version-4 UUID, the shape of a SessionId.
    fn uuid(&mut self) -> String {
        uuid_from(&mut self.rng)
    }

    /// The world, with a maker of fresh SessionIds, for a request that may open a session.
    pub(crate) fn world_and_ids(&mut self) -> (&mut World, impl FnMut() -> String + '_) {
        let Self { world, rng, .. } = self;
        (world, move || uuid_from(rng))
    }

    /// The fault, if any, that hits this request to `path`.
    pub(crate) fn take_fault(&mut self, path: &str) -> Option<crate::faults::FaultAction> {
        let Self { faults, rng, .. } = self;
        crate::faults::take(faults, path, || roll(rng))
    }

    /// Counts a request to `path`.
    pub(crate) fn count_request(&mut self, path: &str) {
        *self.requests.entry(path.to_owned()).or_default() += 1;
    }

    /// Counts a delayed request to `path` whose client closed the connection before its
    /// answer was ready.
    pub(crate) fn count_hangup(&mut self, path: &str) {
        *self.hangups.entry(path.to_owned()).or_default() += 1;
    }
}

/// A fresh SessionId from the generator state.
fn uuid_from(rng: &mut u64) -> String {
    crate::world::session_id_from([next_u64(rng), next_u64(rng)])
}

/// SplitMix64: fast, and good enough for fault dice and session ids.
fn next_u64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A uniform number in [0, 1).
fn roll(state: &mut u64) -> f64 {
    (next_u64(state) >> 11) as f64 / (1u64 << 53) as f64
}

/// The current Unix time in seconds.
pub(crate) fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// A handle on a running emulator's state; cheap to clone, safe to share across threads.
#[derive(Clone)]
pub struct Control {
    pub(crate) shared: Arc<Shared>,
}

impl std::fmt::Debug for Control {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Control")
            .field("sdkappid", &self.shared.app.sdkappid)
            .finish_non_exhaustive()
    }
}

impl Control {
    /// A fresh emulator state for `app`, holding the built-in data set.
    pub(crate) fn new(app: AppConfig) -> Self {
        let inner = Inner::fresh(&app);
        let signer = Signer::new(app.sdkappid, &app.secret_key);
        Self {
            shared: Arc::new(Shared {
                app,
                signer,
                inner: Mutex::new(inner),
                pid: std::process::id(),
            }),
        }
    }

    /// Whether this is the process that serves (not a forked child holding a copy).
    pub fn in_serving_process(&self) -> bool {
        std::process::id() == self.shared.pid
    }

    fn forked_child_message(&self) -> String {
        format!(
            "this emulator serves from process {}; in a forked child its in-process state is a stale copy: \
             use the control API over HTTP (base URL + /__control/...) instead",
            self.shared.pid
        )
    }

    /// Locks the state; a panic elsewhere never makes it unusable.
    ///
    /// # Panics
    /// In a forked child (the lock may have been held by a thread that the fork did not
    /// copy, and the state is a copy): use the control API over HTTP there.
    pub(crate) fn lock(&self) -> MutexGuard<'_, Inner> {
        assert!(self.in_serving_process(), "{}", self.forked_child_message());
        self.shared
            .inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The emulated application.
    pub fn app(&self) -> &AppConfig {
        &self.shared.app
    }

    /// Imports accounts (idempotent).
    pub fn import_accounts(&self, ids: &[&str]) {
        let mut inner = self.lock();
        for id in ids {
            inner.world.import_account(id);
        }
    }

    /// Adds or replaces an agent, naming its group when `group_name` is given.
    pub fn upsert_agent(&self, agent: Agent, group_name: Option<&str>) {
        let mut inner = self.lock();
        if let Some(name) = group_name {
            inner.world.upsert_group(agent.group_id, name);
        }
        inner.world.upsert_agent(agent);
    }

    /// Sets an agent online or offline; 141010 for an agent the emulator does not have.
    pub fn set_agent_online(&self, agent_id: &str, online: bool) -> Result<(), ApiError> {
        self.lock().world.set_agent_online(agent_id, online)
    }

    /// Creates a session in chatbot reception; returns its SessionId (141006 for an id
    /// that is not a UUID, 141004 for one in use).
    pub fn create_session(&self, new: NewSession) -> Result<String, ApiError> {
        let mut inner = self.lock();
        let id = inner.uuid();
        let now = inner.now();
        inner.world.create_session(new, now, || id)
    }

    /// Ends a session as something other than the API would (e.g. `UserEndedSession`);
    /// 141005 for a session that is unknown or over.
    pub fn end_session(&self, session_id: &str, end_status: &str) -> Result<(), ApiError> {
        let mut inner = self.lock();
        let now = inner.now();
        inner.world.end_session_as(session_id, end_status, now)
    }

    /// Sets an agent's status (free, busy, rest); 141010 for an agent the emulator does
    /// not have.
    pub fn set_agent_status(&self, agent_id: &str, status: MemberStatus) -> Result<(), ApiError> {
        self.lock().world.set_agent_status(agent_id, status)
    }

    /// Sets how long a repeated MsgRandom is recognised (default: the same second).
    pub fn set_dedup_window(&self, window: DedupWindow) {
        self.lock().world.dedup = window;
    }

    /// Sets the desk's working hours (`None`: always open, the default).
    pub fn set_working_hours(&self, hours: Option<WorkingHours>) {
        self.lock().world.working_hours = hours;
    }

    /// Stops the emulated clock at Unix time `at`.
    pub fn freeze_clock(&self, at: u64) {
        self.lock().clock = Clock::Frozen { at };
    }

    /// Moves the emulated clock forward by `seconds` (frozen or not), then ends the
    /// queued sessions whose QueueTimeout passed.
    pub fn advance_clock(&self, seconds: u64) {
        let mut inner = self.lock();
        inner.clock = match inner.clock {
            Clock::Frozen { at } => Clock::Frozen {
                at: at.saturating_add(seconds),
            },
            Clock::Real { offset } => Clock::Real {
                offset: offset.saturating_add(seconds as i64),
            },
        };
        let now = inner.now();
        inner.world.expire_queue(now);
    }

    /// The emulated time (Unix seconds).
    pub fn now(&self) -> u64 {
        self.lock().now()
    }

    /// A session with its state, agent and messages.
    pub fn session(&self, session_id: &str) -> Option<Value> {
        self.lock().world.session_json(session_id)
    }

    /// The messages delivered in a session (deduplicated by MsgRandom).
    pub fn messages(&self, session_id: &str) -> Option<Value> {
        self.session(session_id).map(|s| s["messages"].clone())
    }

    /// A user's conversations and their roaming messages.
    pub fn conversations(&self, owner: &str) -> Value {
        self.lock().world.conversations_json(owner)
    }

    /// Every CDR record, in the API's shape.
    pub fn cdrs(&self) -> Value {
        self.lock().world.cdrs_json()
    }

    /// Adds a fault for the requests to come.
    pub fn inject(&self, fault: Fault) {
        self.lock().faults.push(fault);
    }

    /// Removes every pending fault.
    pub fn clear_faults(&self) {
        self.lock().faults.clear();
    }

    /// Sets (or with `None` removes) the calls-per-second limit of an endpoint.
    pub fn set_rate_limit(&self, endpoint: Endpoint, per_second: Option<u32>) {
        let mut inner = self.lock();
        match per_second {
            Some(n) => inner.limits.insert(endpoint, RateLimit::new(n)),
            None => inner.limits.remove(&endpoint),
        };
    }

    /// How many requests reached each `/v4` path (including refused and faulted ones).
    pub fn request_count(&self, path: &str) -> u64 {
        self.lock().requests.get(path).copied().unwrap_or(0)
    }

    /// How many requests to `path` held by a delay fault saw their client close the
    /// connection before the answer was ready (a cancelled or timed-out call).
    pub fn hangup_count(&self, path: &str) -> u64 {
        self.lock().hangups.get(path).copied().unwrap_or(0)
    }

    /// How many `/v4` requests arrived in all.
    pub fn total_requests(&self) -> u64 {
        self.lock().requests.values().sum()
    }

    /// Back to the built-in data set, with no faults and the default rate limits.
    pub fn reset(&self) {
        let fresh = Inner::fresh(&self.shared.app);
        *self.lock() = fresh;
    }

    /// The control API: `method` and `path` (below `/__control`) with a JSON `body`, giving
    /// an HTTP status and a JSON answer. The HTTP server and the bindings both go through here.
    ///
    /// Every route, with its body and answer, is in docs/emulator.md (a test calls each one).
    ///
    /// A refusal answers 400 with `{"error": message}` (see [`ApiError::control_answer`]).
    /// In a forked child it answers 409 with an explanation instead of touching the copy.
    pub fn handle(&self, method: &str, path: &str, body: &[u8]) -> (u16, Value) {
        if !self.in_serving_process() {
            return (409, json!({"error": self.forked_child_message()}));
        }
        let body: Value = if body.iter().all(u8::is_ascii_whitespace) {
            Value::Null
        } else {
            match serde_json::from_slice(body) {
                Ok(v) => v,
                Err(e) => {
                    return ApiError::invalid(format!("the body is not JSON: {e}"))
                        .control_answer();
                }
            }
        };
        let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
        let result = match (method, segments.as_slice()) {
            ("GET", ["state"]) => Ok(self.state()),
            ("GET", ["seed"]) => Ok(crate::seed::to_json()),
            ("POST", ["reset"]) => {
                self.reset();
                Ok(json!({}))
            }
            ("GET", ["accounts"]) => Ok(self.lock().world.accounts_json()),
            ("POST", ["accounts"]) => self.post_accounts(&body),
            ("GET", ["agents"]) => Ok(self.lock().world.agents_json()),
            ("POST", ["agents"]) => self.post_agent(&body),
            ("POST", ["agents", id, "online"]) => body["online"]
                .as_bool()
                .ok_or_else(|| ApiError::invalid("online must be a boolean"))
                .and_then(|online| self.set_agent_online(id, online))
                .map(|()| json!({})),
            ("POST", ["agents", id, "status"]) => body["status"]
                .as_str()
                .and_then(MemberStatus::parse)
                .ok_or_else(|| ApiError::invalid("status must be free, busy or rest"))
                .and_then(|status| self.set_agent_status(id, status))
                .map(|()| json!({})),
            ("GET", ["queue"]) => Ok(self.lock().world.queue_json()),
            ("GET", ["dedup"]) => Ok(json!({"window": self.lock().world.dedup.name()})),
            ("POST", ["dedup"]) => body["window"]
                .as_str()
                .and_then(DedupWindow::parse)
                .ok_or_else(|| ApiError::invalid("window must be same_second, forever or none"))
                .map(|window| {
                    self.set_dedup_window(window);
                    json!({})
                }),
            ("GET", ["clock"]) => Ok(self.lock().clock.to_json()),
            ("POST", ["clock"]) => self.post_clock(&body),
            ("POST", ["working_hours"]) => self.post_working_hours(&body),
            ("GET", ["sessions"]) => Ok(self.lock().world.sessions_json()),
            ("POST", ["sessions"]) => self.post_session(&body),
            ("GET", ["sessions", id]) => self
                .session(id)
                .ok_or_else(|| ApiError::new(141_005, format!("no session {}", echo(id)))),
            ("POST", ["sessions", id, "messages"]) => self.post_message(id, &body),
            ("POST", ["sessions", id, "end"]) => {
                let status = body["end_status"].as_str().unwrap_or("UserEndedSession");
                self.end_session(id, status).map(|()| json!({}))
            }
            ("GET", ["conversations", owner]) => Ok(self.conversations(owner)),
            ("POST", ["conversations", owner, "groups"]) => match body["group_id"].as_str() {
                Some(group) => {
                    self.lock().world.add_group_conversation(owner, group);
                    Ok(json!({}))
                }
                None => Err(ApiError::invalid("group_id must be a string")),
            },
            ("GET", ["cdrs"]) => Ok(self.cdrs()),
            ("GET", ["faults"]) => Ok(Value::Array(
                self.lock().faults.iter().map(Fault::to_json).collect(),
            )),
            ("POST", ["faults"]) => Fault::from_json(&body).map(|fault| {
                self.inject(fault);
                json!({})
            }),
            ("DELETE", ["faults"]) => {
                self.clear_faults();
                Ok(json!({}))
            }
            ("POST", ["rate_limits"]) => self.post_rate_limit(&body),
            ("GET", ["requests"]) => Ok(json!(self.lock().requests)),
            ("GET", ["hangups"]) => Ok(json!(self.lock().hangups)),
            ("POST", ["callback"]) => self.post_callback(&body),
            ("GET", ["callbacks"]) => {
                let log = Arc::clone(&self.lock().callbacks);
                let deliveries = log.lock().unwrap_or_else(|p| p.into_inner()).clone();
                Ok(Value::Array(deliveries))
            }
            _ => {
                return (
                    404,
                    json!({"error": format!("no control route {} /{}", echo(method), echo(&segments.join("/")))}),
                );
            }
        };
        match result {
            Ok(v) => (200, v),
            Err(e) => e.control_answer(),
        }
    }

    fn state(&self) -> Value {
        let inner = self.lock();
        json!({
            "app": {"sdkappid": self.shared.app.sdkappid, "admin": self.shared.app.admin},
            "accounts": inner.world.accounts_json(),
            "agents": inner.world.agents_json(),
            "sessions": inner.world.sessions_json(),
            "faults": inner.faults.iter().map(Fault::to_json).collect::<Vec<_>>(),
            "rate_limits": inner.limits.iter().map(|(e, l)| (e.path().to_owned(), l.per_second())).collect::<BTreeMap<_, _>>(),
            "requests": inner.requests,
            "dedup": inner.world.dedup.name(),
            "clock": inner.clock.to_json(),
            "queue": inner.world.queue_json(),
        })
    }

    fn post_accounts(&self, body: &Value) -> Result<Value, ApiError> {
        let ids: Vec<&str> = body["accounts"]
            .as_array()
            .and_then(|a| a.iter().map(Value::as_str).collect())
            .ok_or_else(|| ApiError::invalid("accounts must be an array of strings"))?;
        self.import_accounts(&ids);
        Ok(json!({}))
    }

    fn post_agent(&self, body: &Value) -> Result<Value, ApiError> {
        let agent = Agent {
            id: body["agent_id"]
                .as_str()
                .ok_or_else(|| ApiError::invalid("agent_id must be a string"))?
                .to_owned(),
            group_id: body["agent_group_id"]
                .as_u64()
                .ok_or_else(|| ApiError::invalid("agent_group_id must be an integer"))?,
            online: body["online"].as_bool().unwrap_or(true),
            capacity: body["capacity"]
                .as_u64()
                .map_or(Ok(5), u32::try_from)
                .map_err(|_| ApiError::invalid("capacity is too large"))?,
            status: match body["status"].as_str() {
                None => MemberStatus::Free,
                Some(text) => MemberStatus::parse(text)
                    .ok_or_else(|| ApiError::invalid("status must be free, busy or rest"))?,
            },
        };
        self.upsert_agent(agent, body["agent_group_name"].as_str());
        Ok(json!({}))
    }

    fn post_session(&self, body: &Value) -> Result<Value, ApiError> {
        let text = |name: &str| body[name].as_str().map(str::to_owned);
        let new = NewSession {
            id: text("session_id"),
            user: text("client_user_id")
                .ok_or_else(|| ApiError::invalid("client_user_id must be a string"))?,
            nickname: text("nickname"),
            channel: text("channel"),
            started_at: body["started_at"].as_u64(),
            satisfaction: body["satisfaction"].as_u64().map(|s| s.min(5) as u8),
        };
        self.create_session(new).map(|id| json!({"session_id": id}))
    }

    fn post_message(&self, session_id: &str, body: &Value) -> Result<Value, ApiError> {
        let agent = match body["from"].as_str() {
            Some("user") => false,
            Some("agent") => true,
            _ => return Err(ApiError::invalid("from must be user or agent")),
        };
        let text = body["text"]
            .as_str()
            .ok_or_else(|| ApiError::invalid("text must be a string"))?;
        let mut inner = self.lock();
        let now = inner.now();
        let key = inner.world.play_message(session_id, agent, text, now)?;
        Ok(json!({"msg_key": key}))
    }

    fn post_clock(&self, body: &Value) -> Result<Value, ApiError> {
        if let Some(at) = body["freeze_at"].as_u64() {
            self.freeze_clock(at);
        } else if let Some(seconds) = body["advance_seconds"].as_u64() {
            self.advance_clock(seconds);
        } else if body["real"] == json!(true) {
            self.lock().clock = Clock::Real { offset: 0 };
        } else {
            return Err(ApiError::invalid(
                "give freeze_at (Unix seconds), advance_seconds or real: true",
            ));
        }
        Ok(self.lock().clock.to_json())
    }

    fn post_working_hours(&self, body: &Value) -> Result<Value, ApiError> {
        if body.is_null() {
            self.set_working_hours(None);
            return Ok(json!({}));
        }
        let minute = |name: &str| -> Result<u32, ApiError> {
            let text = body[name]
                .as_str()
                .ok_or_else(|| ApiError::invalid(format!("{name} must be \"HH:MM\"")))?;
            let (h, m) = text
                .split_once(':')
                .ok_or_else(|| ApiError::invalid(format!("{name} must be \"HH:MM\"")))?;
            match (h.parse::<u32>(), m.parse::<u32>()) {
                (Ok(h @ 0..=23), Ok(m @ 0..=59)) => Ok(h * 60 + m),
                _ => Err(ApiError::invalid(format!(
                    "{name} must be \"HH:MM\" within a day"
                ))),
            }
        };
        let offset = body["utc_offset_minutes"].as_i64().unwrap_or(480);
        let hours = WorkingHours {
            start_minute: minute("start")?,
            end_minute: minute("end")?,
            utc_offset_minutes: i32::try_from(offset)
                .map_err(|_| ApiError::invalid("utc_offset_minutes is out of range"))?,
        };
        self.set_working_hours(Some(hours));
        Ok(json!({}))
    }

    fn post_callback(&self, body: &Value) -> Result<Value, ApiError> {
        let defaults = Policy::default();
        let policy = Policy {
            retries: match &body["retries"] {
                Value::Null => defaults.retries,
                v => v
                    .as_u64()
                    .and_then(|n| u32::try_from(n).ok())
                    .ok_or_else(|| ApiError::invalid("retries must be a count"))?,
            },
            retry_delay: match &body["retry_delay_ms"] {
                Value::Null => defaults.retry_delay,
                v => Duration::from_millis(
                    v.as_u64()
                        .ok_or_else(|| ApiError::invalid("retry_delay_ms must be a count"))?,
                ),
            },
            assign_human: match &body["assign_human"] {
                Value::Null => defaults.assign_human,
                v => v
                    .as_bool()
                    .ok_or_else(|| ApiError::invalid("assign_human must be true or false"))?,
            },
        };
        let mut inner = self.lock();
        inner.world.notifier = match &body["url"] {
            Value::Null => None,
            Value::String(url) => Some(Notifier::start(
                url,
                self.shared.app.sdkappid,
                Arc::clone(&inner.callbacks),
                policy,
            )?),
            _ => return Err(ApiError::invalid("url must be a string or null")),
        };
        Ok(json!({}))
    }

    fn post_rate_limit(&self, body: &Value) -> Result<Value, ApiError> {
        let path = body["path"]
            .as_str()
            .ok_or_else(|| ApiError::invalid("path must be a string"))?;
        let endpoint = Endpoint::from_path(path).ok_or_else(|| {
            ApiError::invalid(format!("{:?} is not an emulated endpoint", echo(path)))
        })?;
        let per_second = match &body["per_second"] {
            Value::Null => None,
            v => Some(
                v.as_u64()
                    .and_then(|n| u32::try_from(n).ok())
                    .ok_or_else(|| ApiError::invalid("per_second must be an integer or null"))?,
            ),
        };
        self.set_rate_limit(endpoint, per_second);
        Ok(json!({}))
    }

    /// When the rate limit of `endpoint` refuses a call now.
    pub(crate) fn over_rate_limit(inner: &mut Inner, endpoint: Endpoint) -> bool {
        inner
            .limits
            .get_mut(&endpoint)
            .is_some_and(|limit| !limit.admit(Instant::now()))
    }
}
