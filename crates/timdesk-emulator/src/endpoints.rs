//! The five emulated endpoints: each request is checked against its endpoint model (the
//! core's `timdesk::model`, from `models/*.json`: types, required fields, limits, with
//! the documented codes), then its behaviour, here and in [`World`], runs.

use serde_json::{Map, Value};
use timdesk::model::{self, EndpointModel, Refusal};

use crate::answer::ApiError;
use crate::world::{Message, Peer, TransferRequest, World, is_session_id};

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
    /// v4/desk_http_svc/get_session_state
    GetSessionState,
    /// v4/desk_http_svc/end_queuing
    EndQueuing,
    /// v4/desk_http_svc/describe_chat_messages
    DescribeChatMessages,
    /// v4/desk_http_svc/modify_msg
    ModifyMsg,
    /// v4/desk_http_svc/send_stream_msg
    SendStreamMsg,
    /// v4/desk_http_svc/contact_user
    ContactUser,
}

impl Endpoint {
    /// Every endpoint.
    pub const ALL: [Endpoint; 11] = [
        Self::TransferToHuman,
        Self::SendMsg,
        Self::EndSession,
        Self::DescribeImCdrList,
        Self::RecentContactDelete,
        Self::GetSessionState,
        Self::EndQueuing,
        Self::DescribeChatMessages,
        Self::ModifyMsg,
        Self::SendStreamMsg,
        Self::ContactUser,
    ];

    /// Its model.
    pub fn model(self) -> &'static EndpointModel {
        model::named(match self {
            Self::TransferToHuman => "transfer_to_human",
            Self::SendMsg => "send_msg",
            Self::EndSession => "end_session",
            Self::DescribeImCdrList => "describe_im_cdr_list",
            Self::RecentContactDelete => "recentcontact_delete",
            Self::GetSessionState => "get_session_state",
            Self::EndQueuing => "end_queuing",
            Self::DescribeChatMessages => "describe_chat_messages",
            Self::ModifyMsg => "modify_msg",
            Self::SendStreamMsg => "send_stream_msg",
            Self::ContactUser => "contact_user",
        })
    }

    /// The `service/command` path after `/v4/`.
    pub fn path(self) -> &'static str {
        self.model().path
    }

    /// The endpoint at `service/command`, if emulated.
    pub fn from_path(path: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|e| e.path() == path)
    }

    /// Whether answers carry ErrorDisplay (recentcontact does).
    pub fn has_error_display(self) -> bool {
        self.model().error_display
    }

    /// The code for a caller who is not the app administrator.
    pub fn admin_required_code(self) -> u32 {
        self.model().admin_code
    }

    /// The code for exceeding the endpoint's rate limit.
    pub fn rate_limited_code(self) -> u32 {
        self.model().rate_limit_code
    }

    /// The default rate limit (calls per second), where the docs give one.
    pub fn default_rate_limit(self) -> Option<u32> {
        self.model().rate_limit
    }

    /// Validates `body` against the model, then applies it to `world`; `fresh_id` makes
    /// the SessionId of a session the request opens.
    pub fn apply(
        self,
        world: &mut World,
        body: &[u8],
        now: u64,
        fresh_id: &mut dyn FnMut() -> String,
    ) -> Result<Map<String, Value>, ApiError> {
        let model = self.model();
        let refused = |r: Refusal| ApiError::new(r.code, r.to_string());
        model.check_size(body.len()).map_err(refused)?;
        let map = parse_object(body, model.bad_json_code)?;
        model.check_body(&map).map_err(refused)?;
        let f = Fields(&map);
        match self {
            Self::TransferToHuman => transfer_to_human(world, f, now),
            Self::SendMsg => send_msg(world, f, now),
            Self::EndSession => end_session(world, f, now),
            Self::DescribeImCdrList => describe_im_cdr_list(world, f, model),
            Self::RecentContactDelete => recentcontact_delete(world, f),
            Self::GetSessionState => world
                .session_state(f.str("SessionId"), f.str("ClientUserId"))
                .map(object),
            Self::EndQueuing => world
                .end_queuing(f.str("SessionID").unwrap_or_default())
                .map(|()| Map::new()),
            Self::DescribeChatMessages => describe_chat_messages(world, f, model),
            Self::ModifyMsg => modify_msg(world, f),
            Self::SendStreamMsg => world
                .stream_chunk(
                    f.str("SessionId").unwrap_or_default(),
                    f.str("MsgKey"),
                    f.str("Chunk").unwrap_or_default(),
                    f.flag("Finish"),
                    f.str("CloudCustomData").map(str::to_owned),
                    now,
                )
                .map(|key| object(serde_json::json!({"MsgKey": key}))),
            Self::ContactUser => world
                .contact_user(
                    f.str("ClientUserId").unwrap_or_default(),
                    f.int("GroupId"),
                    f.str("MemberId"),
                    now,
                    fresh_id,
                )
                .map(|member| object(serde_json::json!({"MemberId": member}))),
        }
    }
}

