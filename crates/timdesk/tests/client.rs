//! The client against the emulator, through real HTTP: every endpoint, every error kind,
//! retries under each fault, UserSig renewal, validation, threads and secrets.
mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::json;
use timdesk::api::{
    Card, CdrQuery, ContactPeer, DeleteRecentContact, EndStatus, MsgElement, SendMsg,
    TransferToHuman,
};
use timdesk::{Client, Config, ErrorKind, Event, RetryPolicy, SendMsgRetry};
use timdesk_emulator::{Emulator, EmulatorConfig, Fault, FaultAction, NewSession};

const ALICE: &str = "fd8a2e30-54de-4e40-bcaf-02718409c5cf";
const BOB: &str = "b0f4ca12-4850-4218-a284-efe679a87066";
const SEND: &str = "desk_http_svc/send_msg";
const CDRS: &str = "desk_http_svc/describe_im_cdr_list";

fn fast_retries() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 4,
        base_delay: Duration::from_millis(5),
        max_delay: Duration::from_millis(20),
        max_elapsed: Duration::from_secs(10),
    }
}

fn config_for(emulator: &Emulator) -> Config {
    common::config_for(emulator)
        .retry(fast_retries())
        .timeout(Duration::from_secs(5))
}

fn setup() -> (Emulator, Client) {
    let emulator = Emulator::start(EmulatorConfig::default()).unwrap();
    let client = Client::new(config_for(&emulator)).unwrap();
    (emulator, client)
}

fn hello(session: &str) -> SendMsg {
    SendMsg::in_session(session, vec![MsgElement::text("hello")])
}

fn fault(path: &str, action: FaultAction, count: u32) -> Fault {
    Fault::new(Some(path), action, count)
}

// ---- the endpoints -------------------------------------------------------------------------

#[test]
fn a_whole_session_through_the_typed_endpoints() {
    let (emulator, client) = setup();
    let transfer = client
        .transfer_to_human(&TransferToHuman::new(ALICE).agent_group_id(3067))
        .unwrap();
    assert_eq!(
        (transfer.agent_id.as_str(), transfer.in_queue),
        ("shannon@qq.com", false)
    );

    let card = Card {
        header: "Order 42".into(),
        desc: "2 items".into(),
        pic: "https://x/p.jpg".into(),
        url: "https://x/o/42".into(),
    };
    let mut message = SendMsg::in_session(
        ALICE,
        vec![
            MsgElement::text("Hi, how can I help?"),
            MsgElement::card(&card),
        ],
    );
    message.cloud_custom_data = Some("trace-1".into());
    message.exclude_from_user_resp_timeout = true;
    let sent = client.send_msg(&message).unwrap();
    let stored = emulator.control().messages(ALICE).unwrap();
    assert_eq!(stored[0]["msg_random"], sent.msg_random);
    assert_eq!(stored[0]["msg_body"][1]["MsgType"], "TIMCustomElem");
    assert_eq!(stored[0]["cloud_custom_data"], "trace-1");
    assert_eq!(stored[0]["exclude_from_user_resp_timeout"], true);

    client.end_session(ALICE).unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let page = client
        .describe_im_cdr_list(&CdrQuery::new(now - 3600, now + 10))
        .unwrap();
    assert_eq!(page.total_count, 1);
    let record = &page.records[0];
    assert_eq!(
        (
            record.session_id.as_str(),
            record.agent_id.as_str(),
            record.agent_group_id.as_str()
        ),
        (ALICE, "shannon@qq.com", "3067")
    );
    assert_eq!(record.end_status, EndStatus::AgentEndedSession);
    assert_eq!(record.client_user_id, "user_alice");

    let direct = SendMsg::between(
        "shannon@qq.com",
        "user_alice",
        vec![MsgElement::text("Follow-up")],
    );
    client.send_msg(&direct).unwrap();
    let peers = |emulator: &Emulator| -> Vec<String> {
        let conversations = emulator.control().conversations("user_alice");
        conversations
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["peer"].as_str().unwrap().to_owned())
            .collect()
    };
    // The in-session message came from the desk's account, the direct one from the agent.
    assert_eq!(
        peers(&emulator),
        ["@customer_service_account", "shannon@qq.com"]
    );
    client
        .delete_recent_contact(&DeleteRecentContact {
            from_account: "user_alice".into(),
            peer: ContactPeer::Account("shannon@qq.com".into()),
            clear_roaming: true,
        })
        .unwrap();
    assert_eq!(peers(&emulator), ["@customer_service_account"]);
}

