//! `timdesk usersig gen | verify | decode`.

use std::io::Write;

use clap::{Args, Subcommand};
use serde_json::Value;
use timdesk::usersig::{self, DEFAULT_EXPIRE_SECS, Signer};

/// The `usersig` verbs.
#[derive(Debug, Subcommand)]
pub(crate) enum UserSigCommand {
    /// Print a new UserSig, alone on stdout.
    Gen(GenArgs),
    /// Verify a UserSig: exit 0 and print its fields with "valid": true, or exit 1 with
    /// "valid": false and the "error" reason (expired is a reason).
    Verify(VerifyArgs),
    /// Print the fields of a UserSig as JSON, without checking it (no key needed).
    Decode {
        /// The UserSig.
        usersig: String,
    },
}

/// The application and its key, shared by gen and verify.
#[derive(Debug, Args)]
pub(crate) struct AppKey {
    /// The application's SDKAppID.
    #[arg(long)]
    sdkappid: u64,
    /// The application's secret key; prefer the environment variable, which keeps it out of
    /// shell history and process lists.
    #[arg(long, env = "TIMDESK_SECRET_KEY", hide_env_values = true)]
    key: String,
    /// The user the UserSig is for.
    #[arg(long)]
    identifier: String,
}

#[derive(Debug, Args)]
pub(crate) struct GenArgs {
    #[command(flatten)]
    app: AppKey,
    /// Validity in seconds (default 180 days).
    #[arg(long, default_value_t = DEFAULT_EXPIRE_SECS)]
    expire: u64,
    /// Bytes to carry inside the UserSig, in hex.
    #[arg(long, value_parser = parse_hex)]
    userbuf_hex: Option<HexBytes>,
    /// Issue time (Unix seconds) instead of now.
    #[arg(long)]
    time: Option<u64>,
}

#[derive(Debug, Args)]
pub(crate) struct VerifyArgs {
    #[command(flatten)]
    app: AppKey,
    /// Judge expiry at this time (Unix seconds) instead of now.
    #[arg(long)]
    at: Option<u64>,
    /// The UserSig.
    usersig: String,
}

pub(crate) fn run(command: UserSigCommand, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    match command {
        UserSigCommand::Gen(args) => {
            let signer = Signer::new(args.app.sdkappid, &args.app.key);
            let userbuf = args.userbuf_hex.as_ref().map(|hex| hex.0.as_slice());
            let sig = match args.time {
                Some(time) => signer.generate_at(&args.app.identifier, args.expire, userbuf, time),
                None => signer.generate(&args.app.identifier, args.expire, userbuf),
            };
            print_line(out, &sig)
        }
        UserSigCommand::Verify(args) => {
            let signer = Signer::new(args.app.sdkappid, &args.app.key);
            let result = match args.at {
                Some(at) => signer.verify_at(&args.usersig, &args.app.identifier, at),
                None => signer.verify(&args.usersig, &args.app.identifier),
            };
            let (mut report, code) = match result {
                Ok(doc) => (doc.fields_json(), 0),
                Err(e) => {
                    let mut report = usersig::decode(&args.usersig)
                        .map(|doc| doc.fields_json())
                        .unwrap_or_default();
                    report.insert("error".into(), e.reason().into());
                    report.insert("message".into(), e.to_string().into());
                    (report, 1)
                }
            };
            report.insert("valid".into(), (code == 0).into());
            print_line(out, &Value::Object(report).to_string()).max(code)
        }
        UserSigCommand::Decode { usersig } => match usersig::decode(&usersig) {
            Ok(doc) => {
                let mut report = doc.fields_json();
                report.insert("sig".into(), doc.sig().into());
                print_line(out, &Value::Object(report).to_string())
            }
            Err(e) => {
                let _ = writeln!(
                    err,
                    "timdesk: cannot decode the UserSig: {e} ({})",
                    e.reason()
                );
                1
            }
        },
    }
}

fn print_line(out: &mut dyn Write, line: &str) -> u8 {
    match writeln!(out, "{line}") {
        Ok(()) => 0,
        Err(_) => 1,
    }
}

/// Bytes given in hex on the command line.
#[derive(Debug, Clone)]
pub(crate) struct HexBytes(Vec<u8>);

fn parse_hex(text: &str) -> Result<HexBytes, String> {
    if text.len() % 2 != 0 {
        return Err("hex needs an even number of digits".into());
    }
    (0..text.len())
        .step_by(2)
        .map(|i| {
            text.get(i..i + 2)
                .and_then(|pair| u8::from_str_radix(pair, 16).ok())
                .ok_or_else(|| format!("{:?} is not a hex byte", text.get(i..i + 2).unwrap_or("")))
        })
        .collect::<Result<_, _>>()
        .map(HexBytes)
}
