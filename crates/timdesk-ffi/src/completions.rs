//! Calls that return at once and complete later: `timdesk_call_start`,
//! `timdesk_call_endpoint_start` and each typed endpoint's `timdesk_<endpoint>_start`
//! queue their outcome, with the caller's tag, on a `timdesk_completions` queue whose
//! descriptor becomes readable. A runtime with its own poller (Go's netpoller, an event
//! loop) waits on the descriptor instead of blocking a thread per call in flight.
//!
//! A call in flight can be cancelled by its tag (`timdesk_completions_cancel`): the queue
//! keeps each call's canceller until its outcome is queued, and whichever comes first,
//! the outcome or the cancel, takes the call's entry under one lock, so that a cancelled
//! call queues nothing and a finished one cannot be cancelled.

use std::collections::{HashMap, VecDeque};
use std::ffi::{CString, c_char};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use serde_json::{Value, json};
use timdesk::completion::CompletionQueue;
use timdesk::{Canceller, MsgStream, Paging, Step};
use timdesk_ffi_base::boundary::error_object;

use crate::boundary::{self, Failure, json, put, put_handle, string};
use crate::client::{
    Walk, cdr_query, client_ref, delete_request, message_request, timdesk_cdr_iter,
    timdesk_chat_message_iter, timdesk_client, timdesk_message, timdesk_transfer_options,
    transfer_request,
};
use crate::error::*;
use crate::stream::{stream_ref, timdesk_msg_stream};

/// A queue of finished calls. Its descriptor (timdesk_completions_fd) becomes readable when
/// a call finishes; then call timdesk_completions_next until it returns false. Each call
/// in flight on a queue has its own tag (a `_start` given a tag in flight already is
/// refused), by which it can be cancelled (timdesk_completions_cancel). Safe to share
/// between threads; free with timdesk_completions_free (calls still in flight then finish
/// unseen).
pub struct timdesk_completions {
    queue: Arc<Queue>,
    /// Taken from the queue, not yet handed out by timdesk_completions_next.
    taken: Mutex<VecDeque<Done>>,
    /// The calls started on this queue whose outcome is not queued yet.
    flights: Arc<Flights>,
}

type Queue = CompletionQueue<Done>;

/// One finished call.
struct Done {
    tag: u64,
    outcome: Result<CString, timdesk_error>,
}

/// The calls in flight on a queue, by tag.
#[derive(Default)]
struct Flights {
    calls: Mutex<HashMap<u64, Flight>>,
    /// Numbers the calls, so that a call whose tag was cancelled and reused by a later
    /// call never takes the later call's entry.
    next_id: AtomicU64,
}

/// A call in flight: its number and how far its start has come.
struct Flight {
    id: u64,
    state: FlightState,
}

enum FlightState {
    /// Its task is being spawned.
    Starting,
    /// Spawned: cancellable.
    Running(Canceller),
    /// Its task ended unfinished before its start was recorded (the client's I/O thread
    /// stopped): the starter queues the error.
    Stopped,
}

impl Flights {
    fn lock(&self) -> MutexGuard<'_, HashMap<u64, Flight>> {
        self.calls.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Records a call with `tag` as starting and returns its number; refuses a tag that is
    /// in flight already (a cancel by tag must name one call).
    fn begin(&self, tag: u64) -> Result<u64, Failure> {
        let mut calls = self.lock();
        if calls.contains_key(&tag) {
            return Err(Failure::invalid(
                "tag",
                format!(
                    "{tag} is in flight on this queue already: give each call in flight its own tag"
                ),
            ));
        }
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        calls.insert(
            tag,
            Flight {
                id,
                state: FlightState::Starting,
            },
        );
        Ok(id)
    }

    /// Takes call `id`'s entry out, whatever its state: true when it was there (the call
    /// was neither cancelled nor ended before).
    fn take(&self, tag: u64, id: u64) -> bool {
        let mut calls = self.lock();
        if calls.get(&tag).is_some_and(|f| f.id == id) {
            calls.remove(&tag);
            return true;
        }
        false
    }

    /// Cancels the call with `tag`: true when it was in flight, and so will queue nothing.
    fn cancel(&self, tag: u64) -> bool {
        let Some(flight) = self.lock().remove(&tag) else {
            return false;
        };
        if let FlightState::Running(canceller) = flight.state {
            canceller.cancel();
        }
        true
    }
}

