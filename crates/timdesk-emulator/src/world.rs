//! The emulated contact center: accounts, agents, sessions and their lifecycle, messages,
//! conversations and CDRs. No HTTP here: the API handlers and the control API both act on
//! a [`World`].

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde_json::{Value, json};

use crate::answer::ApiError;

/// The desk's own account: the sender of chatbot messages and of tips.
pub const BOT_ACCOUNT: &str = "@customer_service_account";

/// Where a session is in the contact-center lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionState {
    /// Served by the chatbot; may be transferred to a human.
    ChatbotReception,
    /// Waiting for an agent with spare capacity.
    Queued,
    /// With a human agent.
    WithAgent,
    /// Over; a CDR record exists.
    Ended,
}

impl SessionState {
    fn name(self) -> &'static str {
        match self {
            Self::ChatbotReception => "chatbot_reception",
            Self::Queued => "queued",
            Self::WithAgent => "with_agent",
            Self::Ended => "ended",
        }
    }
}

/// A member's status, as set_member_status documents it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum MemberStatus {
    /// STATUS_FREE (示闲): takes sessions.
    #[default]
    Free,
    /// STATUS_NOT_READY (示忙): assigned only by a transfer with AllowAssignBusyMember.
    Busy,
    /// STATUS_REST (小休): never assigned.
    Rest,
}

impl MemberStatus {
    /// Parses `free`, `busy` or `rest` (or the documented STATUS_* names).
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "free" | "STATUS_FREE" => Some(Self::Free),
            "busy" | "STATUS_NOT_READY" => Some(Self::Busy),
            "rest" | "STATUS_REST" => Some(Self::Rest),
            _ => None,
        }
    }

    /// `free`, `busy` or `rest`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Free => "free",
            Self::Busy => "busy",
            Self::Rest => "rest",
        }
    }
}

/// A human agent (a member, in the docs' words).
#[derive(Debug, Clone, PartialEq)]
pub struct Agent {
    /// The agent's account, e.g. `shannon@qq.com`.
    pub id: String,
    /// The agent's group.
    pub group_id: u64,
    /// Whether the agent is online.
    pub online: bool,
    /// How many sessions the agent takes at once.
    pub capacity: u32,
    /// Free, busy or resting.
    pub status: MemberStatus,
}

/// How long a repeated MsgRandom is recognised as the same message.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum DedupWindow {
    /// Within the same wall-clock second only, as Tencent documents MsgRandom (the default).
    #[default]
    SameSecond,
    /// Forever: every repeat is dropped (kinder than the server; for exploring only).
    Forever,
    /// Never: every repeat is a new message.
    None,
}

impl DedupWindow {
    /// Parses `same_second`, `forever` or `none`.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "same_second" => Some(Self::SameSecond),
            "forever" => Some(Self::Forever),
            "none" => Some(Self::None),
            _ => None,
        }
    }

    /// `same_second`, `forever` or `none`.
    pub fn name(self) -> &'static str {
        match self {
            Self::SameSecond => "same_second",
            Self::Forever => "forever",
            Self::None => "none",
        }
    }

    /// Whether a MsgRandom first stored at second `stored` makes one arriving at `now` a
    /// repeat.
    fn is_repeat(self, stored: u64, now: u64) -> bool {
        match self {
            Self::SameSecond => stored == now,
            Self::Forever => true,
            Self::None => false,
        }
    }
}

/// The desk's working hours: a daily window in local time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WorkingHours {
    /// Opening, minutes after local midnight.
    pub start_minute: u32,
    /// Closing, minutes after local midnight (before `start_minute` for a window past
    /// midnight).
    pub end_minute: u32,
    /// The desk's time zone, minutes east of UTC (480 for China).
    pub utc_offset_minutes: i32,
}

impl WorkingHours {
    /// Whether Unix time `now` falls within the window.
    pub fn contains(&self, now: u64) -> bool {
        let local = now as i64 + i64::from(self.utc_offset_minutes) * 60;
        let minute = (local.rem_euclid(86_400) / 60) as u32;
        if self.start_minute <= self.end_minute {
            (self.start_minute..self.end_minute).contains(&minute)
        } else {
            minute >= self.start_minute || minute < self.end_minute
        }
    }
}

