//! HTTPS: a server with a certificate from an unknown CA is refused, and accepted once its
//! CA is given as the extra CA bundle. The certificates come from scripts/gen-test-certs.
mod common;

use common::tls::{CA, serve_tls};
use timdesk::{Client, Config, ErrorKind, Region, RetryPolicy};

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

#[test]
fn an_https_host_is_reached_through_a_proxy_with_tls_inside_the_tunnel() {
    let (url, _server) = serve_tls();
    let proxy = common::proxy::Proxy::start();
    let config = Config {
        ca_bundle: Some(CA.to_vec()),
        proxy: Some(proxy.url.clone()),
        ..config(&url)
    };
    Client::new(config).unwrap().end_session("s").unwrap();
    let authority = url.trim_start_matches("https://");
    let heads = proxy.heads();
    assert_eq!(heads.len(), 1, "{heads:?}");
    assert!(
        heads[0].starts_with(&format!("connect {authority} http/1.1\r\n")),
        "{heads:?}"
    );
}
