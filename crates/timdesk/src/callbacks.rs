//! The Desk callbacks (webhooks) an app backend receives: typed parsing and the checks the
//! docs ask for. Framework-agnostic: the query string and the body bytes in, a typed
//! callback or a clear error out, so it serves axum, hyper or any other server.
//!
//! ```
//! use timdesk::callbacks::{Callback, Verifier};
//! let verifier = Verifier::new(1400000000);
//! let query = "SdkAppid=1400000000&CallbackCommand=Desk.SessionEventNotify&contenttype=json&RequestID=r1";
//! let body = br#"{"CallbackCommand":"Desk.SessionEventNotify","SessionId":"s","Event":"SessionBegin","EventTime":1731488371784}"#;
//! match verifier.verify(query, body)? {
//!     Callback::SessionEvent(event) => assert_eq!(event.event, "SessionBegin"),
//!     _ => unreachable!(),
//! }
//! # Ok::<(), timdesk::callbacks::CallbackError>(())
//! ```
//!
//! What the docs say and what they leave open:
//! - the backend must check that `SdkAppid` in the URL is its own (every Desk callback page);
//! - `RequestID` (Desk.SessionEventNotify, CN page) identifies a request, so a repeat is a
//!   retry: [`Verifier`] remembers the last [`Verifier::REMEMBERED`] ids;
//! - `Sign` = hex(SHA-256(token + RequestTime)) with `RequestTime` within a minute is
//!   documented for Chat callbacks with a callback token (269/117703); whether Desk sends
//!   them is not: with [`Verifier::with_token`] both are required and checked;
//! - the Event names after `SessionBegin`, `ChatBot.UserSendMsg` and `ChatBot.RobotSendMsg`
//!   were cut off in every copy of the page, so an event name is kept as the server sent it.

use std::collections::{HashSet, VecDeque};
use std::fmt;
use std::sync::Mutex;

use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

/// Desk.SessionEventNotify: a session event or a message of the session.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct SessionEvent {
    /// SessionId.
    pub session_id: String,
    /// Event, e.g. `SessionBegin`, `ChatBot.UserSendMsg` (kept as sent).
    pub event: String,
    /// EventTime, Unix milliseconds.
    pub event_time_ms: u64,
    /// ChannelType: `SDK` or `Web(H5)`.
    pub channel_type: String,
    /// ClientUserId.
    pub client_user_id: String,
    /// CustomerServiceId: the IM agent.
    pub customer_service_id: String,
    /// AgentId: the human agent.
    pub agent_id: String,
    /// MsgKey, for modify_msg.
    pub msg_key: String,
    /// MsgBody, as sent.
    pub msg_body: Value,
    /// CloudCustomData.
    pub cloud_custom_data: String,
    /// IsContactUser: the session began by contact_user.
    pub is_contact_user: bool,
    /// SatisfactionSelected, 1 to 5 (0 when absent).
    pub satisfaction_selected: u64,
    /// ForwardFromAgentId: the previous agent after a reassignment (CN page only).
    pub forward_from_agent_id: String,
}

/// ChatBot.OnAssignHuman: Desk asks which group or agents take a transferred session.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct AssignHuman {
    /// SessionId.
    pub session_id: String,
    /// ClientUserId.
    pub client_user_id: String,
    /// EventTime, Unix milliseconds.
    pub event_time_ms: u64,
}

/// Chatbot.InterfaceInvocation: a multi-turn task's API-call node sends its variables.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct InterfaceInvocation {
    /// Body: variable name → value.
    pub variables: Map<String, Value>,
    /// EventTime, Unix milliseconds.
    pub event_time_ms: u64,
}

/// A verified callback.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Callback {
    /// Desk.SessionEventNotify.
    SessionEvent(Box<SessionEvent>),
    /// ChatBot.OnAssignHuman: answer with [`assign_human_answer`].
    AssignHuman(AssignHuman),
    /// Chatbot.InterfaceInvocation: answer with [`interface_invocation_answer`].
    InterfaceInvocation(InterfaceInvocation),
}

/// Why a callback was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CallbackError {
    /// `SdkAppid` in the URL is missing or not this app's.
    WrongSdkAppid {
        /// What the URL carried.
        got: String,
    },
    /// The body or the query is not what the docs describe.
    Malformed {
        /// What is wrong, naming the field.
        why: String,
    },
    /// The `CallbackCommand` is not one of the Desk callbacks.
    UnknownCommand {
        /// The command.
        command: String,
    },
    /// This `RequestID` was seen before: a retry of a callback already handled.
    Replayed {
        /// The RequestID.
        request_id: String,
    },
    /// `Sign` is missing or does not match the token.
    BadSignature,
    /// `RequestTime` is more than a minute away from now.
    Stale {
        /// The RequestTime, Unix seconds.
        request_time: u64,
    },
}