/// A transfer_to_human request, validated.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TransferRequest {
    /// AgentIdList.
    pub agents: Vec<String>,
    /// AgentGroupId.
    pub group: Option<u64>,
    /// SendTipIfNoAgentOnline.
    pub send_tip: bool,
    /// CheckIfDuringWorkingHours.
    pub check_working_hours: bool,
    /// SendPromptNotDuringWorkingHours.
    pub prompt_out_of_hours: bool,
    /// EndSessionWhenNoMemberOnline.
    pub end_when_none_online: bool,
    /// DisableQueuing.
    pub disable_queuing: bool,
    /// AllowAssignBusyMember.
    pub allow_busy: bool,
    /// Priority, 0 (highest) to 9; absent queues as 9.
    pub priority: Option<u8>,
    /// QueueTimeout, seconds.
    pub queue_timeout: Option<u64>,
}

/// The Priority a transfer without one queues with: the lowest.
pub const DEFAULT_PRIORITY: u8 = 9;

/// The text of the desk's tip when no agent is online.
pub const NO_AGENT_TIP: &str = "No agent is online at the moment. Please try again later.";
/// The text of the desk's prompt outside working hours.
pub const OUT_OF_HOURS_PROMPT: &str =
    "We are outside our working hours. An agent will be with you when we open.";

/// A message as the emulator stored it.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    /// The sender's account.
    pub from: String,
    /// The recipient's account.
    pub to: String,
    /// MsgRandom (the deduplication key); 0 for tips the desk sent itself.
    pub msg_random: u64,
    /// MsgBody, as sent.
    pub body: Value,
    /// CloudCustomData, when given.
    pub cloud_custom_data: Option<String>,
    /// ExcludeFromUserRespTimeout.
    pub exclude_from_user_resp_timeout: bool,
    /// `message`, or `tip` for the desk's own notices.
    pub kind: &'static str,
    /// When it was stored (Unix seconds).
    pub time: u64,
    /// MsgKey, given when stored; empty before.
    pub msg_key: String,
    /// FromAccountRole: 1 user, 2 agent, 3 system (the app admin or the desk).
    pub role: u8,
}

/// FromAccountRole of a user's message.
pub const ROLE_USER: u8 = 1;
/// FromAccountRole of an agent's message.
pub const ROLE_AGENT: u8 = 2;
/// FromAccountRole of the app admin's (send_msg) and the desk's own messages.
pub const ROLE_SYSTEM: u8 = 3;

impl Message {
    fn to_json(&self) -> Value {
        json!({
            "from": self.from,
            "to": self.to,
            "msg_random": self.msg_random,
            "msg_body": self.body,
            "cloud_custom_data": self.cloud_custom_data,
            "exclude_from_user_resp_timeout": self.exclude_from_user_resp_timeout,
            "kind": self.kind,
            "time": self.time,
            "msg_key": self.msg_key,
            "role": self.role,
        })
    }
}

/// A customer-service session.
#[derive(Debug, Clone)]
pub struct Session {
    pub(crate) id: String,
    pub(crate) user: String,
    nickname: String,
    channel: String,
    pub(crate) state: SessionState,
    pub(crate) agent: Option<String>,
    group: Option<u64>,
    /// For a queued session: the transfer it waits with, and since when.
    wanted: TransferRequest,
    queued_at: u64,
    /// Order of arrival in the queue, for FIFO within a priority.
    queue_seq: u64,
    started_at: u64,
    satisfaction: u8,
    /// Started by contact_user.
    pub(crate) contact_user: bool,
    pub(crate) messages: Vec<Message>,
    /// MsgRandom → the second it was first stored.
    seen_randoms: HashMap<u64, u64>,
    /// MsgKeys of send_stream_msg messages still open (no Finish yet).
    pub(crate) open_streams: BTreeSet<String>,
}

