//! HTTPS: a server with a certificate from an unknown CA is refused, and accepted once its
//! CA is given as the extra CA bundle. The certificates come from scripts/gen-test-certs.
use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use timdesk::{Client, Config, ErrorKind, Region, RetryPolicy};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const CA: &[u8] = include_bytes!("data/tls/ca.pem");
const CERT: &[u8] = include_bytes!("data/tls/server.pem");
const KEY: &[u8] = include_bytes!("data/tls/server.key");

/// An HTTPS server on 127.0.0.1 answering every request with an OK API answer.
fn serve_tls() -> (String, tokio::runtime::Runtime) {
    let certs = vec![CertificateDer::from_pem_slice(CERT).unwrap()];
    let key = PrivateKeyDer::from_pem_slice(KEY).unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let url = format!(
        "https://127.0.0.1:{}",
        listener.local_addr().unwrap().port()
    );
    runtime.spawn(async move {
        loop {
            let Ok((tcp, _)) = listener.accept().await else { continue };
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(tcp).await else { return };
                let mut request = Vec::new();
                let mut buf = [0u8; 4096];
                while let Ok(n) = tls.read(&mut buf).await {
                    if n == 0 {
                        return;
                    }
                    request.extend_from_slice(&buf[..n]);
                    if let Some(end) = request.windows(4).position(|w| w == b"\r\n\r\n") {
                        let head = String::from_utf8_lossy(&request[..end]).to_ascii_lowercase();
                        let length: usize = head
                            .lines()
                            .find_map(|l| l.strip_prefix("content-length:"))
                            .and_then(|v| v.trim().parse().ok())
                            .unwrap_or(0);
                        if request.len() >= end + 4 + length {
                            break;
                        }
                    }
                }
                let body = r#"{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":""}"#;
                let answer = format!("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len());
                let _ = tls.write_all(answer.as_bytes()).await;
                let _ = tls.shutdown().await;
            });
        }
    });
    (url, runtime)
}

fn config(url: &str) -> Config {
    Config::new(1_400_000_000, "k")
        .base_url(url)
        .retry(RetryPolicy::none())
}

#[test]
fn a_self_signed_server_is_refused_until_its_ca_is_trusted() {
    let (url, _server) = serve_tls();
    let e = Client::new(config(&url))
        .unwrap()
        .end_session("s")
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Network, "{e}");
    assert!(
        e.message().to_lowercase().contains("certificate"),
        "the error should say why: {e}"
    );
    assert!(!e.maybe_applied(), "a refused handshake sent nothing");

    let trusted = Config {
        ca_bundle: Some(CA.to_vec()),
        ..config(&url)
    };
    Client::new(trusted).unwrap().end_session("s").unwrap();
}

#[test]
fn region_hosts_are_https_only() {
    for region in Region::ALL {
        let client = Client::new(Config::new(1, "k").region(region)).unwrap();
        assert_eq!(client.base_url(), format!("https://{}", region.host()));
    }
}
