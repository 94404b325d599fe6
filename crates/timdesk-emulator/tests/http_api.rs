//! The emulator through real HTTP: every documented code it answers with, and the
//! contact-center lifecycle end to end.
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use timdesk::model;
use timdesk::usersig::Signer;
use timdesk_emulator::{Endpoint, Fault, FaultAction};

mod common;
use common::*;

#[test]
fn query_string_checks_answer_with_the_common_codes() {
    let h = Harness::new();
    let app = h.emulator.app().clone();
    let signer = Signer::new(app.sdkappid, &app.secret_key);
    let sig = |id: &str| signer.generate(id, 3600, None);
    let q = |sdkappid: &str, id: &str, usersig: &str, random: &str, ct: &str| {
        format!(
            "sdkappid={sdkappid}&identifier={id}&usersig={usersig}&random={random}&contenttype={ct}"
        )
    };
    let app_id = app.sdkappid.to_string();
    let admin_sig = sig("administrator");
    let cases = [
        (
            "identifier=administrator&usersig=x&random=1&contenttype=json".to_owned(),
            60012,
        ),
        (q("abc", "administrator", &admin_sig, "1", "json"), 60002),
        (q(&app_id, "administrator", &admin_sig, "-1", "json"), 60002),
        (q(&app_id, "administrator", &admin_sig, "", "json"), 60002),
        (
            q(&app_id, "administrator", &admin_sig, "12a", "json"),
            60002,
        ),
        (q(&app_id, "administrator", &admin_sig, "1", "xml"), 60002),
        (
            q("1400000099", "administrator", &admin_sig, "1", "json"),
            70020,
        ),
        (
            format!("sdkappid={app_id}&identifier=administrator&random=1&contenttype=json"),
            60004,
        ),
        (q(&app_id, "administrator", "garbage!", "1", "json"), 70003),
        (
            q(
                &app_id,
                "administrator",
                &Signer::new(app.sdkappid, "wrong").generate("administrator", 60, None),
                "1",
                "json",
            ),
            70009,
        ),
        (
            q(&app_id, "administrator", &sig("someone_else"), "1", "json"),
            70013,
        ),
        (
            q(
                &app_id,
                "administrator",
                &Signer::new(7, &app.secret_key).generate("administrator", 60, None),
                "1",
                "json",
            ),
            70014,
        ),
        (
            q(
                &app_id,
                "administrator",
                &signer.generate_at("administrator", 60, None, 1_000_000),
                "1",
                "json",
            ),
            70001,
        ),
    ];
    for (query, expected) in cases {
        let answer = h.call_with_query(
            "desk_http_svc/end_session",
            &query,
            &json!({"SessionId": ALICE}).to_string(),
        );
        assert_fail(&answer, expected);
    }
    // Wider than the documented u32, as widely used SDKs send (nanosecond timestamps).
    for random in ["4294967296", "1732604400123456789", "0"] {
        let answer = h.call_with_query(
            "desk_http_svc/describe_im_cdr_list",
            &q(&app_id, "administrator", &admin_sig, random, "json"),
            &json!({"StartTimestamp": 0, "EndTimestamp": 1}).to_string(),
        );
        assert_ok(&answer);
    }
}

#[test]
fn a_caller_who_is_not_the_administrator_gets_each_endpoints_admin_code() {
    let h = Harness::new();
    let app = h.emulator.app().clone();
    let user_sig = Signer::new(app.sdkappid, &app.secret_key).generate("user_dave", 3600, None);
    let query = format!(
        "sdkappid={}&identifier=user_dave&usersig={user_sig}&random=7&contenttype=json",
        app.sdkappid
    );
    for (model, expected) in [
        (&model::TRANSFER_TO_HUMAN, 90009),
        (&model::SEND_MSG, 90009),
        (&model::RECENTCONTACT_DELETE, 50003),
        (&model::END_SESSION, 60010),
        (&model::DESCRIBE_IM_CDR_LIST, 60010),
    ] {
        let endpoint = Endpoint::from(model);
        let answer = h.call_with_query(endpoint.path(), &query, "{}");
        assert_fail(&answer, expected);
        assert_eq!(
            answer.get("ErrorDisplay").is_some(),
            endpoint == Endpoint::from(&model::RECENTCONTACT_DELETE)
        );
    }
}

