//! `timdesk call`, `timdesk demo` and `timdesk emulator` as an operator runs them.
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use serde_json::Value;
use timdesk_emulator::{Emulator, EmulatorConfig, Fault, FaultAction};

const BIN: &str = env!("CARGO_BIN_EXE_timdesk");

/// `timdesk <subcommand> args…` with the emulator's credentials in the environment.
fn timdesk(emulator: &Emulator, subcommand: &str, args: &[&str]) -> std::process::Output {
    let app = emulator.app();
    Command::new(BIN)
        .arg(subcommand)
        .args(args)
        .env("TIMDESK_SDKAPPID", app.sdkappid.to_string())
        .env("TIMDESK_SECRET_KEY", &app.secret_key)
        .env("TIMDESK_ENDPOINT", emulator.base_url())
        .env_remove("TIMDESK_REGION")
        .env_remove("TIMDESK_ADMIN")
        .output()
        .unwrap()
}

fn call(emulator: &Emulator, args: &[&str]) -> std::process::Output {
    timdesk(emulator, "call", args)
}

fn cdrs(emulator: &Emulator, args: &[&str]) -> std::process::Output {
    timdesk(emulator, "cdrs", args)
}

#[test]
fn call_prints_the_answer_and_exits_0() {
    let emulator = Emulator::start(EmulatorConfig::default()).unwrap();
    let out = call(
        &emulator,
        &[
            "desk_http_svc/transfer_to_human",
            "--json",
            r#"{"SessionId":"fd8a2e30-54de-4e40-bcaf-02718409c5cf"}"#,
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let answer: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(answer["AgentId"], "shannon@qq.com");
}

#[test]
fn call_reports_api_errors_with_code_and_text_on_stderr_and_exits_1() {
    let emulator = Emulator::start(EmulatorConfig::default()).unwrap();
    let out = call(
        &emulator,
        &[
            "desk_http_svc/end_session",
            "--json",
            r#"{"SessionId":"5f0e2c4a-0000-4000-8000-000000000000"}"#,
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("141005") && stderr.contains("does not exist"),
        "{stderr}"
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn call_reads_the_body_from_a_file_and_takes_flags_over_the_environment() {
    let emulator = Emulator::start(EmulatorConfig::default()).unwrap();
    let dir = std::env::temp_dir().join(format!("timdesk-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("body.json");
    std::fs::write(&file, r#"{"StartTimestamp": 0, "EndTimestamp": 10}"#).unwrap();
    let out = call(
        &emulator,
        &[
            "desk_http_svc/describe_im_cdr_list",
            "--json-file",
            file.to_str().unwrap(),
            "--admin",
            "administrator",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        serde_json::from_slice::<Value>(&out.stdout).unwrap()["TotalCount"],
        0
    );
    let out = call(
        &emulator,
        &[
            "desk_http_svc/describe_im_cdr_list",
            "--json-file",
            file.to_str().unwrap(),
            "--admin",
            "someone",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("60010"),
        "someone is not the administrator"
    );
}

#[test]
fn call_usage_errors_exit_2_and_never_echo_the_key() {
    let emulator = Emulator::start(EmulatorConfig::default()).unwrap();
    for args in [
        vec!["desk_http_svc/end_session"],
        vec!["desk_http_svc/end_session", "--json", "{oops"],
        vec!["no-slash", "--json", "{}"],
    ] {
        let out = call(&emulator, &args);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!String::from_utf8_lossy(&out.stderr).contains(&emulator.app().secret_key));
    }
    emulator
        .control()
        .inject(Fault::new(None, FaultAction::DropBeforeApply, 10));
    let out = call(&emulator, &["desk_http_svc/end_session", "--json", "{}"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        !stderr.contains("usersig=") && !stderr.contains(&emulator.app().secret_key),
        "{stderr}"
    );
}

#[test]
fn demo_walks_a_whole_session() {
    let out = Command::new(BIN).arg("demo").output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    for step in [
        "transfer",
        "send_msg      text",
        "send_msg      card",
        "end_session",
        "cdr list      1 record",
        "AgentEndedSession",
        "recentcontact",
        "141001",
        "Desk.SessionEventNotify SessionBegin",
        "Desk.SessionEventNotify ChatBot.UserSendMsg",
        "Desk.SessionEventNotify ChatBot.RobotSendMsg",
        "done",
    ] {
        assert!(text.contains(step), "the demo lacks {step:?}:\n{text}");
    }
}

#[test]
fn emulator_command_prints_its_url_serves_and_stops_on_sigterm() {
    let mut child = Command::new(BIN)
        .args([
            "emulator",
            "--sdkappid",
            "20001234",
            "--key",
            "k2",
            "--admin",
            "boss",
        ])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let url = lines
        .by_ref()
        .map(Result::unwrap)
        .find_map(|line| line.strip_prefix("TIMDESK_ENDPOINT=").map(str::to_owned))
        .unwrap();
    let config = timdesk::Config::new(20_001_234, "k2")
        .admin("boss")
        .base_url(&url);
    let client = timdesk::Client::new(config).unwrap();
    let page = client
        .describe_im_cdr_list(&timdesk::api::CdrQuery::new(0, 1))
        .unwrap();
    assert_eq!(page.total_count, 0);
    let pid = child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0));
    assert!(lines.map(Result::unwrap).any(|l| l.contains("stopped")));
}

#[test]
fn cdrs_prints_every_record_of_the_window_across_pages_as_json_lines() {
    let emulator = Emulator::start(EmulatorConfig::default()).unwrap();
    let control = emulator.control();
    for i in 0..130u64 {
        let id = control
            .create_session(timdesk_emulator::NewSession {
                id: None,
                user: format!("user_{i}"),
                nickname: None,
                channel: None,
                started_at: Some(1_700_000_000 + i),
                satisfaction: None,
            })
            .unwrap();
        control.end_session(&id, "UserEndedSession").unwrap();
    }
    let expected = control.cdrs().as_array().unwrap().len();
    assert!(expected >= 130);
    let out = cdrs(&emulator, &["--start", "0", "--end", "4000000000"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(
        lines.len(),
        expected,
        "every record once, over two pages or more"
    );
    let mut ids: Vec<&str> = lines
        .iter()
        .map(|r| r["SessionId"].as_str().unwrap())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), expected);
    assert_eq!(
        control.request_count("desk_http_svc/describe_im_cdr_list"),
        2
    );

    let csv = cdrs(
        &emulator,
        &["--start", "0", "--end", "4000000000", "--format", "csv"],
    );
    let text = String::from_utf8(csv.stdout).unwrap();
    let mut rows = text.lines();
    assert_eq!(
        rows.next(),
        Some(
            "SessionId,AgentGroupId,AgentGroupName,AgentId,ChannelType,ClientUserId,ClientUserNickName,Duration,EndStatus,SatisfactionSelected,Timestamp"
        )
    );
    assert_eq!(rows.count(), expected, "a header and one row per record");
    assert!(csv.stderr.is_empty(), "no progress into a pipe");

    let one = cdrs(
        &emulator,
        &[
            "--start",
            "0",
            "--end",
            "4000000000",
            "--client-user-id",
            "user_7",
        ],
    );
    let text = String::from_utf8(one.stdout).unwrap();
    assert_eq!(text.lines().count(), 1, "{text}");
    assert!(text.contains("\"ClientUserId\":\"user_7\""));
}

#[test]
fn cdrs_refuses_a_reversed_window_before_sending_and_reports_a_failed_page() {
    let emulator = Emulator::start(EmulatorConfig::default()).unwrap();
    let out = cdrs(&emulator, &["--start", "10", "--end", "5"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("StartTime"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        emulator
            .control()
            .request_count("desk_http_svc/describe_im_cdr_list"),
        0
    );

    emulator.control().inject(Fault {
        path: Some("desk_http_svc/describe_im_cdr_list".into()),
        action: FaultAction::ErrorCode {
            code: 141004,
            info: "invalid parameter".into(),
        },
        remaining: None,
        probability: 1.0,
    });
    let out = cdrs(&emulator, &["--start", "0", "--end", "4000000000"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("after 0 records"));
}

#[test]
fn emulator_refuses_a_callback_url_it_cannot_call() {
    let out = Command::new(BIN)
        .args(["emulator", "--callback-url", "https://example.com/desk"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("--callback-url") && stderr.contains("http://"),
        "{stderr}"
    );
}

fn api(emulator: &Emulator, args: &[&str]) -> std::process::Output {
    timdesk(emulator, "api", args)
}

#[test]
fn api_lists_every_modelled_endpoint_with_typed_flags() {
    let help = Command::new(BIN).args(["api", "--help"]).output().unwrap();
    let text = String::from_utf8_lossy(&help.stdout);
    for endpoint in timdesk::model::ENDPOINTS {
        assert!(
            text.contains(endpoint.name),
            "{} missing:\n{text}",
            endpoint.name
        );
    }
    let help = Command::new(BIN)
        .args(["api", "transfer_to_human", "--help"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&help.stdout);
    for flag in [
        "--session-id",
        "--agent-id-list",
        "--agent-group-id",
        "--disable-queuing",
        "--priority",
    ] {
        assert!(text.contains(flag), "{flag} missing:\n{text}");
    }
}

#[test]
fn api_calls_an_endpoint_from_its_flags_and_checks_the_model_before_sending() {
    const ALICE: &str = "fd8a2e30-54de-4e40-bcaf-02718409c5cf";
    let emulator = Emulator::start(EmulatorConfig::default()).unwrap();
    let out = api(
        &emulator,
        &[
            "transfer_to_human",
            "--session-id",
            ALICE,
            "--agent-id-list",
            "test_agent@qq.com",
            "--priority",
            "1",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let answer: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(answer["AgentId"], "test_agent@qq.com");

    let out = api(&emulator, &["get_session_state", "--session-id", ALICE]);
    let answer: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(answer["CurrentState"], "Agent");

    // The model's rule across fields is checked before sending: a user needs an IM agent.
    let asked = emulator
        .control()
        .request_count("desk_http_svc/get_session_state");
    let out = api(
        &emulator,
        &["get_session_state", "--client-user-id", "user_alice"],
    );
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(
            "CustomerServiceId: is required: give SessionId, or ClientUserId with CustomerServiceId"
        ),
        "{stderr}"
    );
    assert_eq!(
        emulator
            .control()
            .request_count("desk_http_svc/get_session_state"),
        asked
    );

    // --text builds the body from the core's element; a user's quotes stay text.
    let out = api(
        &emulator,
        &[
            "send_stream_msg",
            "--session-id",
            ALICE,
            "--chunk",
            r#"say "hi""#,
            "--finish",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let key = serde_json::from_slice::<Value>(&out.stdout).unwrap()["MsgKey"]
        .as_str()
        .unwrap()
        .to_owned();
    let out = api(
        &emulator,
        &[
            "modify_msg",
            "--session-id",
            ALICE,
            "--msg-key",
            &key,
            "--text",
            r#"say "hello""#,
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let messages = emulator.control().messages(ALICE).unwrap();
    assert!(
        messages.to_string().contains(r#"say \"hello\""#),
        "{messages}"
    );

    // A value the model refuses never leaves: exit 2, the field and its rule on stderr.
    let before = emulator
        .control()
        .request_count("desk_http_svc/describe_chat_messages");
    let out = api(
        &emulator,
        &[
            "describe_chat_messages",
            "--session-id",
            ALICE,
            "--limit",
            "1000",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("Limit"));
    assert_eq!(
        emulator
            .control()
            .request_count("desk_http_svc/describe_chat_messages"),
        before
    );
    // A missing required flag is a usage error from the parser.
    let out = api(&emulator, &["end_queuing"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--session-id"));
}

#[test]
fn emulator_with_a_control_token_guards_its_control_api() {
    // Test servers stay on 127.0.0.1; a token is given here as --host 0.0.0.0 makes one
    // (the unit test of control_token covers that choice).
    let mut child = Command::new(BIN)
        .args(["emulator", "--host", "127.0.0.1"])
        .env("TIMDESK_CONTROL_TOKEN", "5f3a9c0e1b2d4f6a8c7e9b1d3f5a7c9e")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let lines: Vec<String> = BufReader::new(child.stdout.take().unwrap())
        .lines()
        .map(Result::unwrap)
        .take_while(|line| !line.starts_with("stop with"))
        .collect();
    let field = |prefix: &str| {
        lines
            .iter()
            .find_map(|line| line.strip_prefix(prefix))
            .map(|rest| rest.split(' ').next().unwrap().to_owned())
            .unwrap_or_else(|| panic!("no {prefix} in {lines:?}"))
    };
    let url = field("TIMDESK_ENDPOINT=");
    let token = field("control token: ");
    assert_eq!(token, "5f3a9c0e1b2d4f6a8c7e9b1d3f5a7c9e");
    let http = reqwest::blocking::Client::new();
    let state = format!("{url}/__control/state");
    assert_eq!(http.get(&state).send().unwrap().status(), 401);
    let wrong = http.get(&state).bearer_auth("0".repeat(32)).send().unwrap();
    assert_eq!(wrong.status(), 401);
    assert_eq!(
        http.get(&state)
            .bearer_auth(&token)
            .send()
            .unwrap()
            .status(),
        200
    );
    // The API itself needs no token: clients sign as the server asks.
    let config = timdesk::Config::new(1_400_000_000, "timdesk-emulator-secret").base_url(&url);
    let page = timdesk::Client::new(config)
        .unwrap()
        .describe_im_cdr_list(&timdesk::api::CdrQuery::new(0, 1))
        .unwrap();
    assert_eq!(page.total_count, 0);
    let _ = child.kill();
    let _ = child.wait();
}
