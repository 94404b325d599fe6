//! The control API's JSON views of the world: sessions with their messages, agents with
//! their load, the queue, a user's conversations, CDRs and accounts. Read-only.

use serde_json::{Value, json};

use super::state::{Message, Peer, World};

impl Message {
    /// The message as the control API shows it.
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

impl World {
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
                        "status": a.status.name(),
                        "capacity": a.capacity,
                        "active_sessions": self.load(&a.id),
                    })
                })
                .collect(),
        )
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
}

/// One conversation as the control API shows it.
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
