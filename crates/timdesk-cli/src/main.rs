//! The `timdesk` command; everything lives in the library so the Python package runs the same CLI.
fn main() -> std::process::ExitCode {
    timdesk_cli::main_with_args(std::env::args_os())
}
