//! Messages in sessions: storing them under fresh MsgKeys, send_msg in a session or
//! between two accounts (deduplicated by MsgRandom), the desk's tips, the user and the
//! agent as the control API plays them, history pages, edits and streamed messages.

use serde_json::{Value, json};

use super::state::{BOT_ACCOUNT, Message, ROLE_AGENT, ROLE_SYSTEM, ROLE_USER, SessionState, World};
use crate::answer::{ApiError, echo};

/// A MsgBody of one text element.
fn text_body(text: &str) -> Value {
    json!([{"MsgType": "TIMTextElem", "MsgContent": {"Text": text}}])
}

impl World {
    /// send_msg within a session. A MsgRandom repeated within the dedup window is
    /// accepted and stored once.
    pub fn send_in_session(
        &mut self,
        session_id: &str,
        mut message: Message,
    ) -> Result<(), ApiError> {
        let window = self.dedup;
        let session = self.open_session(session_id)?;
        if !session.seen.admit(message.msg_random, message.time, window) {
            return Ok(());
        }
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
                    141_004,
                    format!("{field} {:?} has not been imported", echo(account)),
                ));
            }
        }
        let key = (message.from.clone(), message.to.clone(), message.msg_random);
        if self.direct_seen.admit(key, message.time, self.dedup) {
            self.deliver(message);
        }
        Ok(())
    }

    /// Stores `message` in an open session under a fresh MsgKey, which it returns.
    /// In chatbot reception, a user's message is notified as `ChatBot.UserSendMsg` and the
    /// app's (the bot's) as `ChatBot.RobotSendMsg`.
    pub(super) fn store(&mut self, session_id: &str, mut message: Message) -> String {
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

    /// The next MsgKey: `{sequence}_{random}_{time}`, unique in the emulator.
    fn next_msg_key(&mut self, random: u64, time: u64) -> String {
        self.msg_seq += 1;
        format!("{}_{random}_{time}", self.msg_seq)
    }

    /// Stores one of the desk's own notices in a session.
    pub(super) fn tip(&mut self, session_id: &str, text: &str, now: u64) {
        let Some(user) = self.sessions.get(session_id).map(|s| s.user.clone()) else {
            return;
        };
        let message = Message {
            from: BOT_ACCOUNT.into(),
            to: user,
            msg_random: 0,
            body: text_body(text),
            cloud_custom_data: None,
            exclude_from_user_resp_timeout: false,
            kind: "tip",
            time: now,
            msg_key: String::new(),
            role: ROLE_SYSTEM,
        };
        self.store(session_id, message);
    }

    /// A text message from the session's user (`agent` false) or its agent, as the
    /// control API plays them; returns its MsgKey.
    pub fn play_message(
        &mut self,
        session_id: &str,
        agent: bool,
        text: &str,
        now: u64,
    ) -> Result<String, ApiError> {
        let session = self.open_session(session_id)?;
        let (from, to, role) = if agent {
            let agent = session
                .agent
                .clone()
                .filter(|_| session.state == SessionState::WithAgent)
                .ok_or_else(|| {
                    ApiError::invalid(format!("session {} has no agent", echo(session_id)))
                })?;
            (agent, session.user.clone(), ROLE_AGENT)
        } else {
            (session.user.clone(), BOT_ACCOUNT.to_owned(), ROLE_USER)
        };
        let message = Message {
            from,
            to,
            msg_random: 0,
            body: text_body(text),
            cloud_custom_data: None,
            exclude_from_user_resp_timeout: false,
            kind: "message",
            time: now,
            msg_key: String::new(),
            role,
        };
        Ok(self.store(session_id, message))
    }

    /// describe_chat_messages: (total, the page) in `ascending` or descending time order.
    pub fn chat_messages(
        &self,
        session_id: &str,
        offset: usize,
        limit: usize,
        ascending: bool,
    ) -> Result<(usize, Vec<Value>), ApiError> {
        let session = self.session(session_id)?;
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
                    141_004,
                    format!(
                        "no message {:?} in session {}",
                        echo(msg_key),
                        echo(session_id)
                    ),
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
                    body: text_body(""),
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
                141_004,
                format!(
                    "MsgKey {:?} is not an open stream of session {}",
                    echo(&key),
                    echo(session_id)
                ),
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
}
