//! A client-side rate limit: requests take evenly spaced slots, across threads.

use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

/// Spaces requests evenly at a configured rate: each request takes the next free slot and
/// waits until it comes.
pub(crate) struct Pacer {
    interval: Duration,
    next_slot: Mutex<Option<Instant>>,
}

impl Pacer {
    /// At most `per_second` requests per second.
    pub(crate) fn new(per_second: u32) -> Self {
        Self {
            interval: Duration::from_secs(1) / per_second.max(1),
            next_slot: Mutex::new(None),
        }
    }

    /// The slot of a request arriving at `now`, reserving it.
    pub(crate) fn reserve(&self, now: Instant) -> Instant {
        let mut next = self.next_slot.lock().unwrap_or_else(|p| p.into_inner());
        let slot = next.map_or(now, |n| n.max(now));
        *next = Some(slot + self.interval);
        slot
    }

    /// Waits for this request's slot.
    pub(crate) async fn wait(&self) {
        let slot = self.reserve(Instant::now());
        tokio::time::sleep_until(slot).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_are_spaced_evenly_and_idle_time_is_not_banked() {
        let pacer = Pacer::new(4);
        let t0 = Instant::now();
        let slots: Vec<Duration> = (0..3).map(|_| pacer.reserve(t0) - t0).collect();
        assert_eq!(
            slots,
            [
                Duration::ZERO,
                Duration::from_millis(250),
                Duration::from_millis(500)
            ]
        );
        let later = t0 + Duration::from_secs(10);
        assert_eq!(pacer.reserve(later), later, "no burst after idling");
    }
}
