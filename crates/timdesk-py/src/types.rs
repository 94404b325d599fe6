//! Results and message elements as small frozen Python classes.

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};
use timdesk::api::{self, Card, ImageInfo};

use crate::convert::{from_py, to_py, type_name};
use crate::errors::client_error;

/// The outcome of transfer_to_human.
#[pyclass(frozen, eq, get_all, module = "timdesk._native")]
#[derive(Clone, PartialEq, Eq)]
pub struct Transfer {
    /// The assigned agent ("" while queued).
    pub agent_id: String,
    /// Whether the session waits in the queue.
    pub in_queue: bool,
}

#[pymethods]
impl Transfer {
    fn __repr__(&self) -> String {
        format!(
            "Transfer(agent_id={:?}, in_queue={})",
            self.agent_id,
            py_bool(self.in_queue)
        )
    }
}

/// A message the server accepted.
#[pyclass(frozen, eq, get_all, module = "timdesk._native")]
#[derive(Clone, PartialEq, Eq)]
pub struct SentMsg {
    /// The MsgRandom it carried.
    pub msg_random: u32,
}

#[pymethods]
impl SentMsg {
    fn __repr__(&self) -> String {
        format!("SentMsg(msg_random={})", self.msg_random)
    }
}

/// A CDR (session service record).
#[pyclass(frozen, eq, get_all, module = "timdesk._native")]
#[derive(Clone, PartialEq, Eq)]
pub struct CdrRecord {
    /// SessionId.
    pub session_id: String,
    /// AgentGroupId.
    pub agent_group_id: String,
    /// AgentGroupName.
    pub agent_group_name: String,
    /// AgentId.
    pub agent_id: String,
    /// ChannelType (SDK or Web).
    pub channel_type: String,
    /// ClientUserId.
    pub client_user_id: String,
    /// ClientUserNickName.
    pub client_user_nickname: String,
    /// Duration in seconds.
    pub duration: u64,
    /// EndStatus, e.g. "AgentEndedSession".
    pub end_status: String,
    /// SatisfactionSelected (1-5, 0 for none).
    pub satisfaction_selected: u64,
    /// Timestamp (Unix seconds).
    pub timestamp: u64,
}

impl From<api::CdrRecord> for CdrRecord {
    fn from(r: api::CdrRecord) -> Self {
        Self {
            end_status: r.end_status.as_str().to_owned(),
            session_id: r.session_id,
            agent_group_id: r.agent_group_id,
            agent_group_name: r.agent_group_name,
            agent_id: r.agent_id,
            channel_type: r.channel_type,
            client_user_id: r.client_user_id,
            client_user_nickname: r.client_user_nickname,
            duration: r.duration,
            satisfaction_selected: r.satisfaction_selected,
            timestamp: r.timestamp,
        }
    }
}

#[pymethods]
impl CdrRecord {
    fn __repr__(&self) -> String {
        format!(
            "CdrRecord(session_id={:?}, client_user_id={:?}, agent_id={:?}, end_status={:?}, duration={}, timestamp={})",
            self.session_id,
            self.client_user_id,
            self.agent_id,
            self.end_status,
            self.duration,
            self.timestamp
        )
    }
}

/// One page of describe_im_cdr_list.
#[pyclass(frozen, eq, get_all, module = "timdesk._native")]
#[derive(Clone, PartialEq, Eq)]
pub struct CdrPage {
    /// Records matching the query over all pages.
    pub total_count: u64,
    /// This page's records.
    pub records: Vec<CdrRecord>,
}

#[pymethods]
impl CdrPage {
    fn __repr__(&self) -> String {
        format!(
            "CdrPage(total_count={}, records=[{} records])",
            self.total_count,
            self.records.len()
        )
    }

    fn __len__(&self) -> usize {
        self.records.len()
    }
}

/// A decoded UserSig. Its repr leaves out the signature.
#[pyclass(frozen, eq, module = "timdesk._native")]
#[derive(Clone, PartialEq, Eq)]
pub struct UserSig {
    /// TLS.ver ("2.0").
    #[pyo3(get)]
    pub version: String,
    /// TLS.identifier.
    #[pyo3(get)]
    pub identifier: String,
    /// TLS.sdkappid.
    #[pyo3(get)]
    pub sdkappid: u64,
    /// TLS.time: issue time (Unix seconds).
    #[pyo3(get)]
    pub time: u64,
    /// TLS.expire: validity in seconds.
    #[pyo3(get)]
    pub expire: u64,
    /// time + expire.
    #[pyo3(get)]
    pub expires_at: u64,
    /// TLS.userbuf, decoded, or None.
    pub userbuf: Option<Vec<u8>>,
}

impl From<timdesk::usersig::UserSig> for UserSig {
    fn from(d: timdesk::usersig::UserSig) -> Self {
        Self {
            expires_at: d.expires_at(),
            version: d.version,
            identifier: d.identifier,
            sdkappid: d.sdkappid,
            time: d.time,
            expire: d.expire,
            userbuf: d.userbuf,
        }
    }
}

