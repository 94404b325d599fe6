//! [`Pending`]: a request running on the client's I/O thread, which the caller can wait
//! for (blocking, in slices, or as a future) or cancel.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Condvar, Mutex};
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

use crate::codes::ErrorKind;
use crate::error::{Error, Result};

/// Where the I/O thread leaves a result for the caller.
pub(crate) struct Slot<T> {
    state: Mutex<SlotState<T>>,
    ready: Condvar,
}

struct SlotState<T> {
    value: Option<Result<T>>,
    waker: Option<Waker>,
    /// How many threads wait on the condition variable: notifying it is a system call
    /// even with nobody waiting, so awaited and detached calls skip it.
    blocked: usize,
}

impl<T> Slot<T> {
    pub(crate) fn new() -> Arc<Self> {
        Arc::new(Self {
            state: Mutex::new(SlotState {
                value: None,
                waker: None,
                blocked: 0,
            }),
            ready: Condvar::new(),
        })
    }

    /// Leaves the result and wakes whoever waits.
    pub(crate) fn fill(&self, value: Result<T>) {
        let (waker, blocked) = {
            let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
            state.value = Some(value);
            (state.waker.take(), state.blocked)
        };
        if blocked > 0 {
            self.ready.notify_all();
        }
        // A call ends here: wake-ups held back on this (I/O) thread must not wait on its
        // next park for long.
        crate::completion::flush_stale_wakes();
        if let Some(waker) = waker {
            waker.wake();
        }
    }
}

/// A request running on the client's I/O thread.
///
/// Dropping it cancels the request (the connection is closed and the client stays
/// usable), as does [`Pending::cancel`]. A request always ends by its deadline, the
/// client's whole retry budget, even if the I/O thread were stuck.
#[must_use = "dropping a Pending cancels its request"]
pub struct Pending<T> {
    slot: Arc<Slot<T>>,
    abort: tokio::task::AbortHandle,
    deadline: Instant,
    /// False once detached: dropping it then leaves the request running.
    cancel_on_drop: bool,
}

impl<T> std::fmt::Debug for Pending<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pending")
            .field("deadline", &self.deadline)
            .finish_non_exhaustive()
    }
}

impl<T> Pending<T> {
    pub(crate) fn new(
        slot: Arc<Slot<T>>,
        abort: tokio::task::AbortHandle,
        deadline: Instant,
    ) -> Self {
        Self {
            slot,
            abort,
            deadline,
            cancel_on_drop: true,
        }
    }

    /// Lets the request run to its end with nobody waiting (for calls that deliver their
    /// outcome themselves, e.g. to a completion queue); the [`Canceller`] it returns can
    /// still cancel it.
    pub fn detach(mut self) -> Canceller {
        self.cancel_on_drop = false;
        Canceller(self.abort.clone())
    }

    /// Blocks until the request ends.
    pub fn wait(self) -> Result<T> {
        loop {
            if let Some(result) = self.wait_for(Duration::from_secs(3600)) {
                return result;
            }
        }
    }

    /// Blocks up to `slice` for the request to end: `None` when it is still running, so
    /// the caller can do something in between (e.g. check for signals).
    pub fn wait_for(&self, slice: Duration) -> Option<Result<T>> {
        let now = Instant::now();
        let until = self.deadline.min(now + slice);
        let mut state = self.slot.state.lock().unwrap_or_else(|p| p.into_inner());
        loop {
            if let Some(value) = state.value.take() {
                return Some(value);
            }
            let now = Instant::now();
            if now >= until {
                break;
            }
            state.blocked += 1;
            state = self
                .slot
                .ready
                .wait_timeout(state, until - now)
                .unwrap_or_else(|p| p.into_inner())
                .0;
            state.blocked -= 1;
        }
        drop(state);
        (Instant::now() >= self.deadline).then(|| {
            self.abort.abort();
            Err(Error::local(
                ErrorKind::Timeout,
                "the call did not end within the client's time budget (timeout × attempts, \
                 bounded by the retry policy): its I/O thread did not answer",
                true,
            )
            .mark_maybe_applied())
        })
    }

    /// Cancels the request; the client stays usable. A request already sent may still
    /// take effect on the server.
    pub fn cancel(&self) {
        self.abort.abort();
    }
}

/// Cancels a detached request ([`Pending::detach`]) as [`Pending::cancel`] does: the
/// request's task is dropped, so its connection is closed, and the client stays usable. A
/// request already sent may still take effect on the server. Cancelling a request that
/// has ended does nothing.
#[derive(Debug, Clone)]
pub struct Canceller(tokio::task::AbortHandle);

impl Canceller {
    /// Cancels the request.
    pub fn cancel(&self) {
        self.0.abort();
    }
}

impl<T> Drop for Pending<T> {
    fn drop(&mut self) {
        if self.cancel_on_drop {
            self.abort.abort();
        }
    }
}

impl<T> Future for Pending<T> {
    type Output = Result<T>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<T>> {
        let mut state = self.slot.state.lock().unwrap_or_else(|p| p.into_inner());
        match state.value.take() {
            Some(value) => Poll::Ready(value),
            None => {
                state.waker = Some(cx.waker().clone());
                Poll::Pending
            }
        }
    }
}
