//! Members (agents) and their groups: adding them, their presence and status, and the
//! load each carries. A change that frees capacity serves the queue.

use super::state::{Agent, MemberStatus, SessionState, World};
use crate::answer::{ApiError, echo};

impl World {
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
    pub fn set_agent_online(&mut self, id: &str, online: bool) -> Result<(), ApiError> {
        self.agent_mut(id)?.online = online;
        self.drain_queue();
        Ok(())
    }

    /// Sets an agent's status (free, busy, rest).
    pub fn set_agent_status(&mut self, id: &str, status: MemberStatus) -> Result<(), ApiError> {
        self.agent_mut(id)?.status = status;
        self.drain_queue();
        Ok(())
    }

    /// A member, or 141010 (the member does not exist).
    fn agent_mut(&mut self, id: &str) -> Result<&mut Agent, ApiError> {
        self.agents
            .get_mut(id)
            .ok_or_else(|| ApiError::new(141_010, format!("no agent {:?}", echo(id))))
    }

    /// How many sessions an agent holds now.
    pub(super) fn load(&self, agent_id: &str) -> u32 {
        self.sessions
            .values()
            .filter(|s| s.state == SessionState::WithAgent && s.agent.as_deref() == Some(agent_id))
            .count() as u32
    }
}
