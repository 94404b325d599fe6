//! The conformance cases of `tests/conformance/` (requests and the answers the docs
//! promise for them) and a runner that sends them as they are, over raw signed HTTP, to
//! the emulator or to a real application.

use std::time::Duration;

use serde::Deserialize;
use serde_json::Value;
use timdesk::usersig::Signer;

use crate::conformance_files::FILES;

/// The names of the case files this build carries.
pub fn file_names() -> Vec<&'static str> {
    FILES.iter().map(|(name, _)| *name).collect()
}

/// The cases of one documentation page.
#[derive(Debug, Clone, Deserialize)]
pub struct Suite {
    /// `service/command` the cases go to, unless a case says otherwise.
    pub endpoint: String,
    /// The page's URL.
    pub doc: String,
    /// The page's update date.
    pub updated: String,
    /// The cases.
    pub cases: Vec<Case>,
}

/// One request and what the docs say it gets.
#[derive(Debug, Clone, Deserialize)]
pub struct Case {
    /// What the case shows.
    pub name: String,
    /// Where on the page the expectation comes from.
    pub from: String,
    /// The JSON body.
    #[serde(default)]
    pub body: Option<Value>,
    /// Bytes sent as they are, instead of `body`.
    #[serde(default)]
    pub body_text: Option<String>,
    /// Overrides of the query string.
    #[serde(default)]
    pub query: serde_json::Map<String, Value>,
    /// Overrides the suite's endpoint.
    #[serde(default)]
    pub path: Option<String>,
    /// The documented answer.
    pub expect: Expect,
    /// Needs the emulator's built-in data (never run live).
    #[serde(default)]
    pub seeded: bool,
}

/// The documented answer: an ErrorCode (or one of several) and, optionally, field types.
#[derive(Debug, Clone, Deserialize)]
pub struct Expect {
    /// `ErrorCode`: a number, or a list of the numbers the docs allow.
    #[serde(rename = "ErrorCode")]
    pub error_code: Value,
    /// Field name → `integer`, `string`, `array` or `object`.
    #[serde(default)]
    pub shape: serde_json::Map<String, Value>,
}

impl Expect {
    /// The codes the docs allow.
    pub fn codes(&self) -> Vec<u64> {
        match &self.error_code {
            Value::Array(items) => items.iter().filter_map(Value::as_u64).collect(),
            other => other.as_u64().into_iter().collect(),
        }
    }

    /// The expectation in a table cell, e.g. `0 {TotalCount: integer}` or `90002 / 90010`.
    pub fn describe(&self) -> String {
        let codes: Vec<String> = self.codes().iter().map(u64::to_string).collect();
        let mut text = codes.join(" / ");
        if !self.shape.is_empty() {
            let fields: Vec<String> = self
                .shape
                .iter()
                .map(|(k, v)| format!("{k}: {}", v.as_str().unwrap_or("?")))
                .collect();
            text += &format!(" {{{}}}", fields.join(", "));
        }
        text
    }

    /// Whether `answer` is what the docs promise; otherwise why not.
    pub fn check(&self, answer: &Answer) -> Result<(), String> {
        let Answer::Json(value) = answer else {
            return Err(answer.summary());
        };
        let code = value["ErrorCode"].as_u64();
        if !code.is_some_and(|c| self.codes().contains(&c)) {
            return Err(answer.summary());
        }
        for (field, kind) in &self.shape {
            let v = &value[field.as_str()];
            let ok = match kind.as_str() {
                Some("integer") => v.is_i64() || v.is_u64(),
                Some("string") => v.is_string(),
                Some("array") => v.is_array(),
                Some("object") => v.is_object(),
                _ => false,
            };
            if !ok {
                return Err(format!("{field} is {v}, not a {kind}"));
            }
        }
        Ok(())
    }
}

/// Every suite, parsed.
///
/// # Panics
/// When a case file is not valid (the conformance test catches it).
pub fn suites() -> Vec<Suite> {
    FILES
        .iter()
        .map(|(name, text)| {
            serde_json::from_str(text).unwrap_or_else(|e| panic!("tests/conformance/{name}: {e}"))
        })
        .collect()
}

/// Where and as whom the cases are sent.
#[derive(Debug, Clone)]
pub struct Target {
    /// The base URL, e.g. `https://adminapisgp.im.qcloud.com` or the emulator's.
    pub base_url: String,
    /// The SDKAppID.
    pub sdkappid: u64,
    /// The administrator.
    pub admin: String,
    /// The secret key.
    pub secret_key: String,
}

/// What came back.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// An answer in JSON.
    Json(Value),
    /// Not JSON, or not HTTP 200: the status and a piece of the body.
    Other(String),
}

impl Answer {
    /// The ErrorCode and the start of ErrorInfo, or the failure.
    pub fn summary(&self) -> String {
        match self {
            Answer::Json(v) => {
                let info: String = v["ErrorInfo"]
                    .as_str()
                    .unwrap_or("")
                    .chars()
                    .take(60)
                    .collect();
                format!("{} {info}", v["ErrorCode"]).trim_end().to_owned()
            }
            Answer::Other(text) => text.clone(),
        }
    }

    /// The ErrorCode, when there is one.
    pub fn code(&self) -> Option<u64> {
        match self {
            Answer::Json(v) => v["ErrorCode"].as_u64(),
            Answer::Other(_) => None,
        }
    }
}

/// Makes a session waiting in chatbot reception, for the seeded cases (emulator only).
pub type Seeder = Box<dyn Fn() -> String>;

