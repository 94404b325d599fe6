//! A session's message history, page by page (desk_http_svc/describe_chat_messages).

use serde_json::Value;

use super::generated::{DescribeChatMessages, DescribeChatMessagesAnswer};
use super::pages::{PageIter, Paging, next_offset};
use super::{AsyncClient, Client};
use crate::error::Result;
use crate::model::{DESCRIBE_CHAT_MESSAGES, EndpointModel};

/// Where a walk over a session's message history stands: the paging rule, once, for the
/// blocking iterator and the bindings' async ones.
#[derive(Debug, Clone)]
pub struct HistoryPages {
    request: DescribeChatMessages,
    done: bool,
}

impl AsyncClient {
    /// The pages of `session_id`'s messages, [`Paging::page_size`] at a time, in the
    /// `order` of describe_chat_messages (1 oldest first, 2 newest first, None the
    /// server's default), walked through [`Paging`]. The request is checked against the
    /// model here, before any is sent.
    pub fn history_pages(&self, session_id: &str, order: Option<u64>) -> Result<HistoryPages> {
        let mut request = DescribeChatMessages::new(session_id)
            .limit(HistoryPages::page_size())
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
    /// FromAccountRole, MsgBody, Timestamp), fetched lazily a page at a time; `order` as
    /// in [`AsyncClient::history_pages`], whose checks run here, before any request.
    pub fn chat_messages(&self, session_id: &str, order: Option<u64>) -> Result<HistoryIter> {
        Ok(PageIter::new(
            self.clone(),
            self.as_async().history_pages(session_id, order)?,
        ))
    }
}

/// Every message of a session, fetched page by page as the iteration reaches it.
pub type HistoryIter = PageIter<HistoryPages>;

impl Paging for HistoryPages {
    type Request = DescribeChatMessages;
    type Page = DescribeChatMessagesAnswer;
    type Item = Value;

    fn model() -> &'static EndpointModel {
        &DESCRIBE_CHAT_MESSAGES
    }

    fn next_request(&self) -> Option<DescribeChatMessages> {
        (!self.done).then(|| self.request.clone())
    }

    fn advance(&mut self, page: &DescribeChatMessagesAnswer) {
        let offset = self.request.offset.unwrap_or(0);
        let (next, done) = next_offset(offset, page.messages.len(), page.total_count);
        self.request.offset = Some(next);
        self.done = done;
    }

    fn stop(&mut self) {
        self.done = true;
    }

    fn into_items(page: DescribeChatMessagesAnswer) -> Vec<Value> {
        page.messages
    }

    async fn fetch(
        client: AsyncClient,
        request: DescribeChatMessages,
    ) -> Result<DescribeChatMessagesAnswer> {
        client.describe_chat_messages(&request).await
    }
}
