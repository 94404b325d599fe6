//! transfer_to_human and send_msg.

use serde_json::{Map, Value, json};

use super::MsgElement;
use crate::error::{Error, Result};

/// A request to hand a session over from the chatbot to a human agent.
///
/// Made with [`TransferToHuman::new`] and the setters (or by assigning the public
/// fields); new documented fields are added without breaking code that builds it so.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct TransferToHuman {
    /// SessionId (required).
    pub session_id: String,
    /// AgentIdList: preferred agents, the first online one with room takes it.
    pub agent_ids: Vec<String>,
    /// AgentGroupId: the agent group; the default policy applies when `None`.
    pub agent_group_id: Option<u64>,
    /// SendTipIfNoAgentOnline: tell the user when no agent is online.
    pub send_tip_if_no_agent_online: bool,
    /// CheckIfDuringWorkingHours: transfer only during the configured working hours.
    pub check_if_during_working_hours: bool,
    /// SendPromptNotDuringWorkingHours: send the out-of-hours prompt outside them.
    pub send_prompt_not_during_working_hours: bool,
    /// EndSessionWhenNoMemberOnline: end the session when no member is online.
    pub end_session_when_no_member_online: bool,
    /// DisableQueuing: do not queue; answer "agents busy" when every eligible member is
    /// at its reception limit.
    pub disable_queuing: bool,
    /// AllowAssignBusyMember: members in the busy (示忙) status may be assigned.
    pub allow_assign_busy_member: bool,
    /// Priority: the queue priority when the session queues, lower first, within the bounds
    /// of [`crate::model::TRANSFER_TO_HUMAN`].
    pub priority: Option<u8>,
    /// QueueTimeout: how long the session may wait in the queue (the page's description
    /// of this field was not readable; the emulator takes it as seconds).
    pub queue_timeout: Option<u32>,
}

impl TransferToHuman {
    /// A transfer of `session_id` by the default policy.
    pub fn new(session_id: impl Into<String>) -> Self {
        Self {
            session_id: session_id.into(),
            ..Self::default()
        }
    }

    /// Prefers these agents (AgentIdList).
    pub fn agent_ids(mut self, ids: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.agent_ids = ids.into_iter().map(Into::into).collect();
        self
    }

    /// Transfers within this group (AgentGroupId).
    pub fn agent_group_id(mut self, group: u64) -> Self {
        self.agent_group_id = Some(group);
        self
    }

    /// Sets the queue priority (Priority, lower first); checked against the model before
    /// sending.
    pub fn priority(mut self, priority: u8) -> Self {
        self.priority = Some(priority);
        self
    }

    /// Sets how long the session may queue (QueueTimeout).
    pub fn queue_timeout(mut self, timeout: u32) -> Self {
        self.queue_timeout = Some(timeout);
        self
    }

    /// The 0/1 switches of the request, by wire name, with their values.
    fn flags(&self) -> [(&'static str, bool); 6] {
        [
            ("SendTipIfNoAgentOnline", self.send_tip_if_no_agent_online),
            (
                "CheckIfDuringWorkingHours",
                self.check_if_during_working_hours,
            ),
            (
                "SendPromptNotDuringWorkingHours",
                self.send_prompt_not_during_working_hours,
            ),
            (
                "EndSessionWhenNoMemberOnline",
                self.end_session_when_no_member_online,
            ),
            ("DisableQueuing", self.disable_queuing),
            ("AllowAssignBusyMember", self.allow_assign_busy_member),
        ]
    }

    /// The request body; refuses what the server would refuse.
    pub(crate) fn to_body(&self) -> Result<Value> {
        require_session_id(&self.session_id)?;
        if let Some(i) = self.agent_ids.iter().position(String::is_empty) {
            return Err(Error::invalid_argument(
                &format!("AgentIdList[{i}]"),
                "must not be empty",
            ));
        }
        let mut body = json!({"SessionId": self.session_id});
        if !self.agent_ids.is_empty() {
            body["AgentIdList"] = json!(self.agent_ids);
        }
        if let Some(group) = self.agent_group_id {
            body["AgentGroupId"] = json!(group);
        }
        for (name, on) in self.flags() {
            if on {
                body[name] = json!(1);
            }
        }
        if let Some(priority) = self.priority {
            body["Priority"] = json!(priority);
        }
        if let Some(timeout) = self.queue_timeout {
            body["QueueTimeout"] = json!(timeout);
        }
        crate::model::TRANSFER_TO_HUMAN.check_object(&body)?;
        Ok(body)
    }
}

/// The outcome of a transfer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transfer {
    /// AgentId: the assigned agent (empty while queued).
    pub agent_id: String,
    /// IsInQueue: the session waits for an agent with room.
    pub in_queue: bool,
}

