//! The endpoint models: one definition per endpoint (path, documentation, request and
//! response fields with their types and limits, documented error codes, retry semantics,
//! rate limit), read from `models/*.json` by the generator (`cargo run -p
//! timdesk-codegen`) into one item per model (e.g. [`SEND_MSG`]) and [`ENDPOINTS`]. The client takes its retry rules from them, the
//! emulator validates requests with them, and `docs/api.md` is rendered from them.

use serde_json::{Map, Value};

mod data;
mod rules;

pub use data::*;
pub use rules::{RequestRule, SizeLimit};

/// One endpoint of the server API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EndpointModel {
    /// The model's name, e.g. `transfer_to_human`.
    pub name: &'static str,
    /// `service/command` after `/v4/`.
    pub path: &'static str,
    /// What it does, in a sentence.
    pub summary: &'static str,
    /// The documentation page read.
    pub doc_url: &'static str,
    /// That page's update date.
    pub updated: &'static str,
    /// The code for a caller who is not the app administrator.
    pub admin_code: u32,
    /// The code for an invalid field (unless the field names its own).
    pub invalid_code: u32,
    /// The code for a body that is not a JSON object.
    pub bad_json_code: u32,
    /// Whether answers carry ErrorDisplay.
    pub error_display: bool,
    /// What a repeat after a lost answer does.
    pub lost_answer: LostAnswer,
    /// An ErrorCode that, after a lost answer, means the lost attempt took effect.
    pub done_code: Option<u32>,
    /// The documented calls per second, if any.
    pub rate_limit: Option<u32>,
    /// The code over the rate limit.
    pub rate_limit_code: u32,
    /// The codes the page documents.
    pub errors: &'static [u32],
    /// How it pages, when it answers a page at a time.
    pub paging: Option<Paging>,
    /// The request fields.
    pub request: &'static [FieldModel],
    /// The rules across request fields (checked after the fields, with `invalid_code`).
    pub rules: &'static [RequestRule],
    /// The documented largest request, if the docs give one.
    pub size_limit: Option<SizeLimit>,
    /// The answer's fields (beyond ActionStatus, ErrorCode, ErrorInfo).
    pub response: &'static [FieldModel],
}

/// How a paged endpoint is walked, from its model's `paging`: a walk asks for pages of
/// the `limit` field's `max` ([`EndpointModel::page_size`]) from offset 0, moves `offset`
/// on by each page's `items`, and ends once it reaches `total` or a page has no items.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paging {
    /// The request field of items to skip.
    pub offset: &'static str,
    /// The request field of items per page.
    pub limit: &'static str,
    /// The answer field holding the page's items.
    pub items: &'static str,
    /// The answer field of items over all pages.
    pub total: &'static str,
}

/// What may follow an attempt whose answer was lost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LostAnswer {
    /// Send it again: a repeat has no further effect, or a recognisable one.
    Repeat,
    /// Never send it again: the effect is unknown.
    Never,
    /// The caller chooses (send_msg: at most or at least once).
    Ask,
}

/// The JSON type of a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    /// A string.
    String,
    /// An integer, within `min` and `max`.
    Integer,
    /// 0 or 1.
    Flag,
    /// Unix seconds.
    Timestamp,
    /// An array of strings.
    StringList,
    /// An array of objects (e.g. MsgBody).
    Array,
}

impl FieldKind {
    /// The name used in the models and the reference.
    pub fn name(self) -> &'static str {
        match self {
            Self::String => "string",
            Self::Integer => "integer",
            Self::Flag => "flag",
            Self::Timestamp => "timestamp",
            Self::StringList => "list<string>",
            Self::Array => "array",
        }
    }
}

/// One field of a request or an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldModel {
    /// The wire name, exactly as the server spells it.
    pub name: &'static str,
    /// The name the bindings give it: snake_case (`SessionID` → `session_id`), from the
    /// generator's one rule; the command's flag is it with dashes.
    pub snake: &'static str,
    /// Its type.
    pub kind: FieldKind,
    /// Whether a request must carry it.
    pub required: bool,
    /// The smallest value (integers).
    pub min: Option<i64>,
    /// The largest value (integers).
    pub max: Option<i64>,
    /// The only values allowed, when the docs list them.
    pub allowed: &'static [i64],
    /// The server's default when absent.
    pub default: Option<i64>,
    /// The code for a value of the wrong type or out of range (else the endpoint's).
    pub invalid_code: Option<u32>,
    /// The code when a required field is missing (else `invalid_code`).
    pub missing_code: Option<u32>,
    /// What it means.
    pub doc: &'static str,
    /// What the docs could not tell, when something.
    pub gap: Option<&'static str>,
}