#[test]
fn a_queued_transfer_reports_is_in_queue() {
    let (_emulator, client) = setup();
    assert!(
        !client
            .transfer_to_human(&TransferToHuman::new(ALICE).agent_group_id(2473))
            .unwrap()
            .in_queue
    );
    let queued = client
        .transfer_to_human(&TransferToHuman::new(BOB).agent_group_id(2473))
        .unwrap();
    assert!(queued.in_queue);
    assert_eq!(queued.agent_id, "");
}

#[test]
fn the_cdr_iterator_fetches_pages_of_100_lazily() {
    let (emulator, client) = setup();
    let control = emulator.control();
    for i in 0..250u64 {
        let new = NewSession {
            id: None,
            user: format!("u{}", i % 3),
            nickname: None,
            channel: None,
            started_at: Some(10_000 + i),
            satisfaction: Some(4),
        };
        let id = control.create_session(new).unwrap();
        control.end_session(&id, "UserTimeout").unwrap();
    }
    let path = timdesk::model::DESCRIBE_IM_CDR_LIST.path;
    let mut records = client.cdrs(10_000, 10_249, None).unwrap();
    assert_eq!(
        control.request_count(path),
        0,
        "nothing fetched before iterating"
    );
    let first = records.next().unwrap().unwrap();
    assert_eq!((first.timestamp, control.request_count(path)), (10_000, 1));
    let rest: Vec<_> = records.collect::<Result<_, _>>().unwrap();
    assert_eq!(rest.len(), 249);
    assert_eq!(control.request_count(path), 3);
    assert!(rest.iter().all(|r| r.end_status == EndStatus::UserTimeout));
    let of_u1: Vec<_> = client
        .cdrs(0, u64::from(u32::MAX), Some("u1"))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(of_u1.len(), 83);
    assert_eq!(client.cdrs(1, 2, None).unwrap().count(), 0);
    let err = client.cdrs(3, 2, None).unwrap_err();
    assert!(err.to_string().contains("StartTimestamp"), "{err}");
}

#[test]
fn the_generic_call_reaches_any_endpoint_with_the_same_signing_and_errors() {
    let (emulator, client) = setup();
    let answer = client
        .call(
            "v4/desk_http_svc/transfer_to_human",
            &json!({"SessionId": ALICE}),
        )
        .unwrap();
    assert_eq!(answer["ActionStatus"], "OK");
    assert_eq!(answer["AgentId"], "shannon@qq.com");
    let err = client
        .call("openim/admin_getroammsg", &json!({}))
        .unwrap_err();
    assert_eq!(
        (err.kind(), err.code()),
        (ErrorKind::Configuration, Some(60009)),
        "a wrong path is a configuration error, not a missing session"
    );
    let err = client
        .call("desk_http_svc/send_msg", &json!([]))
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidArgument);
    assert_eq!(
        emulator.control().request_count("desk_http_svc/send_msg"),
        0
    );
}

// ---- errors ----------------------------------------------------------------------------------

#[test]
fn server_errors_map_to_kinds_and_keep_code_and_text() {
    let (emulator, client) = setup();
    let control = emulator.control();
    client
        .transfer_to_human(&TransferToHuman::new(ALICE))
        .unwrap();
    let e = client
        .transfer_to_human(&TransferToHuman::new(ALICE))
        .unwrap_err();
    assert_eq!(
        (e.kind(), e.code(), e.is_retryable(), e.maybe_applied()),
        (ErrorKind::NotTransferable, Some(141003), false, false)
    );
    assert!(e.message().contains("cannot be transferred"), "{e}");

    let e = client
        .end_session("5f0e2c4a-0000-4000-8000-000000000000")
        .unwrap_err();
    assert_eq!((e.kind(), e.code()), (ErrorKind::NotFound, Some(141005)));

    for agent in ["shannon@qq.com", "test_agent@qq.com"] {
        control.set_agent_online(agent, false).unwrap();
    }
    let e = client
        .transfer_to_human(&TransferToHuman::new(BOB))
        .unwrap_err();
    assert_eq!(
        (e.kind(), e.code()),
        (ErrorKind::NoAgentOnline, Some(141001))
    );

    let e = client
        .transfer_to_human(&TransferToHuman::new("not-a-uuid"))
        .unwrap_err();
    assert_eq!(
        (e.kind(), e.code()),
        (ErrorKind::InvalidArgument, Some(141006))
    );

    for (code, kind) in [
        (141000, ErrorKind::Forbidden),
        (123_456, ErrorKind::Unknown),
        (60010, ErrorKind::Auth),
    ] {
        control.inject(fault(
            SEND,
            FaultAction::ErrorCode {
                code,
                info: "injected".into(),
            },
            1,
        ));
        let e = client.send_msg(&hello(BOB)).unwrap_err();
        assert_eq!(
            (e.kind(), e.code(), e.message()),
            (kind, Some(code), "injected")
        );
        assert!(e.to_string().contains(&code.to_string()));
    }
}

