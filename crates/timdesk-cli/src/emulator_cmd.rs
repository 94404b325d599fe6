//! `timdesk emulator`: the built-in server for languages that cannot start it in-process.

use std::io::Write;

use clap::Args;
use timdesk_emulator::{AppConfig, Emulator, EmulatorConfig};

/// Options of `timdesk emulator`.
#[derive(Debug, Args)]
pub(crate) struct EmulatorArgs {
    /// Port on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// The SDKAppID to emulate.
    #[arg(long, default_value_t = AppConfig::default().sdkappid)]
    sdkappid: u64,
    /// The app's secret key.
    #[arg(long, env = "TIMDESK_SECRET_KEY", hide_env_values = true, default_value_t = AppConfig::default().secret_key)]
    key: String,
    /// The app administrator account.
    #[arg(long, default_value_t = AppConfig::default().admin)]
    admin: String,
    /// The address to listen on; 0.0.0.0 lets other containers reach it, and then the
    /// control API requires a token (printed at start).
    #[arg(long, default_value_t = std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST))]
    host: std::net::IpAddr,
    /// The control API's token (default: none on 127.0.0.1, a fresh one otherwise).
    #[arg(long, env = "TIMDESK_CONTROL_TOKEN", hide_env_values = true)]
    control_token: Option<String>,
    /// Where to POST Desk.SessionEventNotify (http://…), as the console's callback URL.
    #[arg(long)]
    callback_url: Option<String>,
    /// Redeliveries of a callback the app does not acknowledge (the emulator's assumption
    /// `callback_retries`; 0 for none).
    #[arg(long, requires = "callback_url")]
    callback_retries: Option<u32>,
    /// Ask the app which agents take each transfer (ChatBot.OnAssignHuman), as the
    /// console's business-server allocation does.
    #[arg(long, requires = "callback_url")]
    assign_human: bool,
}

pub(crate) fn run(args: EmulatorArgs, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let config = EmulatorConfig {
        app: AppConfig {
            sdkappid: args.sdkappid,
            secret_key: args.key,
            admin: args.admin,
        },
        host: args.host,
        port: args.port,
        control_token: match control_token(args.control_token.as_deref(), args.host) {
            Ok(token) => token,
            Err(e) => {
                let _ = writeln!(err, "timdesk: no random source for the control token: {e}");
                return 1;
            }
        },
    };
    let token_line = config
        .control_token
        .as_ref()
        .map(|t| {
            format!("control token: {t} (send Authorization: Bearer <token> to /__control/)\n")
        })
        .unwrap_or_default();
    let emulator = match Emulator::start(config) {
        Ok(emulator) => emulator,
        Err(e) => {
            let _ = writeln!(
                err,
                "timdesk: cannot start the emulator on port {}: {e}",
                args.port
            );
            return 1;
        }
    };
    if let Some(url) = &args.callback_url {
        let mut body = serde_json::json!({"url": url, "assign_human": args.assign_human});
        if let Some(retries) = args.callback_retries {
            body["retries"] = retries.into();
        }
        let body = body.to_string();
        let (status, answer) = emulator
            .control()
            .handle("POST", "callback", body.as_bytes());
        if status != 200 {
            let _ = writeln!(err, "timdesk: --callback-url: {}", answer["error"]);
            return 2;
        }
    }
    let app = emulator.app();
    let banner = format!(
        "timdesk emulator listening on {url}\n\
         TIMDESK_ENDPOINT={url}\nTIMDESK_SDKAPPID={}\nTIMDESK_SECRET_KEY={}\nTIMDESK_ADMIN={}\n\
         control API: {url}/__control/state\n{token_line}{}\
         stop with Ctrl-C or SIGTERM",
        app.sdkappid,
        app.secret_key,
        app.admin,
        timdesk_emulator::seed_summary(),
        url = emulator.base_url(),
    );
    // The credentials are the emulator's own, printed so other processes can use them.
    if writeln!(out, "{banner}")
        .and_then(|()| out.flush())
        .is_err()
    {
        return 1;
    }
    match emulator.wait_for_shutdown_signal() {
        Ok(()) => {
            emulator.stop();
            let _ = writeln!(out, "timdesk emulator stopped");
            0
        }
        Err(e) => {
            let _ = writeln!(err, "timdesk: cannot wait for signals: {e}");
            1
        }
    }
}

/// The control API's token: the one given; none on a loopback address; else a fresh
/// random one (128 bits, hex). Without the OS random source there is no safe token, and
/// the command refuses to start.
fn control_token(
    given: Option<&str>,
    host: std::net::IpAddr,
) -> Result<Option<String>, getrandom::Error> {
    if let Some(token) = given {
        return Ok(Some(token.to_owned()));
    }
    if host.is_loopback() {
        return Ok(None);
    }
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes)?;
    Ok(Some(bytes.iter().map(|b| format!("{b:02x}")).collect()))
}

#[cfg(test)]
mod tests {
    use super::control_token;

    #[test]
    fn a_reachable_emulator_gets_a_fresh_token_and_a_loopback_one_none() {
        let everywhere = "0.0.0.0".parse().unwrap();
        let first = control_token(None, everywhere).unwrap().unwrap();
        let second = control_token(None, everywhere).unwrap().unwrap();
        assert_eq!(first.len(), 32);
        assert_ne!(first, second, "fresh each start");
        assert_eq!(
            control_token(None, "127.0.0.1".parse().unwrap()).unwrap(),
            None
        );
        assert_eq!(
            control_token(Some("t"), "127.0.0.1".parse().unwrap())
                .unwrap()
                .as_deref(),
            Some("t")
        );
    }
}
