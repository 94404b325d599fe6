//! `cargo run -p timdesk-codegen` rewrites the generated files from `models/*.json`;
//! `--check` only reports whether they are fresh (exit 1 when not).

use std::process::ExitCode;

fn main() -> ExitCode {
    let check = std::env::args().any(|a| a == "--check");
    match timdesk_codegen::run(&timdesk_codegen::repo_root(), check) {
        Ok(changed) if !check => {
            for path in changed {
                eprintln!("wrote {path}");
            }
            ExitCode::SUCCESS
        }
        Ok(stale) if stale.is_empty() => ExitCode::SUCCESS,
        Ok(stale) => {
            for path in stale {
                eprintln!("stale: {path} (run `cargo run -p timdesk-codegen`)");
            }
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("timdesk-codegen: {e}");
            ExitCode::FAILURE
        }
    }
}