#[pymethods]
impl UserSig {
    #[getter(userbuf)]
    fn userbuf_bytes<'py>(&self, py: Python<'py>) -> Option<Bound<'py, PyBytes>> {
        self.userbuf.as_deref().map(|b| PyBytes::new(py, b))
    }

    fn __repr__(&self) -> String {
        format!(
            "UserSig(identifier={:?}, sdkappid={}, time={}, expire={}, userbuf={})",
            self.identifier,
            self.sdkappid,
            self.time,
            self.expire,
            if self.userbuf.is_some() {
                "<bytes>"
            } else {
                "None"
            }
        )
    }
}

/// A message element (TIMMsgElement), built with the class methods; the Python classes in
/// `timdesk.messages` (Text, Custom, Card, ...) make these.
#[pyclass(frozen, module = "timdesk._native")]
#[derive(Clone)]
pub struct MsgElement {
    pub inner: api::MsgElement,
}

#[pymethods]
impl MsgElement {
    /// TIMTextElem.
    #[staticmethod]
    fn text(text: String) -> Self {
        Self {
            inner: api::MsgElement::text(text),
        }
    }

    /// TIMCustomElem; `data` as given (a str, usually serialized JSON).
    #[staticmethod]
    #[pyo3(signature = (data, desc=None, ext=None, sound=None))]
    fn custom(
        data: String,
        desc: Option<String>,
        ext: Option<String>,
        sound: Option<String>,
    ) -> Self {
        Self {
            inner: api::MsgElement::Custom {
                data,
                desc,
                ext,
                sound,
            },
        }
    }

    /// The desk's card message.
    #[staticmethod]
    fn card(header: String, desc: String, pic: String, url: String) -> Self {
        Self {
            inner: api::MsgElement::card(&Card {
                header,
                desc,
                pic,
                url,
            }),
        }
    }

    /// TIMFaceElem.
    #[staticmethod]
    #[pyo3(signature = (index, data=None))]
    fn face(index: i64, data: Option<String>) -> Self {
        Self {
            inner: api::MsgElement::Face { index, data },
        }
    }

    /// TIMLocationElem.
    #[staticmethod]
    fn location(desc: String, latitude: f64, longitude: f64) -> Self {
        Self {
            inner: api::MsgElement::Location {
                desc,
                latitude,
                longitude,
            },
        }
    }

    /// TIMImageElem; `image_info` holds (type, size, width, height, url) tuples.
    #[staticmethod]
    fn image(
        uuid: String,
        image_format: i64,
        image_info: Vec<(i64, i64, i64, i64, String)>,
    ) -> Self {
        let image_info = image_info
            .into_iter()
            .map(|(kind, size, width, height, url)| ImageInfo {
                kind,
                size,
                width,
                height,
                url,
            })
            .collect();
        Self {
            inner: api::MsgElement::Image {
                uuid,
                image_format,
                image_info,
            },
        }
    }

    /// TIMSoundElem.
    #[staticmethod]
    fn sound(url: String, size: i64, second: i64) -> Self {
        Self {
            inner: api::MsgElement::Sound { url, size, second },
        }
    }

    /// TIMFileElem.
    #[staticmethod]
    fn file(url: String, file_size: i64, file_name: String) -> Self {
        Self {
            inner: api::MsgElement::File {
                url,
                file_size,
                file_name,
            },
        }
    }

    /// TIMVideoFileElem.
    #[staticmethod]
    #[allow(clippy::too_many_arguments)]
    fn video(
        video_url: String,
        video_size: i64,
        video_second: i64,
        video_format: String,
        thumb_url: String,
        thumb_size: i64,
        thumb_width: i64,
        thumb_height: i64,
        thumb_format: String,
    ) -> Self {
        Self {
            inner: api::MsgElement::Video {
                video_url,
                video_size,
                video_second,
                video_format,
                thumb_url,
                thumb_size,
                thumb_width,
                thumb_height,
                thumb_format,
            },
        }
    }

    /// Any element from its JSON form: {"MsgType": ..., "MsgContent": {...}}.
    #[staticmethod]
    fn from_json(element: &Bound<'_, PyDict>) -> PyResult<Self> {
        let value = from_py(element.as_any(), "element")?;
        api::MsgElement::from_json(value)
            .map(|inner| Self { inner })
            .map_err(|e| client_error(&e))
    }

    /// The element's JSON form, as sent.
    fn to_json(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        to_py(py, &self.inner.to_json())
    }

    fn __repr__(&self) -> String {
        format!("MsgElement({})", self.inner.to_json())
    }
}

/// A message body element from a `MsgElement`, an object with `_to_native()` (the classes
/// of `timdesk.messages`), or a dict in the server's JSON form.
pub fn element(obj: &Bound<'_, PyAny>, index: usize) -> PyResult<api::MsgElement> {
    if let Ok(e) = obj.cast::<MsgElement>() {
        return Ok(e.get().inner.clone());
    }
    if let Ok(dict) = obj.cast::<PyDict>() {
        return MsgElement::from_json(dict).map(|e| e.inner);
    }
    if obj.hasattr("_to_native")? {
        return element(&obj.call_method0("_to_native")?, index);
    }
    Err(PyTypeError::new_err(format!(
        "body[{index}] must be a message element (timdesk.Text, timdesk.Custom, ...) or a dict, not {}",
        type_name(obj)
    )))
}

fn py_bool(b: bool) -> &'static str {
    if b { "True" } else { "False" }
}