/// A conversation in a user's recent-contact list.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Peer {
    /// One-to-one, with this account.
    Account(String),
    /// A group, by id.
    Group(String),
}

/// What a new session needs; the rest has defaults.
#[derive(Debug, Clone)]
pub struct NewSession {
    /// SessionId; a fresh UUID when `None`.
    pub id: Option<String>,
    /// ClientUserId (imported when new).
    pub user: String,
    /// ClientUserNickName.
    pub nickname: Option<String>,
    /// ChannelType: `SDK` or `Web`.
    pub channel: Option<String>,
    /// The start time (Unix seconds); now when `None`.
    pub started_at: Option<u64>,
    /// SatisfactionSelected for the CDR (1–5, 0 for none).
    pub satisfaction: Option<u8>,
}

/// The result of a transfer to a human.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    /// The agent, empty while queued.
    pub agent_id: String,
    /// Whether the session waits in the queue.
    pub in_queue: bool,
}

/// The whole emulated contact center.
#[derive(Debug, Default)]
pub struct World {
    accounts: BTreeSet<String>,
    groups: BTreeMap<u64, String>,
    pub(crate) agents: BTreeMap<String, Agent>,
    pub(crate) sessions: BTreeMap<String, Session>,
    /// Creation order of sessions.
    session_order: Vec<String>,
    /// The next queue arrival number.
    queue_seq: u64,
    /// Recent contacts: owner → peers.
    conversations: BTreeMap<String, BTreeSet<Peer>>,
    /// Roaming messages: (owner, peer) → messages.
    roaming: BTreeMap<(String, Peer), Vec<Message>>,
    /// Deduplication of send_msg by From/To: (from, to, MsgRandom) → second stored.
    direct_randoms: HashMap<(String, String, u64), u64>,
    cdrs: Vec<Value>,
    /// How long a MsgRandom is recognised.
    pub dedup: DedupWindow,
    /// The desk's working hours; `None`: always open.
    pub working_hours: Option<WorkingHours>,
    /// Messages stored so far, for MsgKeys.
    msg_seq: u64,
    /// Where Desk.SessionEventNotify goes, when a test set a callback URL.
    pub(crate) notifier: Option<crate::notify::Notifier>,
}

impl World {
    /// Imports an account (idempotent).
    pub fn import_account(&mut self, id: &str) {
        self.accounts.insert(id.to_owned());
    }

    /// Whether the account was imported.
    pub fn has_account(&self, id: &str) -> bool {
        self.accounts.contains(id)
    }

    /// Adds or replaces an agent group.
    pub fn upsert_group(&mut self, id: u64, name: &str) {
        self.groups.insert(id, name.to_owned());
    }

    /// Adds or replaces an agent (its account is imported; its group created if new).
    pub fn upsert_agent(&mut self, agent: Agent) {
        self.import_account(&agent.id);
        self.groups
            .entry(agent.group_id)
            .or_insert_with(|| format!("Group {}", agent.group_id));
        self.agents.insert(agent.id.clone(), agent);
        self.drain_queue();
    }

    /// Sets an agent online or offline; queued sessions are assigned when capacity appears.
    pub fn set_agent_online(&mut self, id: &str, online: bool) -> Result<(), String> {
        self.agent_mut(id)?.online = online;
        self.drain_queue();
        Ok(())
    }

    /// Sets an agent's status (free, busy, rest).
    pub fn set_agent_status(&mut self, id: &str, status: MemberStatus) -> Result<(), String> {
        self.agent_mut(id)?.status = status;
        self.drain_queue();
        Ok(())
    }

    fn agent_mut(&mut self, id: &str) -> Result<&mut Agent, String> {
        self.agents
            .get_mut(id)
            .ok_or_else(|| format!("no agent {id:?}"))
    }

    /// Creates a session in chatbot reception and returns its SessionId (notified as
    /// `SessionBegin`).
    pub fn create_session(
        &mut self,
        new: NewSession,
        now: u64,
        fresh_id: impl FnOnce() -> String,
    ) -> Result<String, String> {
        let id = self.insert_session(new, now, fresh_id)?;
        self.session_event(&id, "SessionBegin", None, now);
        Ok(id)
    }

