//! `timdesk cdrs --start T --end T [--format jsonl|csv]`: every session record of a window,
//! the pages fetched as the output reaches them, with a count on stderr at a terminal.

use std::io::{IsTerminal, Write};

use clap::{Args, ValueEnum};
use serde_json::Value;
use timdesk::api::CdrRecord;

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
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Jsonl)]
    format: Format,
    #[command(flatten)]
    credentials: Credentials,
}

/// How records are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// One JSON object per line, the server's field names.
    Jsonl,
    /// RFC 4180 CSV with a header row of the server's field names.
    Csv,
}

/// A CSV cell: quoted when it holds a comma, a quote or a line break.
fn csv_cell(value: &Value) -> String {
    let text = match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

fn line(record: &CdrRecord, format: Format) -> String {
    let json = record.to_json();
    match format {
        Format::Jsonl => json.to_string(),
        Format::Csv => CdrRecord::FIELDS
            .iter()
            .map(|field| csv_cell(&json[*field]))
            .collect::<Vec<_>>()
            .join(","),
    }
}

pub(crate) fn run(args: CdrsArgs, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let records = args
        .credentials
        .config()
        .and_then(timdesk::Client::new)
        .and_then(|client| client.cdrs(args.start, args.end, args.client_user_id.as_deref()));
    // Progress on stderr only for a person watching a terminal, never into a file or pipe.
    let progress = std::io::stderr().is_terminal();
    if args.format == Format::Csv && writeln!(out, "{}", CdrRecord::FIELDS.join(",")).is_err() {
        return 1;
    }
    let mut written = 0u64;
    let failure = match records {
        Err(e) => Some(e),
        Ok(mut records) => loop {
            match records.next() {
                None => break None,
                Some(Err(e)) => break Some(e),
                Some(Ok(record)) => {
                    if writeln!(out, "{}", line(&record, args.format)).is_err() {
                        return 1;
                    }
                    written += 1;
                    if progress
                        && written % <timdesk::CdrPages as timdesk::Paging>::page_size() == 0
                    {
                        let _ = write!(err, "\r{written} records");
                    }
                }
            }
        },
    };
    if progress && written >= <timdesk::CdrPages as timdesk::Paging>::page_size() {
        let _ = writeln!(err, "\r{written} records");
    }
    match failure {
        None => 0,
        Some(e) => {
            let _ = writeln!(err, "timdesk: after {written} records: {e}");
            exit_code(&e)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_cells_quote_what_would_break_a_row() {
        assert_eq!(csv_cell(&Value::from("Ann")), "Ann");
        assert_eq!(csv_cell(&Value::from("Lee, Ann")), "\"Lee, Ann\"");
        assert_eq!(
            csv_cell(&Value::from("say \"hi\"\n")),
            "\"say \"\"hi\"\"\n\""
        );
        assert_eq!(csv_cell(&Value::from(42)), "42");
    }
}