/// The fields of a JSON object answer.
fn object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

/// The default of a model field (0 when it has none).
fn default_of(model: &EndpointModel, name: &str) -> u64 {
    model
        .field(name)
        .and_then(|field| field.default)
        .map_or(0, |d| d as u64)
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

/// Reads the fields of a body that its model accepted: types and limits are checked.
#[derive(Clone, Copy)]
struct Fields<'a>(&'a Map<String, Value>);

impl<'a> Fields<'a> {
    fn str(self, name: &str) -> Option<&'a str> {
        self.0.get(name).and_then(Value::as_str)
    }

    fn int(self, name: &str) -> Option<u64> {
        self.0.get(name).and_then(Value::as_u64)
    }

    fn flag(self, name: &str) -> bool {
        self.int(name) == Some(1)
    }

    fn strings(self, name: &str) -> Vec<String> {
        self.0
            .get(name)
            .and_then(Value::as_array)
            .map(|items| {
                items
                    .iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default()
    }
}

fn transfer_to_human(
    world: &mut World,
    f: Fields<'_>,
    now: u64,
) -> Result<Map<String, Value>, ApiError> {
    let session_id = f.str("SessionId").unwrap_or_default();
    if !is_session_id(session_id) {
        return Err(ApiError::new(
            141006,
            format!("{session_id:?} is not a SessionId"),
        ));
    }
    let request = TransferRequest {
        agents: f.strings("AgentIdList"),
        group: f.int("AgentGroupId"),
        send_tip: f.flag("SendTipIfNoAgentOnline"),
        check_working_hours: f.flag("CheckIfDuringWorkingHours"),
        prompt_out_of_hours: f.flag("SendPromptNotDuringWorkingHours"),
        end_when_none_online: f.flag("EndSessionWhenNoMemberOnline"),
        disable_queuing: f.flag("DisableQueuing"),
        allow_busy: f.flag("AllowAssignBusyMember"),
        priority: f.int("Priority").map(|p| p as u8),
        queue_timeout: f.int("QueueTimeout"),
    };
    let assignment = world.transfer_to_human(session_id, request, now)?;
    let mut out = Map::new();
    out.insert("AgentId".into(), assignment.agent_id.into());
    out.insert("IsInQueue".into(), u8::from(assignment.in_queue).into());
    Ok(out)
}

/// MsgBody's elements, each checked against the message format.
fn msg_body(f: Fields<'_>) -> Result<Vec<Value>, ApiError> {
    let elements = f.0["MsgBody"].as_array().cloned().unwrap_or_default();
    if elements.is_empty() {
        return Err(ApiError::new(
            90002,
            "MsgBody must hold at least one element",
        ));
    }
    for (i, element) in elements.iter().enumerate() {
        check_element(element)
            .map_err(|why| ApiError::new(90010, format!("MsgBody[{i}]: {why}")))?;
    }
    Ok(elements)
}

fn describe_chat_messages(
    world: &mut World,
    f: Fields<'_>,
    model: &EndpointModel,
) -> Result<Map<String, Value>, ApiError> {
    let limit = f.int("Limit").unwrap_or_else(|| default_of(model, "Limit")) as usize;
    let offset = f
        .int("Offset")
        .unwrap_or_else(|| default_of(model, "Offset")) as usize;
    let ascending = f.int("Order").unwrap_or_else(|| default_of(model, "Order")) == 1;
    let session_id = f.str("SessionId").unwrap_or_default();
    let (total, page) = world.chat_messages(session_id, offset, limit, ascending)?;
    let mut out = Map::new();
    out.insert("TotalCount".into(), total.into());
    out.insert("Messages".into(), Value::Array(page));
    Ok(out)
}

fn modify_msg(world: &mut World, f: Fields<'_>) -> Result<Map<String, Value>, ApiError> {
    let body = Value::Array(msg_body(f)?);
    world.modify_message(
        f.str("SessionId").unwrap_or_default(),
        f.str("MsgKey").unwrap_or_default(),
        body,
        f.str("CloudCustomData").map(str::to_owned),
    )?;
    Ok(Map::new())
}

fn send_msg(world: &mut World, f: Fields<'_>, now: u64) -> Result<Map<String, Value>, ApiError> {
    let elements = msg_body(f)?;
    let message = Message {
        from: String::new(),
        to: String::new(),
        msg_random: f.int("MsgRandom").unwrap_or_default(),
        body: Value::Array(elements),
        cloud_custom_data: f.str("CloudCustomData").map(str::to_owned),
        exclude_from_user_resp_timeout: f.flag("ExcludeFromUserRespTimeout"),
        kind: "message",
        time: now,
        msg_key: String::new(),
        role: crate::world::ROLE_SYSTEM,
    };
    match (f.str("SessionId"), f.str("FromAccount"), f.str("ToAccount")) {
        (Some(""), _, _) => Err(ApiError::new(141004, "SessionId must not be empty")),
        (Some(session_id), _, _) => world.send_in_session(session_id, message),
        (None, Some(from), Some(to)) if !from.is_empty() && !to.is_empty() => {
            world.send_direct(Message {
                from: from.to_owned(),
                to: to.to_owned(),
                ..message
            })
        }
        (None, Some(_), Some(_)) => Err(ApiError::new(
            141004,
            "FromAccount and ToAccount must not be empty",
        )),
        _ => Err(ApiError::new(
            141004,
            "give SessionId, or both FromAccount and ToAccount",
        )),
    }
    .map(|()| Map::new())
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

fn end_session(world: &mut World, f: Fields<'_>, now: u64) -> Result<Map<String, Value>, ApiError> {
    world.end_session(f.str("SessionId").unwrap_or_default(), now)?;
    Ok(Map::new())
}

fn describe_im_cdr_list(
    world: &mut World,
    f: Fields<'_>,
    model: &EndpointModel,
) -> Result<Map<String, Value>, ApiError> {
    let start = f.int("StartTimestamp").unwrap_or_default();
    let end = f.int("EndTimestamp").unwrap_or_default();
    if start > end {
        return Err(ApiError::new(
            model.invalid_code,
            "StartTimestamp must not be after EndTimestamp",
        ));
    }
    let limit = f.int("Limit").unwrap_or_else(|| default_of(model, "Limit")) as usize;
    let offset = f
        .int("Offset")
        .unwrap_or_else(|| default_of(model, "Offset")) as usize;
    let (total, page) = world.cdrs(start, end, f.str("ClientUserId"), offset, limit);
    let mut out = Map::new();
    out.insert("TotalCount".into(), total.into());
    out.insert("IMCdrList".into(), Value::Array(page));
    Ok(out)
}

fn recentcontact_delete(world: &mut World, f: Fields<'_>) -> Result<Map<String, Value>, ApiError> {
    let owner = f.str("From_Account").unwrap_or_default();
    // The model's rules have made sure the peer of the conversation's Type is given.
    let peer = match f.int("Type") {
        Some(1) => Peer::Account(f.str("To_Account").unwrap_or_default().to_owned()),
        _ => Peer::Group(f.str("ToGroupid").unwrap_or_default().to_owned()),
    };
    world.delete_conversation(owner, peer, f.flag("ClearRamble"))?;
    Ok(Map::new())
}