impl fmt::Display for CallbackError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::WrongSdkAppid { got } => write!(f, "SdkAppid {got:?} is not this app's"),
            Self::Malformed { why } => write!(f, "malformed callback: {why}"),
            Self::UnknownCommand { command } => {
                write!(f, "CallbackCommand {command:?} is not a Desk callback")
            }
            Self::Replayed { request_id } => {
                write!(f, "RequestID {request_id:?} was already handled (a retry)")
            }
            Self::BadSignature => f.write_str("Sign is missing or does not match the token"),
            Self::Stale { request_time } => {
                write!(
                    f,
                    "RequestTime {request_time} is more than a minute from now"
                )
            }
        }
    }
}

impl std::error::Error for CallbackError {}

impl CallbackError {
    /// A stable snake_case name for the refusal, e.g. `replayed` or `bad_signature`.
    pub fn reason(&self) -> &'static str {
        match self {
            Self::WrongSdkAppid { .. } => "wrong_sdkappid",
            Self::Malformed { .. } => "malformed",
            Self::UnknownCommand { .. } => "unknown_command",
            Self::Replayed { .. } => "replayed",
            Self::BadSignature => "bad_signature",
            Self::Stale { .. } => "stale",
        }
    }
}

impl Callback {
    /// The CallbackCommand, as the docs spell it.
    pub fn command(&self) -> &'static str {
        match self {
            Self::SessionEvent(_) => "Desk.SessionEventNotify",
            Self::AssignHuman(_) => "ChatBot.OnAssignHuman",
            Self::InterfaceInvocation(_) => "Chatbot.InterfaceInvocation",
        }
    }

    /// The callback as one JSON object with snake_case field names and its `command`:
    /// the shape every binding hands to its users.
    pub fn to_value(&self) -> Value {
        let mut value = match self {
            Self::SessionEvent(e) => json!({
                "session_id": e.session_id,
                "event": e.event,
                "event_time_ms": e.event_time_ms,
                "channel_type": e.channel_type,
                "client_user_id": e.client_user_id,
                "customer_service_id": e.customer_service_id,
                "agent_id": e.agent_id,
                "msg_key": e.msg_key,
                "msg_body": e.msg_body,
                "cloud_custom_data": e.cloud_custom_data,
                "is_contact_user": e.is_contact_user,
                "satisfaction_selected": e.satisfaction_selected,
                "forward_from_agent_id": e.forward_from_agent_id,
            }),
            Self::AssignHuman(a) => json!({
                "session_id": a.session_id,
                "client_user_id": a.client_user_id,
                "event_time_ms": a.event_time_ms,
            }),
            Self::InterfaceInvocation(i) => json!({
                "variables": i.variables,
                "event_time_ms": i.event_time_ms,
            }),
        };
        value["command"] = json!(self.command());
        value
    }
}

fn malformed(why: impl Into<String>) -> CallbackError {
    CallbackError::Malformed { why: why.into() }
}

/// Checks and parses the callbacks of one application.
pub struct Verifier {
    sdkappid: u64,
    token: Option<String>,
    seen: Mutex<(VecDeque<String>, HashSet<String>)>,
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verifier")
            .field("sdkappid", &self.sdkappid)
            .field("token", &self.token.as_ref().map(|_| "<redacted>"))
            .finish_non_exhaustive()
    }
}

impl Verifier {
    /// How many RequestIDs are remembered to recognise retries.
    pub const REMEMBERED: usize = 4096;

    /// A verifier of `sdkappid`'s callbacks.
    pub fn new(sdkappid: u64) -> Self {
        Self {
            sdkappid,
            token: None,
            seen: Mutex::new((VecDeque::new(), HashSet::new())),
        }
    }

    /// What the bindings build: a verifier of `sdkappid`'s callbacks, requiring `Sign`
    /// and `RequestTime` when a `token` is given. An sdkappid of 0 is refused (no
    /// application has it, so every callback would be refused later).
    pub fn for_app(sdkappid: u64, token: Option<String>) -> crate::Result<Self> {
        if sdkappid == 0 {
            return Err(crate::Error::invalid_argument(
                "sdkappid",
                "must be at least 1",
            ));
        }
        let verifier = Self::new(sdkappid);
        Ok(match token {
            Some(token) => verifier.with_token(token),
            None => verifier,
        })
    }

