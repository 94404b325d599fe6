//! The HTTP side: axum routes served by hyper over HTTP/1.1 with keep-alive, with a way for
//! a handler to close its connection without answering (the drop faults).

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{Method, Request, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::Notify;
use tower_service::Service as _;

use crate::answer::{self, ApiError};
use crate::auth;
use crate::control::Control;
use crate::endpoints::Endpoint;
use crate::faults::FaultAction;

/// Set on each request: firing it closes the request's connection without an answer.
#[derive(Clone)]
struct Hangup(Arc<Notify>);

impl Hangup {
    /// Closes the connection; never returns.
    async fn now(&self) -> Response {
        self.0.notify_one();
        std::future::pending().await
    }
}

/// Held by a delayed request's handler: dropped before its answer is ready (hyper drops
/// the handler when the client closes the connection), it counts a hangup.
struct HangupWatch {
    control: Control,
    path: String,
    answered: bool,
}

impl HangupWatch {
    /// The answer is ready: nothing to record.
    fn answered(mut self) {
        self.answered = true;
    }
}

impl Drop for HangupWatch {
    fn drop(&mut self) {
        if !self.answered && self.control.in_serving_process() {
            self.control.lock().count_hangup(&self.path);
        }
    }
}

/// The token the HTTP control API requires, if any.
#[derive(Clone)]
struct ControlToken(Option<Arc<str>>);

/// Accepts connections until the runtime is shut down.
pub(crate) async fn serve(listener: TcpListener, control: Control, token: Option<String>) {
    let token = ControlToken(token.map(Arc::from));
    let router = Router::new()
        .route("/v4/{*path}", any(v4))
        .route("/__control/{*path}", any(control_api))
        .layer(axum::Extension(token))
        .with_state(control);
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let _ = stream.set_nodelay(true);
        let hangup = Hangup(Arc::new(Notify::new()));
        let router = router.clone();
        let on_hangup = hangup.0.clone();
        let service = hyper::service::service_fn(move |mut request: Request<Incoming>| {
            request.extensions_mut().insert(hangup.clone());
            router.clone().call(request)
        });
        tokio::spawn(async move {
            let connection = hyper::server::conn::http1::Builder::new()
                .keep_alive(true)
                .serve_connection(TokioIo::new(stream), service);
            tokio::select! {
                _ = connection => {}
                () = on_hangup.notified() => {}
            }
        });
    }
}

async fn control_api(
    State(control): State<Control>,
    axum::Extension(token): axum::Extension<ControlToken>,
    method: Method,
    headers: axum::http::HeaderMap,
    Path(path): Path<String>,
    body: Bytes,
) -> Response {
    if let Some(expected) = &token.0 {
        let given = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or("");
        if !same_bytes(given.as_bytes(), expected.as_bytes()) {
            return (
                StatusCode::UNAUTHORIZED,
                [(header::CONTENT_TYPE, "application/json")],
                r#"{"error":"the control API requires Authorization: Bearer <the token printed at start>"}"#,
            )
                .into_response();
        }
    }
    let (status, value) = control.handle(method.as_str(), &path, &body);
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        value.to_string(),
    )
        .into_response()
}

