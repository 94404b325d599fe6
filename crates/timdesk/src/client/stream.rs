//! A reply streamed with desk_http_svc/send_stream_msg, fed chunk by chunk as it is
//! produced (an LLM's tokens, say). The sequencing lives here once: the first call opens
//! the message and returns its MsgKey, later calls carry it, and the last carries
//! Finish=1. Since the last chunk is only known when the producer stops, one chunk is held
//! back: [`MsgStream::push`] sends the chunk before, [`MsgStream::finish`] the held one.

use super::{AsyncClient, Client};
use crate::api::SendStreamMsg;
use crate::error::{Error, Result};

/// One streamed reply under way (see the module documentation). Not retried: the model
/// says a repeated chunk would be appended twice. After an error the message's state is
/// unknown; [`MsgStream::msg_key`] still names it, for modify_msg to repair it.
#[derive(Debug)]
pub struct MsgStream {
    client: AsyncClient,
    session_id: String,
    cloud_custom_data: Option<String>,
    held: Option<String>,
    msg_key: Option<String>,
    finished: bool,
}

impl MsgStream {
    /// Sets CloudCustomData, sent with every chunk.
    pub fn cloud_custom_data(mut self, data: impl Into<String>) -> Self {
        self.cloud_custom_data = Some(data.into());
        self
    }

    /// The message's MsgKey, once its first chunk was sent.
    pub fn msg_key(&self) -> Option<&str> {
        self.msg_key.as_deref()
    }

    /// Adds `chunk`: holds it back and sends the chunk before it, if any.
    pub async fn push(&mut self, chunk: impl Into<String>) -> Result<()> {
        self.refuse_if_finished()?;
        match self.held.replace(chunk.into()) {
            Some(previous) => self.send(previous, false).await,
            None => Ok(()),
        }
    }

    /// Sends the held chunk as the last one (Finish=1) and returns the MsgKey. A stream
    /// given no chunk, or finished already, is refused before anything is sent.
    pub async fn finish(&mut self) -> Result<String> {
        self.refuse_if_finished()?;
        let last = self.held.take().ok_or_else(|| {
            Error::invalid_argument("Chunk", "a streamed message needs at least one chunk")
        })?;
        self.send(last, true).await?;
        self.finished = true;
        Ok(self.msg_key.clone().unwrap_or_default())
    }

    /// Refuses any step after a successful [`MsgStream::finish`], naming the message.
    fn refuse_if_finished(&self) -> Result<()> {
        if !self.finished {
            return Ok(());
        }
        Err(Error::invalid_argument(
            "stream",
            format!(
                "is finished (MsgKey {}); start another",
                self.msg_key.as_deref().unwrap_or_default()
            ),
        ))
    }

    async fn send(&mut self, chunk: String, finish: bool) -> Result<()> {
        let mut request = SendStreamMsg::new(self.session_id.clone(), chunk).finish(finish);
        if let Some(key) = &self.msg_key {
            request = request.msg_key(key.clone());
        }
        if let Some(data) = &self.cloud_custom_data {
            request = request.cloud_custom_data(data.clone());
        }
        let answer = self.client.send_stream_msg(&request).await?;
        if self.msg_key.is_none() && !answer.msg_key.is_empty() {
            self.msg_key = Some(answer.msg_key);
        }
        Ok(())
    }
}

impl AsyncClient {
    /// A streamed reply in `session_id`, fed with [`MsgStream::push`] and ended with
    /// [`MsgStream::finish`].
    pub fn msg_stream(&self, session_id: impl Into<String>) -> MsgStream {
        MsgStream {
            client: self.clone(),
            session_id: session_id.into(),
            cloud_custom_data: None,
            held: None,
            msg_key: None,
            finished: false,
        }
    }

    /// Streams `chunks` as one reply in `session_id`, each sent when the next one arrives
    /// and the last with Finish=1; returns the MsgKey. No chunk is refused before sending.
    pub async fn stream_msg<I>(&self, session_id: &str, chunks: I) -> Result<String>
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        let mut stream = self.msg_stream(session_id);
        for chunk in chunks {
            stream.push(chunk).await?;
        }
        stream.finish().await
    }
}

/// [`MsgStream`] for blocking code: each call waits for its request.
#[derive(Debug)]
pub struct BlockingMsgStream {
    client: Client,
    stream: Option<MsgStream>,
}

impl BlockingMsgStream {
    /// Sets CloudCustomData, sent with every chunk.
    pub fn cloud_custom_data(mut self, data: impl Into<String>) -> Self {
        self.stream = self.stream.map(|s| s.cloud_custom_data(data));
        self
    }

    /// The message's MsgKey, once its first chunk was sent.
    pub fn msg_key(&self) -> Option<&str> {
        self.stream.as_ref().and_then(MsgStream::msg_key)
    }

    /// Adds `chunk`; see [`MsgStream::push`].
    pub fn push(&mut self, chunk: impl Into<String>) -> Result<()> {
        let chunk = chunk.into();
        self.run(|mut s| async move {
            let result = s.push(chunk).await;
            (s, result)
        })
    }

    /// Ends the message; see [`MsgStream::finish`].
    pub fn finish(&mut self) -> Result<String> {
        self.run(|mut s| async move {
            let result = s.finish().await;
            (s, result)
        })
    }

    /// The client the stream sends with.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Takes the stream out, for a step run without blocking (a completion queue, an event
    /// loop); give it back with [`BlockingMsgStream::restore`], whatever the step's outcome.
    /// Refused while another step has it, or after one that never gave it back.
    pub fn take(&mut self) -> Result<MsgStream> {
        self.stream.take().ok_or_else(|| {
            Error::invalid_argument(
                "stream",
                "another call on it is under way, or one was interrupted; start another",
            )
        })
    }

    /// Gives back the stream [`BlockingMsgStream::take`] took.
    pub fn restore(&mut self, stream: MsgStream) {
        self.stream = Some(stream);
    }

    /// Runs `step` on the stream on the client's I/O thread and keeps the stream it hands
    /// back, whatever the outcome.
    fn run<T, F, Fut>(&mut self, step: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(MsgStream) -> Fut,
        Fut: Future<Output = (MsgStream, Result<T>)> + Send + 'static,
    {
        let future = step(self.take()?);
        let (stream, result) = self
            .client
            .start(move |_| async move { Ok(future.await) })?
            .wait()?;
        self.restore(stream);
        result
    }
}

impl Client {
    /// A streamed reply in `session_id`; see [`AsyncClient::msg_stream`].
    pub fn msg_stream(&self, session_id: impl Into<String>) -> BlockingMsgStream {
        BlockingMsgStream {
            client: self.clone(),
            stream: Some(self.as_async().msg_stream(session_id)),
        }
    }

    /// Streams `chunks` as one reply; see [`AsyncClient::stream_msg`].
    pub fn stream_msg<I>(&self, session_id: &str, chunks: I) -> Result<String>
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        let mut stream = self.msg_stream(session_id);
        for chunk in chunks {
            stream.push(chunk)?;
        }
        stream.finish()
    }
}