impl Transfer {
    pub(crate) fn from_answer(answer: &Value) -> Self {
        Self {
            agent_id: answer["AgentId"].as_str().unwrap_or_default().to_owned(),
            in_queue: answer["IsInQueue"].as_u64() == Some(1),
        }
    }
}

/// Whom a message goes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MsgTarget {
    /// Within a session (SessionId).
    Session(String),
    /// From a customer-service account to a user (FromAccount, ToAccount), for the
    /// "application/client" integration.
    Accounts {
        /// FromAccount: a customer-service account.
        from: String,
        /// ToAccount: the user.
        to: String,
    },
}

impl MsgTarget {
    /// The target a caller named with optional parts: `session_id`, or `from_account` and
    /// `to_account` together (the bindings' argument names).
    pub fn from_parts(
        session_id: Option<String>,
        from_account: Option<String>,
        to_account: Option<String>,
    ) -> Result<Self> {
        match (session_id, from_account, to_account) {
            (Some(id), None, None) => Ok(Self::Session(id)),
            (None, Some(from), Some(to)) => Ok(Self::Accounts { from, to }),
            _ => Err(Error::invalid_argument(
                "session_id",
                "give session_id, or both from_account and to_account",
            )),
        }
    }
}

/// A message to send.
#[derive(Debug, Clone, PartialEq)]
pub struct SendMsg {
    /// Where it goes.
    pub target: MsgTarget,
    /// MsgRandom, the deduplication key (the server deduplicates it within the same
    /// second only); generated when `None`, and kept when the client repeats the message.
    pub msg_random: Option<u32>,
    /// MsgBody: at least one element.
    pub body: Vec<MsgElement>,
    /// CloudCustomData.
    pub cloud_custom_data: Option<String>,
    /// ExcludeFromUserRespTimeout: do not count this message in the user-reply timeout.
    pub exclude_from_user_resp_timeout: bool,
}

impl SendMsg {
    /// A message within a session.
    pub fn in_session(session_id: impl Into<String>, body: Vec<MsgElement>) -> Self {
        Self::new(MsgTarget::Session(session_id.into()), body)
    }

    /// A message from a customer-service account to a user.
    pub fn between(from: impl Into<String>, to: impl Into<String>, body: Vec<MsgElement>) -> Self {
        Self::new(
            MsgTarget::Accounts {
                from: from.into(),
                to: to.into(),
            },
            body,
        )
    }

    fn new(target: MsgTarget, body: Vec<MsgElement>) -> Self {
        Self {
            target,
            msg_random: None,
            body,
            cloud_custom_data: None,
            exclude_from_user_resp_timeout: false,
        }
    }

