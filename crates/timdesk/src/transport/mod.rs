//! Signed requests: the URL and query string, one attempt over HTTP, and the retry loop.
//! Split by concern: [`http`] makes one exchange, [`answer`] reads its answer, [`retry`]
//! decides what follows a failure, [`admin_sig`] caches the administrator UserSig,
//! [`pacer`] spaces requests, and [`process`] holds what must be rebuilt in a forked
//! child.

mod admin_sig;
pub(crate) mod answer;
mod http;
mod pacer;
mod process;
pub(crate) mod retry;

use std::cell::Cell;
use std::fmt::Write as _;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::Value;

use self::admin_sig::AdminSig;
use self::http::HttpSettings;
use self::pacer::Pacer;
use self::process::{PerProcess, ProcessCell};
pub(crate) use self::retry::RetryRule;
use self::retry::{Failure, Next, Progress, decide};
use crate::codes::ErrorKind;
use crate::config::{Config, Event, EventHook, RetryPolicy};
use crate::error::{Error, Result};
use crate::pending::{Pending, Slot};
use crate::usersig::{Signer, unix_now};

/// Sends signed requests for one application.
pub(crate) struct Transport {
    base_urls: Vec<String>,
    /// Per host, the fixed parts of every request's URL, parsed once: a request appends
    /// its path, UserSig and random without parsing the URL again (parsing the
    /// ~300-character URL was 9% of a call's CPU).
    request_urls: Vec<RequestUrl>,
    admin: String,
    signer: Signer,
    usersig_ttl: u64,
    retry: RetryPolicy,
    budget: Duration,
    on_event: Option<EventHook>,
    max_requests_per_second: Option<u32>,
    http: HttpSettings,
    process: ProcessCell,
    options: serde_json::Map<String, Value>,
}

impl Transport {
    pub(crate) fn new(config: &Config) -> Result<Arc<Self>> {
        config.validate()?;
        let http = HttpSettings::from_config(config)?;
        let signer = Signer::new(config.sdkappid, &config.secret_key);
        let usersig_ttl = config.usersig_ttl.as_secs();
        let first = Self::per_process(
            &http,
            AdminSig::new(signer.clone(), &config.admin, usersig_ttl, None),
            config.max_requests_per_second,
        )?;
        let base_urls = config.base_urls();
        let request_urls = base_urls
            .iter()
            .map(|base| RequestUrl::new(base, config.sdkappid, &config.admin))
            .collect::<Result<_>>()?;
        Ok(Arc::new(Self {
            base_urls,
            request_urls,
            admin: config.admin.clone(),
            signer,
            usersig_ttl,
            retry: config.retry,
            budget: config.call_budget(),
            on_event: config.on_event.clone(),
            max_requests_per_second: config.max_requests_per_second,
            http,
            process: ProcessCell::new(first),
            options: config.options(),
        }))
    }

    fn per_process(
        http: &HttpSettings,
        admin_sig: AdminSig,
        max_requests_per_second: Option<u32>,
    ) -> Result<PerProcess> {
        process::count_forks().map_err(|e| {
            Error::local(
                ErrorKind::Network,
                format!("cannot register the client's fork handler: {e}"),
                false,
            )
        })?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("timdesk-io")
            // Completions wake their takers as the worker parks, and as it stops: a
            // client dropped right after a round of work still delivers that round.
            .on_thread_park(crate::completion::flush_deferred_wakes)
            .on_thread_stop(crate::completion::flush_deferred_wakes)
            .enable_all()
            .build()
            .map_err(|e| {
                Error::local(
                    ErrorKind::Network,
                    format!("cannot start the client's I/O thread: {e}"),
                    false,
                )
            })?;
        Ok(PerProcess {
            generation: process::generation(),
            runtime: Some(runtime),
            http: http.build()?,
            admin_sig,
            pacer: max_requests_per_second.map(Pacer::new),
        })
    }

