//! The formatters every generated file passes through, so that it reads as the test
//! command's format checks (cargo fmt, gofmt) expect.

use std::io::Write;
use std::process::{Command, Stdio};

/// Formats `source` with rustfmt (edition 2024), as `cargo fmt` would.
pub(crate) fn rustfmt(source: &str) -> Result<String, String> {
    format_with(
        "rustfmt",
        &["--edition", "2024", "--emit", "stdout"],
        "rustup component add rustfmt",
        source,
    )
}

/// Pipes `source` through the formatter `program` (`install` says how to get it).
fn format_with(
    program: &str,
    args: &[&str],
    install: &str,
    source: &str,
) -> Result<String, String> {
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run {program} ({install}): {e}"))?;
    child
        .stdin
        .take()
        .expect("stdin is piped")
        .write_all(source.as_bytes())
        .map_err(|e| format!("{program}: {e}"))?;
    let output = child
        .wait_with_output()
        .map_err(|e| format!("{program}: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "{program}: {}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    String::from_utf8(output.stdout).map_err(|e| format!("{program}: {e}"))
}

/// Formats `source` with gofmt, as the test command's gofmt check expects.
pub(crate) fn gofmt(source: &str) -> Result<String, String> {
    format_with("gofmt", &[], "install Go", source)
}