    /// Also requires `Sign` and `RequestTime`, signed with the callback token.
    pub fn with_token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(token.into());
        self
    }

    /// Verifies and parses a callback: the URL's query string and the body's bytes.
    pub fn verify(&self, query: &str, body: &[u8]) -> Result<Callback, CallbackError> {
        self.verify_at(query, body, crate::usersig::unix_now())
    }

    /// Like [`Verifier::verify`], with `now` (Unix seconds) for the RequestTime check.
    pub fn verify_at(&self, query: &str, body: &[u8], now: u64) -> Result<Callback, CallbackError> {
        let param = |name: &str| {
            form_urlencoded::parse(query.as_bytes())
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.into_owned())
        };
        let got = param("SdkAppid").unwrap_or_default();
        if got.parse::<u64>().ok() != Some(self.sdkappid) {
            return Err(CallbackError::WrongSdkAppid { got });
        }
        if let Some(token) = &self.token {
            let (Some(sign), Some(time)) = (param("Sign"), param("RequestTime")) else {
                return Err(CallbackError::BadSignature);
            };
            let expected: String = Sha256::digest(format!("{token}{time}").as_bytes())
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            if !sign.eq_ignore_ascii_case(&expected) {
                return Err(CallbackError::BadSignature);
            }
            let request_time = time
                .parse::<u64>()
                .map_err(|_| malformed("RequestTime must be Unix seconds"))?;
            if request_time.abs_diff(now) > 60 {
                return Err(CallbackError::Stale { request_time });
            }
        }
        let value: Value = serde_json::from_slice(body)
            .map_err(|e| malformed(format!("the body is not JSON: {e}")))?;
        let map = value
            .as_object()
            .ok_or_else(|| malformed("the body must be a JSON object"))?;
        // The body names the command; the URL does too, for the rare body without it.
        let command = map
            .get("CallbackCommand")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .or_else(|| param("CallbackCommand"))
            .unwrap_or_default();
        let callback = parse(&command, map)?;
        if let Some(id) = param("RequestID").filter(|id| !id.is_empty()) {
            self.remember(id)?;
        }
        Ok(callback)
    }

    /// Records a RequestID, refusing one already seen.
    fn remember(&self, id: String) -> Result<(), CallbackError> {
        let mut seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        let (order, ids) = &mut *seen;
        if !ids.insert(id.clone()) {
            return Err(CallbackError::Replayed { request_id: id });
        }
        order.push_back(id);
        if order.len() > Self::REMEMBERED {
            if let Some(oldest) = order.pop_front() {
                ids.remove(&oldest);
            }
        }
        Ok(())
    }
}

fn parse(command: &str, map: &Map<String, Value>) -> Result<Callback, CallbackError> {
    let text = |name: &str| -> Result<String, CallbackError> {
        match map.get(name) {
            None | Some(Value::Null) => Ok(String::new()),
            Some(Value::String(s)) => Ok(s.clone()),
            Some(_) => Err(malformed(format!("{name} must be a string"))),
        }
    };
    let number = |name: &str| -> Result<u64, CallbackError> {
        match map.get(name) {
            None | Some(Value::Null) => Ok(0),
            Some(v) => v
                .as_u64()
                .ok_or_else(|| malformed(format!("{name} must be a non-negative integer"))),
        }
    };
    let required = |name: &str| -> Result<String, CallbackError> {
        Some(text(name)?)
            .filter(|s| !s.is_empty())
            .ok_or_else(|| malformed(format!("{name} is required")))
    };
    match command {
        "Desk.SessionEventNotify" => Ok(Callback::SessionEvent(Box::new(SessionEvent {
            session_id: required("SessionId")?,
            event: required("Event")?,
            event_time_ms: number("EventTime")?,
            channel_type: text("ChannelType")?,
            client_user_id: text("ClientUserId")?,
            customer_service_id: text("CustomerServiceId")?,
            agent_id: text("AgentId")?,
            msg_key: text("MsgKey")?,
            msg_body: match map.get("MsgBody") {
                None | Some(Value::Null) => Value::Array(Vec::new()),
                Some(body @ Value::Array(_)) => body.clone(),
                Some(_) => return Err(malformed("MsgBody must be an array")),
            },
            cloud_custom_data: text("CloudCustomData")?,
            is_contact_user: match map.get("IsContactUser") {
                None | Some(Value::Null) => false,
                Some(Value::Bool(b)) => *b,
                Some(_) => return Err(malformed("IsContactUser must be a boolean")),
            },
            satisfaction_selected: number("SatisfactionSelected")?,
            forward_from_agent_id: text("ForwardFromAgentId")?,
        }))),
        "ChatBot.OnAssignHuman" => Ok(Callback::AssignHuman(AssignHuman {
            session_id: required("SessionId")?,
            client_user_id: text("ClientUserId")?,
            event_time_ms: number("EventTime")?,
        })),
        "Chatbot.InterfaceInvocation" => Ok(Callback::InterfaceInvocation(InterfaceInvocation {
            variables: match map.get("Body") {
                None | Some(Value::Null) => Map::new(),
                Some(Value::Object(body)) => body.clone(),
                Some(_) => return Err(malformed("Body must be an object")),
            },
            event_time_ms: number("EventTime")?,
        })),
        "" => Err(malformed("CallbackCommand is required")),
        other => Err(CallbackError::UnknownCommand {
            command: other.to_owned(),
        }),
    }
}