/// A call's right to queue its outcome, moved into its task: it queues the outcome only
/// while the call is in flight (not cancelled), and if the task is dropped unfinished
/// (its time budget ran out, or the client's I/O thread stopped) it queues an error
/// saying so.
struct Ticket {
    flights: Arc<Flights>,
    queue: Arc<Queue>,
    tag: u64,
    id: u64,
    used: bool,
}

impl Ticket {
    /// Queues the call's outcome, unless it was cancelled.
    fn deliver(mut self, outcome: Result<CString, timdesk_error>) {
        self.used = true;
        if self.flights.take(self.tag, self.id) {
            self.queue.push(Done {
                tag: self.tag,
                outcome,
            });
        }
    }
}

/// The outcome of a call whose task ended before the call did.
fn stopped(tag: u64) -> Done {
    Done {
        tag,
        outcome: Err(error_object(Failure {
            status: TIMDESK_STATUS_TIMEOUT,
            kind: "timeout".to_owned(),
            code: 0,
            message: "the call stopped before it ended: its time budget ran out, or the \
                      client's I/O thread stopped"
                .to_owned(),
            retryable: true,
            maybe_applied: true,
        })),
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        if self.used {
            return;
        }
        let mut calls = self.flights.lock();
        let Some(flight) = calls.get_mut(&self.tag).filter(|f| f.id == self.id) else {
            return; // cancelled
        };
        match flight.state {
            FlightState::Running(_) => {
                calls.remove(&self.tag);
                drop(calls);
                self.queue.push(stopped(self.tag));
            }
            // The starter decides: it refuses the start, or queues the error.
            FlightState::Starting | FlightState::Stopped => flight.state = FlightState::Stopped,
        }
    }
}

fn completions_ref<'a>(
    completions: *const timdesk_completions,
) -> Result<&'a timdesk_completions, Failure> {
    // SAFETY: the caller passes NULL (refused) or a live queue.
    unsafe { completions.as_ref() }.ok_or_else(|| Failure::invalid("completions", "is NULL"))
}

/// A new completion queue in `*out_completions`.
///
/// # Safety
/// `out_completions` and `err` must be NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn timdesk_completions_new(
    out_completions: *mut *mut timdesk_completions,
    err: *mut *mut timdesk_error,
) -> timdesk_status {
    boundary::run(err, || {
        put_handle(
            out_completions,
            timdesk_completions {
                queue: Arc::new(Queue::new()?),
                taken: Mutex::new(VecDeque::new()),
                flights: Arc::default(),
            },
        );
        Ok(())
    })
}

/// The descriptor that becomes readable when calls finish (non-blocking; owned by the
/// queue: do not close it). -1 for NULL.
///
/// # Safety
/// `completions` must be NULL or a live queue.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn timdesk_completions_fd(completions: *const timdesk_completions) -> i32 {
    boundary::quiet(-1, || {
        completions_ref(completions).map_or(-1, |c| c.queue.fd())
    })
}

/// Takes the next finished call: true with `*out_tag` (the tag given when it started), its
/// status, and on success `*out_answer_json` (free with timdesk_string_free) or on failure
/// `*out_error` (free with timdesk_error_free); false when none is waiting. Every out
/// parameter may be NULL (that result is discarded). Once the descriptor is readable, call
/// it until it returns false: it consumes the wake-up, and a call finishing meanwhile
/// makes the descriptor readable again. It may also be readable with nothing waiting (a
/// wake-up that outlived its calls): then the first call returns false.
///
/// # Safety
/// `completions` must be NULL or a live queue; out parameters NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn timdesk_completions_next(
    completions: *const timdesk_completions,
    out_tag: *mut u64,
    out_status: *mut timdesk_status,
    out_answer_json: *mut *mut c_char,
    out_error: *mut *mut timdesk_error,
) -> bool {
    boundary::quiet(false, || {
        let Ok(completions) = completions_ref(completions) else {
            return false;
        };
        let mut taken = completions.taken.lock().unwrap_or_else(|p| p.into_inner());
        if taken.is_empty() {
            taken.extend(completions.queue.take_all());
        }
        let Some(done) = taken.pop_front() else {
            return false;
        };
        drop(taken);
        put(out_tag, done.tag);
        match done.outcome {
            Ok(answer) => {
                put(out_status, TIMDESK_STATUS_OK);
                if !out_answer_json.is_null() {
                    // SAFETY: checked non-NULL; the caller passes a writable pointer.
                    unsafe { *out_answer_json = answer.into_raw() };
                }
            }
            Err(error) => {
                put(out_status, error.status);
                if !out_error.is_null() {
                    // SAFETY: checked non-NULL; the caller passes a writable pointer.
                    unsafe { *out_error = Box::into_raw(Box::new(error)) };
                }
            }
        }
        true
    })
}

