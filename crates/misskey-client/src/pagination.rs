//! Walking `sinceId`/`untilId` pages as a stream of items.

use std::collections::VecDeque;
use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;
use futures_util::stream::{self, BoxStream, StreamExt};
use misskey_core::{HasId, Id, Paginate};

use crate::{Client, Error};

/// The order in which a [`Paginator`] walks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// Newest to oldest with `untilId`: the default.
    NewestFirst,
    /// Oldest to newest with `sinceId`: when the request sets `sinceId`.
    OldestFirst,
}

type StartFn<T> = Box<dyn FnOnce(Option<usize>) -> BoxStream<'static, Result<T, Error>> + Send>;

/// A stream of the items of every page of a paginated endpoint, made by
/// [`Client::paginate`].
///
/// Without `sinceId` in the request it walks from the newest items to the
/// oldest (starting below the request's `untilId`, if set), passing the
/// smallest id of each page as the next `untilId`; with `sinceId` (and no
/// `untilId`) it walks from there to the newest, passing the largest id of
/// each page as the next `sinceId`. With both set it walks the range from
/// `untilId` down to `sinceId`. Taking the smallest or largest id (rather than
/// the first or last element) makes it right whichever order the server sorts
/// a page in; items are yielded sorted in the walking direction, and an item
/// that is not strictly beyond the previous page's boundary is dropped, so
/// none is yielded twice and none is skipped.
///
/// It ends after an empty page, after [`max_items`](Self::max_items) items,
/// or after the first error (which it yields). Each page is one call of
/// [`Client::request`], so rate-limit retries apply.
#[must_use = "streams do nothing unless polled"]
pub struct Paginator<T> {
    direction: Direction,
    max_items: Option<usize>,
    start: Option<StartFn<T>>,
    stream: Option<BoxStream<'static, Result<T, Error>>>,
}

impl<T> fmt::Debug for Paginator<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Paginator")
            .field("direction", &self.direction)
            .field("max_items", &self.max_items)
            .field("started", &self.stream.is_some())
            .finish()
    }
}

impl<T: HasId + Send + 'static> Paginator<T> {
    pub(crate) fn new<R>(client: Client, request: R) -> Self
    where
        R: Paginate<Item = T> + Send + Sync + 'static,
    {
        let direction = direction_of(&request);
        let start: StartFn<T> =
            Box::new(move |max_items| walk(client, request, direction, max_items).boxed());
        Paginator {
            direction,
            max_items: None,
            start: Some(start),
            stream: None,
        }
    }
}

impl<T> Paginator<T> {
    /// Stops after `n` items, without fetching a page that is not needed.
    ///
    /// Has no effect once the stream has been polled.
    pub fn max_items(mut self, n: usize) -> Self {
        self.max_items = Some(n);
        self
    }

    /// The order of the walk, decided by whether the request sets `sinceId`
    /// (and which cursors the endpoint takes).
    pub fn direction(&self) -> Direction {
        self.direction
    }
}

impl<T> Stream for Paginator<T> {
    type Item = Result<T, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        if this.stream.is_none() {
            match this.start.take() {
                Some(start) => this.stream = Some(start(this.max_items)),
                None => return Poll::Ready(None),
            }
        }
        match this.stream.as_mut() {
            Some(stream) => stream.as_mut().poll_next(cx),
            None => Poll::Ready(None),
        }
    }
}

struct Walk<R, T> {
    client: Client,
    request: R,
    direction: Direction,
    cursor: Option<Id>,
    buffer: VecDeque<T>,
    remaining: Option<usize>,
    done: bool,
    single_page: bool,
}

/// Newest first unless only `sinceId` is set (or the endpoint only takes
/// `sinceId`).
fn direction_of<R: Paginate>(request: &R) -> Direction {
    let since_only = request.since_id().is_some() && request.until_id().is_none();
    if since_only || !R::UNTIL_ID && R::SINCE_ID {
        Direction::OldestFirst
    } else {
        Direction::NewestFirst
    }
}