/// The app's answer to ChatBot.OnAssignHuman: a group, agents, or both (the default
/// policy when neither).
pub fn assign_human_answer(agent_group_id: Option<u64>, agent_ids: &[&str]) -> Value {
    let mut answer = json!({"ActionStatus": "OK", "ErrorCode": 0, "ErrorInfo": ""});
    if let Some(group) = agent_group_id {
        answer["AgentGroupId"] = json!(group);
    }
    if !agent_ids.is_empty() {
        answer["AgentIdList"] = json!(agent_ids);
    }
    answer
}

/// The app's answer to Chatbot.InterfaceInvocation, returning `variables` to the flow.
pub fn interface_invocation_answer(variables: Map<String, Value>) -> Value {
    json!({"ActionStatus": "OK", "ErrorCode": 0, "ErrorInfo": "", "Body": variables})
}

/// The acknowledgement of Desk.SessionEventNotify.
pub fn acknowledgement() -> Value {
    json!({"ActionStatus": "OK", "ErrorCode": 0, "ErrorInfo": ""})
}

#[cfg(test)]
mod tests {
    use super::*;

    const APP: u64 = 1_400_000_000;
    const QUERY: &str = "SdkAppid=1400000000&CallbackCommand=Desk.SessionEventNotify&contenttype=json&ClientIP=127.0.0.1&OptPlatform=RESTAPI&RequestID=r1";

    fn event_body() -> Vec<u8> {
        json!({
            "CallbackCommand": "Desk.SessionEventNotify", "SessionId": "s1", "Event": "ChatBot.UserSendMsg",
            "EventTime": 1_731_488_371_784u64, "ChannelType": "SDK", "ClientUserId": "u1",
            "CustomerServiceId": "@im", "AgentId": "", "MsgKey": "1_2_3",
            "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "hi"}}],
            "CloudCustomData": "", "IsContactUser": false, "SatisfactionSelected": 0, "ForwardFromAgentId": ""
        })
        .to_string()
        .into_bytes()
    }

    #[test]
    fn every_documented_field_of_a_session_event_is_read() {
        let Callback::SessionEvent(e) = Verifier::new(APP).verify(QUERY, &event_body()).unwrap()
        else {
            panic!("a session event");
        };
        assert_eq!(
            (
                e.session_id.as_str(),
                e.event.as_str(),
                e.event_time_ms,
                e.msg_key.as_str()
            ),
            ("s1", "ChatBot.UserSendMsg", 1_731_488_371_784, "1_2_3")
        );
        assert_eq!(e.msg_body[0]["MsgContent"]["Text"], "hi");
        assert_eq!(
            (e.channel_type.as_str(), e.customer_service_id.as_str()),
            ("SDK", "@im")
        );
    }

