//! A configured proxy: requests pass through it by CONNECT tunnels, with the credentials of
//! its URL; a proxy that cannot be reached means nothing was sent.
mod common;

use common::config_for;
use common::proxy::Proxy;
use timdesk::api::CdrQuery;
use timdesk::{Client, Config, ErrorKind, RetryPolicy};
use timdesk_emulator::{Emulator, EmulatorConfig};

const CDRS: &str = "desk_http_svc/describe_im_cdr_list";

#[test]
fn requests_go_through_one_tunnel_with_the_proxy_urls_credentials() {
    let emulator = Emulator::start(EmulatorConfig::default()).unwrap();
    let proxy = Proxy::start();
    let config = Config {
        proxy: Some(proxy.url.replace("http://", "http://agent:pa%20ss@")),
        ..config_for(&emulator)
    };
    let client = Client::new(config).unwrap();
    for _ in 0..3 {
        client.describe_im_cdr_list(&CdrQuery::new(0, 1)).unwrap();
    }
    assert_eq!(emulator.control().request_count(CDRS), 3);
    let heads = proxy.heads();
    assert_eq!(
        heads.len(),
        1,
        "the pooled connection is the tunnel: {heads:?}"
    );
    let port = emulator.base_url().rsplit(':').next().unwrap().to_owned();
    assert!(
        heads[0].starts_with(&format!("connect 127.0.0.1:{port} http/1.1\r\n")),
        "{heads:?}"
    );
    // base64("agent:pa ss"): the URL's user and its percent-decoded password.
    assert!(
        heads[0].contains("proxy-authorization: basic ywdlbnq6cgegc3m=\r\n"),
        "{heads:?}"
    );
}

#[test]
fn an_unreachable_proxy_means_nothing_was_sent() {
    let emulator = Emulator::start(EmulatorConfig::default()).unwrap();
    let config = Config {
        proxy: Some("http://127.0.0.1:9".into()),
        ..config_for(&emulator).retry(RetryPolicy::none())
    };
    let e = Client::new(config).unwrap().end_session("s").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Network, "{e}");
    assert!(e.message().contains("cannot connect"), "{e}");
    assert!(!e.maybe_applied(), "{e}");
    assert_eq!(
        emulator
            .control()
            .request_count("desk_http_svc/end_session"),
        0
    );
}

#[test]
fn a_proxy_url_that_is_not_http_is_refused_at_construction() {
    for proxy in [
        "socks5://127.0.0.1:1080",
        "https://127.0.0.1:3128",
        "::::",
        "http://",
    ] {
        let config = Config {
            proxy: Some(proxy.into()),
            ..Config::new(1, "k")
        };
        let checked = config.validate().unwrap_err();
        assert!(checked.to_string().contains("proxy"), "{proxy}: {checked}");
        let e = Client::new(config).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidArgument, "{proxy}: {e}");
        assert!(e.to_string().contains("proxy"), "{proxy}: {e}");
    }
}
