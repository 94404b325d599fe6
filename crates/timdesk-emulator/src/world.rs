//! The emulated contact center: accounts, agents, sessions and their lifecycle, messages,
//! conversations and CDRs. No HTTP here: the API handlers and the control API both act on
//! a [`World`].

use std::collections::{BTreeMap, BTreeSet, HashSet};

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

/// A human agent.
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
}

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
}

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
        })
    }
}

/// A customer-service session.
#[derive(Debug, Clone)]
pub struct Session {
    id: String,
    user: String,
    nickname: String,
    channel: String,
    state: SessionState,
    agent: Option<String>,
    group: Option<u64>,
    /// For a queued session: whom it waits for.
    wanted: Wanted,
    started_at: u64,
    satisfaction: u8,
    messages: Vec<Message>,
    seen_randoms: HashSet<u64>,
}

/// Whom a transfer asked for.
#[derive(Debug, Clone, Default)]
struct Wanted {
    agents: Vec<String>,
    group: Option<u64>,
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
    agents: BTreeMap<String, Agent>,
    sessions: BTreeMap<String, Session>,
    /// Creation order of sessions, for FIFO queueing.
    session_order: Vec<String>,
    /// Recent contacts: owner → peers.
    conversations: BTreeMap<String, BTreeSet<Peer>>,
    /// Roaming messages: (owner, peer) → messages.
    roaming: BTreeMap<(String, Peer), Vec<Message>>,
    /// Deduplication of send_msg by From/To: (from, to, MsgRandom).
    direct_randoms: HashSet<(String, String, u64)>,
    cdrs: Vec<Value>,
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
        let agent = self
            .agents
            .get_mut(id)
            .ok_or_else(|| format!("no agent {id:?}"))?;
        agent.online = online;
        self.drain_queue();
        Ok(())
    }

    /// Creates a session in chatbot reception and returns its SessionId.
    pub fn create_session(
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
                wanted: Wanted::default(),
                started_at: new.started_at.unwrap_or(now),
                satisfaction: new.satisfaction.unwrap_or(0),
                messages: Vec::new(),
                seen_randoms: HashSet::new(),
            },
        );
        self.session_order.push(id.clone());
        Ok(id)
    }

    fn open_session(&mut self, id: &str) -> Result<&mut Session, ApiError> {
        match self.sessions.get_mut(id) {
            Some(s) if s.state != SessionState::Ended => Ok(s),
            Some(_) => Err(ApiError::new(141005, format!("session {id} has ended"))),
            None => Err(ApiError::new(
                141005,
                format!("session {id} does not exist"),
            )),
        }
    }

    /// transfer_to_human: the first online listed agent, else within the group, else (no
    /// group given) any online agent; the least loaded with spare capacity takes the
    /// session, or it queues when every eligible agent is at capacity.
    pub fn transfer_to_human(
        &mut self,
        session_id: &str,
        agent_ids: &[String],
        group: Option<u64>,
        send_tip: bool,
        now: u64,
    ) -> Result<Assignment, ApiError> {
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
        if let Some(g) = group {
            if !self.groups.contains_key(&g) {
                return Err(ApiError::new(
                    141004,
                    format!("AgentGroupId {g} does not exist"),
                ));
            }
        }
        let wanted = Wanted {
            agents: agent_ids.to_vec(),
            group,
        };
        let eligible = self.eligible(&wanted);
        if eligible.is_empty() {
            let session = self.open_session(session_id)?;
            if send_tip {
                let text = "No agent is online at the moment. Please try again later.";
                session.messages.push(Message {
                    from: BOT_ACCOUNT.into(),
                    to: session.user.clone(),
                    msg_random: 0,
                    body: json!([{"MsgType": "TIMTextElem", "MsgContent": {"Text": text}}]),
                    cloud_custom_data: None,
                    exclude_from_user_resp_timeout: false,
                    kind: "tip",
                    time: now,
                });
            }
            return Err(ApiError::new(141001, "no agent online to take the session"));
        }
        let chosen = self.least_loaded(&eligible);
        let session = self.open_session(session_id)?;
        match chosen {
            Some(agent_id) => {
                let group = self.agents[&agent_id].group_id;
                let session = self
                    .sessions
                    .get_mut(session_id)
                    .expect("checked open above");
                session.state = SessionState::WithAgent;
                session.agent = Some(agent_id.clone());
                session.group = Some(group);
                Ok(Assignment {
                    agent_id,
                    in_queue: false,
                })
            }
            None => {
                session.state = SessionState::Queued;
                session.group = group;
                session.wanted = wanted;
                Ok(Assignment {
                    agent_id: String::new(),
                    in_queue: true,
                })
            }
        }
    }

    /// The online agents a request may go to, by the precedence of transfer_to_human.
    fn eligible(&self, wanted: &Wanted) -> Vec<String> {
        let online = |a: &&Agent| a.online;
        let listed: Vec<String> = wanted
            .agents
            .iter()
            .filter_map(|id| self.agents.get(id))
            .filter(online)
            .map(|a| a.id.clone())
            .collect();
        if !listed.is_empty() {
            return listed;
        }
        self.agents
            .values()
            .filter(online)
            .filter(|a| wanted.group.is_none_or(|g| a.group_id == g))
            .map(|a| a.id.clone())
            .collect()
    }

    fn load(&self, agent_id: &str) -> u32 {
        self.sessions
            .values()
            .filter(|s| s.state == SessionState::WithAgent && s.agent.as_deref() == Some(agent_id))
            .count() as u32
    }

    fn least_loaded(&self, candidates: &[String]) -> Option<String> {
        candidates
            .iter()
            .map(|id| (self.load(id), id))
            .filter(|(load, id)| *load < self.agents[*id].capacity)
            .min()
            .map(|(_, id)| id.clone())
    }

    /// Assigns queued sessions, oldest first, to agents that have room.
    fn drain_queue(&mut self) {
        let queued: Vec<String> = self
            .session_order
            .iter()
            .filter(|id| {
                self.sessions
                    .get(*id)
                    .is_some_and(|s| s.state == SessionState::Queued)
            })
            .cloned()
            .collect();
        for id in queued {
            let wanted = self.sessions[&id].wanted.clone();
            let eligible = self.eligible(&wanted);
            if let Some(agent_id) = self.least_loaded(&eligible) {
                let group = self.agents[&agent_id].group_id;
                let session = self.sessions.get_mut(&id).expect("listed above");
                session.state = SessionState::WithAgent;
                session.agent = Some(agent_id);
                session.group = Some(group);
            }
        }
    }

    /// send_msg within a session. A repeated MsgRandom is accepted and stored once.
    pub fn send_in_session(
        &mut self,
        session_id: &str,
        mut message: Message,
    ) -> Result<(), ApiError> {
        let session = self.open_session(session_id)?;
        if !session.seen_randoms.insert(message.msg_random) {
            return Ok(());
        }
        message.from = session.agent.clone().unwrap_or_else(|| BOT_ACCOUNT.into());
        message.to = session.user.clone();
        session.messages.push(message.clone());
        self.deliver(message);
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
        if self.direct_randoms.insert(key) {
            self.deliver(message);
        }
        Ok(())
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

    /// Ends a session, writing its CDR; the agent's freed capacity serves the queue.
    pub fn end_session(
        &mut self,
        session_id: &str,
        end_status: &str,
        now: u64,
    ) -> Result<(), ApiError> {
        let session = self.open_session(session_id)?;
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
        Ok(())
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

/// Whether `id` has the shape of a SessionId: a UUID (8-4-4-4-12 hex digits).
pub fn is_session_id(id: &str) -> bool {
    let parts: Vec<&str> = id.split('-').collect();
    parts.len() == 5
        && parts
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(p, n)| p.len() == n && p.bytes().all(|b| b.is_ascii_hexdigit()))
}