/// Cancels the call started on `completions` with `tag`: its request is aborted in the
/// library (its connection closed, the client staying usable) and no outcome is queued for
/// it. True when the call was in flight and is cancelled; false when no call with `tag` is
/// in flight on the queue (it finished, and its outcome is queued or being queued; it was
/// cancelled already; it never started), or `completions` is NULL. So every started call
/// gives exactly one of: its outcome from timdesk_completions_next, or true here.
///
/// A request already sent may still take effect on the server. A cancelled page step
/// (timdesk_*_iter_next_page_start) leaves its iterator where it was: the next step
/// fetches the same page, once the cancelled one has been dropped on the client's I/O
/// thread (a step started at once after cancelling may be refused as still under way;
/// start it again). A cancelled stream step (timdesk_msg_stream_push_start,
/// _finish_start) ends the stream: later calls on it are refused.
///
/// # Safety
/// `completions` must be NULL or a live queue.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn timdesk_completions_cancel(
    completions: *const timdesk_completions,
    tag: u64,
) -> bool {
    boundary::quiet(false, || {
        completions_ref(completions).is_ok_and(|c| c.flights.cancel(tag))
    })
}

/// Frees a queue. NULL is a no-op.
///
/// # Safety
/// `completions` must be NULL or a queue from this library not freed before.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn timdesk_completions_free(completions: *mut timdesk_completions) {
    // SAFETY: the caller passes NULL or a handle from this library not freed before.
    unsafe { boundary::free_handle(completions) }
}

/// Records a call with `tag` in flight on `completions`, to be started with
/// [`Started::run`]; dropped unstarted, it leaves the queue again. Refuses a NULL queue and
/// a tag in flight on it already.
pub(crate) fn begin(completions: *const timdesk_completions, tag: u64) -> Result<Started, Failure> {
    let completions = completions_ref(completions)?;
    let flights = Arc::clone(&completions.flights);
    let id = flights.begin(tag)?;
    Ok(Started {
        ticket: Some(Ticket {
            flights,
            queue: Arc::clone(&completions.queue),
            tag,
            id,
            used: false,
        }),
    })
}

/// A call recorded in flight and not started yet (see [`begin`]).
pub(crate) struct Started {
    ticket: Option<Ticket>,
}

impl Started {
    /// Starts the call on the client's I/O thread; its outcome, the answer as JSON, is
    /// queued with its tag unless it is cancelled first. The common part of every
    /// `_start` function, whose arguments are all read before this.
    pub(crate) fn run<F, Fut>(mut self, client: &timdesk::Client, call: F) -> Result<(), Failure>
    where
        F: FnOnce(timdesk::AsyncClient) -> Fut,
        Fut: Future<Output = timdesk::Result<Value>> + Send + 'static,
    {
        let Some(ticket) = self.ticket.take() else {
            return Ok(());
        };
        let (flights, queue) = (Arc::clone(&ticket.flights), Arc::clone(&ticket.queue));
        let (tag, id) = (ticket.tag, ticket.id);
        let started = client.start(move |c| {
            let work = call(c);
            async move {
                let outcome = match work.await {
                    Ok(answer) => CString::new(answer.to_string()).map_err(|_| {
                        error_object(Failure::other(
                            TIMDESK_STATUS_BAD_RESPONSE,
                            "bad_response",
                            "the answer holds a NUL byte",
                        ))
                    }),
                    Err(e) => Err(error_object(Failure::from(e))),
                };
                ticket.deliver(outcome);
                Ok(())
            }
        });
        let canceller = match started {
            Ok(pending) => pending.detach(),
            Err(e) => {
                // Refused: the call leaves the queue without an outcome.
                flights.take(tag, id);
                return Err(e.into());
            }
        };
        let mut calls = flights.lock();
        match calls.get_mut(&tag).filter(|f| f.id == id) {
            Some(Flight {
                state: FlightState::Stopped,
                ..
            }) => {
                calls.remove(&tag);
                drop(calls);
                queue.push(stopped(tag));
            }
            Some(flight) => flight.state = FlightState::Running(canceller),
            // Cancelled while it started (or finished already, when this does nothing).
            None => {
                drop(calls);
                canceller.cancel();
            }
        }
        Ok(())
    }
}

