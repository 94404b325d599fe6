//! With no proxy configured, the standard environment variables choose one: `HTTP_PROXY`
//! for an http host, unless `NO_PROXY` names it. In a binary of its own: it sets the
//! process's environment.
mod common;

use common::config_for;
use common::proxy::Proxy;
use timdesk::Client;
use timdesk::api::CdrQuery;
use timdesk_emulator::{Emulator, EmulatorConfig};

#[test]
fn the_proxy_environment_variables_apply_when_no_proxy_is_configured() {
    let emulator = Emulator::start(EmulatorConfig::default()).unwrap();
    let proxy = Proxy::start();
    let call = || {
        Client::new(config_for(&emulator))
            .unwrap()
            .describe_im_cdr_list(&CdrQuery::new(0, 1))
            .unwrap()
    };
    // SAFETY: this binary holds this one test, and nothing else here reads the
    // environment while it changes (clients read it as they are made, on this thread).
    unsafe {
        for name in [
            "http_proxy",
            "HTTP_PROXY",
            "all_proxy",
            "ALL_PROXY",
            "no_proxy",
            "NO_PROXY",
        ] {
            std::env::remove_var(name);
        }
        std::env::set_var("HTTP_PROXY", &proxy.url);
    }
    call();
    assert_eq!(proxy.heads().len(), 1, "through the proxy from HTTP_PROXY");

    // SAFETY: as above.
    unsafe { std::env::set_var("NO_PROXY", "127.0.0.1") };
    call();
    assert_eq!(
        proxy.heads().len(),
        1,
        "NO_PROXY names the host: straight to it"
    );
    assert_eq!(
        emulator
            .control()
            .request_count("desk_http_svc/describe_im_cdr_list"),
        2
    );
}
