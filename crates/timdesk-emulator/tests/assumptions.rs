//! One test per row of the README's "What the emulator assumes" table (named
//! `assumption_{id}`), and the check that this file and the list agree (the README's
//! table is rendered from the list by `cargo run -p timdesk-codegen`, checked fresh by
//! `cargo test -p timdesk-codegen`).
use serde_json::{Value, json};
use timdesk::usersig::Signer;
use timdesk_emulator::assumptions::ASSUMPTIONS;
use timdesk_emulator::{BOT_ACCOUNT, NO_AGENT_TIP, OUT_OF_HOURS_PROMPT};

mod common;
use common::*;

const T0: u64 = 1_700_000_000;
const TRANSFER: &str = "desk_http_svc/transfer_to_human";
const SEND: &str = "desk_http_svc/send_msg";
const END: &str = "desk_http_svc/end_session";

fn transfer(h: &Harness, session: &str, extra: Value) -> Value {
    let mut body = json!({"SessionId": session});
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    h.call(TRANSFER, body)
}

fn state(h: &Harness, session: &str) -> String {
    h.emulator.control().session(session).unwrap()["state"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn end_status(h: &Harness, session: &str) -> Value {
    let cdrs = h.emulator.control().cdrs();
    cdrs.as_array()
        .unwrap()
        .iter()
        .find(|c| c["SessionId"] == session)
        .map(|c| c["EndStatus"].clone())
        .unwrap_or(Value::Null)
}

fn stored(h: &Harness, session: &str) -> usize {
    h.emulator
        .control()
        .messages(session)
        .unwrap()
        .as_array()
        .unwrap()
        .len()
}

fn all_offline(h: &Harness) {
    for agent in ["shannon@qq.com", "test_agent@qq.com", "night_agent@qq.com"] {
        h.emulator.control().set_agent_online(agent, false).unwrap();
    }
}

/// A new session in chatbot reception.
fn new_session(h: &Harness, user: &str) -> String {
    h.control("POST", "sessions", json!({"client_user_id": user}))["session_id"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[test]
fn every_row_has_its_test_and_every_test_its_row() {
    let source = include_str!("assumptions.rs");
    for a in ASSUMPTIONS {
        assert!(
            source.contains(&format!("fn assumption_{}()", a.id)),
            "no test for the assumption {:?}",
            a.id
        );
    }
    for line in source.lines() {
        if let Some(rest) = line.trim().strip_prefix("fn assumption_") {
            let id = rest.trim_end_matches("() {");
            assert!(
                ASSUMPTIONS.iter().any(|a| a.id == id),
                "the test assumption_{id} has no row"
            );
        }
    }
}

#[test]
fn assumption_dedup_same_second() {
    let h = Harness::new();
    let control = h.emulator.control();
    control.freeze_clock(T0);
    let message = in_session(ALICE, text(7, "hi"));
    assert_ok(&h.call(SEND, message.clone()));
    assert_ok(&h.call(SEND, message.clone()));
    assert_eq!(stored(&h, ALICE), 1, "same second: stored once");
    control.advance_clock(1);
    assert_ok(&h.call(SEND, message.clone()));
    assert_eq!(stored(&h, ALICE), 2, "a later second: a second message");
    assert_eq!(
        h.control("GET", "dedup", Value::Null)["window"],
        "same_second"
    );
    h.control("POST", "dedup", json!({"window": "forever"}));
    control.advance_clock(60);
    assert_ok(&h.call(SEND, message.clone()));
    assert_eq!(stored(&h, ALICE), 2);
    h.control("POST", "dedup", json!({"window": "none"}));
    assert_ok(&h.call(SEND, message.clone()));
    assert_ok(&h.call(SEND, message));
    assert_eq!(stored(&h, ALICE), 4);
    // The same between accounts.
    h.control("POST", "dedup", json!({"window": "same_second"}));
    let direct = json!({"FromAccount": BOT_ACCOUNT, "ToAccount": "user_dave", "MsgRandom": 9,
        "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "x"}}]});
    let roaming = |h: &Harness| {
        h.emulator.control().conversations("user_dave")[0]["roaming_messages"]
            .as_array()
            .unwrap()
            .len()
    };
    assert_ok(&h.call(SEND, direct.clone()));
    assert_ok(&h.call(SEND, direct.clone()));
    assert_eq!(roaming(&h), 1);
    control.advance_clock(1);
    assert_ok(&h.call(SEND, direct));
    assert_eq!(roaming(&h), 2);
}

#[test]
fn assumption_random_any_unsigned() {
    let h = Harness::new();
    let app = h.emulator.app();
    let query = |random: &str| {
        format!(
            "sdkappid={}&identifier={}&usersig={}&random={random}&contenttype=json",
            app.sdkappid, app.admin, h.admin_sig
        )
    };
    let body = json!({"StartTimestamp": 0, "EndTimestamp": 1}).to_string();
    let path = "desk_http_svc/describe_im_cdr_list";
    assert_ok(&h.call_with_query(path, &query("1732604400123456789"), &body));
    assert_ok(&h.call_with_query(
        path,
        &query("340282366920938463463374607431768211456"),
        &body,
    ));
    for bad in ["-1", "1.5", "0x10", ""] {
        assert_fail(&h.call_with_query(path, &query(bad), &body), 60002);
    }
}

#[test]
fn assumption_contenttype_json() {
    let h = Harness::new();
    let app = h.emulator.app();
    let base = format!(
        "sdkappid={}&identifier={}&usersig={}&random=1",
        app.sdkappid, app.admin, h.admin_sig
    );
    let body = json!({"SessionId": ALICE}).to_string();
    assert_fail(&h.call_with_query(END, &base, &body), 60002);
    assert_fail(
        &h.call_with_query(END, &format!("{base}&contenttype=xml"), &body),
        60002,
    );
}

#[test]
fn assumption_method_post() {
    let h = Harness::new();
    let url = format!("{}/v4/{END}?{}", h.emulator.base_url(), h.query());
    let answer: Value =
        serde_json::from_slice(&h.http.get(url).send().unwrap().bytes().unwrap()).unwrap();
    assert_fail(&answer, 60002);
}

#[test]
fn assumption_end_session_needs_session_id() {
    let h = Harness::new();
    assert_fail(&h.call(END, json!({})), 141004);
}

#[test]
fn assumption_cdr_window_order() {
    let h = Harness::new();
    let path = "desk_http_svc/describe_im_cdr_list";
    assert_fail(
        &h.call(path, json!({"StartTimestamp": 10, "EndTimestamp": 9})),
        141004,
    );
    assert_ok(&h.call(path, json!({"StartTimestamp": 9, "EndTimestamp": 9})));
}

#[test]
fn assumption_unknown_command_60009() {
    let h = Harness::new();
    assert_fail(&h.call("desk_http_svc/no_such_command", json!({})), 60009);
}

#[test]
fn assumption_modelled_not_served_60009() {
    // No endpoint lacks its behaviour today, so the test serves a model of its own: the
    // model's checks still come first, then 60009 names the path and the model file.
    let model: &'static timdesk::model::EndpointModel =
        Box::leak(Box::new(timdesk::model::EndpointModel {
            name: "not_served_yet",
            path: "desk_http_svc/not_served_yet",
            ..timdesk::model::END_QUEUING
        }));
    let endpoint = timdesk_emulator::Endpoint::from(model);
    assert!(!endpoint.served());
    assert_eq!(endpoint.check(b"{}").unwrap_err().code, 141004);
    let err = endpoint.check(br#"{"SessionID": "s"}"#).unwrap_err();
    assert_eq!(err.code, 60009);
    assert!(
        err.info.contains("desk_http_svc/not_served_yet")
            && err.info.contains("models/not_served_yet.json"),
        "{}",
        err.info
    );
}

#[test]
fn assumption_admin_codes() {
    let h = Harness::new();
    let app = h.emulator.app();
    let sig = Signer::new(app.sdkappid, &app.secret_key).generate("user_dave", 600, None);
    let query = format!(
        "sdkappid={}&identifier=user_dave&usersig={sig}&random=1&contenttype=json",
        app.sdkappid
    );
    for (path, expected) in [
        (TRANSFER, 90009),
        (SEND, 90009),
        ("recentcontact/delete", 50003),
        (END, 60010),
        ("desk_http_svc/describe_im_cdr_list", 60010),
    ] {
        assert_fail(&h.call_with_query(path, &query, "{}"), expected);
    }
}

#[test]
fn assumption_transfer_picks_least_loaded() {
    let h = Harness::new();
    for agent in ["a@x.com", "b@x.com"] {
        h.control(
            "POST",
            "agents",
            json!({"agent_id": agent, "agent_group_id": 9, "capacity": 2}),
        );
    }
    let first = transfer(&h, ALICE, json!({"AgentGroupId": 9}));
    assert_eq!(first["AgentId"], "a@x.com", "ties go to the lower id");
    let second = transfer(&h, BOB, json!({"AgentGroupId": 9}));
    assert_eq!(second["AgentId"], "b@x.com", "then the least loaded");
    let listed = transfer(
        &h,
        CAROL,
        json!({"AgentIdList": ["a@x.com"], "AgentGroupId": 9}),
    );
    assert_eq!(
        listed["AgentId"], "a@x.com",
        "a listed online agent comes first"
    );
}

#[test]
fn assumption_transfer_unknown_group_141004() {
    let h = Harness::new();
    assert_fail(
        &transfer(&h, ALICE, json!({"AgentGroupId": 424242})),
        141004,
    );
    assert_eq!(state(&h, ALICE), "chatbot_reception");
}

#[test]
fn assumption_transfer_again_141003() {
    let h = Harness::new();
    assert_ok(&transfer(&h, ALICE, json!({})));
    assert_fail(&transfer(&h, ALICE, json!({})), 141003);
}

#[test]
fn assumption_malformed_session_id() {
    let h = Harness::new();
    assert_fail(&transfer(&h, "not-a-uuid", json!({})), 141006);
    assert_fail(&h.call(END, json!({"SessionId": "not-a-uuid"})), 141005);
    assert_fail(
        &h.call(SEND, in_session("not-a-uuid", text(1, "x"))),
        141005,
    );
}

#[test]
fn assumption_size_limit_12k() {
    let h = Harness::new();
    // A body of exactly `bytes` bytes: the request padded with a field the server ignores.
    let sized = |mut body: Value, bytes: usize| {
        body["Pad"] = json!("");
        let pad = bytes - body.to_string().len();
        body["Pad"] = json!("p".repeat(pad));
        assert_eq!(body.to_string().len(), bytes);
        body
    };
    let at_limit = h.call(TRANSFER, sized(json!({"SessionId": ALICE}), 12_288));
    assert_ok(&at_limit);
    assert_fail(
        &h.call(TRANSFER, sized(json!({"SessionId": BOB}), 12_289)),
        93000,
    );
    assert_eq!(state(&h, BOB), "chatbot_reception", "nothing was applied");
    assert_fail(
        &h.call(SEND, sized(in_session(CAROL, text(7, "x")), 12_289)),
        93000,
    );
    assert_ok(&h.call(SEND, sized(in_session(CAROL, text(8, "x")), 12_288)));
}

#[test]
fn assumption_send_msg_target() {
    let h = Harness::new();
    assert_fail(&h.call(SEND, text(1, "nowhere")), 141004);
    let mut half = text(2, "half");
    half["FromAccount"] = json!("@customer_service_account");
    assert_fail(&h.call(SEND, half.clone()), 141004);
    half["ToAccount"] = json!("");
    assert_fail(&h.call(SEND, half.clone()), 141004);
    half["ToAccount"] = json!("user_alice");
    assert_ok(&h.call(SEND, half));
    let mut both = in_session(ALICE, text(3, "in the session"));
    both["FromAccount"] = json!("nobody");
    assert_ok(&h.call(SEND, both));
}

#[test]
fn assumption_element_checks() {
    let h = Harness::new();
    let with_body = |random: u64, body: Value| {
        let mut message = in_session(ALICE, text(random, "x"));
        message["MsgBody"] = body;
        h.call(SEND, message)
    };
    assert_fail(&with_body(1, json!([])), 90002);
    let unknown = with_body(2, json!([{"MsgType": "TIMRelayElem", "MsgContent": {}}]));
    assert_fail(&unknown, 90010);
    assert!(
        unknown["ErrorInfo"]
            .as_str()
            .unwrap()
            .contains("MsgBody[0]")
    );
    let text_as_number = json!([{"MsgType": "TIMFaceElem", "MsgContent": {"Index": "1"}}]);
    let wrong_type = with_body(3, text_as_number);
    assert_fail(&wrong_type, 90010);
    assert!(wrong_type["ErrorInfo"].as_str().unwrap().contains("Index"));
    let missing = with_body(4, json!([{"MsgType": "TIMTextElem", "MsgContent": {}}]));
    assert_fail(&missing, 90010);
    assert_ok(&with_body(
        5,
        json!([{"MsgType": "TIMFaceElem", "MsgContent": {"Index": 1}}]),
    ));
}

#[test]
fn assumption_error_info_bounded() {
    let h = Harness::new();
    let huge = format!("{}-tail", "s".repeat(1 << 20));
    let answer = h.call(
        "desk_http_svc/get_session_state",
        json!({"SessionId": huge}),
    );
    assert_fail(&answer, 141005);
    let info = answer["ErrorInfo"].as_str().unwrap();
    assert!(
        info.len() <= timdesk_emulator::MAX_ERROR_INFO_BYTES,
        "{} bytes",
        info.len()
    );
    assert!(info.contains("ssss"), "{info}");
    assert!(info.contains("(1048581 bytes in all)"), "{info}");
    let short = h.call("desk_http_svc/get_session_state", json!({"SessionId": "x"}));
    let short = short["ErrorInfo"].as_str().unwrap();
    assert!(short.contains("session x does not exist"), "{short}");
    // Whatever composed the text, no ErrorInfo exceeds the cap.
    let long = format!("{}-tail", "t".repeat(4096));
    let answer = h.call(
        "desk_http_svc/transfer_to_human",
        json!({"SessionId": long}),
    );
    let info = answer["ErrorInfo"].as_str().unwrap();
    assert!(
        info.len() <= timdesk_emulator::MAX_ERROR_INFO_BYTES,
        "{} bytes",
        info.len()
    );
    assert!(info.contains("bytes left out"), "{info}");
}

#[test]
fn assumption_out_of_hours() {
    let h = Harness::new();
    h.emulator.control().freeze_clock(T0); // 06:13 in UTC+8
    h.control(
        "POST",
        "working_hours",
        json!({"start": "09:00", "end": "18:00", "utc_offset_minutes": 480}),
    );
    let closed = transfer(
        &h,
        ALICE,
        json!({"CheckIfDuringWorkingHours": 1, "SendPromptNotDuringWorkingHours": 1}),
    );
    assert_ok(&closed);
    assert_eq!(
        (&closed["AgentId"], &closed["IsInQueue"]),
        (&json!(""), &json!(0))
    );
    assert_eq!(state(&h, ALICE), "chatbot_reception");
    let messages = h.emulator.control().messages(ALICE).unwrap();
    assert_eq!(
        messages[0]["msg_body"][0]["MsgContent"]["Text"],
        OUT_OF_HOURS_PROMPT
    );
    assert_eq!(
        transfer(&h, BOB, json!({"CheckIfDuringWorkingHours": 1}))["AgentId"],
        ""
    );
    assert_eq!(stored(&h, BOB), 0, "no prompt unless asked");
    // Without the check, or within the hours, the transfer happens.
    assert_ne!(transfer(&h, ALICE, json!({}))["AgentId"], "");
    h.emulator.control().advance_clock(3 * 3600);
    assert_ne!(
        transfer(&h, BOB, json!({"CheckIfDuringWorkingHours": 1}))["AgentId"],
        ""
    );
}

#[test]
fn assumption_none_online() {
    let h = Harness::new();
    all_offline(&h);
    assert_fail(&transfer(&h, ALICE, json!({})), 141001);
    assert_eq!(state(&h, ALICE), "chatbot_reception");
    assert_fail(
        &transfer(&h, BOB, json!({"EndSessionWhenNoMemberOnline": 1})),
        141001,
    );
    assert_eq!(state(&h, BOB), "ended");
    assert_eq!(end_status(&h, BOB), "NoAgentsOnline");
}

#[test]
fn assumption_restore_member_online() {
    const RESTORE: &str = "desk_http_svc/restore_member_online";
    let h = Harness::new();
    let online = |h: &Harness| {
        h.control("GET", "agents", Value::Null)
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["agent_id"] == "test_agent@qq.com")
            .map(|a| a["online"].clone())
    };
    h.control(
        "POST",
        "agents/test_agent@qq.com/online",
        json!({"online": false}),
    );
    assert_eq!(online(&h), Some(json!(false)));
    // Group 2473's only online member is now offline: no one takes the session.
    assert_fail(&transfer(&h, ALICE, json!({"AgentGroupId": 2473})), 141001);

    assert_ok(&h.call(RESTORE, json!({"MemberMail": "test_agent@qq.com"})));
    assert_eq!(online(&h), Some(json!(true)));
    assert_eq!(
        transfer(&h, ALICE, json!({"AgentGroupId": 2473}))["AgentId"],
        "test_agent@qq.com",
        "the restored member takes sessions again"
    );
    assert_ok(&h.call(RESTORE, json!({"MemberMail": "test_agent@qq.com"})));
    assert_fail(
        &h.call(RESTORE, json!({"MemberMail": "nobody@qq.com"})),
        141010,
    );
    assert_fail(&h.call(RESTORE, json!({})), 141004);
}

#[test]
fn assumption_agents_busy_141012() {
    let h = Harness::new();
    // Group 2473: test_agent (capacity 1) online, night_agent offline.
    assert_eq!(
        transfer(&h, ALICE, json!({"AgentGroupId": 2473}))["AgentId"],
        "test_agent@qq.com"
    );
    assert_fail(
        &transfer(&h, BOB, json!({"AgentGroupId": 2473, "DisableQueuing": 1})),
        141012,
    );
    assert_eq!(state(&h, BOB), "chatbot_reception");
    assert_eq!(
        transfer(&h, BOB, json!({"AgentGroupId": 2473}))["IsInQueue"],
        1
    );
}

#[test]
fn assumption_member_status() {
    let h = Harness::new();
    let control = h.emulator.control();
    h.control(
        "POST",
        "agents/test_agent@qq.com/status",
        json!({"status": "busy"}),
    );
    assert_eq!(
        transfer(&h, ALICE, json!({"AgentGroupId": 2473}))["IsInQueue"],
        1
    );
    let busy_ok = transfer(
        &h,
        BOB,
        json!({"AgentGroupId": 2473, "AllowAssignBusyMember": 1}),
    );
    assert_eq!(busy_ok["AgentId"], "test_agent@qq.com");
    h.control(
        "POST",
        "agents/shannon@qq.com/status",
        json!({"status": "rest"}),
    );
    let resting = transfer(
        &h,
        CAROL,
        json!({"AgentGroupId": 3067, "AllowAssignBusyMember": 1}),
    );
    assert_eq!(
        resting["IsInQueue"], 1,
        "a resting member is never assigned"
    );
    control
        .set_agent_status("shannon@qq.com", timdesk_emulator::MemberStatus::Free)
        .unwrap();
    assert_eq!(
        state(&h, CAROL),
        "with_agent",
        "the queue drains when she is free again"
    );
}

#[test]
fn assumption_priority_default_lowest() {
    let h = Harness::new();
    assert_ok(&transfer(&h, ALICE, json!({"AgentGroupId": 2473})));
    let dave = new_session(&h, "user_dave");
    assert_eq!(
        transfer(&h, BOB, json!({"AgentGroupId": 2473}))["IsInQueue"],
        1
    );
    assert_eq!(
        transfer(&h, CAROL, json!({"AgentGroupId": 2473, "Priority": 3}))["IsInQueue"],
        1
    );
    assert_eq!(
        transfer(&h, &dave, json!({"AgentGroupId": 2473, "Priority": 3}))["IsInQueue"],
        1
    );
    let queue = h.control("GET", "queue", Value::Null);
    let order: Vec<&str> = queue
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["session_id"].as_str().unwrap())
        .collect();
    assert_eq!(order, [CAROL, dave.as_str(), BOB]);
    assert_eq!(queue[2]["priority"], 9);
    assert_ok(&h.call(END, json!({"SessionId": ALICE})));
    assert_eq!(state(&h, CAROL), "with_agent");
    assert_fail(
        &transfer(&h, &new_session(&h, "user_erin"), json!({"Priority": 10})),
        141004,
    );
}

#[test]
fn assumption_queue_timeout_seconds() {
    let h = Harness::new();
    let control = h.emulator.control();
    control.freeze_clock(T0);
    assert_ok(&transfer(&h, ALICE, json!({"AgentGroupId": 2473})));
    assert_eq!(
        transfer(&h, BOB, json!({"AgentGroupId": 2473, "QueueTimeout": 60}))["IsInQueue"],
        1
    );
    assert_eq!(
        transfer(&h, CAROL, json!({"AgentGroupId": 2473}))["IsInQueue"],
        1
    );
    control.advance_clock(59);
    assert_eq!(state(&h, BOB), "queued");
    control.advance_clock(1);
    assert_eq!(state(&h, BOB), "ended");
    assert_eq!(end_status(&h, BOB), "TimeoutTransfer");
    control.advance_clock(86_400);
    assert_eq!(state(&h, CAROL), "queued", "no QueueTimeout, no timeout");
}

#[test]
fn assumption_end_status_of_each_ending() {
    let h = Harness::new();
    assert_ok(&h.call(END, json!({"SessionId": ALICE})));
    assert_eq!(end_status(&h, ALICE), "ChatbotReception");
    assert_ok(&transfer(&h, BOB, json!({})));
    assert_ok(&h.call(END, json!({"SessionId": BOB})));
    assert_eq!(end_status(&h, BOB), "AgentEndedSession");
    assert_fail(&h.call(END, json!({"SessionId": BOB})), 141005);
    assert_ok(&transfer(&h, CAROL, json!({"AgentGroupId": 2473})));
    let dave = new_session(&h, "user_dave");
    assert_eq!(
        transfer(&h, &dave, json!({"AgentGroupId": 2473}))["IsInQueue"],
        1
    );
    assert_ok(&h.call(END, json!({"SessionId": dave})));
    assert_eq!(end_status(&h, &dave), "AgentEndedSession");
}

#[test]
fn assumption_recentcontact_limits() {
    let h = Harness::new();
    assert_fail(&h.call_text("recentcontact/delete", "{not json"), 50002);
    let state = h.control("GET", "state", Value::Null);
    assert_eq!(state["rate_limits"], json!({"recentcontact/delete": 200}));
    h.control("POST", "rate_limits", json!({"path": END, "per_second": 1}));
    assert_ok(&h.call(END, json!({"SessionId": ALICE})));
    assert_fail(&h.call(END, json!({"SessionId": BOB})), 141009);
}

#[test]
fn assumption_tip_texts() {
    let h = Harness::new();
    all_offline(&h);
    assert_fail(
        &transfer(&h, ALICE, json!({"SendTipIfNoAgentOnline": 1})),
        141001,
    );
    let messages = h.emulator.control().messages(ALICE).unwrap();
    assert_eq!(messages[0]["from"], BOT_ACCOUNT);
    assert_eq!(messages[0]["kind"], "tip");
    assert_eq!(
        messages[0]["msg_body"][0]["MsgContent"]["Text"],
        NO_AGENT_TIP
    );
}

fn call_ok(h: &Harness, path: &str, body: Value) -> Value {
    let answer = h.call(path, body);
    assert_ok(&answer);
    answer
}

#[test]
fn assumption_session_state_lookup() {
    let h = Harness::new();
    let state = "desk_http_svc/get_session_state";
    assert_eq!(
        call_ok(&h, state, json!({"SessionId": ALICE}))["CurrentState"],
        "Chatbot"
    );
    assert_ok(&transfer(&h, ALICE, json!({"AgentGroupId": 2473})));
    let answer = call_ok(&h, state, json!({"SessionId": ALICE}));
    assert_eq!(
        (&answer["CurrentState"], &answer["AgentId"]),
        (&json!("Agent"), &json!("test_agent@qq.com"))
    );
    assert_eq!(
        transfer(&h, BOB, json!({"AgentGroupId": 2473}))["IsInQueue"],
        1
    );
    assert_eq!(
        call_ok(&h, state, json!({"SessionId": BOB}))["CurrentState"],
        "Queueing"
    );
    let by_user = call_ok(
        &h,
        state,
        json!({"ClientUserId": "user_bob", "CustomerServiceId": "any"}),
    );
    assert_eq!(by_user["SessionId"], BOB);
    let nobody = call_ok(
        &h,
        state,
        json!({"ClientUserId": "user_dave", "CustomerServiceId": "any"}),
    );
    assert_eq!(
        (&nobody["CurrentState"], &nobody["SessionId"]),
        (&json!("NotInSession"), &json!(""))
    );
    assert_fail(
        &h.call(
            state,
            json!({"SessionId": "00000000-0000-4000-a000-000000000000"}),
        ),
        141005,
    );
    assert_fail(&h.call(state, json!({})), 141004);
}

#[test]
fn assumption_end_queuing_back_to_chatbot() {
    let h = Harness::new();
    let end_queuing = "desk_http_svc/end_queuing";
    assert_ok(&transfer(&h, ALICE, json!({"AgentGroupId": 2473})));
    assert_eq!(
        transfer(&h, BOB, json!({"AgentGroupId": 2473}))["IsInQueue"],
        1
    );
    assert_fail(&h.call(end_queuing, json!({"SessionId": BOB})), 141004); // SessionID, capital D
    call_ok(&h, end_queuing, json!({"SessionID": BOB}));
    assert_eq!(state(&h, BOB), "chatbot_reception");
    assert_eq!(end_status(&h, BOB), Value::Null, "no CDR");
    assert_fail(&h.call(end_queuing, json!({"SessionID": BOB})), 141027);
    assert_fail(
        &h.call(
            end_queuing,
            json!({"SessionID": "00000000-0000-4000-a000-000000000000"}),
        ),
        141005,
    );
}

#[test]
fn assumption_message_roles_and_times() {
    let h = Harness::new();
    h.emulator.control().freeze_clock(T0);
    h.control(
        "POST",
        &format!("sessions/{ALICE}/messages"),
        json!({"from": "user", "text": "hello"}),
    );
    assert_ok(&transfer(&h, ALICE, json!({"AgentGroupId": 2473})));
    h.control(
        "POST",
        &format!("sessions/{ALICE}/messages"),
        json!({"from": "agent", "text": "hi, how can I help?"}),
    );
    assert_ok(&h.call(SEND, in_session(ALICE, text(5, "from the app"))));
    let history = call_ok(
        &h,
        "desk_http_svc/describe_chat_messages",
        json!({"SessionId": ALICE, "Order": 1}),
    );
    assert_eq!(history["TotalCount"], 3);
    let roles: Vec<(Value, Value)> = history["Messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["FromAccount"].clone(), m["FromAccountRole"].clone()))
        .collect();
    assert_eq!(
        roles,
        [
            (json!("user_alice"), json!(1)),
            (json!("test_agent@qq.com"), json!(2)),
            (json!(BOT_ACCOUNT), json!(3)),
        ]
    );
    assert_eq!(history["Messages"][0]["Timestamp"], T0 * 1000);
    let newest_first = call_ok(
        &h,
        "desk_http_svc/describe_chat_messages",
        json!({"SessionId": ALICE, "Limit": 1}),
    );
    assert_eq!(
        newest_first["Messages"][0]["FromAccountRole"], 3,
        "Order 2 (newest first) by default"
    );
    assert_eq!(newest_first["Messages"].as_array().unwrap().len(), 1);
}

#[test]
fn assumption_msg_keys() {
    let h = Harness::new();
    let key = h.control(
        "POST",
        &format!("sessions/{ALICE}/messages"),
        json!({"from": "user", "text": "typo"}),
    )["msg_key"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(key.split('_').count(), 3, "{key}");
    let fixed = json!([{"MsgType": "TIMTextElem", "MsgContent": {"Text": "fixed"}}]);
    call_ok(
        &h,
        "desk_http_svc/modify_msg",
        json!({"SessionId": ALICE, "MsgKey": key, "MsgBody": fixed}),
    );
    let messages = h.emulator.control().messages(ALICE).unwrap();
    assert_eq!(messages[0]["msg_body"][0]["MsgContent"]["Text"], "fixed");
    assert_fail(
        &h.call(
            "desk_http_svc/modify_msg",
            json!({"SessionId": ALICE, "MsgKey": "1_2_3", "MsgBody": fixed}),
        ),
        141004,
    );
    assert_fail(
        &h.call(
            "desk_http_svc/modify_msg",
            json!({"SessionId": ALICE, "MsgKey": key, "MsgBody": {}}),
        ),
        90007,
    );
}

#[test]
fn assumption_stream_messages() {
    let h = Harness::new();
    let stream = "desk_http_svc/send_stream_msg";
    let first = call_ok(&h, stream, json!({"SessionId": ALICE, "Chunk": "Hello, "}));
    let key = first["MsgKey"].as_str().unwrap().to_owned();
    call_ok(
        &h,
        stream,
        json!({"SessionId": ALICE, "Chunk": "how can ", "MsgKey": key}),
    );
    call_ok(
        &h,
        stream,
        json!({"SessionId": ALICE, "Chunk": "I help?", "MsgKey": key, "Finish": 1}),
    );
    let messages = h.emulator.control().messages(ALICE).unwrap();
    assert_eq!(messages.as_array().unwrap().len(), 1);
    assert_eq!(
        messages[0]["msg_body"][0]["MsgContent"]["Text"],
        "Hello, how can I help?"
    );
    assert_fail(
        &h.call(
            stream,
            json!({"SessionId": ALICE, "Chunk": "more", "MsgKey": key}),
        ),
        141004,
    );
    assert_fail(
        &h.call(
            stream,
            json!({"SessionId": ALICE, "Chunk": "x", "MsgKey": "9_9_9"}),
        ),
        141004,
    );
    assert_fail(&h.call(stream, json!({"SessionId": ALICE})), 141004);
}

#[test]
fn assumption_contact_user_rules() {
    let h = Harness::new();
    let contact = "desk_http_svc/contact_user";
    let answer = call_ok(
        &h,
        contact,
        json!({"IMAgentUserId": "@im_agent", "ClientUserId": "user_dave", "GroupId": 3067}),
    );
    assert_eq!(answer["MemberId"], "shannon@qq.com");
    let by_user = call_ok(
        &h,
        "desk_http_svc/get_session_state",
        json!({"ClientUserId": "user_dave", "CustomerServiceId": "@im_agent"}),
    );
    assert_eq!(by_user["CurrentState"], "Agent");
    assert_fail(
        &h.call(
            contact,
            json!({"IMAgentUserId": "@im_agent", "ClientUserId": "user_dave"}),
        ),
        141003,
    );
    assert_fail(
        &h.call(
            contact,
            json!({"IMAgentUserId": "@a", "ClientUserId": "u1", "MemberId": "night_agent@qq.com"}),
        ),
        141011,
    );
    assert_fail(
        &h.call(
            contact,
            json!({"IMAgentUserId": "@a", "ClientUserId": "u2", "MemberId": "nobody@qq.com"}),
        ),
        141010,
    );
    assert_ok(&h.call(
        contact,
        json!({"IMAgentUserId": "@a", "ClientUserId": "u3", "MemberId": "test_agent@qq.com"}),
    ));
    assert_fail(
        &h.call(
            contact,
            json!({"IMAgentUserId": "@a", "ClientUserId": "u4", "MemberId": "test_agent@qq.com"}),
        ),
        141012,
    );
    assert_fail(
        &h.call(
            contact,
            json!({"IMAgentUserID": "@a", "ClientUserID": "u5"}),
        ),
        141004,
    );
    all_offline(&h);
    assert_fail(
        &h.call(
            contact,
            json!({"IMAgentUserId": "@a", "ClientUserId": "u6"}),
        ),
        141001,
    );
}

/// A webhook receiver on 127.0.0.1: answers 200 and hands each (query, body) over.
/// A local webhook that acknowledges every callback and passes on (query, body).
fn receiver() -> (String, std::sync::mpsc::Receiver<(String, Vec<u8>)>) {
    receiver_answering(|_, _, _| {
        (
            200,
            r#"{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":""}"#.to_owned(),
        )
    })
}

/// A local webhook whose answer to the `n`th callback (from 0) is `answer(n, query, body)`.
fn receiver_answering(
    answer: impl Fn(usize, &str, &[u8]) -> (u16, String) + Send + 'static,
) -> (String, std::sync::mpsc::Receiver<(String, Vec<u8>)>) {
    use std::io::{BufRead, BufReader, Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/desk/callback", listener.local_addr().unwrap());
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for (n, stream) in listener.incoming().enumerate() {
            let mut stream = stream.unwrap();
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            let target = line.split(' ').nth(1).unwrap_or_default().to_owned();
            let mut length = 0;
            loop {
                let mut header = String::new();
                reader.read_line(&mut header).unwrap();
                if header.trim().is_empty() {
                    break;
                }
                if let Some(v) = header.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = v.trim().parse().unwrap();
                }
            }
            let mut body = vec![0; length];
            reader.read_exact(&mut body).unwrap();
            let query = target.split_once('?').map(|(_, q)| q.to_owned());
            let (status, text) = answer(n, query.as_deref().unwrap_or_default(), &body);
            let _ = write!(
                stream,
                "HTTP/1.1 {status} X\r\nContent-Length: {}\r\n\r\n{text}",
                text.len()
            );
            if tx.send((query.unwrap_or_default(), body)).is_err() {
                break;
            }
        }
    });
    (url, rx)
}

#[test]
fn assumption_session_events() {
    use timdesk::callbacks::{Callback, Verifier};
    let h = Harness::new();
    let (url, received) = receiver();
    h.control("POST", "callback", json!({"url": url}));
    let session = new_session(&h, "user_erin");
    h.control(
        "POST",
        &format!("sessions/{session}/messages"),
        json!({"from": "user", "text": "hello"}),
    );
    assert_ok(&h.call(SEND, in_session(&session, text(7, "bot here"))));
    assert_ok(&transfer(&h, &session, json!({})));
    assert_ok(&h.call(SEND, in_session(&session, text(8, "after transfer"))));
    call_ok(
        &h,
        "desk_http_svc/contact_user",
        json!({"IMAgentUserId": "@im_agent", "ClientUserId": "user_dave"}),
    );

    let verifier = Verifier::new(h.emulator.app().sdkappid);
    let mut events = Vec::new();
    for _ in 0..4 {
        let (query, body) = received
            .recv_timeout(std::time::Duration::from_secs(5))
            .expect("a callback");
        assert!(
            query.contains("CallbackCommand=Desk.SessionEventNotify"),
            "{query}"
        );
        let Callback::SessionEvent(e) = verifier.verify(&query, &body).expect("verifies") else {
            panic!("a session event");
        };
        events.push(*e);
    }
    let names: Vec<&str> = events.iter().map(|e| e.event.as_str()).collect();
    assert_eq!(
        names,
        [
            "SessionBegin",
            "ChatBot.UserSendMsg",
            "ChatBot.RobotSendMsg",
            "SessionBegin"
        ],
        "in order, and nothing for the transfer or the message after it"
    );
    assert_eq!(events[0].session_id, session);
    assert_eq!(events[1].msg_body[0]["MsgContent"]["Text"], "hello");
    assert_eq!(events[1].client_user_id, "user_erin");
    assert!(!events[2].msg_key.is_empty());
    assert!(events[3].is_contact_user && !events[3].agent_id.is_empty());
    assert!(events[0].event_time_ms > 1_000_000_000_000, "milliseconds");
    assert!(
        received
            .recv_timeout(std::time::Duration::from_millis(300))
            .is_err(),
        "no event names beyond the documented three"
    );
    let log = h.control("GET", "callbacks", Value::Null);
    assert_eq!(log.as_array().unwrap().len(), 4);
    assert_eq!(log[0]["status"], 200);
    let bad = h
        .emulator
        .control()
        .handle("POST", "callback", br#"{"url": "https://x"}"#);
    assert_eq!(bad.0, 400, "{bad:?}");
}

#[test]
fn assumption_callback_retries() {
    use std::time::Duration;
    let h = Harness::new();
    // The app fails the first two deliveries (a 500, then an answer that is not OK).
    let (url, received) = receiver_answering(|n, _, _| match n {
        0 => (500, "oops".to_owned()),
        1 => (200, r#"{"ActionStatus":"FAIL","ErrorCode":1}"#.to_owned()),
        _ => (
            200,
            r#"{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":""}"#.to_owned(),
        ),
    });
    h.control(
        "POST",
        "callback",
        json!({"url": url, "retry_delay_ms": 20}),
    );
    new_session(&h, "user_retry");
    let ids: Vec<String> = (0..3)
        .map(|_| {
            let (query, _) = received
                .recv_timeout(Duration::from_secs(5))
                .expect("a delivery");
            let id = query
                .split('&')
                .find(|p| p.starts_with("RequestID="))
                .unwrap();
            id.to_owned()
        })
        .collect();
    assert!(ids.iter().all(|id| *id == ids[0]), "one RequestID: {ids:?}");
    assert!(
        received.recv_timeout(Duration::from_millis(300)).is_err(),
        "no delivery after the acknowledgement"
    );
    let log = h.control("GET", "callbacks", Value::Null);
    let attempts: Vec<(u64, bool)> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["attempt"].as_u64().unwrap(),
                e["acknowledged"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(attempts, [(1, false), (2, false), (3, true)]);

    // With retries 0 an unacknowledged event is delivered once.
    let (url, received) = receiver_answering(|_, _, _| (503, String::new()));
    h.control("POST", "callback", json!({"url": url, "retries": 0}));
    new_session(&h, "user_no_retry");
    assert!(received.recv_timeout(Duration::from_secs(5)).is_ok());
    assert!(received.recv_timeout(Duration::from_millis(300)).is_err());
    let bad = h.emulator.control().handle(
        "POST",
        "callback",
        br#"{"url": "http://127.0.0.1:1/", "retries": -1}"#,
    );
    assert_eq!(bad.0, 400, "{bad:?}");
}

#[test]
fn assumption_assign_human() {
    use std::time::Duration;
    let h = Harness::new();
    // The app's router sends users to test_agent, except user_fail's, which it refuses.
    let (url, received) = receiver_answering(|_, query, body| {
        let body: Value = serde_json::from_slice(body).unwrap();
        if !query.contains("CallbackCommand=ChatBot.OnAssignHuman") {
            return (200, r#"{"ActionStatus":"OK","ErrorCode":0}"#.to_owned());
        }
        if body["ClientUserId"] == "user_fail" {
            return (200, r#"{"ActionStatus":"FAIL","ErrorCode":1}"#.to_owned());
        }
        (
            200,
            r#"{"ActionStatus":"OK","ErrorCode":0,"AgentIdList":["test_agent@qq.com"]}"#.to_owned(),
        )
    });
    h.control(
        "POST",
        "callback",
        json!({"url": url, "assign_human": true}),
    );
    let routed = new_session(&h, "user_routed");
    let answer = transfer(&h, &routed, json!({"AgentIdList": ["shannon@qq.com"]}));
    assert_ok(&answer);
    assert_eq!(
        answer["AgentId"], "test_agent@qq.com",
        "the app's choice wins"
    );
    let asked: Vec<Value> =
        std::iter::from_fn(|| received.recv_timeout(Duration::from_millis(500)).ok())
            .filter(|(query, _)| query.contains("ChatBot.OnAssignHuman"))
            .map(|(_, body)| serde_json::from_slice(&body).unwrap())
            .collect();
    assert_eq!(asked.len(), 1, "asked once");
    assert_eq!(asked[0]["SessionId"], routed.as_str());
    assert_eq!(asked[0]["ClientUserId"], "user_routed");
    assert!(
        asked[0]["EventTime"].as_u64().unwrap() > 1_000_000_000_000,
        "milliseconds"
    );

    // A transfer its model refuses never reaches the app's router.
    let invalid = transfer(&h, &routed, json!({"Priority": 99}));
    assert_ne!(invalid["ErrorCode"], 0, "{invalid}");
    assert!(
        std::iter::from_fn(|| received.recv_timeout(Duration::from_millis(300)).ok())
            .all(|(query, _)| !query.contains("ChatBot.OnAssignHuman")),
        "no OnAssignHuman for a refused request"
    );

    let refused = new_session(&h, "user_fail");
    let answer = transfer(&h, &refused, json!({"AgentIdList": ["shannon@qq.com"]}));
    assert_ok(&answer);
    assert_eq!(
        answer["AgentId"], "shannon@qq.com",
        "a FAIL answer leaves the request as it came"
    );

    // Without the choice, nobody is asked.
    h.control("POST", "callback", json!({"url": url}));
    let plain = new_session(&h, "user_plain");
    assert_eq!(
        transfer(&h, &plain, json!({"AgentIdList": ["shannon@qq.com"]}))["AgentId"],
        "shannon@qq.com"
    );
}
