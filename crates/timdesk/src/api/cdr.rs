//! describe_im_cdr_list: session service records.

use std::fmt;

use serde_json::{Value, json};

use crate::error::{Error, Result};

/// A query for one page of CDR records.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CdrQuery {
    /// StartTimestamp (Unix seconds, inclusive).
    pub start: u64,
    /// EndTimestamp (Unix seconds, inclusive).
    pub end: u64,
    /// Limit: records per page, within the bounds of [`crate::model::DESCRIBE_IM_CDR_LIST`]
    /// (checked before sending; the server's default when None).
    pub limit: Option<u32>,
    /// Offset into the matching records.
    pub offset: Option<u32>,
    /// ClientUserId: only this user's sessions.
    pub client_user_id: Option<String>,
}

impl CdrQuery {
    /// Records whose session time lies in `[start, end]`.
    pub fn new(start: u64, end: u64) -> Self {
        Self {
            start,
            end,
            ..Self::default()
        }
    }

    /// Refuses a window whose start is after its end.
    pub(crate) fn check_window(&self) -> Result<()> {
        if self.start > self.end {
            return Err(Error::invalid_argument(
                "StartTimestamp",
                format!("{} is after EndTimestamp {}", self.start, self.end),
            ));
        }
        Ok(())
    }

    pub(crate) fn to_body(&self) -> Result<Value> {
        self.check_window()?;
        let mut body = json!({"StartTimestamp": self.start, "EndTimestamp": self.end});
        if let Some(limit) = self.limit {
            body["Limit"] = json!(limit);
        }
        if let Some(offset) = self.offset {
            body["Offset"] = json!(offset);
        }
        if let Some(user) = &self.client_user_id {
            if user.is_empty() {
                return Err(Error::invalid_argument(
                    "ClientUserId",
                    "must not be empty when given",
                ));
            }
            body["ClientUserId"] = json!(user);
        }
        crate::model::DESCRIBE_IM_CDR_LIST.check_object(&body)?;
        Ok(body)
    }
}

/// One page of CDR records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CdrPage {
    /// TotalCount: records matching the query, over all pages.
    pub total_count: u64,
    /// IMCdrList: this page's records.
    pub records: Vec<CdrRecord>,
}

impl CdrPage {
    /// The page as the server sends it: `{"TotalCount": …, "IMCdrList": [...]}`.
    pub fn to_json(&self) -> Value {
        let records: Vec<Value> = self.records.iter().map(CdrRecord::to_json).collect();
        json!({"TotalCount": self.total_count, "IMCdrList": records})
    }

    pub(crate) fn from_answer(answer: &Value) -> Self {
        let records = answer["IMCdrList"]
            .as_array()
            .map(|list| list.iter().map(CdrRecord::from_json).collect())
            .unwrap_or_default();
        Self {
            total_count: answer["TotalCount"].as_u64().unwrap_or(0),
            records,
        }
    }
}

/// How a session ended (EndStatus).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum EndStatus {
    /// AgentEndedSession.
    AgentEndedSession,
    /// UserEndedSession.
    UserEndedSession,
    /// UserTimeout: the user did not reply in time.
    UserTimeout,
    /// AgentTimeout: the agent did not reply in time.
    AgentTimeout,
    /// ChatbotReception: the chatbot served the user.
    ChatbotReception,
    /// NoAgentsOnline.
    NoAgentsOnline,
    /// TimeoutTransfer: no agent became available in time.
    TimeoutTransfer,
    /// ManualTransfer.
    ManualTransfer,
    /// UserAbandonedDuringQueueing.
    UserAbandonedDuringQueueing,
    /// A value this library does not know, kept as sent.
    Other(String),
}

impl EndStatus {
    /// Parses the server's text.
    pub fn parse(text: &str) -> Self {
        match text {
            "AgentEndedSession" => Self::AgentEndedSession,
            "UserEndedSession" => Self::UserEndedSession,
            "UserTimeout" => Self::UserTimeout,
            "AgentTimeout" => Self::AgentTimeout,
            "ChatbotReception" => Self::ChatbotReception,
            "NoAgentsOnline" => Self::NoAgentsOnline,
            "TimeoutTransfer" => Self::TimeoutTransfer,
            "ManualTransfer" => Self::ManualTransfer,
            "UserAbandonedDuringQueueing" => Self::UserAbandonedDuringQueueing,
            other => Self::Other(other.to_owned()),
        }
    }

    /// The server's text.
    pub fn as_str(&self) -> &str {
        match self {
            Self::AgentEndedSession => "AgentEndedSession",
            Self::UserEndedSession => "UserEndedSession",
            Self::UserTimeout => "UserTimeout",
            Self::AgentTimeout => "AgentTimeout",
            Self::ChatbotReception => "ChatbotReception",
            Self::NoAgentsOnline => "NoAgentsOnline",
            Self::TimeoutTransfer => "TimeoutTransfer",
            Self::ManualTransfer => "ManualTransfer",
            Self::UserAbandonedDuringQueueing => "UserAbandonedDuringQueueing",
            Self::Other(text) => text,
        }
    }
}

