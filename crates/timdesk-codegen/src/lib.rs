//! The generator: the endpoint models (`models/*.json`, one file per endpoint, format in
//! `models/README.md`) in; every generated file out, listed in `OUTPUTS` (and in
//! `models/README.md`): the core's model data (one item per model) and typed Rust
//! surface, the pyo3 surface and its stubs, the C functions and the C headers (by the
//! pinned cbindgen, as a library), the C++ and Go surfaces, the API reference, and the
//! README's table of the emulator's assumptions; and from the error kinds
//! (`models/library/error_kinds.json`), their copy in every binding (`errors.rs`); and from
//! the message elements (`models/library/elements.json`), the core's element types and
//! Python's element classes and stubs, and the C and C++ element builders (`elements.rs`);
//! and from the documented server codes (`models/library/codes.json`) the core's code
//! table, and from the emulator's assumptions (`models/library/assumptions.json`) its list
//! and the README's table. The generator links none of the crates it writes into, so it
//! runs whatever state their generated files are in. `cargo run -p timdesk-codegen` writes
//! them all; `cargo test -p timdesk-codegen` fails when any is stale. Data plus plain
//! templates: each output is a function from the models to the text of a whole file.

mod assumptions;
mod codes;
mod conformance;
mod cpp;
mod elements;
mod errors;
mod ffi;
mod format;
mod go;
mod header;
mod model;
mod python;
mod reference;
mod rust;
mod surface;

use std::path::{Path, PathBuf};

pub use model::{Endpoint, Field, load};

/// What every renderer reads: the models, and the repository root for the renderers
/// that read sources of their own (the FFI crates for the C headers, the README).
pub struct Inputs<'a> {
    /// The repository root.
    pub root: &'a Path,
    /// Every model, sorted by name.
    pub endpoints: &'a [Endpoint],
}

/// A renderer: the inputs in, the whole text of its file out.
type Render = fn(&Inputs<'_>) -> Result<String, String>;

/// Every generated file, relative to the repository root, with its renderer: what
/// `cargo run -p timdesk-codegen` writes and the freshness test checks. A new output is
/// one row here.
const OUTPUTS: &[(&str, Render)] = &[
    ("crates/timdesk/src/model/data.rs", |i| {
        rust::render(i.endpoints)
    }),
    ("crates/timdesk/src/client/generated.rs", |i| {
        surface::render(i.endpoints)
    }),
    ("crates/timdesk-py/src/generated.rs", |i| {
        python::render_rust(i.endpoints)
    }),
    ("python/timdesk/_native_generated.pyi", |i| {
        python::render_stubs(i.endpoints, &i.current(python::NATIVE_STUB))
    }),
    ("docs/api.md", |i| reference::render(i.endpoints)),
    ("crates/timdesk-ffi/src/generated.rs", |i| {
        ffi::render_rust(i.endpoints)
    }),
    ("bindings/cpp/include/timdesk_endpoints.hpp", |i| {
        cpp::render(i.endpoints)
    }),
    ("bindings/go/endpoints_generated.go", |i| {
        go::render(i.endpoints)
    }),
    ("crates/timdesk/src/error_kind.rs", |_| {
        errors::render_rust(&errors::declared()?)
    }),
    ("crates/timdesk-ffi-base/src/status.rs", |_| {
        errors::render_c(&errors::declared()?)
    }),
    ("bindings/go/errors_generated.go", |_| {
        errors::render_go(&errors::declared()?)
    }),
    ("python/timdesk/_error_kinds.py", |_| {
        errors::render_python(&errors::declared()?)
    }),
    ("docs/errors.md", |_| {
        errors::render_docs(&errors::declared()?)
    }),
    ("crates/timdesk/src/api/elements.rs", |_| {
        elements::render_rust(&elements::declared()?)
    }),
    ("crates/timdesk-py/src/elements_generated.rs", |_| {
        elements::render_py(&elements::declared()?)
    }),
    ("crates/timdesk-ffi/src/elements_generated.rs", |_| {
        elements::render_ffi(&elements::declared()?)
    }),
    ("bindings/cpp/include/timdesk_elements.hpp", |_| {
        elements::render_cpp(&elements::declared()?)
    }),
    ("python/timdesk/_native_elements.pyi", |_| {
        elements::render_stubs(&elements::declared()?)
    }),
    ("bindings/go/elements_generated.go", |_| {
        elements::render_go(&elements::declared()?)
    }),
    (
        "crates/timdesk-cli/src/conformance_files.rs",
        conformance::render,
    ),
    // The headers come after the FFI crates' generated sources, which they read.
    ("include/timdesk.h", header::timdesk),
    ("include/timdesk_testing.h", header::testing),
    ("crates/timdesk/src/codes/table.rs", |_| {
        codes::render_rust(&codes::declared()?)
    }),
    ("crates/timdesk-emulator/src/assumptions/table.rs", |_| {
        assumptions::render_rust(&assumptions::declared()?)
    }),
    ("README.md", assumptions::render_readme),
];

impl Inputs<'_> {
    /// The current text of `path` (relative to the root), empty when it does not exist.
    fn current(&self, path: &str) -> String {
        std::fs::read_to_string(self.root.join(path)).unwrap_or_default()
    }
}

/// `text` with the part between the markers `begin` and `end` replaced by `body`; `file`
/// names the file in errors. Only for a table in a hand-written document (the README);
/// generated code is whole files.
pub(crate) fn splice(
    file: &str,
    text: &str,
    begin: &str,
    end: &str,
    body: &str,
) -> Result<String, String> {
    let start = text
        .find(begin)
        .ok_or_else(|| format!("{file} lacks the marker {begin:?}"))?
        + begin.len();
    let stop = text[start..]
        .find(end)
        .ok_or_else(|| format!("{file} lacks the marker {end:?}"))?
        + start;
    Ok(format!("{}{body}{}", &text[..start], &text[stop..]))
}

/// The repository root (this crate lives in `crates/timdesk-codegen`).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Renders every output from the models under `root`, in the order of `OUTPUTS`;
/// writes them, or with `check` only compares. Returns the outputs that were (or would
/// be) changed.
pub fn run(root: &Path, check: bool) -> Result<Vec<String>, String> {
    let endpoints = load(&root.join("models"))?;
    let inputs = Inputs {
        root,
        endpoints: &endpoints,
    };
    let mut stale = Vec::new();
    for &(path, render) in OUTPUTS {
        let target = root.join(path);
        let current = inputs.current(path);
        let fresh = render(&inputs)?;
        if current != fresh {
            stale.push(path.to_owned());
            if !check {
                std::fs::write(&target, fresh).map_err(|e| format!("{path}: {e}"))?;
            }
        }
    }
    Ok(stale)
}

/// The C functions the generated FFI sources (`crates/timdesk-ffi/src/generated.rs`, and
/// `elements_generated.rs` from the element declaration) export for the models under `root`, as `bindings/c/abi/libtimdesk.symbols` must list
/// them.
pub fn generated_c_functions(root: &Path) -> Result<Vec<String>, String> {
    let endpoints = load(&root.join("models"))?;
    let source = ffi::render_rust(&endpoints)? + &elements::render_ffi(&elements::declared()?)?;
    Ok(source
        .lines()
        .filter_map(|line| line.split_once("extern \"C\" fn "))
        .filter_map(|(_, rest)| rest.split_once('('))
        .map(|(name, _)| name.to_owned())
        .collect())
}
