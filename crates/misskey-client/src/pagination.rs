//! Walking `sinceId`/`untilId` pages as a stream of items.

use std::collections::VecDeque;
use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;
use futures_util::stream::{self, BoxStream, StreamExt};
use misskey_core::{Endpoint, Id};

use crate::{Client, Error};

/// A request that pages with `sinceId`/`untilId`, such as `notes/timeline`.
///
/// Implemented by the code generator for every endpoint whose request has
/// `sinceId` and `untilId` and whose response is a list of items with an
/// `id` (`Response = Vec<Item>` with `Item:` [`HasId`]). Hand-written
/// request types can implement it too:
///
/// ```
/// use misskey_client::Paginate;
/// use misskey_core::Id;
/// # use misskey_core::{Endpoint, Permission, ResponseShape};
/// # #[derive(serde::Serialize, Default)]
/// # #[serde(rename_all = "camelCase")]
/// # struct Request { since_id: Option<Id>, until_id: Option<Id>, limit: Option<u32> }
/// # #[derive(serde::Deserialize)] struct Note { id: Id }
/// # impl misskey_client::HasId for Note { fn id(&self) -> &Id { &self.id } }
/// # impl Endpoint for Request {
/// #     type Response = Vec<Note>;
/// #     const PATH: &'static str = "notes/timeline";
/// #     const REQUIRES_CREDENTIAL: bool = true;
/// #     const PERMISSION: Option<Permission> = None;
/// #     const MULTIPART: bool = false;
/// #     const RATE_LIMITED: bool = false;
/// #     const ALLOW_GET: bool = false;
/// #     const INTERNAL: bool = false;
/// #     const RESPONSE_SHAPE: ResponseShape = ResponseShape::Json;
/// #     const ERROR_CODES: &'static [&'static str] = &[];
/// # }
/// impl Paginate for Request {
///     fn set_until_id(&mut self, id: Option<Id>) { self.until_id = id; }
///     fn set_since_id(&mut self, id: Option<Id>) { self.since_id = id; }
///     fn since_id(&self) -> Option<&Id> { self.since_id.as_ref() }
/// }
/// ```
pub trait Paginate: Endpoint {
    /// Sets `untilId`: only items older than (with an id below) this one.
    fn set_until_id(&mut self, id: Option<Id>);
    /// Sets `sinceId`: only items newer than (with an id above) this one.
    fn set_since_id(&mut self, id: Option<Id>);
    /// The `sinceId` set by the caller, if any: when set, pagination walks
    /// from it towards newer items.
    fn since_id(&self) -> Option<&Id>;
}

/// An item of a paginated list, which has a Misskey [`Id`].
///
/// Implemented by the code generator for every model with an `id` property
/// (`Note`, `User`, `DriveFile`, `Notification`, ...).
pub trait HasId {
    /// The item's id, used as the `sinceId`/`untilId` of the next page.
    fn id(&self) -> &Id;
}

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
/// oldest, passing the smallest id of each page as the next `untilId`; with
/// `sinceId` it walks from there to the newest, passing the largest id of each
/// page as the next `sinceId`. Taking the smallest or largest id (rather than
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
        R: Paginate<Response = Vec<T>> + Send + Sync + 'static,
    {
        let direction = if request.since_id().is_some() {
            Direction::OldestFirst
        } else {
            Direction::NewestFirst
        };
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

    /// The order of the walk, decided by whether the request sets `sinceId`.
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
}

fn walk<R, T>(
    client: Client,
    request: R,
    direction: Direction,
    max_items: Option<usize>,
) -> impl Stream<Item = Result<T, Error>> + Send
where
    R: Paginate<Response = Vec<T>> + Send + Sync + 'static,
    T: HasId + Send + 'static,
{
    let cursor = match direction {
        Direction::OldestFirst => request.since_id().cloned(),
        Direction::NewestFirst => None,
    };
    let state = Walk {
        client,
        request,
        direction,
        cursor,
        buffer: VecDeque::new(),
        remaining: max_items,
        done: false,
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
        }
    })
}

impl<R, T: HasId> Walk<R, T> {
    /// Queues the items of a page that lie beyond the cursor, sorted in the
    /// walking direction, and moves the cursor to the page's far end.
    fn take_page(&mut self, page: Vec<T>) {
        let far_end = match self.direction {
            Direction::NewestFirst => page.iter().map(HasId::id).min(),
            Direction::OldestFirst => page.iter().map(HasId::id).max(),
        }
        .cloned();
        let Some(far_end) = far_end else {
            // An empty page: the end.
            self.done = true;
            return;
        };
        let beyond = |id: &Id, cursor: &Option<Id>| match (cursor, self.direction) {
            (None, _) => true,
            (Some(c), Direction::NewestFirst) => id < c,
            (Some(c), Direction::OldestFirst) => id > c,
        };
        if !beyond(&far_end, &self.cursor) {
            // The server ignored the cursor: stop rather than loop forever.
            self.done = true;
            return;
        }
        let mut items: Vec<T> = page
            .into_iter()
            .filter(|item| beyond(item.id(), &self.cursor))
            .collect();
        match self.direction {
            Direction::NewestFirst => items.sort_by(|a, b| b.id().cmp(a.id())),
            Direction::OldestFirst => items.sort_by(|a, b| a.id().cmp(b.id())),
        }
        items.dedup_by(|a, b| a.id() == b.id());
        self.buffer.extend(items);
        self.cursor = Some(far_end);
    }
}
