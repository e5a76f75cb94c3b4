//! The bounded queue between the connection task and one handle.
//!
//! The task never waits on a consumer: when a handle's queue is full, new
//! events are dropped and counted, and the handle yields `Lagged(n)` at the
//! place of the gap. Lifecycle items are never dropped (they are rare and
//! the consumer must see them).

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

/// What the task hands to a handle; decoded into the typed event by the
/// handle, so the task never needs to know event types.
#[derive(Debug)]
pub(crate) enum Item {
    /// The text of a frame for this handle, shared by every handle it is
    /// for; the handle decodes it (one pass, straight into its event type).
    Frame(Arc<str>),
    /// A frame that could not be read (broadcast handles only).
    Malformed {
        error: String,
    },
    Disconnected {
        reason: String,
    },
    Reconnected {
        down_for: Duration,
        attempts: u32,
    },
    Lagged(u64),
    /// The connection ended for good; the handle ends after this.
    Closed {
        reason: String,
    },
}

#[derive(Debug)]
struct Inner {
    items: VecDeque<Item>,
    /// Events in `items` (what the capacity counts).
    events: usize,
    capacity: usize,
    /// Events dropped since the last `Lagged` was queued.
    dropped: u64,
    waker: Option<Waker>,
    /// No more items will come (the task ended).
    finished: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct Queue(Arc<Mutex<Inner>>);

impl Queue {
    pub(crate) fn new(capacity: usize) -> Self {
        Queue(Arc::new(Mutex::new(Inner {
            items: VecDeque::new(),
            events: 0,
            capacity: capacity.max(1),
            dropped: 0,
            waker: None,
            finished: false,
        })))
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic while holding this lock cannot leave the queue half
        // updated in a way that matters; keep going.
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Adds an item; an event is dropped (and counted) when the queue is full.
    pub(crate) fn push(&self, item: Item) {
        let waker = {
            let mut q = self.lock();
            if q.finished {
                return;
            }
            let is_event = matches!(item, Item::Frame(_) | Item::Malformed { .. });
            if is_event {
                if q.events >= q.capacity {
                    q.dropped += 1;
                    return;
                }
                if q.dropped > 0 {
                    let n = std::mem::take(&mut q.dropped);
                    q.items.push_back(Item::Lagged(n));
                }
                q.events += 1;
            } else if q.dropped > 0 {
                let n = std::mem::take(&mut q.dropped);
                q.items.push_back(Item::Lagged(n));
            }
            if matches!(item, Item::Closed { .. }) {
                q.finished = true;
            }
            q.items.push_back(item);
            q.waker.take()
        };
        if let Some(w) = waker {
            w.wake();
        }
    }

    /// Ends the queue without a reason (the task ended normally).
    pub(crate) fn finish(&self) {
        let waker = {
            let mut q = self.lock();
            q.finished = true;
            q.waker.take()
        };
        if let Some(w) = waker {
            w.wake();
        }
    }

    pub(crate) fn poll_pop(&self, cx: &mut Context<'_>) -> Poll<Option<Item>> {
        let mut q = self.lock();
        if let Some(item) = q.items.pop_front() {
            if matches!(item, Item::Frame(_) | Item::Malformed { .. }) {
                q.events -= 1;
            }
            return Poll::Ready(Some(item));
        }
        if q.dropped > 0 {
            return Poll::Ready(Some(Item::Lagged(std::mem::take(&mut q.dropped))));
        }
        if q.finished {
            return Poll::Ready(None);
        }
        match &q.waker {
            Some(w) if w.will_wake(cx.waker()) => {}
            _ => q.waker = Some(cx.waker().clone()),
        }
        Poll::Pending
    }

    /// How many items wait (for tests and the memory benchmark).
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.lock().items.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::task::Waker;

    fn ev(n: u32) -> Item {
        Item::Frame(n.to_string().into())
    }

    fn pop(q: &Queue) -> Option<Item> {
        let mut cx = Context::from_waker(Waker::noop());
        match q.poll_pop(&mut cx) {
            Poll::Ready(item) => item,
            Poll::Pending => panic!("pending"),
        }
    }

    fn kind(item: Option<Item>) -> String {
        match item {
            Some(Item::Frame(text)) => text.to_string(),
            Some(Item::Lagged(n)) => format!("lagged {n}"),
            other => format!("{other:?}"),
        }
    }

    #[test]
    fn a_full_queue_drops_and_reports_the_gap_where_it_was() {
        let q = Queue::new(2);
        for n in 0..5 {
            q.push(ev(n));
        }
        assert_eq!(q.len(), 2);
        assert_eq!(kind(pop(&q)), "0");
        q.push(ev(5)); // room for one: the gap comes first
        assert_eq!(kind(pop(&q)), "1");
        assert_eq!(kind(pop(&q)), "lagged 3");
        assert_eq!(kind(pop(&q)), "5");
        // Dropped with nothing after: reported once the queue is empty.
        q.push(ev(6));
        q.push(ev(7));
        q.push(ev(8));
        assert_eq!(kind(pop(&q)), "6");
        assert_eq!(kind(pop(&q)), "7");
        assert_eq!(kind(pop(&q)), "lagged 1");
    }

    #[test]
    fn lifecycle_items_are_never_dropped_and_closed_ends() {
        let q = Queue::new(1);
        q.push(ev(0));
        q.push(ev(1));
        q.push(Item::Disconnected { reason: "x".into() });
        q.push(Item::Closed { reason: "y".into() });
        q.push(ev(2));
        assert_eq!(kind(pop(&q)), "0");
        assert_eq!(kind(pop(&q)), "lagged 1");
        assert!(matches!(pop(&q), Some(Item::Disconnected { .. })));
        assert!(matches!(pop(&q), Some(Item::Closed { .. })));
        assert!(pop(&q).is_none());
    }
}
