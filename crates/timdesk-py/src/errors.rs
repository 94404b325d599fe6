//! Raising the exceptions defined in Python (`timdesk.exceptions`) from Rust errors.

use pyo3::prelude::*;
use timdesk::callbacks::CallbackError;
use timdesk::usersig::UserSigError;

/// The Python exception for a client error: the subclass of `TimdeskError` for its kind.
pub fn client_error(err: &timdesk::Error) -> PyErr {
    Python::attach(|py| {
        raise(py, "_from_native", |cls| {
            cls.call1((
                err.kind().name(),
                err.to_string(),
                err.code(),
                err.message(),
                err.is_retryable(),
                err.maybe_applied(),
                err.http_status(),
                err.msg_random(),
            ))
        })
    })
}

/// `InvalidArgumentError` (also a `ValueError`) for `field` breaking `rule`.
pub fn invalid_argument(field: &str, rule: impl std::fmt::Display) -> PyErr {
    client_error(&timdesk::Error::invalid_argument(field, rule))
}

/// `UserSigError` with the refusal's `reason`.
pub fn usersig_error(err: &UserSigError) -> PyErr {
    Python::attach(|py| {
        raise(py, "UserSigError", |cls| {
            cls.call1((err.to_string(), err.reason()))
        })
    })
}

/// `CallbackError` (an `InvalidArgumentError`) with the refusal's `reason`.
pub fn callback_error(err: &CallbackError) -> PyErr {
    Python::attach(|py| {
        raise(py, "CallbackError", |cls| {
            cls.call1((err.to_string(), err.reason()))
        })
    })
}

fn raise<'py>(
    py: Python<'py>,
    name: &str,
    build: impl FnOnce(Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>>,
) -> PyErr {
    let made = py
        .import("timdesk.exceptions")
        .and_then(|module| module.getattr(name))
        .and_then(build);
    match made {
        Ok(exception) => PyErr::from_value(exception),
        Err(import_failed) => import_failed,
    }
}
