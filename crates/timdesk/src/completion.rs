//! [`CompletionQueue`]: finished calls handed from the client's I/O thread to a runtime
//! that has its own poller (an asyncio loop, Go's netpoller, a C event loop). The I/O
//! thread never calls into that runtime: it queues the outcome and makes a descriptor
//! readable, and the runtime takes the outcomes from its own thread.
//!
//! On the I/O thread the wake-ups wait until the thread runs out of work and is about to
//! park, so one wake-up carries every call that round finished.
//! Waking at each push made the taker's thread run once per call: on a shared core, a
//! context switch there and back for every completion.

use std::cell::RefCell;
use std::io::{Read, Write};
use std::os::fd::{AsRawFd, RawFd};
use std::os::unix::net::UnixStream;
use std::sync::{Arc, Mutex};

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

thread_local! {
    /// On a thread that has parked once (a client's I/O thread): the wake-ups of the
    /// queues that went from empty to not since it last parked. `None` elsewhere.
    static DEFERRED: RefCell<Option<Vec<Arc<WakeSockets>>>> = const { RefCell::new(None) };
}

/// Writes the wake-ups deferred on this thread, and defers the wake-ups of this thread
/// from now on. The I/O runtime calls it as its worker is about to park: a thread that
/// never parks (a resolver's blocking thread, a caller's) wakes at once.
pub(crate) fn flush_deferred_wakes() {
    DEFERRED.with_borrow_mut(|deferred| {
        for sockets in deferred.get_or_insert_with(Vec::new).drain(..) {
            sockets.wake();
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
                Some(waiting) => waiting.push(Arc::clone(&self.sockets)),
                None => self.sockets.wake(),
            });
        }
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
    use super::{CompletionQueue, flush_deferred_wakes};

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
}
