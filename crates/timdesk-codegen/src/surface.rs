//! `crates/timdesk/src/client/generated.rs`: the typed Rust surface of every model marked
//! `"surface": "generated"`: its request type (required fields in `new`, setters for the
//! others, the body checked against the model), its answer type, and its `AsyncClient` and
//! `Client` methods.

use crate::format::rustfmt;
use crate::model::{Endpoint, Field};

/// `SessionID` → `session_id`, `IMAgentUserId` → `im_agent_user_id`.
pub(crate) fn snake(wire: &str) -> String {
    let chars: Vec<char> = wire.chars().collect();
    let mut out = String::new();
    for (i, c) in chars.iter().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            let prev = chars[i - 1];
            let next_lower = chars.get(i + 1).is_some_and(char::is_ascii_lowercase);
            if prev.is_ascii_lowercase()
                || prev.is_ascii_digit()
                || (prev.is_ascii_uppercase() && next_lower)
            {
                out.push('_');
            }
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

/// `get_session_state` → `GetSessionState`.
pub(crate) fn pascal(name: &str) -> String {
    name.split('_')
        .map(|part| {
            let mut chars = part.chars();
            chars.next().map_or(String::new(), |c| {
                c.to_ascii_uppercase().to_string() + chars.as_str()
            })
        })
        .collect()
}

/// The Rust type of a request field.
fn request_type(f: &Field) -> &'static str {
    match (f.kind.as_str(), f.required) {
        ("string", true) => "String",
        ("string", false) => "Option<String>",
        ("flag", _) => "bool",
        ("integer" | "timestamp", true) => "u64",
        ("integer" | "timestamp", false) => "Option<u64>",
        ("list<string>", _) => "Vec<String>",
        _ => "Vec<MsgElement>",
    }
}

/// The Rust type of an answer field and how it is read from `answer`.
fn answer_field(f: &Field) -> (&'static str, String) {
    let at = format!("answer[{:?}]", f.name);
    match f.kind.as_str() {
        "string" => (
            "String",
            format!("{at}.as_str().unwrap_or_default().to_owned()"),
        ),
        "flag" => ("bool", format!("{at}.as_u64() == Some(1)")),
        "integer" | "timestamp" => ("u64", format!("{at}.as_u64().unwrap_or_default()")),
        _ => (
            "Vec<Value>",
            format!("{at}.as_array().cloned().unwrap_or_default()"),
        ),
    }
}

/// The body entry of a request field.
fn body_entry(f: &Field) -> String {
    let (wire, field) = (&f.name, snake(&f.name));
    match (f.kind.as_str(), f.required) {
        ("flag", _) => format!("if self.{field} {{ body.insert({wire:?}.into(), json!(1)); }}"),
        ("list<string>", _) => {
            format!(
                "if !self.{field}.is_empty() {{ body.insert({wire:?}.into(), json!(self.{field})); }}"
            )
        }
        ("array", _) => format!(
            "body.insert({wire:?}.into(), Value::Array(self.{field}.iter().map(MsgElement::to_json).collect()));"
        ),
        (_, true) => format!("body.insert({wire:?}.into(), json!(self.{field}));"),
        (_, false) => format!(
            "if let Some(value) = &self.{field} {{ body.insert({wire:?}.into(), json!(value)); }}"
        ),
    }
}