/// A refusal: the server's code, the field and the rule it breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// The ErrorCode the server answers with.
    pub code: u32,
    /// The field's wire name.
    pub field: &'static str,
    /// The rule, e.g. `must be 0 to 9, not 10`.
    pub rule: String,
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.field, self.rule)
    }
}

impl From<Refusal> for crate::Error {
    /// The client's error for a request refused before sending.
    fn from(r: Refusal) -> Self {
        crate::Error::invalid_argument(r.field, r.rule)
    }
}

impl FieldModel {
    /// Checks this field of a request `body` as the server would.
    pub fn check(
        &self,
        body: &Map<String, Value>,
        endpoint: &EndpointModel,
    ) -> Result<(), Refusal> {
        let invalid = self.invalid_code.unwrap_or(endpoint.invalid_code);
        let name = self.name;
        let value = match body.get(name) {
            None | Some(Value::Null) if self.required => {
                return Err(Refusal {
                    code: self.missing_code.unwrap_or(invalid),
                    field: name,
                    rule: "is required".into(),
                });
            }
            None | Some(Value::Null) => return Ok(()),
            Some(value) => value,
        };
        let wrong = |rule: String| {
            Err(Refusal {
                code: invalid,
                field: name,
                rule,
            })
        };
        match self.kind {
            FieldKind::String if !value.is_string() => wrong("must be a string".into()),
            FieldKind::String if self.required && value.as_str() == Some("") => {
                wrong("must not be empty".into())
            }
            FieldKind::StringList
                if !value
                    .as_array()
                    .is_some_and(|items| items.iter().all(Value::is_string)) =>
            {
                wrong("must be an array of strings".into())
            }
            FieldKind::Array if !value.is_array() => wrong("must be an Array".into()),
            FieldKind::Integer | FieldKind::Flag | FieldKind::Timestamp => {
                self.check_integer(value, &wrong)
            }
            _ => Ok(()),
        }
    }

    fn check_integer(
        &self,
        value: &Value,
        wrong: &dyn Fn(String) -> Result<(), Refusal>,
    ) -> Result<(), Refusal> {
        let Some(n) = value.as_i64().or_else(|| value.as_u64().map(|_| i64::MAX)) else {
            return wrong("must be an integer".into());
        };
        let (min, max) = match self.kind {
            FieldKind::Flag => (Some(0), Some(1)),
            FieldKind::Timestamp => (Some(0), None),
            _ => (self.min, self.max),
        };
        let in_range = min.is_none_or(|m| n >= m) && max.is_none_or(|m| n <= m);
        if !in_range {
            return wrong(match (min, max) {
                (Some(lo), Some(hi)) => format!("must be {lo} to {hi}, not {value}"),
                (Some(lo), None) => format!("must be at least {lo}, not {value}"),
                (None, Some(hi)) => format!("must be at most {hi}, not {value}"),
                (None, None) => unreachable!("no bound, always in range"),
            });
        }
        if !self.allowed.is_empty() && !self.allowed.contains(&n) {
            let allowed: Vec<String> = self.allowed.iter().map(i64::to_string).collect();
            return wrong(format!(
                "must be one of {}, not {value}",
                allowed.join(", ")
            ));
        }
        Ok(())
    }
}

impl EndpointModel {
    /// Checks every modelled field of a request body, in the model's order, then the
    /// model's rules across fields.
    pub fn check_body(&self, body: &Map<String, Value>) -> Result<(), Refusal> {
        self.request
            .iter()
            .try_for_each(|field| field.check(body, self))?;
        self.check_rules(body)
    }

    /// Checks a request body built by the client: the same rules, before sending.
    pub(crate) fn check_object(&self, body: &Value) -> Result<(), Refusal> {
        match body {
            Value::Object(map) => self.check_body(map),
            _ => unreachable!("the client builds request bodies as objects"),
        }
    }