    /// Creates a session in chatbot reception without notifying it.
    pub(crate) fn insert_session(
        &mut self,
        new: NewSession,
        now: u64,
        fresh_id: impl FnOnce() -> String,
    ) -> Result<String, String> {
        let id = new.id.unwrap_or_else(fresh_id);
        if !is_session_id(&id) {
            return Err(format!("{id:?} is not a SessionId (a UUID)"));
        }
        if self.sessions.contains_key(&id) {
            return Err(format!("session {id} exists"));
        }
        self.import_account(&new.user);
        self.sessions.insert(
            id.clone(),
            Session {
                id: id.clone(),
                nickname: new.nickname.unwrap_or_else(|| new.user.clone()),
                user: new.user,
                channel: new.channel.unwrap_or_else(|| "SDK".into()),
                state: SessionState::ChatbotReception,
                agent: None,
                group: None,
                wanted: TransferRequest::default(),
                queued_at: 0,
                queue_seq: 0,
                started_at: new.started_at.unwrap_or(now),
                satisfaction: new.satisfaction.unwrap_or(0),
                contact_user: false,
                messages: Vec::new(),
                seen_randoms: HashMap::new(),
                open_streams: BTreeSet::new(),
            },
        );
        self.session_order.push(id.clone());
        Ok(id)
    }

    /// Sends Desk.SessionEventNotify for `session_id` when a callback URL is set; only the
    /// event names the docs give are sent (see the assumption `session_events`).
    pub(crate) fn session_event(
        &self,
        session_id: &str,
        event: &str,
        message: Option<&Message>,
        now: u64,
    ) {
        let (Some(notifier), Some(session)) = (&self.notifier, self.sessions.get(session_id))
        else {
            return;
        };
        notifier.send(json!({
            "CallbackCommand": "Desk.SessionEventNotify",
            "SessionId": session.id,
            "Event": event,
            "EventTime": now * 1000,
            "ChannelType": if session.channel == "Web" { "Web(H5)" } else { "SDK" },
            "ClientUserId": session.user,
            "CustomerServiceId": BOT_ACCOUNT,
            "AgentId": session.agent.clone().unwrap_or_default(),
            "MsgKey": message.map(|m| m.msg_key.clone()).unwrap_or_default(),
            "MsgBody": message.map_or_else(|| json!([]), |m| m.body.clone()),
            "CloudCustomData": message.and_then(|m| m.cloud_custom_data.clone()).unwrap_or_default(),
            "IsContactUser": session.contact_user,
            "SatisfactionSelected": session.satisfaction,
            "ForwardFromAgentId": "",
        }));
    }

    pub(crate) fn open_session(&mut self, id: &str) -> Result<&mut Session, ApiError> {
        match self.sessions.get_mut(id) {
            Some(s) if s.state != SessionState::Ended => Ok(s),
            Some(_) => Err(ApiError::new(141005, format!("session {id} has ended"))),
            None => Err(ApiError::new(
                141005,
                format!("session {id} does not exist"),
            )),
        }
    }

