//! The generator: the endpoint models (`models/*.json`, one file per endpoint, format in
//! `models/README.md`) in; the core's model data (`crates/timdesk/src/model/data.rs`) and
//! the API reference (`docs/api.md`) out; and the error kinds
//! (`models/library/error_kinds.json`) in, their copy in every binding out (`errors.rs`).
//! Data plus plain templates: each output is a function from the models to text.

mod cpp;
mod errors;
mod ffi;
mod format;
mod go;
mod model;
mod python;
mod reference;
mod rust;
mod surface;

use std::path::{Path, PathBuf};

pub use model::{Endpoint, Field, load};

/// A renderer: the models and the file's current text in, its new text out (most
/// renderers write the whole file; the stubs rewrite their generated regions only).
type Render = fn(&[Endpoint], &str) -> Result<String, String>;

/// The generated files, relative to the repository root, with their renderers.
const OUTPUTS: [(&str, Render); 14] = [
    ("crates/timdesk/src/model/data.rs", |e, _| rust::render(e)),
    ("crates/timdesk/src/client/generated.rs", |e, _| {
        surface::render(e)
    }),
    ("crates/timdesk-py/src/generated.rs", |e, _| {
        python::render_rust(e)
    }),
    ("python/timdesk/_native.pyi", python::render_stubs),
    ("docs/api.md", |e, _| reference::render(e)),
    ("crates/timdesk-ffi/src/generated.rs", |e, _| {
        ffi::render_rust(e)
    }),
    ("crates/timdesk-ffi/cbindgen.toml", ffi::render_initialisers),
    ("bindings/cpp/include/timdesk.hpp", cpp::render),
    ("bindings/go/endpoints_generated.go", |e, _| go::render(e)),
    ("crates/timdesk/src/error_kind.rs", |_, _| {
        errors::render_rust(&errors::declared()?)
    }),
    ("crates/timdesk-ffi-base/src/status.rs", |_, _| {
        errors::render_c(&errors::declared()?)
    }),
    ("bindings/go/errors_generated.go", |_, _| {
        errors::render_go(&errors::declared()?)
    }),
    ("python/timdesk/_error_kinds.py", |_, _| {
        errors::render_python(&errors::declared()?)
    }),
    ("docs/errors.md", |_, _| {
        errors::render_docs(&errors::declared()?)
    }),
];

/// `text` with the part between the markers `begin` and `end` replaced by `body`; `file`
/// names the file in errors.
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

/// Renders every output from the models under `root`; writes them, or with `check` only
/// compares. Returns the outputs that were (or would be) changed.
pub fn run(root: &Path, check: bool) -> Result<Vec<String>, String> {
    let endpoints = load(&root.join("models"))?;
    let mut stale = Vec::new();
    for (path, render) in OUTPUTS {
        let target = root.join(path);
        let current = std::fs::read_to_string(&target).unwrap_or_default();
        let fresh = render(&endpoints, &current)?;
        if current != fresh {
            stale.push(path.to_owned());
            if !check {
                std::fs::write(&target, fresh).map_err(|e| format!("{path}: {e}"))?;
            }
        }
    }
    Ok(stale)
}
