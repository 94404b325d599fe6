//! The session events the world tells the app about: Desk.SessionEventNotify bodies,
//! handed to the notifier when a test set a callback URL.

use serde_json::json;

use super::state::{BOT_ACCOUNT, Message, World};

impl World {
    /// Sends Desk.SessionEventNotify for `session_id` when a callback URL is set; only the
    /// event names the docs give are sent (see the assumption `session_events`).
    pub(super) fn session_event(
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
}
