//! Iterators over paged answers (CDR records, a session's messages), blocking or with
//! `async for`, both over the core's [`timdesk::PageIter`]: the async ones step it
//! ([`PageIter::step`], [`PageIter::accept`]) and await each page.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use pyo3::exceptions::PyStopAsyncIteration;
use pyo3::prelude::*;
use serde_json::Value;
use timdesk::{PageIter, Paging, Step};

use crate::convert::to_py;
use crate::errors::client_error;
use crate::runner::{awaitable, done};
use crate::types::CdrRecord;

/// How an item of a walk reaches Python.
trait ToPython: Send + 'static {
    fn to_python(self, py: Python<'_>) -> PyResult<Py<PyAny>>;
}

impl ToPython for timdesk::api::CdrRecord {
    fn to_python(self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        Ok(Py::new(py, CdrRecord::from(self))?.into_any())
    }
}

impl ToPython for Value {
    fn to_python(self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        to_py(py, &self)
    }
}

/// An `async for` walk over the core's [`timdesk::PageIter`], stepped without blocking:
/// hands out what it fetched, then awaits the next page.
struct AsyncWalk<P: Paging> {
    client: timdesk::Client,
    state: Arc<Mutex<Walking<P>>>,
}

/// The walk and the items fetched and not yet handed out.
struct Walking<P: Paging> {
    iter: PageIter<P>,
    items: VecDeque<P::Item>,
}

impl<P: Paging> AsyncWalk<P>
where
    P::Item: ToPython,
{
    fn new(iter: PageIter<P>) -> Self {
        Self {
            client: iter.client().clone(),
            state: Arc::new(Mutex::new(Walking {
                iter,
                items: VecDeque::new(),
            })),
        }
    }

    fn anext(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let (item, request) = {
            let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
            let request = if state.items.is_empty() {
                match state.iter.step() {
                    Step::Fetch(request) => Some(request),
                    Step::Items(items) => {
                        state.items.extend(items);
                        None
                    }
                    Step::Done => None,
                }
            } else {
                None
            };
            (state.items.pop_front(), request)
        };
        let Some(request) = request else {
            return match item {
                Some(item) => done(py, item.to_python(py)?),
                None => Err(PyStopAsyncIteration::new_err(())),
            };
        };
        let state = Arc::clone(&self.state);
        awaitable(
            py,
            &self.client,
            move |c| async move { Ok(P::fetch(c, request).await) },
            move |py, page| {
                let mut state = state.lock().unwrap_or_else(|p| p.into_inner());
                let items = state.iter.accept(page).map_err(|e| client_error(&e))?;
                state.items.extend(items);
                match state.items.pop_front() {
                    Some(item) => item.to_python(py),
                    None => Err(PyStopAsyncIteration::new_err(())),
                }
            },
        )
    }
}

/// The next item of a blocking walk, its page fetched without the GIL when needed.
fn next_item<P: Paging>(
    py: Python<'_>,
    iter: &Mutex<timdesk::PageIter<P>>,
) -> PyResult<Option<Py<PyAny>>>
where
    P::Item: ToPython,
    timdesk::PageIter<P>: Send,
{
    let next = py.detach(|| iter.lock().unwrap_or_else(|p| p.into_inner()).next());
    match next {
        None => Ok(None),
        Some(Ok(item)) => item.to_python(py).map(Some),
        Some(Err(e)) => Err(client_error(&e)),
    }
}

/// Iterates over CDR records, fetching a page when needed (without the GIL).
#[pyclass(module = "timdesk._native")]
pub struct CdrIterator {
    inner: Mutex<timdesk::CdrIter>,
}

impl CdrIterator {
    pub(crate) fn new(iter: timdesk::CdrIter) -> Self {
        Self {
            inner: Mutex::new(iter),
        }
    }
}

#[pymethods]
impl CdrIterator {
    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__(&self, py: Python<'_>) -> PyResult<Option<Py<PyAny>>> {
        next_item(py, &self.inner)
    }
}

/// Iterates over CDR records with `async for`, fetching a page when needed.
#[pyclass(module = "timdesk._native")]
pub struct AsyncCdrIterator {
    walk: AsyncWalk<timdesk::CdrPages>,
}

impl AsyncCdrIterator {
    pub(crate) fn new(iter: timdesk::CdrIter) -> Self {
        Self {
            walk: AsyncWalk::new(iter),
        }
    }
}

#[pymethods]
impl AsyncCdrIterator {
    fn __aiter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __anext__(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.walk.anext(py)
    }
}

/// Iterates over a session's messages (dicts), fetching a page when needed
/// (without the GIL).
#[pyclass(module = "timdesk._native")]
pub struct ChatMessageIterator {
    inner: Mutex<timdesk::HistoryIter>,
}

impl ChatMessageIterator {
    pub(crate) fn new(iter: timdesk::HistoryIter) -> Self {
        Self {
            inner: Mutex::new(iter),
        }
    }
}

#[pymethods]
impl ChatMessageIterator {
    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__(&self, py: Python<'_>) -> PyResult<Option<Py<PyAny>>> {
        next_item(py, &self.inner)
    }
}

/// Iterates over a session's messages with `async for`, fetching a page when
/// needed.
#[pyclass(module = "timdesk._native")]
pub struct AsyncChatMessageIterator {
    walk: AsyncWalk<timdesk::HistoryPages>,
}

impl AsyncChatMessageIterator {
    pub(crate) fn new(iter: timdesk::HistoryIter) -> Self {
        Self {
            walk: AsyncWalk::new(iter),
        }
    }
}

#[pymethods]
impl AsyncChatMessageIterator {
    fn __aiter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __anext__(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.walk.anext(py)
    }
}
