//! `libtimdesk_testing`: the built-in emulator of the server, in-process, for the test
//! suites of C, C++ and Go programs (`timdesk_testing.h`). Applications link `libtimdesk`
//! only, which holds no server code; a test links both. Errors are the client library's
//! `timdesk_error` (freed with `timdesk_error_free`).
#![allow(non_camel_case_types)]

use std::ffi::{CString, c_char};
use std::sync::OnceLock;

use ::timdesk_emulator as emu;
use emu::{AppConfig, EmulatorConfig};
use timdesk_ffi_base::boundary::{self, Failure, optional_string, put_handle, put_string, string};
use timdesk_ffi_base::*;

/// A running emulator on 127.0.0.1; timdesk_emulator_free stops it.
pub struct timdesk_emulator {
    inner: emu::Emulator,
    base_url: CString,
    secret_key: CString,
    admin: CString,
}

fn emulator_ref<'a>(emulator: *const timdesk_emulator) -> Option<&'a timdesk_emulator> {
    // SAFETY: the caller passes NULL or a live emulator.
    unsafe { emulator.as_ref() }
}

/// Starts an emulator on 127.0.0.1:`port` (0 picks a free port). `sdkappid` 0 and NULL
/// strings take the built-in app (1400000000, "timdesk-emulator-secret", "administrator").
///
/// # Safety
/// Pointers must be NULL or valid as described in timdesk.h's conventions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn timdesk_emulator_start(
    sdkappid: u64,
    secret_key: *const c_char,
    admin: *const c_char,
    port: u16,
    out_emulator: *mut *mut timdesk_emulator,
    err: *mut *mut timdesk_error,
) -> timdesk_status {
    boundary::run(err, || {
        let defaults = AppConfig::default();
        let app = AppConfig {
            sdkappid: if sdkappid == 0 {
                defaults.sdkappid
            } else {
                sdkappid
            },
            secret_key: optional_string(secret_key, "secret_key")?
                .map_or(defaults.secret_key, str::to_owned),
            admin: optional_string(admin, "admin")?.map_or(defaults.admin, str::to_owned),
        };
        let inner = emu::Emulator::start(EmulatorConfig {
            app,
            port,
            ..EmulatorConfig::default()
        })
        .map_err(|e| {
            Failure::other(
                TIMDESK_STATUS_EMULATOR,
                "emulator",
                format!("cannot start the emulator: {e}"),
            )
        })?;
        let text = |s: &str| {
            CString::new(s).map_err(|_| Failure::invalid("secret_key", "holds a NUL byte"))
        };
        let emulator = timdesk_emulator {
            base_url: text(inner.base_url())?,
            secret_key: text(&inner.app().secret_key)?,
            admin: text(&inner.app().admin)?,
            inner,
        };
        put_handle(out_emulator, emulator);
        Ok(())
    })
}

/// The base URL to give a client (owned by the emulator). "" for NULL.
///
/// # Safety
/// `emulator` must be NULL or a live emulator.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn timdesk_emulator_base_url(
    emulator: *const timdesk_emulator,
) -> *const c_char {
    boundary::quiet(c"".as_ptr(), || {
        emulator_ref(emulator).map_or(c"".as_ptr(), |e| e.base_url.as_ptr())
    })
}

/// The emulated SDKAppID (0 for NULL).
///
/// # Safety
/// `emulator` must be NULL or a live emulator.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn timdesk_emulator_sdkappid(emulator: *const timdesk_emulator) -> u64 {
    boundary::quiet(0, || {
        emulator_ref(emulator).map_or(0, |e| e.inner.app().sdkappid)
    })
}

/// The emulated app's secret key (owned by the emulator). "" for NULL.
///
/// # Safety
/// `emulator` must be NULL or a live emulator.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn timdesk_emulator_secret_key(
    emulator: *const timdesk_emulator,
) -> *const c_char {
    boundary::quiet(c"".as_ptr(), || {
        emulator_ref(emulator).map_or(c"".as_ptr(), |e| e.secret_key.as_ptr())
    })
}

/// The emulated app's administrator (owned by the emulator). "" for NULL.
///
/// # Safety
/// `emulator` must be NULL or a live emulator.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn timdesk_emulator_admin(
    emulator: *const timdesk_emulator,
) -> *const c_char {
    boundary::quiet(c"".as_ptr(), || {
        emulator_ref(emulator).map_or(c"".as_ptr(), |e| e.admin.as_ptr())
    })
}

/// A control API call: `method` ("GET", "POST", "DELETE") and `path` as under
/// /__control over HTTP (e.g. "/faults"), `body_json` or NULL. On success
/// `*out_answer_json` (may be NULL) receives the answer; a refused call gives
/// TIMDESK_STATUS_EMULATOR with the reason in the error message.
///
/// # Safety
/// Pointers must be NULL or valid as described in timdesk.h's conventions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn timdesk_emulator_control(
    emulator: *const timdesk_emulator,
    method: *const c_char,
    path: *const c_char,
    body_json: *const c_char,
    out_answer_json: *mut *mut c_char,
    err: *mut *mut timdesk_error,
) -> timdesk_status {
    boundary::run(err, || {
        let emulator =
            emulator_ref(emulator).ok_or_else(|| Failure::invalid("emulator", "is NULL"))?;
        let (method, path) = (string(method, "method")?, string(path, "path")?);
        let body = optional_string(body_json, "body_json")?.unwrap_or("");
        let (status, answer) = emulator
            .inner
            .control()
            .handle(method, path, body.as_bytes());
        if status != 200 {
            let reason = answer["error"].as_str().unwrap_or("refused");
            return Err(Failure::other(
                TIMDESK_STATUS_EMULATOR,
                "emulator",
                format!("{method} {path}: {reason}"),
            ));
        }
        put_string(out_answer_json, answer.to_string(), "the answer")
    })
}

