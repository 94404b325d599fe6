//! The five emulated endpoints: strict body validation with the documented codes, then the
//! [`World`] operation.

use serde_json::{Map, Value};

use crate::answer::ApiError;
use crate::world::{Message, Peer, TransferRequest, World, is_session_id};

/// The largest send_msg body the server takes (documented: 12 KB).
pub const MAX_MSG_BODY_BYTES: usize = 12 * 1024;

/// An emulated endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Endpoint {
    /// v4/desk_http_svc/transfer_to_human
    TransferToHuman,
    /// v4/desk_http_svc/send_msg
    SendMsg,
    /// v4/desk_http_svc/end_session
    EndSession,
    /// v4/desk_http_svc/describe_im_cdr_list
    DescribeImCdrList,
    /// v4/recentcontact/delete
    RecentContactDelete,
}

impl Endpoint {
    /// Every endpoint.
    pub const ALL: [Endpoint; 5] = [
        Self::TransferToHuman,
        Self::SendMsg,
        Self::EndSession,
        Self::DescribeImCdrList,
        Self::RecentContactDelete,
    ];

    /// The `service/command` path after `/v4/`.
    pub fn path(self) -> &'static str {
        match self {
            Self::TransferToHuman => "desk_http_svc/transfer_to_human",
            Self::SendMsg => "desk_http_svc/send_msg",
            Self::EndSession => "desk_http_svc/end_session",
            Self::DescribeImCdrList => "desk_http_svc/describe_im_cdr_list",
            Self::RecentContactDelete => "recentcontact/delete",
        }
    }

    /// The endpoint at `service/command`, if emulated.
    pub fn from_path(path: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|e| e.path() == path)
    }

    /// Whether answers carry ErrorDisplay (recentcontact does).
    pub fn has_error_display(self) -> bool {
        self == Self::RecentContactDelete
    }

    /// The code for a caller who is not the app administrator: the endpoint's documented
    /// one, else the common 60010.
    pub fn admin_required_code(self) -> u32 {
        match self {
            Self::TransferToHuman | Self::SendMsg => 90009,
            Self::RecentContactDelete => 50003,
            Self::EndSession | Self::DescribeImCdrList => 60010,
        }
    }

    /// The code for exceeding the endpoint's rate limit.
    pub fn rate_limited_code(self) -> u32 {
        match self {
            Self::RecentContactDelete => 60007,
            _ => 141009,
        }
    }

    /// The default rate limit (calls per second), where the docs give one.
    pub fn default_rate_limit(self) -> Option<u32> {
        match self {
            Self::RecentContactDelete => Some(200),
            _ => None,
        }
    }

    /// Validates `body` and applies it to `world`.
    pub fn apply(
        self,
        world: &mut World,
        body: &[u8],
        now: u64,
    ) -> Result<Map<String, Value>, ApiError> {
        match self {
            Self::TransferToHuman => transfer_to_human(world, body, now),
            Self::SendMsg => send_msg(world, body, now),
            Self::EndSession => end_session(world, body, now),
            Self::DescribeImCdrList => describe_im_cdr_list(world, body),
            Self::RecentContactDelete => recentcontact_delete(world, body),
        }
    }
}

/// A JSON object body, or `bad_json_code`.
fn parse_object(body: &[u8], bad_json_code: u32) -> Result<Map<String, Value>, ApiError> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(ApiError::new(
            bad_json_code,
            "the request body must be a JSON object",
        )),
        Err(e) => Err(ApiError::new(
            bad_json_code,
            format!("JSON format parsing failed: {e}"),
        )),
    }
}

/// Typed access to optional fields; a field of the wrong type fails with `code`.
struct Fields<'a> {
    map: &'a Map<String, Value>,
    code: u32,
}

impl<'a> Fields<'a> {
    fn str(&self, name: &str) -> Result<Option<&'a str>, ApiError> {
        match self.map.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(ApiError::new(self.code, format!("{name} must be a string"))),
        }
    }

    fn required_str(&self, name: &str) -> Result<&'a str, ApiError> {
        match self.str(name)? {
            Some(s) if !s.is_empty() => Ok(s),
            _ => Err(ApiError::new(
                self.code,
                format!("{name} is required and must not be empty"),
            )),
        }
    }

    fn int(&self, name: &str) -> Result<Option<i64>, ApiError> {
        match self.map.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => v
                .as_i64()
                .map(Some)
                .ok_or_else(|| ApiError::new(self.code, format!("{name} must be an integer"))),
        }
    }

    fn flag(&self, name: &str) -> Result<bool, ApiError> {
        match self.int(name)? {
            None | Some(0) => Ok(false),
            Some(1) => Ok(true),
            Some(other) => Err(ApiError::new(
                self.code,
                format!("{name} must be 0 or 1, not {other}"),
            )),
        }
    }
}

