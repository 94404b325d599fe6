//! The error kinds and the C ABI's other statuses, declared once in
//! `models/library/error_kinds.json`, and the files made from them: the core's
//! `ErrorKind`, the C status enum (with the kind → status map), Go's `Status` constants and
//! `errors.Is` sentinels, Python's exception classes and the docs table.

use serde::Deserialize;

use crate::format::{gofmt, rustfmt};
use crate::surface::pascal;

/// Where the declaration lives, relative to the repository root.
pub(crate) const SOURCE: &str = "models/library/error_kinds.json";

/// The declaration's text, compiled in: editing it rebuilds the generator.
const TEXT: &str = include_str!("../../../models/library/error_kinds.json");

/// The declaration file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Declaration {
    /// The client's error kinds, in the order of `ErrorKind::ALL`.
    pub kinds: Vec<Kind>,
    /// The C ABI's statuses that are not error kinds (success, UserSig, emulator, ...).
    pub other_statuses: Vec<OtherStatus>,
}

/// One error kind.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Kind {
    /// The stable snake_case name every binding reports, e.g. `no_agent_online`.
    pub name: String,
    /// Its `TIMDESK_STATUS_*` value: part of the C ABI, never changed or reused.
    pub status: u32,
    /// What it means, one paragraph.
    pub doc: String,
    /// What it means for a C programmer, naming C functions, where that differs from `doc`.
    #[serde(default)]
    pub c_doc: Option<String>,
    /// The Python class's bases (default `TimdeskError`); a kind's class named here must be
    /// declared earlier.
    #[serde(default)]
    pub python_bases: Vec<String>,
}

/// A status of the C ABI that is not an error kind.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OtherStatus {
    /// Its name in the docs, and the kind of its Go sentinel.
    pub name: String,
    /// The C name after `TIMDESK_STATUS_`.
    pub c_name: String,
    /// The Go name after `Status` (and `Err`).
    pub go_name: String,
    /// Its value: part of the C ABI, never changed or reused.
    pub status: u32,
    /// What it means.
    pub doc: String,
    /// What it means for a C programmer, naming C functions, where that differs from `doc`.
    #[serde(default)]
    pub c_doc: Option<String>,
    /// Whether Go has an `errors.Is` sentinel for it.
    #[serde(default)]
    pub go_sentinel: bool,
}

impl Kind {
    /// `NoAgentOnline`: the Rust variant and the Go suffix.
    fn pascal(&self) -> String {
        pascal(&self.name)
    }

    /// `TIMDESK_STATUS_NO_AGENT_ONLINE`.
    fn c_name(&self) -> String {
        format!("TIMDESK_STATUS_{}", self.name.to_ascii_uppercase())
    }

    /// `NoAgentOnlineError`.
    fn python_class(&self) -> String {
        format!("{}Error", self.pascal())
    }
}

/// One value of the C enum, kinds and other statuses alike.
struct Status {
    c_name: String,
    go_name: String,
    value: u32,
    doc: String,
    c_doc: String,
}

impl Declaration {
    /// Every C status, sorted by value.
    fn statuses(&self) -> Vec<Status> {
        let kinds = self.kinds.iter().map(|k| Status {
            c_name: k.c_name(),
            go_name: k.pascal(),
            value: k.status,
            doc: k.doc.clone(),
            c_doc: k.c_doc.clone().unwrap_or_else(|| k.doc.clone()),
        });
        let others = self.other_statuses.iter().map(|s| Status {
            c_name: format!("TIMDESK_STATUS_{}", s.c_name),
            go_name: s.go_name.clone(),
            value: s.status,
            doc: s.doc.clone(),
            c_doc: s.c_doc.clone().unwrap_or_else(|| s.doc.clone()),
        });
        let mut all: Vec<Status> = kinds.chain(others).collect();
        all.sort_by_key(|s| s.value);
        all
    }
}

/// The declaration, checked for what JSON cannot say.
pub fn declared() -> Result<Declaration, String> {
    parse(TEXT)
}

