//! The message elements as native classes (`timdesk.Text`, `timdesk.Card`, ...): frozen,
//! compared by value, picklable; `send_msg` reads them without calling back into Python,
//! and their JSON is the core's.

use pyo3::IntoPyObjectExt;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString, PyTuple};
use timdesk::api::{self, Card as CoreCard, ImageInfo as CoreImageInfo, MsgElement};

use crate::convert::{from_py, to_py, type_name};
use crate::errors::client_error;

/// `Class(field=value, ...)`, as a dataclass shows itself.
fn repr(class: &str, fields: Vec<(&'static str, Py<PyAny>)>, py: Python<'_>) -> PyResult<String> {
    let args: Vec<String> = fields
        .into_iter()
        .map(|(name, value)| Ok(format!("{name}={}", value.bind(py).repr()?)))
        .collect::<PyResult<_>>()?;
    Ok(format!("{class}({})", args.join(", ")))
}

/// The constructor's arguments, for pickling.
fn newargs<'py>(
    py: Python<'py>,
    fields: Vec<(&'static str, Py<PyAny>)>,
) -> PyResult<Bound<'py, PyTuple>> {
    PyTuple::new(py, fields.into_iter().map(|(_, v)| v))
}

/// A field's value as a Python object.
fn obj<'py, T: IntoPyObjectExt<'py>>(py: Python<'py>, value: T) -> PyResult<Py<PyAny>> {
    value.into_py_any(py)
}

/// TIMTextElem: plain text.
#[pyclass(frozen, eq, get_all, module = "timdesk._native")]
#[derive(Clone, PartialEq)]
pub struct Text {
    /// The text.
    pub text: String,
}

#[pymethods]
impl Text {
    /// The element as the server receives it: {"MsgType": ..., "MsgContent": {...}}.
    fn to_json(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        to_py(py, &self.core().to_json())
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        repr("Text", self.fields(py)?, py)
    }

    fn __getnewargs__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        newargs(py, self.fields(py)?)
    }

    #[new]
    fn new(text: String) -> Self {
        Self { text }
    }
}

impl Text {
    fn core(&self) -> MsgElement {
        MsgElement::text(self.text.clone())
    }

    fn fields(&self, py: Python<'_>) -> PyResult<Vec<(&'static str, Py<PyAny>)>> {
        Ok(vec![("text", obj(py, &self.text)?)])
    }
}

/// TIMCustomElem: `data` is a str, or a dict or list serialized to JSON by the core.
#[pyclass(frozen, eq, get_all, module = "timdesk._native")]
#[derive(Clone, PartialEq)]
pub struct Custom {
    /// The payload as sent (serialized JSON when a dict or list was given).
    pub data: String,
    /// Desc.
    pub desc: Option<String>,
    /// Ext.
    pub ext: Option<String>,
    /// Sound.
    pub sound: Option<String>,
}

#[pymethods]
impl Custom {
    /// The element as the server receives it: {"MsgType": ..., "MsgContent": {...}}.
    fn to_json(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        to_py(py, &self.core().to_json())
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        repr("Custom", self.fields(py)?, py)
    }

    fn __getnewargs__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        newargs(py, self.fields(py)?)
    }

    #[new]
    #[pyo3(signature = (data, desc=None, ext=None, sound=None))]
    fn new(
        data: &Bound<'_, PyAny>,
        desc: Option<String>,
        ext: Option<String>,
        sound: Option<String>,
    ) -> PyResult<Self> {
        let data = match data.cast::<PyString>() {
            Ok(text) => text.to_string(),
            Err(_) => from_py(data, "data")?.to_string(),
        };
        Ok(Self {
            data,
            desc,
            ext,
            sound,
        })
    }
}

impl Custom {
    fn core(&self) -> MsgElement {
        MsgElement::Custom {
            data: self.data.clone(),
            desc: self.desc.clone(),
            ext: self.ext.clone(),
            sound: self.sound.clone(),
        }
    }

    fn fields(&self, py: Python<'_>) -> PyResult<Vec<(&'static str, Py<PyAny>)>> {
        Ok(vec![
            ("data", obj(py, &self.data)?),
            ("desc", obj(py, &self.desc)?),
            ("ext", obj(py, &self.ext)?),
            ("sound", obj(py, &self.sound)?),
        ])
    }
}

