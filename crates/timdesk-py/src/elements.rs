//! The message elements as native classes (`timdesk.Text`, `timdesk.Card`, ...), generated
//! from `models/library/elements.json` into `elements_generated.rs`; here, what those
//! classes share and the reading of a body element (a class instance or a dict).

use pyo3::IntoPyObjectExt;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString, PyTuple};
use timdesk::api::MsgElement;

use crate::convert::{from_py, type_name};
use crate::elements_generated::declared;
use crate::errors::client_error;

/// `Class(field=value, ...)`, as a dataclass shows itself.
pub(crate) fn repr(
    class: &str,
    fields: Vec<(&'static str, Py<PyAny>)>,
    py: Python<'_>,
) -> PyResult<String> {
    let args: Vec<String> = fields
        .into_iter()
        .map(|(name, value)| Ok(format!("{name}={}", value.bind(py).repr()?)))
        .collect::<PyResult<_>>()?;
    Ok(format!("{class}({})", args.join(", ")))
}

/// The constructor's arguments, for pickling.
pub(crate) fn newargs<'py>(
    py: Python<'py>,
    fields: Vec<(&'static str, Py<PyAny>)>,
) -> PyResult<Bound<'py, PyTuple>> {
    PyTuple::new(py, fields.into_iter().map(|(_, v)| v))
}

/// A field's value as a Python object.
pub(crate) fn obj<'py, T: IntoPyObjectExt<'py>>(py: Python<'py>, value: T) -> PyResult<Py<PyAny>> {
    value.into_py_any(py)
}

/// A JSON-text field (Custom's `data`): a str as given, a dict or list serialized by the core.
pub(crate) fn json_text(value: &Bound<'_, PyAny>, name: &str) -> PyResult<String> {
    match value.cast::<PyString>() {
        Ok(text) => Ok(text.to_string()),
        Err(_) => Ok(from_py(value, name)?.to_string()),
    }
}

/// A message body element: an element class's instance, or a dict in the server's JSON
/// form (a declared MsgType's content is checked against the declaration).
pub fn element(item: &Bound<'_, PyAny>, index: usize) -> PyResult<MsgElement> {
    if let Some(element) = declared(item) {
        return Ok(element);
    }
    if let Ok(dict) = item.cast::<PyDict>() {
        let value = from_py(dict.as_any(), "element")?;
        return MsgElement::from_json(value).map_err(|e| client_error(&e));
    }
    Err(PyTypeError::new_err(format!(
        "body[{index}] must be a message element (timdesk.Text, timdesk.Custom, ...) or a dict, not {}",
        type_name(item)
    )))
}