    /// Items per page of a walk: the max of the model's paging `limit` field (the generator
    /// refuses a paging model without one); None for an endpoint that does not page.
    pub fn page_size(&self) -> Option<u64> {
        let paging = self.paging?;
        let max = self.field(paging.limit)?.max?;
        u64::try_from(max).ok()
    }

    /// The request field named `name`.
    pub fn field(&self, name: &str) -> Option<&'static FieldModel> {
        self.request.iter().find(|f| f.name == name)
    }
}

/// A request body as sent: compact JSON, written straight into bytes (`Value`'s
/// `to_string` goes through the formatting machinery, a measurable part of a call).
pub(crate) fn json_bytes(body: &Value) -> Vec<u8> {
    serde_json::to_vec(body).unwrap_or_else(|_| unreachable!("a Value has string keys"))
}

/// The model of the endpoint at `service/command`.
pub fn by_path(path: &str) -> Option<&'static EndpointModel> {
    ENDPOINTS.iter().copied().find(|e| e.path == path)
}

/// The model named `name` (e.g. `send_msg`), for names that come from outside the
/// program (a user's call by name); code names a model by its item, e.g. [`SEND_MSG`].
pub fn by_name(name: &str) -> Option<&'static EndpointModel> {
    ENDPOINTS.iter().copied().find(|e| e.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn body(v: Value) -> Map<String, Value> {
        match v {
            Value::Object(map) => map,
            _ => unreachable!(),
        }
    }

    #[test]
    fn every_documented_code_of_every_model_is_in_the_code_table() {
        for endpoint in ENDPOINTS {
            for code in endpoint.errors {
                assert!(
                    crate::codes::lookup(*code).is_some(),
                    "{} documents {code}, which the code table lacks",
                    endpoint.name
                );
            }
        }
    }

    #[test]
    fn a_walk_takes_its_page_size_from_the_limit_fields_max() {
        for endpoint in ENDPOINTS {
            let Some(paging) = endpoint.paging else {
                assert_eq!(endpoint.page_size(), None, "{}", endpoint.name);
                continue;
            };
            let limit = endpoint.field(paging.limit).expect("the limit field");
            assert_eq!(
                endpoint.page_size().map(|n| i64::try_from(n).unwrap()),
                limit.max,
                "{}",
                endpoint.name
            );
        }
        assert!(DESCRIBE_IM_CDR_LIST.paging.is_some() && DESCRIBE_CHAT_MESSAGES.paging.is_some());
    }

    #[test]
    fn fields_are_checked_with_the_models_codes() {
        let transfer = &TRANSFER_TO_HUMAN;
        assert_eq!(
            transfer.check_body(&body(json!({"SessionId": "s"}))),
            Ok(())
        );
        assert_eq!(
            transfer.check_body(&body(json!({}))).unwrap_err().code,
            141004
        );
        let err = transfer
            .check_body(&body(json!({"SessionId": "s", "Priority": 10})))
            .unwrap_err();
        assert_eq!(
            (err.code, err.to_string()),
            (141004, "Priority must be 0 to 9, not 10".into())
        );
        let err = transfer
            .check_body(&body(json!({"SessionId": "s", "DisableQueuing": 2})))
            .unwrap_err();
        assert_eq!(err.field, "DisableQueuing");
        let send = &SEND_MSG;
        let err = send.check_body(&body(json!({"MsgBody": []}))).unwrap_err();
        assert_eq!(err.code, 90005, "MsgRandom missing: {err:?}");
        let err = send.check_body(&body(json!({"MsgRandom": 1}))).unwrap_err();
        assert_eq!(err.code, 90002, "MsgBody missing");
        let err = send
            .check_body(&body(json!({"MsgRandom": 1, "MsgBody": {}})))
            .unwrap_err();
        assert_eq!(err.code, 90007, "MsgBody not an array");
        let err = send
            .check_body(&body(json!({"MsgRandom": 4_294_967_296u64, "MsgBody": []})))
            .unwrap_err();
        assert_eq!(err.code, 90005);
        let delete = &RECENTCONTACT_DELETE;
        let err = delete
            .check_body(&body(json!({"From_Account": "a", "Type": 3})))
            .unwrap_err();
        assert_eq!(
            (err.code, err.to_string()),
            (50002, "Type must be one of 1, 2, not 3".into())
        );
    }
}
