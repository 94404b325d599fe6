//! Deduplication of send_msg by MsgRandom: the configurable window within which a
//! repeated MsgRandom is the same message, and the memory of the MsgRandoms seen.

use std::collections::HashMap;
use std::hash::Hash;

/// How long a repeated MsgRandom is recognised as the same message.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum DedupWindow {
    /// Within the same wall-clock second only, as Tencent documents MsgRandom (the default).
    #[default]
    SameSecond,
    /// Forever: every repeat is dropped (kinder than the server; for exploring only).
    Forever,
    /// Never: every repeat is a new message.
    None,
}

impl DedupWindow {
    /// Parses `same_second`, `forever` or `none`.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "same_second" => Some(Self::SameSecond),
            "forever" => Some(Self::Forever),
            "none" => Some(Self::None),
            _ => None,
        }
    }

    /// `same_second`, `forever` or `none`.
    pub fn name(self) -> &'static str {
        match self {
            Self::SameSecond => "same_second",
            Self::Forever => "forever",
            Self::None => "none",
        }
    }

    /// Whether a MsgRandom first stored at second `stored` makes one arriving at `now` a
    /// repeat.
    fn is_repeat(self, stored: u64, now: u64) -> bool {
        match self {
            Self::SameSecond => stored == now,
            Self::Forever => true,
            Self::None => false,
        }
    }
}

/// The MsgRandoms seen under some key (a session's, or a From/To pair's), each with the
/// second it was last stored.
#[derive(Debug, Clone)]
pub(crate) struct Seen<K>(HashMap<K, u64>);

impl<K> Default for Seen<K> {
    fn default() -> Self {
        Self(HashMap::new())
    }
}

impl<K: Eq + Hash> Seen<K> {
    /// Whether a message with `key` arriving at second `now` is new under `window`; a new
    /// one is remembered from `now`, a repeat is not.
    pub(crate) fn admit(&mut self, key: K, now: u64, window: DedupWindow) -> bool {
        if self
            .0
            .get(&key)
            .is_some_and(|stored| window.is_repeat(*stored, now))
        {
            return false;
        }
        self.0.insert(key, now);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::{DedupWindow, Seen};

    #[test]
    fn a_repeat_is_recognised_only_within_its_window() {
        let mut seen = Seen::default();
        assert!(seen.admit(7, 100, DedupWindow::SameSecond));
        assert!(!seen.admit(7, 100, DedupWindow::SameSecond));
        assert!(seen.admit(7, 101, DedupWindow::SameSecond));
        assert!(!seen.admit(7, 500, DedupWindow::Forever));
        assert!(seen.admit(7, 500, DedupWindow::None));
        assert!(seen.admit(8, 500, DedupWindow::Forever));
    }
}
