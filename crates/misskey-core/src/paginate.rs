use crate::{Endpoint, Id, JsonEndpoint};

/// A request that can walk a long list page by page with `sinceId`/`untilId`.
///
/// Generated for every endpoint whose request takes `sinceId` and/or
/// `untilId` and whose response is a list of items with an `id`. A client
/// repeats the request, moving the cursor to the oldest (or newest) id of the
/// previous page, until a page comes back empty. Pages are JSON calls, so a
/// paginated request is a [`JsonEndpoint`].
pub trait Paginate:
    JsonEndpoint + Endpoint<Response = Vec<<Self as Paginate>::Item>> + Clone
{
    /// One element of a page.
    type Item: HasId;
    /// Whether the request takes `sinceId` (walk from old to new).
    const SINCE_ID: bool;
    /// Whether the request takes `untilId` (walk from new to old).
    const UNTIL_ID: bool;
    /// The current `sinceId`.
    fn since_id(&self) -> Option<&Id>;
    /// The current `untilId`.
    fn until_id(&self) -> Option<&Id>;
    /// Sets or clears `sinceId`.
    fn set_since_id(&mut self, id: Option<Id>);
    /// Sets or clears `untilId`.
    fn set_until_id(&mut self, id: Option<Id>);
}

/// An item with a Misskey id, used as a pagination cursor.
pub trait HasId {
    /// The item's id. `None` only for items of a kind this version of the
    /// bindings does not know that carry no `id`.
    fn id(&self) -> Option<&str>;
}