async fn v4(
    State(control): State<Control>,
    axum::Extension(hangup): axum::Extension<Hangup>,
    method: Method,
    Path(path): Path<String>,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Response {
    let fault = {
        let mut inner = control.lock();
        inner.count_request(&path);
        inner.take_fault(&path)
    };
    match fault {
        Some(FaultAction::Delay(delay)) => {
            // A slow server still applies the request when the client stops waiting: the
            // work runs in its own task, which a closed connection does not cancel. A
            // closed connection drops this handler, which the watch records.
            let watch = HangupWatch {
                control: control.clone(),
                path: path.clone(),
                answered: false,
            };
            let query = query.unwrap_or_default();
            let work = tokio::spawn(async move {
                tokio::time::sleep(delay).await;
                handle_v4(&control, &method, &path, &query, &body)
            });
            let answer = work.await.unwrap_or_else(|_| error_page(500));
            watch.answered();
            return answer;
        }
        Some(FaultAction::ErrorCode { code, info }) => {
            let endpoint = Endpoint::from_path(&path);
            return json(answer::body(
                Err(ApiError::new(code, info)),
                endpoint.is_some_and(Endpoint::has_error_display),
            ));
        }
        Some(FaultAction::HttpStatus(status)) => return error_page(status),
        Some(FaultAction::MalformedJson) => {
            return (
                StatusCode::OK,
                [(header::CONTENT_TYPE, "application/json")],
                r#"{"ActionStatus":"OK","ErrorCode":0,"Err"#,
            )
                .into_response();
        }
        Some(FaultAction::DropBeforeApply) => return hangup.now().await,
        Some(FaultAction::DropAfterApply) | None => {}
    }
    let answer = handle_v4(
        &control,
        &method,
        &path,
        query.as_deref().unwrap_or(""),
        &body,
    );
    if fault == Some(FaultAction::DropAfterApply) {
        return hangup.now().await;
    }
    answer
}

/// Authenticates, rate-limits and applies one `/v4` request.
fn handle_v4(control: &Control, method: &Method, path: &str, query: &str, body: &[u8]) -> Response {
    let endpoint = Endpoint::from_path(path);
    let display = endpoint.is_some_and(Endpoint::has_error_display);
    if method != Method::POST {
        return json(answer::body(
            Err(ApiError::new(60002, "REST API calls must use POST")),
            display,
        ));
    }
    let shared = &control.shared;
    if let Err(e) = auth::check(query, &shared.app, &shared.signer, endpoint) {
        return json(answer::body(Err(e), display));
    }
    let Some(endpoint) = endpoint else {
        return json(answer::body(
            Err(ApiError::new(60009, format!("no such API: /v4/{path}"))),
            false,
        ));
    };
    if Control::over_rate_limit(&mut control.lock(), endpoint) {
        let e = ApiError::new(
            endpoint.rate_limited_code(),
            format!(
                "API rate limiting: {} is over its calls per second",
                endpoint.path()
            ),
        );
        return json(answer::body(Err(e), display));
    }
    // Only a transfer that passed the rate limit and its model asks the app.
    let routed = (endpoint == Endpoint::from(&timdesk::model::TRANSFER_TO_HUMAN))
        .then(|| route_by_app(control, body))
        .flatten();
    let body = routed.as_deref().unwrap_or(body);
    let mut inner = control.lock();
    let now = inner.now();
    let (world, mut fresh_id) = inner.world_and_ids();
    let result = endpoint.apply(world, body, now, &mut fresh_id);
    json(answer::body(result, display))
}

/// With business-server allocation chosen (`assign_human` in `POST /callback`), a
/// transfer first asks the app with ChatBot.OnAssignHuman; the AgentIdList and
/// AgentGroupId of its acknowledged answer replace the request's own. None (the request
/// as it came) when the choice is off, the request breaks its model, the session is
/// unknown, or the app did not answer OK
/// (see the assumption `assign_human`). The app is asked with no lock held, so its
/// handler may call the emulator.
fn route_by_app(control: &Control, body: &[u8]) -> Option<Vec<u8>> {
    let mut request: serde_json::Map<String, serde_json::Value> =
        serde_json::from_slice(body).ok()?;
    timdesk::model::TRANSFER_TO_HUMAN
        .check_body(&request)
        .ok()?;
    let session_id = request.get("SessionId")?.as_str()?.to_owned();
    let (notifier, user, now) = {
        let inner = control.lock();
        let notifier = inner.world.notifier.clone().filter(|n| n.assign_human)?;
        let user = inner.world.sessions.get(&session_id)?.user.clone();
        (notifier, user, inner.now())
    };
    let answer =
        tokio::task::block_in_place(|| notifier.ask_assign_human(&session_id, &user, now * 1000))?;
    for field in ["AgentIdList", "AgentGroupId"] {
        if let Some(value) = answer.get(field).filter(|v| !v.is_null()) {
            request.insert(field.to_owned(), value.clone());
        }
    }
    serde_json::to_vec(&request).ok()
}

/// Equality that takes the same time wherever the inputs differ.
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn json(value: serde_json::Value) -> Response {
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json")],
        value.to_string(),
    )
        .into_response()
}

/// An HTML error page like a gateway's.
fn error_page(status: u16) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_GATEWAY);
    let text = format!(
        "<html>\r\n<head><title>{status}</title></head>\r\n<body>\r\n<center><h1>{status}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
    );
    (status, [(header::CONTENT_TYPE, "text/html")], text).into_response()
}
