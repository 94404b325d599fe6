//! `MsgStream` and `AsyncMsgStream`: a reply streamed with send_stream_msg, chunk by
//! chunk, over the core's `timdesk::MsgStream` (which holds the sequencing).

use std::sync::{Arc, Mutex};

use pyo3::prelude::*;

use crate::errors::{client_error, invalid_argument};
use crate::runner::Runs;

/// The core stream, lent to the call in flight.
type Slot = Arc<Mutex<Option<timdesk::MsgStream>>>;

/// A streamed reply: `push` each chunk as it is produced, then `finish`. Each chunk goes
/// out when the next one arrives, so that the last can carry Finish.
#[pyclass(frozen, module = "timdesk._native")]
pub struct MsgStream {
    client: timdesk::Client,
    slot: Slot,
}

/// A streamed reply for asyncio: `await push(chunk)`, then `await finish()`.
#[pyclass(frozen, module = "timdesk._native")]
pub struct AsyncMsgStream {
    client: timdesk::Client,
    slot: Slot,
}

/// The stream's parts: the client, and the core stream in its slot.
pub(crate) fn parts(
    client: timdesk::Client,
    session_id: String,
    cloud_custom_data: Option<String>,
) -> (timdesk::Client, Slot) {
    let mut stream = client.as_async().msg_stream(session_id);
    if let Some(data) = cloud_custom_data {
        stream = stream.cloud_custom_data(data);
    }
    (client, Arc::new(Mutex::new(Some(stream))))
}

impl MsgStream {
    /// A stream of `client` in `session_id`.
    pub(crate) fn new(client: timdesk::Client, session_id: String, data: Option<String>) -> Self {
        let (client, slot) = parts(client, session_id, data);
        Self { client, slot }
    }
}

impl AsyncMsgStream {
    /// A stream of `client` in `session_id`.
    pub(crate) fn new(client: timdesk::Client, session_id: String, data: Option<String>) -> Self {
        let (client, slot) = parts(client, session_id, data);
        Self { client, slot }
    }
}

impl Runs for MsgStream {
    const AWAITS: bool = false;

    fn live(&self) -> PyResult<timdesk::Client> {
        Ok(self.client.clone())
    }
}

impl Runs for AsyncMsgStream {
    const AWAITS: bool = true;

    fn live(&self) -> PyResult<timdesk::Client> {
        Ok(self.client.clone())
    }
}

/// Refuses a lone str as `chunks` (iterating it would stream one character at a time).
pub(crate) fn chunks_not_one_str(chunks: &Bound<'_, PyAny>) -> PyResult<()> {
    if chunks.is_instance_of::<pyo3::types::PyString>() {
        return Err(invalid_argument(
            "chunks",
            "must be an iterable of str chunks, not one str",
        ));
    }
    Ok(())
}

/// The core stream, taken from its slot for one call.
fn take(slot: &Slot) -> PyResult<timdesk::MsgStream> {
    slot.lock()
        .unwrap_or_else(|p| p.into_inner())
        .take()
        .ok_or_else(|| {
            invalid_argument(
                "stream",
                "a call on it is in flight or was cancelled; start another stream",
            )
        })
}

/// The methods of both streams, written once.
macro_rules! stream_methods {
    ($stream:ident) => {
        #[pymethods]
        impl $stream {
            /// Adds `chunk`: sends the chunk before it, if any, and holds this one back.
            fn push(&self, py: Python<'_>, chunk: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
                let chunk: String = chunk
                    .extract()
                    .map_err(|_| invalid_argument("chunk", "must be a str"))?;
                let mut stream = take(&self.slot)?;
                let slot = Arc::clone(&self.slot);
                self.dispatch(
                    py,
                    move |_| async move {
                        let pushed = stream.push(chunk).await;
                        Ok((stream, pushed))
                    },
                    move |py, (stream, pushed)| {
                        *slot.lock().unwrap_or_else(|p| p.into_inner()) = Some(stream);
                        pushed.map_err(|e| client_error(&e))?;
                        Ok(py.None())
                    },
                )
            }

            /// Sends the held chunk as the last one (Finish) and returns the MsgKey. A
            /// stream given no chunk is refused before anything is sent.
            fn finish(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
                let mut stream = take(&self.slot)?;
                let slot = Arc::clone(&self.slot);
                self.dispatch(
                    py,
                    move |_| async move {
                        let key = stream.finish().await;
                        Ok((stream, key))
                    },
                    move |py, (stream, key)| {
                        *slot.lock().unwrap_or_else(|p| p.into_inner()) = Some(stream);
                        let key = key.map_err(|e| client_error(&e))?;
                        Ok(key.into_pyobject(py)?.into_any().unbind())
                    },
                )
            }

            /// The message's MsgKey once its first chunk went out, else None.
            #[getter]
            fn msg_key(&self) -> Option<String> {
                self.slot
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .as_ref()
                    .and_then(|s| s.msg_key().map(str::to_owned))
            }
        }
    };
}

stream_methods!(MsgStream);
stream_methods!(AsyncMsgStream);