    /// This process's I/O state, rebuilt on the first call after a fork; the cached
    /// UserSig carries over.
    fn here(&self) -> Result<&PerProcess> {
        self.process.get(|inherited| {
            let seed = inherited.admin_sig.snapshot();
            Self::per_process(
                &self.http,
                AdminSig::new(self.signer.clone(), &self.admin, self.usersig_ttl, seed),
                self.max_requests_per_second,
            )
        })
    }

    pub(crate) fn base_url(&self) -> &str {
        &self.base_urls[0]
    }

    /// The options the client was made with (see [`Config::options`]).
    pub(crate) fn options(&self) -> &serde_json::Map<String, Value> {
        &self.options
    }

    /// Whether the calling code runs on this client's I/O thread.
    pub(crate) fn on_io_thread(&self) -> bool {
        let Ok(current) = tokio::runtime::Handle::try_current() else {
            return false;
        };
        self.here()
            .is_ok_and(|here| here.handle().id() == current.id())
    }

    /// Runs `future` on the I/O thread within the call budget.
    pub(crate) fn spawn<T, F>(&self, future: F) -> Result<Pending<T>>
    where
        T: Send + 'static,
        F: Future<Output = Result<T>> + Send + 'static,
    {
        let here = self.here()?;
        let slot = Slot::new();
        let filled = slot.clone();
        let budget = self.budget;
        // A call's future is over a kilobyte and tokio moves a task's state several times
        // (into its cell, into the timeout, out as its output): boxed, each move is a
        // pointer (memmove was 13% of the I/O thread's CPU before).
        let future = Box::pin(future);
        let task = here.handle().spawn(async move {
            let result = match tokio::time::timeout(budget, future).await {
                Ok(result) => result,
                Err(_) => Err(Error::local(
                    ErrorKind::Timeout,
                    format!("the call did not end within its budget of {budget:?}"),
                    true,
                )
                .mark_maybe_applied()),
            };
            filled.fill(result);
        });
        let deadline = Instant::now() + budget + Duration::from_secs(1);
        Ok(Pending::new(slot, task.abort_handle(), deadline))
    }

    /// Sends `body` to `/v4/{path}` under `rule`, returning the answer's JSON object.
    /// Runs on the I/O thread.
    pub(crate) async fn execute(
        &self,
        path: &str,
        body: Vec<u8>,
        rule: RetryRule,
    ) -> Result<Value> {
        let here = self.here()?;
        let body = bytes::Bytes::from(body);
        let started = Instant::now();
        let mut progress = Progress::default();
        let mut host = 0;
        loop {
            progress.attempts += 1;
            let sig = here
                .admin_sig
                .current_at(unix_now(), self.on_event.as_ref());
            if let Some(pacer) = &here.pacer {
                pacer.wait().await;
            }
            let failure = match self.attempt(here, host, path, body.clone(), &sig).await {
                Ok(answer) => return Ok(answer),
                Err(failure) => failure,
            };
            match decide(
                failure,
                rule,
                &self.retry,
                &mut progress,
                started.elapsed(),
                jitter(),
            ) {
                Next::Fail(error) => return Err(error),
                Next::Renew => {
                    here.admin_sig.invalidate();
                    emit(
                        self.on_event.as_ref(),
                        &Event::UserSigRenewed { reason: "rejected" },
                    );
                }
                Next::Retry {
                    delay,
                    error,
                    other_host,
                } => {
                    if other_host {
                        host = (host + 1) % self.base_urls.len();
                    }
                    emit(
                        self.on_event.as_ref(),
                        &Event::Retry {
                            path: path.to_owned(),
                            attempt: progress.attempts,
                            delay,
                            error,
                        },
                    );
                    tokio::time::sleep(delay).await;
                }
            }
        }
    }

    async fn attempt(
        &self,
        here: &PerProcess,
        host: usize,
        path: &str,
        body: bytes::Bytes,
        sig: &str,
    ) -> Result<Value, Failure> {
        let uri = self.request_urls[host].with(path, sig, random_u32())?;
        let answer = here.http.post(uri, body, sig).await?;
        answer::parse(answer.status, &answer.content_type, &answer.body)
    }
}