fn transfer_to_human(
    world: &mut World,
    body: &[u8],
    now: u64,
) -> Result<Map<String, Value>, ApiError> {
    let map = parse_object(body, 90001)?;
    let f = Fields {
        map: &map,
        code: 141004,
    };
    let session_id = f.required_str("SessionId")?;
    if !is_session_id(session_id) {
        return Err(ApiError::new(
            141006,
            format!("{session_id:?} is not a SessionId"),
        ));
    }
    let agents = match map.get("AgentIdList") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| v.as_str().map(str::to_owned))
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| ApiError::new(141004, "AgentIdList must be an array of strings"))?,
        Some(_) => {
            return Err(ApiError::new(
                141004,
                "AgentIdList must be an array of strings",
            ));
        }
    };
    let group = match f.int("AgentGroupId")? {
        None => None,
        Some(g) => Some(
            u64::try_from(g)
                .map_err(|_| ApiError::new(141004, "AgentGroupId must not be negative"))?,
        ),
    };
    let priority = match f.int("Priority")? {
        None => None,
        Some(p @ 0..=9) => Some(p as u8),
        Some(p) => {
            return Err(ApiError::new(
                141004,
                format!("Priority must be 0 (highest) to 9 (lowest), not {p}"),
            ));
        }
    };
    let queue_timeout = match f.int("QueueTimeout")? {
        None => None,
        Some(t) => Some(
            u64::try_from(t)
                .map_err(|_| ApiError::new(141004, "QueueTimeout must not be negative"))?,
        ),
    };
    let request = TransferRequest {
        agents,
        group,
        send_tip: f.flag("SendTipIfNoAgentOnline")?,
        check_working_hours: f.flag("CheckIfDuringWorkingHours")?,
        prompt_out_of_hours: f.flag("SendPromptNotDuringWorkingHours")?,
        end_when_none_online: f.flag("EndSessionWhenNoMemberOnline")?,
        disable_queuing: f.flag("DisableQueuing")?,
        allow_busy: f.flag("AllowAssignBusyMember")?,
        priority,
        queue_timeout,
    };
    let assignment = world.transfer_to_human(session_id, request, now)?;
    let mut out = Map::new();
    out.insert("AgentId".into(), assignment.agent_id.into());
    out.insert("IsInQueue".into(), u8::from(assignment.in_queue).into());
    Ok(out)
}

fn send_msg(world: &mut World, body: &[u8], now: u64) -> Result<Map<String, Value>, ApiError> {
    if body.len() > MAX_MSG_BODY_BYTES {
        return Err(ApiError::new(
            93000,
            format!(
                "the request body is {} bytes; at most {MAX_MSG_BODY_BYTES} are allowed",
                body.len()
            ),
        ));
    }
    let map = parse_object(body, 90001)?;
    let msg_random = map
        .get("MsgRandom")
        .and_then(Value::as_u64)
        .filter(|r| *r <= u64::from(u32::MAX))
        .ok_or_else(|| {
            ApiError::new(
                90005,
                "MsgRandom is required and must be an integer in 0..=4294967295",
            )
        })?;
    let elements = match map.get("MsgBody") {
        None => return Err(ApiError::new(90002, "MsgBody is required")),
        Some(Value::Array(items)) if items.is_empty() => {
            return Err(ApiError::new(
                90002,
                "MsgBody must hold at least one element",
            ));
        }
        Some(Value::Array(items)) => items,
        Some(_) => return Err(ApiError::new(90007, "MsgBody must be an Array")),
    };
    for (i, element) in elements.iter().enumerate() {
        check_element(element)
            .map_err(|why| ApiError::new(90010, format!("MsgBody[{i}]: {why}")))?;
    }
    let f = Fields {
        map: &map,
        code: 141004,
    };
    let message = Message {
        from: String::new(),
        to: String::new(),
        msg_random,
        body: Value::Array(elements.clone()),
        cloud_custom_data: f.str("CloudCustomData")?.map(str::to_owned),
        exclude_from_user_resp_timeout: f.flag("ExcludeFromUserRespTimeout")?,
        kind: "message",
        time: now,
    };
    match f.str("SessionId")? {
        Some(session_id) => {
            if session_id.is_empty() {
                return Err(ApiError::new(141004, "SessionId must not be empty"));
            }
            world.send_in_session(session_id, message)?;
        }
        None => {
            let (Some(from), Some(to)) = (f.str("FromAccount")?, f.str("ToAccount")?) else {
                return Err(ApiError::new(
                    141004,
                    "give SessionId, or both FromAccount and ToAccount",
                ));
            };
            if from.is_empty() || to.is_empty() {
                return Err(ApiError::new(
                    141004,
                    "FromAccount and ToAccount must not be empty",
                ));
            }
            world.send_direct(Message {
                from: from.to_owned(),
                to: to.to_owned(),
                ..message
            })?;
        }
    }
    Ok(Map::new())
}