/// `text` as a declaration: names snake_case and unique, status values unique, success
/// 0, every Python base defined before its use.
fn parse(text: &str) -> Result<Declaration, String> {
    let declaration: Declaration =
        serde_json::from_str(text).map_err(|e| format!("{SOURCE}: {e}"))?;
    let statuses = declaration.statuses();
    for pair in statuses.windows(2) {
        if pair[0].value == pair[1].value {
            return Err(format!(
                "{SOURCE}: {} and {} share the status {}; a status value is never reused",
                pair[0].c_name, pair[1].c_name, pair[0].value
            ));
        }
    }
    if statuses.first().map(|s| s.value) != Some(0) {
        return Err(format!("{SOURCE}: status 0 (success) must be declared"));
    }
    let mut names: Vec<&str> = declaration.kinds.iter().map(|k| k.name.as_str()).collect();
    names.extend(declaration.other_statuses.iter().map(|s| s.name.as_str()));
    for (i, name) in names.iter().enumerate() {
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c == '_' || c.is_ascii_digit())
        {
            return Err(format!("{SOURCE}: {name:?} is not a snake_case name"));
        }
        if names[..i].contains(name) {
            return Err(format!("{SOURCE}: {name:?} is declared twice"));
        }
    }
    let mut classes = vec!["TimdeskError".to_owned()];
    for kind in &declaration.kinds {
        for base in &kind.python_bases {
            let a_kind_class = declaration.kinds.iter().any(|k| &k.python_class() == base);
            if a_kind_class && !classes.contains(base) {
                return Err(format!(
                    "{SOURCE}: {}: the base {base} must be declared before it",
                    kind.name
                ));
            }
        }
        classes.push(kind.python_class());
    }
    Ok(declaration)
}

/// `text` cut into lines of at most `width` characters (a longer word keeps its line).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.len() + 1 + word.len() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// `text` as comment lines: each `prefix` + a wrapped line.
pub(crate) fn comment(text: &str, prefix: &str) -> String {
    wrap(text, 92 - prefix.len())
        .iter()
        .map(|line| format!("{prefix}{line}\n"))
        .collect()
}

/// The header line of a generated file, after the language's comment marker.
fn generated_from() -> String {
    format!("Generated by `cargo run -p timdesk-codegen` from `{SOURCE}`: do not edit.")
}

/// `crates/timdesk/src/error_kind.rs`: the core's `ErrorKind`, its names and `ALL`.
pub(crate) fn render_rust(d: &Declaration) -> Result<String, String> {
    let mut out = format!("//! {}\n\n", generated_from());
    out += "/// What kind of failure an error is: the thing callers branch on.\n";
    out += "#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]\n#[non_exhaustive]\n";
    out += "pub enum ErrorKind {\n";
    for kind in &d.kinds {
        out += &comment(&kind.doc, "    /// ");
        out += &format!("    {},\n", kind.pascal());
    }
    out += "}\n\nimpl ErrorKind {\n";
    out += "    /// Every kind, in the order of their C statuses (for bindings that mirror the list).\n";
    out += &format!("    pub const ALL: [ErrorKind; {}] = [\n", d.kinds.len());
    for kind in &d.kinds {
        out += &format!("        Self::{},\n", kind.pascal());
    }
    out += "    ];\n\n";
    out += "    /// A stable snake_case name, used across the bindings (e.g. `no_agent_online`).\n";
    out += "    pub fn name(self) -> &'static str {\n        match self {\n";
    for kind in &d.kinds {
        out += &format!("            Self::{} => {:?},\n", kind.pascal(), kind.name);
    }
    out += "        }\n    }\n}\n";
    rustfmt(&out)
}

/// `crates/timdesk-ffi-base/src/status.rs`: the C status enum (cbindgen writes it into
/// `timdesk.h`) and the status of each error kind.
pub(crate) fn render_c(d: &Declaration) -> Result<String, String> {
    let mut out = format!("//! {}\n\n", generated_from());
    out += "/// The result of a fallible function: TIMDESK_STATUS_OK or the kind of failure.\n";
    out += "/// The values are explicit and never reused; a newer library may add values, so a\n";
    out += "/// `switch` over it needs a default case.\n";
    out += "#[repr(C)]\n#[derive(Debug, Clone, Copy, PartialEq, Eq)]\npub enum timdesk_status {\n";
    for status in d.statuses() {
        out += &comment(&status.c_doc, "    /// ");
        out += &format!("    {} = {},\n", status.c_name, status.value);
    }
    out += "}\n\npub use timdesk_status::*;\n\n";
    out += "/// The status of each client error kind.\n";
    out += "pub fn status_of(kind: timdesk::ErrorKind) -> timdesk_status {\n";
    out += "    match kind {\n";
    for kind in &d.kinds {
        out += &format!(
            "        timdesk::ErrorKind::{} => {},\n",
            kind.pascal(),
            kind.c_name()
        );
    }
    out += "        // ErrorKind is non-exhaustive; every kind this library knows is above.\n";
    out += "        _ => TIMDESK_STATUS_UNKNOWN,\n    }\n}\n";
    rustfmt(&out)
}