    /// transfer_to_human, by the rules in the README's "What the emulator assumes":
    /// the online listed agents, else the group's, else anyone online; among them the
    /// least loaded with room whose status allows it takes the session; otherwise it
    /// queues by priority (or, with DisableQueuing, the answer is 141012).
    pub fn transfer_to_human(
        &mut self,
        session_id: &str,
        request: TransferRequest,
        now: u64,
    ) -> Result<Assignment, ApiError> {
        self.expire_queue(now);
        let state = self.open_session(session_id)?.state;
        if state != SessionState::ChatbotReception {
            return Err(ApiError::new(
                141003,
                format!(
                    "session {session_id} is {} and cannot be transferred",
                    state.name()
                ),
            ));
        }
        if let Some(g) = request.group {
            if !self.groups.contains_key(&g) {
                return Err(ApiError::new(
                    141004,
                    format!("AgentGroupId {g} does not exist"),
                ));
            }
        }
        let closed = self.working_hours.is_some_and(|h| !h.contains(now));
        if request.check_working_hours && closed {
            if request.prompt_out_of_hours {
                self.tip(session_id, OUT_OF_HOURS_PROMPT, now);
            }
            return Ok(Assignment {
                agent_id: String::new(),
                in_queue: false,
            });
        }
        if self.online_members(&request).is_empty() {
            if request.send_tip {
                self.tip(session_id, NO_AGENT_TIP, now);
            }
            if request.end_when_none_online {
                self.finish(session_id, "NoAgentsOnline", now);
            }
            return Err(ApiError::new(141001, "no agent online to take the session"));
        }
        if let Some(agent_id) = self.least_loaded(&request) {
            self.assign(session_id, agent_id.clone());
            return Ok(Assignment {
                agent_id,
                in_queue: false,
            });
        }
        if request.disable_queuing {
            return Err(ApiError::new(
                141012,
                "every eligible agent is at its reception limit and queueing is disabled",
            ));
        }
        self.queue_seq += 1;
        let seq = self.queue_seq;
        let session = self
            .sessions
            .get_mut(session_id)
            .expect("checked open above");
        session.state = SessionState::Queued;
        session.group = request.group;
        session.wanted = request;
        session.queued_at = now;
        session.queue_seq = seq;
        Ok(Assignment {
            agent_id: String::new(),
            in_queue: true,
        })
    }

    /// Stores one of the desk's own notices in a session.
    fn tip(&mut self, session_id: &str, text: &str, now: u64) {
        let Some(user) = self.sessions.get(session_id).map(|s| s.user.clone()) else {
            return;
        };
        let message = Message {
            from: BOT_ACCOUNT.into(),
            to: user,
            msg_random: 0,
            body: json!([{"MsgType": "TIMTextElem", "MsgContent": {"Text": text}}]),
            cloud_custom_data: None,
            exclude_from_user_resp_timeout: false,
            kind: "tip",
            time: now,
            msg_key: String::new(),
            role: ROLE_SYSTEM,
        };
        self.store(session_id, message);
    }

    /// The next MsgKey: `{sequence}_{random}_{time}`, unique in the emulator.
    fn next_msg_key(&mut self, random: u64, time: u64) -> String {
        self.msg_seq += 1;
        format!("{}_{random}_{time}", self.msg_seq)
    }

    pub(crate) fn assign(&mut self, session_id: &str, agent_id: String) {
        let group = self.agents[&agent_id].group_id;
        let session = self.sessions.get_mut(session_id).expect("an open session");
        session.state = SessionState::WithAgent;
        session.agent = Some(agent_id);
        session.group = Some(group);
    }

    /// The online members a transfer may go to, whatever their status and load: the
    /// listed ones, else the group's, else everyone's.
    fn online_members(&self, wanted: &TransferRequest) -> Vec<&Agent> {
        let listed: Vec<&Agent> = wanted
            .agents
            .iter()
            .filter_map(|id| self.agents.get(id))
            .filter(|a| a.online)
            .collect();
        if !listed.is_empty() {
            return listed;
        }
        self.agents
            .values()
            .filter(|a| a.online)
            .filter(|a| wanted.group.is_none_or(|g| a.group_id == g))
            .collect()
    }

    pub(crate) fn load(&self, agent_id: &str) -> u32 {
        self.sessions
            .values()
            .filter(|s| s.state == SessionState::WithAgent && s.agent.as_deref() == Some(agent_id))
            .count() as u32
    }

    /// The least loaded member with room whose status allows the transfer.
    pub(crate) fn least_loaded(&self, wanted: &TransferRequest) -> Option<String> {
        self.online_members(wanted)
            .into_iter()
            .filter(|a| match a.status {
                MemberStatus::Free => true,
                MemberStatus::Busy => wanted.allow_busy,
                MemberStatus::Rest => false,
            })
            .map(|a| (self.load(&a.id), &a.id))
            .filter(|(load, id)| *load < self.agents[*id].capacity)
            .min()
            .map(|(_, id)| id.clone())
    }

