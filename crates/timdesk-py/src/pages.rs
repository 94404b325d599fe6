//! Iterators over paged answers (CDR records, a session's messages): blocking ones over
//! the core's [`timdesk::PageIter`], and `async for` ones that run the core's
//! [`Paging`] rules through one generic walk.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use pyo3::exceptions::PyStopAsyncIteration;
use pyo3::prelude::*;
use serde_json::Value;
use timdesk::{CdrPages, HistoryPages, Paging};

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

/// What an async walk has fetched and where it stands.
struct Fetched<P: Paging> {
    /// None once a page failed.
    pages: Option<P>,
    items: VecDeque<P::Item>,
}

/// An `async for` walk: hands out what it fetched, then awaits the next page.
struct AsyncWalk<P: Paging> {
    client: timdesk::Client,
    state: Arc<Mutex<Fetched<P>>>,
}

impl<P: Paging> AsyncWalk<P>
where
    P::Item: ToPython,
{
    fn new(client: timdesk::Client, pages: P) -> Self {
        Self {
            client,
            state: Arc::new(Mutex::new(Fetched {
                pages: Some(pages),
                items: VecDeque::new(),
            })),
        }
    }

    fn anext(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let request = {
            let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
            if let Some(item) = state.items.pop_front() {
                return done(py, item.to_python(py)?);
            }
            match state.pages.as_ref().and_then(P::next_request) {
                Some(request) => request,
                None => return Err(PyStopAsyncIteration::new_err(())),
            }
        };
        let state = Arc::clone(&self.state);
        awaitable(
            py,
            &self.client,
            move |c| async move { Ok(P::fetch(c, request).await) },
            move |py, page| {
                let mut state = state.lock().unwrap_or_else(|p| p.into_inner());
                let page = match page {
                    Ok(page) => page,
                    Err(e) => {
                        state.pages = None;
                        return Err(client_error(&e));
                    }
                };
                if let Some(pages) = state.pages.as_mut() {
                    pages.advance(&page);
                }
                state.items.extend(P::into_items(page));
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

/// Iterates over CDR records, fetching a page of 100 when needed (without the GIL).
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

/// Iterates over CDR records with `async for`, fetching a page of 100 when needed.
#[pyclass(module = "timdesk._native")]
pub struct AsyncCdrIterator {
    walk: AsyncWalk<CdrPages>,
}

impl AsyncCdrIterator {
    pub(crate) fn new(client: timdesk::Client, pages: CdrPages) -> Self {
        Self {
            walk: AsyncWalk::new(client, pages),
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

/// Iterates over a session's messages (dicts), fetching a page of 100 when needed
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

/// Iterates over a session's messages with `async for`, fetching a page of 100 when
/// needed.
#[pyclass(module = "timdesk._native")]
pub struct AsyncChatMessageIterator {
    walk: AsyncWalk<HistoryPages>,
}

impl AsyncChatMessageIterator {
    pub(crate) fn new(client: timdesk::Client, pages: HistoryPages) -> Self {
        Self {
            walk: AsyncWalk::new(client, pages),
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
