//! The conversation endpoints beyond the first five: session state, the queue, message
//! history, streamed and edited messages, and an agent contacting a user. State lives in
//! [`World`]; the choices the docs leave open are rows of `assumptions.rs`.

use serde_json::{Value, json};

use crate::answer::ApiError;
use crate::world::{
    BOT_ACCOUNT, Message, NewSession, ROLE_AGENT, ROLE_SYSTEM, ROLE_USER, SessionState,
    TransferRequest, World,
};

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
    /// A text message from the session's user (`agent` false) or its agent, as the
    /// control API plays them; returns its MsgKey.
    pub fn play_message(
        &mut self,
        session_id: &str,
        agent: bool,
        text: &str,
        now: u64,
    ) -> Result<String, String> {
        let session = self.open_session(session_id).map_err(|e| e.info)?;
        let (from, to, role) = if agent {
            let agent = session
                .agent
                .clone()
                .filter(|_| session.state == SessionState::WithAgent)
                .ok_or_else(|| format!("session {session_id} has no agent"))?;
            (agent, session.user.clone(), ROLE_AGENT)
        } else {
            (session.user.clone(), BOT_ACCOUNT.to_owned(), ROLE_USER)
        };
        let message = Message {
            from,
            to,
            msg_random: 0,
            body: json!([{"MsgType": "TIMTextElem", "MsgContent": {"Text": text}}]),
            cloud_custom_data: None,
            exclude_from_user_resp_timeout: false,
            kind: "message",
            time: now,
            msg_key: String::new(),
            role,
        };
        Ok(self.store(session_id, message))
    }

    /// get_session_state by SessionId, or the user's latest open session.
    pub fn session_state(
        &self,
        session_id: Option<&str>,
        user: Option<&str>,
    ) -> Result<Value, ApiError> {
        let session =
            match (session_id, user) {
                (Some(id), _) => Some(self.sessions.get(id).ok_or_else(|| {
                    ApiError::new(141005, format!("session {id} does not exist"))
                })?),
                (None, Some(user)) => self
                    .session_order()
                    .iter()
                    .rev()
                    .filter_map(|id| self.sessions.get(id))
                    .find(|s| s.user == user && s.state != SessionState::Ended),
                (None, None) => {
                    return Err(ApiError::new(
                        141004,
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

    /// end_queuing: a queueing session goes back to the chatbot.
    pub fn end_queuing(&mut self, session_id: &str) -> Result<(), ApiError> {
        let session = self.open_session(session_id)?;
        if session.state != SessionState::Queued {
            return Err(ApiError::new(
                141027,
                format!("session {session_id} is not queueing"),
            ));
        }
        session.state = SessionState::ChatbotReception;
        Ok(())
    }

    /// describe_chat_messages: (total, the page) in `ascending` or descending time order.
    pub fn chat_messages(
        &self,
        session_id: &str,
        offset: usize,
        limit: usize,
        ascending: bool,
    ) -> Result<(usize, Vec<Value>), ApiError> {
        let session = self
            .sessions
            .get(session_id)
            .ok_or_else(|| ApiError::new(141005, format!("session {session_id} does not exist")))?;
        let ordered: Vec<&Message> = if ascending {
            session.messages.iter().collect()
        } else {
            session.messages.iter().rev().collect()
        };
        let page = ordered
            .iter()
            .skip(offset)
            .take(limit)
            .map(|m| {
                json!({
                    "FromAccount": m.from,
                    "FromAccountRole": m.role,
                    "MsgBody": m.body,
                    "Timestamp": m.time * 1000,
                })
            })
            .collect();
        Ok((session.messages.len(), page))
    }

    /// modify_msg: replaces a stored message's body (and CloudCustomData when given).
    pub fn modify_message(
        &mut self,
        session_id: &str,
        msg_key: &str,
        body: Value,
        cloud_custom_data: Option<String>,
    ) -> Result<(), ApiError> {
        let session = self.open_session(session_id)?;
        let message = session
            .messages
            .iter_mut()
            .find(|m| m.msg_key == msg_key)
            .ok_or_else(|| {
                ApiError::new(
                    141004,
                    format!("no message {msg_key:?} in session {session_id}"),
                )
            })?;
        message.body = body;
        if cloud_custom_data.is_some() {
            message.cloud_custom_data = cloud_custom_data;
        }
        Ok(())
    }

    /// send_stream_msg: the first chunk starts a text message (its MsgKey is returned),
    /// later chunks with that MsgKey append to it, and `finish` closes it.
    pub fn stream_chunk(
        &mut self,
        session_id: &str,
        msg_key: Option<&str>,
        chunk: &str,
        finish: bool,
        cloud_custom_data: Option<String>,
        now: u64,
    ) -> Result<String, ApiError> {
        let user = self.open_session(session_id)?.user.clone();
        let key = match msg_key {
            None => self.store(
                session_id,
                Message {
                    from: BOT_ACCOUNT.into(),
                    to: user,
                    msg_random: 0,
                    body: json!([{"MsgType": "TIMTextElem", "MsgContent": {"Text": ""}}]),
                    cloud_custom_data: None,
                    exclude_from_user_resp_timeout: false,
                    kind: "stream",
                    time: now,
                    msg_key: String::new(),
                    role: ROLE_SYSTEM,
                },
            ),
            Some(key) => key.to_owned(),
        };
        let session = self.open_session(session_id)?;
        if msg_key.is_none() {
            session.open_streams.insert(key.clone());
        } else if !session.open_streams.contains(&key) {
            return Err(ApiError::new(
                141004,
                format!("MsgKey {key:?} is not an open stream of session {session_id}"),
            ));
        }
        let message = session
            .messages
            .iter_mut()
            .find(|m| m.msg_key == key)
            .expect("an open stream has its message");
        let text = message.body[0]["MsgContent"]["Text"]
            .as_str()
            .unwrap_or("")
            .to_owned()
            + chunk;
        message.body[0]["MsgContent"]["Text"] = json!(text);
        if cloud_custom_data.is_some() {
            message.cloud_custom_data = cloud_custom_data;
        }
        if finish {
            session.open_streams.remove(&key);
        }
        Ok(key)
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
                141003,
                format!("user {user:?} is already in session {}", open.id),
            ));
        }
        let agent = match member {
            Some(id) => {
                let agent = self
                    .agents
                    .get(id)
                    .ok_or_else(|| ApiError::new(141010, format!("no member {id:?}")))?;
                if !agent.online {
                    return Err(ApiError::new(141011, format!("member {id:?} is offline")));
                }
                if self.load(id) >= agent.capacity {
                    return Err(ApiError::new(
                        141012,
                        format!("member {id:?} is at its reception limit"),
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
                    ApiError::new(141001, "no member online with room to contact the user")
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
        let id = self
            .insert_session(new, now, fresh_id)
            .map_err(|e| ApiError::new(141002, e))?;
        self.assign(&id, agent.clone());
        if let Some(session) = self.sessions.get_mut(&id) {
            session.contact_user = true;
        }
        self.session_event(&id, "SessionBegin", None, now);
        Ok(agent)
    }
}