impl fmt::Display for EndStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A session service record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CdrRecord {
    /// SessionId.
    pub session_id: String,
    /// AgentGroupId.
    pub agent_group_id: String,
    /// AgentGroupName.
    pub agent_group_name: String,
    /// AgentId.
    pub agent_id: String,
    /// ChannelType: `SDK` or `Web`.
    pub channel_type: String,
    /// ClientUserId.
    pub client_user_id: String,
    /// ClientUserNickName.
    pub client_user_nickname: String,
    /// Duration in seconds.
    pub duration: u64,
    /// EndStatus.
    pub end_status: EndStatus,
    /// SatisfactionSelected: 1 to 5 stars, 0 when the user gave none.
    pub satisfaction_selected: u64,
    /// Timestamp: the session time (Unix seconds).
    pub timestamp: u64,
}

impl CdrRecord {
    /// The record's wire field names, in the documentation's order.
    pub const FIELDS: [&'static str; 11] = [
        "SessionId",
        "AgentGroupId",
        "AgentGroupName",
        "AgentId",
        "ChannelType",
        "ClientUserId",
        "ClientUserNickName",
        "Duration",
        "EndStatus",
        "SatisfactionSelected",
        "Timestamp",
    ];

    /// A record from the server's JSON (missing fields read as empty or 0).
    pub fn from_json(v: &Value) -> Self {
        let text = |name: &str| match &v[name] {
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            _ => String::new(),
        };
        let number = |name: &str| v[name].as_u64().unwrap_or(0);
        Self {
            session_id: text("SessionId"),
            agent_group_id: text("AgentGroupId"),
            agent_group_name: text("AgentGroupName"),
            agent_id: text("AgentId"),
            channel_type: text("ChannelType"),
            client_user_id: text("ClientUserId"),
            client_user_nickname: text("ClientUserNickName"),
            duration: number("Duration"),
            end_status: EndStatus::parse(&text("EndStatus")),
            satisfaction_selected: number("SatisfactionSelected"),
            timestamp: number("Timestamp"),
        }
    }

    /// The record in the server's JSON shape.
    pub fn to_json(&self) -> Value {
        json!({
            "SessionId": self.session_id,
            "AgentGroupId": self.agent_group_id,
            "AgentGroupName": self.agent_group_name,
            "AgentId": self.agent_id,
            "ChannelType": self.channel_type,
            "ClientUserId": self.client_user_id,
            "ClientUserNickName": self.client_user_nickname,
            "Duration": self.duration,
            "EndStatus": self.end_status.as_str(),
            "SatisfactionSelected": self.satisfaction_selected,
            "Timestamp": self.timestamp,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_name_every_key_of_the_json_shape() {
        let json = CdrRecord::from_json(&json!({})).to_json();
        let mut keys: Vec<&str> = json
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let mut fields = CdrRecord::FIELDS.to_vec();
        keys.sort_unstable();
        fields.sort_unstable();
        assert_eq!(keys, fields);
    }

    #[test]
    fn queries_are_checked_before_sending() {
        assert!(
            CdrQuery::new(5, 1)
                .to_body()
                .unwrap_err()
                .to_string()
                .contains("StartTimestamp")
        );
        for limit in [0, 101] {
            let q = CdrQuery {
                limit: Some(limit),
                ..CdrQuery::new(1, 5)
            };
            assert!(
                q.to_body()
                    .unwrap_err()
                    .to_string()
                    .contains("Limit: must be 1 to 100")
            );
        }
        let q = CdrQuery {
            limit: Some(100),
            offset: Some(3),
            client_user_id: Some("u".into()),
            ..CdrQuery::new(1, 5)
        };
        assert_eq!(
            q.to_body().unwrap(),
            json!({"StartTimestamp": 1, "EndTimestamp": 5, "Limit": 100, "Offset": 3, "ClientUserId": "u"})
        );
    }

    #[test]
    fn the_documented_sample_record_parses() {
        let sample = json!({"SessionId": "a97d3e1f-a88b-403b-9b3a-7bc6554ea05d", "AgentGroupId": "3067",
            "AgentGroupName": "Online customer service", "AgentId": "shannon@qq.com", "ChannelType": "SDK",
            "ClientUserId": "1299314544", "ClientUserNickName": "Shannong", "Duration": 10,
            "EndStatus": "AgentEndedSession", "SatisfactionSelected": 5, "Timestamp": 1730443136});
        let record = CdrRecord::from_json(&sample);
        assert_eq!(record.end_status, EndStatus::AgentEndedSession);
        assert_eq!(
            (
                record.duration,
                record.satisfaction_selected,
                record.timestamp
            ),
            (10, 5, 1_730_443_136)
        );
        assert_eq!(record.to_json(), sample);
        assert_eq!(
            EndStatus::parse("Brand new"),
            EndStatus::Other("Brand new".into())
        );
    }
}
