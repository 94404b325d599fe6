//! [`CompletionQueue`]: finished calls handed from the client's I/O thread to a runtime
//! that has its own poller (an asyncio loop, Go's netpoller, a C event loop). The I/O
//! thread never calls into that runtime: it queues the outcome and makes a descriptor
//! readable, and the runtime takes the outcomes from its own thread.

use std::io::{Read, Write};
use std::os::fd::{AsRawFd, RawFd};
use std::os::unix::net::UnixStream;
use std::sync::Mutex;

use crate::codes::ErrorKind;
use crate::error::{Error, Result};

/// A queue of finished calls and the descriptor that says it is not empty. Share it in an
/// `Arc` between the tasks that push and the thread that takes.
#[derive(Debug)]
pub struct CompletionQueue<T> {
    items: Mutex<Vec<T>>,
    wake: UnixStream,
    woken: UnixStream,
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
            wake,
            woken,
        })
    }

    /// The descriptor that becomes readable when an item is queued (owned by the queue).
    pub fn fd(&self) -> RawFd {
        self.woken.as_raw_fd()
    }

    /// Queues `item`, waking the taker unless a wake-up is already pending.
    pub fn push(&self, item: T) {
        let mut items = self.items.lock().unwrap_or_else(|p| p.into_inner());
        items.push(item);
        if items.len() == 1 {
            // Non-blocking: a full socket buffer already holds a pending wake-up.
            let _ = (&self.wake).write(&[1]);
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
        let _ = (&self.woken).read(&mut byte);
        std::mem::take(&mut *self.items.lock().unwrap_or_else(|p| p.into_inner()))
    }
}

#[cfg(test)]
mod tests {
    use super::CompletionQueue;

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
}