/// The fixed parts of one host's request URLs.
struct RequestUrl {
    /// `{base}/v4/`, normalized.
    prefix: String,
    /// `sdkappid=…&identifier=…&contenttype=json`, encoded.
    query: String,
}

impl RequestUrl {
    fn new(base: &str, sdkappid: u64, admin: &str) -> Result<Self> {
        // Config::validate has parsed every base URL already.
        let prefix = url::Url::parse(&format!("{base}/v4/")).map_err(|e| {
            Error::invalid_argument("endpoint", format!("{base:?} is not a URL: {e}"))
        })?;
        let query = form_urlencoded::Serializer::new(String::new())
            .append_pair("sdkappid", &sdkappid.to_string())
            .append_pair("identifier", admin)
            .append_pair("contenttype", "json")
            .finish();
        Ok(Self {
            prefix: prefix.into(),
            query,
        })
    }

    /// The URL of one request: `/v4/{path}` (a checked `service/command`), the UserSig and
    /// the random appended, encoded as they go.
    fn with(&self, path: &str, sig: &str, random: u32) -> Result<hyper::Uri, Failure> {
        let mut url = String::with_capacity(
            self.prefix.len() + path.len() + self.query.len() + sig.len() + 32,
        );
        url.push_str(&self.prefix);
        url.push_str(path);
        url.push('?');
        url.push_str(&self.query);
        url.push_str("&usersig=");
        // A Signer's UserSig needs no encoding (letters, digits, `*`, `-`, `_`): copied
        // whole instead of byte by byte.
        if sig
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'*' | b'-' | b'_'))
        {
            url.push_str(sig);
        } else {
            url.extend(form_urlencoded::byte_serialize(sig.as_bytes()));
        }
        url.push_str("&random=");
        // Writing to a String cannot fail.
        let _ = write!(url, "{random}");
        hyper::Uri::try_from(url).map_err(|e| {
            Failure::NotSent(Error::local(
                ErrorKind::InvalidArgument,
                format!("cannot make the request's URL: {e}"),
                false,
            ))
        })
    }
}

fn emit(hook: Option<&EventHook>, event: &Event) {
    if let Some(hook) = hook {
        hook(event);
    }
}

/// [`answer::parse`] with the failure flattened, for the fuzz targets.
#[cfg(feature = "fuzzing")]
pub fn parse_answer_for_fuzzing(status: u16, content_type: &str, bytes: &[u8]) -> Result<Value> {
    answer::parse(status, content_type, bytes).map_err(|f| match f {
        Failure::NotSent(e) | Failure::Refused(e) | Failure::AnswerLost(e) => e,
    })
}

/// A random u32 (a request's `random`, a MsgRandom): wyrand over a per-thread state seeded
/// from the operating system. A forked child's copy of the forking thread's state is its
/// parent's, so a new fork generation seeds it again: parent and child must not draw the
/// same MsgRandoms. (Asking the OS every time was a `getrandom` system call per request.)
pub(crate) fn random_u32() -> u32 {
    thread_local! {
        /// The fork generation the state was seeded in, and the state.
        static STATE: Cell<Option<(u64, u64)>> = const { Cell::new(None) };
    }
    STATE.with(|cell| {
        let generation = process::generation();
        let state = match cell.get() {
            Some((seeded_in, state)) if seeded_in == generation => state,
            _ => os_seed(),
        }
        .wrapping_add(0xa076_1d64_78bd_642f);
        cell.set(Some((generation, state)));
        let product = u128::from(state) * u128::from(state ^ 0xe703_7ed1_a0b4_28db);
        ((product >> 64) as u64 ^ product as u64) as u32
    })
}

/// 64 random bits from the operating system; without OS randomness, a hash of a counter
/// under std's randomly keyed hasher.
fn os_seed() -> u64 {
    getrandom::u64().unwrap_or_else(|_| {
        use std::hash::{BuildHasher, Hasher};
        static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u64(COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed));
        h.finish()
    })
}