    #[test]
    fn bad_callbacks_get_clear_errors() {
        let v = Verifier::new(APP);
        let wrong = QUERY.replace("1400000000", "1400000001");
        assert!(matches!(
            v.verify(&wrong, &event_body()),
            Err(CallbackError::WrongSdkAppid { .. })
        ));
        let err = v.verify("SdkAppid=1400000000", b"{not json").unwrap_err();
        assert!(err.to_string().contains("not JSON"), "{err}");
        let err = v
            .verify(
                "SdkAppid=1400000000",
                br#"{"CallbackCommand":"Desk.SessionEventNotify","Event":"x"}"#,
            )
            .unwrap_err();
        assert!(err.to_string().contains("SessionId is required"), "{err}");
        let err = v
            .verify("SdkAppid=1400000000", br#"{"CallbackCommand":"Desk.Nope"}"#)
            .unwrap_err();
        assert_eq!(
            err,
            CallbackError::UnknownCommand {
                command: "Desk.Nope".into()
            }
        );
        v.verify(QUERY, &event_body()).unwrap();
        assert_eq!(
            v.verify(QUERY, &event_body()),
            Err(CallbackError::Replayed {
                request_id: "r1".into()
            })
        );
    }

    #[test]
    fn the_binding_shape_carries_every_field_and_the_command() {
        let callback = Verifier::new(APP).verify(QUERY, &event_body()).unwrap();
        let value = callback.to_value();
        assert_eq!(value["command"], "Desk.SessionEventNotify");
        assert_eq!(value["msg_key"], "1_2_3");
        assert_eq!(value["event_time_ms"], 1_731_488_371_784u64);
        assert_eq!(
            value.as_object().unwrap().len(),
            14,
            "13 fields and the command"
        );
        let refused = Verifier::new(APP).verify("SdkAppid=1", &event_body());
        assert_eq!(refused.unwrap_err().reason(), "wrong_sdkappid");
    }

    #[test]
    fn bindings_get_a_checked_verifier() {
        let err = Verifier::for_app(0, None).unwrap_err();
        assert!(err.to_string().contains("sdkappid"), "{err}");
        let signed = Verifier::for_app(APP, Some("callback-token-value".into())).unwrap();
        assert_eq!(
            signed.verify(QUERY, &event_body()),
            Err(CallbackError::BadSignature)
        );
    }

    #[test]
    fn retries_are_remembered_within_a_bound() {
        let v = Verifier::new(APP);
        let query = |i: usize| format!("SdkAppid=1400000000&RequestID=r{i}");
        for i in 0..=Verifier::REMEMBERED {
            v.verify(&query(i), &event_body()).unwrap();
        }
        assert!(
            v.verify(&query(Verifier::REMEMBERED), &event_body())
                .is_err()
        );
        v.verify(&query(0), &event_body())
            .expect("the oldest id was forgotten");
    }

    #[test]
    fn a_token_requires_a_fresh_matching_sign() {
        let v = Verifier::new(APP).with_token("callback-token-value");
        let sign: String = Sha256::digest(b"callback-token-value1700000000")
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let signed = format!("SdkAppid=1400000000&RequestTime=1700000000&Sign={sign}");
        v.verify_at(&signed, &event_body(), 1_700_000_030).unwrap();
        assert_eq!(
            v.verify_at(&signed, &event_body(), 1_700_000_100),
            Err(CallbackError::Stale {
                request_time: 1_700_000_000
            })
        );
        let forged = signed.replace(&sign[..4], "0000");
        assert_eq!(
            v.verify_at(&forged, &event_body(), 1_700_000_030),
            Err(CallbackError::BadSignature)
        );
        assert_eq!(
            v.verify_at("SdkAppid=1400000000", &event_body(), 1_700_000_030),
            Err(CallbackError::BadSignature)
        );
        assert!(!format!("{v:?}").contains("callback-token-value"));
    }

    #[test]
    fn answers_have_the_documented_shape() {
        let Callback::AssignHuman(a) = Verifier::new(APP)
            .verify(
                "SdkAppid=1400000000",
                br#"{"CallbackCommand":"ChatBot.OnAssignHuman","SessionId":"s","ClientUserId":"u","EventTime":5}"#,
            )
            .unwrap()
        else {
            panic!("an assignment request");
        };
        assert_eq!((a.session_id.as_str(), a.event_time_ms), ("s", 5));
        assert_eq!(
            assign_human_answer(Some(2473), &["a@x.com"]),
            json!({"ActionStatus": "OK", "ErrorCode": 0, "ErrorInfo": "", "AgentGroupId": 2473, "AgentIdList": ["a@x.com"]})
        );
        let Callback::InterfaceInvocation(i) = Verifier::new(APP)
            .verify(
                "SdkAppid=1400000000",
                br#"{"CallbackCommand":"Chatbot.InterfaceInvocation","Body":{"SystemSessionID":"s"},"EventTime":1731488371784}"#,
            )
            .unwrap()
        else {
            panic!("an invocation");
        };
        assert_eq!(i.variables["SystemSessionID"], "s");
        let mut out = Map::new();
        out.insert("testKey1".into(), json!("value1"));
        assert_eq!(
            interface_invocation_answer(out)["Body"]["testKey1"],
            "value1"
        );
    }
}