/// `bindings/go/errors_generated.go`: `Status`, its constants, and the sentinels.
pub(crate) fn render_go(d: &Declaration) -> Result<String, String> {
    let mut out = format!(
        "// Code generated by `cargo run -p timdesk-codegen` from {SOURCE}. DO NOT EDIT.\n\n"
    );
    out += "package timdesk\n\n/*\n#include <timdesk.h>\n*/\nimport \"C\"\n\n";
    out += "// Status is a TIMDESK_STATUS_* value of the C ABI.\ntype Status uint32\n\n";
    out += "// The statuses: one per error kind, and the library's others.\nconst (\n";
    for status in d.statuses() {
        let name = format!("Status{}", status.go_name);
        out += &comment(
            &format!("{name} ({}): {}", status.value, status.doc),
            "\t// ",
        );
        out += &format!("\t{name} Status = C.{}\n", status.c_name);
    }
    out += ")\n\n";
    out +=
        "// Sentinels for errors.Is, one per error kind and per failure status that is not one.\n";
    out += "var (\n";
    let kinds = d.kinds.iter().map(|k| {
        let what = format!("kind {:?}", k.name);
        (k.pascal(), what, k.name.as_str(), k.doc.as_str())
    });
    let others = d.other_statuses.iter().filter(|s| s.go_sentinel).map(|s| {
        let what = format!("status TIMDESK_STATUS_{}", s.c_name);
        (s.go_name.clone(), what, s.name.as_str(), s.doc.as_str())
    });
    for (go_name, what, kind, doc) in kinds.chain(others) {
        let name = format!("Err{go_name}");
        out += &comment(&format!("{name} matches errors of {what}: {doc}"), "\t// ");
        out += &format!("\t{name} = &Error{{Status: Status{go_name}, Kind: {kind:?}}}\n");
    }
    out += ")\n\n";
    out += "// kindSentinels are the sentinels of the client error kinds, in the core's order.\n";
    out += "var kindSentinels = []*Error{\n";
    for kind in &d.kinds {
        out += &format!("\tErr{},\n", kind.pascal());
    }
    out += "}\n";
    gofmt(&out)
}

/// `python/timdesk/_error_kinds.py`: one exception class per kind, and `BY_KIND`.
pub(crate) fn render_python(d: &Declaration) -> Result<String, String> {
    let mut out = format!(
        "\"\"\"{}\n\nOne exception class per error kind of the core; :mod:`timdesk.exceptions` \
         re-exports them.\n\"\"\"\n\nfrom __future__ import annotations\n\n",
        generated_from()
    );
    let uses_builtins = d
        .kinds
        .iter()
        .flat_map(|k| &k.python_bases)
        .any(|b| b.starts_with("builtins."));
    if uses_builtins {
        out += "import builtins\n";
    }
    out += "from typing import Dict, Type\n\nfrom ._error_base import TimdeskError\n\n";
    out += "__all__ = [\n";
    for kind in &d.kinds {
        out += &format!("    \"{}\",\n", kind.python_class());
    }
    out += "]\n";
    for kind in &d.kinds {
        let bases = if kind.python_bases.is_empty() {
            "TimdeskError".to_owned()
        } else {
            kind.python_bases.join(", ")
        };
        out += &format!("\n\nclass {}({bases}):\n", kind.python_class());
        let lines = wrap(&kind.doc, 84);
        if lines.len() == 1 {
            out += &format!("    \"\"\"{}\"\"\"\n", lines[0]);
        } else {
            out += &format!("    \"\"\"{}\n", lines[0]);
            for line in &lines[1..] {
                out += &format!("    {line}\n");
            }
            out += "    \"\"\"\n";
        }
        out += &format!("\n    kind = {:?}\n", kind.name);
    }
    out += "\n\n#: The class of each kind, by the kind's name.\n";
    out += "BY_KIND: Dict[str, Type[TimdeskError]] = {\n";
    for kind in &d.kinds {
        out += &format!("    {:?}: {},\n", kind.name, kind.python_class());
    }
    out += "}\n";
    Ok(out)
}