#[test]
fn unknown_command_and_wrong_method() {
    let h = Harness::new();
    assert_fail(&h.call_text("desk_http_svc/no_such_command", "{}"), 60009);
    let url = format!(
        "{}/v4/desk_http_svc/end_session?{}",
        h.emulator.base_url(),
        h.query()
    );
    let answer: Value =
        serde_json::from_slice(&h.http.get(url).send().unwrap().bytes().unwrap()).unwrap();
    assert_fail(&answer, 60002);
}

// ---- send_msg ---------------------------------------------------------------------------

#[test]
fn send_msg_validates_its_body_with_the_documented_codes() {
    let h = Harness::new();
    let path = "desk_http_svc/send_msg";
    let card = json!({"MsgType": "TIMCustomElem", "MsgContent": {"Data": "{\"src\":\"22\"}"}});
    let cases = [
        ("{not json".to_owned(), 90001),
        (json!({"SessionId": ALICE, "MsgBody": [card]}).to_string(), 90005),
        (json!({"SessionId": ALICE, "MsgRandom": "5", "MsgBody": [card]}).to_string(), 90005),
        (json!({"SessionId": ALICE, "MsgRandom": 1.5, "MsgBody": [card]}).to_string(), 90005),
        (json!({"SessionId": ALICE, "MsgRandom": 4_294_967_296u64, "MsgBody": [card]}).to_string(), 90005),
        (json!({"SessionId": ALICE, "MsgRandom": 1}).to_string(), 90002),
        (json!({"SessionId": ALICE, "MsgRandom": 1, "MsgBody": []}).to_string(), 90002),
        (json!({"SessionId": ALICE, "MsgRandom": 1, "MsgBody": card}).to_string(), 90007),
        (json!({"SessionId": ALICE, "MsgRandom": 1, "MsgBody": [{"MsgType": "TIMMagicElem", "MsgContent": {}}]}).to_string(), 90010),
        (json!({"SessionId": ALICE, "MsgRandom": 1, "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": 5}}]}).to_string(), 90010),
        (json!({"SessionId": ALICE, "MsgRandom": 1, "MsgBody": [{"MsgType": "TIMTextElem"}]}).to_string(), 90010),
        (in_session(ALICE, text(1, &"x".repeat(13_000))).to_string(), 93000),
        (in_session("", text(1, "hi")).to_string(), 141004),
        (text(1, "hi").to_string(), 141004),
        (in_session(ALICE, json!({"MsgRandom": 1, "MsgBody": [card], "ExcludeFromUserRespTimeout": 2})).to_string(), 141004),
        (in_session("5f0e2c4a-0000-4000-8000-000000000000", text(1, "hi")).to_string(), 141005),
    ];
    for (body, expected) in cases {
        assert_fail(&h.call_text(path, &body), expected);
    }
    assert!(
        h.emulator
            .control()
            .messages(ALICE)
            .unwrap()
            .as_array()
            .unwrap()
            .is_empty(),
        "nothing refused was stored"
    );
}

#[test]
fn send_msg_deduplicates_by_msg_random_and_keeps_every_field() {
    let h = Harness::new();
    h.emulator.control().freeze_clock(1_700_000_000);
    let mut message = in_session(ALICE, text(777, "hello"));
    message["CloudCustomData"] = json!("ccd");
    message["ExcludeFromUserRespTimeout"] = json!(1);
    for _ in 0..3 {
        assert_ok(&h.call("desk_http_svc/send_msg", message.clone()));
    }
    assert_ok(&h.call(
        "desk_http_svc/send_msg",
        in_session(ALICE, text(778, "second")),
    ));
    let messages = h.emulator.control().messages(ALICE).unwrap();
    let messages = messages.as_array().unwrap();
    assert_eq!(
        messages.len(),
        2,
        "a repeated MsgRandom is stored once: {messages:?}"
    );
    assert_eq!(messages[0]["msg_random"], 777);
    assert_eq!(messages[0]["cloud_custom_data"], "ccd");
    assert_eq!(messages[0]["exclude_from_user_resp_timeout"], true);
    assert_eq!(messages[0]["msg_body"][0]["MsgContent"]["Text"], "hello");
    assert_eq!(messages[0]["to"], "user_alice");
}