impl Drop for Started {
    fn drop(&mut self) {
        if let Some(ticket) = &mut self.ticket {
            ticket.used = true;
            ticket.flights.take(ticket.tag, ticket.id);
        }
    }
}

/// Starts `call` with `tag` on `completions` (see [`begin`] and [`Started::run`]).
pub(crate) fn start<F, Fut>(
    client: &timdesk::Client,
    completions: *const timdesk_completions,
    tag: u64,
    call: F,
) -> Result<(), Failure>
where
    F: FnOnce(timdesk::AsyncClient) -> Fut,
    Fut: Future<Output = timdesk::Result<Value>> + Send + 'static,
{
    begin(completions, tag)?.run(client, call)
}

/// timdesk_call, returning at once: the outcome (the answer JSON or the error) is queued
/// on `completions` with `tag`. Arguments are checked here, before anything is sent.
///
/// # Safety
/// Pointers must be NULL or valid as described in timdesk.h's conventions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn timdesk_call_start(
    client: *const timdesk_client,
    path: *const c_char,
    body_json: *const c_char,
    idempotent: bool,
    completions: *const timdesk_completions,
    tag: u64,
    err: *mut *mut timdesk_error,
) -> timdesk_status {
    boundary::run(err, || {
        let client = client_ref(client)?;
        let path = string(path, "path")?.to_owned();
        let body = json(body_json, "body_json")?;
        start(client, completions, tag, move |c| async move {
            if idempotent {
                c.call_idempotent(&path, &body).await
            } else {
                c.call(&path, &body).await
            }
        })
    })
}

/// timdesk_call_endpoint, returning at once: the outcome is queued on `completions` with
/// `tag`. The name and the JSON are checked here; the body is checked against the model
/// before anything is sent, and a refusal arrives as the call's outcome.
///
/// # Safety
/// Pointers must be NULL or valid as described in timdesk.h's conventions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn timdesk_call_endpoint_start(
    client: *const timdesk_client,
    name: *const c_char,
    body_json: *const c_char,
    completions: *const timdesk_completions,
    tag: u64,
    err: *mut *mut timdesk_error,
) -> timdesk_status {
    boundary::run(err, || {
        let client = client_ref(client)?;
        let name = string(name, "name")?.to_owned();
        let body = json(body_json, "body_json")?;
        start(client, completions, tag, move |c| async move {
            c.call_endpoint(&name, &body).await
        })
    })
}

/// timdesk_transfer_to_human, returning at once: the outcome is queued on `completions`
/// with `tag`, on success as {"AgentId": "...", "IsInQueue": bool} (the wire's names).
/// Arguments that cannot be read are refused here; the rest are checked before anything
/// is sent, a refusal arriving as the call's outcome. Strings and bodies are copied: the
/// caller may free them once this returns.
///
/// # Safety
/// Pointers must be NULL or valid as described in timdesk.h's conventions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn timdesk_transfer_to_human_start(
    client: *const timdesk_client,
    session_id: *const c_char,
    options: *const timdesk_transfer_options,
    completions: *const timdesk_completions,
    tag: u64,
    err: *mut *mut timdesk_error,
) -> timdesk_status {
    boundary::run(err, || {
        let client = client_ref(client)?;
        let request = transfer_request(session_id, options)?;
        start(client, completions, tag, move |c| async move {
            let transfer = c.transfer_to_human(&request).await?;
            Ok(json!({"AgentId": transfer.agent_id, "IsInQueue": transfer.in_queue}))
        })
    })
}

/// timdesk_send_msg, returning at once: the outcome is queued on `completions` with
/// `tag`, on success as {"MsgRandom": n}.
/// Arguments that cannot be read are refused here; the rest are checked before anything
/// is sent, a refusal arriving as the call's outcome. Strings and bodies are copied: the
/// caller may free them once this returns.
///
/// # Safety
/// Pointers must be NULL or valid as described in timdesk.h's conventions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn timdesk_send_msg_start(
    client: *const timdesk_client,
    message: *const timdesk_message,
    completions: *const timdesk_completions,
    tag: u64,
    err: *mut *mut timdesk_error,
) -> timdesk_status {
    boundary::run(err, || {
        let client = client_ref(client)?;
        let request = message_request(message)?;
        start(client, completions, tag, move |c| async move {
            let sent = c.send_msg(&request).await?;
            Ok(json!({"MsgRandom": sent.msg_random}))
        })
    })
}

