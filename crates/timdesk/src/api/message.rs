//! Message elements (TIMMsgElement): the parts of a MsgBody.

use serde_json::{Value, json};

use crate::error::{Error, Result};

/// One element of a message body, serialized as `{"MsgType": …, "MsgContent": {…}}`.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum MsgElement {
    /// TIMTextElem.
    Text {
        /// The text.
        text: String,
    },
    /// TIMCustomElem: the desk's cards and other JSON payloads travel in `data`.
    Custom {
        /// The payload, usually serialized JSON.
        data: String,
        /// Desc (shown in push notifications).
        desc: Option<String>,
        /// Ext.
        ext: Option<String>,
        /// Sound (push notification sound).
        sound: Option<String>,
    },
    /// TIMFaceElem.
    Face {
        /// Index of the emoji.
        index: i64,
        /// Data.
        data: Option<String>,
    },
    /// TIMLocationElem.
    Location {
        /// Description of the place.
        desc: String,
        /// Latitude.
        latitude: f64,
        /// Longitude.
        longitude: f64,
    },
    /// TIMImageElem.
    Image {
        /// UUID of the image.
        uuid: String,
        /// ImageFormat (1 JPG, 2 GIF, 3 PNG, 4 BMP, 255 other).
        image_format: i64,
        /// ImageInfoArray: original, large and thumbnail.
        image_info: Vec<ImageInfo>,
    },
    /// TIMSoundElem.
    Sound {
        /// Download URL.
        url: String,
        /// Size in bytes.
        size: i64,
        /// Length in seconds.
        second: i64,
    },
    /// TIMFileElem.
    File {
        /// Download URL.
        url: String,
        /// Size in bytes.
        file_size: i64,
        /// File name.
        file_name: String,
    },
    /// TIMVideoFileElem.
    Video {
        /// Video download URL.
        video_url: String,
        /// Video size in bytes.
        video_size: i64,
        /// Video length in seconds.
        video_second: i64,
        /// Video format, e.g. `mp4`.
        video_format: String,
        /// Thumbnail URL.
        thumb_url: String,
        /// Thumbnail size in bytes.
        thumb_size: i64,
        /// Thumbnail width in pixels.
        thumb_width: i64,
        /// Thumbnail height in pixels.
        thumb_height: i64,
        /// Thumbnail format, e.g. `JPG`.
        thumb_format: String,
    },
    /// Any element as raw JSON (`{"MsgType": …, "MsgContent": …}`), for types this library
    /// does not model.
    Raw(Value),
}

/// One entry of an image's ImageInfoArray.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageInfo {
    /// Type: 1 original, 2 large, 3 thumbnail.
    pub kind: i64,
    /// Size in bytes.
    pub size: i64,
    /// Width in pixels.
    pub width: i64,
    /// Height in pixels.
    pub height: i64,
    /// Download URL.
    pub url: String,
}

/// The desk's card message: a title, a description, a picture and a link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Card {
    /// The card's title.
    pub header: String,
    /// Its description.
    pub desc: String,
    /// Picture URL.
    pub pic: String,
    /// Link URL.
    pub url: String,
}

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
        Self::custom_json(&json!({
            "src": "22",
            "content": {"header": card.header, "desc": card.desc, "pic": card.pic, "url": card.url},
            "customerServicePlugin": 0,
        }))
    }

    /// An element from its JSON form; the type is checked, the content is kept as given.
    pub fn from_json(value: Value) -> Result<Self> {
        match value.get("MsgType").and_then(Value::as_str) {
            Some(_) if value.get("MsgContent").is_some_and(Value::is_object) => {
                Ok(Self::Raw(value))
            }
            _ => Err(Error::invalid_argument(
                "MsgBody",
                "each element needs a MsgType string and a MsgContent object",
            )),
        }
    }

    /// The element's JSON form.
    pub fn to_json(&self) -> Value {
        let (msg_type, content) = match self {
            Self::Text { text } => ("TIMTextElem", json!({"Text": text})),
            Self::Custom {
                data,
                desc,
                ext,
                sound,
            } => {
                let mut c = json!({"Data": data});
                for (key, value) in [("Desc", desc), ("Ext", ext), ("Sound", sound)] {
                    if let Some(v) = value {
                        c[key] = json!(v);
                    }
                }
                ("TIMCustomElem", c)
            }
            Self::Face { index, data } => {
                let mut c = json!({"Index": index});
                if let Some(d) = data {
                    c["Data"] = json!(d);
                }
                ("TIMFaceElem", c)
            }
            Self::Location {
                desc,
                latitude,
                longitude,
            } => (
                "TIMLocationElem",
                json!({"Desc": desc, "Latitude": latitude, "Longitude": longitude}),
            ),
            Self::Image {
                uuid,
                image_format,
                image_info,
            } => (
                "TIMImageElem",
                json!({
                    "UUID": uuid,
                    "ImageFormat": image_format,
                    "ImageInfoArray": image_info.iter().map(|i| json!({
                        "Type": i.kind, "Size": i.size, "Width": i.width, "Height": i.height, "URL": i.url,
                    })).collect::<Vec<_>>(),
                }),
            ),
            Self::Sound { url, size, second } => (
                "TIMSoundElem",
                json!({"Url": url, "Size": size, "Second": second, "Download_Flag": 2}),
            ),
            Self::File {
                url,
                file_size,
                file_name,
            } => (
                "TIMFileElem",
                json!({"Url": url, "FileSize": file_size, "FileName": file_name, "Download_Flag": 2}),
            ),
            Self::Video {
                video_url,
                video_size,
                video_second,
                video_format,
                thumb_url,
                thumb_size,
                thumb_width,
                thumb_height,
                thumb_format,
            } => (
                "TIMVideoFileElem",
                json!({
                    "VideoUrl": video_url, "VideoSize": video_size, "VideoSecond": video_second,
                    "VideoFormat": video_format, "VideoDownloadFlag": 2,
                    "ThumbUrl": thumb_url, "ThumbSize": thumb_size, "ThumbWidth": thumb_width,
                    "ThumbHeight": thumb_height, "ThumbFormat": thumb_format, "ThumbDownloadFlag": 2,
                }),
            ),
            Self::Raw(value) => return value.clone(),
        };
        json!({"MsgType": msg_type, "MsgContent": content})
    }
}

#[cfg(test)]
mod tests {
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
}
