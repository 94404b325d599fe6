//! Every modelled endpoint (`timdesk::model::ENDPOINTS`, generated from `models/*.json`):
//! each request is checked against its endpoint model (types, required fields, limits,
//! with the documented codes), then the behaviour registered for it in [`BEHAVIOURS`]
//! runs, here and in [`World`]. A modelled endpoint with no behaviour yet answers 60009
//! (the assumption `modelled_not_served_60009`).

use serde_json::{Map, Value};
use timdesk::api::ElementType;
use timdesk::model::{self, EndpointModel, Refusal};

use crate::answer::ApiError;
use crate::world::{Message, Peer, TransferRequest, World, is_session_id};

/// A modelled endpoint, e.g. `Endpoint::from(&timdesk::model::SEND_MSG)`: equal when
/// their paths are.
#[derive(Debug, Clone, Copy)]
pub struct Endpoint(&'static EndpointModel);

impl From<&'static EndpointModel> for Endpoint {
    fn from(model: &'static EndpointModel) -> Self {
        Self(model)
    }
}

impl PartialEq for Endpoint {
    fn eq(&self, other: &Self) -> bool {
        self.0.path == other.0.path
    }
}

impl Eq for Endpoint {}

impl std::hash::Hash for Endpoint {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.0.path.hash(state);
    }
}

/// What an endpoint does with a request its model accepted.
type Behaviour = fn(Request<'_, '_>) -> Result<Map<String, Value>, ApiError>;

/// A request its model accepted, with what a behaviour may use.
struct Request<'a, 'w> {
    world: &'w mut World,
    f: Fields<'a>,
    model: &'static EndpointModel,
    now: u64,
    fresh_id: &'w mut dyn FnMut() -> String,
}

/// The behaviour of every endpoint the emulator serves, registered against its model's
/// generated item (so a name without a model does not compile). A new model needs a row
/// here; until it has one, its endpoint answers 60009.
static BEHAVIOURS: &[(&EndpointModel, Behaviour)] = &[
    (&model::CONTACT_USER, |r| {
        r.world
            .contact_user(
                r.f.str("ClientUserId").unwrap_or_default(),
                r.f.int("GroupId"),
                r.f.str("MemberId"),
                r.now,
                r.fresh_id,
            )
            .map(|member| object(serde_json::json!({"MemberId": member})))
    }),
    (&model::DESCRIBE_CHAT_MESSAGES, describe_chat_messages),
    (&model::DESCRIBE_IM_CDR_LIST, describe_im_cdr_list),
    (&model::END_QUEUING, |r| {
        r.world
            .end_queuing(r.f.str("SessionID").unwrap_or_default())
            .map(|()| Map::new())
    }),
    (&model::END_SESSION, |r| {
        r.world
            .end_session(r.f.str("SessionId").unwrap_or_default(), r.now)
            .map(|()| Map::new())
    }),
    (&model::GET_SESSION_STATE, |r| {
        r.world
            .session_state(r.f.str("SessionId"), r.f.str("ClientUserId"))
            .map(object)
    }),
    (&model::MODIFY_MSG, modify_msg),
    (&model::RECENTCONTACT_DELETE, recentcontact_delete),
    (&model::RESTORE_MEMBER_ONLINE, |r| {
        r.world
            .set_agent_online(r.f.str("MemberMail").unwrap_or_default(), true)
            .map(|()| Map::new())
    }),
    (&model::SEND_MSG, send_msg),
    (&model::SEND_STREAM_MSG, |r| {
        r.world
            .stream_chunk(
                r.f.str("SessionId").unwrap_or_default(),
                r.f.str("MsgKey"),
                r.f.str("Chunk").unwrap_or_default(),
                r.f.flag("Finish"),
                r.f.str("CloudCustomData").map(str::to_owned),
                r.now,
            )
            .map(|key| object(serde_json::json!({"MsgKey": key})))
    }),
    (&model::TRANSFER_TO_HUMAN, transfer_to_human),
];

impl Endpoint {
    /// Every modelled endpoint, sorted by name.
    pub fn all() -> impl Iterator<Item = Endpoint> {
        model::ENDPOINTS.iter().copied().map(Self)
    }