fn walk<R, T>(
    client: Client,
    request: R,
    direction: Direction,
    max_items: Option<usize>,
) -> impl Stream<Item = Result<T, Error>> + Send
where
    R: Paginate<Item = T> + Send + Sync + 'static,
    T: HasId + Send + 'static,
{
    let cursor = match direction {
        Direction::OldestFirst => request.since_id().cloned(),
        Direction::NewestFirst => request.until_id().cloned(),
    };
    // Without the cursor the walk needs, the endpoint has a single page.
    let pages = match direction {
        Direction::OldestFirst => R::SINCE_ID,
        Direction::NewestFirst => R::UNTIL_ID,
    };
    let state = Walk {
        client,
        request,
        direction,
        cursor,
        buffer: VecDeque::new(),
        remaining: max_items,
        done: false,
        single_page: !pages,
    };
    stream::unfold(state, |mut st| async move {
        loop {
            if st.remaining == Some(0) {
                return None;
            }
            if let Some(item) = st.buffer.pop_front() {
                if let Some(r) = &mut st.remaining {
                    *r -= 1;
                }
                return Some((Ok(item), st));
            }
            if st.done {
                return None;
            }
            if let Some(cursor) = &st.cursor {
                match st.direction {
                    Direction::NewestFirst => st.request.set_until_id(Some(cursor.clone())),
                    Direction::OldestFirst => st.request.set_since_id(Some(cursor.clone())),
                }
            }
            let page = match st.client.request(&st.request).await {
                Ok(page) => page,
                Err(e) => {
                    st.done = true;
                    return Some((Err(e), st));
                }
            };
            tracing::debug!(
                endpoint = R::PATH,
                items = page.len(),
                cursor = st.cursor.as_ref().map(|c| c.as_str()),
                "page"
            );
            st.take_page(page);
            if st.single_page {
                st.done = true;
            }
        }
    })
}

impl<R, T: HasId> Walk<R, T> {
    /// Queues the items of a page that lie beyond the cursor, sorted in the
    /// walking direction, and moves the cursor to the page's far end.
    ///
    /// Items without an id (of a kind these bindings do not know) cannot be
    /// placed: they are yielded after the page's other items.
    fn take_page(&mut self, page: Vec<T>) {
        if page.is_empty() {
            self.done = true;
            return;
        }
        let direction = self.direction;
        let far_end = match direction {
            Direction::NewestFirst => page.iter().filter_map(HasId::id).min(),
            Direction::OldestFirst => page.iter().filter_map(HasId::id).max(),
        }
        .map(Id::from);
        let beyond = |id: &str, cursor: Option<&Id>| match (cursor, direction) {
            (None, _) => true,
            (Some(c), Direction::NewestFirst) => id < c.as_str(),
            (Some(c), Direction::OldestFirst) => id > c.as_str(),
        };
        let cursor = self.cursor.clone();
        match &far_end {
            Some(end) if beyond(end, cursor.as_ref()) => {}
            // No usable id, or the server ignored the cursor: stop rather than
            // loop forever.
            _ => {
                self.done = true;
                if far_end.is_none() {
                    self.buffer.extend(page);
                }
                return;
            }
        }
        let mut items: Vec<T> = page
            .into_iter()
            .filter(|item| item.id().is_none_or(|id| beyond(id, cursor.as_ref())))
            .collect();
        // `None` sorts first; reversed for newest first, it ends up last.
        match direction {
            Direction::NewestFirst => items.sort_by(|a, b| b.id().cmp(&a.id())),
            Direction::OldestFirst => {
                items.sort_by(|a, b| (a.id().is_none(), a.id()).cmp(&(b.id().is_none(), b.id())))
            }
        }
        items.dedup_by(|a, b| a.id().is_some() && a.id() == b.id());
        self.buffer.extend(items);
        self.cursor = far_end;
    }
}
