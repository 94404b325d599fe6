//! Paged answers (Offset/Limit/TotalCount): the [`Paging`] rule of each walk, and the one
//! blocking iterator over any of them. The bindings' async walks run on the same rules.

use std::future::Future;

use super::{AsyncClient, Client};
use crate::error::Result;
use crate::model::EndpointModel;

/// Where a walk over a paged answer stands, and how to take the next page: the paging
/// rule, once, for [`PageIter`] and the bindings' async iterators.
pub trait Paging: Send + 'static {
    /// The request for one page.
    type Request: Send + 'static;
    /// One page's answer.
    type Page: Send + 'static;
    /// What the walk yields, one by one.
    type Item: Send + 'static;

    /// The model of the endpoint walked, whose `paging` declares the walk.
    fn model() -> &'static EndpointModel;

    /// Items per page: the model's maximum for its paging `limit` field
    /// ([`EndpointModel::page_size`]).
    fn page_size() -> u64 {
        let model = Self::model();
        model
            .page_size()
            .unwrap_or_else(|| unreachable!("{} is modelled with paging", model.name))
    }

    /// The request for the next page, or None when the walk is over.
    fn next_request(&self) -> Option<Self::Request>;
    /// Moves past `page` (the answer to [`Paging::next_request`]).
    fn advance(&mut self, page: &Self::Page);
    /// Ends the walk (after a failed page).
    fn stop(&mut self);
    /// The items of `page`, in order.
    fn into_items(page: Self::Page) -> Vec<Self::Item>;
    /// Fetches the page `request` asks for.
    fn fetch(
        client: AsyncClient,
        request: Self::Request,
    ) -> impl Future<Output = Result<Self::Page>> + Send + 'static;
}

/// The offset after a page of `fetched` items at `offset` out of `total`, and whether the
/// walk is over: an empty page also ends it, so a server that miscounts cannot loop a walk
/// forever.
pub(crate) fn next_offset(offset: u64, fetched: usize, total: u64) -> (u64, bool) {
    let next = offset.saturating_add(u64::try_from(fetched).unwrap_or(u64::MAX));
    (next, fetched == 0 || next >= total)
}

/// Every item of a paged answer, fetched page by page as the iteration reaches it. A
/// failed page ends the iteration after yielding its error.
#[derive(Debug)]
pub struct PageIter<P: Paging> {
    client: Client,
    pages: P,
    buffered: std::vec::IntoIter<P::Item>,
}

impl<P: Paging> PageIter<P> {
    pub(crate) fn new(client: Client, pages: P) -> Self {
        Self {
            client,
            pages,
            buffered: Vec::new().into_iter(),
        }
    }

    /// The client the walk fetches its pages with.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// The walk's next step, for walking it without blocking: the items fetched and not yet
    /// taken, or else the request for the next page (fetch it with [`Paging::fetch`] and
    /// hand the outcome to [`PageIter::accept`]), or the end.
    pub fn step(&mut self) -> Step<P> {
        let items: Vec<P::Item> = self.buffered.by_ref().collect();
        if !items.is_empty() {
            return Step::Items(items);
        }
        match self.pages.next_request() {
            Some(request) => Step::Fetch(request),
            None => Step::Done,
        }
    }

    /// Takes in the outcome of fetching the page [`PageIter::step`] asked for, and returns
    /// its items; a failed page ends the walk. [`Iterator::next`] walks the same way.
    pub fn accept(&mut self, page: Result<P::Page>) -> Result<Vec<P::Item>> {
        match page {
            Err(e) => {
                self.pages.stop();
                Err(e)
            }
            Ok(page) => {
                self.pages.advance(&page);
                Ok(P::into_items(page))
            }
        }
    }
}

/// What a walk does next; see [`PageIter::step`].
pub enum Step<P: Paging> {
    /// Items already fetched, in order (never empty).
    Items(Vec<P::Item>),
    /// The next page is to be fetched with this request.
    Fetch(P::Request),
    /// The walk is over.
    Done,
}

impl<P: Paging> Iterator for PageIter<P> {
    type Item = Result<P::Item>;

    fn next(&mut self) -> Option<Self::Item> {
        if let Some(item) = self.buffered.next() {
            return Some(Ok(item));
        }
        let request = self.pages.next_request()?;
        let page = self.client.block(move |c| P::fetch(c, request));
        match self.accept(page) {
            Err(e) => Some(Err(e)),
            Ok(items) => {
                self.buffered = items.into_iter();
                self.buffered.next().map(Ok)
            }
        }
    }
}