    /// Assigns queued sessions to agents that have room: by Priority (0 first), then by
    /// arrival.
    fn drain_queue(&mut self) {
        for (_, id) in self.queue() {
            let wanted = self.sessions[&id].wanted.clone();
            if let Some(agent_id) = self.least_loaded(&wanted) {
                self.assign(&id, agent_id);
            }
        }
    }

    /// Ends queued sessions whose QueueTimeout has passed (EndStatus TimeoutTransfer).
    pub fn expire_queue(&mut self, now: u64) {
        let expired: Vec<String> = self
            .sessions
            .values()
            .filter(|s| s.state == SessionState::Queued)
            .filter(|s| {
                s.wanted
                    .queue_timeout
                    .is_some_and(|t| now >= s.queued_at.saturating_add(t))
            })
            .map(|s| s.id.clone())
            .collect();
        for id in expired {
            self.finish(&id, "TimeoutTransfer", now);
        }
    }

    /// The queued sessions in serving order (Priority, then arrival), with their priority.
    fn queue(&self) -> Vec<(u8, String)> {
        let mut queued: Vec<(u8, u64, String)> = self
            .sessions
            .values()
            .filter(|s| s.state == SessionState::Queued)
            .map(|s| {
                let priority = s.wanted.priority.unwrap_or(DEFAULT_PRIORITY);
                (priority, s.queue_seq, s.id.clone())
            })
            .collect();
        queued.sort();
        queued.into_iter().map(|(p, _, id)| (p, id)).collect()
    }

    /// The queue, in the order it is served: SessionIds with their priority.
    pub fn queue_json(&self) -> Value {
        Value::Array(
            self.queue()
                .into_iter()
                .map(|(priority, id)| json!({"session_id": id, "priority": priority}))
                .collect(),
        )
    }

    /// send_msg within a session. A MsgRandom repeated within the dedup window is
    /// accepted and stored once.
    pub fn send_in_session(
        &mut self,
        session_id: &str,
        mut message: Message,
    ) -> Result<(), ApiError> {
        let window = self.dedup;
        let now = message.time;
        let session = self.open_session(session_id)?;
        if let Some(stored) = session.seen_randoms.get(&message.msg_random) {
            if window.is_repeat(*stored, now) {
                return Ok(());
            }
        }
        session.seen_randoms.insert(message.msg_random, now);
        message.from = BOT_ACCOUNT.into();
        message.to = session.user.clone();
        message.role = ROLE_SYSTEM;
        let delivered = message.clone();
        self.store(session_id, message);
        self.deliver(delivered);
        Ok(())
    }

    /// send_msg from FromAccount to ToAccount, creating the conversation it implies.
    pub fn send_direct(&mut self, message: Message) -> Result<(), ApiError> {
        for (field, account) in [("FromAccount", &message.from), ("ToAccount", &message.to)] {
            if !self.has_account(account) {
                return Err(ApiError::new(
                    141004,
                    format!("{field} {account:?} has not been imported"),
                ));
            }
        }
        let key = (message.from.clone(), message.to.clone(), message.msg_random);
        if let Some(stored) = self.direct_randoms.get(&key) {
            if self.dedup.is_repeat(*stored, message.time) {
                return Ok(());
            }
        }
        self.direct_randoms.insert(key, message.time);
        self.deliver(message);
        Ok(())
    }

    /// Stores `message` in an open session under a fresh MsgKey, which it returns.
    /// In chatbot reception, a user's message is notified as `ChatBot.UserSendMsg` and the
    /// app's (the bot's) as `ChatBot.RobotSendMsg`.
    pub(crate) fn store(&mut self, session_id: &str, mut message: Message) -> String {
        message.msg_key = self.next_msg_key(message.msg_random, message.time);
        let key = message.msg_key.clone();
        let event = match self.sessions.get(session_id).map(|s| s.state) {
            Some(SessionState::ChatbotReception) if message.kind == "message" => {
                match message.role {
                    ROLE_USER => Some("ChatBot.UserSendMsg"),
                    ROLE_SYSTEM => Some("ChatBot.RobotSendMsg"),
                    _ => None,
                }
            }
            _ => None,
        };
        if let Some(event) = event {
            self.session_event(session_id, event, Some(&message), message.time);
        }
        if let Some(session) = self.sessions.get_mut(session_id) {
            session.messages.push(message);
        }
        key
    }