    /// The request body with `msg_random`; refuses what the server would refuse (its size
    /// is checked against the model when it is sent).
    pub(crate) fn to_body(&self, msg_random: u32) -> Result<Vec<u8>> {
        if self.body.is_empty() {
            return Err(Error::invalid_argument(
                "MsgBody",
                "must hold at least one element",
            ));
        }
        let mut body = Map::new();
        match &self.target {
            MsgTarget::Session(id) => {
                require_session_id(id)?;
                body.insert("SessionId".into(), json!(id));
            }
            MsgTarget::Accounts { from, to } => {
                for (field, value) in [("FromAccount", from), ("ToAccount", to)] {
                    if value.is_empty() {
                        return Err(Error::invalid_argument(field, "must not be empty"));
                    }
                }
                body.insert("FromAccount".into(), json!(from));
                body.insert("ToAccount".into(), json!(to));
            }
        }
        body.insert("MsgRandom".into(), json!(msg_random));
        body.insert(
            "MsgBody".into(),
            Value::Array(self.body.iter().map(MsgElement::to_json).collect()),
        );
        if let Some(data) = &self.cloud_custom_data {
            body.insert("CloudCustomData".into(), json!(data));
        }
        if self.exclude_from_user_resp_timeout {
            body.insert("ExcludeFromUserRespTimeout".into(), json!(1));
        }
        serde_json::to_vec(&body).map_err(|e| Error::invalid_argument("MsgBody", e))
    }
}

/// A message the server accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SentMsg {
    /// The MsgRandom it carried (generated when none was given).
    pub msg_random: u32,
}

/// Refuses an empty SessionId.
pub(crate) fn require_session_id(session_id: &str) -> Result<()> {
    if session_id.trim().is_empty() {
        return Err(Error::invalid_argument("SessionId", "must not be empty"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation_names_the_field_and_the_rule() {
        let cases = [
            (
                SendMsg::in_session("", vec![MsgElement::text("x")])
                    .to_body(1)
                    .unwrap_err(),
                "SessionId: must not be empty",
            ),
            (
                SendMsg::in_session("s", vec![]).to_body(1).unwrap_err(),
                "MsgBody: must hold at least one element",
            ),
            (
                SendMsg::between("", "u", vec![MsgElement::text("x")])
                    .to_body(1)
                    .unwrap_err(),
                "FromAccount: must not be empty",
            ),
            (
                TransferToHuman::new(" ").to_body().unwrap_err(),
                "SessionId",
            ),
            (
                TransferToHuman::new("s")
                    .priority(10)
                    .to_body()
                    .unwrap_err(),
                "Priority: must be 0 to 9, not 10",
            ),
        ];
        for (err, needle) in cases {
            assert_eq!(err.kind(), crate::ErrorKind::InvalidArgument);
            assert!(err.to_string().contains(needle), "{err}");
        }
    }

    #[test]
    fn bodies_carry_the_server_field_names() {
        let mut msg = SendMsg::between("@cs", "user45", vec![MsgElement::text("hi")]);
        msg.cloud_custom_data = Some("ccd".into());
        msg.exclude_from_user_resp_timeout = true;
        let body: Value = serde_json::from_slice(&msg.to_body(82139).unwrap()).unwrap();
        assert_eq!(
            body,
            json!({"FromAccount": "@cs", "ToAccount": "user45", "MsgRandom": 82139,
            "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "hi"}}],
            "CloudCustomData": "ccd", "ExcludeFromUserRespTimeout": 1})
        );
        let mut t = TransferToHuman::new("s")
            .agent_ids(["a"])
            .agent_group_id(2473)
            .priority(0)
            .queue_timeout(3600);
        t.send_tip_if_no_agent_online = true;
        assert_eq!(
            t.to_body().unwrap(),
            json!({"SessionId": "s", "AgentIdList": ["a"], "AgentGroupId": 2473,
                "SendTipIfNoAgentOnline": 1, "Priority": 0, "QueueTimeout": 3600})
        );
        let mut every = TransferToHuman::new("s");
        every.check_if_during_working_hours = true;
        every.send_prompt_not_during_working_hours = true;
        every.end_session_when_no_member_online = true;
        every.disable_queuing = true;
        every.allow_assign_busy_member = true;
        let body = every.to_body().unwrap();
        for name in [
            "CheckIfDuringWorkingHours",
            "SendPromptNotDuringWorkingHours",
            "EndSessionWhenNoMemberOnline",
            "DisableQueuing",
            "AllowAssignBusyMember",
        ] {
            assert_eq!(body[name], 1, "{name}");
        }
    }
}
