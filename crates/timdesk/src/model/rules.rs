//! What a request must satisfy beyond its fields one by one: the rules a model states
//! across fields (`rules`), the request's documented size (`size_limit`), and, for the
//! by-name call, that every field it carries is one the model knows.

use serde_json::{Map, Value};

use super::{EndpointModel, Refusal};

/// A rule across fields: when `when` holds (or always), at least one of the `require`
/// alternatives must be given whole: every field in it present, not null and not "".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestRule {
    /// The condition: the field named has this integer value; `None`: always.
    pub when: Option<(&'static str, i64)>,
    /// The alternatives, each a set of fields given together.
    pub require: &'static [&'static [&'static str]],
}

/// The documented largest request, serialized.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SizeLimit {
    /// The most bytes the server takes.
    pub bytes: usize,
    /// The code it answers above that.
    pub code: u32,
}

fn given(body: &Map<String, Value>, field: &str) -> bool {
    !matches!(body.get(field), None | Some(Value::Null)) && body.get(field) != Some(&"".into())
}

impl RequestRule {
    /// Checks `body`; a refusal names the first missing field of the alternative the body
    /// comes closest to, and the rule whole.
    pub fn check(&self, body: &Map<String, Value>, code: u32) -> Result<(), Refusal> {
        if let Some((field, value)) = self.when {
            if body.get(field).and_then(Value::as_i64) != Some(value) {
                return Ok(());
            }
        }
        let present = |alt: &[&str]| alt.iter().filter(|f| given(body, f)).count();
        if self.require.iter().any(|alt| present(alt) == alt.len()) {
            return Ok(());
        }
        let closest = self
            .require
            .iter()
            .rev()
            .max_by_key(|alt| present(alt))
            .unwrap_or_else(|| unreachable!("the generator refuses a rule without alternatives"));
        let field = closest
            .iter()
            .find(|f| !given(body, f))
            .unwrap_or_else(|| unreachable!("the closest alternative is not whole"));
        Err(Refusal {
            code,
            field,
            rule: self.to_string(),
        })
    }
}

impl std::fmt::Display for RequestRule {
    /// The rule as a refusal states it after the field's name, e.g. `is required: give
    /// SessionId, or ClientUserId with CustomerServiceId`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("is required")?;
        if let Some((field, value)) = self.when {
            write!(f, " when {field} is {value}")?;
        }
        if let [[_]] = self.require {
            return Ok(());
        }
        let alternatives: Vec<String> = self.require.iter().map(|alt| alt.join(" with ")).collect();
        write!(f, ": give {}", alternatives.join(", or "))
    }
}

impl EndpointModel {
    /// Checks the rules across fields of a request `body`, after its fields.
    pub(crate) fn check_rules(&self, body: &Map<String, Value>) -> Result<(), Refusal> {
        self.rules
            .iter()
            .try_for_each(|rule| rule.check(body, self.invalid_code))
    }

    /// Checks a serialized request of `len` bytes against the documented size.
    pub fn check_size(&self, len: usize) -> Result<(), Refusal> {
        match self.size_limit {
            Some(limit) if len > limit.bytes => Err(Refusal {
                code: limit.code,
                field: "body",
                rule: format!(
                    "is {len} bytes serialized; the server takes at most {}",
                    limit.bytes
                ),
            }),
            _ => Ok(()),
        }
    }

    /// Refuses a field the model does not know, naming it and the known ones: the by-name
    /// call's guard against a typo (the server ignores an unknown field, so a misspelt
    /// optional field would be dropped without a word). Array items are free-form by the
    /// models, so only top-level names are checked.
    pub fn check_known(&self, body: &Map<String, Value>) -> crate::Result<()> {
        match body.keys().find(|name| self.field(name).is_none()) {
            None => Ok(()),
            Some(name) => {
                let known: Vec<&str> = self.request.iter().map(|f| f.name).collect();
                Err(crate::Error::invalid_argument(
                    name,
                    format!(
                        "is not a field of {} (its fields: {})",
                        self.name,
                        known.join(", ")
                    ),
                ))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::model::{
        DESCRIBE_IM_CDR_LIST, GET_SESSION_STATE, RECENTCONTACT_DELETE, SEND_MSG, TRANSFER_TO_HUMAN,
    };

    fn body(v: serde_json::Value) -> serde_json::Map<String, serde_json::Value> {
        v.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn get_session_state_needs_a_session_id_or_a_user_with_an_agent() {
        let state = &GET_SESSION_STATE;
        let refused = |v| {
            state
                .check_body(&body(v))
                .map_err(|r| (r.code, r.to_string()))
        };
        let rule = "is required: give SessionId, or ClientUserId with CustomerServiceId";
        assert_eq!(
            refused(json!({})),
            Err((141004, format!("SessionId {rule}")))
        );
        assert_eq!(
            refused(json!({"SessionId": ""})),
            Err((141004, format!("SessionId {rule}")))
        );
        assert_eq!(
            refused(json!({"ClientUserId": "u"})),
            Err((141004, format!("CustomerServiceId {rule}")))
        );
        assert_eq!(refused(json!({"SessionId": "s"})), Ok(()));
        assert_eq!(
            refused(json!({"ClientUserId": "u", "CustomerServiceId": "a"})),
            Ok(())
        );
    }

    #[test]
    fn recentcontact_delete_needs_the_peer_of_its_type() {
        let delete = &RECENTCONTACT_DELETE;
        let refused = |v| {
            delete
                .check_body(&body(v))
                .map_err(|r| (r.code, r.to_string()))
        };
        assert_eq!(
            refused(json!({"From_Account": "a", "Type": 1, "ToGroupid": "g"})),
            Err((50002, "To_Account is required when Type is 1".into()))
        );
        assert_eq!(
            refused(json!({"From_Account": "a", "Type": 2, "To_Account": "b"})),
            Err((50002, "ToGroupid is required when Type is 2".into()))
        );
        assert_eq!(
            refused(json!({"From_Account": "a", "Type": 2, "ToGroupid": "g"})),
            Ok(())
        );
    }

    #[test]
    fn the_documented_size_is_checked_where_the_docs_give_one() {
        let send = &SEND_MSG;
        assert_eq!(send.check_size(12 * 1024), Ok(()));
        let refusal = send.check_size(12 * 1024 + 1).unwrap_err();
        assert_eq!((refusal.code, refusal.field), (93000, "body"), "{refusal}");
        assert_eq!(
            TRANSFER_TO_HUMAN
                .check_size(12 * 1024 + 1)
                .unwrap_err()
                .code,
            93000
        );
        assert_eq!(GET_SESSION_STATE.check_size(1 << 20), Ok(()));
    }

    #[test]
    fn an_unknown_field_is_named_with_the_known_ones() {
        let cdrs = &DESCRIBE_IM_CDR_LIST;
        let err = cdrs
            .check_known(&body(json!({"StartTimestamp": 1, "Limti": 5})))
            .unwrap_err();
        assert_eq!(err.kind(), crate::ErrorKind::InvalidArgument);
        assert_eq!(
            err.to_string(),
            "invalid argument: Limti: is not a field of describe_im_cdr_list (its fields: \
             StartTimestamp, \
             EndTimestamp, Limit, Offset, ClientUserId)"
        );
        let send = &SEND_MSG;
        let free_form = json!({"SessionId": "s", "MsgRandom": 1,
            "MsgBody": [{"MsgType": "TIMCustomElem", "MsgContent": {"Anything": 1}}]});
        assert!(send.check_known(&body(free_form)).is_ok());
    }
}
