//! `timdesk call SERVICE/COMMAND --json BODY`: one signed request to any v4 endpoint.

use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

use clap::Args;
use serde_json::Value;
use timdesk::{Client, Config};

/// Options of `timdesk call`.
#[derive(Debug, Args)]
pub(crate) struct CallArgs {
    /// The endpoint, e.g. desk_http_svc/describe_im_cdr_list.
    path: String,
    /// The JSON body.
    #[arg(
        long,
        conflicts_with = "json_file",
        required_unless_present = "json_file"
    )]
    json: Option<String>,
    /// A file holding the JSON body (- for stdin).
    #[arg(long)]
    json_file: Option<PathBuf>,
    /// Retry even when an attempt's answer was lost: only for reads and idempotent writes.
    #[arg(long)]
    idempotent: bool,
    #[command(flatten)]
    credentials: Credentials,
}

/// Where to send and as whom; each flag overrides its environment variable.
#[derive(Debug, Args)]
pub(crate) struct Credentials {
    /// SDKAppID [env: TIMDESK_SDKAPPID].
    #[arg(long)]
    sdkappid: Option<String>,
    /// Secret key; prefer the environment variable.
    #[arg(long, env = "TIMDESK_SECRET_KEY", hide_env_values = true)]
    key: Option<String>,
    /// Administrator account [env: TIMDESK_ADMIN, default administrator].
    #[arg(long)]
    admin: Option<String>,
    /// Region: china, singapore, seoul, tokyo, frankfurt, silicon-valley, jakarta, mumbai
    /// [env: TIMDESK_REGION].
    #[arg(long, conflicts_with = "endpoint")]
    region: Option<String>,
    /// Base URL instead of a region, e.g. the emulator's [env: TIMDESK_ENDPOINT].
    #[arg(long)]
    endpoint: Option<String>,
    /// Seconds allowed for each attempt [default: the client's, 10].
    #[arg(long)]
    timeout: Option<f64>,
}

impl Credentials {
    pub(crate) fn config(&self) -> timdesk::Result<Config> {
        let flag = |name: &str| -> Option<String> {
            match name {
                "TIMDESK_SDKAPPID" => self.sdkappid.clone(),
                "TIMDESK_SECRET_KEY" => self.key.clone(),
                "TIMDESK_ADMIN" => self.admin.clone(),
                "TIMDESK_REGION" => self.region.clone(),
                "TIMDESK_ENDPOINT" => self.endpoint.clone(),
                _ => None,
            }
        };
        let flags_choose_target = self.region.is_some() || self.endpoint.is_some();
        let mut config = Config::from_lookup(|name| {
            let from_env = || match name {
                "TIMDESK_REGION" | "TIMDESK_ENDPOINT" if flags_choose_target => None,
                _ => std::env::var(name).ok(),
            };
            flag(name).or_else(from_env)
        })?;
        if let Some(timeout) = self.timeout {
            if !(timeout.is_finite() && timeout > 0.0) {
                return Err(timdesk::Error::invalid_argument(
                    "--timeout",
                    "must be a positive number of seconds",
                ));
            }
            config.timeout = Duration::from_secs_f64(timeout);
        }
        Ok(config)
    }
}

pub(crate) fn run(args: CallArgs, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    report(call(&args), out, err)
}

/// Prints an answer as pretty JSON (exit 0) or the error on `err` (its [`exit_code`]).
pub(crate) fn report(
    answer: timdesk::Result<Value>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> u8 {
    match answer {
        Ok(answer) => match serde_json::to_string_pretty(&answer) {
            Ok(text) if writeln!(out, "{text}").is_ok() => 0,
            _ => 1,
        },
        Err(e) => {
            let _ = writeln!(err, "timdesk: {e}");
            exit_code(&e)
        }
    }
}

/// 2 for a usage error found before sending (no server code), 1 for any other failure.
pub(crate) fn exit_code(e: &timdesk::Error) -> u8 {
    if e.kind() == timdesk::ErrorKind::InvalidArgument && e.code().is_none() {
        2
    } else {
        1
    }
}

fn call(args: &CallArgs) -> timdesk::Result<Value> {
    let text = match (&args.json, &args.json_file) {
        (Some(text), _) => text.clone(),
        (None, Some(path)) if path.as_os_str() == "-" => std::io::read_to_string(std::io::stdin())
            .map_err(|e| {
                timdesk::Error::invalid_argument("--json-file", format!("cannot read stdin: {e}"))
            })?,
        (None, Some(path)) => std::fs::read_to_string(path).map_err(|e| {
            timdesk::Error::invalid_argument(
                "--json-file",
                format!("cannot read {}: {e}", path.display()),
            )
        })?,
        (None, None) => unreachable!("clap requires --json or --json-file"),
    };
    let body: Value = serde_json::from_str(&text)
        .map_err(|e| timdesk::Error::invalid_argument("--json", format!("is not JSON: {e}")))?;
    let client = Client::new(args.credentials.config()?)?;
    if args.idempotent {
        client.call_idempotent(&args.path, &body)
    } else {
        client.call(&args.path, &body)
    }
}
