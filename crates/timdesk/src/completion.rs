//! [`CompletionQueue`]: finished calls handed from the client's I/O thread to a runtime
//! that has its own poller (an asyncio loop, Go's netpoller, a C event loop). The I/O
//! thread never calls into that runtime: it queues the outcome and makes a descriptor
//! readable, and the runtime takes the outcomes from its own thread.
//!
//! On the I/O thread the wake-ups wait until the thread runs out of work and is about to
//! park, so one wake-up carries every call that round finished.
//! Waking at each push made the taker's thread run once per call: on a shared core, a
//! context switch there and back for every completion. A thread that stays busy (other
//! calls keep coming) holds them no longer than a millisecond: each call it ends checks.

use std::cell::RefCell;
use std::io::{Read, Write};
use std::os::fd::{AsRawFd, RawFd};
use std::os::unix::net::UnixStream;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::codes::ErrorKind;
use crate::error::{Error, Result};

/// A queue of finished calls and the descriptor that says it is not empty. Share it in an
/// `Arc` between the tasks that push and the thread that takes.
#[derive(Debug)]
pub struct CompletionQueue<T> {
    items: Mutex<Vec<T>>,
    sockets: Arc<WakeSockets>,
}

/// Both ends of a queue's wake-up socket pair, kept together so that a deferred wake-up
/// never writes to a socket whose reader is gone (SIGPIPE ends a C program).
#[derive(Debug)]
struct WakeSockets {
    wake: UnixStream,
    woken: UnixStream,
}

impl WakeSockets {
    fn wake(&self) {
        // Non-blocking: a full socket buffer already holds a pending wake-up.
        let _ = (&self.wake).write(&[1]);
    }
}

/// The longest a wake-up waits for its thread to park.
const MAX_DEFER: Duration = Duration::from_millis(1);

/// The wake-ups a thread holds back, and since when.
#[derive(Default)]
struct Deferred {
    waiting: Vec<Arc<WakeSockets>>,
    since: Option<Instant>,
}

impl Deferred {
    fn flush(&mut self) {
        for sockets in self.waiting.drain(..) {
            sockets.wake();
        }
        self.since = None;
    }
}

thread_local! {
    /// On a thread that has parked once (a client's I/O thread): the wake-ups of the
    /// queues that went from empty to not since it last parked. `None` elsewhere.
    static DEFERRED: RefCell<Option<Deferred>> = const { RefCell::new(None) };
}

/// Writes the wake-ups deferred on this thread, and defers the wake-ups of this thread
/// from now on. The I/O runtime calls it as its worker is about to park (and stops): a
/// thread that never parks (a resolver's blocking thread, a caller's) wakes at once.
pub(crate) fn flush_deferred_wakes() {
    DEFERRED.with_borrow_mut(|deferred| deferred.get_or_insert_with(Deferred::default).flush());
}

/// Writes this thread's deferred wake-ups if the oldest has waited [`MAX_DEFER`]: for a
/// thread kept busy by a stream of calls, which may not park for a long time. Called as
/// each call ends.
pub(crate) fn flush_stale_wakes() {
    DEFERRED.with_borrow_mut(|deferred| {
        let stale = |d: &Deferred| d.since.is_some_and(|since| since.elapsed() >= MAX_DEFER);
        if let Some(deferred) = deferred.as_mut().filter(|d| stale(d)) {
            deferred.flush();
        }
    });
}

impl<T> CompletionQueue<T> {
    /// An empty queue with its wake-up socket pair (both ends non-blocking).
    pub fn new() -> Result<Self> {
        let failed = |e: std::io::Error| {
            Error::local(
                ErrorKind::Network,
                format!("the completion queue cannot make its sockets: {e}"),
                false,
            )
        };
        let (wake, woken) = UnixStream::pair().map_err(failed)?;
        wake.set_nonblocking(true).map_err(failed)?;
        woken.set_nonblocking(true).map_err(failed)?;
        Ok(Self {
            items: Mutex::new(Vec::new()),
            sockets: Arc::new(WakeSockets { wake, woken }),
        })
    }