#[test]
fn a_wrong_key_is_an_auth_error() {
    let (emulator, _) = setup();
    let mut config = config_for(&emulator);
    config.secret_key = "not the key".into();
    let e = Client::new(config).unwrap().end_session(ALICE).unwrap_err();
    assert_eq!((e.kind(), e.code()), (ErrorKind::Auth, Some(70009)));
}

#[test]
fn local_failures_have_their_kinds() {
    let (emulator, client) = setup();
    let control = emulator.control();

    control.inject(Fault {
        remaining: None,
        ..fault(SEND, FaultAction::HttpStatus(502), 0)
    });
    let e = client.send_msg(&hello(ALICE)).unwrap_err();
    assert_eq!(
        (
            e.kind(),
            e.http_status(),
            e.is_retryable(),
            e.maybe_applied()
        ),
        (ErrorKind::Server, Some(502), true, true)
    );
    assert_eq!(
        control.request_count(SEND),
        1,
        "send_msg does not repeat a request whose answer was lost (at most once)"
    );
    control.clear_faults();
    control.inject(Fault {
        remaining: None,
        ..fault(CDRS, FaultAction::HttpStatus(502), 0)
    });
    let e = client
        .describe_im_cdr_list(&CdrQuery::new(0, 1))
        .unwrap_err();
    assert_eq!((e.kind(), e.http_status()), (ErrorKind::Server, Some(502)));
    assert_eq!(
        control.request_count(CDRS),
        4,
        "a read is retried up to max_attempts"
    );
    control.clear_faults();

    control.inject(Fault {
        remaining: None,
        ..fault(SEND, FaultAction::MalformedJson, 0)
    });
    assert_eq!(
        client.send_msg(&hello(ALICE)).unwrap_err().kind(),
        ErrorKind::BadResponse
    );
    control.clear_faults();

    let mut config = config_for(&emulator).timeout(Duration::from_millis(200));
    config.retry = RetryPolicy::none();
    control.inject(fault(
        SEND,
        FaultAction::Delay(Duration::from_millis(1500)),
        1,
    ));
    let e = Client::new(config)
        .unwrap()
        .send_msg(&hello(ALICE))
        .unwrap_err();
    assert_eq!((e.kind(), e.maybe_applied()), (ErrorKind::Timeout, true));

    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let e = Client::new(config_for(&emulator).base_url(url))
        .unwrap()
        .send_msg(&hello(ALICE))
        .unwrap_err();
    assert_eq!((e.kind(), e.maybe_applied()), (ErrorKind::Network, false));
}

#[test]
fn validation_names_field_and_rule_and_sends_nothing() {
    let (emulator, client) = setup();
    let errors = [
        client
            .send_msg(&SendMsg::in_session("", vec![MsgElement::text("x")]))
            .unwrap_err(),
        client
            .send_msg(&SendMsg::in_session(ALICE, vec![]))
            .unwrap_err(),
        client
            .send_msg(&SendMsg::in_session(
                ALICE,
                vec![MsgElement::text("x".repeat(12_300))],
            ))
            .unwrap_err(),
        client
            .describe_im_cdr_list(&CdrQuery {
                limit: Some(101),
                ..CdrQuery::new(1, 2)
            })
            .unwrap_err(),
        client
            .describe_im_cdr_list(&CdrQuery::new(9, 2))
            .unwrap_err(),
        client.end_session("").unwrap_err(),
        client
            .delete_recent_contact(&DeleteRecentContact {
                from_account: "u".into(),
                peer: ContactPeer::Group(String::new()),
                clear_roaming: false,
            })
            .unwrap_err(),
    ];
    let expected = [
        "SessionId",
        "MsgBody",
        "12288",
        "Limit",
        "StartTimestamp",
        "SessionId",
        "ToGroupid",
    ];
    for (e, field) in errors.iter().zip(expected) {
        assert_eq!(e.kind(), ErrorKind::InvalidArgument);
        assert!(e.to_string().contains(field), "{e} should name {field}");
    }
    assert_eq!(emulator.control().total_requests(), 0);
}