/// A runner for `emulator`, making a fresh waiting session for each seeded case.
pub fn emulator_runner(emulator: &timdesk_emulator::Emulator) -> Runner {
    let app = emulator.app();
    let control = emulator.control().clone();
    let seeder: Seeder = Box::new(move || {
        control
            .create_session(timdesk_emulator::NewSession {
                id: None,
                user: "conformance_user".into(),
                nickname: None,
                channel: None,
                started_at: None,
                satisfaction: None,
            })
            .expect("the emulator creates sessions")
    });
    Runner::new(
        Target {
            base_url: emulator.base_url().to_owned(),
            sdkappid: app.sdkappid,
            admin: app.admin.clone(),
            secret_key: app.secret_key.clone(),
        },
        Some(seeder),
    )
}

/// Sends cases to one target.
pub struct Runner {
    target: Target,
    seeder: Option<Seeder>,
    http: reqwest::blocking::Client,
}

impl Runner {
    /// A runner for `target`; `seeder` makes a fresh waiting session for each seeded case
    /// (None for a real application: seeded cases are then not run).
    pub fn new(target: Target, seeder: Option<Seeder>) -> Self {
        let http = reqwest::blocking::Client::builder()
            .timeout(Duration::from_secs(15))
            .build()
            .expect("a default HTTP client builds");
        Self {
            target,
            seeder,
            http,
        }
    }

    /// Whether `case` can run on this target.
    pub fn can_run(&self, case: &Case) -> bool {
        !case.seeded || self.seeder.is_some()
    }

    /// Sends `case` of `suite` and returns the answer.
    pub fn run(&self, suite: &Suite, case: &Case) -> Answer {
        let path = case.path.as_deref().unwrap_or(&suite.endpoint);
        let body = match (&case.body_text, &case.body) {
            (Some(text), _) => text.clone(),
            (None, Some(body)) => self.fill(body).to_string(),
            (None, None) => "{}".to_owned(),
        };
        let url = format!("{}/v4/{path}?{}", self.target.base_url, self.query(case));
        match self
            .http
            .post(url)
            .header("content-type", "application/json")
            .body(body)
            .send()
        {
            Err(e) => Answer::Other(format!("no answer: {}", e.without_url())),
            Ok(response) => {
                let status = response.status().as_u16();
                let bytes = response.bytes().unwrap_or_default();
                match serde_json::from_slice::<Value>(&bytes) {
                    Ok(value) if status == 200 => Answer::Json(value),
                    _ => Answer::Other(format!(
                        "HTTP {status}: {}",
                        String::from_utf8_lossy(&bytes[..bytes.len().min(60)])
                    )),
                }
            }
        }
    }

    /// The signed query string with the case's overrides.
    fn query(&self, case: &Case) -> String {
        let t = &self.target;
        let signer = Signer::new(t.sdkappid, &t.secret_key);
        let mut identifier = t.admin.clone();
        let mut sdkappid = Some(t.sdkappid.to_string());
        let mut random = fresh_u32().to_string();
        let mut usersig = None;
        for (key, value) in &case.query {
            let value = value.as_str().unwrap_or_default();
            match (key.as_str(), value) {
                ("identifier", "$not_admin") => identifier = format!("conformance_{}", fresh_u32()),
                ("sdkappid", "$missing") => sdkappid = None,
                ("sdkappid", "$other") => sdkappid = Some(t.sdkappid.wrapping_add(1).to_string()),
                ("usersig", "$garbage") => usersig = Some("not-a-usersig".to_owned()),
                ("usersig", "$wrong_key") => {
                    usersig =
                        Some(Signer::new(t.sdkappid, "not the key").generate(&t.admin, 600, None));
                }
                ("usersig", "$expired") => {
                    usersig = Some(signer.generate_at(&t.admin, 60, None, 1_600_000_000));
                }
                ("random", r) => random = r.to_owned(),
                (key, value) => panic!("unknown query override {key}={value}"),
            }
        }
        let usersig = usersig.unwrap_or_else(|| signer.generate(&identifier, 600, None));
        let mut query = form_urlencoded::Serializer::new(String::new());
        if let Some(id) = sdkappid {
            query.append_pair("sdkappid", &id);
        }
        query
            .append_pair("identifier", &identifier)
            .append_pair("usersig", &usersig)
            .append_pair("random", &random)
            .append_pair("contenttype", "json");
        query.finish()
    }

    /// Replaces the placeholders in `value`.
    fn fill(&self, value: &Value) -> Value {
        match value {
            Value::String(s) => Value::String(match s.as_str() {
                "$unknown_session" => fresh_session_id(),
                "$seeded_session" => self.seeder.as_ref().map(|seed| seed()).unwrap_or_default(),
                "$unknown_user" => format!("conformance_{}", fresh_u32()),
                "$big_text" => "x".repeat(13_000),
                other => other.to_owned(),
            }),
            Value::Array(items) => Value::Array(items.iter().map(|v| self.fill(v)).collect()),
            Value::Object(map) => {
                Value::Object(map.iter().map(|(k, v)| (k.clone(), self.fill(v))).collect())
            }
            other => other.clone(),
        }
    }
}

fn fresh_u32() -> u32 {
    let mut bytes = [0u8; 4];
    getrandom::fill(&mut bytes).expect("the OS has randomness");
    u32::from_le_bytes(bytes)
}

/// A well-formed SessionId (a version-4 UUID) that no session has.
fn fresh_session_id() -> String {
    let mut b = [0u8; 16];
    getrandom::fill(&mut b).expect("the OS has randomness");
    let (high, low) = b.split_at(8);
    timdesk_emulator::session_id_from([
        u64::from_le_bytes(high.try_into().expect("8 bytes")),
        u64::from_le_bytes(low.try_into().expect("8 bytes")),
    ])
}