fn jitter() -> f64 {
    f64::from(random_u32()) / (f64::from(u32::MAX) + 1.0)
}

#[cfg(test)]
mod tests {
    use super::{RequestUrl, random_u32};

    #[test]
    fn a_request_url_keeps_the_base_path_and_encodes_what_it_appends() {
        let base =
            RequestUrl::new("https://example.com/prefix", 1_400_000_000, "admin user").unwrap();
        let url = base.with("desk_http_svc/send_msg", "eJw*-_AB", 42).unwrap();
        assert_eq!(
            url.to_string(),
            "https://example.com/prefix/v4/desk_http_svc/send_msg?sdkappid=1400000000\
             &identifier=admin+user&contenttype=json&usersig=eJw*-_AB&random=42"
        );
        // The url crate reads the same URL back: what was appended was encoded properly.
        assert_eq!(
            url::Url::parse(&url.to_string()).unwrap().as_str(),
            url.to_string()
        );
        let root = RequestUrl::new("http://127.0.0.1:9", 1, "a").unwrap();
        assert_eq!(
            root.with("recentcontact/delete", "s", 7)
                .unwrap()
                .to_string(),
            "http://127.0.0.1:9/v4/recentcontact/delete?sdkappid=1&identifier=a&contenttype=json&usersig=s&random=7"
        );
        // A UserSig with characters a query must encode (never made by a Signer) stays one
        // parameter.
        let odd = root.with("a/b", "x&y=z +", 1).unwrap().to_string();
        assert!(odd.contains("&usersig=x%26y%3Dz+%2B&random=1"), "{odd}");
    }

    #[test]
    fn draws_differ_between_threads_and_calls() {
        let here: Vec<u32> = (0..64).map(|_| random_u32()).collect();
        let there = std::thread::spawn(|| (0..64).map(|_| random_u32()).collect::<Vec<_>>())
            .join()
            .unwrap();
        let mut all = [here, there].concat();
        all.sort_unstable();
        all.dedup();
        // 128 draws of 32 bits: a repeat has a chance of about 2e-6.
        assert!(all.len() >= 127, "{} distinct of 128", all.len());
    }

    /// The child's copy of this thread's generator is the parent's: without reseeding,
    /// both would draw the same MsgRandoms (checked: this fails without it).
    #[cfg(unix)]
    #[test]
    fn a_forked_child_draws_other_randoms_than_its_parent() {
        // As a client does before its first call.
        super::process::count_forks().unwrap();
        let _ = random_u32();
        let mut fds = [0; 2];
        // SAFETY: a two-descriptor array for pipe(2).
        assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0);
        // SAFETY: the child only draws numbers (no lock, no allocation), writes them to the
        // pipe and leaves with _exit.
        let pid = unsafe { libc::fork() };
        assert!(pid >= 0);
        if pid == 0 {
            let mut bytes = [0u8; 16];
            for chunk in bytes.chunks_exact_mut(4) {
                chunk.copy_from_slice(&random_u32().to_le_bytes());
            }
            // SAFETY: writes the local buffer, then ends the child without unwinding.
            unsafe {
                libc::write(fds[1], bytes.as_ptr().cast(), bytes.len());
                libc::_exit(0);
            }
        }
        let mut parent = [0u8; 16];
        for chunk in parent.chunks_exact_mut(4) {
            chunk.copy_from_slice(&random_u32().to_le_bytes());
        }
        let mut child = [0u8; 16];
        // SAFETY: reads into the local buffer; waits for the child it forked.
        unsafe {
            assert_eq!(libc::read(fds[0], child.as_mut_ptr().cast(), 16), 16);
            libc::waitpid(pid, std::ptr::null_mut(), 0);
            libc::close(fds[0]);
            libc::close(fds[1]);
        }
        assert_ne!(parent, child);
    }
}