/// timdesk_end_session, returning at once: the outcome is queued on `completions` with
/// `tag`, on success as {}.
/// Arguments that cannot be read are refused here; the rest are checked before anything
/// is sent, a refusal arriving as the call's outcome. Strings and bodies are copied: the
/// caller may free them once this returns.
///
/// # Safety
/// Pointers must be NULL or valid as described in timdesk.h's conventions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn timdesk_end_session_start(
    client: *const timdesk_client,
    session_id: *const c_char,
    completions: *const timdesk_completions,
    tag: u64,
    err: *mut *mut timdesk_error,
) -> timdesk_status {
    boundary::run(err, || {
        let client = client_ref(client)?;
        let session_id = string(session_id, "session_id")?.to_owned();
        start(client, completions, tag, move |c| async move {
            c.end_session(&session_id).await.map(|()| json!({}))
        })
    })
}

/// timdesk_describe_im_cdr_list, returning at once: the outcome is queued on
/// `completions` with `tag`, on success as the page's JSON (as timdesk_describe_im_cdr_list
/// gives it).
/// Arguments that cannot be read are refused here; the rest are checked before anything
/// is sent, a refusal arriving as the call's outcome. Strings and bodies are copied: the
/// caller may free them once this returns.
///
/// # Safety
/// Pointers must be NULL or valid as described in timdesk.h's conventions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn timdesk_describe_im_cdr_list_start(
    client: *const timdesk_client,
    start: u64,
    end: u64,
    limit: u32,
    offset: u32,
    client_user_id: *const c_char,
    completions: *const timdesk_completions,
    tag: u64,
    err: *mut *mut timdesk_error,
) -> timdesk_status {
    boundary::run(err, || {
        let client = client_ref(client)?;
        let query = cdr_query(start, end, limit, offset, client_user_id)?;
        // `start` here is the window's start; the function is this module's.
        self::start(client, completions, tag, move |c| async move {
            c.describe_im_cdr_list(&query)
                .await
                .map(|page| page.to_json())
        })
    })
}

/// timdesk_delete_recent_contact, returning at once: the outcome is queued on
/// `completions` with `tag`, on success as {}.
/// Arguments that cannot be read are refused here; the rest are checked before anything
/// is sent, a refusal arriving as the call's outcome. Strings and bodies are copied: the
/// caller may free them once this returns.
///
/// # Safety
/// Pointers must be NULL or valid as described in timdesk.h's conventions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn timdesk_delete_recent_contact_start(
    client: *const timdesk_client,
    from_account: *const c_char,
    to_account: *const c_char,
    to_group: *const c_char,
    clear_roaming: bool,
    completions: *const timdesk_completions,
    tag: u64,
    err: *mut *mut timdesk_error,
) -> timdesk_status {
    boundary::run(err, || {
        let client = client_ref(client)?;
        let request = delete_request(from_account, to_account, to_group, clear_roaming)?;
        start(client, completions, tag, move |c| async move {
            c.delete_recent_contact(&request).await.map(|()| json!({}))
        })
    })
}

/// timdesk_cdr_iter_next, returning at once and a page at a time: the next records are
/// queued on `completions` with `tag` as a JSON array, those fetched already or else the
/// next page's; `[]` when the walk is over. An error ends the walk. One step at a time per
/// iterator: another step (this or timdesk_cdr_iter_next) while one is under way is
/// refused.
///
/// # Safety
/// Pointers must be NULL or valid as described in timdesk.h's conventions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn timdesk_cdr_iter_next_page_start(
    iter: *mut timdesk_cdr_iter,
    completions: *const timdesk_completions,
    tag: u64,
    err: *mut *mut timdesk_error,
) -> timdesk_status {
    boundary::run(err, || {
        // SAFETY: the caller passes NULL or a live iterator.
        let walk = unsafe { iter.as_ref() }.map(|iter| &iter.inner);
        next_page_start(walk, completions, tag, |record| record.to_json())
    })
}

/// timdesk_chat_message_iter_next, returning at once and a page at a time: the next
/// messages are queued on `completions` with `tag` as a JSON array, as
/// timdesk_cdr_iter_next_page_start does for records.
///
/// # Safety
/// Pointers must be NULL or valid as described in timdesk.h's conventions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn timdesk_chat_message_iter_next_page_start(
    iter: *mut timdesk_chat_message_iter,
    completions: *const timdesk_completions,
    tag: u64,
    err: *mut *mut timdesk_error,
) -> timdesk_status {
    boundary::run(err, || {
        // SAFETY: the caller passes NULL or a live iterator.
        let walk = unsafe { iter.as_ref() }.map(|iter| &iter.inner);
        next_page_start(walk, completions, tag, |message| message)
    })
}