/// `docs/errors.md`: the table of kinds in every binding, with the documented codes of
/// each (from `models/library/codes.json`), and the C ABI's other statuses.
pub(crate) fn render_docs(d: &Declaration) -> Result<String, String> {
    let table = crate::codes::declared()?;
    let mut out = String::from("# Error kinds\n\n");
    out += &format!("{}\n\n", generated_from());
    out += "Every failure has one kind, the thing to branch on. Server codes get theirs from \
            the table of every documented code (`timdesk::codes::TABLE`, declared in \
            `models/library/codes.json`); a code not in it keeps \
            its number with the kind `unknown`. Whether a failed request may succeed when \
            sent again, and whether it may have taken effect, are properties of each error \
            (`retryable`, `maybe_applied`), not of its kind.\n\n";
    out += "| kind | C status | Rust | Go | Python | meaning | documented codes |\n";
    out += "|---|---|---|---|---|---|---|\n";
    for kind in &d.kinds {
        let codes: Vec<String> = table
            .codes
            .iter()
            .filter(|row| row.kind == kind.name)
            .map(|row| row.code.to_string())
            .collect();
        out += &format!(
            "| `{}` | `{}` ({}) | `ErrorKind::{}` | `Err{}` | `{}` | {} | {} |\n",
            kind.name,
            kind.c_name(),
            kind.status,
            kind.pascal(),
            kind.pascal(),
            kind.python_class(),
            kind.doc,
            codes.join(", ")
        );
    }
    out += "\nThe C ABI's other statuses:\n\n| C status | Go | meaning |\n|---|---|---|\n";
    for status in &d.other_statuses {
        let go = if status.go_sentinel {
            format!("`Status{0}`, `Err{0}`", status.go_name)
        } else {
            format!("`Status{}`", status.go_name)
        };
        out += &format!(
            "| `TIMDESK_STATUS_{}` ({}) | {go} | {} |\n",
            status.c_name, status.status, status.doc
        );
    }
    out += "\nC: `timdesk_error_kind_count` and `timdesk_error_kind_at` list the kinds with \
            their statuses at run time. Python: `UserSigError` (a UserSig that did not decode \
            or verify) is an `AuthError`, and `CallbackError` (a refused callback) an \
            `InvalidArgumentError`, each with a `reason`.\n";
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The C ABI's numbers as released: a status value never changes and is never reused.
    /// A new kind adds its line here; changing a line is an ABI break.
    #[test]
    fn status_values_are_those_released() {
        let released = [
            ("TIMDESK_STATUS_OK", 0),
            ("TIMDESK_STATUS_INVALID_ARGUMENT", 1),
            ("TIMDESK_STATUS_AUTH", 2),
            ("TIMDESK_STATUS_FORBIDDEN", 3),
            ("TIMDESK_STATUS_NOT_FOUND", 4),
            ("TIMDESK_STATUS_NO_AGENT_ONLINE", 5),
            ("TIMDESK_STATUS_NOT_TRANSFERABLE", 6),
            ("TIMDESK_STATUS_RATE_LIMITED", 7),
            ("TIMDESK_STATUS_SERVER", 8),
            ("TIMDESK_STATUS_NETWORK", 9),
            ("TIMDESK_STATUS_TIMEOUT", 10),
            ("TIMDESK_STATUS_BAD_RESPONSE", 11),
            ("TIMDESK_STATUS_UNKNOWN", 12),
            ("TIMDESK_STATUS_USERSIG_INVALID", 13),
            ("TIMDESK_STATUS_EMULATOR", 14),
            ("TIMDESK_STATUS_DONE", 15),
            ("TIMDESK_STATUS_AGENT_BUSY", 16),
            ("TIMDESK_STATUS_CONFIGURATION", 17),
            ("TIMDESK_STATUS_PANIC", 100),
        ];
        let declared: Vec<(String, u32)> = declared()
            .unwrap()
            .statuses()
            .into_iter()
            .map(|s| (s.c_name, s.value))
            .collect();
        let released: Vec<(String, u32)> = released
            .iter()
            .map(|(name, value)| ((*name).to_owned(), *value))
            .collect();
        assert_eq!(declared, released);
    }

    fn with_kinds(kinds: &str) -> String {
        format!(
            r#"{{"kinds": [{kinds}], "other_statuses": [{{"name": "ok", "c_name": "OK", "go_name": "OK", "status": 0, "doc": "Success."}}]}}"#
        )
    }

    #[test]
    fn a_reused_status_value_is_refused_naming_both() {
        let text = with_kinds(
            r#"{"name": "auth", "status": 2, "doc": "."}, {"name": "gone", "status": 2, "doc": "."}"#,
        );
        let error = parse(&text).unwrap_err();
        assert!(
            error.contains("TIMDESK_STATUS_AUTH and TIMDESK_STATUS_GONE share the status 2"),
            "{error}"
        );
    }

    #[test]
    fn a_python_base_used_before_its_class_is_refused() {
        let text = with_kinds(
            r#"{"name": "timeout", "status": 1, "doc": ".", "python_bases": ["NetworkError"]}, {"name": "network", "status": 2, "doc": "."}"#,
        );
        let error = parse(&text).unwrap_err();
        assert!(error.contains("timeout: the base NetworkError"), "{error}");
    }

    #[test]
    fn a_name_that_is_not_snake_case_or_is_repeated_is_refused() {
        let camel = with_kinds(r#"{"name": "NotFound", "status": 1, "doc": "."}"#);
        assert!(parse(&camel).unwrap_err().contains("not a snake_case name"));
        let twice = with_kinds(r#"{"name": "ok", "status": 1, "doc": "."}"#);
        assert!(
            parse(&twice)
                .unwrap_err()
                .contains("\"ok\" is declared twice")
        );
    }
}
