//! What the emulated contact center holds: accounts, members (agents) and their groups,
//! sessions with their messages, recent contacts with their roaming messages, and CDRs;
//! the [`World`] that holds them, and the lookups every behaviour starts from. What acts
//! on them lives beside this module, one concern a module.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::dedup::{DedupWindow, Seen};
use crate::answer::{ApiError, echo};
use crate::notify::Notifier;

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
    /// `chatbot_reception`, `queued`, `with_agent` or `ended`, as the control API shows it.
    pub fn name(self) -> &'static str {
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

/// A queued session's place: the transfer it waits with, since when, and its arrival.
#[derive(Debug, Clone)]
pub(crate) struct Ticket {
    /// The transfer it waits with.
    pub(super) wanted: TransferRequest,
    /// When it joined the queue (Unix seconds).
    pub(super) since: u64,
    /// Order of arrival in the queue, for FIFO within a priority.
    pub(super) seq: u64,
}

impl Ticket {
    /// Where it stands in serving order: by Priority (0 first), then by arrival.
    pub(super) fn serving_order(&self) -> (u8, u64) {
        (self.wanted.priority.unwrap_or(DEFAULT_PRIORITY), self.seq)
    }

    /// Whether its QueueTimeout has passed at `now`.
    pub(super) fn timed_out(&self, now: u64) -> bool {
        self.wanted
            .queue_timeout
            .is_some_and(|t| now >= self.since.saturating_add(t))
    }
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

/// A customer-service session.
#[derive(Debug, Clone)]
pub struct Session {
    /// SessionId.
    pub(crate) id: String,
    /// ClientUserId.
    pub(crate) user: String,
    /// ClientUserNickName.
    pub(super) nickname: String,
    /// ChannelType: `SDK` or `Web`.
    pub(super) channel: String,
    /// Where it is in its lifecycle.
    pub(super) state: SessionState,
    /// The agent that took it, if one did.
    pub(super) agent: Option<String>,
    /// The agent's group, or the group a queued transfer asked for.
    pub(super) group: Option<u64>,
    /// Its place in the queue, while it is queued.
    pub(super) ticket: Option<Ticket>,
    /// The start time (Unix seconds).
    pub(super) started_at: u64,
    /// SatisfactionSelected for the CDR (1–5, 0 for none).
    pub(super) satisfaction: u8,
    /// Started by contact_user.
    pub(super) contact_user: bool,
    /// Its messages, in the order they were stored.
    pub(super) messages: Vec<Message>,
    /// The MsgRandoms send_msg stored in it.
    pub(super) seen: Seen<u64>,
    /// MsgKeys of send_stream_msg messages still open (no Finish yet).
    pub(super) open_streams: BTreeSet<String>,
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

/// The whole emulated contact center.
#[derive(Debug, Default)]
pub struct World {
    /// The imported accounts.
    pub(super) accounts: BTreeSet<String>,
    /// Agent groups: id → name.
    pub(super) groups: BTreeMap<u64, String>,
    /// The members, by account.
    pub(super) agents: BTreeMap<String, Agent>,
    /// Every session, by SessionId.
    pub(crate) sessions: BTreeMap<String, Session>,
    /// Creation order of sessions.
    pub(super) session_order: Vec<String>,
    /// The last queue arrival number given.
    pub(super) queue_seq: u64,
    /// Recent contacts: owner → peers.
    pub(super) conversations: BTreeMap<String, BTreeSet<Peer>>,
    /// Roaming messages: (owner, peer) → messages.
    pub(super) roaming: BTreeMap<(String, Peer), Vec<Message>>,
    /// The MsgRandoms send_msg stored by From/To.
    pub(super) direct_seen: Seen<(String, String, u64)>,
    /// The CDRs, in the order the sessions ended.
    pub(super) cdrs: Vec<Value>,
    /// How long a MsgRandom is recognised.
    pub dedup: DedupWindow,
    /// The desk's working hours; `None`: always open.
    pub working_hours: Option<WorkingHours>,
    /// Messages stored so far, for MsgKeys.
    pub(super) msg_seq: u64,
    /// Where Desk.SessionEventNotify goes, when a test set a callback URL.
    pub(crate) notifier: Option<Notifier>,
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

    /// A session, ended or not, or 141005.
    pub(super) fn session(&self, id: &str) -> Result<&Session, ApiError> {
        self.sessions.get(id).ok_or_else(|| no_session(id))
    }

    /// A session that has not ended, or 141005.
    pub(super) fn open_session(&mut self, id: &str) -> Result<&mut Session, ApiError> {
        match self.sessions.get_mut(id) {
            Some(s) if s.state != SessionState::Ended => Ok(s),
            Some(_) => Err(ApiError::new(
                141_005,
                format!("session {} has ended", echo(id)),
            )),
            None => Err(no_session(id)),
        }
    }
}

/// 141005 for a SessionId the emulator never saw.
fn no_session(id: &str) -> ApiError {
    ApiError::new(141_005, format!("session {} does not exist", echo(id)))
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
