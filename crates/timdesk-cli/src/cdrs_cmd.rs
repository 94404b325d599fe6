//! `timdesk cdrs --start T --end T`: every session record of a window as JSON lines, the
//! pages fetched as the output reaches them.

use std::io::Write;

use clap::Args;

use crate::call_cmd::{Credentials, exit_code};

/// Options of `timdesk cdrs`.
#[derive(Debug, Args)]
pub(crate) struct CdrsArgs {
    /// Window start, Unix seconds (session time).
    #[arg(long)]
    start: u64,
    /// Window end, Unix seconds (inclusive).
    #[arg(long)]
    end: u64,
    /// Only this user's sessions.
    #[arg(long)]
    client_user_id: Option<String>,
    #[command(flatten)]
    credentials: Credentials,
}

pub(crate) fn run(args: CdrsArgs, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let records = args
        .credentials
        .config()
        .and_then(timdesk::Client::new)
        .and_then(|client| client.cdrs(args.start, args.end, args.client_user_id.as_deref()));
    let mut written = 0u64;
    let failure = match records {
        Err(e) => Some(e),
        Ok(mut records) => loop {
            match records.next() {
                None => break None,
                Some(Err(e)) => break Some(e),
                Some(Ok(record)) => {
                    if writeln!(out, "{}", record.to_json()).is_err() {
                        return 1;
                    }
                    written += 1;
                }
            }
        },
    };
    match failure {
        None => 0,
        Some(e) => {
            let _ = writeln!(err, "timdesk: after {written} records: {e}");
            exit_code(&e)
        }
    }
}