    /// Its model.
    pub fn model(self) -> &'static EndpointModel {
        self.0
    }

    /// The `service/command` path after `/v4/`.
    pub fn path(self) -> &'static str {
        self.0.path
    }

    /// The modelled endpoint at `service/command`.
    pub fn from_path(path: &str) -> Option<Self> {
        model::by_path(path).map(Self)
    }

    /// Whether the emulator has a behaviour for it (else it answers 60009).
    pub fn served(self) -> bool {
        self.behaviour().is_some()
    }

    fn behaviour(self) -> Option<Behaviour> {
        BEHAVIOURS
            .iter()
            .find(|(model, _)| model.path == self.0.path)
            .map(|&(_, behaviour)| behaviour)
    }

    /// Whether answers carry ErrorDisplay (recentcontact does).
    pub fn has_error_display(self) -> bool {
        self.0.error_display
    }

    /// The code for a caller who is not the app administrator.
    pub fn admin_required_code(self) -> u32 {
        self.0.admin_code
    }

    /// The code for exceeding the endpoint's rate limit.
    pub fn rate_limited_code(self) -> u32 {
        self.0.rate_limit_code
    }

    /// The default rate limit (calls per second), where the docs give one.
    pub fn default_rate_limit(self) -> Option<u32> {
        self.0.rate_limit
    }

    /// The checks a request `body` passes before the endpoint acts, with the server's
    /// codes: the model's size limit, a JSON object, every field and cross-field rule of the
    /// model, and
    /// (60009) that the emulator serves the endpoint. Returns the body's fields.
    pub fn check(self, body: &[u8]) -> Result<Map<String, Value>, ApiError> {
        self.accept(body).map(|(map, _)| map)
    }

    fn accept(self, body: &[u8]) -> Result<(Map<String, Value>, Behaviour), ApiError> {
        let model = self.0;
        let refused = |r: Refusal| ApiError::new(r.code, r.to_string());
        model.check_size(body.len()).map_err(refused)?;
        let map = parse_object(body, model.bad_json_code)?;
        model.check_body(&map).map_err(refused)?;
        let behaviour = self.behaviour().ok_or_else(|| {
            ApiError::new(
                60009,
                format!(
                    "/v4/{} is modelled (models/{}.json) but this emulator does not serve it yet",
                    model.path, model.name
                ),
            )
        })?;
        Ok((map, behaviour))
    }

    /// Checks `body` (see [`Endpoint::check`]), then applies it to `world`; `fresh_id`
    /// makes the SessionId of a session the request opens.
    pub(crate) fn apply(
        self,
        world: &mut World,
        body: &[u8],
        now: u64,
        fresh_id: &mut dyn FnMut() -> String,
    ) -> Result<Map<String, Value>, ApiError> {
        let (map, behaviour) = self.accept(body)?;
        behaviour(Request {
            world,
            f: Fields(&map),
            model: self.0,
            now,
            fresh_id,
        })
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

fn transfer_to_human(r: Request<'_, '_>) -> Result<Map<String, Value>, ApiError> {
    let f = r.f;
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
    let assignment = r.world.transfer_to_human(session_id, request, r.now)?;
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

fn describe_chat_messages(r: Request<'_, '_>) -> Result<Map<String, Value>, ApiError> {
    let (f, model) = (r.f, r.model);
    let limit = f.int("Limit").unwrap_or_else(|| default_of(model, "Limit")) as usize;
    let offset = f
        .int("Offset")
        .unwrap_or_else(|| default_of(model, "Offset")) as usize;
    let ascending = f.int("Order").unwrap_or_else(|| default_of(model, "Order")) == 1;
    let session_id = f.str("SessionId").unwrap_or_default();
    let (total, page) = r
        .world
        .chat_messages(session_id, offset, limit, ascending)?;
    let mut out = Map::new();
    out.insert("TotalCount".into(), total.into());
    out.insert("Messages".into(), Value::Array(page));
    Ok(out)
}

fn modify_msg(r: Request<'_, '_>) -> Result<Map<String, Value>, ApiError> {
    let f = r.f;
    let body = Value::Array(msg_body(f)?);
    r.world.modify_message(
        f.str("SessionId").unwrap_or_default(),
        f.str("MsgKey").unwrap_or_default(),
        body,
        f.str("CloudCustomData").map(str::to_owned),
    )?;
    Ok(Map::new())
}

fn send_msg(r: Request<'_, '_>) -> Result<Map<String, Value>, ApiError> {
    let (world, f, now) = (r.world, r.f, r.now);
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

/// Checks one TIMMsgElement: a declared MsgType whose MsgContent has its required fields
/// (`timdesk::api::ELEMENTS`, the client's own declaration).
fn check_element(element: &Value) -> Result<(), String> {
    let msg_type = element
        .get("MsgType")
        .and_then(Value::as_str)
        .ok_or("MsgType must be a string")?;
    let content = element
        .get("MsgContent")
        .and_then(Value::as_object)
        .ok_or("MsgContent must be an object")?;
    ElementType::of(msg_type)
        .ok_or_else(|| format!("unknown MsgType {msg_type:?}"))?
        .check(content)
}

fn describe_im_cdr_list(r: Request<'_, '_>) -> Result<Map<String, Value>, ApiError> {
    let (f, model) = (r.f, r.model);
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
    let (total, page) = r
        .world
        .cdrs(start, end, f.str("ClientUserId"), offset, limit);
    let mut out = Map::new();
    out.insert("TotalCount".into(), total.into());
    out.insert("IMCdrList".into(), Value::Array(page));
    Ok(out)
}

fn recentcontact_delete(r: Request<'_, '_>) -> Result<Map<String, Value>, ApiError> {
    let f = r.f;
    let owner = f.str("From_Account").unwrap_or_default();
    // The model's rules have made sure the peer of the conversation's Type is given.
    let peer = match f.int("Type") {
        Some(1) => Peer::Account(f.str("To_Account").unwrap_or_default().to_owned()),
        _ => Peer::Group(f.str("ToGroupid").unwrap_or_default().to_owned()),
    };
    r.world
        .delete_conversation(owner, peer, f.flag("ClearRamble"))?;
    Ok(Map::new())
}
