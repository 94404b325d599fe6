//! Memory under load, in a test binary of its own: RSS is per process, so tests running
//! beside it in one binary would be measured too (they were: a flaky 8 MB "growth").
mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use timdesk::Client;
use timdesk::api::{CdrQuery, ContactPeer, DeleteRecentContact, MsgElement, SendMsg};
use timdesk_emulator::{Emulator, EmulatorConfig, Endpoint};

fn rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

/// 16 threads × `calls` mixed calls on one client; returns the number of failures.
fn mixed_load(client: &Client, session: &str, calls: usize) -> usize {
    let failures = Arc::new(AtomicUsize::new(0));
    let threads: Vec<_> = (0..16u32)
        .map(|t| {
            let (client, session, failures) =
                (client.clone(), session.to_owned(), failures.clone());
            std::thread::spawn(move || {
                let mut message =
                    SendMsg::in_session(session, vec![MsgElement::text("same message")]);
                message.msg_random = Some(t);
                let delete = DeleteRecentContact {
                    from_account: "user_dave".into(),
                    peer: ContactPeer::Account("nobody".into()),
                    clear_roaming: true,
                };
                for i in 0..calls {
                    let result = match i % 4 {
                        0 => client.send_msg(&message).map(drop),
                        1 => client.describe_im_cdr_list(&CdrQuery::new(0, 1)).map(drop),
                        2 => client.delete_recent_contact(&delete),
                        _ => client
                            .call_idempotent(
                                "desk_http_svc/describe_im_cdr_list",
                                &serde_json::json!({"StartTimestamp": 0, "EndTimestamp": 1}),
                            )
                            .map(drop),
                    };
                    if result.is_err() {
                        failures.fetch_add(1, Ordering::Relaxed);
                    }
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    failures.load(Ordering::Relaxed)
}

#[test]
fn sixteen_threads_share_a_client_without_errors_and_memory_stays_flat() {
    let emulator = Emulator::start(EmulatorConfig::default()).unwrap();
    emulator
        .control()
        .set_rate_limit(Endpoint::from(&timdesk::model::RECENTCONTACT_DELETE), None);
    // The emulator shares this process: with its clock stopped, each thread's repeated
    // MsgRandom stays one stored message (same-second dedup), so RSS measures the client.
    emulator.control().freeze_clock(1_700_000_000);
    let client =
        Client::new(common::config_for(&emulator).timeout(Duration::from_secs(10))).unwrap();
    let session = "fd8a2e30-54de-4e40-bcaf-02718409c5cf";
    assert_eq!(mixed_load(&client, session, 100), 0);
    let warm = rss_kib();
    let started = Instant::now();
    assert_eq!(
        mixed_load(&client, session, 500),
        0,
        "no errors without injected faults"
    );
    let after = rss_kib();
    eprintln!(
        "16 threads x 500 mixed calls in {:?}; RSS {warm} KiB after warm-up, {after} KiB after",
        started.elapsed()
    );
    assert!(
        after <= warm + warm / 10 + 4096,
        "RSS grew from {warm} KiB to {after} KiB"
    );
    assert_eq!(
        common::stored_randoms(&emulator, session).len(),
        16,
        "each thread's repeated message stored once within the frozen second"
    );
}