fn endpoint(e: &Endpoint) -> String {
    let ty = pascal(&e.name);
    let answer_ty = format!("{ty}Answer");
    let doc_line = format!(
        "/// `POST /v4/{}`, documented at <{}> (updated {}).",
        e.path, e.doc.url, e.doc.updated
    );
    let mut out = format!(
        "/// {}\n///\n{doc_line}\n#[derive(Debug, Clone, PartialEq)]\n#[non_exhaustive]\npub struct {ty} {{\n",
        e.summary
    );
    for f in &e.request {
        out += &format!(
            "/// {}: {}\npub {}: {},\n",
            f.name,
            f.doc,
            snake(&f.name),
            request_type(f)
        );
    }
    out += "}\n\n";
    let required: Vec<&Field> = e.request.iter().filter(|f| f.required).collect();
    let params: Vec<String> = required
        .iter()
        .map(|f| match request_type(f) {
            "String" => format!("{}: impl Into<String>", snake(&f.name)),
            other => format!("{}: {other}", snake(&f.name)),
        })
        .collect();
    out += &format!(
        "impl {ty} {{\n/// A request with its required fields; the setters add the others.\npub fn new({}) -> Self {{ Self {{\n",
        params.join(", ")
    );
    for f in &e.request {
        let field = snake(&f.name);
        out += &match (f.required, request_type(f)) {
            (true, "String") => format!("{field}: {field}.into(),\n"),
            (true, _) => format!("{field},\n"),
            (false, "bool") => format!("{field}: false,\n"),
            (false, "Vec<String>") => format!("{field}: Vec::new(),\n"),
            (false, _) => format!("{field}: None,\n"),
        };
    }
    out += "} }\n\n";
    for f in e.request.iter().filter(|f| !f.required) {
        let field = snake(&f.name);
        out += &match request_type(f) {
            "Option<String>" => format!(
                "/// Sets {}.\npub fn {field}(mut self, value: impl Into<String>) -> Self {{ self.{field} = Some(value.into()); self }}\n",
                f.name
            ),
            "Option<u64>" => format!(
                "/// Sets {}.\npub fn {field}(mut self, value: u64) -> Self {{ self.{field} = Some(value); self }}\n",
                f.name
            ),
            "bool" => format!(
                "/// Sets {}.\npub fn {field}(mut self, value: bool) -> Self {{ self.{field} = value; self }}\n",
                f.name
            ),
            _ => format!(
                "/// Sets {}.\npub fn {field}(mut self, value: Vec<String>) -> Self {{ self.{field} = value; self }}\n",
                f.name
            ),
        };
    }
    out += "\n/// The request body, checked against the endpoint model.\npub(crate) fn to_body(&self) -> Result<Vec<u8>> {\nlet mut body = Map::new();\n";
    for f in &e.request {
        out += &body_entry(f);
        out += "\n";
    }
    out += &format!(
        "let body = Value::Object(body);\nmodel::{}.check_object(&body)?;\nOk(model::json_bytes(&body))\n}}\n}}\n\n",
        crate::rust::item(&e.name)
    );
    let returns = if e.response.is_empty() {
        "()".to_owned()
    } else {
        out += &format!(
            "/// The answer of {}.\n#[derive(Debug, Clone, PartialEq)]\n#[non_exhaustive]\npub struct {answer_ty} {{\n",
            e.name
        );
        for f in &e.response {
            out += &format!(
                "/// {}: {}\npub {}: {},\n",
                f.name,
                f.doc,
                snake(&f.name),
                answer_field(f).0
            );
        }
        out += &format!(
            "}}\n\nimpl {answer_ty} {{\nfn from_answer(answer: &Value) -> Self {{ Self {{\n"
        );
        for f in &e.response {
            out += &format!("{}: {},\n", snake(&f.name), answer_field(f).1);
        }
        out += "} }\n}\n\n";
        answer_ty.clone()
    };
    let method = &e.name;
    let finish = if e.response.is_empty() {
        ".map(drop)".to_owned()
    } else {
        format!(".map(|answer| {answer_ty}::from_answer(&answer))")
    };
    out += &format!(
        "impl AsyncClient {{\n/// {}\n///\n{doc_line}\npub async fn {method}(&self, request: &{ty}) -> Result<{returns}> {{\nself.endpoint(&model::{}, request.to_body()?).await{finish}\n}}\n}}\n\n",
        e.summary,
        crate::rust::item(&e.name)
    );
    out += &format!(
        "impl Client {{\n/// {}; see [`AsyncClient::{method}`].\npub fn {method}(&self, request: &{ty}) -> Result<{returns}> {{\nlet request = request.clone();\nself.block(|c| async move {{ c.{method}(&request).await }})\n}}\n}}\n\n",
        e.summary.trim_end_matches('.')
    );
    out
}

/// The Rust source of the generated surfaces.
pub fn render(endpoints: &[Endpoint]) -> Result<String, String> {
    let mut out = String::from(
        "//! Generated by `cargo run -p timdesk-codegen` from `models/*.json`: do not edit.\n\
         //! The typed surface of every endpoint whose model says `\"surface\": \"generated\"`.\n\n\
         #![allow(clippy::new_without_default)]\n\n\
         use serde_json::{Map, Value, json};\n\n\
         use super::{AsyncClient, Client};\n\
         use crate::api::MsgElement;\n\
         use crate::error::Result;\n\
         use crate::model;\n\n",
    );
    for e in endpoints
        .iter()
        .filter(|e| e.surface.as_deref() == Some("generated"))
    {
        out += &endpoint(e);
    }
    rustfmt(&out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names_become_snake_case() {
        for (wire, snake_case) in [
            ("SessionId", "session_id"),
            ("SessionID", "session_id"),
            ("IMAgentUserId", "im_agent_user_id"),
            ("ClientUserId", "client_user_id"),
            ("MsgKey", "msg_key"),
            ("From_Account", "from_account"),
            ("ToGroupid", "to_groupid"),
        ] {
            assert_eq!(snake(wire), snake_case, "{wire}");
        }
        assert_eq!(pascal("get_session_state"), "GetSessionState");
    }
}