/// The desk's card message: title, description, picture URL and link URL.
#[pyclass(frozen, eq, get_all, module = "timdesk._native")]
#[derive(Clone, PartialEq)]
pub struct Card {
    /// Title.
    pub header: String,
    /// Description.
    pub desc: String,
    /// Picture URL.
    pub pic: String,
    /// Link URL.
    pub url: String,
}

#[pymethods]
impl Card {
    /// The element as the server receives it: {"MsgType": ..., "MsgContent": {...}}.
    fn to_json(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        to_py(py, &self.core().to_json())
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        repr("Card", self.fields(py)?, py)
    }

    fn __getnewargs__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        newargs(py, self.fields(py)?)
    }

    #[new]
    fn new(header: String, desc: String, pic: String, url: String) -> Self {
        Self {
            header,
            desc,
            pic,
            url,
        }
    }
}

impl Card {
    fn core(&self) -> MsgElement {
        MsgElement::card(&CoreCard {
            header: self.header.clone(),
            desc: self.desc.clone(),
            pic: self.pic.clone(),
            url: self.url.clone(),
        })
    }

    fn fields(&self, py: Python<'_>) -> PyResult<Vec<(&'static str, Py<PyAny>)>> {
        Ok(vec![
            ("header", obj(py, &self.header)?),
            ("desc", obj(py, &self.desc)?),
            ("pic", obj(py, &self.pic)?),
            ("url", obj(py, &self.url)?),
        ])
    }
}

/// TIMFaceElem: an emoji by index.
#[pyclass(frozen, eq, get_all, module = "timdesk._native")]
#[derive(Clone, PartialEq)]
pub struct Face {
    /// Index of the emoji.
    pub index: i64,
    /// Data.
    pub data: Option<String>,
}

#[pymethods]
impl Face {
    /// The element as the server receives it: {"MsgType": ..., "MsgContent": {...}}.
    fn to_json(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        to_py(py, &self.core().to_json())
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        repr("Face", self.fields(py)?, py)
    }

    fn __getnewargs__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        newargs(py, self.fields(py)?)
    }

    #[new]
    #[pyo3(signature = (index, data=None))]
    fn new(index: i64, data: Option<String>) -> Self {
        Self { index, data }
    }
}

impl Face {
    fn core(&self) -> MsgElement {
        MsgElement::Face {
            index: self.index,
            data: self.data.clone(),
        }
    }

    fn fields(&self, py: Python<'_>) -> PyResult<Vec<(&'static str, Py<PyAny>)>> {
        Ok(vec![
            ("index", obj(py, self.index)?),
            ("data", obj(py, &self.data)?),
        ])
    }
}

/// TIMLocationElem.
#[pyclass(frozen, eq, get_all, module = "timdesk._native")]
#[derive(Clone, PartialEq)]
pub struct Location {
    /// Description of the place.
    pub desc: String,
    /// Latitude.
    pub latitude: f64,
    /// Longitude.
    pub longitude: f64,
}

#[pymethods]
impl Location {
    /// The element as the server receives it: {"MsgType": ..., "MsgContent": {...}}.
    fn to_json(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        to_py(py, &self.core().to_json())
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        repr("Location", self.fields(py)?, py)
    }

    fn __getnewargs__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        newargs(py, self.fields(py)?)
    }

    #[new]
    fn new(desc: String, latitude: f64, longitude: f64) -> Self {
        Self {
            desc,
            latitude,
            longitude,
        }
    }
}

impl Location {
    fn core(&self) -> MsgElement {
        MsgElement::Location {
            desc: self.desc.clone(),
            latitude: self.latitude,
            longitude: self.longitude,
        }
    }

    fn fields(&self, py: Python<'_>) -> PyResult<Vec<(&'static str, Py<PyAny>)>> {
        Ok(vec![
            ("desc", obj(py, &self.desc)?),
            ("latitude", obj(py, self.latitude)?),
            ("longitude", obj(py, self.longitude)?),
        ])
    }
}

/// One size of an image: kind 1 original, 2 large, 3 thumbnail.
#[pyclass(frozen, eq, get_all, module = "timdesk._native")]
#[derive(Clone, PartialEq)]
pub struct ImageInfo {
    /// 1 original, 2 large, 3 thumbnail.
    pub kind: i64,
    /// Bytes.
    pub size: i64,
    /// Pixels.
    pub width: i64,
    /// Pixels.
    pub height: i64,
    /// Where it is.
    pub url: String,
}

