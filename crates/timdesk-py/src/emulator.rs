//! The built-in emulator, in-process, for Python test suites (`timdesk.testing`).

use std::sync::Mutex;

use pyo3::exceptions::{PyOSError, PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use timdesk_emulator::{AppConfig, Control, EmulatorConfig};

use crate::convert::{bounded, from_py, to_py};

/// A running emulator on 127.0.0.1. `timdesk.testing.Emulator` wraps it.
#[pyclass(frozen, module = "timdesk._native")]
pub struct Emulator {
    running: Mutex<Option<timdesk_emulator::Emulator>>,
    control: Control,
    base_url: String,
}

#[pymethods]
impl Emulator {
    /// Starts an emulator; the defaults are the built-in app.
    #[new]
    #[pyo3(signature = (*, sdkappid=None, secret_key=None, admin=None, port=0))]
    fn new(
        sdkappid: Option<&Bound<'_, PyAny>>,
        secret_key: Option<String>,
        admin: Option<String>,
        port: u16,
    ) -> PyResult<Self> {
        let defaults = AppConfig::default();
        let app = AppConfig {
            sdkappid: match sdkappid {
                Some(s) => bounded(s, "sdkappid", 0, u64::MAX)?,
                None => defaults.sdkappid,
            },
            secret_key: secret_key.unwrap_or(defaults.secret_key),
            admin: admin.unwrap_or(defaults.admin),
        };
        let emulator = timdesk_emulator::Emulator::start(EmulatorConfig {
            app,
            port,
            ..EmulatorConfig::default()
        })
        .map_err(|e| {
            PyOSError::new_err(format!("cannot start the emulator on port {port}: {e}"))
        })?;
        Ok(Self {
            control: emulator.control().clone(),
            base_url: emulator.base_url().to_owned(),
            running: Mutex::new(Some(emulator)),
        })
    }

    /// The base URL to give a client.
    #[getter]
    fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The emulated SDKAppID.
    #[getter]
    fn sdkappid(&self) -> u64 {
        self.control.app().sdkappid
    }

    /// The emulated app's secret key.
    #[getter]
    fn secret_key(&self) -> &str {
        &self.control.app().secret_key
    }

    /// The emulated app's administrator.
    #[getter]
    fn admin(&self) -> &str {
        &self.control.app().admin
    }

    /// Whether it still serves.
    #[getter]
    fn running(&self) -> bool {
        self.running
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .is_some()
    }

    /// The built-in data set every emulator starts with, as the emulator declares it:
    /// `{"groups", "agents", "sessions", "users"}` (see docs/emulator.md).
    #[staticmethod]
    fn seed(py: Python<'_>) -> PyResult<Py<PyAny>> {
        to_py(py, &timdesk_emulator::seed::to_json())
    }

    /// A control API call (see docs/emulator.md): `method` and `path` as over HTTP under
    /// /__control, `body` a JSON-able object. Returns the answer; raises ValueError on a
    /// refused call.
    #[pyo3(signature = (method, path, body=None))]
    fn control(
        &self,
        py: Python<'_>,
        method: &str,
        path: &str,
        body: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Py<PyAny>> {
        let body = match body {
            Some(b) => from_py(b, "body")?.to_string().into_bytes(),
            None => Vec::new(),
        };
        let (status, answer) = py.detach(|| self.control.handle(method, path, &body));
        if status != 200 {
            let message = answer["error"].as_str().unwrap_or("refused").to_owned();
            return Err(PyValueError::new_err(format!("{method} {path}: {message}")));
        }
        to_py(py, &answer)
    }

    /// Stops serving (idempotent).
    fn stop(&self, py: Python<'_>) -> PyResult<()> {
        let emulator = self
            .running
            .lock()
            .map_err(|_| PyRuntimeError::new_err("emulator lock poisoned"))?
            .take();
        py.detach(|| drop(emulator));
        Ok(())
    }

    fn __repr__(&self) -> String {
        format!(
            "Emulator(base_url={:?}, sdkappid={})",
            self.base_url,
            self.control.app().sdkappid
        )
    }
}
