//! `timdesk conformance [--live]`: the documented cases against the emulator and,
//! with `--live`, against a real application, as a Markdown table.

use std::io::Write;

use clap::Args;
use timdesk_emulator::{Emulator, EmulatorConfig};

use crate::call_cmd::Credentials;
use crate::conformance::{Answer, Runner, Target, emulator_runner, suites};

/// Options of `timdesk conformance`.
#[derive(Debug, Args)]
pub(crate) struct ConformanceArgs {
    /// Also run the cases against the real application of the TIMDESK_* variables (or the
    /// flags), and show where it differs from the emulator. Nothing is created or changed.
    #[arg(long)]
    live: bool,
    #[command(flatten)]
    credentials: Credentials,
}

/// One row of the report.
struct Row {
    page: String,
    case: String,
    docs: String,
    emulator: (Answer, bool),
    live: Option<(Answer, bool)>,
}

/// Runs every case against the emulator (and `live`), returning the rows.
fn rows(emulator: &Runner, live: Option<&Runner>) -> Vec<Row> {
    let mut rows = Vec::new();
    for suite in suites() {
        let page = suite.doc.rsplit('/').next().unwrap_or("").to_owned();
        for case in &suite.cases {
            let answer = emulator.run(&suite, case);
            let ok = case.expect.check(&answer).is_ok();
            let live = live.filter(|r| r.can_run(case)).map(|r| {
                let answer = r.run(&suite, case);
                let ok = case.expect.check(&answer).is_ok();
                (answer, ok)
            });
            rows.push(Row {
                page: format!("{} ({page})", suite.endpoint),
                case: case.name.clone(),
                docs: case.expect.describe(),
                emulator: (answer, ok),
                live,
            });
        }
    }
    rows
}

fn cell((answer, ok): &(Answer, bool)) -> String {
    let mark = if *ok { "" } else { " ✗" };
    format!("{}{mark}", answer.summary().replace('|', "\\\\|"))
}

pub(crate) fn run(args: ConformanceArgs, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let live = if args.live {
        match args.credentials.config() {
            Ok(config) => Some(Runner::new(
                Target {
                    base_url: config.target.base_url(),
                    sdkappid: config.sdkappid,
                    admin: config.admin.clone(),
                    secret_key: config.secret_key.clone(),
                },
                None,
            )),
            Err(e) => {
                let _ = writeln!(err, "timdesk: {e}");
                return 2;
            }
        }
    } else {
        None
    };
    let emulator = match Emulator::start(EmulatorConfig::default()) {
        Ok(emulator) => emulator,
        Err(e) => {
            let _ = writeln!(err, "timdesk: cannot start the emulator: {e}");
            return 1;
        }
    };
    let rows = rows(&emulator_runner(&emulator), live.as_ref());
    let (mut off_docs, mut differ) = (0, 0);
    let header = if live.is_some() {
        "| endpoint (doc) | case | the docs say | emulator | live |\n|---|---|---|---|---|"
    } else {
        "| endpoint (doc) | case | the docs say | emulator |\n|---|---|---|---|"
    };
    let _ = writeln!(out, "{header}");
    for row in &rows {
        off_docs += usize::from(!row.emulator.1);
        let mut line = format!(
            "| {} | {} | {} | {} |",
            row.page,
            row.case,
            row.docs,
            cell(&row.emulator)
        );
        if live.is_some() {
            let live_cell = match &row.live {
                Some(result) => {
                    if result.0.code() != row.emulator.0.code() {
                        differ += 1;
                    }
                    cell(result)
                }
                None => "(needs seeded data)".to_owned(),
            };
            line += &format!(" {live_cell} |");
        }
        let _ = writeln!(out, "{line}");
    }
    let _ = writeln!(
        out,
        "\n{} cases; the emulator differs from the docs in {off_docs}{}",
        rows.len(),
        if live.is_some() {
            format!("; the real server differs from the emulator in {differ}")
        } else {
            String::new()
        }
    );
    u8::from(off_docs + differ > 0)
}
