//! The documented cases of tests/conformance against the emulator: every one must get the
//! answer the docs promise.
use timdesk_cli::conformance::{emulator_runner, file_names, suites};
use timdesk_emulator::{Emulator, EmulatorConfig};

#[test]
fn every_case_file_is_carried_and_valid() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/conformance");
    let mut on_disk: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|name| name.ends_with(".json"))
        .collect();
    on_disk.sort();
    let mut carried = file_names();
    carried.sort();
    assert_eq!(
        on_disk, carried,
        "every case file is carried: run `cargo run -p timdesk-codegen`"
    );
    let suites = suites();
    assert!(suites.iter().map(|s| s.cases.len()).sum::<usize>() >= 25);
    for suite in &suites {
        assert!(suite.doc.starts_with("https://"), "{}", suite.doc);
        for case in &suite.cases {
            assert!(
                !case.expect.codes().is_empty(),
                "{}: no ErrorCode",
                case.name
            );
            assert!(!case.from.is_empty(), "{}: no source", case.name);
        }
    }
}

#[test]
fn the_emulator_answers_every_case_as_documented() {
    let emulator = Emulator::start(EmulatorConfig::default()).unwrap();
    let runner = emulator_runner(&emulator);
    let mut failures = Vec::new();
    let mut ran = 0;
    for suite in suites() {
        for case in &suite.cases {
            ran += 1;
            let answer = runner.run(&suite, case);
            if let Err(why) = case.expect.check(&answer) {
                failures.push(format!(
                    "{} / {}: expected {}, got {why}",
                    suite.endpoint,
                    case.name,
                    case.expect.describe()
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    eprintln!("{ran} conformance cases, all as documented");
}

/// `timdesk conformance --live` against an application (here a second emulator, standing
/// in for the real service): a table with both columns, seeded cases left out live.
#[test]
fn conformance_live_prints_where_the_application_and_the_emulator_differ() {
    let live = Emulator::start(EmulatorConfig::default()).unwrap();
    let app = live.app();
    let run = |extra: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_timdesk"))
            .arg("conformance")
            .args(extra)
            .env("TIMDESK_SDKAPPID", app.sdkappid.to_string())
            .env("TIMDESK_SECRET_KEY", &app.secret_key)
            .env("TIMDESK_ENDPOINT", live.base_url())
            .env_remove("TIMDESK_REGION")
            .env_remove("TIMDESK_ADMIN")
            .output()
            .unwrap()
    };
    let out = run(&["--live"]);
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{table}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(table.starts_with("| endpoint (doc) | case | the docs say | emulator | live |"));
    assert!(table.contains("(needs seeded data)"));
    assert!(
        table.contains("the real server differs from the emulator in 0"),
        "{table}"
    );
    // An application that answers otherwise: every case differs and the exit code says so.
    live.control().inject(timdesk_emulator::Fault {
        path: None,
        action: timdesk_emulator::FaultAction::ErrorCode {
            code: 141002,
            info: "internal error".into(),
        },
        remaining: None,
        probability: 1.0,
    });
    let out = run(&["--live"]);
    let table = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{table}");
    assert!(table.contains("141002 internal error ✗"), "{table}");
    assert!(!table.contains("differs from the emulator in 0"), "{table}");
}
