//! docs/emulator.md lists every route of the control API, and nothing else: its table is
//! compared with the routes `Control::handle` matches, and each documented route is called.

use std::collections::BTreeSet;

use timdesk_emulator::{Emulator, EmulatorConfig};

/// `(method, path)` with every variable segment written `{}`.
type Route = (String, String);

fn normalise(path: &str) -> String {
    path.split('/')
        .map(|s| if s.starts_with('{') { "{}" } else { s })
        .collect::<Vec<_>>()
        .join("/")
}

fn documented() -> BTreeSet<Route> {
    let doc = include_str!("../../../docs/emulator.md");
    doc.lines()
        .filter_map(|line| {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            match cells.as_slice() {
                ["", method, path, ..]
                    if ["GET", "POST", "DELETE"].contains(method) && path.starts_with('/') =>
                {
                    Some(((*method).to_owned(), normalise(path)))
                }
                _ => None,
            }
        })
        .collect()
}

/// The routes in `handle`'s match: `("GET", ["sessions", id])` → `("GET", "/sessions/{}")`.
fn served() -> BTreeSet<Route> {
    let source = include_str!("../src/control.rs");
    let start = source
        .find("let result = match (method, segments.as_slice()) {")
        .unwrap();
    source[start..]
        .lines()
        .filter_map(|line| {
            let rest = line.trim().strip_prefix("(\"")?;
            let (method, rest) = rest.split_once("\", [")?;
            let (segments, _) = rest.split_once("])")?;
            let path: Vec<&str> = segments
                .split(", ")
                .map(|s| {
                    s.strip_prefix('"')
                        .map_or("{}", |s| s.trim_end_matches('"'))
                })
                .collect();
            Some((method.to_owned(), format!("/{}", path.join("/"))))
        })
        .collect()
}

#[test]
fn the_doc_lists_every_route_and_only_those() {
    let (documented, served) = (documented(), served());
    assert!(served.len() > 20, "the route parser found {served:?}");
    assert_eq!(
        documented.difference(&served).collect::<Vec<_>>(),
        Vec::<&Route>::new(),
        "documented but not served"
    );
    assert_eq!(
        served.difference(&documented).collect::<Vec<_>>(),
        Vec::<&Route>::new(),
        "served but not in docs/emulator.md"
    );
}

#[test]
fn every_documented_route_answers() {
    let emulator = Emulator::start(EmulatorConfig::default()).unwrap();
    let control = emulator.control();
    for (method, path) in documented() {
        let path = path.replace("{}", timdesk_emulator::seed::WAITING[0].session_id);
        let (status, answer) = control.handle(&method, &path, b"");
        assert_ne!(status, 404, "{method} {path}: {answer}");
    }
}

#[test]
fn the_seed_route_and_the_declaration_agree() {
    let emulator = Emulator::start(EmulatorConfig::default()).unwrap();
    let (status, seed) = emulator.control().handle("GET", "/seed", b"");
    assert_eq!(status, 200);
    assert_eq!(seed, timdesk_emulator::seed::to_json());
    let (_, state) = emulator.control().handle("GET", "/state", b"");
    let sessions: Vec<&str> = state["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["session_id"].as_str().unwrap())
        .collect();
    let seeded: Vec<&str> = timdesk_emulator::seed::WAITING
        .iter()
        .map(|s| s.session_id)
        .collect();
    assert_eq!(sessions, seeded);
}