// ---- retries ---------------------------------------------------------------------------------

#[test]
fn retryable_codes_are_retried_with_the_same_msg_random() {
    let (emulator, client) = setup();
    let control = emulator.control();
    control.inject(fault(
        SEND,
        FaultAction::ErrorCode {
            code: 141002,
            info: "busy".into(),
        },
        2,
    ));
    let sent = client.send_msg(&hello(ALICE)).unwrap();
    assert_eq!(control.request_count(SEND), 3);
    assert_eq!(
        common::stored_randoms(&emulator, ALICE),
        vec![u64::from(sent.msg_random)]
    );

    control.inject(fault(
        SEND,
        FaultAction::ErrorCode {
            code: 141009,
            info: "slow down".into(),
        },
        1,
    ));
    client.send_msg(&hello(ALICE)).unwrap();
    control.inject(fault(
        SEND,
        FaultAction::ErrorCode {
            code: 141004,
            info: "bad".into(),
        },
        1,
    ));
    let before = control.request_count(SEND);
    assert_eq!(
        client.send_msg(&hello(ALICE)).unwrap_err().code(),
        Some(141004)
    );
    assert_eq!(
        control.request_count(SEND),
        before + 1,
        "a non-retryable code is not retried"
    );
}

#[test]
fn every_fault_on_send_msg_is_told_and_nothing_is_stored_twice() {
    let (emulator, client) = setup();
    let control = emulator.control();
    let cases = [
        (FaultAction::HttpStatus(502), 0),
        (FaultAction::HttpStatus(504), 0),
        (FaultAction::MalformedJson, 0),
        (FaultAction::DropBeforeApply, 0),
        (FaultAction::DropAfterApply, 1),
    ];
    for (action, stored) in cases {
        control.inject(fault(SEND, action.clone(), 1));
        let before = control.request_count(SEND);
        let err = client.send_msg(&hello(ALICE)).unwrap_err();
        let random = err.msg_random().unwrap();
        assert!(err.maybe_applied(), "{action:?}: {err}");
        assert!(
            err.to_string().contains(&format!("MsgRandom {random}")),
            "{err}"
        );
        assert_eq!(
            control.request_count(SEND),
            before + 1,
            "{action:?}: not repeated"
        );
        let count = common::stored_randoms(&emulator, ALICE)
            .iter()
            .filter(|r| **r == u64::from(random))
            .count();
        assert_eq!(count, stored, "{action:?}");
    }
    // A timeout after the request was written: the server applies it later.
    let mut config = config_for(&emulator).timeout(Duration::from_millis(300));
    config.retry.max_attempts = 3;
    control.inject(fault(
        SEND,
        FaultAction::Delay(Duration::from_millis(800)),
        1,
    ));
    let err = Client::new(config)
        .unwrap()
        .send_msg(&hello(ALICE))
        .unwrap_err();
    assert_eq!(
        (err.kind(), err.maybe_applied()),
        (ErrorKind::Timeout, true)
    );
    std::thread::sleep(Duration::from_millis(700));
    assert!(
        common::stored_randoms(&emulator, ALICE).contains(&u64::from(err.msg_random().unwrap()))
    );
    // What surely did not apply is still retried.
    control.inject(fault(
        SEND,
        FaultAction::ErrorCode {
            code: 70500,
            info: "internal error".into(),
        },
        1,
    ));
    client.send_msg(&hello(ALICE)).unwrap();
}

