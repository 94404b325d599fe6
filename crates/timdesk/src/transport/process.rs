//! What a client owns in one process: the I/O runtime, the connection pool, the
//! administrator UserSig cache and the pacer. A forked child inherits the parent's copy
//! without its threads, so the first call in a child builds its own and leaves the
//! parent's untouched (never used, never dropped: dropping would wait for threads that do
//! not exist in the child).

use std::ptr::null_mut;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicPtr, AtomicU64, Ordering};

use super::admin_sig::AdminSig;
use super::pacer::Pacer;

/// Which process this is, by forks: 0 in the process that first made a client, and one
/// more in each child than in its parent, counted by a `pthread_atfork` handler. Reading
/// it costs no system call, where `getpid` cost three per call.
static FORK_GENERATION: AtomicU64 = AtomicU64::new(0);

/// Counts a fork; runs in the child, before `fork` returns there.
#[cfg(unix)]
extern "C" fn forked() {
    FORK_GENERATION.fetch_add(1, Ordering::AcqRel);
}

/// Registers the fork handler (once per process; later calls return the first outcome).
/// Called before the first per-process state is built, so every fork after it is counted.
pub(crate) fn count_forks() -> std::io::Result<()> {
    static REGISTERED: OnceLock<i32> = OnceLock::new();
    let code = *REGISTERED.get_or_init(|| {
        #[cfg(unix)]
        // SAFETY: `forked` only increments an atomic, which is async-signal-safe, as a
        // handler run in a forked child must be.
        let code = unsafe { libc::pthread_atfork(None, None, Some(forked)) };
        #[cfg(not(unix))]
        let code = 0;
        code
    });
    match code {
        0 => Ok(()),
        code => Err(std::io::Error::from_raw_os_error(code)),
    }
}

/// This process's fork generation (see [`count_forks`]).
pub(crate) fn generation() -> u64 {
    FORK_GENERATION.load(Ordering::Acquire)
}

/// The part of a client that belongs to one process.
pub(crate) struct PerProcess {
    /// The fork generation of the process that built it (see [`generation`]).
    pub generation: u64,
    /// Runs every request; one worker thread.
    pub runtime: Option<tokio::runtime::Runtime>,
    /// The connection pool.
    pub http: super::http::Http,
    /// The administrator UserSig cache.
    pub admin_sig: AdminSig,
    /// The client-side rate limit, when configured.
    pub pacer: Option<Pacer>,
}

impl PerProcess {
    /// The runtime's handle.
    pub fn handle(&self) -> &tokio::runtime::Handle {
        self.runtime
            .as_ref()
            .expect("the runtime lives as long as its PerProcess")
            .handle()
    }
}

impl Drop for PerProcess {
    fn drop(&mut self) {
        if let Some(runtime) = self.runtime.take() {
            // Never blocks, so dropping a client is safe anywhere, even in async code.
            runtime.shutdown_background();
        }
    }
}

/// States inherited from a parent process, kept for good: never used, never dropped, and
/// reachable from this list, so that leak checkers see memory held on purpose. A
/// lock-free list, as a lock could have been held by a thread the fork did not copy.
static INHERITED: AtomicPtr<Inherited> = AtomicPtr::new(null_mut());

struct Inherited {
    /// Held only to stay reachable.
    _state: *mut PerProcess,
    next: *mut Inherited,
}

/// Keeps a parent's state for the rest of this process.
fn keep_inherited(state: *mut PerProcess) {
    let node = Box::into_raw(Box::new(Inherited {
        _state: state,
        next: null_mut(),
    }));
    let mut head = INHERITED.load(Ordering::Acquire);
    loop {
        // SAFETY: `node` is ours until the exchange publishes it.
        unsafe { (*node).next = head };
        match INHERITED.compare_exchange_weak(head, node, Ordering::AcqRel, Ordering::Acquire) {
            Ok(_) => return,
            Err(current) => head = current,
        }
    }
}

/// How many parents' states this process keeps (for tests).
#[cfg(test)]
fn inherited_count() -> usize {
    let mut count = 0;
    let mut node = INHERITED.load(Ordering::Acquire);
    while !node.is_null() {
        count += 1;
        // SAFETY: nodes are never freed.
        node = unsafe { (*node).next };
    }
    count
}

/// The current process's [`PerProcess`], rebuilt after a fork.
pub(crate) struct ProcessCell {
    current: AtomicPtr<PerProcess>,
}

impl ProcessCell {
    /// A cell holding `first`, built by this process.
    pub fn new(first: PerProcess) -> Self {
        Self {
            current: AtomicPtr::new(Box::into_raw(Box::new(first))),
        }
    }

    /// This process's state: the current one when this process built it, else one made
    /// by `rebuild` from the inherited one (the parent's, after a fork).
    pub fn get<E>(
        &self,
        rebuild: impl Fn(&PerProcess) -> Result<PerProcess, E>,
    ) -> Result<&PerProcess, E> {
        let generation = generation();
        loop {
            let current = self.current.load(Ordering::Acquire);
            // SAFETY: `current` is never null and never freed while `self` lives: a
            // replaced PerProcess is leaked (it belongs to the parent process).
            let here = unsafe { &*current };
            if here.generation == generation {
                return Ok(here);
            }
            let fresh = Box::into_raw(Box::new(rebuild(here)?));
            match self
                .current
                .compare_exchange(current, fresh, Ordering::AcqRel, Ordering::Acquire)
            {
                // The parent's state stays allocated: threads of this process that loaded
                // it before the swap may still read it, and its drop would wait for threads
                // the fork did not copy.
                Ok(_) => {
                    keep_inherited(current);
                    // SAFETY: `fresh` is now the cell's, freed only by its drop.
                    return Ok(unsafe { &*fresh });
                }
                Err(_) => {
                    // Another thread of this process rebuilt first: use theirs.
                    // SAFETY: `fresh` was never shared.
                    drop(unsafe { Box::from_raw(fresh) });
                }
            }
        }
    }
}

impl Drop for ProcessCell {
    fn drop(&mut self) {
        let current = *self.current.get_mut();
        // SAFETY: see `get`; no borrow of it outlives `self`.
        let state = unsafe { Box::from_raw(current) };
        if state.generation != generation() {
            // A child dropping a client it never used: the parent's threads are not here.
            keep_inherited(Box::into_raw(state));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state(generation: u64) -> PerProcess {
        PerProcess {
            generation,
            runtime: None,
            http: super::super::http::HttpSettings::from_config(&crate::Config::new(1, "k"))
                .unwrap()
                .build()
                .unwrap(),
            admin_sig: AdminSig::new(crate::usersig::Signer::new(1, "k"), "a", 60, None),
            pacer: None,
        }
    }

    #[test]
    fn a_state_from_another_process_is_replaced_once_and_kept() {
        let cell = ProcessCell::new(state(generation() + 1));
        let before = inherited_count();
        let rebuilt = cell
            .get(|inherited| {
                assert_eq!(inherited.generation, generation() + 1);
                Ok::<_, ()>(state(generation()))
            })
            .unwrap();
        assert_eq!(rebuilt.generation, generation());
        assert_eq!(inherited_count(), before + 1);
        let again = cell
            .get(|_| -> Result<PerProcess, ()> { panic!("built once") })
            .unwrap();
        assert!(std::ptr::eq(rebuilt, again));
    }
}
