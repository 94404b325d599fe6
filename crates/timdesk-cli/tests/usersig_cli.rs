//! `timdesk usersig …` as a user runs it: exit codes, stdout and stderr.
use std::process::Command;

use serde_json::Value;
use timdesk::usersig::Signer;

const KEY: &str = "cli-test-secret-key";

fn run(args: &[&str]) -> (u8, String, String) {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = timdesk_cli::run(
        std::iter::once("timdesk").chain(args.iter().copied()),
        &mut out,
        &mut err,
    );
    (
        code,
        String::from_utf8(out).unwrap(),
        String::from_utf8(err).unwrap(),
    )
}

fn json(text: &str) -> Value {
    serde_json::from_str(text.trim()).unwrap_or_else(|e| panic!("{e}: {text}"))
}

#[test]
fn gen_prints_the_usersig_alone() {
    let (code, out, err) = run(&[
        "usersig",
        "gen",
        "--sdkappid",
        "1400000000",
        "--key",
        KEY,
        "--identifier",
        "admin",
        "--expire",
        "3600",
        "--time",
        "1700000000",
        "--userbuf-hex",
        "00ff10",
    ]);
    assert_eq!((code, err.as_str()), (0, ""));
    assert_eq!(out.lines().count(), 1);
    let doc = Signer::new(1_400_000_000, KEY)
        .verify_at(out.trim(), "admin", 1_700_000_000)
        .unwrap();
    assert_eq!((doc.expire, doc.time), (3600, 1_700_000_000));
    assert_eq!(doc.userbuf, Some(vec![0, 255, 16]));
}

#[test]
fn gen_defaults_to_180_days_from_now() {
    let (_, out, _) = run(&[
        "usersig",
        "gen",
        "--sdkappid",
        "1",
        "--key",
        KEY,
        "--identifier",
        "u",
    ]);
    let doc = Signer::new(1, KEY).verify(out.trim(), "u").unwrap();
    assert_eq!(doc.expire, 180 * 86_400);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    assert!(doc.time.abs_diff(now) < 60);
}

#[test]
fn verify_reports_valid_fields_and_exits_0() {
    let sig = Signer::new(7, KEY).generate_at("u", 100, Some(b"hi"), 1000);
    let (code, out, _) = run(&[
        "usersig",
        "verify",
        "--sdkappid",
        "7",
        "--key",
        KEY,
        "--identifier",
        "u",
        "--at",
        "1050",
        &sig,
    ]);
    assert_eq!(code, 0);
    let report = json(&out);
    assert_eq!(report["valid"], true);
    assert_eq!(report["identifier"], "u");
    assert_eq!(report["expires_at"], 1100);
    assert_eq!(report["userbuf_hex"], "6869");
}

#[test]
fn verify_names_the_reason_and_exits_1() {
    let sig = Signer::new(7, KEY).generate_at("u", 100, None, 1000);
    let cases = [
        (
            vec![
                "--sdkappid",
                "7",
                "--key",
                KEY,
                "--identifier",
                "u",
                "--at",
                "1101",
            ],
            "expired",
        ),
        (
            vec![
                "--sdkappid",
                "7",
                "--key",
                "wrong",
                "--identifier",
                "u",
                "--at",
                "1000",
            ],
            "bad_signature",
        ),
        (
            vec![
                "--sdkappid",
                "8",
                "--key",
                KEY,
                "--identifier",
                "u",
                "--at",
                "1000",
            ],
            "sdkappid_mismatch",
        ),
        (
            vec![
                "--sdkappid",
                "7",
                "--key",
                KEY,
                "--identifier",
                "v",
                "--at",
                "1000",
            ],
            "identifier_mismatch",
        ),
    ];
    for (flags, reason) in cases {
        let mut args = vec!["usersig", "verify"];
        args.extend(flags);
        args.push(&sig);
        let (code, out, _) = run(&args);
        assert_eq!(code, 1, "{reason}");
        let report = json(&out);
        assert_eq!(report["valid"], false);
        assert_eq!(report["error"], reason);
    }
    let (code, out, _) = run(&[
        "usersig",
        "verify",
        "--sdkappid",
        "7",
        "--key",
        KEY,
        "--identifier",
        "u",
        "not a usersig",
    ]);
    assert_eq!(
        (code, json(&out)["error"].as_str()),
        (1, Some("not_base64"))
    );
}

#[test]
fn decode_needs_no_key() {
    let sig = Signer::new(9, KEY).generate_at("客服", 5, None, 77);
    let (code, out, _) = run(&["usersig", "decode", &sig]);
    assert_eq!(code, 0);
    let doc = json(&out);
    assert_eq!(
        (
            doc["identifier"].as_str(),
            doc["sdkappid"].as_u64(),
            doc["time"].as_u64()
        ),
        (Some("客服"), Some(9), Some(77))
    );
    assert_eq!(doc["version"], "2.0");
    let (code, out, err) = run(&["usersig", "decode", "eJw_"]);
    assert_eq!((code, out.as_str()), (1, ""));
    assert!(err.contains("not_zlib"), "{err}");
}

#[test]
fn usage_errors_exit_2_on_stderr() {
    for args in [
        vec![
            "usersig",
            "gen",
            "--sdkappid",
            "abc",
            "--key",
            "k",
            "--identifier",
            "u",
        ],
        vec![
            "usersig",
            "gen",
            "--sdkappid",
            "1",
            "--key",
            "k",
            "--identifier",
            "u",
            "--userbuf-hex",
            "abc",
        ],
        vec!["usersig", "frobnicate"],
        vec![],
    ] {
        let (code, out, err) = run(&args);
        assert_eq!(code, 2, "{args:?}");
        assert!(out.is_empty());
        assert!(!err.is_empty());
    }
}

#[test]
fn the_binary_takes_the_key_from_the_environment_and_never_prints_it() {
    let bin = env!("CARGO_BIN_EXE_timdesk");
    let output = Command::new(bin)
        .args(["usersig", "gen", "--sdkappid", "5", "--identifier", "u"])
        .env("TIMDESK_SECRET_KEY", KEY)
        .output()
        .unwrap();
    assert!(output.status.success());
    let sig = String::from_utf8(output.stdout).unwrap();
    assert!(Signer::new(5, KEY).verify(sig.trim(), "u").is_ok());

    let help = Command::new(bin)
        .args(["usersig", "gen", "--help"])
        .env("TIMDESK_SECRET_KEY", KEY)
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&help.stdout).contains(KEY));

    let missing = Command::new(bin)
        .args(["usersig", "gen", "--sdkappid", "5", "--identifier", "u"])
        .env_remove("TIMDESK_SECRET_KEY")
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("--key"));
}