/// Checks one TIMMsgElement: a known MsgType whose MsgContent has its required fields.
fn check_element(element: &Value) -> Result<(), String> {
    let msg_type = element
        .get("MsgType")
        .and_then(Value::as_str)
        .ok_or("MsgType must be a string")?;
    let content = element
        .get("MsgContent")
        .and_then(Value::as_object)
        .ok_or("MsgContent must be an object")?;
    let (strings, integers, numbers): (&[&str], &[&str], &[&str]) = match msg_type {
        "TIMTextElem" => (&["Text"], &[], &[]),
        "TIMCustomElem" => (&["Data"], &[], &[]),
        "TIMFaceElem" => (&[], &["Index"], &[]),
        "TIMLocationElem" => (&["Desc"], &[], &["Latitude", "Longitude"]),
        "TIMImageElem" => (&["UUID"], &["ImageFormat"], &[]),
        "TIMSoundElem" => (&["Url"], &["Size", "Second"], &[]),
        "TIMFileElem" => (&["Url", "FileName"], &["FileSize"], &[]),
        "TIMVideoFileElem" => (
            &["VideoUrl", "VideoFormat", "ThumbUrl", "ThumbFormat"],
            &[
                "VideoSize",
                "VideoSecond",
                "ThumbSize",
                "ThumbWidth",
                "ThumbHeight",
            ],
            &[],
        ),
        other => return Err(format!("unknown MsgType {other:?}")),
    };
    for name in strings {
        if !content.get(*name).is_some_and(Value::is_string) {
            return Err(format!("{msg_type} needs MsgContent.{name} as a string"));
        }
    }
    for name in integers {
        if !content.get(*name).is_some_and(|v| v.is_i64() || v.is_u64()) {
            return Err(format!("{msg_type} needs MsgContent.{name} as an integer"));
        }
    }
    for name in numbers {
        if !content.get(*name).is_some_and(Value::is_number) {
            return Err(format!("{msg_type} needs MsgContent.{name} as a number"));
        }
    }
    if msg_type == "TIMImageElem" && !content.get("ImageInfoArray").is_some_and(Value::is_array) {
        return Err("TIMImageElem needs MsgContent.ImageInfoArray as an array".into());
    }
    Ok(())
}

fn end_session(world: &mut World, body: &[u8], now: u64) -> Result<Map<String, Value>, ApiError> {
    let map = parse_object(body, 90001)?;
    let session_id = Fields {
        map: &map,
        code: 141004,
    }
    .required_str("SessionId")?;
    world.end_session(session_id, now)?;
    Ok(Map::new())
}

fn describe_im_cdr_list(world: &mut World, body: &[u8]) -> Result<Map<String, Value>, ApiError> {
    let map = parse_object(body, 90001)?;
    let f = Fields {
        map: &map,
        code: 141004,
    };
    let required_time = |name: &str| -> Result<u64, ApiError> {
        let t = f
            .int(name)?
            .ok_or_else(|| ApiError::new(141004, format!("{name} is required")))?;
        u64::try_from(t).map_err(|_| ApiError::new(141004, format!("{name} must not be negative")))
    };
    let (start, end) = (
        required_time("StartTimestamp")?,
        required_time("EndTimestamp")?,
    );
    if start > end {
        return Err(ApiError::new(
            141004,
            "StartTimestamp must not be after EndTimestamp",
        ));
    }
    let limit = match f.int("Limit")? {
        None => 20,
        Some(l @ 1..=100) => l as usize,
        Some(l) => {
            return Err(ApiError::new(
                141004,
                format!("Limit must be 1 to 100, not {l}"),
            ));
        }
    };
    let offset = match f.int("Offset")? {
        None => 0,
        Some(o) => {
            usize::try_from(o).map_err(|_| ApiError::new(141004, "Offset must not be negative"))?
        }
    };
    let (total, page) = world.cdrs(start, end, f.str("ClientUserId")?, offset, limit);
    let mut out = Map::new();
    out.insert("TotalCount".into(), total.into());
    out.insert("IMCdrList".into(), Value::Array(page));
    Ok(out)
}

fn recentcontact_delete(world: &mut World, body: &[u8]) -> Result<Map<String, Value>, ApiError> {
    let map = parse_object(body, 50002)?;
    let f = Fields {
        map: &map,
        code: 50002,
    };
    let owner = f.required_str("From_Account")?;
    let peer = match f.int("Type")? {
        Some(1) => Peer::Account(
            f.required_str("To_Account")
                .map_err(|_| {
                    ApiError::new(
                        50002,
                        "To_Account is required for a one-to-one conversation (Type 1)",
                    )
                })?
                .to_owned(),
        ),
        Some(2) => Peer::Group(
            f.required_str("ToGroupid")
                .map_err(|_| {
                    ApiError::new(
                        50002,
                        "ToGroupid is required for a group conversation (Type 2)",
                    )
                })?
                .to_owned(),
        ),
        _ => {
            return Err(ApiError::new(
                50002,
                "Type must be 1 (one-to-one) or 2 (group)",
            ));
        }
    };
    let clear = f.flag("ClearRamble")?;
    world.delete_conversation(owner, peer, clear)?;
    Ok(Map::new())
}