#[test]
fn at_least_once_repeats_a_lost_answer_and_same_second_dedup_stores_it_once() {
    let (emulator, _) = setup();
    let control = emulator.control();
    // The repeat lands in the same (emulated) second as the lost attempt.
    control.freeze_clock(1_700_000_000);
    let client =
        Client::new(config_for(&emulator).send_msg_retry(SendMsgRetry::AtLeastOnce)).unwrap();
    let mut expected = Vec::new();
    for action in [
        FaultAction::HttpStatus(502),
        FaultAction::MalformedJson,
        FaultAction::DropBeforeApply,
        FaultAction::DropAfterApply,
    ] {
        control.inject(fault(SEND, action.clone(), 1));
        let sent = client
            .send_msg(&hello(ALICE))
            .unwrap_or_else(|e| panic!("{action:?}: {e}"));
        expected.push(u64::from(sent.msg_random));
    }
    assert_eq!(common::stored_randoms(&emulator, ALICE), expected);
    // A repeat in a later second is a second message: the documented risk of the opt-in.
    let mut message = hello(ALICE);
    message.msg_random = Some(4242);
    client.send_msg(&message).unwrap();
    control.advance_clock(1);
    client.send_msg(&message).unwrap();
    let twice = common::stored_randoms(&emulator, ALICE)
        .iter()
        .filter(|r| **r == 4242)
        .count();
    assert_eq!(twice, 2);
}

#[test]
fn a_lost_end_session_answer_is_recognised_as_done() {
    let (emulator, client) = setup();
    client
        .transfer_to_human(&TransferToHuman::new(ALICE))
        .unwrap();
    emulator.control().inject(fault(
        "desk_http_svc/end_session",
        FaultAction::DropAfterApply,
        1,
    ));
    client.end_session(ALICE).unwrap();
    assert_eq!(emulator.control().cdrs().as_array().unwrap().len(), 1);
    assert_eq!(emulator.control().session(ALICE).unwrap()["state"], "ended");
}

#[test]
fn a_lost_transfer_answer_is_reported_not_hidden() {
    let (emulator, client) = setup();
    emulator.control().inject(fault(
        "desk_http_svc/transfer_to_human",
        FaultAction::DropAfterApply,
        1,
    ));
    let e = client
        .transfer_to_human(&TransferToHuman::new(ALICE))
        .unwrap_err();
    assert_eq!(
        (e.kind(), e.code(), e.maybe_applied()),
        (ErrorKind::NotTransferable, Some(141003), true)
    );
    assert!(e.message().contains("earlier attempt"), "{e}");
    assert_eq!(
        emulator.control().session(ALICE).unwrap()["state"],
        "with_agent"
    );
}

