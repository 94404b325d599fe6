//! One HTTP/1.1 exchange: hyper's pooled client over TCP, TLS (rustls with Mozilla's roots
//! and the configured CA bundle) and an optional proxy tunnel, and the failures an exchange
//! can end in, classified by whether the request may have taken effect.
//!
//! hyper directly rather than reqwest: reqwest parses every request's URL twice more
//! (its redirect layer and its response), which with a 200-character UserSig in the
//! query was 13% of the I/O thread's CPU per call.

use std::error::Error as StdError;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::Uri;
use hyper::header::{CONTENT_TYPE, HeaderValue, USER_AGENT};
use hyper_rustls::{HttpsConnector, HttpsConnectorBuilder};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::connect::proxy::Tunnel;
use hyper_util::client::proxy::matcher::Matcher;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;
use tokio::net::TcpStream;

use super::answer::{self, MAX_RESPONSE_BYTES};
use super::retry::Failure;
use crate::codes::ErrorKind;
use crate::config::{Config, Target};
use crate::error::{Error, Result};

type BoxError = Box<dyn StdError + Send + Sync>;

/// How to build the connection pool (again, in a forked child), checked at construction.
pub(crate) struct HttpSettings {
    connect_timeout: Duration,
    timeout: Duration,
    https_only: bool,
    /// The configured proxy; `None` reads the standard environment variables.
    proxy: Option<String>,
    /// Mozilla's roots and the configured CA bundle.
    roots: Arc<rustls::RootCertStore>,
}

impl HttpSettings {
    /// Reads the CA bundle (`Config::validate` has checked the proxy).
    pub(crate) fn from_config(config: &Config) -> Result<Self> {
        let mut roots = rustls::RootCertStore {
            roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
        };
        if let Some(pem) = &config.ca_bundle {
            let certs = CertificateDer::pem_slice_iter(pem)
                .collect::<std::result::Result<Vec<_>, _>>()
                .map_err(|_| {
                    Error::invalid_argument("ca_bundle", "is not a PEM certificate bundle")
                })?;
            if certs.is_empty() {
                return Err(Error::invalid_argument("ca_bundle", "holds no certificate"));
            }
            for cert in certs {
                roots.add(cert).map_err(|e| {
                    Error::invalid_argument(
                        "ca_bundle",
                        format!("holds an unusable certificate: {e}"),
                    )
                })?;
            }
        }
        Ok(Self {
            connect_timeout: config.connect_timeout,
            timeout: config.timeout,
            https_only: matches!(config.target, Target::Region(_)),
            proxy: config.proxy.clone(),
            roots: Arc::new(roots),
        })
    }

    /// A new connection pool (each process builds its own).
    pub(crate) fn build(&self) -> Result<Http> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let tls = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| {
                Error::local(
                    ErrorKind::InvalidArgument,
                    format!("cannot set up TLS: {e}"),
                    false,
                )
            })?
            .with_root_certificates(Arc::clone(&self.roots))
            .with_no_client_auth();
        let mut tcp = HttpConnector::new();
        tcp.enforce_http(false);
        // Shared among a host's addresses, so one that never answers leaves time for the
        // next; `Connecting` bounds the whole connection (tunnel and TLS too).
        tcp.set_connect_timeout(Some(self.connect_timeout));
        tcp.set_nodelay(true);
        let route = Route {
            direct: tcp,
            proxies: Arc::new(match &self.proxy {
                Some(proxy) => Matcher::builder().all(proxy.clone()).build(),
                None => Matcher::from_env(),
            }),
        };
        let builder = HttpsConnectorBuilder::new().with_tls_config(tls);
        let connector = if self.https_only {
            builder.https_only()
        } else {
            builder.https_or_http()
        }
        .enable_http1()
        .wrap_connector(route);
        let connector = Connecting {
            inner: connector,
            timeout: self.connect_timeout,
        };
        let client = Client::builder(TokioExecutor::new())
            .pool_idle_timeout(Duration::from_secs(60))
            // Above the concurrency of a busy async service (hundreds in flight): a lower
            // cap closes the connections of every burst and opens them again (measured:
            // 64 cost a third of the throughput at 200 in flight).
            .pool_max_idle_per_host(512)
            .pool_timer(TokioTimer::new())
            .build(connector);
        Ok(Http {
            client,
            timeout: self.timeout,
        })
    }
}

/// The connection pool of one process.
pub(crate) struct Http {
    client: Client<Connecting, Full<Bytes>>,
    timeout: Duration,
}

/// An answer as it came: status, content type and body (at most one chunk past
/// [`MAX_RESPONSE_BYTES`]).
pub(crate) struct Answer {
    pub status: u16,
    pub content_type: String,
    pub body: Vec<u8>,
}