#[pymethods]
impl ImageInfo {
    #[new]
    fn new(kind: i64, size: i64, width: i64, height: i64, url: String) -> Self {
        Self {
            kind,
            size,
            width,
            height,
            url,
        }
    }

    fn __repr__(&self) -> String {
        format!(
            "ImageInfo(kind={}, size={}, width={}, height={}, url={:?})",
            self.kind, self.size, self.width, self.height, self.url
        )
    }

    fn __getnewargs__(&self) -> (i64, i64, i64, i64, String) {
        (
            self.kind,
            self.size,
            self.width,
            self.height,
            self.url.clone(),
        )
    }
}

/// TIMImageElem.
#[pyclass(frozen, eq, get_all, module = "timdesk._native")]
#[derive(Clone, PartialEq)]
pub struct Image {
    /// UUID of the image.
    pub uuid: String,
    /// ImageFormat.
    pub image_format: i64,
    /// Its sizes.
    pub image_info: Vec<ImageInfo>,
}

#[pymethods]
impl Image {
    /// The element as the server receives it: {"MsgType": ..., "MsgContent": {...}}.
    fn to_json(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        to_py(py, &self.core().to_json())
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        repr("Image", self.fields(py)?, py)
    }

    fn __getnewargs__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        newargs(py, self.fields(py)?)
    }

    #[new]
    #[pyo3(signature = (uuid, image_format, image_info=Vec::new()))]
    fn new(uuid: String, image_format: i64, image_info: Vec<ImageInfo>) -> Self {
        Self {
            uuid,
            image_format,
            image_info,
        }
    }
}

impl Image {
    fn core(&self) -> MsgElement {
        MsgElement::Image {
            uuid: self.uuid.clone(),
            image_format: self.image_format,
            image_info: self
                .image_info
                .iter()
                .map(|i| CoreImageInfo {
                    kind: i.kind,
                    size: i.size,
                    width: i.width,
                    height: i.height,
                    url: i.url.clone(),
                })
                .collect(),
        }
    }

    fn fields(&self, py: Python<'_>) -> PyResult<Vec<(&'static str, Py<PyAny>)>> {
        let infos = PyTuple::new(py, self.image_info.clone())?;
        Ok(vec![
            ("uuid", obj(py, &self.uuid)?),
            ("image_format", obj(py, self.image_format)?),
            ("image_info", infos.into_any().unbind()),
        ])
    }
}

/// TIMSoundElem.
#[pyclass(frozen, eq, get_all, module = "timdesk._native")]
#[derive(Clone, PartialEq)]
pub struct Sound {
    /// Where it is.
    pub url: String,
    /// Bytes.
    pub size: i64,
    /// Seconds.
    pub second: i64,
}

#[pymethods]
impl Sound {
    /// The element as the server receives it: {"MsgType": ..., "MsgContent": {...}}.
    fn to_json(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        to_py(py, &self.core().to_json())
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        repr("Sound", self.fields(py)?, py)
    }

    fn __getnewargs__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        newargs(py, self.fields(py)?)
    }

    #[new]
    fn new(url: String, size: i64, second: i64) -> Self {
        Self { url, size, second }
    }
}

impl Sound {
    fn core(&self) -> MsgElement {
        MsgElement::Sound {
            url: self.url.clone(),
            size: self.size,
            second: self.second,
        }
    }

    fn fields(&self, py: Python<'_>) -> PyResult<Vec<(&'static str, Py<PyAny>)>> {
        Ok(vec![
            ("url", obj(py, &self.url)?),
            ("size", obj(py, self.size)?),
            ("second", obj(py, self.second)?),
        ])
    }
}

/// TIMFileElem.
#[pyclass(frozen, eq, get_all, module = "timdesk._native")]
#[derive(Clone, PartialEq)]
pub struct File {
    /// Where it is.
    pub url: String,
    /// Bytes.
    pub file_size: i64,
    /// Its name.
    pub file_name: String,
}

#[pymethods]
impl File {
    /// The element as the server receives it: {"MsgType": ..., "MsgContent": {...}}.
    fn to_json(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        to_py(py, &self.core().to_json())
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        repr("File", self.fields(py)?, py)
    }

    fn __getnewargs__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        newargs(py, self.fields(py)?)
    }

    #[new]
    fn new(url: String, file_size: i64, file_name: String) -> Self {
        Self {
            url,
            file_size,
            file_name,
        }
    }
}