#[test]
fn every_element_type_is_accepted_with_its_fields() {
    let h = Harness::new();
    let elements = json!([
        {"MsgType": "TIMTextElem", "MsgContent": {"Text": "t"}},
        {"MsgType": "TIMCustomElem", "MsgContent": {"Data": "{}", "Desc": "card"}},
        {"MsgType": "TIMFaceElem", "MsgContent": {"Index": 1, "Data": "smile"}},
        {"MsgType": "TIMLocationElem", "MsgContent": {"Desc": "here", "Latitude": 22.5, "Longitude": 113.9}},
        {"MsgType": "TIMImageElem", "MsgContent": {"UUID": "u", "ImageFormat": 1, "ImageInfoArray": []}},
        {"MsgType": "TIMSoundElem", "MsgContent": {"Url": "https://x/a.mp3", "Size": 10, "Second": 2}},
        {"MsgType": "TIMFileElem", "MsgContent": {"Url": "https://x/f", "FileSize": 3, "FileName": "f.txt"}},
        {"MsgType": "TIMVideoFileElem", "MsgContent": {"VideoUrl": "v", "VideoSize": 1, "VideoSecond": 1, "VideoFormat": "mp4",
            "ThumbUrl": "t", "ThumbSize": 1, "ThumbWidth": 1, "ThumbHeight": 1, "ThumbFormat": "jpg"}}
    ]);
    assert_ok(&h.call(
        "desk_http_svc/send_msg",
        json!({"SessionId": ALICE, "MsgRandom": 1, "MsgBody": elements}),
    ));
}

