//! Assignment and the queue: which online members a transfer may go to, the least
//! loaded with room, queued sessions in serving order (Priority, then arrival), serving
//! them as capacity appears, and ending those whose QueueTimeout passed.

use super::state::{Agent, MemberStatus, SessionState, Ticket, TransferRequest, World};

impl World {
    /// Gives a session to an agent.
    pub(super) fn assign(&mut self, session_id: &str, agent_id: String) {
        let group = self.agents[&agent_id].group_id;
        let session = self.sessions.get_mut(session_id).expect("an open session");
        session.state = SessionState::WithAgent;
        session.agent = Some(agent_id);
        session.group = Some(group);
        session.ticket = None;
    }

    /// Puts an open session in the queue with the transfer it waits for.
    pub(super) fn enqueue(&mut self, session_id: &str, wanted: TransferRequest, now: u64) {
        self.queue_seq += 1;
        let seq = self.queue_seq;
        let session = self.sessions.get_mut(session_id).expect("an open session");
        session.state = SessionState::Queued;
        session.group = wanted.group;
        session.ticket = Some(Ticket {
            wanted,
            since: now,
            seq,
        });
    }

    /// The online members a transfer may go to, whatever their status and load: the
    /// listed ones, else the group's, else everyone's.
    pub(super) fn online_members(&self, wanted: &TransferRequest) -> Vec<&Agent> {
        let listed: Vec<&Agent> = wanted
            .agents
            .iter()
            .filter_map(|id| self.agents.get(id))
            .filter(|a| a.online)
            .collect();
        if !listed.is_empty() {
            return listed;
        }
        self.agents
            .values()
            .filter(|a| a.online)
            .filter(|a| wanted.group.is_none_or(|g| a.group_id == g))
            .collect()
    }

    /// The least loaded member with room whose status allows the transfer.
    pub(super) fn least_loaded(&self, wanted: &TransferRequest) -> Option<String> {
        self.online_members(wanted)
            .into_iter()
            .filter(|a| match a.status {
                MemberStatus::Free => true,
                MemberStatus::Busy => wanted.allow_busy,
                MemberStatus::Rest => false,
            })
            .map(|a| (self.load(&a.id), &a.id))
            .filter(|(load, id)| *load < self.agents[*id].capacity)
            .min()
            .map(|(_, id)| id.clone())
    }

    /// Assigns queued sessions to agents that have room, in serving order.
    pub(super) fn drain_queue(&mut self) {
        for (_, id) in self.queue() {
            let wanted = self.queued(&id).wanted.clone();
            if let Some(agent_id) = self.least_loaded(&wanted) {
                self.assign(&id, agent_id);
            }
        }
    }

    /// Ends queued sessions whose QueueTimeout has passed (EndStatus TimeoutTransfer).
    pub fn expire_queue(&mut self, now: u64) {
        let expired: Vec<String> = self
            .sessions
            .values()
            .filter(|s| s.ticket.as_ref().is_some_and(|t| t.timed_out(now)))
            .map(|s| s.id.clone())
            .collect();
        for id in expired {
            self.finish(&id, "TimeoutTransfer", now);
        }
    }

    /// The queued sessions in serving order (Priority, then arrival), with their priority.
    pub(super) fn queue(&self) -> Vec<(u8, String)> {
        let mut queued: Vec<((u8, u64), String)> = self
            .sessions
            .values()
            .filter_map(|s| Some((s.ticket.as_ref()?.serving_order(), s.id.clone())))
            .collect();
        queued.sort();
        queued
            .into_iter()
            .map(|((priority, _), id)| (priority, id))
            .collect()
    }

    /// The ticket of a session in [`World::queue`].
    fn queued(&self, session_id: &str) -> &Ticket {
        self.sessions[session_id]
            .ticket
            .as_ref()
            .expect("a queued session has its ticket")
    }
}
