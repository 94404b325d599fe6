//! How a Python method's call runs: [`Client`](crate::client::Client) waits for it
//! without the GIL; [`AsyncClient`](crate::client::AsyncClient) returns an asyncio future
//! at once. Both run the same core future on the client's own I/O thread, so the method
//! bodies are written once (`client_methods!`) and the async client needs no thread per
//! call and no second runtime (which would not survive a fork).

use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use pyo3::intern;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use timdesk::Pending;
use timdesk::completion::CompletionQueue;

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

/// Starts `call` and returns a coroutine of its outcome on the running event loop.
///
/// The I/O thread never calls into Python: it queues the outcome on the loop's
/// [`Completions`] and writes one byte to wake the loop, which sets the futures from its
/// own thread (a batch per wake-up). So no completion waits for the GIL, and none can run
/// into an interpreter that is shutting down (a thread that takes the GIL then is ended
/// by CPython, which Rust cannot unwind through). Cancelling the coroutine cancels the
/// request; the client stays usable.
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
    let event_loop = running_loop(py)?;
    let queue = completions(py, &event_loop)?;
    let future = event_loop
        .call_method0(intern!(py, "create_future"))?
        .unbind();
    let target = future.clone_ref(py);
    let pending = client
        .start(move |c| {
            let work = call(c);
            async move {
                let result = work.await;
                queue.push(Box::new(move |py| settle(py, &target, result, convert)));
                Ok(())
            }
        })
        .map_err(|e| client_error(&e))?;
    let request = Request {
        pending: Mutex::new(Some(pending)),
    };
    coroutine(py, future, Some(Bound::new(py, request)?.into_any()))
}

/// `asyncio.get_running_loop()`.
fn running_loop(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    static GET_RUNNING_LOOP: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    GET_RUNNING_LOOP
        .get_or_try_init(py, || {
            py.import("asyncio")?
                .getattr("get_running_loop")
                .map(Bound::unbind)
        })?
        .bind(py)
        .call0()
}

/// Sets a future from a call's outcome, unless it is already done (cancelled). Runs on
/// the loop's thread, from [`Completions::drain`].
fn settle<T>(
    py: Python<'_>,
    future: &Py<PyAny>,
    result: timdesk::Result<T>,
    convert: impl FnOnce(Python<'_>, T) -> PyResult<Py<PyAny>>,
) -> PyResult<()> {
    let future = future.bind(py);
    if future.call_method0(intern!(py, "done"))?.is_truthy()? {
        return Ok(());
    }
    match result
        .map_err(|e| client_error(&e))
        .and_then(|value| convert(py, value))
    {
        Ok(value) => future.call_method1(intern!(py, "set_result"), (value,))?,
        Err(e) => future.call_method1(intern!(py, "set_exception"), (e.into_value(py),))?,
    };
    Ok(())
}

/// The loop's [`Completions`]: this thread's last one when the loop is the same, else
/// `timdesk._aio.completions(loop)`, which makes one and registers its reader.
fn completions(py: Python<'_>, event_loop: &Bound<'_, PyAny>) -> PyResult<Arc<Queue>> {
    thread_local! {
        static LAST: std::cell::RefCell<Option<(Py<PyAny>, Arc<Queue>)>> =
            const { std::cell::RefCell::new(None) };
    }
    let cached = LAST.with_borrow(|last| {
        last.as_ref()
            .filter(|(cached, _)| cached.as_ptr() == event_loop.as_ptr())
            .map(|(_, queue)| Arc::clone(queue))
    });
    if let Some(queue) = cached {
        return Ok(queue);
    }
    let made = py
        .import("timdesk._aio")?
        .call_method1("completions", (event_loop,))?;
    let queue = Arc::clone(&made.cast::<Completions>()?.get().queue);
    LAST.with_borrow_mut(|last| *last = Some((event_loop.clone().unbind(), Arc::clone(&queue))));
    Ok(queue)
}

/// What is left to do on the loop's thread for one finished call.
type Finish = Box<dyn FnOnce(Python<'_>) -> PyResult<()> + Send>;

/// Finished calls waiting for their loop (the core's queue and its wake-up descriptor).
type Queue = CompletionQueue<Finish>;

/// The completion queue of one event loop: `loop.add_reader(c.fileno(), c.drain)`
/// (done by `timdesk._aio.completions`).
#[pyclass(frozen, module = "timdesk._native")]
pub(crate) struct Completions {
    queue: Arc<Queue>,
}

#[pymethods]
impl Completions {
    #[new]
    fn new() -> PyResult<Self> {
        Ok(Self {
            queue: Arc::new(Queue::new().map_err(|e| client_error(&e))?),
        })
    }

    /// The descriptor the loop watches.
    fn fileno(&self) -> i32 {
        self.queue.fd()
    }

    /// Settles every queued call (the loop's reader callback).
    fn drain(&self, py: Python<'_>) -> PyResult<()> {
        let mut first_error = None;
        for finish in self.queue.take_all() {
            if let Err(e) = finish(py) {
                first_error.get_or_insert(e);
            }
        }
        first_error.map_or(Ok(()), Err)
    }
}

/// A coroutine awaiting `future` (`timdesk._aio.result`): what `asyncio.create_task`
/// and `await` both take, as with httpx. Cancelling it cancels the future; when it ends,
/// however it ends, it lets go of `request` (which cancels the request if it still runs).
pub(crate) fn coroutine(
    py: Python<'_>,
    future: Py<PyAny>,
    request: Option<Bound<'_, PyAny>>,
) -> PyResult<Py<PyAny>> {
    static RESULT: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    let result = RESULT.get_or_try_init(py, || {
        py.import("timdesk._aio")?
            .getattr("result")
            .map(Bound::unbind)
    })?;
    Ok(result.bind(py).call1((future, request))?.unbind())
}

/// A request as its coroutine holds it: `release()` lets go of it, which cancels it if it
/// has not finished (a finished request has nothing left to cancel).
#[pyclass(frozen, module = "timdesk._native")]
struct Request {
    pending: Mutex<Option<Pending<()>>>,
}

#[pymethods]
impl Request {
    fn release(&self) {
        drop(
            self.pending
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .take(),
        );
    }
}

/// A finished awaitable holding `value`, for methods with nothing to wait for.
pub(crate) fn done(py: Python<'_>, value: Py<PyAny>) -> PyResult<Py<PyAny>> {
    let future = running_loop(py)?.call_method0(intern!(py, "create_future"))?;
    future.call_method1(intern!(py, "set_result"), (value,))?;
    coroutine(py, future.unbind(), None)
}