    /// Stores a message as roaming for both sides and puts each in the other's contacts.
    fn deliver(&mut self, message: Message) {
        for (owner, peer) in [(&message.from, &message.to), (&message.to, &message.from)] {
            let peer = Peer::Account(peer.clone());
            self.conversations
                .entry(owner.clone())
                .or_default()
                .insert(peer.clone());
            self.roaming
                .entry((owner.clone(), peer))
                .or_default()
                .push(message.clone());
        }
    }

    /// end_session: ends an open session, writing its CDR. EndStatus: ChatbotReception
    /// for a session the chatbot still held, AgentEndedSession otherwise.
    pub fn end_session(&mut self, session_id: &str, now: u64) -> Result<(), ApiError> {
        self.expire_queue(now);
        let state = self.open_session(session_id)?.state;
        let status = match state {
            SessionState::ChatbotReception => "ChatbotReception",
            _ => "AgentEndedSession",
        };
        self.finish(session_id, status, now);
        Ok(())
    }

    /// Ends an open session with `end_status` (the control API's way to play the user).
    pub fn end_session_as(
        &mut self,
        session_id: &str,
        end_status: &str,
        now: u64,
    ) -> Result<(), ApiError> {
        self.open_session(session_id)?;
        self.finish(session_id, end_status, now);
        Ok(())
    }

    /// Ends a session, writing its CDR; the agent's freed capacity serves the queue.
    pub(crate) fn finish(&mut self, session_id: &str, end_status: &str, now: u64) {
        let Some(session) = self.sessions.get_mut(session_id) else {
            return;
        };
        session.state = SessionState::Ended;
        let session = session.clone();
        let group_name = session
            .group
            .and_then(|g| self.groups.get(&g))
            .cloned()
            .unwrap_or_default();
        self.cdrs.push(json!({
            "SessionId": session.id,
            "AgentGroupId": session.group.map(|g| g.to_string()).unwrap_or_default(),
            "AgentGroupName": group_name,
            "AgentId": session.agent.clone().unwrap_or_default(),
            "ChannelType": session.channel,
            "ClientUserId": session.user,
            "ClientUserNickName": session.nickname,
            "Duration": now.saturating_sub(session.started_at),
            "EndStatus": end_status,
            "SatisfactionSelected": session.satisfaction,
            "Timestamp": session.started_at,
        }));
        self.drain_queue();
    }

    /// CDRs whose Timestamp lies in `[start, end]`, optionally of one user: (total, page).
    pub fn cdrs(
        &self,
        start: u64,
        end: u64,
        user: Option<&str>,
        offset: usize,
        limit: usize,
    ) -> (usize, Vec<Value>) {
        let mut matching: Vec<&Value> = self
            .cdrs
            .iter()
            .filter(|c| {
                c["Timestamp"]
                    .as_u64()
                    .is_some_and(|t| (start..=end).contains(&t))
            })
            .filter(|c| user.is_none_or(|u| c["ClientUserId"] == u))
            .collect();
        matching.sort_by_key(|c| c["Timestamp"].as_u64());
        let page = matching
            .iter()
            .skip(offset)
            .take(limit)
            .map(|c| (*c).clone())
            .collect();
        (matching.len(), page)
    }

    /// recentcontact/delete: drops the conversation; `clear_roaming` also drops its messages.
    pub fn delete_conversation(
        &mut self,
        owner: &str,
        peer: Peer,
        clear_roaming: bool,
    ) -> Result<(), ApiError> {
        if !self.has_account(owner) {
            return Err(ApiError::new(
                50001,
                format!("From_Account {owner:?} has not been imported"),
            ));
        }
        if let Some(peers) = self.conversations.get_mut(owner) {
            peers.remove(&peer);
        }
        if clear_roaming {
            self.roaming.remove(&(owner.to_owned(), peer));
        }
        Ok(())
    }

