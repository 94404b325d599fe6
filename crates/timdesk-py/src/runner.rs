//! How a Python method's call runs: [`Client`](crate::client::Client) waits for it
//! without the GIL; [`AsyncClient`](crate::client::AsyncClient) returns an asyncio future
//! at once. Both run the same core future on the client's own I/O thread, so the method
//! bodies are written once (`client_methods!`) and the async client needs no thread per
//! call and no second runtime (which would not survive a fork).

use std::future::Future;
use std::sync::Mutex;
use std::time::Duration;

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use timdesk::Pending;

use crate::errors::client_error;

/// A client as the shared method bodies see it.
pub(crate) trait Runs {
    /// Whether calls return awaitables (the async client and its objects) rather than
    /// wait for their results.
    const AWAITS: bool;

    /// The core client, or RuntimeError once closed.
    fn live(&self) -> PyResult<timdesk::Client>;

    /// Runs `call` and hands its value to `convert`: the Python result, or an awaitable
    /// of it.
    fn dispatch<T, F, Fut, C>(&self, py: Python<'_>, call: F, convert: C) -> PyResult<Py<PyAny>>
    where
        T: Send + 'static,
        C: FnOnce(Python<'_>, T) -> PyResult<Py<PyAny>> + Send + 'static,
        F: FnOnce(timdesk::AsyncClient) -> Fut,
        Fut: Future<Output = timdesk::Result<T>> + Send + 'static,
    {
        let client = self.live()?;
        if Self::AWAITS {
            awaitable(py, &client, call, convert)
        } else {
            let pending = client.start(call).map_err(|e| client_error(&e))?;
            let value = wait(py, pending)?;
            convert(py, value)
        }
    }
}

/// How often a waiting call checks for signals (Ctrl-C raises KeyboardInterrupt within
/// about this long).
const SIGNAL_CHECK: Duration = Duration::from_millis(50);

/// Waits for a call without the GIL, checking for signals between slices: a signal
/// handler that raises (KeyboardInterrupt on Ctrl-C) cancels the request and the client
/// stays usable.
pub(crate) fn wait<T: Send>(py: Python<'_>, pending: Pending<T>) -> PyResult<T> {
    loop {
        if let Some(result) = py.detach(|| pending.wait_for(SIGNAL_CHECK)) {
            return result.map_err(|e| client_error(&e));
        }
        if let Err(raised) = py.check_signals() {
            pending.cancel();
            return Err(raised);
        }
    }
}

/// Starts `call` and returns an asyncio future of the running loop that it resolves
/// (through `call_soon_threadsafe`, so any asyncio-compatible loop works, uvloop too).
/// Cancelling the future cancels the request; the client stays usable.
pub(crate) fn awaitable<T, F, Fut, C>(
    py: Python<'_>,
    client: &timdesk::Client,
    call: F,
    convert: C,
) -> PyResult<Py<PyAny>>
where
    T: Send + 'static,
    C: FnOnce(Python<'_>, T) -> PyResult<Py<PyAny>> + Send + 'static,
    F: FnOnce(timdesk::AsyncClient) -> Fut,
    Fut: Future<Output = timdesk::Result<T>> + Send + 'static,
{
    let event_loop = py
        .import("asyncio")?
        .call_method0("get_running_loop")?
        .unbind();
    let future = event_loop.bind(py).call_method0("create_future")?.unbind();
    let (on_loop, target) = (event_loop.clone_ref(py), future.clone_ref(py));
    let pending = client
        .start(move |c| {
            let work = call(c);
            async move {
                let result = work.await;
                Python::attach(|py| resolve(py, &on_loop, &target, result, convert));
                Ok(())
            }
        })
        .map_err(|e| client_error(&e))?;
    future.bind(py).call_method1(
        "add_done_callback",
        (Canceller {
            pending: Mutex::new(Some(pending)),
        },),
    )?;
    coroutine(py, future)
}

/// A coroutine awaiting `future` (`timdesk._aio.result`): what `asyncio.create_task`
/// and `await` both take, as with httpx. Cancelling it cancels the future.
pub(crate) fn coroutine(py: Python<'_>, future: Py<PyAny>) -> PyResult<Py<PyAny>> {
    static RESULT: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    let result = RESULT.get_or_try_init(py, || {
        py.import("timdesk._aio")?
            .getattr("result")
            .map(Bound::unbind)
    })?;
    Ok(result.bind(py).call1((future,))?.unbind())
}

/// Schedules the outcome onto the future's loop; a loop already closed is left alone.
fn resolve<T>(
    py: Python<'_>,
    event_loop: &Py<PyAny>,
    future: &Py<PyAny>,
    result: timdesk::Result<T>,
    convert: impl FnOnce(Python<'_>, T) -> PyResult<Py<PyAny>>,
) {
    let (ok, value) = match result
        .map_err(|e| client_error(&e))
        .and_then(|value| convert(py, value))
    {
        Ok(value) => (true, value),
        Err(e) => (false, e.into_value(py).into_any()),
    };
    let Ok(setter) = wrap_pyfunction!(set_future, py) else {
        return;
    };
    let _ = event_loop.bind(py).call_method1(
        "call_soon_threadsafe",
        (setter, future.clone_ref(py), ok, value),
    );
}

/// Sets a future's result or exception unless it is already done (cancelled).
#[pyfunction]
fn set_future(future: &Bound<'_, PyAny>, ok: bool, value: Bound<'_, PyAny>) -> PyResult<()> {
    if future.call_method0("done")?.is_truthy()? {
        return Ok(());
    }
    let method = if ok { "set_result" } else { "set_exception" };
    future.call_method1(method, (value,))?;
    Ok(())
}

/// The done callback of an awaitable: lets go of the request, which cancels it when the
/// future was cancelled (a finished request has nothing left to cancel).
#[pyclass(frozen, module = "timdesk._native")]
struct Canceller {
    pending: Mutex<Option<Pending<()>>>,
}

#[pymethods]
impl Canceller {
    fn __call__(&self, _future: &Bound<'_, PyAny>) {
        drop(
            self.pending
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .take(),
        );
    }
}