#[test]
fn the_generic_call_does_not_repeat_a_request_whose_answer_was_lost() {
    let (emulator, client) = setup();
    let control = emulator.control();
    control.inject(fault(SEND, FaultAction::DropAfterApply, 1));
    let body = json!({"SessionId": ALICE, "MsgRandom": 99, "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "x"}}]});
    let e = client.call(SEND, &body).unwrap_err();
    assert_eq!((e.kind(), e.maybe_applied()), (ErrorKind::Network, true));
    assert_eq!(control.request_count(SEND), 1);
    control.inject(fault(SEND, FaultAction::DropAfterApply, 1));
    client.call_idempotent(SEND, &body).unwrap();
    assert_eq!(control.request_count(SEND), 3);
    assert_eq!(common::stored_randoms(&emulator, ALICE), vec![99]);
    control.inject(fault(SEND, FaultAction::DropBeforeApply, 1));
    client.call(SEND, &body).unwrap_err();
}

#[test]
fn retries_stop_at_the_time_budget() {
    let (emulator, _) = setup();
    let mut config = config_for(&emulator);
    config.retry = RetryPolicy {
        max_attempts: 100,
        base_delay: Duration::from_millis(50),
        max_delay: Duration::from_millis(50),
        max_elapsed: Duration::from_millis(300),
    };
    emulator.control().inject(Fault {
        remaining: None,
        ..fault(
            SEND,
            FaultAction::ErrorCode {
                code: 141002,
                info: "x".into(),
            },
            0,
        )
    });
    let started = std::time::Instant::now();
    Client::new(config)
        .unwrap()
        .send_msg(&hello(ALICE))
        .unwrap_err();
    assert!(
        started.elapsed() < Duration::from_millis(600),
        "{:?}",
        started.elapsed()
    );
    assert!(emulator.control().request_count(SEND) < 12);
}

#[test]
fn an_expired_usersig_answer_renews_it_once_and_retries() {
    let (emulator, _) = setup();
    let events = Arc::new(Mutex::new(Vec::new()));
    let mut config = config_for(&emulator);
    let sink = events.clone();
    config.on_event = Some(Arc::new(move |e: &Event| {
        sink.lock().unwrap().push(e.clone())
    }));
    let client = Client::new(config).unwrap();
    emulator.control().inject(fault(
        SEND,
        FaultAction::ErrorCode {
            code: 70001,
            info: "UserSig expired".into(),
        },
        1,
    ));
    client.send_msg(&hello(ALICE)).unwrap();
    assert_eq!(
        events.lock().unwrap().as_slice(),
        [Event::UserSigRenewed { reason: "rejected" }]
    );
    emulator.control().inject(fault(
        SEND,
        FaultAction::ErrorCode {
            code: 70001,
            info: "UserSig expired".into(),
        },
        2,
    ));
    let e = client.send_msg(&hello(ALICE)).unwrap_err();
    assert_eq!(
        e.code(),
        Some(70001),
        "renewed once per call, then reported"
    );
    emulator.control().inject(fault(
        SEND,
        FaultAction::ErrorCode {
            code: 141002,
            info: "busy".into(),
        },
        1,
    ));
    client.send_msg(&hello(ALICE)).unwrap();
    assert!(matches!(
        events.lock().unwrap().last(),
        Some(Event::Retry { attempt: 1, .. })
    ));
}

// ---- sharing and secrets -----------------------------------------------------------------------

#[test]
fn one_client_is_shared_by_threads() {
    let (emulator, client) = setup();
    let handles: Vec<_> = (0..8)
        .map(|_| {
            let client = client.clone();
            std::thread::spawn(move || {
                (0..25)
                    .map(|_| client.send_msg(&hello(ALICE)).unwrap().msg_random)
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let mut sent: Vec<u64> = handles
        .into_iter()
        .flat_map(|h| h.join().unwrap())
        .map(u64::from)
        .collect();
    let mut got = common::stored_randoms(&emulator, ALICE);
    sent.sort_unstable();
    got.sort_unstable();
    sent.dedup();
    assert_eq!(got, sent);
}

#[test]
fn no_error_or_debug_output_shows_a_secret() {
    let (emulator, client) = setup();
    let app = emulator.app().clone();
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let refused = Client::new(config_for(&emulator).base_url(url)).unwrap();
    let mut texts = vec![
        format!("{client:?}"),
        format!("{:?}", config_for(&emulator)),
    ];
    let e = refused.send_msg(&hello(ALICE)).unwrap_err();
    texts.push(format!("{e} {e:?}"));
    emulator
        .control()
        .inject(fault(SEND, FaultAction::DropAfterApply, 1));
    let e = client.call(SEND, &json!({})).unwrap_err();
    texts.push(format!("{e} {e:?}"));
    let usersig_prefix = timdesk::usersig::Signer::new(app.sdkappid, &app.secret_key)
        .generate(&app.admin, 86_400, None);
    for text in texts {
        assert!(!text.contains(&app.secret_key), "{text}");
        assert!(!text.contains("usersig="), "{text}");
        assert!(!text.contains(&usersig_prefix[..40]), "{text}");
    }
}

#[test]
fn bad_configuration_is_refused_by_name() {
    for (config, needle) in [
        (Config::new(1, ""), "secret_key"),
        (Config::new(1, "k").admin(""), "admin"),
        (Config::new(1, "k").base_url("ftp://x"), "endpoint"),
        (Config::new(1, "k").timeout(Duration::ZERO), "timeout"),
        (
            Config {
                ca_bundle: Some(b"not pem".to_vec()),
                ..Config::new(1, "k")
            },
            "ca_bundle",
        ),
        (
            Config {
                proxy: Some("::::".into()),
                ..Config::new(1, "k")
            },
            "proxy",
        ),
    ] {
        let e = Client::new(config).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidArgument);
        assert!(e.to_string().contains(needle), "{e}");
    }
}

#[test]
fn an_unreachable_host_fails_over_to_the_backup_host_and_a_lost_answer_does_not() {
    let (emulator, _) = setup();
    let refused = "http://127.0.0.1:9";
    let mut config = config_for(&emulator).base_url(refused);
    config.backup_base_url = Some(emulator.base_url().to_owned());
    let client = Client::new(config).unwrap();
    let page = client.describe_im_cdr_list(&CdrQuery::new(0, 1)).unwrap();
    assert_eq!(page.total_count, 0);
    assert_eq!(
        emulator.control().request_count(CDRS),
        1,
        "one attempt reached the backup"
    );
    // Nothing was sent to the first host, so even the generic call (never repeated after a
    // lost answer) moves on to the backup.
    client
        .call(CDRS, &json!({"StartTimestamp": 0, "EndTimestamp": 1}))
        .unwrap();
    // A lost answer is not a reason to change hosts: a call that may have applied stays.
    let mut config = config_for(&emulator);
    config.backup_base_url = Some(refused.to_owned());
    let client = Client::new(config).unwrap();
    emulator
        .control()
        .inject(fault(CDRS, FaultAction::HttpStatus(502), 1));
    client.describe_im_cdr_list(&CdrQuery::new(0, 1)).unwrap();
    assert_eq!(
        emulator.control().request_count(CDRS),
        4,
        "both attempts on the main host"
    );
}

/// A host that never answers the connection (a listener whose accept queue is full, so the
/// kernel drops further SYNs): the connect timeout ends the attempt, as a timeout that
/// sent nothing.
#[cfg(target_os = "linux")]
#[test]
fn a_connect_timeout_is_a_timeout_that_sent_nothing() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let address = socket.local_addr().unwrap();
    let _listener = runtime.block_on(async { socket.listen(0) }).unwrap();
    // Fill the accept queue; once full, a connect hangs instead of completing.
    let mut queued = Vec::new();
    let full = loop {
        match std::net::TcpStream::connect_timeout(&address, Duration::from_millis(100)) {
            Ok(stream) => queued.push(stream),
            Err(_) => break true,
        }
        if queued.len() > 64 {
            break false;
        }
    };
    assert!(full, "the accept queue never filled");
    let config = Config {
        connect_timeout: Duration::from_millis(200),
        ..Config::new(1_400_000_000, "k")
            .base_url(format!("http://{address}"))
            .retry(RetryPolicy::none())
    };
    let e = Client::new(config).unwrap().end_session("s").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Timeout, "{e}");
    assert!(e.message().contains("cannot connect"), "{e}");
    assert!(!e.maybe_applied(), "{e}");
}

/// A 3xx answer is a bad response naming its status (the transport follows no
/// redirects: a POST redirected would be sent again, or turned into a GET), after one
/// request.
#[test]
fn a_3xx_answer_is_a_bad_response_naming_its_status() {
    let (emulator, client) = setup();
    emulator
        .control()
        .inject(fault(CDRS, FaultAction::HttpStatus(307), 1));
    let e = client
        .describe_im_cdr_list(&CdrQuery::new(0, 1))
        .unwrap_err();
    assert_eq!(
        (e.kind(), e.http_status()),
        (ErrorKind::BadResponse, Some(307)),
        "{e}"
    );
    assert!(e.message().contains("HTTP 307"), "{e}");
    assert_eq!(emulator.control().request_count(CDRS), 1);
}

/// A host that takes the TCP connection and then says nothing (the listener never accepts,
/// so the TLS handshake stalls): the connect timeout ends it as a connect failure, which
/// sent nothing, and so the call moves to the backup host.
#[test]
fn a_stalled_handshake_is_a_connect_timeout_and_moves_to_the_backup_host() {
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let stalled = format!("https://{}", silent.local_addr().unwrap());
    let config = Config {
        connect_timeout: Duration::from_millis(200),
        timeout: Duration::from_secs(5),
        ..Config::new(1_400_000_000, "k")
            .base_url(stalled.clone())
            .retry(RetryPolicy::none())
    };
    let started = std::time::Instant::now();
    let e = Client::new(config).unwrap().end_session("s").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Timeout, "{e}");
    assert!(e.message().contains("cannot connect"), "{e}");
    assert!(!e.maybe_applied(), "{e}");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );

    let emulator = Emulator::start(EmulatorConfig::default()).unwrap();
    let mut config = config_for(&emulator).base_url(stalled);
    config.connect_timeout = Duration::from_millis(200);
    config.backup_base_url = Some(emulator.base_url().to_owned());
    let client = Client::new(config).unwrap();
    client.describe_im_cdr_list(&CdrQuery::new(0, 1)).unwrap();
    assert_eq!(emulator.control().request_count(CDRS), 1);
}
