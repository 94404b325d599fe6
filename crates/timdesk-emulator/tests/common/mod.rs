//! What the emulator's HTTP suites share: a running emulator, signed raw requests, the
//! control API over HTTP, and assertions on answers.
#![allow(dead_code)]

use std::time::Duration;

use serde_json::{Value, json};
use timdesk::usersig::Signer;
use timdesk_emulator::{Emulator, EmulatorConfig};

pub const ALICE: &str = "fd8a2e30-54de-4e40-bcaf-02718409c5cf";
pub const BOB: &str = "b0f4ca12-4850-4218-a284-efe679a87066";
pub const CAROL: &str = "a97d3e1f-a88b-403b-9b3a-7bc6554ea05d";

pub struct Harness {
    pub emulator: Emulator,
    pub http: reqwest::blocking::Client,
    pub admin_sig: String,
}

impl Harness {
    pub fn new() -> Self {
        let emulator = Emulator::start(EmulatorConfig::default()).unwrap();
        let app = emulator.app().clone();
        let admin_sig = Signer::new(app.sdkappid, &app.secret_key).generate(&app.admin, 3600, None);
        let http = reqwest::blocking::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .unwrap();
        Self {
            emulator,
            http,
            admin_sig,
        }
    }

    pub fn query(&self) -> String {
        let app = self.emulator.app();
        format!(
            "sdkappid={}&identifier={}&usersig={}&random=42&contenttype=json",
            app.sdkappid, app.admin, self.admin_sig
        )
    }

    pub fn raw(
        &self,
        path: &str,
        query: &str,
        body: impl Into<reqwest::blocking::Body>,
    ) -> reqwest::Result<reqwest::blocking::Response> {
        self.http
            .post(format!("{}/v4/{path}?{query}", self.emulator.base_url()))
            .body(body)
            .send()
    }

    pub fn call_with_query(&self, path: &str, query: &str, body: &str) -> Value {
        let response = self.raw(path, query, body.to_owned()).unwrap();
        assert_eq!(response.status(), 200, "API errors are HTTP 200");
        serde_json::from_slice(&response.bytes().unwrap()).unwrap()
    }

    pub fn call(&self, path: &str, body: Value) -> Value {
        self.call_with_query(path, &self.query(), &body.to_string())
    }

    pub fn call_text(&self, path: &str, body: &str) -> Value {
        self.call_with_query(path, &self.query(), body)
    }

    pub fn control(&self, method: &str, path: &str, body: Value) -> Value {
        let url = format!("{}/__control/{path}", self.emulator.base_url());
        let request = match method {
            "GET" => self.http.get(url),
            "DELETE" => self.http.delete(url),
            _ => self.http.post(url).body(body.to_string()),
        };
        let response = request.send().unwrap();
        assert_eq!(response.status(), 200);
        serde_json::from_slice(&response.bytes().unwrap()).unwrap()
    }
}

pub fn code(answer: &Value) -> u64 {
    answer["ErrorCode"]
        .as_u64()
        .unwrap_or_else(|| panic!("no ErrorCode in {answer}"))
}

pub fn assert_fail(answer: &Value, expected: u64) {
    assert_eq!(code(answer), expected, "{answer}");
    assert_eq!(answer["ActionStatus"], "FAIL");
    assert!(
        !answer["ErrorInfo"].as_str().unwrap().is_empty(),
        "ErrorInfo should help: {answer}"
    );
}

pub fn assert_ok(answer: &Value) {
    assert_eq!(answer["ActionStatus"], "OK", "{answer}");
    assert_eq!(answer["ErrorCode"], 0);
    assert_eq!(answer["ErrorInfo"], "");
}

pub fn text(random: u64, text: &str) -> Value {
    json!({"MsgRandom": random, "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": text}}]})
}

pub fn in_session(session: &str, mut message: Value) -> Value {
    message["SessionId"] = json!(session);
    message
}

// ---- the query string ----------------------------------------------------------------
