//! A Desk webhook as an axum service writes it: `timdesk::callbacks::Verifier` takes the
//! raw query and body, the handler answers at once. The emulator calls it back, retries
//! what it refused, and routes a transfer by its ChatBot.OnAssignHuman answer.
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::post;
use serde_json::{Value, json};
use timdesk::callbacks::{Callback, Verifier, acknowledgement, assign_human_answer};
use timdesk_emulator::{Emulator, EmulatorConfig};

/// The app's state: one verifier for the life of the process, and what it handled.
#[derive(Clone)]
struct App {
    verifier: Arc<Verifier>,
    handled: Arc<Mutex<Vec<Callback>>>,
}

/// The whole handler: verify, hand the event on, answer.
async fn desk(State(app): State<App>, RawQuery(query): RawQuery, body: Bytes) -> impl IntoResponse {
    let (status, answer) = match app.verifier.verify(query.as_deref().unwrap_or(""), &body) {
        Ok(callback) => {
            let answer = match &callback {
                Callback::AssignHuman(_) => assign_human_answer(None, &["test_agent@qq.com"]),
                _ => acknowledgement(),
            };
            app.handled.lock().unwrap().push(callback);
            (StatusCode::OK, answer)
        }
        // A RequestID already handled is a retry: acknowledge it, do not act twice.
        Err(e) if e.reason() == "replayed" => (StatusCode::OK, acknowledgement()),
        Err(e) => (StatusCode::BAD_REQUEST, json!({"error": e.to_string()})),
    };
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        answer.to_string(),
    )
}

#[test]
fn an_axum_handler_verifies_and_answers_the_emulators_callbacks() {
    let emulator = Emulator::start(EmulatorConfig::default()).unwrap();
    let app = App {
        verifier: Arc::new(Verifier::new(emulator.app().sdkappid)),
        handled: Arc::default(),
    };
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let url = format!("http://{}/desk", listener.local_addr().unwrap());
    let router = Router::new()
        .route("/desk", post(desk))
        .with_state(app.clone());
    runtime.spawn(async move { axum::serve(listener, router).await });

    let control = emulator.control();
    let set = json!({"url": url, "assign_human": true}).to_string();
    assert_eq!(control.handle("POST", "callback", set.as_bytes()).0, 200);
    let (_, created) = control.handle("POST", "sessions", br#"{"client_user_id":"user_axum"}"#);
    let session = created["session_id"].as_str().unwrap().to_owned();
    let keys = emulator.app();
    let config = timdesk::Config::new(keys.sdkappid, keys.secret_key.clone())
        .admin(keys.admin.clone())
        .base_url(emulator.base_url());
    let client = timdesk::Client::new(config).unwrap();
    let transfer = client
        .transfer_to_human(&timdesk::api::TransferToHuman::new(&session))
        .unwrap();
    assert_eq!(
        transfer.agent_id, "test_agent@qq.com",
        "routed by the handler's answer"
    );

    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while app.handled.lock().unwrap().len() < 2 && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    let handled = app.handled.lock().unwrap();
    let commands: Vec<Value> = handled
        .iter()
        .map(|c| c.to_value()["command"].clone())
        .collect();
    assert!(
        commands.contains(&json!("Desk.SessionEventNotify")),
        "{commands:?}"
    );
    assert!(
        commands.contains(&json!("ChatBot.OnAssignHuman")),
        "{commands:?}"
    );
}
