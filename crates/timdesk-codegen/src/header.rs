//! `include/timdesk.h` and `include/timdesk_testing.h`: the C headers of the FFI crates,
//! made by the pinned cbindgen (a library here) from each crate's source and its
//! hand-written `cbindgen.toml`, plus, for `timdesk.h`, the initialisers of the generated
//! endpoints' option structs, added to that configuration in code.

use std::path::Path;

use crate::Inputs;
use crate::ffi::{generated, init_macro, options_struct};

/// `include/timdesk.h`, from `crates/timdesk-ffi`.
pub fn timdesk(inputs: &Inputs<'_>) -> Result<String, String> {
    let mut initialisers =
        String::from("\n/* The options of the generated endpoint functions (C and C++ alike). */");
    for e in generated(inputs.endpoints) {
        if let Some(name) = options_struct(e) {
            initialisers += &format!("\n#define {} TIMDESK_SIZED_INIT({name})", init_macro(e));
        }
    }
    cbindgen_header(&inputs.root.join("crates/timdesk-ffi"), &initialisers)
}

/// `include/timdesk_testing.h`, from `crates/timdesk-testing-ffi`.
pub fn testing(inputs: &Inputs<'_>) -> Result<String, String> {
    cbindgen_header(&inputs.root.join("crates/timdesk-testing-ffi"), "")
}

/// The header cbindgen makes of the crate in `dir` with its `cbindgen.toml`, with
/// `after_includes` appended to the configuration's own.
fn cbindgen_header(dir: &Path, after_includes: &str) -> Result<String, String> {
    let mut config = cbindgen::Config::from_file(dir.join("cbindgen.toml"))
        .map_err(|e| format!("{}: {e}", dir.display()))?;
    if !after_includes.is_empty() {
        let mut text = config.after_includes.take().unwrap_or_default();
        text += after_includes;
        config.after_includes = Some(text);
    }
    let mut out = Vec::new();
    cbindgen::Builder::new()
        .with_crate(dir)
        .with_config(config)
        .generate()
        .map_err(|e| format!("cbindgen, {}: {e}", dir.display()))?
        .write(&mut out);
    String::from_utf8(out).map_err(|e| format!("cbindgen, {}: {e}", dir.display()))
}
