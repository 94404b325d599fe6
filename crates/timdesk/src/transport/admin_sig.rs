//! The administrator UserSig: made once, shared by every request, renewed at half its
//! validity and after the server refuses it.

use std::sync::{Arc, RwLock};

use crate::config::{Event, EventHook};
use crate::usersig::Signer;

/// The cached administrator UserSig of one client in one process.
pub(crate) struct AdminSig {
    signer: Signer,
    admin: String,
    ttl: u64,
    cached: RwLock<Option<(Arc<str>, u64)>>,
}

impl AdminSig {
    /// A cache for `admin`'s UserSig of `ttl` seconds, starting with `seed` (a UserSig
    /// and when to renew it) when one is still good.
    pub(crate) fn new(
        signer: Signer,
        admin: &str,
        ttl: u64,
        seed: Option<(Arc<str>, u64)>,
    ) -> Self {
        Self {
            signer,
            admin: admin.to_owned(),
            ttl,
            cached: RwLock::new(seed),
        }
    }

    /// The cached UserSig and its renewal time, if the lock is free right now (a forked
    /// child takes it over only when no thread of the parent held the lock at the fork).
    pub(crate) fn snapshot(&self) -> Option<(Arc<str>, u64)> {
        self.cached.try_read().ok().and_then(|c| c.clone())
    }

    /// The UserSig at Unix time `now`, renewing it once it reached half its validity.
    pub(crate) fn current_at(&self, now: u64, hook: Option<&EventHook>) -> Arc<str> {
        if let Some((sig, renew_at)) = &*self.cached.read().unwrap_or_else(|p| p.into_inner()) {
            if now < *renew_at {
                return sig.clone();
            }
        }
        let mut cached = self.cached.write().unwrap_or_else(|p| p.into_inner());
        if let Some((sig, renew_at)) = &*cached {
            if now < *renew_at {
                return sig.clone();
            }
        }
        let renewing = cached.is_some();
        let sig: Arc<str> = self
            .signer
            .generate_at(&self.admin, self.ttl, None, now)
            .into();
        *cached = Some((sig.clone(), now + self.ttl / 2));
        if renewing {
            if let Some(hook) = hook {
                hook(&Event::UserSigRenewed { reason: "expiring" });
            }
        }
        sig
    }

    /// Drops the cached UserSig after the server refused it.
    pub(crate) fn invalidate(&self) {
        *self.cached.write().unwrap_or_else(|p| p.into_inner()) = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    #[test]
    fn the_usersig_is_cached_then_renewed_at_half_its_validity() {
        let events = Arc::new(Mutex::new(Vec::new()));
        let sink = events.clone();
        let hook: EventHook = Arc::new(move |e: &Event| sink.lock().unwrap().push(e.clone()));
        let admin = AdminSig::new(Signer::new(1, "k"), "administrator", 200, None);
        let t0 = 1_700_000_000;
        let first = admin.current_at(t0, Some(&hook));
        assert!(
            Arc::ptr_eq(&first, &admin.current_at(t0 + 99, Some(&hook))),
            "cached, not regenerated"
        );
        assert!(events.lock().unwrap().is_empty());
        let renewed = admin.current_at(t0 + 100, Some(&hook));
        assert_ne!(first, renewed);
        assert_eq!(
            events.lock().unwrap().as_slice(),
            [Event::UserSigRenewed { reason: "expiring" }]
        );
        let doc = Signer::new(1, "k")
            .verify_at(&renewed, "administrator", t0 + 100)
            .unwrap();
        assert_eq!((doc.time, doc.expire), (t0 + 100, 200));
        admin.invalidate();
        assert!(!Arc::ptr_eq(&renewed, &admin.current_at(t0 + 100, None)));
    }

    #[test]
    fn a_snapshot_seeds_a_new_cache() {
        let admin = AdminSig::new(Signer::new(1, "k"), "administrator", 200, None);
        let sig = admin.current_at(1_700_000_000, None);
        let child = AdminSig::new(Signer::new(1, "k"), "administrator", 200, admin.snapshot());
        assert!(Arc::ptr_eq(&sig, &child.current_at(1_700_000_050, None)));
    }
}
