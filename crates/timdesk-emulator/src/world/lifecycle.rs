//! The session lifecycle: a session begins in chatbot reception (or with an agent, by
//! contact_user), is transferred to a human (taken by an agent, or queued), may leave
//! the queue back to the chatbot, and ends, leaving its CDR. get_session_state reads
//! where it is.
//!
//! | state | get_session_state's CurrentState |
//! |---|---|
//! | (none open) | NotInSession |
//! | [`SessionState::ChatbotReception`] | Chatbot |
//! | [`SessionState::Queued`] | Queueing |
//! | [`SessionState::WithAgent`] | Agent |

use std::collections::BTreeSet;

use serde_json::{Value, json};

use super::state::{NewSession, Session, SessionState, TransferRequest, World, is_session_id};
use crate::answer::{ApiError, echo};

/// The text of the desk's tip when no agent is online.
pub const NO_AGENT_TIP: &str = "No agent is online at the moment. Please try again later.";
/// The text of the desk's prompt outside working hours.
pub const OUT_OF_HOURS_PROMPT: &str =
    "We are outside our working hours. An agent will be with you when we open.";

/// The result of a transfer to a human.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    /// The agent, empty while queued.
    pub agent_id: String,
    /// Whether the session waits in the queue.
    pub in_queue: bool,
}

/// get_session_state's CurrentState for a session state.
fn current_state(state: SessionState) -> &'static str {
    match state {
        SessionState::ChatbotReception => "Chatbot",
        SessionState::Queued => "Queueing",
        SessionState::WithAgent => "Agent",
        SessionState::Ended => "NotInSession",
    }
}

impl World {
    /// Creates a session in chatbot reception and returns its SessionId (notified as
    /// `SessionBegin`).
    pub fn create_session(
        &mut self,
        new: NewSession,
        now: u64,
        fresh_id: impl FnOnce() -> String,
    ) -> Result<String, ApiError> {
        let id = self.insert_session(new, now, fresh_id)?;
        self.session_event(&id, "SessionBegin", None, now);
        Ok(id)
    }

    /// Creates a session in chatbot reception without notifying it: 141006 for an id that
    /// is not a SessionId, 141004 for one in use.
    fn insert_session(
        &mut self,
        new: NewSession,
        now: u64,
        fresh_id: impl FnOnce() -> String,
    ) -> Result<String, ApiError> {
        let id = new.id.unwrap_or_else(fresh_id);
        if !is_session_id(&id) {
            return Err(ApiError::new(
                141_006,
                format!("{:?} is not a SessionId (a UUID)", echo(&id)),
            ));
        }
        if self.sessions.contains_key(&id) {
            return Err(ApiError::invalid(format!("session {} exists", echo(&id))));
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
                ticket: None,
                started_at: new.started_at.unwrap_or(now),
                satisfaction: new.satisfaction.unwrap_or(0),
                contact_user: false,
                messages: Vec::new(),
                seen: Default::default(),
                open_streams: BTreeSet::new(),
            },
        );
        self.session_order.push(id.clone());
        Ok(id)
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
                141_003,
                format!(
                    "session {} is {} and cannot be transferred",
                    echo(session_id),
                    state.name()
                ),
            ));
        }
        if let Some(g) = request.group {
            if !self.groups.contains_key(&g) {
                return Err(ApiError::new(
                    141_004,
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
            return Err(ApiError::new(
                141_001,
                "no agent online to take the session",
            ));
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
                141_012,
                "every eligible agent is at its reception limit and queueing is disabled",
            ));
        }
        self.enqueue(session_id, request, now);
        Ok(Assignment {
            agent_id: String::new(),
            in_queue: true,
        })
    }

    /// end_queuing: a queueing session goes back to the chatbot.
    pub fn end_queuing(&mut self, session_id: &str) -> Result<(), ApiError> {
        let session = self.open_session(session_id)?;
        if session.state != SessionState::Queued {
            return Err(ApiError::new(
                141_027,
                format!("session {} is not queueing", echo(session_id)),
            ));
        }
        session.state = SessionState::ChatbotReception;
        session.ticket = None;
        Ok(())
    }

    /// contact_user: an agent starts a session with a user; returns the agent.
    pub fn contact_user(
        &mut self,
        user: &str,
        group: Option<u64>,
        member: Option<&str>,
        now: u64,
        fresh_id: impl FnOnce() -> String,
    ) -> Result<String, ApiError> {
        if let Some(open) = self
            .sessions
            .values()
            .find(|s| s.user == user && s.state != SessionState::Ended)
        {
            return Err(ApiError::new(
                141_003,
                format!("user {:?} is already in session {}", echo(user), open.id),
            ));
        }
        let agent = match member {
            Some(id) => {
                let agent = self
                    .agents
                    .get(id)
                    .ok_or_else(|| ApiError::new(141_010, format!("no member {:?}", echo(id))))?;
                if !agent.online {
                    return Err(ApiError::new(
                        141_011,
                        format!("member {:?} is offline", echo(id)),
                    ));
                }
                if self.load(id) >= agent.capacity {
                    return Err(ApiError::new(
                        141_012,
                        format!("member {:?} is at its reception limit", echo(id)),
                    ));
                }
                id.to_owned()
            }
            None => {
                let wanted = TransferRequest {
                    group,
                    ..TransferRequest::default()
                };
                self.least_loaded(&wanted).ok_or_else(|| {
                    ApiError::new(141_001, "no member online with room to contact the user")
                })?
            }
        };
        let new = NewSession {
            id: None,
            user: user.to_owned(),
            nickname: None,
            channel: Some("SDK".into()),
            started_at: Some(now),
            satisfaction: None,
        };
        // The SessionId is the emulator's own: one it cannot use is an internal error.
        let id = self
            .insert_session(new, now, fresh_id)
            .map_err(|e| ApiError::new(141_002, e.info))?;
        self.assign(&id, agent.clone());
        if let Some(session) = self.sessions.get_mut(&id) {
            session.contact_user = true;
        }
        self.session_event(&id, "SessionBegin", None, now);
        Ok(agent)
    }

    /// get_session_state by SessionId, or the user's latest open session.
    pub fn session_state(
        &self,
        session_id: Option<&str>,
        user: Option<&str>,
    ) -> Result<Value, ApiError> {
        let session = match (session_id, user) {
            (Some(id), _) => Some(self.session(id)?),
            (None, Some(user)) => self
                .session_order
                .iter()
                .rev()
                .filter_map(|id| self.sessions.get(id))
                .find(|s| s.user == user && s.state != SessionState::Ended),
            (None, None) => {
                return Err(ApiError::new(
                    141_004,
                    "give SessionId, or ClientUserId and CustomerServiceId",
                ));
            }
        };
        Ok(match session {
            None => json!({"SessionId": "", "CurrentState": "NotInSession", "AgentId": ""}),
            Some(s) => json!({
                "SessionId": s.id,
                "CurrentState": current_state(s.state),
                "AgentId": if s.state == SessionState::WithAgent { s.agent.clone().unwrap_or_default() } else { String::new() },
            }),
        })
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
    pub(super) fn finish(&mut self, session_id: &str, end_status: &str, now: u64) {
        let Some(session) = self.sessions.get_mut(session_id) else {
            return;
        };
        session.state = SessionState::Ended;
        session.ticket = None;
        let session = session.clone();
        self.record_cdr(&session, end_status, now);
        self.drain_queue();
    }
}
