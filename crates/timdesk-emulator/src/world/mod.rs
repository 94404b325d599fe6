//! The emulated contact center. No HTTP here: the API handlers and the control API both
//! act on a [`World`], whose state is in `state` and whose behaviour is one concern a
//! module beside it:
//!
//! | module | holds |
//! |---|---|
//! | `state` | the [`World`] and what it holds: accounts, members and groups, sessions, messages, conversations, CDRs |
//! | `members` | members (agents) and groups: presence, status, load |
//! | `lifecycle` | a session's life: created, transferred, back from the queue, ended; get_session_state |
//! | `queue` | assignment and the queue: eligible members, serving order, timeouts |
//! | `messages` | messages in sessions: send_msg, tips, history, edits, streams |
//! | `dedup` | the MsgRandom window and the memory of MsgRandoms seen |
//! | `conversations` | recent contacts and roaming messages |
//! | `cdrs` | call detail records and their query |
//! | `events` | Desk.SessionEventNotify bodies for the app |
//! | `views` | the control API's JSON views |
//!
//! Every refusal is an [`ApiError`](crate::answer::ApiError).

mod cdrs;
mod conversations;
mod dedup;
mod events;
mod lifecycle;
mod members;
mod messages;
mod queue;
mod state;
mod views;

pub use dedup::DedupWindow;
pub use lifecycle::{NO_AGENT_TIP, OUT_OF_HOURS_PROMPT};
pub use state::{
    Agent, BOT_ACCOUNT, DEFAULT_PRIORITY, MemberStatus, Message, NewSession, Peer, ROLE_SYSTEM,
    TransferRequest, WorkingHours, World, is_session_id, session_id_from,
};