/// A built-in agent group (see timdesk_emulator_seed_groups).
#[repr(C)]
pub struct timdesk_emulator_seed_group {
    /// AgentGroupId.
    pub group_id: u64,
    /// Its name.
    pub name: *const c_char,
}

/// A built-in agent, free when online (see timdesk_emulator_seed_agents).
#[repr(C)]
pub struct timdesk_emulator_seed_agent {
    /// The agent's UserID (AgentId).
    pub agent_id: *const c_char,
    /// The AgentGroupId of its group.
    pub group_id: u64,
    /// Whether it is online.
    pub online: bool,
    /// How many sessions it serves at once.
    pub capacity: u32,
}

/// A built-in session waiting in chatbot reception (see timdesk_emulator_seed_sessions).
#[repr(C)]
pub struct timdesk_emulator_seed_session {
    /// The SessionId.
    pub session_id: *const c_char,
    /// The user (ClientUserId).
    pub client_user_id: *const c_char,
    /// The user's nickname.
    pub nickname: *const c_char,
    /// The channel it came through ("SDK" or "Web").
    pub channel: *const c_char,
}

/// A seed list as C reads it, built once and kept for the life of the process.
struct Table<T>(Vec<T>);

// SAFETY: a table's pointers name strings leaked for the life of the process, never
// written after the table is built.
unsafe impl<T> Send for Table<T> {}
// SAFETY: as for Send: the data is immutable once built.
unsafe impl<T> Sync for Table<T> {}

static GROUPS: OnceLock<Table<timdesk_emulator_seed_group>> = OnceLock::new();
static AGENTS: OnceLock<Table<timdesk_emulator_seed_agent>> = OnceLock::new();
static SESSIONS: OnceLock<Table<timdesk_emulator_seed_session>> = OnceLock::new();
static USERS: OnceLock<Table<*const c_char>> = OnceLock::new();

/// `text` as a C string that lives as long as the process (the seed has no NUL byte).
fn leaked(text: &'static str) -> *const c_char {
    CString::new(text).map_or(c"".as_ptr(), |c| c.into_raw().cast_const())
}

/// The first row of the table in `cell` (built by `make` on first use); its length goes to
/// `*out_count` when that is not NULL.
fn rows<T>(
    cell: &'static OnceLock<Table<T>>,
    make: impl FnOnce() -> Vec<T>,
    out_count: *mut usize,
) -> *const T {
    boundary::quiet(std::ptr::null(), || {
        let table = cell.get_or_init(|| Table(make()));
        // SAFETY: the caller passes NULL or a writable size_t.
        if let Some(count) = unsafe { out_count.as_mut() } {
            *count = table.0.len();
        }
        table.0.as_ptr()
    })
}

/// The agent groups of the built-in data set (every emulator starts with them, and again
/// after a reset): a static array of `*out_count` rows (may be NULL), never freed.
///
/// # Safety
/// `out_count` must be NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn timdesk_emulator_seed_groups(
    out_count: *mut usize,
) -> *const timdesk_emulator_seed_group {
    let make = || {
        emu::seed::GROUPS
            .iter()
            .map(|g| timdesk_emulator_seed_group {
                group_id: g.group_id,
                name: leaked(g.name),
            })
            .collect()
    };
    rows(&GROUPS, make, out_count)
}

/// The agents of the built-in data set; see timdesk_emulator_seed_groups.
///
/// # Safety
/// `out_count` must be NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn timdesk_emulator_seed_agents(
    out_count: *mut usize,
) -> *const timdesk_emulator_seed_agent {
    let make = || {
        emu::seed::AGENTS
            .iter()
            .map(|a| timdesk_emulator_seed_agent {
                agent_id: leaked(a.agent_id),
                group_id: a.group_id,
                online: a.online,
                capacity: a.capacity,
            })
            .collect()
    };
    rows(&AGENTS, make, out_count)
}

/// The sessions waiting in chatbot reception in the built-in data set; see
/// timdesk_emulator_seed_groups.
///
/// # Safety
/// `out_count` must be NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn timdesk_emulator_seed_sessions(
    out_count: *mut usize,
) -> *const timdesk_emulator_seed_session {
    let make = || {
        emu::seed::WAITING
            .iter()
            .map(|w| timdesk_emulator_seed_session {
                session_id: leaked(w.session_id),
                client_user_id: leaked(w.client_user_id),
                nickname: leaked(w.nickname),
                channel: leaked(w.channel),
            })
            .collect()
    };
    rows(&SESSIONS, make, out_count)
}

/// The users of the built-in data set imported without a session (UserIDs); see
/// timdesk_emulator_seed_groups.
///
/// # Safety
/// `out_count` must be NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn timdesk_emulator_seed_users(
    out_count: *mut usize,
) -> *const *const c_char {
    let make = || emu::seed::OTHER_USERS.iter().map(|u| leaked(u)).collect();
    rows(&USERS, make, out_count)
}

/// Stops and frees an emulator. NULL is a no-op.
///
/// # Safety
/// `emulator` must be NULL or an emulator from this library not freed before.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn timdesk_emulator_free(emulator: *mut timdesk_emulator) {
    // SAFETY: the caller passes NULL or a handle from this library not freed before.
    unsafe { boundary::free_handle(emulator) }
}