#[test]
fn send_msg_by_accounts_creates_the_conversation_both_ways() {
    let h = Harness::new();
    // The repeat below is deduplicated only within the same second: freeze it, or a run
    // that straddles a second boundary stores it twice (it did, once).
    h.emulator.control().freeze_clock(1_700_000_000);
    let body = json!({"FromAccount": "shannon@qq.com", "ToAccount": "user_dave", "MsgRandom": 82139,
        "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "Welcome"}}]});
    assert_ok(&h.call("desk_http_svc/send_msg", body.clone()));
    assert_ok(&h.call("desk_http_svc/send_msg", body));
    let dave = h.emulator.control().conversations("user_dave");
    assert_eq!(dave[0]["peer"], "shannon@qq.com");
    assert_eq!(dave[0]["roaming_messages"].as_array().unwrap().len(), 1);
    assert_eq!(
        h.emulator.control().conversations("shannon@qq.com")[0]["peer"],
        "user_dave"
    );
    let unknown = json!({"FromAccount": "shannon@qq.com", "ToAccount": "nobody", "MsgRandom": 1,
        "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "?"}}]});
    assert_fail(&h.call("desk_http_svc/send_msg", unknown), 141004);
}

// ---- transfer_to_human, end_session, CDRs ----------------------------------------------

#[test]
fn transfer_validates_and_names_bad_session_ids() {
    let h = Harness::new();
    let path = "desk_http_svc/transfer_to_human";
    assert_fail(&h.call_text(path, "[1"), 90001);
    assert_fail(&h.call(path, json!({"SessionId": ""})), 141004);
    assert_fail(&h.call(path, json!({})), 141004);
    assert_fail(&h.call(path, json!({"SessionId": "not-a-session"})), 141006);
    assert_fail(
        &h.call(
            path,
            json!({"SessionId": "5f0e2c4a-0000-4000-8000-000000000000"}),
        ),
        141005,
    );
    assert_fail(
        &h.call(path, json!({"SessionId": ALICE, "AgentGroupId": "3067"})),
        141004,
    );
    assert_fail(
        &h.call(
            path,
            json!({"SessionId": ALICE, "AgentIdList": "shannon@qq.com"}),
        ),
        141004,
    );
    assert_fail(
        &h.call(
            path,
            json!({"SessionId": ALICE, "SendTipIfNoAgentOnline": 2}),
        ),
        141004,
    );
    assert_fail(
        &h.call(path, json!({"SessionId": ALICE, "AgentGroupId": 9999})),
        141004,
    );
}

#[test]
fn transfer_prefers_the_named_online_agent_then_the_group_then_anyone() {
    let h = Harness::new();
    let path = "desk_http_svc/transfer_to_human";
    let a = h.call(
        path,
        json!({"SessionId": ALICE, "AgentIdList": ["night_agent@qq.com", "test_agent@qq.com"]}),
    );
    assert_ok(&a);
    assert_eq!(
        (a["AgentId"].as_str(), a["IsInQueue"].as_u64()),
        (Some("test_agent@qq.com"), Some(0)),
        "the offline one is skipped"
    );
    let b = h.call(path, json!({"SessionId": BOB, "AgentGroupId": 3067}));
    assert_eq!(b["AgentId"], "shannon@qq.com");
    assert_fail(&h.call(path, json!({"SessionId": BOB})), 141003);
    let session = h.emulator.control().session(ALICE).unwrap();
    assert_eq!(
        (
            session["state"].as_str(),
            session["agent_group_id"].as_u64()
        ),
        (Some("with_agent"), Some(2473))
    );
}

#[test]
fn a_full_group_queues_and_a_freed_agent_takes_the_oldest() {
    let h = Harness::new();
    let path = "desk_http_svc/transfer_to_human";
    assert_eq!(
        h.call(path, json!({"SessionId": ALICE, "AgentGroupId": 2473}))["AgentId"],
        "test_agent@qq.com"
    );
    let queued = h.call(path, json!({"SessionId": BOB, "AgentGroupId": 2473}));
    assert_ok(&queued);
    assert_eq!(
        (queued["IsInQueue"].as_u64(), queued["AgentId"].as_str()),
        (Some(1), Some(""))
    );
    assert_fail(&h.call(path, json!({"SessionId": BOB})), 141003);
    assert_ok(&h.call("desk_http_svc/end_session", json!({"SessionId": ALICE})));
    let bob = h.emulator.control().session(BOB).unwrap();
    assert_eq!(
        (bob["state"].as_str(), bob["agent_id"].as_str()),
        (Some("with_agent"), Some("test_agent@qq.com"))
    );
}

#[test]
fn no_agent_online_answers_141001_and_tips_the_user_when_asked() {
    let h = Harness::new();
    let control = h.emulator.control();
    for agent in ["shannon@qq.com", "test_agent@qq.com"] {
        control.set_agent_online(agent, false).unwrap();
    }
    let path = "desk_http_svc/transfer_to_human";
    assert_fail(&h.call(path, json!({"SessionId": ALICE})), 141001);
    assert!(
        control
            .messages(ALICE)
            .unwrap()
            .as_array()
            .unwrap()
            .is_empty()
    );
    assert_fail(
        &h.call(
            path,
            json!({"SessionId": ALICE, "SendTipIfNoAgentOnline": 1}),
        ),
        141001,
    );
    let messages = control.messages(ALICE).unwrap();
    assert_eq!(messages.as_array().unwrap().len(), 1);
    assert_eq!(messages[0]["kind"], "tip");
    assert_eq!(
        control.session(ALICE).unwrap()["state"],
        "chatbot_reception"
    );
    control
        .set_agent_online("night_agent@qq.com", true)
        .unwrap();
    assert_eq!(
        h.call(path, json!({"SessionId": ALICE}))["AgentId"],
        "night_agent@qq.com"
    );
}

#[test]
fn ending_writes_one_cdr_with_every_documented_field() {
    let h = Harness::new();
    assert_ok(&h.call(
        "desk_http_svc/transfer_to_human",
        json!({"SessionId": ALICE, "AgentGroupId": 3067}),
    ));
    assert_ok(&h.call("desk_http_svc/end_session", json!({"SessionId": ALICE})));
    assert_fail(
        &h.call("desk_http_svc/end_session", json!({"SessionId": ALICE})),
        141005,
    );
    assert_fail(
        &h.call("desk_http_svc/send_msg", in_session(ALICE, text(1, "late"))),
        141005,
    );
    assert_fail(
        &h.call(
            "desk_http_svc/transfer_to_human",
            json!({"SessionId": ALICE}),
        ),
        141005,
    );
    assert_fail(
        &h.call("desk_http_svc/end_session", json!({"SessionId": ""})),
        141004,
    );
    assert_fail(&h.call_text("desk_http_svc/end_session", "nope"), 90001);
    let cdrs = h.emulator.control().cdrs();
    assert_eq!(cdrs.as_array().unwrap().len(), 1);
    let cdr = &cdrs[0];
    for field in timdesk::api::CdrRecord::FIELDS {
        assert!(cdr.get(field).is_some(), "CDR lacks {field}: {cdr}");
    }
    assert_eq!(cdr["SessionId"], ALICE);
    assert_eq!(cdr["AgentGroupId"], "3067");
    assert_eq!(cdr["AgentGroupName"], "Online customer service");
    assert_eq!(cdr["AgentId"], "shannon@qq.com");
    assert_eq!(cdr["ClientUserId"], "user_alice");
    assert_eq!(cdr["EndStatus"], "AgentEndedSession");
}

#[test]
fn describe_filters_by_window_and_user_and_pages() {
    let h = Harness::new();
    let control = h.emulator.control();
    for i in 0..25u64 {
        let user = if i % 5 == 0 { "vip" } else { "regular" };
        let id = control
            .create_session(timdesk_emulator::NewSession {
                id: None,
                user: user.into(),
                nickname: None,
                channel: None,
                started_at: Some(1_000 + i),
                satisfaction: Some(5),
            })
            .unwrap();
        control.end_session(&id, "UserEndedSession").unwrap();
    }
    let path = "desk_http_svc/describe_im_cdr_list";
    let all = h.call(path, json!({"StartTimestamp": 1000, "EndTimestamp": 1024}));
    assert_ok(&all);
    assert_eq!(all["TotalCount"], 25);
    assert_eq!(
        all["IMCdrList"].as_array().unwrap().len(),
        20,
        "Limit defaults to 20"
    );
    let last = h.call(
        path,
        json!({"StartTimestamp": 1000, "EndTimestamp": 1024, "Limit": 10, "Offset": 20}),
    );
    let timestamps: Vec<u64> = last["IMCdrList"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["Timestamp"].as_u64().unwrap())
        .collect();
    assert_eq!(timestamps, vec![1020, 1021, 1022, 1023, 1024]);
    let window = h.call(path, json!({"StartTimestamp": 1010, "EndTimestamp": 1014}));
    assert_eq!(window["TotalCount"], 5);
    let vip = h.call(
        path,
        json!({"StartTimestamp": 0, "EndTimestamp": 2000, "ClientUserId": "vip", "Limit": 100}),
    );
    assert_eq!(vip["TotalCount"], 5);
    assert!(
        vip["IMCdrList"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["ClientUserId"] == "vip" && c["EndStatus"] == "UserEndedSession")
    );
    for bad in [
        json!({"StartTimestamp": 10, "EndTimestamp": 5}),
        json!({"StartTimestamp": 1, "EndTimestamp": 5, "Limit": 101}),
        json!({"StartTimestamp": 1, "EndTimestamp": 5, "Limit": 0}),
        json!({"StartTimestamp": 1, "EndTimestamp": 5, "Offset": -1}),
        json!({"EndTimestamp": 5}),
        json!({"StartTimestamp": "1", "EndTimestamp": 5}),
    ] {
        assert_fail(&h.call(path, bad), 141004);
    }
}

// ---- recentcontact/delete ------------------------------------------------------------

#[test]
fn recentcontact_delete_removes_conversations_and_optionally_roaming() {
    let h = Harness::new();
    let control = h.emulator.control();
    let send = json!({"FromAccount": "shannon@qq.com", "ToAccount": "user_dave", "MsgRandom": 1,
        "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "hi"}}]});
    assert_ok(&h.call("desk_http_svc/send_msg", send));
    let path = "recentcontact/delete";
    let keep = h.call(path, json!({"From_Account": "user_dave", "Type": 1, "To_Account": "shannon@qq.com", "ClearRamble": 0}));
    assert_ok(&keep);
    assert_eq!(keep["ErrorDisplay"], "");
    let dave = control.conversations("user_dave");
    assert_eq!(
        (
            dave[0]["in_recent_contacts"].as_bool(),
            dave[0]["roaming_messages"].as_array().unwrap().len()
        ),
        (Some(false), 1)
    );
    assert_ok(&h.call(path, json!({"From_Account": "user_dave", "Type": 1, "To_Account": "shannon@qq.com", "ClearRamble": 1})));
    assert_eq!(control.conversations("user_dave"), json!([]));

    control.handle(
        "POST",
        "/conversations/user_dave/groups",
        br#"{"group_id": "@TGS#team"}"#,
    );
    assert_ok(&h.call(
        path,
        json!({"From_Account": "user_dave", "Type": 2, "ToGroupid": "@TGS#team", "ClearRamble": 1}),
    ));
    assert_eq!(control.conversations("user_dave"), json!([]));
}

#[test]
fn recentcontact_delete_validates_with_its_own_codes() {
    let h = Harness::new();
    let path = "recentcontact/delete";
    for (body, expected) in [
        (
            json!({"From_Account": "ghost", "Type": 1, "To_Account": "x"}),
            50001,
        ),
        (
            json!({"From_Account": "user_dave", "Type": 3, "To_Account": "x"}),
            50002,
        ),
        (
            json!({"From_Account": "user_dave", "To_Account": "x"}),
            50002,
        ),
        (json!({"From_Account": "user_dave", "Type": 1}), 50002),
        (
            json!({"From_Account": "user_dave", "Type": 2, "To_Account": "x"}),
            50002,
        ),
        (
            json!({"From_Account": "user_dave", "Type": 1, "To_Account": "x", "ClearRamble": 5}),
            50002,
        ),
        (json!({"Type": 1, "To_Account": "x"}), 50002),
    ] {
        let answer = h.call(path, body);
        assert_fail(&answer, expected);
        assert_eq!(answer["ErrorDisplay"], answer["ErrorInfo"]);
    }
}

// ---- rate limits and faults ------------------------------------------------------------

#[test]
fn rate_limits_answer_their_documented_codes() {
    let h = Harness::new();
    h.control(
        "POST",
        "rate_limits",
        json!({"path": "desk_http_svc/describe_im_cdr_list", "per_second": 2}),
    );
    let body = json!({"StartTimestamp": 0, "EndTimestamp": 1});
    let codes: Vec<u64> = (0..3)
        .map(|_| code(&h.call("desk_http_svc/describe_im_cdr_list", body.clone())))
        .collect();
    assert_eq!(codes, vec![0, 0, 141009]);

    let delete = json!({"From_Account": "user_dave", "Type": 1, "To_Account": "x"});
    let started = Instant::now();
    let limited = (0..230)
        .filter(|_| code(&h.call("recentcontact/delete", delete.clone())) == 60007)
        .count();
    if started.elapsed() < Duration::from_secs(1) {
        assert!(
            limited >= 30,
            "the default 200/s limit let {} of 230 through",
            230 - limited
        );
    }
}

#[test]
fn injected_faults_hit_the_next_matching_requests() {
    let h = Harness::new();
    let control = h.emulator.control();
    let send = "desk_http_svc/send_msg";
    control.inject(Fault::new(
        Some(send),
        FaultAction::ErrorCode {
            code: 141002,
            info: "busy".into(),
        },
        2,
    ));
    assert_fail(&h.call(send, in_session(ALICE, text(1, "a"))), 141002);
    assert_fail(&h.call(send, in_session(ALICE, text(1, "a"))), 141002);
    assert_ok(&h.call(send, in_session(ALICE, text(1, "a"))));

    control.inject(Fault::new(None, FaultAction::HttpStatus(502), 1));
    let page = h
        .raw(
            send,
            &h.query(),
            in_session(ALICE, text(2, "b")).to_string(),
        )
        .unwrap();
    assert_eq!(page.status(), 502);
    assert!(page.text().unwrap().contains("<html>"));

    control.inject(Fault::new(Some(send), FaultAction::MalformedJson, 1));
    let broken = h
        .raw(
            send,
            &h.query(),
            in_session(ALICE, text(3, "c")).to_string(),
        )
        .unwrap()
        .text()
        .unwrap();
    assert!(serde_json::from_str::<Value>(&broken).is_err(), "{broken}");

    control.inject(Fault::new(
        Some(send),
        FaultAction::Delay(Duration::from_millis(300)),
        1,
    ));
    let started = Instant::now();
    assert_ok(&h.call(send, in_session(ALICE, text(4, "d"))));
    assert!(started.elapsed() >= Duration::from_millis(300));

    let randoms: Vec<u64> = control
        .messages(ALICE)
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["msg_random"].as_u64().unwrap())
        .collect();
    assert_eq!(
        randoms,
        vec![1, 4],
        "faults that answer early do not apply the request"
    );
}

#[test]
fn dropped_connections_apply_or_not_as_injected() {
    let h = Harness::new();
    let control = h.emulator.control();
    // The retry at the end is deduplicated only within the same second.
    control.freeze_clock(1_700_000_000);
    let send = "desk_http_svc/send_msg";
    control.inject(Fault::new(Some(send), FaultAction::DropBeforeApply, 1));
    assert!(
        h.raw(
            send,
            &h.query(),
            in_session(ALICE, text(10, "lost")).to_string()
        )
        .is_err()
    );
    control.inject(Fault::new(Some(send), FaultAction::DropAfterApply, 1));
    assert!(
        h.raw(
            send,
            &h.query(),
            in_session(ALICE, text(11, "applied")).to_string()
        )
        .is_err()
    );
    let randoms: Vec<u64> = control
        .messages(ALICE)
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["msg_random"].as_u64().unwrap())
        .collect();
    assert_eq!(randoms, vec![11]);
    assert_ok(&h.call(send, in_session(ALICE, text(11, "applied"))));
    assert_eq!(
        control.messages(ALICE).unwrap().as_array().unwrap().len(),
        1,
        "the retry is deduplicated"
    );
}

#[test]
fn faults_from_the_control_api_with_probability_and_counts() {
    let h = Harness::new();
    h.control("POST", "faults", json!({"kind": "error_code", "code": 141002, "count": -1, "probability": 0.5, "path": "desk_http_svc/describe_im_cdr_list"}));
    let listed = h.control("GET", "faults", Value::Null);
    assert_eq!(listed[0]["probability"], 0.5);
    let body = json!({"StartTimestamp": 0, "EndTimestamp": 1});
    let failed = (0..200)
        .filter(|_| code(&h.call("desk_http_svc/describe_im_cdr_list", body.clone())) == 141002)
        .count();
    assert!((60..=140).contains(&failed), "{failed} of 200 at p=0.5");
    h.control("DELETE", "faults", Value::Null);
    assert_ok(&h.call("desk_http_svc/describe_im_cdr_list", body));
    assert_eq!(
        h.emulator
            .control()
            .request_count("desk_http_svc/describe_im_cdr_list"),
        201
    );
}

// ---- control API and lifetime -----------------------------------------------------------

#[test]
fn control_api_seeds_agents_and_sessions_over_http() {
    let h = Harness::new();
    h.control("POST", "agents", json!({"agent_id": "new@qq.com", "agent_group_id": 42, "agent_group_name": "Night", "capacity": 1}));
    let session = h.control(
        "POST",
        "sessions",
        json!({"client_user_id": "eve", "nickname": "Eve"}),
    )["session_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let answer = h.call(
        "desk_http_svc/transfer_to_human",
        json!({"SessionId": session, "AgentGroupId": 42}),
    );
    assert_eq!(answer["AgentId"], "new@qq.com");
    h.control("POST", "agents/new@qq.com/online", json!({"online": false}));
    let state = h.control("GET", "state", Value::Null);
    let agent = state["agents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["agent_id"] == "new@qq.com")
        .unwrap()
        .clone();
    assert_eq!(
        (agent["online"].as_bool(), agent["active_sessions"].as_u64()),
        (Some(false), Some(1))
    );
    assert!(
        state["accounts"]
            .as_array()
            .unwrap()
            .contains(&json!("eve"))
    );
    h.control("POST", "reset", Value::Null);
    assert!(h.emulator.control().session(&session).is_none());
    assert!(h.emulator.control().session(CAROL).is_some());
    let url = format!("{}/__control/nothing", h.emulator.base_url());
    assert_eq!(h.http.get(url).send().unwrap().status(), 404);
}

#[test]
fn the_server_stops_when_dropped() {
    let h = Harness::new();
    let addr = h.emulator.addr();
    assert!(std::net::TcpStream::connect(addr).is_ok());
    drop(h);
    std::thread::sleep(Duration::from_millis(100));
    assert!(std::net::TcpStream::connect(addr).is_err());
}

#[test]
fn refusals_are_one_error_and_echo_a_long_value_only_in_part() {
    let h = Harness::new();
    let control = h.emulator.control();
    let refused = control.set_agent_online("nobody@qq.com", true).unwrap_err();
    assert_eq!(refused.code, 141010, "the member does not exist");
    let (status, answer) = control.handle(
        "POST",
        "agents/nobody@qq.com/online",
        br#"{"online": true}"#,
    );
    assert_eq!(
        (status, answer["error"].as_str()),
        (400, Some(refused.info.as_str())),
        "the control API answers the same refusal"
    );

    let long = "a".repeat(1 << 20);
    let (status, answer) = control.handle("POST", &format!("sessions/{long}/end"), b"");
    let error = answer["error"].as_str().unwrap();
    assert_eq!(status, 400);
    assert!(
        error.len() < 200 && error.contains("1048576 bytes in all"),
        "{error}"
    );
    let answer = h.call("desk_http_svc/end_session", json!({"SessionId": long}));
    assert_fail(&answer, 141005);
    let info = answer["ErrorInfo"].as_str().unwrap();
    assert!(
        info.len() < 200 && info.contains("1048576 bytes in all"),
        "{info}"
    );
}

#[test]
fn a_delayed_request_whose_client_hangs_up_is_counted_and_still_applied() {
    let h = Harness::new();
    let control = h.emulator.control();
    let send = "desk_http_svc/send_msg";
    let delay = |ms| Fault::new(Some(send), FaultAction::Delay(Duration::from_millis(ms)), 1);

    control.inject(delay(50));
    assert_ok(&h.call(send, in_session(ALICE, text(21, "answered"))));
    assert_eq!(
        control.hangup_count(send),
        0,
        "an answered request is no hangup"
    );

    control.inject(delay(600));
    let impatient = reqwest::blocking::Client::builder()
        .timeout(Duration::from_millis(100))
        .build()
        .unwrap();
    let gave_up = impatient
        .post(format!("{}/v4/{send}?{}", h.emulator.base_url(), h.query()))
        .body(in_session(ALICE, text(22, "hung up")).to_string())
        .send();
    assert!(gave_up.is_err(), "the client stops waiting");
    let deadline = Instant::now() + Duration::from_secs(2);
    while control.hangup_count(send) == 0 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    assert_eq!(control.hangup_count(send), 1);
    assert_eq!(h.control("GET", "hangups", Value::Null), json!({send: 1}));

    // The server applies what it had received anyway, once its delay is over.
    let deadline = Instant::now() + Duration::from_secs(2);
    let delivered = || {
        control
            .messages(ALICE)
            .unwrap()
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["msg_random"] == 22)
    };
    while !delivered() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(delivered(), "a request already received still takes effect");
}
