//! Calls per second through the C ABI versus the Rust client directly, against one
//! emulator, interleaved round by round so both see the same machine state.
//!
//!     scripts/bench-c-abi          (emulator in its own process on core 1, this on core 0)
//!     cargo bench -p timdesk-ffi --bench c_abi_overhead   (in-process emulator: noisier)
//!
//! TIMDESK_BENCH_ENDPOINT points it at an emulator with the built-in app.
use std::ffi::{CString, c_char};
use std::ptr::null_mut;
use std::time::Instant;

use ::timdesk_emulator::{Emulator, EmulatorConfig};
use timdesk::api::{MsgElement, SendMsg};
use timdesk_ffi::{
    TIMDESK_STATUS_OK, timdesk_client, timdesk_client_free, timdesk_client_new, timdesk_config,
    timdesk_message, timdesk_send_msg, timdesk_version,
};

const CALLS: usize = 1000;
const ROUNDS: usize = 21;

fn main() {
    let in_process = match std::env::var("TIMDESK_BENCH_ENDPOINT") {
        Ok(_) => None,
        Err(_) => Some(Emulator::start(EmulatorConfig::default()).unwrap()),
    };
    let base_url = std::env::var("TIMDESK_BENCH_ENDPOINT")
        .unwrap_or_else(|_| in_process.as_ref().unwrap().base_url().to_owned());
    let app = timdesk_emulator::AppConfig::default();
    let rust = timdesk::Client::new(
        timdesk::Config::new(app.sdkappid, app.secret_key.clone())
            .admin(app.admin.clone())
            .base_url(&base_url),
    )
    .unwrap();

    let key = CString::new(app.secret_key.clone()).unwrap();
    let admin = CString::new(app.admin.clone()).unwrap();
    let endpoint = CString::new(base_url.clone()).unwrap();
    let config = timdesk_config {
        size: std::mem::size_of::<timdesk_config>(),
        sdkappid: app.sdkappid,
        secret_key: key.as_ptr(),
        admin: admin.as_ptr(),
        region: std::ptr::null(),
        endpoint: endpoint.as_ptr(),
        timeout_ms: 0,
        connect_timeout_ms: 0,
        max_attempts: 0,
        retry_base_delay_ms: 0,
        proxy: std::ptr::null(),
        ca_bundle_pem: std::ptr::null(),
        max_requests_per_second: 0,
        send_msg_retry: timdesk_ffi::TIMDESK_SEND_MSG_AT_MOST_ONCE,
        retry_max_delay_ms: 0,
        retry_max_elapsed_ms: 0,
        usersig_ttl_s: 0,
    };
    let mut c_client: *mut timdesk_client = null_mut();
    assert_eq!(
        unsafe { timdesk_client_new(&config, &mut c_client, null_mut()) },
        TIMDESK_STATUS_OK
    );

    let session = "fd8a2e30-54de-4e40-bcaf-02718409c5cf";
    let c_session = CString::new(session).unwrap();
    let body =
        CString::new(r#"[{"MsgType":"TIMTextElem","MsgContent":{"Text":"benchmark"}}]"#).unwrap();
    let message = timdesk_message {
        size: std::mem::size_of::<timdesk_message>(),
        body: std::ptr::null(),
        session_id: c_session.as_ptr(),
        from_account: std::ptr::null(),
        to_account: std::ptr::null(),
        msg_body_json: body.as_ptr(),
        cloud_custom_data: std::ptr::null(),
        exclude_from_user_resp_timeout: false,
        has_msg_random: false,
        msg_random: 0,
    };
    let rust_message = SendMsg::in_session(session, vec![MsgElement::text("benchmark")]);

    let rust_round = || {
        let started = Instant::now();
        for _ in 0..CALLS {
            rust.send_msg(&rust_message).unwrap();
        }
        CALLS as f64 / started.elapsed().as_secs_f64()
    };
    let c_round = || {
        let started = Instant::now();
        for _ in 0..CALLS {
            let status = unsafe { timdesk_send_msg(c_client, &message, null_mut(), null_mut()) };
            assert_eq!(status, TIMDESK_STATUS_OK);
        }
        CALLS as f64 / started.elapsed().as_secs_f64()
    };
    rust_round();
    c_round();
    let (mut rust_rates, mut c_rates) = (Vec::new(), Vec::new());
    for round in 0..ROUNDS {
        if round % 2 == 0 {
            rust_rates.push(rust_round());
            c_rates.push(c_round());
        } else {
            c_rates.push(c_round());
            rust_rates.push(rust_round());
        }
    }
    let median = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    // Each round's two runs are adjacent in time, so their ratio cancels the drift that
    // dominates separate medians on a small machine.
    let paired: Vec<f64> = rust_rates
        .iter()
        .zip(&c_rates)
        .map(|(r, c)| r / c - 1.0)
        .collect();
    let (rust_rate, c_rate) = (median(rust_rates), median(c_rates));
    println!(
        "send_msg against the in-process emulator, {ROUNDS} interleaved rounds of {CALLS} calls:"
    );
    println!("  Rust client directly: {rust_rate:>8.0} calls/s (median)");
    println!("  through the C ABI:    {c_rate:>8.0} calls/s (median)");
    println!(
        "  C ABI cost:           {:>+8.1} % (median of the paired rounds)",
        median(paired) * 100.0
    );
    unsafe { timdesk_client_free(c_client) };
    let _: *const c_char = timdesk_version();
}
