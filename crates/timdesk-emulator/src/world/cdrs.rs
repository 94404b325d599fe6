//! Call detail records: the record a session leaves when it ends, and the query
//! describe_im_cdr_list pages through.

use serde_json::{Value, json};

use super::state::{Session, World};

impl World {
    /// Writes the CDR of `session`, ended now with `end_status`.
    pub(super) fn record_cdr(&mut self, session: &Session, end_status: &str, now: u64) {
        let group_name = session
            .group
            .and_then(|g| self.groups.get(&g))
            .cloned()
            .unwrap_or_default();
        self.cdrs.push(json!({
            "SessionId": session.id,
            "AgentGroupId": session.group.map(|g| g.to_string()).unwrap_or_default(),
            "AgentGroupName": group_name,
            "AgentId": session.agent.clone().unwrap_or_default(),
            "ChannelType": session.channel,
            "ClientUserId": session.user,
            "ClientUserNickName": session.nickname,
            "Duration": now.saturating_sub(session.started_at),
            "EndStatus": end_status,
            "SatisfactionSelected": session.satisfaction,
            "Timestamp": session.started_at,
        }));
    }

    /// CDRs whose Timestamp lies in `[start, end]`, optionally of one user: (total, page).
    pub fn cdrs(
        &self,
        start: u64,
        end: u64,
        user: Option<&str>,
        offset: usize,
        limit: usize,
    ) -> (usize, Vec<Value>) {
        let mut matching: Vec<&Value> = self
            .cdrs
            .iter()
            .filter(|c| {
                c["Timestamp"]
                    .as_u64()
                    .is_some_and(|t| (start..=end).contains(&t))
            })
            .filter(|c| user.is_none_or(|u| c["ClientUserId"] == u))
            .collect();
        matching.sort_by_key(|c| c["Timestamp"].as_u64());
        let page = matching
            .iter()
            .skip(offset)
            .take(limit)
            .map(|c| (*c).clone())
            .collect();
        (matching.len(), page)
    }
}
