//! `libtimdesk_testing`: the built-in emulator of the server, in-process, for the test
//! suites of C, C++ and Go programs (`timdesk_testing.h`). Applications link `libtimdesk`
//! only, which holds no server code; a test links both. Errors are the client library's
//! `timdesk_error` (freed with `timdesk_error_free`).
#![allow(non_camel_case_types)]

use std::ffi::{CString, c_char};

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

/// Stops and frees an emulator. NULL is a no-op.
///
/// # Safety
/// `emulator` must be NULL or an emulator from this library not freed before.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn timdesk_emulator_free(emulator: *mut timdesk_emulator) {
    // SAFETY: the caller passes NULL or a handle from this library not freed before.
    unsafe { boundary::free_handle(emulator) }
}
