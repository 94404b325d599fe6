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
        port: args.port,
    };
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
         control API: {url}/__control/state\n{}\
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
