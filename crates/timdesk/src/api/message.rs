//! Message elements (TIMMsgElement): the parts of a MsgBody. The types, their JSON and
//! the table of every element's content are generated (`elements.rs`, from
//! `models/library/elements.json`); here, the constructors and the check against that table.

use serde_json::{Map, Value};

use super::elements::{Card, ContentType, ELEMENTS, ElementType, MsgElement};
use crate::error::{Error, Result};

impl MsgElement {
    /// A text element.
    pub fn text(text: impl Into<String>) -> Self {
        Self::Text { text: text.into() }
    }

    /// A custom element carrying `payload` serialized as JSON.
    pub fn custom_json(payload: &Value) -> Self {
        Self::Custom {
            data: payload.to_string(),
            desc: None,
            ext: None,
            sound: None,
        }
    }

    /// The desk's card (`src` "22" in the desk's custom message protocol).
    pub fn card(card: &Card) -> Self {
        Self::custom_json(&card.data())
    }

    /// An element from its JSON form. A declared MsgType's content is checked against
    /// the declaration (each required field present, with its type) before anything is
    /// sent; another MsgType's content is kept as given.
    pub fn from_json(value: Value) -> Result<Self> {
        let msg_type = value.get("MsgType").and_then(Value::as_str);
        let content = value.get("MsgContent").and_then(Value::as_object);
        let (Some(msg_type), Some(content)) = (msg_type, content) else {
            return Err(Error::invalid_argument(
                "MsgBody",
                "each element needs a MsgType string and a MsgContent object",
            ));
        };
        if let Some(declared) = ElementType::of(msg_type) {
            declared
                .check(content)
                .map_err(|rule| Error::invalid_argument("MsgBody", rule))?;
        }
        Ok(Self::Raw(value))
    }
}

impl ElementType {
    /// The declared element whose MsgType is `msg_type`.
    pub fn of(msg_type: &str) -> Option<&'static Self> {
        ELEMENTS.iter().find(|e| e.msg_type == msg_type)
    }

    /// Checks `content` (a MsgContent) has every required field with its declared type;
    /// the error names the element and the field.
    pub fn check(&self, content: &Map<String, Value>) -> std::result::Result<(), String> {
        for field in self.fields.iter().filter(|f| f.required) {
            let (fits, what): (fn(&Value) -> bool, _) = match field.kind {
                ContentType::String => (Value::is_string, "a string"),
                ContentType::Integer => (|v| v.is_i64() || v.is_u64(), "an integer"),
                ContentType::Number => (Value::is_number, "a number"),
                ContentType::Array => (Value::is_array, "an array"),
            };
            if !content.get(field.wire).is_some_and(fits) {
                return Err(format!(
                    "{} needs MsgContent.{} as {what}",
                    self.msg_type, field.wire
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn elements_use_the_server_field_names() {
        assert_eq!(
            MsgElement::text("hi").to_json(),
            json!({"MsgType": "TIMTextElem", "MsgContent": {"Text": "hi"}})
        );
        let card = MsgElement::card(&Card {
            header: "h".into(),
            desc: "d".into(),
            pic: "p".into(),
            url: "u".into(),
        })
        .to_json();
        assert_eq!(card["MsgType"], "TIMCustomElem");
        let data: Value =
            serde_json::from_str(card["MsgContent"]["Data"].as_str().unwrap()).unwrap();
        assert_eq!(data["content"]["header"], "h");
        assert_eq!(data["src"], "22");
        let loc = MsgElement::Location {
            desc: "x".into(),
            latitude: 1.5,
            longitude: -2.0,
        }
        .to_json();
        assert_eq!(loc["MsgContent"]["Latitude"], 1.5);
        assert!(MsgElement::from_json(json!({"MsgType": "X"})).is_err());
    }

    #[test]
    fn every_typed_element_passes_its_own_check() {
        let info = crate::api::ImageInfo {
            kind: 1,
            size: 2,
            width: 3,
            height: 4,
            url: "u".into(),
        };
        let elements = [
            MsgElement::text("t"),
            MsgElement::custom_json(&json!({})),
            MsgElement::Face {
                index: 1,
                data: None,
            },
            MsgElement::Location {
                desc: "d".into(),
                latitude: 0.5,
                longitude: 1.0,
            },
            MsgElement::Image {
                uuid: "u".into(),
                image_format: 3,
                image_info: vec![info],
            },
            MsgElement::Sound {
                url: "u".into(),
                size: 1,
                second: 2,
            },
            MsgElement::File {
                url: "u".into(),
                file_size: 1,
                file_name: "f".into(),
            },
            MsgElement::Video {
                video_url: "u".into(),
                video_size: 1,
                video_second: 2,
                video_format: "mp4".into(),
                thumb_url: "t".into(),
                thumb_size: 3,
                thumb_width: 4,
                thumb_height: 5,
                thumb_format: "JPG".into(),
            },
        ];
        let mut seen: Vec<&str> = Vec::new();
        for element in elements {
            let json = element.to_json();
            let declared = ElementType::of(json["MsgType"].as_str().unwrap()).unwrap();
            declared
                .check(json["MsgContent"].as_object().unwrap())
                .unwrap();
            seen.push(declared.name);
        }
        let all: Vec<&str> = ELEMENTS.iter().map(|e| e.name).collect();
        assert_eq!(seen, all);
    }

    #[test]
    fn a_declared_element_missing_a_required_field_is_refused_naming_it() {
        let err = MsgElement::from_json(json!({
            "MsgType": "TIMFileElem",
            "MsgContent": {"Url": "u", "FileSize": 3},
        }))
        .unwrap_err();
        let text = err.to_string();
        assert!(text.contains("MsgContent.FileName"), "{text}");
        let wrong_type = MsgElement::from_json(json!({
            "MsgType": "TIMFaceElem",
            "MsgContent": {"Index": "1"},
        }));
        assert!(
            wrong_type
                .unwrap_err()
                .to_string()
                .contains("Index as an integer")
        );
        // Optional fields may be absent, and undeclared types pass as given.
        assert!(
            MsgElement::from_json(json!({"MsgType": "TIMFaceElem", "MsgContent": {"Index": 1}}))
                .is_ok()
        );
        assert!(
            MsgElement::from_json(json!({"MsgType": "TIMRelayElem", "MsgContent": {}})).is_ok()
        );
    }
}