impl Http {
    /// POSTs `body` as JSON to `uri` within the configured timeout; `sig` is kept out of
    /// every error.
    pub(crate) async fn post(&self, uri: Uri, body: Bytes, sig: &str) -> Result<Answer, Failure> {
        match tokio::time::timeout(self.timeout, self.exchange(uri, body, sig)).await {
            Ok(answer) => answer,
            Err(_) => Err(Failure::AnswerLost(Error::local(
                ErrorKind::Timeout,
                format!("no answer in time: none within {:?}", self.timeout),
                true,
            ))),
        }
    }

    async fn exchange(&self, uri: Uri, body: Bytes, sig: &str) -> Result<Answer, Failure> {
        static AGENT: HeaderValue =
            HeaderValue::from_static(concat!("timdesk/", env!("CARGO_PKG_VERSION")));
        let mut request = hyper::Request::new(Full::new(body));
        *request.method_mut() = hyper::Method::POST;
        *request.uri_mut() = uri;
        let headers = request.headers_mut();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        headers.insert(USER_AGENT, AGENT.clone());
        let response = self
            .client
            .request(request)
            .await
            .map_err(|e| classify(&e, sig))?;
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("no content type")
            .to_owned();
        let mut incoming = response.into_body();
        let mut body = Vec::new();
        while body.len() <= MAX_RESPONSE_BYTES {
            match incoming.frame().await {
                None => break,
                Some(Ok(frame)) => {
                    if let Some(data) = frame.data_ref() {
                        body.extend_from_slice(data);
                    }
                }
                Some(Err(e)) => {
                    return Err(Failure::AnswerLost(Error::local(
                        ErrorKind::Network,
                        format!("the answer broke off: {}", redacted(&e, sig)),
                        true,
                    )));
                }
            }
        }
        Ok(Answer {
            status,
            content_type,
            body,
        })
    }
}

/// Classifies a failed exchange: nothing was sent when the connection could not be made.
fn classify(e: &hyper_util::client::legacy::Error, sig: &str) -> Failure {
    let text = redacted(e, sig);
    if e.is_connect() {
        let kind = if timed_out(e) {
            ErrorKind::Timeout
        } else {
            ErrorKind::Network
        };
        return Failure::NotSent(Error::local(kind, format!("cannot connect: {text}"), true));
    }
    Failure::AnswerLost(Error::local(
        ErrorKind::Network,
        format!("the connection failed: {text}"),
        true,
    ))
}

/// Whether an I/O timeout is among the error's causes.
fn timed_out(e: &(dyn StdError + 'static)) -> bool {
    let mut cause = Some(e);
    while let Some(e) = cause {
        if e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::TimedOut)
        {
            return true;
        }
        cause = e.source();
    }
    false
}

/// The error and its causes, without the UserSig.
fn redacted(e: &(dyn StdError + 'static), sig: &str) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    answer::redact(&text, sig)
}

/// Makes the TCP connection for a destination: straight to it, or through the proxy that
/// intercepts it by a `CONNECT` tunnel (TLS, when the destination is https, then runs
/// inside the tunnel).
#[derive(Clone)]
struct Route {
    direct: HttpConnector,
    proxies: Arc<Matcher>,
}

impl tower_service::Service<Uri> for Route {
    type Response = TokioIo<TcpStream>;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, BoxError>> + Send>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, destination: Uri) -> Self::Future {
        let Some(proxy) = self.proxies.intercept(&destination) else {
            let connecting = self.direct.call(destination);
            return Box::pin(async move { Ok(connecting.await?) });
        };
        if proxy.uri().scheme_str() != Some("http") {
            let refused = format!(
                "the proxy {} (from the environment) is not an http:// proxy URL",
                proxy.uri()
            );
            return Box::pin(async move { Err(refused.into()) });
        }
        let mut tunnel = Tunnel::new(proxy.uri().clone(), self.direct.clone());
        if let Some(auth) = proxy.basic_auth() {
            tunnel = tunnel.with_auth(auth.clone());
        }
        let connecting = tunnel.call(destination);
        Box::pin(async move { Ok(connecting.await?) })
    }
}

/// The whole connection's making (TCP, a proxy's tunnel, the TLS handshake) within the
/// connect timeout: a proxy or a server that stalls before the request is written is a
/// connect failure, which sent nothing (and so may move to the backup host), rather than
/// an attempt timeout that may have applied.
#[derive(Clone)]
struct Connecting {
    inner: HttpsConnector<Route>,
    timeout: Duration,
}

impl tower_service::Service<Uri> for Connecting {
    type Response = <HttpsConnector<Route> as tower_service::Service<Uri>>::Response;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, BoxError>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, destination: Uri) -> Self::Future {
        let connecting = self.inner.call(destination);
        let timeout = self.timeout;
        Box::pin(async move {
            match tokio::time::timeout(timeout, connecting).await {
                Ok(connected) => connected,
                Err(_) => Err(std::io::Error::new(
                    std::io::ErrorKind::TimedOut,
                    format!("the connection was not made within {timeout:?}"),
                )
                .into()),
            }
        })
    }
}
