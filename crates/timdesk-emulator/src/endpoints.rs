//! The five emulated endpoints: each request is checked against its endpoint model (the
//! core's `timdesk::model`, from `models/*.json`: types, required fields, limits, with
//! the documented codes), then its behaviour, here and in [`World`], runs.

use serde_json::{Map, Value};
use timdesk::model::{self, EndpointModel};

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

    /// Its model.
    pub fn model(self) -> &'static EndpointModel {
        model::named(match self {
            Self::TransferToHuman => "transfer_to_human",
            Self::SendMsg => "send_msg",
            Self::EndSession => "end_session",
            Self::DescribeImCdrList => "describe_im_cdr_list",
            Self::RecentContactDelete => "recentcontact_delete",
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

    /// Validates `body` against the model, then applies it to `world`.
    pub fn apply(
        self,
        world: &mut World,
        body: &[u8],
        now: u64,
    ) -> Result<Map<String, Value>, ApiError> {
        let model = self.model();
        if self == Self::SendMsg && body.len() > MAX_MSG_BODY_BYTES {
            return Err(ApiError::new(
                93000,
                format!(
                    "the request body is {} bytes; at most {MAX_MSG_BODY_BYTES} are allowed",
                    body.len()
                ),
            ));
        }
        let map = parse_object(body, model.bad_json_code)?;
        model
            .check_body(&map)
            .map_err(|r| ApiError::new(r.code, r.to_string()))?;
        let f = Fields(&map);
        match self {
            Self::TransferToHuman => transfer_to_human(world, f, now),
            Self::SendMsg => send_msg(world, f, now),
            Self::EndSession => end_session(world, f, now),
            Self::DescribeImCdrList => describe_im_cdr_list(world, f, model),
            Self::RecentContactDelete => recentcontact_delete(world, f, model),
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

fn send_msg(world: &mut World, f: Fields<'_>, now: u64) -> Result<Map<String, Value>, ApiError> {
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
    let message = Message {
        from: String::new(),
        to: String::new(),
        msg_random: f.int("MsgRandom").unwrap_or_default(),
        body: Value::Array(elements),
        cloud_custom_data: f.str("CloudCustomData").map(str::to_owned),
        exclude_from_user_resp_timeout: f.flag("ExcludeFromUserRespTimeout"),
        kind: "message",
        time: now,
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
    let default = |name: &str| {
        model
            .field(name)
            .and_then(|field| field.default)
            .map_or(0, |d| d as u64)
    };
    let limit = f.int("Limit").unwrap_or_else(|| default("Limit")) as usize;
    let offset = f.int("Offset").unwrap_or_else(|| default("Offset")) as usize;
    let (total, page) = world.cdrs(start, end, f.str("ClientUserId"), offset, limit);
    let mut out = Map::new();
    out.insert("TotalCount".into(), total.into());
    out.insert("IMCdrList".into(), Value::Array(page));
    Ok(out)
}

fn recentcontact_delete(
    world: &mut World,
    f: Fields<'_>,
    model: &EndpointModel,
) -> Result<Map<String, Value>, ApiError> {
    let owner = f.str("From_Account").unwrap_or_default();
    let required = |name: &str, what: &str| match f.str(name) {
        Some(id) if !id.is_empty() => Ok(id.to_owned()),
        _ => Err(ApiError::new(
            model.invalid_code,
            format!("{name} is required for a {what} conversation"),
        )),
    };
    let peer = match f.int("Type") {
        Some(1) => Peer::Account(required("To_Account", "one-to-one (Type 1)")?),
        _ => Peer::Group(required("ToGroupid", "group (Type 2)")?),
    };
    world.delete_conversation(owner, peer, f.flag("ClearRamble"))?;
    Ok(Map::new())
}
