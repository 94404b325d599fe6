//! A session's message history, page by page (desk_http_svc/describe_chat_messages).

use serde_json::Value;

use super::generated::{DescribeChatMessages, DescribeChatMessagesAnswer};
use super::{AsyncClient, Client, next_offset};
use crate::error::Result;

/// Where a walk over a session's message history stands: the paging rule, once, for the
/// blocking iterator and the bindings' async ones.
#[derive(Debug, Clone)]
pub struct HistoryPages {
    request: DescribeChatMessages,
    done: bool,
}

impl HistoryPages {
    /// Messages per page: the model's maximum.
    pub const PAGE: u64 = 100;

    /// The request for the next page, or None when the history is exhausted.
    pub fn next_request(&self) -> Option<DescribeChatMessages> {
        (!self.done).then(|| self.request.clone())
    }

    /// Moves past `page` (the answer to [`HistoryPages::next_request`]).
    pub fn advance(&mut self, page: &DescribeChatMessagesAnswer) {
        let offset = self.request.offset.unwrap_or(0);
        let (next, done) = next_offset(offset, page.messages.len(), page.total_count);
        self.request.offset = Some(next);
        self.done = done;
    }

    /// Ends the walk (after a failed page).
    pub fn stop(&mut self) {
        self.done = true;
    }
}

impl AsyncClient {
    /// The pages of `session_id`'s messages, [`HistoryPages::PAGE`] at a time, in the
    /// `order` of describe_chat_messages (1 oldest first, 2 newest first, None the
    /// server's default): ask [`HistoryPages::next_request`] what to fetch, hand the
    /// answer to [`HistoryPages::advance`]. The request is checked against the model
    /// here, before any is sent.
    pub fn history_pages(&self, session_id: &str, order: Option<u64>) -> Result<HistoryPages> {
        let mut request = DescribeChatMessages::new(session_id)
            .limit(HistoryPages::PAGE)
            .offset(0);
        if let Some(order) = order {
            request = request.order(order);
        }
        request.to_body()?;
        Ok(HistoryPages {
            request,
            done: false,
        })
    }
}

impl Client {
    /// Every message of `session_id` (each as the server's JSON object: FromAccount,
    /// FromAccountRole, MsgBody, Timestamp), fetched lazily in pages of 100; `order` as
    /// in [`AsyncClient::history_pages`], whose checks run here, before any request.
    pub fn chat_messages(&self, session_id: &str, order: Option<u64>) -> Result<HistoryIter> {
        Ok(HistoryIter {
            client: self.clone(),
            pages: self.as_async().history_pages(session_id, order)?,
            buffered: Vec::new().into_iter(),
        })
    }
}

/// Every message of a session, fetched page by page as the iteration reaches it. A failed
/// page ends the iteration after yielding its error.
#[derive(Debug)]
pub struct HistoryIter {
    client: Client,
    pages: HistoryPages,
    buffered: std::vec::IntoIter<Value>,
}

impl Iterator for HistoryIter {
    type Item = Result<Value>;

    fn next(&mut self) -> Option<Self::Item> {
        if let Some(message) = self.buffered.next() {
            return Some(Ok(message));
        }
        let request = self.pages.next_request()?;
        match self.client.describe_chat_messages(&request) {
            Err(e) => {
                self.pages.stop();
                Some(Err(e))
            }
            Ok(page) => {
                self.pages.advance(&page);
                self.buffered = page.messages.into_iter();
                self.buffered.next().map(Ok)
            }
        }
    }
}