/// Starts the next step of `walk` on the I/O thread: its items fetched already, or else
/// the next page fetched, queued as a JSON array (`[]` at the end). The step is taken
/// there, so that a start refused here takes nothing from the walk.
fn next_page_start<P: Paging>(
    walk: Option<&Walk<P>>,
    completions: *const timdesk_completions,
    tag: u64,
    to_json: fn(P::Item) -> Value,
) -> Result<(), Failure> {
    let walk = walk.ok_or_else(|| Failure::invalid("iter", "is NULL"))?;
    let call = begin(completions, tag)?;
    let client = walk
        .iter
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .client()
        .clone();
    walk.claim()?;
    let (iter, busy) = (Arc::clone(&walk.iter), Arc::clone(&walk.busy));
    let started = call.run(&client, move |c| async move {
        // Frees the walk for its next step however this ends, even dropped unfinished
        // (after a fork, say), and before the outcome is queued.
        let _release = Release(busy);
        let step = iter.lock().unwrap_or_else(|p| p.into_inner()).step();
        let items = match step {
            Step::Items(items) => Ok(items),
            Step::Done => Ok(Vec::new()),
            Step::Fetch(request) => {
                let page = P::fetch(c, request).await;
                iter.lock().unwrap_or_else(|p| p.into_inner()).accept(page)
            }
        };
        items.map(|items| Value::Array(items.into_iter().map(to_json).collect()))
    });
    if started.is_err() {
        walk.busy.store(false, Ordering::Release);
    }
    started
}

/// Clears a walk's busy flag when dropped.
struct Release(Arc<AtomicBool>);

impl Drop for Release {
    fn drop(&mut self) {
        self.0.store(false, Ordering::Release);
    }
}

/// timdesk_msg_stream_push, returning at once: the outcome is queued on `completions` with
/// `tag`, on success as {}. The chunk is copied. One call at a time per stream: another
/// (this, timdesk_msg_stream_push or _finish, or their `_start` twins) while one is under
/// way is refused.
///
/// # Safety
/// Pointers must be NULL or valid as described in timdesk.h's conventions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn timdesk_msg_stream_push_start(
    stream: *mut timdesk_msg_stream,
    chunk: *const c_char,
    completions: *const timdesk_completions,
    tag: u64,
    err: *mut *mut timdesk_error,
) -> timdesk_status {
    boundary::run(err, || {
        let chunk = string(chunk, "chunk")?.to_owned();
        stream_start(stream, completions, tag, move |mut s| async move {
            let result = s.push(chunk).await;
            (s, result.map(|()| json!({})))
        })
    })
}

/// timdesk_msg_stream_finish, returning at once: the outcome is queued on `completions`
/// with `tag`, on success as {"MsgKey": "..."}. One call at a time per stream, as for
/// timdesk_msg_stream_push_start.
///
/// # Safety
/// Pointers must be NULL or valid as described in timdesk.h's conventions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn timdesk_msg_stream_finish_start(
    stream: *mut timdesk_msg_stream,
    completions: *const timdesk_completions,
    tag: u64,
    err: *mut *mut timdesk_error,
) -> timdesk_status {
    boundary::run(err, || {
        stream_start(stream, completions, tag, |mut s| async move {
            let result = s.finish().await;
            (s, result.map(|key| json!({"MsgKey": key})))
        })
    })
}

/// Runs `step` on the stream on the I/O thread, gives the stream back to its handle and
/// queues the outcome.
fn stream_start<F, Fut>(
    stream: *mut timdesk_msg_stream,
    completions: *const timdesk_completions,
    tag: u64,
    step: F,
) -> Result<(), Failure>
where
    F: FnOnce(MsgStream) -> Fut + Send + 'static,
    Fut: Future<Output = (MsgStream, timdesk::Result<Value>)> + Send + 'static,
{
    let handle = stream_ref(stream)?;
    let call = begin(completions, tag)?;
    let (client, taken) = {
        let mut inner = handle.inner.lock().unwrap_or_else(|p| p.into_inner());
        (inner.client().clone(), inner.take()?)
    };
    let shared = Arc::clone(&handle.inner);
    call.run(&client, move |_| async move {
        let (taken, result) = step(taken).await;
        shared
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .restore(taken);
        result
    })
}
