//! A conversation through the typed calls generated from the endpoint models: state,
//! history, edits, streams, the queue and an agent contacting a user.
mod common;

use timdesk::api::{
    ContactUser, DescribeChatMessages, EndQueuing, GetSessionState, ModifyMsg, MsgElement,
    SendStreamMsg, TransferToHuman,
};
use timdesk::{Client, ErrorKind};
use timdesk_emulator::{Emulator, EmulatorConfig};

const ALICE: &str = "fd8a2e30-54de-4e40-bcaf-02718409c5cf";
const BOB: &str = "b0f4ca12-4850-4218-a284-efe679a87066";

fn setup() -> (Emulator, Client) {
    let emulator = Emulator::start(EmulatorConfig::default()).unwrap();
    let client = Client::new(common::config_for(&emulator)).unwrap();
    (emulator, client)
}

fn say(emulator: &Emulator, session: &str, from: &str, text: &str) -> String {
    let (status, answer) = emulator.control().handle(
        "POST",
        &format!("sessions/{session}/messages"),
        serde_json::json!({"from": from, "text": text})
            .to_string()
            .as_bytes(),
    );
    assert_eq!(status, 200, "{answer}");
    answer["msg_key"].as_str().unwrap().to_owned()
}

#[test]
fn a_conversation_through_the_generated_typed_calls() {
    let (emulator, client) = setup();
    let state = |id: &str| {
        client
            .get_session_state(&GetSessionState::new().session_id(id))
            .unwrap()
    };
    assert_eq!(state(ALICE).current_state, "Chatbot");
    say(&emulator, ALICE, "user", "I need a human");
    client
        .transfer_to_human(&TransferToHuman::new(ALICE).agent_group_id(3067))
        .unwrap();
    let with_agent = state(ALICE);
    assert_eq!(
        (
            with_agent.current_state.as_str(),
            with_agent.agent_id.as_str()
        ),
        ("Agent", "shannon@qq.com")
    );
    let key = say(&emulator, ALICE, "agent", "Hi, hw can I help?");
    client
        .modify_msg(&ModifyMsg::new(
            ALICE,
            key,
            vec![MsgElement::text("Hi, how can I help?")],
        ))
        .unwrap();
    let first = client
        .send_stream_msg(&SendStreamMsg::new(ALICE, "One "))
        .unwrap();
    client
        .send_stream_msg(
            &SendStreamMsg::new(ALICE, "moment.")
                .msg_key(first.msg_key)
                .finish(true),
        )
        .unwrap();
    let history = client
        .describe_chat_messages(&DescribeChatMessages::new(ALICE).order(1))
        .unwrap();
    assert_eq!(history.total_count, 3);
    let texts: Vec<(u64, &str)> = history
        .messages
        .iter()
        .map(|m| {
            (
                m["FromAccountRole"].as_u64().unwrap(),
                m["MsgBody"][0]["MsgContent"]["Text"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        texts,
        [
            (1, "I need a human"),
            (2, "Hi, how can I help?"),
            (3, "One moment.")
        ]
    );
    client.end_session(ALICE).unwrap();
    assert_eq!(state(ALICE).current_state, "NotInSession");
}

#[test]
fn the_queue_and_contact_user_with_their_documented_codes() {
    let (_emulator, client) = setup();
    client
        .transfer_to_human(&TransferToHuman::new(ALICE).agent_group_id(2473))
        .unwrap();
    assert!(
        client
            .transfer_to_human(&TransferToHuman::new(BOB).agent_group_id(2473))
            .unwrap()
            .in_queue
    );
    client.end_queuing(&EndQueuing::new(BOB)).unwrap();
    let err = client.end_queuing(&EndQueuing::new(BOB)).unwrap_err();
    assert_eq!(err.code(), Some(141027));
    let contacted = client
        .contact_user(&ContactUser::new("@im_agent", "user_dave").group_id(3067))
        .unwrap();
    assert_eq!(contacted.member_id, "shannon@qq.com");
    let err = client
        .contact_user(&ContactUser::new("@im_agent", "user_erin").member_id("night_agent@qq.com"))
        .unwrap_err();
    assert_eq!(
        (err.kind(), err.code()),
        (ErrorKind::NoAgentOnline, Some(141011))
    );
}

#[test]
fn generated_requests_are_checked_before_sending() {
    let (emulator, client) = setup();
    let err = client
        .describe_chat_messages(&DescribeChatMessages::new(ALICE).limit(101))
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid argument: Limit: must be 1 to 100, not 101"
    );
    let err = client
        .describe_chat_messages(&DescribeChatMessages::new(ALICE).order(3))
        .unwrap_err();
    assert!(
        err.to_string().contains("Order: must be one of 1, 2"),
        "{err}"
    );
    let err = client.end_queuing(&EndQueuing::new("")).unwrap_err();
    assert!(err.to_string().contains("SessionID"), "{err}");
    assert_eq!(emulator.control().total_requests(), 0, "nothing was sent");
}

#[test]
fn call_endpoint_reaches_every_model_by_name_with_its_checks() {
    let (emulator, client) = setup();
    let key = say(&emulator, ALICE, "user", "typo");
    let state = client
        .call_endpoint(
            "get_session_state",
            &serde_json::json!({"SessionId": ALICE}),
        )
        .unwrap();
    assert_eq!(state["CurrentState"], "Chatbot");
    let fixed = serde_json::json!([{"MsgType": "TIMTextElem", "MsgContent": {"Text": "fixed"}}]);
    client
        .call_endpoint(
            "modify_msg",
            &serde_json::json!({"SessionId": ALICE, "MsgKey": key, "MsgBody": fixed}),
        )
        .unwrap();
    let before = emulator.control().request_count("desk_http_svc/modify_msg");
    let refused = client
        .call_endpoint("modify_msg", &serde_json::json!({"SessionId": ALICE}))
        .unwrap_err();
    assert_eq!(refused.kind(), ErrorKind::InvalidArgument);
    assert!(refused.to_string().contains("MsgKey"), "{refused}");
    assert_eq!(
        emulator.control().request_count("desk_http_svc/modify_msg"),
        before,
        "refused before sending"
    );
    // A misspelt field, and a request that breaks the model's rule across fields, are
    // refused by name before sending.
    let before = emulator
        .control()
        .request_count("desk_http_svc/describe_im_cdr_list");
    let typo = client
        .call_endpoint(
            "describe_im_cdr_list",
            &serde_json::json!({"StartTimestamp": 0, "EndTimestamp": 1, "Limti": 5}),
        )
        .unwrap_err();
    assert_eq!(typo.kind(), ErrorKind::InvalidArgument);
    assert!(
        typo.to_string()
            .contains("Limti: is not a field of describe_im_cdr_list (its fields: StartTimestamp"),
        "{typo}"
    );
    assert_eq!(
        emulator
            .control()
            .request_count("desk_http_svc/describe_im_cdr_list"),
        before
    );
    let before = emulator
        .control()
        .request_count("desk_http_svc/get_session_state");
    let neither = client
        .call_endpoint("get_session_state", &serde_json::json!({}))
        .unwrap_err();
    assert_eq!(neither.kind(), ErrorKind::InvalidArgument);
    assert!(
        neither.to_string().contains(
            "SessionId: is required: give SessionId, or ClientUserId with CustomerServiceId"
        ),
        "{neither}"
    );
    assert_eq!(
        emulator
            .control()
            .request_count("desk_http_svc/get_session_state"),
        before
    );
    let unknown = client
        .call_endpoint("no_such_endpoint", &serde_json::json!({}))
        .unwrap_err();
    assert!(
        unknown.to_string().contains("get_session_state"),
        "{unknown}"
    );
}

#[test]
fn a_stream_of_chunks_becomes_one_finished_message() {
    let (emulator, client) = setup();
    let chunks = ["Your ", "order ", "ships ", "today."].map(String::from);
    let key = client.stream_msg(BOB, chunks).unwrap();
    let history = client
        .describe_chat_messages(&DescribeChatMessages::new(BOB))
        .unwrap();
    let texts: Vec<&str> = history
        .messages
        .iter()
        .filter_map(|m| m["MsgBody"][0]["MsgContent"]["Text"].as_str())
        .collect();
    assert_eq!(texts, ["Your order ships today."], "one message, whole");
    // The last chunk carried Finish: the stream is closed to further chunks.
    let late = client
        .send_stream_msg(&SendStreamMsg::new(BOB, " More?").msg_key(key))
        .unwrap_err();
    assert_eq!(late.code(), Some(141004), "{late}");

    // A chunk at a time, with CloudCustomData; no chunk at all is refused before sending.
    let mut stream = client.msg_stream(BOB).cloud_custom_data("llm");
    stream.push("Hi").unwrap();
    assert_eq!(stream.msg_key(), None, "the first chunk waits for the next");
    stream.push(" there").unwrap();
    assert!(stream.msg_key().is_some(), "the first chunk was sent");
    let key = stream.finish().unwrap();
    let sent = emulator
        .control()
        .request_count("desk_http_svc/send_stream_msg");
    let finished = format!("stream: is finished (MsgKey {key}); start another");
    for late in [
        stream.push("again").unwrap_err(),
        stream.finish().unwrap_err(),
    ] {
        assert_eq!(late.kind(), ErrorKind::InvalidArgument);
        assert!(late.to_string().ends_with(&finished), "{late}");
    }
    assert_eq!(
        emulator
            .control()
            .request_count("desk_http_svc/send_stream_msg"),
        sent,
        "a finished stream sends nothing more"
    );
    let sent_before = emulator
        .control()
        .request_count("desk_http_svc/send_stream_msg");
    let empty = client.stream_msg(BOB, Vec::<String>::new()).unwrap_err();
    assert_eq!(empty.kind(), ErrorKind::InvalidArgument);
    assert!(empty.to_string().contains("Chunk"), "{empty}");
    assert_eq!(
        emulator
            .control()
            .request_count("desk_http_svc/send_stream_msg"),
        sent_before
    );
    let messages = emulator.control().messages(BOB).unwrap();
    let last = messages
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["msg_key"] == key.as_str())
        .unwrap();
    assert_eq!(last["cloud_custom_data"], "llm");
}

#[test]
fn the_async_stream_sends_the_same_sequence() {
    let (_emulator, client) = setup();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let key = runtime
        .block_on(client.as_async().stream_msg(ALICE, ["a", "b", "c"]))
        .unwrap();
    let history = client
        .describe_chat_messages(&DescribeChatMessages::new(ALICE))
        .unwrap();
    assert!(!key.is_empty());
    assert!(
        history
            .messages
            .iter()
            .any(|m| m["MsgBody"][0]["MsgContent"]["Text"] == "abc")
    );
}

#[test]
fn the_whole_history_comes_page_by_page_in_either_order() {
    let (emulator, client) = setup();
    let before = client
        .describe_chat_messages(&DescribeChatMessages::new(BOB))
        .unwrap()
        .total_count;
    // 230 more: three pages of 100 (the last one short) with what was there.
    for i in 0..230 {
        say(&emulator, BOB, "user", &format!("message {i}"));
    }
    let texts = |order| -> Vec<String> {
        client
            .chat_messages(BOB, Some(order))
            .unwrap()
            .map(|m| m.unwrap()["MsgBody"][0]["MsgContent"]["Text"].to_string())
            .collect()
    };
    let oldest_first = texts(1);
    let mut newest_first = texts(2);
    assert_eq!(oldest_first.len() as u64, before + 230);
    assert_eq!(oldest_first.last().unwrap(), "\"message 229\"");
    newest_first.reverse();
    assert_eq!(oldest_first, newest_first);
}

#[test]
fn a_history_walk_is_checked_before_its_first_request() {
    let (_emulator, client) = setup();
    let err = client.chat_messages(ALICE, Some(3)).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidArgument);
    assert!(err.to_string().contains("Order"), "{err}");
    let err = client.chat_messages("", None).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidArgument);
}
