//! The `timdesk` command, as a library: [`run`] takes the arguments and the output streams
//! and returns the exit code, so the binary, the Python console script and the tests all
//! run the same code.
//!
//! Exit codes: 0 success, 1 the operation failed (an invalid UserSig, an API error),
//! 2 a usage error (message on stderr).

mod api_cmd;
mod call_cmd;
mod cdrs_cmd;
pub mod conformance;
mod conformance_cmd;
mod conformance_files;
mod demo_cmd;
mod emulator_cmd;
mod usersig_cmd;

use std::ffi::OsString;
use std::io::Write;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// The `timdesk` command line.
#[derive(Debug, Parser)]
#[command(
    name = "timdesk",
    version,
    about = "Tencent Cloud Chat Desk server API: UserSig tools and API calls"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Generate, verify and decode UserSigs (TLSSigAPIv2).
    #[command(subcommand)]
    Usersig(usersig_cmd::UserSigCommand),
    /// Walk a whole contact-center session against the built-in emulator.
    Demo,
    /// Call a modelled endpoint by name with one typed flag per field (`timdesk api
    /// get_session_state --session-id ID`); prints the JSON answer.
    #[command(subcommand)]
    Api(api_cmd::ApiCall),
    /// Send one signed request to any v4 endpoint and print the JSON answer.
    Call(call_cmd::CallArgs),
    /// Print every session record (CDR) of a time window as JSON lines, page by page.
    Cdrs(cdrs_cmd::CdrsArgs),
    /// Run the built-in emulator of the server on 127.0.0.1 until Ctrl-C or SIGTERM.
    Emulator(emulator_cmd::EmulatorArgs),
    /// Check the documented cases (tests/conformance) against the emulator and, with
    /// --live, against a real application: where do they differ?
    Conformance(conformance_cmd::ConformanceArgs),
}

/// Runs the command line `args` (the first item is the program name), writing to `out` and
/// `err`, and returns the process exit code.
pub fn run<I, T>(args: I, out: &mut dyn Write, err: &mut dyn Write) -> u8
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let rendered = e.render().to_string();
            let stream: &mut dyn Write = if e.use_stderr() { err } else { out };
            let _ = stream.write_all(rendered.as_bytes());
            return code;
        }
    };
    match cli.command {
        Command::Usersig(command) => usersig_cmd::run(command, out, err),
        Command::Emulator(args) => emulator_cmd::run(args, out, err),
        Command::Demo => demo_cmd::run(out, err),
        Command::Api(call) => api_cmd::run(call, out, err),
        Command::Call(args) => call_cmd::run(args, out, err),
        Command::Cdrs(args) => cdrs_cmd::run(args, out, err),
        Command::Conformance(args) => conformance_cmd::run(args, out, err),
    }
}

/// Runs `args` against the process's stdout and stderr: the whole of `main`.
pub fn main_with_args<I, T>(args: I) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let code = run(
        args,
        &mut std::io::stdout().lock(),
        &mut std::io::stderr().lock(),
    );
    ExitCode::from(code)
}