    /// The descriptor that becomes readable when an item is queued (owned by the queue).
    pub fn fd(&self) -> RawFd {
        self.sockets.woken.as_raw_fd()
    }

    /// Queues `item`, waking the taker unless a wake-up is already pending; on the I/O
    /// thread the wake-up waits until that thread is about to park.
    pub fn push(&self, item: T) {
        let mut items = self.items.lock().unwrap_or_else(|p| p.into_inner());
        items.push(item);
        if items.len() == 1 {
            DEFERRED.with_borrow_mut(|deferred| match deferred {
                Some(deferred) => {
                    deferred.waiting.push(Arc::clone(&self.sockets));
                    deferred.since.get_or_insert_with(Instant::now);
                }
                None => self.sockets.wake(),
            });
        }
        drop(items);
        flush_stale_wakes();
    }

    /// Everything queued, oldest first.
    ///
    /// A wake-up byte is written as the queue goes from empty to not, after the item is
    /// in; one read takes one, then the items are taken. So every item queued after that
    /// read brings a byte of its own or joins a queue whose byte is still coming, and no
    /// wake-up is lost; at worst a byte outlives its items and wakes the taker to an empty
    /// queue. (Reading until the socket was empty cost a second, failing `recv` per
    /// wake-up; holding the lock across the read made the I/O thread wait on it.)
    pub fn take_all(&self) -> Vec<T> {
        let mut byte = [0u8; 1];
        let _ = (&self.sockets.woken).read(&mut byte);
        std::mem::take(&mut *self.items.lock().unwrap_or_else(|p| p.into_inner()))
    }
}

#[cfg(test)]
mod tests {
    use super::{CompletionQueue, MAX_DEFER, flush_deferred_wakes, flush_stale_wakes};

    fn readable(fd: i32) -> bool {
        let mut byte = [0u8; 1];
        // SAFETY: a borrowed descriptor of the queue, read without taking ownership.
        let file = std::mem::ManuallyDrop::new(unsafe {
            <std::fs::File as std::os::fd::FromRawFd>::from_raw_fd(fd)
        });
        std::io::Read::read(&mut &*file, &mut byte).is_ok()
    }

    #[test]
    fn a_push_to_an_empty_queue_wakes_and_take_all_drains_in_order() {
        let queue = CompletionQueue::new().unwrap();
        assert!(queue.take_all().is_empty());
        queue.push(1);
        queue.push(2);
        assert_eq!(queue.take_all(), [1, 2]);
        assert!(!readable(queue.fd()), "take_all consumed the wake-up");
        queue.push(3);
        assert!(readable(queue.fd()), "the next push wakes again");
        assert_eq!(queue.take_all(), [3]);
    }

    #[test]
    fn on_a_parking_thread_the_wake_up_waits_for_the_park() {
        std::thread::spawn(|| {
            let queue = CompletionQueue::new().unwrap();
            flush_deferred_wakes(); // this thread parks, as the I/O thread does
            queue.push(1);
            queue.push(2);
            assert!(!readable(queue.fd()), "woken before the park");
            flush_deferred_wakes();
            assert!(readable(queue.fd()), "the park wakes the taker");
            assert_eq!(queue.take_all(), [1, 2]);
        })
        .join()
        .unwrap();
    }

    #[test]
    fn a_busy_thread_holds_a_wake_up_no_longer_than_the_bound() {
        std::thread::spawn(|| {
            let (first, second) = (
                CompletionQueue::new().unwrap(),
                CompletionQueue::new().unwrap(),
            );
            flush_deferred_wakes();
            first.push(1);
            flush_stale_wakes();
            assert!(!readable(first.fd()), "woken before the bound");
            std::thread::sleep(MAX_DEFER * 2);
            // Another call ending on this thread checks the age of what waits.
            second.push(2);
            assert!(readable(first.fd()), "still held past the bound");
            assert_eq!(first.take_all(), [1]);
        })
        .join()
        .unwrap();
    }
}