    /// A session as the control API shows it.
    pub fn session_json(&self, id: &str) -> Option<Value> {
        let s = self.sessions.get(id)?;
        Some(json!({
            "session_id": s.id,
            "client_user_id": s.user,
            "nickname": s.nickname,
            "channel": s.channel,
            "state": s.state.name(),
            "agent_id": s.agent,
            "agent_group_id": s.group,
            "started_at": s.started_at,
            "messages": s.messages.iter().map(Message::to_json).collect::<Vec<_>>(),
        }))
    }

    /// SessionIds in creation order.
    pub(crate) fn session_order(&self) -> &[String] {
        &self.session_order
    }

    /// Every session, in creation order.
    pub fn sessions_json(&self) -> Value {
        Value::Array(
            self.session_order
                .iter()
                .filter_map(|id| self.session_json(id))
                .collect(),
        )
    }

    /// Every agent with its current load.
    pub fn agents_json(&self) -> Value {
        Value::Array(
            self.agents
                .values()
                .map(|a| {
                    json!({
                        "agent_id": a.id,
                        "agent_group_id": a.group_id,
                        "agent_group_name": self.groups.get(&a.group_id),
                        "online": a.online,
                        "status": a.status.name(),
                        "capacity": a.capacity,
                        "active_sessions": self.load(&a.id),
                    })
                })
                .collect(),
        )
    }

    /// A user's recent contacts with their roaming messages.
    pub fn conversations_json(&self, owner: &str) -> Value {
        let peers = self.conversations.get(owner).cloned().unwrap_or_default();
        let mut listed = Vec::new();
        for ((o, peer), messages) in &self.roaming {
            if o != owner {
                continue;
            }
            listed.push(peer_json(peer, peers.contains(peer), messages));
        }
        for peer in peers
            .iter()
            .filter(|p| !self.roaming.contains_key(&(owner.to_owned(), (*p).clone())))
        {
            listed.push(peer_json(peer, true, &[]));
        }
        Value::Array(listed)
    }

    /// Every CDR, in the order the sessions ended.
    pub fn cdrs_json(&self) -> Value {
        Value::Array(self.cdrs.clone())
    }

    /// The imported accounts.
    pub fn accounts_json(&self) -> Value {
        json!(self.accounts)
    }

    /// Adds a group conversation to a user's contacts (groups are outside the emulated API).
    pub fn add_group_conversation(&mut self, owner: &str, group_id: &str) {
        self.import_account(owner);
        let peer = Peer::Group(group_id.to_owned());
        self.conversations
            .entry(owner.to_owned())
            .or_default()
            .insert(peer.clone());
        self.roaming.entry((owner.to_owned(), peer)).or_default();
    }
}

fn peer_json(peer: &Peer, listed: bool, messages: &[Message]) -> Value {
    let (kind, id) = match peer {
        Peer::Account(id) => ("c2c", id),
        Peer::Group(id) => ("group", id),
    };
    json!({
        "type": kind,
        "peer": id,
        "in_recent_contacts": listed,
        "roaming_messages": messages.iter().map(Message::to_json).collect::<Vec<_>>(),
    })
}

/// A SessionId (a version-4 UUID) made of 128 random bits.
pub fn session_id_from(random: [u64; 2]) -> String {
    let hex = format!("{:016x}{:016x}", random[0], random[1]);
    format!(
        "{}-{}-4{}-a{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[13..16],
        &hex[17..20],
        &hex[20..32]
    )
}

/// Whether `id` has the shape of a SessionId: a UUID (8-4-4-4-12 hex digits).
pub fn is_session_id(id: &str) -> bool {
    let parts: Vec<&str> = id.split('-').collect();
    parts.len() == 5
        && parts
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(p, n)| p.len() == n && p.bytes().all(|b| b.is_ascii_hexdigit()))
}
