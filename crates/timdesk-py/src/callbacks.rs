//! The Desk callbacks for Python webhook handlers: the core's [`Verifier`] and answers.
//! A verified callback is a dict in the core's binding shape ([`Callback::to_value`]).
//!
//! [`Callback::to_value`]: timdesk::callbacks::Callback::to_value

use pyo3::prelude::*;
use pyo3::types::PyDict;
use timdesk::callbacks::{self, Verifier};

use crate::convert::{bounded, from_py, to_py};
use crate::errors::{callback_error, client_error, invalid_argument};

/// Checks and parses the callbacks of one application (thread-safe; keep one per app so
/// that retries are recognised).
#[pyclass(module = "timdesk._native", frozen)]
pub struct CallbackVerifier {
    inner: Verifier,
    sdkappid: u64,
}

#[pymethods]
impl CallbackVerifier {
    #[new]
    #[pyo3(signature = (*, sdkappid, token=None))]
    fn new(sdkappid: &Bound<'_, PyAny>, token: Option<String>) -> PyResult<Self> {
        let sdkappid = bounded(sdkappid, "sdkappid", 0, u64::MAX)?;
        let inner = Verifier::for_app(sdkappid, token).map_err(|e| client_error(&e))?;
        Ok(Self { inner, sdkappid })
    }

    /// Verifies a callback (the URL's query string and the body's bytes) and returns it
    /// as a dict with snake_case keys and its `command`; raises CallbackError otherwise.
    fn verify(&self, py: Python<'_>, query: &str, body: &[u8]) -> PyResult<Py<PyAny>> {
        match self.inner.verify(query, body) {
            Ok(callback) => to_py(py, &callback.to_value()),
            Err(err) => Err(callback_error(&err)),
        }
    }

    fn __repr__(&self) -> String {
        format!("CallbackVerifier(sdkappid={})", self.sdkappid)
    }
}

/// The answer to ChatBot.OnAssignHuman: a group, agents, or both (Desk's default policy
/// when neither).
#[pyfunction]
#[pyo3(signature = (*, agent_group_id=None, agent_ids=Vec::new()))]
fn assign_human_answer(
    py: Python<'_>,
    agent_group_id: Option<&Bound<'_, PyAny>>,
    agent_ids: Vec<String>,
) -> PyResult<Py<PyAny>> {
    let group = match agent_group_id {
        Some(g) if !g.is_none() => Some(bounded(g, "agent_group_id", 0, u64::MAX)?),
        _ => None,
    };
    let ids: Vec<&str> = agent_ids.iter().map(String::as_str).collect();
    to_py(py, &callbacks::assign_human_answer(group, &ids))
}

/// The answer to Chatbot.InterfaceInvocation, returning `variables` to the flow.
#[pyfunction]
fn interface_invocation_answer(
    py: Python<'_>,
    variables: &Bound<'_, PyDict>,
) -> PyResult<Py<PyAny>> {
    let serde_json::Value::Object(map) = from_py(variables.as_any(), "variables")? else {
        return Err(invalid_argument("variables", "must be a dict of str keys"));
    };
    to_py(py, &callbacks::interface_invocation_answer(map))
}

/// The acknowledgement of Desk.SessionEventNotify.
#[pyfunction]
fn acknowledgement(py: Python<'_>) -> PyResult<Py<PyAny>> {
    to_py(py, &callbacks::acknowledgement())
}

/// Adds the callback classes and functions to the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<CallbackVerifier>()?;
    m.add_function(wrap_pyfunction!(assign_human_answer, m)?)?;
    m.add_function(wrap_pyfunction!(interface_invocation_answer, m)?)?;
    m.add_function(wrap_pyfunction!(acknowledgement, m)?)?;
    Ok(())
}
