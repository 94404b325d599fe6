//! Conversions between Python objects and the core's types: JSON values, timestamps,
//! bounded integers, with errors that name the argument.

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use serde_json::{Map, Number, Value};

use crate::errors::invalid_argument;

/// A JSON value as a Python object (dict, list, str, int, float, bool, None).
pub fn to_py(py: Python<'_>, value: &Value) -> PyResult<Py<PyAny>> {
    Ok(match value {
        Value::Null => py.None(),
        Value::Bool(b) => PyBool::new(py, *b).to_owned().into_any().unbind(),
        Value::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => i.into_pyobject(py)?.into_any().unbind(),
            (None, Some(u)) => u.into_pyobject(py)?.into_any().unbind(),
            _ => n
                .as_f64()
                .unwrap_or(f64::NAN)
                .into_pyobject(py)?
                .into_any()
                .unbind(),
        },
        Value::String(s) => PyString::new(py, s).into_any().unbind(),
        Value::Array(items) => {
            let list = PyList::empty(py);
            for item in items {
                list.append(to_py(py, item)?)?;
            }
            list.into_any().unbind()
        }
        Value::Object(map) => {
            let dict = PyDict::new(py);
            for (k, v) in map {
                dict.set_item(k, to_py(py, v)?)?;
            }
            dict.into_any().unbind()
        }
    })
}

/// A Python object as JSON; `path` names where it sits, for the TypeError.
pub fn from_py(obj: &Bound<'_, PyAny>, path: &str) -> PyResult<Value> {
    if obj.is_none() {
        return Ok(Value::Null);
    }
    if let Ok(b) = obj.cast::<PyBool>() {
        return Ok(Value::Bool(b.is_true()));
    }
    if obj.is_instance_of::<PyInt>() {
        if let Ok(i) = obj.extract::<i64>() {
            return Ok(Value::from(i));
        }
        if let Ok(u) = obj.extract::<u64>() {
            return Ok(Value::from(u));
        }
        return Err(PyValueError::new_err(format!(
            "{path}: integer outside the 64-bit range JSON carries here"
        )));
    }
    if let Ok(f) = obj.cast::<PyFloat>() {
        return Number::from_f64(f.value())
            .map(Value::Number)
            .ok_or_else(|| {
                PyValueError::new_err(format!("{path}: NaN and infinity are not JSON"))
            });
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(Value::String(s.to_cow()?.into_owned()));
    }
    if let Ok(dict) = obj.cast::<PyDict>() {
        let mut map = Map::new();
        for (k, v) in dict.iter() {
            let key = k
                .cast::<PyString>()
                .map_err(|_| {
                    PyTypeError::new_err(format!(
                        "{path}: dict keys must be str, not {}",
                        type_name(&k)
                    ))
                })?
                .to_cow()?
                .into_owned();
            let value = from_py(&v, &format!("{path}[{key:?}]"))?;
            map.insert(key, value);
        }
        return Ok(Value::Object(map));
    }
    if obj.is_instance_of::<PyList>() || obj.is_instance_of::<PyTuple>() {
        let mut items = Vec::new();
        for (i, item) in obj.try_iter()?.enumerate() {
            items.push(from_py(&item?, &format!("{path}[{i}]"))?);
        }
        return Ok(Value::Array(items));
    }
    Err(PyTypeError::new_err(format!(
        "{path}: {} is not JSON-serializable",
        type_name(obj)
    )))
}

/// The name of an object's type, for error messages.
pub fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "object".into())
}

/// A Unix timestamp from an `int` (seconds) or a `datetime` (naive ones are local time,
/// as `datetime.timestamp()` takes them).
pub fn timestamp(obj: &Bound<'_, PyAny>, field: &str) -> PyResult<u64> {
    if obj.is_instance_of::<PyBool>() {
        return Err(PyTypeError::new_err(format!(
            "{field} must be an int or a datetime, not bool"
        )));
    }
    if obj.is_instance_of::<PyInt>() {
        return bounded(obj, field, 0, u64::MAX);
    }
    let datetime = obj.py().import("datetime")?.getattr("datetime")?;
    if obj.is_instance(&datetime)? {
        let seconds: f64 = obj.call_method0("timestamp")?.extract()?;
        if seconds < 0.0 {
            return Err(invalid_argument(field, "must not be before 1970"));
        }
        return Ok(seconds.floor() as u64);
    }
    Err(PyTypeError::new_err(format!(
        "{field} must be an int or a datetime, not {}",
        type_name(obj)
    )))
}

/// An int within `[min, max]`: a TypeError for a non-int, an InvalidArgumentError
/// (a ValueError) naming the field for one out of range.
pub fn bounded(obj: &Bound<'_, PyAny>, field: &str, min: u64, max: u64) -> PyResult<u64> {
    if obj.is_instance_of::<PyBool>() || !obj.is_instance_of::<PyInt>() {
        return Err(PyTypeError::new_err(format!(
            "{field} must be an int, not {}",
            type_name(obj)
        )));
    }
    match obj.extract::<u64>() {
        Ok(v) if (min..=max).contains(&v) => Ok(v),
        _ => Err(invalid_argument(
            field,
            format!("must be an integer from {min} to {max}"),
        )),
    }
}

/// Like [`bounded`] for an optional argument.
pub fn optional_bounded(
    obj: Option<&Bound<'_, PyAny>>,
    field: &str,
    min: u64,
    max: u64,
) -> PyResult<Option<u64>> {
    match obj {
        None => Ok(None),
        Some(o) if o.is_none() => Ok(None),
        Some(o) => bounded(o, field, min, max).map(Some),
    }
}
