//! Helpers shared by the client's integration suites.
#![allow(dead_code)] // each suite uses its own subset

pub mod proxy;
pub mod tls;

use timdesk::Config;
use timdesk_emulator::Emulator;

/// A configuration for the emulator's app (default timeouts and retries).
pub fn config_for(emulator: &Emulator) -> Config {
    let app = emulator.app();
    Config::new(app.sdkappid, app.secret_key.clone())
        .admin(app.admin.clone())
        .base_url(emulator.base_url())
}

/// The MsgRandoms stored in a session, in delivery order.
pub fn stored_randoms(emulator: &Emulator, session: &str) -> Vec<u64> {
    let messages = emulator.control().messages(session).unwrap();
    messages
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["msg_random"].as_u64().unwrap())
        .collect()
}

/// A session's lifecycle state, e.g. "with_agent".
pub fn session_state(emulator: &Emulator, session: &str) -> String {
    emulator.control().session(session).unwrap()["state"]
        .as_str()
        .unwrap()
        .to_owned()
}