impl File {
    fn core(&self) -> MsgElement {
        MsgElement::File {
            url: self.url.clone(),
            file_size: self.file_size,
            file_name: self.file_name.clone(),
        }
    }

    fn fields(&self, py: Python<'_>) -> PyResult<Vec<(&'static str, Py<PyAny>)>> {
        Ok(vec![
            ("url", obj(py, &self.url)?),
            ("file_size", obj(py, self.file_size)?),
            ("file_name", obj(py, &self.file_name)?),
        ])
    }
}

/// TIMVideoFileElem.
#[pyclass(frozen, eq, get_all, module = "timdesk._native")]
#[derive(Clone, PartialEq)]
pub struct Video {
    /// VideoUrl.
    pub video_url: String,
    /// VideoSize, bytes.
    pub video_size: i64,
    /// VideoSecond.
    pub video_second: i64,
    /// VideoFormat.
    pub video_format: String,
    /// ThumbUrl.
    pub thumb_url: String,
    /// ThumbSize, bytes.
    pub thumb_size: i64,
    /// ThumbWidth.
    pub thumb_width: i64,
    /// ThumbHeight.
    pub thumb_height: i64,
    /// ThumbFormat.
    pub thumb_format: String,
}

#[pymethods]
impl Video {
    /// The element as the server receives it: {"MsgType": ..., "MsgContent": {...}}.
    fn to_json(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        to_py(py, &self.core().to_json())
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        repr("Video", self.fields(py)?, py)
    }

    fn __getnewargs__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        newargs(py, self.fields(py)?)
    }

    #[new]
    #[allow(clippy::too_many_arguments)]
    fn new(
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
            video_url,
            video_size,
            video_second,
            video_format,
            thumb_url,
            thumb_size,
            thumb_width,
            thumb_height,
            thumb_format,
        }
    }
}

impl Video {
    fn core(&self) -> MsgElement {
        MsgElement::Video {
            video_url: self.video_url.clone(),
            video_size: self.video_size,
            video_second: self.video_second,
            video_format: self.video_format.clone(),
            thumb_url: self.thumb_url.clone(),
            thumb_size: self.thumb_size,
            thumb_width: self.thumb_width,
            thumb_height: self.thumb_height,
            thumb_format: self.thumb_format.clone(),
        }
    }

    fn fields(&self, py: Python<'_>) -> PyResult<Vec<(&'static str, Py<PyAny>)>> {
        Ok(vec![
            ("video_url", obj(py, &self.video_url)?),
            ("video_size", obj(py, self.video_size)?),
            ("video_second", obj(py, self.video_second)?),
            ("video_format", obj(py, &self.video_format)?),
            ("thumb_url", obj(py, &self.thumb_url)?),
            ("thumb_size", obj(py, self.thumb_size)?),
            ("thumb_width", obj(py, self.thumb_width)?),
            ("thumb_height", obj(py, self.thumb_height)?),
            ("thumb_format", obj(py, &self.thumb_format)?),
        ])
    }
}

/// A message body element: one of the classes above, or a dict in the server's JSON form.
pub fn element(item: &Bound<'_, PyAny>, index: usize) -> PyResult<MsgElement> {
    macro_rules! try_class {
        ($($class:ident),*) => {
            $(if let Ok(e) = item.cast::<$class>() {
                return Ok(e.get().core());
            })*
        };
    }
    try_class!(
        Text, Custom, Card, Face, Location, Image, Sound, File, Video
    );
    if let Ok(dict) = item.cast::<PyDict>() {
        let value = from_py(dict.as_any(), "element")?;
        return api::MsgElement::from_json(value).map_err(|e| client_error(&e));
    }
    Err(PyTypeError::new_err(format!(
        "body[{index}] must be a message element (timdesk.Text, timdesk.Custom, ...) or a dict, not {}",
        type_name(item)
    )))
}

/// Adds the element classes to the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Text>()?;
    m.add_class::<Custom>()?;
    m.add_class::<Card>()?;
    m.add_class::<Face>()?;
    m.add_class::<Location>()?;
    m.add_class::<ImageInfo>()?;
    m.add_class::<Image>()?;
    m.add_class::<Sound>()?;
    m.add_class::<File>()?;
    m.add_class::<Video>()?;
    Ok(())
}
